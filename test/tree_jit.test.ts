// Pytrees and jit: flattening order (dict keys sorted, as JAX), registered classes,
// jit caching per signature, static arguments, and jaxpr printing.
import assert from "node:assert/strict";
import { test } from "node:test";
import { grad, type Array as JArray, jit, numpy as jnp, makeJaxpr, registerPytreeNode, tree, vmap } from "../src/index.js";

test("pytrees flatten objects by sorted key and treat null as an empty node", () => {
  const t = { b: [1, 2], a: { y: 3, x: null }, c: 4 };
  const [leaves, def] = tree.flatten(t);
  assert.deepEqual(leaves, [3, 1, 2, 4]);
  assert.equal(def.numLeaves, 4);
  assert.deepEqual(tree.unflatten(def, [30, 10, 20, 40]), { a: { x: null, y: 30 }, b: [10, 20], c: 40 });
  assert.deepEqual(
    tree.map((u: number, v: number) => u + v, { a: 1, b: [2] }, { a: 10, b: [20] }),
    { a: 11, b: [22] },
  );
  assert.throws(() => tree.map((u: number, v: number) => u + v, { a: 1 }, { b: 1 }), /differs from the first argument/);
  assert.equal(String(tree.structure({ b: [1, 2], a: null })), "{a: null, b: [*, *]}");
});

class Point {
  constructor(
    readonly x: JArray,
    readonly y: JArray,
    readonly label: string,
  ) {}
}
registerPytreeNode(Point, {
  flatten: (p: Point) => [[p.x, p.y], p.label],
  unflatten: (label, [x, y]) => new Point(x as JArray, y as JArray, label as string),
});

test("registered classes are pytree nodes through grad, vmap and jit", () => {
  const p = new Point(jnp.array(2), jnp.array(3), "p");
  const g = grad((q: Point) => q.x.mul(q.y).add(q.x.square()))(p) as Point;
  assert.ok(g instanceof Point);
  assert.equal(g.label, "p");
  assert.deepEqual([g.x.item(), g.y.item()], [7, 2]);
  const ps = new Point(jnp.array([1, 2]), jnp.array([3, 4]), "batch");
  assert.deepEqual(vmap((q: Point) => q.x.mul(q.y))(ps).tolist(), [3, 8]);
  assert.equal(jit((q: Point) => q.x.add(q.y))(p).item(), 5);
  // the aux data (the label) is part of the signature, as in JAX
  const moved = jit((q: Point) => new Point(q.x.add(1), q.y, `${q.label}!`));
  assert.deepEqual([moved(p).label, moved(new Point(jnp.array(2), jnp.array(3), "q")).label, moved(p).label], ["p!", "q!", "p!"]);
  assert.equal(moved.traceCount, 2);
});

test("jit equals eager, traces once per signature, and retraces for new shapes or dtypes", () => {
  let traces = 0;
  const f = (x: JArray, y: JArray) => {
    traces++;
    return jnp.sum(jnp.tanh(x).mul(y));
  };
  const jf = jit(f);
  const x = jnp.array([0.5, -1, 2]);
  const y = jnp.array([1, 2, 3]);
  const eager = f(x, y).item() as number;
  traces = 0;
  assert.equal(jf(x, y).item(), eager);
  assert.equal(jf(x.mul(2), y).item(), f(x.mul(2), y).item());
  assert.equal(jf.traceCount, 1);
  jf(jnp.array([1, 2]), jnp.array([1, 2]));
  assert.equal(jf.traceCount, 2);
  jf(x.astype("float64"), y.astype("float64"));
  assert.equal(jf.traceCount, 3);
  assert.equal(traces, 4);
});

test("jit with pytree arguments: a repeat signature reuses its trace; another structure, shape or dtype retraces", () => {
  const f = (p: { w: JArray; b: JArray }, x: JArray) => p.w.mul(x).add(p.b);
  const jf = jit(f);
  const p = { w: jnp.array([1, 2, 3]), b: jnp.array([0.5, 0.5, 0.5]) };
  let x = jnp.array([1, 1, 1]);
  for (let i = 0; i < 3; i++) {
    const want = Array.from(f(p, x).dataSync());
    x = jf(p, x);
    assert.deepEqual(Array.from(x.dataSync()), want, `step ${i}`);
  }
  // fresh arrays with equal avals (and the same keys in another order) hit the same entry
  jf({ b: jnp.array([1, 1, 1]), w: jnp.array([2, 2, 2]) }, jnp.array([3, 3, 3]));
  assert.equal(jf.traceCount, 1);
  assert.deepEqual(Array.from(jf({ w: jnp.array([2, 2, 2]), b: jnp.array([1, 1, 1]) }, jnp.array([3, 3, 3])).dataSync()), [7, 7, 7]);
  const g = (p: Record<string, JArray>, x: JArray) => Object.values(p).reduce((acc, v) => acc.add(v), x);
  const jg = jit(g);
  jg({ a: jnp.array([1, 2]) }, jnp.array([1, 1]));
  assert.deepEqual(Array.from(jg({ c: jnp.array([1, 2]) }, jnp.array([1, 1])).dataSync()), [2, 3], "another key retraces");
  assert.equal(jg.traceCount, 2);
  jg({ c: jnp.array([1, 2, 3]) }, jnp.array([1, 1, 1]));
  assert.equal(jg.traceCount, 3, "another shape retraces");
  jg({ c: jnp.array([1, 2, 3], { dtype: "float64" }) }, jnp.array([1, 1, 1]));
  assert.equal(jg.traceCount, 4, "another dtype retraces");
});

test("staticArgnums: values are part of the cache key and can drive JS control flow", () => {
  const f = jit((x: JArray, n: number) => (n > 2 ? x.mul(n) : x.add(n)), { staticArgnums: 1 });
  assert.equal(f(jnp.array(3), 5).item(), 15);
  assert.equal(f(jnp.array(3), 1).item(), 4);
  assert.equal(f.traceCount, 2);
  f(jnp.array(4), 5);
  assert.equal(f.traceCount, 2);
});

test("branching on a traced value inside jit raises a concretization error that says what to do", () => {
  const f = jit((x: JArray) => (x.gt(0).item() ? x : x.neg()));
  assert.throws(() => f(jnp.array(1)), /Abstract tracer value.*staticArgnums.*lax\.cond/s);
  const g = jit((x: JArray) => ((x as unknown as number) > 0 ? x : x.neg()));
  assert.throws(() => g(jnp.array(1)), /Abstract tracer value/);
  // outside jit the same function runs, also under grad (concrete values are known there)
  assert.equal(grad((x: JArray) => (x.gt(0).item() ? x.square() : x))(jnp.array(3)).item(), 6);
});

test("makeJaxpr prints a JAX-style jaxpr (JS numbers become literals of the right dtype)", () => {
  const text = makeJaxpr((x: JArray) => jnp.sum(jnp.sin(x).mul(2)))(jnp.ones([3])).toString();
  assert.equal(
    text,
    [
      "{ lambda ; a:f32[3]. let",
      "    b:f32[3] = sin a",
      "    c:f32[3] = mul b 2.0:f32[]",
      "    d:f32[] = reduce_sum[axes=(0,)] c",
      "  in (d,) }",
    ].join("\n"),
  );
});
