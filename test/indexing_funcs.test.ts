// jnp functions built on gather/scatter and the cumulative and dynamic-slice primitives,
// against real JAX (test/fixtures/indexing_funcs.json, from scripts/fixtures_indexing.py):
// take, takeAlongAxis, putAlongAxis, nonzero/argwhere/flatnonzero, select, the triangle
// indices, unravelIndex/ravelMultiIndex, bincount, cumsum/cumprod/cummax/cummin, diff,
// ediff1d, dynamicSlice/dynamicUpdateSlice — values and gradients; then jit, vmap and the
// errors of value-dependent shapes under jit.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Array as JArray } from "../src/index.js";
import { grad, jit, numpy as jnp, vmap } from "../src/index.js";
import { cumprod, cumsum, diff, ediff1d, nancumprod, nancumsum } from "../src/numpy/cumulative.js";
import {
  argwhere,
  bincount,
  flatnonzero,
  nonzero,
  putAlongAxis,
  ravelMultiIndex,
  select,
  take,
  takeAlongAxis,
  trilIndices,
  trilIndicesFrom,
  triuIndices,
  triuIndicesFrom,
  unravelIndex,
} from "../src/numpy/gather.js";
import { ConcretizationTypeError } from "../src/numpy/methods.js";
import * as lax from "../src/primitives/cumulative.js";
import { dynamicSlice, dynamicUpdateSlice } from "../src/primitives/dynamic_slice.js";
import { arr, assertAllClose, assertTreeClose, get, loadFixture } from "./helpers.js";

const TOL = { rtol: 1e-5, atol: 1e-6 };
const fx = loadFixture("indexing_funcs");
const c = (name: string, key: string): JArray => arr(fx, "cases", name, key);
const want = (name: string, key: string): unknown => get(fx, "cases", name, key);
const ints = (x: unknown) => jnp.array(x as number[], { dtype: "int32" });

function assertArraysClose(actual: JArray, expected: JArray, label: string): void {
  assert.deepEqual([...actual.shape], [...expected.shape], `${label}: shape`);
  assertAllClose(actual, Array.from(expected.dataSync(), Number), TOL, label);
}

test("take: flat, clip, wrap and fill modes, int fill, gradient", () => {
  const x = c("take", "x");
  assertAllClose(take(x, [0, 11, 5, -1]), want("take", "flat"), TOL, "flat");
  assertAllClose(take(x, [3, 0, 9, -2], 1, { mode: "clip" }), want("take", "axis1_clip"), TOL, "clip");
  assertAllClose(
    take(
      x,
      [
        [4, -1],
        [0, 2],
      ],
      0,
      { mode: "wrap" },
    ),
    want("take", "axis0_wrap"),
    TOL,
    "wrap",
  );
  assertAllClose(take(x, [1, 4, -5], 1, { mode: "fill", fillValue: -3 }), want("take", "axis1_fill"), TOL, "fill");
  assertAllClose(take(jnp.arange(6), [2, 9, -1]), want("take", "axis0_fill_int"), TOL, "int fill");
  const g = grad((x: JArray) => take(x, [1, 1, 3, -1], 1).square().sum())(x);
  assertAllClose(g, want("take", "grad_axis1"), TOL, "grad");
  // the default fill of floats is NaN (not storable in the fixture)
  const nan = take(jnp.array([1, 2]), [0, 2]).tolist() as number[];
  assert.equal(nan[0], 1);
  assert.ok(Number.isNaN(nan[1]!));
});

test("takeAlongAxis and putAlongAxis", () => {
  const x = c("take_along_axis", "x");
  const idx = c("take_along_axis", "idx");
  assertAllClose(takeAlongAxis(x, idx, 1), want("take_along_axis", "axis1"), TOL, "axis 1");
  assertAllClose(takeAlongAxis(x, [[2, 0, 1, 1]], 0), want("take_along_axis", "axis0"), TOL, "axis 0");
  assertAllClose(takeAlongAxis(x, [[1], [0], [3]], 1), want("take_along_axis", "broadcast"), TOL, "broadcast");
  assertAllClose(takeAlongAxis(x, [[5, -1, 0, 2]], 0, { mode: "fill", fillValue: 0.5 }), want("take_along_axis", "fill"), TOL, "fill");
  const w = jnp.arange(12).astype("float32").reshape([3, 4]);
  assertAllClose(grad((x: JArray) => takeAlongAxis(x, idx, 1).mul(w).sum())(x), want("take_along_axis", "grad"), TOL, "grad");
  assertAllClose(putAlongAxis(x, [[0], [2], [3]], jnp.array([[7], [8], [9]]), 1), want("put_along_axis", "axis1"), TOL, "put axis 1");
  assertAllClose(putAlongAxis(x, [[2, 0, 1, 1]], -1, 0), want("put_along_axis", "axis0_scalar"), TOL, "put scalar");
  assert.throws(() => putAlongAxis(x, [[0]], 1, 1, { inplace: true }), /immutable/);
});

