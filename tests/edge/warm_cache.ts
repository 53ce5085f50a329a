/**
 * Loads pipelines once so their derived graphs land in `SENTEMB_CACHE`: what
 * a deployment does before it ships the cache. Run by deploy_test.ts.
 *
 * Usage: SENTEMB_CACHE=DIR deno run -A warm_cache.ts PIPELINE...
 */
import { Effect } from "effect";
import { embedWith } from "../../mod.ts";
import { pathsFromEnv } from "../../src/paths.ts";
import { servicesLayer } from "../../src/services.ts";

// Not tests/test_paths.ts: that gives each test file a fresh SENTEMB_CACHE,
// and this child must fill the one it is given.
const testLayer = servicesLayer({ ...pathsFromEnv(), allowRemote: false });

for (const name of Deno.args) {
  await Effect.runPromise(
    embedWith(name, ["warm"]).pipe(Effect.provide(testLayer)),
  );
}
Deno.exit(0);
