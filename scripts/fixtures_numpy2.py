#!/usr/bin/env python3
"""Golden fixtures for the second batch of jax.numpy functions (test/numpy2_*.test.ts),
from real JAX: misc_extra.ts, setops.ts, polynomial.ts, signal.ts, dtype_info.ts.

Usage:  ~/jax-venv/bin/python scripts/fixtures_numpy2.py [section ...]

Same case format and encoding as scripts/fixtures_numpy.py (whose helpers this reuses).
dtype_info cases have no arrays: "out" is {"json": value}, compared as plain JSON.
"""

from __future__ import annotations

import sys

import numpy as np

import jax.numpy as jnp

import fixtures_numpy as F
from fixtures_numpy import Cases, arr, bools, f32, i32, uni, write_cases

TOL = {"rtol": 2e-5, "atol": 2e-5}


def make_misc():
    F.reseed(21)
    c = Cases()
    c.add("astype/f2i", "astype", [f32(2, 3, scale=3)], lambda x: jnp.astype(x, jnp.int32), kw={"dtype": "int32"})
    c.add("astype/i2f", "astype", [i32(4)], lambda x: jnp.astype(x, jnp.float16), kw={"dtype": "float16"})
    c.add("astype/f2b", "astype", [arr([0.0, 1.5, -0.0, np.nan])], lambda x: jnp.astype(x, bool), kw={"dtype": "bool"})
    c.add("astype/grad", "astype", [f32(3)], lambda x: jnp.astype(x, jnp.float32), kw={"dtype": "float32"}, grad=True)
    c.add("copy/0", "copy", [f32(2, 2)], jnp.copy, grad=True)
    c.add("cumulativeSum/1d", "cumulativeSum", [f32(5)], jnp.cumulative_sum, grad=True)
    c.add("cumulativeSum/init", "cumulativeSum", [f32(2, 3)], lambda x: jnp.cumulative_sum(x, axis=1, include_initial=True), kw={"axis": 1, "includeInitial": True}, grad=True)
    c.add("cumulativeSum/bool", "cumulativeSum", [bools(5)], jnp.cumulative_sum)
    c.add("cumulativeSum/dtype", "cumulativeSum", [i32(2, 3)], lambda x: jnp.cumulative_sum(x, axis=0, dtype=jnp.float32, include_initial=True), kw={"axis": 0, "dtype": "float32", "includeInitial": True})
    c.add("cumulativeProd/init", "cumulativeProd", [uni(0.5, 1.5, 3, 2)], lambda x: jnp.cumulative_prod(x, axis=0, include_initial=True), kw={"axis": 0, "includeInitial": True}, grad=True)
    c.add("cumulativeProd/int", "cumulativeProd", [i32(4, lo=1, hi=4)], jnp.cumulative_prod)
    c.add("extract/size", "extract", [bools(2, 3), f32(2, 3)], lambda m, x: jnp.extract(m, x, size=4, fill_value=-1), kw={"size": 4, "fillValue": -1}, grad=[1])
    c.add("extract/size_small", "extract", [arr([True, True, True, False]), i32(4)], lambda m, x: jnp.extract(m, x, size=2), kw={"size": 2})
    c.add("compress/axis1", "compress", [arr([True, False, True]), f32(2, 3)], lambda m, x: jnp.compress(m, x, axis=1, size=3, fill_value=0.5), kw={"axis": 1, "size": 3, "fillValue": 0.5}, grad=[1])
    c.add("compress/none", "compress", [arr([0, 1, 1, 0, 1], np.int32), f32(5)], lambda m, x: jnp.compress(m, x, size=3), kw={"size": 3}, grad=[1])
    c.add("choose/clip", "choose", [arr([0, 1, 2, 5, -1], np.int32), f32(5), f32(5), f32(1)], lambda a, x, y, z: jnp.choose(a, [x, y, z], mode="clip"), kw={"mode": "clip"}, grad=[1, 2, 3])
    c.add("choose/wrap", "choose", [arr([[0, 1], [3, -1]], np.int32), i32(2, 2), arr(2.5)], lambda a, x, y: jnp.choose(a, [x, y], mode="wrap"), kw={"mode": "wrap"})
    c.add("put/0", "put", [f32(2, 3), arr([0, 4, 5], np.int32), f32(3)], lambda a, i, v: jnp.put(a, i, v, inplace=False), kw={"inplace": False}, grad=[0, 2])
    c.add("put/clip_tile", "put", [i32(5), arr([1, 9, -3, 2], np.int32), arr([7, 8], np.int32)], lambda a, i, v: jnp.put(a, i, v, mode="clip", inplace=False), kw={"mode": "clip", "inplace": False})
    c.add("put/wrap", "put", [f32(4), arr([5, -1], np.int32), arr(1.5)], lambda a, i, v: jnp.put(a, i, v, mode="wrap", inplace=False), kw={"mode": "wrap", "inplace": False})
    c.add("fillDiagonal/0", "fillDiagonal", [f32(3, 4), arr(2.5)], lambda a, v: jnp.fill_diagonal(a, v, inplace=False), kw={"inplace": False}, grad=True)
    c.add("fillDiagonal/vec", "fillDiagonal", [f32(2, 2, 2), f32(2)], lambda a, v: jnp.fill_diagonal(a, v, inplace=False), kw={"inplace": False}, grad=True)
    c.add("nextafter/0", "nextafter", [arr([0.0, 1.0, -1.0, 1.0, np.nan]), arr([1.0, 2.0, -2.0, 0.0, 1.0])], jnp.nextafter)
    c.add("i0/small", "i0", [f32(2, 4, scale=4)], jnp.i0, grad=True, tol={"rtol": 1e-5, "atol": 1e-5})
    c.add("i0/range", "i0", [arr([0.0, 1e-3, -2.5, 10.0, 29.9, 30.5, -45.0, 80.0])], jnp.i0, grad=True, tol={"rtol": 2e-5, "atol": 1e-5})
    c.add("i0/int", "i0", [i32(3)], jnp.i0)
    xp = np.sort(f32(6, scale=2))
    c.add("interp/0", "interp", [f32(7, scale=3), xp, f32(6)], jnp.interp, grad=True, tol=TOL)
    c.add("interp/lr", "interp", [arr([-10.0, 0.25, 10.0, 1.5]), arr([0.0, 1.0, 2.0]), arr([1.0, 3.0, 2.0])], lambda x, xp, fp: jnp.interp(x, xp, fp, left=-1.5, right=7.5), kw={"left": -1.5, "right": 7.5}, grad=True)
    c.add("interp/extrap", "interp", [arr([-1.0, 0.5, 3.0]), arr([0.0, 1.0, 2.0]), arr([1.0, 3.0, 2.0])], lambda x, xp, fp: jnp.interp(x, xp, fp, left="extrapolate", right="extrapolate"), kw={"left": "extrapolate", "right": "extrapolate"}, grad=True)
    c.add("interp/period", "interp", [arr([-0.5, 0.3, 7.1, 3.3]), arr([0.5, 2.0, 1.0, 3.5]), arr([1.0, -1.0, 2.0, 0.5])], lambda x, xp, fp: jnp.interp(x, xp, fp, period=4), kw={"period": 4}, grad=True, tol=TOL)
    c.add("interp/int", "interp", [i32(3, lo=0, hi=4), arr([0, 2, 4], np.int32), arr([1, 5, 3], np.int32)], jnp.interp)
    c.add("gradient/1d", "gradient", [f32(6)], jnp.gradient, grad=True)
    c.add("gradient/2d", "gradient", [f32(3, 4)], jnp.gradient, grad=True)
    c.add("gradient/h", "gradient", [f32(3, 4), arr(0.5)], lambda f, h: jnp.gradient(f, h, axis=1), kw={"axis": 1}, grad=[0])
    c.add("gradient/coords", "gradient", [f32(5), arr([0.0, 0.5, 1.5, 1.75, 3.0])], jnp.gradient, grad=True, tol=TOL)
    c.add("gradient/int", "gradient", [i32(2, 3)], lambda f: jnp.gradient(f, axis=0), kw={"axis": 0})
    c.add("unwrap/0", "unwrap", [arr([0.0, 3.0, 6.5, 0.2, -3.5, 2.9])], jnp.unwrap, grad=True)
    c.add("unwrap/axis", "unwrap", [f32(3, 4, scale=4)], lambda p: jnp.unwrap(p, axis=0, discont=2.5), kw={"axis": 0, "discont": 2.5}, grad=True)
    c.add("unwrap/period", "unwrap", [arr([1, 5, 9, 2, 7], np.int32)], lambda p: jnp.unwrap(p, period=6), kw={"period": 6})
    c.add("piecewise/0", "piecewise", [f32(7, scale=2)], lambda x: jnp.piecewise(x, [x < -0.5, x > 0.5], [lambda v: v * 2, lambda v: -v, 1.5]), grad=True)
    c.add("piecewise/nodefault", "piecewise", [i32(6)], lambda x: jnp.piecewise(x, [x < 0, x > 2], [lambda v: v * 3, 7]))
    c.add("vectorize/0", "vectorize", [f32(2, 3), f32(3)], jnp.vectorize(lambda a, b: jnp.maximum(a, b) * a), grad=True)
    c.add("vectorize/sig", "vectorize", [f32(2, 1, 3), f32(4, 3)], jnp.vectorize(lambda a, b: jnp.sum(a * b) * a[0], signature="(n),(n)->()"), kw={"signature": "(n),(n)->()"}, grad=True)
    c.add("vectorize/sig_out", "vectorize", [f32(2, 3), f32(3)], jnp.vectorize(lambda a, b: jnp.outer(a, b), signature="(n),(m)->(n,m)"), kw={"signature": "(n),(m)->(n,m)"}, grad=True)
    c.add("applyAlongAxis/0", "applyAlongAxis", [f32(2, 3, 4)], lambda x: jnp.apply_along_axis(lambda v: jnp.cumsum(v) * v[0], 1, x), kw={"axis": 1}, grad=True)
    c.add("applyAlongAxis/scalar", "applyAlongAxis", [f32(2, 3, 4)], lambda x: jnp.apply_along_axis(lambda v: jnp.sum(v * v), 2, x), kw={"axis": 2}, grad=True)
    c.add("applyAlongAxis/expand", "applyAlongAxis", [f32(3, 2)], lambda x: jnp.apply_along_axis(lambda v: jnp.outer(v, v), 0, x), kw={"axis": 0}, grad=True)
    c.add("applyOverAxes/0", "applyOverAxes", [f32(2, 3, 4)], lambda x: jnp.apply_over_axes(jnp.sum, x, [0, 2]), kw={"axes": [0, 2]}, grad=True)
    c.add("ix_/0", "ix_", [arr([0, 2], np.int32), arr([1.0, 2.5, 3.0])], jnp.ix_)
    c.add("mgrid/0", "mgrid", [], lambda: jnp.mgrid[0:3, 1:5:2], kw={"slices": ["0:3", "1:5:2"]})
    c.add("mgrid/float", "mgrid", [], lambda: jnp.mgrid[0:1:5j, 0:2], kw={"slices": ["0:1:5j", "0:2"]})
    c.add("mgrid/one", "mgrid", [], lambda: jnp.mgrid[-1:1:0.5], kw={"slices": ["-1:1:0.5"]})
    c.add("ogrid/0", "ogrid", [], lambda: jnp.ogrid[0:3, 2:4], kw={"slices": ["0:3", "2:4"]})
    c.vmap("vmap/interp", "interp", [f32(3, 4), xp, f32(6)], jnp.interp, (0, None, None), tol=TOL)
    c.vmap("vmap/i0", "i0", [f32(3, 2, scale=3)], jnp.i0, (1,))
    c.vmap("vmap/unwrap", "unwrap", [f32(3, 5, scale=4)], jnp.unwrap, (0,))
    write_cases("numpy2_misc.json", c.cases)


