// A tiny static server for the benchmark page (Node standard library only): serves the
// repository's bench/ and pkg/ folders, nothing else, with the MIME types that
// `WebAssembly.instantiateStreaming` and ES modules need.
//
//   import { startStaticServer } from './static-server.mjs';
//   const site = await startStaticServer({ root, port: 0 }); // site.url, await site.close()

import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';

const SERVED = new Set(['bench', 'pkg']);
const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.ts': 'text/plain; charset=utf-8',
};

export function startStaticServer({ root, port = 0, host = '127.0.0.1' }) {
  const server = createServer(async (req, res) => {
    let path;
    try {
      path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    } catch {
      res.writeHead(400).end();
      return;
    }
    const rel = normalize(path).replace(/^[/\\]+/, '');
    const top = rel.split(sep)[0];
    if (!SERVED.has(top) || rel.split(sep).includes('..') || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
      return;
    }
    try {
      // Read whole files: they are small, and the pkg may be rebuilt under us (no half-read streams).
      const body = await readFile(join(root, rel));
      res.writeHead(200, {
        'Content-Type': MIME[extname(rel)] ?? 'application/octet-stream',
        'Content-Length': body.length,
        'Cache-Control': 'no-cache',
        // Cross-origin isolation: performance.now() then has 5 µs resolution instead of 100 µs.
        // The API calls are CORS requests, which COEP allows; nothing else changes for them.
        'Cross-Origin-Opener-Policy': 'same-origin',
        'Cross-Origin-Embedder-Policy': 'require-corp',
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const { port: actual } = server.address();
      resolve({
        url: `http://${host}:${actual}`,
        close: () => new Promise((r) => { server.closeAllConnections?.(); server.close(() => r()); }),
      });
    });
  });
}