test("nonzero, argwhere, flatnonzero (with and without size and fillValue)", () => {
  const m = c("nonzero", "x");
  assertTreeClose(nonzero(m), want("nonzero", "plain"), TOL, "plain");
  assertTreeClose(nonzero(m, { size: 7 }), want("nonzero", "size_pad"), TOL, "size pad");
  assertTreeClose(nonzero(m, { size: 7, fillValue: -1 }), want("nonzero", "size_fill"), TOL, "size fill");
  assertTreeClose(nonzero(m, { size: 6, fillValue: [-1, -2] }), want("nonzero", "size_fill_tuple"), TOL, "size fill tuple");
  assertTreeClose(nonzero(m, { size: 2 }), want("nonzero", "size_cut"), TOL, "size cut");
  assertAllClose(argwhere(m), want("nonzero", "argwhere"), TOL, "argwhere");
  assertAllClose(argwhere(m, { size: 6, fillValue: 9 }), want("nonzero", "argwhere_size"), TOL, "argwhere size");
  assertAllClose(flatnonzero(m), want("nonzero", "flatnonzero"), TOL, "flatnonzero");
  assertAllClose(flatnonzero(m, { size: 3 }), want("nonzero", "flatnonzero_size"), TOL, "flatnonzero size");
  // under jit: a static size works, no size is a ConcretizationTypeError that names the fix
  const jitted = jit((m: JArray) => nonzero(m, { size: 7, fillValue: -1 }))(m);
  assertTreeClose(jitted, want("nonzero", "size_fill"), TOL, "jit size fill");
  assert.throws(
    () => jit((m: JArray) => nonzero(m))(m),
    (e: unknown) => e instanceof ConcretizationTypeError && /size/.test(String(e)),
  );
  assert.throws(() => nonzero(jnp.array(1)), /0d/);
});

test("select with and without default", () => {
  const x = c("select", "x");
  const y = c("select", "y");
  assertAllClose(select([x.gt(0.5), x.lt(-0.5), y.gt(0)], [x, y, x.mul(y)], -1), want("select", "out"), TOL, "select");
  assertAllClose(select([x.gt(0)], [y]), want("select", "out_default0"), TOL, "default 0");
  assert.throws(() => select([x.gt(0)], []), /same length/);
});

test("trilIndices, triuIndices and their *From forms", () => {
  assertTreeClose(trilIndices(4), want("triangles", "tril"), TOL, "tril");
  assertTreeClose(trilIndices(3, 1, 5), want("triangles", "tril_k1_m5"), TOL, "tril k=1 m=5");
  assertTreeClose(trilIndices(4, -1), want("triangles", "tril_km1"), TOL, "tril k=-1");
  assertTreeClose(triuIndices(4), want("triangles", "triu"), TOL, "triu");
  assertTreeClose(triuIndices(4, 1, 3), want("triangles", "triu_k1_m3"), TOL, "triu k=1 m=3");
  assertTreeClose(triuIndices(3, -2), want("triangles", "triu_km2"), TOL, "triu k=-2");
  assertTreeClose(trilIndicesFrom(jnp.zeros([3, 5]), 1), want("triangles", "tril_k1_m5"), TOL, "tril from");
  assertTreeClose(triuIndicesFrom(jnp.zeros([4, 3]), 1), want("triangles", "triu_k1_m3"), TOL, "triu from");
});

test("unravelIndex and ravelMultiIndex (orders and modes)", () => {
  assertTreeClose(unravelIndex([22, 41, 37, -1, -42, 100, -100], [7, 6]), want("ravel_unravel", "unravel"), TOL, "unravel");
  assertTreeClose(
    unravelIndex(
      [
        [5, 23],
        [0, 11],
      ],
      [2, 3, 4],
    ),
    want("ravel_unravel", "unravel_3d"),
    TOL,
    "unravel 3d",
  );
  assertAllClose(
    ravelMultiIndex(
      [
        [3, 6, 6],
        [4, 5, 1],
      ],
      [7, 6],
    ),
    want("ravel_unravel", "ravel"),
    TOL,
    "ravel",
  );
  assertAllClose(
    ravelMultiIndex(
      [
        [3, 6, 6],
        [4, 5, 1],
      ],
      [7, 6],
      { order: "F" },
    ),
    want("ravel_unravel", "ravel_f"),
    TOL,
    "ravel F",
  );
  assertAllClose(
    ravelMultiIndex(
      [
        [3, 9, -1],
        [4, 5, 8],
      ],
      [7, 6],
      { mode: "clip" },
    ),
    want("ravel_unravel", "ravel_clip"),
    TOL,
    "clip",
  );
  assertAllClose(
    ravelMultiIndex(
      [
        [3, 9, -1],
        [4, 5, 8],
      ],
      [7, 6],
      { mode: "wrap" },
    ),
    want("ravel_unravel", "ravel_wrap"),
    TOL,
    "wrap",
  );
  assert.throws(
    () =>
      ravelMultiIndex(
        [
          [3, 9],
          [4, 5],
        ],
        [7, 6],
      ),
    /invalid entry/,
  );
});

