#!/usr/bin/env node
// Static file server for the demo page (Node standard library only).
// Serves the repository root (only its www/ and pkg/ folders), so the page is at /www/ and imports /pkg/estuary_user.js.
//
//   node www/serve.mjs [--port 8080] [--host 127.0.0.1]
//
// Prints `Serving <root> at http://127.0.0.1:PORT/www/` once listening (port 0 = any free port).

import { createServer } from 'node:http';
import { createReadStream } from 'node:fs';
import { stat, realpath } from 'node:fs/promises';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Top-level folders of the repository that are served. */
const SERVED_DIRS = new Set(['www', 'pkg']);

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.ts': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
};

function parseArgs(argv) {
  const opts = { port: 8080, host: '127.0.0.1' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [name, inline] = a.split('=', 2);
    const value = () => (inline !== undefined ? inline : argv[++i]);
    if (name === '--port') opts.port = Number(value());
    else if (name === '--host') opts.host = value();
    else if (name === '--help' || name === '-h') {
      console.log('usage: node www/serve.mjs [--port 8080] [--host 127.0.0.1]');
      process.exit(0);
    } else {
      console.error(`unknown argument: ${a}`);
      process.exit(2);
    }
  }
  if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535) {
    console.error('--port must be an integer between 0 and 65535');
    process.exit(2);
  }
  return opts;
}

/**
 * Sent with every answer. The page holds a token: no referrer ever leaves it, only its own
 * scripts and styles run (the wasm needs 'wasm-unsafe-eval' to be compiled), it may talk to
 * any http(s) node (connect-src) and nothing is sniffed into another type.
 */
const SECURITY_HEADERS = {
  'Referrer-Policy': 'no-referrer',
  'Content-Security-Policy': [
    "default-src 'none'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self' http: https:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; '),
  'X-Content-Type-Options': 'nosniff',
};

function send(res, status, text, extra = {}) {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text), ...SECURITY_HEADERS, ...extra });
  res.end(text);
}

/** A redirect is an answer like any other: it gets the same headers. */
function redirect(res, status, location) {
  res.writeHead(status, { Location: location, ...SECURITY_HEADERS });
  res.end();
}

/** Maps a URL path to a file inside ROOT, or null when it would leave ROOT. */
function resolveInRoot(urlPath) {
  let decoded;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const full = resolve(ROOT, '.' + (decoded.startsWith('/') ? decoded : `/${decoded}`));
  if (full !== ROOT && !full.startsWith(ROOT + sep)) return null;
  return full;
}

async function handle(req, res) {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    send(res, 405, 'Method Not Allowed\n', { Allow: 'GET, HEAD' });
    return;
  }
  const url = new URL(req.url, 'http://localhost');
  if (url.pathname === '/') return redirect(res, 302, '/www/');
  let file = resolveInRoot(url.pathname);
  if (!file) return send(res, 403, 'Forbidden\n');
  // Only the page and the built package are published: not .git, node_modules, target, tests...
  const rel = file.slice(ROOT.length + 1).split(sep);
  if (!SERVED_DIRS.has(rel[0]) || rel.some((part) => part.startsWith('.'))) return send(res, 404, 'Not Found\n');
  let info;
  try {
    info = await stat(file);
    if (info.isDirectory()) {
      if (!url.pathname.endsWith('/')) return redirect(res, 301, `${url.pathname}/${url.search}`);
      file = join(file, 'index.html');
      info = await stat(file);
    }
    // Symlinks must not lead outside the root either.
    const real = await realpath(file);
    const realRoot = await realpath(ROOT);
    if (real !== realRoot && !real.startsWith(realRoot + sep)) return send(res, 403, 'Forbidden\n');
  } catch {
    return send(res, 404, 'Not Found\n');
  }
  if (!info.isFile()) return send(res, 404, 'Not Found\n');
  res.writeHead(200, {
    'Content-Type': MIME[extname(file).toLowerCase()] ?? 'application/octet-stream',
    'Content-Length': info.size,
    'Cache-Control': 'no-cache',
    ...SECURITY_HEADERS,
  });
  if (req.method === 'HEAD') return res.end();
  createReadStream(file)
    .on('error', () => res.destroy())
    .pipe(res);
}

const { port, host } = parseArgs(process.argv.slice(2));
const server = createServer((req, res) => {
  handle(req, res).catch(() => {
    if (!res.headersSent) send(res, 500, 'Internal Server Error\n');
    else res.destroy();
  });
});
server.listen(port, host, () => {
  const addr = server.address();
  console.log(`Serving ${ROOT} at http://${host}:${addr.port}/www/`);
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => server.close(() => process.exit(0)));
