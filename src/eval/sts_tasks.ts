/** The 8 STS tasks of METHODS §7, in the order every table reports them. */
export const STS_TASKS = [
  "STS12",
  "STS13",
  "STS14",
  "STS15",
  "STS16",
  "STSBenchmark",
  "SICK-R",
  "BIOSSES",
] as const;

/** The name of an STS task. */
export type StsTaskName = typeof STS_TASKS[number];

/** The SentEval/SimCSE "avg." that most papers report: all but BIOSSES. */
export const AVG7_TASKS: ReadonlyArray<StsTaskName> = STS_TASKS.filter((t) =>
  t !== "BIOSSES"
);

/** Scored pairs per task, from `../shared/data/MANIFEST.md`; a loader that disagrees has a bug. */
export const STS_PAIR_COUNTS: Readonly<Record<StsTaskName, number>> = {
  STS12: 3108,
  STS13: 1500,
  STS14: 3750,
  STS15: 3000,
  STS16: 1186,
  STSBenchmark: 1379,
  "SICK-R": 4927,
  BIOSSES: 100,
};
