// jaxts.nn softmax, logSoftmax, logsumexp, logmeanexp, standardize and oneHot against real
// JAX (test/fixtures/nn_softmax.json from scripts/fixtures_nn.py): values and
// vector-Jacobian products over several shapes and (negative, multiple, all) axes, large
// and infinite inputs, masks (where) and logsumexp's b weights; plus vmap/jit consistency.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Array as JArray } from "../src/index.js";
import { grad, jit, numpy as jnp, vmap } from "../src/index.js";
import * as nn from "../src/nn/index.js";
import { get, keysOf, loadFixture } from "./helpers.js";
import { assertCloseNF, type CaseFn, checkCase, decode } from "./nn_helpers.js";

const fixture = loadFixture("nn_softmax");
const TOL = { rtol: 2e-5, atol: 1e-6 }; // scripts/fixtures_nn.py TOL["softmax"]

const FNS: Record<string, CaseFn> = {
  softmax: (a, kw) => nn.softmax(a.x!, kw.axis, { where: a.where }),
  logSoftmax: (a, kw) => nn.logSoftmax(a.x!, kw.axis, { where: a.where }),
  logsumexp: (a, kw) =>
    kw.returnSign
      ? nn.logsumexp(a.x!, kw.axis, { b: a.b, where: a.where, keepdims: kw.keepdims, returnSign: true })
      : nn.logsumexp(a.x!, kw.axis, { b: a.b, where: a.where, keepdims: kw.keepdims }),
  logmeanexp: (a, kw) => nn.logmeanexp(a.x!, kw.axis, { where: a.where, keepdims: kw.keepdims }),
  standardize: (a, kw) =>
    nn.standardize(a.x!, kw.axis, { mean: a.mean, variance: a.variance, where: a.where, epsilon: kw.epsilon, algorithm: kw.algorithm }),
  oneHot: (a, kw) => nn.oneHot(a.x!, kw.numClasses, { dtype: kw.dtype, axis: kw.axis }),
};

for (const name of keysOf(fixture, "cases")) {
  test(`nn.${name}: value and vjp match JAX`, () => {
    const c = get(fixture, "cases", name);
    const fn = FNS[get(c, "fn") as string];
    assert.ok(fn, `no jaxts counterpart for ${get(c, "fn")}`);
    checkCase(c, name, fn, TOL);
  });
}

test("softmax of [1000, 0] is [1, 0] and logsumexp stays finite for huge inputs", () => {
  assert.deepEqual(nn.softmax(jnp.array([1000, 0])).tolist(), [1, 0]);
  assert.deepEqual(nn.logSoftmax(jnp.array([1000, 0])).tolist(), [0, -1000]);
  assert.equal(nn.logsumexp(jnp.array([1e30, 1e30])).item(), Math.fround(1e30)); // log 2 is below half an ulp
  assert.equal(nn.logsumexp(jnp.array([-Infinity, -Infinity])).item(), -Infinity);
});

test("logsumexp reduces over all axes by default; softmax over the last", () => {
  const x = jnp.array([
    [1, 2],
    [3, 4],
  ]);
  const expected = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3) + Math.exp(4));
  assert.ok(Math.abs((nn.logsumexp(x).item() as number) - expected) < 1e-6);
  assert.deepEqual(nn.logsumexp(x).shape, []);
  const rows = nn.softmax(x).sum(-1).tolist() as number[];
  for (const r of rows) assert.ok(Math.abs(r - 1) < 1e-6);
});

test("vmap over rows and jit agree with the batched call", () => {
  const c = get(fixture, "cases", "softmax/last");
  const x = decode(get(c, "args", "x"));
  assertCloseNF(vmap((row: JArray) => nn.softmax(row))(x), get(c, "out"), TOL, "vmap(softmax)");
  assertCloseNF(jit((x: JArray) => nn.softmax(x))(x), get(c, "out"), TOL, "jit(softmax)");
  const ct = decode(get(c, "ct"));
  const g = vmap(grad((row: JArray, w: JArray) => nn.softmax(row).mul(w).sum()));
  assertCloseNF(g(x, ct), get(c, "grad", "x"), TOL, "vmap(grad(softmax))");

  const l = get(fixture, "cases", "logsumexp/axis1");
  const lx = decode(get(l, "args", "x"));
  assertCloseNF(vmap((row: JArray) => nn.logsumexp(row))(lx), get(l, "out"), TOL, "vmap(logsumexp)");
  const lg = jit(grad((x: JArray, w: JArray) => nn.logsumexp(x, 1).mul(w).sum()));
  assertCloseNF(lg(lx, decode(get(l, "ct"))), get(l, "grad", "x"), TOL, "jit(grad(logsumexp))");

  const s = get(fixture, "cases", "standardize/last");
  assertCloseNF(vmap((row: JArray) => nn.standardize(row))(decode(get(s, "args", "x"))), get(s, "out"), TOL, "vmap(standardize)");
});

test("oneHot rejects a bad numClasses and an out-of-range axis", () => {
  assert.throws(() => nn.oneHot(jnp.array([0, 1], { dtype: "int32" }), 2.5), /oneHot: numClasses must be a non-negative integer/);
  assert.throws(() => nn.oneHot(jnp.array([0, 1], { dtype: "int32" }), 3, { axis: 2 }), /oneHot: axis 2 is out of bounds/);
});

test("standardize rejects an unknown algorithm", () => {
  assert.throws(() => nn.standardize(jnp.ones([3]), -1, { algorithm: "exact" as "fast" }), /standardize: unknown algorithm "exact"/);
});
