// Shared checks of the ort backend: a function's jaxpr run by onnxruntime (compileOrt) must
// give what the cpu engine's evaluation of the same jaxpr gives.
import assert from "node:assert/strict";
import { compileOrt, ortAvailable, ortUnavailableReason } from "../src/backends/ort/session.js";
import type { ArrayImpl } from "../src/core/array.js";
import { isFloat } from "../src/core/dtype.js";
import { evalJaxpr } from "../src/core/jaxpr.js";
import type { Array as JArray } from "../src/index.js";
import { makeJaxpr } from "../src/index.js";
import { flattenArrays } from "../src/transforms/args.js";

/** Fails (never skips) when onnxruntime-node cannot be loaded: CI installs it. */
export function requireOrt(): void {
  assert.ok(ortAvailable(), `onnxruntime-node must be installed for these tests: ${ortUnavailableReason()}`);
}

export interface OrtTol {
  rtol?: number;
  atol?: number;
}

/** Elementwise closeness; NaN matches NaN, integers and bools must be equal. */
export function assertSameValues(got: JArray, want: JArray, tol: OrtTol, label: string): void {
  assert.equal(got.dtype, want.dtype, `${label}: dtype`);
  assert.deepEqual([...got.shape], [...want.shape], `${label}: shape`);
  const a = got.dataSync();
  const b = want.dataSync();
  const exact = !isFloat(want.dtype);
  const rtol = tol.rtol ?? 1e-5;
  const atol = tol.atol ?? 1e-6;
  for (let i = 0; i < b.length; i++) {
    const x = Number(a[i]);
    const y = Number(b[i]);
    if (Number.isNaN(y) && Number.isNaN(x)) continue;
    const ok = exact ? x === y : x === y || Math.abs(x - y) <= atol + rtol * Math.abs(y);
    if (!ok) assert.fail(`${label}: element ${i} is ${x}, the cpu engine gives ${y}`);
  }
}

/**
 * Runs f's jaxpr through onnxruntime and through the cpu engine and compares every output.
 * The arguments may be pytrees of arrays.
 */
export function checkOrt(f: (...args: any[]) => unknown, args: unknown[], tol: OrtTol = {}): ArrayImpl[] {
  const closed = makeJaxpr(f)(...args);
  const [leaves] = flattenArrays("checkOrt", args, false, "every argument leaf");
  const want = evalJaxpr(closed.jaxpr, [...closed.consts, ...leaves]);
  const got = compileOrt(closed)(leaves as ArrayImpl[]);
  assert.equal(got.length, want.length);
  want.forEach((w, i) => {
    assertSameValues(got[i]!, w, tol, `output ${i}`);
  });
  return got;
}
