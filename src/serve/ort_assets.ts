import { Effect } from "effect";
import { localWasmPaths } from "../forward/wasm_backend.ts";
import { UnknownAsset } from "./serve_errors.ts";

// onnxruntime-web's browser builds and their WASM binaries: a bare file
// name of the package's dist folder, nothing else.
const ASSET = /^ort[a-z0-9-]*(\.[a-z0-9]+)*\.(mjs|wasm)$/;

/** An onnxruntime-web file for the page, from the installed package (no CDN). */
export interface OrtAsset {
  /** The file's bytes. */
  readonly body: Uint8Array<ArrayBuffer>;
  /** Its content type. */
  readonly type: string;
}

/**
 * Serves onnxruntime-web's dist files by name, read once and kept: a
 * client's string is matched against the pattern before it meets a path.
 */
export const ortAssets = () => {
  const cache = new Map<string, OrtAsset>();
  return (name: string): Effect.Effect<OrtAsset, UnknownAsset> =>
    Effect.suspend(() => {
      const known = cache.get(name);
      if (known) return Effect.succeed(known);
      if (!ASSET.test(name)) return Effect.fail(new UnknownAsset({ name }));
      return Effect.try({
        try: () => {
          const body = Deno.readFileSync(new URL(name, localWasmPaths()));
          const asset = {
            body,
            type: name.endsWith(".wasm")
              ? "application/wasm"
              : "text/javascript; charset=utf-8",
          };
          cache.set(name, asset);
          return asset;
        },
        catch: () => new UnknownAsset({ name }),
      });
    });
};
