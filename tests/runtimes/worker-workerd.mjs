// Cloudflare workerd: the package's web entry and its .wasm imported as a compiled
// WebAssembly.Module (what wrangler does for `import wasm from "….wasm"`), then `initSync`.
// workerd cannot fetch the .wasm by URL, so `await init()` with no argument is not an option.
// The module names below are the config's (runtimes.test.mjs writes it), which are the
// specifiers a wrangler project would write.
import { initSync } from 'estuary-user';
import * as estuary from 'estuary-user';
import wasm from 'estuary-user/estuary_user_bg.wasm';
import initInline from 'estuary-user/inline';
import { drive } from './driver.mjs';

/** What the inline entry's `init()` does here: workerd compiles no wasm from bytes (the README says so). */
const inlineInit = () => initInline().then(() => 'resolved', (e) => String(e));

export default {
  async fetch(request) {
    const config = JSON.parse(new URL(request.url).searchParams.get('config'));
    initSync({ module: wasm });
    try {
      const result = await drive(estuary, config);
      return Response.json({ runtime: `workerd ${navigator.userAgent}`, wasmIsModule: wasm instanceof WebAssembly.Module, inline: await inlineInit(), result });
    } catch (e) {
      return Response.json({ failed: String(e?.stack ?? e) }, { status: 500 });
    }
  },
};
