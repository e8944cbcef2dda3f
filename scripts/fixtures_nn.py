#!/usr/bin/env python3
"""Golden fixtures for jaxts.nn (test/fixtures/nn_*.json), computed with real JAX.

Usage:  ~/jax-venv/bin/python scripts/fixtures_nn.py

Everything runs with JAX's defaults (float32, x64 disabled). Inputs come from fixed-seed
numpy streams, rounded to float32 and stored in the fixtures.

Each case is {"fn", "args", "kwargs", "out", "ct", "grad"}:
  * fn names the jax.nn function; the TypeScript test (test/nn_*.test.ts) maps it to the
    jaxts function and passes `args` (arrays) and `kwargs` (JSON options) the same way;
  * out is the result (a list for functions that return several arrays);
  * grad holds, for each differentiable argument named in it, the gradient of
        loss = sum(where(isfinite(out0), out0, 0) * ct)
    where out0 is the (first) result: a vector-Jacobian product with a random cotangent,
    with non-finite outputs (masked logSoftmax entries, -inf logsumexps) left out.

Arrays are {shape, dtype, data}; non-finite floats are written as the strings
"Infinity", "-Infinity" and "NaN" (JSON has no literal for them; JS's Number() reads them).

After generating, every case is recomputed in float64 on the same float32 inputs, and the
float32 result must be well inside the tolerance the TypeScript test uses (and non-finite
exactly where the float64 result is), so the fixtures don't depend on XLA's rounding.
"""

from __future__ import annotations

from functools import partial

import numpy as np

import jax
import jax.numpy as jnp

from fixture_helpers import compare_leaves, encode, exit_on_failures, write

assert not jax.config.jax_enable_x64, "fixtures must be generated with x64 disabled"

F32 = np.float32

# Tolerances of the TypeScript tests (keep in sync with test/nn_*.test.ts).
TOL = {
    "activations": dict(rtol=2e-5, atol=3e-6),
    "softmax": dict(rtol=2e-5, atol=1e-6),
    "attention": dict(rtol=1e-4, atol=1e-5),
}
SELF_CHECK_FRACTION = 0.25
_check_failures: list[str] = []
# masked softmax entries and -inf logsumexps are part of the results
enc = partial(encode, nonfinite=True)


# --------------------------------------------------------------------------
# cases
# --------------------------------------------------------------------------

def _leaves(out):
    return list(out) if isinstance(out, (list, tuple)) else [out]


def _evaluate(fn, args, kwargs, ct, diff):
    """(outputs, {name: grad}) for fn(**args, **kwargs)."""
    out = fn(**args, **kwargs)
    if not diff:
        return out, {}

    def loss(dargs):
        y = _leaves(fn(**{**args, **dargs}, **kwargs))[0]
        return jnp.sum(jnp.where(jnp.isfinite(y), y, 0) * ct)

    grads = jax.grad(loss)({k: args[k] for k in diff})
    return out, grads


def _self_check(label, fn, args, kwargs, ct, diff, got, tol):
    with jax.enable_x64(True):
        def up(a):
            a = np.asarray(a)
            return jnp.asarray(a.astype(np.float64) if a.dtype == np.float32 else a)
        args64 = {k: up(v) for k, v in args.items()}
        ct64 = None if ct is None else up(ct)
        ref = _evaluate(fn, args64, kwargs, ct64, diff)
        ref_leaves = [np.asarray(v, dtype=np.float64) for v in jax.tree_util.tree_leaves(ref)]
    compare_leaves(label, jax.tree_util.tree_leaves(got), ref_leaves, tol, SELF_CHECK_FRACTION, _check_failures)


