// Gamma samples (and beta, dirichlet, which are built from them).
//
// As in JAX, gamma is a primitive: each element runs Marsaglia and Tsang's rejection loop
// with its own key, split from the caller's key, and the derivative with respect to the
// shape parameter is the implicit reparameterization gradient dx/da = -(dF/da) / (dF/dx) of
// the gamma CDF F. The loop mirrors JAX's _gamma_one operation by operation in the same
// float precision, so samples agree with JAX's to float rounding; XLA's float32 log and
// its choice of fused multiply-adds can differ in the last bit, which moves samples by an
// ulp and could flip an accept/reject test that lands within an ulp of its boundary.

import { elementwise } from "../backends/cpu/kernels.js";
import { ArrayImpl, type ArrayLike, type JaxArray } from "../core/array.js";
import { ShapedArray } from "../core/aval.js";
import type { DType } from "../core/dtype.js";
import { type BatchDim, definePrimitive, type Primitive, Zero } from "../core/primitive.js";
import { fmtShape, shapeEq } from "../core/shape.js";
import { bind1 } from "../core/trace.js";
import { broadcastTo } from "../numpy/coerce.js";
import { add, div, eq, exp, max, select, sub } from "../primitives/elementwise.js";
import { reduceMax, reduceSum } from "../primitives/reduce.js";
import { batchElementwise, moveBatchAxis, scaleTangent } from "../primitives/rules.js";
import { broadcastInDim, reshape, slice } from "../primitives/shape_ops.js";
import { digamma64, lgamma64 } from "../primitives/special.js";
import { keyWords, split } from "./keys.js";
import { checkFloatDtype, constant, floatParam, sampleShape, tiny } from "./params.js";
import { F32, F64, type FloatOps, type Key, normalAt, splitAt, splitKey, uniformAt } from "./scalar.js";

// ---- one sample: Marsaglia & Tsang (2000), as jax.random._gamma_one ----

function gammaOne(key: Key, alpha: number, logSpace: boolean, ops: FloatOps): number {
  const { r } = ops;
  const third = r(1 / 3);
  const boost = alpha >= 1;
  // Gamma(a) = Gamma(a + 1) · U^(1/a) for a < 1
  const a = boost ? alpha : r(alpha + 1);
  const d = r(a - third);
  const c = r(third / r(Math.sqrt(d)));
  const [loopKey, subkey] = splitKey(key, 2) as [Key, Key];
  let k = loopKey;
  let X = 0;
  let V = 1;
  let U = 2;
  const squeeze = r(0.0331);
  const accept = () => U < r(1 - r(squeeze * r(X * X))) || r(Math.log(U)) < r(r(X * 0.5) + r(d * r(r(1 - V) + r(Math.log(V)))));
  while (!accept()) {
    const [next, xKey, uKey] = splitKey(k, 3) as [Key, Key, Key];
    k = next;
    let kx = xKey;
    let x = 0;
    let v = -1;
    while (v <= 0) {
      const sub = splitAt(kx, 1);
      kx = splitAt(kx, 0);
      x = normalAt(sub, 0, ops);
      v = ops.fma(x, c, 1);
    }
    X = r(x * x);
    V = r(r(v * v) * v);
    U = uniformAt(uKey, 0, ops);
  }
  const inv = r(1 / alpha);
  if (logSpace) {
    // log U = -Exponential, computed from log1p(-u) as jax.random.exponential does
    const logU = r(Math.log1p(-uniformAt(subkey, 0, ops)));
    const logBoost = boost || logU === 0 ? 0 : r(logU * inv);
    return r(r(r(Math.log(d)) + r(Math.log(V))) + logBoost);
  }
  const u = r(1 - uniformAt(subkey, 0, ops));
  const scale = boost ? 1 : r(u ** inv);
  return r(r(d * V) * scale);
}

// ---- d sample / d alpha ----

/**
 * dx/da for x ~ Gamma(a, 1) with x held at its quantile: -(dP/da) / (dP/dx), where P is the
 * regularized lower incomplete gamma function. From P(a, x) = Σ_n x^(a+n) e^(-x) / Γ(a+n+1),
 * dP/da = Σ_n x^(a+n) e^(-x) / Γ(a+n+1) · (log x - ψ(a+n+1)); dP/dx is the density.
 */
