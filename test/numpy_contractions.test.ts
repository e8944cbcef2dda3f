// Golden tests (test/fixtures/numpy_contractions.json, from scripts/fixtures_numpy.py) for
// einsum, tensordot, kron, cross, trace, diagonal and the batched products of
// src/numpy/contractions.ts.
import assert from "node:assert/strict";
import { test } from "node:test";
import { numpy as jnp } from "../src/index.js";
import * as C from "../src/numpy/contractions.js";
import { type Registry, runGoldenCases } from "./numpy_golden.js";

const REGISTRY: Registry = {
  einsum: (a, kw) =>
    kw.preferredElementType ? C.einsum(kw.spec, ...a, { preferredElementType: kw.preferredElementType }) : C.einsum(kw.spec, ...a),
  tensordot: (a, kw) => C.tensordot(a[0], a[1], kw.axes),
  kron: (a) => C.kron(a[0], a[1]),
  cross: (a, kw) => C.cross(a[0], a[1], kw),
  diagonal: (a, kw) => C.diagonal(a[0], kw.offset, kw.axis1, kw.axis2),
  trace: (a, kw) => C.trace(a[0], kw.offset, kw.axis1, kw.axis2, { dtype: kw.dtype }),
  matrixTranspose: (a) => C.matrixTranspose(a[0]),
  vecdot: (a, kw) => C.vecdot(a[0], a[1], kw),
  matvec: (a) => C.matvec(a[0], a[1]),
  vecmat: (a) => C.vecmat(a[0], a[1]),
  inner: (a) => jnp.inner(a[0], a[1]),
  outer: (a) => jnp.outer(a[0], a[1]),
  vdot: (a) => jnp.vdot(a[0], a[1]),
};

runGoldenCases("numpy_contractions", REGISTRY);

test("einsum explains bad subscripts", () => {
  const x = jnp.ones([2, 3]);
  assert.throws(() => C.einsum("ij,jk->ik", x), /describe 2 operands but 1 were given/);
  assert.throws(() => C.einsum("ijk", x), /has 2 dimensions but its subscripts "ijk" name 3/);
  assert.throws(() => C.einsum("ij,ij->i", x, jnp.ones([3, 2])), /size mismatch for 'i'/);
  assert.throws(() => C.einsum("ij->k", x), /'k' does not appear in the inputs/);
});

test("diagonal and trace need two distinct axes", () => {
  assert.throws(() => C.diagonal(jnp.ones([3])), /at least 2-D/);
  assert.throws(() => C.trace(jnp.ones([3, 3]), 0, 1, -1), /must be different/);
});
