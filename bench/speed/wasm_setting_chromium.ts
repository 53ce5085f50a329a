import { sweepBatches } from "./wasm_batches.ts";
import { openChromiumWasm } from "./wasm_chromium.ts";
import { maxAbsDiff, openNative, pairedPasses } from "./wasm_pairing.ts";
import type { Measured, WasmSetting } from "./wasm_setting.ts";

/**
 * One setting with its WASM side in headless Chromium (timed in the page)
 * and onnxruntime-node in this process, passes alternating as in Deno.
 * CPU / wall is the browser's processes' CPU time over the pass's wall time.
 */
export const measureInChromium = async (
  s: WasmSetting,
  sentences: number,
  passes: number,
): Promise<Measured & { userAgent: string }> => {
  const b = await sweepBatches(s, sentences);
  const file = (graph?: string) => `${b.folder}/${graph ?? "onnx/model.onnx"}`;
  const native = await openNative(file(s.nativeGraph), b.native);
  const page = await openChromiumWasm(file(s.graph), s, b.wasm, b.longest);
  try {
    if (s.threads !== undefined && s.threads > 1 && !page.isolated) {
      throw new Error("the page is not cross-origin isolated: no threads");
    }
    const maxDiff = maxAbsDiff(page.first, await native.run(b.wasm[0]));
    const m = await pairedPasses(native.pass, page.pass, passes);
    return {
      ...m,
      maxDiff,
      batches: b.wasm.length,
      threads: page.threads,
      userAgent: page.userAgent,
    };
  } finally {
    await page.close();
  }
};
