import { Effect } from "effect";
import type { BackendSession } from "../forward/backend.ts";
import { llama2cTokenizer } from "../llama2c/tokenizer.ts";
import { parseVocab } from "../llama2c/vocab.ts";
import { tokenizerFromJson } from "../tokenize/json_tokenizer.ts";
import type { Tokenizer } from "../tokenize/tokenized.ts";
import type { TransformerDescription } from "./client_resources.ts";
import { portablePipeline } from "./portable.ts";
import type { PipelineSpec } from "./spec.ts";

/** `GET /v1/portable/:name/model`'s answer. */
export interface ClientModelJson extends TransformerDescription {
  readonly tokenizer: "pretrained" | "llama2c";
  readonly files: Readonly<Record<string, number>>;
  readonly file_urls: Readonly<Record<string, string>>;
}

/** A `GET /v1/portable` entry. */
export interface PortableEntry {
  readonly id: string;
  readonly kind: "static" | "transformer";
  readonly spec: PipelineSpec;
  readonly artifact_url: string | null;
  readonly model_url: string | null;
  /** Bytes of the model's weights file a client downloads (0: none). */
  readonly model_bytes: number;
}

/** How a client reaches the server and opens a graph. */
export interface ClientIo {
  /** GET a server path (the page: `fetch`; a test: `app.request`). */
  readonly get: (path: string) => Promise<Response>;
  /** Opens the graph's bytes on the client's runtime. */
  readonly open: (graph: Uint8Array) => Promise<BackendSession>;
}

const bytesOf = async (io: ClientIo, path: string): Promise<Uint8Array> => {
  const r = await io.get(path);
  if (!r.ok) throw new Error(`GET ${path}: ${r.status} ${await r.text()}`);
  return new Uint8Array(await r.arrayBuffer());
};

const decodeText = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/** The tokenizer the server's pipeline uses, rebuilt from its served files. */
export const clientTokenizer = async (
  spec: PipelineSpec,
  model: ClientModelJson,
  io: ClientIo,
): Promise<Tokenizer> => {
  const url = (role: string) => {
    const u = model.file_urls[role];
    if (!u) throw new Error(`the server lists no ${role} for ${spec.name}`);
    return u;
  };
  if (model.tokenizer === "llama2c") {
    const vocab = await Effect.runPromise(
      parseVocab(await bytesOf(io, url("tokenizer.bin")), "tokenizer.bin"),
    );
    return llama2cTokenizer(vocab, spec.name);
  }
  const json = JSON.parse(decodeText(await bytesOf(io, url("tokenizer.json"))));
  const config = model.file_urls["tokenizer_config.json"]
    ? JSON.parse(
      decodeText(await bytesOf(io, url("tokenizer_config.json"))),
    )
    : {};
  return tokenizerFromJson(spec.name, json, config);
};

/**
 * Loads a transformer pipeline on a client from a sentemb server: its
 * description, tokenizer files, graph and artifact, then the shared
 * pipeline code. Returns the embed function.
 */
export const loadClientTransformer = async (
  entry: PortableEntry,
  io: ClientIo,
) => {
  if (!entry.model_url) throw new Error(`${entry.id} is not a transformer`);
  const model = JSON.parse(
    new TextDecoder().decode(await bytesOf(io, entry.model_url)),
  ) as ClientModelJson;
  const graphUrl = model.file_urls["graph.onnx"];
  if (!graphUrl) throw new Error(`the server lists no graph for ${entry.id}`);
  const [tokenizer, session, artifact] = await Promise.allSettled([
    clientTokenizer(entry.spec, model, io),
    bytesOf(io, graphUrl).then(io.open),
    entry.artifact_url ? bytesOf(io, entry.artifact_url) : undefined,
  ]);
  // A session holds the model's weights (hundreds of MB in a browser's
  // WASM memory): released as soon as anything else failed.
  const failed = [tokenizer, session, artifact].find((r) =>
    r.status === "rejected"
  );
  if (failed) {
    if (session.status === "fulfilled") await session.value.release();
    throw (failed as PromiseRejectedResult).reason;
  }
  const open = (session as PromiseFulfilledResult<BackendSession>).value;
  try {
    const embed = await Effect.runPromise(
      portablePipeline(entry.spec, {
        tokenizer: (tokenizer as PromiseFulfilledResult<Tokenizer>).value,
        transformer: { description: model, session: open },
        ...(artifact.status === "fulfilled" && artifact.value
          ? { artifact: artifact.value }
          : {}),
      }),
    );
    return {
      model,
      embed: (texts: ReadonlyArray<string>) => Effect.runPromise(embed(texts)),
      release: () => open.release(),
    };
  } catch (e) {
    await open.release();
    throw e;
  }
};
