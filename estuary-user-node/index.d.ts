// Types of estuary-user-node: a local Estuary node for tests and demos (README.md).

/** Options of {@link startNode}. Every field is optional. */
export interface StartNodeOptions {
  /** Port to listen on. Default 3004 (a real node's port); `0` picks a free port. */
  port?: number;
  /**
   * Address to bind. Default `"127.0.0.1"`. A wildcard (`"0.0.0.0"`, `"::"`) exposes the node
   * to the network; its `baseUrl` then names loopback.
   */
  host?: string;
  /**
   * Makes every token the node generates deterministic: the seeded keys, keys made with
   * `POST /user/api-keys` and fresh users' keys (the same requests give the same tokens).
   * An integer >= 0. Without it, tokens are random.
   */
  seed?: number;
  /** Fixes the main user's full key: `tokens.user` (`tokens.demo` with `fixtures`). */
  token?: string;
  /** Requests per second per client IP before a 429 (a token bucket, burst = rate). Default 200; `0` turns it off. */
  rateLimit?: number;
  /**
   * Also seeds the fixed test users of the estuary-user test suites (README.md "Fixtures");
   * `tokens` then names their keys. Default false.
   */
  fixtures?: boolean;
  /** Alias of `fixtures`. */
  test?: boolean;
  /**
   * Serves the HTTP control API under `/__test/`. Default: only when `host` is a loopback
   * address. The in-process control methods of {@link EstuaryNode} work either way.
   */
  control?: boolean;
  /**
   * Origins of web pages allowed to use the HTTP control API, e.g. a test harness's page
   * `"http://127.0.0.1:8000"` (exact origins, no path). The control API refuses every other
   * page (and answers them no CORS); the Estuary API answers every origin. Default: none.
   */
  controlOrigins?: readonly string[];
  /**
   * Stops the node's clock at this time: a Date, or an RFC 3339 string kept to the nanosecond
   * (`"2030-01-01T00:00:00Z"`). Key expiries, `ERR_TOKEN_EXPIRED` and the export's `Date`
   * follow the clock; with `seed`, every answer is the same on every run. Between 1970 and
   * 2899. Default: the wall clock.
   */
  now?: Date | string;
  /** Called with one line per request (`METHOD url status time`); tokens in URLs are masked. Default: no log. */
  log?: (line: string) => void;
}

/** The seeded keys, by role. Each is an `EST…ARY` token. */
export interface NodeTokens {
  /** A full key of the main user: every `/user/*` call succeeds with it. */
  readonly user: string;
  /** An upload-only key of the same user: 403 `ERR_NOT_AUTHORIZED` on every `/user/*` call. */
  readonly uploadOnly: string;
  /** An expired key of the same user: 401 `ERR_TOKEN_EXPIRED`. */
  readonly expired: string;
  /** A session token of the same user (`isSession: true`, label `on-login`); it authenticates. */
  readonly session: string;
  /** A legacy key of the same user: listed with its plaintext `token` and `tokenHash: ""`; it authenticates. */
  readonly legacy: string;
  /** A full key of another user: it never sees or revokes the main user's keys. */
  readonly otherUser: string;
  /** With `fixtures`: the other user's second key. */
  readonly otherUserSecond?: string;
  /** With `fixtures`: a key listed the way an old node lists it (`{token, expiry}` only). */
  readonly oldShape?: string;
  /** With `fixtures`: a user whose stats are `null` and whose export lists are `null`. */
  readonly nullStats?: string;
  /** With `fixtures`: the demo user's full key (the main user without fixtures). */
  readonly demo?: string;
}

/** A built-in fault answer; `status`, `headers` and `body` still override its defaults. */
export type FaultPreset =
  /** 502 with nginx's HTML error page (`text/html`). */
  | 'html502'
  /** 504 with an empty body. */
  | 'empty504'
  /** The pre-2022 envelope `{"error": reason, "details": details}`, 401 by default. */
  | 'legacy'
  /** Never answers; the node forgets the request when the client goes away, on reset or on close. */
  | 'stall';

