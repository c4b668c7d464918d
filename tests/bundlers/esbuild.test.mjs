// esbuild: `esbuild --bundle --minify` takes the inline entry as it is; the default entry needs
// its documented step: an ES module bundle (--format=esm keeps import.meta.url) with the
// package's .wasm copied next to it, since esbuild emits no asset for
// `new URL("….wasm", import.meta.url)`. The commands are the scripts of esbuild/package.json.
import { bundlerRows } from './matrix.mjs';

bundlerRows('esbuild', {
  html: { src: './index.js' },
  rows: [
    { entry: 'default', script: 'build' },
    { entry: 'inline', script: 'build:inline' },
  ],
});
