#!/usr/bin/env python3
"""Golden fixtures for src/io (test/fixtures/io.json): .npy files written by numpy, a
safetensors file laid out differently from ours, and float32 -> float16/bfloat16 roundings.

Usage:  ~/jax-venv/bin/python scripts/fixtures_io.py

* "npy": each case is the base64 of numpy.save's bytes for an array, with the array's
  expected jaxts dtype, shape and values; the TypeScript test reads every file, and checks
  that jaxts's npy.save reproduces numpy's bytes exactly for the dtypes jaxts has.
* "safetensors": a file built here by hand from the format's spec (tensors in name order,
  a 1-byte tensor first so later ones are unaligned, 64-bit integers, metadata), base64.
* "halves": float32 values (ties, subnormals, overflow, infinities) with the bit patterns
  numpy gives for float16 and ml_dtypes for bfloat16, both round-to-nearest-even.
"""

from __future__ import annotations

import base64
import io
import json
import struct

import ml_dtypes
import numpy as np

from fixture_helpers import json_float, write


def b64(b: bytes) -> str:
    return base64.b64encode(b).decode("ascii")


def values(a: np.ndarray) -> list:
    flat = np.ascontiguousarray(a).reshape(-1)
    if a.dtype == np.bool_:
        return [bool(v) for v in flat]
    if a.dtype.kind == "f":
        return [float(v) for v in flat.astype(np.float64)]
    return [int(v) for v in flat]


def npy_case(name, a, jaxts_dtype, exact=True):
    buf = io.BytesIO()
    np.save(buf, a)
    return {
        "name": name,
        "bytes": b64(buf.getvalue()),
        "dtype": jaxts_dtype,
        "shape": list(a.shape),
        "values": values(a),
        # jaxts's npy.save must give numpy's bytes (C order, little-endian, a jaxts dtype)
        "exact": exact,
    }


def npy_cases():
    rs = np.random.RandomState(0)
    return [
        npy_case("float32 2x3", rs.standard_normal((2, 3)).astype(np.float32), "float32"),
        npy_case("float64 scalar", np.array(np.pi), "float64"),
        npy_case("int32 vector", np.arange(-2, 3, dtype=np.int32), "int32"),
        npy_case("uint32", np.array([0, 1, 2**32 - 1], dtype=np.uint32), "uint32"),
        npy_case("int16", np.array([[-32768, 7], [32767, 0]], dtype=np.int16), "int16"),
        npy_case("uint16", np.array([65535, 3], dtype=np.uint16), "uint16"),
        npy_case("int8", np.array([-128, 127, 5], dtype=np.int8), "int8"),
        npy_case("uint8 3-d", np.arange(24, dtype=np.uint8).reshape(2, 3, 4), "uint8"),
        npy_case("bool", np.array([[True, False], [False, True]]), "bool"),
        npy_case("float16", np.array([0.5, -2.0, 65504.0, 6e-8], dtype=np.float16), "float16"),
        npy_case("empty", np.zeros((0, 3), dtype=np.float32), "float32"),
        npy_case("long first axis", np.ones((1234567, 0), dtype=np.float32), "float32"),
        npy_case("fortran order", np.asfortranarray(np.arange(12, dtype=np.float32).reshape(3, 4)), "float32", exact=False),
        npy_case("big-endian", np.arange(5, dtype=">f4") / 4, "float32", exact=False),
        npy_case("int64 in range", np.array([-(2**31), 2**31 - 1, 0], dtype=np.int64), "int32", exact=False),
        npy_case("uint64 in range", np.array([2**32 - 1, 1], dtype=np.uint64), "uint32", exact=False),
    ]


def safetensors_file():
    """A file laid out by name (not by alignment as the reference writer does)."""
    tensors = {
        "a_flag": np.array([1, 0, 1], dtype=np.uint8),
        "b_weight": np.arange(6, dtype=np.float32).reshape(2, 3) / 8,
        "c_ids": np.array([-5, 2**31 - 1], dtype=np.int64),
        "d_half": np.array([1.5, -0.25], dtype=np.float16),
        "e_bf16": np.array([1.0, 3.140625, -2.0], dtype=ml_dtypes.bfloat16),
        "f_scalar": np.array(2.5, dtype=np.float64),
    }
    names = {"U8": np.uint8, "F32": np.float32, "I64": np.int64, "F16": np.float16, "BF16": ml_dtypes.bfloat16, "F64": np.float64}
    code = {np.dtype(v): k for k, v in names.items()}
    header = {"__metadata__": {"format": "pt", "note": "hand-made"}}
    data = b""
    for name in sorted(tensors):
        a = tensors[name]
        raw = a.astype(a.dtype.newbyteorder("<")).tobytes()
        header[name] = {"dtype": code[a.dtype], "shape": list(a.shape), "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    text = json.dumps(header).encode("utf-8")
    file = struct.pack("<Q", len(text)) + text + data
    expected = {
        name: {"shape": list(a.shape), "values": values(a.astype(np.float64) if a.dtype == ml_dtypes.bfloat16 else a)}
        for name, a in tensors.items()
    }
    return {"bytes": b64(file), "metadata": header["__metadata__"], "tensors": expected}


def halves():
    specials = [
        0.0, -0.0, 1.0, -1.0, 0.1, 1 / 3, 65504.0, 65520.0, 1e6, -1e6, 6e-8, 2.9802322e-08, 1e-10,
        1.0009765625, 1.00048828125, 1.00146484375, 2.0 ** -14, 2.0 ** -24, 3.0 * 2.0 ** -25,
        1.00390625, 1.01171875, 3.0e38, float("inf"), float("-inf"),
    ]
    rs = np.random.RandomState(1)
    vals = np.array(specials + list(rs.standard_normal(40) * 10.0 ** rs.randint(-6, 6, 40)), dtype=np.float32)
    with np.errstate(over="ignore"):
        f16 = vals.astype(np.float16).view(np.uint16)
    bf16 = vals.astype(ml_dtypes.bfloat16).view(np.uint16)
    return {"float32": [json_float(v, nonfinite=True) for v in vals], "float16Bits": [int(b) for b in f16], "bfloat16Bits": [int(b) for b in bf16]}


def main():
    fixture = {"npy": npy_cases(), "safetensors": safetensors_file(), "halves": halves()}
    write("io.json", fixture)


if __name__ == "__main__":
    main()
