// Pytree arithmetic shared by the transformations (optax.tree): leafwise maps that check
// structures, moment updates, bias correction and the global norm.
import { type ArrayLike, JaxArray } from "../core/array.js";
import type { DType } from "../core/dtype.js";
import { flatten, unflatten } from "../core/tree.js";
import * as jnp from "../numpy/index.js";
import { checkSameStructure, type PyTree } from "./transform.js";

/**
 * Maps `f` over the leaves of the named pytrees, which must share the first one's
 * structure (the error names and shows both structures). Returns a tree shaped like the first.
 */
export function zipMap(op: string, trees: Record<string, unknown>, f: (...leaves: JaxArray[]) => unknown): any {
  checkSameStructure(op, trees);
  const flat = Object.values(trees).map((t) => flatten(t)[0] as JaxArray[]);
  const def = flatten(Object.values(trees)[0])[1];
  return unflatten(
    def,
    flat[0]!.map((_, i) => f(...flat.map((ls) => ls[i]!))),
  );
}

function arrayLeaf(op: string, x: unknown, i: number): JaxArray {
  if (x instanceof JaxArray) return x;
  throw new TypeError(
    `optax.${op}: every parameter leaf must be an array, but leaf ${i} is ${x === null ? "null" : typeof x}. ` +
      "Wrap numbers with jnp.array(x) so that their dtype (float32) is explicit.",
  );
}

/** A tree like `tree` with every leaf replaced by a full array of `value` (dtype of the leaf unless given). */
export function fullLike(op: string, tree: PyTree, value: number, dtype?: DType): any {
  const [leaves, def] = flatten(tree);
  return unflatten(
    def,
    leaves.map((l, i) => jnp.fullLike(arrayLeaf(op, l, i), value, dtype ? { dtype } : {})),
  );
}

export function zerosLike(op: string, tree: PyTree, dtype?: DType): any {
  return fullLike(op, tree, 0, dtype);
}

/** An int32 scalar zero: every step count in an optimizer state. */
export function zeroCount(): JaxArray {
  return jnp.zeros([], { dtype: "int32" });
}

/** count + 1, saturating at the dtype's maximum instead of wrapping (optax safe_increment). */
export function safeIncrement(count: JaxArray): JaxArray {
  const max = 2 ** 31 - 1;
  if (count.dtype !== "int32") throw new TypeError(`optax: step counts are int32 arrays, got ${count.dtype}.`);
  return jnp.where(count.lt(max), count.add(1), max);
}

/** The exponential moving average of updates**order: (1 - decay) * g**order + decay * moment. */
export function updateMoment(op: string, what: string, updates: PyTree, moments: PyTree, decay: ArrayLike, order: number): any {
  return zipMap(op, { updates, [what]: moments }, (g, t) =>
    jnp.add(jnp.multiply(oneMinus(decay), jnp.power(g, order)), jnp.multiply(decay, t)),
  );
}

/** 1 - x for a JS number (computed in double, as Python does) or an array. */
export function oneMinus(x: ArrayLike): ArrayLike {
  return typeof x === "number" ? 1 - x : jnp.subtract(1, x);
}

/** moment / (1 - decay**count), the division done in each leaf's dtype. */
export function biasCorrection(moment: PyTree, decay: ArrayLike, count: JaxArray): any {
  const correction = jnp.subtract(1, jnp.power(decay, count));
  const [leaves, def] = flatten(moment);
  return unflatten(
    def,
    (leaves as JaxArray[]).map((t) => t.div(correction.astype(t.dtype))),
  );
}

/** Sum of the leaves' sums of squares, accumulated left to right from 0 (optax.tree.norm squared). */
function sumOfSquares(tree: PyTree): JaxArray {
  const leaves = flatten(tree)[0] as JaxArray[];
  let total: JaxArray | number = 0;
  for (const l of leaves) total = jnp.add(total, jnp.sum(jnp.square(l)));
  return jnp.asarray(total);
}

/** The L2 norm of all leaves together, sqrt(sum of every element squared) (optax.global_norm). */
export function globalNorm(tree: PyTree): JaxArray {
  return jnp.sqrt(sumOfSquares(tree));
}
