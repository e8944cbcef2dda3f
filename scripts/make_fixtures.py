#!/usr/bin/env python3
"""Generate golden JSON fixtures for the jaxts test suite using real JAX.

Usage:  ~/jax-venv/bin/python scripts/make_fixtures.py        (or `npm run fixtures`)

Everything is computed with JAX's defaults (float32, x64 disabled).  Inputs are
drawn from numpy RandomState streams with fixed seeds, rounded to float32 and
stored in the fixtures, so the TypeScript tests feed bit-identical inputs.

Fixture conventions (test/fixtures/*.json):
  * an array is {"shape": [...], "dtype": "float32", "data": [flat row-major]}
    (a scalar has shape [] and one datum);
  * a pytree is stored with the same nesting: tuples/lists -> JSON lists,
    dicts -> JSON objects (keys sorted, like JAX's dict flattening);
  * floats are the exact float32 values, written as the shortest double repr.

After generating, the script re-runs every computation in float64 (on the same
float32 inputs) and checks that the float32 JAX result is well inside the
tolerance the TypeScript tests use.  That guards against fixtures that are
only reproducible with XLA's exact float32 rounding: any float32 implementation
that is accurate to a few ulps must pass.
"""

from __future__ import annotations

import numpy as np

import jax
import jax.numpy as jnp

from fixture_helpers import compare_leaves, encode as enc, exit_on_failures, write

assert not jax.config.jax_enable_x64, "fixtures must be generated with x64 disabled"

F32 = np.float32

# Tolerances used by the TypeScript tests (kept in sync with test/*.test.ts).
TOL_DEFAULT = dict(rtol=1e-5, atol=1e-6)
TOL_COMPOSITE = dict(rtol=2e-5, atol=1e-5)
TOL_MLP = dict(rtol=1e-5, atol=1e-6)
TOL_VMAP = dict(rtol=1e-5, atol=1e-5)
TOL_REGRESSION = dict(rtol=1e-4, atol=1e-5)
# The float32 JAX result must be within this fraction of the test tolerance of
# the float64 reference.
SELF_CHECK_FRACTION = 0.25


# --------------------------------------------------------------------------
# float64 self-check
# --------------------------------------------------------------------------

_check_failures: list[str] = []


def _to64(tree):
    return jax.tree_util.tree_map(lambda a: jnp.asarray(np.asarray(a, dtype=np.float64)), tree)


def self_check(label, compute, inputs, got32, tol):
    """Recompute `compute(*inputs)` in float64 and compare with the float32 result."""
    with jax.enable_x64(True):
        ref = compute(*_to64(inputs))
        ref_leaves = [np.asarray(v, dtype=np.float64) for v in jax.tree_util.tree_leaves(ref)]
    compare_leaves(label, jax.tree_util.tree_leaves(got32), ref_leaves, tol, SELF_CHECK_FRACTION, _check_failures)


def f32(a):
    return np.asarray(a, dtype=F32)


# --------------------------------------------------------------------------
# 1. sine.json
# --------------------------------------------------------------------------

def make_sine():
    x = jnp.linspace(-jnp.pi, jnp.pi, 1000)
    assert x.dtype == jnp.float32
    dsin = jax.vmap(jax.grad(jnp.sin))(x)
    cos = jnp.cos(x)
    self_check("sine/vmap(grad(sin))", lambda x: jax.vmap(jax.grad(jnp.sin))(x), (x,), dsin, TOL_DEFAULT)
    write("sine.json", {
        "description": "x = jnp.linspace(-pi, pi, 1000) (float32); grad_sin = vmap(grad(jnp.sin))(x); cos = jnp.cos(x)",
        "x": enc(x),
        "grad_sin": enc(dsin),
        "cos": enc(cos),
    })


# --------------------------------------------------------------------------
# 2. composite_grads.json
# --------------------------------------------------------------------------
# Each function is mirrored one-for-one in test/golden_grads.test.ts.
# No slicing/indexing is used (the jaxts indexing API is not part of the contract).

def c_broadcast_poly(x, y):  # x [2,3], y [3]
    return jnp.sum((x + y) ** 2 * x - y / (x ** 2 + 1.0))


def c_exp_log_sqrt(x):  # x [4,4] positive
    return jnp.mean(jnp.log(x) * jnp.exp(-x) + jnp.sqrt(x) * jnp.tanh(x))


