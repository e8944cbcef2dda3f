// Golden tests (test/fixtures/numpy2_poly.json, from scripts/fixtures_numpy2.py) for
// src/numpy/polynomial.ts.
import assert from "node:assert/strict";
import { test } from "node:test";
import { numpy as jnp } from "../src/index.js";
import * as P from "../src/numpy/polynomial.js";
import { type Registry, runGoldenCases } from "./numpy_golden.js";

const REGISTRY: Registry = {
  poly: (a) => P.poly(a[0]),
  polyadd: (a) => P.polyadd(a[0], a[1]),
  polysub: (a) => P.polysub(a[0], a[1]),
  polymul: (a) => P.polymul(a[0], a[1]),
  polydiv: (a) => P.polydiv(a[0], a[1]),
  polyder: (a, kw) => P.polyder(a[0], kw.m),
  polyint: (a, kw) => P.polyint(a[0], kw.m, a[1] ?? kw.k),
  polyval: (a) => P.polyval(a[0], a[1]),
  polyfit: (a, kw) => P.polyfit(a[0], a[1], kw.deg, a[2] === undefined ? {} : { w: a[2] }),
};

runGoldenCases("numpy2_poly", REGISTRY);

test("numpy2_poly: polyfit recovers an exact quadratic; polyval of polyint of polyder", () => {
  const x = jnp.linspace(-2, 2, 9);
  const y = jnp.add(jnp.multiply(jnp.multiply(x, x), 3), 0.5);
  const c = P.polyfit(x, y, 2);
  const got = Array.from(c.dataSync());
  [3, 0, 0.5].forEach((e, i) => assert.ok(Math.abs(got[i]! - e) < 1e-4, `coefficient ${i}: ${got[i]} vs ${e}`));
  const p = jnp.array([2, -1, 4, 0.5]);
  const back = P.polyint(P.polyder(p), 1, 0.5);
  assert.deepEqual(Array.from(back.dataSync()), Array.from(p.dataSync()));
  assert.throws(() => P.poly(jnp.eye(2)), /complex/);
});
