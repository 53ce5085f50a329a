import "../temp_cache.ts";
import assert from "node:assert/strict";
import { hubFile } from "../../src/hub/file.ts";
import { hubListFiles } from "../../src/hub/list.ts";
import { TINY, withHub } from "./fixture.ts";

Deno.test("HF_HUB_OFFLINE with a warm cache serves the file with no request", () =>
  withHub(async ({ hub, run }) => {
    const online = await run(hubFile(TINY.repo, "onnx/model.onnx"));
    hub.seen.length = 0;
    const offline = await run(hubFile(TINY.repo, "onnx/model.onnx"), {
      offline: true,
    });
    const revalidated = await run(
      hubFile(TINY.repo, "onnx/model.onnx", { revalidate: true }),
      { offline: true },
    );
    assert.equal(offline, online);
    assert.equal(revalidated, online);
    assert.equal(hub.seen.length, 0);
  }));

Deno.test("HF_HUB_OFFLINE with a cold cache fails naming model, file and the variable", () =>
  withHub(async ({ hub, fail }) => {
    const error = await fail(hubFile(TINY.repo, "onnx/model.onnx"), {
      offline: true,
    });
    assert.equal(error._tag, "HubOffline");
    assert.match(error.message, /sentemb-test\/tiny-model/);
    assert.match(error.message, /onnx\/model\.onnx/);
    assert.match(error.message, /unset HF_HUB_OFFLINE/);
    assert.equal(hub.seen.length, 0);
  }));

Deno.test("HF_HUB_OFFLINE: a file the cache lacks fails even when others of the repo are there", () =>
  withHub(async ({ run, fail }) => {
    await run(hubFile(TINY.repo, "config.json"));
    const error = await fail(hubFile(TINY.repo, "tokenizer.json"), {
      offline: true,
    });
    assert.equal(error._tag, "HubOffline");
    assert.match(error.message, /tokenizer\.json/);
  }));

Deno.test("the hub being unreachable falls back to the cache when revalidating", () =>
  withHub(async ({ run }) => {
    const local = await run(hubFile(TINY.repo, "config.json"));
    const again = await run(
      hubFile(TINY.repo, "config.json", { revalidate: true }),
      { endpoint: "http://127.0.0.1:9" },
    );
    assert.equal(again, local);
  }));

Deno.test("offline listing gives the cached snapshot's files; cold, a typed error", () =>
  withHub(async ({ run, fail }) => {
    assert.equal(
      (await fail(hubListFiles(TINY.repo), { offline: true }))._tag,
      "HubOffline",
    );
    await run(hubFile(TINY.repo, "onnx/model.onnx"));
    await run(hubFile(TINY.repo, "config.json"));
    const listing = await run(hubListFiles(TINY.repo), { offline: true });
    assert.deepEqual(listing, {
      repo: TINY.repo,
      revision: "main",
      commit: TINY.commit,
      files: ["config.json", "onnx/model.onnx"],
      source: "cache",
    });
  }));
