import assert from "node:assert/strict";
import { Effect, Layer } from "effect";
import { relative } from "node:path";
import { hubClientLayer } from "../../src/hub/client.ts";
import { refKind } from "../../src/models/resolve.ts";
import { TINY_CONFIGS } from "../../src/onnx/fixture/config.ts";
import { buildModelFolder } from "../../src/onnx/fixture/model_folder.ts";
import { loadPipeline } from "../../src/pipeline/load.ts";
import { recipe, recipeFor, RECIPES } from "../../src/recipes/mod.ts";
import { type FakeRepo, gitSha1, startFakeHub } from "../hub/fake_hub.ts";
import { runTask } from "../run_task.ts";
import { decodeModel, encodeModel } from "../../src/onnx/proto.ts";
import { writeStFolder } from "../st_folder.ts";
import { testLayer, testPaths } from "../test_paths.ts";

const root = new URL("../../", import.meta.url).pathname;
const REPO = "sentemb-test/tiny-bert";
const SENTENCES = ["A man is playing a guitar.", "Two dogs run on the grass."];

// One fixture set per test run: a tiny BERT (real WordPiece tokenizer), the
// same as a sentence-transformers folder with prompts, and a tiny GPT-2.
let built: Promise<string> | undefined;
const fixtures = () =>
  built ??= (async () => {
    await Deno.mkdir(`${root}.cache`, { recursive: true });
    const dir = `${root}.cache/models-test`;
    await Effect.runPromise(Effect.gen(function* () {
      yield* buildModelFolder(
        dir,
        "tiny-bert",
        { ...TINY_CONFIGS.bert, vocab_size: 30522 },
        `${testPaths.models}/bert-base-uncased`,
        { seed: 3 },
      );
      yield* buildModelFolder(
        dir,
        "tiny-gpt2",
        { ...TINY_CONFIGS.gpt2, vocab_size: 50257 },
        `${testPaths.models}/gpt2`,
        { seed: 3 },
      );
    }));
    writeStFolder(`${dir}/tiny-st`, `${dir}/tiny-bert`, {
      weight: Float32Array.from({ length: 8 * 32 }, (_, i) => Math.sin(i)),
      bias: Float32Array.from({ length: 8 }, (_, i) => i * 0.01),
    });
    // An encoder whose tokenizer names no mask token.
    const nomask = `${dir}/tiny-bert-nomask`;
    Deno.mkdirSync(nomask, { recursive: true });
    for (const f of ["config.json", "tokenizer.json"]) {
      Deno.copyFileSync(`${dir}/tiny-bert/${f}`, `${nomask}/${f}`);
    }
    const tc = JSON.parse(
      Deno.readTextFileSync(`${dir}/tiny-bert/tokenizer_config.json`),
    );
    delete tc.mask_token;
    Deno.writeTextFileSync(
      `${nomask}/tokenizer_config.json`,
      JSON.stringify(tc),
    );
    // The same encoder with its weights in an external-data file whose name
    // only the graph knows (not `model.onnx_data`).
    const ext = `${dir}/tiny-bert-ext`;
    Deno.mkdirSync(`${ext}/onnx`, { recursive: true });
    for (
      const f of ["config.json", "tokenizer.json", "tokenizer_config.json"]
    ) {
      Deno.copyFileSync(`${dir}/tiny-bert/${f}`, `${ext}/${f}`);
    }
    const graph = decodeModel(
      Deno.readFileSync(`${dir}/tiny-bert/onnx/model.onnx`),
    );
    const chunks: Uint8Array[] = [];
    let offset = 0;
    for (const t of graph.graph?.initializer ?? []) {
      const raw = t.rawData;
      if (!raw || raw.length < 1024) continue;
      chunks.push(raw.slice());
      t.externalData = [
        { key: "location", value: "weights.bin" },
        { key: "offset", value: String(offset) },
        { key: "length", value: String(raw.length) },
      ];
      t.dataLocation = 1;
      t.rawData = new Uint8Array(0);
      offset += raw.length;
    }
    const blob = new Uint8Array(offset);
    let at = 0;
    for (const c of chunks) {
      blob.set(c, at);
      at += c.length;
    }
    Deno.writeFileSync(`${ext}/onnx/weights.bin`, blob);
    Deno.writeFileSync(`${ext}/onnx/model.onnx`, encodeModel(graph));
    Deno.writeTextFileSync(
      `${dir}/tiny-st/config_sentence_transformers.json`,
      JSON.stringify({ prompts: { query: "query: ", passage: "passage: " } }),
    );
    return dir;
  })();

