/** Redis helpers: connection options, command counting (INFO commandstats) and key clean-up. */
const path = require('node:path');
const IORedis = require('ioredis');

/**
 * BullMQ connection options for a redis:// URL: the apps' own redisOptionsFromUrl
 * (libs/queue/src/redis-client.ts), from the built worker, so the bench reads a URL as they do.
 * Loaded on first use: run.js builds dist/ first when it is missing.
 */
function redisOptions(url) {
  const built = path.join(__dirname, '..', 'dist/apps/worker/libs/queue/src/redis-client.js');
  return require(built).redisOptionsFromUrl(url);
}

function connect(url) {
  // No ready check: it would send INFO, which the command count then has to account for.
  return new IORedis.default({ ...redisOptions(url), enableReadyCheck: false, lazyConnect: false });
}

/** Calls per command name so far, from INFO commandstats (commands run inside Lua scripts included). */
async function commandStats(client) {
  const info = await client.info('commandstats');
  const calls = {};
  for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) calls[match[1]] = Number(match[2]);
  return calls;
}

/**
 * What ran between two readings. Redis counts a command after it ran, so the INFO of the first
 * reading shows up in the second: it is taken off.
 */
function commandDelta(before, after) {
  const delta = {};
  for (const [name, calls] of Object.entries(after)) {
    const n = calls - (before[name] ?? 0) - (name === 'info' ? 1 : 0);
    if (n > 0) delta[name] = n;
  }
  const total = Object.values(delta).reduce((a, b) => a + b, 0);
  const scripts = (delta.evalsha ?? 0) + (delta.eval ?? 0) + (delta.fcall ?? 0);
  return { total, scripts, byCommand: delta };
}

async function serverVersion(client) {
  const info = await client.info('server');
  return /redis_version:(\S+)/.exec(info)?.[1] ?? null;
}

/** Deletes every key under `prefix:` (a scenario's BullMQ queues). */
async function deleteKeys(client, prefix) {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) deleted += await client.unlink(...keys);
  } while (cursor !== '0');
  return deleted;
}

module.exports = { redisOptions, connect, commandStats, commandDelta, serverVersion, deleteKeys };

/**
 * --private-redis: a redis-server of our own on a free port (same binary, same machine), so that
 * INFO commandstats counts only this run's commands, not those of other people's tests.
 */
function startPrivateRedis(port) {
  const { spawn } = require('node:child_process');
  const server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`redis-server did not start:\n${output}`)), 10_000);
    server.on('error', reject);
    server.stdout.on('data', (chunk) => {
      output += chunk;
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve({
          url: `redis://127.0.0.1:${port}`,
          stop: () =>
            new Promise((done) => {
              server.once('exit', done);
              server.kill('SIGTERM');
            }),
        });
      }
    });
  });
}

module.exports.startPrivateRedis = startPrivateRedis;
