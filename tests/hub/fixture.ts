import { Effect } from "effect";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import {
  type HubClient,
  hubClientLayer,
  type HubConfig,
} from "../../src/hub/client.ts";
import type { HubError } from "../../src/hub/errors.ts";
import {
  fakeBytes,
  type FakeHub,
  type FakeRepo,
  gitSha1,
  startFakeHub,
} from "./fake_hub.ts";

const text = (s: string) => new TextEncoder().encode(s);

/** The public test model: two small git files and a 3 MB "LFS" weight file. */
export const TINY: FakeRepo = {
  repo: "sentemb-test/tiny-model",
  commit: gitSha1(text("tiny commit")),
  files: [
    { path: "config.json", bytes: text('{"hidden_size": 8}\n'), lfs: false },
    { path: "tokenizer.json", bytes: text('{"model": {}}\n'), lfs: false },
    { path: "onnx/model.onnx", bytes: fakeBytes(3_000_000, 7), lfs: true },
  ],
};

/** A gated model: needs `Bearer hf_fake_token`. */
export const GATED: FakeRepo = {
  repo: "sentemb-test/gated-model",
  commit: gitSha1(text("gated commit")),
  token: "hf_fake_token",
  files: [
    { path: "config.json", bytes: text("{}\n"), lfs: false },
    { path: "model.onnx", bytes: fakeBytes(200_000, 9), lfs: true },
  ],
};

/**
 * Whether Deno may make symlinks here (unscoped --allow-read and
 * --allow-write); if not, snapshots hold hard links to the blobs.
 */
export const canSymlink = (): boolean =>
  Deno.permissions.querySync({ name: "write" }).state === "granted" &&
  Deno.permissions.querySync({ name: "read" }).state === "granted";

/** Checks that a snapshot file links to its blob: a relative symlink, or a hard link. */
export const assertLinked = async (
  snapshotFile: string,
  blob: string,
  relativeTarget: string,
): Promise<void> => {
  const { isSymlink } = await Deno.lstat(snapshotFile);
  if (canSymlink()) {
    assert.ok(isSymlink, `${snapshotFile} is a symlink`);
    assert.equal(await Deno.readLink(snapshotFile), relativeTarget);
  } else {
    assert.equal(
      (await Deno.stat(snapshotFile)).ino,
      (await Deno.stat(blob)).ino,
    );
  }
};

/**
 * Runs `fetch_once.ts` in its own process with the given write permission
 * (the cache folder, or all), printing the local path.
 */
export const spawnFetch = (
  hub: FakeHub,
  cacheDir: string,
  path: string,
  write: "cache" | "all",
): Promise<Deno.CommandOutput> =>
  new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--quiet",
      "--allow-read",
      write === "all" ? "--allow-write" : `--allow-write=${cacheDir}`,
      "--allow-env",
      "--allow-net=127.0.0.1",
      fileURLToPath(new URL("fetch_once.ts", import.meta.url)),
      hub.url,
      cacheDir,
      TINY.repo,
      path,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();

/** The bytes of a fixture file. */
export const bytesOf = (repo: FakeRepo, path: string): Uint8Array =>
  repo.files.find((f) => f.path === path)!.bytes;

/** What a test gets: the fake hub, a fresh cache folder, and runners. */
export interface HubTest {
  readonly hub: FakeHub;
  readonly cacheDir: string;
  readonly config: (over?: Partial<HubConfig>) => Partial<HubConfig>;
  /** Runs an effect against the fake hub and the test's cache. */
  readonly run: <A>(
    effect: Effect.Effect<A, HubError, HubClient>,
    over?: Partial<HubConfig>,
  ) => Promise<A>;
  /** Runs an effect that must fail, returning its typed error. */
  readonly fail: <A>(
    effect: Effect.Effect<A, HubError, HubClient>,
    over?: Partial<HubConfig>,
  ) => Promise<HubError>;
}

/** Runs `body` with a fake hub and a temporary cache under `.cache/`. */
export const withHub = async (
  body: (t: HubTest) => Promise<void>,
): Promise<void> => {
  await Deno.mkdir(".cache", { recursive: true });
  const cacheDir = await Deno.makeTempDir({ dir: ".cache", prefix: "hub-" });
  const hub = startFakeHub([TINY, GATED]);
  const config = (over: Partial<HubConfig> = {}): Partial<HubConfig> => ({
    endpoint: hub.url,
    cacheDir,
    token: undefined,
    offline: false,
    progress: undefined,
    ...over,
  });
  const provide = <A>(
    effect: Effect.Effect<A, HubError, HubClient>,
    over?: Partial<HubConfig>,
  ) => effect.pipe(Effect.provide(hubClientLayer(config(over))));
  try {
    await body({
      hub,
      cacheDir,
      config,
      run: (effect, over) => Effect.runPromise(provide(effect, over)),
      fail: (effect, over) =>
        Effect.runPromise(Effect.flip(provide(effect, over))),
    });
  } finally {
    await hub.close();
    await Deno.remove(cacheDir, { recursive: true });
  }
};
