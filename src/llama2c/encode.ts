import { BOS_ID, EOS_ID, FIRST_BYTE_ID } from "./special_ids.ts";
import { byteKey, type Llama2cVocab } from "./vocab.ts";

const utf8 = new TextEncoder();

/** Work counts of one `encode` call, for checking that it grows ~linearly. */
export interface EncodeCounter {
  /** Symbols before merging (BOS, dummy prefix, code points or bytes). */
  symbols: number;
  /** Candidate pairs pushed onto the heap. */
  pushes: number;
  /** Entries popped, stale ones included. */
  pops: number;
  merges: number;
}

/** A fresh all-zero `EncodeCounter`. */
export const encodeCounter = (): EncodeCounter => ({
  symbols: 0,
  pushes: 0,
  pops: 0,
  merges: 0,
});

/**
 * llama2.c's `encode`: optional BOS, a dummy-prefix space piece when the text
 * is non-empty, one piece per UTF-8 code point (its bytes as `<0xXX>` pieces
 * when the code point is not a piece), then repeatedly merge the adjacent
 * pair whose concatenation is the highest-scoring piece (leftmost on ties),
 * optional EOS. Hand-written: no npm package implements this exact variant
 * (SentencePiece ports differ in normalisation and merge order).
 *
 * Unlike C strings, the text does not end at a NUL: U+0000 and the other
 * control characters are code points like any other (byte pieces `<0x00>`…
 * when the vocabulary has no piece for them).
 *
 * The merges come out of a heap over a linked list of symbols, so a text of
 * n code points takes O(n log n), not llama2.c's O(n²); `counter`, when
 * given, receives the work done.
 *
 * @example
 * ```ts ignore
 * encode(vocab, "Once upon a time", { bos: true, eos: false }); // [1, 403, 407, 261, 378]
 * ```
 */
export const encode = (
  vocab: Llama2cVocab,
  text: string,
  options: {
    readonly bos: boolean;
    readonly eos: boolean;
    readonly counter?: EncodeCounter;
  },
): Int32Array => {
  const bytes = utf8.encode(text);
  const tokens: number[] = [];
  if (options.bos) tokens.push(BOS_ID);
  if (bytes.length > 0) tokens.push(vocab.index.get(" ")!);
  const isContinuation = (b: number | undefined) =>
    b !== undefined && (b & 0xc0) === 0x80;
  let start = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (!isContinuation(bytes[i])) start = i;
    // A code point ends before a non-continuation byte, or after 4 bytes.
    if (isContinuation(bytes[i + 1]) && i - start + 1 < 4) continue;
    const point = bytes.subarray(start, i + 1);
    const id = vocab.index.get(byteKey(point));
    if (id !== undefined) tokens.push(id);
    else for (const b of point) tokens.push(b + FIRST_BYTE_ID);
    start = i + 1;
  }
  const merged = mergePairs(vocab, tokens, options.counter);
  if (options.eos) merged.push(EOS_ID);
  return Int32Array.from(merged);
};

// llama2.c's running best starts here and must be beaten strictly, so pairs
// scoring -1e10 or less (or NaN) never merge.
const FLOOR = -1e10;

/**
 * The merge loop. Symbol i keeps its index for life: merging i with its
 * right neighbour j stores the merged id at i and unlinks j, so list order is
 * index order and "leftmost" is "smallest left index". The heap holds one
 * entry per adjacent pair that was mergeable when it was pushed, ordered by
 * (score desc, left index asc), which is the pair llama2.c's scan picks.
 * Entries are never removed early: one whose two symbols no longer hold the
 * ids it was pushed with (or are no longer adjacent) is skipped when popped.
 * A symbol's piece only grows, so a symbol never gets an old id back.
 */
const mergePairs = (
  vocab: Llama2cVocab,
  tokens: ReadonlyArray<number>,
  counter?: EncodeCounter,
): number[] => {
  const { keys, index, scores } = vocab;
  const n = tokens.length;
  const ids = Int32Array.from(tokens); // -1 once merged into the left one
  const prev = new Int32Array(n);
  const next = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    prev[i] = i - 1;
    next[i] = i + 1 < n ? i + 1 : -1;
  }
  // Entry pools: at most n - 1 pairs at first, two more per merge (≤ n - 1).
  const cap = Math.max(1, 3 * n);
  const eScore = new Float64Array(cap);
  const eLeft = new Int32Array(cap);
  const eRight = new Int32Array(cap);
  const eLeftId = new Int32Array(cap);
  const eRightId = new Int32Array(cap);
  const eMerged = new Int32Array(cap);
  let entries = 0;
  const heap = new Int32Array(cap); // entry numbers, a binary min-heap
  let size = 0;
  let pushes = 0;
  let pops = 0;
  let merges = 0;

  // Entry a pops before entry b.
  const before = (a: number, b: number) =>
    eScore[a] > eScore[b] || (eScore[a] === eScore[b] && eLeft[a] < eLeft[b]);

  const push = (left: number, right: number) => {
    const id = index.get(keys[ids[left]] + keys[ids[right]]);
    if (id === undefined || !(scores[id] > FLOOR)) return;
    const e = entries++;
    eScore[e] = scores[id];
    eLeft[e] = left;
    eRight[e] = right;
    eLeftId[e] = ids[left];
    eRightId[e] = ids[right];
    eMerged[e] = id;
    pushes++;
    let at = size++;
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (!before(e, heap[parent])) break;
      heap[at] = heap[parent];
      at = parent;
    }
    heap[at] = e;
  };

  const pop = (): number => {
    pops++;
    const top = heap[0];
    const last = heap[--size];
    let at = 0;
    for (;;) {
      let child = 2 * at + 1;
      if (child >= size) break;
      if (child + 1 < size && before(heap[child + 1], heap[child])) child++;
      if (!before(heap[child], last)) break;
      heap[at] = heap[child];
      at = child;
    }
    heap[at] = last;
    return top;
  };

  for (let i = 0; i + 1 < n; i++) push(i, i + 1);
  while (size > 0) {
    const e = pop();
    const left = eLeft[e];
    const right = eRight[e];
    if (
      ids[left] !== eLeftId[e] || ids[right] !== eRightId[e] ||
      next[left] !== right
    ) continue;
    merges++;
    ids[left] = eMerged[e];
    ids[right] = -1;
    const after = next[right];
    next[left] = after;
    if (after >= 0) prev[after] = left;
    if (prev[left] >= 0) push(prev[left], left);
    if (after >= 0) push(left, after);
  }

  if (counter) {
    counter.symbols += n;
    counter.pushes += pushes;
    counter.pops += pops;
    counter.merges += merges;
  }
  const out: number[] = [];
  for (let i = n > 0 ? 0 : -1; i >= 0; i = next[i]) out.push(ids[i]);
  return out;
};