def make_setops():
    F.reseed(22)
    c = Cases()
    a = arr([3, 1, 2, 3, 5, 1], np.int32)
    b = arr([2, 3, 7, 7], np.int32)
    fa = arr([0.5, -1.0, 2.0, 0.5, np.nan])
    fb = arr([2.0, 0.5, 4.0])
    c.add("isin/0", "isin", [i32(2, 3, lo=0, hi=5), arr([1, 3], np.int32)], jnp.isin)
    c.add("isin/invert", "isin", [fa, fb], lambda x, t: jnp.isin(x, t, invert=True), kw={"invert": True})
    c.add("isin/mixed", "isin", [i32(4, lo=0, hi=4), arr([1.0, 2.5])], jnp.isin)
    for name, f in [("intersect1d", jnp.intersect1d), ("union1d", jnp.union1d), ("setdiff1d", jnp.setdiff1d), ("setxor1d", jnp.setxor1d)]:
        c.add(f"{name}/concrete", name, [a, b], f)
        c.add(f"{name}/size", name, [a, b], lambda x, y, f=f: f(x, y, size=7), kw={"size": 7})
        c.add(f"{name}/size_small", name, [a, b], lambda x, y, f=f: f(x, y, size=2), kw={"size": 2})
        c.add(f"{name}/fill", name, [a, b], lambda x, y, f=f: f(x, y, size=8, fill_value=-9), kw={"size": 8, "fillValue": -9})
        c.add(f"{name}/float", name, [arr([0.5, -1.0, 2.0, 0.5]), fb], f)
        c.add(f"{name}/2d", name, [i32(2, 3, lo=0, hi=6), i32(4, lo=0, hi=6)], lambda x, y, f=f: f(x, y, size=6), kw={"size": 6})
    c.add("intersect1d/empty", "intersect1d", [arr([5, 6], np.int32), b], lambda x, y: jnp.intersect1d(x, y, size=3), kw={"size": 3})
    c.add("setxor1d/empty", "setxor1d", [a, a], lambda x, y: jnp.setxor1d(x, y, size=2), kw={"size": 2})
    x2 = arr([[1, 2, 2], [3, 1, 1]], np.int32)
    c.add("uniqueValues/0", "uniqueValues", [x2], jnp.unique_values)
    # jnp.unique_values takes no size; jaxts' does, and matches unique(size=...)
    c.add("uniqueValues/size", "uniqueValues", [x2], lambda x: jnp.unique(x, size=5, fill_value=0), kw={"size": 5, "fillValue": 0})
    c.add("uniqueCounts/0", "uniqueCounts", [x2], lambda x: list(jnp.unique_counts(x)))
    c.add("uniqueInverse/0", "uniqueInverse", [x2], lambda x: list(jnp.unique_inverse(x)))
    c.add("uniqueAll/0", "uniqueAll", [x2], lambda x: list(jnp.unique_all(x)))
    c.add("uniqueAll/float", "uniqueAll", [arr([1.5, -2.0, 1.5, 0.25])], lambda x: list(jnp.unique_all(x)))
    # results whose length depends on the values cannot be jitted (as in JAX): eager-only file
    concrete = [k for k in c.cases if "size" not in k["kw"] and k["fn"] != "isin"]
    write_cases("numpy2_setops.json", [k for k in c.cases if k not in concrete])
    write_cases("numpy2_setops_eager.json", concrete)


