import "../temp_cache.ts";
import assert from "node:assert/strict";

Deno.test("where compiling WebAssembly at run time is refused (workerd), rows pool in JavaScript", async () => {
  const original = WebAssembly.Module;
  // What workerd does: the constructor throws.
  (WebAssembly as { Module: unknown }).Module = function () {
    throw new WebAssembly.CompileError(
      "Wasm code generation disallowed by embedder",
    );
  };
  try {
    // Loaded only now, so its first compile meets the refusal.
    const { rowArena, rowKernelSource } = await import(
      "../../src/static/row_arena.ts"
    );
    assert.equal(rowArena(4), undefined);
    assert.equal(rowKernelSource(), "javascript");
  } finally {
    (WebAssembly as { Module: unknown }).Module = original;
  }
});
