// Learning-rate schedules against real Optax (test/fixtures/optax_schedules.json): values at
// steps 0..100 from int32 counts, eagerly, under jit (a traced count) and from JS numbers.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Array as JArray } from "../src/index.js";
import { jit, numpy as jnp } from "../src/index.js";
import * as optax from "../src/optax/index.js";
import { assertAllClose, get, loadFixture } from "./helpers.js";
import { makeSchedule } from "./optax_trajectories.js";

const fx = loadFixture("optax_schedules");
const TOL = { rtol: 1e-6, atol: 1e-7 };

interface Case {
  schedule: string;
  opts: Record<string, unknown>;
  values: unknown;
}

for (const c of get(fx, "cases") as Case[]) {
  const label = `${c.schedule}(${JSON.stringify(c.opts)})`;
  test(`optax schedules: ${label} matches Optax at steps 0..100`, () => {
    const sched = makeSchedule(c);
    const n = (c.values as { shape: number[] }).shape[0]!;
    const counts = Array.from({ length: n }, (_, i) => jnp.array(i, { dtype: "int32" }));
    const eager = counts.map((k) => Number(sched(k).item()));
    assertAllClose(eager, c.values, TOL, `${label} eager`);
    const jitted = jit((k: JArray) => sched(k));
    assertAllClose(
      counts.map((k) => Number(jitted(k).item())),
      c.values,
      TOL,
      `${label} jit`,
    );
    assert.ok(jitted.traceCount <= 1, "one trace for every int32 count");
    assertAllClose(
      counts.map((_, i) => Number(sched(i).item())),
      c.values,
      TOL,
      `${label} JS number counts`,
    );
  });
}

test("optax schedules: values are float32 scalars, and a schedule maps over a vector of counts", () => {
  const s = optax.warmupCosineDecaySchedule({ initValue: 0, peakValue: 1, warmupSteps: 10, decaySteps: 100 });
  const v = s(5);
  assert.equal(v.dtype, "float32");
  assert.deepEqual([...v.shape], []);
  const many = s(jnp.arange(0, 20, 5, { dtype: "int32" }));
  assertAllClose(many, [0, 0.5, 1, Number(s(15).item())], TOL);
});

test("optax schedules: bad arguments are rejected with the rule", () => {
  assert.throws(() => optax.cosineDecaySchedule({ initValue: 1, decaySteps: 0 }), /decaySteps must be positive/);
  assert.throws(() => optax.piecewiseConstantSchedule({ initValue: 1, boundariesAndScales: { 10: -1 } }), /non-negative/);
  assert.throws(() => optax.joinSchedules({ schedules: [optax.constantSchedule(1)], boundaries: [3] }), /one boundary between each pair/);
  assert.throws(() => optax.linearSchedule({ initValue: 1, endValue: 0, transitionSteps: 2.5 }), /integer number of steps/);
});

test("optax schedules: a non-positive transitionSteps or zero decayRate is the constant initValue, as in Optax", () => {
  assertAllClose(optax.linearSchedule({ initValue: 0.3, endValue: 0, transitionSteps: 0 })(7), 0.3, TOL);
  assertAllClose(optax.exponentialDecay({ initValue: 0.3, transitionSteps: 10, decayRate: 0 })(7), 0.3, TOL);
});
