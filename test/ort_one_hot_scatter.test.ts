// A scatter-add into few rows of zeros (an embedding gradient over a small vocabulary) lowers
// to one-hot(rows)ᵀ · updates, a Gemm, behind an If that keeps ScatterElements for
// non-finite updates. The sums may differ from eager's by their order of addition only;
// out-of-bounds rows must be dropped or clamped as the mode says, and an infinite or NaN
// update must reach its own row only.
import assert from "node:assert/strict";
import { test } from "node:test";
import { lowerToOnnx } from "../src/backends/ort/lower.js";
import { compileOrt } from "../src/backends/ort/session.js";
import type { ArrayImpl } from "../src/core/array.js";
import { grad, type Array as JArray, numpy as jnp, makeJaxpr, random } from "../src/index.js";
import { requireOrt } from "./ort_helpers.js";

requireOrt();

const V = 83;
const D = 16;
const tokens = random.randint(random.key(0), [40, 8], 0, V);
const upd = random.normal(random.key(1), [40, 8, D]);

function ops(f: (...x: JArray[]) => JArray, args: JArray[]): string {
  return new TextDecoder("latin1").decode(lowerToOnnx(makeJaxpr(f)(...args)).bytes);
}

function runOrt(f: (...x: JArray[]) => JArray, args: JArray[]): Float32Array {
  return compileOrt(makeJaxpr(f)(...args))(args as unknown as ArrayImpl[])[0]!.dataSync() as Float32Array;
}

/** Equal within float32 rounding of a different summation order; non-finite values equal exactly. */
function close(got: Float32Array, want: Float32Array, label: string): void {
  assert.equal(got.length, want.length, label);
  for (let i = 0; i < want.length; i++) {
    const [g, w] = [got[i]!, want[i]!];
    if (!Number.isFinite(w) || !Number.isFinite(g)) {
      assert.ok(Object.is(g, w) || (Number.isNaN(g) && Number.isNaN(w)), `${label}: element ${i} is ${g}, eager gives ${w}`);
    } else assert.ok(Math.abs(g - w) <= 1e-6 * (1 + Math.abs(w)), `${label}: element ${i} is ${g}, eager gives ${w}`);
  }
}

test("the gradient of an embedding lookup goes through a Gemm and matches eager", () => {
  const loss = (emb: JArray, u: JArray) => jnp.sum(jnp.take(emb, tokens, 0, { mode: "clip" }).mul(u));
  const g = (emb: JArray, u: JArray) => grad(loss)(emb, u);
  const emb = random.normal(random.key(2), [V, D]);
  const text = ops(g, [emb, upd]);
  assert.ok(text.includes("Gemm") && /\bIf\b/.test(text), "one-hot Gemm behind an If");
  close(runOrt(g, [emb, upd]), g(emb, upd).dataSync() as Float32Array, "embedding gradient");
});

test("out-of-bounds rows: dropped in drop mode, clamped in clip mode", () => {
  const idx = jnp.array([[0], [82], [83], [-1], [200], [5], [5]], { dtype: "int32" });
  const u = random.normal(random.key(3), [7, D]);
  for (const mode of ["drop", "clip"] as const) {
    const f = (i: JArray, v: JArray) => jnp.zeros([V, D]).at(i.get(":, 0")).add(v, { mode });
    assert.ok(ops(f, [idx, u]).includes("Gemm"), `${mode}: one-hot Gemm`);
    close(runOrt(f, [idx, u]), f(idx, u).dataSync() as Float32Array, `mode ${mode}`);
  }
});

test("a non-finite update reaches its own row only (ScatterElements path)", () => {
  const idx = jnp.array([3, 7, 3, 9], { dtype: "int32" });
  const f = (i: JArray, v: JArray) => jnp.zeros([V, D]).at(i).add(v);
  for (const bad of [Infinity, -Infinity, Number.NaN]) {
    const u = random.normal(random.key(4), [4, D]).at(2, 5).set(bad);
    const got = runOrt(f, [idx, u]);
    close(got, f(idx, u).dataSync() as Float32Array, `update ${bad}`);
    assert.ok(Number.isFinite(got[9 * D + 5]!), `${bad}: row 9 stays finite`);
  }
  // finite updates whose sum overflows take the exact path too
  const big = jnp.full([4, D], 3e38);
  close(runOrt(f, [idx, big]), f(idx, big).dataSync() as Float32Array, "overflowing sum");
});

test("scatter-adds into non-zero operands, many rows or integers keep ScatterElements", () => {
  const idx = jnp.array([1, 2], { dtype: "int32" });
  const onto = (o: JArray, i: JArray, v: JArray) => o.at(i).add(v);
  assert.ok(!ops(onto, [jnp.ones([V, D]), idx, jnp.ones([2, D])]).includes("Gemm"));
  const wide = (i: JArray, v: JArray) => jnp.zeros([1000, D]).at(i).add(v);
  assert.ok(!ops(wide, [idx, jnp.ones([2, D])]).includes("Gemm"));
  const ints = (i: JArray, v: JArray) => jnp.zeros([V, D], { dtype: "int32" }).at(i).add(v);
  assert.ok(!ops(ints, [idx, jnp.ones([2, D], { dtype: "int32" })]).includes("Gemm"));
});
