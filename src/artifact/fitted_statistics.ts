import type { TokenStats } from "../aggregate/token_stats.ts";
import type { FittedStep } from "../postprocess/fitted.ts";
import { decodeContainer, encodeContainer, type Section } from "./container.ts";

/**
 * Everything a pipeline fits on its corpus: token statistics (for idf, SIF,
 * frequent-token filters) and the post-processing chain. Shipped as an
 * artifact, it lets a pipeline run without the corpus.
 */
export interface FittedStatistics {
  readonly stats?: TokenStats;
  readonly postprocess?: ReadonlyArray<FittedStep>;
  /** An "Avg." static table: `vectors` is [ids.length, dim], row i for ids[i]. */
  readonly table?: TokenTable;
}

export interface TokenTable {
  readonly ids: Uint32Array;
  readonly dim: number;
  readonly vectors: Float32Array;
}

/** What an artifact says about itself. */
export interface ArtifactMeta {
  readonly kind: "pipeline-statistics";
  /** The pipeline it was fitted for, and that pipeline's hash without its artifact. */
  readonly pipeline: string;
  readonly fittedFor: string;
  /** Where the statistics came from, e.g. `wikipedia:72562` or `file:my.txt:1200`. */
  readonly corpus: string;
}

// Tokens never contain NUL, so it separates them in one UTF-8 blob.
const SEPARATOR = "\u0000";

const stepFields = (
  s: FittedStep,
): ReadonlyArray<readonly [string, Float32Array]> => {
  switch (s._tag) {
    case "center":
      return [["mean", s.mean]];
    case "zscore":
      return [["mean", s.mean], ["scale", s.scale]];
    case "abtt":
      return [["mean", s.mean], ["components", s.components]];
    case "whiten":
      return [["mean", s.mean], ["matrix", s.matrix]];
    case "quantile":
      return [["quantiles", s.quantiles]];
    case "l2":
      return [];
  }
};

/** Serialises fitted statistics; the same input always gives the same bytes. */
export const encodeStatistics = (
  meta: ArtifactMeta,
  fitted: FittedStatistics,
): Uint8Array => {
  const sections: Array<readonly [string, Section]> = [];
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
  if (fitted.table) {
    sections.push(
      ["table.ids", fitted.table.ids],
      ["table.vectors", fitted.table.vectors],
    );
  }
  const steps = fitted.postprocess?.map((s, i) => {
    for (const [field, a] of stepFields(s)) {
      sections.push([`post.${i}.${field}`, a]);
    }
    return {
      _tag: s._tag,
      dim: s.dim,
      ...("k" in s ? { k: s.k } : {}),
      ...("m" in s ? { m: s.m } : {}),
    };
  });
  return encodeContainer(
    {
      ...meta,
      ...(statsMeta ? { stats: statsMeta } : {}),
      ...(steps ? { postprocess: steps } : {}),
      ...(fitted.table ? { table: { dim: fitted.table.dim } } : {}),
    },
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
    table?: { dim: number };
    postprocess?: Array<
      { _tag: FittedStep["_tag"]; dim: number; k?: number; m?: number }
    >;
  };
  if (meta.kind !== "pipeline-statistics") {
    throw new RangeError(
      `artifact kind ${String(meta.kind)} is not pipeline-statistics`,
    );
  }
  const need = <T extends Section>(name: string, length?: number): T => {
    const s = c.section(name);
    if (!s) throw new RangeError(`artifact section "${name}" is missing`);
    if (length !== undefined && s.length !== length) {
      throw new RangeError(
        `artifact section "${name}" has ${s.length} values, expected ${length}`,
      );
    }
    return s as T;
  };
  let stats: TokenStats | undefined;
  if (meta.stats) {
    const blob = need<Uint8Array>("stats.tokens");
    const tokens = blob.length === 0
      ? []
      : new TextDecoder().decode(blob).split(SEPARATOR);
    const df = need<Uint32Array>("stats.df", tokens.length);
    const count = need<Uint32Array>("stats.count", tokens.length);
    stats = {
      sentences: meta.stats.sentences,
      tokens: meta.stats.tokens,
      df: new Map(tokens.map((t, i) => [t, df[i]])),
      count: new Map(tokens.map((t, i) => [t, count[i]])),
    };
  }
  const postprocess = meta.postprocess?.map((s, i): FittedStep => {
    const f = (field: string, length: number) =>
      need<Float32Array>(`post.${i}.${field}`, length);
    const d = s.dim;
    switch (s._tag) {
      case "center":
        return { _tag: "center", dim: d, mean: f("mean", d) };
      case "zscore":
        return {
          _tag: "zscore",
          dim: d,
          mean: f("mean", d),
          scale: f("scale", d),
        };
      case "abtt":
        return {
          _tag: "abtt",
          dim: d,
          k: s.k!,
          mean: f("mean", d),
          components: f("components", s.k! * d),
        };
      case "whiten":
        return {
          _tag: "whiten",
          dim: d,
          k: s.k!,
          mean: f("mean", d),
          matrix: f("matrix", d * s.k!),
        };
      case "quantile":
        return {
          _tag: "quantile",
          dim: d,
          m: s.m!,
          quantiles: f("quantiles", d * s.m!),
        };
      case "l2":
        return { _tag: "l2", dim: d };
    }
  });
  let table: TokenTable | undefined;
  if (meta.table) {
    const ids = need<Uint32Array>("table.ids");
    table = {
      ids,
      dim: meta.table.dim,
      vectors: need<Float32Array>("table.vectors", ids.length * meta.table.dim),
    };
  }
  return {
    meta,
    fitted: {
      stats,
      postprocess,
      ...(table ? { table } : {}),
    },
  };
};
