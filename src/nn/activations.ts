// jax.nn activation functions, written with JAX's own formulas (jax/_src/nn/functions.py)
// so that values, dtypes and gradients, kinks included, match JAX.
import type { ArrayLike, JaxArray } from "../core/array.js";
import { fmtShape, normAxis } from "../core/shape.js";
import { asJax, promoteInexact } from "../numpy/coerce.js";
import * as jnp from "../numpy/index.js";
import { logistic } from "../primitives/elementwise.js";
import { slice } from "../primitives/shape_ops.js";
import { erfc } from "../primitives/special.js";
import { customJvp } from "../transforms/custom.js";

/** identity(x) = x. */
export function identity(x: ArrayLike): JaxArray {
  return asJax(x, "identity");
}

/** The tangent g where `keep` holds, 0 elsewhere (JAX's lax.select(cond, g, zeros)). */
function gateTangent(keep: JaxArray, g: JaxArray): JaxArray {
  return jnp.where(keep, g, jnp.zerosLike(g));
}

const reluImpl = customJvp((x: JaxArray) => jnp.maximum(x, 0)).defjvp(([x], [g]) => [reluImpl(x), gateTangent(x.gt(0), g)]);

/**
 * relu(x) = max(x, 0). Like JAX's, it has a custom JVP so that ∇relu(0) = 0 (max alone
 * would split the tie and give 1/2).
 */
export function relu(x: ArrayLike): JaxArray {
  return reluImpl(asJax(x, "relu"));
}

const relu6Impl = customJvp((x: JaxArray) => jnp.minimum(jnp.maximum(x, 0), 6)).defjvp(([x], [g]) => [
  relu6Impl(x),
  gateTangent(jnp.logicalAnd(x.gt(0), x.lt(6)), g),
]);

/**
 * relu6(x) = min(max(x, 0), 6), with a custom JVP (as in JAX) whose derivative is 0 at
 * both kinks. The result is floating point: JAX clips with the float 6.0.
 */
export function relu6(x: ArrayLike): JaxArray {
  return relu6Impl(promoteInexact("relu6", x));
}

/** sigmoid(x) = 1 / (1 + exp(-x)) (lax.logistic). */
export function sigmoid(x: ArrayLike): JaxArray {
  return logistic(promoteInexact("sigmoid", x));
}

/**
 * softplus(x) = log(1 + exp(x)), computed as jnp.logaddexp(x, 0) does:
 * max(x, 0) + log1p(exp(-|x|)), which neither overflows for large x nor loses the tail for
 * very negative x. Its derivative is sigmoid(x) (1/2 at 0, from max's even split of ties).
 */
export function softplus(x: ArrayLike): JaxArray {
  const a = promoteInexact("softplus", x);
  return jnp.maximum(a, 0).add(jnp.log1p(jnp.exp(jnp.abs(a).neg())));
}

/** softSign(x) = x / (|x| + 1). */
export function softSign(x: ArrayLike): JaxArray {
  const a = asJax(x, "softSign");
  return a.div(jnp.abs(a).add(1));
}

/** silu(x) = x * sigmoid(x) (also called swish). */
export function silu(x: ArrayLike): JaxArray {
  const a = promoteInexact("silu", x);
  return a.mul(sigmoid(a));
}
export const swish = silu;

/** mish(x) = x * tanh(softplus(x)). */
export function mish(x: ArrayLike): JaxArray {
  const a = promoteInexact("mish", x);
  return a.mul(jnp.tanh(softplus(a)));
}

/** logSigmoid(x) = log(sigmoid(x)) = -softplus(-x), stable for large |x|. */
export function logSigmoid(x: ArrayLike): JaxArray {
  return softplus(asJax(x, "logSigmoid").neg()).neg();
}

/**
 * elu(x, alpha) = x for x > 0, alpha * (exp(x) - 1) otherwise. The inner where keeps
 * expm1 away from large positive x, so neither branch overflows (or poisons the gradient).
 */
export function elu(x: ArrayLike, alpha: ArrayLike = 1.0): JaxArray {
  const a = asJax(x, "elu");
  const pos = a.gt(0);
  return jnp.where(pos, a, jnp.multiply(alpha, jnp.expm1(jnp.where(pos, 0, a))));
}

const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;

/** selu(x) = scale * elu(x, alpha) with the self-normalizing constants. */
export function selu(x: ArrayLike): JaxArray {
  return elu(x, SELU_ALPHA).mul(SELU_SCALE);
}

