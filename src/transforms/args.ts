// Argument handling shared by the transformations: pytrees of arrays in and out.
import { ArrayImpl, JaxArray } from "../core/array.js";
import { flatten, type TreeDef } from "../core/tree.js";
import { weakScalar } from "../numpy/coerce.js";

export function normArgnums(op: string, argnums: number | readonly number[] | undefined, nargs: number): number[] {
  const list = argnums === undefined ? [0] : typeof argnums === "number" ? [argnums] : [...argnums];
  return list.map((a) => {
    const i = a < 0 ? a + nargs : a;
    if (!Number.isInteger(a) || i < 0 || i >= nargs) {
      throw new RangeError(`${op}: argnums ${a} is out of range for a call with ${nargs} positional argument${nargs === 1 ? "" : "s"}.`);
    }
    return i;
  });
}

/** A leaf as an array: JS numbers become weak float32 scalars when differentiated, weak scalars otherwise. */
export function leafToArray(op: string, x: unknown, asFloat: boolean, where: string): JaxArray {
  if (x instanceof JaxArray) return x;
  if (typeof x === "number") return asFloat ? ArrayImpl.scalar(x, "float32", true) : weakScalar(x);
  if (typeof x === "boolean") return ArrayImpl.scalar(x ? 1 : 0, "bool");
  throw new TypeError(
    `${op}: ${where} must be an array or a number, got ${x === null ? "null" : typeof x === "object" ? (x as object).constructor?.name : typeof x}.`,
  );
}

/** Flattens a pytree and converts every leaf to an array. */
export function flattenArrays(op: string, tree: unknown, asFloat: boolean, what: string): [JaxArray[], TreeDef] {
  const [leaves, def] = flatten(tree);
  return [leaves.map((l, i) => leafToArray(op, l, asFloat, `${what} (leaf ${i})`)), def];
}

/** Output leaves must be arrays (numbers are allowed and become weak scalars). */
export function flattenOutputs(op: string, out: unknown): [JaxArray[], TreeDef] {
  return flattenArrays(op, out, false, "every output leaf");
}
