// Shared helpers for the golden tests: load the JSON fixtures written by
// scripts/make_fixtures.py (real JAX) and compare jaxts results against them.
//
// Fixture conventions: an array is {shape, dtype, data} with row-major flat data;
// pytrees keep their nesting (JSON lists for tuples/lists, objects for dicts).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import type { Array as JArray } from "../src/index.js";
import { numpy as jnp } from "../src/index.js";

export type FixtureDType = "float32" | "float64" | "int32" | "uint32" | "bool";

export interface FixtureArray {
  shape: number[];
  dtype: FixtureDType;
  data: (number | boolean)[];
}

/** A pytree of arrays as jaxts sees it: arrays, JS arrays (tuples/lists), plain objects (dicts). */
export type Tree = JArray | Tree[] | { [key: string]: Tree };

export interface Tolerance {
  rtol?: number;
  atol?: number;
}

export type Fixture = { readonly [key: string]: unknown };

/** Reads test/fixtures/NAME.json (tests run from dist/test/, hence ../../). */
export function loadFixture(name: string): Fixture {
  const file = name.endsWith(".json") ? name : `${name}.json`;
  const text = readFileSync(new URL(`../../test/fixtures/${file}`, import.meta.url), "utf8");
  const parsed: unknown = JSON.parse(text);
  if (!isPlainObject(parsed)) throw new Error(`fixture ${file}: not a JSON object`);
  return parsed;
}

