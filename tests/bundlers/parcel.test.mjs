// Parcel 2: `parcel build index.html` with no config; it emits the .wasm of the default entry.
import { bundlerRows } from './matrix.mjs';

bundlerRows('parcel', { html: 'source', rows: [{ entry: 'default' }, { entry: 'inline' }] });
