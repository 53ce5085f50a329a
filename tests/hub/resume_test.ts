import "../temp_cache.ts";
import assert from "node:assert/strict";
import { hubFile } from "../../src/hub/file.ts";
import { sha256Hex } from "./fake_hub.ts";
import { bytesOf, TINY, withHub } from "./fixture.ts";

const MODEL = "onnx/model.onnx";
const bytes = bytesOf(TINY, MODEL);
const sha = sha256Hex(bytes);
const blobs = (cacheDir: string) =>
  `${cacheDir}/models--sentemb-test--tiny-model/blobs`;
const blobGets = (
  seen: { method: string; path: string; range: string | null }[],
) => seen.filter((s) => s.method === "GET" && s.path.startsWith("/blobs/"));

Deno.test("a connection cut mid-file leaves the bytes, and the next attempt resumes with Range", () =>
  withHub(async ({ hub, cacheDir, run, fail }) => {
    hub.switches.cutOnceAt = 1_000_000;
    const error = await fail(hubFile(TINY.repo, MODEL, { retries: 0 }));
    assert.equal(error._tag, "HubNetworkError");
    assert.match(error.message, /resumes/);
    const partial = `${blobs(cacheDir)}/${sha}.incomplete`;
    const kept = (await Deno.stat(partial)).size;
    assert.equal(kept, 1_000_000);

    const local = await run(hubFile(TINY.repo, MODEL));
    assert.deepEqual(await Deno.readFile(local), bytes);
    const gets = blobGets(hub.seen);
    assert.equal(gets.length, 2);
    assert.equal(gets[0].range, null);
    assert.equal(gets[1].range, `bytes=${kept}-`);
    await assert.rejects(Deno.stat(partial), Deno.errors.NotFound);
  }));

Deno.test("one call survives a cut by retrying from where it broke", () =>
  withHub(async ({ hub, run }) => {
    hub.switches.cutOnceAt = 1_500_000;
    const local = await run(hubFile(TINY.repo, MODEL));
    assert.deepEqual(await Deno.readFile(local), bytes);
    const gets = blobGets(hub.seen);
    assert.equal(gets.length, 2);
    assert.match(gets[1].range ?? "", /^bytes=\d+-$/);
  }));

Deno.test("a server answering 200 to a Range request makes the download start over", () =>
  withHub(async ({ hub, cacheDir, run }) => {
    await Deno.mkdir(blobs(cacheDir), { recursive: true });
    // A stale partial of the right length but wrong bytes: kept only if
    // the server honoured the range.
    await Deno.writeFile(
      `${blobs(cacheDir)}/${sha}.incomplete`,
      new Uint8Array(500),
    );
    hub.switches.ignoreRange = true;
    const local = await run(hubFile(TINY.repo, MODEL));
    assert.deepEqual(await Deno.readFile(local), bytes);
    assert.equal(blobGets(hub.seen)[0].range, "bytes=500-");
  }));

Deno.test("a partial longer than the blob is thrown away", () =>
  withHub(async ({ hub, cacheDir, run }) => {
    await Deno.mkdir(blobs(cacheDir), { recursive: true });
    await Deno.writeFile(
      `${blobs(cacheDir)}/${sha}.incomplete`,
      new Uint8Array(bytes.length + 10),
    );
    const local = await run(hubFile(TINY.repo, MODEL));
    assert.deepEqual(await Deno.readFile(local), bytes);
    assert.equal(blobGets(hub.seen)[0].range, null);
  }));
