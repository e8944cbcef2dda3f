// Golden tests (test/fixtures/numpy2_setops.json, from scripts/fixtures_numpy2.py) for
// src/numpy/setops.ts.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import type { Array as JArray } from "../src/index.js";
import { jit, numpy as jnp } from "../src/index.js";
import * as T from "../src/numpy/setops.js";
import { assertMatches, decode, type Registry, runGoldenCases } from "./numpy_golden.js";

const REGISTRY: Registry = {
  isin: (a, kw) => T.isin(a[0], a[1], kw),
  intersect1d: (a, kw) => T.intersect1d(a[0], a[1], kw),
  union1d: (a, kw) => T.union1d(a[0], a[1], kw),
  setdiff1d: (a, kw) => T.setdiff1d(a[0], a[1], kw),
  setxor1d: (a, kw) => T.setxor1d(a[0], a[1], kw),
  uniqueValues: (a, kw) => T.uniqueValues(a[0], kw),
  uniqueCounts: (a) => Object.values(T.uniqueCounts(a[0])),
  uniqueInverse: (a) => Object.values(T.uniqueInverse(a[0])),
  uniqueAll: (a) => Object.values(T.uniqueAll(a[0])),
};

runGoldenCases("numpy2_setops", REGISTRY);

// Results whose length depends on the values (no size) cannot be jitted, as in JAX: these
// cases are checked eagerly only.
const eager = JSON.parse(readFileSync(new URL("../../test/fixtures/numpy2_setops_eager.json", import.meta.url), "utf8")) as {
  cases: { name: string; fn: string; args: unknown[]; kw: any; out: unknown }[];
};
for (const c of eager.cases) {
  test(`numpy2_setops_eager: ${c.name}`, () => {
    assertMatches(REGISTRY[c.fn]!(c.args.map(decode), c.kw), c.out, {}, c.name);
  });
}

test("numpy2_setops: without size, set operations need concrete inputs (as in JAX)", () => {
  const b = jnp.array([1, 2], { dtype: "int32" });
  assert.throws(() => jit((x: JArray) => T.setdiff1d(x, b))(jnp.array([1, 3], { dtype: "int32" })), /size/);
});
