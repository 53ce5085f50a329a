import "../temp_cache.ts";
import assert from "node:assert/strict";
import { lbfgs } from "../../src/eval/lbfgs.ts";

Deno.test("L-BFGS finds the Rosenbrock minimum at (1, 1)", async () => {
  const r = await lbfgs(
    (x, g) => {
      const [a, b] = x;
      g[0] = -2 * (1 - a) - 400 * a * (b - a * a);
      g[1] = 200 * (b - a * a);
      return Promise.resolve((1 - a) ** 2 + 100 * (b - a * a) ** 2);
    },
    Float64Array.of(-1.2, 1),
    { maxIter: 500, gradTol: 1e-10, relTol: 0 },
  );
  assert.ok(r.converged);
  assert.ok(
    Math.abs(r.x[0] - 1) < 1e-6 && Math.abs(r.x[1] - 1) < 1e-6,
    `${r.x}`,
  );
});

Deno.test("L-BFGS solves a quadratic to its closed form A⁻¹b", async () => {
  // f(x) = ½xᵀAx − bᵀx, A = [[4, 1], [1, 3]], b = (1, 2): x* = (1/11, 7/11).
  const r = await lbfgs(
    (x, g) => {
      g[0] = 4 * x[0] + x[1] - 1;
      g[1] = x[0] + 3 * x[1] - 2;
      return Promise.resolve(
        0.5 * (4 * x[0] * x[0] + 2 * x[0] * x[1] + 3 * x[1] * x[1]) - x[0] -
          2 * x[1],
      );
    },
    new Float64Array(2),
    { gradTol: 1e-12, relTol: 0 },
  );
  assert.ok(
    Math.abs(r.x[0] - 1 / 11) < 1e-9 && Math.abs(r.x[1] - 7 / 11) < 1e-9,
  );
});
