// Scaled dot-product attention with JAX's layouts (jax.nn.dot_product_attention, "xla"
// implementation): multi-head, grouped-query and multi-query attention, bias, boolean and
// causal masks, local windows and padding by sequence lengths.
//
// Letters for shapes, as in JAX: B batch, T query length, S key/value length, N query heads,
// K key/value heads, G = N / K query heads per key/value head, H head dimension.
import type { ArrayLike, JaxArray } from "../core/array.js";
import { type DType, promoteTypes } from "../core/dtype.js";
import { fmtShape } from "../core/shape.js";
import { asJax } from "../numpy/coerce.js";
import * as jnp from "../numpy/index.js";
import { dotGeneral } from "../primitives/dot_general.js";
import { stopGradient } from "../primitives/elementwise.js";
import { iota } from "../primitives/shape_ops.js";
import { logsumexp, softmax } from "./softmax.js";

export interface DotProductAttentionOpts {
  /** Added to the logits; 4-D (or fewer dims, padded on the left) and broadcastable to [B, N, T, S]. */
  bias?: ArrayLike;
  /** Boolean, true where a query may attend to a key; 4-D (or fewer) and broadcastable to [B, N, T, S]. */
  mask?: ArrayLike;
  /** Multiplies the logits; default 1 / sqrt(H). */
  scale?: number;
  /** Query position t attends only to key positions s <= t. */
  isCausal?: boolean;
  /** int32 [B]: queries at positions >= the length are padding and give zero outputs. */
  querySeqLengths?: ArrayLike;
  /** int32 [B]: keys at positions >= the length are padding and are not attended to. */
  keyValueSeqLengths?: ArrayLike;
  /** [left, right] (or one number for both): query t attends to keys in [t - left, t + right]. */
  localWindowSize?: number | readonly [number, number];
  /** Also return the logsumexp of the masked logits, [B, T, N] (or [T, N]), without gradient. */
  returnResidual?: boolean;
}

/** Prepends size-1 axes up to rank 4, so [T, N, H] inputs work like [1, T, N, H]. */
function ensure4d(t: JaxArray): JaxArray {
  return t.ndim < 4 ? jnp.reshape(t, [...Array(4 - t.ndim).fill(1), ...t.shape]) : t;
}

function check(t: JaxArray, shape: readonly number[], dtype: DType | null, name: string): void {
  if (t.ndim !== shape.length)
    throw new Error(`dotProductAttention: ${name} must have ${shape.length} dimensions, got shape ${fmtShape(t.shape)}.`);
  if (dtype !== null && t.dtype !== dtype) throw new Error(`dotProductAttention: ${name} dtype must be ${dtype}, got ${t.dtype}.`);
  if (shape.some((n, i) => n !== -1 && t.shape[i] !== n)) {
    const want = `[${shape.map((n) => (n === -1 ? "*" : String(n))).join(", ")}]`;
    throw new Error(`dotProductAttention: ${name} shape must be ${want} (* is any size), got ${fmtShape(t.shape)}.`);
  }
}

/** Positions along `dim` of an int32 array of `shape`. */
const positions = (shape: readonly number[], dim: number): JaxArray => iota("int32", shape, dim);

/** The combined boolean mask for [B, N, T, S] logits, or null when nothing is masked. */
function combinedMask(
  logitsShape: readonly number[],
  mask: JaxArray | undefined,
  isCausal: boolean,
  qLen: JaxArray | undefined,
  kvLen: JaxArray | undefined,
  window: readonly [number, number] | undefined,
): JaxArray | null {
  const [, , T, S] = logitsShape as [number, number, number, number];
  const parts: JaxArray[] = [];
  if (mask) parts.push(mask);
  const q = positions([1, 1, T, S], 2);
  const k = positions([1, 1, T, S], 3);
  if (isCausal) parts.push(q.ge(k));
  if (window) {
    const [left, right] = window;
    parts.push(jnp.logicalAnd(q.le(k.add(left)), q.ge(k.sub(right))));
  }
  if (qLen) parts.push(q.lt(jnp.reshape(qLen, [-1, 1, 1, 1])));
  if (kvLen) parts.push(k.lt(jnp.reshape(kvLen, [-1, 1, 1, 1])));
  if (parts.length === 0) return null;
  return jnp.broadcastTo(
    parts.reduce((acc, p) => jnp.logicalAnd(acc, p)),
    logitsShape,
  );
}

/**
 * Scaled dot-product attention: softmax(scale * Q K^T + bias, masked) V for each head.
 *
 * query is [B, T, N, H] (or [T, N, H]); key and value are [B, S, K, H] (or [S, K, H]) with
 * the same dtype. K = N is multi-head attention; K dividing N is grouped-query attention
 * (query head n uses key/value head floor(n / G)); K = 1 is multi-query attention.
 * Returns an array shaped like query, or [output, residual] with `returnResidual`.
 */
