/**
 * The scenarios of issue 5. Each one gets an empty database, its own BullMQ QUEUE_PREFIX (its
 * Redis keys are deleted afterwards), a fresh api and worker process(es), and the shared receiver.
 */
const { startStack, stopStack, sampleRss, cpuMs, ADMIN_TOKEN } = require('./processes');
const { commandStats, commandDelta, deleteKeys } = require('./redis');
const { batchIntake, singleIntake, publisherIntake, fixedRateIntake, hasBatchEndpoint } = require('./load');
const { nowMs, perSecond, mb, sleep, slope } = require('./stats');

/**
 * The payload filter of scenario 3f (and of bench/filter-overhead.js): four conditions that every
 * bench event matches, so 3f creates the same deliveries as 3 and only the filter's cost differs.
 */
const BENCH_FILTER = {
  event_type: { $startsWith: 'bench.' },
  'data.amount': { $gte: 100 },
  $or: [{ 'data.order_id': { $startsWith: 'ord_' } }, { 'data.items.0': { $exists: true } }],
};

const SCENARIOS = [
  { id: '1', title: 'batch intake, 1 subscription, 1 worker', intake: 'batch', subscriptions: 1, workers: 1 },
  // Signing cost: the same load with ed25519 (v1a) signatures instead of HMAC; compare worker CPU per delivery.
  { id: '1e', title: 'scenario 1 with an ed25519 subscription', intake: 'batch', subscriptions: 1, workers: 1, signatureScheme: 'ed25519' },
  { id: '1b', title: 'single-event intake (64 clients)', intake: 'single', subscriptions: 1, workers: 1 },
  { id: '2', title: 'Redis publisher (HooklinePublisher)', intake: 'publisher', subscriptions: 1, workers: 1 },
  { id: '2b', title: 'Redis publisher, publishMany of 100 events', intake: 'publisher', publishMany: 100, subscriptions: 1, workers: 1 },
  { id: '3', title: 'fan-out: 10 subscriptions per event', intake: 'batch', fallback: 'single', subscriptions: 10, workers: 1 },
  {
    id: '3f',
    title: 'scenario 3 with a payload filter on each subscription',
    intake: 'batch',
    fallback: 'single',
    subscriptions: 10,
    workers: 1,
    filter: BENCH_FILTER,
  },
  { id: '4', title: 'fixed rate at 20% of the max, latency', intake: 'fixed-rate', subscriptions: 1, workers: 1 },
  // The common way users publish: each event its own POST /v1/events, open loop.
  { id: '4s', title: 'fixed rate at 20% of the max, one POST per event, latency', intake: 'fixed-rate', singleEvents: true, subscriptions: 1, workers: 1 },
  { id: '5', title: 'scenario 1 with 2 worker processes', intake: 'batch', fallback: 'single', subscriptions: 1, workers: 2 },
  // Ordered delivery (issue 12), run with --ordered (after scenario 1, their reference): events spread
  // over `orderingKeys` keys of a per_key subscription; one key is bounded by the receiver's latency.
  { id: '6', title: 'ordered (per_key), 100 keys', intake: 'batch', subscriptions: 1, workers: 1, orderingKeys: 100, optIn: true },
  { id: '6b', title: 'ordered (per_key), 1 key', intake: 'batch', subscriptions: 1, workers: 1, orderingKeys: 1, optIn: true },
];

const BATCH_CONCURRENCY = 4;
/** Scenario 4 sends at its rate this long, unmeasured, before measuring latency. */
const FIXED_RATE_WARM_UP_MS = 2_000;
const SINGLE_CONCURRENCY = 64;
const PUBLISHER_CONCURRENCY = 64;

/**
 * Decides how many events the load may still send (0: stop). Fixed count with --events; otherwise
 * it sends for up to `intakeMs` and `cap` deliveries, and stops earlier once the backlog would take
 * longer than `drainBudgetMs` to deliver at the rate seen since the first delivery (checked after
 * `checkAfterMs`, once the worker is warm). So a slow path still finishes in bounded time and a
 * fast one runs long enough to be steady.
 */
