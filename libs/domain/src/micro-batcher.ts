export interface MicroBatcherOptions {
  /** A batch is written as soon as it holds this many items. */
  maxItems: number;
  /** ...or this long after its first item arrived, whichever comes first. */
  maxWaitMs: number;
  /**
   * Batches handled at the same time at most; further full batches wait their turn. Bounds the memory
   * a burst holds in flight (queries, their parameters and results); unbounded when not set.
   */
  maxConcurrentBatches?: number;
}

interface Pending<I, O> {
  item: I;
  resolve: (output: O) => void;
  reject: (error: unknown) => void;
}

/**
 * Coalesces concurrent calls into batches: `add(item)` resolves with the item's own result once the
 * batch holding it has been handled by `handle`, which answers one result per item, in order (an
 * Error as an item's result rejects that item alone). Used
 * where one statement for many rows costs about as much as one for a single row (the database round
 * trip dominates), so N concurrent callers share one trip instead of queueing for N.
 *
 * When `handle` throws, every item of that batch rejects with the error; callers that can tell a bad
 * item from a bad batch retry items one by one (see `settleEach`).
 */
export class MicroBatcher<I, O> {
  private pending: Pending<I, O>[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** Closed batches waiting for a free slot (only when maxConcurrentBatches is set). */
  private readonly ready: Pending<I, O>[][] = [];
  private running = 0;

  constructor(
    private readonly handle: (items: I[]) => Promise<(O | Error)[]>,
    private readonly options: MicroBatcherOptions,
  ) {}

  add(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (this.pending.length >= this.options.maxItems) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.options.maxWaitMs);
    });
  }

  /**
   * Adds items that must stay in one batch, in order: they join the batch being gathered if they fit,
   * else that batch goes now and they start the next one. (Batches run concurrently: a batch job's
   * events split across two could be fanned out in either order.) Resolves with their results in
   * order, or rejects with the first item's error. More than maxItems items make one larger batch.
   */
  addAll(items: I[]): Promise<O[]> {
    if (this.pending.length + items.length > this.options.maxItems) this.flush();
    const results = items.map((item) => new Promise<O>((resolve, reject) => this.pending.push({ item, resolve, reject })));
    if (this.pending.length >= this.options.maxItems) this.flush();
    else if (this.pending.length > 0) this.timer ??= setTimeout(() => this.flush(), this.options.maxWaitMs);
    return Promise.all(results);
  }

  /**
   * Hands items gathered already (a batch job) over as one batch of their own, within the
   * concurrency bound; resolves with their results in order, or rejects with the first item's error.
   */
  addBatch(items: I[]): Promise<O[]> {
    if (items.length === 0) return Promise.resolve([]);
    const entries: Pending<I, O>[] = [];
    const results = items.map((item) => new Promise<O>((resolve, reject) => entries.push({ item, resolve, reject })));
    this.ready.push(entries);
    this.startReady();
    return Promise.all(results);
  }

  /** Hands the waiting items over now (also used on shutdown). */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending;
    if (batch.length === 0) return;
    this.pending = [];
    this.ready.push(batch);
    this.startReady();
  }

  private startReady(): void {
    const limit = this.options.maxConcurrentBatches ?? Infinity;
    while (this.running < limit && this.ready.length > 0) {
      const batch = this.ready.shift()!;
      this.running++;
      this.run(batch)
        .catch(() => undefined)
        .finally(() => {
          this.running--;
          this.startReady();
        });
    }
  }

  private async run(batch: Pending<I, O>[]): Promise<void> {
    try {
      const outputs = await this.handle(batch.map((entry) => entry.item));
      if (outputs.length !== batch.length) throw new Error(`batch handler answered ${outputs.length} results for ${batch.length} items`);
      batch.forEach((entry, index) => {
        const output = outputs[index];
        if (output instanceof Error) entry.reject(output);
        else entry.resolve(output);
      });
    } catch (error) {
      for (const entry of batch) entry.reject(error);
    }
  }
}

/**
 * Runs `batch` on all items; if it fails, runs `single` on each item so that one bad item (a row the
 * database refuses) fails alone and the others still succeed. Results keep the items' order; an item
 * whose single run failed gets its error as result. With `inOrder` the single runs go one after the
 * other, in the items' order (where order matters, e.g. fan-out chaining ordered deliveries);
 * otherwise at once.
 */
export async function settleEach<I, O>(
  items: I[],
  batch: (items: I[]) => Promise<O[]>,
  single: (item: I) => Promise<O>,
  { inOrder = false }: { inOrder?: boolean } = {},
): Promise<(O | Error)[]> {
  try {
    return await batch(items);
  } catch (error) {
    if (items.length === 1) return [toError(error)];
    if (!inOrder) return Promise.all(items.map((item) => single(item).catch(toError)));
    const results: (O | Error)[] = [];
    for (const item of items) results.push(await single(item).catch(toError));
    return results;
  }
}

function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
