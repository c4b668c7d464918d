// Rollup 4 with @rollup/plugin-node-resolve only (`npm run build`): the inline entry needs
// nothing else; the default entry builds without a warning but emits no .wasm, so its page
// fails. With @web/rollup-plugin-import-meta-assets added (`npm run build:wasm-asset`) it
// works. The commands are the scripts of rollup/package.json, quoted in the README.
import { bundlerRows } from './matrix.mjs';

bundlerRows('rollup', {
  html: { src: './index.js' },
  rows: [
    { entry: 'inline' },
    { entry: 'default', fails: true },
    { entry: 'default', script: 'build:wasm-asset' },
  ],
});
