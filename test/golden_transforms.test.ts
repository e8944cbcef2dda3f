// Golden tests against real JAX for the transformations:
//  * test/fixtures/docstrings.json: the examples of the docstrings of jax.grad, jvp, jacfwd,
//    jacrev, hessian, vjp and linearize (jax/_src/api.py), plus jacobians and hessians of
//    matrix and pytree inputs (JAX's layout: outer structure = output, inner = input);
//  * test/fixtures/vmap.json: vmap with in_axes/out_axes variants, nested vmap, vmap(grad),
//    pytree in_axes prefixes, and the examples of the jax.vmap docstring.
// The Python side of every case is in scripts/make_fixtures.py.
import { test } from "node:test";
import type { Array as JArray } from "../src/index.js";
import { grad, hessian, jacfwd, jacrev, jit, numpy as jnp, jvp, linearize, vjp, vmap } from "../src/index.js";
import { arr, assertAllClose, assertTreeClose, get, loadFixture } from "./helpers.js";

const TOL = { rtol: 1e-5, atol: 1e-6 };
const VMAP_TOL = { rtol: 1e-5, atol: 1e-5 };

const doc = loadFixture("docstrings");
const input = (name: string, key: string): JArray => arr(doc, "cases", name, "inputs", key);
const output = (name: string, ...path: (string | number)[]): unknown => get(doc, "cases", name, "outputs", ...path);

/** x[i] for a 1-D x, without the (separately tested) indexing API: dot with a one-hot vector. */
function pick(x: JArray, i: number): JArray {
  const n = x.shape[0] ?? 0;
  const e = jnp.array(
    Array.from({ length: n }, (_, j) => (j === i ? 1 : 0)),
    { dtype: "float32" },
  );
  return jnp.dot(x, e);
}

// ---------------------------------------------------------------------------
// docstring examples

test("docstring grad: grad(jnp.tanh)(0.2) == 0.961043", () => {
  const g = grad(jnp.tanh)(input("grad_tanh", "x"));
  assertAllClose(g, output("grad_tanh", "grad"), TOL, "grad(tanh)(0.2)");
  assertAllClose(g, 0.961043, { rtol: 0, atol: 1e-6 }, "printed value");
});

test("docstring jvp: jvp(jnp.sin, (0.1,), (0.2,))", () => {
  const [primalOut, tangentOut] = jvp(jnp.sin, [input("jvp_sin", "x")], [input("jvp_sin", "t")]);
  assertAllClose(primalOut, output("jvp_sin", "primal_out"), TOL, "primals");
  assertAllClose(tangentOut, output("jvp_sin", "tangent_out"), TOL, "tangents");
  assertAllClose(primalOut, 0.09983342, { rtol: 0, atol: 1e-7 }, "printed primals");
  assertAllClose(tangentOut, 0.19900084, { rtol: 0, atol: 1e-7 }, "printed tangents");
});

/** f(x) = jnp.asarray([x[0], 5*x[2], 4*x[1]**2 - 2*x[2], x[2] * jnp.sin(x[0])]) */
function jacDocF(x: JArray): JArray {
  const x0 = pick(x, 0);
  const x1 = pick(x, 1);
  const x2 = pick(x, 2);
  return jnp.stack([x0, x2.mul(5), x1.pow(2).mul(4).sub(x2.mul(2)), x2.mul(jnp.sin(x0))]);
}

test("docstring jacfwd: jacobian of [x0, 5 x2, 4 x1^2 - 2 x2, x2 sin(x0)] at [1, 2, 3]", () => {
  const jac = jacfwd(jacDocF)(input("jacfwd_doc", "x"));
  assertAllClose(jac, output("jacfwd_doc", "jac"), TOL, "jacfwd");
});

test("docstring jacrev: jacobian of [x0, 5 x2, 4 x1^2 - 2 x2, x2 sin(x0)] at [1, 2, 3]", () => {
  const jac = jacrev(jacDocF)(input("jacrev_doc", "x"));
  assertAllClose(jac, output("jacrev_doc", "jac"), TOL, "jacrev");
});

test("docstring hessian: g = x0^3 - 2 x0 x1 - x1^6 at [1, 2]", () => {
  const g = (x: JArray): JArray => {
    const x0 = pick(x, 0);
    const x1 = pick(x, 1);
    return x0.pow(3).sub(x0.mul(x1).mul(2)).sub(x1.pow(6));
  };
  const h = hessian(g)(input("hessian_doc", "x"));
  assertAllClose(h, output("hessian_doc", "hessian"), TOL, "hessian");
  assertAllClose(h, [6, -2, -2, -480], { rtol: 0, atol: 1e-4 }, "printed hessian");
});

