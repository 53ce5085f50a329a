import assert from "node:assert/strict";
import { Effect } from "effect";
import { loadPipeline } from "../../src/pipeline/load.ts";
import { servicesLayer } from "../../src/services.ts";
import { testPaths } from "../test_paths.ts";
import { goldenCases } from "./golden_pipelines.ts";

interface Checked {
  readonly row: number;
  readonly head: ReadonlyArray<number>;
  readonly norm: number;
  readonly projection: number;
}
interface Golden {
  readonly rows: number;
  readonly dim: number;
  readonly checked: ReadonlyArray<Checked>;
}

const golden = JSON.parse(
  Deno.readTextFileSync(new URL("./golden_vectors.json", import.meta.url)),
) as { readonly pipelines: Record<string, Golden> };

// The ±1 direction the recorder projected every row on (all dimensions count).
const sign = (j: number) => ((Math.imul(j, 2654435761) >>> 16) & 1 ? 1 : -1);

Deno.test("every declared pipeline gives the vectors recorded before the stage-list refactor (1e-6)", async () => {
  const fixtures = await Deno.makeTempDir({ prefix: "sentemb-golden-" });
  const layer = servicesLayer({ ...testPaths, fixtures });
  const run = <A, E>(e: Effect.Effect<A, E, never>) => Effect.runPromise(e);
  try {
    const cases = await run(Effect.provide(goldenCases(fixtures), layer));
    assert.equal(cases.length, Object.keys(golden.pipelines).length);
    for (const [spec, texts] of cases) {
      const want = golden.pipelines[spec.name];
      assert.ok(want, `${spec.name} has a recording`);
      const v = await run(Effect.provide(
        loadPipeline(spec).pipe(
          Effect.flatMap((p) => p.fit(texts)),
          Effect.flatMap((e) => e.embed(texts)),
        ),
        layer,
      ));
      assert.equal(v.rows, want.rows, spec.name);
      assert.equal(v.dim, want.dim, spec.name);
      for (const c of want.checked) {
        const r = v.data.subarray(c.row * v.dim, (c.row + 1) * v.dim);
        c.head.forEach((x, j) =>
          assert.ok(
            Math.abs(r[j] - x) <= 1e-6,
            `${spec.name} row ${c.row} dim ${j}: ${r[j]} vs ${x}`,
          )
        );
        let norm = 0, projection = 0;
        for (let j = 0; j < r.length; j++) {
          norm += r[j] * r[j];
          projection += r[j] * sign(j);
        }
        // Sums over every dimension: 1e-6 per component at most.
        const tol = 1e-6 * v.dim;
        assert.ok(Math.abs(Math.sqrt(norm) - c.norm) <= tol, spec.name);
        assert.ok(Math.abs(projection - c.projection) <= tol, spec.name);
      }
    }
  } finally {
    await Deno.remove(fixtures, { recursive: true });
  }
});
