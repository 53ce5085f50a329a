// A separate process fetching one file, for the lock test:
// deno run fetch_once.ts <endpoint> <cacheDir> <ref> <path>
import { Effect } from "effect";
import { hubClientLayer } from "../../src/hub/client.ts";
import { hubFile } from "../../src/hub/file.ts";

const [endpoint, cacheDir, ref, path] = Deno.args;
const local = await Effect.runPromise(
  hubFile(ref, path).pipe(
    Effect.provide(
      hubClientLayer({
        endpoint,
        cacheDir,
        token: undefined,
        offline: false,
        progress: undefined,
      }),
    ),
  ),
);
console.log(local);