export function gammaGrad64(a: number, x: number): number {
  if (!(x > 0) || !(a > 0) || !Number.isFinite(x)) return Number.isNaN(x) || Number.isNaN(a) ? Number.NaN : 0;
  const lx = Math.log(x);
  let term = Math.exp(a * lx - x - lgamma64(a + 1));
  let psi = digamma64(a + 1);
  let sum = 0;
  let total = 0;
  for (let n = 0; n < 1e7; n++) {
    sum += term * (lx - psi);
    total += term;
    const next = a + n + 1;
    if (next > x && term < total * 1e-17) break;
    term *= x / next;
    psi += 1 / next;
  }
  const density = Math.exp((a - 1) * lx - x - lgamma64(a));
  return -sum / density;
}

/** lax.random_gamma_grad(a, x): the derivative of a gamma sample x with respect to its shape a. */
export const randomGammaGradP: Primitive<Record<string, never>> = definePrimitive<Record<string, never>>({
  name: "random_gamma_grad",
  abstractEval([a, x]) {
    if (!shapeEq(a!.shape, x!.shape) || a!.dtype !== x!.dtype || (a!.dtype !== "float32" && a!.dtype !== "float64")) {
      throw new TypeError(
        `random_gamma_grad: a and x must be float32 or float64 of one shape, got ${a!.dtype}${fmtShape(a!.shape)}, ${x!.dtype}${fmtShape(x!.shape)}.`,
      );
    }
    return [a!];
  },
  impl: ([a, x]) => [elementwise(gammaGrad64, [a!, x!], a!.aval)],
  jvp() {
    throw new Error(
      "random_gamma_grad has no derivative rule: second derivatives of gamma samples with respect to their shape are not supported (nor in JAX).",
    );
  },
  transpose: null,
  batch: batchElementwise(([a, x]) => [bind1(randomGammaGradP, [a!, x!], {})]),
  scalar: () => gammaGrad64,
  // a series summed to convergence: run on the host under jit on ort
  onnx: "host",
});

// ---- the sampling primitive ----

interface GammaParams {
  logSpace: boolean;
}

/** Keys of shape [...batch, 2] and shapes `a` of shape [...batch, ...rest]: each batch entry has its own key. */
function checkGammaOperands(keyAval: ShapedArray, aAval: ShapedArray): void {
  const kb = keyAval.shape.slice(0, -1);
  const ok =
    keyAval.dtype === "uint32" &&
    keyAval.shape[keyAval.ndim - 1] === 2 &&
    kb.length <= aAval.ndim &&
    kb.every((d, i) => d === aAval.shape[i]) &&
    (aAval.dtype === "float32" || aAval.dtype === "float64");
  if (!ok) {
    throw new TypeError(
      `random_gamma: expected uint32 keys of shape [...batch, 2] and float32/float64 shapes whose leading axes are that batch, ` +
        `got keys ${keyAval.dtype}${fmtShape(keyAval.shape)} and a ${aAval.dtype}${fmtShape(aAval.shape)}.`,
    );
  }
}

export const randomGammaP: Primitive<GammaParams> = definePrimitive<GammaParams>({
  name: "random_gamma",
  abstractEval([key, a]) {
    checkGammaOperands(key!, a!);
    return [new ShapedArray(a!.shape, a!.dtype)];
  },
  impl([key, a], { logSpace }) {
    checkGammaOperands(key!.aval, a!.aval);
    const ops = a!.dtype === "float64" ? F64 : F32;
    const keys = key!.data as Uint32Array;
    const alphas = a!.values();
    const nKeys = keys.length / 2;
    const out = a!.dtype === "float64" ? new Float64Array(a!.size) : new Float32Array(a!.size);
    const per = nKeys === 0 ? 0 : out.length / nKeys;
    for (let b = 0; b < nKeys; b++) {
      const k: Key = [keys[2 * b]!, keys[2 * b + 1]!];
      for (let j = 0; j < per; j++) out[b * per + j] = gammaOne(splitAt(k, j), alphas[b * per + j]!, logSpace, ops);
    }
    return [ArrayImpl.of(out, a!.shape, a!.dtype)];
  },
  jvp([key, a], [, ta], { logSpace }) {
    const x = randomGamma(key!, a!, logSpace);
    if (ta instanceof Zero) return [[x], [new Zero(x.aval)]];
    if (!logSpace) return [[x], [scaleTangent(ta!, bind1(randomGammaGradP, [a!, x], {}))]];
    // d log x = dx / x, with x = exp(log x) kept away from zero
    const xs = exp(x);
    const safe = select(eq(xs, constant(xs.shape, xs.dtype, 0)), constant(xs.shape, xs.dtype, tiny(xs.dtype)), xs);
    return [[x], [scaleTangent(ta!, div(bind1(randomGammaGradP, [a!, safe], {}), safe))]];
  },
  transpose: null,
  batch(size: number, [key, a]: JaxArray[], [kd, ad]: BatchDim[], { logSpace }): [JaxArray[], BatchDim[]] {
    // the batch axis leads both operands; an unbatched key is shared by every batch entry
    const k = moveBatchAxis(size, kd ?? null, 0, key!);
    const am = moveBatchAxis(size, ad ?? null, 0, a!);
    return [[randomGamma(k, am, logSpace)], [0]];
  },
  printParams: (p) => `[log_space=${p.logSpace ? "True" : "False"}]`,
  // a per-element rejection loop: run on the host under jit on ort
  onnx: "host",
});

