// The jaxpr IR: a typed, first-order program of primitive applications (JAX's jaxpr).
import type { ArrayImpl, JaxArray } from "./array.js";
import type { ShapedArray } from "./aval.js";
import type { Primitive } from "./primitive.js";
import { bind } from "./trace.js";

export class Var {
  constructor(readonly aval: ShapedArray) {}
}

/** A constant folded into an equation (a scalar), printed inline. */
export class Literal {
  constructor(readonly val: ArrayImpl) {}
  get aval(): ShapedArray {
    return this.val.aval;
  }
}

export type Atom = Var | Literal;

export interface JaxprEqn {
  readonly prim: Primitive;
  readonly inputs: Atom[];
  readonly params: unknown;
  readonly outBinders: Var[];
}

export class Jaxpr {
  constructor(
    readonly inBinders: Var[],
    readonly eqns: JaxprEqn[],
    readonly outs: Atom[],
  ) {}
  get inAvals(): ShapedArray[] {
    return this.inBinders.map((v) => v.aval);
  }
  get outAvals(): ShapedArray[] {
    return this.outs.map((v) => v.aval);
  }
  toString(): string {
    return printJaxpr(this, 0);
  }
}

/** A jaxpr whose first `consts.length` binders are bound to these constant arrays. */
export class ClosedJaxpr {
  constructor(
    readonly jaxpr: Jaxpr,
    readonly consts: JaxArray[],
  ) {}
  toString(): string {
    return printJaxpr(this.jaxpr, this.consts.length);
  }
  /** The same program with its consts as ordinary leading inputs (its first binders already are). */
  withConstsAsInputs(): ClosedJaxpr {
    return this.consts.length === 0 ? this : new ClosedJaxpr(this.jaxpr, []);
  }
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

/** Interprets a jaxpr with `bind` (or `apply`, per equation), so evaluating it under a transformation transforms it. */
export function evalJaxpr(
  jaxpr: Jaxpr,
  args: readonly JaxArray[],
  apply: (eqn: JaxprEqn, ins: JaxArray[]) => JaxArray[] = (eqn, ins) => bind(eqn.prim, ins, eqn.params),
): JaxArray[] {
  const env = new Map<Var, JaxArray>();
  const read = (a: Atom): JaxArray => {
    if (a instanceof Literal) return a.val;
    const v = env.get(a);
    if (v === undefined) throw new Error("jaxts internal error: jaxpr variable read before it is written");
    return v;
  };
  if (args.length !== jaxpr.inBinders.length) {
    throw new Error(`jaxpr expects ${jaxpr.inBinders.length} inputs, got ${args.length}`);
  }
  jaxpr.inBinders.forEach((v, i) => env.set(v, args[i]!));
  for (const eqn of jaxpr.eqns) {
    const outs = apply(eqn, eqn.inputs.map(read));
    eqn.outBinders.forEach((v, i) => env.set(v, outs[i]!));
  }
  return jaxpr.outs.map(read);
}

// ---- printing, in JAX's style: { lambda a:f32[3]; b:f32[]. let c:f32[] = sin b in (c,) } ----

function varNamer(): (v: Var) => string {
  const names = new Map<Var, string>();
  return (v) => {
    let n = names.get(v);
    if (n === undefined) {
      n = nameOf(names.size);
      names.set(v, n);
    }
    return n;
  };
}

function nameOf(i: number): string {
  let s = "";
  let k = i;
  do {
    s = String.fromCharCode(97 + (k % 26)) + s;
    k = Math.floor(k / 26) - 1;
  } while (k >= 0);
  return s;
}

function fmtParamValue(v: unknown): string {
  if (Array.isArray(v)) return `(${v.map(fmtParamValue).join(", ")}${v.length === 1 ? "," : ""})`;
  if (v instanceof ClosedJaxpr || v instanceof Jaxpr) return `{ ${v.toString().replace(/\s+/g, " ")} }`;
  if (v === null || v === undefined) return "None";
  if (typeof v === "boolean") return v ? "True" : "False";
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

export function fmtParams(params: unknown): string {
  if (params === null || typeof params !== "object") return "";
  const entries = Object.entries(params as Record<string, unknown>);
  if (entries.length === 0) return "";
  return `[${entries.map(([k, v]) => `${k}=${fmtParamValue(v)}`).join(" ")}]`;
}

export function printJaxpr(jaxpr: Jaxpr, numConsts: number): string {
  const name = varNamer();
  const atom = (a: Atom): string => (a instanceof Literal ? fmtLiteral(a) : name(a));
  const binder = (v: Var) => `${name(v)}:${v.aval.str()}`;
  const consts = jaxpr.inBinders.slice(0, numConsts).map(binder).join(" ");
  const ins = jaxpr.inBinders.slice(numConsts).map(binder).join(" ");
  const lines = jaxpr.eqns.map((e) => {
    const lhs = e.outBinders.map(binder).join(" ");
    const ps = e.prim.printParams ? e.prim.printParams(e.params) : fmtParams(e.params);
    return `    ${lhs} = ${e.prim.name}${ps} ${e.inputs.map(atom).join(" ")}`;
  });
  const outs = jaxpr.outs.map(atom).join(", ");
  return `{ lambda ${consts}${consts ? "; " : "; "}${ins}. let\n${lines.join("\n")}\n  in (${outs}${jaxpr.outs.length === 1 ? "," : ""}) }`;
}

function fmtLiteral(l: Literal): string {
  const v = l.val.item();
  if (typeof v === "boolean") return v ? "True" : "False";
  const s = l.val.dtype.startsWith("float") && Number.isInteger(v) ? `${v}.0` : String(v);
  return `${s}:${l.val.aval.str()}`;
}