/** JSON that a fault's `json` field may hold. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * A fault: what a proxy or a sick node in front of the app might do, for the next `count`
 * matching requests (README.md "Faults"). It acts in this order: wait `delayMs`; `drop`; send
 * the given answer (`status`/`body`/`json`/`preset`) or the node's own; then `truncate` or `cut`.
 */
export interface FaultSpec {
  /** Only requests with this method (any case). Default: any method. `OPTIONS` is never faulted. */
  method?: string;
  /**
   * Only requests to this path, compared with the raw path after one trailing slash is dropped;
   * no query. `*` stands for one whole segment: `"/user/api-keys/*"` matches every revoke.
   * Must start with `/`. Default: any path.
   */
  path?: string;
  /** How many matching requests it applies to. Default 1. */
  count?: number;
  /** The answer's status (200..599). Default 200 when `body` or `json` is given. */
  status?: number;
  /** The answer's body, verbatim (`text/plain; charset=utf-8` unless `headers` sets a Content-Type). */
  body?: string;
  /** The answer's body as JSON (`application/json; charset=UTF-8`). */
  json?: JsonValue;
  /** Headers added to the answer. */
  headers?: Record<string, string>;
  /** Milliseconds to wait before anything else (0..600000). If the client goes away meanwhile, nothing is sent. */
  delayMs?: number;
  /** Destroys the connection without an answer (the client sees a network error). */
  drop?: boolean;
  /** Sends half of the body, with a Content-Length that matches the half. */
  truncate?: boolean;
  /** Sends the headers of the whole body, half of it, then destroys the connection. */
  cut?: boolean;
  /** Repeats `body` (or `"x"`) to exactly this many bytes: a proxy's large error page. */
  bodyBytes?: number;
  /** A built-in answer. */
  preset?: FaultPreset;
  /** With `preset: "legacy"`: the `error` string. Default `ERR_INVALID_TOKEN`. */
  reason?: string;
  /** With `preset: "legacy"`: the `details` string. Default `api key does not exist`. */
  details?: string;
  /** `false` leaves out `Access-Control-Allow-Origin`: a browser then sees a CORS failure. Default true. */
  cors?: boolean;
}

/** A queued fault, as {@link EstuaryNode.faults} reports it. */
export interface PendingFault extends FaultSpec {
  /** How many more requests it will hit. */
  remaining: number;
}

/**
 * One request the node received (control requests excepted), as it arrived: an entry of the
 * call record. It holds the hash of the token used, never the token or the `Authorization` header.
 */
export interface RequestLogEntry {
  method: string;
  /** The raw request target: path and query, undecoded (a legacy key's revoke carries its token here, as sent). */
  url: string;
  /** The raw path. */
  path: string;
  /** The raw query, without `?`; `""` if none. */
  query: string;
  /** The hash ({@link tokenHash}) of the token of an `Authorization: Bearer <token>` header, or null if there was none. */
  tokenHash: string | null;
  /** Header names in lower case, without `authorization` and `proxy-authorization`. */
  headers: Record<string, string | string[]>;
  /** Bytes in the request body. */
  bodyLength: number;
  /** The `Origin` header, or null. */
  origin: string | null;
  /** The status sent, or null if a fault dropped or stalled the request (or it is still in flight). */
  status: number | null;
  /** When it arrived: milliseconds since the Unix epoch by the real clock (not the node's clock), sub-millisecond precision. */
  startedAt: number;
  /** Milliseconds from arrival until the answer went out (or the connection ended); null while in flight. */
  durationMs: number | null;
}

/** What {@link EstuaryNode.waitForRequest} waits for; each field given must match. */
export interface RequestMatch {
  /** The method, any case. */
  method?: string;
  /** A path pattern, as in {@link FaultSpec.path} (`*` for one segment). */
  path?: string;
  /** The status sent; `null` matches a request not answered (yet). */
  status?: number | null;
}

