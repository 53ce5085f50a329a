import "../temp_cache.ts";
import { Effect, Exit } from "effect";
import assert from "node:assert/strict";
import { hubCacheDir, hubConfigFromEnv } from "../../src/hub/client.ts";
import { repoFolderName } from "../../src/hub/cache.ts";
import { normalizeEtag } from "../../src/hub/metadata.ts";
import { checkRepoPath, parseModelRef } from "../../src/hub/ref.ts";

const fails = (e: Effect.Effect<unknown, unknown>) =>
  Exit.isFailure(Effect.runSyncExit(e));
const env = (vars: Record<string, string>) => (name: string) => vars[name];

Deno.test("parseModelRef reads org/name with an optional @revision", () => {
  assert.deepEqual(Effect.runSync(parseModelRef("org/name")), {
    repo: "org/name",
    revision: "main",
  });
  assert.deepEqual(Effect.runSync(parseModelRef("org/name@refs/pr/1")), {
    repo: "org/name",
    revision: "refs/pr/1",
  });
  assert.equal(Effect.runSync(parseModelRef("gpt2")).repo, "gpt2");
  for (
    const bad of [
      "a/b/c",
      "org/",
      "/name",
      "org/na--me",
      "org/name@",
      "org/n@a/../b",
      "o rg/x",
    ]
  ) {
    assert.ok(fails(parseModelRef(bad)), bad);
  }
});

Deno.test("checkRepoPath refuses paths that leave the repo", () => {
  for (const bad of ["", "/abs", "a/../b", "a//b", "a\\b", "./a"]) {
    assert.ok(fails(checkRepoPath(bad)), bad);
  }
});

Deno.test("the cache folder follows HF_HUB_CACHE, then HF_HOME, then ~/.cache", () => {
  assert.equal(hubCacheDir(env({ HOME: "/h" })), "/h/.cache/huggingface/hub");
  assert.equal(
    hubCacheDir(env({ HOME: "/h", XDG_CACHE_HOME: "/x" })),
    "/x/huggingface/hub",
  );
  assert.equal(hubCacheDir(env({ HOME: "/h", HF_HOME: "/hf" })), "/hf/hub");
  assert.equal(
    hubCacheDir(env({ HOME: "/h", HF_HOME: "/hf", HF_HUB_CACHE: "~/c" })),
    "/h/c",
  );
  assert.equal(
    repoFolderName("BAAI/bge-small-en-v1.5"),
    "models--BAAI--bge-small-en-v1.5",
  );
});

Deno.test("hubConfigFromEnv reads HF_ENDPOINT, HF_TOKEN, HF_HUB_OFFLINE and the token file", async () => {
  await Deno.mkdir(".cache", { recursive: true });
  const tokenFile = await Deno.makeTempFile({ dir: ".cache" });
  try {
    await Deno.writeTextFile(tokenFile, "hf_saved\n");
    const saved = hubConfigFromEnv(
      env({ HOME: "/h", HF_TOKEN_PATH: tokenFile, HF_HUB_OFFLINE: "true" }),
    );
    assert.equal(saved.endpoint, "https://huggingface.co");
    assert.equal(saved.token, "hf_saved");
    assert.equal(saved.offline, true);
    const given = hubConfigFromEnv(
      env({
        HOME: "/h",
        HF_TOKEN_PATH: tokenFile,
        HF_TOKEN: "hf_env",
        HF_ENDPOINT: "http://mirror/",
        HF_HUB_OFFLINE: "0",
      }),
    );
    assert.equal(given.token, "hf_env");
    assert.equal(given.endpoint, "http://mirror");
    assert.equal(given.offline, false);
  } finally {
    await Deno.remove(tokenFile);
  }
});

Deno.test("ETags are normalized as huggingface_hub does", () => {
  assert.equal(normalizeEtag('"abc"'), "abc");
  assert.equal(normalizeEtag('W/"abc"'), "abc");
});
