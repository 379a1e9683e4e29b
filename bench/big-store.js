/**
 * `npm run bench -- --big-store`: the read paths and retention on a large organization (issue 11).
 * One organization gets 200,000 events fanned out to 5 of its 10 webhooks (1,000,000 deliveries)
 * with 2 attempts each (2,000,000 attempts), written with SQL generate_series, not HTTP, spread
 * over the last 60 days. Then: p95 of the log, event and execution reads through the api, and a
 * retention run (RETENTION_DAYS=30: half of it) while deliveries keep flowing.
 */
const { startStack, stopStack, stopProcess, spawnApp, appEnv, ADMIN_TOKEN } = require('./processes');
const { withClient } = require('./database');
const { deleteKeys } = require('./redis');
const { fixedRateIntake } = require('./load');
const { latencySummary, sleep } = require('./stats');
const { call, timeSequential } = require('./api-call');

const EVENTS = 200_000;
const FAN_OUT = 5;
const WEBHOOKS = 10;
const ATTEMPTS_PER_DELIVERY = 2;
const EVENT_TYPES = 20;
const DAYS = 60;
const RETENTION_DAYS = 30;
const CHANNEL = 'queue:big';
/** Timed requests per read (after a few untimed ones). */
const SAMPLES = 40;
/** The deliveries that keep flowing during retention: single events at this rate. */
const FLOW_PER_SECOND = 50;
const FLOW_MAX_MS = 1_200_000;
/** The flow alone this long first: its latency without retention, on the same box, is the baseline. */
const BASELINE_MS = 20_000;

/** Ten webhooks (nine subscriptions and a channel's) for the stored deliveries, one for the live flow. */
async function createTenant(baseUrl, receiverUrl) {
  const org = await call(baseUrl, 'POST', '/v1/orgs', ADMIN_TOKEN, { name: 'big store' });
  const ids = [];
  for (let i = 1; i < WEBHOOKS; i++) {
    ids.push((await call(baseUrl, 'POST', '/v1/webhooks', org.api_key, { name: `stored ${i}`, url: receiverUrl, events: ['big.*'] })).id);
  }
  await call(baseUrl, 'PUT', `/v1/channels/${CHANNEL}/webhook`, org.api_key, { url: receiverUrl });
  const flow = await call(baseUrl, 'POST', '/v1/webhooks', org.api_key, { name: 'live flow', url: receiverUrl, events: ['bench.*'] });
  return { org, subscriptionIds: ids, flowSubscriptionId: flow.id };
}

/**
 * Writes the events, deliveries and attempts with three INSERT … SELECT over generate_series. Event
 * n is n/EVENTS × 60 days old, of type big.type_(n mod 20), call id call_(n mod 50000); its deliveries
 * go to webhooks (n+k) mod 10, k < 5; one in 13 failed, the rest delivered (finished: nothing for the
 * sweeper to resume); attempt 1 failed (500), attempt 2 decided. Foreign-key triggers are skipped
 * (session_replication_role = replica): the rows are consistent by construction.
 */
