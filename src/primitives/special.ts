// Special functions as elementwise primitives (lax.erf, lax.erf_inv, lax.lgamma, ...), the
// ones random samplers and probabilistic code need. float64 inputs are computed to about
// float64 accuracy; float32 (and 16-bit) inputs are computed in float64 and rounded, except
// erf_inv, which evaluates XLA's float32 polynomial in float32 so that random.normal
// reproduces JAX's samples (see erfInv32).

import { elementwise, type Scalar } from "../backends/cpu/kernels.js";
import * as E from "../backends/ort/elementwise_ops.js";
import { int, ONNX_CODE, OrtUnsupported, type Scope, type Val } from "../backends/ort/graph.js";
import type { LowerRule } from "../backends/ort/rule.js";
import * as T from "../backends/ort/typed_ops.js";
import { decodeHalf, encodeHalf, type JaxArray } from "../core/array.js";
import { ShapedArray } from "../core/aval.js";
import { type DType, isFloat } from "../core/dtype.js";
import { definePrimitive, type Primitive, type Tangent, Zero } from "../core/primitive.js";
import { fmtShape, shapeEq } from "../core/shape.js";
import { bind1 } from "../core/trace.js";
import { exp, mul, neg } from "./elementwise.js";
import { batchElementwise, scaleTangent } from "./rules.js";
import { fullLike } from "./shape_ops.js";

type NoParams = Record<string, never>;

interface UnarySpec {
  name: string;
  /** The scalar function for float64; for narrower floats its result is rounded. */
  f64: Scalar;
  /** A dedicated scalar function for float32 and 16-bit floats, where rounding f64 is not what JAX computes. */
  f32?: Scalar;
  /** d out / d x, from the input and the output. */
  derivative: (x: JaxArray, y: JaxArray) => JaxArray;
  onnx: LowerRule | "host";
}

function checkFloat(name: string, a: ShapedArray): void {
  if (!isFloat(a.dtype)) {
    throw new TypeError(`${name} requires a floating-point operand, got ${a.dtype}. Convert it first, e.g. x.astype("float32").`);
  }
}

function unaryOp(spec: UnarySpec): Primitive<NoParams> {
  const narrow = spec.f32 ?? spec.f64;
  const scalar = (dtype: DType): Scalar => (dtype === "float64" ? spec.f64 : narrow);
  const prim: Primitive<NoParams> = definePrimitive<NoParams>({
    name: spec.name,
    abstractEval([x]) {
      checkFloat(spec.name, x!);
      return [x!];
    },
    impl([x]) {
      checkFloat(spec.name, x!.aval);
      return [elementwise(scalar(x!.dtype), [x!], x!.aval)];
    },
    jvp([x], [t]) {
      const y = bind1(prim, [x!], {});
      return [[y], [scaleTangent(t!, spec.derivative(x!, y))]];
    },
    transpose: null,
    batch: batchElementwise((args) => [bind1(prim, args, {})]),
    scalar,
    onnx: spec.onnx,
  });
  return prim;
}

const SQRT_PI = Math.sqrt(Math.PI);
const TWO_OVER_SQRT_PI = 2 / SQRT_PI;

// ---- erf / erfc ----

/**
 * erf(x) for 0 <= x < 1.5 by the series erf(x) = 2/sqrt(pi) x e^{-x^2} Σ (2x^2)^n / (1·3·…·(2n+1)),
 * whose terms are all positive (no cancellation).
 */
