// llama2.c checkpoints (examples/llama/llama2c.ts): a written file reads back to the same
// parameters and logits, and a line-by-line port of run.c's forward pass, reading the raw
// file as run.c does, reproduces our logits; so the layout is llama2.c's, not just self-consistent.
import assert from "node:assert/strict";
import { test } from "node:test";
import { exportLlama2c, importLlama2c } from "../examples/llama/llama2c.js";
import { forward, headDim, type LlamaConfig, type LlamaParams } from "../examples/llama/model.js";
import type { Array as JArray } from "../src/index.js";
import { tree } from "../src/index.js";
import { arr, assertAllClose, get, loadFixture, treeFromFixture } from "./helpers.js";

function load(name: string) {
  const fx = loadFixture(name);
  return {
    cfg: get(fx, "config") as LlamaConfig,
    params: treeFromFixture(get(fx, "params")) as unknown as LlamaParams,
    tokens: arr(fx, "tokens"),
  };
}

/**
 * run.c's `forward(transformer, token, pos)`, transcribed: float32 buffers, [out, in]
 * matrices, rotary embedding on adjacent pairs computed on the fly, GQA with kv_mul.
 * Returns the logits of every position of one token sequence.
 */
function runC(file: Uint8Array, tokens: number[]): Float32Array[] {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const [dim, hiddenDim, nLayers, nHeads, nKvHeads, vocab, seqLen] = Array.from({ length: 7 }, (_, i) =>
    view.getInt32(4 * i, true),
  ) as number[] as [number, number, number, number, number, number, number];
  const shared = vocab > 0;
  const vocabSize = Math.abs(vocab);
  const f = new Float32Array(file.buffer.slice(file.byteOffset + 28, file.byteOffset + file.byteLength));
  const headSize = dim / nHeads;
  const kvDim = (dim * nKvHeads) / nHeads;
  const kvMul = nHeads / nKvHeads;
  let p = 0;
  const next = (n: number) => {
    const at = p;
    p += n;
    return at;
  };
  const w = {
    tok: next(vocabSize * dim),
    rmsAtt: next(nLayers * dim),
    wq: next(nLayers * dim * dim),
    wk: next(nLayers * dim * kvDim),
    wv: next(nLayers * dim * kvDim),
    wo: next(nLayers * dim * dim),
    rmsFfn: next(nLayers * dim),
    w1: next(nLayers * dim * hiddenDim),
    w2: next(nLayers * hiddenDim * dim),
    w3: next(nLayers * dim * hiddenDim),
    rmsFinal: next(dim),
    wcls: 0,
  };
  next(seqLen * headSize); // freq_cis_real and freq_cis_imag
  w.wcls = shared ? w.tok : next(vocabSize * dim);
  assert.equal(p, f.length, "run.c would read exactly the whole file");

  const rmsnorm = (o: Float32Array, x: Float32Array, wOff: number) => {
    let ss = 0;
    for (let j = 0; j < x.length; j++) ss += x[j]! * x[j]!;
    ss = 1 / Math.sqrt(ss / x.length + 1e-5);
    for (let j = 0; j < x.length; j++) o[j] = f[wOff + j]! * (ss * x[j]!);
  };
  const matmul = (o: Float32Array, x: Float32Array, wOff: number, n: number, d: number) => {
    for (let i = 0; i < d; i++) {
      let v = 0;
      for (let j = 0; j < n; j++) v += f[wOff + i * n + j]! * x[j]!;
      o[i] = v;
    }
  };
  const keyCache = new Float32Array(nLayers * seqLen * kvDim);
  const valueCache = new Float32Array(nLayers * seqLen * kvDim);
  const out: Float32Array[] = [];
  tokens.forEach((token, pos) => {
    const x = f.slice(w.tok + token * dim, w.tok + (token + 1) * dim);
    const xb = new Float32Array(dim);
    const xb2 = new Float32Array(dim);
    const hb = new Float32Array(hiddenDim);
    const hb2 = new Float32Array(hiddenDim);
    const q = new Float32Array(dim);
    const att = new Float32Array(seqLen);
    for (let l = 0; l < nLayers; l++) {
      rmsnorm(xb, x, w.rmsAtt + l * dim);
      const loff = l * seqLen * kvDim;
      const k = keyCache.subarray(loff + pos * kvDim, loff + (pos + 1) * kvDim);
      const v = valueCache.subarray(loff + pos * kvDim, loff + (pos + 1) * kvDim);
      matmul(q, xb, w.wq + l * dim * dim, dim, dim);
      matmul(k, xb, w.wk + l * dim * kvDim, dim, kvDim);
      matmul(v, xb, w.wv + l * dim * kvDim, dim, kvDim);
      for (let i = 0; i < dim; i += 2) {
        const hd = i % headSize;
        const freq = 1 / 10000 ** (hd / headSize);
        const fcr = Math.cos(pos * freq);
        const fci = Math.sin(pos * freq);
        const rotn = i < kvDim ? 2 : 1;
        for (let r = 0; r < rotn; r++) {
          const vec = r === 0 ? q : k;
          const v0 = vec[i]!;
          const v1 = vec[i + 1]!;
          vec[i] = v0 * fcr - v1 * fci;
          vec[i + 1] = v0 * fci + v1 * fcr;
        }
      }
      for (let h = 0; h < nHeads; h++) {
        const qh = h * headSize;
        for (let t = 0; t <= pos; t++) {
          const kh = loff + t * kvDim + Math.floor(h / kvMul) * headSize;
          let score = 0;
          for (let i = 0; i < headSize; i++) score += q[qh + i]! * keyCache[kh + i]!;
          att[t] = score / Math.sqrt(headSize);
        }
        let max = -Infinity;
        for (let t = 0; t <= pos; t++) max = Math.max(max, att[t]!);
        let sum = 0;
        for (let t = 0; t <= pos; t++) {
          att[t] = Math.exp(att[t]! - max);
          sum += att[t]!;
        }
        for (let i = 0; i < headSize; i++) xb[qh + i] = 0;
        for (let t = 0; t <= pos; t++) {
          const vh = loff + t * kvDim + Math.floor(h / kvMul) * headSize;
          for (let i = 0; i < headSize; i++) xb[qh + i]! += (att[t]! / sum) * valueCache[vh + i]!;
        }
      }
      matmul(xb2, xb, w.wo + l * dim * dim, dim, dim);
      for (let i = 0; i < dim; i++) x[i]! += xb2[i]!;
      rmsnorm(xb, x, w.rmsFfn + l * dim);
      matmul(hb, xb, w.w1 + l * dim * hiddenDim, dim, hiddenDim);
      matmul(hb2, xb, w.w3 + l * dim * hiddenDim, dim, hiddenDim);
      for (let i = 0; i < hiddenDim; i++) hb[i] = (hb[i]! / (1 + Math.exp(-hb[i]!))) * hb2[i]!;
      matmul(xb, hb, w.w2 + l * dim * hiddenDim, hiddenDim, dim);
      for (let i = 0; i < dim; i++) x[i]! += xb[i]!;
    }
    rmsnorm(x, x, w.rmsFinal);
    const logits = new Float32Array(vocabSize);
    matmul(logits, x, w.wcls, dim, vocabSize);
    out.push(logits);
  });
  return out;
}

