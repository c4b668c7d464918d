// Type-checked with `tsc --noEmit --strict` against the generated pkg/estuary_user.d.ts:
// locks the public types (a change that loosens them to `any` breaks the assignments below).
// Checked twice, without skipLibCheck: lib ESNext + DOM (tsconfig.json) and ES2022 + DOM
// (tsconfig.es2022.json), where only the .d.ts's own lib reference declares Symbol.dispose.
import init, {
  EstuaryUser,
  EstuaryError,
  isEstuaryError,
  checkExpiry,
  tokenHash,
  type ApiKey,
  type CallOptions,
  type EstuaryErrorKind,
  type UserExport,
  type UserStats,
} from "../../pkg/estuary_user.js";

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const assertType = <T extends true>(): T => true as T;

export async function usage(): Promise<void> {
  const output = await init();
  const memory: WebAssembly.Memory = output.memory;
  // The raw wasm exports are internal: `unknown`, not functions under their internal names.
  assertType<Equal<(typeof output)["__wbindgen_start"], unknown>>();
  // @ts-expect-error a raw export cannot be called without a check
  output.__wbindgen_start();
  const user = new EstuaryUser({ token: "EST…ARY", baseUrl: "http://localhost:3004", timeoutMs: 0, maxRetries: 1 });
  const base: string = user.baseUrl;

  const controller = new AbortController();
  const opts: CallOptions = { signal: controller.signal, timeoutMs: 5000, maxRetries: 0 };

  const keys = await user.listApiKeys(opts);
  assertType<Equal<typeof keys, ApiKey[]>>();
  const key = await user.createApiKey({ expiry: "720h", perms: "upload", label: "ci" });
  assertType<Equal<typeof key, ApiKey>>();
  await user.createApiKey();
  const revoked = await user.revokeApiKey(key);
  assertType<Equal<typeof revoked, void>>();
  await user.revokeApiKey(key.tokenHash, opts);
  const stats = await user.getStats();
  assertType<Equal<typeof stats, UserStats>>();
  const total: number = stats.totalSize + stats.numPins;
  const dump = await user.exportData();
  assertType<Equal<typeof dump, UserExport>>();
  const contents = dump.Version1.Contents;
  assertType<Equal<typeof contents, Record<string, unknown>[]>>();
  const firstCid: unknown = dump.Version1.Deals[0]?.["cid"];
  // A key as an app stores it: only the two fields revoking needs, no cast.
  const stored: Pick<ApiKey, "token" | "tokenHash"> = { token: "", tokenHash: key.tokenHash };
  await user.revokeApiKey(stored);
  const problem = checkExpiry("30d");
  assertType<Equal<typeof problem, string | null>>();
  const hash: string = tokenHash(key.token);

  try {
    await user.getStats();
  } catch (e: unknown) {
    if (e instanceof EstuaryError) {
      assertType<Equal<typeof e.kind, EstuaryErrorKind>>();
      const status: number | undefined = e.status;
      const reason: string | undefined = e.reason;
      const details: string | undefined = e.details;
      assertType<Equal<typeof e.cause, unknown>>();
      const message: string = e.message;
      void [status, reason, details, message];
    }
    if (isEstuaryError(e)) {
      const kind: EstuaryErrorKind = e.kind;
      void kind;
    }
  }

  // (deliberate error check below)
  // @ts-expect-error perms is "all" | "upload"
  await user.createApiKey({ perms: "admin" });
  // @ts-expect-error a number is neither a key nor an ApiKey
  await user.revokeApiKey(42);
  // @ts-expect-error the token is required
  new EstuaryUser({ baseUrl: "http://localhost:3004" });

  // wasm-bindgen's alias of free(), typed through esnext.disposable.
  user[Symbol.dispose]();
  void [base, total, contents, hash, memory, firstCid];
}
