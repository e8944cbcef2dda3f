// llama2.c's checkpoint format, version 0 (the "legacy" export that run.c reads): seven
// little-endian int32s, then float32 tensors back to back:
//
//   dim, hidden_dim, n_layers, n_heads, n_kv_heads, vocab_size, seq_len
//     (vocab_size negative when the classifier is a separate matrix, not the embedding)
//   token_embedding [vocab, dim]
//   rms_att [layers, dim]   wq [layers, dim, dim]   wk, wv [layers, kv_dim, dim]
//   wo [layers, dim, dim]   rms_ffn [layers, dim]
//   w1 [layers, hidden, dim]   w2 [layers, dim, hidden]   w3 [layers, hidden, dim]
//   rms_final [dim]
//   freq_cis_real, freq_cis_imag [seq_len, head_size / 2]  (legacy RoPE tables, unused by run.c)
//   wcls [vocab, dim]  (only when untied)
//
// llama2.c's matrices are PyTorch Linear weights [out, in] (y = W x); ours are [in, out]
// (y = x W), so every matrix is transposed on the way in and out.
import type { Array as JArray } from "../../src/index.js";
import { numpy as jnp } from "../../src/index.js";
import { checkConfig, headDim, type LayerParams, type LlamaConfig, type LlamaParams } from "./model.js";

const HEADER_INTS = 7;
/** llama2.c hard-codes these. */
const NORM_EPS = 1e-5;
const ROPE_THETA = 10000;

/** Total float32 count of the tensors after the header. */
function floatCount(cfg: LlamaConfig): number {
  const { dim: D, hiddenDim: F, nLayers: L, vocabSize: V, seqLen: S } = cfg;
  const kv = cfg.nKvHeads * headDim(cfg);
  const perLayer = 2 * D + 2 * D * D + 2 * kv * D + 3 * F * D;
  return V * D + L * perLayer + D + S * headDim(cfg) + (cfg.tied ? 0 : V * D);
}

/** The legacy tables: cos and sin of pos * theta^(-2i / head_size), [seq_len, head_size / 2]. */
function legacyRopeTables(cfg: LlamaConfig): [Float32Array, Float32Array] {
  const hd = headDim(cfg);
  const half = hd / 2;
  const re = new Float32Array(cfg.seqLen * half);
  const im = new Float32Array(cfg.seqLen * half);
  for (let p = 0; p < cfg.seqLen; p++) {
    for (let i = 0; i < half; i++) {
      const angle = p * ROPE_THETA ** ((-2 * i) / hd);
      re[p * half + i] = Math.cos(angle);
      im[p * half + i] = Math.sin(angle);
    }
  }
  return [re, im];
}

/** The bytes of a llama2.c v0 checkpoint of these parameters. */
export function exportLlama2c(cfg: LlamaConfig, params: LlamaParams): Uint8Array {
  checkConfig(cfg);
  if (cfg.normEps !== NORM_EPS || cfg.ropeTheta !== ROPE_THETA) {
    throw new Error(
      `exportLlama2c: llama2.c fixes normEps = ${NORM_EPS} and ropeTheta = ${ROPE_THETA}; this model has ${cfg.normEps} and ${cfg.ropeTheta}.`,
    );
  }
  const out = new Uint8Array(4 * (HEADER_INTS + floatCount(cfg)));
  const view = new DataView(out.buffer);
  const header = [cfg.dim, cfg.hiddenDim, cfg.nLayers, cfg.nHeads, cfg.nKvHeads, cfg.tied ? cfg.vocabSize : -cfg.vocabSize, cfg.seqLen];
  header.forEach((v, i) => view.setInt32(4 * i, v, true));
  let pos = 4 * HEADER_INTS;
  const put = (vals: ArrayLike<number>) => {
    for (let i = 0; i < vals.length; i++, pos += 4) view.setFloat32(pos, vals[i]!, true);
  };
  /** One tensor as llama2.c stores it; `transposed` turns our [in, out] into [out, in]. */
  const write = (x: JArray, transposed: boolean) => put((transposed ? x.T : x).astype("float32").dataSync());
  const perLayer = (f: (l: LayerParams) => JArray, transposed: boolean) => {
    for (const l of params.layers) write(f(l), transposed);
  };
  write(params.tokEmbeddings, false);
  perLayer((l) => l.attentionNorm, false);
  perLayer((l) => l.wq, true);
  perLayer((l) => l.wk, true);
  perLayer((l) => l.wv, true);
  perLayer((l) => l.wo, true);
  perLayer((l) => l.ffnNorm, false);
  perLayer((l) => l.w1, true);
  perLayer((l) => l.w2, true);
  perLayer((l) => l.w3, true);
  write(params.norm, false);
  for (const table of legacyRopeTables(cfg)) put(table);
  if (!cfg.tied) {
    if (!params.output) throw new Error("exportLlama2c: the config says untied but the parameters have no output matrix.");
    write(params.output, true);
  }
  if (pos !== out.length) throw new Error(`exportLlama2c: wrote ${pos} of ${out.length} bytes (parameter shapes do not match the config).`);
  return out;
}

