// where() under a triangular mask made of two iotas (a causal attention mask) lowers to
// Trilu and a subtraction instead of onnxruntime's slow Where: the results must be bit for
// bit what eager gives, signed zeros, infinities and NaN included, for every way of
// writing the comparison, and the graph must really take that form.
import assert from "node:assert/strict";
import { test } from "node:test";
import { lowerToOnnx } from "../src/backends/ort/lower.js";
import { compileOrt } from "../src/backends/ort/session.js";
import type { ArrayImpl } from "../src/core/array.js";
import { grad, type Array as JArray, numpy as jnp, lax, makeJaxpr, nn } from "../src/index.js";
import { requireOrt } from "./ort_helpers.js";

requireOrt();

const T = 5;
const S = 7;
// values with every special case, repeated over a leading axis of 2
const special = [0, -0, 1.5, -2.25, Infinity, -Infinity, Number.NaN, 3e38, -3e38, 1e-40];
const x = jnp.array(Array.from({ length: 2 * T * S }, (_, i) => special[(i * 7) % special.length]!)).reshape([2, T, S]);

/** The op types in a lowered program (their names appear verbatim in the ONNX bytes). */
function opTypes(f: (x: JArray) => JArray): string {
  return new TextDecoder("latin1").decode(lowerToOnnx(makeJaxpr(f)(x)).bytes);
}

/** Equal bit patterns (any NaN matches any NaN); `signedZeros` false lets 0 match -0. */
function sameBits(got: Float32Array, want: Float32Array, label: string, signedZeros = true): void {
  const g = new Uint32Array(got.buffer, got.byteOffset, got.length);
  const w = new Uint32Array(want.buffer, want.byteOffset, want.length);
  for (let i = 0; i < w.length; i++) {
    const bothNaN = Number.isNaN(got[i]!) && Number.isNaN(want[i]!);
    const zeros = !signedZeros && got[i] === 0 && want[i] === 0;
    if (!bothNaN && !zeros && g[i] !== w[i])
      assert.fail(
        `${label}: element ${i} is ${Object.is(got[i], -0) ? "-0" : got[i]}, eager gives ${Object.is(want[i], -0) ? "-0" : want[i]}`,
      );
  }
}

function runOrt(f: (x: JArray) => JArray): Float32Array {
  const closed = makeJaxpr(f)(x);
  return compileOrt(closed)([x as unknown as ArrayImpl])[0]!.dataSync() as Float32Array;
}

const rows = () => lax.iota("int32", [2, T, S], 1);
const cols = () => lax.iota("int32", [2, T, S], 2);
const comparisons: [string, () => JArray][] = [
  ["r >= c", () => rows().ge(cols())],
  ["r > c", () => rows().gt(cols())],
  ["r <= c", () => rows().le(cols())],
  ["r < c", () => rows().lt(cols())],
  ["c >= r", () => cols().ge(rows())],
  ["c > r", () => cols().gt(rows())],
  ["c <= r", () => cols().le(rows())],
  ["c < r", () => cols().lt(rows())],
];
const fills = [0, 5, -0.7 * 3.4028234663852886e38, -Infinity, Number.NaN];

test("where(triangle, x, constant) and where(triangle, constant, x): Trilu, bit-exact", () => {
  for (const [name, mask] of comparisons) {
    for (const fill of fills) {
      for (const swapped of [false, true]) {
        const f = (v: JArray) => (swapped ? jnp.where(mask(), fill, v) : jnp.where(mask(), v, fill));
        const label = `${swapped ? `where(${name}, ${fill}, x)` : `where(${name}, x, ${fill})`}`;
        sameBits(runOrt(f), f(x).dataSync() as Float32Array, label);
        const ops = opTypes(f);
        assert.ok(ops.includes("Trilu") && !ops.includes("Where"), `${label} lowers to Trilu without Where`);
      }
    }
  }
});

// onnxruntime's Where turns a -0 it passes through into +0, so these compare zeros unsigned
test("a fill of -0 and a mask that is not triangular keep Where, with the same values", () => {
  const f0 = (v: JArray) => jnp.where(rows().ge(cols()), v, -0);
  sameBits(runOrt(f0), f0(x).dataSync() as Float32Array, "fill -0", false);
  assert.ok(opTypes(f0).includes("Where"));
  // both iotas along the same axis: not a triangle
  const g = (v: JArray) => jnp.where(rows().ge(rows()), v, 1);
  sameBits(runOrt(g), g(x).dataSync() as Float32Array, "iota against itself", false);
  const h = (v: JArray) => jnp.where(rows().add(1).ge(cols()), v, 1);
  sameBits(runOrt(h), h(x).dataSync() as Float32Array, "shifted iota", false);
  assert.ok(opTypes(h).includes("Where"));
});

test("causal attention and its gradient on ort use Trilu and match eager", () => {
  const q = jnp.sin(jnp.arange(2 * 6 * 2 * 4).reshape([2, 6, 2, 4]));
  const k = jnp.cos(
    jnp
      .arange(2 * 6 * 2 * 4)
      .reshape([2, 6, 2, 4])
      .mul(0.7),
  );
  const loss = (qq: JArray) => jnp.sum(nn.dotProductAttention(qq, k, k, { isCausal: true }).mul(k));
  const f = (qq: JArray) => grad(loss)(qq);
  const closed = makeJaxpr(f)(q);
  const ops = new TextDecoder("latin1").decode(lowerToOnnx(closed).bytes);
  assert.ok(ops.includes("Trilu") && !ops.includes("Where"), "the causal mask and its transpose lower to Trilu");
  const got = compileOrt(closed)([q as unknown as ArrayImpl])[0]!.dataSync();
  const want = f(q).dataSync();
  for (let i = 0; i < want.length; i++) assert.ok(Math.abs(got[i]! - want[i]!) <= 1e-6 + 1e-5 * Math.abs(want[i]!), `element ${i}`);
});