function isPlainObject(x: unknown): x is { [key: string]: unknown } {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

/** Is this fixture node an encoded array ({shape, dtype, data})? */
export function isFixtureArray(x: unknown): x is FixtureArray {
  return isPlainObject(x) && Array.isArray(x.shape) && typeof x.dtype === "string" && Array.isArray(x.data) && Object.keys(x).length === 3;
}

/** Is this a jaxts array (duck-typed: has shape and dataSync)? */
export function isJaxArray(x: unknown): x is JArray {
  return (
    typeof x === "object" &&
    x !== null &&
    typeof (x as { dataSync?: unknown }).dataSync === "function" &&
    Array.isArray((x as { shape?: unknown }).shape)
  );
}

/** Walks `path` into a fixture, with a readable error when a key is missing. */
export function get(obj: unknown, ...path: (string | number)[]): unknown {
  let cur: unknown = obj;
  const seen: string[] = [];
  for (const key of path) {
    seen.push(String(key));
    if (typeof key === "number") {
      if (!Array.isArray(cur) || key >= cur.length) throw new Error(`fixture path ${seen.join(".")}: no such index`);
      cur = cur[key];
    } else {
      if (!isPlainObject(cur) || !(key in cur)) throw new Error(`fixture path ${seen.join(".")}: no such key`);
      cur = cur[key];
    }
  }
  return cur;
}

/** The encoded array at `path` (validated). */
export function getLeaf(obj: unknown, ...path: (string | number)[]): FixtureArray {
  const x = get(obj, ...path);
  if (!isFixtureArray(x)) throw new Error(`fixture path ${path.join(".")}: not an encoded array`);
  return x;
}

/** The keys of the object at `path`. */
export function keysOf(obj: unknown, ...path: (string | number)[]): string[] {
  const x = get(obj, ...path);
  if (!isPlainObject(x)) throw new Error(`fixture path ${path.join(".")}: not an object`);
  return Object.keys(x);
}

/** Builds the jaxts array an encoded fixture array describes. */
export function fromFixture(obj: unknown): JArray {
  if (!isFixtureArray(obj)) throw new Error("fromFixture: not an encoded array {shape, dtype, data}");
  return jnp.array(obj.data, { dtype: obj.dtype }).reshape(obj.shape);
}

/** Shorthand: the jaxts array at `path` in a fixture. */
export function arr(obj: unknown, ...path: (string | number)[]): JArray {
  return fromFixture(getLeaf(obj, ...path));
}

/** Decodes a fixture pytree (lists -> JS arrays, objects -> plain objects, leaves -> arrays). */
export function treeFromFixture(obj: unknown): Tree {
  if (isFixtureArray(obj)) return fromFixture(obj);
  if (Array.isArray(obj)) return obj.map(treeFromFixture);
  if (isPlainObject(obj)) {
    const out: { [key: string]: Tree } = {};
    for (const k of Object.keys(obj)) out[k] = treeFromFixture(obj[k]);
    return out;
  }
  throw new Error(`treeFromFixture: unexpected node ${JSON.stringify(obj)}`);
}

function fmt(v: number): string {
  return Number.isFinite(v) ? v.toPrecision(9) : String(v);
}

/**
 * Asserts |actual - expected| <= atol + rtol * |expected| elementwise (numpy.allclose
 * semantics; NaN never matches). `actual` is a jaxts array, a JS number or a number[];
 * `expected` an encoded fixture array, a number or a number[]. When both sides carry a
 * shape, the shapes must be equal. On failure, reports the worst element.
 */
export function assertAllClose(actual: unknown, expected: unknown, tol: Tolerance = {}, label = "value"): void {
  const rtol = tol.rtol ?? 1e-5;
  const atol = tol.atol ?? 1e-6;

  let actualShape: readonly number[] | undefined;
  let a: number[];
  if (typeof actual === "number") {
    a = [actual];
    actualShape = [];
  } else if (isJaxArray(actual)) {
    a = Array.from(actual.dataSync(), (v) => Number(v));
    actualShape = actual.shape;
  } else if (Array.isArray(actual) && actual.every((v) => typeof v === "number")) {
    a = actual;
  } else {
    assert.fail(`${label}: expected a jaxts array or number, got ${describe(actual)}`);
  }

  let expectedShape: readonly number[] | undefined;
  let e: number[];
  if (typeof expected === "number") {
    e = [expected];
  } else if (isFixtureArray(expected)) {
    e = expected.data.map((v) => Number(v));
    expectedShape = expected.shape;
  } else if (Array.isArray(expected) && expected.every((v) => typeof v === "number")) {
    e = expected;
  } else {
    throw new Error(`${label}: bad expected value ${describe(expected)}`);
  }

  if (actualShape !== undefined && expectedShape !== undefined) {
    assert.deepEqual(
      [...actualShape],
      [...expectedShape],
      `${label}: shape [${actualShape.join(", ")}] != expected [${expectedShape.join(", ")}]`,
    );
  }
  assert.equal(a.length, e.length, `${label}: ${a.length} elements != expected ${e.length}`);

  let worst = -1;
  let worstRatio = 0;
  let bad = 0;
  for (let i = 0; i < e.length; i++) {
    const av = a[i] ?? Number.NaN;
    const ev = e[i] ?? Number.NaN;
    const err = Math.abs(av - ev);
    const allowed = atol + rtol * Math.abs(ev);
    const ratio = Number.isNaN(err) ? Number.POSITIVE_INFINITY : err / allowed;
    if (ratio > 1) bad++;
    if (ratio > worstRatio || worst < 0) {
      worstRatio = ratio;
      worst = i;
    }
  }
  if (bad > 0) {
    const av = a[worst] ?? Number.NaN;
    const ev = e[worst] ?? Number.NaN;
    assert.fail(
      `${label}: ${bad}/${e.length} elements not close (rtol=${rtol}, atol=${atol}); ` +
        `worst at flat index ${worst}: actual ${fmt(av)}, expected ${fmt(ev)}, ` +
        `|diff| ${fmt(Math.abs(av - ev))} (${worstRatio.toFixed(2)}x tolerance)`,
    );
  }
}

/**
 * Compares a jaxts pytree (arrays, JS arrays, plain objects) with a fixture pytree of the
 * same structure, leaf by leaf with assertAllClose.
 */
export function assertTreeClose(actual: unknown, expected: unknown, tol: Tolerance = {}, label = "tree"): void {
  if (isFixtureArray(expected) || typeof expected === "number") {
    assertAllClose(actual, expected, tol, label);
    return;
  }
  if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), `${label}: expected a JS array (tuple) of ${expected.length}, got ${describe(actual)}`);
    assert.equal(actual.length, expected.length, `${label}: tuple length ${actual.length} != expected ${expected.length}`);
    expected.forEach((ex, i) => {
      assertTreeClose(actual[i], ex, tol, `${label}[${i}]`);
    });
    return;
  }
  if (isPlainObject(expected)) {
    assert.ok(
      typeof actual === "object" && actual !== null && !Array.isArray(actual) && !isJaxArray(actual),
      `${label}: expected an object with keys {${Object.keys(expected).join(", ")}}, got ${describe(actual)}`,
    );
    const act = actual as { [key: string]: unknown };
    assert.deepEqual(
      Object.keys(act).sort(),
      Object.keys(expected).sort(),
      `${label}: keys {${Object.keys(act).sort().join(", ")}} != expected {${Object.keys(expected).sort().join(", ")}}`,
    );
    for (const k of Object.keys(expected)) assertTreeClose(act[k], expected[k], tol, `${label}.${k}`);
    return;
  }
  throw new Error(`${label}: bad expected node ${describe(expected)}`);
}

function describe(x: unknown): string {
  if (isJaxArray(x)) return `Array(shape=[${x.shape.join(", ")}], dtype=${x.dtype})`;
  if (Array.isArray(x)) return `JS array of length ${x.length}`;
  if (x === null) return "null";
  if (typeof x === "object") return `object {${Object.keys(x).join(", ")}}`;
  return `${typeof x} ${String(x)}`;
}
