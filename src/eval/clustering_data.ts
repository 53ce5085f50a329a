import { Effect } from "effect";
import type { ClusteringTaskName } from "./clustering_tasks.ts";
import { DataError } from "../errors.ts";
import { readLines } from "./read_text.ts";

/** Texts with their gold cluster ids, renumbered 0 … classes−1 in order of first appearance. */
export interface ClusteringSet {
  readonly texts: string[];
  readonly labels: Int32Array;
  readonly classes: number;
}

const renumber = (
  raw: ReadonlyArray<string>,
): { labels: Int32Array; classes: number } => {
  const ids = new Map<string, number>();
  const labels = Int32Array.from(raw, (r) => {
    let id = ids.get(r);
    if (id === undefined) ids.set(r, id = ids.size);
    return id;
  });
  return { labels, classes: ids.size };
};

/** A text file and a label file, line `i` of one labelling line `i` of the other. */
const parallelFiles = Effect.fn("parallelFiles")(function* (
  textPath: string,
  labelPath: string,
) {
  const texts = yield* readLines(textPath);
  const labels = yield* readLines(labelPath);
  if (texts.length !== labels.length) {
    return yield* new DataError({
      path: labelPath,
      reason:
        `${labels.length} labels for ${texts.length} texts in ${textPath}`,
    });
  }
  const keep: number[] = [];
  for (let i = 0; i < texts.length; i++) {
    if (!/^\d+$/.test(labels[i].trim())) {
      return yield* new DataError({
        path: labelPath,
        reason: `line ${i + 1}: label "${labels[i]}" is not a class number`,
      });
    }
    if (texts[i].trim() !== "") keep.push(i);
  }
  return {
    texts: keep.map((i) => texts[i].trim()),
    ...renumber(keep.map((i) => labels[i].trim())),
  } satisfies ClusteringSet;
});

/** `label<TAB>text` per line (the SCCL files). */
const labelTabText = Effect.fn("labelTabText")(function* (path: string) {
  const lines = yield* readLines(path);
  const texts: string[] = [];
  const raw: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() === "") continue;
    const tab = lines[i].indexOf("\t");
    const label = lines[i].slice(0, tab).trim();
    if (tab < 0 || !/^\d+$/.test(label)) {
      return yield* new DataError({
        path,
        reason: `line ${i + 1}: expected "label<TAB>text" with a class number`,
      });
    }
    const text = lines[i].slice(tab + 1).trim();
    if (text === "") continue;
    texts.push(text);
    raw.push(label);
  }
  return { texts, ...renumber(raw) } satisfies ClusteringSet;
});

/** Loads one clustering set from `dataDir/clustering/classic` (formats: MANIFEST). */
export const loadClusteringTask = (
  dataDir: string,
  task: ClusteringTaskName,
): Effect.Effect<ClusteringSet, DataError> => {
  const root = `${dataDir}/clustering/classic`;
  switch (task) {
    case "SearchSnippets":
    case "Biomedical":
      return parallelFiles(
        `${root}/${task}/${task}.txt`,
        `${root}/${task}/${task}_gnd.txt`,
      );
    case "StackOverflow":
      return parallelFiles(
        `${root}/StackOverflow/title_StackOverflow.txt`,
        `${root}/StackOverflow/label_StackOverflow.txt`,
      );
    case "AgNews":
      return labelTabText(`${root}/AgNews/agnewsdataraw-8000`);
    case "Tweet":
      return labelTabText(`${root}/Tweet/tweet-original-order.txt`);
    case "GoogleNews-TS":
    case "GoogleNews-T":
    case "GoogleNews-S":
      return labelTabText(
        `${root}/GoogleNews/${task.slice("GoogleNews-".length)}`,
      );
  }
};
