// Text generation with the KV cache: one jitted step decodes a token at a position and
// picks the next one (greedy at temperature 0, else a draw from the temperature-scaled,
// top-p-truncated distribution with key foldIn(key(seed), i) for the i-th decoded token).
// When the cache is full, it restarts from the last half of the text, so any number of
// tokens can be generated while every position stays within the trained context.
import type { Array as JArray } from "../../src/index.js";
import { jit, numpy as jnp, nn, random } from "../../src/index.js";
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
 * Continues `prompt` (token ids; the model sees at most its last seqLen) by
 * `opts.maxNewTokens` tokens, calling `onToken` with each as it is produced.
 */
export function generate(
  cfg: LlamaConfig,
  params: LlamaParams,
  prompt: readonly number[],
  opts: SampleOptions,
  onToken?: (id: number) => void,
): number[] {
  if (prompt.length === 0) throw new Error("generate: the prompt needs at least one token.");
  const step = makeSampleStep(cfg, opts);
  const keep = Math.max(1, Math.floor(cfg.seqLen / 2));
  const text = [...prompt];
  const out: number[] = [];
  let cache = initCache(cfg, 1);
  let pos = 0;
  let drawn = 0;
  const feed = (token: number): number => {
    const i32 = (v: number) => jnp.array(v, { dtype: "int32" });
    const [next, c] = step(params, cache, jnp.array([token], { dtype: "int32" }), i32(pos), i32(drawn++));
    cache = c;
    pos++;
    return Number(next.item());
  };
  let next = 0;
  for (const t of text.slice(-cfg.seqLen)) next = feed(t);
  while (out.length < opts.maxNewTokens) {
    text.push(next);
    out.push(next);
    onToken?.(next);
    if (out.length === opts.maxNewTokens) break;
    if (pos === cfg.seqLen) {
      // the cache is full: start again from the last half of the text
      cache = initCache(cfg, 1);
      pos = 0;
      for (const t of text.slice(-keep)) next = feed(t);
    } else next = feed(next);
  }
  return out;
}
