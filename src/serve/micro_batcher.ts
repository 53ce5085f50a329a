/**
 * Merges concurrent requests into batches bounded by a token budget and a
 * short wait, runs each batch once, and hands every caller back its own
 * rows. A request larger than the budget runs alone rather than being split,
 * so a caller always gets its rows from one batch.
 *
 * Hand-written rather than taken from a package: the npm batchers
 * (dataloader and friends) batch by key count and cannot bound by tokens.
 */
export interface MicroBatcherOptions<I, O> {
  /** Flush once the queued requests hold at least this many tokens. */
  readonly maxBatchTokens: number;
  /** Flush at the latest this long after the first request was queued. */
  readonly maxWaitMs: number;
  /** Tokens an item costs against the budget. */
  readonly cost: (item: I) => number;
  /** Runs one merged batch; must return one output per input, in order. */
  readonly run: (items: ReadonlyArray<I>) => Promise<ReadonlyArray<O>>;
  /** Called with the size of every batch that runs (for metrics). */
  readonly onBatch?: (items: number, tokens: number) => void;
}

interface Pending<I, O> {
  readonly items: ReadonlyArray<I>;
  readonly tokens: number;
  readonly resolve: (rows: ReadonlyArray<O>) => void;
  readonly reject: (error: unknown) => void;
}

export interface MicroBatcher<I, O> {
  submit(items: ReadonlyArray<I>): Promise<ReadonlyArray<O>>;
  /** Requests waiting for their batch (for tests and metrics). */
  readonly queued: () => number;
}

export const microBatcher = <I, O>(
  options: MicroBatcherOptions<I, O>,
): MicroBatcher<I, O> => {
  let queue: Pending<I, O>[] = [];
  let queuedTokens = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const flush = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    const batch = queue;
    queue = [];
    const tokens = queuedTokens;
    queuedTokens = 0;
    if (batch.length === 0) return;
    const items = batch.flatMap((p) => p.items);
    options.onBatch?.(items.length, tokens);
    options.run(items).then((rows) => {
      if (rows.length !== items.length) {
        throw new Error(
          `batch returned ${rows.length} rows for ${items.length} items`,
        );
      }
      let offset = 0;
      for (const p of batch) {
        p.resolve(rows.slice(offset, offset + p.items.length));
        offset += p.items.length;
      }
    }).catch((error) => {
      for (const p of batch) p.reject(error);
    });
  };

  return {
    queued: () => queue.length,
    submit: (items) =>
      new Promise((resolve, reject) => {
        let tokens = 0;
        for (const item of items) tokens += options.cost(item);
        // A request that would overflow the budget closes the current batch
        // first, so batches stay bounded and requests are never split.
        if (
          queue.length > 0 &&
          queuedTokens + tokens > options.maxBatchTokens
        ) flush();
        queue.push({ items, tokens, resolve, reject });
        queuedTokens += tokens;
        if (queuedTokens >= options.maxBatchTokens) flush();
        else if (timer === undefined) {
          timer = setTimeout(flush, options.maxWaitMs);
        }
      }),
  };
};
