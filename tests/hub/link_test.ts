import "../temp_cache.ts";
import assert from "node:assert/strict";
import { sha256Hex } from "./fake_hub.ts";
import { bytesOf, spawnFetch, TINY, withHub } from "./fixture.ts";

const MODEL = "onnx/model.onnx";
const sha = sha256Hex(bytesOf(TINY, MODEL));
const decode = (b: Uint8Array) => new TextDecoder().decode(b).trim();

Deno.test("with unscoped permissions the snapshot is a relative symlink into blobs, as huggingface_hub makes it", () =>
  withHub(async ({ hub, cacheDir }) => {
    const out = await spawnFetch(hub, cacheDir, MODEL, "all");
    assert.equal(out.code, 0, decode(out.stderr));
    const local = decode(out.stdout);
    assert.ok((await Deno.lstat(local)).isSymlink);
    assert.equal(await Deno.readLink(local), `../../../blobs/${sha}`);
    assert.deepEqual(await Deno.readFile(local), bytesOf(TINY, MODEL));
  }));

Deno.test("with --allow-write scoped to the cache the snapshot is a hard link to the blob", () =>
  withHub(async ({ hub, cacheDir }) => {
    const out = await spawnFetch(hub, cacheDir, MODEL, "cache");
    assert.equal(out.code, 0, decode(out.stderr));
    const local = decode(out.stdout);
    const blob = `${cacheDir}/models--sentemb-test--tiny-model/blobs/${sha}`;
    assert.ok(!(await Deno.lstat(local)).isSymlink);
    assert.equal((await Deno.stat(local)).ino, (await Deno.stat(blob)).ino);
  }));
