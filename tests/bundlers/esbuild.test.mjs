// esbuild with `--bundle --minify` (`npm run build`): the inline entry needs nothing else; the
// default entry builds but emits no .wasm, so its page fails. Its documented step
// (`npm run build:wasm-file`): an ES module bundle (--format=esm keeps import.meta.url) with the
// package's .wasm copied next to it. The commands are the scripts of esbuild/package.json,
// quoted in the README.
import { bundlerRows } from './matrix.mjs';

bundlerRows('esbuild', {
  html: { src: './index.js' },
  rows: [
    { entry: 'inline' },
    { entry: 'default', fails: true },
    { entry: 'default', script: 'build:wasm-file' },
  ],
});
