// Adagrad's rescaling (optax.scale_by_rss): divide by the root of the running sum of squares.
import * as jnp from "../numpy/index.js";
import { rsqrt } from "../primitives/elementwise.js";
import type { GradientTransformation, PyTree } from "./transform.js";
import { fullLike, zipMap } from "./tree_math.js";

export interface ScaleByRssState {
  sumOfSquares: PyTree;
}

export interface ScaleByRssOpts {
  /** Starting value of the sum of squares (default 0.1). */
  initialAccumulatorValue?: number;
  /** Added inside the square root (default 1e-7). */
  eps?: number;
}

/** updates / sqrt(sum of squared updates so far + eps); 0 where that sum is 0. */
export function scaleByRss(opts: ScaleByRssOpts = {}): GradientTransformation<ScaleByRssState> {
  const initial = opts.initialAccumulatorValue ?? 0.1;
  const eps = opts.eps ?? 1e-7;
  return {
    init: (params) => ({ sumOfSquares: fullLike("scaleByRss", params, initial) }),
    update(updates, state) {
      const sumOfSquares = zipMap("scaleByRss", { updates, "state.sumOfSquares": state.sumOfSquares }, (g, t) =>
        jnp.add(jnp.multiply(g, g), t),
      );
      const out = zipMap("scaleByRss", { sumOfSquares, updates }, (t, g) => jnp.multiply(jnp.where(t.gt(0), rsqrt(jnp.add(t, eps)), 0), g));
      return [out, { sumOfSquares }];
    },
  };
}
