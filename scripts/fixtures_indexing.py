#!/usr/bin/env python3
"""Golden fixtures for the indexing family (gather/scatter, sort, cumulative ops).

Usage:  ~/jax-venv/bin/python scripts/fixtures_indexing.py

Writes, with real JAX (float32, x64 disabled):
  * test/fixtures/indexing.json          x[idx] and x.at[idx].<op>(v), values and gradients,
                                           for index expressions given as item lists;
  * test/fixtures/indexing_funcs.json    take, take_along_axis, put_along_axis, nonzero,
                                           select, bincount, unravel/ravel_multi_index,
                                           cumulative ops, dynamic_slice, ...;
  * test/fixtures/indexing_sorting.json  sort, argsort, lexsort, partition, searchsorted,
                                           digitize, unique, top_k, quantiles.

Each case is mirrored by name in test/indexing.test.ts, test/indexing_funcs.test.ts and
test/sorting.test.ts. Arrays are {shape, dtype, data} (row-major), see fixture_helpers.py.
An index item is {"kind": "int"|"slice"|"none"|"ellipsis"|"array", "value": ...}: slices
are strings like "1:3" (jaxts' slice syntax), arrays are encoded integer or bool arrays.
NaN cannot be stored in JSON; cases whose outputs hold NaN are checked in TypeScript.
"""

from __future__ import annotations

import numpy as np

import jax
import jax.numpy as jnp
from jax import lax

from fixture_helpers import encode as enc, write

assert not jax.config.jax_enable_x64, "fixtures must be generated with x64 disabled"

RNG = np.random.RandomState(20240611)


def randn(*shape):
    return jnp.asarray(RNG.randn(*shape).astype(np.float32))


def uniform(lo, hi, *shape):
    return jnp.asarray(RNG.uniform(lo, hi, size=shape).astype(np.float32))


def ints(*vals):
    """ints(1, 2, 3) is a vector; ints([[...]]) keeps the nesting it is given."""
    return jnp.asarray(np.array(vals[0] if len(vals) == 1 and isinstance(vals[0], list) else vals, dtype=np.int32))


# ---------------------------------------------------------------------------
# indexing.json: x[idx] and x.at[idx]
# ---------------------------------------------------------------------------

def parse_slice(s):
    parts = [p.strip() for p in s.split(":")]
    vals = [int(p) if p else None for p in parts] + [None] * (3 - len(parts))
    return slice(*vals)


def to_index(items):
    out = []
    for it in items:
        k = it["kind"]
        if k == "int":
            out.append(it["value"])
        elif k == "slice":
            out.append(parse_slice(it["value"]))
        elif k == "none":
            out.append(None)
        elif k == "ellipsis":
            out.append(Ellipsis)
        else:
            out.append(it["value"])
    return tuple(out)


def I(v):
    return {"kind": "int", "value": v}


def Sl(s):
    return {"kind": "slice", "value": s}


NONE = {"kind": "none"}
ELL = {"kind": "ellipsis"}


def A(*vals, dtype=np.int32):
    return {"kind": "array", "value": jnp.asarray(np.array(vals, dtype=dtype))}


def enc_items(items):
    return [({"kind": it["kind"], "value": enc(it["value"])} if it["kind"] == "array" else it) for it in items]


UPDATE_OPS = ["set", "add", "multiply", "min", "max", "divide", "power"]  # power only for positive x
# ops whose gradient in the values JAX defines for repeated indices
GRAD_V_OPS = ["set", "add", "min", "max"]