function intakePlan({ mode, cap, subscriptions, receiver }) {
  let reserved = 0;
  let start = 0;
  return {
    async take(max) {
      const now = nowMs();
      if (!start) start = now;
      const limit = mode.events ?? Math.floor(cap / subscriptions);
      if (!mode.events) {
        const { received, firstAt } = receiver.progress;
        if (now - start >= mode.intakeMs) return 0;
        if (now - start >= mode.checkAfterMs && received > 0) {
          const rate = received / Math.max(1, now - firstAt);
          if ((reserved * subscriptions - received) / rate > mode.drainBudgetMs) return 0;
        }
      }
      const n = Math.max(0, Math.min(max, limit - reserved));
      reserved += n;
      return n;
    },
  };
}

/** Soak: sends until `events` were taken, keeping at most `window` deliveries outstanding. */
function soakPlan({ events, window, receiver }) {
  let reserved = 0;
  return {
    async take(max) {
      while (reserved - receiver.progress.received > window) await sleep(20);
      const n = Math.max(0, Math.min(max, events - reserved));
      reserved += n;
      return n;
    },
  };
}

async function api(baseUrl, path, token, body) {
  const res = await fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = await res.json();
  if (!res.ok) throw new Error(`POST ${path} answered ${res.status}: ${JSON.stringify(json)}`);
  return json;
}

async function createTenant(stack, receiver, subscriptions, { ordered = false, filter = null, signatureScheme = 'hmac' } = {}) {
  const org = await api(stack.baseUrl, '/v1/orgs', ADMIN_TOKEN, { name: 'bench' });
  for (let i = 0; i < subscriptions; i++) {
    const body = {
      name: `bench ${i + 1}`,
      url: receiver.url,
      events: ['bench.*'],
      signature_scheme: signatureScheme,
      ...(ordered && { ordering: 'per_key' }),
      ...(filter && { filter }),
    };
    await api(stack.baseUrl, '/v1/webhooks', org.api_key, body);
  }
  return org;
}

/** Deliveries so far: a live line on a terminal, else a log line every 30 s (soak runs are long). */
function progressTicker(label, receiver) {
  const started = Date.now();
  const tty = process.stderr.isTTY;
  const timer = setInterval(
    () => {
      const text = `${label}: ${receiver.progress.received} deliveries after ${Math.round((Date.now() - started) / 1000)} s`;
      process.stderr.write(tty ? `\r  ${text}   ` : `[bench] ${text}\n`);
    },
    tty ? 500 : 30_000,
  );
  return {
    stop() {
      clearInterval(timer);
      if (tty) process.stderr.write('\r\x1b[K');
    },
  };
}

/** Runs one scenario and returns its figures (or { status: 'skipped', reason }). */
async function runScenario(def, ctx) {
  const prefix = `hlbench-${ctx.runId}-${def.id}`;
  try {
    return await measure(def, ctx, prefix);
  } finally {
    await deleteKeys(ctx.redis, prefix);
  }
}

