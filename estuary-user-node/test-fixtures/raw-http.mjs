// One HTTP/1.1 request with exactly the headers given (Host included, which fetch sets itself),
// for the package's own tests: resolves with { status, headers, text }. Kept out of test/, where
// node --test would run it as a test file.
import http from 'node:http';

export function rawRequest(baseUrl, { method = 'GET', path = '/', headers = {}, body, bodyStream } = {}) {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname.replace(/^\[|\]$/g, ''), port: url.port, method, path, headers, setHost: !('host' in headers) && !('Host' in headers) }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text }));
      res.on('error', reject);
    });
    req.on('error', reject);
    if (bodyStream) bodyStream(req);
    else req.end(body);
  });
}
