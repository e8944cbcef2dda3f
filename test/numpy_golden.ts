// Shared runner for the jax.numpy breadth tests (test/numpy_*.test.ts): reads a fixture
// written by scripts/fixtures_numpy.py and, for every case, checks the jaxts function
// against JAX's value (dtype, weak type, shape and elements; NaN where JAX has NaN), the
// same under jit, and, where the fixture has them, vjp cotangents against jax.vjp and
// vmap results against jax.vmap (and against stacking the function over the slices).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import type { Array as JArray } from "../src/index.js";
import { jit, numpy as jnp, vjp, vmap } from "../src/index.js";
import { unstack } from "../src/numpy/shaping.js";

/** Calls the jaxts function under test with the case's positional arguments and options. */
export type CaseFn = (args: any[], kw: any) => unknown;
export type Registry = Record<string, CaseFn>;

interface EncArray {
  shape: number[];
  dtype: string;
  data: (number | boolean | string)[];
  weak?: boolean;
}
interface Case {
  name: string;
  fn: string;
  args: unknown[];
  kw: Record<string, unknown>;
  out: unknown;
  ct?: unknown;
  gradArgs?: number[];
  grads?: unknown;
  inAxes?: (number | null)[];
  tol?: { rtol?: number; atol?: number };
}

const VALUE_TOL = { rtol: 1e-5, atol: 1e-6 };
const GRAD_TOL = { rtol: 1e-4, atol: 1e-5 };

function isEnc(x: unknown): x is EncArray {
  return typeof x === "object" && x !== null && "shape" in x && "dtype" in x && "data" in x;
}
function isJax(x: unknown): x is JArray {
  return typeof x === "object" && x !== null && typeof (x as { dataSync?: unknown }).dataSync === "function";
}
function num(v: number | boolean | string): number {
  if (v === "nan") return Number.NaN;
  if (v === "inf") return Number.POSITIVE_INFINITY;
  if (v === "-inf") return Number.NEGATIVE_INFINITY;
  return Number(v);
}

/** Fixture node -> jaxts value: arrays, JS numbers/booleans for Python scalars, lists, null. */
export function decode(x: unknown): any {
  if (x === null) return null;
  if (Array.isArray(x)) return x.map(decode);
  if (isEnc(x)) {
    const data = x.data.map(num);
    return jnp.array(data, { dtype: x.dtype as never }).reshape(x.shape);
  }
  if (typeof x === "object" && "scalar" in (x as object)) {
    const v = (x as { scalar: number | boolean | string }).scalar;
    return typeof v === "boolean" ? v : num(v);
  }
  throw new Error(`decode: unexpected fixture node ${JSON.stringify(x)}`);
}

/** Asserts a jaxts result (array or nested JS arrays of arrays) matches a fixture node. */
export function assertMatches(actual: unknown, expected: unknown, tol: { rtol?: number; atol?: number }, label: string): void {
  if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), `${label}: expected a list of ${expected.length}, got ${String(actual)}`);
    assert.equal(actual.length, expected.length, `${label}: list length`);
    expected.forEach((e, i) => assertMatches(actual[i], e, tol, `${label}[${i}]`));
    return;
  }
  if (!isEnc(expected)) throw new Error(`${label}: bad expected node`);
  assert.ok(isJax(actual), `${label}: expected an array, got ${String(actual)}`);
  assert.deepEqual([...actual.shape], expected.shape, `${label}: shape [${actual.shape}] != expected [${expected.shape}]`);
  assert.equal(actual.dtype, expected.dtype, `${label}: dtype`);
  // jaxts comparisons always give strong bools (a weak bool promotes like a strong one anyway)
  if (expected.dtype !== "bool") assert.equal(actual.weakType, expected.weak ?? false, `${label}: weak type`);
  const a = Array.from(actual.dataSync(), Number);
  const e = expected.data.map(num);
  const exact = expected.dtype === "bool" || (!expected.dtype.startsWith("float") && expected.dtype !== "bfloat16");
  const rtol = tol.rtol ?? VALUE_TOL.rtol;
  const atol = tol.atol ?? VALUE_TOL.atol;
  for (let i = 0; i < e.length; i++) {
    const av = a[i]!;
    const ev = e[i]!;
    const where = `${label}: element ${i}: actual ${av}, expected ${ev}`;
    if (exact) assert.equal(av, ev, where);
    else if (Number.isNaN(ev)) assert.ok(Number.isNaN(av), where);
    else if (!Number.isFinite(ev)) assert.equal(av, ev, where);
    else assert.ok(Math.abs(av - ev) <= atol + rtol * Math.abs(ev), `${where} (rtol ${rtol}, atol ${atol})`);
  }
}