async function loadStore(databaseUrl, organizationId, log) {
  return withClient(databaseUrl, async (db) => {
    const { rows } = await db.query(`SELECT id FROM subscriptions WHERE organization_id = $1 AND (kind = 'channel' OR name LIKE 'stored %') ORDER BY id`, [
      organizationId,
    ]);
    if (rows.length !== WEBHOOKS) throw new Error(`expected ${WEBHOOKS} webhooks, found ${rows.length}`);
    const webhooks = rows.map((row) => row.id);
    await db.query(`SET session_replication_role = replica`);
    const started = Date.now();
    const timed = async (what, sql, params) => {
      const t0 = Date.now();
      const { rowCount } = await db.query(sql, params);
      log(`  ${what}: ${rowCount} rows in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      return rowCount;
    };
    const events = await timed(
      'events',
      `INSERT INTO events (id, organization_id, event_type, data, call_id, status, created_at, fanned_out_at)
       SELECT 'evt_big' || lpad(n::text, 9, '0'), $1, 'big.type_' || (n % ${EVENT_TYPES}), jsonb_build_object('n', n),
              'call_' || (n % 50000), 'accepted', t, t
       FROM generate_series(1, ${EVENTS}) AS n, LATERAL (SELECT now() - make_interval(secs => n::float8 / ${EVENTS} * ${DAYS} * 86400)) AS at(t)`,
      [organizationId],
    );
    const deliveries = await timed(
      'deliveries',
      `INSERT INTO deliveries (id, organization_id, event_id, subscription_id, event_type, status, attempts, response_status, error_message, created_at, last_attempt_at)
       SELECT 'dlv_big' || lpad((e.n * ${FAN_OUT} + k)::text, 10, '0'), $1, e.id, ($2::text[])[1 + (e.n + k) % ${WEBHOOKS}], e.event_type,
              CASE WHEN (e.n * ${FAN_OUT} + k) % 13 = 0 THEN 'failed' ELSE 'delivered' END, ${ATTEMPTS_PER_DELIVERY},
              CASE WHEN (e.n * ${FAN_OUT} + k) % 13 = 0 THEN 500 ELSE 200 END,
              CASE WHEN (e.n * ${FAN_OUT} + k) % 13 = 0 THEN 'HTTP 500' END,
              e.created_at, e.created_at + interval '31 seconds'
       FROM (SELECT id, event_type, created_at, substr(id, 8)::int AS n FROM events WHERE organization_id = $1 AND id LIKE 'evt_big%') AS e,
            generate_series(0, ${FAN_OUT - 1}) AS k`,
      [organizationId, webhooks],
    );
    const attempts = await timed(
      'attempts',
      `INSERT INTO delivery_attempts (id, delivery_id, subscription_id, attempt, url, started_at, duration_ms, response_status, error_message, success)
       SELECT 'att_big' || substr(d.id, 8) || a, d.id, d.subscription_id, a, 'http://127.0.0.1/hook', d.created_at + (a - 1) * interval '30 seconds', 20,
              CASE WHEN a = 1 THEN 500 ELSE d.response_status END, CASE WHEN a = 1 OR d.status = 'failed' THEN 'HTTP 500' END,
              a = ${ATTEMPTS_PER_DELIVERY} AND d.status = 'delivered'
       FROM deliveries d, generate_series(1, ${ATTEMPTS_PER_DELIVERY}) AS a
       WHERE d.organization_id = $1 AND d.id LIKE 'dlv_big%'`,
      [organizationId],
    );
    await db.query(`RESET session_replication_role`);
    // The triggers that keep the listings' totals were skipped with the foreign keys: count once.
    const recounted = Date.now();
    await db.query('SELECT recount_delivery_counts($1)', [organizationId]);
    log(`  delivery_counts recounted in ${((Date.now() - recounted) / 1000).toFixed(1)} s`);
    const t0 = Date.now();
    await db.query('VACUUM ANALYZE events, deliveries, delivery_attempts');
    log(`  VACUUM ANALYZE in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    return { events, deliveries, attempts, load_seconds: Math.round((Date.now() - started) / 100) / 10 };
  });
}

/** p50/p95/max of `SAMPLES` sequential GETs (after a few untimed ones); fails on any non-2xx. */
async function timeRead(baseUrl, token, path) {
  const { durations } = await timeSequential(async () => {
    const res = await fetch(`${baseUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
    const body = await res.text();
    if (!res.ok) throw new Error(`GET ${path} answered ${res.status}: ${body.slice(0, 300)}`);
  }, SAMPLES);
  const { p50_ms, p95_ms, max_ms } = latencySummary(durations);
  return { path, p50_ms, p95_ms, max_ms };
}

async function measureReads(baseUrl, apiKey, subscriptionId) {
  const reads = [
    ['logs/all, first page', '/v1/webhooks/logs/all?limit=50'],
    ['logs/all, page 100', '/v1/webhooks/logs/all?limit=50&offset=4950'],
    ['logs/all ?event_type, first page', '/v1/webhooks/logs/all?limit=50&event_type=big.type_7'],
    ['logs/all ?event_type, page 100', '/v1/webhooks/logs/all?limit=50&offset=4950&event_type=big.type_7'],
    ['logs/all ?status=failed, first page', '/v1/webhooks/logs/all?limit=50&status=failed'],
    ['logs/all ?status=failed, page 100', '/v1/webhooks/logs/all?limit=50&offset=4950&status=failed'],
    ['logs/all ?event_type&status, first page', '/v1/webhooks/logs/all?limit=50&event_type=big.type_7&status=failed'],
    ['webhooks/:id/logs, first page', `/v1/webhooks/${subscriptionId}/logs?limit=50`],
    ['webhooks/:id/logs, page 100', `/v1/webhooks/${subscriptionId}/logs?limit=50&offset=4950`],
    ['events?call_id=', '/v1/events?call_id=call_4242'],
    ['channel executions, page 1', `/v1/channels/${CHANNEL}/webhook/executions?page=1`],
    ['channel executions, page 100', `/v1/channels/${CHANNEL}/webhook/executions?page=100`],
  ];
  const results = [];
  for (const [label, path] of reads) results.push({ read: label, ...(await timeRead(baseUrl, apiKey, path)) });
  return results;
}

/**
 * Whether any expired event is left: retention goes through events oldest first and deletes an
 * event after its deliveries and attempts, so none left means it is done. One index probe, cheap
 * enough to ask every second without slowing retention down (counting would).
 */
async function expiredEventLeft(databaseUrl, organizationId) {
  return withClient(databaseUrl, async (db) => {
    const { rows } = await db.query(
      `SELECT EXISTS (SELECT 1 FROM events WHERE organization_id = $1 AND created_at < now() - interval '${RETENTION_DAYS} days') AS left`,
      [organizationId],
    );
    return rows[0].left;
  });
}

/**
 * The longest time without a delivery arriving while retention runs: the receiver reports its last
 * arrival every 100 ms, so this is the largest step between two reported arrivals (an upper bound
 * of the real gap, within ~100 ms). At 50 deliveries/s it is ~100 ms when nothing holds them up.
 */
function arrivalGaps(receiver) {
  let last = receiver.progress.lastAt;
  let longest = 0;
  const timer = setInterval(() => {
    const at = receiver.progress.lastAt;
    if (at !== last) {
      if (last > 0) longest = Math.max(longest, at - last);
      last = at;
    }
  }, 50);
  return { stop: () => clearInterval(timer), longestMs: () => Math.round(longest * 10) / 10 };
}

async function countExpired(databaseUrl, organizationId) {
  return withClient(databaseUrl, async (db) => {
    const { rows } = await db.query(
      `SELECT (SELECT count(*) FROM deliveries WHERE organization_id = $1 AND created_at < now() - interval '${RETENTION_DAYS} days')::int AS deliveries,
              (SELECT count(*) FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id
                 WHERE d.organization_id = $1 AND d.created_at < now() - interval '${RETENTION_DAYS} days')::int AS attempts,
              (SELECT count(*) FROM events WHERE organization_id = $1 AND created_at < now() - interval '${RETENTION_DAYS} days')::int AS events`,
      [organizationId],
    );
    return rows[0];
  });
}

/**
 * Starts a second worker with RETENTION_DAYS=30 (its first run comes a second after start) while
 * single events flow at FLOW_PER_SECOND to the receiver; retention is over when no expired row is
 * left. The figure for "retention never blocks deliveries" is the publish → receive latency of the
 * flow meanwhile (max and p99): a delivery held up by a lock would show as a late arrival.
 */
async function measureRetention(ctx, stack, tenant, prefix, log) {
  const expired = await countExpired(ctx.databaseUrl, tenant.org.id);
  log(`retention: ${expired.deliveries} deliveries, ${expired.attempts} attempts, ${expired.events} events older than ${RETENTION_DAYS} days`);
  await ctx.receiver.reset();
  let retentionDone = false;
  let retentionSeconds;
  const flow = fixedRateIntake({
    baseUrl: stack.baseUrl,
    apiKey: tenant.org.api_key,
    ratePerSecond: FLOW_PER_SECOND,
    durationMs: FLOW_MAX_MS,
    useBatch: false,
    stopWhen: () => retentionDone,
  });
  await sleep(BASELINE_MS);
  const baseline = await ctx.receiver.summary();
  await ctx.receiver.reset();
  const env = appEnv({
    databaseUrl: ctx.databaseUrl,
    redisUrl: ctx.redisUrl,
    prefix,
    apiPort: ctx.apiPort,
    extra: { RETENTION_DAYS: String(RETENTION_DAYS), RETENTION_INTERVAL_MS: '1000' },
  });
  const retentionWorker = spawnApp('retention worker', ctx.build.worker, env);
  const started = Date.now();
  const gaps = arrivalGaps(ctx.receiver);
  let flowTally;
  try {
    for (;;) {
      await sleep(1000);
      if (!(await expiredEventLeft(ctx.databaseUrl, tenant.org.id))) break;
      if (Date.now() - started > FLOW_MAX_MS - 10_000) throw new Error(`retention not done after ${FLOW_MAX_MS / 1000} s`);
      if (retentionWorker.exitCode !== null) throw new Error(`retention worker exited:\n${retentionWorker.stderrTail()}`);
    }
  } finally {
    const seconds = Math.round((Date.now() - started) / 100) / 10;
    retentionDone = true;
    gaps.stop();
    flowTally = await flow;
    await ctx.receiver.waitFor(() => flowTally.accepted - baseline.received, ctx.opts.mode.wait);
    await stopProcess(retentionWorker);
    retentionSeconds = seconds;
  }
  const seconds = retentionSeconds;
  const summary = await ctx.receiver.summary();
  const left = await countExpired(ctx.databaseUrl, tenant.org.id);
  if (left.deliveries + left.attempts + left.events > 0) throw new Error(`retention left expired rows: ${JSON.stringify(left)}`);
  return {
    deleted: expired,
    // Within about a second: rows are counted once per second.
    duration_seconds: seconds,
    rows_deleted_per_second: Math.round((expired.deliveries + expired.attempts + expired.events) / seconds),
    flow_before: { deliveries_received: baseline.received, latency_ms: baseline.latency },
    flow: {
      events_accepted: flowTally.accepted - baseline.received,
      deliveries_received: summary.received,
      latency_ms: summary.latency,
      longest_arrival_gap_ms: gaps.longestMs(),
    },
  };
}

async function runBigStore(ctx, log) {
  const prefix = `hlbench-${ctx.runId}-big`;
  // Retention off in this worker: a worker of its own runs it, at a chosen moment.
  const stack = await startStack(ctx, { prefix, workers: 1, extraEnv: { RETENTION_DAYS: '0' } });
  try {
    const tenant = await createTenant(stack.baseUrl, ctx.receiver.url);
    log(`loading ${EVENTS} events, ${EVENTS * FAN_OUT} deliveries, ${EVENTS * FAN_OUT * ATTEMPTS_PER_DELIVERY} attempts with generate_series`);
    const loaded = await loadStore(ctx.databaseUrl, tenant.org.id, log);
    log('reads (p95 of 40 sequential requests each)');
    const reads = await measureReads(stack.baseUrl, tenant.org.api_key, tenant.subscriptionIds[0]);
    for (const read of reads) log(`  ${read.read}: p50 ${read.p50_ms} ms, p95 ${read.p95_ms} ms`);
    const retention = await measureRetention(ctx, stack, tenant, prefix, log);
    log(
      `retention: ${retention.duration_seconds} s; flow latency max ${retention.flow.latency_ms.max_ms} ms, longest gap between arrivals ${retention.flow.longest_arrival_gap_ms} ms`,
    );
    const worstRead = Math.max(...reads.map((read) => read.p95_ms));
    return {
      id: 'big-store',
      title: 'big store: 1M deliveries, 2M attempts in one organization',
      status: 'ok',
      loaded,
      reads,
      retention,
      targets: {
        'every read p95 < 100 ms': worstRead < 100 ? `met (worst ${worstRead} ms)` : `not met (worst ${worstRead} ms)`,
        'retention never delays a delivery > 1 s':
          retention.flow.latency_ms.max_ms < 1000 ? `met (max ${retention.flow.latency_ms.max_ms} ms)` : `not met (max ${retention.flow.latency_ms.max_ms} ms)`,
        'deliveries never stop arriving for > 1 s during retention':
          retention.flow.longest_arrival_gap_ms < 1000
            ? `met (longest gap ${retention.flow.longest_arrival_gap_ms} ms)`
            : `not met (longest gap ${retention.flow.longest_arrival_gap_ms} ms)`,
      },
    };
  } finally {
    await stopStack(stack);
    await deleteKeys(ctx.redis, prefix);
  }
}

/** The result as the Markdown table bench/README.md quotes. */
function formatBigStore(result) {
  const lines = [
    `Loaded: ${result.loaded.events} events, ${result.loaded.deliveries} deliveries, ${result.loaded.attempts} attempts in ${result.loaded.load_seconds} s.`,
    '',
    '| read | p50 ms | p95 ms | max ms |',
    '| --- | ---: | ---: | ---: |',
    ...result.reads.map((read) => `| ${read.read} | ${read.p50_ms} | ${read.p95_ms} | ${read.max_ms} |`),
    '',
    `Retention: ${result.retention.deleted.deliveries} deliveries, ${result.retention.deleted.attempts} attempts and ${result.retention.deleted.events} events deleted in ${result.retention.duration_seconds} s ` +
      `(${result.retention.rows_deleted_per_second} rows/s) while ${result.retention.flow.deliveries_received} deliveries flowed: ` +
      `publish → receive p50 ${result.retention.flow.latency_ms.p50_ms} ms, p99 ${result.retention.flow.latency_ms.p99_ms} ms, max ${result.retention.flow.latency_ms.max_ms} ms, ` +
      `longest gap between arrivals ${result.retention.flow.longest_arrival_gap_ms} ms ` +
      `(the same flow in the ${BASELINE_MS / 1000} s before retention: p50 ${result.retention.flow_before.latency_ms.p50_ms} ms, p99 ${result.retention.flow_before.latency_ms.p99_ms} ms, max ${result.retention.flow_before.latency_ms.max_ms} ms).`,
    '',
    ...Object.entries(result.targets).map(([target, verdict]) => `- ${target}: ${verdict}`),
  ];
  return lines.join('\n');
}

module.exports = { runBigStore, formatBigStore, loadStore, WEBHOOKS, CHANNEL };
