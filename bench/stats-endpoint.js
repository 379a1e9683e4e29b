/**
 * npm run bench -- --stats[=deliveries]: GET /v1/stats/deliveries with 1,000,000 deliveries in one
 * organization (issue 10: answered in < 200 ms). The rows are written by SQL (generate_series), not
 * by the pipeline: 100,000 events × 10 subscriptions spread evenly over the last 7 days, 90 %
 * delivered, 5 % failed after 3 attempts, 3 % retrying after 2, 2 % pending (about 1.11 attempts per
 * delivery); 2 of the 10 subscriptions belong to one tenant. Then VACUUM ANALYZE (as autovacuum
 * would after such a load) and each query is timed from the client, sequentially, after a warm-up.
 * On a shared machine wall time says more about the neighbours than about the query, so the CPU
 * time the api process and the database's backends spent per request is reported too (/proc).
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { Client } = require('pg');
const { startStack, stopStack, cpuMs, ADMIN_TOKEN } = require('./processes');
const { latencySummary, nowMs } = require('./stats');
const { call, timeSequential } = require('./api-call');

const SUBSCRIPTIONS = 10;
const TENANT = 'bench:tenant';
const TENANT_SUBSCRIPTIONS = 2;
const SAMPLES = 20;
const TARGET_MS = 200;

/** One organization with 10 subscriptions (2 of them the tenant's) and a portal token for the tenant. */
async function createOrganization(baseUrl) {
  const org = await call(baseUrl, 'POST', '/v1/orgs', ADMIN_TOKEN, { name: 'bench stats' });
  const subscriptionIds = [];
  for (let i = 0; i < SUBSCRIPTIONS; i++) {
    const body = { name: `stats ${i + 1}`, url: 'http://127.0.0.1:9/never-called', events: ['bench.*'] };
    if (i < TENANT_SUBSCRIPTIONS) body.channels = [TENANT];
    subscriptionIds.push((await call(baseUrl, 'POST', '/v1/webhooks', org.api_key, body)).id);
  }
  const session = await call(baseUrl, 'POST', '/v1/portal/sessions', org.api_key, { tenant: TENANT, expires_in_seconds: 3600 });
  return { organizationId: org.id, apiKey: org.api_key, portalToken: session.token, subscriptionIds };
}

/** Writes `deliveries` deliveries (events × SUBSCRIPTIONS) and their attempts over the last 7 days. */
async function loadRows(databaseUrl, { organizationId, subscriptionIds }, deliveries) {
  const events = Math.ceil(deliveries / SUBSCRIPTIONS);
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    await db.query(
      `INSERT INTO events (id, organization_id, event_type, data, created_at, fanned_out_at)
       SELECT 'evt_bench' || lpad(i::text, 9, '0'), $1, 'bench.done', '{}'::jsonb, t, t
       FROM generate_series(1, $2::int) AS i, LATERAL (SELECT now() - i * (interval '7 days' / $2::int)) AS at(t)`,
      [organizationId, events],
    );
    // Status by position: 90 delivered, 5 failed (3 attempts), 3 retrying (2 attempts), 2 pending in every 100.
    await db.query(
      `INSERT INTO deliveries (id, organization_id, event_id, subscription_id, event_type, status, attempts, created_at, last_attempt_at)
       SELECT 'dlv_bench' || substr(e.id, 10) || '_' || s.n, $1, e.id, s.id, 'bench.done', o.status, o.attempts, e.created_at,
              CASE WHEN o.attempts > 0 THEN e.created_at + (o.attempts - 1) * interval '30 seconds' END
       FROM events e
       CROSS JOIN unnest($2::text[]) WITH ORDINALITY AS s(id, n)
       CROSS JOIN LATERAL (SELECT (substr(e.id, 10)::int * ${SUBSCRIPTIONS} + s.n) % 100 AS k) AS p
       CROSS JOIN LATERAL (SELECT CASE WHEN p.k < 90 THEN 'delivered' WHEN p.k < 95 THEN 'failed' WHEN p.k < 98 THEN 'retrying' ELSE 'pending' END AS status,
                                  CASE WHEN p.k < 90 THEN 1 WHEN p.k < 95 THEN 3 WHEN p.k < 98 THEN 2 ELSE 0 END AS attempts) AS o
       WHERE e.organization_id = $1`,
      [organizationId, subscriptionIds],
    );
    // Durations 5..404 ms, spread by a hash so the percentiles have work to do.
    await db.query(
      `INSERT INTO delivery_attempts (id, delivery_id, subscription_id, attempt, url, started_at, duration_ms, response_status, success)
       SELECT 'att' || substr(d.id, 4) || '_' || k, d.id, d.subscription_id, k, 'http://127.0.0.1:9/never-called',
              d.created_at + (k - 1) * interval '30 seconds', 5 + abs(hashtext(d.id || k)) % 400,
              CASE WHEN d.status = 'delivered' THEN 200 ELSE 500 END, d.status = 'delivered' AND k = d.attempts
       FROM deliveries d CROSS JOIN LATERAL generate_series(1, d.attempts) AS k
       WHERE d.organization_id = $1`,
      [organizationId],
    );
    await db.query('VACUUM ANALYZE events, deliveries, delivery_attempts, subscriptions');
    const { rows } = await db.query(
      `SELECT (SELECT count(*) FROM deliveries WHERE organization_id = $1)::int AS deliveries,
              (SELECT count(*) FROM delivery_attempts)::int AS attempts`,
      [organizationId],
    );
    return rows[0];
  } finally {
    await db.end();
  }
}