function randomGamma(key: JaxArray, a: JaxArray, logSpace: boolean): JaxArray {
  return bind1(randomGammaP, [key, a], { logSpace });
}

// ---- public samplers ----

export interface GammaOpts {
  /** The sample shape (the shapes `a` must broadcast to it); default: the shape of `a`. */
  shape?: number | readonly number[];
  /** float32 (default) or float64. */
  dtype?: DType;
}

function gammaImpl(op: string, k: JaxArray, a: ArrayLike, opts: GammaOpts, logSpace: boolean): JaxArray {
  const dtype = checkFloatDtype(op, opts.dtype);
  if (dtype !== "float32" && dtype !== "float64") throw new TypeError(`${op}: dtype must be float32 or float64, got ${dtype}.`);
  keyWords(op.replace("random.", ""), k);
  const alpha = floatParam(op, a, dtype);
  const s = sampleShape(op, opts.shape, alpha.shape);
  return randomGamma(k, broadcastTo(alpha, s, op), logSpace);
}

/** Gamma(a, 1) samples, differentiable in `a` (implicit reparameterization). */
export function gamma(k: JaxArray, a: ArrayLike, opts: GammaOpts = {}): JaxArray {
  return gammaImpl("random.gamma", k, a, opts, false);
}

/** log of Gamma(a, 1) samples, computed in log space: accurate where a is small and samples underflow. */
export function loggamma(k: JaxArray, a: ArrayLike, opts: GammaOpts = {}): JaxArray {
  return gammaImpl("random.loggamma", k, a, opts, true);
}

/** Beta(a, b) samples: Ga / (Ga + Gb) of two independent gamma samples, taken in log space. */
export function beta(k: JaxArray, a: ArrayLike, b: ArrayLike, opts: GammaOpts = {}): JaxArray {
  const op = "random.beta";
  const dtype = checkFloatDtype(op, opts.dtype);
  const aa = floatParam(op, a, dtype);
  const bb = floatParam(op, b, dtype);
  const s = sampleShape(op, opts.shape, aa.shape, bb.shape);
  const keys = split(k);
  const ka = reshape(slice(keys, [0, 0], [1, 2]), [2]);
  const kb = reshape(slice(keys, [1, 0], [2, 2]), [2]);
  const logA = loggamma(ka, broadcastTo(aa, s, op), { dtype });
  const logB = loggamma(kb, broadcastTo(bb, s, op), { dtype });
  const logMax = max(logA, logB);
  const ga = exp(sub(logA, logMax));
  const gb = exp(sub(logB, logMax));
  return div(ga, add(ga, gb));
}

/** Dirichlet(alpha) samples along the last axis: the softmax of log-gamma samples. */
export function dirichlet(k: JaxArray, alpha: ArrayLike, opts: GammaOpts = {}): JaxArray {
  const op = "random.dirichlet";
  const dtype = checkFloatDtype(op, opts.dtype);
  const al = floatParam(op, alpha, dtype);
  if (al.ndim < 1) throw new Error(`${op}: alpha must have at least one axis (the categories), got a scalar.`);
  const batch = al.shape.slice(0, -1);
  const s = sampleShape(op, opts.shape, batch);
  const full = [...s, al.shape[al.ndim - 1]!];
  const logG = loggamma(k, broadcastTo(al, full, op), { dtype });
  // softmax along the last axis: exp(x - max) / sum(exp(x - max))
  const last = full.length - 1;
  const keepShape = [...s, 1];
  const dims = full.map((_, i) => i);
  const m = broadcastInDim(reshape(reduceMax(logG, [last]), keepShape), full, dims);
  const e = exp(sub(logG, m));
  const total = broadcastInDim(reshape(reduceSum(e, [last]), keepShape), full, dims);
  return div(e, total);
}
