// Golden tests (test/fixtures/numpy_logic.json, from scripts/fixtures_numpy.py) for the
// comparison and logic functions of src/numpy/logic.ts.
import assert from "node:assert/strict";
import { test } from "node:test";
import { numpy as jnp } from "../src/index.js";
import * as L from "../src/numpy/logic.js";
import { type Registry, runGoldenCases } from "./numpy_golden.js";

const REGISTRY: Registry = {
  isclose: (a, kw) => L.isclose(a[0], a[1], kw),
  allclose: (a, kw) => L.allclose(a[0], a[1], kw),
  arrayEqual: (a, kw) => L.arrayEqual(a[0], a[1], kw),
  arrayEquiv: (a) => L.arrayEquiv(a[0], a[1]),
  isreal: (a) => L.isreal(a[0]),
  iscomplex: (a) => L.iscomplex(a[0]),
  logicalAnd: (a) => jnp.logicalAnd(a[0], a[1]),
  logicalOr: (a) => jnp.logicalOr(a[0], a[1]),
  logicalXor: (a) => jnp.logicalXor(a[0], a[1]),
  logicalNot: (a) => jnp.logicalNot(a[0]),
};

runGoldenCases("numpy_logic", REGISTRY);

test("arrayEquiv is false for shapes that do not broadcast", () => {
  // (JAX 0.10.2 raises a TypeError here although its code means to return False, as numpy does)
  assert.equal(L.arrayEquiv(jnp.array([1, 2, 3]), jnp.array([1, 2])).item(), false);
});

test("the static predicates", () => {
  assert.equal(L.isscalar(1.5), true);
  assert.equal(L.isscalar(jnp.array(2)), true);
  assert.equal(L.isscalar(jnp.array([2])), false);
  assert.equal(L.isrealobj(jnp.array([2])), true);
  assert.equal(L.iscomplexobj(jnp.array([2])), false);
});
