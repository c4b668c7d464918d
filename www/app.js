// Demo page for estuary-user: manage API keys, see usage, export data.
// Plain ES module, no bundler: loads the wasm-pack `--target web` build from ../pkg/.
import init, { EstuaryUser, isEstuaryError, checkExpiry, tokenHash } from '../pkg/estuary_user.js';

const DEFAULT_BASE_URL = 'http://127.0.0.1:3004';
const STORAGE_KEY = 'estuary-user-demo';

const $ = (id) => document.getElementById(id);

/** Page state. The token lives here (and in the password field), never in the URL once read. */
const state = {
  client: null,
  token: '',
  currentHash: '',
  keys: [],
  exportData: null,
  /** Cancels the export in flight, if any. */
  exportAbort: null,
  /** The expired keys the "Revoke all expired keys (N)" button counted when last drawn. */
  expiredShown: null,
};

// ---------------------------------------------------------------------------------------------
// Formatting helpers

const rtf = new Intl.RelativeTimeFormat(undefined, { numeric: 'always' });
const dateFmt = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** "in 29 days" / "3 days ago", choosing a sensible unit. */
function relative(ms) {
  const abs = Math.abs(ms);
  const sign = Math.sign(ms) || 1;
  const units = [
    ['year', 365 * 864e5],
    ['month', 30 * 864e5],
    ['day', 864e5],
    ['hour', 36e5],
    ['minute', 6e4],
  ];
  for (const [unit, size] of units) {
    if (abs >= size) return rtf.format(sign * Math.floor(abs / size), unit);
  }
  return rtf.format(sign * Math.max(1, Math.floor(abs / 1000)), 'second');
}

function parseExpiry(s) {
  const t = Date.parse(s);
  return Number.isNaN(t) ? null : t;
}

function isExpired(key, now = Date.now()) {
  const t = parseExpiry(key.expiry);
  return t !== null && t <= now;
}

function isInUse(key) {
  if (key.tokenHash) return key.tokenHash === state.currentHash;
  return key.token !== '' && key.token === state.token;
}

function formatBytes(n) {
  if (!Number.isFinite(n)) return String(n);
  if (n < 1024) return `${n.toLocaleString()} ${n === 1 ? 'byte' : 'bytes'}`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = n;
  let i = -1;
  do {
    v /= 1024;
    i += 1;
  } while (v >= 1024 && i < units.length - 1);
  return `${v.toLocaleString(undefined, { maximumFractionDigits: v < 10 ? 2 : 1 })} ${units[i]}`;
}

function shortHash(h) {
  return h.length > 14 ? `${h.slice(0, 8)}…${h.slice(-4)}` : h;
}

function plural(n, one, many = `${one}s`) {
  return `${n} ${n === 1 ? one : many}`;
}

const KIND_TEXT = {
  invalid_input: 'Invalid input (nothing was sent)',
  unauthorized: 'Not authorized — the token is wrong, expired or revoked',
  forbidden: 'Forbidden — this key is not allowed to do that',
  not_found: 'Not found — is the node URL right?',
  rate_limited: 'Rate limited — wait a little and try again',
  server: 'The node had an internal error',
  http: 'Unexpected HTTP answer',
  network: 'Could not reach the node',
  timeout: 'The node took too long to answer',
  aborted: 'Cancelled',
  decode: 'The node answered something unexpected',
};