def c_softmax_keepdims(x, y):  # x [2,3], y [2,3]
    z = x - jnp.max(x, axis=1, keepdims=True)
    e = jnp.exp(z)
    p = e / jnp.sum(e, axis=1, keepdims=True)
    return jnp.sum(p * y)


def c_max_min_reductions(x):  # x [4,4]
    return (jnp.sum(jnp.max(x, axis=0))
            + jnp.min(x) * jnp.mean(jnp.max(x, axis=1, keepdims=True) * x)
            - jnp.sum(jnp.min(x, axis=1) ** 2))


def c_matmul_chain(a, b):  # a [3,4], b [4,4]
    return jnp.sum(jnp.tanh(a @ b) @ b.T * a) + jnp.mean((a @ b @ b) ** 2)


def c_trig(x):  # x [3] in (-1, 1)
    return jnp.sum(jnp.sin(x) * jnp.cos(2.0 * x) + jnp.tan(x / 2.0) ** 2)


def c_where_abs_sign(x):  # x [2,3]
    return jnp.sum(jnp.where(x > 0, x ** 3, jnp.abs(x) * 0.5) + jnp.sign(x) * x ** 2)


def c_maximum_minimum(x, y):  # x [3], y [3]
    return jnp.sum(jnp.maximum(x, y) * 2.0 - jnp.minimum(x, y) ** 2 + jnp.maximum(x, 0.0) * y)


def c_concat_stack_prod(x, y):  # x [2,3], y [2,3]
    c = jnp.concatenate([x, y * y], axis=1)  # [2,6]
    s = jnp.stack([x, y], axis=0)  # [2,2,3]
    t = jnp.reshape(jnp.stack([x, y], axis=2), (2, 6))  # [2,3,2] -> [2,6]
    return jnp.sum(jnp.sin(c)) + jnp.sum(jnp.prod(s, axis=0)) + jnp.sum(t * c)


def c_outer_reshape_transpose(x, y):  # x [3], y [2,3]
    m = jnp.outer(x, x) @ y.T  # [3,2]
    return jnp.sum(jnp.reshape(m, (2, 3)) * y) + jnp.sum(jnp.transpose(y) * jnp.reshape(x, (3, 1)))


def c_log1p_expm1_pow(x):  # x [4,4]
    return (jnp.mean(jnp.log1p(x ** 2) * jnp.expm1(-jnp.abs(x)))
            + jnp.sum(jnp.abs(x) ** 1.5)
            + jnp.sum(jnp.sqrt(jnp.square(x) + 1.0)))


def c_keepdims_normalize_prod(x):  # x [4,4] positive
    return (jnp.sum(jnp.prod(x, axis=1))
            + jnp.sum((x - jnp.mean(x, axis=1, keepdims=True)) ** 2
                      / (jnp.min(x, axis=0, keepdims=True) + 1.0)))


def c_dot_vectors(x, y):  # x [3], y [3]
    return jnp.dot(x, y) * jnp.sum(x) + jnp.dot(jnp.exp(x), y) ** 2


def c_power_arrays(x, y):  # x [2,3] positive, y [3]
    return jnp.sum(jnp.power(x, y)) + jnp.sum(x ** 2.5 / (1.0 + y ** 2))


def c_multi_axis_reduce(x):  # x [2,3,4]
    return (jnp.sum(jnp.tanh(jnp.mean(x ** 2, axis=(0, 2))))
            + jnp.sum(jnp.mean(x, axis=(1, 2), keepdims=True) * x)
            + jnp.sum(jnp.max(x, axis=(0, 1))))


def c_transpose3d_batched_matmul(x, y):  # x [2,3,4], y [4]
    t = jnp.transpose(x, (2, 0, 1))  # [4,2,3]
    return (jnp.sum(jnp.sin(t) * jnp.reshape(y, (4, 1, 1)))
            + jnp.mean(jnp.matmul(t, jnp.transpose(x, (2, 1, 0))) ** 2))  # [4,2,3]@[4,3,2]


def _normal(rng, shape, scale=1.0):
    return f32(rng.randn(*shape) * scale)


def _uniform(rng, shape, lo, hi):
    return f32(rng.uniform(lo, hi, size=shape))


