import { Context, Effect, Layer } from "effect";
import { autoReporter, type ProgressReporter } from "./progress.ts";

/** Where and how the hub client downloads. */
export interface HubConfig {
  /** The hub's base URL, without a trailing slash (`HF_ENDPOINT`). */
  readonly endpoint: string;
  /** A bearer token for gated and private models (`HF_TOKEN`). */
  readonly token: string | undefined;
  /** The Hugging Face cache folder (`HF_HUB_CACHE`). */
  readonly cacheDir: string;
  /** Serve from the cache only, never the network (`HF_HUB_OFFLINE`). */
  readonly offline: boolean;
  /** Progress of downloads; none when undefined. */
  readonly progress: ProgressReporter | undefined;
}

/** The service key base of {@link HubClient}. */
export const HubClientBase: Context.ServiceClass<
  HubClient,
  "sentemb/HubClient",
  HubConfig
> = Context.Service<HubClient, HubConfig>()("sentemb/HubClient");

/** The hub client's settings, as a service so tests can point it elsewhere. */
export class HubClient extends HubClientBase {}

/** Reads one environment variable; `Deno.env.get` by default. */
export type EnvGet = (name: string) => string | undefined;

const denoEnv: EnvGet = (name) => Deno.env.get(name);

const truthy = (value: string | undefined): boolean =>
  ["1", "ON", "YES", "TRUE"].includes((value ?? "").toUpperCase());

const home = (env: EnvGet): string => env("HOME") ?? env("USERPROFILE") ?? ".";

const expand = (path: string, env: EnvGet): string =>
  path === "~" || path.startsWith("~/") ? home(env) + path.slice(1) : path;

/** `HF_HOME`, else `$XDG_CACHE_HOME/huggingface`, else `~/.cache/huggingface`. */
export const hfHome = (env: EnvGet = denoEnv): string =>
  expand(
    env("HF_HOME") ??
      `${env("XDG_CACHE_HOME") ?? `${home(env)}/.cache`}/huggingface`,
    env,
  );

/**
 * The hub cache folder as huggingface_hub finds it: `HF_HUB_CACHE` (or the
 * older `HUGGINGFACE_HUB_CACHE`), else `HF_HOME/hub`, else
 * `~/.cache/huggingface/hub`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { hubCacheDir } from "./client.ts";
 *
 * const env = { HOME: "/home/ada", HF_HOME: "/data/hf" } as Record<string, string>;
 * assert.equal(hubCacheDir((name) => env[name]), "/data/hf/hub");
 * ```
 */
export const hubCacheDir = (env: EnvGet = denoEnv): string =>
  expand(
    env("HF_HUB_CACHE") ?? env("HUGGINGFACE_HUB_CACHE") ?? `${hfHome(env)}/hub`,
    env,
  );

// The token `huggingface-cli login` saved, if any.
const savedToken = (env: EnvGet): string | undefined => {
  try {
    const text = Deno.readTextFileSync(
      env("HF_TOKEN_PATH") ?? `${hfHome(env)}/token`,
    ).trim();
    return text === "" ? undefined : text;
  } catch {
    return undefined;
  }
};

/**
 * Settings from the environment: `HF_ENDPOINT` (default
 * `https://huggingface.co`), `HF_TOKEN` (else the token file of
 * `huggingface-cli login`), `HF_HUB_OFFLINE`, the cache folder of
 * {@link hubCacheDir}, and a progress bar when stderr is a terminal.
 */
export const hubConfigFromEnv = (env: EnvGet = denoEnv): HubConfig => ({
  endpoint: (env("HF_ENDPOINT") ?? "https://huggingface.co").replace(
    /\/+$/,
    "",
  ),
  token: env("HF_TOKEN") || env("HUGGING_FACE_HUB_TOKEN") || savedToken(env),
  cacheDir: hubCacheDir(env),
  offline: truthy(env("HF_HUB_OFFLINE")),
  progress: autoReporter(),
});

/** The client configured from the environment, read when the layer is built. */
export const HubClientFromEnv: Layer.Layer<HubClient> = Layer.effect(
  HubClient,
  Effect.sync(() => hubConfigFromEnv()),
);

/** A client over given settings; unset ones come from the environment. */
export const hubClientLayer = (
  config: Partial<HubConfig>,
): Layer.Layer<HubClient> =>
  Layer.effect(
    HubClient,
    Effect.sync(() => ({ ...hubConfigFromEnv(), ...config })),
  );