def make_poly():
    F.reseed(23)
    c = Cases()
    c.add("poly/0", "poly", [arr([1.0, -2.0, 0.5])], jnp.poly, grad=True)
    c.add("poly/int", "poly", [arr([1, 2], np.int32)], jnp.poly)
    c.add("polyadd/0", "polyadd", [f32(3), f32(5)], jnp.polyadd, grad=True)
    c.add("polyadd/int", "polyadd", [i32(4), i32(2)], jnp.polyadd)
    c.add("polysub/0", "polysub", [f32(2), f32(4)], jnp.polysub, grad=True)
    c.add("polysub/mixed", "polysub", [i32(3), f32(3)], jnp.polysub, grad=[1])
    c.add("polymul/0", "polymul", [f32(3), f32(4)], jnp.polymul, grad=True, tol=TOL)
    c.add("polymul/int", "polymul", [i32(2), i32(3)], jnp.polymul)
    c.add("polydiv/0", "polydiv", [f32(5), arr([1.5, -0.5, 2.0])], lambda u, v: list(jnp.polydiv(u, v)), grad=True, tol=TOL)
    c.add("polydiv/int", "polydiv", [arr([1, 0, -1], np.int32), arr([1, 1], np.int32)], lambda u, v: list(jnp.polydiv(u, v)))
    c.add("polyder/0", "polyder", [f32(5)], jnp.polyder, grad=True)
    c.add("polyder/m2", "polyder", [f32(5)], lambda p: jnp.polyder(p, 2), kw={"m": 2}, grad=True)
    c.add("polyder/int", "polyder", [i32(4)], lambda p: jnp.polyder(p, 3), kw={"m": 3})
    c.add("polyint/0", "polyint", [f32(4)], jnp.polyint, grad=True)
    c.add("polyint/m2k", "polyint", [f32(3), arr([0.5, -1.5])], lambda p, k: jnp.polyint(p, 2, k), kw={"m": 2}, grad=True)
    c.add("polyint/int", "polyint", [i32(3)], lambda p: jnp.polyint(p, 2, 3), kw={"m": 2, "k": 3})
    c.add("polyval/0", "polyval", [f32(4), f32(2, 3)], jnp.polyval, grad=True, tol=TOL)
    c.add("polyval/int", "polyval", [i32(3), i32(4)], jnp.polyval)
    c.add("polyval/scalar", "polyval", [f32(3), arr(1.25)], jnp.polyval, grad=True)
    x = np.linspace(-1, 1, 8).astype(np.float32)
    y = (1.5 * x**2 - 0.5 * x + 0.25 + 0.05 * f32(8)).astype(np.float32)
    c.add("polyfit/0", "polyfit", [x, y], lambda x, y: jnp.polyfit(x, y, 2), kw={"deg": 2}, tol={"rtol": 1e-3, "atol": 1e-4})
    c.add("polyfit/w2d", "polyfit", [x, np.stack([y, f32(8)], 1), uni(0.5, 2.0, 8)], lambda x, y, w: jnp.polyfit(x, y, 1, w=w), kw={"deg": 1}, tol={"rtol": 1e-3, "atol": 1e-4})
    c.vmap("vmap/polyval", "polyval", [f32(2, 3), f32(2, 4)], jnp.polyval, (0, 0), tol=TOL)
    write_cases("numpy2_poly.json", c.cases)


