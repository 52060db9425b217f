// Load driver of bench/run.sh: one figure per call, printed as one JSON line on stdout
// (progress on stderr). Every loop is bounded by time (warm-up + measured seconds) or by a count.
//   node driver.mjs <figure> '<json settings>'
// Settings common to all: port (broker HTTPS on 127.0.0.1), pid (broker process: CPU is read from
// /proc for it and its descendants), clk (clock ticks per second), warmup, duration (seconds).
// Figures:
//   wrk        {name, path, method, body, auth, ctype, threads, connections}  wrk with lua/request.lua
//   login      {users: [..], password, concurrency}            the login page's JWE flow
//   oidc-setup {username, password, client, secret, chains}    code flows: tokens for the others
//   refresh    {client, secret, refreshTokens: [..], username, password}  rotating refresh chains
//   payments   {client, secret, concurrency, idsFile, target?, append?}  POST /api/v1/payments,
//              "<payment id> <Checkout Session id>" lines to a file; with target, stops after
//              that many requests
//   webhooks   {webhookSecret, concurrency, idsFile, crm}      signed Stripe events for those ids
//   drain      {crm, expected, timeout}                        callbacks until the CRM has them all
//   backlog    {crm, expected, timeout}                        from the first new callback the CRM
//              receives until it has `expected` more (started before the backlog is released)
import https from 'node:https';
import http from 'node:http';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const [figure, json] = process.argv.slice(2);
const A = JSON.parse(json || '{}');
const HOST = '127.0.0.1';
const CLK = A.clk || 100;
const now = () => performance.now();
const log = (...m) => console.error('  [driver]', ...m);

// ---------- CPU of the server: utime + stime of the process and its descendants ----------
function cpuTicks(root) {
  const parents = new Map();
  const ticks = new Map();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // f[0] is field 3 (state): ppid is field 4, utime 14, stime 15
      parents.set(Number(entry), Number(f[1]));
      ticks.set(Number(entry), Number(f[11]) + Number(f[12]));
    } catch {
      // the process ended meanwhile
    }
  }
  let total = 0;
  for (const [pid, t] of ticks) {
    for (let p = pid, hops = 0; p > 1 && hops < 64; p = parents.get(p), hops++) {
      if (p === root) {
        total += t;
        break;
      }
    }
  }
  return total;
}

// ---------- HTTP ----------
function agent(sockets) {
  return new https.Agent({ keepAlive: true, maxSockets: sockets, rejectUnauthorized: false });
}

