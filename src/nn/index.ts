// jax.nn for TypeScript: activations, softmax and friends, attention, one-hot encoding,
// standardization, and parameter initializers (nn.initializers).
export * from "./activations.js";
export { type DotProductAttentionOpts, dotProductAttention } from "./attention.js";
export * as initializers from "./initializers.js";
export { type OneHotOpts, oneHot } from "./one_hot.js";
export { type LogsumexpOpts, logmeanexp, logSoftmax, logsumexp, softmax, type WhereOpts } from "./softmax.js";
export { type StandardizeOpts, standardize } from "./standardize.js";