/** Renders any failure as readable text with the EstuaryError fields, never "[object Object]". */
function renderError(slot, err, context) {
  slot.replaceChildren();
  if (!err) return;
  const box = document.createElement('div');
  box.className = 'error';
  box.setAttribute('role', 'alert');
  const title = document.createElement('p');
  title.className = 'error-title';
  const msg = document.createElement('p');
  msg.className = 'error-message';
  if (isEstuaryError(err)) {
    title.textContent = `${context}: ${KIND_TEXT[err.kind] ?? err.kind}`;
    msg.textContent = err.message;
    box.append(title, msg);
    const dl = document.createElement('dl');
    dl.className = 'error-fields';
    for (const [name, value] of [
      ['kind', err.kind],
      ['status', err.status],
      ['reason', err.reason],
      ['details', err.details],
    ]) {
      if (value === undefined || value === null || value === '') continue;
      const dt = document.createElement('dt');
      dt.textContent = name;
      const dd = document.createElement('dd');
      dd.textContent = String(value);
      dl.append(dt, dd);
    }
    box.append(dl);
  } else {
    title.textContent = `${context}: unexpected error`;
    msg.textContent = err instanceof Error ? `${err.name}: ${err.message}` : safeString(err);
    box.append(title, msg);
  }
  slot.append(box);
}

function safeString(v) {
  if (typeof v === 'string') return v;
  try {
    return JSON.stringify(v);
  } catch {
    return String(v);
  }
}

function setStatus(el, text) {
  el.textContent = text ?? '';
}

/**
 * Runs `fn` with the given buttons disabled and `button` showing a busy label.
 * Buttons that were already disabled stay so.
 */
async function busy(container, button, busyLabel, fn) {
  const buttons = [...container.querySelectorAll('button')].filter((b) => !b.disabled);
  const label = button ? button.textContent : '';
  buttons.forEach((b) => { b.disabled = true; });
  container.setAttribute('aria-busy', 'true');
  if (button && busyLabel) button.textContent = busyLabel;
  try {
    return await fn();
  } finally {
    // Only undo our own label: the work may have set a new one (e.g. a recount).
    if (button && busyLabel && button.textContent === busyLabel) button.textContent = label;
    buttons.forEach((b) => { if (b.isConnected) b.disabled = false; });
    container.removeAttribute('aria-busy');
  }
}

async function copyText(text, button) {
  const original = button.textContent;
  let ok = false;
  try {
    await navigator.clipboard.writeText(text);
    ok = true;
  } catch {
    // Fallback for browsers without clipboard permission.
    const ta = document.createElement('textarea');
    ta.value = text;
    ta.setAttribute('readonly', '');
    ta.style.position = 'fixed';
    ta.style.opacity = '0';
    document.body.append(ta);
    ta.select();
    try { ok = document.execCommand('copy'); } catch { ok = false; }
    ta.remove();
  }
  const originalAria = button.getAttribute('aria-label');
  button.textContent = ok ? 'Copied' : 'Copy failed';
  if (originalAria) button.setAttribute('aria-label', ok ? 'Copied' : 'Copy failed');
  setTimeout(() => {
    button.textContent = original;
    if (originalAria) button.setAttribute('aria-label', originalAria);
  }, 1500);
}

// ---------------------------------------------------------------------------------------------
// Connection

function loadInitialConnection() {
  const params = new URLSearchParams(location.search);
  let saved = null;
  try {
    saved = JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? 'null');
  } catch {
    saved = null;
  }
  // The token comes in the fragment (`#token=…`), which the browser never sends to any
  // server; a `?token=` is not read (it has already travelled to the page's server) but is
  // still removed from the address bar.
  const fragment = new URLSearchParams(location.hash.slice(1));
  const linked = params.get('baseUrl');
  $('base-url').value = linked ?? saved?.baseUrl ?? DEFAULT_BASE_URL;
  // A remembered token belongs to the remembered node: a link that names another node gets
  // an empty token field, so that one click on Connect cannot send the token there.
  const savedToken = saved?.token && (linked === null || sameNode(linked, saved.baseUrl)) ? saved.token : '';
  $('token').value = fragment.get('token') ?? savedToken;
  $('remember').checked = Boolean(savedToken);
  // Never leave a token in the address bar (history, screenshots, referrers).
  if (params.has('token') || fragment.has('token')) {
    params.delete('token');
    fragment.delete('token');
    const q = params.toString();
    const h = fragment.toString();
    history.replaceState(null, '', `${location.pathname}${q ? `?${q}` : ''}${h ? `#${h}` : ''}`);
  }
}

