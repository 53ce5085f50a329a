import { Effect } from "effect";
import type { Embeddings } from "../embeddings.ts";
import type { BadConfig, EmptyInput } from "../errors.ts";
import type { BackendSession } from "../forward/backend.ts";
import { ForwardFailed } from "../forward/errors.ts";
import { modelOnSession } from "../forward/forward_model.ts";
import type { RewrittenModel } from "../onnx/rewrite/rewrite_file.ts";
import { applyChain } from "../postprocess/apply.ts";
import type { Tokenizer } from "../tokenize/tokenized.ts";
import { contextualAggregator } from "./contextual_aggregator.ts";
import {
  portabilityProblem,
  portableChain,
  shippedStatistics,
} from "./portable_embedder.ts";
import { sentenceTokenizer } from "./sentence_tokens.ts";
import type { PipelineSpec } from "./spec.ts";
import { type StageSettings, transformerStage } from "./transformer_stage.ts";
import { validateInput } from "./validate_input.ts";

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
  readonly settings: StageSettings;
  readonly graph: GraphDescription;
}

/** The loaded parts of a transformer pipeline on the client. */
export interface TransformerParts {
  readonly description: TransformerDescription;
  readonly tokenizer: Tokenizer;
  /** A session of the rewritten graph (onnxruntime-web in a browser). */
  readonly session: BackendSession;
  /** The pipeline's shipped statistics, when it declares an artifact. */
  readonly artifact?: Uint8Array;
}

/** Embeds sentences as {@link loadPipeline} does, for a portable transformer pipeline. */
export type PortableTransformer = (
  texts: ReadonlyArray<string>,
) => Effect.Effect<Embeddings, EmptyInput | ForwardFailed | BadConfig>;

/**
 * A transformer pipeline off the server: the same tokenization, stage,
 * pooling and post-processing code, over a session the caller opened. A
 * test holds its vectors to the server's.
 */
export const portableTransformer = (
  spec: PipelineSpec,
  parts: TransformerParts,
): Effect.Effect<PortableTransformer, BadConfig | Error> =>
  Effect.gen(function* () {
    const problem = portabilityProblem(spec);
    if (problem || spec.encoder._tag !== "transformer") {
      return yield* Effect.fail(
        new Error(`pipeline "${spec.name}" cannot run portably: ${problem}`),
      );
    }
    const { settings, graph } = parts.description;
    const info: RewrittenModel = {
      ...graph,
      source: spec.name,
      path: spec.name,
      externalData: [],
    };
    const model = modelOnSession(
      info,
      parts.session,
      (reason) =>
        new ForwardFailed({ model: settings.model, backend: "wasm", reason }),
    );
    const stage = yield* transformerStage(model, parts.tokenizer, settings);
    const { fitted, stats } = shippedStatistics(parts.artifact);
    const agg = contextualAggregator(spec, stats);
    const tokenize = sentenceTokenizer(spec, parts.tokenizer, stage.maxTokens);
    const chain = portableChain(spec, fitted, stage.dim);
    return (texts) =>
      validateInput(texts).pipe(
        Effect.flatMap((valid) => stage.pool(valid.map(tokenize), agg)),
        Effect.map((pooled) =>
          chain.length > 0 ? applyChain(chain, pooled) : pooled
        ),
      );
  });
