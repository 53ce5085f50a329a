import "../temp_cache.ts";
import assert from "node:assert/strict";
import { hubFile } from "../../src/hub/file.ts";
import { etagCheck, fileDigest } from "../../src/hub/verify.ts";
import { gitSha1, sha256Hex } from "./fake_hub.ts";
import { bytesOf, TINY, withHub } from "./fixture.ts";

const files = (dir: string): string[] => {
  try {
    return [...Deno.readDirSync(dir)].map((e) => e.name);
  } catch {
    return [];
  }
};

for (const path of ["onnx/model.onnx", "config.json"]) {
  Deno.test(`corrupted bytes of ${path} fail the checksum and leave no file`, () =>
    withHub(async ({ hub, cacheDir, run, fail }) => {
      hub.switches.corrupt = true;
      const error = await fail(hubFile(TINY.repo, path));
      assert.equal(error._tag, "HubCorruptDownload");
      if (error._tag !== "HubCorruptDownload") return;
      assert.equal(error.check, path.endsWith(".onnx") ? "sha256" : "git-sha1");
      assert.match(error.message, /discarded/);
      assert.match(error.message, new RegExp(path));
      const root = `${cacheDir}/models--sentemb-test--tiny-model`;
      assert.deepEqual(files(`${root}/blobs`), []);
      assert.deepEqual(files(`${root}/snapshots/${TINY.commit}`), []);
      // Once the bytes are right again, the download succeeds.
      hub.switches.corrupt = false;
      const local = await run(hubFile(TINY.repo, path));
      assert.deepEqual(await Deno.readFile(local), bytesOf(TINY, path));
    }));
}

Deno.test("etagCheck tells LFS sha256 from git sha1, and fileDigest computes both", async () => {
  const bytes = new TextEncoder().encode("hello\n");
  assert.equal(etagCheck(sha256Hex(bytes)), "sha256");
  assert.equal(etagCheck(gitSha1(bytes)), "git-sha1");
  assert.equal(etagCheck("abc-123"), undefined);
  await Deno.mkdir(".cache", { recursive: true });
  const file = await Deno.makeTempFile({ dir: ".cache" });
  try {
    await Deno.writeFile(file, bytes);
    assert.equal(await fileDigest(file, "sha256"), sha256Hex(bytes));
    // `git hash-object` of "hello\n".
    assert.equal(
      await fileDigest(file, "git-sha1"),
      "ce013625030ba8dba906f756967f9e9ca394464a",
    );
  } finally {
    await Deno.remove(file);
  }
});
