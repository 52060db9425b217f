// Local stand-ins the benchmarked broker talks to, on 127.0.0.1 only:
//  - a fast Stripe API: POST /v1/checkout/sessions answers a new open Checkout Session of
//    12.50 EUR (as integration-tests' FakeStripe does), anything else 404;
//  - a fast CRM receiver: POST /crm answers 200 at once and counts distinct webhook-ids;
//    GET /count answers {"received": distinct, "requests": all, "refused": answered otherwise};
//    POST /mode?status=410 makes it answer 410 (the broker sends such messages to the dead letter
//    at once) until POST /mode?status=200; refused messages are not counted as received.
// Prints one JSON line {"stripe": port, "crm": port} when listening. Stops by itself after
// MAX_SECONDS (default 3 h) or when the process PARENT_PID (run.sh) is gone.
import http from 'node:http';
import crypto from 'node:crypto';

const MAX_SECONDS = Number(process.env.MAX_SECONDS || 10800);
const id = (n) => crypto.randomBytes(n).toString('base64url').replace(/[-_]/g, 'x').slice(0, n);

function session() {
  const sid = 'cs_test_' + id(24);
  return JSON.stringify({
    id: sid,
    object: 'checkout.session',
    client_secret: 'cs_test_secret_' + id(16),
    currency: 'eur',
    expires_at: 1893456000,
    livemode: false,
    metadata: {},
    mode: 'payment',
    payment_status: 'unpaid',
    status: 'open',
    amount_total: 1250,
    url: 'https://checkout.stripe.com/c/pay/' + sid,
  });
}

const stripe = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    if (req.method === 'POST' && req.url.startsWith('/v1/checkout/sessions')) {
      const body = session();
      res.writeHead(200, {
        'Content-Type': 'application/json',
        'Request-Id': 'req_bench',
        'Content-Length': Buffer.byteLength(body),
      });
      res.end(body);
    } else {
      res.writeHead(404, { 'Content-Length': 0 });
      res.end();
    }
  });
});

const seen = new Set();
let requests = 0;
let refused = 0;
let status = 200;
const crm = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    if (req.method === 'POST' && req.url.startsWith('/crm')) {
      requests++;
      const wid = req.headers['webhook-id'];
      if (status !== 200) refused++;
      else if (wid) seen.add(wid);
      res.writeHead(status, { 'Content-Length': 0 });
      res.end();
    } else if (req.method === 'POST' && req.url.startsWith('/mode?status=')) {
      status = Number(req.url.slice('/mode?status='.length)) || 200;
      res.writeHead(204);
      res.end();
    } else if (req.method === 'GET' && req.url === '/count') {
      const body = JSON.stringify({ received: seen.size, requests, refused });
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': body.length });
      res.end(body);
    } else {
      res.writeHead(404, { 'Content-Length': 0 });
      res.end();
    }
  });
});
stripe.keepAliveTimeout = 60_000;
crm.keepAliveTimeout = 60_000;

await new Promise((r) => stripe.listen(0, '127.0.0.1', r));
await new Promise((r) => crm.listen(0, '127.0.0.1', r));
console.log(JSON.stringify({ stripe: stripe.address().port, crm: crm.address().port }));
setTimeout(() => process.exit(0), MAX_SECONDS * 1000).unref();
const parent = Number(process.env.PARENT_PID || 0);
if (parent) {
  setInterval(() => {
    try {
      process.kill(parent, 0);
    } catch {
      process.exit(0);
    }
  }, 2000).unref();
}
