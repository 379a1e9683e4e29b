/**
 * This machine's ceilings, measured in the same run as the scenarios:
 *  (a) a no-op BullMQ worker with Hookline's worker concurrency on the same Redis (jobs/s),
 *  (b) raw HTTP POSTs/s to the same receiver process with undici (Pool of 50 connections).
 * Scenario throughput is reported as a ratio to min(a, b): the best this box could do if each
 * delivery cost nothing but one queue job and one HTTP request.
 */
const { execFile } = require('node:child_process');
const path = require('node:path');
const { Pool } = require('undici');
const { nowMs } = require('./stats');

function noopWorkerCeiling({ redisUrl, prefix, jobs, concurrency }) {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [path.join(__dirname, 'noop-worker.js'), redisUrl, prefix, String(jobs), String(concurrency)],
      { timeout: 120_000 },
      (error, stdout, stderr) => (error ? reject(new Error(`no-op worker failed: ${stderr || error.message}`)) : resolve(JSON.parse(stdout))),
    );
  });
}

async function rawHttpCeiling({ receiver, connections = 50, durationMs }) {
  const pool = new Pool(`http://127.0.0.1:${receiver.port}`, { connections, pipelining: 1, keepAliveTimeout: 60_000 });
  const body = JSON.stringify({ type: 'bench.ceiling', data: { order_id: 'ord_123', amount: 4200, items: [1, 2, 3] } });
  let done = 0;
  let failed = 0;
  const post = async () => {
    const { statusCode, body: res } = await pool.request({ path: '/hook', method: 'POST', headers: { 'content-type': 'application/json' }, body });
    await res.dump();
    if (statusCode === 200) done++;
    else failed++;
  };
  // Warm the connections first so the timed part is steady state.
  await Promise.all(Array.from({ length: connections }, post));
  done = 0;
  const start = nowMs();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (nowMs() - start < durationMs) await post();
    }),
  );
  const ms = nowMs() - start;
  await pool.close();
  return { connections, requests: done, failed, posts_per_second: Math.round((done / ms) * 1000) };
}

module.exports = { noopWorkerCeiling, rawHttpCeiling };
