import { Effect, Exit } from "effect";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { Context as HonoContext } from "hono";
import { cors } from "hono/cors";
import { row } from "../src/embeddings.ts";
import type { EmbeddingService } from "../src/serve/embedding_service.ts";
import { vectorToBase64 } from "../src/serve/float_base64.ts";
import {
  EmbeddingsRequest,
  SimilarityRequest,
} from "../src/serve/openai_schema.ts";
import {
  BodyTimeout,
  BodyTooLarge,
  RequestTimeout,
  TooManyBodies,
} from "../src/serve/serve_errors.ts";
import type { ModelInfo } from "../src/serve/embedding_service.ts";
import { errorResponse } from "./errors.ts";
import { PAGE_HTML } from "./page.ts";
import { PAGE_JS } from "./page_bundle.generated.ts";
import { readBodyCapped } from "./read_body.ts";
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

/** The Hono app of the HTTP API (OpenAI-compatible `/v1/embeddings`, the page, metrics) over an embedding service. */
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
    const headers: Record<string, string> = {
      "content-type": "application/json",
    };
    const retry = (error as { retryAfter?: unknown } | undefined)?.retryAfter;
    if (typeof retry === "number") headers["retry-after"] = String(retry);
    return new Response(JSON.stringify(body), { status, headers });
  };

  // Every request has a deadline: the service's own limit answers a typed
  // 504 first; this one catches whatever else runs long.
  app.use("*", async (_c, next) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<"late">((resolve) => {
      timer = setTimeout(() => resolve("late"), config.timeoutMs + 1000);
    });
    try {
      const outcome = await Promise.race([
        next().then(() => "done" as const),
        late,
      ]);
      if (outcome === "late") {
        return fail(new RequestTimeout({ ms: config.timeoutMs }));
      }
    } finally {
      clearTimeout(timer);
    }
  });

  // Cross-origin requests only from the configured origins (none by default).
  if (config.corsOrigins.length > 0) {
    app.use(
      "*",
      cors({
        origin: config.corsOrigins.includes("*")
          ? "*"
          : [...config.corsOrigins],
        allowMethods: ["GET", "HEAD", "POST", "OPTIONS"],
        allowHeaders: ["content-type", "authorization"],
        exposeHeaders: [
          "x-sentemb-pipeline-hash",
          "x-sentemb-precision",
          "x-sentemb-truncated",
          "retry-after",
        ],
        maxAge: 600,
      }),
    );
  }

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

  // A body must arrive within the read limit, and only so many are read at
  // once (Deno.serve has neither setting; see README "HTTP API").
  let bodies = 0;
  const readBody = async (
    c: HonoContext,
  ): Promise<Uint8Array | Response> => {
    if (bodies >= config.maxBodiesInFlight) {
      return fail(
        new TooManyBodies({ max: config.maxBodiesInFlight, retryAfter: 1 }),
      );
    }
    bodies++;
    try {
      const bytes = await readBodyCapped(
        c.req.raw.body,
        config.maxBodyBytes,
        config.bodyTimeoutMs,
      );
      if (bytes === "too large") {
        return fail(new BodyTooLarge({ max: config.maxBodyBytes }));
      }
      if (bytes === "late") {
        return fail(new BodyTimeout({ ms: config.bodyTimeoutMs }));
      }
      return bytes;
    } finally {
      bodies--;
    }
  };

  app.post("/v1/embeddings", limit, async (c) => {
    const bytes = await readBody(c);
    if (bytes instanceof Response) return bytes;
    return respond(
      Effect.gen(function* () {
        const req = yield* readJson(EmbeddingsRequest, bytes);
        const texts = typeof req.input === "string" ? [req.input] : req.input;
        const result = yield* service.embed(req.model, texts, {
          ...(req.dimensions !== undefined
            ? { dimensions: req.dimensions }
            : {}),
          ...(req.truncate !== undefined ? { truncate: req.truncate } : {}),
          encoding: req.encoding_format ?? "float",
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
            // Inputs cut to the token limit (usage counts what was embedded).
            "x-sentemb-truncated": String(result.truncated),
          },
        );
      },
    );
  });

  app.post("/v1/similarity", limit, async (c) => {
    const bytes = await readBody(c);
    if (bytes instanceof Response) return bytes;
    return respond(
      Effect.gen(function* () {
        const req = yield* readJson(SimilarityRequest, bytes);
        const texts = "pairs" in req
          ? [...req.pairs.map((p) => p[0]), ...req.pairs.map((p) => p[1])]
          : req.sentences;
        const pairs = "pairs" in req;
        const result = yield* service.embed(req.model, texts, {
          ...(req.truncate !== undefined ? { truncate: req.truncate } : {}),
          // A score per pair, or the n × n matrix.
          answer: pairs ? "pairs" : "matrix",
        });
        return { req, result };
      }),
      ({ req, result }) => {
        const usage = {
          prompt_tokens: result.tokens,
          total_tokens: result.tokens,
        };
        const headers = { "x-sentemb-truncated": String(result.truncated) };
        const scores = result.scores ?? new Float64Array();
        if ("pairs" in req) {
          return c.json(
            {
              object: "list",
              model: req.model,
              data: req.pairs.map((_, i) => ({
                object: "similarity",
                index: i,
                score: scores[i],
              })),
              usage,
            },
            200,
            headers,
          );
        }
        // Streamed a row at a time: a 2,048² matrix is tens of megabytes of
        // JSON, and the event loop keeps answering others meanwhile.
        const n = result.vectors.rows;
        const encoder = new TextEncoder();
        let i = -1;
        const body = new ReadableStream<Uint8Array>({
          pull(controller) {
            if (i === -1) {
              controller.enqueue(encoder.encode(
                `{"object":"similarity_matrix","model":${
                  JSON.stringify(req.model)
                },"matrix":[`,
              ));
            } else if (i < n) {
              const r = Array.from(scores.subarray(i * n, (i + 1) * n));
              controller.enqueue(
                encoder.encode((i > 0 ? "," : "") + JSON.stringify(r)),
              );
            } else {
              controller.enqueue(
                encoder.encode(`],"usage":${JSON.stringify(usage)}}`),
              );
              controller.close();
            }
            i++;
          },
        });
        return new Response(body, {
          status: 200,
          headers: { "content-type": "application/json", ...headers },
        });
      },
    );
  });

  // A served pipeline with whether it can run now (extension fields).
  const modelEntry = (m: ModelInfo) => {
    const a = service.availability(m.id);
    return {
      id: m.id,
      object: "model",
      created: 0,
      owned_by: "sentemb",
      hash: m.hash,
      description: m.description,
      statistics: m.statistics,
      reducible_dimensions: m.reducibleDimensions,
      availability: a.availability,
      ...(a.reason ? { unavailable_reason: a.reason } : {}),
      dimensions: a.dimensions,
      precision: m.precision,
      unit_length: m.unitLength,
      normalized_by_server: m.normalizedHere,
    };
  };

  // What can run now; `?all=true` adds the pipelines whose last load failed.
  app.get("/v1/models", (c) => {
    const all = ["true", "1", ""].includes(c.req.query("all") ?? "false");
    return c.json({
      object: "list",
      data: service.models
        .map(modelEntry)
        .filter((m) => all || m.availability !== "unavailable"),
    });
  });

  app.get("/v1/models/:id", (c) => {
    const id = c.req.param("id");
    const m = service.models.find((m) => m.id === id);
    if (m) return c.json(modelEntry(m));
    return c.json({
      error: {
        message: `no served pipeline ${JSON.stringify(id.slice(0, 200))}`,
        type: "invalid_request_error",
        param: null,
        code: "model_not_found",
      },
    }, 404);
  });

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
            // HEAD answers carry it too: the page shows the size up front.
            "content-length": String(a.body.byteLength),
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

  // A known route with the wrong method: 405 with the methods it takes.
  const methods: ReadonlyArray<readonly [string, string]> = [
    ["/v1/embeddings", "POST"],
    ["/v1/similarity", "POST"],
    ["/v1/models", "GET, HEAD"],
    ["/v1/models/:id", "GET, HEAD"],
    ["/healthz", "GET, HEAD"],
    ["/metrics", "GET, HEAD"],
    ["/", "GET, HEAD"],
    ["/assets/page.js", "GET, HEAD"],
    ["/v1/portable", "GET, HEAD"],
    ["/v1/portable/:name/model", "GET, HEAD"],
    ["/v1/portable/:name/files/:role", "GET, HEAD"],
    ["/assets/ort/:file", "GET, HEAD"],
    ["/artifacts/:hash", "GET, HEAD"],
  ];
  for (const [path, allow] of methods) {
    app.all(path, (c) =>
      c.json(
        {
          error: {
            message: `${c.req.method} is not allowed on ${path}; use ${allow}`,
            type: "invalid_request_error",
            param: null,
            code: "method_not_allowed",
          },
        },
        405,
        { allow },
      ));
  }

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
