// A module Worker in a browser: the package's web entry by URL (workers have no import maps),
// `await init()` fetches the .wasm next to it, then the shared driver. Posts one message.
import init, * as estuary from './node_modules/estuary-user/estuary_user.js';
import { drive } from './driver.mjs';

self.onmessage = async (event) => {
  try {
    await init();
    const result = await drive(estuary, event.data);
    self.postMessage({ runtime: `worker ${navigator.userAgent}`, isWorker: typeof WorkerGlobalScope === 'function' && self instanceof WorkerGlobalScope, result });
  } catch (e) {
    self.postMessage({ failed: String(e?.stack ?? e) });
  }
};
