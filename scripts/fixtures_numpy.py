#!/usr/bin/env python3
"""Golden fixtures for the jax.numpy breadth tests (test/numpy_*.test.ts), from real JAX.

Usage:  ~/jax-venv/bin/python scripts/fixtures_numpy.py

Writes test/fixtures/numpy_{math,stats,shaping,logic,contractions,creation}.json. Each
holds a list of cases; a case names the TypeScript function to call ("fn"), its
positional arguments ("args") and options ("kw", already in jaxts' camelCase), and JAX's
result ("out"). Differentiable cases also hold a cotangent ("ct") and JAX's vjp of it
with respect to the array arguments listed in "gradArgs" ("grads"). "vmap" cases hold
batched arguments, the in_axes, and jax.vmap's result.

Encoding: an array is {"shape", "dtype", "data"} (row-major), plus "weak": true when
JAX's result is weakly typed; non-finite floats are the strings "nan", "inf", "-inf". A
Python scalar argument is {"scalar": value} (a JS number on the TypeScript side: an
integer value is a weak int, anything else a weak float, so integral Python floats are
not used as arguments). Everything runs with JAX's defaults (float32, x64 disabled). Inputs avoid float32
subnormals, which XLA's CPU backend flushes to zero (jaxts keeps them);
inputs are drawn from numpy RandomState(0) and rounded to their dtype before use, so
both sides see identical inputs.
"""

from __future__ import annotations

import math

import numpy as np

import jax
import jax.numpy as jnp

from fixture_helpers import write

assert not jax.config.jax_enable_x64, "fixtures must be generated with x64 disabled"

rng = np.random.RandomState(0)


def reseed(seed):
    rng.seed(seed)

# ---------------------------------------------------------------------------
# encoding


def enc_num(v):
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (int, np.integer)):
        return int(v)
    v = float(v)
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return v


def enc(x):
    if x is None:
        return None
    if isinstance(x, (list, tuple)):
        return [enc(v) for v in x]
    if isinstance(x, dict):
        return {k: enc(v) for k, v in x.items()}
    if isinstance(x, (bool, int, float)) and not isinstance(x, np.generic):
        if isinstance(x, float) and math.isfinite(x):
            assert not x.is_integer(), f"integral Python float {x} is ambiguous in JS; use an int or a non-integral value"
        return {"scalar": enc_num(x)}
    weak = bool(getattr(x, "weak_type", False))
    a = np.asarray(x)
    dt = str(a.dtype)
    assert dt in ("float32", "float16", "bfloat16", "int32", "uint32", "int8", "uint8", "int16", "uint16", "bool"), dt
    out = {"shape": list(a.shape), "dtype": dt, "data": [enc_num(v) for v in a.reshape(-1).tolist()]}
    if weak:
        out["weak"] = True
    return out


def write_cases(name, cases):
    names = [c["name"] for c in cases]
    dup = {n for n in names if names.count(n) > 1}
    assert not dup, f"duplicate case names in {name}: {dup}"
    write(name, {"cases": cases}, limit=400_000)


# ---------------------------------------------------------------------------
# inputs


def f32(*shape, scale=1.0):
    return (rng.randn(*shape) * scale).astype(np.float32)


def uni(lo, hi, *shape):
    return rng.uniform(lo, hi, size=shape).astype(np.float32)


def i32(*shape, lo=-6, hi=7):
    return rng.randint(lo, hi, size=shape).astype(np.int32)


def bools(*shape):
    return rng.rand(*shape) > 0.5


def arr(values, dtype=np.float32):
    return np.asarray(values, dtype=dtype)


def tup(v):
    """Nested lists as nested tuples (JAX wants hashable static arguments)."""
    return tuple(tup(e) for e in v) if isinstance(v, list) else v


SPECIAL = arr([0.0, -0.0, 1.5, -2.5, np.nan, np.inf, -np.inf, 3.0])


# ---------------------------------------------------------------------------
# case builders


class Cases:
    def __init__(self):
        self.cases = []

    def add(self, name, fn, args, f, kw=None, grad=None, tol=None):
        """f(*args) is JAX's computation; fn names the TypeScript function; grad lists the
        indices of the array arguments to differentiate (True: every float array)."""
        out = f(*args)
        case = {"name": name, "fn": fn, "args": enc(list(args)), "kw": kw or {}, "out": enc(out)}
        if grad is not None:
            argnums = [i for i, a in enumerate(args) if isinstance(a, np.ndarray) and a.dtype == np.float32] if grad is True else list(grad)
            assert argnums, name

            def g(*d):
                full = list(args)
                for i, v in zip(argnums, d):
                    full[i] = v
                return f(*full)

            primal, pull = jax.vjp(g, *[jnp.asarray(args[i]) for i in argnums])
            ct = jax.tree_util.tree_map(lambda o: jnp.asarray(np.asarray(rng.randn(*o.shape), np.float32)).astype(o.dtype), primal)
            case["ct"] = enc(ct)
            case["gradArgs"] = argnums
            case["grads"] = enc(list(pull(ct)))
        if tol is not None:
            case["tol"] = tol
        self.cases.append(case)

    def vmap(self, name, fn, args, f, in_axes, kw=None, tol=None):
        out = jax.vmap(f, in_axes=in_axes)(*args)
        case = {"name": name, "fn": fn, "args": enc(list(args)), "kw": kw or {}, "inAxes": list(in_axes), "out": enc(out)}
        if tol is not None:
            case["tol"] = tol
        self.cases.append(case)


# ---------------------------------------------------------------------------
# numpy_math.json


