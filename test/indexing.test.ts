// x.get(...) and x.at(...) against real JAX (test/fixtures/indexing.json, written by
// scripts/fixtures_indexing.py): values of x[idx], of x.at[idx].get(mode) and of every
// x.at[idx].<op>(v), and the gradients of sum(w * x[idx]) and sum(w * x.at[idx].op(v)),
// over index expressions with duplicates, negative and out-of-bounds entries, new axes,
// reversed and strided slices, masks and empty index arrays. Then: jit equals eager and
// vmap equals stacking, and the errors for traced masks.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { IndexItem } from "../src/core/array.js";
import type { Array as JArray } from "../src/index.js";
import { grad, jit, numpy as jnp, vmap } from "../src/index.js";
import { ConcretizationTypeError } from "../src/numpy/methods.js";
import { arr, assertAllClose, fromFixture, get, keysOf, loadFixture } from "./helpers.js";

const TOL = { rtol: 1e-5, atol: 1e-6 };
const fx = loadFixture("indexing");
const names = keysOf(fx, "cases");

interface FixtureItem {
  kind: "int" | "slice" | "none" | "ellipsis" | "array";
  value?: unknown;
}

function items(name: string): IndexItem[] {
  return (get(fx, "cases", name, "index") as FixtureItem[]).map((it) => {
    switch (it.kind) {
      case "int":
        return it.value as number;
      case "slice":
        return it.value as string;
      case "none":
        return null;
      case "ellipsis":
        return "...";
      case "array":
        return fromFixture(it.value);
    }
  });
}

/** Two jaxts arrays are equal in shape and close in value. */
function assertArraysClose(actual: JArray, expected: JArray, label: string): void {
  assert.deepEqual([...actual.shape], [...expected.shape], `${label}: shape`);
  assertAllClose(actual, Array.from(expected.dataSync(), Number), TOL, label);
}

type Op = "set" | "add" | "multiply" | "min" | "max" | "divide" | "power";
const update = (x: JArray, idx: IndexItem[], op: Op, v: JArray): JArray => x.at(...idx)[op](v);

for (const name of names) {
  const x = arr(fx, "cases", name, "x");
  const v = arr(fx, "cases", name, "v");
  const wGet = arr(fx, "cases", name, "w_get");
  const wUpd = arr(fx, "cases", name, "w_upd");
  const idx = items(name);
  const outs = keysOf(fx, "cases", name, "out");
  const grads = keysOf(fx, "cases", name, "grads");
  const out = (k: string) => get(fx, "cases", name, "out", k);
  const g = (k: string) => get(fx, "cases", name, "grads", k);

  test(`indexing ${name}: x.get and x.at(...).<op> match JAX`, () => {
    assertAllClose(x.get(...idx), out("get"), TOL, "get");
    for (const op of ["set", "add", "multiply", "min", "max", "divide", "power"] as const) {
      if (outs.includes(op)) assertAllClose(update(x, idx, op, v), out(op), TOL, op);
    }
    for (const mode of ["clip", "fill"] as const) {
      if (!outs.includes(`get_${mode}`)) continue;
      assertAllClose(x.at(...idx).get({ mode, fillValue: -7 }), out(`get_${mode}`), TOL, `get ${mode}`);
      assertAllClose(x.at(...idx).add(v, { mode }), out(`add_${mode}`), TOL, `add ${mode}`);
    }
  });

  test(`indexing ${name}: gradients of get and of the updates match JAX`, () => {
    assertAllClose(
      grad((x: JArray) =>
        x
          .get(...idx)
          .mul(wGet)
          .sum(),
      )(x),
      g("get_x"),
      TOL,
      "d get / dx",
    );
    for (const op of ["set", "add", "multiply", "min", "max", "divide", "power"] as const) {
      if (grads.includes(`${op}_x`)) {
        assertAllClose(grad((x: JArray) => update(x, idx, op, v).mul(wUpd).sum())(x), g(`${op}_x`), TOL, `d ${op} / dx`);
      }
      if (grads.includes(`${op}_v`)) {
        assertAllClose(grad((v: JArray) => update(x, idx, op, v).mul(wUpd).sum())(v), g(`${op}_v`), TOL, `d ${op} / dv`);
      }
    }
  });

  test(`indexing ${name}: jit equals eager`, () => {
    // the index arrays are jit arguments where they can be (masks must stay concrete)
    const isMask = (it: IndexItem) => typeof it === "object" && it !== null && !Array.isArray(it) && (it as JArray).dtype === "bool";
    const traced = idx.map((it) => typeof it === "object" && it !== null && !isMask(it));
    const f = jit((x: JArray, v: JArray, ...dyn: JArray[]) => {
      let k = 0;
      const ix = idx.map((it, i) => (traced[i] ? dyn[k++]! : it));
      return [x.get(...ix), x.at(...ix).add(v), x.at(...ix).set(v), x.at(...ix).max(v)];
    });
    const dyn = idx.filter((_, i) => traced[i]) as JArray[];
    const [a, b, c, d] = f(x, v, ...dyn) as JArray[];
    assertAllClose(a, out("get"), TOL, "jit get");
    assertAllClose(b, out("add"), TOL, "jit add");
    assertAllClose(c, out("set"), TOL, "jit set");
    assertAllClose(d, out("max"), TOL, "jit max");
  });

  test(`indexing ${name}: vmap over x and v equals stacking`, () => {
    const xs = jnp.stack([x, x.mul(-2), x.add(1)]);
    const vs = jnp.stack([v, v.mul(3), v.sub(1)]);
    const batched = vmap((x: JArray, v: JArray) => [x.get(...idx), x.at(...idx).add(v), x.at(...idx).set(v), x.at(...idx).min(v)])(
      xs,
      vs,
    ) as JArray[];
    for (let b = 0; b < 3; b++) {
      const xb = xs.get(b);
      const vb = vs.get(b);
      assertArraysClose(batched[0]!.get(b), xb.get(...idx), `vmap get [${b}]`);
      assertArraysClose(batched[1]!.get(b), xb.at(...idx).add(vb), `vmap add [${b}]`);
      assertArraysClose(batched[2]!.get(b), xb.at(...idx).set(vb), `vmap set [${b}]`);
      assertArraysClose(batched[3]!.get(b), xb.at(...idx).min(vb), `vmap min [${b}]`);
    }
  });
}