# name -> (function, list of input makers)
COMPOSITES = {
    "broadcast_poly": (c_broadcast_poly, [lambda r: _normal(r, (2, 3)), lambda r: _normal(r, (3,))]),
    "exp_log_sqrt": (c_exp_log_sqrt, [lambda r: _uniform(r, (4, 4), 0.5, 2.0)]),
    "softmax_keepdims": (c_softmax_keepdims, [lambda r: _normal(r, (2, 3)), lambda r: _normal(r, (2, 3))]),
    "max_min_reductions": (c_max_min_reductions, [lambda r: _normal(r, (4, 4))]),
    "matmul_chain": (c_matmul_chain, [lambda r: _normal(r, (3, 4)), lambda r: _normal(r, (4, 4), 0.5)]),
    "trig": (c_trig, [lambda r: _uniform(r, (3,), -1.0, 1.0)]),
    "where_abs_sign": (c_where_abs_sign, [lambda r: _normal(r, (2, 3))]),
    "maximum_minimum": (c_maximum_minimum, [lambda r: _normal(r, (3,)), lambda r: _normal(r, (3,))]),
    "concat_stack_prod": (c_concat_stack_prod, [lambda r: _normal(r, (2, 3)), lambda r: _normal(r, (2, 3))]),
    "outer_reshape_transpose": (c_outer_reshape_transpose, [lambda r: _normal(r, (3,)), lambda r: _normal(r, (2, 3))]),
    "log1p_expm1_pow": (c_log1p_expm1_pow, [lambda r: _normal(r, (4, 4))]),
    "keepdims_normalize_prod": (c_keepdims_normalize_prod, [lambda r: _uniform(r, (4, 4), 0.5, 1.5)]),
    "dot_vectors": (c_dot_vectors, [lambda r: _normal(r, (3,), 0.5), lambda r: _normal(r, (3,))]),
    "power_arrays": (c_power_arrays, [lambda r: _uniform(r, (2, 3), 0.5, 2.0), lambda r: _uniform(r, (3,), -1.0, 2.0)]),
    "multi_axis_reduce": (c_multi_axis_reduce, [lambda r: _normal(r, (2, 3, 4))]),
    "transpose3d_batched_matmul": (c_transpose3d_batched_matmul, [lambda r: _normal(r, (2, 3, 4)), lambda r: _normal(r, (4,))]),
}


def _min_gap(a):
    """Smallest distance between two distinct-position values (to avoid ties in max/min)."""
    v = np.sort(np.asarray(a).reshape(-1))
    return float(np.min(np.diff(v))) if v.size > 1 else np.inf


def make_composites():
    cases = {}
    for i, (name, (fn, makers)) in enumerate(COMPOSITES.items()):
        rng = np.random.RandomState(1000 + i)
        args = tuple(m(rng) for m in makers)
        for a in args:
            # keep clear of kinks (abs/sign/where/max ties) so the gradient is unambiguous
            assert np.min(np.abs(a)) > 1e-3, (name, "input too close to 0")
            assert _min_gap(a) > 1e-6, (name, "tie in input")
        if name == "maximum_minimum":
            assert np.min(np.abs(args[0] - args[1])) > 1e-3
        argnums = tuple(range(len(args)))
        value, grads = jax.value_and_grad(fn, argnums=argnums)(*args)
        self_check(f"composite/{name}",
                   lambda *a, fn=fn, argnums=argnums: jax.value_and_grad(fn, argnums=argnums)(*a),
                   args, (value, grads), TOL_COMPOSITE)
        cases[name] = {
            "args": enc(list(args)),
            "value": enc(value),
            "grads": enc(list(grads)),
        }
    write("composite_grads.json", {
        "description": "value and grad (argnums = all args) of scalar composite functions; "
                       "functions are defined in scripts/make_fixtures.py and mirrored in test/golden_grads.test.ts",
        "cases": cases,
    })


# --------------------------------------------------------------------------
# 3. mlp.json
# --------------------------------------------------------------------------

def mlp_loss(params, x, y):
    h = jnp.tanh(x @ params["w1"] + params["b1"])
    pred = h @ params["w2"] + params["b2"]
    return jnp.mean((pred - y) ** 2)


