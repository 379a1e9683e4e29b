/** Starts and stops the built api and worker processes, and samples their memory. */
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { Queue } = require('bullmq');
const { sleep } = require('./stats');
const { redisOptions } = require('./redis');
const { truncateAll } = require('./database');

const root = path.resolve(__dirname, '..');
const API_MAIN = 'api/apps/api/src/main.js';
const WORKER_MAIN = 'worker/apps/worker/src/main.js';
const SNAPSHOTS = path.join(__dirname, '.snapshot');
const ADMIN_TOKEN = 'bench-admin-token';
// A fixed AES-256-GCM key (32 bytes, base64): the apps run with NODE_ENV=production, which requires one.
const ENCRYPTION_KEY = Buffer.alloc(32, 7).toString('base64');

/**
 * A fresh clone has no dist/: build once. Then copy the built apps (a few MB) to
 * bench/.snapshot/<run>/, so that someone rebuilding dist/ in the same checkout during the run
 * (nest build deletes it first) cannot break the run. Inside the repo, node_modules still resolves.
 */
function snapshotBuild(runId, log) {
  const dist = path.join(root, 'dist/apps');
  if (!fs.existsSync(path.join(dist, API_MAIN)) || !fs.existsSync(path.join(dist, WORKER_MAIN))) {
    log('dist/ is missing the api or worker build: running npm run build');
    const result = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
    if (result.status !== 0) throw new Error('npm run build failed');
  }
  const dir = path.join(SNAPSHOTS, runId);
  for (const app of ['api', 'worker']) fs.cpSync(path.join(dist, app), path.join(dir, app), { recursive: true });
  return {
    dir,
    api: path.join(dir, API_MAIN),
    worker: path.join(dir, WORKER_MAIN),
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

function appEnv({ databaseUrl, redisUrl, prefix, apiPort, extra = {} }) {
  return {
    ...process.env,
    NODE_ENV: 'production',
    ENCRYPTION_KEY,
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: prefix,
    PORT: String(apiPort),
    WORKER_HTTP_PORT: '0',
    ADMIN_TOKEN,
    ALLOW_HTTP_URLS: 'true',
    ALLOW_PRIVATE_URLS: 'true',
    LOG_LEVEL: 'warn',
    // One API key sends everything; the per-key limit (6000/min by default) would cap intake.
    API_RATE_LIMIT_PER_MINUTE: '0',
    ...extra,
  };
}

/** Spawns a built app; keeps the tail of its stderr so a crash can be explained. */
function spawnApp(name, script, env) {
  const nodeArgs = process.env.BENCH_NODE_ARGS ? process.env.BENCH_NODE_ARGS.split(' ').filter(Boolean) : [];
  const child = spawn(process.execPath, [...nodeArgs, script], { cwd: root, env, stdio: ['ignore', 'ignore', 'pipe'] });
  let tail = '';
  child.stderr.on('data', (chunk) => {
    tail = (tail + chunk.toString()).slice(-4000);
  });
  child.on('exit', (code, signal) => {
    if (!child.stopping) console.error(`\n[bench] ${name} (pid ${child.pid}) exited early (${code ?? signal}):\n${tail}`);
  });
  return Object.assign(child, { label: name, stderrTail: () => tail });
}

async function waitForHttp(url, child, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${child.label} exited before answering:\n${child.stderrTail()}`);
    try {
      const res = await fetch(url);
      await res.arrayBuffer();
      if (res.status < 500) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs} ms:\n${child.stderrTail()}`);
    await sleep(100);
  }
}

/**
 * The worker logs its ready line at info, hidden at LOG_LEVEL=warn; instead, wait until BullMQ
 * lists `count` consumers on both of Hookline's queues (each Worker names its Redis connection).
 */
async function waitForWorkers({ redisUrl, prefix, count, workers, timeoutMs = 30_000 }) {
  const queues = ['hookline-intake', 'hookline-deliveries'].map((name) => new Queue(name, { connection: redisOptions(redisUrl), prefix }));
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const dead = workers.find((w) => w.exitCode !== null);
      if (dead) throw new Error(`worker exited before consuming:\n${dead.stderrTail()}`);
      const counts = await Promise.all(queues.map((q) => q.getWorkersCount()));
      if (counts.every((n) => n >= count)) return;
      if (Date.now() > deadline) throw new Error(`workers not consuming after ${timeoutMs} ms (${counts})`);
      await sleep(100);
    }
  } finally {
    await Promise.all(queues.map((q) => q.close()));
  }
}

/**
 * Empties the bench database, then starts the api and `workers` worker processes of the run's build
 * on one queue prefix; resolves when all serve. The first argument is the run's context (run.js's
 * ctx: build, databaseUrl, redisUrl, apiPort). Every measurement starts from empty tables.
 */
async function startStack({ build, databaseUrl, redisUrl, apiPort }, { prefix, workers, extraEnv }) {
  await truncateAll(databaseUrl);
  const env = appEnv({ databaseUrl, redisUrl, prefix, apiPort, extra: extraEnv });
  const api = spawnApp('api', build.api, env);
  const workerProcs = Array.from({ length: workers }, (_, i) => spawnApp(`worker ${i + 1}`, build.worker, env));
  const stack = { api, workers: workerProcs, baseUrl: `http://127.0.0.1:${apiPort}` };
  try {
    await Promise.all([waitForHttp(`${stack.baseUrl}/health/live`, api), waitForWorkers({ redisUrl, prefix, count: workers, workers: workerProcs })]);
  } catch (error) {
    await stopStack(stack);
    throw error;
  }
  return stack;
}

async function stopProcess(child, graceMs = 10_000) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.stopping = true;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

async function stopStack(stack) {
  await Promise.all([stack.api, ...stack.workers].map((child) => stopProcess(child)));
}

function rssBytes(pid) {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024;
  } catch {
    return 0;
  }
}

/** Clock ticks per second of /proc/<pid>/stat's CPU times (USER_HZ: 100 on Linux). */
const CLOCK_TICKS_PER_SECOND = 100;

/**
 * CPU time (user + system, ms) the process has used so far, from /proc/<pid>/stat; 0 when unreadable.
 * Unlike throughput, it barely moves when other processes share the cores.
 */
function cpuMs(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces): state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** Peak RSS per process, sampled every `intervalMs` from /proc/<pid>/status. */
function sampleRss(children, intervalMs = 100) {
  const peaks = new Map(children.map((c) => [c.pid, 0]));
  const tick = () => {
    for (const c of children) peaks.set(c.pid, Math.max(peaks.get(c.pid), rssBytes(c.pid)));
  };
  tick();
  const timer = setInterval(tick, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      tick();
      return children.map((c) => peaks.get(c.pid));
    },
  };
}

module.exports = { snapshotBuild, startStack, stopStack, stopProcess, spawnApp, appEnv, sampleRss, rssBytes, cpuMs, ADMIN_TOKEN, root };
