import { MicroBatcher, settleEach } from './micro-batcher';

describe('MicroBatcher', () => {
  it('hands concurrent items to one call and answers each with its own result', async () => {
    const calls: number[][] = [];
    const batcher = new MicroBatcher<number, number>(
      async (items) => {
        calls.push(items);
        return items.map((item) => item * 10);
      },
      { maxItems: 100, maxWaitMs: 5 },
    );
    await expect(Promise.all([1, 2, 3].map((item) => batcher.add(item)))).resolves.toEqual([10, 20, 30]);
    expect(calls).toEqual([[1, 2, 3]]);
  });

  it('starts a new batch once one is full', async () => {
    const calls: number[][] = [];
    const batcher = new MicroBatcher<number, number>(
      async (items) => {
        calls.push(items);
        return items;
      },
      { maxItems: 2, maxWaitMs: 5 },
    );
    await Promise.all([1, 2, 3, 4, 5].map((item) => batcher.add(item)));
    expect(calls).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('rejects the items of a failed batch, and an item answered with an Error alone', async () => {
    const batcher = new MicroBatcher<number, number>(
      async (items) => {
        if (items.includes(0)) throw new Error('batch refused');
        return items.map((item) => (item < 0 ? new Error(`bad ${item}`) : item));
      },
      { maxItems: 10, maxWaitMs: 1 },
    );
    const [good, bad] = await Promise.allSettled([batcher.add(1), batcher.add(-1)]);
    expect(good).toEqual({ status: 'fulfilled', value: 1 });
    expect(bad).toMatchObject({ status: 'rejected', reason: new Error('bad -1') });
    await expect(Promise.all([batcher.add(0), batcher.add(2)])).rejects.toThrow('batch refused');
  });

  it('runs at most maxConcurrentBatches batches at a time; the others wait their turn', async () => {
    let running = 0;
    let maxRunning = 0;
    const batcher = new MicroBatcher<number, number>(
      async (items) => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        await new Promise((resolve) => setTimeout(resolve, 5));
        running--;
        return items;
      },
      { maxItems: 2, maxWaitMs: 1, maxConcurrentBatches: 2 },
    );
    const items = Array.from({ length: 12 }, (_, i) => i);
    await expect(Promise.all(items.map((item) => batcher.add(item)))).resolves.toEqual(items);
    expect(maxRunning).toBe(2);
  });

  it('rejects every item when the handler answers the wrong number of results', async () => {
    const batcher = new MicroBatcher<number, number>(async () => [], { maxItems: 10, maxWaitMs: 1 });
    await expect(batcher.add(1)).rejects.toThrow('answered 0 results for 1 items');
  });
});

describe('MicroBatcher.addAll', () => {
  it('keeps its items in one batch: with the items gathered when they fit, else in the next batch', async () => {
    const calls: number[][] = [];
    const batcher = new MicroBatcher<number, number>(
      async (items) => {
        calls.push(items);
        return items.map((item) => item * 2);
      },
      { maxItems: 4, maxWaitMs: 5 },
    );
    const singles = [1, 2, 3].map((item) => batcher.add(item));
    const together = batcher.addAll([4, 5]);
    const fitting = batcher.addAll([6]);
    await expect(together).resolves.toEqual([8, 10]);
    await expect(fitting).resolves.toEqual([12]);
    await expect(Promise.all(singles)).resolves.toEqual([2, 4, 6]);
    // [4, 5] did not fit beside [1, 2, 3]: that batch went as it was, not split as [1, 2, 3, 4] + [5].
    expect(calls).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    await expect(batcher.addAll([])).resolves.toEqual([]);
  });
});

describe('MicroBatcher.addBatch', () => {
  it('hands gathered items over as one batch of their own, apart from items added singly', async () => {
    const calls: number[][] = [];
    const batcher = new MicroBatcher<number, number>(
      async (items) => {
        calls.push(items);
        return items.map((item) => item * 2);
      },
      { maxItems: 2, maxWaitMs: 5 },
    );
    const single = batcher.add(9);
    await expect(batcher.addBatch([1, 2, 3])).resolves.toEqual([2, 4, 6]);
    await expect(single).resolves.toBe(18);
    expect(calls).toEqual([[1, 2, 3], [9]]);
  });

  it("rejects with an item's error, and answers an empty batch at once", async () => {
    const batcher = new MicroBatcher<number, number>(async (items) => items.map((item) => (item < 0 ? new Error(`bad ${item}`) : item)), {
      maxItems: 10,
      maxWaitMs: 1,
    });
    await expect(batcher.addBatch([1, -1])).rejects.toThrow('bad -1');
    await expect(batcher.addBatch([])).resolves.toEqual([]);
  });
});

describe('settleEach', () => {
  it('falls back to one run per item when the batch run fails, so a bad item fails alone', async () => {
    const single = jest.fn(async (item: number) => {
      if (item < 0) throw new Error(`bad ${item}`);
      return item;
    });
    const results = await settleEach(
      [1, -2, 3],
      async () => {
        throw new Error('batch refused');
      },
      single,
    );
    expect(results).toEqual([1, new Error('bad -2'), 3]);
    expect(single).toHaveBeenCalledTimes(3);
  });

  it('with inOrder, runs the single fallbacks one after the other, in order', async () => {
    const log: string[] = [];
    const single = async (item: number) => {
      log.push(`start ${item}`);
      await new Promise((resolve) => setTimeout(resolve, 5 - item));
      log.push(`end ${item}`);
      return item;
    };
    const refused = async (): Promise<number[]> => {
      throw new Error('batch refused');
    };
    await expect(settleEach([1, 2, 3], refused, single, { inOrder: true })).resolves.toEqual([1, 2, 3]);
    expect(log).toEqual(['start 1', 'end 1', 'start 2', 'end 2', 'start 3', 'end 3']);
  });

  it('uses the batch run when it succeeds', async () => {
    const single = jest.fn();
    await expect(settleEach([1, 2], async (items) => items.map((item) => item + 1), single)).resolves.toEqual([2, 3]);
    expect(single).not.toHaveBeenCalled();
  });
});
