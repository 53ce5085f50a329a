import "../temp_cache.ts";
import assert from "node:assert/strict";
import { resolve } from "node:path";
import { hubFile } from "../../src/hub/file.ts";
import { gitSha1, sha256Hex } from "./fake_hub.ts";
import { assertLinked, bytesOf, TINY, withHub } from "./fixture.ts";

const root = (cacheDir: string) =>
  `${cacheDir}/models--sentemb-test--tiny-model`;

Deno.test("hubFile downloads an LFS file into the Hugging Face cache layout", () =>
  withHub(async ({ hub, cacheDir, run }) => {
    const local = await run(hubFile(TINY.repo, "onnx/model.onnx"));
    const bytes = bytesOf(TINY, "onnx/model.onnx");
    const sha = sha256Hex(bytes);
    assert.equal(
      local,
      `${resolve(root(cacheDir))}/snapshots/${TINY.commit}/onnx/model.onnx`,
    );
    assert.ok(local.endsWith(`/snapshots/${TINY.commit}/onnx/model.onnx`));
    await assertLinked(
      local,
      `${root(cacheDir)}/blobs/${sha}`,
      `../../../blobs/${sha}`,
    );
    assert.deepEqual(await Deno.readFile(local), bytes);
    assert.equal(
      await Deno.readTextFile(`${root(cacheDir)}/refs/main`),
      TINY.commit,
    );
    const blobs = [...Deno.readDirSync(`${root(cacheDir)}/blobs`)].map((e) =>
      e.name
    );
    assert.deepEqual(blobs, [sha]);
    // One HEAD on the resolve URL, one GET on the blob URL it redirected to.
    assert.deepEqual(hub.seen.map((s) => `${s.server} ${s.method} ${s.path}`), [
      `hub HEAD /${TINY.repo}/resolve/main/onnx/model.onnx`,
      `cdn GET /blobs/${sha}`,
    ]);
  }));

Deno.test("hubFile fetches a small git file pinned to the commit, linked as ../../blobs/{git sha1}", () =>
  withHub(async ({ hub, cacheDir, run }) => {
    const local = await run(hubFile(`${TINY.repo}@main`, "config.json"));
    assert.deepEqual(await Deno.readFile(local), bytesOf(TINY, "config.json"));
    const etag = gitSha1(bytesOf(TINY, "config.json"));
    await assertLinked(
      local,
      `${root(cacheDir)}/blobs/${etag}`,
      `../../blobs/${etag}`,
    );
    assert.deepEqual(hub.seen.map((s) => `${s.server} ${s.method} ${s.path}`), [
      `hub HEAD /${TINY.repo}/resolve/main/config.json`,
      `hub GET /${TINY.repo}/resolve/${TINY.commit}/config.json`,
    ]);
  }));

Deno.test("a second call is served from the cache with zero requests", () =>
  withHub(async ({ hub, run }) => {
    const first = await run(hubFile(TINY.repo, "onnx/model.onnx"));
    const before = hub.seen.length;
    const again = await run(hubFile(TINY.repo, "onnx/model.onnx"));
    const byCommit = await run(
      hubFile(`${TINY.repo}@${TINY.commit}`, "onnx/model.onnx"),
    );
    assert.equal(again, first);
    assert.equal(byCommit, first);
    assert.equal(hub.seen.length, before);
  }));

Deno.test("revalidate asks the hub again but reuses the blob", () =>
  withHub(async ({ hub, run }) => {
    await run(hubFile(TINY.repo, "onnx/model.onnx"));
    hub.seen.length = 0;
    await run(hubFile(TINY.repo, "onnx/model.onnx", { revalidate: true }));
    assert.deepEqual(hub.seen.map((s) => s.method), ["HEAD"]);
  }));

Deno.test("a bad reference or path is a typed error", () =>
  withHub(async ({ fail }) => {
    assert.equal((await fail(hubFile("not a repo", "x")))._tag, "HubBadRef");
    assert.equal(
      (await fail(hubFile(TINY.repo, "../etc/passwd")))._tag,
      "HubBadRef",
    );
  }));
