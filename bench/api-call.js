'use strict';

const { nowMs } = require('./stats');

/** Untimed requests before the timed ones: the first answers pay for connections and cold caches. */
const WARM_UP_REQUESTS = 3;

/**
 * One request to a bench stack's api with a bearer token (an API key, the admin token or a portal token):
 * resolves with the parsed JSON answer, throws on any status but 2xx (a bench set-up step must not go on).
 */
async function call(baseUrl, method, path, token, body) {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = await res.json();
  if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${JSON.stringify(json)}`);
  return json;
}

/**
 * Calls `request` WARM_UP_REQUESTS times untimed, then `beforeTiming`, then `samples` times in
 * sequence, timing each; resolves with the durations (ms) and the last call's answer.
 */
async function timeSequential(request, samples, beforeTiming = async () => {}) {
  for (let i = 0; i < WARM_UP_REQUESTS; i++) await request();
  await beforeTiming();
  const durations = [];
  let last;
  for (let i = 0; i < samples; i++) {
    const started = nowMs();
    last = await request();
    durations.push(nowMs() - started);
  }
  return { durations, last };
}

module.exports = { call, timeSequential };
