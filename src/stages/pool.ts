import { Schema } from "effect";
import type { PoolModule } from "./token_modules.ts";

/**
 * Pooling modes: `mean`/`max` over kept tokens (any encoder); for
 * transformers also `cls` (first real token), `last` (last real token, read
 * from the attention mask), `mask` (the prompt's [MASK] position) and
 * `meanSqrtLen` (sentence-transformers' mean_sqrt_len_tokens).
 */
export const PoolMode: Schema.Literals<
  readonly ["mean", "max", "cls", "last", "mask", "meanSqrtLen"]
> = Schema.Literals([
  "mean",
  "max",
  "cls",
  "last",
  "mask",
  "meanSqrtLen",
]);
/** How token vectors are pooled into one. */
export type PoolMode = typeof PoolMode.Type;

/** How token vectors become one sentence vector. */
export const PoolStage: Schema.TaggedStruct<
  "pool",
  { readonly mode: typeof PoolMode }
> = Schema.TaggedStruct("pool", { mode: PoolMode });
/** A `pool` stage declaration, decoded. */
export type PoolStage = typeof PoolStage.Type;

/** Pools by `mode`. */
export const pool = (mode: PoolMode): PoolStage => ({ _tag: "pool", mode });
/** Attention-masked mean of the token vectors. */
export const meanPool = (): PoolStage => pool("mean");

/** Pooling modes a static table supports. */
export const STATIC_POOLINGS: ReadonlySet<PoolMode> = new Set(["mean", "max"]);

export const poolModule: PoolModule<PoolStage> = {
  tag: "pool",
  phase: "pool",
  schema: PoolStage,
  sources: () => [],
  needs: () => [],
  notPortable: () => undefined,
  mode: (d) => d.mode,
};
