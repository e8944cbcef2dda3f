// The Llama architecture (as in Meta's Llama 2 and Karpathy's llama2.c): token embedding,
// pre-norm transformer blocks of grouped-query causal self-attention with rotary position
// embeddings and a SwiGLU feed-forward, a final RMSNorm and a (tied or separate) classifier.
//
// Parameters are a plain pytree and every function here is pure, so `forward` works under
// grad, vmap and jit. Weight matrices are stored [in, out] and applied as x @ W (the JAX
// convention; llama2.c stores the transpose, see llama2c.ts).
import type { Array as JArray } from "../../src/index.js";
import { numpy as jnp, lax, nn, optax, random } from "../../src/index.js";

export interface LlamaConfig {
  dim: number;
  nLayers: number;
  nHeads: number;
  /** Key/value heads; nHeads must be a multiple (grouped-query attention; equal is plain multi-head). */
  nKvHeads: number;
  /** Width of the SwiGLU feed-forward. */
  hiddenDim: number;
  vocabSize: number;
  /** Longest sequence the model is trained on and can generate (the RoPE tables' length). */
  seqLen: number;
  /** Classifier = the token embedding, transposed (no separate output matrix). */
  tied: boolean;
  /** Added to the mean square inside RMSNorm's square root. */
  normEps: number;
  /** RoPE base frequency. */
  ropeTheta: number;
}

/** Model "S": 97,792 parameters, the size the README's training run uses. */
export const MODEL_S: LlamaConfig = {
  dim: 64,
  nLayers: 2,
  nHeads: 4,
  nKvHeads: 2,
  hiddenDim: 176,
  vocabSize: 83,
  seqLen: 64,
  tied: true,
  normEps: 1e-5,
  ropeTheta: 10000,
};

export interface LayerParams {
  attentionNorm: JArray; // [dim]
  wq: JArray; // [dim, nHeads * headDim]
  wk: JArray; // [dim, nKvHeads * headDim]
  wv: JArray; // [dim, nKvHeads * headDim]
  wo: JArray; // [nHeads * headDim, dim]
  ffnNorm: JArray; // [dim]
  w1: JArray; // [dim, hiddenDim] (gate)
  w2: JArray; // [hiddenDim, dim] (down)
  w3: JArray; // [dim, hiddenDim] (up)
}

export interface LlamaParams {
  tokEmbeddings: JArray; // [vocabSize, dim]
  layers: LayerParams[];
  norm: JArray; // [dim]
  /** The classifier [dim, vocabSize]; absent when tied. */
  output?: JArray;
}

export function headDim(cfg: LlamaConfig): number {
  return cfg.dim / cfg.nHeads;
}

/** Throws unless the sizes fit together (heads divide dim, kv heads divide heads, even head size). */
export function checkConfig(cfg: LlamaConfig): void {
  const problems: string[] = [];
  if (cfg.dim % cfg.nHeads !== 0) problems.push(`dim ${cfg.dim} is not a multiple of nHeads ${cfg.nHeads}`);
  else if (headDim(cfg) % 2 !== 0) problems.push(`the head size dim / nHeads = ${headDim(cfg)} must be even for rotary embeddings`);
  if (cfg.nHeads % cfg.nKvHeads !== 0) problems.push(`nHeads ${cfg.nHeads} is not a multiple of nKvHeads ${cfg.nKvHeads}`);
  for (const k of ["dim", "nLayers", "nHeads", "nKvHeads", "hiddenDim", "vocabSize", "seqLen"] as const) {
    if (!Number.isInteger(cfg[k]) || cfg[k] <= 0) problems.push(`${k} must be a positive integer, got ${cfg[k]}`);
  }
  if (problems.length > 0) throw new Error(`Llama config: ${problems.join("; ")}.`);
}

/** The number of parameters (the tied classifier counted once). */
export function countParams(cfg: LlamaConfig): number {
  const kv = cfg.nKvHeads * headDim(cfg);
  const layer = 2 * cfg.dim + 2 * cfg.dim * cfg.dim + 2 * cfg.dim * kv + 3 * cfg.dim * cfg.hiddenDim;
  return cfg.vocabSize * cfg.dim * (cfg.tied ? 1 : 2) + cfg.nLayers * layer + cfg.dim;
}

