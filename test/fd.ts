// A derivative checker in the spirit of jax.test_util.check_grads: it checks a function's
// forward-mode derivative against central finite differences, and its reverse-mode
// derivative against its forward-mode one through the identity <ct, J·t> == <Jᵀ·ct, t>
// (which exercises every transpose rule that vjp runs), then does the same for the
// derivative functions themselves (second order).
//
// Finite differences are only meaningful in float64: give float64 points away from kinks,
// ties and discontinuities. With eps = 1e-6 the central difference has a truncation error
// of about eps² · f''' and a rounding error of about 1e-16 · |f| / eps, both far below the
// default tolerance of 1e-6.
import assert from "node:assert/strict";
import { ArrayImpl } from "../src/core/array.js";
import { isFloat, typedArrayFor } from "../src/core/dtype.js";
import type { Array as JArray } from "../src/index.js";
import { jvp, vjp } from "../src/index.js";

/** A function of arrays returning an array or a flat list of arrays. */
export type ArrayFn = (...xs: JArray[]) => JArray | JArray[];

export interface CheckGradsOpts {
  /** 1: first derivatives; 2: also the derivatives of the jvp and vjp functions. Default 2. */
  order?: 1 | 2;
  /** "fwd": jvp vs finite differences; "rev": vjp vs jvp. Default both. */
  modes?: readonly ("fwd" | "rev")[];
  /** Finite-difference step. Default 1e-6. */
  eps?: number;
  /** Relative tolerance. Default 1e-6. */
  rtol?: number;
  /** Absolute tolerance, scaled by max(1, the largest |value| compared). Default 1e-6. */
  atol?: number;
  /** Seed of the random tangents and cotangents. */
  seed?: number;
  /** Prefix of failure messages. */
  label?: string;
}

/** A small seeded generator (mulberry32) so that failures reproduce. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  /** Uniform in [0, 1). */
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }
  /** Standard normal (Box-Muller). */
  normal(): number {
    const u = 1 - this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }
  /** An integer in [lo, hi). */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo));
  }
  sign(): number {
    return this.next() < 0.5 ? -1 : 1;
  }
}

/** A concrete array of `shape` and `dtype` whose elements are `gen()`. */
export function makeArray(shape: readonly number[], dtype: JArray["dtype"], gen: (i: number) => number): JArray {
  const n = shape.reduce((a, b) => a * b, 1);
  const vals = Array.from({ length: n }, (_, i) => gen(i));
  // 16-bit floats are stored as bits: round from float32 with the library's conversion
  if (dtype === "float16" || dtype === "bfloat16") return ArrayImpl.of(Float32Array.from(vals), shape, "float32").astype(dtype);
  const data = typedArrayFor(dtype, n);
  vals.forEach((v, i) => {
    data[i] = dtype === "bool" ? (v ? 1 : 0) : v;
  });
  return ArrayImpl.of(data, shape, dtype);
}

/** Random standard-normal values shaped like `x` (same dtype, strong). */
export function randomLike(rng: Rng, x: { shape: readonly number[]; dtype: JArray["dtype"] }): JArray {
  return makeArray(x.shape, x.dtype, () => rng.normal());
}

export function asList(y: JArray | JArray[]): JArray[] {
  return Array.isArray(y) ? y : [y];
}

function values(x: JArray): number[] {
  return Array.from(x.dataSync(), Number);
}

/** x + s·t, computed in float64 on the host (x and t share shape and dtype). */
function axpy(x: JArray, t: JArray, s: number): JArray {
  const xv = values(x);
  const tv = values(t);
  return makeArray(x.shape, x.dtype, (i) => xv[i]! + s * tv[i]!);
}

/** Σ_k <a_k, b_k> and Σ_k Σ_i |a_k[i] b_k[i]| (the scale that rounding errors are relative to). */
export function inner(as: JArray[], bs: JArray[]): [number, number] {
  let s = 0;
  let scale = 0;
  as.forEach((a, k) => {
    const av = values(a);
    const bv = values(bs[k]!);
    av.forEach((v, i) => {
      s += v * bv[i]!;
      scale += Math.abs(v * bv[i]!);
    });
  });
  return [s, scale];
}

interface Tol {
  rtol: number;
  atol: number;
}

