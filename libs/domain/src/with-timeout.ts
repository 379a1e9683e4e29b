/** Thrown by withTimeout when the work did not settle in time (the work itself keeps running). */
export class TimeoutError extends Error {}

/**
 * Resolves like `work`, or rejects with TimeoutError after `ms`. Used around Redis calls, whose client
 * queues commands while disconnected instead of failing, so a request never hangs on an outage.
 */
export async function withTimeout<T>(work: Promise<T>, ms: number, what = 'the operation'): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(`${what} did not finish within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
