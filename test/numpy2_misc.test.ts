// Golden tests (test/fixtures/numpy2_misc.json, from scripts/fixtures_numpy2.py) for
// src/numpy/misc_extra.ts.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Array as JArray } from "../src/index.js";
import { jit, numpy as jnp } from "../src/index.js";
import * as M from "../src/numpy/misc_extra.js";
import { type Registry, runGoldenCases } from "./numpy_golden.js";

const REGISTRY: Registry = {
  astype: (a, kw) => M.astype(a[0], kw.dtype),
  copy: (a) => M.copy(a[0]),
  cumulativeSum: (a, kw) => M.cumulativeSum(a[0], kw),
  cumulativeProd: (a, kw) => M.cumulativeProd(a[0], kw),
  extract: (a, kw) => M.extract(a[0], a[1], kw),
  compress: (a, kw) => {
    const { axis, ...rest } = kw;
    return M.compress(a[0], a[1], axis ?? null, rest);
  },
  choose: (a, kw) => M.choose(a[0], a.slice(1), kw),
  put: (a, kw) => M.put(a[0], a[1], a[2], kw),
  fillDiagonal: (a, kw) => M.fillDiagonal(a[0], a[1], kw),
  nextafter: (a) => M.nextafter(a[0], a[1]),
  i0: (a) => M.i0(a[0]),
  interp: (a, kw) => M.interp(a[0], a[1], a[2], kw),
  gradient: (a, kw) => M.gradient(a[0], ...a.slice(1), kw),
  unwrap: (a, kw) => M.unwrap(a[0], kw),
  piecewise: (a) => {
    const x = a[0] as JArray;
    if (x.dtype === "int32") return M.piecewise(x, [jnp.less(x, 0), jnp.greater(x, 2)], [(v) => jnp.multiply(v, 3), 7]);
    return M.piecewise(x, [jnp.less(x, -0.5), jnp.greater(x, 0.5)], [(v) => jnp.multiply(v, 2), (v) => jnp.negative(v), 1.5]);
  },
  vectorize: (a, kw) => {
    if (kw.signature === "(n),(n)->()")
      return M.vectorize((p: JArray, q: JArray) => jnp.multiply(jnp.sum(jnp.multiply(p, q)), p.get(0)), kw)(a[0], a[1]);
    if (kw.signature === "(n),(m)->(n,m)") return M.vectorize((p: JArray, q: JArray) => jnp.outer(p, q), kw)(a[0], a[1]);
    return M.vectorize((p: JArray, q: JArray) => jnp.multiply(jnp.maximum(p, q), p))(a[0], a[1]);
  },
  applyAlongAxis: (a, kw) => {
    const x = a[0] as JArray;
    if (kw.axis === 1) return M.applyAlongAxis((v) => jnp.multiply(jnp.cumsum(v), v.get(0)), 1, x);
    if (kw.axis === 2) return M.applyAlongAxis((v) => jnp.sum(jnp.multiply(v, v)), 2, x);
    return M.applyAlongAxis((v) => jnp.outer(v, v), 0, x);
  },
  applyOverAxes: (a, kw) => M.applyOverAxes((x, ax) => jnp.sum(x, ax), a[0], kw.axes),
  ix_: (a) => M.ix_(...a),
  mgrid: (_a, kw) => M.mgrid(...kw.slices),
  ogrid: (_a, kw) => M.ogrid(...kw.slices),
};

runGoldenCases("numpy2_misc", REGISTRY);

test("numpy2_misc: eulerGamma, broadcastShapes", () => {
  assert.equal(M.eulerGamma, 0.5772156649015329);
  assert.deepEqual(M.broadcastShapes([2, 1, 3], [4, 1], []), [2, 4, 3]);
  assert.throws(() => M.broadcastShapes([2], [3]), /broadcastShapes/);
});

test("numpy2_misc: errors name the operation and the fix", () => {
  assert.throws(() => M.put(jnp.zeros([2]), [0], 1), /inplace: false/);
  assert.throws(() => M.fillDiagonal(jnp.zeros([2, 3, 3]), 1, { inplace: false }), /equal length/);
  assert.throws(() => M.vectorize((p: JArray) => p, { signature: "(n)->()" })(jnp.zeros([2, 3]), jnp.zeros([3])), /2 arguments/);
  assert.throws(
    () => M.vectorize((p: JArray, q: JArray) => jnp.dot(p, q), { signature: "(n),(n)->()" })(jnp.zeros([3]), jnp.zeros([4])),
    /core dimension n/,
  );
  assert.throws(() => M.cumulativeSum(jnp.zeros([2, 2])), /axis must be given/);
  assert.throws(() => jit((i: JArray) => M.choose(i, [1, 2]))(jnp.array([0, 1], { dtype: "int32" })), /wrap.*clip/);
  assert.throws(() => M.choose(jnp.array([2], { dtype: "int32" }), [1, 2]), /out of bounds/);
  assert.throws(() => jit((m: JArray) => M.extract(m, jnp.arange(3)))(jnp.array([true, false, true])), /size/i);
});

test("numpy2_misc: compress without size drops unselected slices (eager)", () => {
  const out = M.compress(
    [true, false, true, false, false],
    jnp.array([
      [1, 2],
      [3, 4],
      [5, 6],
    ]),
    0,
  );
  assert.deepEqual(out.tolist(), [
    [1, 2],
    [5, 6],
  ]);
  assert.throws(() => M.compress([true, false, true, true], jnp.arange(3)), /not all false/);
});
