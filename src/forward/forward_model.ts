import { Effect } from "effect";
import type { RewrittenModel } from "../onnx/rewrite/rewrite_file.ts";
import type { BackendSession, FetchedTensor } from "./backend.ts";
import type { PaddedBatch } from "../tokenize/pad_batch.ts";
import type { ForwardFailed } from "./errors.ts";
import { buildFeeds } from "./feeds.ts";
import type { HiddenStates } from "./hidden_states.ts";

/** A model ready to run: its rewritten graph open in a session. */
export interface ForwardModel {
  /** What the rewrite learned about the model. */
  readonly info: RewrittenModel;
  /**
   * The hidden states of a padded batch: all L + 1 by default,
   * [L + 1, batch, seq, dim]; with `states`, only those, in that order
   * (`HiddenStates.layers` names them). Each state fetched is a
   * [batch, seq, dim] copy out of the runtime, so a pipeline that reads one
   * layer fetches one.
   */
  readonly run: (
    batch: PaddedBatch,
    states?: ReadonlyArray<number>,
  ) => Effect.Effect<HiddenStates, ForwardFailed>;
}

/** The session a run goes to, and the outputs it fetches there. */
export interface RunTarget {
  readonly session: BackendSession;
  readonly names: ReadonlyArray<string>;
}

const stack = (
  names: ReadonlyArray<string>,
  b: PaddedBatch,
  fetched: Record<string, FetchedTensor>,
): { data: Float32Array; dim: number } | string => {
  const first = fetched[names[0]];
  const dim = first.dims[first.dims.length - 1];
  const size = b.batch * b.seq * dim;
  for (const name of names) {
    const t = fetched[name];
    if (t.data.length !== size) {
      return `${name} has shape [${
        t.dims.join(", ")
      }], expected [${b.batch}, ${b.seq}, ${dim}]`;
    }
  }
  // One state is returned as the runtime handed it over: no second copy.
  if (names.length === 1) return { data: first.data, dim };
  const data = new Float32Array(names.length * size);
  names.forEach((name, k) => data.set(fetched[name].data, k * size));
  return { data, dim };
};

const checkBatch = (b: PaddedBatch): string | undefined =>
  b.batch < 1 || b.seq < 1
    ? `empty batch (${b.batch} x ${b.seq})`
    : b.ids.length !== b.batch * b.seq || b.mask.length !== b.batch * b.seq
    ? `ids/mask length ${b.ids.length}/${b.mask.length} do not match ${b.batch} x ${b.seq}`
    : undefined;

const checkStates = (
  states: ReadonlyArray<number> | undefined,
  count: number,
): string | undefined =>
  states === undefined
    ? undefined
    : states.length === 0
    ? "no hidden state asked for"
    : states.find((k) => !Number.isInteger(k) || k < 0 || k >= count) !==
        undefined
    ? `hidden states [${states.join(", ")}] are not all in 0..${count - 1}`
    : undefined;

/** The rewritten graph's outputs for `states` (every state when absent). */
export const stateNames = (
  info: Pick<RewrittenModel, "hiddenStates">,
  states: ReadonlyArray<number> | undefined,
): ReadonlyArray<string> =>
  states === undefined
    ? info.hiddenStates
    : states.map((k) => info.hiddenStates[k]);

/**
 * A model over sessions `target` picks per run: the one run loop of the
 * server's Forward service and of a browser page, which opens its session
 * on onnxruntime-web from fetched bytes.
 */
export const forwardModel = (
  info: RewrittenModel,
  fail: (reason: string) => ForwardFailed,
  target: (
    states: ReadonlyArray<number> | undefined,
  ) => Effect.Effect<RunTarget, ForwardFailed>,
): ForwardModel => {
  const count = info.hiddenStates.length;
  const run = Effect.fn("Forward.run")(function* (
    b: PaddedBatch,
    states?: ReadonlyArray<number>,
  ) {
    const bad = checkBatch(b) ?? checkStates(states, count);
    if (bad !== undefined) return yield* fail(bad);
    const feeds = buildFeeds(info.inputs, b);
    if (typeof feeds === "string") return yield* fail(feeds);
    const { session, names } = yield* target(states);
    const fetched = yield* Effect.tryPromise({
      try: () => session.run(feeds, names),
      catch: (e) => fail(String(e)),
    });
    const stacked = stack(names, b, fetched);
    if (typeof stacked === "string") return yield* fail(stacked);
    return {
      count: names.length,
      batch: b.batch,
      seq: b.seq,
      dim: stacked.dim,
      data: stacked.data,
      mask: b.mask,
      ...(states === undefined ? {} : { layers: [...states] }),
    } satisfies HiddenStates;
  });
  return { info, run };
};

/** A model whose every run goes to one session of its rewritten graph. */
export const modelOnSession = (
  info: RewrittenModel,
  session: BackendSession,
  fail: (reason: string) => ForwardFailed,
): ForwardModel =>
  forwardModel(
    info,
    fail,
    (states) => Effect.succeed({ session, names: stateNames(info, states) }),
  );
