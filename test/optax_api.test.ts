// jaxts/optax building blocks: closed-form updates, masking, gradient accumulation,
// clipping, state layout, and the errors for mismatched pytrees and missing params.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Array as JArray } from "../src/index.js";
import { grad, jit, numpy as jnp, tree } from "../src/index.js";
import * as optax from "../src/optax/index.js";
import { assertAllClose, type Tolerance } from "./helpers.js";

const TOL = { rtol: 1e-6, atol: 1e-7 };
const f32 = (x: number | number[] | number[][]) => jnp.array(x);

type Expected = number | readonly unknown[] | { [key: string]: Expected };

/** Compares a pytree of arrays with the same nesting of plain objects holding numbers or nested number lists. */
function assertNear(actual: unknown, expected: Expected, tol: Tolerance = TOL, label = "tree"): void {
  if (typeof expected === "number" || Array.isArray(expected)) {
    assertAllClose(actual, typeof expected === "number" ? expected : (expected.flat(Number.POSITIVE_INFINITY) as number[]), tol, label);
    return;
  }
  const obj = actual as Record<string, unknown>;
  assert.deepEqual(Object.keys(obj).sort(), Object.keys(expected).sort(), `${label}: keys`);
  for (const k of Object.keys(expected)) assertNear(obj[k], (expected as Record<string, Expected>)[k]!, tol, `${label}.${k}`);
}

test("optax: sgd's update is -lr * g, and applyUpdates adds it in the parameter dtype", () => {
  const params = { w: f32([1, 2]), b: f32(0.5) };
  const grads = { w: f32([0.5, -1]), b: f32(2) };
  const opt = optax.sgd(0.1);
  const [updates, state] = opt.update(grads, opt.init(params), params);
  assertNear(updates, { w: [-0.05, 0.1], b: -0.2 });
  const next = optax.applyUpdates(params, updates);
  assertAllClose(next.w, [0.95, 2.1], TOL);
  assertAllClose(next.b, 0.3, TOL);
  assert.deepEqual(state, [{}, {}]);
  const half = optax.applyUpdates({ h: jnp.ones([2], { dtype: "float16" }) }, { h: f32([0.5, 0.25]) });
  assert.equal(half.h.dtype, "float16");
});

test("optax: adam's first step is -lr * g / (|g| + eps) and its count is an int32 scalar", () => {
  const params = f32([1, 1, 1]);
  const g = f32([0.3, -2, 1e-3]);
  const opt = optax.adam(0.1);
  const [u, state] = opt.update(g, opt.init(params));
  // (1 - b2**1 is rounded in float32, hence the looser tolerance)
  assertAllClose(u, [-0.1, 0.1, -0.1 * (1e-3 / (1e-3 + 1e-8))], { rtol: 1e-5 });
  const adamState = (state as [optax.ScaleByAdamState, unknown])[0];
  assert.equal(adamState.count.dtype, "int32");
  assert.equal(adamState.count.item(), 1);
  assertAllClose(adamState.mu as JArray, [0.03, -0.2, 1e-4], TOL);
});

test("optax: a learning-rate schedule is read at the count before it is incremented", () => {
  const opt = optax.sgd(optax.linearSchedule({ initValue: 0, endValue: 1, transitionSteps: 10 }));
  const p = f32([1]);
  let state = opt.init(p);
  const seen: number[] = [];
  for (let i = 0; i < 3; i++) {
    const [u, s] = opt.update(f32([1]), state);
    state = s;
    seen.push(-Number(u.item()));
  }
  assertAllClose(seen, [0, 0.1, 0.2], TOL);
});

test("optax: scaleByLearningRate flips the sign unless told not to; identity and scale", () => {
  const g = f32([2]);
  assertAllClose(optax.scaleByLearningRate(0.5).update(g, {})[0], [-1], TOL);
  assertAllClose(optax.scaleByLearningRate(0.5, { flipSign: false }).update(g, {})[0], [1], TOL);
  assertAllClose(optax.identity().update(g, {})[0], [2], TOL);
  assertAllClose(optax.scale(3).update(g, {})[0], [6], TOL);
});

test("optax: adadelta without a learning rate scales but keeps the sign, as Optax does", () => {
  // first step: sqrt(0 + eps) / sqrt((1 - rho) g^2 + eps) * g
  const g = 0.5;
  const opt = optax.adadelta();
  const [u] = opt.update(f32([g]), opt.init(f32([0])), f32([0]));
  assertAllClose(u, [(Math.sqrt(1e-6) / Math.sqrt(0.1 * g * g + 1e-6)) * g], { rtol: 1e-5 });
});