function request(ag, method, urlPath, headers = {}, body = null, port = A.port, tls = true) {
  return new Promise((resolve, reject) => {
    const h = { ...headers };
    if (body != null) h['Content-Length'] = Buffer.byteLength(body);
    const req = (tls ? https : http).request(
      { host: HOST, port, path: urlPath, method, headers: h, agent: ag, rejectUnauthorized: false, timeout: 30_000 },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    if (body != null) req.write(body);
    req.end();
  });
}

const form = (o) => Object.entries(o).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
const basic = (id, secret) => 'Basic ' + Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64');

function cookieJar() {
  const jar = new Map();
  return {
    take(res) {
      for (const c of [].concat(res.headers['set-cookie'] || [])) {
        const [pair] = c.split(';');
        const i = pair.indexOf('=');
        jar.set(pair.slice(0, i).trim(), pair.slice(i + 1).trim());
      }
    },
    header() {
      return [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    },
  };
}

// ---------- the login page's JWE (RSA-OAEP-256 + A256GCM), as its script builds it ----------
const CONFIG = /<script type="application\/json" id="(?:login|form)-config"[^>]*>([\s\S]*?)<\/script>/;
const b64u = (b) => Buffer.from(b).toString('base64url');

function loginJwe(html, username, password) {
  const m = CONFIG.exec(html);
  if (!m) throw new Error('no login configuration in the page');
  const config = JSON.parse(m[1]);
  const key = crypto.createPublicKey({ key: { kty: config.key.kty, n: config.key.n, e: config.key.e }, format: 'jwk' });
  const header = b64u(JSON.stringify({ alg: 'RSA-OAEP-256', enc: 'A256GCM', kid: config.key.kid }));
  const cek = crypto.randomBytes(32);
  const iv = crypto.randomBytes(12);
  const ek = crypto.publicEncrypt({ key, padding: crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, cek);
  const cipher = crypto.createCipheriv('aes-256-gcm', cek, iv);
  cipher.setAAD(Buffer.from(header, 'ascii'));
  const payload = JSON.stringify({ username, password, challenge: config.challenge });
  const ct = Buffer.concat([cipher.update(payload, 'utf8'), cipher.final()]);
  return [header, b64u(ek), b64u(iv), b64u(ct), b64u(cipher.getAuthTag())].join('.');
}

/** One sign-in as a fresh browser: GET /login, POST the JWE; true on success. */
async function signIn(ag, username, password) {
  const jar = cookieJar();
  const page = await request(ag, 'GET', '/login', { Accept: 'text/html' });
  jar.take(page);
  if (page.status !== 200) return `GET /login ${page.status}`;
  const body = form({ credentials: loginJwe(page.body, username, password) });
  const res = await request(ag, 'POST', '/login', {
    'Content-Type': 'application/x-www-form-urlencoded',
    Accept: 'application/json',
    Cookie: jar.header(),
  }, body);
  return res.status >= 200 && res.status < 400 ? true : `POST /login ${res.status}`;
}

/** The authorization-code flow with PKCE: signs in, returns the token answer. */
async function codeFlow(ag, o) {
  const jar = cookieJar();
  const verifier = b64u(crypto.randomBytes(32));
  const challenge = b64u(crypto.createHash('sha256').update(verifier).digest());
  const redirect = 'http://127.0.0.1:9/cb';
  let next = '/oauth2/authorize?' + form({
    response_type: 'code', client_id: o.client, redirect_uri: redirect, scope: 'openid profile email',
    state: b64u(crypto.randomBytes(8)), nonce: b64u(crypto.randomBytes(8)),
    code_challenge: challenge, code_challenge_method: 'S256',
  });
  const rel = (loc) => loc.replace(/^https:\/\/[^/]+/, '');
  let res = null;
  for (let hop = 0; hop < 12; hop++) {
    if (res === null) {
      res = await request(ag, 'GET', next, { Cookie: jar.header() });
      jar.take(res);
    }
    const refresh = /http-equiv="refresh" content="0;url=([^"]+)"/.exec(res.body);
    if (res.status === 200 && refresh) {
      next = rel(refresh[1].replace(/&amp;/g, '&'));
      res = null;
      continue;
    }
    if (res.status === 200 && CONFIG.test(res.body)) {
      const returnTo = new URL('https://x' + next).searchParams.get('return_to') || '/';
      res = await request(ag, 'POST', '/login', { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: jar.header() },
        form({ credentials: loginJwe(res.body, o.username, o.password), return_to: returnTo }));
      jar.take(res);
      continue;
    }
    if (res.status !== 302 && res.status !== 303) throw new Error(`code flow stopped at ${res.status}: ${res.body.slice(0, 300)}`);
    const loc = res.headers.location;
    if (loc.startsWith(redirect)) {
      const code = new URL(loc).searchParams.get('code');
      if (!code) throw new Error('no code in ' + loc);
      const tok = await request(ag, 'POST', '/oauth2/token', { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: basic(o.client, o.secret) },
        form({ grant_type: 'authorization_code', code, redirect_uri: redirect, code_verifier: verifier }));
      if (tok.status !== 200) throw new Error(`token ${tok.status}: ${tok.body}`);
      return JSON.parse(tok.body);
    }
    next = rel(loc);
    res = null;
  }
  throw new Error('too many redirects');
}

async function clientToken(ag, client, secret, scope) {
  const res = await request(ag, 'POST', '/oauth2/token', { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: basic(client, secret) },
    form({ grant_type: 'client_credentials', scope }));
  if (res.status !== 200) throw new Error(`client_credentials ${res.status}: ${res.body}`);
  return JSON.parse(res.body).access_token;
}

// ---------- a measured loop: warm-up, then the measured window ----------
const pct = (sorted, p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : null);

/**
 * Runs `concurrency` workers calling op(worker); op returns true for success, 'stop' when it has
 * nothing more to do, or an error description. The measured window starts once the warm-up
 * seconds have passed and every worker has finished at least one call (a cold first call must not
 * span the window), at the latest WARMUP_CAP seconds after the start, and lasts `duration`.
 */
const WARMUP_CAP = 120;
async function measure(concurrency, op, { warmup = A.warmup, duration = A.duration } = {}) {
  const start = now();
  let end = start + (WARMUP_CAP + duration) * 1000; // until the window is known
  const lat = [];
  const kinds = {};
  let errors = 0;
  let cpu0 = null;
  let t0 = null;
  let warm = false;
  const warmed = new Set();
  const begin = () => {
    if (t0 === null && (warm && warmed.size >= concurrency || now() - start >= WARMUP_CAP * 1000)) {
      cpu0 = cpuTicks(A.pid);
      t0 = now();
      end = t0 + duration * 1000;
    }
  };
  const timer = setTimeout(() => { warm = true; begin(); }, warmup * 1000);
  let stopped = false;
  async function worker(i) {
    while (!stopped && now() < end) {
      const s = now();
      let r;
      try {
        r = await op(i);
      } catch (e) {
        r = e.code || e.message || String(e);
      }
      warmed.add(i);
      if (r === 'stop') return;
      if (t0 !== null && s >= t0) {
        if (r === true) lat.push(now() - s);
        else {
          errors++;
          kinds[r] = (kinds[r] || 0) + 1;
        }
      }
      begin();
    }
  }
  await Promise.all(Array.from({ length: concurrency }, (_, i) => worker(i)));
  stopped = true;
  clearTimeout(timer);
  if (t0 === null) return { requests: 0, seconds: 0, rps: 0, errors: 0, note: 'stopped during warm-up' };
  const t1 = now();
  const cpu1 = cpuTicks(A.pid);
  lat.sort((a, b) => a - b);
  const seconds = (t1 - t0) / 1000;
  const done = lat.length + errors;
  return {
    requests: lat.length,
    seconds: +seconds.toFixed(2),
    rps: +(lat.length / seconds).toFixed(1),
    p50_ms: lat.length ? +pct(lat, 50).toFixed(2) : null,
    p99_ms: lat.length ? +pct(lat, 99).toFixed(2) : null,
    cpu_ms: done ? +((((cpu1 - cpu0) / CLK) * 1000) / done).toFixed(2) : null,
    cpu_util: +((cpu1 - cpu0) / CLK / seconds).toFixed(2),
    errors,
    error_kinds: kinds,
  };
}

// ---------- wrk ----------
function runWrk(seconds) {
  return new Promise((resolve, reject) => {
    const env = {
      ...process.env,
      BENCH_METHOD: A.method || 'GET',
      BENCH_BODY: A.body || '',
      BENCH_AUTH: A.auth || '',
      BENCH_CTYPE: A.ctype || '',
    };
    const args = [`-t${A.threads || 1}`, `-c${A.connections || 4}`, `-d${seconds}s`, '--timeout', '10s',
      '-s', path.join(here, 'request.lua'), `https://${HOST}:${A.port}${A.path}`];
    const p = spawn('wrk', args, { env });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    p.on('error', reject);
    p.on('close', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('{"requests"'));
      if (code !== 0 || !line) reject(new Error(`wrk failed (${code}): ${err}${out}`));
      else resolve(JSON.parse(line));
    });
  });
}

