// Golden tests (test/fixtures/numpy_creation.json, from scripts/fixtures_numpy.py) for the
// creation functions of src/numpy/creation_extra.ts.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Array as JArray } from "../src/index.js";
import { numpy as jnp } from "../src/index.js";
import * as Cr from "../src/numpy/creation_extra.js";
import { type Registry, runGoldenCases } from "./numpy_golden.js";

const REGISTRY: Registry = {
  logspace: (a, kw) => Cr.logspace(a[0], a[1], kw.num, kw),
  geomspace: (a, kw) => Cr.geomspace(a[0], a[1], kw.num, kw),
  meshgrid: (a, kw) => Cr.meshgrid(...a, kw),
  tri: (_a, kw) => Cr.tri(kw.N, kw.M, kw.k, { dtype: kw.dtype }),
  tril: (a, kw) => Cr.tril(a[0], kw.k),
  triu: (a, kw) => Cr.triu(a[0], kw.k),
  diag: (a, kw) => Cr.diag(a[0], kw.k),
  diagflat: (a, kw) => Cr.diagflat(a[0], kw.k),
  indices: (_a, kw) => Cr.indices(kw.dimensions, kw),
  emptyLike: (a) => Cr.emptyLike(a[0]),
  diagIndices: (_a, kw) => Cr.diagIndices(kw.n, kw.ndim),
  diagIndicesFrom: (a) => Cr.diagIndicesFrom(a[0]),
  vander: (a, kw) => Cr.vander(a[0], kw.N, kw),
  fromfunction: (_a, kw) => Cr.fromfunction((i: JArray, j: JArray) => i.mul(2.5).add(j), kw.shape),
  fromfunctionPair: (_a, kw) => Cr.fromfunction((i: JArray, j: JArray) => [i.add(j), i.mul(j)], kw.shape, { dtype: kw.dtype }),
  identity: (_a, kw) => jnp.identity(kw.n, { dtype: kw.dtype }),
  eye: (_a, kw) => jnp.eye(kw.n, kw.m, { k: kw.k }),
  fullLike: (a, kw) => jnp.fullLike(a[0], kw.value, { dtype: kw.dtype, shape: kw.shape }),
  zerosLike: (a) => jnp.zerosLike(a[0]),
  onesLike: (a) => jnp.onesLike(a[0]),
};

runGoldenCases("numpy_creation", REGISTRY);

test("meshgrid rejects inputs that are not 1-D", () => {
  assert.throws(() => Cr.meshgrid(jnp.ones([2, 2])), /every input must be 1-D/);
  assert.throws(() => Cr.meshgrid(jnp.ones([2]), { indexing: "zz" as never }), /indexing must be "xy" or "ij"/);
});

test("tril/triu need a matrix", () => {
  assert.throws(() => Cr.tril(jnp.ones([3])), /at least 2-D/);
});
