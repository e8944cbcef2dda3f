// The core's error messages (they must name the operation, the shapes or dtypes involved,
// and what to do), and JAX's dtype promotion with weak types, pair by pair, against a table
// generated with real JAX (scripts/make_promotion_fixture.py -> test/fixtures/promotion.json).
import assert from "node:assert/strict";
import { test } from "node:test";
import type { DType, Array as JArray } from "../src/index.js";
import { ConcretizationTypeError, grad, jit, numpy as jnp, lax, vmap } from "../src/index.js";
import { loadFixture } from "./helpers.js";

/** Asserts that fn throws and that the message contains every fragment. */
function throwsWith(fn: () => unknown, fragments: (string | RegExp)[], type: new (...args: any[]) => Error = Error): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof type, `expected a ${type.name}, got ${e instanceof Error ? e.constructor.name : typeof e}`);
    const msg = (e as Error).message;
    for (const f of fragments) {
      if (typeof f === "string") assert.ok(msg.includes(f), `message ${JSON.stringify(msg)} lacks ${JSON.stringify(f)}`);
      else assert.match(msg, f);
    }
    return true;
  });
}

// ---------------------------------------------------------------------------
// shapes

test("jnp.add of [2,3] and [4] names the op and both shapes", () => {
  throwsWith(() => jnp.add(jnp.ones([2, 3]), jnp.ones([4])), ["add", "[2, 3]", "[4]", "broadcast"]);
});

test("broadcasting errors from array methods and from jit name the shapes too", () => {
  throwsWith(() => jnp.ones([3]).mul(jnp.ones([2])), ["multiply", "[3]", "[2]"]);
  throwsWith(() => jit((a: JArray, b: JArray) => a.sub(b))(jnp.ones([2, 2]), jnp.ones([3])), ["subtract", "[2, 2]", "[3]"]);
});

test("matmul with mismatched inner dimensions names both shapes and the sizes", () => {
  throwsWith(() => jnp.matmul(jnp.ones([2, 3]), jnp.ones([4, 5])), ["matmul", "[2, 3]", "[4, 5]", "3", "4"]);
  throwsWith(() => jnp.ones([2, 3]).matmul(jnp.ones([4])), ["matmul", "[2, 3]", "[4]"]);
});

test("lax-level ops reject unequal shapes and dtypes without broadcasting", () => {
  throwsWith(() => lax.add(jnp.ones([2]), jnp.ones([3])), ["add", "[2]", "[3]"]);
  throwsWith(() => lax.mul(jnp.ones([2]), jnp.ones([2], { dtype: "float64" })), ["mul", "float32", "float64"], TypeError);
});

test("reshape to an incompatible size names both shapes", () => {
  throwsWith(() => jnp.ones([2, 3]).reshape([4, 2]), ["reshape", "[2, 3]", "[4, 2]"]);
});

// ---------------------------------------------------------------------------
// grad

test("grad of a non-scalar output says so and suggests the fix", () => {
  throwsWith(() => grad((x: JArray) => x.mul(2))(jnp.ones([3])), ["grad", "scalar", "[3]", "sum"], TypeError);
});

test("grad with respect to an int32 argument names the dtype and the fix", () => {
  throwsWith(
    () => grad((x: JArray) => x.astype("float32").sum())(jnp.array([1, 2], { dtype: "int32" })),
    ["grad", "int32", "float"],
    TypeError,
  );
  // and allowInt gives the zero gradient instead
  const g = grad((x: JArray, y: JArray) => x.astype("float32").mul(y).sum(), { argnums: 0, allowInt: true })(
    jnp.array([1, 2], { dtype: "int32" }),
    jnp.ones([2]),
  ) as JArray;
  assert.deepEqual(Array.from(g.dataSync()), [0, 0]);
});

// ---------------------------------------------------------------------------
// vmap

test("vmap with inconsistent axis sizes lists every mapped size", () => {
  throwsWith(
    () => vmap((a: JArray, b: JArray) => a.add(b))(jnp.ones([3, 2]), jnp.ones([4, 2])),
    ["vmap", "inconsistent sizes", "size 3", "size 4", "[3, 2]", "[4, 2]"],
  );
  throwsWith(() => vmap((a: JArray, b: JArray) => a.add(b), { inAxes: [0, 1] })(jnp.ones([3, 5]), jnp.ones([5, 2])), ["size 3", "size 2"]);
});

