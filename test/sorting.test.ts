// Sorting, searching, unique, top-k and quantiles against real JAX
// (test/fixtures/indexing_sorting.json, from scripts/fixtures_indexing.py): values, tie
// order (stability), descending sorts, NaN placement, gradients through the sort
// permutation; then jit equals eager, vmap equals stacking, and unique's size under jit.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Array as JArray } from "../src/index.js";
import { grad, jit, numpy as jnp, vmap } from "../src/index.js";
import { ConcretizationTypeError } from "../src/numpy/methods.js";
import {
  argpartition,
  argsort,
  digitize,
  histogram,
  histogramBinEdges,
  lexsort,
  median,
  partition,
  percentile,
  quantile,
  searchsorted,
  sort,
  unique,
} from "../src/numpy/sorting.js";
import { sort as laxSort, topK } from "../src/primitives/sort.js";
import { arr, assertAllClose, assertTreeClose, get, loadFixture } from "./helpers.js";

const TOL = { rtol: 1e-5, atol: 1e-6 };
const fx = loadFixture("indexing_sorting");
const c = (name: string, key: string): JArray => arr(fx, "cases", name, key);
const want = (name: string, key: string): unknown => get(fx, "cases", name, key);

function assertArraysClose(actual: JArray, expected: JArray, label: string): void {
  assert.deepEqual([...actual.shape], [...expected.shape], `${label}: shape`);
  assertAllClose(actual, Array.from(expected.dataSync(), Number), TOL, label);
}

test("sort and argsort: axes, flattening, descending with ties, ints, gradients", () => {
  const x = c("sort", "x");
  const ties = c("sort", "ties");
  const w = c("sort", "w");
  const k = (key: string) => want("sort", key);
  assertAllClose(sort(x), k("last"), TOL, "last axis");
  assertAllClose(sort(x, 0), k("axis0"), TOL, "axis 0");
  assertAllClose(sort(x, null), k("flat"), TOL, "flat");
  assertAllClose(sort(ties, -1, { descending: true }), k("desc"), TOL, "descending");
  assertAllClose(sort(jnp.array([3, -1, 7, 0, -1], { dtype: "int32" })), k("int"), TOL, "int");
  assertAllClose(argsort(ties), k("argsort"), TOL, "argsort (stable ties, -0 == 0)");
  assertAllClose(argsort(ties, 0), k("argsort_axis0"), TOL, "argsort axis 0");
  assertAllClose(argsort(ties, -1, { descending: true }), k("argsort_desc"), TOL, "argsort descending");
  assertAllClose(argsort(ties, null), k("argsort_flat"), TOL, "argsort flat");
  assertAllClose(grad((x: JArray) => sort(x, 1).mul(w).sum())(x), k("grad"), TOL, "grad");
  assertAllClose(grad((x: JArray) => sort(x, 0, { descending: true }).mul(w).sum())(x), k("grad_axis0_desc"), TOL, "grad descending");
});

test("sort: NaNs go last (descending: first), -0 and 0 tie, several operands with numKeys", () => {
  const s = sort(jnp.array([2, Number.NaN, -Infinity, 0, -0, 1])).tolist() as number[];
  assert.deepEqual(s.slice(0, 5), [-Infinity, 0, -0, 1, 2]);
  assert.ok(Number.isNaN(s[5]!));
  assert.deepEqual(argsort(jnp.array([Number.NaN, 1, Number.NaN, 0])).tolist(), [3, 1, 0, 2]);
  assert.deepEqual(argsort(jnp.array([Number.NaN, 1, Number.NaN, 0]), -1, { descending: true }).tolist(), [0, 2, 1, 3]);
  const [a, b, i] = laxSort([jnp.array([1, 0, 1, 0]), jnp.array([5, 6, 4, 6]), jnp.arange(4)], { dimension: 0, numKeys: 2 });
  assert.deepEqual(
    [a!.tolist(), b!.tolist(), i!.tolist()],
    [
      [0, 0, 1, 1],
      [6, 6, 4, 5],
      [1, 3, 2, 0],
    ],
  );
});

