#!/usr/bin/env node
'use strict';
/**
 * Writes packages/receiver-kit/vectors.json: deliveries signed the way Hookline signs them, with the result a
 * receiver must reach. Keys, secrets and timestamps derive from fixed labels, and ed25519 signatures are
 * deterministic (RFC 8032), so running it again gives the same file: `node packages/receiver-kit/scripts/generate-vectors.js`.
 *
 * It signs with node:crypto directly, not with the kit's code, so the kit's tests check the kit against an
 * independent signer (and the snippets in docs/snippets check the other languages against the same file).
 */
const { createHash, createHmac, createPrivateKey, createPublicKey, sign } = require('node:crypto');
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');

const NOW = 1767225600; // 2026-01-01T00:00:00Z: every vector is checked "now"
const TOLERANCE_SECONDS = 300;
const TOKEN_HEADER = 'x-webhook-token';

const bytesOf = (label, length = 32) => createHash('sha256').update(`hookline receiver-kit vectors: ${label}`).digest().subarray(0, length);

/** PKCS#8 DER of an ed25519 private key is this fixed prefix + the 32-byte seed (RFC 8410). */
const ed25519PrivateKey = (label) =>
  createPrivateKey({ key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), bytesOf(label)]), format: 'der', type: 'pkcs8' });
const whpk = (privateKey) => `whpk_${Buffer.from(createPublicKey(privateKey).export({ format: 'jwk' }).x, 'base64url').toString('base64')}`;

const SECRET = `whsec_${bytesOf('secret', 24).toString('base64')}`;
const OTHER_SECRET = `whsec_${bytesOf('other secret', 24).toString('base64')}`;
const PLAIN_SECRET = 'a plain secret ✓ (its UTF-8 bytes are the key)';
const TOKEN = `whk_${bytesOf('channel token', 24).toString('base64url')}`;
const OTHER_TOKEN = `whk_${bytesOf('other channel token', 24).toString('base64url')}`;
const KEY = ed25519PrivateKey('ed25519 key');
const OTHER_KEY = ed25519PrivateKey('other ed25519 key');

const ID = 'evt_01KDX7VECT0RS0000000000001';
const BODY = JSON.stringify({
  event_id: ID,
  event_type: 'invoice.paid',
  organization_id: 'org_01KDX7VECT0RS0000000000000',
  timestamp: '2026-01-01T00:00:00.000Z',
  data: { amount: 42, note: 'prêt ✓ — ünïcødé' },
});
const TAMPERED_BODY = BODY.replace('"amount":42', '"amount":4200');

const hmacKey = (secret) => (secret.startsWith('whsec_') ? Buffer.from(secret.slice('whsec_'.length), 'base64') : Buffer.from(secret, 'utf8'));
const signedContent = (id, timestamp, body) => Buffer.from(`${id}.${timestamp}.${body}`, 'utf8');
const v1 = (secret, id = ID, timestamp = NOW, body = BODY) =>
  `v1,${createHmac('sha256', hmacKey(secret))
    .update(signedContent(id, timestamp, body))
    .digest('base64')}`;
const v1a = (privateKey, id = ID, timestamp = NOW, body = BODY) => `v1a,${sign(null, signedContent(id, timestamp, body), privateKey).toString('base64')}`;
const bodyHmac = (secret, body = BODY) => `sha256=${createHmac('sha256', hmacKey(secret)).update(body, 'utf8').digest('hex')}`;
const standardHeaders = (signature, timestamp = NOW, id = ID) => ({ 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signature });
const without = (headers, name) => Object.fromEntries(Object.entries(headers).filter(([key]) => key !== name));

