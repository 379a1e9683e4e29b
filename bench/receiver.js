/**
 * The webhook receiver: node:http answering 200 at once. It runs in its own child process so
 * that the bench's load clients (undici, the publisher) and the receiver do not share one event
 * loop: with both in one process, the raw-HTTP ceiling measured the client and server halves
 * of a single thread (see bench/README.md).
 *
 * Each delivery body carries data.sent_at_ms (set by the bench when it published the event);
 * latency = arrival time - sent_at_ms, both from performance.timeOrigin + now() on this machine.
 * Requests without it (the raw-HTTP ceiling) are only counted.
 */
const { fork } = require('node:child_process');
const http = require('node:http');
const { nowMs, latencySummary, sleep } = require('./stats');

const SENT_AT = /"sent_at_ms":(\d+(?:\.\d+)?)/;

/** The server; `send` reports to the bench, `onMessage` takes its requests (IPC or in-process). */
function runServer(send, onMessage) {
  let received = 0;
  let plain = 0;
  let firstAt = 0;
  let lastAt = 0;
  let latencies = new Float64Array(1 << 16);
  let reported = -1;

  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      res.writeHead(200, { 'content-length': '0' }).end();
      const match = SENT_AT.exec(Buffer.concat(chunks).toString('latin1'));
      if (!match) {
        plain++;
        return;
      }
      const at = nowMs();
      if (received === latencies.length) {
        const grown = new Float64Array(latencies.length * 2);
        grown.set(latencies);
        latencies = grown;
      }
      latencies[received++] = at - Number(match[1]);
      if (firstAt === 0) firstAt = at;
      lastAt = at;
    });
  });
  // Worker and ceiling clients keep their connections; do not close idle ones between bursts.
  server.keepAliveTimeout = 60_000;
  server.headersTimeout = 65_000;

  const progress = () => ({ received, plain, firstAt, lastAt });
  setInterval(() => {
    if (received + plain !== reported) {
      reported = received + plain;
      send({ type: 'progress', ...progress() });
    }
  }, 100).unref();

  onMessage((message) => {
    if (message.type === 'reset') {
      received = plain = firstAt = lastAt = 0;
      reported = -1;
      send({ type: 'reset', ...progress() });
    } else if (message.type === 'summary') {
      send({ type: 'summary', ...progress(), latency: latencySummary(latencies.subarray(0, received)) });
    } else if (message.type === 'stop') {
      server.closeAllConnections();
      server.close(() => send({ type: 'stopped' }));
    }
  });
  server.listen(0, '127.0.0.1', () => send({ type: 'listening', port: server.address().port }));
}

/** The receiver in its own process (default), or in the bench's own (`inline`, for comparison). */
function spawnServer(inline) {
  if (!inline) {
    const child = fork(__filename, ['--serve'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    return {
      pid: child.pid,
      onMessage: (fn) => child.on('message', fn),
      send: (message) => child.send(message),
      stop: async () => {
        child.disconnect();
        await new Promise((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', resolve)));
      },
    };
  }
  let toBench;
  let toServer;
  let stopped;
  runServer(
    (message) => setImmediate(() => (message.type === 'stopped' ? stopped() : toBench(message))),
    (fn) => (toServer = fn),
  );
  return {
    pid: process.pid,
    onMessage: (fn) => (toBench = fn),
    send: (message) => setImmediate(() => toServer(message)),
    stop: () => new Promise((resolve) => ((stopped = resolve), toServer({ type: 'stop' }))),
  };
}

/** Starts the receiver; resolves once it listens. */
async function startReceiver({ inline = false } = {}) {
  const child = spawnServer(inline);
  let progress = { received: 0, plain: 0, firstAt: 0, lastAt: 0 };
  const waiters = new Map();
  child.onMessage((message) => {
    if (message.type === 'progress') progress = message;
    const waiter = waiters.get(message.type);
    if (waiter) {
      waiters.delete(message.type);
      waiter(message);
    }
  });
  const ask = (type) =>
    new Promise((resolve) => {
      waiters.set(type, resolve);
      if (type !== 'listening') child.send({ type });
    });
  const { port } = await ask('listening');

  return {
    pid: child.pid,
    port,
    url: `http://127.0.0.1:${port}/hook`,
    get progress() {
      return progress;
    },
    async reset() {
      progress = await ask('reset');
    },
    async summary() {
      return ask('summary');
    },
    /**
     * Waits until `expected()` deliveries arrived. Gives up (returns false) when nothing arrived
     * for stallMs or after maxMs in all, so a broken run ends as failed instead of hanging.
     */
    async waitFor(expected, { stallMs, maxMs, onTick } = {}) {
      const start = Date.now();
      let lastCount = -1;
      let lastChange = Date.now();
      for (;;) {
        if (progress.received >= expected()) return true;
        if (progress.received !== lastCount) {
          lastCount = progress.received;
          lastChange = Date.now();
        }
        if (Date.now() - lastChange > stallMs || Date.now() - start > maxMs) return false;
        onTick?.();
        await sleep(50);
      }
    },
    inline,
    stop: () => child.stop(),
  };
}

if (require.main === module && process.argv.includes('--serve')) {
  runServer(
    (message) => process.send(message),
    (fn) => process.on('message', fn),
  );
  process.on('disconnect', () => process.exit(0));
}

module.exports = { startReceiver };