/** Reads a llama2.c v0 checkpoint: the config its header gives and the parameters. */
export function importLlama2c(bytes: Uint8Array): { config: LlamaConfig; params: LlamaParams } {
  const op = "importLlama2c";
  if (bytes.length < 4 * HEADER_INTS) throw new Error(`${op}: ${bytes.length} bytes is too short for the 28-byte header.`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) === 0x616b3432) {
    throw new Error(`${op}: this is a llama2.c version 1 or 2 file (magic "ak42"); only the legacy version 0 format is supported.`);
  }
  const h = Array.from({ length: HEADER_INTS }, (_, i) => view.getInt32(4 * i, true));
  const [dim, hiddenDim, nLayers, nHeads, nKvHeads, vocab, seqLen] = h as [number, number, number, number, number, number, number];
  const config: LlamaConfig = {
    dim,
    hiddenDim,
    nLayers,
    nHeads,
    nKvHeads,
    vocabSize: Math.abs(vocab),
    seqLen,
    tied: vocab > 0,
    normEps: NORM_EPS,
    ropeTheta: ROPE_THETA,
  };
  try {
    checkConfig(config);
  } catch (e) {
    throw new Error(`${op}: the header [${h.join(", ")}] is not a valid llama2.c v0 header (${(e as Error).message})`);
  }
  const expected = 4 * (HEADER_INTS + floatCount(config));
  if (bytes.length !== expected) {
    throw new Error(`${op}: the header [${h.join(", ")}] implies ${expected} bytes, the file has ${bytes.length}.`);
  }
  let pos = 4 * HEADER_INTS;
  const take = (n: number): Float32Array => {
    const vals = new Float32Array(n);
    for (let i = 0; i < n; i++, pos += 4) vals[i] = view.getFloat32(pos, true);
    return vals;
  };
  /** A tensor stored [rows, cols]; `transposed` gives ours, [cols, rows]. */
  const read = (rows: number, cols: number, transposed: boolean): JArray => {
    const x = jnp.array(take(rows * cols)).reshape([rows, cols]);
    return transposed ? x.T : x;
  };
  const vec = (n: number): JArray => jnp.array(take(n));
  const D = dim;
  const kv = nKvHeads * headDim(config);
  const perLayer = (f: () => JArray) => Array.from({ length: nLayers }, f);
  const tokEmbeddings = read(config.vocabSize, D, false);
  const attentionNorm = perLayer(() => vec(D));
  const wq = perLayer(() => read(D, D, true));
  const wk = perLayer(() => read(kv, D, true));
  const wv = perLayer(() => read(kv, D, true));
  const wo = perLayer(() => read(D, D, true));
  const ffnNorm = perLayer(() => vec(D));
  const w1 = perLayer(() => read(hiddenDim, D, true));
  const w2 = perLayer(() => read(D, hiddenDim, true));
  const w3 = perLayer(() => read(hiddenDim, D, true));
  const norm = vec(D);
  pos += 4 * seqLen * headDim(config); // the legacy RoPE tables: run.c computes its own
  const params: LlamaParams = {
    tokEmbeddings,
    layers: attentionNorm.map((_, l) => ({
      attentionNorm: attentionNorm[l]!,
      wq: wq[l]!,
      wk: wk[l]!,
      wv: wv[l]!,
      wo: wo[l]!,
      ffnNorm: ffnNorm[l]!,
      w1: w1[l]!,
      w2: w2[l]!,
      w3: w3[l]!,
    })),
    norm,
  };
  if (!config.tied) params.output = read(config.vocabSize, D, true);
  return { config, params };
}
