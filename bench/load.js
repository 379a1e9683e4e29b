/**
 * Load drivers: how events reach Hookline in each scenario. Every event carries
 * data.sent_at_ms, the publish time the receiver subtracts from the arrival time.
 * HTTP goes through undici's Pool (much cheaper per request than fetch, so the client takes
 * less of the CPU the apps need).
 */
const fs = require('node:fs');
const path = require('node:path');
const { Pool } = require('undici');
const { nowMs, sleep } = require('./stats');
const { redisOptions } = require('./redis');

const BATCH_SIZE = 500;

/** One bench event; with `orderingKeys`, keyed round-robin over that many ordering keys. */
function benchEvent(seq, orderingKeys) {
  const event = { event_type: 'bench.tick', data: { sent_at_ms: nowMs(), seq, order_id: 'ord_123', amount: 4200, items: [1, 2, 3] } };
  return orderingKeys ? { ...event, ordering_key: `key/${seq % orderingKeys}` } : event;
}

function newTally() {
  return { requests: 0, accepted: 0, rejected: 0, failed: 0, firstSendAt: 0, lastAckAt: 0, errors: {} };
}

function noteFailure(tally, reason) {
  tally.failed++;
  tally.errors[reason] = (tally.errors[reason] ?? 0) + 1;
}

function apiPool(baseUrl, connections) {
  return new Pool(baseUrl, { connections, pipelining: 1, keepAliveTimeout: 60_000 });
}

async function post(pool, apiKey, urlPath, payload) {
  const { statusCode, body } = await pool.request({
    path: urlPath,
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(payload),
  });
  const text = await body.text();
  return { status: statusCode, text };
}

/** Sends `events` in one POST /v1/events/batch; returns false when the endpoint does not exist. */
async function sendBatch(pool, apiKey, events, tally) {
  if (!tally.firstSendAt) tally.firstSendAt = nowMs();
  tally.requests++;
  try {
    const res = await post(pool, apiKey, '/v1/events/batch', { events });
    if (res.status === 404) return false;
    if (res.status !== 202) {
      noteFailure(tally, `HTTP ${res.status}`);
      return true;
    }
    const answer = JSON.parse(res.text);
    tally.accepted += answer.accepted;
    tally.rejected += answer.rejected;
    tally.lastAckAt = nowMs();
  } catch (error) {
    noteFailure(tally, error.code ?? error.message);
  }
  return true;
}

async function sendSingle(pool, apiKey, event, tally) {
  if (!tally.firstSendAt) tally.firstSendAt = nowMs();
  tally.requests++;
  try {
    const res = await post(pool, apiKey, '/v1/events', event);
    if (res.status === 202) {
      tally.accepted++;
      tally.lastAckAt = nowMs();
    } else noteFailure(tally, `HTTP ${res.status}`);
  } catch (error) {
    noteFailure(tally, error.code ?? error.message);
  }
}

/**
 * Batch intake: `concurrency` requests in flight, each up to 500 events; `plan.take(n)` says how
 * many events the next request may carry (0: stop). Resolves { missing: true } on a 404.
 */
async function batchIntake({ baseUrl, apiKey, concurrency, plan, orderingKeys }) {
  const pool = apiPool(baseUrl, concurrency);
  const tally = newTally();
  let seq = 0;
  let missing = false;
  try {
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        for (;;) {
          const n = missing ? 0 : await plan.take(BATCH_SIZE);
          if (n <= 0) return;
          const events = Array.from({ length: n }, () => benchEvent(seq++, orderingKeys));
          if (!(await sendBatch(pool, apiKey, events, tally))) missing = true;
        }
      }),
    );
  } finally {
    await pool.close();
  }
  return { ...tally, missing };
}

