// Turning user inputs into arrays, and JAX's implicit promotion and broadcasting.
import { ArrayImpl, type ArrayLike, JaxArray, type NestedArray, type NumericList, writeValues } from "../core/array.js";
import { checkDType, type DType, isFloat, resultType, toInexact, typedArrayFor } from "../core/dtype.js";
import { broadcastShapes, fmtShape, shapeEq } from "../core/shape.js";
import { convertElementType, convertElementTypeP } from "../primitives/elementwise.js";
import { broadcastInDim } from "../primitives/shape_ops.js";

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/** A JS number as a weak-typed scalar: integer values are weak int32, others weak float32. */
export function weakScalar(v: number): ArrayImpl {
  const isInt = Number.isInteger(v) && v >= INT32_MIN && v <= INT32_MAX;
  return ArrayImpl.scalar(v, isInt ? "int32" : "float32", true);
}

const WEAK_INT: { dtype: DType; weakType: boolean; shape: number[] } = { dtype: "int32", weakType: true, shape: [] };
const WEAK_FLOAT: { dtype: DType; weakType: boolean; shape: number[] } = { dtype: "float32", weakType: true, shape: [] };
/** The dtype, weak type and shape weakScalar(v) would have. */
function weakTyped(v: number): { dtype: DType; weakType: boolean; shape: number[] } {
  return Number.isInteger(v) && v >= INT32_MIN && v <= INT32_MAX ? WEAK_INT : WEAK_FLOAT;
}

/** Converts any ArrayLike into an array; nested JS arrays become float32 (or bool) arrays. */
export function asJax(x: ArrayLike, op = "jnp"): JaxArray {
  if (x instanceof JaxArray) return x;
  if (typeof x === "number") return weakScalar(x);
  if (typeof x === "boolean") return ArrayImpl.scalar(x ? 1 : 0, "bool");
  if (Array.isArray(x) || ArrayBuffer.isView(x)) return fromNested(x as NestedArray, undefined, op);
  throw new TypeError(`${op}: expected an array, a number, a boolean or nested JS arrays of them; got ${describe(x)}.`);
}

export function describe(x: unknown): string {
  if (x === null) return "null";
  if (typeof x === "object") return (x as object).constructor?.name ?? "object";
  return `${typeof x} ${String(x)}`;
}

/** jnp.array of nested JS arrays or a typed array; float32 by default (bool if all booleans). */
export function fromNested(x: NestedArray | ArrayBufferView, dtype: DType | undefined, op = "array"): ArrayImpl {
  if (ArrayBuffer.isView(x)) {
    const src = x as unknown as NumericList;
    const dt = dtype ?? dtypeOfTyped(x);
    const out = typedArrayFor(dt, src.length);
    writeValues(out, dt, src);
    return ArrayImpl.of(out, [out.length], dt);
  }
  const shape: number[] = [];
  let probe: unknown = x;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    probe = probe[0];
  }
  const flat: number[] = [];
  let allBool = true;
  let any = false;
  const walk = (v: unknown, depth: number, path: string): void => {
    if (depth === shape.length) {
      if (typeof v === "number") allBool = false;
      else if (typeof v === "boolean") {
        /* keeps allBool */
      } else if (v instanceof JaxArray && v.ndim === 0) {
        allBool = false;
        flat.push(Number(v.item()));
        any = true;
        return;
      } else {
        throw new TypeError(`${op}: expected a number or boolean at ${path}, got ${describe(v)}.`);
      }
      flat.push(Number(v));
      any = true;
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[depth]) {
      throw new Error(
        `${op}: ragged nested array: the entry at ${path} has ${Array.isArray(v) ? `length ${v.length}` : "no length"} ` +
          `but entries at this depth should have length ${shape[depth]} (shape so far ${fmtShape(shape)}). Every row must have the same length.`,
      );
    }
    v.forEach((c, i) => walk(c, depth + 1, `${path}[${i}]`));
  };
  walk(x, 0, "");
  const dt = dtype ?? (allBool && any ? "bool" : "float32");
  const out = typedArrayFor(dt, flat.length);
  writeValues(out, dt, flat);
  return ArrayImpl.of(out, shape, dt);
}

