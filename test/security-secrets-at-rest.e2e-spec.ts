import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Redis from 'ioredis';
import type { Pool } from 'pg';
import { ConfigError, loadConfig } from '@app/config';
import { SecretCipher } from '@app/domain/secret-cipher';
import type { TestApi } from './support/api';
import { configEnv, testConfig } from './support/config';
import { waitFor } from './support/poll';
import type { Receiver } from './support/receiver';
import { startStack, type Stack } from './support/stack';

const DIST = join(__dirname, '..', 'dist', 'apps');
const MAINS = {
  api: join(DIST, 'api', 'apps', 'api', 'src', 'main.js'),
  worker: join(DIST, 'worker', 'apps', 'worker', 'src', 'main.js'),
};

/** Runs a built app's main.js with `env` and resolves with its exit code and output (it must exit by itself). */
function runToExit(main: string, env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [main], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${main} did not exit within 15 s:\n${output}`));
    }, 15_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe('security: ENCRYPTION_KEY is required in production', () => {
  const encryptionKey = randomBytes(32).toString('base64');

  it('loadConfig refuses NODE_ENV=production without ENCRYPTION_KEY, naming the variable', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(ConfigError);
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/ENCRYPTION_KEY/);
    expect(() => loadConfig({ NODE_ENV: 'production', ENCRYPTION_KEY: '' })).toThrow(/ENCRYPTION_KEY/);
  });

  it('loadConfig refuses a key that is not 32 base64 bytes, without echoing it', () => {
    for (const bad of [randomBytes(16).toString('base64'), randomBytes(33).toString('base64'), 'not base64 at all!!', randomBytes(32).toString('hex')]) {
      let error: Error | undefined;
      try {
        loadConfig({ NODE_ENV: 'production', ENCRYPTION_KEY: bad });
      } catch (caught) {
        error = caught as Error;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect(error?.message).toMatch(/ENCRYPTION_KEY/);
      expect(error?.message).not.toContain(bad);
    }
  });

  it('loadConfig accepts a production config with a key, and development without one', () => {
    expect(loadConfig({ NODE_ENV: 'production', ENCRYPTION_KEY: encryptionKey }).encryptionKey).toEqual(Buffer.from(encryptionKey, 'base64'));
    expect(loadConfig({ NODE_ENV: 'development' }).encryptionKey).toBeUndefined();
  });

  it.each(Object.entries(MAINS))('the built %s exits 1 with a message naming ENCRYPTION_KEY', async (_, main) => {
    if (!existsSync(main)) throw new Error(`${main} is missing: build first (npm run build)`);
    const { code, output } = await runToExit(main, { ...configEnv(testConfig()), NODE_ENV: 'production' });
    expect(code).toBe(1);
    expect(output).toMatch(/Configuration error: ENCRYPTION_KEY is required/);
  });
});

/** With ENCRYPTION_KEY set, no secret, token or API key is stored in plain text in PostgreSQL or Redis. */
describe('security: secrets at rest', () => {
  const config = testConfig({ encryptionKey: randomBytes(32) });
  const cipher = new SecretCipher(config.encryptionKey);
  let stack: Stack;
  let api: TestApi;
  let receiver: Receiver;
  let db: Pool;
  let redis: Redis;
  let org: { id: string; api_key: string };
  /** Every plain-text credential this file handed out or sent. */
  const credentials: Record<string, string> = {};

  beforeAll(async () => {
    stack = await startStack({ config, orgName: 'secrets at rest' });
    ({ api, receiver, db, org } = stack);
    redis = new Redis(config.redisUrl);

    credentials.api_key = org.api_key;
    const created = await api.request('POST', '/v1/webhooks', {
      key: org.api_key,
      body: { name: 'encrypted', url: `${receiver.url}/sub`, events: ['*'], secret: `whsec_${randomBytes(24).toString('base64')}` },
    });
    expect(created.status).toBe(201);
    credentials.first_secret = created.body.secret;
    const rotated = await api.request('POST', `/v1/webhooks/${created.body.id}/secret/rotate`, { key: org.api_key, body: {} });
    expect(rotated.status).toBe(200);
    credentials.rotated_secret = rotated.body.secret;
    const generated = await api.request('POST', '/v1/webhooks', {
      key: org.api_key,
      body: { name: 'generated', url: `${receiver.url}/gen`, events: ['none.ever'] },
    });
    credentials.generated_secret = generated.body.secret;
    const channel = await api.request('PUT', '/v1/channels/queue:at-rest/webhook', { key: org.api_key, body: { url: `${receiver.url}/channel` } });
    expect(channel.status).toBe(200);
    credentials.first_token = channel.body.token;
    const regenerated = await api.request('POST', '/v1/channels/queue:at-rest/webhook/regenerate-token', { key: org.api_key });
    credentials.channel_token = regenerated.body.token;

    // Deliveries, so events, deliveries, attempts and jobs exist too.
    const published = await api.request('POST', '/v1/events', {
      key: org.api_key,
      body: { event_type: 'order.paid', data: { n: 1 }, channel: 'queue:at-rest' },
    });
    expect(published.status).toBe(202);
    await waitFor(() => receiver.requests.length >= 2, { what: 'deliveries to the subscription and the channel webhook' });
  });

  afterAll(async () => {
    await stack?.stop();
    redis?.disconnect();
  });

  const storedSubscriptions = async () =>
    (await db.query('SELECT kind, secret, previous_secret FROM subscriptions WHERE organization_id = $1 ORDER BY created_at', [org.id])).rows as Array<{
      kind: string;
      secret: string;
      previous_secret: string | null;
    }>;

  it('stores subscription secrets, previous secrets and channel tokens as enc:v1: ciphertext that decrypts to them', async () => {
    const rows = await storedSubscriptions();
    expect(rows.map((row) => row.kind).sort()).toEqual(['channel', 'subscription', 'subscription']);
    for (const row of rows) {
      expect(row.secret).toMatch(/^enc:v1:/);
      if (row.previous_secret !== null) expect(row.previous_secret).toMatch(/^enc:v1:/);
    }
    const decrypted = rows.flatMap((row) =>
      [row.secret, row.previous_secret].filter((value): value is string => value !== null).map((value) => cipher.decrypt(value)),
    );
    expect(decrypted.sort()).toEqual([credentials.rotated_secret, credentials.first_secret, credentials.generated_secret, credentials.channel_token].sort());
  });

  it('stores API keys only as their SHA-256 hash', async () => {
    const { rows } = await db.query('SELECT key_hash FROM api_keys WHERE organization_id = $1', [org.id]);
    expect(rows).toEqual([{ key_hash: createHash('sha256').update(org.api_key).digest('hex') }]);
  });

  it('has no plain-text credential anywhere in PostgreSQL', async () => {
    const { rows: tables } = await db.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public'");
    expect(tables.length).toBeGreaterThan(5);
    for (const { tablename } of tables) {
      const { rows } = await db.query(`SELECT t::text AS row FROM "${tablename}" t`);
      const text = rows.map((row: { row: string }) => row.row).join('\n');
      for (const [name, value] of Object.entries(credentials)) {
        expect([tablename, name, text.includes(value)]).toEqual([tablename, name, false]);
        // whsec_ secrets: the key material alone must not be there either.
        if (value.startsWith('whsec_')) expect(text.includes(value.slice('whsec_'.length))).toBe(false);
      }
    }
  });

  it('has no plain-text credential in Redis (jobs carry ids only)', async () => {
    const keys = await redis.keys(`${config.queuePrefix}:*`);
    expect(keys.length).toBeGreaterThan(0);
    const dump: string[] = [];
    for (const key of keys) {
      const type = await redis.type(key);
      if (type === 'hash') dump.push(JSON.stringify(await redis.hgetall(key)));
      else if (type === 'string') dump.push((await redis.get(key)) ?? '');
      else if (type === 'list') dump.push(...(await redis.lrange(key, 0, -1)));
      else if (type === 'zset') dump.push(...(await redis.zrange(key, '0', '-1')));
      else if (type === 'set') dump.push(...(await redis.smembers(key)));
    }
    const text = dump.join('\n');
    for (const value of Object.values(credentials)) expect(text.includes(value)).toBe(false);
  });
});
