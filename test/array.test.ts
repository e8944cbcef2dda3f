// Arrays: creation, dtypes (16-bit floats bit-exact with JAX), printing like JAX's repr,
// reading values, methods with weak-typed JS numbers, basic indexing.
import assert from "node:assert/strict";
import { test } from "node:test";
import { numpy as jnp, lax } from "../src/index.js";

test("reprs match JAX's", () => {
  assert.equal(String(jnp.array([1, 2, 3])), "Array([1., 2., 3.], dtype=float32)");
  assert.equal(String(jnp.array([0.1, 0.84147096])), "Array([0.1       , 0.84147096], dtype=float32)");
  assert.equal(String(jnp.arange(6).reshape([2, 3])), "Array([[0, 1, 2],\n       [3, 4, 5]], dtype=int32)");
  assert.equal(String(jnp.array([true, false])), "Array([ True, False], dtype=bool)");
  assert.equal(String(jnp.array([1e-5, 1])), "Array([1.e-05, 1.e+00], dtype=float32)");
  assert.equal(String(jnp.array([1e10, 1])), "Array([1.e+10, 1.e+00], dtype=float32)");
  assert.equal(
    String(jnp.zeros([2, 2, 2])),
    "Array([[[0., 0.],\n        [0., 0.]],\n\n       [[0., 0.],\n        [0., 0.]]], dtype=float32)",
  );
  assert.equal(String(jnp.array(2.5)), "Array(2.5, dtype=float32, weak_type=True)");
  assert.equal(String(jnp.array([-1.5, 2.25])), "Array([-1.5 ,  2.25], dtype=float32)");
  assert.equal(String(jnp.array([Number.NaN, Number.POSITIVE_INFINITY, 1])), "Array([nan, inf,  1.], dtype=float32)");
  assert.equal(String(jnp.array([1.5, -1.5, 2.5, 0.5, -0.5]).astype("float16")), "Array([ 1.5, -1.5,  2.5,  0.5, -0.5], dtype=float16)");
});

test("float16 and bfloat16 round to nearest even exactly as JAX (bit patterns)", () => {
  const h = jnp.array([65519.9, 1e-8, 0.1, 70000, 2049, 2051, 6e-8]).astype("float16");
  // read the raw bits through a bitcast to uint16
  assert.deepEqual(lax.bitcastConvertType(h, "uint16").tolist(), [31743, 0, 11878, 31744, 26624, 26626, 1]);
  assert.deepEqual(Array.from(h.dataSync()).slice(0, 3), [65504, 0, 0.0999755859375]);
  // biome-ignore lint/suspicious/noApproximativeNumericConstant: a value to round, not π
  const b = jnp.array([0.1, 3.14159, 1e30, 1.00390625, 1.01171875]).astype("bfloat16");
  assert.deepEqual(lax.bitcastConvertType(b, "uint16").tolist(), [15821, 16457, 29002, 16256, 16258]);
  // arithmetic happens in float32 and rounds back
  assert.deepEqual(jnp.add(jnp.array([1, 2048]).astype("float16"), 1).tolist(), [2, 2048]);
});

test("values read back synchronously", () => {
  const x = jnp.array([
    [1, 2],
    [3, 4],
  ]);
  assert.deepEqual(x.tolist(), [
    [1, 2],
    [3, 4],
  ]);
  assert.equal(x.sum().item(), 10);
  assert.ok(x.dataSync() instanceof Float32Array);
  assert.deepEqual(Array.from(x.dataSync()), [1, 2, 3, 4]);
  assert.equal(jnp.array([true]).item(), true);
  assert.throws(() => x.item(), /only arrays with one element/);
  assert.equal(Number(jnp.array(3)), 3);
});

