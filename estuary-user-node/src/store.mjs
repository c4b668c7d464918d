// In-memory model of the parts of an Estuary database the five /user/* endpoints read:
// users, auth_tokens rows, contents and content_deals; plus the seed data.

import { createHash, randomUUID } from 'node:crypto';

import { BadInput } from './bad-input.mjs';
import {
  GO_ZERO_TIME,
  NS_PER_HOUR,
  RawJson,
  formatRFC3339Nano,
  goJson,
  msToNs,
} from './go-compat.mjs';

export const DAY_NS = 24n * NS_PER_HOUR;
/** constants.TokenExpiryDurationDefault: `expiry` absent or empty. */
export const DEFAULT_EXPIRY_NS = 30n * DAY_NS;
/** constants.TokenExpiryDurationPermanent: `expiry=false` (100 years of 365 days). */
export const PERMANENT_EXPIRY_NS = 100n * 365n * DAY_NS;

/** Token hash: SHA-256 of the token's bytes, base64url without padding (docs/estuary-node.md "Authentication"). */
export function tokenHashOfBytes(buf) {
  return createHash('sha256').update(buf).digest('base64url');
}
/** Hash of a normal JS string (UTF-8). */
export const tokenHash = (token) => tokenHashOfBytes(Buffer.from(token, 'utf8'));
/** Hash of a byte string taken from the wire (header value, decoded path segment). */
export const tokenHashOfByteString = (s) => tokenHashOfBytes(Buffer.from(s, 'latin1'));

/** A new random token: `EST` + lowercase UUIDv4 + `ARY`. */
export const newToken = () => 'EST' + randomUUID() + 'ARY';

/**
 * Where a node's tokens come from. Without a seed they are random (crypto.randomUUID); with
 * `seed` (`--seed N`) the n-th token of a stream is `EST` + a UUIDv4 made from
 * SHA-256("estuary-user-node/<seed>/<stream>/<n>") + `ARY`, so the same seed and the same
 * requests give the same tokens on every run. Either way the token has the node's format
 * (docs/estuary-node.md "Token format").
 */
export function tokenSource(seed, stream) {
  if (seed === undefined || seed === null) return newToken;
  let n = 0;
  return () => {
    const h = createHash('sha256').update(`estuary-user-node/${seed}/${stream}/${n++}`).digest('hex');
    return `EST${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${'89ab'[parseInt(h[16], 16) & 3]}${h.slice(17, 20)}-${h.slice(20, 32)}ARY`;
  };
}

// ---------------------------------------------------------------------------------------------
// Deterministic fake identifiers, so seeded exports look real and stay stable across runs.

const B32 = 'abcdefghijklmnopqrstuvwxyz234567';
function base32(buf) {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const b of buf) {
    value = ((value << 8) | b) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      out += B32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += B32[(value << (5 - bits)) & 31];
  return out;
}
const sha256 = (s) => createHash('sha256').update(s).digest();

