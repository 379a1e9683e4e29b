/**
 * A bounded map that evicts the least recently used entry first (a Map keeps insertion order, so a hit
 * is moved to the end). For values that are costly to make and cheap to keep: compiled schemas,
 * parsed keys.
 */
export class LruCache<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(private readonly maxEntries: number) {}

  getOrCreate(key: K, create: (key: K) => V): V {
    const cached = this.entries.get(key);
    if (cached !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, cached);
      return cached;
    }
    const value = create(key);
    this.entries.set(key, value);
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    return value;
  }

  get size(): number {
    return this.entries.size;
  }
}
