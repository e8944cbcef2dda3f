// where() on a single boolean lowers to an If that hands on one operand (a copy), not to
// onnxruntime's per-element Where: results must equal eager's bit for bit, for both values of
// the condition, every dtype, operands that broadcast, and special float values.
import assert from "node:assert/strict";
import { test } from "node:test";
import { lowerToOnnx } from "../src/backends/ort/lower.js";
import { compileOrt } from "../src/backends/ort/session.js";
import type { ArrayImpl } from "../src/core/array.js";
import { type Array as JArray, numpy as jnp, makeJaxpr } from "../src/index.js";
import { requireOrt } from "./ort_helpers.js";

requireOrt();

const N = 8192;
const special = [0, -0, 1.5, -2.25, Infinity, -Infinity, Number.NaN, 3e38, 1e-40];
const a = jnp.array(Array.from({ length: N }, (_, i) => special[i % special.length]!));
const b = jnp.array(Array.from({ length: N }, (_, i) => special[(i * 5 + 3) % special.length]!));

function ops(f: (...x: JArray[]) => JArray, args: JArray[]): string {
  return new TextDecoder("latin1").decode(lowerToOnnx(makeJaxpr(f)(...args)).bytes);
}

function check(f: (...x: JArray[]) => JArray, args: JArray[], label: string): void {
  assert.ok(/\bIf\b/.test(ops(f, args)) && !ops(f, args).includes("Where"), `${label}: lowered to If`);
  const got = compileOrt(makeJaxpr(f)(...args))(args as unknown as ArrayImpl[])[0]!;
  const want = f(...args);
  assert.equal(got.dtype, want.dtype, label);
  assert.deepEqual(got.shape, want.shape, label);
  const bytes = (x: JArray) => {
    const d = x.dataSync() as Float32Array;
    return new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
  };
  assert.deepEqual(bytes(got as unknown as JArray), bytes(want), label);
}

test("where on one boolean: If, bit-exact for both branches", () => {
  for (const c of [true, false]) {
    const p = jnp.array(c);
    check((p, x, y) => jnp.where(p, x, y), [p, a, b], `where(${c}, a, b)`);
    check((p, x) => jnp.where(p, x, -0), [p, a], `where(${c}, a, -0)`);
    check((p, y) => jnp.where(p, Number.NaN, y), [p, b], `where(${c}, NaN, b)`);
    check(
      (p, x, y) => jnp.where(p, x.reshape([1, N]), y.reshape([N, 1]).get(":1024")),
      [p, a, b],
      `where(${c}) broadcasting to [1024, ${N}]`,
    );
    check((p, x) => jnp.where(p.reshape([1, 1]), x.astype("int32").reshape([2, N / 2]), 7), [p, a.mul(1000)], `where(${c}) on int32`);
    check((p, x) => jnp.where(p, x.gt(0), false), [p, a], `where(${c}) on bool`);
  }
});

test("where on one boolean over a small output stays a Where", () => {
  const f = (p: JArray, x: JArray) => jnp.where(p, x, 0);
  assert.ok(ops(f, [jnp.array(true), jnp.ones([100])]).includes("Where"));
});