def make_cases(fns, specs, tol, seed):
    """specs: (name, fn, args, kwargs, diff) -> fixture cases."""
    rng = np.random.RandomState(seed)
    cases = {}
    for name, fn_name, args, kwargs, diff in specs:
        fn = fns[fn_name]
        out = fn(**args, **kwargs)
        ct = F32(rng.randn(*np.shape(_leaves(out)[0]))) if diff else None
        got = _evaluate(fn, args, kwargs, ct, diff)
        _self_check(name, fn, args, kwargs, ct, diff, got, tol)
        out, grads = got
        case = {"fn": fn_name, "args": enc(args), "kwargs": kwargs, "out": enc(out)}
        if diff:
            case["ct"] = enc(ct)
            case["grad"] = enc(grads)
        cases[name] = case
    return cases


def normal(rng, shape, scale=1.0):
    return F32(rng.randn(*shape) * scale)


# --------------------------------------------------------------------------
# nn_activations.json
# --------------------------------------------------------------------------

ACTIVATIONS = {
    "identity": lambda x: jax.nn.identity(x),
    "relu": lambda x: jax.nn.relu(x),
    "relu6": lambda x: jax.nn.relu6(x),
    "sigmoid": lambda x: jax.nn.sigmoid(x),
    "softplus": lambda x: jax.nn.softplus(x),
    "softSign": lambda x: jax.nn.soft_sign(x),
    "silu": lambda x: jax.nn.silu(x),
    "mish": lambda x: jax.nn.mish(x),
    "logSigmoid": lambda x: jax.nn.log_sigmoid(x),
    "elu": lambda x, alpha=1.0: jax.nn.elu(x, alpha),
    "selu": lambda x: jax.nn.selu(x),
    "celu": lambda x, alpha=1.0: jax.nn.celu(x, alpha),
    "leakyRelu": lambda x, negativeSlope=1e-2: jax.nn.leaky_relu(x, negativeSlope),
    "hardTanh": lambda x: jax.nn.hard_tanh(x),
    "hardSigmoid": lambda x: jax.nn.hard_sigmoid(x),
    "hardSilu": lambda x: jax.nn.hard_silu(x),
    "squareplus": lambda x, b=4.0: jax.nn.squareplus(x, b),
    "sparsePlus": lambda x: jax.nn.sparse_plus(x),
    "sparseSigmoid": lambda x: jax.nn.sparse_sigmoid(x),
    "gelu": lambda x, approximate=True: jax.nn.gelu(x, approximate=approximate),
    "glu": lambda x, axis=-1: jax.nn.glu(x, axis),
}

# kinks (0, ±1, ±3, 6), large magnitudes (stability), and everything in between
SPECIAL = F32([-1000, -100, -30, -6, -3, -2, -1, -0.5, 0, 0.5, 1, 2, 3, 6, 30, 100, 1000])


def make_activations():
    rng = np.random.RandomState(2024)
    x_rand = normal(rng, (3, 4), 3.0)
    x_3d = normal(rng, (2, 4, 6), 2.0)
    specs = []
    for fn in ACTIVATIONS:
        if fn == "glu":
            continue
        # squareplus cancels catastrophically for large negative x (in JAX too): kinks only
        special = SPECIAL[np.abs(SPECIAL) <= 6] if fn == "squareplus" else SPECIAL
        specs.append((f"{fn}/special", fn, {"x": special}, {}, ["x"]))
        specs.append((f"{fn}/random", fn, {"x": x_rand}, {}, ["x"]))
    specs += [
        ("elu/alpha", "elu", {"x": SPECIAL}, {"alpha": 0.5}, ["x"]),
        ("celu/alpha", "celu", {"x": x_rand}, {"alpha": 2.0}, ["x"]),
        ("leakyRelu/slope", "leakyRelu", {"x": SPECIAL}, {"negativeSlope": 0.2}, ["x"]),
        ("squareplus/b", "squareplus", {"x": x_rand}, {"b": 0.5}, ["x"]),
        ("gelu/exact_special", "gelu", {"x": SPECIAL}, {"approximate": False}, ["x"]),
        ("gelu/exact_random", "gelu", {"x": x_rand}, {"approximate": False}, ["x"]),
        ("glu/last", "glu", {"x": x_3d}, {}, ["x"]),
        ("glu/axis1", "glu", {"x": x_3d}, {"axis": 1}, ["x"]),
        ("glu/axis-3", "glu", {"x": x_3d}, {"axis": -3}, ["x"]),
    ]
    cases = make_cases(ACTIVATIONS, specs, TOL["activations"], 1)
    assert cases["relu/special"]["grad"]["x"]["data"][8] == 0.0, "∇relu(0) = 0"
    write("nn_activations.json", {
        "description": "jax.nn activations: value and vjp (loss = sum(out * ct)) on kinks, large inputs and random inputs",
        "cases": cases,
    })


