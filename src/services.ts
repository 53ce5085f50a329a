import { Effect, Layer } from "effect";
import type { BackendName } from "./forward/backend.ts";
import { type Forward, forwardLayer } from "./forward/service.ts";
import { type Paths, pathsFromEnv, pathsLayer } from "./paths.ts";

/** What running a pipeline needs: where files are, and a forward backend. */
export type Services = Paths | Forward;

/** Both services over given folders and a backend (native by default). */
export const servicesLayer = (
  paths: Paths["Service"],
  backend: BackendName = "native",
): Layer.Layer<Services> =>
  Layer.mergeAll(pathsLayer(paths), forwardLayer(backend));

/**
 * The CLI's services: folders from the environment, and the backend from
 * `SENTEMB_BACKEND` (`native`, the default, or `wasm`).
 */
export const ServicesFromEnv: Layer.Layer<Services> = Layer.unwrap(
  Effect.sync(() =>
    servicesLayer(
      pathsFromEnv(),
      Deno.env.get("SENTEMB_BACKEND") === "wasm" ? "wasm" : "native",
    )
  ),
);
