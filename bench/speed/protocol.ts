/** Prefix of a worker's reply lines; any other stdout line is the runtime's own. */
export const REPLY = "@@speed ";

/** One reply of a worker. */
export interface Reply {
  readonly ready?: boolean;
  readonly loadMs?: number;
  /** Length-sorted batches of the sample (`u0…`), and its token count. */
  readonly units?: number;
  readonly tokens?: number;
  readonly shapes?: ReadonlyArray<readonly [number, number]>;
  readonly ms?: number;
  /** Sentences in the call it ran. */
  readonly n?: number;
  readonly vectors?: number[];
  readonly error?: string;
}
