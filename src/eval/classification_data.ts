import { parse as parseCsv } from "csv-parse/sync";
import { Effect } from "effect";
import type { ClassificationTaskName } from "./classification_tasks.ts";
import { DataError } from "../errors.ts";
import { readLines, readWhole } from "./read_text.ts";

/** Sentences with a class index each; `classes[label]` names the class. */
export interface Labelled {
  readonly texts: string[];
  readonly labels: Int32Array;
}

/** Sentence pairs (MRPC) with a class index each. */
export interface LabelledPairs {
  readonly a: string[];
  readonly b: string[];
  readonly labels: Int32Array;
}

export type ClassificationData =
  | {
    readonly kind: "single";
    readonly classes: ReadonlyArray<string>;
    /** `all` for the cross-validated sets; `train`/`test` (+`dev`) otherwise. */
    readonly splits: Readonly<Record<string, Labelled>>;
  }
  | {
    readonly kind: "pairs";
    readonly classes: ReadonlyArray<string>;
    readonly splits: Readonly<Record<string, LabelledPairs>>;
  };

/** Accumulates rows and maps class names to indices in a fixed order. */
class Collector {
  readonly texts: string[] = [];
  readonly labels: number[] = [];
  constructor(readonly classes: ReadonlyArray<string>, readonly path: string) {}
  /** Adds a row (a blank text is skipped); an unknown label is an error. */
  add(text: string, label: string, line: number): DataError | undefined {
    const k = this.classes.indexOf(label);
    if (k < 0) {
      return new DataError({
        path: this.path,
        reason: `line ${line}: label "${label}" is not one of ${
          this.classes.join(", ")
        }`,
      });
    }
    if (text.trim() !== "") {
      this.texts.push(text);
      this.labels.push(k);
    }
    return undefined;
  }
  done(): Labelled {
    return { texts: this.texts, labels: Int32Array.from(this.labels) };
  }
}

const bad = (path: string, line: number, reason: string) =>
  new DataError({ path, reason: `line ${line}: ${reason}` });

/** One sentence per line, every line of a file in one class (MR, CR, SUBJ, MPQA). */
const perClassFiles = Effect.fn("perClassFiles")(function* (
  files: ReadonlyArray<readonly [string, string]>,
) {
  const classes = files.map(([, c]) => c);
  const out = new Collector(classes, files[0][0]);
  for (const [path, label] of files) {
    // Every line of the file carries the file's class: no label can be unknown.
    for (const line of yield* readLines(path)) out.add(line.trim(), label, 0);
  }
  return out.done();
});

/** `sep`-separated text and label on each line; the label at `labelAt`. */
const delimited = Effect.fn("delimited")(function* (
  path: string,
  classes: ReadonlyArray<string>,
  opts: {
    readonly sep: string;
    readonly labelFirst: boolean;
    readonly header: boolean;
    readonly encoding?: "utf-8" | "latin1";
    readonly label?: (raw: string) => string;
  },
) {
  const lines = yield* readLines(path, opts.encoding);
  const out = new Collector(classes, path);
  for (let i = opts.header ? 1 : 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === "") continue;
    // Split at the first (label first) or last (label last) separator only:
    // the text itself may hold the separator.
    const at = opts.labelFirst
      ? line.indexOf(opts.sep)
      : line.lastIndexOf(opts.sep);
    if (at < 0) {
      return yield* bad(
        path,
        i + 1,
        `no "${opts.sep === "\t" ? "\\t" : opts.sep}" separator`,
      );
    }
    const left = line.slice(0, at);
    const right = line.slice(at + opts.sep.length);
    const [text, raw] = opts.labelFirst ? [right, left] : [left, right];
    const unknown = out.add(
      text.trim(),
      (opts.label ?? ((s) => s))(raw.trim()),
      i + 1,
    );
    if (unknown) return yield* unknown;
  }
  return out.done();
});

/** A CSV file with a header naming `textColumn` and `labelColumn`. */
const csv = Effect.fn("csv")(function* (
  path: string,
  classes: ReadonlyArray<string>,
  textColumn: string,
  labelColumn: string,
) {
  const text = yield* readWhole(path);
  const records = yield* Effect.try({
    try: () =>
      parseCsv(text, { columns: true, skip_empty_lines: true }) as Record<
        string,
        string
      >[],
    catch: (e) =>
      new DataError({ path, reason: `not valid CSV: ${String(e)}` }),
  });
  const out = new Collector(classes, path);
  for (let i = 0; i < records.length; i++) {
    const r = records[i];
    if (!(textColumn in r) || !(labelColumn in r)) {
      return yield* bad(
        path,
        i + 2,
        `needs columns ${textColumn} and ${labelColumn}`,
      );
    }
    const unknown = out.add(r[textColumn].trim(), r[labelColumn].trim(), i + 2);
    if (unknown) return yield* unknown;
  }
  return out.done();
});

const MRPC_CLASSES = ["0", "1"];

