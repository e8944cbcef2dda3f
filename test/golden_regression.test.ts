// Golden test against real JAX (test/fixtures/regression.json): the seed blog's linear
// regression by gradient descent, 500 steps in float32, checked step by step.
//   loss(b0, b1, X, y) = mean((y - (b0 + b1 * X)) ** 2); b0 = b1 = 0; step_size = 0.1
//   each step: loss[i] = loss(b0, b1); g0 = grad(loss, argnums=0)(...); g1 = grad(loss, argnums=1)(...)
//              b0 -= step_size * g0; b1 -= step_size * g1; (b0[i], b1[i]) = the updated params
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Array as JArray } from "../src/index.js";
import { grad, jit, numpy as jnp, valueAndGrad } from "../src/index.js";
import { arr, assertAllClose, get, getLeaf, loadFixture } from "./helpers.js";

const fx = loadFixture("regression");
const TOL = { rtol: 1e-4, atol: 1e-5 };

const stepSize = get(fx, "step_size");
const steps = get(fx, "steps");
assert.equal(typeof stepSize, "number");
assert.equal(typeof steps, "number");
const STEP_SIZE = stepSize as number;
const STEPS = steps as number;

function loss(b0: JArray, b1: JArray, X: JArray, y: JArray): JArray {
  return jnp.mean(y.sub(b0.add(b1.mul(X))).pow(2));
}

interface Trajectory {
  b0: number[];
  b1: number[];
  loss: number[];
}

function checkTrajectory(t: Trajectory, label: string): void {
  assert.equal(t.b0.length, STEPS);
  assertAllClose(t.b0, getLeaf(fx, "b0"), TOL, `${label} b0 trajectory`);
  assertAllClose(t.b1, getLeaf(fx, "b1"), TOL, `${label} b1 trajectory`);
  assertAllClose(t.loss, getLeaf(fx, "loss"), TOL, `${label} loss trajectory`);
}

function scalar(x: JArray): number {
  const v = x.item();
  assert.equal(typeof v, "number");
  return v as number;
}

test("golden regression: X, y round-trip and the initial loss", () => {
  const X = arr(fx, "X");
  const y = arr(fx, "y");
  assert.deepEqual([...X.shape], [100]);
  assert.equal(X.dtype, "float32");
  const zero = jnp.zeros([], { dtype: "float32" });
  const first = getLeaf(fx, "loss").data[0];
  assert.equal(typeof first, "number");
  assertAllClose(loss(zero, zero, X, y), first as number, TOL, "initial loss");
});

test("golden regression: 500 steps of grad(loss, argnums=0/1) descent match JAX step by step", () => {
  const X = arr(fx, "X");
  const y = arr(fx, "y");
  let b0 = jnp.zeros([], { dtype: "float32" });
  let b1 = jnp.zeros([], { dtype: "float32" });
  const g0Fn = grad(loss, { argnums: 0 });
  const g1Fn = grad(loss, { argnums: 1 });
  const t: Trajectory = { b0: [], b1: [], loss: [] };
  for (let i = 0; i < STEPS; i++) {
    t.loss.push(scalar(loss(b0, b1, X, y)));
    const g0 = g0Fn(b0, b1, X, y) as JArray;
    const g1 = g1Fn(b0, b1, X, y) as JArray;
    b0 = b0.sub(g0.mul(STEP_SIZE));
    b1 = b1.sub(g1.mul(STEP_SIZE));
    t.b0.push(scalar(b0));
    t.b1.push(scalar(b1));
  }
  assert.equal(b0.dtype, "float32", "params stay float32 (JS numbers are weak-typed)");
  assert.equal(b1.dtype, "float32");
  checkTrajectory(t, "eager");
});

test("golden regression: the same descent with jit(valueAndGrad(loss, {argnums: [0, 1]}))", () => {
  const X = arr(fx, "X");
  const y = arr(fx, "y");
  let b0 = jnp.zeros([], { dtype: "float32" });
  let b1 = jnp.zeros([], { dtype: "float32" });
  const step = jit(valueAndGrad(loss, { argnums: [0, 1] }));
  const t: Trajectory = { b0: [], b1: [], loss: [] };
  for (let i = 0; i < STEPS; i++) {
    const [value, grads] = step(b0, b1, X, y);
    const [g0, g1] = grads as JArray[];
    assert.ok(g0 !== undefined && g1 !== undefined, "two gradients");
    t.loss.push(scalar(value as JArray));
    b0 = b0.sub(g0.mul(STEP_SIZE));
    b1 = b1.sub(g1.mul(STEP_SIZE));
    t.b0.push(scalar(b0));
    t.b1.push(scalar(b1));
  }
  checkTrajectory(t, "jit(valueAndGrad)");
});