/** The node's clock: what "now" is for key expiries, `ERR_TOKEN_EXPIRED` and the export's `Date`. */
export interface NodeClock {
  /** The node's time (milliseconds; the node keeps nanoseconds). */
  now(): Date;
  /** Stops the clock at `date`: a Date, or an RFC 3339 string kept to the nanosecond. Throws a TypeError for anything else, or outside 1970..2899. */
  set(date: Date | string): void;
  /** Moves the clock `ms` milliseconds forward (an integer >= 0), stopped or running. */
  advance(ms: number): void;
  /** Whether the clock stands still (`now` was given, or `set()` called) rather than following the wall clock. */
  readonly frozen: boolean;
}

/** `stats` of {@link CreateUserOptions}: a number, a string of digits (beyond 2^53) or null. */
export type StatsValue = number | string | null;

/** Options of {@link EstuaryNode.createUser}. */
export interface CreateUserOptions {
  /** Extra full keys besides the one returned (labels `key-1`, …). Default 0. */
  keys?: number;
  /** Number of contents, each `1024·i` bytes. Default 0. */
  contents?: number;
  /** Pads content descriptions so that the user's export is about this many bytes. */
  exportBytes?: number;
  /** Overrides what `GET /user/stats` answers. */
  stats?: { totalSize?: StatsValue; numPins?: StatsValue } | null;
}

/** A running node, from {@link startNode}. */
export interface EstuaryNode {
  /** `http://127.0.0.1:PORT`, without a trailing slash: the `baseUrl` for the client. */
  readonly baseUrl: string;
  /** The port it listens on (the free one picked for `port: 0`). */
  readonly port: number;
  /** The address it is bound to. */
  readonly host: string;
  /** The seeded keys, by role. */
  readonly tokens: NodeTokens;
  /** `${baseUrl}/__test/` when the HTTP control API is served, else null. */
  readonly controlUrl: string | null;
  /** The node's clock. {@link EstuaryNode.reset} puts it back to how the node started. */
  readonly clock: NodeClock;
  /** Stops the node: closes every connection (stalled and keep-alive ones included). Idempotent. */
  close(): Promise<void>;
  /** Restores the seeded state: keys, users, the rate limit, the clock; clears faults and the request log; closes stalled requests. */
  reset(): void;
  /** Queues a fault. Throws a TypeError for an unknown field, a bad value or fields that contradict each other (checked in full here, not when a request comes). */
  fault(spec: FaultSpec): void;
  /** The queued faults, in order. */
  faults(): PendingFault[];
  /** Drops every queued fault. */
  clearFaults(): void;
  /** Every request so far (control requests excepted), in arrival order; at most 100 000. A copy. */
  requests(): RequestLogEntry[];
  /** Clears the request log. */
  clearRequests(): void;
  /**
   * Resolves with (a copy of) the first request, already recorded or still to come, that
   * `match` accepts; checked as each request arrives and again when it is answered. Rejects
   * after `timeoutMs` (default 5000), when the node closes, or (a TypeError) for a bad match.
   * Clear the log first to wait for a new request only.
   */
  waitForRequest(match: RequestMatch | ((entry: RequestLogEntry) => boolean), options?: { timeoutMs?: number }): Promise<RequestLogEntry>;
  /** Creates a fresh user with one full key (label `main`) and returns that key. */
  createUser(options?: CreateUserOptions): { token: string };
  /** Changes the rate limit (requests per second per client IP; 0 = off) and empties the buckets. */
  setRateLimit(rate: number): void;
  /** The current rate limit. */
  rateLimit(): number;
  /** How many requests held by a `stall` fault are still open. */
  stalled(): number;
}

/** Starts a node and resolves once it is listening. Rejects if the port is taken. */
export function startNode(options?: StartNodeOptions): Promise<EstuaryNode>;

/** Whether `host` is a loopback address (`localhost`, `127.x.x.x`, `::1`). */
export function isLoopback(host: string): boolean;

/** A key's `tokenHash`: SHA-256 of the token's UTF-8 bytes, base64url without padding. */
export function tokenHash(token: string): string;