def make_mlp():
    rng = np.random.RandomState(42)
    params = {
        "w1": _normal(rng, (4, 8), 0.5),
        "b1": _normal(rng, (8,), 0.5),
        "w2": _normal(rng, (8, 3), 0.5),
        "b2": _normal(rng, (3,), 0.5),
    }
    x = _normal(rng, (5, 4))
    y = _normal(rng, (5, 3))
    loss, grads = jax.value_and_grad(mlp_loss)(params, x, y)
    self_check("mlp/value_and_grad", lambda p, x, y: jax.value_and_grad(mlp_loss)(p, x, y),
               (params, x, y), (loss, grads), TOL_MLP)
    write("mlp.json", {
        "description": "loss = mean((tanh(x @ w1 + b1) @ w2 + b2 - y) ** 2); grads = grad(loss)(params, x, y)",
        "params": enc(params),
        "x": enc(x),
        "y": enc(y),
        "loss": enc(loss),
        "grads": enc(grads),
    })


# --------------------------------------------------------------------------
# 4. docstrings.json
# --------------------------------------------------------------------------
# Each case: {"inputs": {...}, "outputs": {...}}; the TS test knows how to use them.

def _case(cases, name, compute, inputs: dict, tol=TOL_DEFAULT):
    """compute(**inputs) -> dict of outputs (pytrees)."""
    keys = list(inputs)
    vals = tuple(inputs[k] for k in keys)

    def call(*vs):
        return compute(**dict(zip(keys, vs)))

    outputs = call(*vals)
    self_check(name, call, vals, outputs, tol)
    cases[name] = {"inputs": enc(inputs), "outputs": enc(outputs)}


def jacfwd_doc_f(x):
    return jnp.asarray([x[0], 5 * x[2], 4 * x[1] ** 2 - 2 * x[2], x[2] * jnp.sin(x[0])])


def hessian_doc_g(x):
    return x[0] ** 3 - 2 * x[0] * x[1] - x[1] ** 6


def hessian_doc_pytree_f(dct):
    return {"c": jnp.power(dct["a"], dct["b"])}


def vjp_doc_f(x, y):
    return jnp.sin(x), jnp.cos(y)


def linearize_doc_f(x):
    return 3. * jnp.sin(x) + jnp.cos(x / 2.)


def jac_matrix_f(x):  # [2,3] -> [2]
    return jnp.sum(jnp.sin(x) * x, axis=1) + jnp.max(x, axis=1) ** 2


def jac_pytree_f(p):  # {"a": [2], "b": [3]} -> [[2], []]
    return [p["a"] * jnp.sum(p["b"]), jnp.sum(jnp.exp(p["a"])) * jnp.prod(p["b"])]


def jac_argnums_f(x, y):  # x [3], y [2] -> [2]
    return jnp.tanh(y * jnp.sum(x ** 2)) + jnp.outer(y, x) @ x


def hessian_matrix_f(x):  # [2,3] -> []
    return jnp.sum(x ** 3) * jnp.sum(jnp.sin(x))


