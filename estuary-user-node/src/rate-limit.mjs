// Rate limiting: Echo's RateLimiterMemoryStore (x/time/rate token bucket, burst = rate) keyed
// by c.RealIP(). docs/estuary-node.md "Rate limit": 429 above 200 req/s, no Retry-After.
// It runs on real time, whatever the node's clock (clock.mjs) says.

import { performance } from 'node:perf_hooks';

export const DEFAULT_RATE_LIMIT = 200;

export class RateLimiter {
  /** @param {number} rate requests per second (burst = rate); @param clock ms timer (for tests) */
  constructor(rate, clock = () => performance.now()) {
    this.clock = clock;
    this.setRate(rate);
  }

  setRate(rate) {
    this.rate = Number(rate) || 0;
    this.burst = Math.max(1, Math.ceil(this.rate));
    this.buckets = new Map();
  }

  allow(id) {
    if (!(this.rate > 0)) return true; // 0 = off
    const now = this.clock();
    let b = this.buckets.get(id);
    if (!b) {
      if (this.buckets.size > 10_000) this.prune(now);
      b = { tokens: this.burst, last: now };
      this.buckets.set(id, b);
    } else {
      b.tokens = Math.min(this.burst, b.tokens + ((now - b.last) / 1000) * this.rate);
      b.last = now;
    }
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return true;
    }
    return false;
  }

  prune(now) {
    // Echo expires idle visitors after 3 minutes; a full bucket is equivalent to a new one.
    for (const [id, b] of this.buckets) if (now - b.last > 180_000) this.buckets.delete(id);
  }
}

/** Echo's c.RealIP() without an IP extractor: X-Forwarded-For, then X-Real-IP, then the peer. */
export function realIp(req) {
  const xff = req.headers['x-forwarded-for'];
  if (xff) {
    const i = xff.indexOf(',');
    if (i > 0) return xff.slice(0, i).trim().replace(/^\[/, '').replace(/\]$/, '');
    return xff;
  }
  const xrip = req.headers['x-real-ip'];
  if (xrip) return xrip.replace(/^\[/, '').replace(/\]$/, '');
  return req.socket.remoteAddress ?? '';
}
