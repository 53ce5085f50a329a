import { pathsFromEnv } from "../src/paths.ts";

/** The environment's folders (../shared by default), never the hub. */
export const testPaths = { ...pathsFromEnv(), allowRemote: false };