def make_math():
    reseed(1)
    c = Cases()
    unary = [
        # name, jnp function, inputs, differentiable
        ("exp2", jnp.exp2, [f32(2, 3, scale=3), arr([-126.0, -10.5, 0.0, 10.25, 127.0, np.nan, np.inf, -np.inf]), i32(4)], True),
        ("log2", jnp.log2, [uni(0.1, 10, 2, 3), arr([0.0, -1.0, 1.0, 2.0, 1024.0, np.inf, np.nan, 1e-30]), i32(4, lo=1, hi=9)], True),
        ("log10", jnp.log10, [uni(0.1, 10, 2, 3), arr([0.0, -1.0, 1.0, 1000.0, 1e-30, np.inf, np.nan])], True),
        ("arcsin", jnp.arcsin, [uni(-0.95, 0.95, 2, 3), arr([-1.0, 1.0, 1.5, -2.0, 0.0, np.nan, 1e-20])], True),
        ("arccos", jnp.arccos, [uni(-0.95, 0.95, 2, 3), arr([-1.0, 1.0, 1.5, -2.0, 0.0, np.nan])], True),
        ("arctan", jnp.arctan, [f32(2, 3, scale=3), arr([np.inf, -np.inf, 0.0, 1e30, np.nan])], True),
        ("sinh", jnp.sinh, [f32(2, 4, scale=2), arr([0.0, 1e-8, -0.3, 0.999, -1.0, 20.0, -50.0, 89.0, 90.0, np.inf, np.nan])], True),
        ("cosh", jnp.cosh, [f32(2, 4, scale=2), arr([0.0, 1e-8, -0.3, 20.0, -50.0, 89.0, 90.0, -np.inf, np.nan])], True),
        ("arcsinh", jnp.arcsinh, [f32(2, 4, scale=3), arr([0.0, 1e-10, -1e-3, 1e20, -1e30, np.inf, -np.inf, np.nan])], True),
        ("arccosh", jnp.arccosh, [uni(1.05, 10, 2, 3), arr([1.0, 0.5, -2.0, 1e20, np.inf, np.nan, 2.0])], True),
        ("arctanh", jnp.arctanh, [uni(-0.9, 0.9, 2, 3), arr([1.0, -1.0, 2.0, 0.0, 1e-10, np.nan])], True),
        ("deg2rad", jnp.deg2rad, [f32(2, 3, scale=100), i32(3)], True),
        ("rad2deg", jnp.rad2deg, [f32(2, 3, scale=2)], True),
        ("radians", jnp.radians, [f32(3, scale=100)], True),
        ("degrees", jnp.degrees, [f32(3, scale=2)], True),
        ("cbrt", jnp.cbrt, [f32(2, 3, scale=10), arr([-8.0, 27.0, 0.0, -0.0, np.inf, -np.inf, np.nan, 1e-30])], True),
        ("sinc", jnp.sinc, [arr([0.0, 0.5, -1.5, 2.25, 0.3, -3.0]), arr([1e-3, -1e-20, np.inf, np.nan])], True),
        ("fabs", jnp.fabs, [f32(2, 3), i32(4)], True),
        ("rint", jnp.rint, [arr([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 3.7, -3.2, np.nan, np.inf]), i32(4)], False),
        ("trunc", jnp.trunc, [arr([-2.5, -1.5, -0.5, 0.5, 1.7, -3.2, np.inf, np.nan]), i32(4)], False),
        ("isnan", jnp.isnan, [SPECIAL, i32(3), bools(3)], False),
        ("isinf", jnp.isinf, [SPECIAL, i32(3)], False),
        ("isfinite", jnp.isfinite, [SPECIAL, i32(3), bools(2)], False),
        ("isposinf", jnp.isposinf, [SPECIAL, i32(3)], False),
        ("isneginf", jnp.isneginf, [SPECIAL, i32(3)], False),
        ("signbit", jnp.signbit, [arr([0.0, -0.0, 1.5, -2.5, np.inf, -np.inf, 3.0]), i32(5), bools(3), arr([-1.5, 0.0, -0.0, 2.0], np.float16)], False),
        ("real", jnp.real, [f32(3)], True),
        ("imag", jnp.imag, [f32(3)], False),
        ("conjugate", jnp.conjugate, [f32(2, 2)], True),
        ("conj", jnp.conj, [f32(3)], False),
        ("angle", jnp.angle, [arr([1.5, -2.0, 0.0, -0.5]), i32(3)], False),
        ("bitwiseNot", jnp.bitwise_not, [i32(5), arr([0, 1, 200, 255], np.uint8), bools(4)], False),
        ("invert", jnp.invert, [i32(4)], False),
        ("bitwiseCount", jnp.bitwise_count, [arr([0, 1, -1, 7, -8, 2**31 - 1, -(2**31), 255], np.int32), arr([0, 3, 255, 128], np.uint8), arr([-128, -1, 127, 5], np.int8), arr([0, 2**32 - 1, 12345], np.uint32)], False),
    ]
    for name, fn, inputs, diff in unary:
        for i, x in enumerate(inputs):
            finite_float = x.dtype == np.float32 and np.all(np.isfinite(x))
            grad = True if (diff and finite_float and i == 0) else None
            c.add(f"{name}/{i}", name, [x], fn, grad=grad)
    # Python scalars (weak types)
    c.add("exp2/scalar", "exp2", [3], jnp.exp2)
    c.add("log2/scalar", "log2", [0.5], jnp.log2)
    c.add("arcsinh/weak", "arcsinh", [2.5], jnp.arcsinh)
    c.add("deg2rad/int_scalar", "deg2rad", [90], jnp.deg2rad)

    # rounding
    x = arr([1.25, 2.35, -0.125, 12345.678, -0.5, 0.5, 1.5, 2.5, np.nan, -np.inf])
    for d in [0, 1, 2, -1, -2]:
        c.add(f"round/d{d}", "round", [x], lambda x, d=d: jnp.round(x, d), kw={"decimals": d})
    c.add("round/int", "round", [i32(4)], lambda x: jnp.round(x, 1), kw={"decimals": 1})
    c.add("round/f16", "round", [arr([1.25, 2.35, -0.125, 100.5], np.float16)], lambda x: jnp.round(x, 1), kw={"decimals": 1})
    c.add("round/grad", "round", [f32(5)], lambda x: jnp.round(x, 2), kw={"decimals": 2}, grad=True)
    c.add("around/d1", "around", [x], lambda x: jnp.around(x, 1), kw={"decimals": 1})
    c.add("round/huge_decimals", "round", [x], lambda x: jnp.round(x, 40), kw={"decimals": 40})

    # clip
    xc = f32(3, 4)
    c.add("clip/both", "clip", [xc, -0.5, 0.5], lambda x, a, b: jnp.clip(x, a, b), grad=[0])
    c.add("clip/max_only", "clip", [xc, None, 0.3], lambda x, a, b: jnp.clip(x, max=b), grad=[0])
    c.add("clip/min_only", "clip", [xc, -0.25, None], lambda x, a, b: jnp.clip(x, min=a), grad=[0])
    c.add("clip/arrays", "clip", [xc, uni(-1.5, -0.1, 4), uni(0.1, 1.5, 3, 1)], lambda x, a, b: jnp.clip(x, a, b), grad=True)
    c.add("clip/int", "clip", [i32(6), 0, 3], lambda x, a, b: jnp.clip(x, a, b))
    c.add("clip/int_float_bound", "clip", [i32(6), 0.5, None], lambda x, a, b: jnp.clip(x, a))
    c.add("clip/nan", "clip", [SPECIAL, -1, 2], lambda x, a, b: jnp.clip(x, a, b))

    # binary float functions
    a, b = f32(2, 3), f32(3)
    binary = [
        ("logaddexp", jnp.logaddexp, [(a, b), (arr([0.0, 1.0, -np.inf, np.inf, np.nan, -np.inf]), arr([0.0, 1.0, 2.0, np.inf, 1.0, -np.inf])), (f32(3), 0.5)]),
        ("logaddexp2", jnp.logaddexp2, [(a, b), (arr([0.0, 1.0, -np.inf, np.inf, 3.0]), arr([0.0, 1.0, 2.0, 1.0, -np.inf]))]),
        ("hypot", jnp.hypot, [(a, b), (arr([0.0, 3.0, np.inf, 1e30, 1e-30, np.nan]), arr([0.0, 4.0, np.nan, 1e30, 1e-30, 1.0])), (i32(3), i32(3))]),
        ("copysign", jnp.copysign, [(a, b), (arr([1.5, 2.0, -3.0, np.inf, 2.0]), arr([-0.0, 0.0, 1.0, -1.0, np.nan]))]),
        ("heaviside", jnp.heaviside, [(arr([-1.5, 0.0, 2.0, np.nan, -0.0]), 0.5), (arr([-1.5, 0.0, 2.0]), arr([0.25, 0.75, 0.5]))]),
        ("floatPower", jnp.float_power, [(uni(0.5, 3, 2, 3), f32(3)), (i32(4, lo=1, hi=4), 2), (arr([-2.0, -8.0, 0.0]), arr([3.0, 0.5, 0.0]))]),
        ("fmax", jnp.fmax, [(a, b), (arr([1.0, np.nan, np.nan, -2.0]), arr([np.nan, 2.0, np.nan, -3.0])), (i32(4), i32(4))]),
        ("fmin", jnp.fmin, [(a, b), (arr([1.0, np.nan, np.nan, -2.0]), arr([np.nan, 2.0, np.nan, -3.0]))]),
        ("arctan2", jnp.arctan2, [(a, b), (arr([0.0, -0.0, 1.0, -1.0]), arr([-1.0, -1.0, 0.0, 0.0]))]),
        ("atan2", jnp.atan2, [(f32(3), f32(3))]),
    ]
    for name, fn, pairs in binary:
        for i, (x, y) in enumerate(pairs):
            grad = [0, 1] if (i == 0 and name not in ("heaviside",)) else None
            if grad and not isinstance(y, np.ndarray):
                grad = [0]
            c.add(f"{name}/{i}", name, [x, y], fn, grad=grad)

    # division family
    xf = arr([7.5, -7.5, 7.5, -7.5, 1.0, 0.0, 5.0, -0.0, 3.0, np.inf])
    yf = arr([2.0, 2.0, -2.0, -2.0, 0.1, 3.0, 0.0, 2.0, np.inf, 2.0])
    xi = arr([7, -7, 7, -7, 0, 5, -5, 6, -2147483647], np.int32)
    yi = arr([2, 2, -2, -2, 3, 0, 0, 3, 2], np.int32)
    for name, fn in [("fmod", jnp.fmod), ("divmod", jnp.divmod)]:
        c.add(f"{name}/float", name, [xf, yf], fn)
        c.add(f"{name}/int", name, [xi, yi], fn)
        c.add(f"{name}/uint", name, [arr([7, 0, 9, 200], np.uint8), arr([2, 3, 0, 7], np.uint8)], fn)
        c.add(f"{name}/bcast", name, [f32(2, 3, scale=5), 1.5], fn)
    # the existing floorDivide/remainder/mod (ufuncs.ts): divisor-sign semantics only (their zero
    # divisors and inexact float quotients differ from JAX; see the divmod cases above)
    nz = yi != 0
    for name, fn in [("floorDivide", jnp.floor_divide), ("remainder", jnp.remainder), ("mod", jnp.mod)]:
        c.add(f"{name}/float_signs", name, [xf[:4], yf[:4]], fn)
        c.add(f"{name}/int_signs", name, [xi[nz], yi[nz]], fn)
        c.add(f"{name}/bcast", name, [f32(2, 3, scale=5), 1.5], fn)
    c.add("fmod/grad", "fmod", [f32(6, scale=5), uni(0.5, 2, 6)], jnp.fmod, grad=[0])
    c.add("divmod/grad", "divmod", [f32(6, scale=5), uni(0.5, 2, 6)], jnp.divmod, grad=[0])

    # ldexp / frexp / modf
    c.add("ldexp/0", "ldexp", [f32(2, 3), i32(3, lo=-10, hi=10)], jnp.ldexp, grad=[0])
    c.add("ldexp/extreme", "ldexp", [arr([1.0, 0.75, 1.0, -3.0, 0.0, np.inf, 3e38, 1.5, 0.5]), arr([127, 128, -126, -120, 500, -5, -300, -1000, 129], np.int32)], jnp.ldexp)
    c.add("ldexp/int_base", "ldexp", [i32(4), arr([1, 2, 3, -1], np.int32)], jnp.ldexp)
    c.add("frexp/0", "frexp", [arr([1.0, 0.5, 0.75, -3.0, 8.0, 2e-38, 3e38, 1e-3, 0.0, -0.0, np.inf, -np.inf, np.nan, 1.0000001, 0.99999994])], jnp.frexp)
    c.add("frexp/grad", "frexpMantissa", [f32(2, 3)], lambda x: jnp.frexp(x)[0], grad=True)
    c.add("modf/0", "modf", [arr([1.5, -1.5, 0.0, -0.25, 3.0, np.inf, np.nan])], jnp.modf)
    c.add("modf/grad", "modf", [f32(5, scale=3)], jnp.modf, grad=True)

    # integers
    g1 = arr([12, -18, 0, 0, 7, 100, -2147483647, 1836311903], np.int32)
    g2 = arr([18, 12, 5, 0, 13, -75, 3, 1134903170], np.int32)
    c.add("gcd/0", "gcd", [g1, g2], jnp.gcd)
    c.add("lcm/0", "lcm", [g1[:6], g2[:6]], jnp.lcm)
    c.add("gcd/bcast", "gcd", [i32(2, 3, lo=-30, hi=30), 12], jnp.gcd)
    c.add("gcd/int8", "gcd", [arr([12, -18, 0, 89], np.int8), arr([18, 12, 5, 55], np.int8)], jnp.gcd)
    c.add("lcm/uint8", "lcm", [arr([4, 6, 0], np.uint8), arr([6, 4, 3], np.uint8)], jnp.lcm)
    bi = [i32(5, lo=-100, hi=100), i32(5, lo=-100, hi=100)]
    for name, fn in [("bitwiseAnd", jnp.bitwise_and), ("bitwiseOr", jnp.bitwise_or), ("bitwiseXor", jnp.bitwise_xor)]:
        c.add(f"{name}/int", name, bi, fn)
        c.add(f"{name}/bool", name, [bools(4), bools(4)], fn)
        c.add(f"{name}/uint8", name, [arr([1, 200, 255, 16], np.uint8), 12], fn)
    sh = arr([0, 1, 5, 31, 32, 40], np.int32)
    sv = arr([1, -1, 1000, -1000, 7, -8], np.int32)
    c.add("leftShift/int", "leftShift", [sv, sh], jnp.left_shift)
    c.add("rightShift/int", "rightShift", [sv, sh], jnp.right_shift)
    c.add("rightShift/uint32", "rightShift", [arr([1, 2**32 - 1, 1000, 2**31, 7, 8], np.uint32), arr([0, 1, 5, 31, 32, 40], np.uint32)], jnp.right_shift)
    c.add("leftShift/uint8", "leftShift", [arr([1, 255, 3], np.uint8), arr([1, 4, 7], np.uint8)], jnp.left_shift)
    c.add("bitwiseLeftShift/scalar", "bitwiseLeftShift", [i32(4), 3], jnp.bitwise_left_shift)
    c.add("bitwiseRightShift/scalar", "bitwiseRightShift", [i32(4, lo=-100, hi=100), 2], jnp.bitwise_right_shift)

    # nanToNum
    c.add("nanToNum/default", "nanToNum", [SPECIAL], jnp.nan_to_num)
    c.add("nanToNum/values", "nanToNum", [SPECIAL], lambda x: jnp.nan_to_num(x, nan=1.5, posinf=100.5, neginf=-100.5), kw={"nan": 1.5, "posinf": 100.5, "neginf": -100.5})
    c.add("nanToNum/int", "nanToNum", [i32(3)], jnp.nan_to_num)


    # existing functions whose JAX semantics this suite also pins down
    c.add("square/int", "square", [i32(4)], jnp.square)
    c.add("positive/0", "positive", [f32(3)], jnp.positive)

    # vmap
    c.vmap("vmap/logaddexp", "logaddexp", [f32(4, 3), f32(3)], jnp.logaddexp, (0, None))
    c.vmap("vmap/clip", "clip", [f32(4, 3), f32(4), f32(3)], lambda x, a, b: jnp.clip(x, a, b), (0, 0, None))
    c.vmap("vmap/round", "round", [f32(4, 3, scale=10)], lambda x: jnp.round(x, 1), (1,), kw={"decimals": 1})
    c.vmap("vmap/arcsinh", "arcsinh", [f32(3, 4)], jnp.arcsinh, (0,))
    c.vmap("vmap/divmod", "divmod", [f32(4, 3, scale=5), uni(0.5, 2, 3)], jnp.divmod, (0, None))
    c.vmap("vmap/gcd", "gcd", [i32(4, 3, lo=-30, hi=30), i32(3, lo=1, hi=30)], jnp.gcd, (0, None))
    c.vmap("vmap/isinf_int", "isinf", [i32(3, 2)], jnp.isinf, (0,))
    c.vmap("vmap/frexp", "frexp", [f32(3, 2)], jnp.frexp, (0,))
    write_cases("numpy_math.json", c.cases)


