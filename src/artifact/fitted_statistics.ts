import type { TokenStats } from "../tokenize/token_stats.ts";
import type { ArtifactSection, SectionArray } from "./artifact_section.ts";
import { decodeContainer, encodeContainer } from "./container.ts";

/** What a pipeline fitted on its corpus, as an artifact stores it. */
export interface FittedStatistics {
  /** The corpus token statistics, when the pipeline weights or filters by them. */
  readonly stats?: TokenStats;
  /** Each stage's section, by its position in the list. */
  readonly sections: ReadonlyMap<number, ArtifactSection>;
}

/** What an artifact says about itself. */
export interface ArtifactMeta {
  readonly kind: "pipeline-statistics";
  /** The pipeline it was fitted for, and that pipeline's hash without its artifact. */
  readonly pipeline: string;
  readonly fittedFor: string;
  /** Where the statistics came from, e.g. `wikipedia+wikitext:81905` or `file:my.txt`. */
  readonly corpus: string;
}

// Tokens never contain NUL, so it separates them in one UTF-8 blob.
const SEPARATOR = "\u0000";

interface StageHeader {
  readonly index: number;
  readonly meta: Readonly<Record<string, number>>;
  readonly arrays: ReadonlyArray<string>;
}

/**
 * Serialises fitted statistics: token statistics, then each stage's section
 * under its position in the pipeline's list (`stage.<i>.<name>`), so any
 * order of steps round-trips. The same input always gives the same bytes.
 */
export const encodeStatistics = (
  meta: ArtifactMeta,
  fitted: FittedStatistics,
): Uint8Array => {
  const sections: Array<readonly [string, SectionArray]> = [];
  let statsMeta: Record<string, number> | undefined;
  if (fitted.stats) {
    const s = fitted.stats;
    const tokens = [...s.df.keys()].sort();
    sections.push(
      ["stats.tokens", new TextEncoder().encode(tokens.join(SEPARATOR))],
      ["stats.df", Uint32Array.from(tokens, (t) => s.df.get(t)!)],
      ["stats.count", Uint32Array.from(tokens, (t) => s.count.get(t) ?? 0)],
    );
    statsMeta = { sentences: s.sentences, tokens: s.tokens };
  }
  const stages: StageHeader[] = [];
  for (const index of [...fitted.sections.keys()].sort((a, b) => a - b)) {
    const section = fitted.sections.get(index)!;
    const names = Object.keys(section.arrays).sort();
    for (const name of names) {
      sections.push([`stage.${index}.${name}`, section.arrays[name]]);
    }
    stages.push({ index, meta: section.meta, arrays: names });
  }
  return encodeContainer(
    { ...meta, ...(statsMeta ? { stats: statsMeta } : {}), stages },
    sections,
  );
};

/** Reads fitted statistics back; throws a RangeError when malformed. */
export const decodeStatistics = (
  bytes: Uint8Array,
): { meta: ArtifactMeta; fitted: FittedStatistics } => {
  const c = decodeContainer(bytes);
  const meta = c.header.meta as unknown as ArtifactMeta & {
    stats?: { sentences: number; tokens: number };
    stages?: ReadonlyArray<StageHeader>;
  };
  if (meta.kind !== "pipeline-statistics") {
    throw new RangeError(
      `artifact kind ${String(meta.kind)} is not pipeline-statistics`,
    );
  }
  const need = (name: string, length?: number): SectionArray => {
    const s = c.section(name);
    if (!s) throw new RangeError(`artifact section "${name}" is missing`);
    if (length !== undefined && s.length !== length) {
      throw new RangeError(
        `artifact section "${name}" has ${s.length} values, expected ${length}`,
      );
    }
    return s;
  };
  let stats: TokenStats | undefined;
  if (meta.stats) {
    const blob = need("stats.tokens");
    const tokens = blob.length === 0
      ? []
      : new TextDecoder().decode(blob).split(SEPARATOR);
    const df = need("stats.df", tokens.length);
    const count = need("stats.count", tokens.length);
    stats = {
      sentences: meta.stats.sentences,
      tokens: meta.stats.tokens,
      df: new Map(tokens.map((t, i) => [t, df[i]])),
      count: new Map(tokens.map((t, i) => [t, count[i]])),
    };
  }
  const sections = new Map<number, ArtifactSection>();
  for (const s of meta.stages ?? []) {
    const arrays: Record<string, SectionArray> = {};
    for (const name of s.arrays) {
      arrays[name] = need(`stage.${s.index}.${name}`);
    }
    sections.set(s.index, { meta: s.meta, arrays });
  }
  return { meta, fitted: { ...(stats ? { stats } : {}), sections } };
};