async function wrkFigure() {
  if (A.warmup > 0) await runWrk(A.warmup);
  const cpu0 = cpuTicks(A.pid);
  const r = await runWrk(A.duration);
  const cpu1 = cpuTicks(A.pid);
  const seconds = r.duration_us / 1e6;
  const errors = r.status_errors + r.socket_errors;
  const ok = r.requests - r.status_errors;
  return {
    requests: ok,
    seconds: +seconds.toFixed(2),
    rps: +(ok / seconds).toFixed(1),
    p50_ms: +(r.p50_us / 1000).toFixed(2),
    p99_ms: +(r.p99_us / 1000).toFixed(2),
    cpu_ms: r.requests ? +((((cpu1 - cpu0) / CLK) * 1000) / r.requests).toFixed(2) : null,
    cpu_util: +((cpu1 - cpu0) / CLK / seconds).toFixed(2),
    errors,
    error_kinds: errors ? { non2xx3xx: r.status_errors, socket: r.socket_errors } : {},
  };
}

// ---------- the figures ----------
const figures = {
  wrk: wrkFigure,

  async login() {
    const c = A.concurrency;
    const agents = Array.from({ length: c }, () => agent(1));
    // one account per worker: a login of one account at a time, as separate people sign in
    return measure(c, (i) => signIn(agents[i], A.users[i % A.users.length], A.password));
  },

  async 'oidc-setup'() {
    const ag = agent(1);
    const out = { access_token: null, refresh_tokens: [] };
    for (let i = 0; i < A.chains; i++) {
      const t = await codeFlow(ag, A);
      out.access_token = t.access_token;
      out.refresh_tokens.push(t.refresh_token);
    }
    return out;
  },

  async refresh() {
    const tokens = [...A.refreshTokens];
    const agents = tokens.map(() => agent(1));
    let relogins = 0;
    const r = await measure(tokens.length, async (i) => {
      const res = await request(agents[i], 'POST', '/oauth2/token',
        { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: basic(A.client, A.secret) },
        form({ grant_type: 'refresh_token', refresh_token: tokens[i] }));
      if (res.status === 200) {
        tokens[i] = JSON.parse(res.body).refresh_token;
        return true;
      }
      // the chain is broken: a new one through a code flow (bounded), the error counted
      if (relogins++ < 50) tokens[i] = (await codeFlow(agents[i], A)).refresh_token;
      else return 'stop';
      return `refresh ${res.status}`;
    });
    r.chains_restarted = relogins;
    return r;
  },

  async payments() {
    const ag = agent(A.concurrency);
    const token = await clientToken(ag, A.client, A.secret, 'payments');
    const run = crypto.randomBytes(4).toString('hex');
    let n = 0;
    const ids = [];
    const body = (k) => JSON.stringify({
      amount: 1250, currency: 'eur', description: 'Benchmark donation', reference: `bench-${run}-${k}`,
      donor_email: 'donor@example.org', mode: 'redirect',
      return_url: 'https://cms.example/thanks', cancel_url: 'https://cms.example/donate',
    });
    const r = await measure(A.concurrency, async () => {
      if (A.target && n >= A.target) return 'stop';
      const k = n++;
      const res = await request(ag, 'POST', '/api/v1/payments', {
        'Content-Type': 'application/json', Authorization: `Bearer ${token}`, 'Idempotency-Key': `bench-${run}-${k}`,
      }, body(k));
      if (res.status !== 201) return `create ${res.status}`;
      const made = JSON.parse(res.body);
      // The stand-in's checkout URL ends with the session id; events must name that session.
      ids.push(`${made.id} ${String(made.checkout_url || '').split('/').pop()}`);
      return true;
    });
    (A.append ? fs.appendFileSync : fs.writeFileSync)(A.idsFile, ids.join('\n') + '\n');
    r.payments_total = ids.length;
    return r;
  },

  async webhooks() {
    const ids = fs.readFileSync(A.idsFile, 'utf8').split('\n').filter(Boolean);
    const ag = agent(A.concurrency);
    const crmBefore = await crmCount();
    let next = 0;
    let applied = 0;
    const r = await measure(A.concurrency, async () => {
      if (next >= ids.length) return 'stop';
      const [pay, session] = ids[next++].split(' ');
      const eventId = 'evt_bench_' + crypto.randomBytes(12).toString('hex');
      const event = JSON.stringify({
        id: eventId, object: 'event', api_version: '2024-06-20', created: Math.floor(Date.now() / 1000),
        data: { object: {
          id: session || 'cs_test_webhook_' + eventId, object: 'checkout.session', amount_total: 1250, client_reference_id: pay,
          currency: 'eur', customer_details: { email: 'donor@example.org' }, metadata: { broker_payment_id: pay },
          mode: 'payment', payment_intent: 'pi_bench_' + eventId.slice(10), payment_status: 'paid', status: 'complete',
        } },
        livemode: false, pending_webhooks: 1, type: 'checkout.session.completed',
      });
      const t = Math.floor(Date.now() / 1000);
      const sig = crypto.createHmac('sha256', A.webhookSecret).update(`${t}.${event}`).digest('hex');
      const res = await request(ag, 'POST', '/webhooks/stripe',
        { 'Content-Type': 'application/json; charset=utf-8', 'Stripe-Signature': `t=${t},v1=${sig}` }, event);
      if (res.status !== 200) return `webhook ${res.status}`;
      applied++;
      return true;
    });
    const crmAfter = await crmCount();
    r.events_sent = next;
    r.events_accepted = applied;
    r.payments_available = ids.length;
    r.callbacks_during = crmAfter.received - crmBefore.received;
    r.crm_received_at_end = crmAfter.received;
    if (next >= ids.length) r.note = 'ran out of payments before the end of the window';
    return r;
  },

  async drain() {
    const t0 = now();
    const cpu0 = cpuTicks(A.pid);
    const first = (await crmCount()).received;
    let last = first;
    const deadline = t0 + A.timeout * 1000;
    while (last < A.expected && now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      last = (await crmCount()).received;
    }
    const seconds = (now() - t0) / 1000;
    const cpu1 = cpuTicks(A.pid);
    const delivered = last - first;
    return {
      backlog: A.expected - first,
      delivered,
      seconds: +seconds.toFixed(2),
      rps: +(delivered / seconds).toFixed(1),
      cpu_ms: delivered ? +((((cpu1 - cpu0) / CLK) * 1000) / delivered).toFixed(2) : null,
      drained: last >= A.expected,
      errors: Math.max(0, A.expected - last),
    };
  },
};

