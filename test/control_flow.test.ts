// lax control flow and custom derivatives against real JAX (test/fixtures/control_flow.json,
// from scripts/fixtures_control.py), plus the structural guarantees: loops trace once.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  checkpoint,
  customJvp,
  customVjp,
  grad,
  type Array as JArray,
  jit,
  numpy as jnp,
  jvp,
  lax,
  makeJaxpr,
  vmap,
} from "../src/index.js";
import { arr, assertAllClose, assertTreeClose, get, loadFixture } from "./helpers.js";

const fx = loadFixture("control_flow");
const tol = { rtol: 2e-5, atol: 2e-6 };

function rnn(w: JArray, h0: JArray, xs: JArray): [JArray, JArray, JArray] {
  const [[h, t], ys] = lax.scan(
    ([h, t]: [JArray, JArray], x: JArray) => {
      const hn = jnp.tanh(jnp.matmul(h, w).add(x));
      return [[hn, t.add(jnp.sum(hn))], hn.mul(2)];
    },
    [h0, jnp.array(0)],
    xs,
  );
  return [h, t, ys];
}

test("scan: an RNN with a pytree carry, values and gradients", () => {
  const [w, h0, xs] = ["w", "h0", "xs"].map((k) => arr(fx, "rnn", k)) as [JArray, JArray, JArray];
  assertTreeClose(rnn(w, h0, xs), get(fx, "rnn", "out"), tol);
  const loss = (w: JArray, h0: JArray, xs: JArray) => {
    const [h, t, ys] = rnn(w, h0, xs);
    return jnp
      .sum(h)
      .add(t)
      .add(jnp.sum(jnp.square(ys)));
  };
  const expected = get(fx, "rnn", "grads");
  assertTreeClose(grad(loss, { argnums: [0, 1, 2] })(w, h0, xs), expected, tol);
  assertTreeClose(jit(grad(loss, { argnums: [0, 1, 2] }))(w, h0, xs), expected, tol);
});

test("scan: reverse", () => {
  const [w, h0, xs] = ["w", "h0", "xs"].map((k) => arr(fx, "rnn", k)) as [JArray, JArray, JArray];
  const f = (w: JArray, h0: JArray, xs: JArray) =>
    lax.scan(
      (h: JArray, x: JArray) => {
        const hn = jnp.sin(h.mul(x)).add(w.get(0));
        return [hn, hn];
      },
      h0,
      xs,
      { reverse: true },
    );
  assertTreeClose(f(w, h0, xs), get(fx, "scan_reverse", "out"), tol);
  const loss = (w: JArray, h0: JArray, xs: JArray) => {
    const [c, ys] = f(w, h0, xs);
    return jnp.sum(ys).add(jnp.sum(c));
  };
  assertTreeClose(grad(loss, { argnums: [0, 1, 2] })(w, h0, xs), get(fx, "scan_reverse", "grads"), tol);
});

test("foriLoop with JS-number bounds is reverse-differentiable", () => {
  const x = arr(fx, "fori", "x");
  const f = (x: JArray) => lax.foriLoop(0, 5, (i: JArray, v: JArray) => jnp.sin(v).mul(x).add(i.astype("float32")), x);
  assertAllClose(f(x), get(fx, "fori", "out"), tol);
  assertAllClose(grad((x: JArray) => jnp.sum(f(x)))(x), get(fx, "fori", "grad"), tol);
  assertAllClose(jit(f)(x), get(fx, "fori", "out"), tol);
});

test("whileLoop: values, jit, and forward-mode derivatives; reverse mode is a clear error", () => {
  const x = arr(fx, "while", "x");
  const t = arr(fx, "while", "t");
  const f = (x: JArray) =>
    lax.whileLoop(
      ([, s]: [JArray, JArray]) => s.lt(10),
      ([c, s]: [JArray, JArray]) => [c.mul(1.5).add(jnp.sin(c)), s.add(jnp.abs(c).sum())],
      [x, jnp.array(0)],
    );
  assertTreeClose(f(x), get(fx, "while", "out"), tol);
  assertTreeClose(jit(f)(x), get(fx, "while", "out"), tol);
  assertTreeClose(jvp(f, [x], [t])[1], get(fx, "while", "jvp"), tol);
  assert.throws(() => grad((x: JArray) => jnp.sum(f(x)[0]))(x), /Reverse-mode differentiation does not work for lax.whileLoop/);
});

