// Renders bench/run.sh's result lines (JSON, one per figure) and its metadata (BENCH_META) as the
// Markdown of bench/results/<date>.md.
//   node report.mjs results.jsonl
import fs from 'node:fs';

const lines = fs.readFileSync(process.argv[2], 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const meta = JSON.parse(process.env.BENCH_META);
const out = [];
const p = (s = '') => out.push(s);
const n = (v, digits = 1) => (v === null || v === undefined || Number.isNaN(v) ? '—' : Number(v).toLocaleString('en-US', { maximumFractionDigits: digits }));
const find = (label, storage, conc) => lines.find((l) => l.label === label && (storage === undefined || l.storage === storage) && (conc === undefined || String(l.concurrency) === String(conc)));
const storages = [...new Set(lines.filter((l) => l.label === 'start').map((l) => l.storage))];
const kinds = (r) => (r.error_kinds && Object.keys(r.error_kinds).length ? ' (' + Object.entries(r.error_kinds).map(([k, v]) => `${k}: ${v}`).join(', ') + ')' : '');

p(`# Broker benchmark ${meta.date.slice(0, 10)}`);
p();
if (meta.label) {
  p(`**${meta.label}**`);
  p();
}
p('`bench/run.sh`; every figure against `java -jar broker.jar` on 127.0.0.1 with a fresh data directory.');
p();
p('## Machine, JVM, settings');
p();
p(`- ${meta.nproc} cores (${meta.cpu}), ${meta.memory}, ${meta.os}; load average ${meta.load_start} at the start, ${meta.load_end} at the end`);
p(`- ${meta.java}; broker JVM options: ${meta.java_opts ? '`' + meta.java_opts + '`' : 'none (as the README starts it)'}`);
p(`- broker commit ${meta.commit}; ${meta.wrk}; Node ${meta.node}`);
p(`- each figure: ${meta.warmup} s warm-up, then ${meta.duration} s measured; wrk \`-t${meta.threads} -c${meta.connections}\`; refresh: ${meta.refresh_chains} keep-alive chains (Node); logins at concurrency ${meta.login_concurrency}, one account per worker; payments: ${meta.payment_workers} workers; Stripe events: ${meta.webhook_workers} workers, one \`checkout.session.completed\` (paid) for each of up to ${meta.webhook_payments ?? '—'} payments made through the API beforehand`);
p('- CPU per request: utime + stime of the broker process (and its children) over the measured window, divided by the requests completed in it (2xx/3xx and errors)');
p(`- broker settings: \`BROKER_BIND_ADDRESS=127.0.0.1\`, \`BROKER_HTTP_PORT=off\`, Stripe API base at a local stand-in (Node, answers at once), payment rate limits 100000/min per client and per address, \`BROKER_OUTBOUND_ALLOWED_CIDRS=127.0.0.0/8\` (the CRM receiver stand-in is on loopback); everything else default. Storages: ${meta.storages} (PostgreSQL 127.0.0.1:5432, database \`test\`, a fresh schema per run)${meta.user_broker_env ? '; from the caller: `' + meta.user_broker_env.trim().replace(/[`"]/g, '') + '`' : ''}`);
p();

p('## Request figures');
p();
p('| figure | storage | conc. | req/s | p50 ms | p99 ms | CPU ms/req | CPU cores busy | errors |');
p('|---|---|---|---|---|---|---|---|---|');
for (const l of lines) {
  if (['start', 'after load', 'argon2id', 'jmh', 'password logins', 'callbacks delivered after the burst', 'callback backlog drained'].includes(l.label)) continue;
  const r = l.result;
  if (r.failed) {
    p(`| ${l.label} | ${l.storage} | ${l.concurrency} | failed (see the driver log) | | | | | |`);
    continue;
  }
  let note = '';
  if (l.label === 'signed Stripe events applied') note = `; ${r.events_accepted} events accepted of ${r.events_sent} sent (warm-up included), ${r.payments_available} payments available${r.note ? '; ' + r.note : ''}`;
  if (l.label === 'payments created') note = `; ${r.payments_total} payments in all (warm-up included)`;
  if (l.label.startsWith('refresh')) note = r.chains_restarted ? `; ${r.chains_restarted} chains restarted` : '';
  if (!r.requests && !r.errors) note += '; no request finished inside the measured window (too short a DURATION for this figure here)';
  p(`| ${l.label} | ${l.storage} | ${l.concurrency} | ${n(r.rps)} | ${n(r.p50_ms)} | ${n(r.p99_ms)} | ${n(r.cpu_ms, 2)} | ${n(r.cpu_util, 2)} | ${r.errors}${kinds(r)}${note} |`);
}
p();

const logins = lines.filter((l) => l.label === 'password logins');
if (logins.length) {
  p('## Password logins and their limit');
  p();
  p('A login is `GET /login` and `POST /login` with the JWE the page\'s script builds (RSA-OAEP-256 + A256GCM), as a fresh browser. The limit is one Argon2id verification alone (JMH, the broker\'s `Argon2idPasswordHasher` at its parameters) at the same number of threads on the same cores, with no broker running.');
  p();
  p('| concurrency | logins/s | p50 ms | p99 ms | CPU ms/login | errors | Argon2id alone/s | logins / limit |');
  p('|---|---|---|---|---|---|---|---|');
  for (const l of logins) {
    const r = l.result;
    const lim = find('argon2id', '-', l.concurrency);
    const limit = lim ? lim.result.rps : null;
    if (r.failed) {
      p(`| ${l.concurrency} | failed | | | | | ${n(limit)} | |`);
      continue;
    }
    p(`| ${l.concurrency} | ${n(r.rps)} | ${n(r.p50_ms)} | ${n(r.p99_ms)} | ${n(r.cpu_ms, 2)} | ${r.errors}${kinds(r)} | ${n(limit)} | ${limit ? n((100 * r.rps) / limit, 0) + ' %' : '—'} |`);
  }
  const params = lines.find((l) => l.label === 'argon2id');
  if (params) {
    p();
    p(`Argon2id parameters measured: \`${params.result.parameters}\`.`);
  }
  p();
}

const backlogs = lines.filter((l) => l.label === 'callback backlog drained');
if (backlogs.length) {
  p('## CRM callback backlog drained');
  p();
  p('A backlog of queued outcomes (one Stripe event each, made while the local receiver answered `410`, so each went to the dead letter) is replayed at once (`admin callbacks replay --client site --status dead`) to the receiver, which now answers `200` at once. Measured from the first callback the receiver gets until it has them all (or the timeout); `BROKER_CALLBACK_PARALLELISM` as set (default 8).');
  p();
  p('| storage | backlog | delivered | seconds | delivered/s | CPU ms each | drained |');
  p('|---|---|---|---|---|---|---|');
  for (const l of backlogs) {
    const r = l.result;
    if (r.failed) p(`| ${l.storage} | failed | | | | | |`);
    else p(`| ${l.storage} | ${r.backlog} | ${r.delivered} | ${n(r.seconds)} | ${n(r.rps)} | ${n(r.cpu_ms, 2)} | ${r.drained ? 'yes' : `no (timeout, ${r.errors} left)`} |`);
  }
  p();
}
const drains = lines.filter((l) => l.label === 'callbacks delivered after the burst');
if (drains.length) {
  p('## CRM callbacks once the burst of Stripe events stops');
  p();
  p('Each applied event queues one callback for the benchmark client (Standard Webhooks format) to a local receiver that answers `200` at once. Measured from the end of the event burst until the receiver has every callback (or the timeout).');
  p();
  p('| storage | backlog at the end of the burst | delivered | seconds | delivered/s | CPU ms each | drained |');
  p('|---|---|---|---|---|---|---|');
  for (const l of drains) {
    const r = l.result;
    if (r.failed) p(`| ${l.storage} | failed | | | | | |`);
    else if (r.backlog <= 0) p(`| ${l.storage} | 0 (the callbacks kept up with the burst) | | | | | yes |`);
    else p(`| ${l.storage} | ${r.backlog} | ${r.delivered} | ${n(r.seconds)} | ${n(r.rps)} | ${n(r.cpu_ms, 2)} | ${r.drained ? 'yes' : `no (timeout, ${r.errors} left)`} |`);
  }
  p();
}

const jmh = lines.filter((l) => l.label === 'jmh');
if (jmh.length) {
  p('## In-process costs (JMH, one thread)');
  p();
  p('An access-token-sized JWT signed or verified (parse included) with Nimbus JOSE+JWT and the JDK providers, as the broker does; ES256 on P-256, RS256 with RSA 2048.');
  p();
  p('| benchmark | ops/s | µs each |');
  p('|---|---|---|');
  for (const l of jmh) p(`| ${l.result.name} | ${n(l.result.rps)} | ${l.result.rps ? n(1e6 / l.result.rps, 0) : '—'} |`);
  p();
}

p('## Start-up and memory');
p();
p(`"Start" is from launching \`java -jar broker.jar\` to the first \`200\` of \`GET /health/ready\` over HTTPS (polled every 0.1 s), with a fresh data directory (keys and certificate made at start). RSS is the resident memory of the broker process (and its children): idle ${meta.idle_settle} s after ready, and after all the figures of its storage.`);
p();
p('| storage | start to first HTTPS 200 (s) | RSS idle (MiB) | RSS after load (MiB) | log lines | lines naming an exception |');
p('|---|---|---|---|---|---|');
for (const s of storages) {
  const st = find('start', s).result;
  if (st.failed) {
    p(`| ${s} | not ready in time (no figures for this storage) | | | | |`);
    continue;
  }
  const after = (find('after load', s) || { result: {} }).result;
  p(`| ${s} | ${n(st.startup_s)} | ${n(st.rss_idle_mib, 0)} | ${n(after.rss_after_mib, 0)} | ${n(after.log_lines, 0)} | ${n(after.exception_lines, 0)} |`);
}
p();
process.stdout.write(out.join('\n'));
