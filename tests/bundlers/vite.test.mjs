// Vite: `vite build` with no config, from index.html; both entries emit or inline the .wasm.
import { bundlerRows } from './matrix.mjs';

bundlerRows('vite', { html: 'source', rows: [{ entry: 'default' }, { entry: 'inline' }] });
