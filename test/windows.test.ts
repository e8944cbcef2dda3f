// convGeneralDilated, reduceWindow and associativeScan against real JAX
// (test/fixtures/windows.json from scripts/fixtures_windows.py).
import { test } from "node:test";
import { grad, type Array as JArray, jit, numpy as jnp, lax, vmap } from "../src/index.js";
import { arr, assertAllClose, assertTreeClose, get, keysOf, loadFixture } from "./helpers.js";

const fx = loadFixture("windows");
const tol = { rtol: 2e-5, atol: 2e-5 };

const convOpts: Record<string, [number[], lax.Padding, lax.ConvOpts]> = {
  plain_valid: [[1, 1], "VALID", {}],
  same_strided: [[2, 2], "SAME", {}],
  explicit_pad_dilated: [
    [1, 2],
    [
      [1, 2],
      [0, 1],
    ],
    { rhsDilation: [2, 1], lhsDilation: [1, 2] },
  ],
  grouped: [[1, 1], "SAME", { featureGroupCount: 2 }],
  depthwise_1d: [[2], "SAME", { featureGroupCount: 3 }],
  nhwc_hwio: [[1, 1], "VALID", { dimensionNumbers: ["NHWC", "HWIO", "NHWC"] }],
};

for (const name of keysOf(fx, "conv")) {
  test(`convGeneralDilated ${name}: values and gradients`, () => {
    const [strides, padding, opts] = convOpts[name]!;
    const x = arr(fx, "conv", name, "x");
    const w = arr(fx, "conv", name, "w");
    const wt = arr(fx, "conv", name, "wt");
    const f = (x: JArray, w: JArray) => lax.convGeneralDilated(x, w, strides, padding, opts);
    assertAllClose(f(x, w), get(fx, "conv", name, "out"), tol);
    const g = grad((x: JArray, w: JArray) => jnp.sum(f(x, w).mul(wt)), { argnums: [0, 1] });
    assertTreeClose(g(x, w), get(fx, "conv", name, "grads"), tol);
    assertTreeClose(jit(g)(x, w), get(fx, "conv", name, "grads"), tol);
  });
}

test("convGeneralDilated under vmap equals per-example convolution", () => {
  const x = arr(fx, "conv", "grouped", "x");
  const w = arr(fx, "conv", "grouped", "w");
  const one = (xi: JArray) => lax.convGeneralDilated(xi.expandDims(0), w, [1, 1], "SAME", { featureGroupCount: 2 }).squeeze(0);
  const batched = vmap(one)(x);
  assertAllClose(batched, get(fx, "conv", "grouped", "out"), tol);
});

const pools: Record<string, [number, "max" | "sum" | "min", number[], number[], lax.Padding, { windowDilation?: number[] }]> = {
  max_same: [Number.NEGATIVE_INFINITY, "max", [1, 1, 3, 3], [1, 1, 2, 2], "SAME", {}],
  sum_valid: [0, "sum", [1, 1, 2, 2], [1, 1, 1, 1], "VALID", {}],
  sum_dilated: [
    0,
    "sum",
    [1, 1, 2, 2],
    [1, 1, 1, 2],
    [
      [0, 0],
      [0, 0],
      [1, 1],
      [0, 1],
    ],
    { windowDilation: [1, 1, 2, 1] },
  ],
  min_valid: [Number.POSITIVE_INFINITY, "min", [1, 2, 2, 1], [1, 1, 2, 1], "VALID", {}],
};

for (const name of keysOf(fx, "reduce_window")) {
  test(`reduceWindow ${name}: values and gradients`, () => {
    const [init, op, wd, ws, pad, opts] = pools[name]!;
    const x = arr(fx, "reduce_window", name, "x");
    const wt = arr(fx, "reduce_window", name, "wt");
    const f = (x: JArray) => lax.reduceWindow(x, init, op, wd, ws, pad, opts);
    assertAllClose(f(x), get(fx, "reduce_window", name, "out"), tol);
    assertAllClose(grad((x: JArray) => jnp.sum(f(x).mul(wt)))(x), get(fx, "reduce_window", name, "grad"), tol);
  });
}

test("associativeScan: sums, reversed products along an axis, running max, gradient", () => {
  const x = arr(fx, "associative_scan", "x");
  assertAllClose(lax.associativeScan(jnp.add, x), get(fx, "associative_scan", "cumsum"), tol);
  assertAllClose(lax.associativeScan(jnp.multiply, x, { reverse: true, axis: 1 }), get(fx, "associative_scan", "cumprod_rev_axis1"), tol);
  assertAllClose(lax.associativeScan(jnp.maximum, x), get(fx, "associative_scan", "cummax"), tol);
  assertAllClose(grad((x: JArray) => jnp.sum(lax.associativeScan(jnp.multiply, x)))(x), get(fx, "associative_scan", "grad_cumprod"), tol);
  assertAllClose(jit((x: JArray) => lax.associativeScan(jnp.add, x))(x), get(fx, "associative_scan", "cumsum"), tol);
});
