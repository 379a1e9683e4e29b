#!/usr/bin/env node
/**
 * npm run bench [-- --quick] [-- --scenarios=1,3] [-- --events=N] [-- --soak[=deliveries]] [-- --stats[=deliveries]] [-- --big-store] [-- --tracing]
 * The reproducible benchmark of issue 5; bench/README.md explains the method.
 */
const { execSync } = require('node:child_process');
const net = require('node:net');
const os = require('node:os');
const { snapshotBuild, root } = require('./processes');
const { startReceiver } = require('./receiver');
const { startOtlpSink } = require('./otlp-sink');
const { noopWorkerCeiling, rawHttpCeiling } = require('./ceilings');
const { recreateDatabase, serverVersion: postgresVersion, statementCounter, databaseName } = require('./database');
const redisTools = require('./redis');
const { SCENARIOS, runScenario } = require('./scenarios');
const { runBigStore, formatBigStore } = require('./big-store');
const { formatReport, writeResults } = require('./report');
const { ratio } = require('./stats');
const { runStatsEndpointBench, formatStatsReport, writeStatsResults } = require('./stats-endpoint');

/** Each setting's value in a full run and in a --quick one, side by side. */
const MODE_SETTINGS = {
  intakeMs: { full: 12_000, quick: 1_500 },
  checkAfterMs: { full: 4_000, quick: 800 },
  drainBudgetMs: { full: 15_000, quick: 1_500 },
  maxDeliveries: { full: 150_000, quick: 6_000 },
  targetSeconds: { full: 25, quick: 3 },
  fixedRateMs: { full: 10_000, quick: 2_000 },
  wait: { full: { stallMs: 30_000, maxMs: 150_000 }, quick: { stallMs: 10_000, maxMs: 30_000 } },
  ceilings: { full: { noopJobs: 100_000, httpMs: 5_000 }, quick: { noopJobs: 10_000, httpMs: 1_000 } },
};
/** The settings of one mode ('full' or 'quick'). */
const modeSettings = (name) => Object.fromEntries(Object.entries(MODE_SETTINGS).map(([setting, values]) => [setting, values[name]]));
const SOAK_WINDOW = 20_000;
// Hookline's worker concurrency when WORKER_CONCURRENCY is unset (libs/config/src/config.ts).
const WORKER_CONCURRENCY = Number(process.env.WORKER_CONCURRENCY || 100);

function parseFlags(argv) {
  const flags = {
    quick: false,
    scenarios: null,
    events: null,
    soak: null,
    stats: null,
    bigStore: false,
    privateRedis: false,
    receiver: 'process',
    ordered: false,
    tracing: false,
  };
  for (const arg of argv) {
    const [name, value] = arg.replace(/^--/, '').split('=');
    if (name === 'quick') flags.quick = true;
    else if (name === 'ordered') flags.ordered = true;
    else if (name === 'scenarios') flags.scenarios = value.split(',').map((s) => s.trim());
    else if (name === 'events') flags.events = Number(value);
    else if (name === 'private-redis') flags.privateRedis = true;
    else if (name === 'tracing') flags.tracing = true;
    else if (name === 'receiver' && ['process', 'inline'].includes(value)) flags.receiver = value;
    else if (name === 'soak') flags.soak = value ? Number(value) : 1_000_000;
    else if (name === 'stats') flags.stats = value ? Number(value) : 1_000_000;
    else if (name === 'big-store') flags.bigStore = true;
    else
      throw new Error(
        `unknown flag ${arg} (known: --quick, --scenarios=1,1e,1b,2,2b,3,3f,4,5,6,6b, --ordered, --events=N, --soak[=N], --stats[=N], --big-store, --private-redis, --receiver=process|inline, --tracing)`,
      );
  }
  if (flags.events !== null && !(flags.events > 0)) throw new Error('--events must be a positive number');
  if (flags.soak !== null && !(flags.soak > 0)) throw new Error('--soak must be a positive number of deliveries');
  if (flags.stats !== null && !(flags.stats >= 10)) throw new Error('--stats must be a number of deliveries (at least 10)');
  const unknown = (flags.scenarios ?? []).filter((id) => !SCENARIOS.some((s) => s.id === id));
  if (unknown.length) throw new Error(`unknown scenario ${unknown.join(', ')}`);
  return flags;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

function gitState() {
  const run = (cmd) => {
    try {
      return execSync(cmd, { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] })
        .toString()
        .trim();
    } catch {
      return null;
    }
  };
  return { commit: run('git rev-parse HEAD'), dirty: Boolean(run('git status --porcelain -- apps libs')) };
}

function log(message) {
  process.stderr.write(`[bench] ${message}\n`);
}