/**
 * Random initial parameters: normal(0, 0.02) matrices and embedding, unit norm weights. The
 * two projections that write into the residual stream (wo, w2) get 0.02 / sqrt(2 nLayers),
 * so the residual's variance does not grow with depth (GPT-2's scheme, used by llama2.c).
 */
export function initParams(cfg: LlamaConfig, key: JArray): LlamaParams {
  checkConfig(cfg);
  const kv = cfg.nKvHeads * headDim(cfg);
  const keys = random.split(key, 2 + 7 * cfg.nLayers);
  let next = 0;
  const normal = (shape: number[], std: number): JArray => random.normal(keys.get(next++), shape).mul(std);
  const residualStd = 0.02 / Math.sqrt(2 * cfg.nLayers);
  const params: LlamaParams = {
    tokEmbeddings: normal([cfg.vocabSize, cfg.dim], 0.02),
    layers: [],
    norm: jnp.ones([cfg.dim]),
  };
  for (let l = 0; l < cfg.nLayers; l++) {
    params.layers.push({
      attentionNorm: jnp.ones([cfg.dim]),
      wq: normal([cfg.dim, cfg.dim], 0.02),
      wk: normal([cfg.dim, kv], 0.02),
      wv: normal([cfg.dim, kv], 0.02),
      wo: normal([cfg.dim, cfg.dim], residualStd),
      ffnNorm: jnp.ones([cfg.dim]),
      w1: normal([cfg.dim, cfg.hiddenDim], 0.02),
      w2: normal([cfg.hiddenDim, cfg.dim], residualStd),
      w3: normal([cfg.dim, cfg.hiddenDim], 0.02),
    });
  }
  if (!cfg.tied) params.output = normal([cfg.dim, cfg.vocabSize], 0.02);
  return params;
}

/** x / sqrt(mean(x^2) + eps) * weight over the last axis, computed in float32. */
export function rmsNorm(x: JArray, weight: JArray, eps: number): JArray {
  const x32 = x.astype("float32");
  const ms = jnp.mean(x32.mul(x32), -1, { keepdims: true });
  return x32
    .mul(lax.rsqrt(ms.add(eps)))
    .mul(weight.astype("float32"))
    .astype(x.dtype);
}

/**
 * RoPE tables for positions 0..n-1, each [n, headDim]: cos and signed sin of pos * theta^(-2i/headDim)
 * for pair i, every value repeated for the pair's two elements (sin negated on the first),
 * so that rotating adjacent pairs (x[2i], x[2i+1]) is x * cos + swapPairs(x) * sin.
 * Angles are computed in double precision and rounded once to float32.
 */
export function ropeTables(cfg: LlamaConfig, n: number): { cos: JArray; sin: JArray } {
  const hd = headDim(cfg);
  const cos = new Float32Array(n * hd);
  const sin = new Float32Array(n * hd);
  for (let p = 0; p < n; p++) {
    for (let i = 0; i < hd / 2; i++) {
      const angle = p * cfg.ropeTheta ** ((-2 * i) / hd);
      const c = Math.cos(angle);
      const s = Math.sin(angle);
      cos[p * hd + 2 * i] = c;
      cos[p * hd + 2 * i + 1] = c;
      sin[p * hd + 2 * i] = -s;
      sin[p * hd + 2 * i + 1] = s;
    }
  }
  return { cos: jnp.array(cos).reshape([n, hd]), sin: jnp.array(sin).reshape([n, hd]) };
}

/**
 * (x0, x1, x2, x3, ...) -> (x1, x0, x3, x2, ...) along the last axis, as a product with the
 * pair-swapping permutation matrix: exact for finite x (each output is one input times 1
 * plus zeros), and a small matrix product is cheaper for the jit engines than the reversed
 * strided slice of lax.rev over pairs (about a tenth of the training step with ONNX Runtime).
 */
function swapPairs(x: JArray): JArray {
  const n = x.shape[x.ndim - 1]!;
  const perm = new Float32Array(n * n);
  for (let i = 0; i < n; i++) perm[i * n + (i ^ 1)] = 1;
  return linear(x, jnp.array(perm).reshape([n, n]).astype(x.dtype));
}