test("bincount: counts, weights, length, minlength, gradient in the weights, jit", () => {
  const b = c("bincount", "x");
  const w = c("bincount", "w");
  assertAllClose(bincount(b), want("bincount", "plain"), TOL, "plain");
  assertAllClose(bincount(b, w), want("bincount", "weights"), TOL, "weights");
  assertAllClose(bincount(b, null, { length: 4 }), want("bincount", "length"), TOL, "length");
  assertAllClose(bincount(b, null, { minlength: 10 }), want("bincount", "minlength"), TOL, "minlength");
  assertAllClose(grad((w: JArray) => bincount(b, w, { length: 5 }).square().sum())(w), want("bincount", "grad_w"), TOL, "grad");
  assertAllClose(jit((b: JArray) => bincount(b, null, { length: 4 }))(b), want("bincount", "length"), TOL, "jit");
  assert.throws(
    () => jit((b: JArray) => bincount(b))(b),
    (e: unknown) => e instanceof ConcretizationTypeError && /length/.test(String(e)),
  );
});

test("cumulative: cumsum/cumprod dtypes, cummax/cummin, reverse, diff, ediff1d", () => {
  const x = c("cumulative", "x");
  const m = c("cumulative", "m");
  const k = (key: string) => want("cumulative", key);
  assertAllClose(cumsum(x), k("cumsum_flat"), TOL, "cumsum flat");
  assertAllClose(cumsum(x, 1), k("cumsum_ax1"), TOL, "cumsum axis 1");
  const cb = cumsum(x.gt(1), 0);
  assert.equal(cb.dtype, "int32");
  assertAllClose(cb, k("cumsum_bool"), TOL, "cumsum bool");
  assertAllClose(cumsum(ints([1, 2, 3, 4])), k("cumsum_int"), TOL, "cumsum int");
  const cbool = cumsum(ints([0, 2, -2, 0]), null, { dtype: "bool" });
  assert.equal(cbool.dtype, "bool");
  assertAllClose(cbool, k("cumsum_dtype_bool"), TOL, "cumsum dtype bool");
  assertAllClose(cumprod(x, 0), k("cumprod_ax0"), TOL, "cumprod");
  assertAllClose(cumprod(ints([1, 2, -3, 4])), k("cumprod_int"), TOL, "cumprod int");
  assertAllClose(lax.cummax(m, 1), k("cummax_ax1"), TOL, "cummax");
  assertAllClose(lax.cummin(m, 1, true), k("cummin_rev"), TOL, "cummin reverse");
  assertAllClose(lax.cumsum(x, 0, true), k("cumsum_rev"), TOL, "cumsum reverse");
  assertAllClose(diff(m), k("diff"), TOL, "diff");
  assertAllClose(diff(m, 2, 0), k("diff2_ax0"), TOL, "diff n=2");
  assertAllClose(diff(m, 1, 1, { prepend: 0, append: jnp.ones([3, 1]) }), k("diff_prepend_append"), TOL, "diff prepend/append");
  assertAllClose(diff(m.gt(3)), k("diff_bool"), TOL, "diff bool");
  assertAllClose(ediff1d(m, { toBegin: [-1, -2], toEnd: 100 }), k("ediff1d"), TOL, "ediff1d");
  assert.deepEqual(nancumsum(jnp.array([1, Number.NaN, 2])).tolist(), [1, 1, 3]);
  assert.deepEqual(nancumprod(jnp.array([2, Number.NaN, 3])).tolist(), [2, 2, 6]);
});