/** celu(x, alpha) = max(x, 0) + alpha * expm1(min(x, 0) / alpha). */
export function celu(x: ArrayLike, alpha: ArrayLike = 1.0): JaxArray {
  const a = asJax(x, "celu");
  return jnp.maximum(a, 0).add(jnp.multiply(alpha, jnp.expm1(jnp.divide(jnp.minimum(a, 0), alpha))));
}

/** leakyRelu(x, negativeSlope) = x for x >= 0, negativeSlope * x otherwise. */
export function leakyRelu(x: ArrayLike, negativeSlope: ArrayLike = 1e-2): JaxArray {
  const a = asJax(x, "leakyRelu");
  return jnp.where(a.ge(0), a, jnp.multiply(negativeSlope, a));
}

/** hardTanh(x) = clip(x, -1, 1) (derivative 1 at ±1, as JAX's nested where gives). */
export function hardTanh(x: ArrayLike): JaxArray {
  const a = asJax(x, "hardTanh");
  return jnp.where(a.gt(1), 1, jnp.where(a.lt(-1), -1, a));
}

/** hardSigmoid(x) = relu6(x + 3) / 6. */
export function hardSigmoid(x: ArrayLike): JaxArray {
  return relu6(asJax(x, "hardSigmoid").add(3)).div(6);
}

/** hardSilu(x) = x * hardSigmoid(x) (also called hardSwish). */
export function hardSilu(x: ArrayLike): JaxArray {
  const a = asJax(x, "hardSilu");
  return a.mul(hardSigmoid(a));
}
export const hardSwish = hardSilu;

/** squareplus(x, b) = (x + sqrt(x^2 + b)) / 2. */
export function squareplus(x: ArrayLike, b: ArrayLike = 4): JaxArray {
  const a = asJax(x, "squareplus");
  return a.add(jnp.sqrt(jnp.square(a).add(b))).div(2);
}

/** sparsePlus(x) = 0 for x <= -1, (x + 1)^2 / 4 for -1 < x < 1, x for x >= 1. */
export function sparsePlus(x: ArrayLike): JaxArray {
  const a = promoteInexact("sparsePlus", x);
  return jnp.where(a.le(-1), 0, jnp.where(a.ge(1), a, a.add(1).pow(2).div(4)));
}

/** sparseSigmoid(x) = clip(x + 1, 0, 2) / 2, the derivative of sparsePlus. */
export function sparseSigmoid(x: ArrayLike): JaxArray {
  const a = asJax(x, "sparseSigmoid");
  return jnp.minimum(jnp.maximum(a.add(1), 0), 2).mul(0.5);
}

export interface GeluOpts {
  /** Use the tanh approximation (the default, as in JAX); false uses the exact erf form. */
  approximate?: boolean;
}

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

/**
 * gelu(x) = x * Φ(x), Φ the standard normal CDF. By default the tanh approximation
 * x/2 * (1 + tanh(sqrt(2/π) (x + 0.044715 x^3))), as in JAX; with {approximate: false} the
 * exact x/2 * erfc(-x / sqrt(2)).
 */
export function gelu(x: ArrayLike, opts: GeluOpts = {}): JaxArray {
  const a = promoteInexact("gelu", x);
  if (opts.approximate === false) return a.mul(0.5).mul(erfc(a.neg().mul(Math.SQRT1_2)));
  const inner = a.add(jnp.power(a, 3).mul(0.044715)).mul(SQRT_2_OVER_PI);
  return a.mul(jnp.tanh(inner).add(1).mul(0.5));
}

/** glu(x, axis) = a * sigmoid(b), where a and b are the two halves of x along `axis`. */
export function glu(x: ArrayLike, axis = -1): JaxArray {
  const a = asJax(x, "glu");
  const ax = normAxis("glu", axis, a.ndim);
  const n = a.shape[ax]!;
  if (n % 2 !== 0) {
    throw new Error(`glu: the size of axis ${axis} must be divisible by 2 to split x in halves; x has shape ${fmtShape(a.shape)}.`);
  }
  const start = a.shape.map(() => 0);
  const mid = a.shape.map((d, i) => (i === ax ? n / 2 : d));
  const first = slice(a, start, mid);
  const second = slice(
    a,
    a.shape.map((_, i) => (i === ax ? n / 2 : 0)),
    a.shape,
  );
  return first.mul(sigmoid(second));
}
