import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

let gc: (() => void) | null | undefined;

/**
 * Runs a full garbage collection now, where the runtime allows it (Deno and
 * Node: V8's `gc`, exposed once through `node:v8` and `node:vm`); else does
 * nothing. Called after a derived graph is written: the source's bytes
 * (440 MB for BERT-base) are garbage then, but V8 does not count the
 * native runtime's allocations, so without it they stayed resident while
 * onnxruntime loaded the graph and the process peaked at both (issue 19).
 * It first yields to the event loop once: until then Deno's finished file
 * reads still reach their buffers.
 */
export const collectGarbage = async (): Promise<void> => {
  await new Promise((ok) => setTimeout(ok, 0));
  if (gc === undefined) {
    try {
      setFlagsFromString("--expose-gc");
      gc = runInNewContext("gc") as () => void;
    } catch {
      gc = null;
    }
  }
  gc?.();
};
