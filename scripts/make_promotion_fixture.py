#!/usr/bin/env python3
"""Generate test/fixtures/promotion.json: JAX's result dtype and weak type of jnp.add
for every pair of dtypes, each operand strong or weak (test/core_errors.test.ts).

Usage:  ~/jax-venv/bin/python scripts/make_promotion_fixture.py

jaxts follows JAX with x64 disabled (int64 -> int32, uint64 -> uint32, Python scalars
-> weak int32 / weak float32) but keeps float64 as a real dtype. So:
  * pairs without float64 are computed with x64 disabled, exactly as JAX does by default;
  * pairs with a float64 operand need x64 enabled (otherwise JAX turns float64 into
    float32); their int64 / uint64 results are mapped to int32 / uint32, the canonical
    forms jaxts uses.
A weak operand is built the way JAX builds one internally: convert_element_type with
weak_type=True (jaxts: lax.convertElementType(x, dtype, true)).
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
from jax._src.lax import lax as lax_internal

from fixture_helpers import write

assert not jax.config.jax_enable_x64, "run with x64 disabled (the script enables it only for float64 pairs)"

DTYPES = ["bool", "int8", "uint8", "int16", "uint16", "int32", "uint32",
          "float16", "bfloat16", "float32", "float64"]
CANONICAL = {"int64": "int32", "uint64": "uint32"}


def operand(name, weak):
    dt = jnp.dtype(name)
    x = jnp.zeros((2,), dtype=dt)
    assert x.dtype == dt, (name, x.dtype)
    return lax_internal._convert_element_type(x, dt, weak_type=weak)


def result(a, a_weak, b, b_weak):
    r = jnp.add(operand(a, a_weak), operand(b, b_weak))
    return CANONICAL.get(str(r.dtype), str(r.dtype)), bool(r.aval.weak_type)


def main():
    rows = []
    for a in DTYPES:
        for a_weak in (False, True):
            for b in DTYPES:
                for b_weak in (False, True):
                    if "float64" in (a, b):
                        with jax.enable_x64(True):
                            dtype, weak = result(a, a_weak, b, b_weak)
                    else:
                        dtype, weak = result(a, a_weak, b, b_weak)
                    assert dtype in DTYPES, (a, b, dtype)
                    rows.append([a, a_weak, b, b_weak, dtype, weak])
    obj = {
        "description": "jnp.add(x, y).dtype and weak type for x, y = convert_element_type(zeros(2), dtype, weak_type); "
                       "columns: a, aWeak, b, bWeak, dtype, weak. Pairs with float64 computed with x64 enabled, "
                       "int64/uint64 results mapped to int32/uint32.",
        "jax_version": jax.__version__,
        "dtypes": DTYPES,
        "rows": rows,
    }
    write("promotion.json", obj)


if __name__ == "__main__":
    main()