// A model folder as a fake hub repo: ONNX graphs as LFS files.
const repoOf = (repo: string, dir: string): FakeRepo => {
  const files: Array<FakeRepo["files"][number]> = [];
  const walk = (d: string) => {
    for (const e of Deno.readDirSync(d)) {
      const p = `${d}/${e.name}`;
      if (e.isDirectory) walk(p);
      else {
        files.push({
          path: relative(dir, p),
          bytes: Deno.readFileSync(p),
          lfs: p.endsWith(".onnx") || p.endsWith(".safetensors"),
        });
      }
    }
  };
  walk(dir);
  return { repo, commit: gitSha1(new TextEncoder().encode(repo)), files };
};

const embedCli = (
  args: string[],
  env: Record<string, string>,
  task = "embed",
) => runTask(task, args, SENTENCES.join("\n") + "\n", env);

const vectorsOf = (stdout: string): number[][] =>
  stdout.trim().split("\n").map((l) => JSON.parse(l).embedding);

const embedInProcess = (
  spec: ReturnType<typeof recipe>,
  layer: Layer.Layer<never> = Layer.empty,
) =>
  Effect.runPromise(
    Effect.gen(function* () {
      const p = yield* loadPipeline(spec);
      const e = yield* p.fit(SENTENCES);
      return yield* e.embed(SENTENCES);
    }).pipe(Effect.provide(Layer.mergeAll(testLayer, layer))),
  );

Deno.test("model references: folder paths, plain ids, hub ids", () => {
  assert.equal(refKind("./some/folder"), "path");
  assert.equal(refKind("/abs/folder"), "path");
  assert.equal(refKind("bert-base-uncased"), "id");
  assert.equal(refKind("org/name"), "hub");
  assert.equal(refKind("org/name@v1.0"), "hub");
});

Deno.test("embed --model org/name --recipe first-last-mean downloads from an empty cache, then --model ./folder gives the same vectors", async () => {
  const dir = await fixtures();
  const hub = startFakeHub([repoOf(REPO, `${dir}/tiny-bert`)]);
  const cache = await Deno.makeTempDir({ dir: `${root}.cache`, prefix: "hf-" });
  try {
    const env = { HF_ENDPOINT: hub.url, HF_HUB_CACHE: cache };
    const r = await embedCli(
      ["--model", REPO, "--recipe", "first-last-mean"],
      env,
    );
    assert.equal(r.code, 0, r.stderr);
    const fromHub = vectorsOf(r.stdout);
    assert.equal(fromHub.length, 2);
    assert.equal(fromHub[0].length, 32);
    const snapshot = `${cache}/models--sentemb-test--tiny-bert/snapshots/${
      repoOf(REPO, `${dir}/tiny-bert`).commit
    }`;
    for (const f of ["config.json", "tokenizer.json", "onnx/model.onnx"]) {
      assert.ok(
        Deno.statSync(`${snapshot}/${f}`).isFile,
        `${f} in the HF cache`,
      );
    }
    // A second run reads the cache: no request reaches the hub.
    const before = hub.seen.length;
    const again = await embedCli(
      ["--model", REPO, "--recipe", "first-last-mean"],
      { ...env, HF_HUB_OFFLINE: "1" },
    );
    assert.equal(again.code, 0, again.stderr);
    assert.equal(hub.seen.length, before);
    assert.deepEqual(vectorsOf(again.stdout), fromHub);
    // The same model as a folder path.
    const local = await embedCli([
      "--model",
      `./${relative(root, `${dir}/tiny-bert`)}`,
      "--recipe",
      "first-last-mean",
    ], {});
    assert.equal(local.code, 0, local.stderr);
    assert.deepEqual(vectorsOf(local.stdout), fromHub);
  } finally {
    await hub.close();
    await Deno.remove(cache, { recursive: true });
  }
});

