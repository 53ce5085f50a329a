/**
 * An on-disk store of per-sentence float arrays keyed by a content hash (hex
 * SHA-256), one folder per namespace (a model). New entries are appended as
 * segment files written atomically, so concurrent writers never clobber each
 * other; opening reads every segment into memory once, after which lookups
 * are synchronous. A byte budget bounds both memory and disk: past it, new
 * entries are simply not kept.
 *
 * Segment record: 32-byte key, u32 rank, u32 dims[rank], f32 data — every
 * part a multiple of 4 bytes, so values are zero-copy views of the file.
 */

export interface StoredArray {
  readonly shape: ReadonlyArray<number>;
  readonly data: Float32Array;
}

export interface SentenceStore {
  get(key: string): StoredArray | undefined;
  /** Keeps `value` unless the budget is spent; returns whether it was kept. */
  put(key: string, value: StoredArray): boolean;
  /** Bytes written since the last flush. */
  readonly pendingBytes: number;
  /** Writes pending entries as one new segment. */
  flush(): Promise<void>;
  readonly size: number;
}

const checkKey = (hex: string) => {
  if (!/^[0-9a-f]{64}$/.test(hex)) {
    throw new RangeError(`store keys are 64 hex digits, got "${hex}"`);
  }
};

const hexToBytes = (hex: string): Uint8Array => {
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) {
    out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  }
  return out;
};

const bytesToHex = (b: Uint8Array): string =>
  Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");

const recordBytes = (v: StoredArray) =>
  32 + 4 + 4 * v.shape.length + 4 * v.data.length;

const parseSegment = (buf: Uint8Array, into: Map<string, StoredArray>) => {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let at = 0;
  while (at + 36 <= buf.byteLength) {
    const key = bytesToHex(buf.subarray(at, at + 32));
    const rank = view.getUint32(at + 32, true);
    const shape: number[] = [];
    for (let r = 0; r < rank; r++) {
      shape.push(view.getUint32(at + 36 + 4 * r, true));
    }
    const size = shape.reduce((a, b) => a * b, 1);
    const start = at + 36 + 4 * rank;
    if (start + 4 * size > buf.byteLength) break; // truncated: ignore the tail
    into.set(key, {
      shape,
      data: new Float32Array(buf.buffer, buf.byteOffset + start, size),
    });
    at = start + 4 * size;
  }
};

/** Opens (creating lazily on first flush) the store in `dir`. */
export const openSentenceStore = async (
  dir: string,
  budgetBytes: number,
): Promise<SentenceStore> => {
  const entries = new Map<string, StoredArray>();
  let bytes = 0;
  try {
    for await (const e of Deno.readDir(dir)) {
      if (!e.isFile || !e.name.endsWith(".seg")) continue;
      const buf = await Deno.readFile(`${dir}/${e.name}`);
      // Each segment gets its own aligned buffer for the Float32 views.
      const aligned = new Uint8Array(new ArrayBuffer(buf.byteLength));
      aligned.set(buf);
      parseSegment(aligned, entries);
      bytes += buf.byteLength;
    }
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  let pending: Array<[string, StoredArray]> = [];
  let pendingBytes = 0;
  return {
    get: (key) => entries.get(key),
    put(key, value) {
      checkKey(key);
      if (entries.has(key)) return true;
      const size = recordBytes(value);
      if (bytes + size > budgetBytes) return false;
      const copy = {
        shape: [...value.shape],
        data: Float32Array.from(value.data),
      };
      entries.set(key, copy);
      pending.push([key, copy]);
      pendingBytes += size;
      bytes += size;
      return true;
    },
    get pendingBytes() {
      return pendingBytes;
    },
    get size() {
      return entries.size;
    },
    async flush() {
      if (pending.length === 0) return;
      const out = new Uint8Array(pendingBytes);
      const view = new DataView(out.buffer);
      let at = 0;
      for (const [key, v] of pending) {
        out.set(hexToBytes(key), at);
        view.setUint32(at + 32, v.shape.length, true);
        v.shape.forEach((s, r) => view.setUint32(at + 36 + 4 * r, s, true));
        at += 36 + 4 * v.shape.length;
        out.set(
          new Uint8Array(v.data.buffer, v.data.byteOffset, v.data.byteLength),
          at,
        );
        at += v.data.byteLength;
      }
      pending = [];
      pendingBytes = 0;
      await Deno.mkdir(dir, { recursive: true });
      const name = `${dir}/${crypto.randomUUID()}.seg`;
      await Deno.writeFile(`${name}.tmp`, out);
      await Deno.rename(`${name}.tmp`, name);
    },
  };
};