/** Whether two base URLs as typed name the same node (case of the scheme and host, and
 * trailing slashes, aside). */
function sameNode(a, b) {
  const norm = (u) => String(u ?? '').trim().replace(/\/+$/, '').toLowerCase();
  return norm(a) === norm(b);
}

function persistConnection() {
  try {
    if ($('remember').checked) {
      sessionStorage.setItem(STORAGE_KEY, JSON.stringify({ baseUrl: $('base-url').value.trim(), token: state.token }));
    } else {
      sessionStorage.removeItem(STORAGE_KEY);
    }
  } catch {
    // Storage can be unavailable (private modes): memory only, then.
  }
}

/**
 * Forgets the session: the client, the token (state, field, sessionStorage), the keys and the
 * counts drawn from them, the stats, the export and the "new key" panel, so that nothing of
 * this account is left for whoever connects next. Calls still running see `state.client`
 * change and stop there.
 */
function disconnect(message) {
  state.exportAbort?.abort(new Error('disconnected'));
  state.exportAbort = null;
  state.client?.free();
  state.client = null;
  state.token = '';
  state.currentHash = '';
  state.keys = [];
  // The rows the expired count was drawn from: a legacy key's row carries its plaintext token.
  state.expiredShown = null;
  state.exportData = null;
  $('token').value = '';
  try { sessionStorage.removeItem(STORAGE_KEY); } catch { /* storage unavailable: nothing kept */ }
  clearNewKey();
  $('stat-size').textContent = '—';
  $('stat-pins').textContent = '—';
  $('stat-size').removeAttribute('title');
  resetExport();
  for (const slot of ['keys-error', 'create-error', 'stats-error']) renderError($(slot), null);
  setStatus($('keys-status'), '');
  $('connected').hidden = true;
  $('disconnect-btn').hidden = true;
  $('keys-body').replaceChildren();
  // The counts renderKeys wrote are the old account's too: back to the words of a fresh page.
  $('show-sessions-label').textContent = 'Show session tokens';
  $('revoke-expired').textContent = 'Revoke all expired keys';
  $('revoke-expired-note').textContent = '';
  $('keys-table').querySelector('caption').textContent = 'API keys of this account';
  setStatus($('connection-status'), message ?? 'Not connected.');
}

async function connect(event) {
  event.preventDefault();
  const errSlot = $('connection-error');
  renderError(errSlot, null);
  // No fallback: an empty field is the library's invalid_input ("baseUrl is required").
  const baseUrl = $('base-url').value.trim();
  const token = $('token').value.trim();
  let client;
  try {
    client = new EstuaryUser({ token, baseUrl });
  } catch (err) {
    renderError(errSlot, err, 'Cannot connect');
    return;
  }
  await busy($('connect-form'), $('connect-btn'), 'Connecting…', async () => {
    setStatus($('connection-status'), `Connecting to ${client.baseUrl}…`);
    try {
      const keys = await client.listApiKeys();
      state.exportAbort?.abort(new Error('reconnected'));
      state.client?.free();
      // A previous account's new token must never be shown to the next one.
      clearNewKey();
      state.client = client;
      state.token = token;
      state.currentHash = tokenHash(token);
      state.keys = keys;
      state.exportData = null;
      persistConnection();
      $('connected').hidden = false;
      $('disconnect-btn').hidden = false;
      setStatus($('connection-status'), `Connected to ${client.baseUrl}.`);
      renderKeys();
      resetExport();
      renderError($('keys-error'), null);
      setStatus($('keys-status'), '');
      loadStats();
    } catch (err) {
      client.free();
      // A failed re-connect keeps the session that works.
      if (state.client) {
        setStatus($('connection-status'), `Still connected to ${state.client.baseUrl}.`);
      } else {
        setStatus($('connection-status'), 'Not connected.');
      }
      renderError(errSlot, err, 'Cannot connect');
    }
  });
}

