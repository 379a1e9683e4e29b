#!/usr/bin/env node
/**
 * End-to-end throughput benchmark: starts the built api and worker as processes against the
 * local Redis and PostgreSQL (database hookline_bench, recreated), points a subscription at an
 * in-process receiver on 127.0.0.1, posts events over HTTP and measures
 *   - intake: accepted events per second (POST /v1/events, BENCH_CONCURRENCY in flight),
 *   - delivery: signed deliveries per second until every one has arrived,
 *   - the worker's peak RSS.
 * Usage: npm run build && npm run bench   (BENCH_EVENTS=5000 BENCH_CONCURRENCY=50 BENCH_SUBSCRIPTIONS=2)
 * BENCH_INTAKE_ONLY=1 starts no worker and measures the api's intake alone.
 */
const { spawn } = require('node:child_process');
const http = require('node:http');
const path = require('node:path');
const { Client } = require('pg');
const { migrate } = require('./migrate');

const root = path.resolve(__dirname, '..');
const EVENTS = Number(process.env.BENCH_EVENTS ?? 5000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 50);
const SUBSCRIPTIONS = Number(process.env.BENCH_SUBSCRIPTIONS ?? 2);
const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/hookline_bench';
const API_PORT = 3900;
const ADMIN_TOKEN = 'bench-admin';
const INTAKE_ONLY = process.env.BENCH_INTAKE_ONLY === '1';

async function recreateDatabase() {
  const url = new URL(DATABASE_URL);
  const name = url.pathname.slice(1);
  const admin = new Client({ connectionString: Object.assign(new URL(DATABASE_URL), { pathname: '/postgres' }).toString() });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.end();
  await migrate(DATABASE_URL, { log: () => undefined });
}

function startProcess(name, script, env) {
  const nodeArgs = process.env.BENCH_NODE_ARGS ? process.env.BENCH_NODE_ARGS.split(' ') : [];
  const child = spawn(process.execPath, [...nodeArgs, path.join(root, script)], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  child.on('exit', (code, signal) => {
    if (!child.stopping) console.error(`${name} exited early (${code ?? signal})`);
  });
  return child;
}

async function waitForHttp(url, deadlineMs = 30_000) {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    try {
      const res = await fetch(url);
      if (res.status < 500) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not come up`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function rssOf(pid) {
  try {
    const status = require('node:fs').readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024;
  } catch {
    return 0;
  }
}

async function main() {
  await recreateDatabase();
  let received = 0;
  let firstDeliveryAt = 0;
  const receiver = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (received++ === 0) firstDeliveryAt = Date.now();
      res.writeHead(200).end();
    });
  });
  await new Promise((r) => receiver.listen(0, '127.0.0.1', r));
  const receiverUrl = `http://127.0.0.1:${receiver.address().port}/hook`;

  const prefix = `hlbench${Date.now()}`;
  const env = {
    DATABASE_URL,
    ADMIN_TOKEN,
    ALLOW_HTTP_URLS: 'true',
    ALLOW_PRIVATE_URLS: 'true',
    QUEUE_PREFIX: prefix,
    PORT: String(API_PORT),
    WORKER_HTTP_PORT: '0',
    LOG_LEVEL: 'warn',
    // Every benchmark request uses one API key; the per-key limit would cap intake at 6000/min.
    API_RATE_LIMIT_PER_MINUTE: '0',
  };
  const api = startProcess('api', 'dist/apps/api/apps/api/src/main.js', env);
  const worker = INTAKE_ONLY ? null : startProcess('worker', 'dist/apps/worker/apps/worker/src/main.js', env);
  const base = `http://127.0.0.1:${API_PORT}`;
  try {
    await waitForHttp(`${base}/v1/webhooks`);
    const org = await (await fetch(`${base}/v1/orgs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'bench' }),
    })).json();
    const auth = { authorization: `Bearer ${org.api_key}`, 'content-type': 'application/json' };
    for (let i = 0; i < SUBSCRIPTIONS; i++) {
      await fetch(`${base}/v1/webhooks`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({ name: `bench ${i}`, url: receiverUrl, events: ['bench.*'] }),
      });
    }

    let peakRss = 0;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, worker ? rssOf(worker.pid) : 0)), 100);
    const body = JSON.stringify({ event_type: 'bench.tick', data: { order_id: 'ord_123', amount: 4200, items: [1, 2, 3] } });
    let next = 0;
    let failures = 0;
    const intakeStart = Date.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < EVENTS) {
          next++;
          const res = await fetch(`${base}/v1/events`, { method: 'POST', headers: auth, body });
          if (res.status !== 202) failures++;
          await res.arrayBuffer();
        }
      }),
    );
    const intakeSeconds = (Date.now() - intakeStart) / 1000;
    const expected = INTAKE_ONLY ? 0 : (EVENTS - failures) * SUBSCRIPTIONS;
    const deadline = Date.now() + 10 * 60_000;
    while (received < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const endToEndSeconds = (Date.now() - intakeStart) / 1000;
    clearInterval(sampler);

    const result = {
      events: EVENTS,
      subscriptions: SUBSCRIPTIONS,
      concurrency: CONCURRENCY,
      intake_failures: failures,
      intake_events_per_second: Math.round(EVENTS / intakeSeconds),
      deliveries_expected: expected,
      deliveries_received: received,
      deliveries_per_second_end_to_end: Math.round(received / endToEndSeconds),
      delivery_seconds_after_first: firstDeliveryAt ? Number(((Date.now() - firstDeliveryAt) / 1000).toFixed(2)) : null,
      worker_peak_rss_mb: Math.round(peakRss / 1024 / 1024),
    };
    console.log(JSON.stringify(result, null, 2));
    if (received < expected) process.exitCode = 1;
  } finally {
    for (const child of [api, worker].filter(Boolean)) {
      child.stopping = true;
      child.kill('SIGTERM');
    }
    receiver.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