function hmacV1Vectors() {
  const vector = (name, headers, expected, { key = SECRET, body = BODY } = {}) => ({ name, scheme: 'hmac-v1', key, headers, body, expected });
  return [
    vector('valid', standardHeaders(v1(SECRET)), 'valid'),
    vector('valid, secret without the whsec_ prefix (its UTF-8 bytes are the key)', standardHeaders(v1(PLAIN_SECRET)), 'valid', { key: PLAIN_SECRET }),
    vector('valid, channel webhook signed with its whk_ token as secret', standardHeaders(v1(TOKEN)), 'valid', { key: TOKEN }),
    vector('tampered body', standardHeaders(v1(SECRET)), 'invalid_signature', { body: TAMPERED_BODY }),
    vector('tampered body, channel webhook signed with its token', standardHeaders(v1(TOKEN)), 'invalid_signature', { key: TOKEN, body: TAMPERED_BODY }),
    vector('wrong secret', standardHeaders(v1(OTHER_SECRET)), 'invalid_signature'),
    vector('signature of another webhook-id', standardHeaders(v1(SECRET, 'evt_other')), 'invalid_signature'),
    vector('expired timestamp (301 s old)', standardHeaders(v1(SECRET, ID, NOW - 301), NOW - 301), 'timestamp_out_of_tolerance'),
    vector('timestamp 301 s in the future', standardHeaders(v1(SECRET, ID, NOW + 301), NOW + 301), 'timestamp_out_of_tolerance'),
    vector('timestamp at the edge of the tolerance (300 s old)', standardHeaders(v1(SECRET, ID, NOW - 300), NOW - 300), 'valid'),
    vector('timestamp that is not Unix seconds', { ...standardHeaders(v1(SECRET)), 'webhook-timestamp': '2026-01-01T00:00:00Z' }, 'invalid_signature'),
    vector('multiple signatures, one valid (rotation: new secret first, then this one)', standardHeaders(`${v1(OTHER_SECRET)} ${v1(SECRET)}`), 'valid'),
    vector('multiple signatures, none valid', standardHeaders(`${v1(OTHER_SECRET)} ${v1(PLAIN_SECRET)}`), 'invalid_signature'),
    vector('no v1 entry (only v1a)', standardHeaders(v1a(KEY)), 'invalid_signature'),
    vector('webhook-timestamp missing', without(standardHeaders(v1(SECRET)), 'webhook-timestamp'), 'missing_headers'),
  ];
}

function bodyHmacVectors() {
  const vector = (name, headers, expected, { key = SECRET, body = BODY } = {}) => ({ name, scheme: 'body-hmac', key, headers, body, expected });
  return [
    vector('valid', { 'x-webhook-signature': bodyHmac(SECRET) }, 'valid'),
    vector('valid, secret without the whsec_ prefix', { 'x-webhook-signature': bodyHmac(PLAIN_SECRET) }, 'valid', { key: PLAIN_SECRET }),
    vector('valid, upper-case hex', { 'x-webhook-signature': bodyHmac(SECRET).replace(/[0-9a-f]+$/, (hex) => hex.toUpperCase()) }, 'valid'),
    vector(
      'valid although sent a day ago: the body HMAC carries no timestamp',
      { ...standardHeaders(v1(SECRET, ID, NOW - 86400), NOW - 86400), 'x-webhook-signature': bodyHmac(SECRET) },
      'valid',
    ),
    vector('tampered body', { 'x-webhook-signature': bodyHmac(SECRET) }, 'invalid_signature', { body: TAMPERED_BODY }),
    vector('wrong secret', { 'x-webhook-signature': bodyHmac(OTHER_SECRET) }, 'invalid_signature'),
    vector('not sha256=<hex>', { 'x-webhook-signature': `sha1=${'0'.repeat(40)}` }, 'invalid_signature'),
    vector('X-Webhook-Signature missing', standardHeaders(v1(SECRET)), 'missing_headers'),
  ];
}

function tokenVectors() {
  const vector = (name, headers, expected, { body = BODY } = {}) => ({ name, scheme: 'token', key: TOKEN, headers, body, expected });
  const channelDelivery = (token) => ({ ...standardHeaders(v1(TOKEN)), 'x-webhook-signature': bodyHmac(TOKEN), [TOKEN_HEADER]: token });
  return [
    vector('valid', channelDelivery(TOKEN), 'valid'),
    vector('wrong token', channelDelivery(OTHER_TOKEN), 'invalid_signature'),
    vector('the token minus its last character', channelDelivery(TOKEN.slice(0, -1)), 'invalid_signature'),
    vector('tampered body: still valid, the token does not cover the body (check hmac-v1 with the token for that)', channelDelivery(TOKEN), 'valid', {
      body: TAMPERED_BODY,
    }),
    vector('token header missing', without(channelDelivery(TOKEN), TOKEN_HEADER), 'missing_headers'),
  ];
}

