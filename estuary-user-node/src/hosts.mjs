// Bind addresses: which ones only this machine can reach, and how URLs and Host headers name them.

/** Whether `host` names a loopback address: only this machine can reach a node bound there. */
export function isLoopback(host) {
  const h = String(host).toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h) || /^::ffff:127\.\d+\.\d+\.\d+$/.test(h);
}

/** A wildcard bind address (all interfaces): clients on this machine reach it on loopback. */
export const isWildcard = (host) => host === '0.0.0.0' || host === '::' || host === '[::]';

/** An address as a URL or a Host header writes it: IPv6 in brackets. */
export const bracketed = (host) => (host.includes(':') && !host.startsWith('[') ? `[${host}]` : host);

/** The base URL clients on this machine use for a node bound to `host`:`port`. */
export const localBaseUrl = (host, port) => `http://${isWildcard(host) ? (host === '0.0.0.0' ? '127.0.0.1' : '[::1]') : bracketed(host)}:${port}`;

/** The URL of the bind address itself (what the banner names): `http://0.0.0.0:3004` for a wildcard. */
export const bindUrl = (host, port) => `http://${bracketed(host)}:${port}`;
