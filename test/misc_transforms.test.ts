// linearTranspose, evalShape, debug.print and remat naming: the small transformations.
import assert from "node:assert/strict";
import { test } from "node:test";
import { checkpoint, debug, evalShape, type Array as JArray, jit, numpy as jnp, linearTranspose, remat, vmap } from "../src/index.js";

test("linearTranspose: JAX's docstring example", () => {
  const f = (x: JArray, y: JArray) => x.mul(0.5).sub(y.mul(0.5));
  const fT = linearTranspose(f, jnp.array(1), jnp.array(1));
  const [a, b] = fT(jnp.array(3));
  assert.deepEqual([a.item(), b.item()], [1.5, -1.5]);
});

test("evalShape computes output shapes and dtypes without running anything", () => {
  let ran = 0;
  const out = evalShape(
    (x: JArray, w: JArray) => {
      ran++;
      return jnp.tanh(x.matmul(w)).sum(1);
    },
    jnp.zeros([3, 4]),
    jnp.zeros([4, 5]),
  );
  assert.deepEqual(out.shape, [3]);
  assert.equal(out.dtype, "float32");
  assert.equal(ran, 1);
});

test("debug.print prints concrete values from inside jit and vmap", () => {
  const lines: string[] = [];
  const log = console.log;
  console.log = (s: string) => lines.push(s);
  try {
    const f = jit((x: JArray) => {
      debug.print("x = {}, doubled = {d}", x, { d: x.mul(2) });
      return x.sum();
    });
    f(jnp.array([1, 2]));
    f(jnp.array([3, 4]));
    vmap((x: JArray) => {
      debug.print("row {}", x);
      return x;
    })(jnp.array([5, 6]));
  } finally {
    console.log = log;
  }
  assert.deepEqual(lines, ["x = [1., 2.], doubled = [2., 4.]", "x = [3., 4.], doubled = [6., 8.]", "row [5., 6.]"]);
});

test("remat is checkpoint", () => {
  assert.equal(remat, checkpoint);
});