# ---------------------------------------------------------------------------
# numpy_stats.json


def make_stats():
    reseed(2)
    c = Cases()
    x = f32(4, 5)
    x3 = f32(2, 3, 4)
    for axis in [None, 0, 1, -1, (0, 1)]:
        kw = {} if axis is None else {"axis": list(axis) if isinstance(axis, tuple) else axis}
        tag = "none" if axis is None else str(axis).replace(" ", "")
        c.add(f"var/axis{tag}", "var", [x], lambda x, axis=axis: jnp.var(x, axis=axis), kw=kw, grad=True)
        c.add(f"std/axis{tag}", "std", [x], lambda x, axis=axis: jnp.std(x, axis=axis), kw=kw, grad=True)
    c.add("var/ddof1_keepdims", "var", [x3], lambda x: jnp.var(x, axis=(0, 2), ddof=1, keepdims=True), kw={"axis": [0, 2], "ddof": 1, "keepdims": True}, grad=True)
    c.add("std/correction", "std", [x3], lambda x: jnp.std(x, axis=1, correction=1.5), kw={"axis": 1, "correction": 1.5}, grad=True)
    c.add("var/ddof_too_big", "var", [x], lambda x: jnp.var(x, axis=0, ddof=4), kw={"axis": 0, "ddof": 4})
    c.add("var/ddof_over", "var", [x], lambda x: jnp.var(x, axis=0, ddof=5), kw={"axis": 0, "ddof": 5})
    c.add("var/int", "var", [i32(3, 4)], lambda x: jnp.var(x, axis=1), kw={"axis": 1})
    c.add("var/f16", "var", [f32(6).astype(np.float16)], jnp.var, tol={"rtol": 2e-3, "atol": 1e-3})
    c.add("std/bool", "std", [bools(6)], jnp.std)
    c.add("var/mean_given", "var", [x, np.mean(x, axis=1, keepdims=True) + np.float32(0.1)], lambda x, m: jnp.var(x, axis=1, mean=m), kw={"axis": 1}, grad=[0])
    c.add("var/0d", "var", [arr(2.5)], jnp.var)

    # average
    c.add("average/plain", "average", [x], jnp.average, grad=True)
    c.add("average/axis", "average", [x], lambda x: jnp.average(x, axis=1), kw={"axis": 1}, grad=True)
    w = uni(0.1, 2, 4, 5)
    c.add("average/weights_full", "average", [x, w], lambda x, w: jnp.average(x, axis=0, weights=w), kw={"axis": 0}, grad=True)
    c.add("average/weights_all", "average", [x, w], lambda x, w: jnp.average(x, weights=w), grad=True)
    c.add("average/weights_1d", "average", [x, uni(0.1, 2, 5)], lambda x, w: jnp.average(x, axis=1, weights=w), kw={"axis": 1}, grad=True)
    c.add("average/weights_axes_reordered", "average", [x3, uni(0.1, 2, 4, 2)], lambda x, w: jnp.average(x, axis=(2, 0), weights=w), kw={"axis": [2, 0]}, grad=True)
    c.add("average/returned", "average", [x, uni(0.1, 2, 5)], lambda x, w: jnp.average(x, axis=1, weights=w, returned=True), kw={"axis": 1, "returned": True}, grad=True)
    c.add("average/returned_noweights", "average", [x], lambda x: jnp.average(x, axis=0, returned=True, keepdims=True), kw={"axis": 0, "returned": True, "keepdims": True})
    c.add("average/int", "average", [i32(3, 4), i32(4, lo=1, hi=4)], lambda x, w: jnp.average(x, axis=1, weights=w), kw={"axis": 1})

    # counts and logic reductions
    z = arr([[0.0, 1.5, 0.0], [np.nan, 0.0, -2.0]])
    c.add("countNonzero/all", "countNonzero", [z], jnp.count_nonzero)
    c.add("countNonzero/axis", "countNonzero", [z], lambda x: jnp.count_nonzero(x, axis=1, keepdims=True), kw={"axis": 1, "keepdims": True})
    c.add("countNonzero/bool", "countNonzero", [bools(3, 4)], lambda x: jnp.count_nonzero(x, axis=0), kw={"axis": 0})
    for name, fn in [("all", jnp.all), ("any", jnp.any)]:
        c.add(f"{name}/float", name, [z], fn)
        c.add(f"{name}/axis", name, [z], lambda x, fn=fn: fn(x, axis=0), kw={"axis": 0})
        c.add(f"{name}/bool_keepdims", name, [bools(3, 4)], lambda x, fn=fn: fn(x, axis=1, keepdims=True), kw={"axis": 1, "keepdims": True})
        c.add(f"{name}/int_axes", name, [i32(2, 3, 2, lo=0, hi=2)], lambda x, fn=fn: fn(x, axis=(0, 2)), kw={"axis": [0, 2]})
        c.add(f"{name}/empty", name, [np.zeros((0, 3), np.float32)], lambda x, fn=fn: fn(x, axis=0), kw={"axis": 0})
        c.add(f"{name}/empty_all", name, [np.zeros((0,), np.float32)], fn)
    c.add("ptp/all", "ptp", [x], jnp.ptp, grad=True)
    c.add("ptp/axis", "ptp", [x], lambda x: jnp.ptp(x, axis=0, keepdims=True), kw={"axis": 0, "keepdims": True}, grad=True)
    c.add("ptp/int", "ptp", [i32(3, 4)], lambda x: jnp.ptp(x, axis=1), kw={"axis": 1})

    # NaN-ignoring reductions
    xn = f32(3, 4)
    xn[0, 1] = np.nan
    xn[2, :] = np.nan
    xn[1, 3] = np.nan
    for name, fn, diff in [("nansum", jnp.nansum, True), ("nanprod", jnp.nanprod, True), ("nanmax", jnp.nanmax, True), ("nanmin", jnp.nanmin, True), ("nanmean", jnp.nanmean, True), ("nanvar", jnp.nanvar, True), ("nanstd", jnp.nanstd, False)]:
        c.add(f"{name}/all", name, [xn], fn)
        c.add(f"{name}/axis1", name, [xn], lambda x, fn=fn: fn(x, axis=1), kw={"axis": 1})
        c.add(f"{name}/axis0_keepdims", name, [xn], lambda x, fn=fn: fn(x, axis=0, keepdims=True), kw={"axis": 0, "keepdims": True})
        c.add(f"{name}/int", name, [i32(2, 3)], lambda x, fn=fn: fn(x, axis=0), kw={"axis": 0})
        if diff:
            xg = f32(3, 4)
            xg[1, 2] = np.nan
            c.add(f"{name}/grad", name, [xg], lambda x, fn=fn: fn(x, axis=1), kw={"axis": 1}, grad=True)
    c.add("nanvar/ddof", "nanvar", [xn], lambda x: jnp.nanvar(x, axis=1, ddof=1), kw={"axis": 1, "ddof": 1})
    c.add("nanstd/ddof3", "nanstd", [xn], lambda x: jnp.nanstd(x, axis=1, ddof=3), kw={"axis": 1, "ddof": 3})
    c.add("nanargmax/axis1", "nanargmax", [xn], lambda x: jnp.nanargmax(x, axis=1), kw={"axis": 1})
    c.add("nanargmin/axis0", "nanargmin", [xn], lambda x: jnp.nanargmin(x, axis=0), kw={"axis": 0})
    c.add("nanargmax/flat", "nanargmax", [xn], jnp.nanargmax)
    c.add("nanargmin/keepdims", "nanargmin", [xn], lambda x: jnp.nanargmin(x, axis=1, keepdims=True), kw={"axis": 1, "keepdims": True})
    c.add("nanargmax/int", "nanargmax", [i32(2, 3)], lambda x: jnp.nanargmax(x, axis=1), kw={"axis": 1})

    # trapezoid
    y = f32(3, 5)
    c.add("trapezoid/y", "trapezoid", [y], jnp.trapezoid, grad=True)
    c.add("trapezoid/dx", "trapezoid", [y], lambda y: jnp.trapezoid(y, dx=0.5, axis=0), kw={"dx": 0.5, "axis": 0}, grad=True)
    c.add("trapezoid/x1d", "trapezoid", [y, np.sort(uni(0, 3, 5))], lambda y, xs: jnp.trapezoid(y, xs), grad=True)
    c.add("trapezoid/x2d", "trapezoid", [y, np.sort(uni(0, 3, 3, 5), axis=0)], lambda y, xs: jnp.trapezoid(y, xs, axis=0), kw={"axis": 0}, grad=True)
    c.add("trapezoid/int", "trapezoid", [i32(6)], jnp.trapezoid)

    # existing reductions (reductions.ts), checked against JAX here
    c.add("amax/axis", "amax", [x3], lambda x: jnp.amax(x, axis=(0, 2), keepdims=True), kw={"axis": [0, 2], "keepdims": True}, grad=True)
    c.add("amin/int", "amin", [i32(3, 4)], lambda x: jnp.amin(x, axis=1), kw={"axis": 1})
    c.add("amax/nan", "amax", [arr([1.0, np.nan, 3.0])], jnp.amax)

    # covariance and correlation
    m = f32(3, 5)
    ctol = {"rtol": 2e-5, "atol": 1e-5}
    c.add("cov/default", "cov", [m], jnp.cov, grad=True, tol=ctol)
    c.add("cov/rowvar_false", "cov", [f32(5, 2)], lambda x: jnp.cov(x, rowvar=False), kw={"rowvar": False}, grad=True, tol=ctol)
    c.add("cov/bias", "cov", [m], lambda x: jnp.cov(x, bias=True), kw={"bias": True}, tol=ctol)
    c.add("cov/ddof", "cov", [m], lambda x: jnp.cov(x, ddof=2), kw={"ddof": 2}, tol=ctol)
    c.add("cov/y", "cov", [f32(2, 5), f32(5)], jnp.cov, kw={"roles": ["m", "y"]}, grad=True, tol=ctol)
    c.add("cov/1d", "cov", [f32(6)], jnp.cov, grad=True, tol=ctol)
    c.add("cov/fweights", "cov", [m, arr([1, 2, 1, 3, 1], np.int32)], lambda x, fw: jnp.cov(x, fweights=fw), kw={"roles": ["m", "fweights"]}, grad=[0], tol=ctol)
    c.add("cov/aweights", "cov", [m, uni(0.2, 2, 5)], lambda x, aw: jnp.cov(x, aweights=aw), kw={"roles": ["m", "aweights"]}, grad=True, tol=ctol)
    c.add("cov/both_weights", "cov", [m, arr([1, 2, 1, 3, 1], np.int32), uni(0.2, 2, 5)], lambda x, fw, aw: jnp.cov(x, fweights=fw, aweights=aw), kw={"roles": ["m", "fweights", "aweights"]}, grad=[0, 2], tol=ctol)
    c.add("cov/aweights_bias", "cov", [m, uni(0.2, 2, 5)], lambda x, aw: jnp.cov(x, aweights=aw, bias=True), kw={"bias": True, "roles": ["m", "aweights"]}, tol=ctol)
    c.add("cov/int", "cov", [i32(2, 4)], jnp.cov, tol=ctol)
    c.add("corrcoef/default", "corrcoef", [m], jnp.corrcoef, grad=True, tol=ctol)
    c.add("corrcoef/y_rowvar", "corrcoef", [f32(5, 2), f32(5, 1)], lambda x, y: jnp.corrcoef(x, y, rowvar=False), kw={"rowvar": False}, grad=True, tol=ctol)
    c.add("corrcoef/1d", "corrcoef", [f32(4)], jnp.corrcoef)

    # existing reductions used here
    c.vmap("vmap/var", "var", [f32(3, 4, 5)], lambda x: jnp.var(x, axis=1, ddof=1), (2,), kw={"axis": 1, "ddof": 1})
    c.vmap("vmap/nanmean", "nanmean", [xn], lambda x: jnp.nanmean(x), (0,))
    c.vmap("vmap/average", "average", [f32(3, 4), uni(0.1, 2, 4)], lambda x, w: jnp.average(x, weights=w), (0, None))
    c.vmap("vmap/all", "all", [bools(4, 3)], jnp.all, (1,))
    c.vmap("vmap/nanargmax", "nanargmax", [xn], jnp.nanargmax, (0,))
    write_cases("numpy_stats.json", c.cases)


