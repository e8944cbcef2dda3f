// Loss functions (optax.losses). Each returns per-example values (no reduction), like
// Optax: take jnp.mean of the result for a scalar loss.
import type { ArrayLike, JaxArray } from "../core/array.js";
import { fmtShape, normAxis } from "../core/shape.js";
import * as jnp from "../numpy/index.js";
import { isFinite as laxIsFinite, stopGradient } from "../primitives/elementwise.js";

function floatInput(op: string, x: ArrayLike): JaxArray {
  const a = jnp.asarray(x);
  if (!["float16", "bfloat16", "float32", "float64"].includes(a.dtype)) {
    throw new TypeError(`optax.${op}: predictions/logits must be floating point, got ${a.dtype}. Use .astype("float32").`);
  }
  return a;
}

function sameShape(op: string, a: JaxArray, b: JaxArray): void {
  if (fmtShape(a.shape) !== fmtShape(b.shape)) {
    throw new Error(
      `optax.${op}: predictions ${fmtShape(a.shape)} and targets ${fmtShape(b.shape)} must have the same shape (no broadcasting).`,
    );
  }
}

/** (predictions - targets)**2, elementwise; targets default to zero. */
export function squaredError(predictions: ArrayLike, targets?: ArrayLike): JaxArray {
  const p = floatInput("squaredError", predictions);
  if (targets === undefined) return jnp.square(p);
  const t = jnp.asarray(targets);
  sameShape("squaredError", p, t);
  return jnp.square(jnp.subtract(p, t));
}

/** 0.5 * (predictions - targets)**2, elementwise. */
export function l2Loss(predictions: ArrayLike, targets?: ArrayLike): JaxArray {
  return jnp.multiply(0.5, squaredError(predictions, targets));
}

export interface HuberLossOpts {
  /** Where the loss turns from quadratic to linear (default 1). */
  delta?: number;
}

/** 0.5 * e**2 for |e| <= delta, else 0.5 * delta**2 + delta * (|e| - delta), with e = predictions - targets. */
export function huberLoss(predictions: ArrayLike, targets?: ArrayLike, opts: HuberLossOpts = {}): JaxArray {
  const delta = opts.delta ?? 1;
  const p = floatInput("huberLoss", predictions);
  const errors = targets === undefined ? p : jnp.subtract(p, targets);
  const absErrors = jnp.abs(errors);
  const quadratic = jnp.minimum(absErrors, delta);
  // |e| - min(|e|, delta) rather than max(|e| - delta, 0): the same value, without a doubled gradient at the kink
  const linear = jnp.subtract(absErrors, quadratic);
  return jnp.add(jnp.multiply(0.5, jnp.square(quadratic)), jnp.multiply(delta, linear));
}

/** log(sigmoid(x)) = -log(1 + exp(-x)), computed without overflow for large |x|. */
function logSigmoid(x: JaxArray): JaxArray {
  // -softplus(-x), softplus(z) = max(z, 0) + log1p(exp(-|z|))
  const z = jnp.negative(x);
  return jnp.negative(jnp.add(jnp.maximum(z, 0), jnp.log1p(jnp.exp(jnp.negative(jnp.abs(z))))));
}

/** -labels * log(sigmoid(logits)) - (1 - labels) * log(1 - sigmoid(logits)), elementwise. */
export function sigmoidBinaryCrossEntropy(logits: ArrayLike, labels: ArrayLike): JaxArray {
  const x = floatInput("sigmoidBinaryCrossEntropy", logits);
  const y = jnp.asarray(labels).astype(x.dtype);
  return jnp.subtract(jnp.multiply(jnp.negative(y), logSigmoid(x)), jnp.multiply(jnp.subtract(1, y), logSigmoid(jnp.negative(x))));
}

/** log(sum(exp(x), axis)), shifted by the (non-differentiated) max for stability. */
function logsumexp(x: JaxArray, axis: number): JaxArray {
  const m = stopGradient(jnp.max(x, axis, { keepdims: true }));
  // a row whose max is not finite (all -inf, say) is shifted by 0, so the result is -inf, not NaN
  const shift = jnp.where(laxIsFinite(m), m, 0);
  return jnp.squeeze(jnp.add(jnp.log(jnp.sum(jnp.exp(jnp.subtract(x, shift)), axis, { keepdims: true })), shift), axis);
}

function logSoftmax(x: JaxArray, axis: number): JaxArray {
  const shifted = jnp.subtract(x, stopGradient(jnp.max(x, axis, { keepdims: true })));
  return jnp.subtract(shifted, jnp.log(jnp.sum(jnp.exp(shifted), axis, { keepdims: true })));
}

export interface SoftmaxCrossEntropyOpts {
  /** The class axis (default -1). */
  axis?: number;
}

/** -sum(labels * log_softmax(logits), axis): cross-entropy against label distributions. */
export function softmaxCrossEntropy(logits: ArrayLike, labels: ArrayLike, opts: SoftmaxCrossEntropyOpts = {}): JaxArray {
  const x = floatInput("softmaxCrossEntropy", logits);
  const axis = normAxis("optax.softmaxCrossEntropy", opts.axis ?? -1, x.ndim);
  return jnp.negative(jnp.sum(jnp.multiply(labels, logSoftmax(x, axis)), axis));
}

/** logsumexp(logits, axis) - logits[label]: cross-entropy against integer class labels. */
export function softmaxCrossEntropyWithIntegerLabels(logits: ArrayLike, labels: ArrayLike, opts: SoftmaxCrossEntropyOpts = {}): JaxArray {
  const op = "softmaxCrossEntropyWithIntegerLabels";
  const x = floatInput(op, logits);
  const y = jnp.asarray(labels);
  if (y.dtype === "bool" || ["float16", "bfloat16", "float32", "float64"].includes(y.dtype)) {
    throw new TypeError(
      `optax.${op}: labels must be integers (class indices), got ${y.dtype}. For one-hot or soft labels use softmaxCrossEntropy.`,
    );
  }
  const axis = normAxis(`optax.${op}`, opts.axis ?? -1, x.ndim);
  const batchShape = x.shape.filter((_, d) => d !== axis);
  if (fmtShape(batchShape) !== fmtShape(y.shape)) {
    throw new Error(
      `optax.${op}: labels have shape ${fmtShape(y.shape)} but logits ${fmtShape(x.shape)} need labels of shape ${fmtShape(batchShape)} (one class index per row).`,
    );
  }
  // logits[..., label, ...] gathered as optax does: a negative label counts from the end,
  // one out of range gives NaN (a gather of one element per row, whose gradient scatters
  // one element per row, instead of a select over every class)
  const labelLogits = jnp.squeeze(jnp.takeAlongAxis(x, jnp.expandDims(y, axis), axis), axis);
  return jnp.subtract(logsumexp(x, axis), labelLogits);
}
