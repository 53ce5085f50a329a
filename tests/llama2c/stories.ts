import { Effect } from "effect";
import { rmsNorm } from "../../src/llama2c/kernels.ts";
import {
  hiddenStates,
  type Llama2cModel,
  loadStories260K,
  type TokenPrepending,
} from "../../src/llama2c/mod.ts";
import { pathsLayer } from "../../src/paths.ts";
import { testPaths } from "../test_paths.ts";

/** stories260K from the shared models folder, read once per test module. */
export const stories: Llama2cModel = await Effect.runPromise(
  loadStories260K().pipe(Effect.provide(pathsLayer(testPaths))),
);

export const storiesDir = `${testPaths.models}/stories260K`;

/** The outputs of llama2.c's own algorithm (see `about` in the file). */
export const golden: {
  readonly encode: ReadonlyArray<
    { readonly text: string; readonly ids: number[] }
  >;
  readonly greedy: number[];
  readonly greedyText: string;
  readonly logitsAt0: number[];
  readonly logitsAt9: number[];
} = JSON.parse(
  Deno.readTextFileSync(
    new URL("./fixtures/run_c_golden.json", import.meta.url),
  ),
);

/**
 * stories260K's hidden states by the TypeScript reference forward, the last
 * one passed through the final norm as the exported graph outputs it.
 */
export const referenceStates = (
  batch: Parameters<typeof hiddenStates>[1],
  prepending?: TokenPrepending,
): { data: Float32Array } => {
  const w = stories.weights;
  const ref = hiddenStates(w, batch, prepending);
  const [layers, rows, seq, d] = ref.shape;
  const data = ref.data.slice();
  const last = (layers - 1) * rows * seq * d;
  for (let i = 0; i < rows * seq; i++) {
    rmsNorm(
      data,
      last + i * d,
      ref.data,
      last + i * d,
      w.finalNorm,
      d,
      w.config.normEps,
    );
  }
  return { data };
};
