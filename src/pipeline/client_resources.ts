import { Effect } from "effect";
import { decodeStatistics } from "../artifact/fitted_statistics.ts";
import { ArtifactError } from "../artifact/artifact_error.ts";
import { BadConfig } from "../errors.ts";
import type { BackendSession } from "../forward/backend.ts";
import { ForwardFailed } from "../forward/errors.ts";
import { modelOnSession } from "../forward/forward_model.ts";
import type { RewrittenModel } from "../onnx/rewrite/rewrite_file.ts";
import type { PipelineResources } from "../stages/resources.ts";
import { randomEncoder } from "../static/random_encoder.ts";
import type { Tokenizer } from "../tokenize/tokenized.ts";
import { wordTokenizer } from "../tokenize/word_tokenizer.ts";
import {
  type StageSettings,
  transformerStage,
} from "../forward/transformer_stage.ts";

/** A rewritten graph as a client sees it: its outputs and inputs, no paths. */
export type GraphDescription = Omit<
  RewrittenModel,
  "source" | "path" | "externalData"
>;

/**
 * What a client needs, besides files, to run a transformer pipeline: the
 * stage's settings and the graph the server rewrote. JSON as served.
 */
export interface TransformerDescription {
  /** What the stage knows of its model. */
  readonly settings: StageSettings;
  /** The graph's layout. */
  readonly graph: GraphDescription;
}

/** What a client fetched for a pipeline. */
export interface ClientParts {
  /** The pipeline's shipped statistics, when it declares an artifact. */
  readonly artifact?: Uint8Array;
  /** A transformer pipeline's tokenizer, rebuilt from its served files. */
  readonly tokenizer?: Tokenizer;
  /** A transformer pipeline's description and a session of its graph. */
  readonly transformer?: {
    readonly description: TransformerDescription;
    readonly session: BackendSession;
  };
}

const unavailable = (what: string) =>
  Effect.fail(
    new BadConfig({
      subject: what,
      reason: "is not available on a client (only shipped files are)",
    }),
  );

/**
 * A client's resources: only what it fetched — the artifact, a tokenizer,
 * a graph session — plus what needs no file (word tokens, random vectors).
 * The one assembly runs on them exactly as on the server's.
 */
export const clientResources = (
  name: string,
  parts: ClientParts,
): PipelineResources => ({
  tokenizer: (d) =>
    d._tag === "wordTokenizer"
      ? Effect.succeed(
        wordTokenizer(d as unknown as { lowercase: boolean; stem?: boolean }),
      )
      : parts.tokenizer
      ? Effect.succeed(parts.tokenizer)
      : unavailable(`tokenizer "${d._tag}"`),
  staticVectors: (d) =>
    d._tag === "randomVectors"
      ? Effect.succeed(
        randomEncoder(d as unknown as { dim: number; seed: number }),
      )
      : unavailable(`vectors "${d._tag}"`),
  transformer: (_d, tokenizer) => {
    const t = parts.transformer;
    if (!t) return unavailable("a transformer session");
    const { settings, graph } = t.description;
    const info: RewrittenModel = {
      ...graph,
      source: name,
      path: name,
      externalData: [],
    };
    const model = modelOnSession(
      info,
      t.session,
      (reason) =>
        new ForwardFailed({ model: settings.model, backend: "wasm", reason }),
    );
    return Effect.map(
      transformerStage(model, tokenizer, settings),
      (stage) => ({ stage, transformer: { settings, info, folder: "" } }),
    );
  },
  exportedFolder: () => Effect.succeed(undefined),
  stModules: () => unavailable("sentence-transformers modules"),
  corpus: () => unavailable("the corpus"),
  artifact: (hash) =>
    parts.artifact
      ? Effect.try({
        try: () => decodeStatistics(parts.artifact!).fitted,
        catch: (e) =>
          new ArtifactError({ artifact: hash, reason: (e as Error).message }),
      })
      : Effect.fail(
        new ArtifactError({ artifact: hash, reason: "was not fetched" }),
      ),
});
