// Training: AdamW (b2 0.95, weight decay on matrices only) after global-norm clipping, with
// a linear warmup and a cosine decay of the learning rate; the whole step (forward, backward,
// optimizer) is one jitted function of (params, optimizer state, batch).

import type { Array as JArray } from "../../src/index.js";
import { jit, numpy as jnp, optax, tree, valueAndGrad } from "../../src/index.js";
import { type Checkpoint, restoreTree, saveCheckpoint } from "./checkpoint.js";
import { type Split, trainBatch, validationBatches } from "./data.js";
import { type LlamaConfig, type LlamaParams, loss } from "./model.js";
import { Progress } from "./progress.js";
import type { Tokenizer } from "./tokenizer.js";

export interface TrainOptions {
  steps: number;
  batch: number;
  /** Peak learning rate, reached after the warmup. */
  lr: number;
  warmupSteps: number;
  /** The learning rate decays (cosine) to lr * minLrFraction at the last step. */
  minLrFraction: number;
  weightDecay: number;
  /** Gradients are rescaled to this global norm when larger. */
  clipNorm: number;
  b1: number;
  b2: number;
  /** Validation loss every this many steps (and at the start and the end). */
  evalEvery: number;
  /** Validation batches per evaluation (spread evenly over the validation text). */
  evalBatches: number;
  seed: number;
}

/** The settings of the README's run of model S. */
export const DEFAULT_TRAIN: TrainOptions = {
  steps: 1000,
  batch: 16,
  lr: 3e-3,
  warmupSteps: 50,
  minLrFraction: 0.1,
  weightDecay: 0.1,
  clipNorm: 1,
  b1: 0.9,
  b2: 0.95,
  evalEvery: 100,
  evalBatches: 16,
  seed: 0,
};

/** Throws unless the options make a valid run (positive sizes, warmup shorter than the run). */
export function checkTrainOptions(o: TrainOptions): void {
  const problems: string[] = [];
  for (const k of ["steps", "batch", "evalEvery", "evalBatches"] as const) {
    if (!Number.isInteger(o[k]) || o[k] <= 0) problems.push(`${k} must be a positive integer, got ${o[k]}`);
  }
  if (!Number.isInteger(o.warmupSteps) || o.warmupSteps < 0 || o.warmupSteps >= o.steps) {
    problems.push(`the warmup (${o.warmupSteps} steps) must be shorter than the run (${o.steps} steps)`);
  }
  if (!(o.lr > 0)) problems.push(`lr must be positive, got ${o.lr}`);
  if (problems.length > 0) throw new Error(`training options: ${problems.join("; ")}.`);
}

/** true for the matrices (embedding, projections), false for the norm weights: only matrices decay. */
export function decayMask(params: LlamaParams): unknown {
  return tree.map((p: JArray) => p.ndim >= 2, params);
}

export function learningRateSchedule(o: TrainOptions): optax.Schedule {
  return optax.warmupCosineDecaySchedule({
    initValue: 0,
    peakValue: o.lr,
    warmupSteps: o.warmupSteps,
    decaySteps: o.steps,
    endValue: o.lr * o.minLrFraction,
  });
}

/**
 * AdamW with global-norm clipping: chain(clipByGlobalNorm, adamw) written out as
 * adamw's own parts. The clipping and Adam's moments run under optax.flatten, on all
 * parameters as one vector, so the compiled step does each of their operations once
 * instead of once per parameter array (a fifth of the step's time for this small model);
 * the decay (matrices only) and the learning rate follow per array, as in adamw.
 */
export function makeOptimizer(o: TrainOptions): optax.GradientTransformation {
  return optax.chain(
    optax.flatten(optax.chain(optax.clipByGlobalNorm(o.clipNorm), optax.scaleByAdam({ b1: o.b1, b2: o.b2 }))),
    optax.addDecayedWeights(o.weightDecay, { mask: decayMask }),
    optax.scaleByLearningRate(learningRateSchedule(o)),
  );
}

export type TrainStep = (params: LlamaParams, optState: unknown, inputs: JArray, targets: JArray) => [LlamaParams, unknown, JArray];