// ---------------------------------------------------------------------------------------------
// Keys

function sortKeys(keys) {
  const now = Date.now();
  const rank = (k) => (isInUse(k) ? 0 : isExpired(k, now) ? 2 : 1);
  return [...keys].sort((a, b) => rank(a) - rank(b)
    || (parseExpiry(a.expiry) ?? 0) - (parseExpiry(b.expiry) ?? 0)
    || a.label.localeCompare(b.label));
}

function badge(text, cls) {
  const span = document.createElement('span');
  span.className = `badge ${cls}`;
  span.textContent = text;
  return span;
}

/** "in 29 days", "expired 3 days ago", "· effectively never" for the 100-year "never" keys. */
function relativeExpiry(t, now) {
  if (t <= now) return `expired ${relative(t - now)}`;
  return t - now > 50 * 365 * 864e5 ? `${relative(t - now)} · effectively never` : relative(t - now);
}

/** Keeps relative times current: text only, unless a key expired since the last drawing. */
function tickRelativeTimes() {
  if (!state.client) return;
  const now = Date.now();
  const { targets } = expiredTargets(now);
  if (targets.length !== (state.expiredShown?.targets.length ?? 0)) {
    renderKeys();
    return;
  }
  for (const rel of document.querySelectorAll('#keys-body .relative[data-t]')) {
    rel.textContent = relativeExpiry(Number(rel.dataset.t), now);
  }
}

function renderKeys() {
  const body = $('keys-body');
  const showSessions = $('show-sessions').checked;
  const now = Date.now();
  const sessions = state.keys.filter((k) => k.isSession);
  const hiddenSessions = sessions.filter((k) => !isInUse(k));
  $('show-sessions-label').textContent = `Show session tokens (${sessions.length})`;
  const visible = sortKeys(state.keys.filter((k) => showSessions || !k.isSession || isInUse(k)));
  const rows = visible.map((key) => {
    const tr = document.createElement('tr');
    const expired = isExpired(key, now);
    const inUse = isInUse(key);
    if (expired) tr.classList.add('is-expired');
    if (inUse) tr.classList.add('is-in-use');

    const label = document.createElement('td');
    label.dataset.label = 'Label';
    if (key.label) {
      label.textContent = key.label;
    } else {
      const em = document.createElement('span');
      em.className = 'muted';
      em.textContent = 'no label';
      label.append(em);
    }

    const hash = document.createElement('td');
    hash.dataset.label = 'Token hash';
    if (key.tokenHash) {
      const code = document.createElement('code');
      code.textContent = shortHash(key.tokenHash);
      code.title = key.tokenHash;
      const copy = document.createElement('button');
      copy.type = 'button';
      copy.className = 'small secondary';
      copy.textContent = 'Copy';
      copy.setAttribute('aria-label', `Copy token hash of ${key.label || 'unlabelled key'}`);
      copy.addEventListener('click', () => copyText(key.tokenHash, copy));
      hash.append(code, ' ', copy);
    } else {
      const span = document.createElement('span');
      span.className = 'muted';
      span.textContent = 'legacy key (no hash)';
      hash.append(span);
    }

    const exp = document.createElement('td');
    exp.dataset.label = 'Expiry';
    const t = parseExpiry(key.expiry);
    if (t === null) {
      exp.textContent = key.expiry || '—';
    } else {
      const time = document.createElement('time');
      time.dateTime = key.expiry;
      time.textContent = dateFmt.format(t);
      time.title = key.expiry;
      const rel = document.createElement('span');
      rel.className = 'relative';
      rel.dataset.t = String(t);
      rel.textContent = relativeExpiry(t, now);
      exp.append(time, rel);
    }

    const status = document.createElement('td');
    status.dataset.label = 'Status';
    if (inUse) status.append(badge('in use', 'badge-in-use'));
    if (expired) status.append(badge('expired', 'badge-expired'));
    if (key.isSession) status.append(badge('session token', 'badge-session'));
    if (!key.tokenHash) status.append(badge('legacy', 'badge-legacy'));
    if (!inUse && !expired && !key.isSession && key.tokenHash) status.append(badge('active', 'badge-active'));

    const actions = document.createElement('td');
    actions.className = 'actions-cell';
    const revoke = document.createElement('button');
    revoke.type = 'button';
    // The key in use looks different: revoking it ends this page's session.
    revoke.className = inUse ? 'small danger-outline revoke-in-use' : 'small danger';
    revoke.textContent = inUse ? 'Revoke (in use)' : 'Revoke';
    revoke.setAttribute('aria-label', `Revoke ${key.label || 'unlabelled key'}${inUse ? ' (in use)' : ''}`);
    revoke.addEventListener('click', () => revokeOne(key, revoke));
    actions.append(revoke);

    // One wrapper per cell, so the phone layout (label + content grid) gets exactly two items.
    for (const td of [label, hash, exp, status]) {
      const wrap = document.createElement('div');
      wrap.className = 'cell';
      wrap.append(...td.childNodes);
      td.append(wrap);
    }
    tr.append(label, hash, exp, status, actions);
    return tr;
  });
  body.replaceChildren(...rows);
  $('keys-empty').hidden = rows.length > 0;
  state.expiredShown = expiredTargets(now);
  const { targets } = state.expiredShown;
  $('revoke-expired').textContent = `Revoke all expired keys (${targets.length})`;
  const hiddenExpiredSessions = showSessions ? 0 : targets.filter((k) => k.isSession).length;
  $('revoke-expired-note').textContent = hiddenExpiredSessions
    ? `Includes ${plural(hiddenExpiredSessions, 'expired session token')} not shown in the table.`
    : '';
  const note = !showSessions && hiddenSessions.length
    ? ` ${plural(hiddenSessions.length, 'session token')} hidden.` : '';
  $('keys-table').querySelector('caption').textContent = `API keys of this account.${note}`;
}

