import { Effect, Exit } from "effect";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { cosine, row } from "../src/embeddings.ts";
import type { EmbeddingService } from "../src/serve/embedding_service.ts";
import { vectorToBase64 } from "../src/serve/float_base64.ts";
import {
  EmbeddingsRequest,
  SimilarityRequest,
} from "../src/serve/openai_schema.ts";
import { BodyTooLarge } from "../src/serve/serve_errors.ts";
import { errorResponse } from "./errors.ts";
import { PAGE_HTML } from "./page.ts";
import { PAGE_JS } from "./page_bundle.generated.ts";
import { readJson } from "./read_json.ts";

type Service = EmbeddingService["Service"];

/**
 * The HTTP adapter: routes decode a body, call the service and shape its
 * answer; every failure becomes an OpenAI-shaped error with its status.
 * Nothing here touches the filesystem, so the same app runs on an edge
 * runtime.
 */
const isTransformer = (
  spec: { readonly stages: ReadonlyArray<{ _tag: string }> },
) => spec.stages.some((s) => s._tag === "transformer");

export const createApp = (service: Service): Hono => {
  const app = new Hono();
  const { metrics, config } = service;

  app.use("*", async (c, next) => {
    const started = performance.now();
    await next();
    const route = c.req.routePath || "*";
    metrics.requests.inc({ route, status: String(c.res.status) });
    metrics.latency.observe((performance.now() - started) / 1000, { route });
  });

  const fail = (error: unknown) => {
    const { status, body } = errorResponse(error);
    return new Response(JSON.stringify(body), {
      status,
      headers: { "content-type": "application/json" },
    });
  };

  // Runs a service effect, answering with its value or its typed failure.
  const respond = async <A, E>(
    effect: Effect.Effect<A, E>,
    ok: (a: A) => Response,
  ): Promise<Response> => {
    const exit = await Effect.runPromiseExit(effect);
    if (Exit.isSuccess(exit)) return ok(exit.value);
    const reason = exit.cause.reasons[0];
    return fail(reason && "error" in reason ? reason.error : undefined);
  };

  const limit = bodyLimit({
    maxSize: config.maxBodyBytes,
    onError: () => fail(new BodyTooLarge({ max: config.maxBodyBytes })),
  });

  app.post("/v1/embeddings", limit, async (c) => {
    const bytes = await c.req.arrayBuffer();
    return respond(
      Effect.gen(function* () {
        const req = yield* readJson(EmbeddingsRequest, bytes);
        const texts = typeof req.input === "string" ? [req.input] : req.input;
        const result = yield* service.embed(req.model, texts, {
          dimensions: req.dimensions,
        });
        return { req, result };
      }),
      ({ req, result }) => {
        const base64 = req.encoding_format === "base64";
        return c.json(
          {
            object: "list",
            data: Array.from({ length: result.vectors.rows }, (_, i) => ({
              object: "embedding",
              index: i,
              embedding: base64
                ? vectorToBase64(row(result.vectors, i), result.precision)
                : Array.from(row(result.vectors, i)),
            })),
            model: req.model,
            usage: {
              prompt_tokens: result.tokens,
              total_tokens: result.tokens,
            },
          },
          200,
          {
            "x-sentemb-pipeline-hash": result.hash,
            // int8/uint8 for quantized pipelines: values are integers, and
            // base64 carries one byte each.
            "x-sentemb-precision": result.precision,
          },
        );
      },
    );
  });

  app.post("/v1/similarity", limit, async (c) => {
    const bytes = await c.req.arrayBuffer();
    return respond(
      Effect.gen(function* () {
        const req = yield* readJson(SimilarityRequest, bytes);
        const texts = "pairs" in req
          ? [...req.pairs.map((p) => p[0]), ...req.pairs.map((p) => p[1])]
          : req.sentences;
        const result = yield* service.embed(req.model, texts);
        return { req, result };
      }),
      ({ req, result }) => {
        const v = result.vectors;
        const usage = {
          prompt_tokens: result.tokens,
          total_tokens: result.tokens,
        };
        if ("pairs" in req) {
          const n = req.pairs.length;
          return c.json({
            object: "list",
            model: req.model,
            data: req.pairs.map((_, i) => ({
              object: "similarity",
              index: i,
              score: cosine(row(v, i), row(v, n + i)),
            })),
            usage,
          });
        }
        const matrix = Array.from(
          { length: v.rows },
          (_, i) =>
            Array.from(
              { length: v.rows },
              (_, j) => cosine(row(v, i), row(v, j)),
            ),
        );
        return c.json({
          object: "similarity_matrix",
          model: req.model,
          matrix,
          usage,
        });
      },
    );
  });

  app.get("/v1/models", (c) =>
    c.json({
      object: "list",
      data: service.models.map((m) => ({
        id: m.id,
        object: "model",
        created: 0,
        owned_by: "sentemb",
        hash: m.hash,
        description: m.description,
        statistics: m.statistics,
        reducible_dimensions: m.reducibleDimensions,
      })),
    }));

  app.get("/healthz", (c) => c.json({ status: "ok" }));

  app.get("/metrics", (c) =>
    c.body(metrics.render(), 200, {
      "content-type": "text/plain; version=0.0.4; charset=utf-8",
    }));

  // Cross-origin isolation gives the page SharedArrayBuffer, so
  // onnxruntime-web runs its WASM kernels on several threads; every asset
  // is same-origin, so nothing it loads is blocked.
  app.get("/", (c) =>
    c.html(PAGE_HTML, 200, {
      "cross-origin-opener-policy": "same-origin",
      "cross-origin-embedder-policy": "require-corp",
    }));

  app.get("/assets/page.js", (c) =>
    c.body(PAGE_JS, 200, {
      "content-type": "text/javascript; charset=utf-8",
    }));

  // What the page needs to embed in the browser: specs, artifact links, and
  // for a transformer pipeline where to learn how to run its model.
  app.get("/v1/portable", (c) =>
    c.json({
      object: "list",
      data: service.portable.map((spec) => ({
        id: spec.name,
        kind: isTransformer(spec) ? "transformer" : "static",
        spec,
        artifact_url: spec.artifact ? `/artifacts/${spec.artifact}` : null,
        model_bytes: service.portableModelBytes.get(spec.name) ?? 0,
        model_url: isTransformer(spec)
          ? `/v1/portable/${encodeURIComponent(spec.name)}/model`
          : null,
      })),
    }));

  app.get("/v1/portable/:name/model", (c) => {
    const name = c.req.param("name");
    return respond(service.clientModel(name), (m) =>
      c.json({
        ...m,
        file_urls: Object.fromEntries(
          Object.keys(m.files).map((role) => [
            role,
            `/v1/portable/${encodeURIComponent(name)}/files/${role}`,
          ]),
        ),
      }));
  });

  app.get("/v1/portable/:name/files/:role", (c) =>
    respond(
      service.clientFile(c.req.param("name"), c.req.param("role")),
      (f) =>
        new Response(f.body, {
          headers: {
            "content-type": "application/octet-stream",
            "content-length": String(f.size),
          },
        }),
    ));

  // onnxruntime-web for the page, from the installed package (no CDN).
  app.get(
    "/assets/ort/:file",
    (c) =>
      respond(
        service.ortAsset(c.req.param("file")),
        (a) =>
          c.body(a.body, 200, {
            "content-type": a.type,
            "cache-control": "public, max-age=86400",
            // onnxruntime-web starts its thread workers from these files;
            // in the isolated page a worker needs its own embedder policy.
            "cross-origin-embedder-policy": "require-corp",
            "cross-origin-resource-policy": "same-origin",
          }),
      ),
  );

  app.get(
    "/artifacts/:hash",
    (c) =>
      respond(
        service.artifact(c.req.param("hash")),
        (bytes) =>
          c.body(bytes.slice().buffer, 200, {
            "content-type": "application/octet-stream",
            "cache-control": "public, max-age=31536000, immutable",
          }),
      ),
  );

  app.notFound((c) =>
    c.json({
      error: {
        message: `no route ${c.req.method} ${new URL(c.req.url).pathname}`,
        type: "invalid_request_error",
        param: null,
        code: "not_found",
      },
    }, 404)
  );
  app.onError((_error) => fail(undefined));
  return app;
};
