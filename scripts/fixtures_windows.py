#!/usr/bin/env python3
"""Golden fixtures for lax.conv_general_dilated, lax.reduce_window and lax.associative_scan.

Usage: ~/jax-venv/bin/python scripts/fixtures_windows.py -> test/fixtures/windows.json
"""
import json

import numpy as np
import jax
import jax.numpy as jnp
from jax import lax

from fixture_helpers import encode, write_text

rs = np.random.RandomState(11)


def f32(*shape):
    return jnp.asarray(rs.uniform(-1.0, 1.0, size=shape).astype(np.float32))


convs = [
    # name, lhs shape, rhs shape, strides, padding, kwargs
    ("plain_valid", (2, 3, 6, 5), (4, 3, 3, 2), (1, 1), "VALID", {}),
    ("same_strided", (2, 3, 7, 6), (4, 3, 3, 3), (2, 2), "SAME", {}),
    ("explicit_pad_dilated", (1, 2, 6, 6), (3, 2, 2, 3), (1, 2), [(1, 2), (0, 1)], dict(rhs_dilation=(2, 1), lhs_dilation=(1, 2))),
    ("grouped", (2, 4, 5, 5), (6, 2, 3, 3), (1, 1), "SAME", dict(feature_group_count=2)),
    ("depthwise_1d", (2, 3, 9), (3, 1, 4), (2,), "SAME", dict(feature_group_count=3)),
    ("nhwc_hwio", (2, 5, 6, 3), (3, 2, 3, 4), (1, 1), "VALID", dict(dimension_numbers=("NHWC", "HWIO", "NHWC"))),
]
cases = {"conv": {}, "reduce_window": {}, "associative_scan": {}}
for name, ls, rsh, st, pad, kw in convs:
    x = f32(*ls)
    w = f32(*rsh)
    wt = f32(*lax.conv_general_dilated(x, w, st, pad, **kw).shape)
    f = lambda x, w: lax.conv_general_dilated(x, w, st, pad, **kw)
    cases["conv"][name] = {
        "x": x, "w": w, "wt": wt,
        "out": f(x, w),
        "grads": jax.grad(lambda x, w: jnp.sum(f(x, w) * wt), argnums=(0, 1))(x, w),
    }

x = f32(2, 3, 7, 6)
pools = [
    ("max_same", -jnp.inf, lax.max, (1, 1, 3, 3), (1, 1, 2, 2), "SAME", {}),
    ("sum_valid", 0.0, lax.add, (1, 1, 2, 2), (1, 1, 1, 1), "VALID", {}),
    ("sum_dilated", 0.0, lax.add, (1, 1, 2, 2), (1, 1, 1, 2), [(0, 0), (0, 0), (1, 1), (0, 1)], dict(window_dilation=(1, 1, 2, 1))),
    ("min_valid", jnp.inf, lax.min, (1, 2, 2, 1), (1, 1, 2, 1), "VALID", {}),
]
for name, init, op, wd, ws, pad, kw in pools:
    f = lambda x: lax.reduce_window(x, init, op, wd, ws, pad, **kw)
    wt = f32(*f(x).shape)
    cases["reduce_window"][name] = {"x": x, "wt": wt, "out": f(x), "grad": jax.grad(lambda x: jnp.sum(f(x) * wt))(x)}

e = f32(9, 3)
cases["associative_scan"] = {
    "x": e,
    "cumsum": lax.associative_scan(jnp.add, e),
    "cumprod_rev_axis1": lax.associative_scan(jnp.multiply, e, reverse=True, axis=1),
    "cummax": lax.associative_scan(jnp.maximum, e),
    "grad_cumprod": jax.grad(lambda x: jnp.sum(lax.associative_scan(jnp.multiply, x)))(e),
}
# json's default layout (", " and ": ", no final newline), unlike the other fixtures
write_text("windows.json", json.dumps(encode(cases)))