/** Stacks per-example results (arrays, or lists of them) along a new leading axis. */
function stackTree(items: unknown[]): unknown {
  if (Array.isArray(items[0])) return (items[0] as unknown[]).map((_, j) => stackTree(items.map((it) => (it as unknown[])[j])));
  return jnp.stack(items as JArray[]);
}

function loadCases(name: string): Case[] {
  const text = readFileSync(new URL(`../../test/fixtures/${name}.json`, import.meta.url), "utf8");
  return (JSON.parse(text) as { cases: Case[] }).cases;
}

/** One node:test per fixture case: value, jit(value), and vjp or vmap where present. */
export function runGoldenCases(fixture: string, registry: Registry): void {
  const cases = loadCases(fixture);
  const unknown = [...new Set(cases.map((c) => c.fn))].filter((f) => !(f in registry));
  test(`${fixture}: every fixture function has a jaxts binding`, () => {
    assert.deepEqual(unknown, []);
  });
  for (const c of cases) {
    const f = registry[c.fn];
    if (!f) continue;
    test(`${fixture}: ${c.name}`, () => {
      const args = c.args.map(decode);
      const kw = c.kw;
      const tol = c.tol ?? VALUE_TOL;
      if (c.inAxes) {
        const inAxes = c.inAxes;
        const out = vmap((...a: unknown[]) => f(a, kw), { inAxes })(...args);
        assertMatches(out, c.out, tol, `vmap ${c.name}`);
        // and the same as applying f to each slice and stacking the results
        const mapped = args.findIndex((_, i) => inAxes[i] !== null);
        const n = (args[mapped] as JArray).shape[inAxes[mapped]!]!;
        const slices = args.map((a, i) => (inAxes[i] === null ? null : unstack(a, { axis: inAxes[i]! })));
        const per = Array.from({ length: n }, (_, k) =>
          f(
            args.map((a, i) => slices[i]?.[k] ?? a),
            kw,
          ),
        );
        assertMatches(stackTree(per), c.out, tol, `stacked slices ${c.name}`);
        return;
      }
      assertMatches(f(args, kw), c.out, tol, c.name);
      // jit: array arguments are traced, everything else is closed over
      const arrIdx = args.flatMap((a, i) => (isJax(a) ? [i] : []));
      const jitted = jit((...arrs: JArray[]) => {
        const full = [...args];
        arrIdx.forEach((i, k) => {
          full[i] = arrs[k];
        });
        return f(full, kw) as never;
      });
      assertMatches(jitted(...arrIdx.map((i) => args[i])), c.out, tol, `jit ${c.name}`);
      if (c.grads !== undefined) {
        const gi = c.gradArgs!;
        const g = (...d: JArray[]) => {
          const full = [...args];
          gi.forEach((i, k) => {
            full[i] = d[k];
          });
          return f(full, kw);
        };
        const [, pull] = vjp(g, ...gi.map((i) => args[i]));
        const gtol = { rtol: Math.max(GRAD_TOL.rtol, tol.rtol ?? 0), atol: Math.max(GRAD_TOL.atol, tol.atol ?? 0) };
        assertMatches(pull(decode(c.ct)), c.grads, gtol, `vjp ${c.name}`);
      }
    });
  }
}
