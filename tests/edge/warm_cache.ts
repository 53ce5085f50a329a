/**
 * Loads pipelines once so their derived graphs land in `SENTEMB_CACHE`: what
 * a deployment does before it ships the cache. Run by deploy_test.ts.
 *
 * Usage: SENTEMB_CACHE=DIR deno run -A warm_cache.ts PIPELINE...
 */
import { Effect } from "effect";
import { embedWith } from "../../mod.ts";
import { testLayer } from "../test_paths.ts";

for (const name of Deno.args) {
  await Effect.runPromise(
    embedWith(name, ["warm"]).pipe(Effect.provide(testLayer)),
  );
}
Deno.exit(0);