/** Lists the keys again; a no-op if the session changed meanwhile (disconnect, reconnect). */
async function refreshKeys() {
  const client = state.client;
  if (!client) return;
  const keys = await client.listApiKeys();
  if (state.client !== client) return;
  state.keys = keys;
  renderKeys();
}

async function revokeOne(key, button) {
  const inUse = isInUse(key);
  const name = key.label ? `“${key.label}”` : 'this unlabelled key';
  const question = inUse
    ? `Revoke ${name}? This is the key this page is using: after revoking it, this page will lose access and you will need another token.`
    : `Revoke ${name}? Anything using it will stop working.`;
  if (!confirm(question)) return;
  renderError($('keys-error'), null);
  setStatus($('keys-status'), '');
  const client = state.client;
  await busy($('keys'), button, 'Revoking…', async () => {
    try {
      await client.revokeApiKey(key);
    } catch (err) {
      if (state.client === client) renderError($('keys-error'), err, 'Could not revoke the key');
      return;
    }
    if (state.client !== client) return; // disconnected meanwhile: nothing left to show
    if (inUse) {
      disconnect(`Revoked ${name}, the key this page was using. Enter another token to continue.`);
      $('token').focus();
      return;
    }
    try {
      await refreshKeys();
    } catch (err) {
      if (state.client === client) renderError($('keys-error'), err, 'Revoked, but could not refresh the list');
    }
    if (state.client === client) setStatus($('keys-status'), `Revoked ${name}.`);
  });
}

/** What "Revoke all expired keys (N)" revokes: every expired key but the one in use, hidden
 * session tokens included. The button's count and the revoke use this same list. */
function expiredTargets(now = Date.now()) {
  const expired = state.keys.filter((k) => isExpired(k, now));
  const targets = expired.filter((k) => !isInUse(k));
  return { targets, skipped: expired.length - targets.length };
}