// ---------------------------------------------------------------------------
// concretization

test("item() on a traced value inside jit raises a ConcretizationTypeError", () => {
  const f = jit((x: JArray) => (x.gt(0).item() ? x : x.neg()));
  throwsWith(() => f(jnp.ones([])), ["item()", "traced", "bool[]", "jnp.where", "lax.cond", "staticArgnums"], ConcretizationTypeError);
});

test("`if (x > 0)` on a traced value (Symbol.toPrimitive) raises a ConcretizationTypeError", () => {
  const f = jit((x: any) => (x > 0 ? x : x.neg()));
  throwsWith(() => f(jnp.ones([])), ["conversion to a JS number", "traced", "float32[]"], ConcretizationTypeError);
  // outside a transformation the same code runs on the concrete value
  const g = (x: any) => (x > 0 ? x : x.neg());
  assert.equal((g(jnp.array(-2)) as JArray).item(), 2);
});

test("concretization under grad and vmap is reported the same way", () => {
  throwsWith(() => vmap((x: JArray) => (x.gt(0).item() ? x : x.neg()))(jnp.ones([2])), ["item()", "traced"], ConcretizationTypeError);
});

// ---------------------------------------------------------------------------
// jnp.array

test("ragged nested arrays are rejected with the offending position and lengths", () => {
  throwsWith(() => jnp.array([[1, 2], [3]]), ["ragged", "[1]", "length 1", "length 2"]);
  throwsWith(() => jnp.array([[1, 2], 3] as unknown as number[][]), ["ragged", "[1]"]);
  throwsWith(
    () =>
      jnp.array([
        [[1], [2]],
        [[3], [4, 5]],
      ]),
    ["ragged", "[1][1]", "length 2", "length 1"],
  );
});

// ---------------------------------------------------------------------------
// promotion

interface PromotionFixture {
  dtypes: DType[];
  rows: [DType, boolean, DType, boolean, DType, boolean][];
}

/** A [2]-array of `dtype`, weak or strong, the way JAX builds weak values (convert_element_type). */
function operand(dtype: DType, weak: boolean): JArray {
  return lax.convertElementType(jnp.zeros([2], { dtype }), dtype, weak);
}

const fmt = (d: DType, w: boolean) => `${d}${w ? " (weak)" : ""}`;

test("jnp.add's result dtype and weak type match JAX for every pair of dtypes, weak and strong", () => {
  const fx = loadFixture("promotion") as unknown as PromotionFixture;
  assert.equal(fx.rows.length, fx.dtypes.length * 2 * fx.dtypes.length * 2);
  const wrong: string[] = [];
  for (const [a, aw, b, bw, dtype, weak] of fx.rows) {
    const r = jnp.add(operand(a, aw), operand(b, bw));
    if (r.dtype !== dtype || r.weakType !== weak)
      wrong.push(`${fmt(a, aw)} + ${fmt(b, bw)}: JAX ${fmt(dtype, weak)}, jaxts ${fmt(r.dtype, r.weakType)}`);
  }
  assert.deepEqual(wrong, [], `${wrong.length} of ${fx.rows.length} promotions differ from JAX:\n${wrong.join("\n")}`);
});

test("JS numbers are weak scalars: integers weak int32, others weak float32", () => {
  const cases: [number, DType][] = [
    [3, "int32"],
    [-7, "int32"],
    [2.5, "float32"],
  ];
  for (const [v, dtype] of cases) {
    const r = jnp.add(v, v);
    assert.equal(r.dtype, dtype, `${v} + ${v}`);
    assert.equal(r.weakType, true, `${v} + ${v} is weak`);
  }
  // a weak scalar adapts to the array's dtype
  for (const d of ["int8", "uint16", "float16", "bfloat16", "float64"] as DType[]) {
    const r = jnp.ones([2], { dtype: d }).add(1);
    assert.equal(r.dtype, d, `${d} + 1`);
    assert.equal(r.weakType, false);
  }
  assert.equal(jnp.ones([2], { dtype: "int8" }).add(1.5).dtype, "float32", "int8 + 1.5 is float32 (JAX: weak float -> default float)");
});
