// Text generation with the KV cache: a decode step feeds a token at a position and picks
// the next one (greedy at temperature 0, else a draw from the temperature-scaled,
// top-p-truncated distribution with key foldIn(key(seed), i) for the i-th decoded token).
// generate runs the steps in jitted loops (makeDecodeLoop), many tokens per call; the
// tokens are the ones a jitted step per token (makeSampleStep) gives. When the cache is
// full, it restarts from the last half of the text, so any number of tokens can be
// generated while every position stays within the trained context.
import type { Array as JArray } from "../../src/index.js";
import { jit, numpy as jnp, lax, nn, random } from "../../src/index.js";
import { decodeStep, initCache, type KVCache, type LlamaConfig, type LlamaParams, ropeTables } from "./model.js";

export interface SampleOptions {
  maxNewTokens: number;
  /** 0 is greedy (argmax); higher is more random. */
  temperature: number;
  /** Nucleus sampling: draw only from the smallest set of tokens whose probability reaches topP (1 = all). */
  topP: number;
  seed: number;
}

/**
 * logits [..., V] with every token outside the nucleus set to -inf: the nucleus is the most
 * likely tokens whose probabilities, taken in decreasing order, first reach `p` (the most
 * likely token is always in it).
 */
export function topPFilter(logits: JArray, p: number): JArray {
  const sorted = jnp.sort(logits, -1, { descending: true });
  const probs = nn.softmax(sorted, -1);
  // a token is kept when the probability of the tokens before it is still below p
  const before = jnp.cumsum(probs, -1).sub(probs);
  const kept = jnp.where(before.lt(p), sorted, Infinity);
  const threshold = jnp.min(kept, -1, { keepdims: true });
  return jnp.where(logits.ge(threshold), logits, -Infinity);
}

/** The next token (int32 [B]) from logits [B, V]. */
export function pickToken(logits: JArray, key: JArray, temperature: number, topP: number): JArray {
  if (temperature === 0) return jnp.argmax(logits, -1).astype("int32");
  let scaled = logits.div(temperature);
  if (topP < 1) scaled = topPFilter(scaled, topP);
  return random.categorical(key, scaled, { axis: -1 }).astype("int32");
}

type Step = (params: LlamaParams, cache: KVCache, token: JArray, pos: JArray, i: JArray) => [JArray, KVCache];

/** The jitted decode-and-pick step for one sequence. */
export function makeSampleStep(cfg: LlamaConfig, opts: SampleOptions): Step {
  const rope = ropeTables(cfg, cfg.seqLen);
  const base = random.key(opts.seed);
  const step: Step = (params, cache, token, pos, i) => {
    const [logits, next] = decodeStep(cfg, params, cache, token, pos, rope);
    return [pickToken(logits, random.foldIn(base, i), opts.temperature, opts.topP), next];
  };
  return jit(step);
}

/**
 * `count` decode steps in one call: step j feeds forced[j] while j < nForced, else the
 * token picked at step j - 1, at position pos + j, and picks with key index drawn + j.
 * Returns the cache and the picks (int32 [seqLen]; entries from count on are 0).
 */
export type DecodeLoop = (
  params: LlamaParams,
  cache: KVCache,
  forced: JArray,
  nForced: JArray,
  count: JArray,
  pos: JArray,
  drawn: JArray,
) => [KVCache, JArray];

/**
 * The jitted loop of decode steps (a lax.foriLoop with a traced trip count, so one
 * compilation serves every call): no return to JavaScript between tokens, and the KV
 * cache is a loop carry, updated in place on the cpu engine.
 */
export function makeDecodeLoop(cfg: LlamaConfig, opts: SampleOptions): DecodeLoop {
  // one per configuration and sampling setting: later generate calls reuse the compiled
  // loop (no retracing, and V8 keeps the optimized code of its large generated body)
  const key = JSON.stringify([cfg, opts.temperature, opts.topP, opts.seed]);
  let loop = decodeLoops.get(key);
  if (!loop) {
    loop = newDecodeLoop(cfg, opts);
    decodeLoops.set(key, loop);
  }
  return loop;
}
const decodeLoops = new Map<string, DecodeLoop>();

function newDecodeLoop(cfg: LlamaConfig, opts: SampleOptions): DecodeLoop {
  const rope = ropeTables(cfg, cfg.seqLen);
  const base = random.key(opts.seed);
  const loop: DecodeLoop = (params, cache, forced, nForced, count, pos, drawn) => {
    type Carry = [KVCache, JArray, JArray];
    const body = (j: JArray, [c, prev, picks]: Carry): Carry => {
      const token = jnp.where(j.lt(nForced), lax.dynamicSlice(forced, [j], [1]), prev);
      const [logits, next] = decodeStep(cfg, params, c, token, pos.add(j), rope);
      const pick = pickToken(logits, random.foldIn(base, drawn.add(j)), opts.temperature, opts.topP);
      return [next, pick, lax.dynamicUpdateSlice(picks, pick, [j])];
    };
    const init: Carry = [cache, jnp.zeros([1], { dtype: "int32" }), jnp.zeros([cfg.seqLen], { dtype: "int32" })];
    const [c, , picks] = lax.foriLoop(0, count, body, init) as Carry;
    return [c, picks];
  };
  return jit(loop);
}

/**
 * Continues `prompt` (token ids; the model sees at most its last seqLen) by
 * `opts.maxNewTokens` tokens, calling `onToken` with each as it is produced. The tokens
 * come from jitted loops of decode steps (makeDecodeLoop): with `onToken`, `streamChunk`
 * tokens per call (so they arrive as they are made), else as many as the cache allows.
 */
export function generate(
  cfg: LlamaConfig,
  params: LlamaParams,
  prompt: readonly number[],
  opts: SampleOptions,
  onToken?: (id: number) => void,
  streamChunk = 16,
): number[] {
  if (prompt.length === 0) throw new Error("generate: the prompt needs at least one token.");
  if (opts.maxNewTokens <= 0) return [];
  const loop = makeDecodeLoop(cfg, opts);
  const keep = Math.max(1, Math.floor(cfg.seqLen / 2));
  const chunk = onToken ? Math.max(1, streamChunk) : Number.POSITIVE_INFINITY;
  const i32 = (v: number) => jnp.array(v, { dtype: "int32" });
  const text = [...prompt];
  const out: number[] = [];
  let cache = initCache(cfg, 1);
  let pos = 0;
  let drawn = 0;
  // tokens to feed before picking: the prompt, the last half of the text after a reset, or the last pick
  let pending = text.slice(-cfg.seqLen);
  for (;;) {
    if (pos === cfg.seqLen) {
      // the cache is full: start again from the last half of the text
      cache = initCache(cfg, 1);
      pos = 0;
      pending = text.slice(-keep);
    }
    // feeding the n pending tokens yields one new token, and each step after that one more
    const want = Math.min(opts.maxNewTokens - out.length, chunk);
    const count = Math.min(cfg.seqLen - pos, pending.length + want - 1);
    const forced = new Int32Array(cfg.seqLen);
    forced.set(pending);
    const [c, picks] = loop(params, cache, jnp.array(forced, { dtype: "int32" }), i32(pending.length), i32(count), i32(pos), i32(drawn));
    cache = c;
    pos += count;
    drawn += count;
    const made = Array.from((picks.dataSync() as Int32Array).subarray(pending.length - 1, count));
    for (const t of made) {
      text.push(t);
      out.push(t);
      onToken?.(t);
    }
    if (out.length >= opts.maxNewTokens) return out;
    pending = [made[made.length - 1]!];
  }
}
