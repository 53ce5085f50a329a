import "../temp_cache.ts";
import assert from "node:assert/strict";
import { hubFile } from "../../src/hub/file.ts";
import { hubListFiles } from "../../src/hub/list.ts";
import { bytesOf, GATED, TINY, withHub } from "./fixture.ts";

Deno.test("a gated model without a token: the error says to set HF_TOKEN", () =>
  withHub(async ({ fail }) => {
    for (const path of ["config.json", "model.onnx"]) {
      const error = await fail(hubFile(GATED.repo, path));
      assert.equal(error._tag, "HubUnauthorized");
      assert.match(error.message, /gated or private model: set HF_TOKEN/);
      assert.match(error.message, new RegExp(path));
    }
    const listing = await fail(hubListFiles(GATED.repo));
    assert.match(listing.message, /set HF_TOKEN/);
  }));

Deno.test("a gated model with its token downloads, sending Authorization to the hub only", () =>
  withHub(async ({ hub, run }) => {
    const local = await run(hubFile(GATED.repo, "model.onnx"), {
      token: "hf_fake_token",
    });
    assert.deepEqual(await Deno.readFile(local), bytesOf(GATED, "model.onnx"));
    assert.deepEqual(hub.seen.map((s) => [s.server, s.auth]), [
      ["hub", "Bearer hf_fake_token"],
      ["cdn", null],
    ]);
  }));

Deno.test("a refused token is told apart from a missing one", () =>
  withHub(async ({ fail }) => {
    const error = await fail(hubFile(GATED.repo, "config.json"), {
      token: "hf_wrong",
    });
    assert.equal(error._tag, "HubUnauthorized");
    assert.match(error.message, /HF_TOKEN sent was refused/);
  }));

Deno.test("404s name the file and revision, the revision, or the repository", () =>
  withHub(async ({ fail }) => {
    const file = await fail(hubFile(TINY.repo, "onnx/model_q4.onnx"));
    assert.equal(file._tag, "HubNotFound");
    assert.equal(
      file.message,
      `File "onnx/model_q4.onnx" of "${TINY.repo}" at revision "main" not found on the hub`,
    );
    const revision = await fail(hubFile(`${TINY.repo}@v9`, "config.json"));
    assert.match(
      revision.message,
      /Revision "v9" not found in "sentemb-test\/tiny-model"/,
    );
    const repo = await fail(hubFile("sentemb-test/nothing", "config.json"));
    assert.match(repo.message, /Repository "sentemb-test\/nothing" not found/);
  }));