async function main() {
  const flags = parseFlags(process.argv.slice(2));
  const mode = modeSettings(flags.quick || flags.soak ? 'quick' : 'full');
  if (flags.events) mode.events = flags.events;
  const privateRedis = flags.privateRedis ? await redisTools.startPrivateRedis(await freePort()) : null;
  const redisUrl = privateRedis?.url ?? (process.env.REDIS_URL || 'redis://127.0.0.1:6379');
  const pgBase = new URL(process.env.DATABASE_URL || 'postgresql://postgres@127.0.0.1:5432/hookline');
  pgBase.pathname = '/hookline_bench';
  const databaseUrl = process.env.BENCH_DATABASE_URL || pgBase.toString();

  const startedAt = new Date();
  const runId = startedAt.getTime().toString(36);
  const build = snapshotBuild(runId, log);
  // Read now: the commit the snapshot was built from, not whatever HEAD is when a long run ends.
  const git = gitState();
  log(`database ${databaseName(databaseUrl)} (re-created), Redis ${redisUrl}, queue prefixes hlbench-${runId}-*`);
  await recreateDatabase(databaseUrl);
  const redis = redisTools.connect(redisUrl);
  const receiver = await startReceiver({ inline: flags.receiver === 'inline' });
  // The apps inherit process.env (processes.js appEnv): with --tracing they record and export spans;
  // without it any OTEL endpoint of the shell is dropped, so "off" is the default configuration.
  const otlpSink = flags.tracing ? await startOtlpSink() : null;
  for (const name of ['OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT']) delete process.env[name];
  if (otlpSink) process.env.OTEL_EXPORTER_OTLP_ENDPOINT = otlpSink.endpoint;
  const statements = await statementCounter(databaseUrl);
  const ctx = { build, opts: { mode }, receiver, redis, statements, databaseUrl, redisUrl, runId, apiPort: await freePort(), results: [] };

  try {
    if (flags.stats) {
      // The stats endpoint alone: no ceilings, no pipeline scenarios.
      const result = await runStatsEndpointBench({ ...ctx, deliveries: flags.stats, log });
      console.log(formatStatsReport(result));
      const report = {
        started_at: startedAt.toISOString(),
        git,
        flags,
        machine: { cpu: os.cpus()[0]?.model, cores: os.cpus().length, postgres: await postgresVersion(databaseUrl) },
        ...result,
      };
      log(`results written to ${writeStatsResults(report)}`);
      return;
    }
    if (flags.bigStore) {
      // Its own run: no ceilings, no throughput scenarios (bench/big-store.js).
      log('big store: reads and retention on 1M deliveries and 2M attempts');
      const result = await runBigStore(ctx, log);
      console.log(formatBigStore(result));
      const report = {
        started_at: startedAt.toISOString(),
        duration_seconds: Math.round((Date.now() - startedAt.getTime()) / 1000),
        git,
        flags,
        scenarios: [result],
      };
      log(`results written to ${writeResults(report)} and bench/results/latest.json`);
      return;
    }
    log('ceiling (a): no-op BullMQ worker');
    const noop = await noopWorkerCeiling({ redisUrl, prefix: `hlbench-${runId}-ceiling`, jobs: mode.ceilings.noopJobs, concurrency: WORKER_CONCURRENCY });
    log('ceiling (b): raw HTTP POSTs to the receiver');
    const http = await rawHttpCeiling({ receiver, durationMs: mode.ceilings.httpMs });
    const ceilings = { noop_bullmq: noop, raw_http: http, min_per_second: Math.min(noop.jobs_per_second, http.posts_per_second) };

    // --ordered: scenario 1 (the unordered reference) and the ordered ones; opt-in scenarios run only when asked.
    const wanted = flags.scenarios ?? (flags.ordered ? ['1', ...SCENARIOS.filter((s) => s.optIn).map((s) => s.id)] : null);
    let plan = SCENARIOS.filter((s) => (wanted ? wanted.includes(s.id) : !s.optIn));
    if (flags.soak) {
      plan = [
        { id: 'soak', title: `soak: ${flags.soak} deliveries, worker RSS every second`, intake: 'batch', fallback: 'single', subscriptions: 1, workers: 1 },
      ];
      ctx.soak = { events: flags.soak, window: SOAK_WINDOW };
      mode.wait = { stallMs: 60_000, maxMs: Infinity };
    }
    for (const def of plan) {
      log(`scenario ${def.id}: ${def.title}`);
      let result;
      try {
        result = await runScenario(def, ctx);
      } catch (error) {
        result = { id: def.id, title: def.title, status: 'failed', reason: error.message };
      }
      if (result.deliveries_per_second) result.ratio_to_ceiling = ratio(result.deliveries_per_second, ceilings.min_per_second);
      ctx.results.push(result);
      log(`scenario ${def.id}: ${result.status}${result.reason ? ` (${result.reason})` : ''}`);
    }

    const report = {
      started_at: startedAt.toISOString(),
      duration_seconds: Math.round((Date.now() - startedAt.getTime()) / 1000),
      machine: {
        cpu: os.cpus()[0]?.model,
        cores: os.cpus().length,
        memory_gb: Math.round(os.totalmem() / 1024 ** 3),
        os: `${os.type()} ${os.release()}`,
        node: process.version,
        redis: await redisTools.serverVersion(redis),
        postgres: await postgresVersion(databaseUrl),
      },
      git,
      flags,
      mode,
      ...(otlpSink && { otlp_exports: { ...otlpSink.counts } }),
      redis_server: privateRedis ? 'private (--private-redis)' : 'shared (REDIS_URL): other clients of it inflate the command counts',
      sql_counting: statements.unit,
      ceilings,
      scenarios: ctx.results,
    };
    console.log(formatReport(report));
    log(`results written to ${writeResults(report)} and bench/results/latest.json`);
    if (ctx.results.some((r) => r.status === 'failed')) process.exitCode = 1;
  } finally {
    await receiver.stop();
    await otlpSink?.stop();
    redis.disconnect();
    build.remove();
    await privateRedis?.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
