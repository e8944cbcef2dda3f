// jnp's dtype queries: promoteTypes, resultType, canCast, iinfo, finfo, issubdtype, isdtype.
// Promotion follows JAX's lattice (src/core/dtype.ts) with x64 disabled; finfo/iinfo values
// are numpy's (ml_dtypes' for bfloat16).
import { JaxArray } from "../core/array.js";
import {
  checkDType,
  type DType,
  isFloat,
  isInteger,
  isUnsigned,
  promoteTypes as latticePromote,
  resultType as latticeResult,
} from "../core/dtype.js";
import { asJax } from "./coerce.js";

/** jnp.promote_types(a, b): the dtype both promote to (both taken as strongly typed). */
export function promoteTypes(a: DType, b: DType): DType {
  return latticePromote(checkDType("promoteTypes", a), false, checkDType("promoteTypes", b), false)[0];
}

/** jnp.result_type(...args): the dtype jnp arithmetic on the arguments (arrays, numbers or dtypes) gives. */
export function resultType(...args: (JaxArray | number | boolean | DType)[]): DType {
  const typed = args.map((a) =>
    typeof a === "string"
      ? { dtype: checkDType("resultType", a), weakType: false }
      : typeof a === "boolean"
        ? { dtype: "bool" as DType, weakType: false }
        : asJax(a, "resultType").aval,
  );
  return latticeResult(typed)[0];
}

/** numpy's kind order for same_kind casts: bool < unsigned < signed < float. */
function kindRank(d: DType): number {
  return d === "bool" ? 0 : isUnsigned(d) ? 1 : isInteger(d) ? 2 : 3;
}
function bits(d: DType): number {
  return d === "bool" ? 8 : Number(d.replace(/^\D+/, ""));
}
/** Mantissa bits (plus the implicit one) of a float type: the widest integer it holds exactly. */
function exactIntBits(d: DType): number {
  return { float16: 11, bfloat16: 8, float32: 24, float64: 53 }[d as "float16"] ?? 0;
}

function safeCast(from: DType, to: DType): boolean {
  if (from === to || from === "bool") return true;
  if (to === "bool") return false;
  if (isFloat(from)) {
    if (!isFloat(to)) return false;
    // float16 and bfloat16 do not hold each other
    if (from === "float16" || from === "bfloat16") return to === "float32" || to === "float64";
    return bits(to) > bits(from);
  }
  const n = bits(from);
  // every integer of `from` must be exact in `to`
  if (isFloat(to)) return exactIntBits(to) >= (isUnsigned(from) ? n : n - 1);
  if (isUnsigned(from)) return isUnsigned(to) ? bits(to) >= n : bits(to) > n;
  return !isUnsigned(to) && bits(to) >= n;
}

export type Casting = "no" | "equiv" | "safe" | "same_kind" | "unsafe";

/** jnp.can_cast(from, to, {casting="safe"}): numpy's casting rules between dtypes. */
export function canCast(from: DType | JaxArray, to: DType, opts: { casting?: Casting } = {}): boolean {
  const f = from instanceof JaxArray ? from.dtype : checkDType("canCast", from);
  const t = checkDType("canCast", to);
  switch (opts.casting ?? "safe") {
    case "no":
    case "equiv":
      return f === t;
    case "safe":
      return safeCast(f, t);
    case "same_kind":
      // ml_dtypes registers no same_kind cast from bfloat16 to float16
      if (f === "bfloat16" && t === "float16") return false;
      return safeCast(f, t) || kindRank(t) >= kindRank(f);
    case "unsafe":
      return true;
    default:
      throw new Error(`canCast: unknown casting ${JSON.stringify(opts.casting)}; expected "no", "equiv", "safe", "same_kind" or "unsafe".`);
  }
}

export interface IInfo {
  dtype: DType;
  bits: number;
  min: number;
  max: number;
}

/** jnp.iinfo(dtype): the range of an integer dtype. */
export function iinfo(dtype: DType | JaxArray): IInfo {
  const d = dtype instanceof JaxArray ? dtype.dtype : checkDType("iinfo", dtype);
  if (!isInteger(d)) throw new Error(`iinfo: ${d} is not an integer dtype; use finfo for floats.`);
  const b = bits(d);
  return isUnsigned(d)
    ? { dtype: d, bits: b, min: 0, max: 2 ** b - 1 }
    : { dtype: d, bits: b, min: -(2 ** (b - 1)), max: 2 ** (b - 1) - 1 };
}