# ---------------------------------------------------------------------------
# numpy_shaping.json


def make_shaping():
    reseed(3)
    c = Cases()
    x3 = f32(2, 3, 4)
    x2 = f32(3, 4)
    c.add("swapaxes/0", "swapaxes", [x3], lambda x: jnp.swapaxes(x, 0, -1), kw={"axis1": 0, "axis2": -1}, grad=True)
    c.add("moveaxis/single", "moveaxis", [x3], lambda x: jnp.moveaxis(x, 0, -1), kw={"source": 0, "destination": -1}, grad=True)
    c.add("moveaxis/multi", "moveaxis", [f32(2, 3, 4, 5)], lambda x: jnp.moveaxis(x, (0, 3), (2, 0)), kw={"source": [0, 3], "destination": [2, 0]})
    c.add("rollaxis/0", "rollaxis", [f32(2, 3, 4, 5)], lambda x: jnp.rollaxis(x, 3, 1), kw={"axis": 3, "start": 1})
    c.add("rollaxis/1", "rollaxis", [f32(2, 3, 4, 5)], lambda x: jnp.rollaxis(x, 1, 4), kw={"axis": 1, "start": 4})

    c.add("split/sections", "split", [f32(6, 2)], lambda x: jnp.split(x, 3), kw={"spec": 3}, grad=True)
    c.add("split/indices", "split", [f32(2, 7)], lambda x: jnp.split(x, [2, 5], axis=1), kw={"spec": [2, 5], "axis": 1}, grad=True)
    c.add("split/indices_odd", "split", [f32(7)], lambda x: jnp.split(x, [2, 2, 7]), kw={"spec": [2, 2, 7]})
    c.add("arraySplit/uneven", "arraySplit", [f32(7, 2)], lambda x: jnp.array_split(x, 3), kw={"spec": 3})
    c.add("arraySplit/more_than_len", "arraySplit", [f32(2)], lambda x: jnp.array_split(x, 4), kw={"spec": 4})
    c.add("hsplit/0", "hsplit", [f32(2, 6)], lambda x: jnp.hsplit(x, 2), kw={"spec": 2})
    c.add("hsplit/1d", "hsplit", [f32(6)], lambda x: jnp.hsplit(x, [1, 4]), kw={"spec": [1, 4]})
    c.add("vsplit/0", "vsplit", [f32(4, 3)], lambda x: jnp.vsplit(x, 2), kw={"spec": 2})
    c.add("dsplit/0", "dsplit", [f32(1, 2, 6)], lambda x: jnp.dsplit(x, [2]), kw={"spec": [2]})
    c.add("unstack/0", "unstack", [x3], jnp.unstack, grad=True)
    c.add("unstack/axis", "unstack", [x3], lambda x: jnp.unstack(x, axis=-1), kw={"axis": -1})

    c.add("tile/int", "tile", [f32(2, 3)], lambda x: jnp.tile(x, 2), kw={"reps": 2}, grad=True)
    c.add("tile/longer", "tile", [f32(3)], lambda x: jnp.tile(x, (2, 1, 2)), kw={"reps": [2, 1, 2]}, grad=True)
    c.add("tile/shorter", "tile", [f32(2, 1, 3)], lambda x: jnp.tile(x, (2, 2)), kw={"reps": [2, 2]})
    c.add("tile/zero", "tile", [f32(2, 3)], lambda x: jnp.tile(x, (0, 2)), kw={"reps": [0, 2]})
    c.add("tile/scalar", "tile", [arr(1.5)], lambda x: jnp.tile(x, 3), kw={"reps": 3})
    c.add("repeat/scalar", "repeat", [f32(2, 3)], lambda x: jnp.repeat(x, 2, axis=1), kw={"repeats": 2, "axis": 1}, grad=True)
    c.add("repeat/flat", "repeat", [f32(2, 3)], lambda x: jnp.repeat(x, 2), kw={"repeats": 2})
    c.add("repeat/list", "repeat", [f32(3, 2)], lambda x: jnp.repeat(x, np.array([1, 0, 3]), axis=0), kw={"repeats": [1, 0, 3], "axis": 0}, grad=True)
    c.add("repeat/list1", "repeat", [f32(3, 2)], lambda x: jnp.repeat(x, np.array([2]), axis=-1), kw={"repeats": [2], "axis": -1})
    c.add("repeat/total_pad", "repeat", [f32(3)], lambda x: jnp.repeat(x, np.array([1, 2, 1]), total_repeat_length=6), kw={"repeats": [1, 2, 1], "totalRepeatLength": 6})
    c.add("repeat/total_cut", "repeat", [f32(3)], lambda x: jnp.repeat(x, np.array([1, 2, 3]), total_repeat_length=4), kw={"repeats": [1, 2, 3], "totalRepeatLength": 4})
    c.add("repeat/zero", "repeat", [f32(2, 3)], lambda x: jnp.repeat(x, 0, axis=0), kw={"repeats": 0, "axis": 0})
    c.add("repeat/0d", "repeat", [arr(2.5)], lambda x: jnp.repeat(x, 3), kw={"repeats": 3})

    c.add("flip/all", "flip", [x3], jnp.flip, grad=True)
    c.add("flip/axis", "flip", [x3], lambda x: jnp.flip(x, 1), kw={"axis": 1})
    c.add("flip/axes", "flip", [x3], lambda x: jnp.flip(x, (0, -1)), kw={"axis": [0, -1]})
    c.add("fliplr/0", "fliplr", [x2], jnp.fliplr)
    c.add("flipud/0", "flipud", [x2], jnp.flipud)
    c.add("roll/flat", "roll", [x2], lambda x: jnp.roll(x, 5), kw={"shift": 5}, grad=True)
    c.add("roll/axis", "roll", [x2], lambda x: jnp.roll(x, -1, axis=1), kw={"shift": -1, "axis": 1}, grad=True)
    c.add("roll/multi", "roll", [x3], lambda x: jnp.roll(x, (1, -5), axis=(0, 2)), kw={"shift": [1, -5], "axis": [0, 2]})
    c.add("roll/big", "roll", [x2], lambda x: jnp.roll(x, 11, axis=0), kw={"shift": 11, "axis": 0})
    c.add("roll/array_shift", "roll", [x3, arr([1, -5], np.int32)], lambda x, s: jnp.roll(x, s, axis=(0, 2)), kw={"axis": [0, 2]}, grad=[0])
    c.add("roll/array_scalar_flat", "roll", [x2, arr(-7, np.int32)], lambda x, s: jnp.roll(x, s), grad=[0])
    c.add("roll/bcast_shift", "roll", [x3], lambda x: jnp.roll(x, 2, axis=(1, 2)), kw={"shift": 2, "axis": [1, 2]})
    for k in [1, 2, 3, -1, 4]:
        c.add(f"rot90/k{k}", "rot90", [x2], lambda x, k=k: jnp.rot90(x, k), kw={"k": k}, grad=(True if k == 1 else None))
    c.add("rot90/axes", "rot90", [x3], lambda x: jnp.rot90(x, 1, axes=(1, 2)), kw={"k": 1, "axes": [1, 2]})
    c.add("rot90/axes_rev", "rot90", [x3], lambda x: jnp.rot90(x, 3, axes=(2, 0)), kw={"k": 3, "axes": [2, 0]})

    # pad
    p1 = f32(5)
    p2 = f32(3, 4)
    pi = i32(2, 3)
    pad_cases = [
        ("constant_scalar", p2, 1, {}),
        ("constant_pairs", p2, [[1, 2], [0, 3]], {"constant_values": 1.5}),
        ("constant_per_axis", p2, [[1, 1], [2, 1]], {"constant_values": [[0.5, 1.5], [2.5, 3.5]]}),
        ("constant_before_after", p1, [2, 3], {"constant_values": [-1.5, 2.5]}),
        ("edge", p2, [[2, 1], [1, 3]], {"mode": "edge"}),
        ("wrap", p1, [[7, 3]], {"mode": "wrap"}),
        ("wrap2d", p2, [[1, 4], [5, 2]], {"mode": "wrap"}),
        ("reflect", p1, [[3, 9]], {"mode": "reflect"}),
        ("reflect2d", p2, [[2, 2], [3, 3]], {"mode": "reflect"}),
        ("reflect_odd", p1, [[4, 6]], {"mode": "reflect", "reflect_type": "odd"}),
        ("symmetric", p1, [[6, 2]], {"mode": "symmetric"}),
        ("symmetric_odd", p2, [[2, 1], [5, 4]], {"mode": "symmetric", "reflect_type": "odd"}),
        ("reflect_len1", arr([2.5]), [[2, 3]], {"mode": "reflect"}),
        ("linear_ramp", p2, [[2, 1], [3, 2]], {"mode": "linear_ramp", "end_values": [[1.5, -1.5], [0.5, 2.5]]}),
        ("linear_ramp_int", pi, [[2, 3], [1, 4]], {"mode": "linear_ramp", "end_values": 10}),
        ("maximum", p2, [[1, 2], [2, 1]], {"mode": "maximum"}),
        ("minimum_stat", p2, [[1, 2], [2, 1]], {"mode": "minimum", "stat_length": 2}),
        ("mean", p2, 2, {"mode": "mean"}),
        ("mean_int", pi, [[1, 1], [2, 2]], {"mode": "mean", "stat_length": [[1, 2], [2, 3]]}),
        ("median", p2, [[1, 2], [2, 1]], {"mode": "median", "stat_length": [[2, 3], [4, 1]]}),
        ("median_int", pi, 1, {"mode": "median"}),
        ("empty", p2, 1, {"mode": "empty"}),
        ("int_constant", pi, 1, {"constant_values": 7}),
        ("zero_width", p2, 0, {"mode": "reflect"}),
    ]
    camel = {"constant_values": "constantValues", "reflect_type": "reflectType", "end_values": "endValues", "stat_length": "statLength", "mode": "mode"}
    for name, xx, width, kwargs in pad_cases:
        kw = {camel[k]: v for k, v in kwargs.items()}
        kw["padWidth"] = width
        diff = xx.dtype == np.float32 and kwargs.get("mode") not in ("empty",) and name in ("constant_pairs", "edge", "wrap2d", "reflect2d", "reflect_odd", "symmetric_odd", "linear_ramp", "maximum", "mean")
        c.add(f"pad/{name}", "pad", [xx], lambda x, width=width, kwargs=kwargs: jnp.pad(x, tup(width), **{k: tup(v) for k, v in kwargs.items()}), kw=kw, grad=(True if diff else None))
    c.add("pad/0d", "pad", [arr(1.5)], lambda x: jnp.pad(x, 2), kw={"padWidth": 2})

    for name, fn in [("atleast1d", jnp.atleast_1d), ("atleast2d", jnp.atleast_2d), ("atleast3d", jnp.atleast_3d)]:
        for i, v in enumerate([arr(1.5), f32(3), f32(2, 3), f32(2, 3, 4)]):
            c.add(f"{name}/{i}", name, [v], fn)
        c.add(f"{name}/multi", name, [arr(1.5), f32(2)], fn)
    c.add("atleast1d/scalar", "atleast1d", [2], jnp.atleast_1d)

    lst = [f32(3), f32(3)]
    c.add("hstack/1d", "hstack", lst, lambda *xs: jnp.hstack(xs), grad=True)
    c.add("hstack/2d", "hstack", [f32(2, 1), f32(2, 3)], lambda *xs: jnp.hstack(xs))
    c.add("hstack/scalars", "hstack", [arr(1.5), arr(2.5)], lambda *xs: jnp.hstack(xs))
    c.add("vstack/1d", "vstack", lst, lambda *xs: jnp.vstack(xs), grad=True)
    c.add("vstack/mixed", "vstack", [f32(3), f32(2, 3)], lambda *xs: jnp.vstack(xs))
    c.add("vstack/dtype", "vstack", [i32(2), i32(2)], lambda *xs: jnp.vstack(xs, dtype=jnp.float32), kw={"dtype": "float32"})
    c.add("dstack/0", "dstack", [f32(2, 3), f32(2, 3)], lambda *xs: jnp.dstack(xs), grad=True)
    c.add("dstack/1d", "dstack", [f32(3), f32(3)], lambda *xs: jnp.dstack(xs))
    c.add("columnStack/0", "columnStack", [f32(3), f32(3, 2)], lambda *xs: jnp.column_stack(xs), grad=True)
    c.add("hstack/promote", "hstack", [i32(2), f32(2)], lambda *xs: jnp.hstack(xs))
    c.add("vstack/array_arg", "vstackArray", [f32(3, 2)], lambda x: jnp.vstack(x))
    c.add("hstack/array_arg", "hstackArray", [f32(3, 2)], lambda x: jnp.hstack(x))
    c.add("concat/0", "concat", [f32(2), f32(3)], lambda *xs: jnp.concat(xs))
    c.add("block/2x2", "block", [f32(2, 2), f32(2, 3), f32(1, 2), f32(1, 3)], lambda a, b, cc, d: jnp.block([[a, b], [cc, d]]), grad=True)
    c.add("block/1d", "block1d", [f32(2), f32(3)], lambda a, b: jnp.block([a, b]))

    c.add("append/flat", "append", [f32(2, 2), f32(3)], jnp.append, grad=True)
    c.add("append/axis", "append", [f32(2, 2), f32(1, 2)], lambda a, b: jnp.append(a, b, axis=0), kw={"axis": 0})
    c.add("resize/bigger", "resize", [f32(2, 3)], lambda x: jnp.resize(x, (4, 4)), kw={"newShape": [4, 4]}, grad=True)
    c.add("resize/smaller", "resize", [f32(2, 3)], lambda x: jnp.resize(x, 4), kw={"newShape": 4})
    c.add("resize/empty", "resize", [np.zeros((0,), np.float32)], lambda x: jnp.resize(x, (2, 2)), kw={"newShape": [2, 2]})

    c.add("delete/int", "delete", [f32(3, 4)], lambda x: jnp.delete(x, 1, axis=1), kw={"obj": 1, "axis": 1}, grad=True)
    c.add("delete/neg", "delete", [f32(5)], lambda x: jnp.delete(x, -1), kw={"obj": -1})
    c.add("delete/list", "delete", [f32(6, 2)], lambda x: jnp.delete(x, np.array([0, 2, 3]), axis=0), kw={"obj": [0, 2, 3], "axis": 0})
    c.add("delete/slice", "delete", [f32(3, 4)], lambda x: jnp.delete(x, slice(1, None, 2)), kw={"obj": "1::2"})
    c.add("delete/mask", "delete", [f32(4)], lambda x: jnp.delete(x, np.array([True, False, False, True])), kw={"obj": [True, False, False, True]})
    c.add("insert/scalar_index", "insert", [f32(2, 3), 1.5], lambda x, v: jnp.insert(x, 1, v, axis=1), kw={"obj": 1, "axis": 1}, grad=[0])
    c.add("insert/row", "insert", [f32(2, 3), f32(3)], lambda x, v: jnp.insert(x, 0, v, axis=0), kw={"obj": 0, "axis": 0}, grad=True)
    c.add("insert/column_values", "insert", [f32(2, 3), f32(2)], lambda x, v: jnp.insert(x, 2, v, axis=1), kw={"obj": 2, "axis": 1}, grad=True)
    c.add("insert/list", "insert", [f32(4), f32(3)], lambda x, v: jnp.insert(x, np.array([3, 0, 3]), v), kw={"obj": [3, 0, 3]}, grad=True)
    c.add("insert/flat", "insert", [f32(2, 2), arr([9.5, 8.5])], lambda x, v: jnp.insert(x, np.array([1]), v), kw={"obj": [1]})
    c.add("insert/end_neg", "insert", [f32(3), 2.5], lambda x, v: jnp.insert(x, np.array([-1, 3]), v), kw={"obj": [-1, 3]})

    # existing shape functions (manipulation.ts), checked against JAX here
    c.add("broadcastArrays/0", "broadcastArrays", [f32(3, 1), f32(4), arr(2.5)], jnp.broadcast_arrays, grad=True)
    c.add("broadcastArrays/python", "broadcastArrays", [i32(2), 1.5], jnp.broadcast_arrays)
    c.add("ravel/0", "ravel", [f32(2, 3)], jnp.ravel)
    c.vmap("vmap/pad", "pad", [f32(3, 4)], lambda x: jnp.pad(x, [[2, 1]], mode="reflect"), (0,), kw={"padWidth": [[2, 1]], "mode": "reflect"})
    c.vmap("vmap/roll", "roll", [f32(3, 5)], lambda x: jnp.roll(x, 2), (1,), kw={"shift": 2})
    c.vmap("vmap/roll_dynamic", "roll", [f32(3, 5), arr([1, -2, 7], np.int32)], lambda x, s: jnp.roll(x, s), (0, 0))
    c.vmap("vmap/repeat", "repeat", [f32(2, 3)], lambda x: jnp.repeat(x, np.array([1, 2, 0])), (0,), kw={"repeats": [1, 2, 0]})
    c.vmap("vmap/tile", "tile", [f32(2, 3)], lambda x: jnp.tile(x, (2, 2)), (0,), kw={"reps": [2, 2]})
    c.vmap("vmap/split", "split", [f32(3, 4)], lambda x: jnp.split(x, 2), (0,), kw={"spec": 2})
    c.vmap("vmap/insert", "insert", [f32(2, 3), f32(2)], lambda x, v: jnp.insert(x, 1, v), (0, 0), kw={"obj": 1})
    c.vmap("vmap/rot90", "rot90", [f32(2, 3, 4)], lambda x: jnp.rot90(x), (2,), kw={"k": 1})
    write_cases("numpy_shaping.json", c.cases)