def make_signal():
    F.reseed(24)
    c = Cases()
    for mode in ["full", "same", "valid"]:
        c.add(f"convolve/{mode}", "convolve", [f32(6), f32(3)], lambda a, v, m=mode: jnp.convolve(a, v, mode=m), kw={"mode": mode}, grad=True, tol=TOL)
        c.add(f"convolve/{mode}_swap", "convolve", [f32(2), f32(5)], lambda a, v, m=mode: jnp.convolve(a, v, mode=m), kw={"mode": mode}, grad=True, tol=TOL)
        c.add(f"correlate/{mode}", "correlate", [f32(6), f32(4)], lambda a, v, m=mode: jnp.correlate(a, v, mode=m), kw={"mode": mode}, grad=True, tol=TOL)
        c.add(f"correlate/{mode}_swap", "correlate", [f32(3), f32(5)], lambda a, v, m=mode: jnp.correlate(a, v, mode=m), kw={"mode": mode}, grad=True, tol=TOL)
    c.add("convolve/int", "convolve", [i32(4), i32(2)], jnp.convolve)
    for M in [0, 1, 2, 5, 8]:
        for name, f in [("bartlett", jnp.bartlett), ("blackman", jnp.blackman), ("hamming", jnp.hamming), ("hanning", jnp.hanning)]:
            c.add(f"{name}/{M}", name, [], lambda f=f, M=M: f(M), kw={"M": M})
        c.add(f"kaiser/{M}", "kaiser", [], lambda M=M: jnp.kaiser(M, 8.6), kw={"M": M, "beta": 8.6}, tol=TOL)
    c.add("kaiser/beta_grad", "kaiser", [arr(5.5)], lambda b: jnp.kaiser(6, b), kw={"M": 6}, grad=True, tol=TOL)
    xn = f32(3, 5)
    xn[0, 1] = np.nan
    xn[1, :] = np.nan
    xn[2, 3] = np.nan
    c.add("nanmedian/all", "nanmedian", [xn], jnp.nanmedian)
    c.add("nanmedian/axis1", "nanmedian", [xn], lambda x: jnp.nanmedian(x, axis=1), kw={"axis": 1})
    c.add("nanmedian/axis0_keep", "nanmedian", [xn], lambda x: jnp.nanmedian(x, axis=0, keepdims=True), kw={"axis": 0, "keepdims": True})
    c.add("nanmedian/grad", "nanmedian", [f32(2, 5)], lambda x: jnp.nanmedian(x, axis=1), kw={"axis": 1}, grad=True)
    for method in ["linear", "lower", "higher", "midpoint", "nearest"]:
        c.add(f"nanquantile/{method}", "nanquantile", [xn, arr([0.1, 0.5, 0.9])], lambda x, q, m=method: jnp.nanquantile(x, q, axis=1, method=m), kw={"axis": 1, "method": method})
    c.add("nanquantile/scalar", "nanquantile", [xn, arr(0.3)], jnp.nanquantile)
    c.add("nanquantile/grad", "nanquantile", [f32(4, 3)], lambda x: jnp.nanquantile(x, 0.3, axis=0), kw={"axis": 0, "q": 0.3}, grad=True)
    c.add("nanquantile/axes", "nanquantile", [f32(2, 3, 4), arr([0.25, 0.75])], lambda x, q: jnp.nanquantile(x, q, axis=(0, 2), keepdims=True), kw={"axis": [0, 2], "keepdims": True})
    c.add("nanquantile/int", "nanquantile", [i32(6), arr(0.4)], jnp.nanquantile)
    c.add("nanpercentile/0", "nanpercentile", [xn, arr([10.0, 50.0, 95.0])], lambda x, p: jnp.nanpercentile(x, p, axis=1), kw={"axis": 1})
    hx, hy = f32(20), f32(20)
    hx[3] = 5.0  # outside the range below
    c.add("histogram2d/0", "histogram2d", [hx, hy], lambda x, y: list(jnp.histogram2d(x, y, bins=3)), kw={"bins": 3})
    c.add("histogram2d/range_w", "histogram2d", [hx, hy, uni(0.5, 2, 20)], lambda x, y, w: list(jnp.histogram2d(x, y, bins=[2, 4], range=[(-1.0, 1.5), (-2.0, 2.0)], weights=w)),
          kw={"bins": [2, 4], "range": [[-1.0, 1.5], [-2.0, 2.0]]}, grad=[2])
    c.add("histogram2d/edges_density", "histogram2d", [hx, hy, arr([-2.0, -0.5, 0.25, 2.0])], lambda x, y, e: list(jnp.histogram2d(x, y, bins=e, density=True)), kw={"density": True})
    c.add("histogramdd/0", "histogramdd", [f32(15, 3)], lambda s: [jnp.histogramdd(s, bins=2)[0], *jnp.histogramdd(s, bins=2)[1]], kw={"bins": 2})
    c.add("histogramdd/density", "histogramdd", [f32(15, 2), uni(0.5, 2, 15)], lambda s, w: [jnp.histogramdd(s, bins=[3, 2], weights=w, density=True)[0], *jnp.histogramdd(s, bins=[3, 2], weights=w, density=True)[1]],
          kw={"bins": [3, 2], "density": True}, grad=[1], tol=TOL)
    c.vmap("vmap/convolve", "convolve", [f32(2, 5), f32(3)], jnp.convolve, (0, None), tol=TOL)
    c.vmap("vmap/nanmedian", "nanmedian", [xn], jnp.nanmedian, (0,))
    write_cases("numpy2_signal.json", c.cases)


