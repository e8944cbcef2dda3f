// jax.random: counter-based pseudo-random numbers (threefry2x32), bit-compatible with JAX.
//
// Keys are explicit values: `const k = random.key(0); const [k1, k2] = ...` from
// `random.split(k)`. Samplers are built from lax primitives, the threefry2x32 primitive and
// (for the rejection samplers gamma and poisson) one primitive each, so they work under
// jit, vmap and grad like any other function.
export { exponential, type GumbelOpts, gumbel, laplace, logistic } from "./continuous.js";
export {
  type BernoulliOpts,
  bernoulli,
  type CategoricalOpts,
  type ChoiceOpts,
  categorical,
  choice,
  type PermutationOpts,
  permutation,
  type RandintOpts,
  randint,
} from "./discrete.js";
export { beta, dirichlet, type GammaOpts, gamma, loggamma } from "./gamma.js";
export { foldIn, key, PRNGKey, split } from "./keys.js";
export { type DTypeOpts, type MultivariateNormalOpts, multivariateNormal, normal, truncatedNormal } from "./normal.js";
export { type PoissonOpts, poisson } from "./poisson.js";
export { type BitsOpts, bits, type UniformOpts, uniform } from "./uniform.js";