/** One event per POST /v1/events, `concurrency` requests in flight. */
async function singleIntake({ baseUrl, apiKey, concurrency, plan }) {
  const pool = apiPool(baseUrl, concurrency);
  const tally = newTally();
  let seq = 0;
  try {
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while ((await plan.take(1)) > 0) await sendSingle(pool, apiKey, benchEvent(seq++), tally);
      }),
    );
  } finally {
    await pool.close();
  }
  return tally;
}

/** The built HooklinePublisher (libs/queue/src/publisher.ts), wherever nest build put it. */
function loadPublisher(build) {
  const candidates = ['worker/libs/queue/src/publisher.js', 'api/libs/queue/src/publisher.js'];
  const found = candidates.map((p) => path.join(build.dir, p)).find((p) => fs.existsSync(p));
  if (!found) throw new Error(`HooklinePublisher not found in ${candidates.join(' or ')}`);
  return require(found).HooklinePublisher;
}

/**
 * Publishes over Redis with HooklinePublisher, `concurrency` calls in flight: publish() per event, or
 * publishMany() of up to `perCall` events (one job each).
 */
async function publisherIntake({ build, redisUrl, prefix, organizationId, concurrency, plan, perCall = 1 }) {
  const HooklinePublisher = loadPublisher(build);
  const publisher = new HooklinePublisher({ connection: redisOptions(redisUrl), prefix });
  const tally = newTally();
  let seq = 0;
  try {
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        for (;;) {
          const n = await plan.take(perCall);
          if (n === 0) break;
          if (!tally.firstSendAt) tally.firstSendAt = nowMs();
          tally.requests++;
          const events = Array.from({ length: n }, () => ({ organization_id: organizationId, ...benchEvent(seq++) }));
          try {
            if (perCall === 1) await publisher.publish(events[0]);
            else await publisher.publishMany(events);
            tally.accepted += n;
            tally.lastAckAt = nowMs();
          } catch (error) {
            noteFailure(tally, error.message);
          }
        }
      }),
    );
  } finally {
    await publisher.close();
  }
  return tally;
}

/**
 * Fixed rate: every `tickMs` it sends the events due by then (rate x elapsed - sent), as one
 * small batch or, without the batch endpoint, as that many single requests; for `durationMs`.
 */
async function fixedRateIntake({ baseUrl, apiKey, ratePerSecond, durationMs, useBatch, tickMs = 10, stopWhen = () => false }) {
  const pool = apiPool(baseUrl, useBatch ? 8 : 64);
  const tally = newTally();
  const inFlight = new Set();
  let sent = 0;
  const start = nowMs();
  try {
    for (;;) {
      const elapsed = nowMs() - start;
      if (elapsed >= durationMs || stopWhen()) break;
      const due = Math.floor((ratePerSecond * elapsed) / 1000) - sent;
      const chunks = [];
      for (let left = due; left > 0; left -= BATCH_SIZE) chunks.push(Math.min(left, BATCH_SIZE));
      for (const n of chunks) {
        const events = Array.from({ length: n }, () => benchEvent(sent++));
        const sends = useBatch ? [sendBatch(pool, apiKey, events, tally)] : events.map((e) => sendSingle(pool, apiKey, e, tally));
        for (const p of sends) {
          inFlight.add(p);
          p.finally(() => inFlight.delete(p));
        }
      }
      await sleep(Math.max(0, tickMs - ((nowMs() - start) % tickMs)));
    }
    await Promise.all(inFlight);
  } finally {
    await pool.close();
  }
  return { ...tally, sent };
}

/** True when the api has POST /v1/events/batch (an empty batch is a 400, a missing route 404). */
async function hasBatchEndpoint(baseUrl, apiKey) {
  const pool = apiPool(baseUrl, 1);
  try {
    const res = await post(pool, apiKey, '/v1/events/batch', { events: [] });
    return res.status !== 404;
  } finally {
    await pool.close();
  }
}

module.exports = { batchIntake, singleIntake, publisherIntake, fixedRateIntake, hasBatchEndpoint, BATCH_SIZE };
