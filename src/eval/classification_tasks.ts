/**
 * The 12 classification tasks (METHODS §7), in report order, with how each
 * is scored:
 *
 * - `kfold`: 10-fold cross-validation over the whole set (SentEval MR, CR,
 *   SUBJ, MPQA); C chosen per outer fold on an inner split of its training part.
 * - `dev`: trained on train, C chosen on the dev split, accuracy on test.
 * - `innerCv`: C chosen by inner 5-fold CV on train, refit on train, test
 *   (SentEval's TREC and MRPC protocol).
 * - `holdout`: no dev split exists; C chosen on a stratified 10% of train,
 *   refit on all of train, test (MTEB-style train → test).
 */
export const CLASSIFICATION_TASKS = [
  "MR",
  "CR",
  "SUBJ",
  "MPQA",
  "SST2",
  "SST5",
  "TREC",
  "MRPC",
  "Banking77",
  "Emotion",
  "AmazonCounterfactual",
  "TweetSentimentExtraction",
] as const;

/** The name of a classification task. */
export type ClassificationTaskName = typeof CLASSIFICATION_TASKS[number];

/** How a classification task trains and scores its classifier. */
export type Protocol = "kfold" | "dev" | "innerCv" | "holdout";

export const PROTOCOL: Readonly<Record<ClassificationTaskName, Protocol>> = {
  MR: "kfold",
  CR: "kfold",
  SUBJ: "kfold",
  MPQA: "kfold",
  SST2: "dev",
  SST5: "dev",
  TREC: "innerCv",
  MRPC: "innerCv",
  Banking77: "holdout",
  Emotion: "dev",
  AmazonCounterfactual: "dev",
  TweetSentimentExtraction: "holdout",
};

/** Rows per split, from `../shared/data/MANIFEST.md` (blank lines dropped). */
export const CLASSIFICATION_ROWS: Readonly<
  Record<ClassificationTaskName, Readonly<Record<string, number>>>
> = {
  MR: { all: 10662 },
  CR: { all: 3771 },
  SUBJ: { all: 10000 },
  MPQA: { all: 10603 },
  SST2: { train: 67349, dev: 872, test: 1821 },
  SST5: { train: 8544, dev: 1101, test: 2210 },
  TREC: { train: 5452, test: 500 },
  MRPC: { train: 4076, test: 1725 },
  Banking77: { train: 10003, test: 3080 },
  Emotion: { train: 16000, dev: 2000, test: 2000 },
  AmazonCounterfactual: { train: 4018, dev: 335, test: 670 },
  TweetSentimentExtraction: { train: 27480, test: 3534 },
};
