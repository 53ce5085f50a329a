import { Effect, Schema } from "effect";
import { InvalidRequest } from "../src/serve/serve_errors.ts";

// Fatal: a body that is not UTF-8 is refused rather than read with U+FFFD
// substitutions that would silently change the text being embedded.
const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Parses a request body as UTF-8 JSON of the given schema, or an InvalidRequest. */
export const readJson = <
  S extends Schema.Top & { readonly DecodingServices: never },
>(
  schema: S,
  bytes: Uint8Array,
): Effect.Effect<S["Type"], InvalidRequest> =>
  Effect.gen(function* () {
    const text = yield* Effect.try({
      try: () => utf8.decode(bytes),
      catch: () =>
        new InvalidRequest({ reason: "request body is not valid UTF-8" }),
    });
    const json = yield* Effect.try({
      try: () => JSON.parse(text) as unknown,
      catch: (e) =>
        new InvalidRequest({
          reason: `request body is not valid JSON: ${(e as Error).message}`,
        }),
    });
    return yield* Schema.decodeUnknownEffect(schema)(json).pipe(
      Effect.mapError((e) => new InvalidRequest({ reason: e.message })),
    );
  });