async function revokeExpired() {
  // The list the button counted when it was last drawn (relative times redraw it).
  const { targets, skipped } = state.expiredShown ?? expiredTargets();
  const client = state.client;
  renderError($('keys-error'), null);
  if (targets.length === 0) {
    setStatus($('keys-status'), skipped
      ? 'No expired keys to revoke (the expired key in use was skipped).'
      : 'No expired keys to revoke.');
    return;
  }
  const sessions = targets.filter((k) => k.isSession).length;
  const sessionNote = sessions ? ` This includes ${plural(sessions, 'expired session token')}.` : '';
  if (!confirm(`Revoke ${plural(targets.length, 'expired key')}?${sessionNote}${skipped ? ' The key in use will be skipped.' : ''}`)) return;
  setStatus($('keys-status'), '');
  await busy($('keys'), $('revoke-expired'), 'Revoking…', async () => {
    let done = 0;
    const failures = [];
    for (const key of targets) {
      if (state.client !== client) return; // disconnected: stop, show nothing
      try {
        await client.revokeApiKey(key);
        done += 1;
      } catch (err) {
        failures.push([key, err]);
      }
    }
    let summary = `Revoked ${plural(done, 'expired key')}`;
    if (failures.length) summary += `, ${failures.length} failed`;
    if (skipped) summary += `; skipped the key in use`;
    try {
      await refreshKeys();
    } catch (err) {
      if (state.client === client) renderError($('keys-error'), err, 'Could not refresh the list');
    }
    if (state.client !== client) return;
    setStatus($('keys-status'), `${summary}.`);
    if (failures.length) {
      const [key, err] = failures[0];
      renderError($('keys-error'), err, `Could not revoke ${key.label || 'an unlabelled key'}${failures.length > 1 ? ` (and ${failures.length - 1} more)` : ''}`);
    }
  });
}

// ---------------------------------------------------------------------------------------------
// Create

let probeSeq = 0;

function selectedExpiry() {
  const v = document.querySelector('input[name="expiry"]:checked')?.value ?? '720h';
  return v === 'custom' ? $('custom-expiry').value.trim() : v;
}

/** Milliseconds of a Go duration that `checkExpiry` accepted (for showing the date only). */
function goDurationMs(text) {
  const units = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, 'μs': 1e-3, ms: 1, s: 1e3, m: 6e4, h: 3.6e6 };
  const sign = text.startsWith('-') ? -1 : 1;
  let ms = 0;
  for (const [, n, unit] of text.replace(/^[-+]/, '').matchAll(/([0-9]*\.?[0-9]*)([a-zµμ]+)/g)) {
    ms += Number(n || 0) * (units[unit] ?? 0);
  }
  return text.replace(/^[-+]/, '') === '0' ? 0 : sign * ms;
}
async function validateCustom() {
  const input = $('custom-expiry');
  const msg = $('custom-expiry-msg');
  const value = input.value.trim();
  const seq = ++probeSeq;
  if (!value) {
    input.removeAttribute('aria-invalid');
    msg.className = 'help';
    msg.textContent = 'Units: h, m, s, ms, us, ns (no days: 7 days = 168h).';
    return false;
  }
  // The library's own check and message: nothing is sent.
  const problem = checkExpiry(value);
  if (seq !== probeSeq) return problem === null;
  if (problem) {
    input.setAttribute('aria-invalid', 'true');
    msg.className = 'help invalid';
    msg.textContent = problem;
    return false;
  }
  input.removeAttribute('aria-invalid');
  msg.className = 'help valid';
  if (value === 'never' || value === 'false') {
    msg.textContent = 'Valid: never expires.';
    return true;
  }
  const ms = goDurationMs(value);
  if (ms <= 0) {
    // Valid Go, so the node accepts it: the key is born expired.
    msg.className = 'help warning';
    msg.textContent = `Valid duration: ${value}. Zero and negative durations make a key that is already expired.`;
    return true;
  }
  msg.textContent = `Valid duration: ${value}. Expires ${dateFmt.format(Date.now() + ms)}.`;
  return true;
}

