import { Effect } from "effect";
import { ArtifactError } from "./artifact_error.ts";
import { contentHash } from "./content_hash.ts";
import {
  type ArtifactMeta,
  decodeStatistics,
  encodeStatistics,
  type FittedStatistics,
} from "./fitted_statistics.ts";

/** `<dir>/<hash>.semb`: the name is the content hash, so a file can't drift. */
export const artifactPath = (dir: string, hash: string): string =>
  `${dir}/${hash}.semb`;

const HASH = /^[0-9a-f]{16}$/;

/**
 * Reads a pipeline's statistics artifact, checking that its bytes still hash
 * to its name and that it was fitted for this very pipeline version.
 */
export const readStatisticsArtifact = (
  dirs: string | ReadonlyArray<string>,
  hash: string,
  fittedFor: string,
): Effect.Effect<FittedStatistics, ArtifactError> =>
  Effect.gen(function* () {
    const fail = (reason: string) =>
      new ArtifactError({ artifact: hash, reason });
    if (!HASH.test(hash)) {
      return yield* fail("is not a 16-digit hex content hash");
    }
    const path = findArtifact(dirs, hash);
    const bytes = yield* Effect.try({
      try: () => Deno.readFileSync(path),
      catch: () =>
        fail(
          `${path} is not readable; run \`deno task fit --pipeline NAME\` to produce it`,
        ),
    });
    if (contentHash(bytes) !== hash) {
      return yield* fail(
        `${path} does not hash to its name (corrupt or edited)`,
      );
    }
    const decoded = yield* Effect.try({
      try: () => decodeStatistics(bytes),
      catch: (e) => fail((e as Error).message),
    });
    if (decoded.meta.fittedFor !== fittedFor) {
      return yield* fail(
        `was fitted for pipeline version ${decoded.meta.fittedFor}, not ${fittedFor}; refit with \`deno task fit\``,
      );
    }
    return decoded.fitted;
  });

/**
 * The first of `dirs` holding artifact `hash` (the last one's path when
 * none does, for the error message).
 */
export const findArtifact = (
  dirs: string | ReadonlyArray<string>,
  hash: string,
): string => {
  const list = typeof dirs === "string" ? [dirs] : dirs;
  for (const dir of list) {
    const path = artifactPath(dir, hash);
    try {
      if (Deno.statSync(path).isFile) return path;
    } catch {
      // not in this folder
    }
  }
  return artifactPath(list[list.length - 1], hash);
};

/** Writes an artifact under its content hash and returns the hash. */
export const writeStatisticsArtifact = (
  dir: string,
  meta: ArtifactMeta,
  fitted: FittedStatistics,
): string => {
  const bytes = encodeStatistics(meta, fitted);
  const hash = contentHash(bytes);
  Deno.mkdirSync(dir, { recursive: true });
  Deno.writeFileSync(artifactPath(dir, hash), bytes);
  return hash;
};