function erfSeries(x: number): number {
  const x2 = 2 * x * x;
  let term = 1;
  let sum = 1;
  for (let n = 1; n < 200; n++) {
    term *= x2 / (2 * n + 1);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return TWO_OVER_SQRT_PI * x * Math.exp(-x * x) * sum;
}

/**
 * erfc(x) for x >= 1.5 by Laplace's continued fraction
 * erfc(x) = e^{-x^2}/sqrt(pi) · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))), evaluated with the
 * modified Lentz method (under 100 terms for x >= 1.5).
 */
function erfcFraction(x: number): number {
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let n = 1; n < 500; n++) {
    const a = n / 2;
    d = x + a * d;
    if (d === 0) d = tiny;
    c = x + a / c;
    if (c === 0) c = tiny;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / SQRT_PI / f;
}

const SWITCH = 1.5;

export function erf64(x: number): number {
  if (Number.isNaN(x)) return x;
  const ax = Math.abs(x);
  const r = ax < SWITCH ? erfSeries(ax) : ax === Number.POSITIVE_INFINITY ? 1 : 1 - erfcFraction(ax);
  return x < 0 ? -r : r;
}

export function erfc64(x: number): number {
  if (Number.isNaN(x)) return x;
  if (x === Number.POSITIVE_INFINITY) return 0;
  if (x < 0) return 2 - erfc64(-x);
  return x < SWITCH ? 1 - erfSeries(x) : erfcFraction(x);
}

// ---- erf_inv ----

const f = Math.fround;

// Giles, "Approximating the erfinv function" (GPU Computing Gems, 2011), single precision:
// erfinv(x) = x · p(w) with w = -log(1 - x^2), one polynomial for w < 5 and one for w >= 5.
const GILES_SMALL = [
  2.81022636e-8, 3.43273939e-7, -3.5233877e-6, -4.39150654e-6, 0.00021858087, -0.00125372503, -0.00417768164, 0.246640727, 1.50140941,
].map(f);
const GILES_LARGE = [
  -0.000200214257, 0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613, 0.00943887047, 1.00167406, 2.83297682,
].map(f);

/**
 * XLA's float32 erf_inv: Giles' polynomial evaluated in float32 in the same order, each
 * Horner step a fused multiply-add (one rounding) as XLA's CPU code does. On JAX's own
 * inputs this reproduces its results except where XLA's float32 log1p rounds differently
 * from the correctly rounded one (about 1% of inputs, then by an ulp or two).
 */
export function erfInv32(x: number): number {
  if (Math.abs(x) === 1) return x * Number.POSITIVE_INFINITY;
  const w0 = -f(Math.log1p(f(-x * x)));
  const small = w0 < 5;
  const w = small ? f(w0 - 2.5) : f(f(Math.sqrt(w0)) - 3);
  const cs = small ? GILES_SMALL : GILES_LARGE;
  let p = cs[0]!;
  // p * w is exact in float64 (48 significant bits): rounding the sum once to float32 is the
  // fused multiply-add (but for rare double-rounding ties)
  for (let i = 1; i < cs.length; i++) p = f(cs[i]! + p * w);
  return f(p * x);
}

/**
 * erf_inv to float64 accuracy: Giles' estimate refined by Newton's method, on erf(x) = y for
 * |y| <= 1/2 and on log erfc(x) = log(1 - |y|) above (1 - |y| is exact there, and the
 * logarithm keeps the steps well scaled far into the tail, where Giles' float32 estimate is
 * only a rough start).
 */
export function erfInv64(y: number): number {
  if (Number.isNaN(y) || Math.abs(y) > 1) return Number.NaN;
  if (Math.abs(y) === 1) return y * Number.POSITIVE_INFINITY;
  if (y === 0) return y;
  const ay = Math.abs(y);
  const w0 = -Math.log1p(-ay * ay);
  const small = w0 < 5;
  const w = small ? w0 - 2.5 : Math.sqrt(w0) - 3;
  const cs = small ? GILES_SMALL : GILES_LARGE;
  let p = cs[0]!;
  for (let i = 1; i < cs.length; i++) p = cs[i]! + p * w;
  let x = p * ay;
  if (ay <= 0.5) {
    for (let it = 0; it < 4; it++) {
      const step = (erf64(x) - ay) / (TWO_OVER_SQRT_PI * Math.exp(-x * x));
      x -= step;
      if (Math.abs(step) <= Math.abs(x) * 1e-17) break;
    }
  } else {
    const logQ = Math.log(1 - ay);
    for (let it = 0; it < 30; it++) {
      const c = erfc64(x);
      const step = ((Math.log(c) - logQ) * c) / (TWO_OVER_SQRT_PI * Math.exp(-x * x));
      x += step;
      if (Math.abs(step) <= x * 1e-17) break;
    }
  }
  return y < 0 ? -x : x;
}

// ---- lgamma, digamma, polygamma ----

/** sin(pi x), exact at integers and half-integers. */
function sinPi(x: number): number {
  const r = x - 2 * Math.round(x / 2); // in [-1, 1]
  if (r === 0 || Math.abs(r) === 1) return 0;
  if (r === 0.5) return 1;
  if (r === -0.5) return -1;
  return Math.sin(Math.PI * r);
}

// Lanczos approximation with g = 7 and 9 terms (Godfrey's coefficients), relative error ~1e-15.
const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
  -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];
