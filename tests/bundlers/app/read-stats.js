// What every app of the matrix does with the package (the bundler apps and the framework apps
// get a copy of this file): init(), then two calls against the node named by `params`
// (api=…&token=…). Resolves with a JSON-ready summary; `failure` turns a rejection into one.
export async function readStats(init, EstuaryUser, params) {
  await init();
  const user = new EstuaryUser({ token: params.get("token"), baseUrl: params.get("api"), maxRetries: 0 });
  const stats = await user.getStats();
  const keys = await user.listApiKeys();
  return { ok: true, stats, keyCount: keys.length };
}

export function failure(e) {
  return { ok: false, name: e?.name, kind: e?.kind, message: String(e?.message ?? e) };
}
