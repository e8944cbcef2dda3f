// The optimizers (optax aliases): each is a chain of building blocks ending in
// scaleByLearningRate, with Optax's update rules and default hyperparameters. The learning
// rate is positional; every other hyperparameter goes in the options object.

import { ema, trace } from "./accumulation.js";
import { addDecayedWeights } from "./adding.js";
import { clipByBlockRms } from "./clipping.js";
import type { Mask } from "./masking.js";
import { scale, scaleByLearningRate } from "./scale.js";
import { scaleByAdadelta } from "./scale_by_adadelta.js";
import { type ScaleByAdamOpts, scaleByAdam } from "./scale_by_adam.js";
import { scaleByFactoredRms } from "./scale_by_factored_rms.js";
import { scaleByLion } from "./scale_by_lion.js";
import { scaleByParamBlockRms, scaleByTrustRatio } from "./scale_by_param_norm.js";
import { type ScaleByRadamOpts, scaleByRadam } from "./scale_by_radam.js";
import { type ScaleByRmsOpts, scaleByRms, scaleByStddev } from "./scale_by_rms.js";
import { type ScaleByRssOpts, scaleByRss } from "./scale_by_rss.js";
import { chain, type GradientTransformation, identity, type ScalarOrSchedule } from "./transform.js";

export interface SgdOpts {
  /** Momentum decay; none by default (plain SGD). */
  momentum?: number | null;
  /** Nesterov momentum (default false). */
  nesterov?: boolean;
}

/** Stochastic gradient descent, optionally with (Nesterov) momentum: -lr * trace(g). */
export function sgd(learningRate: ScalarOrSchedule, opts: SgdOpts = {}): GradientTransformation {
  const { momentum = null, nesterov = false } = opts;
  return chain(momentum === null ? identity() : trace(momentum, { nesterov }), scaleByLearningRate(learningRate));
}

/** Adam (Kingma & Ba): b1 0.9, b2 0.999, eps 1e-8, epsRoot 0; `nesterov` gives NAdam. */
export function adam(learningRate: ScalarOrSchedule, opts: ScaleByAdamOpts = {}): GradientTransformation {
  return chain(scaleByAdam(opts), scaleByLearningRate(learningRate));
}

/** NAdam: Adam with Nesterov momentum. */
export function nadam(learningRate: ScalarOrSchedule, opts: Omit<ScaleByAdamOpts, "nesterov"> = {}): GradientTransformation {
  return adam(learningRate, { ...opts, nesterov: true });
}

export interface AdamwOpts extends ScaleByAdamOpts {
  /** Decoupled weight decay, multiplied by the learning rate (default 1e-4). */
  weightDecay?: ScalarOrSchedule;
  /** Which parameters decay (default all). */
  mask?: Mask;
}

/** Adam with decoupled weight decay (Loshchilov & Hutter): -lr * (adam(g) + weightDecay * param). */
export function adamw(learningRate: ScalarOrSchedule, opts: AdamwOpts = {}): GradientTransformation {
  const { weightDecay = 1e-4, mask, ...adamOpts } = opts;
  return chain(scaleByAdam(adamOpts), addDecayedWeights(weightDecay, { mask }), scaleByLearningRate(learningRate));
}

/** AdamW with Nesterov momentum. */
export function nadamw(learningRate: ScalarOrSchedule, opts: Omit<AdamwOpts, "nesterov"> = {}): GradientTransformation {
  return adamw(learningRate, { ...opts, nesterov: true });
}

export interface RmspropOpts extends ScaleByRmsOpts {
  /** Divide by the estimated standard deviation instead of the RMS (default false). */
  centered?: boolean;
  /** Momentum applied after the learning rate; none by default. */
  momentum?: number | null;
  /** Nesterov momentum (default false). */
  nesterov?: boolean;
}

/** RMSProp (Hinton): decay 0.9, eps 1e-8 added inside the square root, initialScale 0. */
export function rmsprop(learningRate: ScalarOrSchedule, opts: RmspropOpts = {}): GradientTransformation {
  const { centered = false, momentum = null, nesterov = false, ...rmsOpts } = opts;
  return chain(
    centered ? scaleByStddev(rmsOpts) : scaleByRms(rmsOpts),
    scaleByLearningRate(learningRate),
    momentum === null ? identity() : trace(momentum, { nesterov }),
  );
}

/** Adagrad (Duchi et al.): initialAccumulatorValue 0.1, eps 1e-7. */
export function adagrad(learningRate: ScalarOrSchedule, opts: ScaleByRssOpts = {}): GradientTransformation {
  return chain(scaleByRss(opts), scaleByLearningRate(learningRate));
}

export interface AdadeltaOpts {
  rho?: number;
  eps?: number;
  weightDecay?: ScalarOrSchedule;
  weightDecayMask?: Mask;
}