/** One jitted optimizer step: [new params, new optimizer state, the batch's loss before the step]. */
export function makeTrainStep(cfg: LlamaConfig, tx: optax.GradientTransformation): TrainStep {
  const lossAndGrad = valueAndGrad((p: LlamaParams, x: JArray, y: JArray) => loss(cfg, p, x, y));
  const stepFn: TrainStep = (params, optState, inputs, targets) => {
    const [l, grads] = lossAndGrad(params, inputs, targets) as [JArray, LlamaParams];
    const [updates, next] = tx.update(grads, optState, params);
    return [optax.applyUpdates(params, updates), next, l];
  };
  return jit(stepFn);
}

export interface LossPoint {
  step: number;
  loss: number;
}

export interface History {
  /** The training loss of every step's batch (before that step's update). */
  train: LossPoint[];
  /** The mean validation loss at each evaluation. */
  val: LossPoint[];
}

export interface TrainRun {
  config: LlamaConfig;
  tokenizer: Tokenizer;
  data: Split;
  options: TrainOptions;
  /** Where the parameters start: fresh ones, or a checkpoint to resume (with its optimizer state). */
  params: LlamaParams;
  resume?: Checkpoint;
  /** Stop after this step (default: options.steps), checkpointed so that --resume continues; the schedule still spans options.steps. */
  until?: number;
  /** Checkpoint path, written at every evaluation and at the end. */
  out?: string;
  progress?: Progress;
  log?: (line: string) => void;
}

/**
 * Trains to `options.steps` steps (from the resumed step, if any); returns the parameters,
 * the losses and the mean time of a step (after the first, which compiles).
 */
export function train(run: TrainRun): { params: LlamaParams; history: History; msPerStep: number } {
  const { config: cfg, options: o, data } = run;
  checkTrainOptions(o);
  const context = cfg.seqLen;
  const tx = makeOptimizer(o);
  const schedule = learningRateSchedule(o);
  const step = makeTrainStep(cfg, tx);
  const evalLoss = jit((p: LlamaParams, x: JArray, y: JArray) => loss(cfg, p, x, y));
  const valBatches = validationBatches(data.val, o.evalBatches, o.batch, context);
  const validate = (p: LlamaParams) =>
    valBatches.reduce((s, b) => s + Number(evalLoss(p, b.inputs, b.targets).item()), 0) / valBatches.length;

  let params = run.params;
  let optState = tx.init(params);
  let start = 0;
  const history: History = { train: [], val: [] };
  if (run.resume) {
    if (!run.resume.optTensors)
      throw new Error("train: the checkpoint to resume has no optimizer state (it was exported or imported, not saved by train).");
    optState = restoreTree(optState, "opt", run.resume.optTensors, "resume checkpoint");
    start = run.resume.step;
    const h = run.resume.history as History | undefined;
    if (h) {
      history.train.push(...h.train);
      history.val.push(...h.val);
    }
  }
  const progress = run.progress ?? new Progress(o.steps, o.batch * context);
  const log = run.log ?? ((line: string) => progress.log(line));
  const save = (s: number) => {
    if (!run.out) return;
    saveCheckpoint(run.out, { config: cfg, tokenizer: run.tokenizer.toJSON(), params, step: s, train: { ...o }, history }, optState);
  };
  const evaluate = (s: number) => {
    const v = validate(params);
    history.val.push({ step: s, loss: v });
    log(`step ${s}: validation loss ${v.toFixed(4)}`);
    save(s);
  };

  const until = Math.min(run.until ?? o.steps, o.steps);
  if (start === 0) evaluate(0);
  let totalMs = 0;
  for (let s = start; s < until; s++) {
    const { inputs, targets } = trainBatch(data.train, s, o.seed, o.batch, context);
    const t0 = performance.now();
    const [p, st, l] = step(params, optState, inputs, targets);
    const lossValue = Number(l.item());
    const ms = performance.now() - t0;
    // the first step of a run also traces and compiles; the mean leaves it out
    if (s > start || until - start === 1) totalMs += ms;
    params = p;
    optState = st;
    history.train.push({ step: s + 1, loss: lossValue });
    if (!Number.isFinite(lossValue)) throw new Error(`train: the loss is ${lossValue} at step ${s + 1}; lower the learning rate.`);
    progress.step(s + 1, ms, lossValue, Number(schedule(jnp.array(s, { dtype: "int32" })).item()));
    if ((s + 1) % o.evalEvery === 0 || s + 1 === until) evaluate(s + 1);
  }
  progress.done();
  return { params, history, msPerStep: totalMs / Math.max(until - start - 1, 1) };
}