function onExpiryChoice() {
  const custom = $('expiry-custom-radio').checked;
  $('custom-expiry-field').hidden = !custom;
  if (custom) {
    $('custom-expiry').focus();
    validateCustom();
  }
}

function onPermsChoice() {
  const upload = document.querySelector('input[name="perms"]:checked')?.value === 'upload';
  $('upload-warning').hidden = !upload;
}

async function createKey(event) {
  const client = state.client;
  event.preventDefault();
  const errSlot = $('create-error');
  renderError(errSlot, null);
  const custom = $('expiry-custom-radio').checked;
  if (custom && !$('custom-expiry').value.trim()) {
    $('custom-expiry').setAttribute('aria-invalid', 'true');
    $('custom-expiry-msg').className = 'help invalid';
    $('custom-expiry-msg').textContent = 'Enter a duration, e.g. 48h.';
    $('custom-expiry').focus();
    return;
  }
  const params = {
    label: $('new-label').value.trim(),
    expiry: selectedExpiry(),
    perms: document.querySelector('input[name="perms"]:checked')?.value ?? 'all',
  };
  await busy($('create'), $('create-btn'), 'Creating…', async () => {
    let key;
    try {
      key = await client.createApiKey(params);
    } catch (err) {
      if (state.client !== client) return;
      renderError(errSlot, err, 'Could not create the key');
      if (custom && isEstuaryError(err) && err.kind === 'invalid_input') $('custom-expiry').focus();
      return;
    }
    // Shown only to the session that made it: after a disconnect the token is not shown.
    if (state.client !== client) return;
    showNewKey(key, params);
    $('create-form').reset();
    onExpiryChoice();
    onPermsChoice();
    try {
      await refreshKeys();
    } catch (err) {
      if (state.client === client) renderError($('keys-error'), err, 'Key created, but could not refresh the list');
    }
  });
}

function showNewKey(key, params) {
  $('new-key-token').textContent = key.token;
  const t = parseExpiry(key.expiry);
  const when = t === null ? key.expiry : `${dateFmt.format(t)} (${relative(t - Date.now())})`;
  $('new-key-meta').textContent = `${key.label ? `“${key.label}”, ` : ''}${params.perms === 'upload' ? 'upload only' : 'full access'}, expires ${when}.`;
  $('new-key').hidden = false;
  $('new-key').focus();
}

/** Removes the new key's plaintext token from the page. */
function clearNewKey() {
  $('new-key-token').textContent = '';
  $('new-key-meta').textContent = '';
  $('new-key').hidden = true;
}

function hideNewKey() {
  clearNewKey();
  $('new-label').focus();
}

// ---------------------------------------------------------------------------------------------
// Stats and export

async function loadStats() {
  renderError($('stats-error'), null);
  const client = state.client;
  if (!client) return;
  await busy($('stats'), $('refresh-stats'), 'Loading…', async () => {
    try {
      const { totalSize, numPins } = await client.getStats();
      if (state.client !== client) return;
      $('stat-size').textContent = formatBytes(totalSize);
      $('stat-size').title = `${totalSize.toLocaleString()} bytes`;
      $('stat-pins').textContent = numPins.toLocaleString();
    } catch (err) {
      if (state.client !== client) return;
      $('stat-size').textContent = '—';
      $('stat-pins').textContent = '—';
      renderError($('stats-error'), err, 'Could not load usage');
    }
  });
}

function resetExport() {
  state.exportData = null;
  $('export-download').disabled = true;
  setStatus($('export-summary'), '');
  renderError($('export-error'), null);
}