def make_dtypes():
    dts = ["bool", "int8", "uint8", "int16", "uint16", "int32", "uint32", "float16", "bfloat16", "float32"]
    cases = []

    def add(name, fn, args, kw, out):
        cases.append({"name": name, "fn": fn, "args": args, "kw": kw, "out": {"json": out}})

    for a in dts:
        for b in dts:
            add(f"promoteTypes/{a}_{b}", "promoteTypes", [a, b], {}, str(jnp.promote_types(a, b)))
    add("resultType/arrs", "resultType", [{"arr": "int8"}, {"arr": "uint8"}], {}, str(jnp.result_type(jnp.int8, jnp.uint8)))
    add("resultType/weak_int", "resultType", [{"arr": "int8"}, 3], {}, str(jnp.result_type(jnp.zeros(1, jnp.int8), 3)))
    add("resultType/weak_float", "resultType", [{"arr": "int16"}, 2.5], {}, str(jnp.result_type(jnp.zeros(1, jnp.int16), 2.5)))
    add("resultType/dtypes", "resultType", ["bfloat16", "float16", "int32"], {}, str(jnp.result_type(jnp.bfloat16, jnp.float16, jnp.int32)))
    for casting in ["no", "safe", "same_kind", "unsafe"]:
        for a in dts:
            for b in dts:
                add(f"canCast/{casting}/{a}_{b}", "canCast", [a, b], {"casting": casting}, bool(jnp.can_cast(a, b, casting=casting)))
    for d in ["int8", "uint8", "int16", "uint16", "int32", "uint32"]:
        i = jnp.iinfo(d)
        add(f"iinfo/{d}", "iinfo", [d], {}, {"bits": int(i.bits), "min": int(i.min), "max": int(i.max)})
    for d in ["float16", "bfloat16", "float32", "float64"]:
        f = jnp.finfo(d)
        add(f"finfo/{d}", "finfo", [d], {}, {k: float(getattr(f, k)) for k in ["eps", "epsneg", "max", "min", "tiny", "smallest_normal", "smallest_subnormal", "resolution"]}
            | {k: int(getattr(f, k)) for k in ["bits", "precision", "nmant", "nexp", "machep", "negep", "minexp", "maxexp"]})
    kinds = {"floating": jnp.floating, "integer": jnp.integer, "signedinteger": jnp.signedinteger, "unsignedinteger": jnp.unsignedinteger, "number": jnp.number, "bool": jnp.bool_, "inexact": jnp.inexact, "generic": jnp.generic}
    for d in dts:
        for k, t in kinds.items():
            add(f"issubdtype/{d}_{k}", "issubdtype", [d, k], {}, bool(jnp.issubdtype(d, t)))
        add(f"issubdtype/{d}_float32", "issubdtype", [d, "float32"], {}, bool(jnp.issubdtype(d, jnp.float32)))
        for k in ["bool", "signed integer", "unsigned integer", "integral", "real floating", "complex floating", "numeric"]:
            add(f"isdtype/{d}_{k}", "isdtype", [d, k], {}, bool(jnp.isdtype(d, k)))
        add(f"isdtype/{d}_tuple", "isdtype", [d, ["bool", "real floating"]], {}, bool(jnp.isdtype(d, ("bool", "real floating"))))
    write_cases("numpy2_dtypes.json", cases)


SECTIONS = {"misc": make_misc, "setops": make_setops, "poly": make_poly, "signal": make_signal, "dtypes": make_dtypes}

if __name__ == "__main__":
    for name in sys.argv[1:] or SECTIONS:
        SECTIONS[name]()
