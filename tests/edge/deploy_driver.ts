/**
 * Imports the edge entry (`edge/deploy.ts`) as an edge runtime would and
 * answers a few requests through its `fetch` handler, printing what came
 * back as JSON. Run by deploy_test.ts without --allow-write, --allow-ffi or
 * --allow-run: a file write or the native addon fails the run.
 *
 * Usage: deno run --allow-read --allow-env deploy_driver.ts STATIC TRANSFORMER SENTENCE...
 */
import handler from "../../edge/deploy.ts";

const [staticModel, transformerModel, ...sentences] = Deno.args;
const post = (path: string, body: unknown) =>
  handler.fetch(
    new Request(`http://edge${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    }),
  );
const vectors = async (model: string) => {
  const r = await post("/v1/embeddings", { model, input: sentences });
  const body = await r.json();
  return { status: r.status, body };
};
const health = await handler.fetch(new Request("http://edge/healthz"));
const out = {
  health: health.status,
  static: await vectors(staticModel),
  transformer: await vectors(transformerModel),
  client: (await handler.fetch(
    new Request(`http://edge/v1/portable/${transformerModel}/model`),
  )).status,
};
console.log(JSON.stringify(out));
// The isolate's runtime holds ORT sessions; an edge isolate just ends.
Deno.exit(0);