async function measure(def, ctx, prefix) {
  const { opts, receiver, redis, statements } = ctx;
  const base = { id: def.id, title: def.title, subscriptions: def.subscriptions, workers: def.workers, signature_scheme: def.signatureScheme ?? 'hmac' };
  let fixedRate;
  if (def.intake === 'fixed-rate') {
    const reference = ctx.results.find((r) => r.id === '1' && r.status === 'ok') ?? ctx.results.find((r) => r.id === '1b' && r.status === 'ok');
    if (!reference) return { ...base, status: 'skipped', reason: 'needs scenario 1 or 1b in the same run for its rate' };
    fixedRate = { ratePerSecond: Math.max(1, Math.round(reference.deliveries_per_second * 0.2)), reference: reference.id };
  }

  const stack = await startStack(ctx, { prefix, workers: def.workers });
  let tally;
  let delivered;
  let peaks;
  let redisCommands;
  let intake = def.intake;
  let statementsBefore;
  let rss;
  let ticker;
  let soakSeries;
  let workerCpuBefore;
  let workerCpuMs;
  let apiCpuBefore;
  let apiCpuMs;
  try {
    const org = await createTenant(stack, receiver, def.subscriptions, {
      ordered: Boolean(def.orderingKeys),
      filter: def.filter,
      signatureScheme: def.signatureScheme,
    });
    const batchAvailable = await hasBatchEndpoint(stack.baseUrl, org.api_key);
    if (def.intake === 'batch' && !batchAvailable) {
      if (!def.fallback) return { ...base, status: 'skipped', reason: 'POST /v1/events/batch answered 404 (not built yet)' };
      intake = `${def.fallback} (batch endpoint missing)`;
    }
    const fixedRateBatches = batchAvailable && !def.singleEvents;
    if (fixedRate)
      intake = fixedRateBatches ? 'fixed-rate batches' : batchAvailable ? 'fixed-rate single events' : 'fixed-rate single events (batch endpoint missing)';

    if (fixedRate) {
      // Fresh processes compile their hot paths (JIT, Prisma's query plans) during the first second
      // or so: the latency target is about steady state, so a warm-up at the same rate goes first.
      const warmUp = await fixedRateIntake({
        baseUrl: stack.baseUrl,
        apiKey: org.api_key,
        ...fixedRate,
        durationMs: FIXED_RATE_WARM_UP_MS,
        useBatch: fixedRateBatches,
      });
      await receiver.waitFor(() => warmUp.accepted * def.subscriptions, opts.mode.wait);
    }
    await receiver.reset();
    const redisBefore = await commandStats(redis);
    statementsBefore = await statements.read();
    rss = sampleRss([stack.api, ...stack.workers]);
    workerCpuBefore = stack.workers.reduce((sum, worker) => sum + cpuMs(worker.pid), 0);
    apiCpuBefore = cpuMs(stack.api.pid);
    // Later scenarios are sized from the fastest delivery rate seen so far in this run.
    const fastest = Math.max(0, ...ctx.results.filter((r) => r.status === 'ok').map((r) => r.deliveries_per_second));
    const cap = fastest ? Math.min(opts.mode.maxDeliveries, fastest * opts.mode.targetSeconds) : opts.mode.maxDeliveries;
    const plan = ctx.soak
      ? soakPlan({ events: ctx.soak.events, window: ctx.soak.window, receiver })
      : intakePlan({ mode: opts.mode, cap, subscriptions: def.subscriptions, receiver });
    const load = { baseUrl: stack.baseUrl, apiKey: org.api_key, plan };
    soakSeries = ctx.soak ? sampleSoak(stack.workers[0], receiver) : null;
    let running;
    if (fixedRate) running = fixedRateIntake({ ...load, ...fixedRate, durationMs: opts.mode.fixedRateMs, useBatch: fixedRateBatches });
    else if (intake.startsWith('batch')) running = batchIntake({ ...load, concurrency: BATCH_CONCURRENCY, orderingKeys: def.orderingKeys });
    else if (intake.startsWith('single')) running = singleIntake({ ...load, concurrency: SINGLE_CONCURRENCY });
    else
      running = publisherIntake({
        build: ctx.build,
        redisUrl: ctx.redisUrl,
        prefix,
        organizationId: org.id,
        concurrency: def.publishMany ? BATCH_CONCURRENCY : PUBLISHER_CONCURRENCY,
        perCall: def.publishMany ?? 1,
        plan,
      });
    ticker = progressTicker(`scenario ${def.id}`, receiver);
    tally = await running;
    apiCpuMs = cpuMs(stack.api.pid) - apiCpuBefore;
    const expected = tally.accepted * def.subscriptions;
    delivered = await receiver.waitFor(() => expected, opts.mode.wait);
    peaks = rss.stop();
    workerCpuMs = stack.workers.reduce((sum, worker) => sum + cpuMs(worker.pid), 0) - workerCpuBefore;
    if (soakSeries) base.soak = soakSeries.stop();
    redisCommands = commandDelta(redisBefore, await commandStats(redis));
  } finally {
    ticker?.stop();
    rss?.stop();
    soakSeries?.stop();
    await stopStack(stack);
  }
  // After the apps exited: their backends have flushed their statistics.
  const statementCount = (await statements.read()) - statementsBefore;
  const summary = await receiver.summary();

  const expected = tally.accepted * def.subscriptions;
  const perDelivery = (n) => (summary.received ? round2(n / summary.received) : null);
  const e2eMs = summary.lastAt - tally.firstSendAt;
  const result = {
    ...base,
    status: delivered && summary.received >= expected ? 'ok' : 'failed',
    intake,
    events_accepted: tally.accepted,
    events_rejected: tally.rejected,
    intake_failures: tally.failed,
    intake_errors: tally.errors,
    deliveries_expected: expected,
    deliveries_received: summary.received,
    intake_events_per_second: perSecond(tally.accepted, tally.lastAckAt - tally.firstSendAt),
    deliveries_per_second: perSecond(summary.received, e2eMs),
    end_to_end_seconds: Math.round(e2eMs / 10) / 100,
    latency_ms: summary.latency,
    api_peak_rss_mb: mb(peaks[0]),
    worker_peak_rss_mb: mb(Math.max(...peaks.slice(1))),
    worker_peak_rss_mb_each: peaks.slice(1).map(mb),
    worker_cpu_ms_per_delivery: summary.received ? Math.round((workerCpuMs / summary.received) * 1000) / 1000 : null,
    api_cpu_ms_per_event: tally.accepted ? Math.round((apiCpuMs / tally.accepted) * 1000) / 1000 : null,
    redis_commands_per_delivery: perDelivery(redisCommands.total),
    redis_script_calls_per_delivery: perDelivery(redisCommands.scripts),
    redis_top_commands_per_delivery: Object.fromEntries(
      Object.entries(redisCommands.byCommand)
        .sort((a, b) => b[1] - a[1])
        .slice(0, 8)
        .map(([name, n]) => [name, perDelivery(n)]),
    ),
    [`sql_${statements.unit}_per_delivery`]: perDelivery(statementCount),
  };
  if (fixedRate) Object.assign(result, { target_rate_per_second: fixedRate.ratePerSecond, rate_from_scenario: fixedRate.reference });
  const unordered = def.orderingKeys && ctx.results.find((r) => r.id === '1' && r.status === 'ok');
  if (def.orderingKeys) result.ordering_keys = def.orderingKeys;
  if (unordered) result.ratio_to_unordered = Math.round((result.deliveries_per_second / unordered.deliveries_per_second) * 100) / 100;
  if (result.status === 'failed') result.reason = `${expected - summary.received} of ${expected} deliveries missing when the wait ended`;
  return result;
}

/** Soak: the worker's RSS every second against the deliveries received so far. */
function sampleSoak(worker, receiver) {
  const { rssBytes } = require('./processes');
  const points = [];
  const timer = setInterval(() => points.push([receiver.progress.received, rssBytes(worker.pid) / 1024 / 1024]), 1000);
  return {
    stop() {
      clearInterval(timer);
      const secondHalf = points.slice(Math.floor(points.length / 2));
      const perDelivery = slope(secondHalf);
      return {
        samples: points.length,
        rss_mb_first: points[0] ? Math.round(points[0][1]) : null,
        rss_mb_last: points.length ? Math.round(points[points.length - 1][1]) : null,
        rss_mb_max: Math.round(Math.max(0, ...points.map((p) => p[1]))),
        slope_mb_per_100k_deliveries_second_half: perDelivery === null ? null : round2(perDelivery * 100_000),
        series: points.filter((_, i) => i % 10 === 0).map(([d, r]) => [d, Math.round(r)]),
      };
    },
  };
}

function round2(n) {
  return Math.round(n * 100) / 100;
}

module.exports = { SCENARIOS, BENCH_FILTER, runScenario };
