// webpack 5: `webpack --mode production` with no config (entry src/index.js, output
// dist/main.js, a classic script); it emits the .wasm of the default entry as an asset.
import { bundlerRows } from './matrix.mjs';

bundlerRows('webpack', { html: { src: './main.js', type: 'text/javascript' }, rows: [{ entry: 'default' }, { entry: 'inline' }] });