def make_docstrings():
    cases = {}
    rng = np.random.RandomState(7)

    # --- from the docstrings in jax/_src/api.py ---
    _case(cases, "grad_tanh", lambda x: {"grad": jax.grad(jnp.tanh)(x)}, {"x": f32(0.2)})

    def jvp_sin(x, t):
        p, tt = jax.jvp(jnp.sin, (x,), (t,))
        return {"primal_out": p, "tangent_out": tt}
    _case(cases, "jvp_sin", jvp_sin, {"x": f32(0.1), "t": f32(0.2)})

    x_doc = f32([1., 2., 3.])
    _case(cases, "jacfwd_doc", lambda x: {"jac": jax.jacfwd(jacfwd_doc_f)(x)}, {"x": x_doc})
    _case(cases, "jacrev_doc", lambda x: {"jac": jax.jacrev(jacfwd_doc_f)(x)}, {"x": x_doc})

    _case(cases, "hessian_doc", lambda x: {"hessian": jax.hessian(hessian_doc_g)(x)}, {"x": f32([1., 2.])})

    _case(cases, "hessian_doc_pytree", lambda p: {"hessian": jax.hessian(hessian_doc_pytree_f)(p)},
          {"p": {"a": f32(np.arange(2.) + 1.), "b": f32(np.arange(2.) + 2.)}})

    def vjp_doc(x, y, ct_x, ct_y):
        primals, f_vjp = jax.vjp(vjp_doc_f, x, y)
        xbar, ybar = f_vjp((ct_x, ct_y))
        return {"primals_out": list(primals), "xbar": xbar, "ybar": ybar}
    _case(cases, "vjp_doc", vjp_doc, {"x": f32(0.5), "y": f32(1.0), "ct_x": f32(-0.7), "ct_y": f32(0.3)})

    def linearize_doc(x, t1, t2):
        y_jvp, t_jvp = jax.jvp(linearize_doc_f, (x,), (t1,))
        y, f_jvp = jax.linearize(linearize_doc_f, x)
        return {"jvp_primal_out": y_jvp, "jvp_tangent_out": t_jvp,
                "linearize_primal_out": y, "f_jvp_t1": f_jvp(t1), "f_jvp_t2": f_jvp(t2)}
    _case(cases, "linearize_doc", linearize_doc, {"x": f32(2.), "t1": f32(3.), "t2": f32(4.)})

    # --- extra: hessian(lambda x: jnp.sum(x**3)) ---
    _case(cases, "hessian_sum_cubed", lambda x: {"hessian": jax.hessian(lambda x: jnp.sum(x ** 3))(x)},
          {"x": _normal(rng, (3,))})

    # --- extra: non-1-D inputs / pytrees / argnums ---
    xm = _normal(rng, (2, 3))
    _case(cases, "jac_matrix_input",
          lambda x: {"jacfwd": jax.jacfwd(jac_matrix_f)(x), "jacrev": jax.jacrev(jac_matrix_f)(x),
                     "value": jac_matrix_f(x)},
          {"x": xm})

    p = {"a": _normal(rng, (2,)), "b": _normal(rng, (3,))}
    _case(cases, "jac_pytree",
          lambda p: {"jacfwd": jax.jacfwd(jac_pytree_f)(p), "jacrev": jax.jacrev(jac_pytree_f)(p),
                     "value": jac_pytree_f(p)},
          {"p": p})

    _case(cases, "jac_argnums",
          lambda x, y: {"jacfwd": list(jax.jacfwd(jac_argnums_f, argnums=(0, 1))(x, y)),
                        "jacrev": list(jax.jacrev(jac_argnums_f, argnums=(0, 1))(x, y))},
          {"x": _normal(rng, (3,)), "y": _normal(rng, (2,))})

    _case(cases, "hessian_matrix_input", lambda x: {"hessian": jax.hessian(hessian_matrix_f)(x)},
          {"x": _normal(rng, (2, 3))})

    # sanity: docstring printed values
    assert abs(float(cases["grad_tanh"]["outputs"]["grad"]["data"][0]) - 0.961043) < 1e-6
    assert abs(cases["jvp_sin"]["outputs"]["tangent_out"]["data"][0] - 0.19900084) < 1e-7
    assert abs(cases["vjp_doc"]["outputs"]["xbar"]["data"][0] - (-0.61430776)) < 1e-7
    assert abs(cases["linearize_doc"]["outputs"]["f_jvp_t2"]["data"][0] - (-6.676704)) < 1e-6
    assert cases["hessian_doc"]["outputs"]["hessian"]["data"] == [6.0, -2.0, -2.0, -480.0]

    write("docstrings.json", {
        "description": "examples from the docstrings of jax.grad/jvp/jacfwd/jacrev/hessian/vjp/linearize, "
                       "plus jacobians/hessians on matrix and pytree inputs; each case has inputs and outputs",
        "cases": cases,
    })


# --------------------------------------------------------------------------
# 5. vmap.json
# --------------------------------------------------------------------------

def per_example_loss(w, x, y):  # w [3], x [3], y []
    return (jnp.tanh(jnp.dot(x, w)) - y) ** 2


def dict_prefix_f(params, x):  # params {"w": [3,2], "b": [2]}, x [3]
    return jnp.tanh(x @ params["w"] + params["b"])


def docstring_foo(tree_arg):
    x, (y, z) = tree_arg
    return jnp.dot(x, jnp.dot(y, z))


def _case_vmap(cases, name, compute, inputs):
    _case(cases, name, compute, inputs, tol=TOL_VMAP)