/**
 * Adadelta (Zeiler): rho 0.9, eps 1e-6. As in Optax, a null learning rate (the default)
 * applies no learning-rate scaling at all, sign flip included: pass one (1.0 is usual) to descend.
 */
export function adadelta(learningRate: ScalarOrSchedule | null = null, opts: AdadeltaOpts = {}): GradientTransformation {
  const { weightDecay = 0, weightDecayMask, rho, eps } = opts;
  return chain(addDecayedWeights(weightDecay, { mask: weightDecayMask }), scaleByAdadelta({ rho, eps }), scaleByLearningRate(learningRate));
}

export interface AdafactorOpts {
  /** Factor the second moments of matrices whose two largest axes are at least this (default 128). */
  minDimSizeToFactor?: number;
  /** Exponent of the second-moment decay 1 - (t + 1)**(-decayRate) (default 0.8). */
  decayRate?: number;
  /** Step offset of that decay, for fine-tuning (default 0). */
  decayOffset?: number;
  /** Scale steps by each parameter block's RMS (default true). */
  multiplyByParameterScale?: boolean;
  /** Clip each block's update RMS to this; null disables (default 1). */
  clippingThreshold?: number | null;
  /** EMA momentum on the updates; none by default. */
  momentum?: number | null;
  /** Weight decay added after the learning rate; none by default. */
  weightDecayRate?: ScalarOrSchedule | null;
  /** Added to the squared gradients (default 1e-30). */
  eps?: number;
  /** Factor second moments at all (default true). */
  factored?: boolean;
  weightDecayMask?: Mask;
}

/**
 * Adafactor (Shazeer & Stern). Without a learning rate (the default) the step size is the
 * parameter scale alone (multiplyByParameterScale).
 */
export function adafactor(learningRate: ScalarOrSchedule | null = null, opts: AdafactorOpts = {}): GradientTransformation {
  const {
    minDimSizeToFactor = 128,
    decayRate = 0.8,
    decayOffset = 0,
    multiplyByParameterScale = true,
    clippingThreshold = 1,
    momentum = null,
    weightDecayRate = null,
    eps = 1e-30,
    factored = true,
    weightDecayMask,
  } = opts;
  const txs: GradientTransformation<any>[] = [
    scaleByFactoredRms({ factored, decayRate, stepOffset: decayOffset, minDimSizeToFactor, epsilon: eps }),
  ];
  if (clippingThreshold !== null) txs.push(clipByBlockRms(clippingThreshold));
  if (learningRate !== null) txs.push(scaleByLearningRate(learningRate, { flipSign: false }));
  if (multiplyByParameterScale) txs.push(scaleByParamBlockRms());
  if (momentum !== null) txs.push(ema(momentum, { debias: false }));
  if (weightDecayRate !== null) txs.push(addDecayedWeights(weightDecayRate, { mask: weightDecayMask }));
  // descend: the sign is flipped last
  txs.push(scale(-1));
  return chain(...txs);
}

export interface LionOpts {
  b1?: number;
  b2?: number;
  /** Decoupled weight decay (default 1e-3). */
  weightDecay?: ScalarOrSchedule;
  mask?: Mask;
}

/** Lion (Chen et al.): sign updates; b1 0.9, b2 0.99, weightDecay 1e-3. Use a 3-10x smaller learning rate than AdamW. */
export function lion(learningRate: ScalarOrSchedule, opts: LionOpts = {}): GradientTransformation {
  const { b1, b2, weightDecay = 1e-3, mask } = opts;
  return chain(scaleByLion({ b1, b2 }), addDecayedWeights(weightDecay, { mask }), scaleByLearningRate(learningRate));
}

export interface LambOpts {
  b1?: number;
  b2?: number;
  /** Default 1e-6. */
  eps?: number;
  epsRoot?: number;
  /** Default 0. */
  weightDecay?: ScalarOrSchedule;
  mask?: Mask;
}

/** LAMB (You et al.): Adam plus weight decay, rescaled per block by the trust ratio ||param|| / ||update||. */
export function lamb(learningRate: ScalarOrSchedule, opts: LambOpts = {}): GradientTransformation {
  const { b1, b2, eps = 1e-6, epsRoot, weightDecay = 0, mask } = opts;
  return chain(
    scaleByAdam({ b1, b2, eps, epsRoot }),
    addDecayedWeights(weightDecay, { mask }),
    scaleByTrustRatio(),
    scaleByLearningRate(learningRate),
  );
}

/** RAdam (Liu et al.): Adam with rectified variance; momentum SGD while rho < threshold (default 5). */
export function radam(learningRate: ScalarOrSchedule, opts: ScaleByRadamOpts = {}): GradientTransformation {
  return chain(scaleByRadam(opts), scaleByLearningRate(learningRate));
}