figures.backlog = async () => {
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const deadline = now() + A.timeout * 1000;
  const base = (await crmCount()).received;
  let last = base;
  while (last === base && now() < deadline) {
    await sleep(10);
    last = (await crmCount()).received;
  }
  const t0 = now();
  const cpu0 = cpuTicks(A.pid);
  const first = last;
  while (last < base + A.expected && now() < deadline) {
    await sleep(20);
    last = (await crmCount()).received;
  }
  const seconds = (now() - t0) / 1000;
  const cpu1 = cpuTicks(A.pid);
  const delivered = last - base;
  return {
    backlog: A.expected,
    delivered,
    seconds: +seconds.toFixed(2),
    // the first poll that saw a delivery starts the clock: what it saw is not in the rate
    rps: seconds > 0 ? +((last - first) / seconds).toFixed(1) : null,
    cpu_ms: last > first ? +((((cpu1 - cpu0) / CLK) * 1000) / (last - first)).toFixed(2) : null,
    drained: last >= base + A.expected,
    errors: Math.max(0, base + A.expected - last),
  };
};

async function crmCount() {
  const res = await request(undefined, 'GET', '/count', {}, null, A.crm, false);
  return JSON.parse(res.body);
}

const fn = figures[figure];
if (!fn) {
  console.error(`unknown figure ${figure}; one of ${Object.keys(figures).join(', ')}`);
  process.exit(2);
}
try {
  const result = await fn();
  console.log(JSON.stringify(result));
  process.exit(0);
} catch (e) {
  console.error('driver:', figure, e.stack || e);
  process.exit(1);
}
