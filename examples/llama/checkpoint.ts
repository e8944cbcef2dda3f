// Checkpoints as safetensors files: the parameters ("params.layers.0.wq", ...), optionally
// the optimizer state ("opt.0.mu.layers.0.wq", ...) for resuming, and in the metadata the
// model config, the tokenizer, the step and the training options, all as JSON strings.
import type { Array as JArray } from "../../src/index.js";
import { random } from "../../src/index.js";
import { safetensors } from "../../src/io/index.js";
import { initParams, type LlamaConfig, type LlamaParams } from "./model.js";
import type { TokenizerSpec } from "./tokenizer.js";

/** Every array leaf of a tree of plain objects and JS arrays, named by its dotted path. */
export function namedLeaves(tree: unknown, prefix: string): [string, JArray][] {
  const out: [string, JArray][] = [];
  const walk = (x: unknown, path: string) => {
    if (x === null || x === undefined) return;
    if (Array.isArray(x)) x.forEach((v, i) => walk(v, `${path}.${i}`));
    else if (Object.getPrototypeOf(x) === Object.prototype)
      for (const k of Object.keys(x as object).sort()) walk((x as Record<string, unknown>)[k], `${path}.${k}`);
    else out.push([path, x as JArray]);
  };
  walk(tree, prefix);
  return out;
}

/** `template` with every leaf replaced by the tensor of the same name (shapes and dtypes checked). */
export function restoreTree<T>(template: T, prefix: string, tensors: Record<string, JArray>, file: string): T {
  const walk = (x: unknown, path: string): unknown => {
    if (x === null || x === undefined) return x;
    if (Array.isArray(x)) return x.map((v, i) => walk(v, `${path}.${i}`));
    if (Object.getPrototypeOf(x) === Object.prototype) {
      return Object.fromEntries(Object.entries(x as object).map(([k, v]) => [k, walk(v, `${path}.${k}`)]));
    }
    const want = x as JArray;
    const got = tensors[path];
    if (!got) throw new Error(`${file}: the checkpoint has no tensor "${path}".`);
    if (got.dtype !== want.dtype || got.shape.join(",") !== want.shape.join(",")) {
      throw new Error(`${file}: "${path}" is ${got.dtype}[${got.shape.join(", ")}], expected ${want.dtype}[${want.shape.join(", ")}].`);
    }
    return got;
  };
  return walk(template, prefix) as T;
}

export interface Checkpoint {
  config: LlamaConfig;
  tokenizer: TokenizerSpec;
  params: LlamaParams;
  /** Optimizer steps taken so far (0 for an imported model). */
  step: number;
  /** The options of the training run, so that a resumed run continues the same schedule. */
  train?: Record<string, unknown>;
  /** The loss history so far (train and validation), so that a resumed run's plot is whole. */
  history?: unknown;
  /** The optimizer state's leaves by name; restore with restoreTree(opt.init(params), "opt", ...). */
  optTensors?: Record<string, JArray>;
}

export function saveCheckpoint(path: string, ck: Checkpoint, optState?: unknown): void {
  const tensors: Record<string, JArray> = Object.fromEntries(namedLeaves(ck.params, "params"));
  if (optState !== undefined) for (const [k, v] of namedLeaves(optState, "opt")) tensors[k] = v;
  const metadata: Record<string, string> = {
    format: "jaxts-llama/1",
    config: JSON.stringify(ck.config),
    tokenizer: JSON.stringify(ck.tokenizer),
    step: String(ck.step),
  };
  if (ck.train) metadata.train = JSON.stringify(ck.train);
  if (ck.history) metadata.history = JSON.stringify(ck.history);
  safetensors.saveFile(tensors, path, { metadata });
}

export function loadCheckpoint(path: string): Checkpoint {
  const { tensors, metadata } = safetensors.loadFile(path);
  for (const k of ["config", "tokenizer", "step"]) {
    if (metadata[k] === undefined) throw new Error(`${path}: not a jaxts Llama checkpoint (the metadata has no "${k}").`);
  }
  const config = JSON.parse(metadata.config!) as LlamaConfig;
  // the structure (and shapes) of the parameters follow from the config
  const template = initParams(config, random.key(0));
  const params = restoreTree(template, "params", tensors, path);
  const opt = Object.fromEntries(Object.entries(tensors).filter(([k]) => k.startsWith("opt.")));
  return {
    config,
    tokenizer: JSON.parse(metadata.tokenizer!) as TokenizerSpec,
    params,
    step: Number(metadata.step),
    train: metadata.train ? JSON.parse(metadata.train) : undefined,
    history: metadata.history ? JSON.parse(metadata.history) : undefined,
    optTensors: Object.keys(opt).length > 0 ? opt : undefined,
  };
}