/**
 * Rotates adjacent pairs of x [B, T, heads, headDim] by the angles of its positions:
 * (x0, x1) -> (x0 cos - x1 sin, x0 sin + x1 cos). cos and sin are [T, headDim] table rows.
 */
export function applyRope(x: JArray, cos: JArray, sin: JArray): JArray {
  const [T, hd] = cos.shape as [number, number];
  const c = cos.reshape([1, T, 1, hd]);
  const s = sin.reshape([1, T, 1, hd]);
  return x.mul(c).add(swapPairs(x).mul(s));
}

/**
 * x @ w for x [..., in] and w [in, out]: one dot_general contracting the last axis, with
 * no batch axes (matmul would broadcast w over x's leading axes and batch over them).
 */
function linear(x: JArray, w: JArray): JArray {
  return jnp.dot(x, w);
}

/** The SwiGLU feed-forward: (silu(x W1) * (x W3)) W2. */
function feedForward(x: JArray, layer: LayerParams): JArray {
  return linear(nn.silu(linear(x, layer.w1)).mul(linear(x, layer.w3)), layer.w2);
}

/**
 * The classifier: logits [..., vocabSize] from the final hidden states. The tied one
 * contracts with the embedding's second axis directly: the same sums as h @ E.T, with no
 * transposed copy of the embedding per call.
 */
function classify(params: LlamaParams, h: JArray): JArray {
  if (params.output) return linear(h, params.output);
  return jnp.tensordot(h, params.tokEmbeddings, [[h.ndim - 1], [1]]);
}

/** One block on x [B, T, dim]; k and v come back for the cache. */
function block(
  cfg: LlamaConfig,
  layer: LayerParams,
  x: JArray,
  cos: JArray,
  sin: JArray,
  attend: (q: JArray, k: JArray, v: JArray) => JArray,
): JArray {
  const [B, T] = x.shape as [number, number, number];
  const hd = headDim(cfg);
  const h = rmsNorm(x, layer.attentionNorm, cfg.normEps);
  const q = applyRope(linear(h, layer.wq).reshape([B, T, cfg.nHeads, hd]), cos, sin);
  const k = applyRope(linear(h, layer.wk).reshape([B, T, cfg.nKvHeads, hd]), cos, sin);
  const v = linear(h, layer.wv).reshape([B, T, cfg.nKvHeads, hd]);
  const attn = attend(q, k, v).reshape([B, T, cfg.dim]);
  const x2 = x.add(linear(attn, layer.wo));
  return x2.add(feedForward(rmsNorm(x2, layer.ffnNorm, cfg.normEps), layer));
}

/**
 * Logits [B, T, vocabSize] for int32 tokens [B, T] (T <= seqLen), each position seeing
 * only itself and earlier positions.
 */
export function forward(cfg: LlamaConfig, params: LlamaParams, tokens: JArray): JArray {
  const T = tokens.shape[1]!;
  if (T > cfg.seqLen) throw new Error(`Llama forward: ${T} tokens exceed the model's seqLen ${cfg.seqLen}.`);
  const { cos, sin } = ropeTables(cfg, T);
  let x = jnp.take(params.tokEmbeddings, tokens, 0, { mode: "clip" });
  const causal = (q: JArray, k: JArray, v: JArray) => nn.dotProductAttention(q, k, v, { isCausal: true });
  for (const layer of params.layers) x = block(cfg, layer, x, cos, sin, causal);
  return classify(params, rmsNorm(x, params.norm, cfg.normEps));
}

/** Mean next-token cross-entropy (nats) of the logits for `inputs` against `targets`, both int32 [B, T]. */
export function loss(cfg: LlamaConfig, params: LlamaParams, inputs: JArray, targets: JArray): JArray {
  return jnp.mean(optax.softmaxCrossEntropyWithIntegerLabels(forward(cfg, params, inputs), targets));
}

/**
 * Keys and values of every position decoded so far, per layer. Values are [B, seqLen,
 * nKvHeads, headDim]; keys are stored transposed, [B, nKvHeads, headDim, seqLen], so that
 * for each head both products of a decode step (query · keys, probabilities · values) read
 * a matrix whose rows are contiguous: the layout the compiled matrix-vector kernel takes.
 */