# ---------------------------------------------------------------------------
# numpy_logic.json


def make_logic():
    reseed(4)
    c = Cases()
    a = arr([1.0, 1.00001, np.inf, np.inf, np.nan, 0.0, 1e-9, -np.inf, 100.0])
    b = arr([1.0, 1.0, np.inf, -np.inf, np.nan, 1e-8, 0.0, -np.inf, 100.1])
    c.add("isclose/default", "isclose", [a, b], jnp.isclose)
    c.add("isclose/tols", "isclose", [a, b], lambda x, y: jnp.isclose(x, y, rtol=1e-2, atol=1e-3), kw={"rtol": 1e-2, "atol": 1e-3})
    c.add("isclose/equal_nan", "isclose", [a, b], lambda x, y: jnp.isclose(x, y, equal_nan=True), kw={"equalNan": True})
    c.add("isclose/bcast_int", "isclose", [i32(2, 3), i32(3)], jnp.isclose)
    c.add("isclose/scalar", "isclose", [f32(4), 0.5], lambda x, y: jnp.isclose(x, y, atol=1.5), kw={"atol": 1.5})
    c.add("allclose/true", "allclose", [arr([1.0, 2.0]), arr([1.0, 2.000001])], jnp.allclose)
    c.add("allclose/false", "allclose", [a, b], jnp.allclose)
    c.add("allclose/nan", "allclose", [arr([np.nan, 1.0]), arr([np.nan, 1.0])], lambda x, y: jnp.allclose(x, y, equal_nan=True), kw={"equalNan": True})
    x = f32(2, 3)
    c.add("arrayEqual/same", "arrayEqual", [x, x.copy()], jnp.array_equal)
    c.add("arrayEqual/diff", "arrayEqual", [x, x + np.float32(1)], jnp.array_equal)
    c.add("arrayEqual/shape", "arrayEqual", [x, x.reshape(3, 2)], jnp.array_equal)
    c.add("arrayEqual/nan", "arrayEqual", [arr([np.nan, 1.0]), arr([np.nan, 1.0])], jnp.array_equal)
    c.add("arrayEqual/equal_nan", "arrayEqual", [arr([np.nan, 1.0]), arr([np.nan, 1.0])], lambda p, q: jnp.array_equal(p, q, equal_nan=True), kw={"equalNan": True})
    c.add("arrayEqual/int_float", "arrayEqual", [arr([1, 2], np.int32), arr([1.0, 2.0])], jnp.array_equal)
    c.add("arrayEquiv/bcast", "arrayEquiv", [arr([[1.0, 2.0], [1.0, 2.0]]), arr([1.0, 2.0])], jnp.array_equiv)
    c.add("arrayEquiv/diff", "arrayEquiv", [arr([[1.0, 2.0], [1.0, 3.0]]), arr([1.0, 2.0])], jnp.array_equiv)
    # existing logical functions (ufuncs.ts)
    la, lb = arr([0.0, 1.5, -2.0, np.nan]), arr([0.0, 0.0, 3.0, 1.0])
    for name, fn in [("logicalAnd", jnp.logical_and), ("logicalOr", jnp.logical_or), ("logicalXor", jnp.logical_xor)]:
        c.add(f"{name}/float", name, [la, lb], fn)
        c.add(f"{name}/bool_bcast", name, [bools(2, 3), bools(3)], fn)
    c.add("logicalNot/int", "logicalNot", [i32(5, lo=-1, hi=2)], jnp.logical_not)
    c.add("isreal/0", "isreal", [f32(3)], jnp.isreal)
    c.add("iscomplex/0", "iscomplex", [f32(2, 2)], jnp.iscomplex)
    c.vmap("vmap/isclose", "isclose", [f32(3, 4), f32(4)], jnp.isclose, (0, None))
    c.vmap("vmap/allclose", "allclose", [f32(3, 2), f32(3, 2)], jnp.allclose, (0, 0))
    write_cases("numpy_logic.json", c.cases)