# --------------------------------------------------------------------------
# nn_softmax.json: softmax, log_softmax, logsumexp, logmeanexp, standardize, one_hot
# --------------------------------------------------------------------------

def _axis(a):
    return tuple(a) if isinstance(a, list) else a


SOFTMAX_FNS = {
    "softmax": lambda x, where=None, axis=-1: jax.nn.softmax(x, _axis(axis), where),
    "logSoftmax": lambda x, where=None, axis=-1: jax.nn.log_softmax(x, _axis(axis), where),
    "logsumexp": lambda x, b=None, where=None, axis=None, keepdims=False, returnSign=False:
        jax.nn.logsumexp(x, _axis(axis), b, keepdims, returnSign, where),
    "logmeanexp": lambda x, where=None, axis=None, keepdims=False:
        jax.nn.logmeanexp(x, _axis(axis), where, keepdims),
    "standardize": lambda x, mean=None, variance=None, where=None, axis=-1, epsilon=1e-5, algorithm="fast":
        jax.nn.standardize(x, _axis(axis), mean, variance, epsilon, where, algorithm=algorithm),
    "oneHot": lambda x, numClasses, dtype=None, axis=-1:
        jax.nn.one_hot(x, numClasses, dtype=dtype and jnp.dtype(dtype), axis=axis),
}


