import type { Effect } from "effect";
import type { TokenStats } from "../tokenize/token_stats.ts";
import type { ArtifactSection } from "../artifact/artifact_section.ts";
import type { ArtifactError } from "../artifact/artifact_error.ts";
import type {
  BadConfig,
  DataError,
  EmptyInput,
  MissingModelFiles,
} from "../errors.ts";
import type { ForwardFailed } from "../forward/errors.ts";
import type { Llama2cFormatError } from "../llama2c/errors.ts";
import type { CacheNotWritable } from "../onnx/cache_dir.ts";
import type { LayersNotFound, OnnxParseError } from "../onnx/rewrite/errors.ts";
import type {
  PlaceholderUnplaceable,
  TokenPrependingUnsupported,
} from "../onnx/tp/errors.ts";
import type { StaticEncoder } from "../aggregate/static_encoder.ts";
import type { Tokenizer } from "../tokenize/tokenized.ts";
import type {
  LoadedTransformer,
  StageOptions,
} from "../forward/load_transformer_stage.ts";
import type { TransformerStage } from "../forward/transformer_stage.ts";
import type { StModuleList } from "./st_module_files.ts";

/** What loading a stage's files or fitting its statistics can fail with. */
export type LoadError =
  | MissingModelFiles
  | BadConfig
  | ForwardFailed
  | ArtifactError
  | DataError
  | EmptyInput
  | CacheNotWritable
  | OnnxParseError
  | LayersNotFound
  | TokenPrependingUnsupported
  | PlaceholderUnplaceable
  | Llama2cFormatError;

/** What a shipped artifact holds: token statistics and sections by stage position. */
export interface ArtifactContents {
  /** The corpus token statistics, when shipped. */
  readonly stats?: TokenStats;
  /** Each sentence step's section, by its position in the pipeline. */
  readonly sections: ReadonlyMap<number, ArtifactSection>;
}

/** A transformer stage with its description for clients. */
export interface LoadedStage {
  /** The stage that pools sentences. */
  readonly stage: TransformerStage;
  /** Its description for clients. */
  readonly transformer: LoadedTransformer;
}

/**
 * Everything a pipeline's stages take from outside: files, models, the
 * corpus, its artifact. The server reads them through the `Paths` and
 * `Forward` services (`serverResources`); a browser client hands over what
 * it fetched. The one assembly (`assemblePipeline`) runs on either.
 */
export interface PipelineResources {
  /** Opens a tokenizer stage. */
  readonly tokenizer: (
    d: { readonly _tag: string },
  ) => Effect.Effect<Tokenizer, LoadError>;
  /** Opens a static vectors stage. */
  readonly staticVectors: (
    d: { readonly _tag: string },
  ) => Effect.Effect<StaticEncoder, LoadError>;
  /** Opens a transformer stage with its tokenizer. */
  readonly transformer: (
    d: {
      readonly model: string;
      readonly file?: string;
      readonly layers: import("../aggregate/layer_selection.ts").LayerSelection;
      readonly maxTokens?: number;
    },
    tokenizer: Tokenizer,
    options: StageOptions,
  ) => Effect.Effect<LoadedStage, LoadError>;
  /** A llama2.c checkpoint's exported folder (the transformer's files). */
  readonly exportedFolder: (
    d: {
      readonly _tag: string;
      readonly model?: string;
      readonly tokenizer?: string;
    },
  ) => Effect.Effect<string | undefined, LoadError>;
  /** A model's sentence-transformers modules. */
  readonly stModules: (model: string) => Effect.Effect<StModuleList, LoadError>;
  /** Up to `limit` sentences of the general corpus. */
  readonly corpus: (
    limit: number,
  ) => Effect.Effect<
    { readonly label: string; readonly sentences: ReadonlyArray<string> },
    LoadError
  >;
  /** A shipped artifact's contents, by hash. */
  readonly artifact: (
    hash: string,
    fittedFor: string,
  ) => Effect.Effect<ArtifactContents, LoadError>;
}
