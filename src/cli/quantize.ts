import { Effect } from "effect";
import { resolveTransformerFiles } from "../forward/load_transformer_stage.ts";
import { pathRefFolder, refKind } from "../models/resolve.ts";
import { quantizeModelFile } from "../onnx/quantize/quantize_file.ts";
import { userPath } from "../pipeline/pipeline_source.ts";
import { BadConfig } from "../errors.ts";
import { parseFlags } from "./args.ts";
import { runMain } from "./run_main.ts";

const USAGE =
  `Usage: deno task quantize --model REF [--file onnx/model.onnx] [--out FILE]
       [--weights int8|uint8] [--per-tensor]

Dynamically quantizes a model's fp32 ONNX graph, as onnxruntime's
quantize_dynamic does: every MatMul and Gemm by a constant weight gets int8
weights (one scale per output column unless --per-tensor) and uint8
activations quantized at run time; embeddings and norms stay float. The
graph is cached under SENTEMB_CACHE/quantized (what --precision int8 runs);
--out also copies it (and its external data, if any) to FILE.

--model  a folder path (./dir), a folder under SENTEMB_MODELS, or a hub id
--file   the graph inside the folder (default onnx/model.onnx)
--out    where to write the quantized graph`;

const flags = parseFlags(Deno.args, {
  model: { type: "string" },
  file: { type: "string" },
  out: { type: "string" },
  weights: { type: "string" },
  "per-tensor": { type: "boolean" },
  help: { type: "boolean" },
}, USAGE);

const program = Effect.gen(function* () {
  if (flags.model === undefined) {
    return yield* new BadConfig({ subject: "--model", reason: "is required" });
  }
  const weights = flags.weights ?? "int8";
  if (weights !== "int8" && weights !== "uint8") {
    return yield* new BadConfig({
      subject: "--weights",
      reason: `"${weights}" is not int8 or uint8`,
    });
  }
  const model = refKind(flags.model) === "path"
    ? pathRefFolder(flags.model)
    : flags.model;
  const source = yield* resolveTransformerFiles(model, flags.file);
  const started = performance.now();
  const q = yield* quantizeModelFile(source, {
    weightType: weights,
    perChannel: !flags["per-tensor"],
  });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.error(
    `${source}: ${q.quantized} MatMul/Gemm quantized${
      q.skipped?.length ? `, ${q.skipped.length} left float` : ""
    } (${seconds} s)`,
  );
  for (const s of q.skipped ?? []) console.error(`  float: ${s}`);
  if (flags.out) {
    const out = userPath(flags.out);
    const size = yield* Effect.promise(async () => {
      await Deno.copyFile(q.path, out);
      const ext = `${q.path}_int8`;
      const has = await Deno.stat(ext).then(() => true, () => false);
      // The graph names its external file by the cached name: keep it.
      if (has) {
        const dir = out.slice(0, out.lastIndexOf("/") + 1);
        await Deno.copyFile(
          ext,
          `${dir}${ext.slice(ext.lastIndexOf("/") + 1)}`,
        );
      }
      return (await Deno.stat(out)).size;
    });
    console.error(`wrote ${out} (${(size / 1e6).toFixed(1)} MB)`);
  } else console.log(q.path);
});

await runMain(program);