const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

export function lgamma64(x: number): number {
  if (Number.isNaN(x)) return x;
  if (!Number.isFinite(x)) return Number.POSITIVE_INFINITY;
  if (x < 0.5) {
    // reflection: Γ(x) Γ(1-x) = π / sin(πx); poles at the non-positive integers
    const s = sinPi(x);
    if (s === 0) return Number.POSITIVE_INFINITY;
    return Math.log(Math.PI / Math.abs(s)) - lgamma64(1 - x);
  }
  if (x > 1e7) {
    // Stirling's series (Lanczos' (z + 0.5) log t would overflow first)
    const inv = 1 / x;
    return (x - 0.5) * Math.log(x) - x + HALF_LOG_2PI + inv / 12 - (inv * inv * inv) / 360;
  }
  const z = x - 1;
  let a = LANCZOS[0]!;
  for (let i = 1; i < LANCZOS.length; i++) a += LANCZOS[i]! / (z + i);
  const t = z + LANCZOS_G + 0.5;
  return HALF_LOG_2PI + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

// Bernoulli numbers B_2k for the asymptotic series (k = 1..8).
const BERNOULLI = [1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6, -3617 / 510];

export function digamma64(x: number): number {
  if (Number.isNaN(x) || x === Number.NEGATIVE_INFINITY) return Number.NaN;
  if (x === Number.POSITIVE_INFINITY) return x;
  if (x <= 0 && Number.isInteger(x)) return Number.NaN;
  if (x < 0) {
    // reflection: ψ(1-x) - ψ(x) = π cot(πx)
    const s = sinPi(x);
    return digamma64(1 - x) - (Math.PI * cosPi(x)) / s;
  }
  // recurrence ψ(x) = ψ(x+1) - 1/x up to x >= 10, then the asymptotic series
  let acc = 0;
  while (x < 10) {
    acc -= 1 / x;
    x += 1;
  }
  const inv2 = 1 / (x * x);
  let series = 0;
  let pow = inv2;
  for (let k = 1; k <= BERNOULLI.length; k++) {
    series += (BERNOULLI[k - 1]! / (2 * k)) * pow;
    pow *= inv2;
  }
  return acc + Math.log(x) - 0.5 / x - series;
}

function cosPi(x: number): number {
  return sinPi(x + 0.5);
}

function factorial(n: number): number {
  let r = 1;
  for (let i = 2; i <= n; i++) r *= i;
  return r;
}

/**
 * ψ^(n)(x) for n >= 1: the recurrence ψ^(n)(x) = ψ^(n)(x+1) - (-1)^n n! / x^(n+1) moves x to
 * x >= 20 + n (valid for negative non-integer x as well), then the asymptotic series
 * (-1)^(n+1) [(n-1)!/x^n + n!/(2 x^(n+1)) + Σ_k B_2k (2k+n-1)!/((2k)! x^(2k+n))].
 */
export function polygamma64(n: number, x: number): number {
  if (Number.isNaN(x) || x === Number.NEGATIVE_INFINITY) return Number.NaN;
  if (x === Number.POSITIVE_INFINITY) return 0;
  // poles: odd orders go to +inf from both sides, even orders change sign
  if (x <= 0 && Number.isInteger(x)) return n % 2 === 1 ? Number.POSITIVE_INFINITY : Number.NaN;
  const sign = n % 2 === 1 ? 1 : -1; // (-1)^(n+1)
  const nFact = factorial(n);
  let acc = 0;
  const lim = 20 + n;
  while (x < lim) {
    acc += x ** -(n + 1);
    x += 1;
  }
  let series = factorial(n - 1) / x ** n + nFact / (2 * x ** (n + 1));
  let fact2k = 1; // (2k)!
  let factTop = factorial(n); // (2k+n-1)! starting at k = 1: (n+1)!
  for (let k = 1; k <= BERNOULLI.length; k++) {
    fact2k *= (2 * k - 1) * (2 * k);
    factTop *= k === 1 ? n + 1 : (2 * k + n - 2) * (2 * k + n - 1);
    series += (BERNOULLI[k - 1]! * factTop) / (fact2k * x ** (2 * k + n));
  }
  return sign * (series + nFact * acc);
}

// ---- the primitives ----

const c = (x: JaxArray, v: number): JaxArray => fullLike(x.aval, v);

export const erfP = unaryOp({
  name: "erf",
  f64: erf64,
  derivative: (x) => mul(c(x, TWO_OVER_SQRT_PI), exp(neg(mul(x, x)))),
  onnx: E.unary("Erf", ["float32"]),
});
export const erfcP = unaryOp({
  name: "erfc",
  f64: erfc64,
  derivative: (x) => mul(c(x, -TWO_OVER_SQRT_PI), exp(neg(mul(x, x)))),
  // the continued fraction iterates to convergence (up to 119 steps): as masked graph nodes
  // that costs more than running it on the host between sessions
  onnx: "host",
});
export const erfInvP = unaryOp({
  name: "erf_inv",
  f64: erfInv64,
  f32: erfInv32,
  derivative: (_x, y) => mul(c(y, SQRT_PI / 2), exp(mul(y, y))),
  onnx: (g, [x]) => [erfInv32Onnx(g, x!)],
});
export const digammaP: Primitive<NoParams> = unaryOp({
  name: "digamma",
  f64: digamma64,
  derivative: (x) => polygamma(1, x),
  onnx: (g, [x]) => [inFloat64(g, x!, digammaOnnx)],
});
export const lgammaP = unaryOp({
  name: "lgamma",
  f64: lgamma64,
  derivative: (x) => digamma(x),
  onnx: (g, [x]) => [inFloat64(g, x!, lgammaOnnx)],
});

/** polygamma with a static integer order m >= 1 (digamma is order 0). */
export const polygammaP: Primitive<{ m: number }> = definePrimitive<{ m: number }>({
  name: "polygamma",
  abstractEval([x], { m }) {
    checkFloat("polygamma", x!);
    if (!Number.isInteger(m) || m < 1) throw new Error(`polygamma: the order must be an integer >= 1, got ${m}; use digamma for order 0.`);
    return [x!];
  },
  impl([x], p) {
    polygammaP.abstractEval([x!.aval], p);
    return [elementwise(polygammaKernel(p.m), [x!], x!.aval)];
  },
  jvp([x], [t], { m }) {
    return [[polygamma(m, x!)], [scaleTangent(t!, polygamma(m + 1, x!))]];
  },
  transpose: null,
  batch: batchElementwise(([x], { m }) => [polygamma(m, x!)]),
  scalar: (_dtype, { m }) => polygammaKernel(m),
  printParams: (p) => `[m=${p.m}]`,
  // the recurrence takes a data-dependent number of steps (unbounded for negative x): host on ort
  onnx: "host",
});

// One kernel per order, kept so the CPU backend reuses its generated loop.
const polygammaKernels = new Map<number, Scalar>();
function polygammaKernel(m: number): Scalar {
  let k = polygammaKernels.get(m);
  if (!k) {
    k = (x) => polygamma64(m, x);
    polygammaKernels.set(m, k);
  }
  return k;
}

// ---- nextafter ----

const f64Box = new Float64Array(1);
const u64Box = new BigUint64Array(f64Box.buffer);
const f32Box = new Float32Array(1);
const u32Box = new Uint32Array(f32Box.buffer);
const halfBox = new Uint16Array(1);

/** The float of `dtype` next to x in the direction of y (IEEE nextafter). */
function nextafterScalar(dtype: DType): Scalar {
  return (x, y) => {
    if (Number.isNaN(x) || Number.isNaN(y)) return Number.NaN;
    if (x === y) return y;
    const up = y > x;
    switch (dtype) {
      case "float64":
        if (x === 0) return up ? Number.MIN_VALUE : -Number.MIN_VALUE;
        f64Box[0] = x;
        u64Box[0] = up === x > 0 ? u64Box[0]! + 1n : u64Box[0]! - 1n;
        return f64Box[0]!;
      case "float32":
        if (x === 0) return up ? 2 ** -149 : -(2 ** -149);
        f32Box[0] = x;
        u32Box[0] = up === x > 0 ? u32Box[0]! + 1 : u32Box[0]! - 1;
        return f32Box[0]!;
      default: {
        // 16-bit floats arrive decoded to float32 and leave re-encoded
        if (x === 0) return up ? decodeBits(1, dtype) : decodeBits(0x8001, dtype);
        encodeHalf([x], dtype, halfBox);
        return decodeBits(up === x > 0 ? halfBox[0]! + 1 : halfBox[0]! - 1, dtype);
      }
    }
  };
}

function decodeBits(bits: number, dtype: DType): number {
  halfBox[0] = bits;
  return decodeHalf(halfBox, dtype)[0]!;
}

// One kernel per dtype, kept so the CPU backend reuses its generated loop.
const nextafterKernels = new Map<DType, Scalar>();
function nextafterKernel(dtype: DType): Scalar {
  let k = nextafterKernels.get(dtype);
  if (!k) {
    k = nextafterScalar(dtype);
    nextafterKernels.set(dtype, k);
  }
  return k;
}

/** lax.nextafter(x, y): the next representable float after x towards y. */
export const nextafterP: Primitive<NoParams> = definePrimitive<NoParams>({
  name: "nextafter",
  abstractEval([x, y]) {
    checkFloat("nextafter", x!);
    if (!shapeEq(x!.shape, y!.shape) || x!.dtype !== y!.dtype) {
      throw new TypeError(
        `nextafter: operands must have equal shapes and dtypes, got ${x!.dtype}${fmtShape(x!.shape)} and ${y!.dtype}${fmtShape(y!.shape)}.`,
      );
    }
    return [new ShapedArray(x!.shape, x!.dtype, x!.weakType && y!.weakType)];
  },
  impl([x, y]) {
    nextafterP.abstractEval([x!.aval, y!.aval], {});
    return [elementwise(nextafterKernel(x!.dtype), [x!, y!], x!.aval)];
  },
  scalar: (dtype) => nextafterKernel(dtype),
  // One ulp away from x: the derivative is that of x (and zero in the direction y).
  jvp([x, y], [tx]) {
    const out = nextafter(x!, y!);
    return [[out], [tx instanceof Zero ? new Zero(out.aval) : (tx as Tangent)]];
  },
  transpose: null,
  batch: batchElementwise(([x, y]) => [nextafter(x!, y!)]),
  onnx: (g, [x, y], _p, _outs, ctx) => [nextafterOnnx(g, x!, y!, ctx.widened)],
});

// ---- ONNX lowerings: the scalar formulas above as elementwise graph nodes ----
// float32 operands are computed in float64 and rounded once, as the cpu engine does.

/** f on x computed in float64, cast back to x's dtype. */
function inFloat64(g: Scope, x: Val, f: (g: Scope, x: Val) => Val): Val {
  E.floatOnly("special function", x);
  return g.cast(f(g, g.cast(x, "float64")), x.dtype);
}

/** Elementwise float64 arithmetic on graph values. */
function f64Ops(g: Scope) {
  const k = (v: number) => g.scalar(v, "float64");
  const op = (name: string) => (a: Val, b: Val | number) => g.ew(name, [a, typeof b === "number" ? k(b) : b], "float64");
  return {
    k,
    add: op("Add"),
    sub: op("Sub"),
    mul: op("Mul"),
    div: op("Div"),
    log: (a: Val) => g.ew("Log", [a], "float64"),
    lt: (a: Val, b: number) => T.cmp(g, "Less", a, k(b)),
    eq: (a: Val, b: number) => T.cmp(g, "Equal", a, k(b)),
    where: (c: Val, a: Val | number, b: Val | number) => T.where(g, c, typeof a === "number" ? k(a) : a, typeof b === "number" ? k(b) : b),
  };
}

/** sinPi on float64 values, exact at integers and half-integers. */
function sinPiOnnx(g: Scope, x: Val): Val {
  const o = f64Ops(g);
  // Round is half-to-even where Math.round is half-up: they differ only at odd x, where r = ±1 either way
  const r = o.sub(x, o.mul(g.ew("Round", [o.div(x, 2)], "float64"), 2));
  const s = g.ew("Sin", [o.mul(r, Math.PI)], "float64");
  const zero = T.or(g, o.eq(r, 0), o.eq(g.ew("Abs", [r], "float64"), 1));
  return o.where(zero, 0, o.where(o.eq(r, 0.5), 1, o.where(o.eq(r, -0.5), -1, s)));
}

function lgammaOnnx(g: Scope, x: Val): Val {
  const o = f64Ops(g);
  const reflect = o.lt(x, 0.5);
  const y = o.where(reflect, o.sub(o.k(1), x), x); // >= 0.5
  // Lanczos for y <= 1e7, Stirling's series above
  const z = o.sub(y, 1);
  let a = o.k(LANCZOS[0]!);
  for (let i = 1; i < LANCZOS.length; i++) a = o.add(a, o.div(o.k(LANCZOS[i]!), o.add(z, i)));
  const t = o.add(z, LANCZOS_G + 0.5);
  const lanczos = o.add(o.sub(o.add(o.k(HALF_LOG_2PI), o.mul(o.add(z, 0.5), o.log(t))), t), o.log(a));
  const inv = o.div(o.k(1), y);
  const stirling = o.sub(
    o.add(o.add(o.sub(o.mul(o.sub(y, 0.5), o.log(y)), y), HALF_LOG_2PI), o.div(inv, 12)),
    o.div(o.mul(o.mul(inv, inv), inv), 360),
  );
  const l = o.where(T.cmp(g, "Greater", y, o.k(1e7)), stirling, lanczos);
  const abs = g.ew("Abs", [sinPiOnnx(g, x)], "float64");
  const reflected = o.sub(o.log(o.div(o.k(Math.PI), abs)), l);
  return o.where(g.ew("IsInf", [x], "bool"), Number.POSITIVE_INFINITY, o.where(reflect, reflected, l));
}

function digammaOnnx(g: Scope, x: Val): Val {
  const o = f64Ops(g);
  const neg = o.lt(x, 0);
  let y = o.where(neg, o.sub(o.k(1), x), x);
  // the recurrence up to y >= 10 takes at most 10 steps for y > 0
  let acc = o.k(0);
  for (let i = 0; i < 10; i++) {
    const step = o.lt(y, 10);
    acc = o.where(step, o.sub(acc, o.div(o.k(1), y)), acc);
    y = o.where(step, o.add(y, 1), y);
  }
  const inv2 = o.div(o.k(1), o.mul(y, y));
  let series = o.k(0);
  let pow = inv2;
  for (let k = 1; k <= BERNOULLI.length; k++) {
    series = o.add(series, o.mul(o.k(BERNOULLI[k - 1]! / (2 * k)), pow));
    pow = o.mul(pow, inv2);
  }
  const psi = o.sub(o.sub(o.add(acc, o.log(y)), o.div(o.k(0.5), y)), series);
  const cot = o.div(o.mul(o.k(Math.PI), sinPiOnnx(g, o.add(x, 0.5))), sinPiOnnx(g, x));
  const pole = T.and(g, T.cmp(g, "LessOrEqual", x, o.k(0)), o.eq(g.ew("Sub", [x, g.ew("Floor", [x], "float64")], "float64"), 0));
  const bad = T.or(g, pole, o.eq(x, Number.NEGATIVE_INFINITY));
  return o.where(bad, Number.NaN, o.where(neg, o.sub(psi, cot), psi));
}

/** erfInv32 as graph nodes: float64 arithmetic rounded to float32 where erfInv32 rounds (float32 only). */
function erfInv32Onnx(g: Scope, x: Val): Val {
  if (x.dtype !== "float32") throw new OrtUnsupported(`erf_inv on ${x.dtype} (its float64 Newton refinement runs on the host)`);
  const o = f64Ops(g);
  const f = (v: Val) => g.cast(g.cast(v, "float32"), "float64");
  const xd = g.cast(x, "float64");
  const w0 = g.ew("Neg", [f(E.log1p(g, f(g.ew("Neg", [o.mul(xd, xd)], "float64"))))], "float64");
  const small = o.lt(w0, 5);
  const w = o.where(small, f(o.sub(w0, 2.5)), f(o.sub(f(g.ew("Sqrt", [w0], "float64")), 3)));
  let p = o.where(small, GILES_SMALL[0]!, GILES_LARGE[0]!);
  for (let i = 1; i < GILES_SMALL.length; i++) p = f(o.add(o.where(small, GILES_SMALL[i]!, GILES_LARGE[i]!), o.mul(p, w)));
  const r = g.cast(o.mul(p, xd), "float32");
  const one = T.cmp(g, "Equal", g.ew("Abs", [x], "float32"), g.scalar(1, "float32"));
  return T.where(g, one, g.ew("Mul", [x, g.scalar(Number.POSITIVE_INFINITY, "float32")], "float32"), r);
}

/** nextafter by stepping the bit pattern (float32 and float64; 16-bit floats run on the host). */
function nextafterOnnx(g: Scope, x: Val, y: Val, widened: boolean): Val {
  if (widened || (x.dtype !== "float32" && x.dtype !== "float64"))
    throw new OrtUnsupported(`nextafter on ${widened ? "16-bit floats" : x.dtype}`);
  g.requireOpset(26); // BitCast
  const dt = x.dtype;
  const it: "int32" | "int64" = dt === "float32" ? "int32" : "int64";
  const bits = g.ew("BitCast", [x], it, { to: int(ONNX_CODE[it]) });
  const zero = g.scalar(0, dt);
  const up = T.cmp(g, "Greater", y, x);
  const away = T.cmp(g, "Equal", up, T.cmp(g, "Greater", x, zero)); // moving away from zero: the magnitude grows
  const stepped = T.where(g, away, T.add(g, bits, g.scalar(1, it)), T.sub(g, bits, g.scalar(1, it)));
  let r = g.ew("BitCast", [stepped], dt, { to: int(ONNX_CODE[dt]) });
  const tiny = dt === "float32" ? 2 ** -149 : Number.MIN_VALUE;
  r = T.where(g, T.cmp(g, "Equal", x, zero), T.where(g, up, g.scalar(tiny, dt), g.scalar(-tiny, dt)), r);
  r = T.where(g, T.cmp(g, "Equal", x, y), y, r);
  return T.where(g, T.or(g, T.nan(g, x), T.nan(g, y)), g.scalar(Number.NaN, dt), r);
}

// ---- binders ----
export const erf = (x: JaxArray): JaxArray => bind1(erfP, [x], {});
export const erfc = (x: JaxArray): JaxArray => bind1(erfcP, [x], {});
export const erfInv = (x: JaxArray): JaxArray => bind1(erfInvP, [x], {});
export const lgamma = (x: JaxArray): JaxArray => bind1(lgammaP, [x], {});
export const digamma = (x: JaxArray): JaxArray => bind1(digammaP, [x], {});
/** ψ^(m)(x), the m-th derivative of digamma, for a static integer order m >= 1. */
export const polygamma = (m: number, x: JaxArray): JaxArray => bind1(polygammaP, [x], { m });
export const nextafter = (x: JaxArray, y: JaxArray): JaxArray => bind1(nextafterP, [x, y], {});
