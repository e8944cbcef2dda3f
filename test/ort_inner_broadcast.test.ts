// An elementwise operand broadcast along an axis between two of its own axes (a rotary table
// [64, 16] against activations [16, 64, 4, 16]) is expanded over those inner axes before the
// operator, so that ONNX Runtime broadcasts it only along leading axes (its fast path). The
// results must stay bit for bit eager's, and the expansion must happen exactly where it pays.
import assert from "node:assert/strict";
import { test } from "node:test";
import { lowerToOnnx } from "../src/backends/ort/lower.js";
import { compileOrt } from "../src/backends/ort/session.js";
import type { ArrayImpl } from "../src/core/array.js";
import { type Array as JArray, numpy as jnp, lax, makeJaxpr, random } from "../src/index.js";
import { requireOrt } from "./ort_helpers.js";

requireOrt();

const x = random.normal(random.key(0), [16, 64, 4, 16]);
const table = random.normal(random.key(1), [64, 16]);

/** How many nodes of `op` the lowered program has (node op types appear verbatim in the bytes). */
function count(f: (...a: JArray[]) => JArray, args: JArray[], op: string): number {
  const text = new TextDecoder("latin1").decode(lowerToOnnx(makeJaxpr(f)(...args)).bytes);
  return text.split(op).length - 1;
}

function runOrt(f: (...a: JArray[]) => JArray, args: JArray[]): Float32Array {
  return compileOrt(makeJaxpr(f)(...args))(args as unknown as ArrayImpl[])[0]!.dataSync() as Float32Array;
}

test("an operand broadcast between its own axes is expanded over them, bit-exact", () => {
  const rope = (a: JArray, c: JArray) => {
    const wide = lax.broadcastInDim(c, [16, 64, 4, 16], [1, 3]);
    return a.mul(wide).sub(wide);
  };
  assert.equal(count(rope, [x, table], "Expand"), 1, "one Expand, shared by both uses");
  const got = runOrt(rope, [x, table]);
  const want = rope(x, table).dataSync() as Float32Array;
  assert.deepEqual(new Uint32Array(got.buffer), new Uint32Array(want.buffer));
});

test("no expansion where the broadcast is only along leading or trailing axes, or the output is small", () => {
  const leading = (a: JArray, c: JArray) => a.mul(lax.broadcastInDim(c, [16, 64, 4, 16], [2, 3]));
  assert.equal(count(leading, [x, jnp.ones([4, 16])], "Expand"), 0);
  const trailing = (a: JArray, c: JArray) => a.mul(lax.broadcastInDim(c, [16, 64, 4, 16], [0, 1, 2]));
  assert.equal(count(trailing, [x, jnp.ones([16, 64, 4])], "Expand"), 0, "expanding a row scale would build the whole output");
  const small = (a: JArray, c: JArray) => a.mul(lax.broadcastInDim(c, [2, 8, 4, 16], [1, 3]));
  assert.equal(count(small, [jnp.ones([2, 8, 4, 16]), jnp.ones([8, 16])], "Expand"), 0);
});
