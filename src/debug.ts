// jax.debug: printing values from inside jit, vmap and grad.
import { formatBody } from "./core/format.js";
import { unflatten } from "./core/tree.js";
import { debugCallback } from "./primitives/debug_callback.js";
import { flattenArrays } from "./transforms/args.js";

/**
 * debug.print("x = {}, y = {y}", x, {y}): formats like Python's str.format with positional
 * `{}`/`{0}` fields and named fields from a trailing plain object; prints the concrete
 * values when the program runs (also inside jit).
 */
export function print(fmt: string, ...args: unknown[]): void {
  const last = args[args.length - 1];
  const named = last !== null && typeof last === "object" && Object.getPrototypeOf(last) === Object.prototype && /\{[A-Za-z_]/.test(fmt);
  const positional = named ? args.slice(0, -1) : args;
  const tree = [positional, named ? last : {}];
  const [leaves, def] = flattenArrays("debug.print", tree, false, "every value");
  debugCallback((vals) => {
    const [pos, kw] = unflatten(def, vals) as [unknown[], Record<string, unknown>];
    let auto = 0;
    const show = (v: unknown) => (v && typeof v === "object" && "values" in v ? formatBody(v as never) : String(v));
    const text = fmt.replace(/\{([^{}]*)\}/g, (_m, key: string) => {
      if (key === "") return show(pos[auto++]);
      if (/^\d+$/.test(key)) return show(pos[Number(key)]);
      return show(kw[key]);
    });
    console.log(text);
  }, leaves);
}
