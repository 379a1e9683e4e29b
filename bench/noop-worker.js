/**
 * Ceiling (a), run as a child process: a BullMQ Worker whose processor does nothing, with the
 * Hookline worker's concurrency, on the same Redis. It adds `jobs` jobs with addBulk, then times
 * how long the worker takes to complete them all, and prints { jobs_per_second, ... } as JSON.
 * Usage: node bench/noop-worker.js <redisUrl> <prefix> <jobs> <concurrency>
 */
const { Queue, Worker } = require('bullmq');
const { redisOptions } = require('./redis');
const { nowMs } = require('./stats');

async function main() {
  const [redisUrl, prefix, jobsArg, concurrencyArg] = process.argv.slice(2);
  const jobs = Number(jobsArg);
  const concurrency = Number(concurrencyArg);
  const connection = redisOptions(redisUrl);
  const queue = new Queue('noop', { connection, prefix });
  const addStart = nowMs();
  for (let i = 0; i < jobs; i += 1000) {
    const n = Math.min(1000, jobs - i);
    // Same retention as Hookline's delivery jobs: completed jobs are removed.
    await queue.addBulk(Array.from({ length: n }, (_, k) => ({ name: 'noop', data: { seq: i + k }, opts: { removeOnComplete: true } })));
  }
  const addMs = nowMs() - addStart;

  let done = 0;
  let start = 0;
  const finished = new Promise((resolve) => {
    const worker = new Worker(
      'noop',
      async () => {
        if (!start) start = nowMs();
      },
      { connection, prefix, concurrency, autorun: false },
    );
    worker.on('completed', () => {
      if (++done === jobs) resolve(worker);
    });
    worker.run();
  });
  const worker = await finished;
  const ms = nowMs() - start;
  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
  process.stdout.write(
    JSON.stringify({ jobs, concurrency, add_bulk_per_second: Math.round((jobs / addMs) * 1000), jobs_per_second: Math.round((jobs / ms) * 1000) }),
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