test("methods take JS numbers as weak scalars and keep the array's dtype", () => {
  const f = jnp.array([1, 2, 3]);
  const i = jnp.arange(3);
  assert.equal(f.mul(2).dtype, "float32");
  assert.equal(i.add(1).dtype, "int32");
  assert.equal(i.add(0.5).dtype, "float32");
  assert.equal(i.add(0.5).weakType, true);
  assert.equal(f.astype("float16").mul(2).dtype, "float16");
  assert.deepEqual(f.pow(2).tolist(), [1, 4, 9]);
  assert.deepEqual(f.neg().tolist(), [-1, -2, -3]);
  assert.deepEqual(
    jnp
      .array([
        [1, 2],
        [3, 4],
      ])
      .matmul(jnp.array([1, 1]))
      .tolist(),
    [3, 7],
  );
  assert.deepEqual(f.gt(1.5).tolist(), [false, true, true]);
  assert.deepEqual(
    jnp
      .array([
        [1, 2],
        [3, 4],
      ])
      .T.tolist(),
    [
      [1, 3],
      [2, 4],
    ],
  );
  assert.deepEqual(
    jnp
      .array([
        [1, 5],
        [3, 4],
      ])
      .max(1)
      .tolist(),
    [5, 4],
  );
  assert.deepEqual(
    jnp
      .array([
        [1, 5],
        [3, 4],
      ])
      .mean(0, { keepdims: true })
      .tolist(),
    [[2, 4.5]],
  );
  assert.deepEqual(jnp.arange(6).reshape([3, -1]).shape, [3, 2]);
});

test("creation follows JAX's dtypes", () => {
  assert.equal(jnp.arange(5).dtype, "int32");
  assert.equal(jnp.arange(0, 1, 0.25).dtype, "float32");
  assert.deepEqual(jnp.arange(0, 1, 0.25).tolist(), [0, 0.25, 0.5, 0.75]);
  assert.equal(jnp.array([1, 2]).dtype, "float32");
  assert.equal(jnp.array([1, 2], { dtype: "int32" }).dtype, "int32");
  assert.deepEqual(jnp.linspace(0, 1, 5).tolist(), [0, 0.25, 0.5, 0.75, 1]);
  assert.deepEqual(jnp.eye(2, 3, { k: 1 }).tolist(), [
    [0, 1, 0],
    [0, 0, 1],
  ]);
  assert.deepEqual(jnp.full([2], 7, { dtype: "int32" }).tolist(), [7, 7]);
  assert.throws(() => jnp.array([[1, 2], [3]]), /ragged nested array/);
});

test("basic indexing: integers, slices with steps, newaxis, ellipsis", () => {
  const x = jnp.arange(24).reshape([2, 3, 4]);
  assert.deepEqual(x.get(1, 2).tolist(), [20, 21, 22, 23]);
  assert.deepEqual(x.get(-1, -1, -1).tolist(), 23);
  assert.deepEqual(x.get("0, 1:3, ::2").tolist(), [
    [4, 6],
    [8, 10],
  ]);
  assert.deepEqual(x.get("...", 0).tolist(), [
    [0, 4, 8],
    [12, 16, 20],
  ]);
  assert.deepEqual(x.get(0, 0, "::-1").tolist(), [3, 2, 1, 0]);
  assert.deepEqual(x.get(0, 0, "3:0:-2").tolist(), [3, 1]);
  assert.deepEqual(x.get(null, 0, 0).shape, [1, 4]);
  assert.deepEqual(x.get(0, "5:").shape, [0, 4]);
  assert.throws(() => x.get(0, 0, 0, 0), /too many indices/);
  // out-of-bounds integers clamp, as in JAX (x[5] of a size-2 axis is x[1]; x[-7] is x[0])
  assert.deepEqual(x.get(2).tolist(), x.get(1).tolist());
  assert.deepEqual(x.get(-7, 9).tolist(), x.get(0, 2).tolist());
  assert.throws(() => jnp.zeros([0, 3]).get(0), /out of bounds for axis 0 with size 0/);
});

test("mT swaps the last two axes (JAX's matrix transpose) and needs two dimensions", () => {
  const x = jnp.arange(12).reshape([2, 3, 2]);
  assert.deepEqual(x.mT.shape, [2, 2, 3]);
  assert.deepEqual(x.mT.tolist(), [
    [
      [0, 2, 4],
      [1, 3, 5],
    ],
    [
      [6, 8, 10],
      [7, 9, 11],
    ],
  ]);
  assert.throws(() => jnp.arange(3).mT, /mT: the matrix transpose needs at least two dimensions, got shape \[3\]/);
});
