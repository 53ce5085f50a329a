import "../temp_cache.ts";
import assert from "node:assert/strict";
import { hubListFiles } from "../../src/hub/list.ts";
import { TINY, withHub } from "./fixture.ts";

Deno.test("hubListFiles lists a revision's files from the hub API and records the ref", () =>
  withHub(async ({ hub, cacheDir, run }) => {
    const listing = await run(hubListFiles(TINY.repo));
    assert.deepEqual(listing, {
      repo: TINY.repo,
      revision: "main",
      commit: TINY.commit,
      files: ["config.json", "onnx/model.onnx", "tokenizer.json"],
      source: "hub",
    });
    assert.deepEqual(hub.seen.map((s) => `${s.method} ${s.path}`), [
      `GET /api/models/${TINY.repo}/revision/main`,
    ]);
    assert.equal(
      await Deno.readTextFile(
        `${cacheDir}/models--sentemb-test--tiny-model/refs/main`,
      ),
      TINY.commit,
    );
  }));

Deno.test("hubListFiles at an unknown revision is a typed 404", () =>
  withHub(async ({ fail }) => {
    const error = await fail(hubListFiles(`${TINY.repo}@nope`));
    assert.equal(error._tag, "HubNotFound");
    assert.match(error.message, /Revision "nope"/);
  }));