test("docstring hessian: pytree in, pytree out: {c: power(a, b)}", () => {
  type AB = {
    a: JArray;
    b: JArray;
  };
  const f = (dct: AB) => ({ c: jnp.power(dct.a, dct.b) });
  const p = {
    a: arr(doc, "cases", "hessian_doc_pytree", "inputs", "p", "a"),
    b: arr(doc, "cases", "hessian_doc_pytree", "inputs", "p", "b"),
  };
  const h = hessian(f)(p);
  // structure {c: {a: {a, b}, b: {a, b}}}, each leaf of shape [2, 2, 2]
  assertTreeClose(h, output("hessian_doc_pytree", "hessian"), TOL, "hessian");
});

test("docstring vjp: f(x, y) = (sin x, cos y); vjp at (0.5, 1.0) with cotangent (-0.7, 0.3)", () => {
  const f = (x: JArray, y: JArray) => [jnp.sin(x), jnp.cos(y)];
  const [primalsOut, fVjp] = vjp(f, input("vjp_doc", "x"), input("vjp_doc", "y"));
  assertTreeClose(primalsOut, output("vjp_doc", "primals_out"), TOL, "primals_out");
  const [xbar, ybar] = fVjp([input("vjp_doc", "ct_x"), input("vjp_doc", "ct_y")]);
  assertAllClose(xbar, output("vjp_doc", "xbar"), TOL, "xbar");
  assertAllClose(ybar, output("vjp_doc", "ybar"), TOL, "ybar");
  assertAllClose(xbar, -0.61430776, { rtol: 0, atol: 1e-7 }, "printed xbar");
  assertAllClose(ybar, -0.2524413, { rtol: 0, atol: 1e-7 }, "printed ybar");
});

test("docstring linearize: f(x) = 3 sin(x) + cos(x / 2); jvp and linearize at 2", () => {
  const f = (x: JArray): JArray =>
    jnp
      .sin(x)
      .mul(3)
      .add(jnp.cos(x.div(2)));
  const x = input("linearize_doc", "x");
  const t1 = input("linearize_doc", "t1");
  const t2 = input("linearize_doc", "t2");
  const [yJvp, tJvp] = jvp(f, [x], [t1]);
  assertAllClose(yJvp, output("linearize_doc", "jvp_primal_out"), TOL, "jvp primal");
  assertAllClose(tJvp, output("linearize_doc", "jvp_tangent_out"), TOL, "jvp tangent");
  const [y, fJvp] = linearize(f, x);
  assertAllClose(y, output("linearize_doc", "linearize_primal_out"), TOL, "linearize primal");
  assertAllClose(fJvp(t1), output("linearize_doc", "f_jvp_t1"), TOL, "f_jvp(3.)");
  assertAllClose(fJvp(t2), output("linearize_doc", "f_jvp_t2"), TOL, "f_jvp(4.)");
  assertAllClose(fJvp(t2), -6.676704, { rtol: 0, atol: 1e-6 }, "printed f_jvp(4.)");
});

// ---------------------------------------------------------------------------
// jacobians / hessians beyond the docstrings

test("hessian(lambda x: jnp.sum(x ** 3)) on a vector is diag(6 x)", () => {
  const h = hessian((x: JArray) => jnp.sum(x.pow(3)))(input("hessian_sum_cubed", "x"));
  assertAllClose(h, output("hessian_sum_cubed", "hessian"), TOL, "hessian");
});

test("jacfwd / jacrev of a [2, 3] -> [2] function have shape [2, 2, 3]", () => {
  const f = (x: JArray): JArray => jnp.sum(jnp.sin(x).mul(x), 1).add(jnp.max(x, 1).pow(2));
  const x = input("jac_matrix_input", "x");
  assertAllClose(f(x), output("jac_matrix_input", "value"), TOL, "value");
  assertAllClose(jacfwd(f)(x), output("jac_matrix_input", "jacfwd"), TOL, "jacfwd");
  assertAllClose(jacrev(f)(x), output("jac_matrix_input", "jacrev"), TOL, "jacrev");
});

type PytreeIn = {
  a: JArray;
  b: JArray;
};
/** {a: [2], b: [3]} -> [a * sum(b) ([2]), sum(exp(a)) * prod(b) ([])] */
const jacPytreeF = (p: PytreeIn): JArray[] => [p.a.mul(jnp.sum(p.b)), jnp.sum(jnp.exp(p.a)).mul(jnp.prod(p.b))];
const jacPytreeInput = (): PytreeIn => ({
  a: arr(doc, "cases", "jac_pytree", "inputs", "p", "a"),
  b: arr(doc, "cases", "jac_pytree", "inputs", "p", "b"),
});