def make_vmap():
    cases = {}
    rng = np.random.RandomState(11)

    _case_vmap(cases, "in_axes_0_none",
               lambda a, b: {"out": jax.vmap(lambda a, b: a @ b, in_axes=(0, None))(a, b)},
               {"a": _normal(rng, (5, 3, 4)), "b": _normal(rng, (4, 2))})

    _case_vmap(cases, "in_axes_1_0_out_axes_1",
               lambda a, b: {"out": jax.vmap(lambda a, b: a * b + jnp.sin(a), in_axes=(1, 0), out_axes=1)(a, b)},
               {"a": _normal(rng, (3, 5)), "b": _normal(rng, (5, 3))})

    _case_vmap(cases, "in_axes_none_0",
               lambda w, x: {"out": jax.vmap(lambda w, x: jnp.tanh(w @ x), in_axes=(None, 0))(w, x)},
               {"w": _normal(rng, (2, 3)), "x": _normal(rng, (4, 3))})

    _case_vmap(cases, "in_axes_negative",
               lambda x: {"out": jax.vmap(lambda v: v * jnp.sum(v), in_axes=-1)(x)},
               {"x": _normal(rng, (3, 4))})

    _case_vmap(cases, "nested_vmap_dot",
               lambda a, b: {"out": jax.vmap(jax.vmap(jnp.dot))(a, b)},
               {"a": _normal(rng, (4, 5, 3)), "b": _normal(rng, (4, 5, 3))})

    _case_vmap(cases, "per_example_grads",
               lambda w, x, y: {"out": jax.vmap(jax.grad(per_example_loss), in_axes=(None, 0, 0))(w, x, y)},
               {"w": _normal(rng, (3,)), "x": _normal(rng, (6, 3)), "y": _normal(rng, (6,))})

    _case_vmap(cases, "dict_in_axes_prefix",
               lambda params, x: {"out": jax.vmap(dict_prefix_f, in_axes=({"w": 0, "b": None}, None))(params, x)},
               {"params": {"w": _normal(rng, (5, 3, 2)), "b": _normal(rng, (2,))}, "x": _normal(rng, (3,))})

    # --- from the jax.vmap docstring (vdot == dot for real 1-D vectors) ---
    vv = lambda x, y: jnp.dot(x, y)  # noqa: E731  ([a], [a]) -> []
    mv = jax.vmap(vv, (0, None), 0)  # ([b,a], [a]) -> [b]
    mm = jax.vmap(mv, (None, 1), 1)  # ([b,a], [a,c]) -> [b,c]
    mv1 = jax.vmap(vv, (0, 0), 0)  # ([b,a], [b,a]) -> [b]
    mv2 = jax.vmap(vv, (0, 1), 0)  # ([b,a], [a,b]) -> [b]
    mm2 = jax.vmap(mv2, (1, 1), 0)  # ([b,c,a], [a,c,b]) -> [c,b]
    B_, A_, C_ = 3, 4, 5
    _case_vmap(cases, "doc_mv", lambda x, y: {"out": mv(x, y)}, {"x": _normal(rng, (B_, A_)), "y": _normal(rng, (A_,))})
    _case_vmap(cases, "doc_mm", lambda x, y: {"out": mm(x, y)}, {"x": _normal(rng, (B_, A_)), "y": _normal(rng, (A_, C_))})
    _case_vmap(cases, "doc_mv1", lambda x, y: {"out": mv1(x, y)}, {"x": _normal(rng, (B_, A_)), "y": _normal(rng, (B_, A_))})
    _case_vmap(cases, "doc_mv2", lambda x, y: {"out": mv2(x, y)}, {"x": _normal(rng, (B_, A_)), "y": _normal(rng, (A_, B_))})
    _case_vmap(cases, "doc_mm2", lambda x, y: {"out": mm2(x, y)},
               {"x": _normal(rng, (B_, C_, A_)), "y": _normal(rng, (A_, C_, B_))})

    A, B, C, D = 2, 3, 4, 5
    K = 6
    _case_vmap(cases, "doc_tree_unbatched",
               lambda x, y, z: {"out": docstring_foo((x, (y, z)))},
               {"x": f32(np.ones((A, B))), "y": f32(np.ones((B, C))), "z": f32(np.ones((C, D)))})
    _case_vmap(cases, "doc_tree_in_axes",
               lambda x, y, z: {"out": jax.vmap(docstring_foo, in_axes=((0, (1, 2)),))((x, (y, z)))},
               {"x": _normal(rng, (K, A, B)), "y": _normal(rng, (B, K, C)), "z": _normal(rng, (C, D, K))})
    assert cases["doc_tree_in_axes"]["outputs"]["out"]["shape"] == [6, 2, 5]

    _case_vmap(cases, "doc_dict_in_axes",
               lambda a, b, x: {"out": jax.vmap(lambda dct, x: dct["a"] + dct["b"] + x,
                                                in_axes=({"a": None, "b": 0}, None))({"a": a, "b": b}, x)},
               {"a": f32(0.), "b": f32(np.arange(5.)), "x": f32(1.)})
    assert cases["doc_dict_in_axes"]["outputs"]["out"]["data"] == [1., 2., 3., 4., 5.]

    _case_vmap(cases, "doc_out_axes_none",
               lambda x, y: {"out": list(jax.vmap(lambda x, y: (x + y, y * 2.), in_axes=(0, None),
                                                  out_axes=(0, None))(x, y))},
               {"x": f32(np.arange(2.)), "y": f32(4.)})
    assert cases["doc_out_axes_none"]["outputs"]["out"][1]["shape"] == []

    _case_vmap(cases, "doc_out_axes_broadcast",
               lambda x, y: {"out": list(jax.vmap(lambda x, y: (x + y, y * 2.), in_axes=(0, None),
                                                  out_axes=0)(x, y))},
               {"x": f32(np.arange(2.)), "y": f32(4.)})
    assert cases["doc_out_axes_broadcast"]["outputs"]["out"][1]["data"] == [8., 8.]

    write("vmap.json", {
        "description": "jax.vmap with in_axes/out_axes variants, nested vmap, vmap(grad), pytree in_axes prefixes, "
                       "and the examples of the jax.vmap docstring; each case has inputs and outputs",
        "cases": cases,
    })


