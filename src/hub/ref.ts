import { Effect } from "effect";
import { HubBadRef } from "./errors.ts";

/** A model on the hub: its id (`org/name`) and a revision (branch, tag or commit). */
export interface ModelRef {
  readonly repo: string;
  readonly revision: string;
}

/** The revision used when a reference names none, as huggingface_hub does. */
export const DEFAULT_REVISION = "main";

// The hub's rule for repo ids: an optional namespace, word characters, `-`
// and `.`, neither starting nor ending with `-` or `.`; no `--` or `..`.
const PART = /^[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?$/;

const bad = (input: string, reason: string) =>
  Effect.fail(new HubBadRef({ input, reason }));

/**
 * Parses `org/name` or `org/name@revision` (the revision defaults to `main`;
 * it may hold slashes, as in `refs/pr/1`).
 *
 * @example
 * ```ts
 * import { Effect } from "effect";
 * import assert from "node:assert/strict";
 * import { parseModelRef } from "./ref.ts";
 *
 * const ref = Effect.runSync(parseModelRef("BAAI/bge-small-en-v1.5@v1"));
 * assert.deepEqual(ref, { repo: "BAAI/bge-small-en-v1.5", revision: "v1" });
 * ```
 */
export const parseModelRef = (
  input: string,
): Effect.Effect<ModelRef, HubBadRef> => {
  const at = input.indexOf("@");
  const repo = at < 0 ? input : input.slice(0, at);
  const revision = at < 0 ? DEFAULT_REVISION : input.slice(at + 1);
  const parts = repo.split("/");
  if (parts.length > 2 || !parts.every((p) => PART.test(p))) {
    return bad(input, `expected "org/name" or "org/name@revision"`);
  }
  if (repo.includes("--") || repo.includes("..") || repo.length > 96) {
    return bad(
      input,
      `a repo id has no "--" or ".." and 96 characters at most`,
    );
  }
  if (
    revision === "" || revision.split("/").some((p) => p === "" || p === "..")
  ) {
    return bad(input, `the revision after "@" is empty or not a plain name`);
  }
  return Effect.succeed({ repo, revision });
};

/** A reference as given: parsed from a string, or checked as a record. */
export const toModelRef = (
  ref: string | ModelRef,
): Effect.Effect<ModelRef, HubBadRef> =>
  typeof ref === "string"
    ? parseModelRef(ref)
    : parseModelRef(`${ref.repo}@${ref.revision}`);

/**
 * Checks a file path inside a repo: relative, `/`-separated, no `..`.
 *
 * @example
 * ```ts
 * import { Effect } from "effect";
 * import assert from "node:assert/strict";
 * import { checkRepoPath } from "./ref.ts";
 *
 * assert.equal(Effect.runSync(checkRepoPath("onnx/model.onnx")), "onnx/model.onnx");
 * ```
 */
export const checkRepoPath = (path: string): Effect.Effect<string, HubBadRef> =>
  path === "" || path.includes("\\") ||
    path.split("/").some((p) => p === "" || p === "." || p === "..")
    ? bad(
      path,
      "a file path in a repo is relative, `/`-separated, without `.` or `..`",
    )
    : Effect.succeed(path);

/** A 40-hex-digit git commit hash. */
export const isCommitHash = (revision: string): boolean =>
  /^[0-9a-f]{40}$/.test(revision);

/** A ref written back as `org/name@revision`. */
export const formatModelRef = (ref: ModelRef): string =>
  `${ref.repo}@${ref.revision}`;
