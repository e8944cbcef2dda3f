// Applying a transformation to some parameters only (optax.masked). The masked-out
// leaves are replaced by null (an empty pytree node, Optax's MaskedNode) before the inner
// transformation sees them, so it keeps no state for them; their updates pass through
// unchanged.
import { broadcastPrefix, flatten, unflatten } from "../core/tree.js";
import type { GradientTransformation, OptState, PyTree } from "./transform.js";

/** A pytree (or tree prefix) of booleans shaped like the params, or a function of the params returning one. */
export type Mask = PyTree | ((params: PyTree) => PyTree);

export interface MaskedState {
  innerState: OptState;
}

function leafMask(mask: Mask, tree: PyTree): boolean[] {
  const m = typeof mask === "function" ? (mask as (p: PyTree) => PyTree)(tree) : mask;
  const flags = broadcastPrefix(m, tree, "optax.masked (the mask must be a pytree of booleans matching the params)");
  return flags.map((f, i) => {
    if (typeof f !== "boolean") throw new TypeError(`optax.masked: mask entries must be booleans, got ${JSON.stringify(f)} for leaf ${i}.`);
    return f;
  });
}

/** `tree` with the leaves whose flag is false replaced by null. */
function keepMasked(tree: PyTree, flags: boolean[]): PyTree {
  const [leaves, def] = flatten(tree);
  return unflatten(
    def,
    leaves.map((l, i) => (flags[i] ? l : null)),
  );
}

export function masked<S>(inner: GradientTransformation<S>, mask: Mask): GradientTransformation<MaskedState> {
  return {
    init(params) {
      return { innerState: inner.init(keepMasked(params, leafMask(mask, params))) };
    },
    update(updates, state, params) {
      const flags = leafMask(mask, updates);
      const maskedParams = params === undefined || params === null ? params : keepMasked(params, flags);
      const [newMasked, innerState] = inner.update(keepMasked(updates, flags), state.innerState as S, maskedParams);
      // Read both trees with null as a leaf so that positions line up: a null in `updates`
      // itself (an empty node) stays null; real leaves take the inner update where unmasked.
      const isNull = (x: unknown) => x === null;
      const [oldLeaves, def] = flatten(updates, isNull);
      const newLeaves = flatten(newMasked, isNull)[0];
      let leaf = 0;
      const merged = oldLeaves.map((old, i) => (old === null ? null : flags[leaf++] ? newLeaves[i] : old));
      return [unflatten(def, merged), { innerState }];
    },
  };
}
