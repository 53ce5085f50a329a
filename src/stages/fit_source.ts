import { Schema } from "effect";

/**
 * Where a fitted statistic comes from: `corpus` = the general English text
 * in the data folder (fixed, shippable, or a user's file with `fit
 * --corpus`); `input` = the very sentences being embedded (transductive: a
 * task's sentences in evaluation, a user's collection in `embed`).
 */
export const FitSource: Schema.Literals<readonly ["corpus", "input"]> = Schema
  .Literals(["corpus", "input"]);
/** Where a stage's statistics are fitted: `corpus` or `input`. */
export type FitSource = typeof FitSource.Type;
