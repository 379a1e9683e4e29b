import { ReplayedWebhookError, createMemoryReplayGuard, signWebhook, verifyWebhook } from './index';

const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const startMs = Date.UTC(2025, 0, 15, 12, 0, 0);
const startSeconds = startMs / 1000;
const body = JSON.stringify({ event_id: 'evt_1', data: {} });

function caught(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error, but verification passed');
}

describe('replay protection', () => {
  it('refuses a byte-identical second delivery', () => {
    const replayGuard = createMemoryReplayGuard({ ttlSeconds: 300 });
    const headers = signWebhook(secret, 'evt_1', startSeconds, body);
    const options = { now: () => startMs, replayGuard };
    expect(verifyWebhook(body, headers, secret, options)).toEqual({ event_id: 'evt_1', data: {} });
    const replay = caught(() => verifyWebhook(body, headers, secret, { ...options, now: () => startMs + 60_000 }));
    expect(replay).toBeInstanceOf(ReplayedWebhookError);
    expect(replay).toMatchObject({ code: 'replayed_webhook', status: 401, details: { webhook_id: 'evt_1' } });
  });

  it('lets a retry through: same webhook-id, new timestamp and signature', () => {
    const replayGuard = createMemoryReplayGuard();
    const options = { now: () => startMs + 30_000, replayGuard };
    verifyWebhook(body, signWebhook(secret, 'evt_1', startSeconds, body), secret, options);
    expect(verifyWebhook(body, signWebhook(secret, 'evt_1', startSeconds + 30, body), secret, options)).toEqual({ event_id: 'evt_1', data: {} });
  });

  it('does not remember a delivery that failed verification', () => {
    const replayGuard = createMemoryReplayGuard();
    const options = { now: () => startMs, replayGuard };
    const headers = signWebhook(secret, 'evt_1', startSeconds, body);
    expect(() => verifyWebhook(body.replace('evt_1', 'evt_2'), headers, secret, options)).toThrow('No webhook signature matches');
    expect(verifyWebhook(body, headers, secret, options)).toBeDefined();
  });

  it('forgets a delivery once its timestamp is older than the ttl, where the tolerance refuses it anyway', () => {
    const replayGuard = createMemoryReplayGuard({ ttlSeconds: 300 });
    const stamp = { webhookId: 'evt_1', timestampSeconds: startSeconds };
    expect(replayGuard.firstSeen(stamp, startMs)).toBe(true);
    expect(replayGuard.firstSeen(stamp, startMs + 299_999)).toBe(false);
    expect(replayGuard.firstSeen(stamp, startMs + 300_000)).toBe(true);
  });

  it('keeps remembering live deliveries while it sweeps expired ones', () => {
    const replayGuard = createMemoryReplayGuard({ ttlSeconds: 10 });
    for (let i = 0; i < 3000; i += 1) expect(replayGuard.firstSeen({ webhookId: `old_${i}`, timestampSeconds: startSeconds }, startMs)).toBe(true);
    const later = startMs + 60_000;
    const live = { webhookId: 'live', timestampSeconds: startSeconds + 60 };
    expect(replayGuard.firstSeen(live, later)).toBe(true);
    for (let i = 0; i < 3000; i += 1) expect(replayGuard.firstSeen({ webhookId: `new_${i}`, timestampSeconds: startSeconds + 60 }, later)).toBe(true);
    expect(replayGuard.firstSeen(live, later)).toBe(false);
    expect(replayGuard.firstSeen({ webhookId: 'old_1', timestampSeconds: startSeconds }, later)).toBe(true);
  });

  it('refuses a non-positive ttl', () => {
    expect(() => createMemoryReplayGuard({ ttlSeconds: 0 })).toThrow(RangeError);
  });
});