test("cond under vmap (batched predicate) and grad of both branches", () => {
  const ps = arr(fx, "cond", "ps");
  const xs = arr(fx, "cond", "xs");
  const f = (p: JArray, x: JArray) =>
    lax.cond(
      p.gt(0),
      (v: JArray) => jnp.sin(v).mul(p),
      (v: JArray) => jnp.cos(v).sub(p),
      x,
    );
  assertAllClose(vmap(f)(ps, xs), get(fx, "cond", "out"), tol);
  assertTreeClose(vmap(grad((p: JArray, x: JArray) => jnp.sum(f(p, x)), { argnums: [0, 1] }))(ps, xs), get(fx, "cond", "grads"), tol);
  // unbatched predicate inside jit: each branch once
  assertAllClose(jit(f)(ps.get(0), xs.get(0)), (get(fx, "cond", "out") as { data: number[] }).data.slice(0, 4), tol);
});

test("switch clamps the index, under vmap and grad", () => {
  const idx = arr(fx, "switch", "idx");
  const xs = arr(fx, "switch", "xs");
  const f = (i: JArray, x: JArray) => lax.switch(i, [(v: JArray) => v.mul(2), (v: JArray) => jnp.exp(v), (v: JArray) => v.pow(3)], x);
  assertAllClose(vmap(f)(idx, xs), get(fx, "switch", "out"), tol);
  assertAllClose(vmap(grad((i: JArray, x: JArray) => jnp.sum(f(i, x)), { argnums: 1 }))(idx, xs), get(fx, "switch", "grads"), tol);
});

test("a 1,000-step scan traces its body once and stages a single scan equation", () => {
  let traces = 0;
  const f = (x: JArray) =>
    lax.scan(
      (c: JArray, _: null) => {
        traces++;
        return [c.mul(0.999).add(1), null];
      },
      x,
      null,
      { length: 1000 },
    )[0];
  const jaxpr = makeJaxpr(f)(jnp.array(0));
  assert.equal(traces, 1);
  assert.equal(jaxpr.jaxpr.eqns.length, 1);
  assert.equal(jaxpr.jaxpr.eqns[0]!.prim.name, "scan");
  const closed = 1000 * (1 - 0.999 ** 1000); // c_n = 1000 (1 - 0.999^n)
  assertAllClose(jit(f)(jnp.array(0)), [closed], { rtol: 1e-4 });
  traces = 0;
  grad(f)(jnp.array(0.5));
  assert.ok(traces <= 2, `grad traced the body ${traces} times`);
});

test("customJvp: the rule is used by grad, jit(grad), vmap(grad) and second derivatives", () => {
  const f = customJvp((x: JArray) => jnp.log1p(jnp.exp(x)));
  f.defjvp(([x]: JArray[], [t]: JArray[]) => [f(x!), t!.mul(lax.logistic(x!)).mul(3)]);
  const x = arr(fx, "custom_jvp", "x");
  assertAllClose(f(x), get(fx, "custom_jvp", "out"), tol);
  const g = grad((x: JArray) => jnp.sum(f(x)));
  assertAllClose(g(x), get(fx, "custom_jvp", "grad"), tol);
  assertAllClose(jit(g)(x), get(fx, "custom_jvp", "grad"), tol);
  assertAllClose(vmap(grad(grad(f)))(x), get(fx, "custom_jvp", "hess_diag"), tol);
});

test("customVjp: bwd replaces the gradient, under grad and jit", () => {
  const f = customVjp((x: JArray, y: JArray) => x.mul(y));
  f.defvjp(
    (x: JArray, y: JArray) => [x.mul(y), [x, y]],
    ([x, y]: [JArray, JArray], g: JArray) => [jnp.minimum(jnp.maximum(g.mul(y), -1), 1), g.mul(x).mul(0.5)],
  );
  const x = arr(fx, "custom_vjp", "x");
  const y = arr(fx, "custom_vjp", "y");
  const loss = (x: JArray, y: JArray) => jnp.sum(jnp.square(f(x, y)));
  assertTreeClose(grad(loss, { argnums: [0, 1] })(x, y), get(fx, "custom_vjp", "grads"), tol);
  assertTreeClose(jit(grad(loss, { argnums: [0, 1] }))(x, y), get(fx, "custom_vjp", "grads"), tol);
  assert.throws(() => jvp((x: JArray) => f(x, y), [x], [x]), /forward-mode/);
});

test("checkpoint: same gradient, with the forward recomputed in the backward pass", () => {
  const x = arr(fx, "checkpoint", "x");
  const inner = (x: JArray) => jnp.sin(jnp.matmul(jnp.tanh(x), x));
  const ck = checkpoint(inner);
  const loss = (f: (x: JArray) => JArray) => (x: JArray) => jnp.sum(jnp.square(f(x)));
  assertAllClose(grad(loss(ck))(x), get(fx, "checkpoint", "grad"), tol);
  // the linearized program recomputes tanh inside the checkpoint instead of saving it
  const text = makeJaxpr(grad(loss(ck)))(x).toString();
  assert.match(text, /checkpoint/);
});
