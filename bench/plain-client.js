// The yardstick of the benchmark: a small hand-written client that sends the same requests as
// EstuaryUser with `fetch` and returns `response.json()` as is. No validation, no timeout, no
// retries, no decoding beyond the platform's JSON parser: what a careful person would write
// by hand in a few minutes. The benchmark compares the wasm client against it.

/** RFC 3986 unreserved characters stay as they are; everything else is %-encoded (as the wasm client does). */
function encode(value) {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export class PlainClient {
  /** @param {{ token: string, baseUrl: string }} options */
  constructor({ token, baseUrl }) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.headers = { Authorization: `Bearer ${token}` };
  }

  async #send(method, path) {
    const response = await fetch(this.baseUrl + path, {
      method,
      headers: this.headers,
      credentials: 'omit',
    });
    if (!response.ok) {
      const body = await response.text().catch(() => '');
      const error = new Error(`${method} ${path.split('?')[0]}: HTTP ${response.status} ${body.slice(0, 200)}`);
      error.status = response.status;
      throw error;
    }
    return response;
  }

  /** `GET /user/api-keys` */
  async listApiKeys() {
    return (await this.#send('GET', '/user/api-keys')).json();
  }

  /** `POST /user/api-keys?expiry=&perms=&label=` (same parameter order as the wasm client, so both send the same URL). */
  async createApiKey({ expiry, perms, label } = {}) {
    const pairs = [];
    if (expiry !== undefined) pairs.push(['expiry', expiry === 'never' ? 'false' : expiry]);
    if (perms !== undefined) pairs.push(['perms', perms]);
    if (label !== undefined) pairs.push(['label', label]);
    const query = pairs.map(([k, v]) => `${k}=${encode(v)}`).join('&');
    return (await this.#send('POST', `/user/api-keys${query ? `?${query}` : ''}`)).json();
  }

  /** `DELETE /user/api-keys/{tokenHash}`: the node answers 200 with an empty body. */
  async revokeApiKey(keyOrHash) {
    const segment = typeof keyOrHash === 'string' ? keyOrHash : keyOrHash.tokenHash || keyOrHash.token;
    await (await this.#send('DELETE', `/user/api-keys/${encode(segment)}`)).text();
  }

  /** `GET /user/stats` */
  async getStats() {
    return (await this.#send('GET', '/user/stats')).json();
  }

  /** `GET /user/export` */
  async exportData() {
    return (await this.#send('GET', '/user/export')).json();
  }
}
