// The runtime matrix's one driver: every runtime (Node 18/20/22, Deno, Bun, workerd, a module
// Worker in Chromium) imports the packed estuary-user its own way, initialises it, and hands
// the module to `drive`, which makes the same calls everywhere against the local test node and
// returns what it saw as plain JSON. tests/runtimes/runtimes.test.mjs compares that JSON with
// the same expectations for every runtime.
//
// Web platform APIs only (fetch, AbortController, setTimeout): no Node, Deno or Bun globals.

/** The observable facts of a rejection, as JSON. */
function describe(error, token) {
  const { EstuaryError, isEstuaryError } = describe.mod;
  return {
    isEstuaryError: isEstuaryError(error),
    instanceOfEstuaryError: error instanceof EstuaryError,
    instanceOfError: error instanceof Error,
    name: error?.name,
    kind: error?.kind,
    status: error?.status ?? null,
    reason: error?.reason ?? null,
    leaksToken: token ? ['message', 'details', 'stack'].some((f) => String(error?.[f] ?? '').includes(token)) : false,
  };
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs the matrix's calls with the module `mod` (the package's exports, already initialised)
 * against the local node at `baseUrl` (estuary-user-node: its control API is at `${baseUrl}/__test/`).
 */
export async function drive(mod, { baseUrl, token, wrongToken }) {
  describe.mod = mod;
  const { EstuaryUser, tokenHash } = mod;
  const control = async (path, init) => {
    // The control API takes JSON POSTs only.
    const response = await fetch(`${baseUrl}/__test/${path}`, init?.method === 'POST' ? { ...init, headers: { 'Content-Type': 'application/json' } } : init);
    if (!response.ok) throw new Error(`control ${path}: ${response.status}`);
    return response.json();
  };
  const statsRequests = async () => (await control('requests')).filter((r) => r.method === 'GET' && r.path === '/user/stats').length;

  const user = new EstuaryUser({ token, baseUrl, maxRetries: 0 });
  const out = {};

  // The five calls.
  const before = await user.listApiKeys();
  const created = await user.createApiKey({ expiry: '1h', label: 'runtime-matrix' });
  const afterCreate = await user.listApiKeys();
  await user.revokeApiKey(created);
  const afterRevoke = await user.listApiKeys();
  out.keys = {
    before: before.length,
    afterCreate: afterCreate.length,
    afterRevoke: afterRevoke.length,
    createdLabel: created.label,
    createdIsSession: created.isSession,
    createdHashIsTokenHash: created.tokenHash === tokenHash(created.token),
    listedAfterCreate: afterCreate.some((k) => k.tokenHash === created.tokenHash && k.label === 'runtime-matrix'),
    listedAfterRevoke: afterRevoke.some((k) => k.tokenHash === created.tokenHash),
  };
  out.stats = await user.getStats();
  const dump = await user.exportData();
  out.export = { contents: dump.Version1.Contents.length, deals: dump.Version1.Deals.length };

  // A typed error: a well-formed token the node does not know.
  try {
    await new EstuaryUser({ token: wrongToken, baseUrl, maxRetries: 0 }).getStats();
    out.unauthorized = 'resolved';
  } catch (e) {
    out.unauthorized = describe(e, wrongToken);
  }

  // An abort with a custom reason, while the node holds the request (a stall fault), then a
  // call on the same client that must work.
  await control('faults', { method: 'POST', body: JSON.stringify({ path: '/user/stats', method: 'GET', preset: 'stall' }) });
  const seen = await statsRequests();
  const controller = new AbortController();
  const call = user.getStats({ signal: controller.signal }).then(() => 'resolved', (e) => e);
  let arrived = false;
  for (let i = 0; i < 500 && !arrived; i++) {
    arrived = (await statsRequests()) > seen;
    if (!arrived) await sleep(10);
  }
  controller.abort('why');
  const aborted = await call;
  out.abort = { reachedTheNode: arrived, error: aborted === 'resolved' ? aborted : describe(aborted, token) };
  out.afterAbort = await user.getStats();
  user.free();
  return out;
}