test("lexsort, partition, argpartition", () => {
  const k1 = c("lexsort", "k1");
  const k2 = c("lexsort", "k2");
  assertAllClose(lexsort([k1, k2]), want("lexsort", "out"), TOL, "lexsort");
  assertAllClose(lexsort([k2, k1]), want("lexsort", "out_rev"), TOL, "lexsort reversed keys");
  assertAllClose(lexsort([c("sort", "ties"), c("sort", "x").gt(0)], 1), want("lexsort", "two_d"), TOL, "lexsort 2-D");
  const p = c("partition", "x");
  const k = (key: string) => want("partition", key);
  assertAllClose(partition(p, 2), k("k2"), TOL, "partition 2");
  assertAllClose(partition(p, 0), k("k0"), TOL, "partition 0");
  assertAllClose(partition(p, -1), k("kneg"), TOL, "partition -1");
  assertAllClose(partition(p, 1, 0), k("axis0"), TOL, "partition axis 0");
  assertAllClose(argpartition(p, 2), k("arg_k2"), TOL, "argpartition 2");
  assertAllClose(argpartition(p, 4), k("arg_k4"), TOL, "argpartition 4");
  assertAllClose(argpartition(p, 0, 0), k("arg_axis0"), TOL, "argpartition axis 0");
});

test("searchsorted (left/right, ints, sorter) and digitize (both directions, right)", () => {
  const a = c("searchsorted", "a");
  const v = c("searchsorted", "v");
  const u = c("searchsorted", "unsorted");
  const k = (key: string) => want("searchsorted", key);
  assertAllClose(searchsorted(a, v), k("left"), TOL, "left");
  assertAllClose(searchsorted(a, v, { side: "right" }), k("right"), TOL, "right");
  const ints = (x: number[]) => jnp.array(x, { dtype: "int32" });
  assertAllClose(searchsorted(ints([1, 3, 3, 9]), ints([0, 3, 4, 10]), { side: "right" }), k("int"), TOL, "int");
  assertAllClose(searchsorted(u, v, { sorter: argsort(u) }), k("sorter"), TOL, "sorter");
  assertAllClose(digitize(v, a), k("digitize"), TOL, "digitize");
  assertAllClose(digitize(v, a, true), k("digitize_right"), TOL, "digitize right");
  const rev = a.get("::-1");
  assertAllClose(digitize(v, rev), k("digitize_decreasing"), TOL, "digitize decreasing");
  assertAllClose(digitize(v, rev, true), k("digitize_decreasing_right"), TOL, "digitize decreasing right");
  // NaN sorts last: it is inserted after every number
  assert.deepEqual(searchsorted(jnp.array([1, 2, Number.NaN]), jnp.array([Number.NaN, 3])).tolist(), [2, 2]);
  assert.deepEqual(searchsorted(jnp.array([1, 2, Number.NaN]), jnp.array([Number.NaN]), { side: "right" }).tolist(), [3]);
});

test("unique: flags, axis, flattened inverse, size and fillValue, jit", () => {
  const u = c("unique", "u");
  const rows = c("unique", "rows");
  const k = (key: string) => want("unique", key);
  assertAllClose(unique(u), k("plain"), TOL, "plain");
  assertTreeClose(unique(u, { returnIndex: true, returnInverse: true, returnCounts: true }), k("all"), TOL, "all");
  assertTreeClose(unique(rows, { axis: 0, returnIndex: true, returnInverse: true, returnCounts: true }), k("rows_axis0"), TOL, "rows");
  assertAllClose(unique(rows, { axis: 1 }), k("rows_axis1"), TOL, "columns");
  assertTreeClose(unique(rows, { returnInverse: true }), k("flat_2d_inverse"), TOL, "inverse keeps the shape");
  const sized = { size: 6, fillValue: -1, returnIndex: true, returnInverse: true, returnCounts: true };
  assertTreeClose(unique(u, sized), k("size_fill"), TOL, "size fill");
  assertAllClose(unique(u, { size: 6 }), k("size_nofill"), TOL, "size without fill");
  assertTreeClose(unique(u, { size: 2, returnCounts: true }), k("size_cut"), TOL, "size cut");
  assertTreeClose(jit((u: JArray) => unique(u, sized))(u), k("size_fill"), TOL, "jit size fill");
  assert.throws(
    () => jit((u: JArray) => unique(u))(u),
    (e: unknown) => e instanceof ConcretizationTypeError && /size/.test(String(e)),
  );
  const withNan = unique(jnp.array([3, Number.NaN, 1, Number.NaN, 3]), { returnCounts: true }) as JArray[];
  assert.deepEqual(withNan[1]!.tolist(), [1, 2, 2]);
});

