import { decodeTime, isValid } from 'ulid';
import { newId } from './ids';

describe('newId', () => {
  it('is the prefix and a valid ULID of the current time', () => {
    const before = Date.now();
    const id = newId('evt');
    expect(id).toMatch(/^evt_[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(isValid(id.slice(4))).toBe(true);
    expect(decodeTime(id.slice(4))).toBeGreaterThanOrEqual(before);
    expect(decodeTime(id.slice(4))).toBeLessThanOrEqual(Date.now());
  });

  it('does not repeat across many ids (the random pool refills)', () => {
    const ids = new Set(Array.from({ length: 5000 }, () => newId('dlv')));
    expect(ids.size).toBe(5000);
  });

  it('sorts by creation time across milliseconds', async () => {
    const first = newId('att');
    await new Promise((resolve) => setTimeout(resolve, 2));
    expect(newId('att') > first).toBe(true);
  });
});
