// The Llama example's tokenizers, training loop, checkpoints and sampling, on a tiny model
// and a repetitive text: training lowers the loss, a run stopped and resumed from its
// checkpoint ends with the same parameters as an uninterrupted one, top-p and greedy
// sampling behave as specified.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { loadCheckpoint } from "../examples/llama/checkpoint.js";
import { encodeSplit, splitText, trainBatch, validationBatches } from "../examples/llama/data.js";
import { initCache, initParams, type LlamaConfig } from "../examples/llama/model.js";
import { Progress } from "../examples/llama/progress.js";
import { generate, makeSampleStep, pickToken, type SampleOptions, topPFilter } from "../examples/llama/sample.js";
import { BpeTokenizer, CharTokenizer, tokenizerFromJSON } from "../examples/llama/tokenizer.js";
import { DEFAULT_TRAIN, decayMask, learningRateSchedule, type TrainOptions, train } from "../examples/llama/train.js";
import type { Array as JArray } from "../src/index.js";
import { numpy as jnp, random, tree } from "../src/index.js";

const TEXT = "the cat sat on the mat. the dog sat on the log. ".repeat(40);
const quiet = () => new Progress(1, 1, { live: false, write: () => {} });

function setup(steps: number) {
  const tokenizer = CharTokenizer.fromText(TEXT);
  const config: LlamaConfig = {
    dim: 16,
    nLayers: 2,
    nHeads: 4,
    nKvHeads: 2,
    hiddenDim: 40,
    vocabSize: tokenizer.vocabSize,
    seqLen: 8,
    tied: true,
    normEps: 1e-5,
    ropeTheta: 10000,
  };
  const options: TrainOptions = { ...DEFAULT_TRAIN, steps, batch: 4, lr: 1e-2, warmupSteps: 2, evalEvery: 1000, evalBatches: 2, seed: 3 };
  const data = encodeSplit(splitText(TEXT, 0.9), tokenizer);
  return { tokenizer, config, options, data, params: initParams(config, random.key(1)) };
}

test("character tokenizer: sorted distinct characters, round trip, unknown characters named", () => {
  const t = CharTokenizer.fromText("hello—world");
  assert.deepEqual(t.chars, ["d", "e", "h", "l", "o", "r", "w", "—"]);
  assert.equal(t.decode(t.encode("world—hello")), "world—hello");
  assert.deepEqual([...t.tokenBytes(7)], [0xe2, 0x80, 0x94]);
  assert.throws(() => t.encode("hex"), /"x" \(U\+0078\) is not in the vocabulary/);
  assert.deepEqual(tokenizerFromJSON(t.toJSON()).encode("hello"), t.encode("hello"));
});

test("byte-level BPE: merges the most frequent pairs within words, round-trips any text", () => {
  const t = BpeTokenizer.train("abab abab abab", 259);
  // (a, b) occurs 6 times; then (ab, ab) 3 times; then (" ", abab) twice
  assert.deepEqual(t.merges, [
    [97, 98],
    [256, 256],
    [32, 257],
  ]);
  assert.deepEqual(t.encode("abab abab"), [257, 258]);
  const text = "Call me Ishmael—‘whale’ 42!";
  const bpe = BpeTokenizer.train(TEXT, 300);
  // 17 merges make every word of TEXT one token (14 words per 48 characters); then no pair repeats
  assert.equal(bpe.vocabSize, 273);
  assert.equal(bpe.encode(TEXT).length, 14 * 40 + 1);
  assert.equal(bpe.decode(bpe.encode(text)), text);
  assert.deepEqual(tokenizerFromJSON(JSON.parse(JSON.stringify(bpe.toJSON()))).encode(text), bpe.encode(text));
});

test("batches: next-token targets, reproducible by step, validation windows fixed", () => {
  const data = Int32Array.from({ length: 100 }, (_, i) => i);
  const a = trainBatch(data, 5, 0, 3, 4);
  const b = trainBatch(data, 5, 0, 3, 4);
  assert.deepEqual(a.inputs.tolist(), b.inputs.tolist());
  assert.deepEqual(a.targets.tolist(), (a.inputs.add(1) as JArray).tolist());
  assert.notDeepEqual(trainBatch(data, 6, 0, 3, 4).inputs.tolist(), a.inputs.tolist());
  const val = validationBatches(data, 2, 2, 4);
  assert.deepEqual(
    val.map((v) => (v.inputs.tolist() as number[][]).map((r) => r[0])),
    [
      [0, 31],
      [63, 95],
    ],
  );
});

test("only matrices get weight decay; the schedule warms up then decays to 10%", () => {
  const { params, options } = setup(100);
  const mask = decayMask(params) as { tokEmbeddings: boolean; norm: boolean; layers: { wq: boolean; ffnNorm: boolean }[] };
  assert.equal(mask.tokEmbeddings, true);
  assert.equal(mask.layers[0]!.wq, true);
  assert.equal(mask.norm, false);
  assert.equal(mask.layers[0]!.ffnNorm, false);
  const lr = learningRateSchedule(options);
  const at = (s: number) => Number(lr(jnp.array(s, { dtype: "int32" })).item());
  assert.equal(at(0), 0);
  assert.ok(Math.abs(at(1) - 5e-3) < 1e-9);
  assert.ok(Math.abs(at(2) - 1e-2) < 1e-9);
  assert.ok(Math.abs(at(100) - 1e-3) < 1e-9);
});