test("jacfwd of a pytree -> pytree function: [{a: [2,2], b: [2,3]}, {a: [2], b: [3]}]", () => {
  const p = jacPytreeInput();
  assertTreeClose(jacPytreeF(p), output("jac_pytree", "value"), TOL, "value");
  assertTreeClose(jacfwd(jacPytreeF)(p), output("jac_pytree", "jacfwd"), TOL, "jacfwd");
});

test("jacrev of a pytree -> pytree function: [{a: [2,2], b: [2,3]}, {a: [2], b: [3]}]", () => {
  assertTreeClose(jacrev(jacPytreeF)(jacPytreeInput()), output("jac_pytree", "jacrev"), TOL, "jacrev");
});

test("jacfwd / jacrev with argnums [0, 1] return one jacobian per argument", () => {
  // jnp.tanh(y * jnp.sum(x ** 2)) + jnp.outer(y, x) @ x; x [3], y [2] -> [2]
  const f = (x: JArray, y: JArray): JArray => jnp.tanh(y.mul(jnp.sum(x.pow(2)))).add(jnp.outer(y, x).matmul(x));
  const x = input("jac_argnums", "x");
  const y = input("jac_argnums", "y");
  assertTreeClose(jacfwd(f, { argnums: [0, 1] })(x, y), output("jac_argnums", "jacfwd"), TOL, "jacfwd");
  assertTreeClose(jacrev(f, { argnums: [0, 1] })(x, y), output("jac_argnums", "jacrev"), TOL, "jacrev");
});

test("hessian of a scalar function of a [2, 3] matrix has shape [2, 3, 2, 3]", () => {
  const f = (x: JArray): JArray => jnp.sum(x.pow(3)).mul(jnp.sum(jnp.sin(x)));
  const h = hessian(f)(input("hessian_matrix_input", "x"));
  assertAllClose(h, output("hessian_matrix_input", "hessian"), { rtol: 2e-5, atol: 1e-5 }, "hessian");
});

// ---------------------------------------------------------------------------
// vmap

const vm = loadFixture("vmap");
const vin = (name: string, ...path: (string | number)[]): JArray => arr(vm, "cases", name, "inputs", ...path);
const vout = (name: string): unknown => get(vm, "cases", name, "outputs", "out");

test("vmap(a @ b, in_axes=(0, None))", () => {
  const f = vmap((a: JArray, b: JArray) => a.matmul(b), { inAxes: [0, null] });
  assertAllClose(f(vin("in_axes_0_none", "a"), vin("in_axes_0_none", "b")), vout("in_axes_0_none"), VMAP_TOL);
});

test("vmap(a * b + sin(a), in_axes=(1, 0), out_axes=1)", () => {
  const f = vmap((a: JArray, b: JArray) => a.mul(b).add(jnp.sin(a)), { inAxes: [1, 0], outAxes: 1 });
  const name = "in_axes_1_0_out_axes_1";
  assertAllClose(f(vin(name, "a"), vin(name, "b")), vout(name), VMAP_TOL);
});

test("vmap(tanh(w @ x), in_axes=(None, 0))", () => {
  const f = vmap((w: JArray, x: JArray) => jnp.tanh(w.matmul(x)), { inAxes: [null, 0] });
  assertAllClose(f(vin("in_axes_none_0", "w"), vin("in_axes_none_0", "x")), vout("in_axes_none_0"), VMAP_TOL);
});

test("vmap(v * sum(v), in_axes=-1)", () => {
  const f = vmap((v: JArray) => v.mul(jnp.sum(v)), { inAxes: -1 });
  assertAllClose(f(vin("in_axes_negative", "x")), vout("in_axes_negative"), VMAP_TOL);
});

test("vmap(vmap(jnp.dot))", () => {
  const f = vmap(vmap(jnp.dot));
  assertAllClose(f(vin("nested_vmap_dot", "a"), vin("nested_vmap_dot", "b")), vout("nested_vmap_dot"), VMAP_TOL);
});

/** (tanh(x . w) - y) ** 2 for one example */
const perExampleLoss = (w: JArray, x: JArray, y: JArray): JArray => jnp.tanh(jnp.dot(x, w)).sub(y).pow(2);

test("vmap(grad(loss), in_axes=(None, 0, 0)): per-example gradients", () => {
  const name = "per_example_grads";
  const f = vmap(grad(perExampleLoss), { inAxes: [null, 0, 0] });
  assertAllClose(f(vin(name, "w"), vin(name, "x"), vin(name, "y")), vout(name), VMAP_TOL);
});