def make_softmax():
    rng = np.random.RandomState(7)
    x35 = normal(rng, (3, 5), 2.0)
    x234 = normal(rng, (2, 3, 4), 2.0)
    big = F32([[1000, 0], [-1000, 1000], [1e4, 1e4], [-50, -1e4]])
    neg_inf = F32([[-np.inf, 0, 1], [2, -np.inf, -np.inf], [-np.inf, -np.inf, 5]])
    mask35 = rng.rand(3, 5) > 0.4
    mask35[:, 0] = True  # no fully masked row
    pos_inf = F32([[np.inf, 0, 1], [2, 3, 4]])
    all_neg_inf = F32([[-np.inf, -np.inf, -np.inf], [0, 1, 2]])
    b_pos = F32(rng.uniform(0.5, 2.0, size=(5,)))
    b_zero = F32([1, 0, 2, 0, 0.5])
    b_neg = F32([[1, -3, 0.5, 1, 1], [1, 1, 1, 1, 1], [-1, -1, -1, -1, -1]])
    specs = []
    for fn in ("softmax", "logSoftmax"):
        specs += [
            (f"{fn}/last", fn, {"x": x35}, {}, ["x"]),
            (f"{fn}/axis0", fn, {"x": x35}, {"axis": 0}, ["x"]),
            (f"{fn}/3d_axis1", fn, {"x": x234}, {"axis": 1}, ["x"]),
            (f"{fn}/3d_axes-1_0", fn, {"x": x234}, {"axis": [-1, 0]}, ["x"]),
            (f"{fn}/3d_all", fn, {"x": x234}, {"axis": None}, ["x"]),
            (f"{fn}/large", fn, {"x": big}, {}, ["x"]),
            (f"{fn}/neg_inf", fn, {"x": neg_inf}, {}, ["x"]),
            (f"{fn}/where", fn, {"x": x35, "where": mask35}, {}, ["x"]),
        ]
    specs += [
        ("logsumexp/all", "logsumexp", {"x": x35}, {}, ["x"]),
        ("logsumexp/axis1", "logsumexp", {"x": x35}, {"axis": 1}, ["x"]),
        ("logsumexp/axis-1_keepdims", "logsumexp", {"x": x35}, {"axis": -1, "keepdims": True}, ["x"]),
        ("logsumexp/axis0", "logsumexp", {"x": x35}, {"axis": 0}, ["x"]),
        ("logsumexp/3d_axes", "logsumexp", {"x": x234}, {"axis": [-1, 0]}, ["x"]),
        ("logsumexp/3d_all_keepdims", "logsumexp", {"x": x234}, {"keepdims": True}, ["x"]),
        ("logsumexp/large", "logsumexp", {"x": big}, {"axis": 1}, ["x"]),
        ("logsumexp/neg_inf", "logsumexp", {"x": neg_inf}, {"axis": 1}, ["x"]),
        ("logsumexp/all_neg_inf_row", "logsumexp", {"x": all_neg_inf}, {"axis": 1}, []),
        ("logsumexp/pos_inf", "logsumexp", {"x": pos_inf}, {"axis": 1}, []),
        ("logsumexp/b", "logsumexp", {"x": x35, "b": b_pos}, {"axis": 1}, ["x", "b"]),
        ("logsumexp/b_zeros", "logsumexp", {"x": x35, "b": b_zero}, {"axis": -1}, ["x", "b"]),
        ("logsumexp/b_negative", "logsumexp", {"x": x35, "b": b_neg}, {"axis": 1}, []),
        ("logsumexp/return_sign", "logsumexp", {"x": x35, "b": b_neg}, {"axis": 1, "returnSign": True}, ["x", "b"]),
        ("logsumexp/where", "logsumexp", {"x": x35, "where": mask35}, {"axis": 1}, ["x"]),
        ("logmeanexp/all", "logmeanexp", {"x": x35}, {}, ["x"]),
        ("logmeanexp/axis1_keepdims", "logmeanexp", {"x": x35}, {"axis": 1, "keepdims": True}, ["x"]),
        ("logmeanexp/where", "logmeanexp", {"x": x35, "where": mask35}, {"axis": 1}, ["x"]),
        ("standardize/last", "standardize", {"x": x35}, {}, ["x"]),
        ("standardize/axis0", "standardize", {"x": x35}, {"axis": 0}, ["x"]),
        ("standardize/3d_axes", "standardize", {"x": x234}, {"axis": [0, 2]}, ["x"]),
        ("standardize/all", "standardize", {"x": x234}, {"axis": None}, ["x"]),
        ("standardize/stable", "standardize", {"x": x35}, {"algorithm": "stable"}, ["x"]),
        ("standardize/epsilon", "standardize", {"x": x35}, {"epsilon": 0.5}, ["x"]),
        ("standardize/mean_variance", "standardize",
         {"x": x35, "mean": F32([[0.5], [-1], [2]]), "variance": F32([[4], [0.25], [1]])}, {}, ["x", "mean", "variance"]),
        ("standardize/where", "standardize", {"x": x35, "where": mask35}, {}, ["x"]),
        ("oneHot/basic", "oneHot", {"x": np.int32([0, 1, 2, -1, 3])}, {"numClasses": 3}, []),
        ("oneHot/2d_axis0", "oneHot", {"x": np.int32([[0, 2], [4, 1]])}, {"numClasses": 5, "axis": 0}, []),
        ("oneHot/2d_axis-2", "oneHot", {"x": np.int32([[0, 2], [4, 1]])}, {"numClasses": 5, "axis": -2}, []),
        ("oneHot/int32", "oneHot", {"x": np.int32([[1], [0]])}, {"numClasses": 2, "dtype": "int32"}, []),
    ]
    cases = make_cases(SOFTMAX_FNS, specs, TOL["softmax"], 2)
    sm = np.asarray(cases["softmax/large"]["out"]["data"][:2], dtype=np.float64)
    assert list(sm) == [1.0, 0.0], sm
    write("nn_softmax.json", {
        "description": "jax.nn softmax/log_softmax/logsumexp/logmeanexp/standardize/one_hot: value and vjp "
                       "(loss = sum(where(isfinite(out), out, 0) * ct)); non-finite floats are strings",
        "cases": cases,
    })