for (const name of ["llama_tied", "llama_untied"]) {
  test(`${name}: a llama2.c file written then read gives the same parameters and logits`, () => {
    const { cfg, params, tokens } = load(name);
    const bytes = exportLlama2c(cfg, params);
    const { config, params: back } = importLlama2c(bytes);
    assert.deepEqual(config, cfg);
    const [a, b] = [tree.leaves(params) as JArray[], tree.leaves(back) as JArray[]];
    assert.equal(b.length, a.length);
    a.forEach((x, i) => assert.deepEqual(Array.from(b[i]!.dataSync()), Array.from(x.dataSync()), `leaf ${i}`));
    assert.deepEqual(Array.from(forward(config, back, tokens).dataSync()), Array.from(forward(cfg, params, tokens).dataSync()));
  });

  test(`${name}: run.c's forward pass on the written file gives our logits`, () => {
    const { cfg, params, tokens } = load(name);
    const bytes = exportLlama2c(cfg, params);
    const view = new DataView(bytes.buffer);
    const header = Array.from({ length: 7 }, (_, i) => view.getInt32(4 * i, true));
    assert.deepEqual(header, [16, 40, 2, 4, 2, cfg.tied ? 11 : -11, 7]);
    // the legacy RoPE tables sit between the final norm and the classifier
    const tablesAt = 28 + 4 * (11 * 16 + 2 * (2 * 16 + 2 * 16 * 16 + 2 * 8 * 16 + 3 * 40 * 16) + 16);
    assert.equal(view.getFloat32(tablesAt, true), 1, "cos(0)");
    const hd = headDim(cfg);
    assert.equal(view.getFloat32(tablesAt + 4 * (hd / 2) * 1, true), Math.fround(Math.cos(1)), "cos(pos 1, pair 0)");
    const ours = forward(cfg, params, tokens);
    (tokens.tolist() as number[][]).forEach((seq, b) => {
      const theirs = runC(bytes, seq);
      theirs.forEach((row, t) => assertAllClose(ours.get(b, t), Array.from(row), { rtol: 0, atol: 2e-5 }, `sequence ${b}, position ${t}`));
    });
  });
}

test("malformed files fail with a reason", () => {
  const { cfg, params } = load("llama_tied");
  const bytes = exportLlama2c(cfg, params);
  assert.throws(() => importLlama2c(bytes.subarray(0, bytes.length - 4)), /implies \d+ bytes, the file has \d+/);
  const v1 = bytes.slice();
  new DataView(v1.buffer).setUint32(0, 0x616b3432, true);
  assert.throws(() => importLlama2c(v1), /version 1 or 2 file/);
  const odd = bytes.slice();
  new DataView(odd.buffer).setInt32(12, 3, true); // 3 heads do not divide dim 16
  assert.throws(() => importLlama2c(odd), /not a valid llama2.c v0 header/);
  assert.throws(() => exportLlama2c({ ...cfg, ropeTheta: 500000 }, params), /llama2.c fixes/);
});
