/**
 * A uniform sample of at most `capacity` items of a stream of unknown
 * length (Vitter's algorithm R), returned in stream order. With at most
 * `capacity` items it is the whole stream, in order. Memory is the sample.
 */
export interface Reservoir<T> {
  /** Offers the next item of the stream. */
  offer(item: T): void;
  /** How many items were offered. */
  readonly seen: () => number;
  /** The sample, in the order the items arrived. */
  readonly sample: () => T[];
}

/** A reservoir of `capacity` items drawing from `random` (in [0, 1)). */
export const reservoir = <T>(
  capacity: number,
  random: () => number,
): Reservoir<T> => {
  if (!Number.isInteger(capacity) || capacity < 1) {
    throw new RangeError(`reservoir capacity ${capacity} is not >= 1`);
  }
  const items: T[] = [];
  const positions: number[] = [];
  let seen = 0;
  return {
    offer: (item) => {
      const position = seen++;
      if (items.length < capacity) {
        items.push(item);
        positions.push(position);
        return;
      }
      const j = Math.floor(random() * seen);
      if (j < capacity) {
        items[j] = item;
        positions[j] = position;
      }
    },
    seen: () => seen,
    sample: () =>
      positions.map((p, k) => [p, k] as const)
        .sort((a, b) => a[0] - b[0])
        .map(([, k]) => items[k]),
  };
};
