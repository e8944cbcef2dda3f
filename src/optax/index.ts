// jaxts/optax: gradient processing and optimization, a port of Optax. A training step:
//   const [updates, state2] = opt.update(grads, state, params);
//   params = optax.applyUpdates(params, updates);
// States are pytrees of arrays, so the whole step (optimizer included) runs under jit.

export { type EmaOpts, type EmaState, ema, type TraceOpts, type TraceState, trace } from "./accumulation.js";
export { type AddDecayedWeightsOpts, addDecayedWeights, type WeightDecayScheduleState } from "./adding.js";
export { clip, clipByBlockRms, clipByGlobalNorm } from "./clipping.js";
export { flatten } from "./layouts.js";
export {
  type HuberLossOpts,
  huberLoss,
  l2Loss,
  type SoftmaxCrossEntropyOpts,
  sigmoidBinaryCrossEntropy,
  softmaxCrossEntropy,
  softmaxCrossEntropyWithIntegerLabels,
  squaredError,
} from "./losses.js";
export { type Mask, type MaskedState, masked } from "./masking.js";
export { type MultiSteps, type MultiStepsOpts, type MultiStepsState, multiSteps } from "./multi_steps.js";
export {
  type AdadeltaOpts,
  type AdafactorOpts,
  type AdamwOpts,
  adadelta,
  adafactor,
  adagrad,
  adam,
  adamw,
  type LambOpts,
  type LionOpts,
  lamb,
  lion,
  nadam,
  nadamw,
  type RmspropOpts,
  radam,
  rmsprop,
  type SgdOpts,
  sgd,
} from "./optimizers.js";
export { type ScaleByLearningRateOpts, type ScaleByScheduleState, scale, scaleByLearningRate, scaleBySchedule } from "./scale.js";
export { type ScaleByAdadeltaOpts, type ScaleByAdadeltaState, scaleByAdadelta } from "./scale_by_adadelta.js";
export { type ScaleByAdamOpts, type ScaleByAdamState, scaleByAdam } from "./scale_by_adam.js";
export { type FactoredState, type ScaleByFactoredRmsOpts, scaleByFactoredRms } from "./scale_by_factored_rms.js";
export { type ScaleByLionOpts, type ScaleByLionState, scaleByLion } from "./scale_by_lion.js";
export { type ScaleByTrustRatioOpts, scaleByParamBlockRms, scaleByTrustRatio } from "./scale_by_param_norm.js";
export { type ScaleByRadamOpts, scaleByRadam } from "./scale_by_radam.js";
export { type ScaleByRmsOpts, type ScaleByRmsState, type ScaleByStddevState, scaleByRms, scaleByStddev } from "./scale_by_rms.js";
export { type ScaleByRssOpts, type ScaleByRssState, scaleByRss } from "./scale_by_rss.js";
export {
  type CosineDecayScheduleOpts,
  constantSchedule,
  cosineDecaySchedule,
  type ExponentialDecayOpts,
  exponentialDecay,
  type JoinSchedulesOpts,
  joinSchedules,
  type LinearScheduleOpts,
  linearSchedule,
  type PiecewiseConstantScheduleOpts,
  type PolynomialScheduleOpts,
  piecewiseConstantSchedule,
  polynomialSchedule,
  type WarmupCosineDecayScheduleOpts,
  warmupCosineDecaySchedule,
} from "./schedules.js";
export {
  chain,
  type EmptyState,
  type GradientTransformation,
  identity,
  type OptState,
  type PyTree,
  type ScalarOrSchedule,
  type Schedule,
} from "./transform.js";
export { globalNorm } from "./tree_math.js";
export { applyUpdates } from "./update.js";