/** MRPC: tab-separated Quality, #1 ID, #2 ID, #1 String, #2 String, with a header. */
const mrpc = Effect.fn("mrpc")(function* (path: string) {
  const lines = yield* readLines(path);
  const a: string[] = [], b: string[] = [], labels: number[] = [];
  for (let i = 1; i < lines.length; i++) {
    if (lines[i].trim() === "") continue;
    const cells = lines[i].split("\t");
    if (cells.length !== 5) {
      return yield* bad(
        path,
        i + 1,
        `expected 5 tab-separated columns, got ${cells.length}`,
      );
    }
    const k = MRPC_CLASSES.indexOf(cells[0]);
    if (k < 0) {
      return yield* bad(path, i + 1, `quality "${cells[0]}" is not 0 or 1`);
    }
    a.push(cells[3]);
    b.push(cells[4]);
    labels.push(k);
  }
  return { a, b, labels: Int32Array.from(labels) } satisfies LabelledPairs;
});

const readClassNames = Effect.fn("readClassNames")(function* (path: string) {
  const text = yield* readWhole(path);
  const parsed = yield* Effect.try({
    try: () => JSON.parse(text) as unknown,
    catch: () => new DataError({ path, reason: "not valid JSON" }),
  });
  if (!Array.isArray(parsed) || !parsed.every((c) => typeof c === "string")) {
    return yield* new DataError({
      path,
      reason: "expected a JSON array of class names",
    });
  }
  return parsed as string[];
});

const TREC_CLASSES = ["ABBR", "DESC", "ENTY", "HUM", "LOC", "NUM"];
const EMOTIONS = ["sadness", "joy", "love", "anger", "fear", "surprise"];
const SENTIMENTS = ["negative", "neutral", "positive"];

const single = (
  classes: ReadonlyArray<string>,
  splits: Record<string, Labelled>,
): ClassificationData => ({ kind: "single", classes, splits });

/** Loads one classification task from `dataDir/classification` (formats: MANIFEST). */
export const loadClassificationTask = Effect.fn("loadClassificationTask")(
  function* (dataDir: string, task: ClassificationTaskName) {
    const se = `${dataDir}/classification/senteval`;
    const mteb = `${dataDir}/classification/mteb`;
    const pair = (dir: string, a: string, b: string) =>
      perClassFiles([[`${dir}.${a}`, a], [`${dir}.${b}`, b]]);
    switch (task) {
      case "MR":
        return single(["neg", "pos"], {
          all: yield* pair(`${se}/MR/rt-polarity`, "neg", "pos"),
        });
      case "CR":
        return single(["neg", "pos"], {
          all: yield* pair(`${se}/CR/custrev`, "neg", "pos"),
        });
      case "SUBJ":
        return single(["objective", "subjective"], {
          all: yield* pair(`${se}/SUBJ/subj`, "objective", "subjective"),
        });
      case "MPQA":
        return single(["neg", "pos"], {
          all: yield* pair(`${se}/MPQA/mpqa`, "neg", "pos"),
        });
      case "SST2":
      case "SST5": {
        const classes = task === "SST2"
          ? ["0", "1"]
          : ["0", "1", "2", "3", "4"];
        const read = (split: string) =>
          delimited(`${se}/${task}/sentiment-${split}`, classes, {
            sep: task === "SST2" ? "\t" : " ",
            labelFirst: task === "SST5",
            header: false,
          });
        return single(classes, {
          train: yield* read("train"),
          dev: yield* read("dev"),
          test: yield* read("test"),
        });
      }
      case "TREC": {
        // "COARSE:fine question": SentEval scores the 6 coarse classes.
        const read = (file: string) =>
          delimited(`${se}/TREC/${file}`, TREC_CLASSES, {
            sep: " ",
            labelFirst: true,
            header: false,
            encoding: "latin1",
            label: (raw) => raw.split(":")[0],
          });
        return single(TREC_CLASSES, {
          train: yield* read("train_5500.label"),
          test: yield* read("TREC_10.label"),
        });
      }
      case "MRPC":
        return {
          kind: "pairs",
          classes: MRPC_CLASSES,
          splits: {
            train: yield* mrpc(`${se}/MRPC/msr_paraphrase_train.txt`),
            test: yield* mrpc(`${se}/MRPC/msr_paraphrase_test.txt`),
          },
        } satisfies ClassificationData;
      case "Banking77": {
        const classes = yield* readClassNames(
          `${mteb}/Banking77/categories.json`,
        );
        const read = (s: string) =>
          csv(`${mteb}/Banking77/${s}.csv`, classes, "text", "category");
        return single(classes, {
          train: yield* read("train"),
          test: yield* read("test"),
        });
      }
      case "Emotion": {
        const read = (s: string) =>
          delimited(`${mteb}/Emotion/${s}.txt`, EMOTIONS, {
            sep: ";",
            labelFirst: false,
            header: true,
          });
        return single(EMOTIONS, {
          train: yield* read("train"),
          dev: yield* read("val"),
          test: yield* read("test"),
        });
      }
      case "AmazonCounterfactual": {
        const read = (s: string) =>
          delimited(`${mteb}/AmazonCounterfactual/EN_${s}.tsv`, ["0", "1"], {
            sep: "\t",
            labelFirst: false,
            header: true,
          });
        return single(["0", "1"], {
          train: yield* read("train"),
          dev: yield* read("valid"),
          test: yield* read("test"),
        });
      }
      case "TweetSentimentExtraction": {
        const read = (s: string) =>
          csv(
            `${mteb}/TweetSentimentExtraction/${s}.csv`,
            SENTIMENTS,
            "text",
            "sentiment",
          );
        return single(SENTIMENTS, {
          train: yield* read("train"),
          test: yield* read("test"),
        });
      }
    }
  },
);
