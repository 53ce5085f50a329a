import "./temp_cache.ts";
import { pathsFromEnv } from "../src/paths.ts";
import { servicesLayer } from "../src/services.ts";

/** The environment's folders (../shared by default), never the hub. */
export const testPaths = { ...pathsFromEnv(), allowRemote: false };

/** Paths and the native forward backend, for tests that load pipelines. */
export const testLayer = servicesLayer(testPaths);