test("cumulative gradients: cumsum (transpose), cumprod, cummax/cummin with ties (JAX's scan JVP)", () => {
  const x = c("cumulative", "x");
  const m = c("cumulative", "m");
  const w = c("cumulative", "w");
  const k = (key: string) => want("cumulative", key);
  assertAllClose(grad((x: JArray) => cumsum(x, 1).mul(w).sum())(x), k("grad_cumsum"), TOL, "cumsum");
  assertAllClose(grad((x: JArray) => lax.cumsum(x, 0, true).mul(w).sum())(x), k("grad_cumsum_rev"), TOL, "cumsum reverse");
  assertAllClose(grad((x: JArray) => cumprod(x, 1).mul(w).sum())(x), k("grad_cumprod"), TOL, "cumprod");
  assertAllClose(grad((x: JArray) => lax.cumprod(x, 0, true).mul(w).sum())(x), k("grad_cumprod_rev"), TOL, "cumprod reverse");
  assertAllClose(grad((x: JArray) => lax.cummax(x, 1).mul(w).sum())(m), k("grad_cummax_ties"), TOL, "cummax ties");
  assertAllClose(grad((x: JArray) => lax.cummin(x, 0).mul(w).sum())(m), k("grad_cummin_ties"), TOL, "cummin ties");
});

test("dynamicSlice and dynamicUpdateSlice: clamped starts, gradients, vmap over starts", () => {
  const x = c("dynamic_slice", "x");
  const w = c("dynamic_slice", "w");
  const u = c("dynamic_slice", "u");
  const k = (key: string) => want("dynamic_slice", key);
  assertAllClose(dynamicSlice(x, [1, 2], [2, 3]), k("ds"), TOL, "ds");
  assertAllClose(dynamicSlice(x, [4, -1], [2, 3]), k("ds_clamped"), TOL, "ds clamped");
  assertAllClose(dynamicUpdateSlice(x, u, [1, 2]), k("dus"), TOL, "dus");
  assertAllClose(dynamicUpdateSlice(x, u, [7, 5]), k("dus_clamped"), TOL, "dus clamped");
  assertAllClose(grad((x: JArray) => dynamicSlice(x, [4, 2], [2, 3]).mul(w).sum())(x), k("grad_ds"), TOL, "grad ds");
  assertAllClose(grad((y: JArray) => dynamicUpdateSlice(y, u, [1, 2]).mul(x).sum())(x), k("grad_dus_x"), TOL, "grad dus x");
  assertAllClose(grad((v: JArray) => dynamicUpdateSlice(x, v, [1, 5]).mul(x).sum())(u), k("grad_dus_u"), TOL, "grad dus u");
  const starts = ints([0, 2, 4]);
  assertAllClose(vmap((i: JArray) => dynamicSlice(x, [i, i], [2, 3]))(starts), k("vmap_ds"), TOL, "vmap ds");
  assertAllClose(
    vmap((i: JArray, v: JArray) => dynamicUpdateSlice(x, v, [i, 1]))(ints([0, 4]), jnp.stack([u, u.neg()])),
    k("vmap_dus"),
    TOL,
    "vmap dus",
  );
  // traced starts under jit equal eager
  const f = jit((x: JArray, i: JArray, j: JArray) => dynamicUpdateSlice(x, dynamicSlice(x, [i, j], [2, 3]).mul(2), [j, i]));
  const i = jnp.array(3, { dtype: "int32" });
  const j = jnp.array(1, { dtype: "int32" });
  assertArraysClose(f(x, i, j), dynamicUpdateSlice(x, dynamicSlice(x, [3, 1], [2, 3]).mul(2), [1, 3]), "jit");
});

test("vmap equals stacking: take, takeAlongAxis, cumsum, cumprod, bincount, nonzero with size", () => {
  const xs = jnp.stack([c("take", "x"), c("take", "x").mul(-1), c("take", "x").add(2)]);
  const idx = ints([
    [0, 3, 1],
    [2, 2, -1],
    [5, 0, 1],
  ]);
  const batched = vmap((x: JArray, i: JArray) => [
    take(x, i, 1, { mode: "clip" }),
    takeAlongAxis(x, jnp.broadcastTo(i.reshape([1, 3]), [3, 3]).mod(4), 1),
    cumsum(x, 0),
    cumprod(x, 1),
    bincount(i.mod(4), null, { length: 4 }),
    nonzero(i.gt(0), { size: 3, fillValue: -1 })[0]!,
  ])(xs, idx) as JArray[];
  for (let b = 0; b < 3; b++) {
    const x = xs.get(b);
    const i = idx.get(b);
    const each = [
      take(x, i, 1, { mode: "clip" }),
      takeAlongAxis(x, jnp.broadcastTo(i.reshape([1, 3]), [3, 3]).mod(4), 1),
      cumsum(x, 0),
      cumprod(x, 1),
      bincount(i.mod(4), null, { length: 4 }),
      nonzero(i.gt(0), { size: 3, fillValue: -1 })[0]!,
    ];
    each.forEach((e, k) => assertArraysClose(batched[k]!.get(b), e, `output ${k} [${b}]`));
  }
});