export interface FInfo {
  dtype: DType;
  bits: number;
  /** Difference between 1 and the next larger float. */
  eps: number;
  /** Difference between 1 and the next smaller float. */
  epsneg: number;
  max: number;
  min: number;
  /** The smallest positive normal number (= smallestNormal). */
  tiny: number;
  smallestNormal: number;
  smallestSubnormal: number;
  /** 10 ** -precision. */
  resolution: number;
  /** Decimal digits of precision. */
  precision: number;
  nmant: number;
  nexp: number;
  machep: number;
  negep: number;
  minexp: number;
  maxexp: number;
}

const FLOATS: Record<string, [nmant: number, nexp: number, precision: number]> = {
  float16: [10, 5, 3],
  bfloat16: [7, 8, 2],
  float32: [23, 8, 6],
  float64: [52, 11, 15],
};

/** x rounded to the nearest float with nmant stored mantissa bits (numpy keeps resolution in the dtype). */
function roundToMantissa(x: number, nmant: number): number {
  const q = 2 ** (Math.floor(Math.log2(x)) - nmant);
  return Math.round(x / q) * q;
}

/** jnp.finfo(dtype): machine limits of a float dtype. */
export function finfo(dtype: DType | JaxArray): FInfo {
  const d = dtype instanceof JaxArray ? dtype.dtype : checkDType("finfo", dtype);
  const spec = FLOATS[d];
  if (!spec) throw new Error(`finfo: ${d} is not a floating dtype; use iinfo for integers.`);
  const [nmant, nexp, precision] = spec;
  const maxexp = 2 ** (nexp - 1);
  const minexp = 1 - (maxexp - 1);
  const max = (2 - 2 ** -nmant) * 2 ** (maxexp - 1);
  return {
    dtype: d,
    bits: nmant + nexp + 1,
    eps: 2 ** -nmant,
    epsneg: 2 ** -(nmant + 1),
    max,
    min: -max,
    tiny: 2 ** minexp,
    smallestNormal: 2 ** minexp,
    smallestSubnormal: 2 ** (minexp - nmant),
    resolution: roundToMantissa(10 ** -precision, nmant),
    precision,
    nmant,
    nexp,
    machep: -nmant,
    negep: -(nmant + 1),
    minexp,
    maxexp,
  };
}

export type DTypeKind = "generic" | "number" | "inexact" | "floating" | "integer" | "signedinteger" | "unsignedinteger" | "bool";

/** jnp.issubdtype(dtype, kind): whether dtype is `kind` (a dtype or one of numpy's abstract kinds). */
export function issubdtype(dtype: DType, kind: DType | DTypeKind): boolean {
  const d = checkDType("issubdtype", dtype);
  switch (kind) {
    case "generic":
      return true;
    case "number":
      return d !== "bool";
    case "inexact":
    case "floating":
      return isFloat(d);
    case "integer":
      return isInteger(d);
    case "signedinteger":
      return isInteger(d) && !isUnsigned(d);
    case "unsignedinteger":
      return isUnsigned(d);
    default:
      return d === checkDType("issubdtype", kind);
  }
}

export type ArrayApiKind = "bool" | "signed integer" | "unsigned integer" | "integral" | "real floating" | "complex floating" | "numeric";

/** jnp.isdtype(dtype, kind): the array-API dtype test; kind is a kind name, a dtype, or a list of them. */
export function isdtype(dtype: DType, kind: ArrayApiKind | DType | readonly (ArrayApiKind | DType)[]): boolean {
  const d = checkDType("isdtype", dtype);
  if (Array.isArray(kind)) return kind.some((k) => isdtype(d, k));
  switch (kind as ArrayApiKind | DType) {
    case "bool":
      return d === "bool";
    case "signed integer":
      return isInteger(d) && !isUnsigned(d);
    case "unsigned integer":
      return isUnsigned(d);
    case "integral":
      return isInteger(d);
    case "real floating":
      return isFloat(d);
    case "complex floating":
      return false;
    case "numeric":
      return d !== "bool";
    default:
      return d === checkDType("isdtype", kind);
  }
}