# --------------------------------------------------------------------------
# nn_attention.json
# --------------------------------------------------------------------------

def _attention(q, k, v, bias=None, mask=None, scale=None, isCausal=False, querySeqLengths=None,
               keyValueSeqLengths=None, localWindowSize=None, returnResidual=False):
    if isinstance(localWindowSize, list):
        localWindowSize = tuple(localWindowSize)
    return jax.nn.dot_product_attention(
        q, k, v, bias, mask, scale=scale, is_causal=isCausal, query_seq_lengths=querySeqLengths,
        key_value_seq_lengths=keyValueSeqLengths, local_window_size=localWindowSize,
        return_residual=returnResidual)


def make_attention():
    rng = np.random.RandomState(11)

    def qkv(B, T, S, N, K, H):
        lead = () if B is None else (B,)
        return {"q": normal(rng, lead + (T, N, H)), "k": normal(rng, lead + (S, K, H)), "v": normal(rng, lead + (S, K, H))}

    mha = qkv(2, 3, 4, 2, 2, 4)
    gqa = qkv(2, 3, 5, 4, 2, 3)
    mqa = qkv(1, 4, 4, 3, 1, 2)
    rect = qkv(2, 3, 5, 2, 2, 3)
    small = qkv(None, 3, 4, 2, 1, 4)
    mask = rng.rand(2, 1, 3, 5) > 0.3
    mask[..., 0] = True
    mask_full_row = np.ones((1, 1, 3, 5), dtype=bool)
    mask_full_row[0, 0, 1, :] = False  # query 1 attends to nothing: uniform weights, as in JAX
    bias = normal(rng, (1, 4, 3, 5))
    specs = [
        ("mha", "attention", mha, {}, ["q", "k", "v"]),
        ("mha_scale", "attention", mha, {"scale": 0.3}, ["q", "k", "v"]),
        ("gqa", "attention", gqa, {}, ["q", "k", "v"]),
        ("gqa_bias_mask", "attention", {**gqa, "bias": bias, "mask": mask}, {}, ["q", "k", "v", "bias"]),
        ("gqa_bias_3d", "attention", {**gqa, "bias": bias[0, :, :, :1]}, {}, ["q", "k", "v", "bias"]),
        ("gqa_fully_masked_row", "attention", {**gqa, "mask": mask_full_row}, {}, ["q", "k", "v"]),
        ("mqa_causal", "attention", mqa, {"isCausal": True}, ["q", "k", "v"]),
        ("causal_rect", "attention", rect, {"isCausal": True}, ["q", "k", "v"]),
        ("unbatched", "attention", small, {"scale": 0.7}, ["q", "k", "v"]),
        ("unbatched_causal_mask", "attention", {**small, "mask": np.array([[True, False, True, True]])},
         {"isCausal": True}, ["q", "k", "v"]),
        ("seq_lengths", "attention",
         {**rect, "querySeqLengths": np.int32([2, 3]), "keyValueSeqLengths": np.int32([3, 5])}, {}, ["q", "k", "v"]),
        ("local_window", "attention", rect, {"localWindowSize": [1, 0]}, ["q", "k", "v"]),
        ("local_window_int", "attention", gqa, {"localWindowSize": 1}, ["q", "k", "v"]),
        ("residual", "attention", {**gqa, "mask": mask}, {"returnResidual": True, "isCausal": True}, ["q", "k", "v"]),
    ]
    cases = make_cases({"attention": _attention}, specs, TOL["attention"], 3)
    write("nn_attention.json", {
        "description": "jax.nn.dot_product_attention (xla implementation): output and vjp wrt q, k, v (and bias) "
                       "with loss = sum(out * ct); layouts [B, T, N, H] / [B, S, K, H] or unbatched [T, N, H]",
        "cases": cases,
    })


