//! The TypeScript types of the package's values. wasm-bindgen types the exported functions;
//! the shapes of the objects they take and return are declared here, once.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"
/** Options of `new EstuaryUser(...)`. */
export interface EstuaryUserOptions {
  /** An API key or session token of the user (`EST…ARY`). Never logged or put in a URL. */
  token: string;
  /** The node's URL, optionally with a path prefix, e.g. `http://localhost:3004`. Required:
   * there is no default host (the hosted `api.estuary.tech` was discontinued in 2023). */
  baseUrl: string;
  /** Per-call timeout in milliseconds, retries included. Default 30000; 0 means none. */
  timeoutMs?: number;
  /** Retries of GET and DELETE calls on network errors, 429, 502, 503 and 504, with
   * exponential backoff and full jitter (300 ms doubling, capped at 8 s). Default 2, at most
   * 10. `createApiKey` is never retried. */
  maxRetries?: number;
}

/** Options of every call. */
export interface CallOptions {
  /** Aborts the call (rejects with kind `"aborted"`). A signal from another realm (an
   * iframe, a `vm` context) works too. */
  signal?: AbortSignal;
  /** Overrides the client's timeout for this call; 0 means none. */
  timeoutMs?: number;
  /** Overrides the client's `maxRetries` for this call. */
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

/** What went wrong: see the README's error contract. */
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
  | "decode";

/** Every error this package throws or rejects with. */
export class EstuaryError extends Error {
  private constructor();
  readonly name: "EstuaryError";
  /** The category; `invalid_input` means nothing was sent. */
  readonly kind: EstuaryErrorKind;
  /** The HTTP status, when the node (or a proxy) answered. */
  readonly status?: number;
  /** The node's `reason`, e.g. `"ERR_INVALID_TOKEN"` or `"Not Found"`. */
  readonly reason?: string;
  /** The node's `details`, or a short excerpt of a non-JSON error body. */
  readonly details?: string;
  /** `aborted`: the caller's `signal.reason`. `network`: an `Error` (a `TypeError` for the
   * platform's network failures) with the `name` and `message` that `fetch` rejected with,
   * tokens masked. `timeout` after a retry began (in the wait before a retry, or in the
   * retried try itself): the last failed try's `EstuaryError`. */
  readonly cause?: unknown;
}
"#;
