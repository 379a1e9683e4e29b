import { ulid } from 'ulid';

/** Prefixes of Hookline's ids; a ULID after the prefix keeps ids sortable by creation time. */
export type IdPrefix = 'org' | 'key' | 'sub' | 'evt' | 'dlv' | 'att';

export function newId(prefix: IdPrefix): string {
  return `${prefix}_${ulid()}`;
}
