import { Effect } from "effect";
import { type Llama2cModel, loadStories260K } from "../../src/llama2c/mod.ts";
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
