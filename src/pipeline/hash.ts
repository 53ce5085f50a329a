// @noble/hashes: synchronous SHA-256 that runs in browsers too (the page
// assembles pipelines), where node:crypto does not exist.
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js";
import type { PipelineSpec } from "./spec.ts";

// Keys sorted at every depth, so the hash depends on content, not on the
// order a declaration happened to list its fields in.
const canonical = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.keys(value).sort().map((k) => [
        k,
        canonical((value as Record<string, unknown>)[k]),
      ]),
    );
  }
  return value;
};

/**
 * A pipeline's version: the first 12 hex digits of SHA-256 over its canonical
 * JSON, description excluded (rewording a description changes no vector).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { meanPool, pipeline, pipelineHash, randomVectors, wordTokens } from "../../mod.ts";
 *
 * const a = pipeline("p", wordTokens(), randomVectors(64, 1), meanPool());
 * const reworded = { ...a, description: "other words" };
 * const reseeded = pipeline("p", wordTokens(), randomVectors(64, 2), meanPool());
 * assert.match(pipelineHash(a), /^[0-9a-f]{12}$/);
 * assert.equal(pipelineHash(reworded), pipelineHash(a));
 * assert.notEqual(pipelineHash(reseeded), pipelineHash(a));
 * ```
 */
export const pipelineHash = (spec: PipelineSpec): string => {
  const { description: _description, ...content } = spec;
  return bytesToHex(sha256(utf8ToBytes(JSON.stringify(canonical(content)))))
    .slice(0, 12);
};

/** The spec an artifact is fitted for: the pipeline without its artifact. */
export const withoutArtifact = (spec: PipelineSpec): PipelineSpec => {
  const { artifact: _artifact, ...rest } = spec;
  return rest;
};
