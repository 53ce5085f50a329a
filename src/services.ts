import { Effect, Layer } from "effect";
import type { BackendName, BackendOptions } from "./forward/backend.ts";
import { type Forward, forwardLayer } from "./forward/service.ts";
import { BadConfig } from "./errors.ts";
import { type Paths, pathsFromEnv, pathsLayer } from "./paths.ts";

/** What running a pipeline needs: where files are, and a forward backend. */
export type Services = Paths | Forward;

/** Both services over given folders and a backend (native by default). */
export const servicesLayer = (
  paths: Paths["Service"],
  backend: BackendName = "native",
  options: BackendOptions = {},
): Layer.Layer<Services> =>
  Layer.mergeAll(pathsLayer(paths), forwardLayer(backend, options));

/**
 * `SENTEMB_THREADS`: the forward's threads (onnxruntime-node's intra-op
 * threads, onnxruntime-web's WASM threads); the runtime's default (every
 * core) when unset. Several workers on one machine set it so that together
 * they use its cores once. Anything but a positive integer is an error.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Effect } from "effect";
 * import { threadsFromEnv } from "./services.ts";
 *
 * assert.equal(Effect.runSync(threadsFromEnv(undefined)), undefined);
 * assert.equal(Effect.runSync(threadsFromEnv("2")), 2);
 * const bad = Effect.runSync(Effect.flip(threadsFromEnv("0")));
 * assert.equal(bad.subject, "SENTEMB_THREADS");
 * ```
 */
export const threadsFromEnv = (
  value: string | undefined = Deno.env.get("SENTEMB_THREADS"),
): Effect.Effect<number | undefined, BadConfig> => {
  if (value === undefined || value === "") return Effect.succeed(undefined);
  const n = Number(value);
  return Number.isInteger(n) && n >= 1 ? Effect.succeed(n) : Effect.fail(
    new BadConfig({
      subject: "SENTEMB_THREADS",
      reason: `a positive integer (threads), not "${value}"`,
    }),
  );
};

/**
 * The CLI's services: folders from the environment, the backend from
 * `SENTEMB_BACKEND` (`native`, the default, or `wasm`) and its threads from
 * `SENTEMB_THREADS` (see {@link threadsFromEnv}).
 */
export const ServicesFromEnv: Layer.Layer<Services, BadConfig> = Layer.unwrap(
  Effect.map(threadsFromEnv(), (threads) =>
    servicesLayer(
      pathsFromEnv(),
      Deno.env.get("SENTEMB_BACKEND") === "wasm" ? "wasm" : "native",
      threads === undefined ? {} : { threads },
    )),
);