def make_indexing():
    cases = {}

    def case(name, shape, items, *, scalar_value=False, modes=(), positive=False):
        x = uniform(0.5, 2.0, *shape) if positive else randn(*shape)
        idx = to_index(items)
        got = x[idx]
        v = uniform(0.5, 1.5) if scalar_value else uniform(0.5, 1.5, *got.shape)
        w_get = randn(*got.shape)
        w_upd = randn(*shape)
        out = {"get": got}
        grads = {"get_x": jax.grad(lambda x: jnp.sum(w_get * x[idx]))(x)}
        for op in UPDATE_OPS:
            if op == "power" and not positive:
                continue  # a negative base to a fractional power is NaN
            f = lambda x, v, op=op: getattr(x.at[idx], op)(v)
            out[op] = f(x, v)
            gx = jax.grad(lambda x: jnp.sum(w_upd * f(x, v)))(x)
            grads[f"{op}_x"] = gx
            if op in GRAD_V_OPS:
                grads[f"{op}_v"] = jax.grad(lambda v: jnp.sum(w_upd * f(x, v)))(v)
        for mode in modes:
            out[f"add_{mode}"] = x.at[idx].add(v, mode=mode)
            out[f"get_{mode}"] = x.at[idx].get(mode=mode, fill_value=-7.0)
        cases[name] = {
            "x": x, "v": v, "w_get": w_get, "w_upd": w_upd,
            "out": out, "grads": grads,
            "index": enc_items(items),
        }

    case("int_array_dup_neg_oob", [5], [A(0, 2, 2, -1, 7, -6)], modes=("clip", "fill"))
    case("rows", [4, 3], [A(0, 3, 3), Sl(":")])
    case("cols", [4, 3], [Sl(":"), A(2, 0)])
    case("pairs", [4, 3], [A(1, 2, 1), A(0, 2, 0)])
    case("broadcast_pairs", [4, 3], [A([0], [2], [-1]), A(1, 2)])
    case("int_slice_array_noncontiguous", [2, 3, 4], [I(0), Sl(":"), A(1, 3, 1)])
    case("array_then_slices", [2, 3, 4], [Sl(":"), A(0, 2), Sl("1:3")])
    case("newaxis_reversed", [2, 3, 4], [A(1, 0), NONE, Sl("::-1"), A(3, 0)])
    case("ellipsis_dups", [2, 3, 4], [ELL, A(1, 1, 2)])
    case("mask_full", [3, 4], [{"kind": "array", "value": jnp.asarray(RNG.rand(3, 4) > 0.5)}])
    case("mask_rows", [4, 3], [A(True, False, True, True, dtype=np.bool_)])
    case("empty_index", [4, 3], [A(*[], dtype=np.int32), Sl(":")])
    case("int_and_partial_slice", [3, 4], [I(0), Sl("1:")], scalar_value=True)
    case("strided_and_int", [5, 3], [Sl("::2"), I(-1)])
    case("scalar_array_index", [4, 3], [{"kind": "array", "value": jnp.asarray(np.int32(2))}])
    case("positive_dups_2d", [3, 3], [A(0, 0, 2), A(1, 1, 0)], positive=True)
    case("positive_rows_power", [4, 2], [A(3, -1, 0)], positive=True)
    case("all_slices", [3, 4], [Sl("1:3"), Sl("::-2")])
    write("indexing.json", {
        "description": "x[idx], x.at[idx].get(mode), and x.at[idx].<op>(v) for op in " + ", ".join(UPDATE_OPS) +
                       "; grads of sum(w_get * x[idx]) and sum(w_upd * x.at[idx].op(v)) in x (and v for " +
                       ", ".join(GRAD_V_OPS) + ")",
        "cases": {n: {**{k: enc(v) for k, v in c.items() if k != "index"}, "index": c["index"]} for n, c in cases.items()},
    })


# ---------------------------------------------------------------------------
# indexing_funcs.json
# ---------------------------------------------------------------------------

