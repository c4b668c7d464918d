//! The TypeScript types of the package's values. wasm-bindgen types the exported functions;
//! the shapes of the objects they take and return are declared here, once.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"
/** Options of `new EstuaryUser(...)`: checked when the client is made; nothing is sent. */
export interface EstuaryUserOptions {
  /** An API key or session token of the user (`EST…ARY`). Never logged or put in a URL. */
  token: string;
  /** The node's URL, optionally with a path prefix, e.g. `http://localhost:3004`. Required:
   * there is no default host (the hosted `api.estuary.tech` was discontinued in 2023). */
  baseUrl: string;
  /** The limit of each call in milliseconds, retries and their waits included. Default
   * 30000; 0 means none; at most 2147483647. Past it a call rejects with kind `"timeout"`. */
  timeoutMs?: number;
  /** Retries of GET and DELETE calls on network errors, 429, 502, 503 and 504, with
   * exponential backoff and full jitter (300 ms doubling, capped at 8 s). Default 2, at most
   * 10. `createApiKey` is never retried. */
  maxRetries?: number;
}

/** Options of every call (its last argument), overriding the client's for that call. */
export interface CallOptions {
  /** Aborts the call (rejects with kind `"aborted"`). A signal from another realm (an
   * iframe, a `vm` context) works too. */
  signal?: AbortSignal;
  /** This call's limit in milliseconds, retries included; 0 means none. */
  timeoutMs?: number;
  /** This call's retries (GET and DELETE only; 0 to 10). */
  maxRetries?: number;
}

/** Parameters of `createApiKey`. */
export interface CreateApiKeyParams {
  /** A Go duration (`"720h"`, `"1h30m"`, `"1.5h"`, `"90m"`; no `d` unit) or `"never"`.
   * Absent: the node's default of 30 days. */
  expiry?: string;
  /** `"upload"` keys can only upload: they cannot call any user endpoint. Default `"all"`. */
  perms?: "all" | "upload";
  /** Free text shown in key lists. */
  label?: string;
}

/** An API key or session token of the user. */
export interface ApiKey {
  /** The plaintext token: only in `createApiKey`'s answer and in legacy rows; else `""`. */
  token: string;
  /** SHA-256 of the token, base64url without padding; `""` in legacy rows. */
  tokenHash: string;
  /** Free text (`"on-login"` / `"on-register"` for session tokens). */
  label: string;
  /** RFC 3339 time at which the key stops working. */
  expiry: string;
  /** `true` for tokens made by logging in or registering. */
  isSession: boolean;
}

/** The user's usage. Numbers are exact up to 2^53 bytes. */
export interface UserStats {
  /** Bytes stored. */
  totalSize: number;
  /** Number of pinned contents. */
  numPins: number;
}

/** Everything the node knows about the user's contents and deals (loosely typed items). */
export interface UserExport {
  Version: string;
  /** RFC 3339 time of the export. */
  Date: string;
  Version1: {
    Contents: Record<string, unknown>[];
    Deals: Record<string, unknown>[];
  };
}

/** What went wrong, to branch on:
 * - `invalid_input`: a bad argument or option; nothing was sent.
 * - `unauthorized`: 401, a missing, unknown, revoked or expired token.
 * - `forbidden`: 403, an upload-only key.
 * - `not_found`: 404, e.g. a `baseUrl` with a wrong path prefix.
 * - `rate_limited`: 429, more than 200 requests/s from one address.
 * - `server`: 5xx from the node or a proxy.
 * - `http`: any other non-2xx (a redirect is named in the message).
 * - `network`: `fetch` failed, or the connection died while the body was read.
 * - `timeout`: no complete answer within `timeoutMs`.
 * - `aborted`: the caller's `signal` fired.
 * - `decode`: a 2xx answer whose body is not what the endpoint returns.
 * - `invalid_response`: `fetch` resolved with something that is not a `Response` (usually a
 *   fetch mock that returns a plain object); not retried. */
export type EstuaryErrorKind =
  | "invalid_input"
  | "unauthorized"
  | "forbidden"
  | "not_found"
  | "rate_limited"
  | "server"
  | "http"
  | "network"
  | "timeout"
  | "aborted"
  | "decode"
  | "invalid_response";

/** Every error this package throws or rejects with: a real `Error` with a stack. Use
 * `isEstuaryError(e)` across realms, where `instanceof` fails. Optional fields are absent
 * (not `undefined`) when they do not apply. No field ever holds the client's token.
 * @example
 * ```ts
 * try { await user.getStats(); }
 * catch (e) { if (e instanceof EstuaryError && e.kind === "timeout") retryLater(); else throw e; }
 * ```
 */
export class EstuaryError extends Error {
  private constructor();
  readonly name: "EstuaryError";
  /** The category to branch on (see `EstuaryErrorKind`); `invalid_input` means nothing
   * was sent. */
  readonly kind: EstuaryErrorKind;
  /** The HTTP status, when the node (or a proxy) answered; also on `decode` (the 2xx). */
  readonly status?: number;
  /** The node's `reason`, e.g. `"ERR_INVALID_TOKEN"` or `"Not Found"`. */
  readonly reason?: string;
  /** The node's `details`, or a short excerpt (200 characters, tags stripped) of a body
   * that is not the node's error envelope. Tokens in it are `[redacted]`. */
  readonly details?: string;
  /** `aborted`: the caller's `signal.reason`. `network`: an `Error` (a `TypeError` for the
   * platform's network failures) with the `name` and `message` that `fetch` rejected with,
   * tokens masked. `timeout` after a retry began (in the wait before a retry, or in the
   * retried try itself): the last failed try's `EstuaryError`. */
  readonly cause?: unknown;
}
"#;