export interface KVCache {
  k: JArray[];
  v: JArray[];
}

export function initCache(cfg: LlamaConfig, batch: number): KVCache {
  const hd = headDim(cfg);
  return {
    k: Array.from({ length: cfg.nLayers }, () => jnp.zeros([batch, cfg.nKvHeads, hd, cfg.seqLen])),
    v: Array.from({ length: cfg.nLayers }, () => jnp.zeros([batch, cfg.seqLen, cfg.nKvHeads, hd])),
  };
}

/**
 * One new position's attention over the cache (keys transposed, see KVCache), to the
 * first `lengths[b]` positions: nn.dotProductAttention's sums in the same order (the
 * scale, the masking value and the float32 softmax alike), so it equals the full forward
 * pass's last row. q is [B, 1, nHeads, headDim]; head n reads KV head n / (nHeads / nKvHeads).
 */
function cachedAttention(cfg: LlamaConfig, q: JArray, keysT: JArray, values: JArray, lengths: JArray): JArray {
  const [B, , nHeads, hd] = q.shape as [number, number, number, number];
  const S = keysT.shape[3]!;
  const kv = cfg.nKvHeads;
  const scale = 1 / Math.sqrt(hd);
  const exactScale = Number.isInteger(Math.log2(scale));
  const qg = (exactScale ? q.mul(jnp.array(scale, { dtype: q.dtype })) : q).reshape([B, kv, nHeads / kv, hd]);
  let logits = lax.dotGeneral(qg, keysT, { lhsBatch: [0, 1], rhsBatch: [0, 1], lhsContracting: [3], rhsContracting: [2] });
  if (!exactScale) logits = logits.mul(jnp.array(scale, { dtype: logits.dtype }));
  const valid = lax.iota("int32", [B, 1, 1, S], 3).lt(lengths.reshape([B, 1, 1, 1]));
  const probs = nn.softmax(jnp.where(valid, logits, -0.7 * 3.4028234663852886e38), -1);
  const out = lax.dotGeneral(probs, values, { lhsBatch: [0, 1], rhsBatch: [0, 2], lhsContracting: [3], rhsContracting: [1] });
  return out.reshape([B, 1, nHeads, hd]);
}

/**
 * One step of incremental decoding: the logits [B, vocabSize] after `token` (int32 [B]) at
 * position `pos` (an int32 scalar, traced under jit), given the cache of positions < pos;
 * returns the cache with this position's keys and values written in. Equals the last row
 * of `forward` on the whole prefix.
 */
export function decodeStep(
  cfg: LlamaConfig,
  params: LlamaParams,
  cache: KVCache,
  token: JArray,
  pos: JArray,
  rope: { cos: JArray; sin: JArray },
): [JArray, KVCache] {
  const B = token.shape[0]!;
  const hd = headDim(cfg);
  const cos = lax.dynamicSlice(rope.cos, [pos, 0], [1, hd]);
  const sin = lax.dynamicSlice(rope.sin, [pos, 0], [1, hd]);
  const lengths = jnp.broadcastTo(pos.add(1), [B]);
  let x = jnp.take(params.tokEmbeddings, token.reshape([B, 1]), 0, { mode: "clip" });
  const next: KVCache = { k: [], v: [] };
  params.layers.forEach((layer, l) => {
    const attend = (q: JArray, k: JArray, v: JArray) => {
      const kc = lax.dynamicUpdateSlice(cache.k[l]!, jnp.transpose(k, [0, 2, 3, 1]), [0, 0, 0, pos]);
      const vc = lax.dynamicUpdateSlice(cache.v[l]!, v, [0, pos, 0, 0]);
      next.k.push(kc);
      next.v.push(vc);
      return cachedAttention(cfg, q, kc, vc, lengths);
    };
    x = block(cfg, layer, x, cos, sin, attend);
  });
  const logits = classify(params, rmsNorm(x, params.norm, cfg.normEps));
  return [logits.reshape([B, cfg.vocabSize]), next];
}
