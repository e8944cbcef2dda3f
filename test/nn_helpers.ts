// Helpers for the jaxts.nn golden tests (fixtures from scripts/fixtures_nn.py).
//
// Those fixtures may hold non-finite floats, written as the strings "Infinity", "-Infinity"
// and "NaN"; decode() reads them, and assertCloseNF() requires them at exactly the same
// places before comparing the finite elements with assertAllClose.
import assert from "node:assert/strict";
import type { Array as JArray } from "../src/index.js";
import { grad, numpy as jnp, lax } from "../src/index.js";
import { assertAllClose, get, isFixtureArray, isJaxArray, keysOf, type Tolerance } from "./helpers.js";

export type Args = Record<string, JArray>;
/** A case's JSON options, as scripts/fixtures_nn.py wrote them. */
export type Kwargs = Record<string, any>;
export type CaseFn = (args: Args, kwargs: Kwargs) => JArray | JArray[];

interface NNFixtureArray {
  shape: number[];
  dtype: "float32" | "int32" | "uint32" | "bool";
  data: (number | boolean | string)[];
}

function asFixture(x: unknown, label: string): NNFixtureArray {
  assert.ok(isFixtureArray(x), `${label}: not an encoded array`);
  return x as unknown as NNFixtureArray;
}

/** The jaxts array an nn fixture array describes (non-finite strings decoded). */
export function decode(x: unknown, label = "fixture"): JArray {
  const fx = asFixture(x, label);
  const data = fx.dtype === "bool" ? fx.data.map((v) => v === true) : fx.data.map((v) => Number(v));
  return jnp.array(data, { dtype: fx.dtype }).reshape(fx.shape);
}

/**
 * Compares a jaxts array with an nn fixture array: same shape and dtype, the same
 * non-finite values (±Infinity, NaN) at the same places, the finite ones within `tol`.
 */
export function assertCloseNF(actual: JArray, expected: unknown, tol: Tolerance, label: string): void {
  const fx = asFixture(expected, label);
  assert.ok(isJaxArray(actual), `${label}: expected a jaxts array`);
  assert.deepEqual([...actual.shape], fx.shape, `${label}: shape [${actual.shape.join(", ")}] != expected [${fx.shape.join(", ")}]`);
  assert.equal(actual.dtype, fx.dtype, `${label}: dtype ${actual.dtype} != expected ${fx.dtype}`);
  const a = Array.from(actual.dataSync(), Number);
  const e = fx.data.map(Number);
  const finA: number[] = [];
  const finE: number[] = [];
  e.forEach((ev, i) => {
    const av = a[i]!;
    if (Number.isFinite(ev)) {
      finA.push(av);
      finE.push(ev);
    } else {
      assert.ok(Object.is(av, ev), `${label}: element ${i} is ${av}, expected ${ev}`);
    }
  });
  assertAllClose(finA, finE, tol, label);
}

const outputs = (y: JArray | JArray[]): JArray[] => (Array.isArray(y) ? y : [y]);

/**
 * Runs one fixture case: the outputs, and for each argument named in case.grad the gradient
 * of sum(where(isfinite(out0), out0, 0) * ct), as scripts/fixtures_nn.py computes it.
 */
export function checkCase(fixtureCase: unknown, name: string, fn: CaseFn, tol: Tolerance): void {
  const args: Args = {};
  for (const k of keysOf(fixtureCase, "args")) args[k] = decode(get(fixtureCase, "args", k), `${name}: args.${k}`);
  const kwargs = get(fixtureCase, "kwargs") as Kwargs;
  const outs = outputs(fn(args, kwargs));
  const expected = get(fixtureCase, "out");
  const expectedOuts = Array.isArray(expected) ? expected : [expected];
  assert.equal(outs.length, expectedOuts.length, `${name}: ${outs.length} outputs, expected ${expectedOuts.length}`);
  outs.forEach((y, i) => {
    assertCloseNF(y, expectedOuts[i], tol, `${name}: out${expectedOuts.length > 1 ? `[${i}]` : ""}`);
  });

  if (!("grad" in (fixtureCase as object))) return;
  const ct = decode(get(fixtureCase, "ct"), `${name}: ct`);
  const diff = keysOf(fixtureCase, "grad");
  const loss = (dargs: Args): JArray => {
    const y = outputs(fn({ ...args, ...dargs }, kwargs))[0]!;
    return jnp.sum(jnp.where(lax.isFinite(y), y, 0).mul(ct));
  };
  const grads = grad(loss)(Object.fromEntries(diff.map((k) => [k, args[k]!]))) as Args;
  for (const k of diff) assertCloseNF(grads[k]!, get(fixtureCase, "grad", k), tol, `${name}: grad ${k}`);
}
