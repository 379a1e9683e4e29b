import { randomFillSync } from 'node:crypto';
import { encodeTime } from 'ulid';

/** Prefixes of Hookline's ids; a ULID after the prefix keeps ids sortable by creation time. */
export type IdPrefix = 'org' | 'key' | 'sub' | 'evt' | 'dlv' | 'att' | 'ps';

const CROCKFORD_BASE32 = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const RANDOM_CHARS = 16;

// Random bytes are drawn in blocks: one crypto call per 256 ids instead of one per character,
// which made id generation a visible share of the delivery loop's CPU.
const pool = Buffer.alloc(RANDOM_CHARS * 256);
let poolOffset = pool.length;

/** A ULID: 10 characters of millisecond time, then 80 random bits (5 from each of 16 bytes; 256 % 32 = 0 keeps them uniform). */
function ulid(now = Date.now()): string {
  if (poolOffset + RANDOM_CHARS > pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  let random = '';
  for (let i = 0; i < RANDOM_CHARS; i++) random += CROCKFORD_BASE32[pool[poolOffset + i] & 31];
  poolOffset += RANDOM_CHARS;
  return encodeTime(now, 10) + random;
}

export function newId(prefix: IdPrefix): string {
  return `${prefix}_${ulid()}`;
}