test("optax: globalNorm and clipByGlobalNorm", () => {
  const g = { a: f32([3, 0]), b: f32([[4]]) };
  assertAllClose(optax.globalNorm(g), 5, TOL);
  const [clipped] = optax.clipByGlobalNorm(1).update(g, {});
  assertNear(clipped, { a: [0.6, 0], b: [[0.8]] });
  const [kept] = optax.clipByGlobalNorm(10).update(g, {});
  assertNear(kept, { a: [3, 0], b: [[4]] });
  const [each] = optax.clip(1).update(f32([-3, 0.5, 2]), {});
  assertAllClose(each, [-1, 0.5, 1], TOL);
});

test("optax: masked applies the inner transformation to the selected leaves only, with no state for the others", () => {
  const params = { w: f32([1, 2]), b: f32([3]), nested: { v: f32([4]) } };
  const grads = { w: f32([1, 1]), b: f32([1]), nested: { v: f32([1]) } };
  // a function of the params, and a tree prefix: `nested` is one flag for its whole subtree
  const tx = optax.masked(optax.scale(10), (p: unknown) => ({ w: true, b: false, nested: Object.keys(p as object).length === 3 }));
  const [u] = tx.update(grads, tx.init(params));
  assertNear(u, { w: [10, 10], b: [1], nested: { v: [10] } });
  const adam = optax.masked(optax.adam(0.1), { w: false, b: true, nested: { v: false } });
  const state = adam.init(params) as optax.MaskedState;
  const mu = ((state.innerState as unknown[])[0] as optax.ScaleByAdamState).mu as Record<string, unknown>;
  assert.equal(mu.w, null);
  assert.deepEqual((mu.nested as Record<string, unknown>).v, null);
  assert.equal(tree.leaves(mu).length, 1);
  const [u2] = adam.update(grads, state, params);
  assertNear(u2, { w: [1, 1], b: [-0.1], nested: { v: [1] } }, { rtol: 1e-5 });
});

test("optax: adamw's weight decay is multiplied by the learning rate and respects its mask", () => {
  const params = { w: f32([2]), b: f32([2]) };
  const zeroGrads = { w: f32([0]), b: f32([0]) };
  const opt = optax.adamw(0.1, { weightDecay: 0.5, mask: { w: true, b: false } });
  const [u] = opt.update(zeroGrads, opt.init(params), params);
  // adam(0) = 0; decay adds 0.5 * 2; the learning rate scales and flips it
  assertNear(u, { w: [-0.1], b: [0] });
});

test("optax: multiSteps averages k gradients, applies the inner optimizer once per k calls, and is zero in between", () => {
  const k = 3;
  const opt = optax.multiSteps(optax.sgd(1), k);
  const params = f32([0, 0]);
  let state = opt.init(params);
  const grads = [f32([1, 2]), f32([3, 4]), f32([5, 9])];
  const outs: JArray[] = [];
  for (const g of grads) {
    const [u, s] = opt.update(g, state, params);
    state = s;
    outs.push(u);
    assert.equal(opt.hasUpdated(state).item(), outs.length === k);
  }
  assertAllClose(outs[0]!, [0, 0], TOL);
  assertAllClose(outs[1]!, [0, 0], TOL);
  assertAllClose(outs[2]!, [-3, -5], TOL);
  assert.equal(state.gradientStep.item(), 1);
  assert.equal(state.miniStep.item(), 0);
  assertAllClose(state.accGrads as JArray, [0, 0], TOL);
});

test("optax: mismatched params, gradients and state raise an error showing both structures", () => {
  const params = { w: f32([1, 2]), b: f32([0]) };
  const opt = optax.adam(0.1);
  const state = opt.init(params);
  assert.throws(
    () => opt.update({ w: f32([1, 2]) }, state),
    (e: Error) =>
      /optax\.scaleByAdam: updates and state\.mu have different pytree structures/.test(e.message) &&
      e.message.includes("{w: *}") &&
      e.message.includes("{b: *, w: *}"),
  );
  assert.throws(
    () => opt.update({ w: f32([1, 2]), b: f32([0]) }, state, { w: f32([1, 2]), c: f32([0]) }),
    (e: Error) =>
      /optax\.chain: updates and params/.test(e.message) && e.message.includes("{b: *, w: *}") && e.message.includes("{c: *, w: *}"),
  );
  assert.throws(
    () => optax.applyUpdates(params, [f32([1, 2]), f32([0])]),
    (e: Error) => /optax\.applyUpdates: params and updates/.test(e.message) && e.message.includes("[*, *]"),
  );
  assert.throws(() => opt.update({ w: f32([1, 2]), b: f32([0]) }, [state]), /a JS array of 2 states/);
  assert.throws(() => optax.sgd(0.1, { momentum: 0.9 }).init({ w: 1 }), /every parameter leaf must be an array/);
});