Deno.test("a hub graph's external-data files (named only inside the graph) are downloaded with it", async () => {
  const dir = await fixtures();
  const repo = "sentemb-test/tiny-bert-ext";
  const hub = startFakeHub([
    repoOf(REPO, `${dir}/tiny-bert`),
    repoOf(repo, `${dir}/tiny-bert-ext`),
  ]);
  const cache = await Deno.makeTempDir({ dir: `${root}.cache`, prefix: "hf-" });
  try {
    const env = { HF_ENDPOINT: hub.url, HF_HUB_CACHE: cache };
    const args = (model: string) => ["--model", model, "--recipe", "mean"];
    const ext = await embedCli(args(repo), env);
    assert.equal(ext.code, 0, ext.stderr);
    assert.ok(
      hub.seen.some((s) => s.path.endsWith("/onnx/weights.bin")),
      "weights.bin fetched",
    );
    const plain = await embedCli(args(REPO), env);
    assert.equal(plain.code, 0, plain.stderr);
    assert.deepEqual(vectorsOf(ext.stdout), vectorsOf(plain.stdout));
  } finally {
    await hub.close();
    await Deno.remove(cache, { recursive: true });
  }
});

Deno.test("recipes --model org/name --out FILE fetches every file, and the declaration then runs offline", async () => {
  const dir = await fixtures();
  const repo = "sentemb-test/tiny-st";
  const hub = startFakeHub([repoOf(repo, `${dir}/tiny-st`)]);
  const cache = await Deno.makeTempDir({ dir: `${root}.cache`, prefix: "hf-" });
  try {
    const out = `${cache}/tiny-st.json`;
    const made = await embedCli(
      ["--model", repo, "--recipe", "st", "--out", out],
      { HF_ENDPOINT: hub.url, HF_HUB_CACHE: cache },
      "recipes",
    );
    assert.equal(made.code, 0, made.stderr);
    const spec = JSON.parse(Deno.readTextFileSync(out));
    assert.equal(spec.name, "tiny-st-st");
    await hub.close();
    // The hub is gone: everything comes from the cache.
    const r = await embedCli(["--pipeline", out], {
      HF_HUB_CACHE: cache,
      HF_HUB_OFFLINE: "1",
    });
    assert.equal(r.code, 0, r.stderr);
    const fromCache = vectorsOf(r.stdout);
    const local = await embedCli([
      "--model",
      `./${relative(root, `${dir}/tiny-st`)}`,
      "--recipe",
      "st",
    ], {});
    assert.equal(local.code, 0, local.stderr);
    assert.deepEqual(fromCache, vectorsOf(local.stdout));
    assert.equal(fromCache[0].length, 8);
  } finally {
    await hub.close().catch(() => undefined);
    await Deno.remove(cache, { recursive: true });
  }
});

Deno.test("offline with a cold cache fails with MissingModelFiles naming HF_HUB_OFFLINE", async () => {
  const cache = await Deno.makeTempDir({ dir: "/tmp", prefix: "hf-cold-" });
  try {
    const r = await embedCli(["--model", REPO, "--recipe", "mean"], {
      HF_HUB_CACHE: cache,
      HF_HUB_OFFLINE: "1",
    });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /error\[MissingModelFiles\]/);
    assert.match(r.stderr, /sentemb-test\/tiny-bert/);
    assert.match(r.stderr, /HF_HUB_OFFLINE/);
  } finally {
    await Deno.remove(cache, { recursive: true });
  }
});

Deno.test("a hub sentence-transformers model: modules, Dense weights and prompt names come through the resolver", async () => {
  const dir = await fixtures();
  const repo = "sentemb-test/tiny-st";
  const hub = startFakeHub([repoOf(repo, `${dir}/tiny-st`)]);
  const cache = await Deno.makeTempDir({ dir: `${root}.cache`, prefix: "hf-" });
  const layer = hubClientLayer({
    endpoint: hub.url,
    cacheDir: cache,
    offline: false,
    progress: undefined,
    token: undefined,
  });
  try {
    const run = <A, E>(e: Effect.Effect<A, E, never>) => Effect.runPromise(e);
    const spec = await run(
      recipeFor("st", repo, { promptName: "query" }).pipe(
        Effect.provide(Layer.mergeAll(testLayer, layer)),
      ),
    );
    assert.equal(spec.stages[0]._tag, "prompt");
    const fromHub = await embedInProcess(spec, layer);
    assert.equal(fromHub.dim, 8);
    // The local folder gives the same vectors.
    const local = await embedInProcess(
      recipe("st", `${dir}/tiny-st`, { promptPrefix: "query: " }),
    );
    assert.deepEqual(Array.from(local.data), Array.from(fromHub.data));
    const refused = await run(
      Effect.flip(recipeFor("st", repo, { promptName: "nope" })).pipe(
        Effect.provide(Layer.mergeAll(testLayer, layer)),
      ),
    );
    assert.equal(refused._tag, "RecipeMismatch");
    assert.match(refused.message, /query, passage/);
  } finally {
    await hub.close();
    await Deno.remove(cache, { recursive: true });
  }
});

