// Applying updates to parameters (optax.apply_updates).
import type { JaxArray } from "../core/array.js";
import * as jnp from "../numpy/index.js";
import { zipMap } from "./tree_math.js";

/** params + updates, leaf by leaf, each result cast back to its parameter's dtype. */
export function applyUpdates<P>(params: P, updates: unknown): P {
  return zipMap("applyUpdates", { params, updates }, (p: JaxArray, u: JaxArray) => jnp.add(p, u).astype(p.dtype));
}
