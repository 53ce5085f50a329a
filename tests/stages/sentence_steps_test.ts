import "../temp_cache.ts";
import assert from "node:assert/strict";
import { Effect, Exit } from "effect";
import { type Embeddings, fromData, row } from "../../src/embeddings.ts";
import { columnMean, covariance } from "../../src/postprocess/moments.ts";
import type { FittedAbtt } from "../../src/stages/abtt.ts";
import {
  applyChain,
  applyStep,
  fit,
  fitChain,
  fitStep,
} from "./step_harness.ts";

/** Deterministic pseudo-random sample with correlated, anisotropic columns. */
const sample = (rows: number, dim: number, seed = 1): Embeddings => {
  let s = seed;
  const next = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
  const data = new Float32Array(rows * dim);
  for (let r = 0; r < rows; r++) {
    const shared = next() * 4;
    for (let j = 0; j < dim; j++) {
      data[r * dim + j] = (j + 1) * next() + shared * (j % 3) + 2 * j;
    }
  }
  return fromData(rows, dim, data);
};

const close = (a: number, b: number, tol: number, what: string) =>
  assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);

Deno.test("center subtracts the hand-computed mean", () => {
  const x = fromData(2, 2, Float32Array.of(1, 10, 3, 20));
  const out = applyStep(fit({ _tag: "center" }, x), x);
  assert.deepEqual(Array.from(out.data), [-1, -5, 1, 5]);
});

Deno.test("zscore uses the population standard deviation and leaves constant columns unscaled", () => {
  // column 0: 1, 3 → mean 2, σ 1; column 1 constant 7 → σ 0 → scale 1
  const x = fromData(2, 2, Float32Array.of(1, 7, 3, 7));
  const out = applyStep(fit({ _tag: "zscore" }, x), x);
  assert.deepEqual(Array.from(out.data), [-1, 0, 1, 0]);
});

Deno.test("l2 gives unit rows and keeps a zero row at zero", () => {
  const x = fromData(2, 2, Float32Array.of(3, 4, 0, 0));
  const out = applyStep(fit({ _tag: "l2" }, x), x);
  assert.deepEqual(Array.from(out.data), [0.6, 0.8, 0, 0].map(Math.fround));
});

Deno.test("whitening makes the fitted sample's covariance the identity", () => {
  const x = sample(400, 6);
  const out = applyStep(fit({ _tag: "whiten" }, x), x);
  const cov = covariance(out, columnMean(out));
  for (let i = 0; i < 6; i++) {
    for (let j = 0; j < 6; j++) {
      close(cov[i * 6 + j], i === j ? 1 : 0, 1e-4, `cov[${i},${j}]`);
    }
  }
});

Deno.test("whitening with k keeps the k largest-variance directions, whitened", () => {
  const x = sample(400, 6);
  const out = applyStep(fit({ _tag: "whiten", k: 2 }, x), x);
  assert.equal(out.dim, 2);
  const cov = covariance(out, columnMean(out));
  close(cov[0], 1, 1e-4, "var 0");
  close(cov[3], 1, 1e-4, "var 1");
  close(cov[1], 0, 1e-4, "cov 01");
  // The kept directions carry the most variance: their projections before
  // scaling explain more than any other unit direction, e.g. the basis ones.
});

Deno.test("whitening refuses a rank-deficient sample unless epsilon regularises it", () => {
  const x = sample(4, 6); // 4 points span at most 3 centred directions
  const refused = Effect.runSyncExit(fitStep({ _tag: "whiten" }, x));
  assert.ok(Exit.isFailure(refused));
  assert.match(String(refused.cause), /span only 3.*epsilon/s);
  const ok = fit({ _tag: "whiten", epsilon: 1e-3 }, x);
  const out = applyStep(ok, x);
  assert.ok(out.data.every(Number.isFinite));
});

Deno.test("ABTT removes exactly the top principal components", () => {
  // Points on a plane spanned by e0 (large spread) and e1 (small spread),
  // plus a constant offset: PC1 = e0, PC2 = e1.
  const data = new Float32Array(5 * 3);
  // b is centred and uncorrelated with a, so the axes are the exact PCs.
  const a = [-2, -1, 0, 1, 2], b = [0.1, -0.1, 0, -0.1, 0.1];
  for (let r = 0; r < 5; r++) {
    data.set([10 * a[r] + 5, b[r] + 5, 5], r * 3);
  }
  const x = fromData(5, 3, data);
  const one = applyStep(fit({ _tag: "abtt", k: 1 }, x), x);
  for (let r = 0; r < 5; r++) {
    const v = row(one, r);
    close(v[0], 0, 1e-5, "PC1 removed");
    close(v[1], b[r], 1e-5, "PC2 kept");
    close(v[2], 0, 1e-5, "centred");
  }
  const two = applyStep(fit({ _tag: "abtt", k: 2 }, x), x);
  assert.ok(two.data.every((v) => Math.abs(v) < 1e-5));
});