test("a tiny training run lowers the loss", () => {
  const s = setup(25);
  const { history } = train({ ...s, progress: quiet(), log: () => {} });
  const first = history.val[0]!.loss;
  const last = history.val[history.val.length - 1]!.loss;
  assert.ok(first > 2.5, `the initial loss ${first} is near ln(${s.config.vocabSize})`);
  assert.ok(last < 0.7 * first, `validation loss ${first} -> ${last}`);
});

test("a run stopped and resumed from its checkpoint matches an uninterrupted one", () => {
  const dir = mkdtempSync(join(tmpdir(), "jaxts-llama-"));
  try {
    const s = setup(4);
    const whole = train({ ...s, progress: quiet(), log: () => {} });
    const out = join(dir, "ck.safetensors");
    train({ ...s, until: 2, out, progress: quiet(), log: () => {} });
    const ck = loadCheckpoint(out);
    assert.equal(ck.step, 2);
    assert.deepEqual(ck.config, s.config);
    assert.deepEqual(ck.train, { ...s.options });
    const resumed = train({ ...s, params: ck.params, resume: ck, out, progress: quiet(), log: () => {} });
    const [a, b] = [tree.leaves(whole.params) as JArray[], tree.leaves(resumed.params) as JArray[]];
    a.forEach((x, i) => assert.deepEqual(Array.from(b[i]!.dataSync()), Array.from(x.dataSync()), `leaf ${i}`));
    assert.deepEqual(
      resumed.history.train.map((p) => p.loss),
      whole.history.train.map((p) => p.loss),
    );
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test("top-p keeps the smallest set of likely tokens reaching p; temperature 0 is argmax", () => {
  // probabilities 0.5, 0.3, 0.15, 0.05
  const logits = jnp.log(jnp.array([[0.15, 0.5, 0.05, 0.3]]));
  const isKept = (p: number) => ((topPFilter(logits, p).tolist() as number[][])[0] ?? []).map((v) => v > -Infinity);
  assert.deepEqual(isKept(0.45), [false, true, false, false]);
  assert.deepEqual(isKept(0.6), [false, true, false, true]);
  assert.deepEqual(isKept(0.9), [true, true, false, true]);
  assert.deepEqual(isKept(1), [true, true, true, true]);
  assert.deepEqual(pickToken(logits, random.key(0), 0, 1).tolist(), [1]);
  // with top-p 0.6 only tokens 1 and 3 can be drawn
  const draws = new Set<number>();
  for (let i = 0; i < 30; i++) draws.add(Number(pickToken(logits, random.key(i), 1, 0.6).item()));
  assert.deepEqual([...draws].sort(), [1, 3]);
});

test("generation: seeded, greedy is deterministic, runs past the context by restarting the cache", () => {
  const s = setup(25);
  const { params } = train({ ...s, progress: quiet(), log: () => {} });
  const prompt = s.tokenizer.encode("the ");
  const greedy = generate(s.config, params, prompt, { maxNewTokens: 20, temperature: 0, topP: 1, seed: 0 });
  assert.equal(greedy.length, 20, "20 tokens from a context of 8");
  assert.deepEqual(generate(s.config, params, prompt, { maxNewTokens: 20, temperature: 0, topP: 1, seed: 9 }), greedy);
  const a = generate(s.config, params, prompt, { maxNewTokens: 12, temperature: 1, topP: 0.9, seed: 1 });
  assert.deepEqual(generate(s.config, params, prompt, { maxNewTokens: 12, temperature: 1, topP: 0.9, seed: 1 }), a);
});

test("generation in jitted loops equals decoding one jitted step per token, streamed or not, across cache restarts", () => {
  const config: LlamaConfig = { ...setup(1).config, vocabSize: 30, tied: false };
  const params = initParams(config, random.key(4));
  // a sharper classifier than at initialization, so that sampling draws different tokens
  params.output = params.output!.mul(300);
  // the reference: feed each token through the step, restart from the last half when full
  const reference = (prompt: number[], opts: SampleOptions): number[] => {
    const step = makeSampleStep(config, opts);
    const keep = config.seqLen / 2;
    const text = [...prompt];
    const out: number[] = [];
    let cache = initCache(config, 1);
    let pos = 0;
    let drawn = 0;
    const i32 = (v: number) => jnp.array(v, { dtype: "int32" });
    const feed = (t: number) => {
      const [n, c] = step(params, cache, jnp.array([t], { dtype: "int32" }), i32(pos++), i32(drawn++));
      cache = c;
      return Number(n.item());
    };
    let next = 0;
    for (const t of text.slice(-config.seqLen)) next = feed(t);
    for (;;) {
      text.push(next);
      out.push(next);
      if (out.length === opts.maxNewTokens) return out;
      if (pos === config.seqLen) {
        cache = initCache(config, 1);
        pos = 0;
        for (const t of text.slice(-keep)) next = feed(t);
      } else next = feed(next);
    }
  };
  for (const opts of [
    { maxNewTokens: 19, temperature: 0, topP: 1, seed: 0 },
    { maxNewTokens: 19, temperature: 1, topP: 0.9, seed: 2 },
  ]) {
    for (const prompt of [
      [1, 2, 3],
      [5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
    ]) {
      const want = reference(prompt, opts);
      assert.ok(new Set(want).size > 1, `a varied continuation: ${want}`);
      assert.deepEqual(generate(config, params, prompt, opts), want, `${JSON.stringify(opts)} after ${prompt}`);
      const streamed: number[] = [];
      assert.deepEqual(
        generate(config, params, prompt, opts, (t) => streamed.push(t), 3),
        want,
        `streamed ${JSON.stringify(opts)} after ${prompt}`,
      );
      assert.deepEqual(streamed, want);
    }
  }
});