# --------------------------------------------------------------------------
# 6. regression.json
# --------------------------------------------------------------------------

def regression_loss(b0, b1, X, y):
    return jnp.mean((y - (b0 + b1 * X)) ** 2)


def regression_run(X, y, steps, step_size):
    dtype = X.dtype
    b0 = jnp.asarray(0.0, dtype=dtype)
    b1 = jnp.asarray(0.0, dtype=dtype)
    g0_fn = jax.grad(regression_loss, argnums=0)
    g1_fn = jax.grad(regression_loss, argnums=1)
    b0s, b1s, losses = [], [], []
    for _ in range(steps):
        losses.append(regression_loss(b0, b1, X, y))  # loss at the parameters *before* this step
        g0 = g0_fn(b0, b1, X, y)
        g1 = g1_fn(b0, b1, X, y)
        b0 = b0 - step_size * g0
        b1 = b1 - step_size * g1
        b0s.append(b0)
        b1s.append(b1)
    return {"b0": jnp.stack(b0s), "b1": jnp.stack(b1s), "loss": jnp.stack(losses)}


def make_regression():
    rng = np.random.RandomState(0)
    X = f32(rng.rand(100))  # uniform [0, 1)
    noise = f32(rng.randn(100) * 2)
    y = f32(3 + 34.41 * X.astype(np.float64) + noise)
    steps, step_size = 500, 0.1
    traj = regression_run(jnp.asarray(X), jnp.asarray(y), steps, step_size)
    for k, v in traj.items():
        assert v.dtype == jnp.float32 and v.shape == (steps,), k
    self_check("regression/trajectory", lambda X, y: regression_run(X, y, steps, step_size),
               (X, y), traj, TOL_REGRESSION)
    write("regression.json", {
        "description": "loss(b0, b1, X, y) = mean((y - (b0 + b1 * X)) ** 2); b0 = b1 = 0 (float32); "
                       "for each of 500 steps: loss[i] = loss at the current params, "
                       "g0 = grad(loss, argnums=0), g1 = grad(loss, argnums=1), "
                       "b0 -= step_size * g0, b1 -= step_size * g1; b0[i], b1[i] = params after step i",
        "step_size": step_size,
        "steps": steps,
        "X": enc(X),
        "y": enc(y),
        "b0": enc(traj["b0"]),
        "b1": enc(traj["b1"]),
        "loss": enc(traj["loss"]),
    })


def main():
    make_sine()
    make_composites()
    make_mlp()
    make_docstrings()
    make_vmap()
    make_regression()
    exit_on_failures(_check_failures, "float64 self-check failed (float32 result too far from the float64 reference)")
    print("all fixtures written; float64 self-check passed")


if __name__ == "__main__":
    main()