/** CPU so far of the api process and of every PostgreSQL backend connected to the bench database. */
async function cpuReading(databaseUrl, apiPid) {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const { rows } = await db.query('SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()');
    return { api: cpuMs(apiPid), postgres: new Map(rows.map((row) => [row.pid, cpuMs(row.pid)])) };
  } finally {
    await db.end();
  }
}

function cpuPerRequest(before, after, requests) {
  let postgres = 0;
  for (const [pid, ms] of after.postgres) postgres += ms - (before.postgres.get(pid) ?? 0);
  const round = (ms) => Math.round((ms / requests) * 10) / 10;
  return { api_cpu_ms_per_request: round(after.api - before.api), postgres_cpu_ms_per_request: round(postgres) };
}

async function timeQuery({ baseUrl, databaseUrl, apiPid }, token, query) {
  const path = `/v1/stats/deliveries${query}`;
  let before;
  const { durations, last } = await timeSequential(
    () => call(baseUrl, 'GET', path, token),
    SAMPLES,
    async () => (before = await cpuReading(databaseUrl, apiPid)),
  );
  const cpu = cpuPerRequest(before, await cpuReading(databaseUrl, apiPid), SAMPLES);
  return { buckets: last.buckets.length, ...latencySummary(durations), ...cpu, load_average_1m: Math.round(os.loadavg()[0] * 10) / 10 };
}

async function runStatsEndpointBench({ build, databaseUrl, redisUrl, runId, apiPort, deliveries, log }) {
  // No worker: nothing is delivered, the rows are written directly.
  const stack = await startStack({ build, databaseUrl, redisUrl, apiPort }, { prefix: `hlbench-${runId}-stats`, workers: 0 });
  try {
    const org = await createOrganization(stack.baseUrl);
    log(`loading ${deliveries} deliveries with generate_series`);
    const loadStarted = nowMs();
    const loaded = await loadRows(databaseUrl, org, deliveries);
    log(`loaded ${loaded.deliveries} deliveries and ${loaded.attempts} attempts in ${Math.round((nowMs() - loadStarted) / 1000)} s`);
    const until = new Date();
    const week = `?since=${new Date(until.getTime() - 7 * 24 * 3600_000).toISOString()}&until=${until.toISOString()}`;
    const queries = [
      { name: 'org, last 24 h, hour buckets (default)', token: org.apiKey, query: '' },
      { name: 'org, last 24 h, minute buckets', token: org.apiKey, query: '?bucket=minute' },
      { name: 'org, last 7 days, hour buckets', token: org.apiKey, query: week },
      { name: 'tenant (portal token), last 24 h, hour buckets', token: org.portalToken, query: '' },
    ];
    const results = [];
    for (const q of queries) {
      log(`timing: ${q.name}`);
      const target = { baseUrl: stack.baseUrl, databaseUrl, apiPid: stack.api.pid };
      results.push({ name: q.name, query: q.query || '(defaults)', ...(await timeQuery(target, q.token, q.query)) });
    }
    return { deliveries: loaded.deliveries, attempts: loaded.attempts, samples_per_query: SAMPLES, target_ms: TARGET_MS, queries: results };
  } finally {
    await stopStack(stack);
  }
}

function formatStatsReport(result) {
  const lines = [
    `GET /v1/stats/deliveries with ${result.deliveries} deliveries (${result.attempts} attempts) in one organization; ${result.samples_per_query} sequential requests each, ms:`,
  ];
  for (const q of result.queries) {
    lines.push(
      `  ${q.name.padEnd(48)} buckets ${String(q.buckets).padStart(5)}  wall p50 ${q.p50_ms}  p95 ${q.p95_ms}  max ${q.max_ms}` +
        `  CPU/request: PostgreSQL ${q.postgres_cpu_ms_per_request}, api ${q.api_cpu_ms_per_request}  (load ${q.load_average_1m})`,
    );
  }
  return lines.join('\n');
}

/** bench/results/stats-<start time>.json (kept apart from latest.json, which holds the pipeline run). */
function writeStatsResults(report) {
  const file = path.join(__dirname, 'results', `stats-${report.started_at.replace(/:/g, '-')}.json`);
  fs.writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  return file;
}

module.exports = { runStatsEndpointBench, formatStatsReport, writeStatsResults };
