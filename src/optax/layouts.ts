// optax.flatten: the inner transformation sees every parameter as one long vector. For
// elementwise optimizers (Adam, RMSProp, ...) the result is the same, and a compiled step
// then runs each of their operations once over all parameters instead of once per
// parameter array: far fewer, larger kernels (what a model with many small arrays wants).
import type { JaxArray } from "../core/array.js";
import { flatten as treeFlatten, unflatten } from "../core/tree.js";
import { concatenate, reshape } from "../numpy/manipulation.js";
import type { GradientTransformation, OptState, PyTree } from "./transform.js";

/** Every array leaf of `tree`, raveled and concatenated into one vector. */
function ravelTree(op: string, tree: PyTree): JaxArray {
  const leaves = treeFlatten(tree)[0] as JaxArray[];
  if (leaves.length === 0) throw new Error(`${op}: the pytree has no arrays to flatten.`);
  return concatenate(
    leaves.map((l) => reshape(l, [-1])),
    0,
  );
}

/** The pieces of `flat` in the layout of `like`: leaf i takes the next like[i].size elements, reshaped. */
function unravelLike(like: PyTree, flat: JaxArray): PyTree {
  const [leaves, def] = treeFlatten(like);
  let at = 0;
  const pieces = (leaves as JaxArray[]).map((l) => {
    const piece = reshape(flat.get(`${at}:${at + l.size}`), l.shape);
    at += l.size;
    return piece;
  });
  return unflatten(def, pieces);
}

/** optax.flatten: runs `inner` on the parameters and updates raveled into one vector (its state holds vectors too). */
export function flatten<S = OptState>(inner: GradientTransformation<S>): GradientTransformation<S> {
  return {
    init: (params) => inner.init(ravelTree("optax.flatten", params)),
    update(updates, state, params) {
      const flatParams = params === undefined ? undefined : ravelTree("optax.flatten", params);
      const [flatUpdates, next] = inner.update(ravelTree("optax.flatten", updates), state, flatParams);
      return [unravelLike(updates, flatUpdates as JaxArray) as typeof updates, next];
    },
  };
}
