import { rowArena } from "./row_arena.ts";
import type { StaticEncoder } from "../aggregate/static_encoder.ts";

// murmur3's 32-bit finaliser: integer-only, so every platform computes the
// same bits (Math.random or sin-based noise would not be reproducible).
const mix32 = (h: number): number => {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
};

const TWO_TO_32 = 4294967296;

/**
 * Fills `out` with the random vector of key `id` under `seed`: components
 * uniform in [-1, 1), a pure function of (seed, id, component), so a vector
 * never depends on which other tokens were seen first.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { randomVector } from "./random_encoder.ts";
 * const a = new Float32Array(4), b = new Float32Array(4);
 * randomVector(7, 42, a);
 * randomVector(7, 42, b);
 * assert.deepEqual(a, b);
 * ```
 */
export const randomVector = (
  seed: number,
  id: number,
  out: Float32Array,
): void => {
  const base = mix32((seed ^ Math.imul(id >>> 0, 0x9e3779b1)) >>> 0);
  for (let j = 0; j < out.length; j++) {
    const h = mix32((base + Math.imul(j + 1, 0x27d4eb2f)) >>> 0);
    out[j] = (h / TWO_TO_32) * 2 - 1;
  }
};

/**
 * Random token embeddings keyed by token id (vocabulary ids, or hashed words
 * for the vocabulary-free tokenizer). Vectors are computed once per id and
 * kept (up to 128 MiB of rows; past it, the rows of new ids are scratch,
 * reused sentence after sentence), since a
 * corpus reuses a small set of ids many times: in WebAssembly
 * memory, pooled there by a SIMD kernel, where the runtime has WebAssembly
 * SIMD; as JavaScript arrays otherwise. Both give the same vectors.
 */
export const randomEncoder = (
  options: {
    readonly dim: number;
    readonly seed: number;
    /** Ids whose rows are kept; default 128 MiB of rows. */
    readonly cacheRows?: number;
  },
): StaticEncoder => {
  const name = `random(dim=${options.dim}, seed=${options.seed})`;
  const arena = rowArena(options.dim);
  if (arena === undefined) return inJavaScript(name, options);
  const cap = options.cacheRows ?? cachedRowsFor(options.dim);
  const handles = idTable(cap);
  // Past the cap, a sentence's rows of new ids go to scratch rows, reused
  // from the next sentence on: memory stays bounded on an open vocabulary
  // (a stream of millions of sentences) by the cap plus one sentence.
  const scratch: number[] = [];
  let scratchUsed = 0;
  const inSentence = new Map<number, number>();
  const rowOf = (id: number): number => {
    let h = handles.get(id);
    if (h >= 0) return h;
    if (handles.size < cap) {
      h = arena.add((row) => randomVector(options.seed, id, row));
      handles.set(id, h);
      return h;
    }
    h = inSentence.get(id) ?? -1;
    if (h >= 0) return h;
    if (scratchUsed < scratch.length) {
      h = scratch[scratchUsed++];
      randomVector(options.seed, id, arena.view(h));
    } else {
      h = arena.add((row) => randomVector(options.seed, id, row));
      scratch.push(h);
      scratchUsed++;
    }
    inSentence.set(id, h);
    return h;
  };
  return {
    name,
    dim: options.dim,
    vector(id, _token, out) {
      let h = handles.get(id);
      if (h < 0 && handles.size < cap) h = rowOf(id);
      if (h < 0) randomVector(options.seed, id, out);
      else out.set(arena.view(h));
      return true;
    },
    rows: {
      beginSentence: () => {
        // Only a sentence that took scratch rows left ids in `inSentence`.
        if (scratchUsed === 0) return;
        scratchUsed = 0;
        inSentence.clear();
      },
      rowOf: (id) => rowOf(id),
      weightedMean: arena.weightedMean,
      weightedMeans: arena.weightedMeans,
      // Scratch rows are added after every kept one, once the cap is met.
      kept: (h) => scratch.length === 0 || h < scratch[0],
    },
  };
};

/**
 * Row handles by 32-bit id, for at most `cap` ids: open addressing over
 * typed arrays, at most half full. Ids are hashes, mostly past V8's small
 * integers, which a `Map` boxes and hashes on every lookup.
 */
const idTable = (cap: number) => {
  let bits = 4;
  while (1 << bits < 2 * cap) bits++;
  const mask = (1 << bits) - 1;
  const keys = new Uint32Array(1 << bits);
  // Handle + 1, 0 for an empty slot (handles are byte offsets, never -1).
  const values = new Int32Array(1 << bits);
  let size = 0;
  const slotOf = (id: number): number => {
    let slot = Math.imul(id, 0x9e3779b1) >>> (32 - bits);
    while (values[slot] !== 0 && keys[slot] !== id) slot = (slot + 1) & mask;
    return slot;
  };
  return {
    get size() {
      return size;
    },
    /** The handle of `id`, or -1. */
    get: (id: number): number => values[slotOf(id)] - 1,
    set(id: number, handle: number) {
      const slot = slotOf(id);
      if (values[slot] === 0) size++;
      keys[slot] = id;
      values[slot] = handle + 1;
    },
  };
};

/** Memory the kept rows may take: 128 MiB (16,384 rows of 2048 dims). */
const CACHE_BYTES = 128 * 2 ** 20;

/** How many ids keep their rows, at `dim` float32 values a row. */
export const cachedRowsFor = (dim: number): number =>
  Math.max(1024, Math.floor(CACHE_BYTES / (4 * Math.max(1, dim))));

const inJavaScript = (
  name: string,
  options: {
    readonly dim: number;
    readonly seed: number;
    readonly cacheRows?: number;
  },
): StaticEncoder => {
  const cache = new Map<number, Float32Array>();
  const cap = options.cacheRows ?? cachedRowsFor(options.dim);
  const lookup = (id: number): Float32Array => {
    let v = cache.get(id);
    if (v === undefined) {
      v = new Float32Array(options.dim);
      randomVector(options.seed, id, v);
      if (cache.size < cap) cache.set(id, v);
    }
    return v;
  };
  return {
    name,
    dim: options.dim,
    vector(id, _token, out) {
      out.set(lookup(id));
      return true;
    },
    lookup,
  };
};