function assertClose(actual: JArray[], expected: JArray[], tol: Tol, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: ${actual.length} outputs, expected ${expected.length}`);
  actual.forEach((a, k) => {
    const e = expected[k]!;
    assert.deepEqual([...a.shape], [...e.shape], `${what}[${k}]: shape [${a.shape}] != expected [${e.shape}]`);
    const av = values(a);
    const ev = values(e);
    const scale = Math.max(1, ...ev.map(Math.abs), ...av.map(Math.abs));
    ev.forEach((v, i) => {
      const err = Math.abs(av[i]! - v);
      const allowed = tol.atol * scale + tol.rtol * Math.abs(v);
      if (!(err <= allowed)) {
        assert.fail(
          `${what}[${k}]: element ${i} is ${av[i]}, expected ${v} (|diff| ${err.toExponential(3)} > ${allowed.toExponential(3)})`,
        );
      }
    });
  });
}

function resolve(opts: CheckGradsOpts) {
  return {
    eps: opts.eps ?? 1e-6,
    tol: { rtol: opts.rtol ?? 1e-6, atol: opts.atol ?? 1e-6 },
    label: opts.label ?? "checkGrads",
  };
}

/** Central finite differences of f at xs along ts: (f(x + eps·t) - f(x - eps·t)) / 2eps. */
export function numericalJvp(f: ArrayFn, xs: JArray[], ts: JArray[], eps: number): JArray[] {
  const plus = asList(f(...xs.map((x, i) => axpy(x, ts[i]!, eps))));
  const minus = asList(f(...xs.map((x, i) => axpy(x, ts[i]!, -eps))));
  return plus.map((p, k) => {
    const pv = values(p);
    const mv = values(minus[k]!);
    return makeArray(p.shape, p.dtype, (i) => (pv[i]! - mv[i]!) / (2 * eps));
  });
}

/** jvp(f) against central finite differences along random tangents. */
export function checkJvp(f: ArrayFn, xs: JArray[], opts: CheckGradsOpts = {}): void {
  const { eps, tol, label } = resolve(opts);
  const rng = new Rng(opts.seed ?? 1);
  const ts = xs.map((x) => randomLike(rng, x));
  const [y, ty] = jvp((...a: JArray[]) => f(...a), xs, ts) as [JArray | JArray[], JArray | JArray[]];
  assertClose(asList(y), asList(f(...xs)), { rtol: 1e-14, atol: 1e-14 }, `${label}: jvp primal output vs f(x)`);
  const tys = asList(ty);
  tys.forEach((t, k) => {
    const yk = asList(y)[k]!;
    assert.equal(t.dtype, yk.dtype, `${label}: jvp tangent ${k} has dtype ${t.dtype}, the primal output ${yk.dtype}`);
  });
  assertClose(tys, numericalJvp(f, xs, ts, eps), tol, `${label}: jvp vs finite differences`);
}

/**
 * vjp(f) against jvp(f): <ct, J·t> == <Jᵀ·ct, t> for random t and ct. With modes ["rev"]
 * (functions without forward mode, such as custom VJPs) J·t comes from finite differences.
 */
export function checkVjp(f: ArrayFn, xs: JArray[], opts: CheckGradsOpts = {}): void {
  const { eps, tol, label } = resolve(opts);
  const rng = new Rng((opts.seed ?? 1) + 1000);
  const ts = xs.map((x) => randomLike(rng, x));
  const forward = (opts.modes ?? ["fwd"]).includes("fwd");
  const [y, ty] = forward
    ? (jvp((...a: JArray[]) => f(...a), xs, ts) as [JArray | JArray[], JArray | JArray[]])
    : [f(...xs), numericalJvp(f, xs, ts, eps)];
  const [y2, pullback] = vjp((...a: JArray[]) => f(...a), ...xs);
  assertClose(asList(y2 as JArray | JArray[]), asList(y), { rtol: 1e-14, atol: 1e-14 }, `${label}: vjp primal output vs jvp's`);
  const ys = asList(y);
  const cts = ys.map((o) => randomLike(rng, o));
  const cs = pullback(Array.isArray(y) ? cts : cts[0]!) as JArray[];
  assert.equal(cs.length, xs.length, `${label}: vjp gave ${cs.length} cotangents for ${xs.length} inputs`);
  cs.forEach((c, i) => {
    const x = xs[i]!;
    assert.ok(
      c.dtype === x.dtype && c.shape.length === x.shape.length && c.shape.every((n, d) => n === x.shape[d]),
      `${label}: cotangent ${i} is ${c.dtype}[${c.shape}], the input ${x.dtype}[${x.shape}]`,
    );
  });
  const [lhs, lscale] = inner(cts, asList(ty));
  const [rhs, rscale] = inner(cs, ts);
  const allowed = tol.atol * Math.max(1, lscale, rscale) + tol.rtol * Math.abs(lhs);
  if (!(Math.abs(lhs - rhs) <= allowed)) {
    assert.fail(
      `${label}: <ct, J·t> = ${lhs} but <Jᵀ·ct, t> = ${rhs} (|diff| ${Math.abs(lhs - rhs).toExponential(3)} > ${allowed.toExponential(3)})`,
    );
  }
}

/**
 * Checks the derivatives of `f` at `xs` (float64 arrays): jvp against finite differences,
 * vjp against jvp, and with order 2 the same checks on x ↦ jvp(f, x, t) and x ↦ vjp(f, x)(ct)
 * (forward-over-forward, reverse-over-forward, forward-over-reverse, reverse-over-reverse).
 */
export function checkGrads(f: ArrayFn, xs: JArray[], opts: CheckGradsOpts = {}): void {
  for (const x of xs) {
    assert.ok(isFloat(x.dtype), `${opts.label ?? "checkGrads"}: inputs must be floating point, got ${x.dtype}`);
  }
  const modes = opts.modes ?? ["fwd", "rev"];
  const first = (g: ArrayFn, label: string) => {
    if (modes.includes("fwd")) checkJvp(g, xs, { ...opts, label });
    if (modes.includes("rev")) checkVjp(g, xs, { ...opts, label });
  };
  const label = opts.label ?? "checkGrads";
  first(f, label);
  if ((opts.order ?? 2) < 2) return;
  const rng = new Rng((opts.seed ?? 1) + 2000);
  const ts = xs.map((x) => randomLike(rng, x));
  const ys = asList(f(...xs));
  const cts = ys.map((y) => randomLike(rng, y));
  const tangentFn: ArrayFn = (...a) => asList(jvp((...b: JArray[]) => f(...b), a, ts)[1] as JArray | JArray[]);
  const cotangentFn: ArrayFn = (...a) => {
    const [y, pullback] = vjp((...b: JArray[]) => f(...b), ...a);
    return pullback(Array.isArray(y) ? cts : cts[0]!) as JArray[];
  };
  if (modes.includes("fwd")) first(tangentFn, `${label} (derivative of the jvp)`);
  if (modes.includes("rev")) first(cotangentFn, `${label} (derivative of the vjp)`);
}