Deno.test("recipes that do not fit a model are refused with a typed error", async () => {
  const dir = await fixtures();
  const flip = (name: string, model: string) =>
    Effect.runPromise(
      Effect.flip(recipeFor(name, model)).pipe(Effect.provide(testLayer)),
    );
  const gpt2 = `${dir}/tiny-gpt2`;
  const bert = `${dir}/tiny-bert`;
  const onDecoder = await flip("promptbert", gpt2);
  assert.equal(onDecoder._tag, "RecipeMismatch");
  assert.match(onDecoder.message, /encoder/);
  const noMask = await flip("promptbert", `${dir}/tiny-bert-nomask`);
  assert.equal(noMask._tag, "RecipeMismatch");
  assert.match(noMask.message, /no mask token/);
  const decoderOnly = await flip("last-token", bert);
  assert.equal(decoderOnly._tag, "RecipeMismatch");
  assert.match(decoderOnly.message, /decoder/);
  const noSt = await flip("st", bert);
  assert.equal(noSt._tag, "RecipeMismatch");
  assert.match(noSt.message, /modules\.json/);
  const tooDeep = await flip("layer-9", bert);
  assert.equal(tooDeep._tag, "RecipeMismatch");
  const unknown = await flip("first-last-men", bert);
  assert.equal(unknown._tag, "UnknownRecipe");
  assert.match(unknown.message, /first-last-mean/);
  const missing = await flip("mean", `${dir}/no-such-folder`);
  assert.equal(missing._tag, "MissingModelFiles");
});

Deno.test("every recipe that fits applies to a tiny encoder or decoder and embeds", async () => {
  const dir = await fixtures();
  for (const r of RECIPES) {
    if (r.corpus || r.name === "st") continue;
    const model = r.kinds.includes("encoder")
      ? `${dir}/tiny-bert`
      : `${dir}/tiny-gpt2`;
    const spec = await Effect.runPromise(
      recipeFor(r.name, model).pipe(Effect.provide(testLayer)),
    );
    const v = await embedInProcess(spec);
    assert.equal(v.rows, 2, r.name);
    assert.ok(v.data.every(Number.isFinite), r.name);
  }
});

Deno.test("recipes flags: --tp, --output-layer, --demonstration, --layer shape the declaration; bad values are BadConfig", async () => {
  const dir = await fixtures();
  const gpt2 = `./${relative(root, `${dir}/tiny-gpt2`)}`;
  const r = await embedCli(
    [
      "--model",
      gpt2,
      "--recipe",
      "knowledge-tp",
      "--tp",
      "1,2",
      "--output-layer=-2",
    ],
    {},
    "recipes",
  );
  assert.equal(r.code, 0, r.stderr);
  const spec = JSON.parse(r.stdout);
  const t = spec.stages.find((s: { _tag: string }) => s._tag === "transformer");
  assert.deepEqual(t.tokenPrepending, { start: 1, exit: 2 });
  assert.deepEqual(t.layers, { _tag: "layers", indices: [-2] });
  const icl = await embedCli(
    [
      "--model",
      gpt2,
      "--recipe",
      "prompteol-icl",
      "--demonstration",
      "A dog runs.|Dog",
    ],
    {},
    "recipes",
  );
  assert.equal(icl.code, 0, icl.stderr);
  assert.deepEqual(JSON.parse(icl.stdout).stages[0].demonstration, {
    sentence: "A dog runs.",
    word: "Dog",
  });
  const bad = await embedCli(
    ["--model", gpt2, "--recipe", "cot-tp", "--tp", "1"],
    {},
    "recipes",
  );
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /error\[BadConfig\]: .*--tp/);
  const beyond = await embedCli(
    ["--model", gpt2, "--recipe", "cot-tp", "--tp", "1,9"],
    {},
    "recipes",
  );
  assert.equal(beyond.code, 1);
  assert.match(beyond.stderr, /error\[RecipeMismatch\]/);
  const list = await embedCli(["--json"], {}, "recipes");
  assert.equal(list.code, 0, list.stderr);
  assert.deepEqual(
    JSON.parse(list.stdout).map((x: { name: string }) => x.name),
    RECIPES.map((x) => x.name),
  );
});
