import { Effect } from "effect";
import { BadConfig, MissingModelFiles } from "../errors.ts";
import { readSafetensors } from "../static/safetensors.ts";
import type { PoolMode } from "./pool.ts";

/** One module after the Transformer in a sentence-transformers folder. */
export type StModule =
  | { readonly kind: "pooling"; readonly mode: PoolMode }
  | {
    readonly kind: "dense";
    readonly inFeatures: number;
    readonly outFeatures: number;
    /** [out, in] row-major. */
    readonly weight: Float32Array;
    readonly bias: Float32Array | undefined;
    readonly activation: (x: number) => number;
  }
  | { readonly kind: "normalize" };

/** A model's sentence-transformers modules, in order. */
export type StModuleList = ReadonlyArray<StModule>;

// sentence-transformers' Pooling flags, as the pooling this library names.
const POOLING_FLAGS: Record<string, PoolMode> = {
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

const poolingModule = Effect.fn("poolingModule")(function* (
  model: string,
  path: string,
  dir: string,
) {
  const config = yield* readJson<Record<string, unknown>>(
    model,
    `${dir}/config.json`,
  );
  const modes = Object.entries(POOLING_FLAGS).filter(([k]) =>
    config[k] === true
  ).map(([, v]) => v);
  if (
    modes.length !== 1 || config.pooling_mode_weightedmean_tokens === true
  ) {
    return yield* new BadConfig({
      subject: `${model}/${path}/config.json`,
      reason: `pooling flags ${
        JSON.stringify(config)
      } are not one supported mode`,
    });
  }
  return { kind: "pooling", mode: modes[0] } as const;
});

const denseModule = Effect.fn("denseModule")(function* (
  model: string,
  path: string,
  dir: string,
) {
  const config = yield* readJson<{
    in_features: number;
    out_features: number;
    bias?: boolean;
    activation_function?: string;
  }>(model, `${dir}/config.json`);
  const activation = ACTIVATIONS[
    config.activation_function ?? "torch.nn.modules.linear.Identity"
  ];
  if (!activation) {
    return yield* new BadConfig({
      subject: `${model}/${path}`,
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
      subject: `${model}/${path}/model.safetensors`,
      reason:
        `expected linear.weight [${out}, ${inn}] and linear.bias [${out}]`,
    });
  }
  return {
    kind: "dense",
    inFeatures: inn,
    outFeatures: out,
    weight: w.data,
    bias: config.bias === false ? undefined : b!.data,
    activation,
  } as const;
});

/**
 * Reads what a sentence-transformers folder declares after its Transformer
 * module (`modules.json`, METHODS §6): Pooling flags, Dense projections,
 * Normalize, in order.
 */
export const readStModules = Effect.fn("readStModules")(function* (
  model: string,
  folder: string,
) {
  const modules = yield* readJson<
    Array<{ readonly type: string; readonly path: string }>
  >(model, `${folder}/modules.json`);
  const out: StModule[] = [];
  for (const m of modules) {
    const dir = m.path === "" ? folder : `${folder}/${m.path}`;
    if (m.type.endsWith(".Transformer")) continue;
    if (m.type.endsWith(".Pooling")) {
      out.push(yield* poolingModule(model, m.path, dir));
    } else if (m.type.endsWith(".Dense")) {
      out.push(yield* denseModule(model, m.path, dir));
    } else if (m.type.endsWith(".Normalize")) {
      out.push({ kind: "normalize" });
    } else {
      return yield* new BadConfig({
        subject: `${model}/modules.json`,
        reason: `module type ${m.type} is not supported`,
      });
    }
  }
  return out as StModuleList;
});
