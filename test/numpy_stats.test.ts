// Golden tests (test/fixtures/numpy_stats.json, from scripts/fixtures_numpy.py) for the
// reductions of src/numpy/stats.ts.
import assert from "node:assert/strict";
import { test } from "node:test";
import { numpy as jnp } from "../src/index.js";
import * as S from "../src/numpy/stats.js";
import { type CaseFn, type Registry, runGoldenCases } from "./numpy_golden.js";

/** f(x, axis, {keepdims, ...}) from the case's options. */
const red =
  (f: (x: any, axis: any, opts: any) => unknown): CaseFn =>
  (a, kw) => {
    const { axis, ...rest } = kw;
    return f(a[0], axis, rest);
  };

const REGISTRY: Registry = {
  var: (a, kw) => {
    const { axis, ...rest } = kw;
    return S.var_(a[0], axis, a[1] === undefined ? rest : { ...rest, mean: a[1] });
  },
  std: red(S.std),
  average: (a, kw) => {
    const { axis, ...rest } = kw;
    return S.average(a[0], axis, { ...rest, weights: a[1] });
  },
  countNonzero: red(S.countNonzero),
  all: red(S.all),
  any: red(S.any),
  ptp: red(S.ptp),
  nansum: red(S.nansum),
  nanprod: red(S.nanprod),
  nanmax: red(S.nanmax),
  nanmin: red(S.nanmin),
  nanmean: red(S.nanmean),
  nanvar: red(S.nanvar),
  nanstd: red(S.nanstd),
  nanargmax: red(S.nanargmax),
  nanargmin: red(S.nanargmin),
  trapezoid: (a, kw) => S.trapezoid(a[0], a[1], kw),
  cov: (a, kw) => {
    // kw.roles names the fixture's array arguments: m, then y, fweights or aweights
    const { roles = ["m"], ...opts } = kw;
    const named: Record<string, unknown> = {};
    roles.forEach((r: string, i: number) => {
      named[r] = a[i];
    });
    return S.cov(named.m as never, named.y as never, { ...opts, fweights: named.fweights, aweights: named.aweights });
  },
  corrcoef: (a, kw) => S.corrcoef(a[0], a[1], kw),
  amax: red(jnp.amax),
  amin: red(jnp.amin),
};

runGoldenCases("numpy_stats", REGISTRY);

test("var rejects ddof together with correction", () => {
  assert.throws(() => S.var_(jnp.ones([3]), null, { ddof: 1, correction: 1 }), /ddof and correction/);
});

test("average explains mismatched weights", () => {
  assert.throws(() => S.average(jnp.ones([2, 3]), null, { weights: jnp.ones([3]) }), /give the axis/);
  assert.throws(() => S.average(jnp.ones([2, 3]), 1, { weights: jnp.ones([2]) }), /shape of the reduced axes \[3\]/);
});