function dtypeOfTyped(x: ArrayBufferView): DType {
  if (x instanceof Float64Array) return "float64";
  if (x instanceof Int32Array) return "int32";
  if (x instanceof Uint32Array) return "uint32";
  if (x instanceof Int16Array) return "int16";
  if (x instanceof Uint16Array) return "uint16";
  if (x instanceof Int8Array) return "int8";
  if (x instanceof Uint8Array) return "uint8";
  return "float32";
}

/** Converts to `dtype` (keeping or setting weak type). */
export function castTo(x: JaxArray, dtype: DType, weak = false): JaxArray {
  if (x.dtype === dtype && x.weakType === weak) return x;
  // A concrete scalar (a JS number, say) converts right away, even while tracing, so
  // staged programs hold the literal 2.0:f32[] rather than a conversion of 2:i32[].
  if (x instanceof ArrayImpl && x.ndim === 0) return convertElementTypeP.impl([x], { newDtype: dtype, weakType: weak })[0]!;
  return convertElementType(x, dtype, weak);
}

export function broadcastTo(x: JaxArray, shape: readonly number[], op = "broadcastTo"): JaxArray {
  const out = broadcastShapes(op, x.shape, shape);
  if (out.length !== shape.length || out.some((d, i) => d !== shape[i])) {
    throw new Error(`${op}: cannot broadcast shape ${fmtShape(x.shape)} to ${fmtShape(shape)}.`);
  }
  const lead = shape.length - x.ndim;
  return broadcastInDim(
    x,
    shape,
    x.shape.map((_, i) => i + lead),
  );
}

/** jnp's implicit promotion: common dtype (JAX lattice) and common (numpy-broadcast) shape. */
export interface PromoteOpts {
  /** Promote to a float dtype (true division, sin of ints). */
  inexact?: boolean;
  /** Leave rank-0 operands unbroadcast: elementwise primitives broadcast scalars themselves. */
  keepScalars?: boolean;
}

export function promoteArgs(op: string, xs: ArrayLike[], opts: PromoteOpts = {}): JaxArray[] {
  // Fast path for the common case: two arrays that already agree.
  if (xs.length === 2) {
    const [a, b] = xs;
    if (a instanceof JaxArray && b instanceof JaxArray) {
      const p = a.aval;
      const q = b.aval;
      const agree = p.dtype === q.dtype && p.weakType === q.weakType && !(p.weakType && p.dtype === "bool");
      if (agree && shapeEq(p.shape, q.shape) && (!opts.inexact || isFloat(p.dtype))) return [a, b];
    }
  }
  // a JS number takes part in promotion as a weak scalar; no array is built for it here
  const arrs = xs.map((x) => (typeof x === "number" ? weakTyped(x) : asJax(x, op)));
  let [dt, weak] = resultType(arrs);
  if (opts.inexact && !isFloat(dt)) dt = toInexact(dt);
  const shape = broadcastShapes(op, ...arrs.map((a) => a.shape));
  // JS numbers become scalars of the result dtype directly from their double value, so
  // float64 arithmetic with 0.1 sees 0.1, not 0.1 rounded to float32 first.
  return arrs.map((a, i) => {
    const x = xs[i];
    const c = typeof x === "number" ? ArrayImpl.scalar(x, dt, weak) : castTo(a as JaxArray, dt, weak);
    return (opts.keepScalars && c.ndim === 0) || shapeEq(c.shape, shape) ? c : broadcastTo(c, shape, op);
  });
}

/** For unary functions on floats (jnp.sin(int) is float32). */
export function promoteInexact(op: string, x: ArrayLike): JaxArray {
  const a = asJax(x, op);
  if (isFloat(a.dtype)) return a;
  return typeof x === "number" ? ArrayImpl.scalar(x, "float32", true) : castTo(a, toInexact(a.dtype), a.weakType);
}

export function dtypeArg(op: string, d: unknown): DType | undefined {
  return d === undefined || d === null ? undefined : checkDType(op, d);
}