# ---------------------------------------------------------------------------
# numpy_contractions.json


def make_contractions():
    reseed(5)
    c = Cases()
    tol = {"rtol": 2e-5, "atol": 1e-5}
    specs = [
        ("ij,jk->ik", [(2, 3), (3, 4)]),
        ("ij,jk", [(2, 3), (3, 4)]),
        ("ij->ji", [(2, 3)]),
        ("ii->i", [(3, 3)]),
        ("ii", [(3, 3)]),
        ("ij->", [(2, 3)]),
        ("i,i->", [(4,), (4,)]),
        ("i,j->ij", [(2,), (3,)]),
        ("bij,bjk->bik", [(2, 3, 4), (2, 4, 5)]),
        ("...ij,...jk->...ik", [(2, 3, 4), (4, 2)]),
        ("...ij,...jk", [(1, 2, 3, 4), (5, 1, 4, 2)]),
        ("i...->...", [(3, 2, 2)]),
        ("ab,bc,cd->ad", [(2, 3), (3, 4), (4, 2)]),
        ("ab,bc,cd,de->ae", [(2, 3), (3, 4), (4, 5), (5, 2)]),
        ("ij,ij->ij", [(2, 3), (2, 3)]),
        ("iij->j", [(2, 2, 3)]),
        ("iji->ij", [(3, 2, 3)]),
        ("ijk,kji", [(2, 3, 4), (4, 3, 2)]),
        ("i,i,i->i", [(4,), (4,), (4,)]),
        ("bn,anm,bm->ba", [(2, 3), (4, 3, 5), (2, 5)]),
        ("ij,kl->ijkl", [(2, 2), (3, 1)]),
        ("ij,j->i", [(3, 1), (4,)]),
        ("Ab,bA->", [(2, 3), (3, 2)]),
        ("ba,ab", [(2, 3), (3, 2)]),
        ("ij,jk->ik", [(0, 3), (3, 2)]),
        ("a,b,c->", [(2,), (3,), (2,)]),
    ]
    for i, (spec, shapes) in enumerate(specs):
        ops = [f32(*s) for s in shapes]
        c.add(f"einsum/{i}:{spec}", "einsum", ops, lambda *o, spec=spec: jnp.einsum(spec, *o), kw={"spec": spec}, grad=True, tol=tol)
    c.add("einsum/int", "einsum", [i32(2, 3), i32(3)], lambda a, b: jnp.einsum("ij,j->i", a, b), kw={"spec": "ij,j->i"})
    c.add("einsum/mixed_dtype", "einsum", [i32(2, 3), f32(3)], lambda a, b: jnp.einsum("ij,j->i", a, b), kw={"spec": "ij,j->i"})
    c.add("einsum/bool", "einsum", [bools(2, 3), bools(3, 2)], lambda a, b: jnp.einsum("ij,jk->ik", a, b), kw={"spec": "ij,jk->ik"})
    c.add("einsum/preferred", "einsum", [i32(2, 3), i32(3)], lambda a, b: jnp.einsum("ij,j->i", a, b, preferred_element_type=jnp.float32), kw={"spec": "ij,j->i", "preferredElementType": "float32"})

    a3, b3 = f32(2, 3, 4), f32(3, 4, 5)
    c.add("tensordot/default", "tensordot", [a3, b3], lambda a, b: jnp.tensordot(a, b), grad=True, tol=tol)
    c.add("tensordot/int_axes", "tensordot", [a3, f32(4, 2)], lambda a, b: jnp.tensordot(a, b, 1), kw={"axes": 1}, grad=True, tol=tol)
    c.add("tensordot/zero", "tensordot", [f32(2), f32(3)], lambda a, b: jnp.tensordot(a, b, 0), kw={"axes": 0})
    c.add("tensordot/pair", "tensordot", [a3, f32(5, 3)], lambda a, b: jnp.tensordot(a, b, (1, 1)), kw={"axes": [1, 1]}, grad=True, tol=tol)
    c.add("tensordot/lists", "tensordot", [a3, f32(4, 5, 2)], lambda a, b: jnp.tensordot(a, b, ([2, 0], [0, 2])), kw={"axes": [[2, 0], [0, 2]]}, grad=True, tol=tol)
    c.add("kron/2d", "kron", [f32(2, 3), f32(2, 2)], jnp.kron, grad=True)
    c.add("kron/mixed_rank", "kron", [f32(3), f32(2, 2)], jnp.kron, grad=True)
    c.add("kron/int", "kron", [i32(2, 2), i32(2)], jnp.kron)
    c.add("cross/3", "cross", [f32(4, 3), f32(4, 3)], jnp.cross, grad=True)
    c.add("cross/bcast", "cross", [f32(2, 1, 3), f32(4, 3)], jnp.cross, grad=True)
    c.add("cross/2x3", "cross", [f32(2), f32(3)], jnp.cross, grad=True)
    c.add("cross/2x2", "cross", [f32(3, 2), f32(3, 2)], jnp.cross, grad=True)
    c.add("cross/axis", "cross", [f32(3, 4), f32(3, 4)], lambda a, b: jnp.cross(a, b, axis=0), kw={"axis": 0})
    c.add("cross/axisabc", "cross", [f32(3, 2), f32(2, 3)], lambda a, b: jnp.cross(a, b, axisa=0, axisb=1, axisc=0), kw={"axisa": 0, "axisb": 1, "axisc": 0})
    c.add("cross/int", "cross", [i32(3), i32(3)], jnp.cross)

    m = f32(4, 5)
    for off in [0, 1, -2, 3, 5, -4, -7]:
        c.add(f"diagonal/off{off}", "diagonal", [m], lambda x, off=off: jnp.diagonal(x, off), kw={"offset": off}, grad=(True if off in (0, 1, -2) else None))
        c.add(f"trace/off{off}", "trace", [m], lambda x, off=off: jnp.trace(x, off), kw={"offset": off}, grad=(True if off in (0, 1, -2) else None))
    x4 = f32(2, 3, 4, 3)
    c.add("diagonal/axes", "diagonal", [x4], lambda x: jnp.diagonal(x, 1, 3, 1), kw={"offset": 1, "axis1": 3, "axis2": 1}, grad=True)
    c.add("diagonal/axes_neg", "diagonal", [x4], lambda x: jnp.diagonal(x, -1, -1, 0), kw={"offset": -1, "axis1": -1, "axis2": 0})
    c.add("trace/axes", "trace", [x4], lambda x: jnp.trace(x, 0, 1, 3), kw={"offset": 0, "axis1": 1, "axis2": 3}, grad=True)
    c.add("trace/int", "trace", [i32(3, 3)], jnp.trace)
    c.add("trace/int8", "trace", [arr([[100, 1], [2, 100]], np.int8)], jnp.trace)
    c.add("trace/bool", "trace", [bools(3, 3)], jnp.trace)
    c.add("trace/dtype", "trace", [i32(3, 3)], lambda x: jnp.trace(x, dtype=jnp.float32), kw={"dtype": "float32"})
    c.add("diagonal/bool", "diagonal", [bools(3, 4)], jnp.diagonal)
    c.add("matrixTranspose/0", "matrixTranspose", [f32(2, 3, 4)], jnp.matrix_transpose, grad=True)
    c.add("vecdot/0", "vecdot", [f32(2, 3), f32(3)], jnp.vecdot, grad=True)
    c.add("vecdot/axis", "vecdot", [f32(3, 2), f32(3, 1)], lambda a, b: jnp.vecdot(a, b, axis=0), kw={"axis": 0}, grad=True)
    c.add("matvec/0", "matvec", [f32(2, 3, 4), f32(4)], jnp.matvec, grad=True)
    c.add("matvec/bcast", "matvec", [f32(3, 4), f32(2, 4)], jnp.matvec, grad=True)
    c.add("vecmat/0", "vecmat", [f32(3), f32(2, 3, 4)], jnp.vecmat, grad=True)

    # existing products (products.ts), checked against JAX here
    c.add("inner/nd", "inner", [f32(2, 3), f32(4, 3)], jnp.inner, grad=True)
    c.add("inner/scalar", "inner", [f32(3), 2.5], jnp.inner)
    c.add("outer/nd", "outer", [f32(2, 2), f32(3)], jnp.outer, grad=True)
    c.add("vdot/0", "vdot", [f32(2, 3), f32(3, 2)], jnp.vdot, grad=True)
    c.add("vdot/int", "vdot", [i32(4), i32(4)], jnp.vdot)
    c.vmap("vmap/einsum", "einsum", [f32(3, 2, 4), f32(4, 5)], lambda a, b: jnp.einsum("ij,jk->ik", a, b), (0, None), kw={"spec": "ij,jk->ik"}, tol=tol)
    c.vmap("vmap/einsum_diag", "einsum", [f32(3, 3, 2)], lambda a: jnp.einsum("ii->i", a), (2,), kw={"spec": "ii->i"})
    c.vmap("vmap/diagonal", "diagonal", [f32(2, 3, 4)], lambda x: jnp.diagonal(x, 1), (1,), kw={"offset": 1})
    c.vmap("vmap/trace", "trace", [f32(2, 3, 3)], jnp.trace, (0,))
    c.vmap("vmap/cross", "cross", [f32(4, 3), f32(3)], jnp.cross, (0, None))
    c.vmap("vmap/kron", "kron", [f32(3, 2), f32(3, 2)], jnp.kron, (0, 0))
    c.vmap("vmap/tensordot", "tensordot", [f32(2, 3, 4), f32(4, 3)], lambda a, b: jnp.tensordot(a, b, 1), (0, None), kw={"axes": 1})
    write_cases("numpy_contractions.json", c.cases)


