/**
 * Runs tasks with the same key one after another (in this process). Hookline delivers at least once and
 * retries a slow attempt after its timeout, so two deliveries of one decision may overlap: the second must
 * see the state the first saved, or the tool would run twice.
 */
export function createKeyedLock() {
  const tails = new Map<string, Promise<unknown>>();
  return async function withLock<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = tails.get(key) ?? Promise.resolve();
    const current = previous.catch(() => undefined).then(task);
    tails.set(key, current);
    try {
      return await current;
    } finally {
      if (tails.get(key) === current) tails.delete(key);
    }
  };
}