function ed25519Vectors() {
  const vector = (name, headers, expected, { body = BODY } = {}) => ({ name, scheme: 'ed25519-v1a', key: whpk(KEY), headers, body, expected });
  const truncated = `v1a,${Buffer.from(v1a(KEY).slice('v1a,'.length), 'base64').subarray(0, 63).toString('base64')}`;
  return [
    vector('valid', standardHeaders(v1a(KEY)), 'valid'),
    vector('tampered body', standardHeaders(v1a(KEY)), 'invalid_signature', { body: TAMPERED_BODY }),
    vector('wrong key (signed by another private key)', standardHeaders(v1a(OTHER_KEY)), 'invalid_signature'),
    vector('signature of another webhook-id', standardHeaders(v1a(KEY, 'evt_other')), 'invalid_signature'),
    vector('expired timestamp (301 s old)', standardHeaders(v1a(KEY, ID, NOW - 301), NOW - 301), 'timestamp_out_of_tolerance'),
    vector('timestamp 301 s in the future', standardHeaders(v1a(KEY, ID, NOW + 301), NOW + 301), 'timestamp_out_of_tolerance'),
    vector('timestamp at the edge of the tolerance (300 s in the future)', standardHeaders(v1a(KEY, ID, NOW + 300), NOW + 300), 'valid'),
    vector('multiple signatures, one valid (rotation: new key first, then this one)', standardHeaders(`${v1a(OTHER_KEY)} ${v1a(KEY)}`), 'valid'),
    vector('multiple signatures, a v1 HMAC (skipped) and a valid v1a', standardHeaders(`${v1(SECRET)} ${v1a(KEY)}`), 'valid'),
    vector('multiple signatures, none valid', standardHeaders(`${v1a(OTHER_KEY)} ${v1a(KEY, 'evt_other')}`), 'invalid_signature'),
    vector('no v1a entry (only v1)', standardHeaders(v1(SECRET)), 'invalid_signature'),
    vector('signature truncated to 63 bytes', standardHeaders(truncated), 'invalid_signature'),
    vector('webhook-id missing', without(standardHeaders(v1a(KEY)), 'webhook-id'), 'missing_headers'),
  ];
}

function buildVectors() {
  return {
    about:
      'Deliveries signed as Hookline signs them, and the result a receiver must reach when it checks them at `now` ' +
      'with `tolerance_seconds`. `key` is the secret (hmac-v1, body-hmac), the channel token (token) or the whpk_ public key ' +
      '(ed25519-v1a). `expected` is "valid" or the receiver kit\'s error code. Header names are lower case. ' +
      'Regenerate with: node packages/receiver-kit/scripts/generate-vectors.js',
    now: NOW,
    tolerance_seconds: TOLERANCE_SECONDS,
    token_header: TOKEN_HEADER,
    schemes: {
      'hmac-v1':
        'webhook-signature: space-separated "v1,<base64 HMAC-SHA256 of <webhook-id>.<webhook-timestamp>.<body>>"; HMAC key: base64-decoded rest of a whsec_ secret, else the UTF-8 bytes of the secret',
      'body-hmac': 'X-Webhook-Signature: "sha256=<hex HMAC-SHA256 of the body>", same HMAC key; no timestamp',
      token: 'X-Webhook-Token equals the channel token; it does not cover the body',
      'ed25519-v1a':
        'webhook-signature: space-separated "v1a,<base64 ed25519 signature of <webhook-id>.<webhook-timestamp>.<body>>"; key: whpk_ + base64 of the 32-byte public key',
    },
    vectors: [...hmacV1Vectors(), ...bodyHmacVectors(), ...tokenVectors(), ...ed25519Vectors()],
  };
}

const VECTORS_PATH = join(__dirname, '..', 'vectors.json');
const serialize = (vectors) => `${JSON.stringify(vectors, null, 2)}\n`;

module.exports = { buildVectors, serialize, VECTORS_PATH };

if (require.main === module) {
  const vectors = buildVectors();
  writeFileSync(VECTORS_PATH, serialize(vectors));
  console.log(`wrote ${vectors.vectors.length} vectors to ${VECTORS_PATH}`);
}
