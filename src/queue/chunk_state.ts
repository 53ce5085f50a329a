import type { KV } from "@nats-io/kv";

/**
 * A chunk's state in the queue's key-value bucket: `submitted` by `submit`
 * (only when absent), `writing` while a worker holds its lease, `done` once
 * written (before the ack), `failed` when it went to the dead letters.
 * Every change but `submit`'s is a compare-and-set on the entry's revision,
 * so two workers handed the same chunk (a redelivery while the first still
 * runs) never write it at once: nothing is written twice.
 */
export interface ChunkState {
  readonly state: "submitted" | "writing" | "done" | "failed";
  /** Its records. */
  readonly rows: number;
  /** When the state was written (ms since the epoch). */
  readonly at: number;
  /** Attempts that failed: an error, or a worker that died holding it. */
  readonly failures?: number;
  /** The last failure's error. */
  readonly error?: string;
  /** `writing`: who holds the lease, and until when (ms since the epoch). */
  readonly by?: string;
  readonly until?: number;
}

const encode = (s: ChunkState) => JSON.stringify(s);

/** Writes a state, whatever was there. */
export const putState = async (
  kv: KV,
  key: string,
  s: ChunkState,
): Promise<void> => {
  await kv.put(key, encode(s));
};

/**
 * Writes `submitted` unless the chunk has a state already: false when it
 * had (a worker may have finished it before submit got here).
 */
export const markSubmitted = async (
  kv: KV,
  key: string,
  rows: number,
): Promise<boolean> => {
  try {
    await kv.create(key, encode({ state: "submitted", rows, at: Date.now() }));
    return true;
  } catch {
    return false;
  }
};

/** A state and the revision it was read at (0: none). */
export interface Versioned {
  readonly state?: ChunkState;
  readonly revision: number;
}

/** A chunk's state with its revision. */
export const readState = async (kv: KV, key: string): Promise<Versioned> => {
  const e = await kv.get(key);
  return e === null || e.operation !== "PUT"
    ? { revision: e?.revision ?? 0 }
    : { state: e.json<ChunkState>(), revision: e.revision };
};

/** A chunk's state, undefined when it has none. */
export const getState = async (
  kv: KV,
  key: string,
): Promise<ChunkState | undefined> => (await readState(kv, key)).state;

/**
 * Replaces the state read at `revision` (0: none); the new revision, or
 * undefined when another writer changed it first.
 */
export const swapState = async (
  kv: KV,
  key: string,
  revision: number,
  s: ChunkState,
): Promise<number | undefined> => {
  try {
    return revision === 0
      ? await kv.create(key, encode(s))
      : await kv.update(key, encode(s), revision);
  } catch {
    return undefined;
  }
};

/** Every chunk's state. */
export const allStates = async (kv: KV): Promise<Map<string, ChunkState>> => {
  const keys: string[] = [];
  for await (const k of await kv.keys()) keys.push(k);
  const out = new Map<string, ChunkState>();
  for (let i = 0; i < keys.length; i += 64) {
    const part = keys.slice(i, i + 64);
    const got = await Promise.all(part.map((k) => getState(kv, k)));
    got.forEach((s, j) => s && out.set(part[j], s));
  }
  return out;
};
