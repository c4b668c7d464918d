// Path patterns, shared by fault matching and node.waitForRequest(): a path such as
// `/user/api-keys/*`, where `*` stands for exactly one whole segment. Compared with the raw
// (undecoded) request path after one trailing slash is dropped, as the node routes it.

import { BadInput } from './bad-input.mjs';

/** Echo's RemoveTrailingSlash (a Pre middleware): drop one trailing slash, except for "/". */
export const stripTrailingSlash = (p) => (p.length > 1 && p.endsWith('/') ? p.slice(0, -1) : p);

/** Checks `pattern` and returns its segments; throws BadInput (`what` names the field). */
export function compilePathPattern(pattern, what = '"path"') {
  if (typeof pattern !== 'string' || !pattern.startsWith('/')) throw new BadInput(`${what} must be a string that starts with "/"`);
  // What a request target's path cannot hold: the query and fragment start, blanks, controls.
  if (/[?#\s\x00-\x1f\x7f]/.test(pattern)) throw new BadInput(`${what} must be a path without query, fragment, blanks or control characters`);
  const segments = stripTrailingSlash(pattern).split('/');
  if (segments.some((s) => s.includes('*') && s !== '*')) throw new BadInput(`${what}: "*" stands for one whole segment (e.g. /user/api-keys/*)`);
  return segments;
}

/** Whether the raw request path matches the compiled pattern. */
export function pathMatches(segments, rawPath) {
  const parts = stripTrailingSlash(rawPath).split('/');
  return parts.length === segments.length && segments.every((s, i) => (s === '*' ? parts[i] !== '' : s === parts[i]));
}
