import "../temp_cache.ts";
import assert from "node:assert/strict";

/**
 * A Deno project elsewhere uses sentemb as a library: its deno.json links
 * the checkout (`"links"`, no import map copied), its code imports
 * `@sentemb/sentemb`, declares a pipeline and embeds. It runs without
 * `--allow-ffi` or `--allow-write`: importing the library loads no native
 * addon (onnxruntime-node) and writes nothing.
 */
const root = new URL("../../", import.meta.url).pathname;

const MAIN = `import { Effect } from "effect";
import {
  dropTokens, embedWith, l2, meanPool, pipeline, quantize, randomVectors,
  ServicesFromEnv, wordTokens,
} from "@sentemb/sentemb";

const mine = pipeline(
  "consumer-words",
  wordTokens({ lowercase: true }),
  randomVectors(32, 3),
  dropTokens({ punctuation: true }),
  meanPool(),
  l2(),
);
const binary = pipeline(
  "consumer-binary",
  ...mine.stages.slice(0, -1),
  quantize("binary"),
);
const run = (p: typeof mine) =>
  Effect.runPromise(
    embedWith(p, ["A cat sat.", "Dogs run!"]).pipe(Effect.provide(ServicesFromEnv)),
  );
const v = await run(mine);
const b = await run(binary);
console.log(JSON.stringify({ rows: v.rows, dim: v.dim, first: Array.from(v.data.subarray(0, 32)), binary: Array.from(b.data) }));
`;

Deno.test("a consumer project links sentemb, declares a pipeline and embeds, without ffi", async () => {
  const dir = await Deno.makeTempDir({ prefix: "sentemb-consumer-" });
  try {
    await Deno.writeTextFile(
      `${dir}/deno.json`,
      JSON.stringify({
        links: [root],
        imports: { effect: "npm:effect@4.1.0" },
      }),
    );
    await Deno.writeTextFile(`${dir}/main.ts`, MAIN);
    const out = await new Deno.Command("deno", {
      args: ["run", "--allow-read", "--allow-env", "main.ts"],
      cwd: dir,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 0, stderr);
    const got = JSON.parse(new TextDecoder().decode(out.stdout));
    assert.equal(got.rows, 2);
    assert.equal(got.dim, 32);
    assert.ok(
      Math.abs(Math.hypot(...got.first) - 1) < 1e-6,
      "the l2 step gives unit vectors",
    );
    // Binary: 32 signs → 4 bytes a row, each the packed signs − 128.
    assert.equal(got.binary.length, 8);
    for (let i = 0; i < 4; i++) {
      let byte = 0;
      for (let bit = 0; bit < 8; bit++) {
        if (got.first[i * 8 + bit] > 0) byte |= 0x80 >> bit;
      }
      assert.equal(got.binary[i], byte - 128);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
