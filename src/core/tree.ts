// Pytrees: nested containers of leaves. JS arrays and plain objects are nodes (objects
// flatten by sorted key, like JAX dicts); null and undefined are empty nodes (like None);
// classes registered with registerPytreeNode are nodes; everything else is a leaf.

export interface PytreeNodeDef<T, Aux = unknown> {
  flatten(x: T): [children: unknown[], aux: Aux];
  unflatten(aux: Aux, children: unknown[]): T;
}

const registry = new Map<Function, PytreeNodeDef<any, any>>();

/** Registers a class as a pytree node (jax.tree_util.register_pytree_node). */
export function registerPytreeNode<T>(cls: abstract new (...args: any[]) => T, def: PytreeNodeDef<T>): void {
  registry.set(cls, def);
}

type Kind = "leaf" | "none" | "undefined" | "array" | "object" | "custom";

export class TreeDef {
  constructor(
    readonly kind: Kind,
    readonly children: TreeDef[] = [],
    /** keys for objects, aux data for custom nodes, the class for custom nodes */
    readonly aux: unknown = null,
    readonly cls: Function | null = null,
  ) {}
  get numLeaves(): number {
    if (this.kind === "leaf") return 1;
    let n = 0;
    for (const c of this.children) n += c.numLeaves;
    return n;
  }
  equals(o: TreeDef): boolean {
    if (this.kind !== o.kind || this.children.length !== o.children.length || this.cls !== o.cls) return false;
    if ((this.kind === "object" || this.kind === "custom") && !sameAux(this.aux, o.aux)) return false;
    return this.children.every((c, i) => c.equals(o.children[i]!));
  }
  toString(): string {
    switch (this.kind) {
      case "leaf":
        return "*";
      case "none":
        return "null";
      case "undefined":
        return "undefined";
      case "array":
        return `[${this.children.map(String).join(", ")}]`;
      case "object":
        return `{${(this.aux as string[]).map((k, i) => `${k}: ${this.children[i]}`).join(", ")}}`;
      case "custom":
        // the aux data is part of the structure (jit keys its cache on this string)
        return `${this.cls?.name ?? "Custom"}${auxText(this.aux)}(${this.children.map(String).join(", ")})`;
    }
  }
}

export const LEAF = new TreeDef("leaf");

/** Aux data compared by value: object keys element by element, anything else as JSON. */
function sameAux(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b) && a.every((x) => typeof x === "string"))
    return a.length === b.length && a.every((x, i) => x === b[i]);
  return JSON.stringify(a) === JSON.stringify(b);
}

function auxText(aux: unknown): string {
  if (aux === null || aux === undefined) return "";
  try {
    return `<${JSON.stringify(aux)}>`;
  } catch {
    return `<${String(aux)}>`;
  }
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (x === null || typeof x !== "object") return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

export function flatten(x: unknown, isLeaf?: (x: unknown) => boolean): [unknown[], TreeDef] {
  const leaves: unknown[] = [];
  const rec = (v: unknown): TreeDef => {
    if (isLeaf?.(v)) {
      leaves.push(v);
      return LEAF;
    }
    if (v === null) return new TreeDef("none");
    if (v === undefined) return new TreeDef("undefined");
    if (Array.isArray(v)) return new TreeDef("array", v.map(rec));
    if (isPlainObject(v)) {
      const keys = Object.keys(v).sort();
      return new TreeDef(
        "object",
        keys.map((k) => rec(v[k])),
        keys,
      );
    }
    if (typeof v === "object") {
      const def = registry.get((v as object).constructor);
      if (def) {
        const [children, aux] = def.flatten(v);
        return new TreeDef("custom", children.map(rec), aux, (v as object).constructor);
      }
    }
    leaves.push(v);
    return LEAF;
  };
  const def = rec(x);
  return [leaves, def];
}

export function unflatten(def: TreeDef, leaves: readonly unknown[]): any {
  let i = 0;
  const rec = (d: TreeDef): unknown => {
    switch (d.kind) {
      case "leaf":
        if (i >= leaves.length) throw new Error(`tree.unflatten: the tree ${def} needs ${def.numLeaves} leaves, got ${leaves.length}.`);
        return leaves[i++];
      case "none":
        return null;
      case "undefined":
        return undefined;
      case "array":
        return d.children.map(rec);
      case "object": {
        const out: Record<string, unknown> = {};
        (d.aux as string[]).forEach((k, j) => {
          out[k] = rec(d.children[j]!);
        });
        return out;
      }
      case "custom":
        return registry.get(d.cls!)!.unflatten(d.aux, d.children.map(rec));
    }
  };
  const out = rec(def);
  if (i !== leaves.length) throw new Error(`tree.unflatten: the tree ${def} needs ${def.numLeaves} leaves, got ${leaves.length}.`);
  return out;
}

export function leaves(x: unknown, isLeaf?: (x: unknown) => boolean): unknown[] {
  return flatten(x, isLeaf)[0];
}

export function structure(x: unknown, isLeaf?: (x: unknown) => boolean): TreeDef {
  return flatten(x, isLeaf)[1];
}

/** Maps `f` over the leaves of `tree` and of `rest` (which must share its structure). */
export function map(f: (...xs: any[]) => unknown, tree: unknown, ...rest: unknown[]): any {
  const [ls, def] = flatten(tree);
  const others = rest.map((r, k) => {
    const [rl, rdef] = flatten(r);
    if (!rdef.equals(def)) {
      throw new Error(`tree.map: argument ${k + 1} has structure ${rdef}, which differs from the first argument's ${def}.`);
    }
    return rl;
  });
  return unflatten(
    def,
    ls.map((l, i) => f(l, ...others.map((o) => o[i]))),
  );
}

/**
 * Broadcasts a prefix tree (e.g. vmap's inAxes) against a full tree: returns one prefix
 * value per leaf of `full`. A leaf of the prefix (number or null) applies to its whole subtree.
 */
export function broadcastPrefix(prefix: unknown, full: unknown, what: string): unknown[] {
  const out: unknown[] = [];
  const rec = (p: unknown, fdef: TreeDef, path: string): void => {
    const pIsLeaf = p === null || p === undefined || typeof p === "number" || typeof p === "string" || typeof p === "boolean";
    if (pIsLeaf) {
      for (let i = 0; i < fdef.numLeaves; i++) out.push(p === undefined ? null : p);
      return;
    }
    if (fdef.kind === "array" && Array.isArray(p) && p.length === fdef.children.length) {
      fdef.children.forEach((c, i) => rec(p[i], c, `${path}[${i}]`));
      return;
    }
    if (fdef.kind === "object" && isPlainObject(p)) {
      const keys = fdef.aux as string[];
      const pk = Object.keys(p).sort();
      if (JSON.stringify(pk) === JSON.stringify(keys)) {
        fdef.children.forEach((c, i) => rec(p[keys[i]!], c, `${path}.${keys[i]}`));
        return;
      }
    }
    throw new Error(
      `${what}: the spec at ${path || "the top"} (${JSON.stringify(p)}) is not a tree prefix of the argument structure ${fdef}.`,
    );
  };
  rec(prefix, structure(full), "");
  return out;
}
