import type { KV } from "@nats-io/kv";

/**
 * A chunk's state in the queue's key-value bucket: written `submitted` by
 * `submit` (only when absent), `done` by the worker that wrote it (before its
 * ack), `failed` with the error when it went to the dead letters.
 */
export interface ChunkState {
  readonly state: "submitted" | "done" | "failed";
  /** Its records. */
  readonly rows: number;
  /** When the state was written (ms since the epoch). */
  readonly at: number;
  readonly error?: string;
}

/** Writes a state. */
export const putState = async (
  kv: KV,
  key: string,
  s: ChunkState,
): Promise<void> => {
  await kv.put(key, JSON.stringify(s));
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
    await kv.create(
      key,
      JSON.stringify({ state: "submitted", rows, at: Date.now() }),
    );
    return true;
  } catch {
    return false;
  }
};

/** A chunk's state, undefined when it has none. */
export const getState = async (
  kv: KV,
  key: string,
): Promise<ChunkState | undefined> => {
  const e = await kv.get(key);
  return e === null || e.operation !== "PUT" ? undefined : e.json<ChunkState>();
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