test("jit(vmap(grad(loss), in_axes=(None, 0, 0)))", () => {
  const name = "per_example_grads";
  const f = jit(vmap(grad(perExampleLoss), { inAxes: [null, 0, 0] }));
  assertAllClose(f(vin(name, "w"), vin(name, "x"), vin(name, "y")), vout(name), VMAP_TOL);
});

test("vmap over a dict pytree with in_axes prefix ({w: 0, b: None}, None)", () => {
  const name = "dict_in_axes_prefix";
  type WB = {
    w: JArray;
    b: JArray;
  };
  const f = vmap((params: WB, x: JArray) => jnp.tanh(x.matmul(params.w).add(params.b)), {
    inAxes: [{ w: 0, b: null }, null],
  });
  const params: WB = { w: vin(name, "params", "w"), b: vin(name, "params", "b") };
  assertAllClose(f(params, vin(name, "x")), vout(name), VMAP_TOL);
});

// jax.vmap docstring: building matrix products out of a vector dot product.
const vv = (x: JArray, y: JArray): JArray => jnp.dot(x, y); //  ([a], [a]) -> []
const mv = vmap(vv, { inAxes: [0, null], outAxes: 0 }); //  ([b,a], [a]) -> [b]
const mm = vmap(mv, { inAxes: [null, 1], outAxes: 1 }); //  ([b,a], [a,c]) -> [b,c]
const mv1 = vmap(vv, { inAxes: [0, 0], outAxes: 0 }); //  ([b,a], [b,a]) -> [b]
const mv2 = vmap(vv, { inAxes: [0, 1], outAxes: 0 }); //  ([b,a], [a,b]) -> [b]
const mm2 = vmap(mv2, { inAxes: [1, 1], outAxes: 0 }); //  ([b,c,a], [a,c,b]) -> [c,b]

for (const [name, f] of [
  ["doc_mv", mv],
  ["doc_mm", mm],
  ["doc_mv1", mv1],
  ["doc_mv2", mv2],
  ["doc_mm2", mm2],
] as const) {
  test(`docstring vmap: ${name.slice(4)}`, () => {
    assertAllClose(f(vin(name, "x"), vin(name, "y")), vout(name), VMAP_TOL);
  });
}

/** x, (y, z) = tree_arg; return jnp.dot(x, jnp.dot(y, z)) */
const foo = (treeArg: [JArray, [JArray, JArray]]): JArray => {
  const [x, [y, z]] = treeArg;
  return jnp.dot(x, jnp.dot(y, z));
};

test("docstring vmap: foo((x, (y, z))) on ones is all 12s", () => {
  const name = "doc_tree_unbatched";
  assertAllClose(foo([vin(name, "x"), [vin(name, "y"), vin(name, "z")]]), vout(name), VMAP_TOL);
});

test("docstring vmap: in_axes=((0, (1, 2)),) over a tuple pytree gives shape [6, 2, 5]", () => {
  const name = "doc_tree_in_axes";
  const vfoo = vmap(foo, { inAxes: [[0, [1, 2]]] });
  assertAllClose(vfoo([vin(name, "x"), [vin(name, "y"), vin(name, "z")]]), vout(name), VMAP_TOL);
});

test("docstring vmap: in_axes=({a: None, b: 0}, None)", () => {
  const name = "doc_dict_in_axes";
  type Dct = {
    a: JArray;
    b: JArray;
  };
  const f = (dct: Dct, x: JArray): JArray => dct.a.add(dct.b).add(x);
  const out = vmap(f, { inAxes: [{ a: null, b: 0 }, null] })({ a: vin(name, "a"), b: vin(name, "b") }, vin(name, "x"));
  assertAllClose(out, vout(name), VMAP_TOL);
  assertAllClose(out, [1, 2, 3, 4, 5], { rtol: 0, atol: 0 }, "printed value");
});

const pairFn = (x: JArray, y: JArray): JArray[] => [x.add(y), y.mul(2)];

test("docstring vmap: out_axes=(0, None) leaves the second output unmapped", () => {
  const name = "doc_out_axes_none";
  const out = vmap(pairFn, { inAxes: [0, null], outAxes: [0, null] })(vin(name, "x"), vin(name, "y"));
  // ([4, 5], 8.0): the second output has shape []
  assertTreeClose(out, vout(name), VMAP_TOL, "out");
});

test("docstring vmap: out_axes=0 broadcasts an unmapped output", () => {
  const name = "doc_out_axes_broadcast";
  const out = vmap(pairFn, { inAxes: [0, null], outAxes: 0 })(vin(name, "x"), vin(name, "y"));
  // ([4, 5], [8, 8])
  assertTreeClose(out, vout(name), VMAP_TOL, "out");
});
