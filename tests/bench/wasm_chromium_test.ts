import "../temp_cache.ts";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { Effect } from "effect";
import { chromiumPath } from "../../bench/speed/chromium_path.ts";
import { buildFixture } from "../../src/onnx/fixture/build.ts";
import { TINY_CONFIGS } from "../../src/onnx/fixture/config.ts";

// Skipped without Chromium, unless SENTEMB_REQUIRE_CHROMIUM says it must run.
const present = existsSync(chromiumPath()) ||
  Deno.env.get("SENTEMB_REQUIRE_CHROMIUM") !== undefined;

Deno.test({
  name:
    "the WASM sweep's Chromium page runs a graph on 2 threads, cross-origin isolated, with onnxruntime-node's output",
  ignore: !present,
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    assert.ok(
      existsSync(chromiumPath()),
      `${chromiumPath()} is missing: apt-get install chromium`,
    );
    const fixture = await Effect.runPromise(
      buildFixture(TINY_CONFIGS.bert, { seed: 5 }),
    );
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        new URL("./wasm_chromium_driver.ts", import.meta.url).pathname,
        fixture.modelPath,
        "2",
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.ok(out.success, new TextDecoder().decode(out.stderr));
    const r = JSON.parse(new TextDecoder().decode(out.stdout));
    assert.equal(r.isolated, true);
    assert.equal(r.threads, 2);
    // 2 rows × 4 positions × 32 hidden units.
    assert.equal(r.values, 2 * 4 * 32);
    // Same graph, same fp32 kernels' maths, different SIMD widths.
    assert.ok(r.maxDiff < 1e-4, `max |WASM − native| ${r.maxDiff}`);
    assert.ok(r.passMs > 0);
  },
});
