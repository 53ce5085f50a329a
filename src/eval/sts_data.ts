import { Effect } from "effect";
import { DataError } from "../errors.ts";
import type { StsTaskName } from "./sts_tasks.ts";

/** Which text of a task: the original release, or SentEval's tokenised lowercased copy. */
export type StsVariant = "raw" | "senteval";

/** A task's scored pairs: `s1[i]` and `s2[i]` were rated `gold[i]`. */
export interface StsPairs {
  /** The first sentence of each pair. */
  readonly s1: string[];
  /** The second sentence of each pair. */
  readonly s2: string[];
  /** The gold similarity score of each pair. */
  readonly gold: Float64Array;
}

const readText = (path: string) =>
  Effect.tryPromise({
    try: () => Deno.readTextFile(path),
    catch: () => new DataError({ path, reason: "missing or unreadable" }),
  }).pipe(Effect.map((t) => t.replace(/^\uFEFF/, "")));

const lines = (text: string) => text.split(/\r?\n/);

const parseGold = (path: string, lineNo: number, cell: string | undefined) => {
  const value = Number(cell);
  return cell === undefined || cell.trim() === "" || !Number.isFinite(value)
    ? Effect.fail(
      new DataError({
        path,
        reason: `line ${lineNo}: gold score "${cell ?? ""}" is not a number`,
      }),
    )
    : Effect.succeed(value);
};

interface Columns {
  readonly s1: number;
  readonly s2: number;
  readonly score: number;
  readonly header: boolean;
}

/** One tab-separated file with a pair and its score on each line. */
const readTable = Effect.fn("readTable")(function* (
  path: string,
  cols: Columns,
  out: { s1: string[]; s2: string[]; gold: number[] },
) {
  const rows = lines(yield* readText(path));
  for (let i = cols.header ? 1 : 0; i < rows.length; i++) {
    if (rows[i].trim() === "") continue;
    const cells = rows[i].split("\t");
    if (cells.length <= Math.max(cols.s1, cols.s2, cols.score)) {
      return yield* new DataError({
        path,
        reason: `line ${i + 1}: expected at least ${
          Math.max(cols.s1, cols.s2, cols.score) + 1
        } tab-separated columns, got ${cells.length}`,
      });
    }
    out.gold.push(yield* parseGold(path, i + 1, cells[cols.score]));
    out.s1.push(cells[cols.s1]);
    out.s2.push(cells[cols.s2]);
  }
});

/**
 * STS12–16: one `STS.input.X.txt` / `STS.gs.X.txt` pair per subset, all
 * subsets concatenated in name order. Line `i` of the gold file scores line
 * `i` of the input; a blank gold line marks an unscored pair, which is skipped
 * (SentEval and MTEB both do this).
 */
const readSemEvalYear = Effect.fn("readSemEvalYear")(function* (
  dir: string,
  out: { s1: string[]; s2: string[]; gold: number[] },
) {
  const names = yield* Effect.tryPromise({
    try: async () => {
      const found: string[] = [];
      for await (const e of Deno.readDir(dir)) {
        if (e.name.startsWith("STS.input.") && e.name.endsWith(".txt")) {
          found.push(e.name);
        }
      }
      return found.sort();
    },
    catch: () => new DataError({ path: dir, reason: "folder cannot be read" }),
  });
  if (names.length === 0) {
    return yield* new DataError({
      path: dir,
      reason: "no STS.input.*.txt files",
    });
  }
  for (const name of names) {
    const inputPath = `${dir}/${name}`;
    const goldPath = `${dir}/${name.replace("STS.input.", "STS.gs.")}`;
    const input = lines(yield* readText(inputPath));
    const gold = lines(yield* readText(goldPath));
    for (let i = 0; i < gold.length; i++) {
      if (gold[i].trim() === "") continue;
      const cells = input[i]?.split("\t");
      if (!cells || cells.length < 2) {
        return yield* new DataError({
          path: inputPath,
          reason: `line ${
            i + 1
          }: expected a tab-separated sentence pair for gold line ${
            i + 1
          } of ${goldPath}`,
        });
      }
      out.gold.push(yield* parseGold(goldPath, i + 1, gold[i]));
      out.s1.push(cells[0]);
      out.s2.push(cells[1]);
    }
  }
});

/** Loads the scored test pairs of one STS task (METHODS §7) from `dataDir/sts`. */
export const loadStsTask: (
  dataDir: string,
  task: StsTaskName,
  variant: StsVariant,
) => Effect.Effect<StsPairs, DataError> = Effect.fn("loadStsTask")(function* (
  dataDir: string,
  task: StsTaskName,
  variant: StsVariant,
) {
  const root = `${dataDir}/sts`;
  const out = { s1: [] as string[], s2: [] as string[], gold: [] as number[] };
  switch (task) {
    case "STSBenchmark":
      yield* readTable(`${root}/STSBenchmark/${variant}/sts-test.csv`, {
        score: 4,
        s1: 5,
        s2: 6,
        header: false,
      }, out);
      break;
    case "SICK-R":
      yield* readTable(`${root}/SICK-R/${variant}/SICK_test_annotated.txt`, {
        s1: 1,
        s2: 2,
        score: 3,
        header: true,
      }, out);
      break;
    case "BIOSSES":
      // One release only: its text is already what both variants would use.
      yield* readTable(`${root}/BIOSSES/biosses.tsv`, {
        s1: 1,
        s2: 2,
        score: 8,
        header: true,
      }, out);
      break;
    default:
      yield* readSemEvalYear(`${root}/${task}/${variant}`, out);
  }
  return {
    s1: out.s1,
    s2: out.s2,
    gold: Float64Array.from(out.gold),
  } satisfies StsPairs;
});

/**
 * The STS-B dev split (1,500 pairs): where prompt choices such as in-context
 * demonstrations and output layers are tuned, never on test.
 */
export const loadStsbDev = Effect.fn("loadStsbDev")(function* (
  dataDir: string,
  variant: StsVariant,
) {
  const out = { s1: [] as string[], s2: [] as string[], gold: [] as number[] };
  yield* readTable(`${dataDir}/sts/STSBenchmark/${variant}/sts-dev.csv`, {
    score: 4,
    s1: 5,
    s2: 6,
    header: false,
  }, out);
  return {
    s1: out.s1,
    s2: out.s2,
    gold: Float64Array.from(out.gold),
  } satisfies StsPairs;
});
