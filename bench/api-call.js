'use strict';

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

module.exports = { call };