/** A well-formed CIDv1 (sha2-256) for a seed string; codec 0x70 dag-pb gives `bafybei…`. */
export function fakeCid(seed, codec = 0x70) {
  return 'b' + base32(Buffer.concat([Buffer.from([0x01, codec, 0x12, 0x20]), sha256(seed)]));
}
/** A UUID-shaped string derived from a seed. */
function fakeUuid(seed) {
  const h = sha256(seed).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

// ---------------------------------------------------------------------------------------------

export class Store {
  /** @param {() => string} makeToken the source of the tokens of new keys (POST /user/api-keys, fresh users) */
  constructor(makeToken = newToken) {
    this.makeToken = makeToken;
    this.users = new Map(); // id -> user
    this.byToken = new Map(); // plaintext token (legacy rows only) -> live row
    this.byHash = new Map(); // tokenHash -> live row
    this.nextRowId = 1;
    this.nextContentId = 1;
    this.nextDealId = 1;
  }

  addUser(id, username) {
    const user = { id, username, rows: new Map(), contents: [], deals: [], statsOverride: null, exportOverride: null };
    this.users.set(id, user);
    return user;
  }

  /**
   * Insert an auth_tokens row. `token` is the secret; new-style rows store only its hash
   * (docs/estuary-node.md "GET /user/api-keys": `token` is "" for every key made since
   * Oct 2022), legacy rows keep the plaintext and have tokenHash "". `oldShape` rows are
   * rendered like a pre-2022 node would (no label, tokenHash, isSession).
   */
  addKey(user, { token = this.makeToken(), label = '', expiry, expiryOffsetMin = 0, isSession = false, uploadOnly = false, legacy = false, oldShape = false }) {
    const row = {
      id: this.nextRowId++,
      userId: user.id,
      token: legacy ? token : '',
      tokenHash: legacy ? '' : tokenHash(token),
      label,
      expiry,
      expiryOffsetMin,
      isSession,
      uploadOnly,
      oldShape,
      deletedAt: null,
    };
    user.rows.set(row.id, row);
    if (row.token) this.byToken.set(row.token, row);
    if (row.tokenHash) this.byHash.set(row.tokenHash, row);
    return { row, token };
  }

  /** checkTokenAuth's `token = ? OR token_hash = ?` over live (not soft-deleted) rows. */
  findByBearer(bearer) {
    if (bearer === '') return null;
    return this.byToken.get(bearer) ?? this.byHash.get(tokenHashOfByteString(bearer)) ?? null;
  }

  /**
   * handleUserRevokeApiKey: soft-delete the user's rows where token = v OR token_hash = v OR
   * token_hash = hash(v). Never touches another user's rows. Returns the number deleted.
   */
  revoke(user, v, now) {
    if (v === '') return 0;
    const candidates = new Set([this.byToken.get(v), this.byHash.get(v), this.byHash.get(tokenHashOfByteString(v))]);
    let n = 0;
    for (const row of candidates) {
      if (!row || row.userId !== user.id || row.deletedAt !== null) continue;
      row.deletedAt = now;
      if (row.token) this.byToken.delete(row.token);
      if (row.tokenHash) this.byHash.delete(row.tokenHash);
      n++;
    }
    return n;
  }

  liveRows(user) {
    const out = [];
    for (const row of user.rows.values()) if (row.deletedAt === null) out.push(row);
    return out;
  }

  addContent(user, fields) {
    const id = this.nextContentId++;
    const createdAt = fields.createdAt ?? msToNs(Date.UTC(2023, 0, 1));
    const c = {
      id,
      createdAt,
      updatedAt: fields.updatedAt ?? createdAt,
      cid: fields.cid ?? fakeCid(`content-${user.id}-${id}`),
      name: fields.name ?? `file-${id}`,
      userId: user.id,
      description: fields.description ?? '',
      size: fields.size ?? 0,
      type: fields.type ?? 1,
      active: fields.active ?? true,
      offloaded: false,
      replication: fields.replication ?? 6,
      aggregatedIn: 0,
      aggregate: fields.aggregate ?? false,
      pinning: fields.pinning ?? false,
      pinMeta: '',
      replace: false,
      origins: '',
      failed: fields.failed ?? false,
      location: fields.location ?? 'local',
      dagSplit: false,
      splitFrom: 0,
      pinningStatus: fields.pinningStatus ?? (fields.active === false ? 'failed' : 'pinned'),
      dealStatus: fields.dealStatus ?? '',
    };
    user.contents.push(c);
    return c;
  }

  addDeal(user, content, fields = {}) {
    const id = this.nextDealId++;
    const createdAt = fields.createdAt ?? content.createdAt + NS_PER_HOUR;
    const d = {
      id,
      createdAt,
      content: content.id,
      propCid: fakeCid(`prop-${id}`, 0x71),
      dealUuid: fakeUuid(`deal-${id}`),
      miner: fields.miner ?? 'f01234',
      dealId: fields.dealId ?? 0,
      failed: fields.failed ?? false,
      verified: fields.verified ?? true,
      onChainAt: fields.onChainAt ?? null,
      sealedAt: fields.sealedAt ?? null,
    };
    user.deals.push(d);
    return d;
  }

  /** handleGetUserStats: SUM(size) and COUNT over active, non-aggregate contents. */
  stats(user) {
    if (user.statsOverride) return user.statsOverride;
    let total = 0n;
    let count = 0;
    for (const c of user.contents) {
      if (!c.active || c.aggregate) continue;
      total += BigInt(c.size);
      count++;
    }
    // Emit a plain number when it is exact, else the raw digits (int64 can exceed 2^53).
    const totalSize = total <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(total) : new RawJson(total.toString());
    return { totalSize, numPins: count };
  }

  /** The JSON text of GET /user/export (docs/estuary-node.md "GET /user/export"). */
  exportJson(user, now) {
    if (user.exportOverride) {
      return goJson({ Version: 'v0.0.1', Date: formatRFC3339Nano(now), Version1: user.exportOverride });
    }
    return goJson({
      Version: 'v0.0.1',
      Date: formatRFC3339Nano(now),
      Version1: {
        Contents: user.contents.map(contentJson),
        Deals: user.deals.map((d) => dealJson(d, user.id)),
      },
    });
  }
}

/** util.Content's JSON field names and order. */
function contentJson(c) {
  return {
    id: c.id,
    createdAt: formatRFC3339Nano(c.createdAt),
    updatedAt: formatRFC3339Nano(c.updatedAt),
    cid: c.cid,
    name: c.name,
    userId: c.userId,
    description: c.description,
    size: c.size,
    type: c.type,
    active: c.active,
    offloaded: c.offloaded,
    replication: c.replication,
    aggregatedIn: c.aggregatedIn,
    aggregate: c.aggregate,
    pinning: c.pinning,
    pinMeta: c.pinMeta,
    replace: c.replace,
    origins: c.origins,
    failed: c.failed,
    location: c.location,
    dagSplit: c.dagSplit,
    splitFrom: c.splitFrom,
    pinningStatus: c.pinningStatus,
    dealStatus: c.dealStatus,
  };
}

/** model.ContentDeal: gorm.Model's ID/CreatedAt/UpdatedAt/DeletedAt, then camelCase and snake_case tags. */
function dealJson(d, userId) {
  const t = (ns) => (ns === null ? GO_ZERO_TIME : formatRFC3339Nano(ns));
  return {
    ID: d.id,
    CreatedAt: t(d.createdAt),
    UpdatedAt: t(d.createdAt),
    DeletedAt: null,
    content: d.content,
    user_id: userId,
    propCid: d.propCid,
    dealUuid: d.dealUuid,
    miner: d.miner,
    dealId: d.dealId,
    failed: d.failed,
    verified: d.verified,
    slashed: false,
    failedAt: GO_ZERO_TIME,
    dtChan: d.dealId ? `12D3KooWQ9bYz2tm6hC6bNX9T8o9eRvDZ2cWDxVNqd2wYCvEtPuB-12D3KooWBBx4EEE8rPQe3uHfhaDRzNbnugdFDKvCTwUVy2p1Aqsn-${d.id}` : '',
    transferStarted: t(d.createdAt),
    transferFinished: t(d.createdAt + NS_PER_HOUR / 2n),
    onChainAt: t(d.onChainAt),
    sealedAt: t(d.sealedAt),
    deal_protocol_version: '/fil/storage/mk/1.2.0',
    miner_version: '1.21.0',
  };
}

// ---------------------------------------------------------------------------------------------
// Seed data

export const DEMO_USER_ID = 1;
export const TEST_USER_ID = 2;
export const OTHER_USER_ID = 3;
export const NULL_STATS_USER_ID = 4;
/** The demo data's second user (the `otherUser` token role). */
export const DEMO_OTHER_USER_ID = 5;
export const FIRST_FRESH_USER_ID = 100;

/** Fixed tokens seeded with the fixtures (`--fixtures`, alias `--test`). */
export const TEST_TOKENS = Object.freeze({
  full: 'ESTc0ffee00-0000-4000-8000-000000000001ARY', // test user, full key
  uploadOnly: 'ESTc0ffee00-0000-4000-8000-000000000002ARY', // test user, perms=upload
  expired: 'ESTc0ffee00-0000-4000-8000-000000000003ARY', // test user, expired 2023-01-15
  other: 'ESTc0ffee00-0000-4000-8000-000000000004ARY', // other user, full key
  nullStats: 'ESTc0ffee00-0000-4000-8000-000000000005ARY', // user whose stats are null
  legacy: 'ESTc0ffee00-0000-4000-8000-000000000006ARY', // test user, legacy row (plaintext, no hash)
  oldShape: 'ESTc0ffee00-0000-4000-8000-000000000007ARY', // test user, row rendered like an old node
  session: 'ESTc0ffee00-0000-4000-8000-000000000008ARY', // test user, session token (on-login)
  otherSecond: 'ESTc0ffee00-0000-4000-8000-000000000009ARY', // other user, second key
});

/** Expiry of the test user's expired key, fixed so the error details are predictable. */
export const TEST_EXPIRED_AT_NS = msToNs(Date.UTC(2023, 0, 15, 8, 0, 0));

/**
 * The demo data's secrets, chosen once per node (so a reset restores the same keys): random,
 * or derived from `seed`. `demoToken` (`--token`) fixes the demo user's full key.
 */
export function makeSeedSecrets(demoToken, seed) {
  const next = tokenSource(seed, 'seed');
  // Drawn in a fixed order, so a seed gives the same token for each role whatever --token says.
  const drawn = {
    demo: next(),
    demoSession: next(),
    demoExpired: next(),
    demoLegacy: next(),
    demoLaptop: next(),
    demoCi: next(),
    demoUploadOnly: next(),
    otherUser: next(),
  };
  if (demoToken !== undefined) drawn.demo = demoToken;
  return drawn;
}

const at = (y, mo, d, h = 0, mi = 0, s = 0, ns = 0) => msToNs(Date.UTC(y, mo - 1, d, h, mi, s), ns);

/** Build a fresh store holding the seed data; `makeToken` makes the tokens of later keys. */
export function seedStore(secrets, { test, now, makeToken }) {
  const store = new Store(makeToken);

  // Demo user: what a human poking at the demo page sees.
  const demo = store.addUser(DEMO_USER_ID, 'demo');
  store.addKey(demo, { token: secrets.demo, label: 'demo', expiry: now + DEFAULT_EXPIRY_NS });
  store.addKey(demo, { token: secrets.demoSession, label: 'on-login', isSession: true, expiry: now + DEFAULT_EXPIRY_NS });
  store.addKey(demo, { token: secrets.demoExpired, label: 'old-ci-key', expiry: now - 3n * DAY_NS });
  store.addKey(demo, { token: secrets.demoLegacy, legacy: true, expiry: at(2122, 9, 1, 10, 0, 0) });
  store.addKey(demo, { token: secrets.demoLaptop, label: 'laptop', expiry: now + DEFAULT_EXPIRY_NS });
  store.addKey(demo, { token: secrets.demoCi, label: 'github-actions deploy', expiry: now + PERMANENT_EXPIRY_NS });
  store.addKey(demo, { token: secrets.demoUploadOnly, label: 'uploads-only', uploadOnly: true, expiry: now + PERMANENT_EXPIRY_NS });
  const demoContents = [
    { name: 'holiday-photos-2023.tar', size: 734_003_200, createdAt: at(2023, 3, 14, 9, 26, 53, 589_793_238) },
    { name: 'dataset.csv', size: 52_428_800, createdAt: at(2023, 3, 20, 17, 2, 11, 120_000_000) },
    { name: 'README.md', size: 4_096, createdAt: at(2023, 4, 2, 8, 15, 0) },
    { name: 'website', size: 18_874_368, type: 2, createdAt: at(2023, 4, 11, 12, 0, 30, 5) },
    { name: 'broken-upload.bin', size: 1_000, active: false, failed: true, createdAt: at(2023, 4, 30, 23, 59, 59, 999_999_999) },
  ].map((f) => store.addContent(demo, f));
  store.addDeal(demo, demoContents[0], { dealId: 4_217_633, onChainAt: at(2023, 3, 15, 2, 0, 0), sealedAt: at(2023, 3, 16, 6, 30, 0) });
  store.addDeal(demo, demoContents[1], { miner: 'f0127896', failed: true });

  // Another account: its key must never see or revoke the demo user's keys, nor they its.
  const another = store.addUser(DEMO_OTHER_USER_ID, 'another-user');
  store.addKey(another, { token: secrets.otherUser, label: 'another-user-key', expiry: now + DEFAULT_EXPIRY_NS });
  store.addContent(another, { name: 'notes.txt', size: 2_048, createdAt: at(2023, 5, 2, 9, 0, 0) });

  if (!test) return store;

  // Test user: the fixed tokens the client's test suites use.
  const tu = store.addUser(TEST_USER_ID, 'test-user');
  store.addKey(tu, { token: TEST_TOKENS.full, label: 'test-full', expiry: now + DEFAULT_EXPIRY_NS });
  store.addKey(tu, { token: TEST_TOKENS.uploadOnly, label: 'test-upload-only', uploadOnly: true, expiry: now + DEFAULT_EXPIRY_NS });
  store.addKey(tu, { token: TEST_TOKENS.expired, label: 'test-expired', expiry: TEST_EXPIRED_AT_NS });
  store.addKey(tu, { token: TEST_TOKENS.legacy, legacy: true, expiry: at(2122, 9, 1, 10, 0, 0) });
  // An old node's row: no label/tokenHash/isSession in the output, expiry with an offset.
  store.addKey(tu, { token: TEST_TOKENS.oldShape, legacy: true, oldShape: true, expiry: at(2030, 6, 10, 10, 34, 56, 123_456_789), expiryOffsetMin: 120 });
  store.addKey(tu, { token: TEST_TOKENS.session, label: 'on-login', isSession: true, expiry: now + DEFAULT_EXPIRY_NS });
  const tc = [
    { name: 'test-a.bin', size: 1_048_576, createdAt: at(2023, 2, 1, 10, 0, 0, 500_000_000) },
    { name: 'test-b.bin', size: 2_097_152, createdAt: at(2023, 2, 2, 10, 0, 0) },
    { name: 'test-c.bin', size: 524_288, createdAt: at(2023, 2, 3, 10, 0, 0) },
    { name: 'test-inactive.bin', size: 999, active: false, failed: true, createdAt: at(2023, 2, 4, 10, 0, 0) },
  ].map((f) => store.addContent(tu, f));
  store.addDeal(tu, tc[0], { dealId: 1_000_001, onChainAt: at(2023, 2, 2, 0, 0, 0), sealedAt: at(2023, 2, 3, 0, 0, 0) });

  // Another user: its keys must never be visible to or revocable by the test user.
  const other = store.addUser(OTHER_USER_ID, 'other-user');
  store.addKey(other, { token: TEST_TOKENS.other, label: 'other-user-key', expiry: now + DEFAULT_EXPIRY_NS });
  store.addKey(other, { token: TEST_TOKENS.otherSecond, label: 'other-user-second', expiry: now + DEFAULT_EXPIRY_NS });
  store.addContent(other, { name: 'other.bin', size: 777 });

  // A user whose node answers stats with nulls (a tolerant client maps null to 0) and whose
  // export has null lists (Go's nil slices).
  const nu = store.addUser(NULL_STATS_USER_ID, 'null-stats-user');
  store.addKey(nu, { token: TEST_TOKENS.nullStats, label: 'null-stats-key', expiry: now + DEFAULT_EXPIRY_NS });
  nu.statsOverride = { totalSize: null, numPins: null };
  nu.exportOverride = { Contents: null, Deals: null };

  return store;
}

/** Checks the body of POST /__test/users and the options of createUser(); throws BadInput. */
export function checkFreshUserOptions(body) {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new BadInput('users body must be a JSON object');
  for (const k of Object.keys(body)) if (!['keys', 'contents', 'exportBytes', 'stats'].includes(k)) throw new BadInput(`unknown user field "${k}"`);
  for (const k of ['keys', 'contents', 'exportBytes']) {
    const v = body[k];
    if (v !== undefined && (!Number.isInteger(v) || v < 0 || v > 50_000_000)) throw new BadInput(`"${k}" must be a non-negative integer`);
  }
  if (body.keys > 1_000_000 || body.contents > 1_000_000) throw new BadInput('at most 1000000 keys or contents');
  const { stats } = body;
  if (stats !== undefined && stats !== null) {
    if (typeof stats !== 'object' || Array.isArray(stats)) throw new BadInput('"stats" must be an object');
    for (const k of ['totalSize', 'numPins']) {
      const v = stats[k];
      const ok = v === undefined || v === null || Number.isSafeInteger(v) || (typeof v === 'string' && /^-?\d{1,19}$/.test(v));
      if (!ok) throw new BadInput(`"stats.${k}" must be an integer, a string of digits or null`);
    }
  }
}

const PAD_TEXT = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor. ';

/**
 * A fresh user with a fresh full key (control API POST /__test/users).
 * keys: extra normal keys; contents: number of contents; exportBytes: pad content descriptions
 * so the export JSON is about this many bytes; stats: optional {totalSize, numPins} override
 * (numbers, null, or decimal strings for values beyond 2^53).
 */
export function addFreshUser(store, id, { keys = 0, contents = 0, exportBytes = 0, stats = null }, now) {
  const user = store.addUser(id, `user-${id}`);
  const { token } = store.addKey(user, { label: 'main', expiry: now + DEFAULT_EXPIRY_NS });
  for (let i = 0; i < keys; i++) {
    store.addKey(user, { label: `key-${i + 1}`, expiry: now + DEFAULT_EXPIRY_NS });
  }
  const base = at(2023, 5, 1);
  const n = Math.max(contents, exportBytes > 0 ? 1 : 0);
  for (let i = 0; i < n; i++) {
    store.addContent(user, { name: `file-${i + 1}.bin`, size: 1024 * (i + 1), createdAt: base + BigInt(i) * 1_000_000_000n });
  }
  if (exportBytes > 0) {
    const missing = exportBytes - store.exportJson(user, now).length;
    if (missing > 0) {
      const per = Math.floor(missing / n);
      const text = PAD_TEXT.repeat(Math.ceil(missing / PAD_TEXT.length) + 1);
      user.contents.forEach((c, i) => {
        c.description = text.slice(0, i === n - 1 ? missing - per * (n - 1) : per);
      });
    }
  }
  if (stats) {
    const v = (x) => (typeof x === 'string' ? new RawJson(BigInt(x).toString()) : x);
    user.statsOverride = { totalSize: v(stats.totalSize ?? 0), numPins: v(stats.numPins ?? 0) };
  }
  return { user, token };
}