def make_funcs():
    c = {}
    x = randn(3, 4)
    c["take"] = {
        "x": x,
        "flat": jnp.take(x, ints(0, 11, 5, -1)),
        "axis1_clip": jnp.take(x, ints(3, 0, 9, -2), axis=1, mode="clip"),
        "axis0_wrap": jnp.take(x, ints([4, -1], [0, 2]), axis=0, mode="wrap"),
        "axis1_fill": jnp.take(x, ints(1, 4, -5), axis=1, mode="fill", fill_value=-3.0),
        "axis0_fill_int": jnp.take(jnp.arange(6), ints(2, 9, -1)),
        "grad_axis1": jax.grad(lambda x: jnp.sum(jnp.take(x, ints(1, 1, 3, -1), axis=1) ** 2))(x),
    }
    idx = ints([[0, 2, 1, 3], [3, 3, 0, 1], [2, 0, 0, 1]])
    c["take_along_axis"] = {
        "x": x,
        "idx": idx,
        "axis1": jnp.take_along_axis(x, idx, axis=1),
        "axis0": jnp.take_along_axis(x, ints([[2, 0, 1, 1]]), axis=0),
        "broadcast": jnp.take_along_axis(x, ints([[1], [0], [3]]), axis=1),
        "fill": jnp.take_along_axis(x, ints([[5, -1, 0, 2]]), axis=0, mode="fill", fill_value=0.5),
        "grad": jax.grad(lambda x: jnp.sum(jnp.take_along_axis(x, idx, axis=1) * jnp.arange(12.0).reshape(3, 4)))(x),
    }
    c["put_along_axis"] = {
        "x": x,
        "axis1": jnp.put_along_axis(x, ints([[0], [2], [3]]), ints([[7], [8], [9]]).astype(jnp.float32), axis=1, inplace=False),
        "axis0_scalar": jnp.put_along_axis(x, ints([[2, 0, 1, 1]]), -1.0, axis=0, inplace=False),
    }
    m = jnp.asarray(np.array([[0, 1, 0, 2], [3, 0, 0, 0], [0, 0, 5, 6]], dtype=np.int32))
    c["nonzero"] = {
        "x": m,
        "plain": jnp.nonzero(m),
        "size_pad": jnp.nonzero(m, size=7),
        "size_fill": jnp.nonzero(m, size=7, fill_value=-1),
        "size_fill_tuple": jnp.nonzero(m, size=6, fill_value=(-1, -2)),
        "size_cut": jnp.nonzero(m, size=2),
        "argwhere": jnp.argwhere(m),
        "argwhere_size": jnp.argwhere(m, size=6, fill_value=9),
        "flatnonzero": jnp.flatnonzero(m),
        "flatnonzero_size": jnp.flatnonzero(m, size=3),
    }
    y = randn(3, 4)
    c["select"] = {
        "x": x, "y": y,
        "out": jnp.select([x > 0.5, x < -0.5, y > 0], [x, y, x * y], default=-1.0),
        "out_default0": jnp.select([x > 0], [y]),
    }
    c["triangles"] = {
        "tril": jnp.tril_indices(4), "tril_k1_m5": jnp.tril_indices(3, 1, 5), "tril_km1": jnp.tril_indices(4, -1),
        "triu": jnp.triu_indices(4), "triu_k1_m3": jnp.triu_indices(4, 1, 3), "triu_km2": jnp.triu_indices(3, -2),
    }
    c["ravel_unravel"] = {
        "unravel": jnp.unravel_index(ints(22, 41, 37, -1, -42, 100, -100), (7, 6)),
        "unravel_3d": jnp.unravel_index(ints([5, 23], [0, 11]), (2, 3, 4)),
        "ravel": jnp.ravel_multi_index((ints(3, 6, 6), ints(4, 5, 1)), (7, 6)),
        "ravel_f": jnp.ravel_multi_index((ints(3, 6, 6), ints(4, 5, 1)), (7, 6), order="F"),
        "ravel_clip": jnp.ravel_multi_index((ints(3, 9, -1), ints(4, 5, 8)), (7, 6), mode="clip"),
        "ravel_wrap": jnp.ravel_multi_index((ints(3, 9, -1), ints(4, 5, 8)), (7, 6), mode="wrap"),
    }
    b = ints(0, 1, 1, 3, 2, 1, 7, -2)
    wts = uniform(0, 1, 8)
    c["bincount"] = {
        "x": b, "w": wts,
        "plain": jnp.bincount(b),
        "weights": jnp.bincount(b, wts),
        "length": jnp.bincount(b, length=4),
        "minlength": jnp.bincount(b, minlength=10),
        "grad_w": jax.grad(lambda w: jnp.sum(jnp.bincount(b, w, length=5) ** 2))(wts),
    }
    cx = uniform(0.5, 1.5, 3, 4)
    cw = randn(3, 4)
    cm = jnp.asarray(np.array([[3, 1, 4, 1], [5, 9, 2, 6], [5, 3, 5, 8]], dtype=np.float32))
    c["cumulative"] = {
        "x": cx, "w": cw, "m": cm,
        "cumsum_flat": jnp.cumsum(cx),
        "cumsum_ax1": jnp.cumsum(cx, axis=1),
        "cumsum_bool": jnp.cumsum(cx > 1.0, axis=0),
        "cumsum_int": jnp.cumsum(ints(1, 2, 3, 4)),
        "cumsum_dtype_bool": jnp.cumsum(ints(0, 2, -2, 0), dtype=bool),
        "cumprod_ax0": jnp.cumprod(cx, axis=0),
        "cumprod_int": jnp.cumprod(ints(1, 2, -3, 4)),
        "cummax_ax1": lax.cummax(cm, axis=1),
        "cummin_rev": lax.cummin(cm, axis=1, reverse=True),
        "cumsum_rev": lax.cumsum(cx, axis=0, reverse=True),
        "grad_cumsum": jax.grad(lambda x: jnp.sum(cw * jnp.cumsum(x, axis=1)))(cx),
        "grad_cumsum_rev": jax.grad(lambda x: jnp.sum(cw * lax.cumsum(x, axis=0, reverse=True)))(cx),
        "grad_cumprod": jax.grad(lambda x: jnp.sum(cw * jnp.cumprod(x, axis=1)))(cx),
        "grad_cumprod_rev": jax.grad(lambda x: jnp.sum(cw * lax.cumprod(x, axis=0, reverse=True)))(cx),
        "grad_cummax_ties": jax.grad(lambda x: jnp.sum(cw * lax.cummax(x, axis=1)))(cm),
        "grad_cummin_ties": jax.grad(lambda x: jnp.sum(cw * lax.cummin(x, axis=0)))(cm),
        "diff": jnp.diff(cm),
        "diff2_ax0": jnp.diff(cm, n=2, axis=0),
        "diff_prepend_append": jnp.diff(cm, axis=1, prepend=0.0, append=jnp.ones((3, 1))),
        "diff_bool": jnp.diff(cm > 3),
        "ediff1d": jnp.ediff1d(cm, to_begin=ints(-1, -2), to_end=100),
    }
    dm = randn(5, 6)
    dw = randn(2, 3)
    up = randn(2, 3)
    c["dynamic_slice"] = {
        "x": dm, "w": dw, "u": up,
        "ds": lax.dynamic_slice(dm, (1, 2), (2, 3)),
        "ds_clamped": lax.dynamic_slice(dm, (4, -1), (2, 3)),
        "dus": lax.dynamic_update_slice(dm, up, (1, 2)),
        "dus_clamped": lax.dynamic_update_slice(dm, up, (7, 5)),
        "grad_ds": jax.grad(lambda x: jnp.sum(dw * lax.dynamic_slice(x, (4, 2), (2, 3))))(dm),
        "grad_dus_x": jax.grad(lambda x: jnp.sum(dm * lax.dynamic_update_slice(x, up, (1, 2))))(dm),
        "grad_dus_u": jax.grad(lambda u: jnp.sum(dm * lax.dynamic_update_slice(dm, u, (1, 5))))(up),
        "vmap_ds": jax.vmap(lambda i: lax.dynamic_slice(dm, (i, i), (2, 3)))(ints(0, 2, 4)),
        "vmap_dus": jax.vmap(lambda i, u: lax.dynamic_update_slice(dm, u, (i, 1)))(ints(0, 4), jnp.stack([up, -up])),
    }
    write("indexing_funcs.json", {"description": "jnp/lax functions on gather, scatter and cumulative ops", "cases": enc(c)})