test("optax: transformations that need params say so", () => {
  const opt = optax.adamw(0.1);
  const p = f32([1]);
  assert.throws(() => opt.update(p, opt.init(p)), /optax\.addDecayedWeights: this transformation needs the current parameters/);
  const trust = optax.scaleByTrustRatio();
  assert.throws(() => trust.update(p, trust.init(p)), /optax\.scaleByTrustRatio: this transformation needs the current parameters/);
});

test("optax: chain runs its transformations in order and keeps one state per link", () => {
  const opt = optax.chain(optax.clip(1), optax.scale(-2), optax.trace(0.5));
  const p = f32([0, 0]);
  const state = opt.init(p);
  assert.equal(state.length, 3);
  const [u1, s1] = opt.update(f32([5, -0.25]), state);
  assertAllClose(u1, [-2, 0.5], TOL);
  const [u2] = opt.update(f32([5, -0.25]), s1);
  assertAllClose(u2, [-3, 0.75], TOL);
});

test("optax: centered rmsprop with bias correction follows its formula step by step", () => {
  // scaleByStddev: mu, nu EMAs of g and g^2 (nu starts at initialScale), both divided by
  // 1 - decay^t, update = g / (sqrt(nu_hat - mu_hat^2) + eps)
  const decay = 0.9;
  const eps = 1e-8;
  const tx = optax.scaleByStddev({ decay, eps, initialScale: 1, biasCorrection: true, epsInSqrt: false });
  let state = tx.init(f32([0]));
  let mu = 0;
  let nu = 1;
  for (const [t, g] of [
    [1, 0.5],
    [2, -1.5],
    [3, 2],
  ] as const) {
    const [u, s] = tx.update(f32([g]), state);
    state = s;
    mu = (1 - decay) * g + decay * mu;
    nu = (1 - decay) * g * g + decay * nu;
    const c = 1 - decay ** t;
    const expected = g / (Math.sqrt(nu / c - (mu / c) ** 2) + eps);
    assertAllClose(u, [expected], { rtol: 1e-5 }, `step ${t}`);
    assert.equal(state.count?.item(), t);
  }
});

test("optax.flatten: Adam on one raveled vector takes the same steps as Adam per leaf, eager and under jit", () => {
  const params0 = {
    w: jnp.array([
      [1, -2, 3],
      [0.5, 0.25, -1],
    ]),
    b: jnp.array([0.1, -0.2, 0.3]),
    s: jnp.array(2),
  };
  type P = typeof params0;
  const loss = (p: P) =>
    p.w
      .sum()
      .mul(p.b.sum())
      .add(p.w.pow(2).sum())
      .add(jnp.sin(p.s.mul(p.b)).sum());
  const run = (tx: optax.GradientTransformation<any>, steps: number, compiled: boolean) => {
    const step = (p: P, st: unknown): [P, unknown] => {
      const [u, next] = tx.update(grad(loss)(p), st, p);
      return [optax.applyUpdates(p, u), next];
    };
    const f = compiled ? jit(step) : step;
    let p = params0;
    let st = tx.init(p);
    for (let i = 0; i < steps; i++) [p, st] = f(p, st);
    return [p, st] as const;
  };
  const make = () => optax.adamw(0.05, { weightDecay: 0.1 });
  const [perLeaf] = run(make(), 6, false);
  for (const compiled of [false, true]) {
    const [flat, flatState] = run(optax.flatten(make()), 6, compiled);
    for (const k of ["w", "b", "s"] as const) {
      assert.deepEqual(flat[k].shape, perLeaf[k].shape);
      assertAllClose(flat[k], Array.from(perLeaf[k].dataSync()), { rtol: 1e-6, atol: 1e-7 }, `${k} (jit: ${compiled})`);
    }
    // the inner state holds the moments as vectors of all 10 parameters
    assert.ok((tree.leaves(flatState) as JArray[]).some((l) => l.ndim === 1 && l.shape[0] === 10));
  }
  assert.throws(() => optax.flatten(optax.sgd(0.1)).init({}), /optax.flatten: the pytree has no arrays to flatten/);
});