# --------------------------------------------------------------------------
# nn_initializers.json
# --------------------------------------------------------------------------

_INIT_KWARGS = {"inAxis": "in_axis", "outAxis": "out_axis", "batchAxis": "batch_axis", "dtype": "dtype",
                "lower": "lower", "upper": "upper"}


def _init_factory(name, args, kwargs):
    kw = {}
    for k, v in kwargs.items():
        if k == "dtype":
            v = jnp.dtype(v)
        elif isinstance(v, list):
            v = tuple(v)
        kw[_INIT_KWARGS[k]] = v
    snake = {"truncatedNormal": "truncated_normal", "varianceScaling": "variance_scaling",
             "glorotUniform": "glorot_uniform", "glorotNormal": "glorot_normal", "lecunUniform": "lecun_uniform",
             "lecunNormal": "lecun_normal", "heUniform": "he_uniform", "heNormal": "he_normal"}.get(name, name)
    f = getattr(jax.nn.initializers, snake)
    if name in ("zeros", "ones"):
        return f
    return f(*args, **kw)


def make_initializers():
    # (init, factory args, factory kwargs, seed, shape, call dtype)
    specs = [
        ("zeros", [], {}, 0, [2, 3], None),
        ("ones", [], {}, 0, [3], "float16"),
        ("constant", [0.5], {}, 0, [2, 2], None),
        ("constant", [3], {"dtype": "int32"}, 0, [2], None),
        ("uniform", [], {}, 0, [3, 4], None),
        ("uniform", [2.0], {}, 1, [5], "float16"),
        ("normal", [], {}, 0, [3, 4], None),
        ("normal", [0.5], {}, 42, [2, 3, 4], None),
        ("normal", [1.0], {"dtype": "float16"}, 3, [6], None),
        ("truncatedNormal", [], {}, 0, [4, 5], None),
        ("truncatedNormal", [1.0], {"lower": -1.0, "upper": 0.5}, 7, [10], None),
        ("glorotUniform", [], {}, 0, [4, 6], None),
        ("glorotNormal", [], {}, 1, [3, 5], None),
        ("lecunUniform", [], {}, 2, [5, 3], None),
        ("lecunNormal", [], {}, 3, [2, 3, 4], None),
        ("heUniform", [], {}, 4, [3, 3, 2, 4], None),
        ("heNormal", [], {}, 5, [6, 4], None),
        ("varianceScaling", [0.5, "fan_out", "normal"], {}, 6, [4, 3], None),
        ("varianceScaling", [1.0, "fan_geo_avg", "uniform"], {"inAxis": [0, 1], "outAxis": 2}, 7, [2, 3, 4], None),
        ("varianceScaling", [2.0, "fan_avg", "truncated_normal"], {"batchAxis": 0}, 8, [2, 3, 4], None),
        ("varianceScaling", [1.0, "fan_in", "normal"], {"inAxis": 0, "outAxis": [1, 2]}, 9, [5, 2, 3], "float16"),
    ]
    cases = []
    for name, args, kwargs, seed, shape, dtype in specs:
        init = _init_factory(name, args, kwargs)
        key = jax.random.PRNGKey(seed)
        out = init(key, tuple(shape)) if dtype is None else init(key, tuple(shape), jnp.dtype(dtype))
        cases.append({"init": name, "args": args, "kwargs": kwargs, "seed": seed, "shape": shape, "dtype": dtype,
                      "out": enc(out)})
    write("nn_initializers.json", {
        "description": "jax.nn.initializers: init = factory(*args, **kwargs); out = init(jax.random.PRNGKey(seed), shape[, dtype])",
        "cases": cases,
    })


def main():
    make_initializers()
    make_activations()
    make_softmax()
    make_attention()
    exit_on_failures(_check_failures, "float64 self-check failed")
    print("all nn fixtures written; float64 self-check passed")


if __name__ == "__main__":
    main()