export function dotProductAttention(
  query: ArrayLike,
  key: ArrayLike,
  value: ArrayLike,
  opts: DotProductAttentionOpts & { returnResidual: true },
): [JaxArray, JaxArray];
export function dotProductAttention(
  query: ArrayLike,
  key: ArrayLike,
  value: ArrayLike,
  opts?: DotProductAttentionOpts & { returnResidual?: false },
): JaxArray;
export function dotProductAttention(
  query: ArrayLike,
  key: ArrayLike,
  value: ArrayLike,
  opts: DotProductAttentionOpts = {},
): JaxArray | [JaxArray, JaxArray] {
  const q0 = asJax(query, "dotProductAttention");
  const outShape = q0.shape;
  const q = ensure4d(q0);
  const k = ensure4d(asJax(key, "dotProductAttention"));
  const v = ensure4d(asJax(value, "dotProductAttention"));
  const bias = opts.bias === undefined ? undefined : ensure4d(asJax(opts.bias, "dotProductAttention"));
  const mask = opts.mask === undefined ? undefined : ensure4d(asJax(opts.mask, "dotProductAttention"));
  const qLen = opts.querySeqLengths === undefined ? undefined : asJax(opts.querySeqLengths, "dotProductAttention");
  const kvLen = opts.keyValueSeqLengths === undefined ? undefined : asJax(opts.keyValueSeqLengths, "dotProductAttention");
  const window = typeof opts.localWindowSize === "number" ? ([opts.localWindowSize, opts.localWindowSize] as const) : opts.localWindowSize;

  const [B, S, K, H] = k.shape as [number, number, number, number];
  check(v, [B, S, K, H], k.dtype, "value");
  check(q, [B, -1, -1, H], k.dtype, "query");
  if (mask) check(mask, [-1, -1, -1, -1], "bool", "mask");
  if (bias) check(bias, [-1, -1, -1, -1], null, "bias");
  if (qLen) check(qLen, [B], "int32", "querySeqLengths");
  if (kvLen) check(kvLen, [B], "int32", "keyValueSeqLengths");
  const [, T, N] = q.shape as [number, number, number, number];
  if (N % K !== 0) {
    throw new Error(`dotProductAttention: the number of query heads must be a multiple of the key/value heads, got ${N} vs ${K}.`);
  }
  const G = N / K;
  const scale = opts.scale ?? 1 / Math.sqrt(H);

  // logits[b, k, g, t, s] = sum_h q[b, k, g, t, h] * key[b, s, k, h], in at least float32.
  // The query is put in [B, K, G, T, H] order first, so that the (S times larger) logits
  // come out of the contraction already as [B, N, T, S] (head n = k * G + g).
  const [logitsDtype] = promoteTypes(q.dtype, false, "float32", false);
  // Scaling by a power of two is exact, so it may as well scale the smaller query.
  const exactScale = Number.isFinite(Math.log2(scale)) && Number.isInteger(Math.log2(scale));
  const qs = exactScale ? q.mul(jnp.array(scale, { dtype: q.dtype })) : q;
  const qg = jnp.transpose(jnp.reshape(qs, [B, T, K, G, H]), [0, 2, 3, 1, 4]);
  const raw = dotGeneral(qg, k, { lhsBatch: [0, 1], rhsBatch: [0, 2], lhsContracting: [4], rhsContracting: [3] }, logitsDtype);
  let logits = jnp.reshape(raw, [B, N, T, S]);
  if (!exactScale) logits = logits.mul(jnp.array(scale, { dtype: logitsDtype }));
  if (bias) logits = logits.add(bias).astype(logitsDtype);

  const combined = combinedMask(logits.shape, mask, opts.isCausal ?? false, qLen, kvLen, window);
  if (combined) {
    // a large finite negative (not -inf) keeps fully masked rows finite, as JAX does
    const largeNegative = -0.7 * 3.4028234663852886e38;
    logits = jnp.where(combined, logits, jnp.array(largeNegative, { dtype: logitsDtype }));
  }

  // the softmax is always carried out in float32
  const padded = logits.astype("float32");
  const probs = softmax(padded, -1).astype(k.dtype);
  // out[b, k, g, t, h] = sum_s probs[b, k, g, t, s] * value[b, s, k, h]
  const pg = jnp.reshape(probs, [B, K, G, T, S]);
  const enc = dotGeneral(pg, v, { lhsBatch: [0, 1], rhsBatch: [0, 2], lhsContracting: [4], rhsContracting: [1] });
  // [B, K, G, T, H] -> [B, T, K, G, H] -> [B, T, N, H]
  let encoded = jnp.reshape(jnp.transpose(enc, [0, 3, 1, 2, 4]), [B, T, N, H]);
  if (qLen) {
    const valid = positions([1, T, 1, 1], 1).lt(jnp.reshape(qLen, [-1, 1, 1, 1]));
    encoded = encoded.mul(valid.astype(encoded.dtype));
  }
  const out = jnp.reshape(encoded, outShape);
  if (!opts.returnResidual) return out;
  const lse = logsumexp(padded, -1).astype(k.dtype); // [B, N, T]
  const residual = stopGradient(jnp.transpose(lse, [0, 2, 1]));
  return [out, jnp.reshape(residual, outShape.slice(0, -1))];
}
