import { Effect } from "effect";
import { type Embeddings, fromData, row } from "../embeddings.ts";
import { BadConfig, MissingModelFiles } from "../errors.ts";
import { readSafetensors } from "./safetensors.ts";
import type { PipelineSpec } from "./spec.ts";

interface StModule {
  readonly type: string;
  readonly path: string;
}

type Apply = (x: Embeddings) => Embeddings;

// sentence-transformers' Pooling flags, as the pooling this library names.
const POOLING_FLAGS: Record<string, PipelineSpec["pooling"]> = {
  pooling_mode_cls_token: "cls",
  pooling_mode_mean_tokens: "mean",
  pooling_mode_max_tokens: "max",
  pooling_mode_mean_sqrt_len_tokens: "meanSqrtLen",
  pooling_mode_lasttoken: "last",
};

const ACTIVATIONS: Record<string, (x: number) => number> = {
  "torch.nn.modules.linear.Identity": (x) => x,
  "torch.nn.modules.activation.Tanh": Math.tanh,
};

const readJson = <T>(model: string, path: string) =>
  Effect.try({
    try: () => JSON.parse(Deno.readTextFileSync(path)) as T,
    catch: () =>
      new MissingModelFiles({
        model,
        path,
        hint:
          "A sentence-transformers pipeline reads the folder's module files.",
      }),
  });

const l2: Apply = (x) => {
  const out = new Float32Array(x.data);
  for (let i = 0; i < x.rows; i++) {
    const v = out.subarray(i * x.dim, (i + 1) * x.dim);
    let n = 0;
    for (let j = 0; j < v.length; j++) n += v[j] * v[j];
    // torch.nn.functional.normalize: x / max(‖x‖, 1e-12).
    const s = 1 / Math.max(Math.sqrt(n), 1e-12);
    for (let j = 0; j < v.length; j++) v[j] *= s;
  }
  return fromData(x.rows, x.dim, out);
};

/**
 * What a sentence-transformers folder declares after its Transformer
 * module (METHODS §6): the Pooling flags must be the spec's pooling (a spec
 * that says otherwise is refused, not silently changed), then Dense
 * projections and Normalize run in the declared order.
 */
export const loadStModules = Effect.fn("loadStModules")(function* (
  spec: PipelineSpec,
  model: string,
  folder: string,
) {
  const modules = yield* readJson<StModule[]>(model, `${folder}/modules.json`);
  const steps: Apply[] = [];
  let outDim: number | undefined;
  for (const m of modules) {
    const dir = m.path === "" ? folder : `${folder}/${m.path}`;
    if (m.type.endsWith(".Transformer")) continue;
    if (m.type.endsWith(".Pooling")) {
      const config = yield* readJson<Record<string, unknown>>(
        model,
        `${dir}/config.json`,
      );
      const modes = Object.entries(POOLING_FLAGS).filter(([k]) =>
        config[k] === true
      ).map(([, v]) => v);
      const unsupported = ["pooling_mode_weightedmean_tokens"].filter((k) =>
        config[k] === true
      );
      if (modes.length !== 1 || unsupported.length > 0) {
        return yield* new BadConfig({
          subject: `${model}/${m.path}/config.json`,
          reason: `pooling flags ${
            JSON.stringify(config)
          } are not one supported mode`,
        });
      }
      const plain = !spec.filters.special && !spec.filters.punctuation &&
        !spec.filters.subwords &&
        spec.weighting._tag === "uniform";
      if (modes[0] !== spec.pooling || !plain) {
        return yield* new BadConfig({
          subject: `pipeline "${spec.name}"`,
          reason:
            `${model} pools by "${
              modes[0]
            }" over every token; the spec says "${spec.pooling}"` +
            (plain ? "" : " with filters or weights"),
        });
      }
    } else if (m.type.endsWith(".Dense")) {
      const config = yield* readJson<{
        in_features: number;
        out_features: number;
        bias?: boolean;
        activation_function?: string;
      }>(model, `${dir}/config.json`);
      const act = ACTIVATIONS[
        config.activation_function ?? "torch.nn.modules.linear.Identity"
      ];
      if (!act) {
        return yield* new BadConfig({
          subject: `${model}/${m.path}`,
          reason: `activation ${config.activation_function} is not supported`,
        });
      }
      const weightsPath = `${dir}/model.safetensors`;
      const tensors = yield* Effect.try({
        try: () => readSafetensors(Deno.readFileSync(weightsPath)),
        catch: (e) =>
          new MissingModelFiles({
            model,
            path: weightsPath,
            hint: `The Dense module's weights are needed (${
              (e as Error).message
            }).`,
          }),
      });
      const w = tensors.get("linear.weight");
      const b = tensors.get("linear.bias");
      const [out, inn] = [config.out_features, config.in_features];
      if (
        !w || w.data.length !== out * inn ||
        (config.bias !== false && b?.data.length !== out)
      ) {
        return yield* new BadConfig({
          subject: `${model}/${m.path}/model.safetensors`,
          reason:
            `expected linear.weight [${out}, ${inn}] and linear.bias [${out}]`,
        });
      }
      outDim = out;
      steps.push((x) => {
        if (x.dim !== inn) {
          throw new RangeError(`Dense expects ${inn} inputs, got ${x.dim}`);
        }
        const y = new Float32Array(x.rows * out);
        for (let i = 0; i < x.rows; i++) {
          const v = row(x, i);
          for (let o = 0; o < out; o++) {
            let s = config.bias === false ? 0 : b!.data[o];
            const wo = o * inn;
            for (let k = 0; k < inn; k++) s += w.data[wo + k] * v[k];
            y[i * out + o] = act(s);
          }
        }
        return fromData(x.rows, out, y);
      });
    } else if (m.type.endsWith(".Normalize")) {
      steps.push(l2);
    } else {
      return yield* new BadConfig({
        subject: `${model}/modules.json`,
        reason: `module type ${m.type} is not supported`,
      });
    }
  }
  return {
    apply: (x: Embeddings) => steps.reduce((acc, f) => f(acc), x),
    /** The width after the last Dense module; undefined when none changes it. */
    outDim,
  };
});
