import { Effect, Layer } from "effect";
import { createHash } from "node:crypto";
import type { PaddedBatch } from "../tokenize/pad_batch.ts";
import { type HiddenStates, layerView } from "../forward/hidden_states.ts";
import { Forward, type ForwardModel } from "../forward/service.ts";
import { cacheDir } from "../onnx/cache_dir.ts";
import { openSentenceStore, type SentenceStore } from "./sentence_store.ts";

/**
 * A `Forward` that remembers every sentence's hidden states. The key is the
 * model (its rewritten graph, itself named by the source file's content
 * hash) and the sentence's real token ids, segment ids and Token Prepending
 * mask — so the prompt and the text, as tokenized — never its batch or its
 * padding. Each variant of an evaluation grid (layers × pooling × weighting
 * × post-processing) loads its own pipeline, but they all share this layer:
 * the first variant runs the model, the others read its states; a rerun
 * reads them from `<cache>/hidden/<model>/`.
 *
 * A batch is answered from the cache only when every row is known;
 * otherwise the whole batch runs and its new rows are stored (grid variants
 * and reruns batch identically, so partial hits are rare).
 */

/** Default bound on cached hidden states (memory and disk), in MiB. */
const DEFAULT_BUDGET_MB = 4096;

const FLUSH_BYTES = 64 * 1024 * 1024;

/** The real positions of row `r`, in order. */
const realPositions = (b: PaddedBatch, r: number): number[] => {
  const out: number[] = [];
  for (let s = 0; s < b.seq; s++) if (b.mask[r * b.seq + s] === 1) out.push(s);
  return out;
};

const rowKey = (
  model: string,
  b: PaddedBatch,
  positions: number[],
  r: number,
) => {
  const ids = Int32Array.from(positions, (s) => b.ids[r * b.seq + s]);
  const types = Int32Array.from(
    positions,
    (s) => b.typeIds?.[r * b.seq + s] ?? 0,
  );
  // Token Prepending's placeholder mask changes what the graph computes.
  const tp = Float32Array.from(
    positions,
    (s) => b.tpMask?.[r * b.seq + s] ?? 0,
  );
  return createHash("sha256")
    .update(model)
    .update(new Uint8Array(ids.buffer))
    .update(new Uint8Array(types.buffer))
    .update(new Uint8Array(tp.buffer))
    .digest("hex");
};

/** Hidden states of the cached rows, padded back into the batch's layout (zeros on padding). */
const assemble = (
  b: PaddedBatch,
  rows: ReadonlyArray<{ positions: number[]; data: Float32Array }>,
  count: number,
  dim: number,
): HiddenStates => {
  const data = new Float32Array(count * b.batch * b.seq * dim);
  rows.forEach(({ positions, data: states }, r) => {
    const len = positions.length;
    for (let l = 0; l < count; l++) {
      for (let j = 0; j < len; j++) {
        const src = (l * len + j) * dim;
        const dst = ((l * b.batch + r) * b.seq + positions[j]) * dim;
        data.set(states.subarray(src, src + dim), dst);
      }
    }
  });
  return { count, batch: b.batch, seq: b.seq, dim, data, mask: b.mask };
};

/** Row `r`'s real-token states, [count, len, dim]. */
const slice = (
  h: HiddenStates,
  positions: number[],
  r: number,
): Float32Array => {
  const len = positions.length;
  const out = new Float32Array(h.count * len * h.dim);
  for (let l = 0; l < h.count; l++) {
    for (let j = 0; j < len; j++) {
      const src = ((l * h.batch + r) * h.seq + positions[j]) * h.dim;
      out.set(h.data.subarray(src, src + h.dim), (l * len + j) * h.dim);
    }
  }
  return out;
};

/** The requested states only, in the requested order (`layers` names them). */
const select = (
  h: HiddenStates,
  states?: ReadonlyArray<number>,
): HiddenStates => {
  if (states === undefined) return h;
  const size = h.batch * h.seq * h.dim;
  const data = new Float32Array(states.length * size);
  states.forEach((k, slab) => data.set(layerView(h, k), slab * size));
  return { ...h, count: states.length, data, layers: [...states] };
};

const cachedModel = (
  model: ForwardModel,
  key: string,
  store: SentenceStore,
): ForwardModel => ({
  info: model.info,
  // A miss fetches and keeps every state, whatever was asked for: grid
  // variants that read other layers then find them cached.
  run: (batch, states) =>
    Effect.gen(function* () {
      const rows = Array.from({ length: batch.batch }, (_, r) => {
        const positions = realPositions(batch, r);
        return { positions, key: rowKey(key, batch, positions, r) };
      });
      const hits = rows.map((row) => store.get(row.key));
      if (hits.every((h) => h !== undefined)) {
        const [count, , dim] = hits[0]!.shape;
        return select(
          assemble(
            batch,
            rows.map((row, r) => ({ ...row, data: hits[r]!.data })),
            count,
            dim,
          ),
          states,
        );
      }
      const all = yield* model.run(batch);
      rows.forEach((row, r) => {
        if (hits[r] !== undefined) return;
        store.put(row.key, {
          shape: [all.count, row.positions.length, all.dim],
          data: slice(all, row.positions, r),
        });
      });
      if (store.pendingBytes > FLUSH_BYTES) {
        yield* Effect.promise(() => store.flush());
      }
      return select(all, states);
    }),
});

/**
 * Wraps the `Forward` below it with the hidden-state cache. `dir` defaults to
 * `<cache>/hidden`; `budgetMb` to `SENTEMB_HIDDEN_CACHE_MB` or 4096.
 */
export const cachedForwardLayer = (
  options: { readonly dir?: string; readonly budgetMb?: number } = {},
): Layer.Layer<Forward, never, Forward> =>
  Layer.effect(
    Forward,
    Effect.gen(function* () {
      const base = yield* Forward;
      const dir = options.dir ?? `${cacheDir()}/hidden`;
      const budget = (options.budgetMb ??
        Number(Deno.env.get("SENTEMB_HIDDEN_CACHE_MB") ?? DEFAULT_BUDGET_MB)) *
        1024 * 1024;
      const models = new Map<string, ForwardModel>();
      const stores: SentenceStore[] = [];
      yield* Effect.addFinalizer(() =>
        Effect.promise(() => Promise.all(stores.map((s) => s.flush()))).pipe(
          Effect.ignore,
        )
      );
      return Forward.of({
        backend: base.backend,
        load: (path) =>
          Effect.gen(function* () {
            const known = models.get(path);
            if (known) return known;
            const model = yield* base.load(path);
            const key = createHash("sha256").update(model.info.path).digest(
              "hex",
            ).slice(0, 16);
            const store = yield* Effect.promise(() =>
              openSentenceStore(`${dir}/${key}`, budget)
            );
            stores.push(store);
            const wrapped = cachedModel(model, key, store);
            models.set(path, wrapped);
            return wrapped;
          }),
      });
    }),
  );
