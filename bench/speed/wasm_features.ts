/**
 * `deno run -A bench/speed/wasm_features.ts`: which post-MVP WebAssembly
 * features each onnxruntime-web binary in `dist/` needs, read by wabt with
 * one feature turned off at a time (a binary that reads without a feature
 * holds none of its instructions). It answers whether relaxed SIMD (fused
 * multiply-add, the int8 dot products) can be switched on: only if a
 * shipped binary was built with it. `env.wasm.simd = "relaxed"` only checks
 * that the runtime supports it; it picks no other binary.
 */
import wabtInit from "wabt";
import { fileURLToPath } from "node:url";
import { localWasmPaths } from "../../src/forward/wasm_backend.ts";

const all = {
  simd: true,
  threads: true,
  relaxed_simd: true,
  exceptions: true,
  bulk_memory: true,
  memory64: true,
  multi_value: true,
  tail_call: true,
  sign_extension: true,
  mutable_globals: true,
  sat_float_to_int: true,
  reference_types: true,
  extended_const: true,
  gc: true,
  function_references: true,
};
const probed = ["relaxed_simd", "simd", "threads"] as const;

const wabt = await wabtInit();
const dir = fileURLToPath(localWasmPaths());
const binaries = [...Deno.readDirSync(dir)]
  .map((e) => e.name)
  .filter((n) => n.endsWith(".wasm"))
  .sort();
console.log(`| binary | MB | ${probed.join(" | ")} |`);
console.log(`|---|---:|${probed.map(() => ":-:").join("|")}|`);
for (const name of binaries) {
  const bytes = await Deno.readFile(`${dir}${name}`);
  const needs = probed.map((feature) => {
    try {
      wabt.readWasm(bytes, { readDebugNames: false, ...all, [feature]: false })
        .destroy();
      return "no";
    } catch {
      return "uses";
    }
  });
  console.log(
    `| ${name} | ${(bytes.length / 1e6).toFixed(1)} | ${needs.join(" | ")} |`,
  );
}
