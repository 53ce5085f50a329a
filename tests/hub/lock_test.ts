import "../temp_cache.ts";
import assert from "node:assert/strict";
import { hubFile } from "../../src/hub/file.ts";
import { type Seen, sha256Hex } from "./fake_hub.ts";
import { bytesOf, spawnFetch, TINY, withHub } from "./fixture.ts";

const MODEL = "onnx/model.onnx";
const sha = sha256Hex(bytesOf(TINY, MODEL));
const blobGets = (seen: Seen[]) =>
  seen.filter((s) => s.method === "GET" && s.path.startsWith("/blobs/")).length;
const heads = (seen: Seen[]) => seen.filter((s) => s.method === "HEAD").length;
const blobNames = (cacheDir: string) =>
  [...Deno.readDirSync(`${cacheDir}/models--sentemb-test--tiny-model/blobs`)]
    .map((e) => e.name);

Deno.test("two concurrent calls download the blob once and both get it", () =>
  withHub(async ({ hub, cacheDir, run }) => {
    // The blob is sent only once both callers asked the hub, so the second
    // surely finds no blob yet and must wait for the first one's lock.
    hub.switches.holdUntil = () => heads(hub.seen) >= 2;
    const [a, b] = await Promise.all([
      run(hubFile(TINY.repo, MODEL)),
      run(hubFile(TINY.repo, MODEL)),
    ]);
    assert.equal(a, b);
    assert.deepEqual(await Deno.readFile(a), bytesOf(TINY, MODEL));
    assert.equal(blobGets(hub.seen), 1);
    assert.deepEqual(blobNames(cacheDir), [sha]);
  }));

Deno.test("two processes download the blob once and both get it", () =>
  withHub(async ({ hub, cacheDir }) => {
    hub.switches.holdUntil = () => heads(hub.seen) >= 2;
    const outputs = await Promise.all([
      spawnFetch(hub, cacheDir, MODEL, "cache"),
      spawnFetch(hub, cacheDir, MODEL, "cache"),
    ]);
    const decode = (b: Uint8Array) => new TextDecoder().decode(b).trim();
    for (const out of outputs) assert.equal(out.code, 0, decode(out.stderr));
    const [a, b] = outputs.map((o) => decode(o.stdout));
    assert.equal(a, b);
    assert.deepEqual(await Deno.readFile(a), bytesOf(TINY, MODEL));
    assert.equal(blobGets(hub.seen), 1);
    assert.equal(heads(hub.seen), 2);
    assert.deepEqual(blobNames(cacheDir), [sha]);
  }));
