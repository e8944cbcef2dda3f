"""numpy peers of the benchmark workloads, served to bench/run.ts (see serve.py).
Run by the driver with `python3` (or ~/jax-venv/bin/python when python3 has no numpy)."""

import numpy as np
from serve import Contestant, serve, summarize


def linreg(p, d):
    X, y = d["X"], d["y"]
    lr = np.float32(p["lr"])

    def step(b0, b1):
        # the gradient of mean((y - (b0 + b1*X))**2), written by hand
        r = y - (b0 + b1 * X)
        return b0 + lr * 2 * r.mean(), b1 + lr * 2 * (r * X).mean()

    state = [np.float32(0), np.float32(0)]

    def run():
        state[0], state[1] = step(state[0], state[1])

    def check():
        b = (np.float32(0), np.float32(0))
        for _ in range(p["checkSteps"]):
            b = step(*b)
        return list(b)

    return {"numpy (hand-written gradient)": Contestant(run, check)}


def matmul(p, d):
    a, b = d["a"], d["b"]
    return {"numpy": Contestant(lambda: a @ b, lambda: summarize(a @ b))}


def tanh(p, d):
    x = d["x"]
    f = lambda: np.tanh(x) * 2 + 1  # noqa: E731
    return {"numpy expression": Contestant(f, lambda: summarize(f()))}


def mlp(p, d):
    lr, b1c, b2c, eps = np.float32(p["lr"]), np.float32(0.9), np.float32(0.999), np.float32(1e-8)
    x, y = d["x"], d["y"]
    names = ["w1", "b1", "w2", "b2"]

    def loss_and_grads(w):
        h_pre = x @ w["w1"] + w["b1"]
        h = np.maximum(h_pre, 0)
        logits = h @ w["w2"] + w["b2"]
        z = logits - logits.max(axis=1, keepdims=True)
        logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        loss = -(y * logp).sum(axis=1).mean()
        dlogits = (np.exp(logp) - y) / np.float32(x.shape[0])
        dh = (dlogits @ w["w2"].T) * (h_pre > 0)
        g = {"w2": h.T @ dlogits, "b2": dlogits.sum(axis=0), "w1": x.T @ dh, "b1": dh.sum(axis=0)}
        return loss, g

    def fresh():
        return {"w": {k: d[k].copy() for k in names}, "m": {k: np.zeros_like(d[k]) for k in names},
                "v": {k: np.zeros_like(d[k]) for k in names}, "t": 0}

    def step(s):
        loss, g = loss_and_grads(s["w"])
        s["t"] += 1
        c1, c2 = 1 - b1c ** s["t"], 1 - b2c ** s["t"]
        for k in names:
            s["m"][k] = b1c * s["m"][k] + (1 - b1c) * g[k]
            s["v"][k] = b2c * s["v"][k] + (1 - b2c) * g[k] * g[k]
            s["w"][k] = s["w"][k] - lr * (s["m"][k] / c1) / (np.sqrt(s["v"][k] / c2) + eps)
        return loss

    state = fresh()

    def check():
        s = fresh()
        return [step(s) for _ in range(p["checkSteps"])]

    return {"numpy (hand-written backprop + Adam)": Contestant(lambda: step(state), check)}


WORKLOADS = {"linreg": linreg, "matmul": matmul, "tanh": tanh, "mlp": mlp}

if __name__ == "__main__":
    serve(lambda w, p, d: WORKLOADS[w](p, d), {"numpy": np.__version__})