test("topK: values and indices (ties lower index first), gradient", () => {
  const t = c("top_k", "x");
  assertTreeClose(topK(t, 3), want("top_k", "k3"), TOL, "k=3");
  assertTreeClose(topK(t, 5), want("top_k", "k5"), TOL, "k=5");
  assertTreeClose(topK(c("sort", "x"), 2), want("top_k", "rand_k2"), TOL, "random k=2");
  const w = c("top_k", "w");
  assertAllClose(grad((x: JArray) => topK(x, 3)[0].mul(w).sum())(t), want("top_k", "grad"), TOL, "grad");
});

test("median, quantile (methods, axes, keepdims, q vectors), percentile, gradients", () => {
  const q = c("quantile", "x");
  const k = (key: string) => want("quantile", key);
  const qs = (v: number[]) => jnp.array(v);
  assertAllClose(median(q), k("median"), TOL, "median");
  assertAllClose(median(q, 0), k("median_ax0"), TOL, "median axis 0");
  assertAllClose(median(q, 1, { keepdims: true }), k("median_ax1_keep"), TOL, "median keepdims");
  assertAllClose(median(q.get(":", ":4"), 1), k("median_even"), TOL, "median of even length");
  assertAllClose(quantile(q, qs([0.1, 0.5, 0.9]), 1), k("q_linear"), TOL, "linear");
  for (const m of ["lower", "higher", "midpoint"] as const) assertAllClose(quantile(q, 0.3, 0, { method: m }), k(`q_${m}`), TOL, m);
  assertAllClose(quantile(q, qs([0.3, 0.375, 0.4]), 0, { method: "nearest" }), k("q_nearest"), TOL, "nearest");
  assertAllClose(quantile(q.reshape([2, 2, 5]), 0.25, [0, 2], { keepdims: true }), k("q_axes_keep"), TOL, "axes keepdims");
  assertAllClose(quantile(q, qs([0.25, 0.75]), 1, { keepdims: true }), k("q_vec_keep"), TOL, "q vector keepdims");
  assertAllClose(percentile(q, qs([10, 50, 95])), k("percentile"), TOL, "percentile");
  assertAllClose(percentile(q, 40, 1), k("percentile_ax1"), TOL, "percentile axis 1");
  assertAllClose(grad((x: JArray) => median(x))(q), k("grad_median"), TOL, "grad median");
  assertAllClose(grad((x: JArray) => quantile(x, 0.3, 1).sum())(q), k("grad_quantile"), TOL, "grad quantile");
  assert.ok(Number.isNaN(median(jnp.array([1, Number.NaN, 3])).item() as number));
});

test("histogram and histogramBinEdges: default bins, range, weights with density, given edges, constant data", () => {
  const h = c("histogram", "x");
  const w = c("histogram", "w");
  const k = (key: string) => want("histogram", key);
  assertTreeClose(histogram(h), k("default"), TOL, "default");
  assertTreeClose(histogram(h, 5, { range: [-1, 1] }), k("bins5_range"), TOL, "range");
  assertTreeClose(histogram(h, 4, { weights: w, density: true }), k("weights_density"), TOL, "weights density");
  assertTreeClose(histogram(h, jnp.array([-2, -0.5, 0, 3])), k("edges"), TOL, "given edges");
  assertTreeClose(histogram(jnp.ones([4]), 3), k("constant"), TOL, "constant data");
  assertAllClose(histogramBinEdges(h, 6), k("bin_edges"), TOL, "bin edges");
  assertTreeClose(jit((h: JArray) => histogram(h, 5, { range: [-1, 1] }))(h), k("bins5_range"), TOL, "jit");
});

test("jit equals eager and vmap equals stacking for sort, argsort, searchsorted, topK, quantile", () => {
  const x = c("sort", "x");
  const f = (x: JArray) => [
    sort(x, 1),
    argsort(x, 0, { descending: true }),
    searchsorted(sort(x, null), x),
    topK(x, 2)[1],
    quantile(x, 0.4, 1),
  ];
  const eager = f(x);
  const jitted = jit(f)(x) as JArray[];
  eager.forEach((e, i) => assertArraysClose(jitted[i]!, e, `jit output ${i}`));
  const xs = jnp.stack([x, x.mul(-1), x.add(0.5)]);
  const batched = vmap(f)(xs) as JArray[];
  for (let b = 0; b < 3; b++) f(xs.get(b)).forEach((e, i) => assertArraysClose(batched[i]!.get(b), e, `vmap output ${i} [${b}]`));
});