Deno.test("ABTT projections are orthogonal to the removed directions on new data", () => {
  const x = sample(300, 5);
  const step = fit({ _tag: "abtt", k: 2 }, x);
  const f = step.f as FittedAbtt;
  const out = applyStep(step, sample(20, 5, 99));
  for (let r = 0; r < out.rows; r++) {
    for (let c = 0; c < 2; c++) {
      let dot = 0;
      for (let j = 0; j < 5; j++) {
        dot += out.data[r * 5 + j] * f.components[c * 5 + j];
      }
      close(dot, 0, 1e-3, `row ${r} on component ${c}`);
    }
  }
});

Deno.test("quantile maps the fitted sample to evenly spaced values, centred", () => {
  const x = fromData(5, 1, Float32Array.of(3, -10, 7, 0.5, 100));
  const out = applyStep(fit({ _tag: "quantile" }, x), x);
  // ranks 2,0,3,1,4 of 5 → r/4 − ½
  assert.deepEqual(Array.from(out.data), [0, -0.5, 0.25, -0.25, 0.5]);
  // Between quantiles it interpolates; outside it clamps.
  const probe = fromData(3, 1, Float32Array.of(5, -1000, 1000));
  const p = applyStep(fit({ _tag: "quantile" }, x), probe);
  close(
    p.data[0],
    0.5 + 0.25 * (5 - 3) / (7 - 3) - 0.5,
    1e-6,
    "between 3 and 7",
  );
  assert.equal(p.data[1], -0.5);
  assert.equal(p.data[2], 0.5);
});

Deno.test("quantile sends a tied value to the middle of its run", () => {
  const x = fromData(4, 1, Float32Array.of(1, 2, 2, 3));
  const out = applyStep(fit({ _tag: "quantile" }, x), x);
  // quantiles [1,2,2,3] at 0,⅓,⅔,1: value 2 spans ⅓..⅔ → ½
  assert.deepEqual(Array.from(out.data), [-0.5, 0, 0, 0.5]);
});

Deno.test("a chain fits each step on the previous step's output and its artifact sections round-trip", () => {
  const x = sample(200, 4);
  const fitted = fitChain([
    { _tag: "zscore" },
    { _tag: "whiten", k: 3 },
    { _tag: "l2" },
  ], x);
  const out = applyChain(fitted, x);
  assert.equal(out.dim, 3);
  for (let r = 0; r < out.rows; r++) {
    const v = row(out, r);
    close(Math.hypot(...v), 1, 1e-5, "unit length");
  }
  let dim = x.dim;
  const back = fitted.map((s) => {
    const a = s.module.artifact;
    const f = a?.decode ? a.decode(a.encode(s.f), dim, s.decl) : s.f;
    dim = s.module.outputDim(f, dim);
    return { ...s, f };
  });
  assert.deepEqual(applyChain(back, x).data, out.data);
});

Deno.test("a truncated artifact section is refused, naming the field", () => {
  const [center] = fitChain([{ _tag: "center" }], sample(10, 4));
  const a = center.module.artifact!;
  assert.throws(
    () =>
      a.decode!(
        { meta: {}, arrays: { mean: Float32Array.of(1, 2) } },
        4,
        center.decl,
      ),
    /"mean" has 2 values, expected 4/,
  );
  const [whiten] = fitChain([{ _tag: "whiten", k: 2 }], sample(50, 4));
  const { k: _k, ...meta } = whiten.module.artifact!.encode(whiten.f).meta;
  assert.throws(
    () =>
      whiten.module.artifact!.decode!(
        { ...whiten.module.artifact!.encode(whiten.f), meta },
        4,
        whiten.decl,
      ),
    /field "k" is missing/,
  );
});

Deno.test("fitting on too few vectors and applying to the wrong width fail clearly", () => {
  const one = fromData(1, 2, Float32Array.of(1, 2));
  const e = Effect.runSyncExit(fitStep({ _tag: "zscore" }, one));
  assert.ok(Exit.isFailure(e));
  assert.match(String(e.cause), /at least 2 fitting vectors/);
  const f = fit({ _tag: "center" }, one);
  assert.throws(
    () => applyStep(f, fromData(1, 3, new Float32Array(3))),
    /fitted on 2-d vectors, got 3-d/,
  );
});