# ---------------------------------------------------------------------------
# numpy_creation.json


def make_creation():
    reseed(6)
    c = Cases()
    c.add("logspace/default", "logspace", [0, 2], lambda a, b: jnp.logspace(a, b, 5), kw={"num": 5})
    c.add("logspace/base", "logspace", [1.5, -0.5], lambda a, b: jnp.logspace(a, b, 4, base=2.5, endpoint=False), kw={"num": 4, "base": 2.5, "endpoint": False})
    c.add("logspace/arrays", "logspace", [arr([0.0, 1.0]), arr([[2.0, 3.0], [1.0, -1.0]])], lambda a, b: jnp.logspace(a, b, 3, axis=-1), kw={"num": 3, "axis": -1}, grad=True)
    c.add("logspace/num1", "logspace", [0.5, 2], lambda a, b: jnp.logspace(a, b, 1), kw={"num": 1})
    c.add("logspace/num0", "logspace", [0.5, 2], lambda a, b: jnp.logspace(a, b, 0), kw={"num": 0})
    c.add("logspace/int_dtype", "logspace", [0, 3], lambda a, b: jnp.logspace(a, b, 4, dtype=jnp.int32), kw={"num": 4, "dtype": "int32"})
    c.add("geomspace/default", "geomspace", [1, 1000], lambda a, b: jnp.geomspace(a, b, 4), kw={"num": 4})
    c.add("geomspace/negative", "geomspace", [-0.5, -64.5], lambda a, b: jnp.geomspace(a, b, 5, endpoint=False), kw={"num": 5, "endpoint": False})
    c.add("geomspace/arrays", "geomspace", [arr([1.0, 2.0]), arr([8.0, 0.5])], lambda a, b: jnp.geomspace(a, b, 3, axis=1), kw={"num": 3, "axis": 1}, grad=True)

    xs, ys, zs = f32(3), f32(2), f32(4)
    c.add("meshgrid/xy", "meshgrid", [xs, ys], jnp.meshgrid, grad=True)
    c.add("meshgrid/ij", "meshgrid", [xs, ys], lambda a, b: jnp.meshgrid(a, b, indexing="ij"), kw={"indexing": "ij"})
    c.add("meshgrid/xy3", "meshgrid", [xs, ys, zs], jnp.meshgrid)
    c.add("meshgrid/sparse", "meshgrid", [xs, ys, zs], lambda *a: jnp.meshgrid(*a, sparse=True), kw={"sparse": True})
    c.add("meshgrid/one", "meshgrid", [xs], jnp.meshgrid)

    c.add("tri/0", "tri", [], lambda: jnp.tri(3), kw={"N": 3})
    c.add("tri/rect", "tri", [], lambda: jnp.tri(3, 5, 1), kw={"N": 3, "M": 5, "k": 1})
    c.add("tri/neg_k_int", "tri", [], lambda: jnp.tri(4, 2, -1, dtype=jnp.int32), kw={"N": 4, "M": 2, "k": -1, "dtype": "int32"})
    m = f32(2, 3, 4)
    for name, fn in [("tril", jnp.tril), ("triu", jnp.triu)]:
        for k in [0, 1, -1, 5]:
            c.add(f"{name}/k{k}", name, [m], lambda x, k=k, fn=fn: fn(x, k), kw={"k": k}, grad=(True if k == 1 else None))
        c.add(f"{name}/int", name, [i32(3, 3)], fn)
    v = f32(3)
    for k in [0, 2, -1]:
        c.add(f"diag/1d_k{k}", "diag", [v], lambda x, k=k: jnp.diag(x, k), kw={"k": k}, grad=True)
        c.add(f"diag/2d_k{k}", "diag", [f32(3, 4)], lambda x, k=k: jnp.diag(x, k), kw={"k": k}, grad=True)
    c.add("diagflat/0", "diagflat", [f32(2, 2)], jnp.diagflat, grad=True)
    c.add("diagflat/k", "diagflat", [i32(3)], lambda x: jnp.diagflat(x, -2), kw={"k": -2})
    c.add("indices/0", "indices", [], lambda: jnp.indices((2, 3)), kw={"dimensions": [2, 3]})
    c.add("indices/dtype", "indices", [], lambda: jnp.indices((2, 1, 2), dtype=jnp.float32), kw={"dimensions": [2, 1, 2], "dtype": "float32"})
    c.add("indices/sparse", "indices", [], lambda: jnp.indices((2, 3), sparse=True), kw={"dimensions": [2, 3], "sparse": True})
    c.add("emptyLike/0", "emptyLike", [i32(2, 3)], jnp.empty_like)
    c.add("diagIndices/0", "diagIndices", [], lambda: jnp.diag_indices(3, 3), kw={"n": 3, "ndim": 3})
    c.add("diagIndicesFrom/0", "diagIndicesFrom", [f32(2, 2)], jnp.diag_indices_from)
    c.add("vander/0", "vander", [f32(4)], jnp.vander, grad=True, tol={"rtol": 2e-5, "atol": 1e-5})
    c.add("vander/inc_N", "vander", [f32(3)], lambda x: jnp.vander(x, 5, increasing=True), kw={"N": 5, "increasing": True}, grad=True, tol={"rtol": 2e-5, "atol": 1e-5})
    c.add("vander/int", "vander", [i32(3)], jnp.vander)
    c.add("fromfunction/0", "fromfunction", [], lambda: jnp.fromfunction(lambda i, j: i * 2.5 + j, (2, 3)), kw={"shape": [2, 3]})
    c.add("fromfunction/int_tuple", "fromfunctionPair", [], lambda: jnp.fromfunction(lambda i, j: (i + j, i * j), (3, 2), dtype=jnp.int32), kw={"shape": [3, 2], "dtype": "int32"})
    # existing creation functions (creation.ts), checked against JAX here
    c.add("identity/0", "identity", [], lambda: jnp.identity(3), kw={"n": 3})
    c.add("identity/int", "identity", [], lambda: jnp.identity(2, dtype=jnp.int32), kw={"n": 2, "dtype": "int32"})
    c.add("eye/k", "eye", [], lambda: jnp.eye(3, 4, k=1), kw={"n": 3, "m": 4, "k": 1})
    c.add("fullLike/0", "fullLike", [i32(2, 3)], lambda x: jnp.full_like(x, 7), kw={"value": 7})
    c.add("fullLike/dtype", "fullLike", [i32(2)], lambda x: jnp.full_like(x, 2.5, dtype=jnp.float32), kw={"value": 2.5, "dtype": "float32"})
    c.add("fullLike/shape", "fullLike", [f32(2)], lambda x: jnp.full_like(x, 1.5, shape=(3, 1)), kw={"value": 1.5, "shape": [3, 1]})
    c.add("zerosLike/0", "zerosLike", [bools(3)], jnp.zeros_like)
    c.add("onesLike/0", "onesLike", [f32(2, 2)], jnp.ones_like)
    c.vmap("vmap/tril", "tril", [f32(3, 3, 2)], jnp.tril, (2,))
    c.vmap("vmap/diag", "diag", [f32(2, 3)], jnp.diag, (0,))
    c.vmap("vmap/meshgrid", "meshgrid", [f32(2, 3), f32(2, 4)], jnp.meshgrid, (0, 0))
    c.vmap("vmap/vander", "vander", [f32(2, 3)], jnp.vander, (0,))
    write_cases("numpy_creation.json", c.cases)


SECTIONS = {
    "math": make_math,
    "stats": make_stats,
    "shaping": make_shaping,
    "logic": make_logic,
    "contractions": make_contractions,
    "creation": make_creation,
}

if __name__ == "__main__":
    import sys

    # optional section names select what to regenerate (each draws from its own stream)
    for name in sys.argv[1:] or SECTIONS:
        SECTIONS[name]()