test("indexing: vmap over integer index arrays equals stacking (batched gather and scatter)", () => {
  const x = jnp.arange(20).astype("float32").reshape([5, 4]);
  const idx = jnp.array(
    [
      [0, 4, -1],
      [2, 2, 7],
      [-6, 1, 3],
    ],
    { dtype: "int32" },
  );
  const getRows = vmap((i: JArray) => x.get(i, "1:3"))(idx);
  const addRows = vmap((i: JArray) => x.at(i, "1:3").add(1))(idx);
  const both = vmap((x: JArray, i: JArray) => x.at(":", i.get("0:2")).set(-1), { inAxes: [0, 0] })(jnp.stack([x, x, x]), idx);
  for (let b = 0; b < 3; b++) {
    const i = idx.get(b);
    assertArraysClose(getRows.get(b), x.get(i, "1:3"), `get ${b}`);
    assertArraysClose(addRows.get(b), x.at(i, "1:3").add(1), `add ${b}`);
    assertArraysClose(both.get(b), x.at(":", i.get("0:2")).set(-1), `set ${b}`);
  }
});

test("indexing: closed forms of the grammar (nested JS arrays, duplicates, negative wrap, clamping)", () => {
  const x = jnp.arange(10).astype("float32");
  assert.deepEqual(x.get([3, -1, 3]).tolist(), [3, 9, 3]);
  assert.deepEqual(x.get([12, -20]).tolist(), [9, 0]);
  assert.deepEqual(x.at([1, 1, 1]).add(5).tolist(), [0, 16, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.deepEqual(x.at([12, -20, 0]).set(-1).tolist(), [-1, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.deepEqual(x.at([12, 0]).set(-1, { mode: "clip" }).tolist(), [-1, 1, 2, 3, 4, 5, 6, 7, 8, -1]);
  assert.deepEqual(
    x.at([true, false, true, false, false, false, false, false, false, true]).multiply(2).tolist(),
    [0, 1, 4, 3, 4, 5, 6, 7, 8, 18],
  );
  assert.deepEqual(x.at("2:4").subtract(1).tolist(), [0, 1, 1, 2, 4, 5, 6, 7, 8, 9]);
  assert.ok(Number.isNaN((x.at([20, 1]).get({ mode: "fill" }).tolist() as number[])[0]!));
  const ints = jnp.arange(6);
  assert.equal(ints.at(2).divide(2).dtype, "float32");
  assert.deepEqual(ints.at([0, 5]).set(2.7).tolist(), [2, 1, 2, 3, 4, 2]);
  const m = jnp.arange(12).reshape([3, 4]);
  assert.deepEqual(m.get("...", [0, 3]).tolist(), [
    [0, 3],
    [4, 7],
    [8, 11],
  ]);
  assert.deepEqual(m.get(m.gt(8)).tolist(), [9, 10, 11]);
  assert.deepEqual(m.get([], ":").shape, [0, 4]);
});

test("indexing: traced boolean masks are a clear error under jit; concrete ones work under grad", () => {
  const x = jnp.array([1, -2, 3]);
  assert.throws(
    () => jit((x: JArray) => x.get(x.gt(0)))(x),
    (e: unknown) => e instanceof ConcretizationTypeError && /jnp\.where|size/.test(String(e)),
  );
  assert.throws(() => jit((x: JArray) => x.at(x.gt(0)).set(0))(x), ConcretizationTypeError);
  // a mask of a grad-traced array is concrete (its primal is known)
  assertAllClose(grad((x: JArray) => x.get(x.gt(0)).sum())(x), [1, 0, 1], TOL, "grad of a masked sum");
  assert.throws(() => x.get([true, false]), /does not match/);
  assert.throws(() => x.get(jnp.array([0.5])), /integers or booleans/);
});

test("indexing: scatter-mul in the values needs unique indices, as in JAX", () => {
  const x = jnp.array([1, 2, 3]);
  const f = (v: JArray) => x.at([0, 2]).multiply(v).sum();
  assert.throws(() => grad(f)(jnp.array([2, 3])), /unique indices/);
  const g = grad((v: JArray) => x.at([0, 2]).multiply(v, { uniqueIndices: true }).sum())(jnp.array([2, 3]));
  assertAllClose(g, [1, 3], TOL, "d/dv of x.at([0, 2]).multiply(v)");
});
