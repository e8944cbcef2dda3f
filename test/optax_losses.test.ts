// Loss functions against real Optax (test/fixtures/optax_losses.json): per-element values
// and the gradient of their sum with respect to the predictions/logits.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Array as JArray } from "../src/index.js";
import { grad, numpy as jnp } from "../src/index.js";
import * as optax from "../src/optax/index.js";
import { assertAllClose, type FixtureArray, fromFixture, get, loadFixture } from "./helpers.js";

const fx = loadFixture("optax_losses");
const TOL = { rtol: 1e-5, atol: 1e-6 };

const LOSSES: Record<string, (...args: any[]) => JArray> = {
  l2Loss: optax.l2Loss,
  squaredError: optax.squaredError,
  huberLoss: optax.huberLoss,
  softmaxCrossEntropy: optax.softmaxCrossEntropy,
  softmaxCrossEntropyWithIntegerLabels: optax.softmaxCrossEntropyWithIntegerLabels,
  sigmoidBinaryCrossEntropy: optax.sigmoidBinaryCrossEntropy,
};

interface Case {
  name: string;
  label: string;
  kwargs: Record<string, unknown>;
  args: FixtureArray[];
  value: FixtureArray;
  grad: FixtureArray;
}

for (const c of get(fx, "cases") as Case[]) {
  test(`optax losses: ${c.label} value and gradient match Optax`, () => {
    const fn = LOSSES[c.name];
    assert.ok(fn, c.name);
    const args = c.args.map(fromFixture);
    const hasOpts = Object.keys(c.kwargs).length > 0;
    const call = (first: JArray, ...rest: JArray[]) => (hasOpts ? fn(first, ...rest, c.kwargs) : fn(first, ...rest));
    // l2Loss and huberLoss take targets before their options; huberLoss always has both here
    assertAllClose(call(args[0]!, ...args.slice(1)), c.value, TOL, `${c.label} value`);
    const g = grad((first: JArray, ...rest: JArray[]) => jnp.sum(call(first, ...rest)))(args[0]!, ...args.slice(1));
    assertAllClose(g, c.grad, TOL, `${c.label} grad`);
  });
}

test("optax losses: large logits stay finite (the stable forms)", () => {
  const logits = jnp.array([[1000, 0, -1000]]);
  assertAllClose(optax.softmaxCrossEntropyWithIntegerLabels(logits, jnp.array([1], { dtype: "int32" })), [1000], TOL);
  assertAllClose(optax.sigmoidBinaryCrossEntropy(jnp.array([200, -200]), jnp.array([1, 1])), [0, 200], TOL);
});

test("softmaxCrossEntropyWithIntegerLabels: labels index as optax's take_along_axis does", () => {
  // real optax 0.2.8: [[1, 2, 3]] with label 5 gives nan, with label -1 (the last class) 0.4076059
  const logits = jnp.array([[1, 2, 3]]);
  const loss = (label: number) => Number(optax.softmaxCrossEntropyWithIntegerLabels(logits, jnp.array([label], { dtype: "int32" })).item());
  assert.ok(Number.isNaN(loss(5)));
  assert.ok(Math.abs(loss(-1) - 0.4076059) < 1e-6);
  assert.equal(loss(-1), loss(2));
});

test("optax losses: bad inputs are rejected with what to do", () => {
  assert.throws(() => optax.squaredError(jnp.ones([3]), jnp.ones([1])), /same shape/);
  assert.throws(() => optax.l2Loss(jnp.array([1, 2], { dtype: "int32" })), /floating point/);
  assert.throws(() => optax.softmaxCrossEntropyWithIntegerLabels(jnp.ones([2, 3]), jnp.array([0.5, 1])), /labels must be integers/);
  assert.throws(
    () => optax.softmaxCrossEntropyWithIntegerLabels(jnp.ones([2, 3]), jnp.array([0, 1, 2], { dtype: "int32" })),
    /labels of shape \[2\]/,
  );
});
