#!/usr/bin/env node
/**
 * npm run bench:filters — what a payload filter adds to fan-out's matching, in process (issue 12).
 *
 * Replays the worker's matching step (apps/worker/src/fan-out: compile or reuse each candidate's
 * filter, build each event's filter subject, receivesEvent for every event × candidate) on batches
 * of 200 bench events × 10 subscriptions, without filters and with BENCH_FILTER (which every bench
 * event matches, so both runs create the same deliveries). Uses the built worker (dist/), so run
 * `npm run build` first. The end-to-end figure is scenario 3f of `npm run bench` (bench/README.md).
 */
const path = require('node:path');
const { BENCH_FILTER } = require('./scenarios');

const root = path.resolve(__dirname, '..');
const built = (file) => require(path.join(root, 'dist/apps/worker', file));
const { CompiledFilterCache, filterSubject, parseFilter, compileFilter } = built('libs/domain/src/payload-filter/index.js');
const { receivesEvent } = built('apps/worker/src/fan-out/target-matching.js');

const EVENTS_PER_BATCH = 200;
const SUBSCRIPTIONS = 10;
const BATCHES = Number(process.env.BENCH_FILTER_BATCHES || 200);
const ROUNDS = 5;

/** 64 conditions, all true for a bench event: the most a filter may hold. */
const LARGEST_FILTER = Object.fromEntries(Array.from({ length: 64 }, (_, index) => [`data.k${index}`, { $gte: index }]));

function events() {
  return Array.from({ length: EVENTS_PER_BATCH }, (_, seq) => ({
    id: `evt_${seq}`,
    organizationId: 'org_1',
    eventType: 'bench.tick',
    channel: null,
    callId: null,
    workflowId: null,
    targetSubscriptionId: null,
    data: {
      sent_at_ms: Date.now(),
      seq,
      order_id: 'ord_123',
      amount: 4200,
      items: [1, 2, 3],
      ...Object.fromEntries(Array.from({ length: 64 }, (_, i) => [`k${i}`, i])),
    },
  }));
}

function candidates(filter) {
  const updatedAt = new Date();
  return Array.from({ length: SUBSCRIPTIONS }, (_, index) => ({
    id: `sub_${index}`,
    organizationId: 'org_1',
    kind: 'subscription',
    events: ['bench.*'],
    channels: [],
    filter,
    updatedAt,
  }));
}

/**
 * CPU ns per event × subscription for the matching step of FanOutService.fanOutBatch. CPU time,
 * not wall time: on a shared machine the wall clock also counts other processes' turns.
 */
function measure(filter) {
  const cache = new CompiledFilterCache();
  const rows = candidates(filter);
  const batch = events();
  let matched = 0;
  const start = process.cpuUsage();
  for (let round = 0; round < BATCHES; round++) {
    const compiled = rows.map((row) => ({ ...row, payloadFilter: row.filter == null ? null : cache.predicateFor(row) }));
    const matching = compiled.some((row) => row.payloadFilter) ? batch.map((event) => ({ ...event, subject: filterSubject(event) })) : batch;
    for (const event of matching) for (const candidate of compiled) if (receivesEvent(candidate, event)) matched++;
  }
  const used = process.cpuUsage(start);
  const elapsed = (used.user + used.system) * 1000;
  if (matched !== BATCHES * EVENTS_PER_BATCH * SUBSCRIPTIONS) throw new Error(`expected every event to match, got ${matched}`);
  return elapsed / (BATCHES * EVENTS_PER_BATCH * SUBSCRIPTIONS);
}

function compileMicros(filter) {
  const count = 2000;
  const start = process.cpuUsage();
  for (let i = 0; i < count; i++) {
    const parsed = parseFilter(filter);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.details));
    compileFilter(parsed.filter);
  }
  const used = process.cpuUsage(start);
  return (used.user + used.system) / count;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function main() {
  const runs = { none: [], bench: [], largest: [] };
  measure(null); // warm-up: JIT the paths before measuring
  measure(BENCH_FILTER);
  measure(LARGEST_FILTER);
  for (let round = 0; round < ROUNDS; round++) {
    runs.none.push(measure(null));
    runs.bench.push(measure(BENCH_FILTER));
    runs.largest.push(measure(LARGEST_FILTER));
  }
  const none = median(runs.none);
  const line = (label, ns) => `${label.padEnd(44)} ${ns.toFixed(1).padStart(7)} ns CPU  (+${(ns - none).toFixed(1)} ns per delivery)`;
  console.log(
    `matching step of fan-out, per event × subscription (median of ${ROUNDS}; ${BATCHES} batches of ${EVENTS_PER_BATCH} events × ${SUBSCRIPTIONS} subscriptions):`,
  );
  console.log(line('no filter', none));
  console.log(line(`bench filter (${JSON.stringify(BENCH_FILTER).length} B, 4 conditions)`, median(runs.bench)));
  console.log(line('largest filter (64 conditions)', median(runs.largest)));
  // Scenario 3 in bench/README.md: ~3,300 deliveries/s on 2 cores, i.e. ~600 µs of machine CPU each.
  console.log('For scale: end to end, a delivery costs ~600 µs of machine CPU (bench/README.md, scenario 3); scenario 3f measures the filter there.');
  console.log(
    `compiling: bench filter ${compileMicros(BENCH_FILTER).toFixed(1)} µs, largest ${compileMicros(LARGEST_FILTER).toFixed(1)} µs (once per subscription version per worker)`,
  );
}

main();
