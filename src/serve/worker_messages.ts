/**
 * The messages between the embedding pool and its workers
 * ({@link ./embed_worker.ts}), apart from the worker itself so the pool's
 * types do not pull in the worker's globals.
 */
import type { BackendName } from "../forward/backend.ts";
import type { Paths } from "../paths.ts";
import type { PipelineSpec } from "../pipeline/spec.ts";
import type { EmbedOptions, ServedPipeline } from "./embed_request.ts";
import type { ServeConfig } from "./serve_config.ts";

/** A message from the pool to a worker. */
export type WorkerMessage =
  | {
    readonly type: "init";
    readonly registry: ReadonlyArray<PipelineSpec>;
    readonly paths: Paths["Service"];
    readonly backend: BackendName;
    readonly config: ServeConfig;
  }
  | { readonly type: "load"; readonly id: number; readonly model: string }
  | {
    readonly type: "embed";
    readonly id: number;
    readonly model: string;
    readonly texts: ReadonlyArray<string>;
    readonly options: EmbedOptions;
    readonly served: ServedPipeline;
  };

/**
 * A worker's reply to an `embed` or `load` message, or its word that it has
 * loaded its modules and taken `init` (`ready`).
 */
export type WorkerReply =
  | { readonly ready: true }
  | {
    readonly id: number;
    readonly ok: {
      readonly rows: number;
      readonly dim: number;
      readonly data: Float32Array;
      readonly tokens: number;
      readonly truncated: number;
      readonly scores?: Float64Array;
      /** The pipeline's full output dimension. */
      readonly fullDim: number;
    };
  }
  | {
    readonly id: number;
    /** The failure's fields, `_tag` and `message` (a plain object). */
    readonly error: Record<string, unknown>;
    /** Whether loading the pipeline failed (it is unavailable). */
    readonly loadFailed: boolean;
  };
