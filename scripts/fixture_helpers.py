"""Helpers shared by the golden-fixture scripts (scripts/make_*.py, scripts/fixtures_*.py).

Not a script itself: each script imports it (`from fixture_helpers import ...`), which works
however the script is started, because Python puts a script's own folder on sys.path.

Fixture conventions (test/fixtures/*.json, read by test/helpers.ts):
  * an array is {"shape": [...], "dtype": name, "data": [flat row-major values]} (a scalar
    has shape [] and one datum);
  * a pytree keeps its nesting: tuples/lists -> JSON lists, dicts -> JSON objects with
    sorted keys (JAX's dict flattening order);
  * a file is compact JSON (no spaces) ending in a newline.
"""

from __future__ import annotations

import json
import os
import sys

import numpy as np

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
FIXTURES_DIR = os.path.join(ROOT, "test", "fixtures")

# Fixtures are committed, so each file is kept small.
SIZE_LIMIT = 200_000

FLOAT_DTYPES = ("float16", "bfloat16", "float32", "float64")
INT_DTYPES = ("int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "uint64")
# jaxts has no 64-bit integers: JAX's x64 results are stored as the dtypes jaxts gives them.
JAXTS_INT = {"int64": "int32", "uint64": "uint32"}
ARRAY_KEYS = ("shape", "dtype", "data")


def json_float(v, *, nonfinite=False, shortest=False):
    """A float as JSON: exact, or with `shortest` the shortest decimal that reads back as the
    same value of v's own dtype (numpy's str of a float32: smaller files, exact round trip).
    JSON has no literal for NaN or the infinities: they are an error unless `nonfinite`, which
    writes the strings "NaN", "Infinity", "-Infinity" (JavaScript's Number() reads them)."""
    if not np.isfinite(v):
        assert nonfinite, "non-finite value in fixture"
        return "NaN" if np.isnan(v) else "Infinity" if v > 0 else "-Infinity"
    return float(str(v)) if shortest else float(v)


def encode(tree, *, x64=False, nonfinite=False, shortest=False):
    """Encodes a pytree of arrays / scalars in the fixture layout.

    x64: the fixture holds results computed with x64 enabled: float64 is stored as float64 and
    int64/uint64 as int32/uint32. Without it a 64-bit value is an error, as it is in JAX with
    x64 disabled: it is a numpy input that was not rounded to float32/int32 before use.
    nonfinite, shortest: how floats are written (see json_float)."""
    if isinstance(tree, dict):
        for k in tree:
            assert k not in ARRAY_KEYS, f"dict key {k!r} would read as an array field"
        return {k: encode(tree[k], x64=x64, nonfinite=nonfinite, shortest=shortest) for k in sorted(tree)}
    if isinstance(tree, (list, tuple)):
        return [encode(v, x64=x64, nonfinite=nonfinite, shortest=shortest) for v in tree]
    a = np.asarray(tree)
    dtype = str(a.dtype)
    if not x64 and dtype in ("float64", "int64", "uint64"):
        raise TypeError(f"{dtype} value in a fixture computed with x64 disabled")
    flat = a.reshape(-1)
    if dtype in FLOAT_DTYPES:
        data = [json_float(v, nonfinite=nonfinite, shortest=shortest) for v in flat]
    elif dtype in INT_DTYPES:
        data = [int(v) for v in flat]
    elif dtype == "bool":
        data = [bool(v) for v in flat]
    else:
        raise TypeError(f"unsupported dtype {dtype}")
    return {"shape": list(a.shape), "dtype": JAXTS_INT.get(dtype, dtype), "data": data}


def write_text(name, text, *, limit=SIZE_LIMIT):
    """Writes test/fixtures/<name> verbatim and says so."""
    os.makedirs(FIXTURES_DIR, exist_ok=True)
    path = os.path.join(FIXTURES_DIR, name)
    with open(path, "w") as f:
        f.write(text)
    size = os.path.getsize(path)
    assert size < limit, f"{name} is too big ({size} bytes)"
    print(f"wrote {os.path.relpath(path, ROOT)} ({size} bytes)")


def write(name, obj, *, limit=SIZE_LIMIT):
    """Writes obj to test/fixtures/<name> as compact JSON with a final newline."""
    write_text(name, json.dumps(obj, separators=(",", ":")) + "\n", limit=limit)


def compare_leaves(label, got, ref, tol, fraction, failures):
    """The float64 self-check of a float32 result: `got` and `ref` are its leaves and those
    of the same computation in float64. Prints the largest |got - ref| / (atol + rtol |ref|)
    over the finite entries (how much of the test tolerance `tol` the float32 result uses)
    and appends to `failures` when that is above `fraction`, or when the non-finite entries
    differ (a float32 overflow where float64 is finite would make the golden fragile): then
    the fixture would only be reproducible with XLA's exact float32 rounding."""
    assert len(got) == len(ref), label
    worst = 0.0
    same_nonfinite = True
    for g, r in zip(got, ref):
        g, r = np.asarray(g, np.float64), np.asarray(r, np.float64)
        assert g.shape == r.shape, (label, g.shape, r.shape)
        fin = np.isfinite(r)
        if not np.array_equal(fin, np.isfinite(g)) or not np.array_equal(g[~fin], r[~fin], equal_nan=True):
            same_nonfinite = False
        ratio = np.abs(g[fin] - r[fin]) / (tol["atol"] + tol["rtol"] * np.abs(r[fin]))
        if ratio.size:
            worst = max(worst, float(ratio.max()))
    ok = same_nonfinite and worst <= fraction
    print(f"  self-check {label:<50} worst err/tol = {worst:.4f}  {'ok' if ok else 'FAILED'}")
    if not ok:
        failures.append(f"{label}: {worst:.4f}{'' if same_nonfinite else ' (non-finite entries differ)'}")


def exit_on_failures(failures, title):
    """Ends the script with status 1, listing the failed self-checks, if there are any."""
    if failures:
        print(f"\n{title}:", file=sys.stderr)
        for f in failures:
            print("  " + f, file=sys.stderr)
        sys.exit(1)