async function fetchExport() {
  resetExport();
  const client = state.client;
  if (!client) return;
  // Cancellable, and without the 30 s default timeout: an export is not paginated and can
  // take long on a big account.
  const controller = new AbortController();
  state.exportAbort = controller;
  $('export-cancel').hidden = false;
  $('export-cancel').disabled = false;
  await busy($('export'), $('export-btn'), 'Exporting…', async () => {
    $('export-cancel').disabled = false;
    try {
      const data = await client.exportData({ signal: controller.signal, timeoutMs: 0 });
      if (state.client !== client) return;
      state.exportData = data;
      const contents = data?.Version1?.Contents?.length ?? 0;
      const deals = data?.Version1?.Deals?.length ?? 0;
      const at = parseExpiry(data?.Date);
      setStatus($('export-summary'), `${plural(contents, 'content')} and ${plural(deals, 'deal')}` +
        `${at === null ? '' : `, exported ${dateFmt.format(at)}`}. Ready to download.`);
    } catch (err) {
      if (state.client !== client) return;
      if (isEstuaryError(err) && err.kind === 'aborted') setStatus($('export-summary'), 'Export cancelled.');
      else renderError($('export-error'), err, 'Could not export');
    } finally {
      if (state.exportAbort === controller) state.exportAbort = null;
    }
  });
  $('export-cancel').hidden = true;
  // Enabled after `busy` restores the buttons it disabled.
  $('export-download').disabled = state.exportData === null;
}

function downloadExport() {
  if (!state.exportData) return;
  const blob = new Blob([JSON.stringify(state.exportData, null, 2)], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = `estuary-export-${new Date().toISOString().slice(0, 10)}.json`;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

// ---------------------------------------------------------------------------------------------
// Wiring

async function main() {
  loadInitialConnection();
  try {
    await init();
  } catch (err) {
    renderError($('connection-error'), err, 'Could not load the WebAssembly client');
    $('connect-btn').disabled = true;
    return;
  }
  $('connect-form').addEventListener('submit', connect);
  $('disconnect-btn').addEventListener('click', () => {
    disconnect('Disconnected.');
    $('token').focus();
  });
  $('token-reveal').addEventListener('click', () => {
    const input = $('token');
    const show = input.type === 'password';
    input.type = show ? 'text' : 'password';
    $('token-reveal').textContent = show ? 'Hide' : 'Show';
    $('token-reveal').setAttribute('aria-pressed', String(show));
  });
  $('remember').addEventListener('change', () => { if (state.client) persistConnection(); });

  $('show-sessions').addEventListener('change', renderKeys);
  $('refresh-keys').addEventListener('click', () => busy($('keys'), $('refresh-keys'), 'Refreshing…', async () => {
    // Only the session that asked writes the answer: after a disconnect (or a re-connect) the
    // page would otherwise say "0 keys loaded." or show an error of the old account.
    const client = state.client;
    if (!client) return;
    renderError($('keys-error'), null);
    setStatus($('keys-status'), '');
    try {
      await refreshKeys();
      if (state.client === client) setStatus($('keys-status'), `${plural(state.keys.length, 'key')} loaded.`);
    } catch (err) {
      if (state.client === client) renderError($('keys-error'), err, 'Could not list keys');
    }
  }));
  $('revoke-expired').addEventListener('click', revokeExpired);

  for (const r of document.querySelectorAll('input[name="expiry"]')) r.addEventListener('change', onExpiryChoice);
  for (const r of document.querySelectorAll('input[name="perms"]')) r.addEventListener('change', onPermsChoice);
  $('custom-expiry').addEventListener('input', validateCustom);
  $('create-form').addEventListener('submit', createKey);
  $('new-key-copy').addEventListener('click', () => copyText($('new-key-token').textContent, $('new-key-copy')));
  $('new-key-dismiss').addEventListener('click', hideNewKey);

  $('refresh-stats').addEventListener('click', loadStats);
  $('export-btn').addEventListener('click', fetchExport);
  $('export-cancel').addEventListener('click', () => state.exportAbort?.abort(new Error('cancelled by the user')));
  // Relative times ("in 29 days") and the expired count stay current.
  setInterval(tickRelativeTimes, 30_000);
  $('export-download').addEventListener('click', downloadExport);

  setStatus($('connection-status'), 'Not connected.');
  document.body.dataset.ready = 'true';
}

main();
