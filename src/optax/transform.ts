// The gradient-transformation abstraction (optax.GradientTransformation): a pair of pure
// functions, init(params) -> state and update(updates, state, params?) -> [updates, state],
// whose states are pytrees of arrays. Because nothing is hidden in closures' mutable
// variables, a whole training step, optimizer included, can run under jit, and
// transformations compose with chain.
import type { ArrayLike, JaxArray } from "../core/array.js";
import { structure } from "../core/tree.js";

/** A pytree: arrays nested in JS arrays and plain objects (null is an empty node, like None). */
export type PyTree = unknown;

/** An optimizer state: a pytree of arrays (so it can cross a jit boundary). */
export type OptState = unknown;

/** A schedule maps the int32 step count (the count before it is incremented) to a value. */
export type Schedule = (count: ArrayLike) => JaxArray;

/** A constant (JS number or array) or a schedule evaluated at each step's count. */
export type ScalarOrSchedule = number | JaxArray | ((count: JaxArray) => ArrayLike);

/**
 * optax.GradientTransformation. `update` returns updates with the structure of the
 * updates it was given, and the next state; it never mutates its inputs.
 */
export interface GradientTransformation<S = OptState> {
  init(params: PyTree): S;
  update<U>(updates: U, state: S, params?: PyTree): [U, S];
}

/** The state of a stateless transformation (Optax's EmptyState()). */
export type EmptyState = Record<string, never>;

export const NO_PARAMS_MSG = "this transformation needs the current parameters: call update(updates, state, params).";

/** The transformation that leaves updates unchanged (optax.identity). */
export function identity(): GradientTransformation<EmptyState> {
  return {
    init: () => ({}),
    update: (updates, state) => [updates, state],
  };
}

type StatesOf<T extends readonly GradientTransformation<any>[]> = {
  -readonly [K in keyof T]: T[K] extends GradientTransformation<infer S> ? S : never;
};

/**
 * Applies transformations in sequence (optax.chain): each one's output updates feed the
 * next. The state is a JS array holding one state per transformation.
 */
export function chain<T extends readonly GradientTransformation<any>[]>(...txs: T): GradientTransformation<StatesOf<T>> {
  return {
    init(params) {
      return txs.map((tx) => tx.init(params)) as StatesOf<T>;
    },
    update(updates, state, params) {
      if (!Array.isArray(state) || state.length !== txs.length) {
        const got = Array.isArray(state) ? `a JS array of ${state.length} states` : `${structure(state)}`;
        throw new Error(
          `optax.chain: update expects the state returned by this chain's init (a JS array of ${txs.length} states), got ${got}. ` +
            "Call init(params) on the same optimizer first.",
        );
      }
      if (params !== undefined && params !== null) checkSameStructure("chain", { updates, params });
      let u: unknown = updates;
      const next = txs.map((tx, i) => {
        const [nu, ns] = tx.update(u, state[i], params);
        u = nu;
        return ns;
      });
      return [u as typeof updates, next as StatesOf<T>];
    },
  };
}

/**
 * Throws when the named pytrees do not all have the first one's structure; the message
 * shows each structure so the mismatch is visible.
 */
export function checkSameStructure(op: string, trees: Record<string, unknown>): void {
  const names = Object.keys(trees);
  const first = names[0]!;
  const ref = structure(trees[first]);
  for (const name of names.slice(1)) {
    const def = structure(trees[name]);
    if (!def.equals(ref)) {
      const width = Math.max(first.length, name.length) + 1;
      throw new Error(
        `optax.${op}: ${first} and ${name} have different pytree structures:\n` +
          `  ${`${first}:`.padEnd(width)} ${ref}\n` +
          `  ${`${name}:`.padEnd(width)} ${def}\n` +
          "Parameters, gradients and optimizer state must share one structure: build the state with init(params) " +
          "for the same parameter pytree whose gradients you pass to update.",
      );
    }
  }
}
