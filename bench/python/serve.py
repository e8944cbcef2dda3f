"""The protocol between bench/run.ts and a Python peer: one JSON request per line on stdin,
one JSON reply per line on stdout. The peer stays alive for a whole workload, so its rounds
interleave with the JavaScript contestants' (the machine's load hits them alike).

Requests:
  {"op": "setup", "workload": W, "params": {...}, "inputs": {name: {"file", "shape"}}}
      -> {"ok": true, "contestants": [names], "versions": {...}}
  {"op": "check", "name": N}           -> {"ok": true, "value": [numbers]}
  {"op": "time", "name": N, "reps": R} -> {"ok": true, "seconds": S}  (timed here, in Python)
Any failure replies {"ok": false, "error": message}.
"""

import json
import sys
import time
import traceback

import numpy as np


def load_inputs(spec):
    """The workload's input arrays, written by the driver as raw little-endian float32."""
    return {k: np.fromfile(v["file"], dtype=np.float32).reshape(v["shape"]) for k, v in spec.items()}


def summarize(a):
    """Mirror of harness.ts summarize: sum, sum of magnitudes, first, middle and last element."""
    f = np.asarray(a, dtype=np.float64).ravel()
    return [float(f.sum()), float(np.abs(f).sum()), float(f[0]), float(f[f.size // 2]), float(f[-1])]


class Contestant:
    """A peer implementation: `step()` runs one repetition (and waits for its result);
    `check()` returns the numbers compared against the baseline's."""

    def __init__(self, step, check):
        self.step = step
        self.check = check


def serve(setup, versions):
    """Answers requests until stdin closes. `setup(workload, params, inputs)` returns a dict
    name -> Contestant (or raises when the workload is not offered)."""
    contestants = {}
    out = sys.stdout
    for line in sys.stdin:
        req = json.loads(line)
        try:
            op = req["op"]
            if op == "setup":
                contestants = setup(req["workload"], req["params"], load_inputs(req["inputs"]))
                reply = {"ok": True, "contestants": list(contestants), "versions": versions}
            elif op == "check":
                reply = {"ok": True, "value": [float(v) for v in contestants[req["name"]].check()]}
            elif op == "time":
                step = contestants[req["name"]].step
                reps = int(req["reps"])
                t0 = time.perf_counter()
                for _ in range(reps):
                    step()
                reply = {"ok": True, "seconds": time.perf_counter() - t0}
            else:
                raise ValueError(f"unknown op {op!r}")
        except Exception as e:  # the driver reports the error in the contestant's row
            traceback.print_exc(file=sys.stderr)
            reply = {"ok": False, "error": f"{type(e).__name__}: {e}"}
        out.write(json.dumps(reply) + "\n")
        out.flush()
