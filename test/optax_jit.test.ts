// A whole training step (loss, grad, opt.update, applyUpdates) under jit equals the eager
// step, for every optimizer configuration of the golden fixtures; and the optimizer state
// keeps its structure and dtypes from step to step, so jit traces the step only once.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Array as JArray } from "../src/index.js";
import { jit, tree } from "../src/index.js";
import { assertAllClose, get, loadFixture, treeFromFixture } from "./helpers.js";
import { buildOptimizer, type Loss, losses, type Run, trainStep } from "./optax_trajectories.js";

const STEPS = 3;

/**
 * Same structure, dtypes and shapes; integer leaves (step counts) equal, float leaves equal
 * up to float32 roundings (a compiled jit may fuse operations, use its own exp/tanh, and
 * sums the products by a float32 matrix in float32, as XLA does, where the eager
 * kernels sum in float64).
 */
function assertTreesEqual(actual: unknown, expected: unknown, label: string): void {
  const [al, adef] = tree.flatten(actual);
  const [el, edef] = tree.flatten(expected);
  assert.ok(adef.equals(edef), `${label}: structure ${adef} != ${edef}`);
  al.forEach((a, i) => {
    const x = a as JArray;
    const y = el[i] as JArray;
    assert.equal(x.dtype, y.dtype, `${label} leaf ${i} dtype`);
    assert.deepEqual([...x.shape], [...y.shape], `${label} leaf ${i} shape`);
    if (x.dtype === "float32") assertAllClose(x, Array.from(y.dataSync()), { rtol: 1e-5, atol: 1e-8 }, `${label} leaf ${i}`);
    else assert.deepEqual(Array.from(x.dataSync()), Array.from(y.dataSync()), `${label} leaf ${i} values`);
  });
}

function jitMatchesEager(problem: "regression" | "mlp", loss: Loss): void {
  const fx = loadFixture(`optax_${problem}`);
  const params0 = treeFromFixture(get(fx, "params"));
  const data = treeFromFixture(get(fx, "data"));
  const mask = get(fx, "mask");
  for (const run of get(fx, "runs") as Run[]) {
    test(`optax jit: ${problem}/${run.name}: the jitted train step equals the eager one, traced once`, () => {
      const opt = buildOptimizer(run, mask);
      const eager = trainStep(loss, opt);
      const jitted = jit(trainStep(loss, opt));
      let pe: unknown = params0;
      let se: unknown = opt.init(params0);
      let pj: unknown = params0;
      let sj: unknown = opt.init(params0);
      for (let i = 0; i < STEPS; i++) {
        [pe, se] = eager(pe, se, data);
        [pj, sj] = jitted(pj, sj, data);
        assertTreesEqual(pj, pe, `${run.name} params after step ${i + 1}`);
        assertTreesEqual(sj, se, `${run.name} state after step ${i + 1}`);
      }
      assert.equal(jitted.traceCount, 1, "the state keeps its structure, shapes and dtypes, so one trace serves every step");
    });
  }
}

jitMatchesEager("regression", losses.regression);
jitMatchesEager("mlp", losses.mlp);
