import assert from "node:assert/strict";

/** The reply is an OpenAI-shaped error with this status and code. */
export const assertOpenAiError = async (
  res: Response,
  status: number,
  code: string,
) => {
  assert.equal(res.status, status);
  const body = await res.json();
  assert.equal(body.error.code, code, JSON.stringify(body));
  assert.equal(typeof body.error.message, "string");
  assert.ok(body.error.message.length > 0);
  assert.ok("type" in body.error && "param" in body.error);
};