# ---------------------------------------------------------------------------
# indexing_sorting.json
# ---------------------------------------------------------------------------

def make_sorting():
    c = {}
    x = randn(3, 5)
    ties = jnp.asarray(np.array([[3, 1, 2, 1, 3], [0, 0, -0.0, 2, 1], [5, 4, 5, 4, 5]], dtype=np.float32))
    w = randn(3, 5)
    c["sort"] = {
        "x": x, "ties": ties, "w": w,
        "last": jnp.sort(x),
        "axis0": jnp.sort(x, axis=0),
        "flat": jnp.sort(x, axis=None),
        "desc": jnp.sort(ties, descending=True),
        "int": jnp.sort(ints(3, -1, 7, 0, -1)),
        "argsort": jnp.argsort(ties),
        "argsort_axis0": jnp.argsort(ties, axis=0),
        "argsort_desc": jnp.argsort(ties, descending=True),
        "argsort_flat": jnp.argsort(ties, axis=None),
        "grad": jax.grad(lambda x: jnp.sum(w * jnp.sort(x, axis=1)))(x),
        "grad_axis0_desc": jax.grad(lambda x: jnp.sum(w * jnp.sort(x, axis=0, descending=True)))(x),
    }
    k1 = ints(1, 5, 1, 4, 3, 4, 4)
    k2 = ints(9, 4, 0, 4, 0, 2, 1)
    c["lexsort"] = {
        "k1": k1, "k2": k2,
        "out": jnp.lexsort([k1, k2]),
        "out_rev": jnp.lexsort([k2, k1]),
        "two_d": jnp.lexsort([ties, x > 0], axis=1),
    }
    p = jnp.asarray(np.array([[5, 3, 8, 1, 9, 2], [0, -1, 4, 4, 2, 7]], dtype=np.float32))
    c["partition"] = {
        "x": p,
        "k2": jnp.partition(p, 2),
        "k0": jnp.partition(p, 0),
        "kneg": jnp.partition(p, -1),
        "axis0": jnp.partition(p, 1, axis=0),
        "arg_k2": jnp.argpartition(p, 2),
        "arg_k4": jnp.argpartition(p, 4),
        "arg_axis0": jnp.argpartition(p, 0, axis=0),
    }
    a = jnp.asarray(np.array([0.5, 1, 2, 2, 2, 3.5, 7], dtype=np.float32))
    v = jnp.asarray(np.array([[2, 0, 8], [-1, 3.5, 1.5]], dtype=np.float32))
    unsorted = jnp.asarray(np.array([3, 1, 2, 7, 2], dtype=np.float32))
    c["searchsorted"] = {
        "a": a, "v": v, "unsorted": unsorted,
        "left": jnp.searchsorted(a, v),
        "right": jnp.searchsorted(a, v, side="right"),
        "int": jnp.searchsorted(ints(1, 3, 3, 9), ints(0, 3, 4, 10), side="right"),
        "sorter": jnp.searchsorted(unsorted, v, sorter=jnp.argsort(unsorted)),
        "digitize": jnp.digitize(v, a),
        "digitize_right": jnp.digitize(v, a, right=True),
        "digitize_decreasing": jnp.digitize(v, a[::-1]),
        "digitize_decreasing_right": jnp.digitize(v, a[::-1], right=True),
    }
    u = ints(3, 1, 3, 7, 1, 1, 9)
    rows = ints([3, 1], [1, 3], [3, 1], [0, 0])
    c["unique"] = {
        "u": u, "rows": rows,
        "plain": jnp.unique(u),
        "all": jnp.unique(u, return_index=True, return_inverse=True, return_counts=True),
        "rows_axis0": jnp.unique(rows, axis=0, return_index=True, return_inverse=True, return_counts=True),
        "rows_axis1": jnp.unique(rows, axis=1),
        "flat_2d_inverse": jnp.unique(rows, return_inverse=True),
        "size_fill": jnp.unique(u, size=6, fill_value=-1, return_index=True, return_inverse=True, return_counts=True),
        "size_nofill": jnp.unique(u, size=6),
        "size_cut": jnp.unique(u, size=2, return_counts=True),
    }
    t = jnp.asarray(np.array([[1, 5, 3, 5, 2], [0, -1, 0, 4, 4]], dtype=np.float32))
    tw = randn(2, 3)
    c["top_k"] = {
        "x": t, "w": tw,
        "k3": lax.top_k(t, 3),
        "k5": lax.top_k(t, 5),
        "grad": jax.grad(lambda x: jnp.sum(tw * lax.top_k(x, 3)[0]))(t),
        "rand_k2": lax.top_k(x, 2),
    }
    q = randn(4, 5)
    c["quantile"] = {
        "x": q,
        "median": jnp.median(q),
        "median_ax0": jnp.median(q, axis=0),
        "median_ax1_keep": jnp.median(q, axis=1, keepdims=True),
        "median_even": jnp.median(q[:, :4], axis=1),
        "q_linear": jnp.quantile(q, jnp.asarray(np.array([0.1, 0.5, 0.9], dtype=np.float32)), axis=1),
        "q_lower": jnp.quantile(q, 0.3, axis=0, method="lower"),
        "q_higher": jnp.quantile(q, 0.3, axis=0, method="higher"),
        "q_midpoint": jnp.quantile(q, 0.3, axis=0, method="midpoint"),
        "q_nearest": jnp.quantile(q, jnp.asarray(np.array([0.3, 0.375, 0.4], dtype=np.float32)), axis=0, method="nearest"),
        "q_axes_keep": jnp.quantile(q.reshape(2, 2, 5), 0.25, axis=(0, 2), keepdims=True),
        "q_vec_keep": jnp.quantile(q, jnp.asarray(np.array([0.25, 0.75], dtype=np.float32)), axis=1, keepdims=True),
        "percentile": jnp.percentile(q, jnp.asarray(np.array([10.0, 50.0, 95.0], dtype=np.float32))),
        "percentile_ax1": jnp.percentile(q, 40, axis=1),
        "grad_median": jax.grad(lambda x: jnp.median(x))(q),
        "grad_quantile": jax.grad(lambda x: jnp.sum(jnp.quantile(x, 0.3, axis=1)))(q),
    }
    h = randn(20)
    hw = uniform(0, 1, 20)
    c["histogram"] = {
        "x": h, "w": hw,
        "default": jnp.histogram(h),
        "bins5_range": jnp.histogram(h, 5, range=(-1.0, 1.0)),
        "weights_density": jnp.histogram(h, 4, weights=hw, density=True),
        "edges": jnp.histogram(h, jnp.asarray(np.array([-2, -0.5, 0, 3], dtype=np.float32))),
        "constant": jnp.histogram(jnp.ones(4), 3),
        "bin_edges": jnp.histogram_bin_edges(h, 6),
    }
    write("indexing_sorting.json", {"description": "sorting, searching, unique and quantiles", "cases": enc(c)})


if __name__ == "__main__":
    make_indexing()
    make_funcs()
    make_sorting()
