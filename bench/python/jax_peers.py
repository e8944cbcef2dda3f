"""Real JAX peers of the benchmark workloads, served to bench/run.ts (see serve.py).
Run by the driver with ~/jax-venv/bin/python, when that venv exists. Every timed call
waits for its result (block_until_ready), as JAX's dispatch is asynchronous."""

import jax
import jax.numpy as jnp
import jaxlib
import numpy as np
from serve import Contestant, serve, summarize

versions = {"jax": jax.__version__, "jaxlib": jaxlib.__version__}
try:
    import optax

    versions["optax"] = optax.__version__
except ImportError:
    optax = None


def linreg(p, d):
    X, y = jnp.asarray(d["X"]), jnp.asarray(d["y"])
    lr = p["lr"]

    def loss(b0, b1):
        return jnp.mean((y - (b0 + b1 * X)) ** 2)

    g = jax.grad(loss, argnums=(0, 1))

    def step(b0, b1):
        g0, g1 = g(b0, b1)
        return b0 - lr * g0, b1 - lr * g1

    out = {}
    for name, f in (("JAX jit", jax.jit(step)), ("JAX eager", step)):
        state = [jnp.float32(0), jnp.float32(0)]

        def run(f=f, state=state):
            state[0], state[1] = jax.block_until_ready(f(state[0], state[1]))

        def check(f=f):
            b = (jnp.float32(0), jnp.float32(0))
            for _ in range(p["checkSteps"]):
                b = f(*b)
            return [float(v) for v in b]

        out[name] = Contestant(run, check)
    return out


def matmul(p, d):
    a, b = jnp.asarray(d["a"]), jnp.asarray(d["b"])
    f = jax.jit(jnp.matmul)
    return {"JAX jit": Contestant(lambda: f(a, b).block_until_ready(), lambda: summarize(np.asarray(f(a, b))))}


def tanh(p, d):
    x = jnp.asarray(d["x"])
    f = jax.jit(lambda x: jnp.tanh(x) * 2 + 1)
    return {"JAX jit": Contestant(lambda: f(x).block_until_ready(), lambda: summarize(np.asarray(f(x))))}


def mlp(p, d):
    if optax is None:
        raise RuntimeError("optax is not installed in the venv")
    x, y = jnp.asarray(d["x"]), jnp.asarray(d["y"])
    params0 = {k: jnp.asarray(d[k]) for k in ("w1", "b1", "w2", "b2")}
    opt = optax.adam(p["lr"])

    def loss_fn(w):
        h = jax.nn.relu(x @ w["w1"] + w["b1"])
        logits = h @ w["w2"] + w["b2"]
        return -jnp.mean(jnp.sum(y * jax.nn.log_softmax(logits, axis=-1), axis=-1))

    @jax.jit
    def step(w, s):
        loss, g = jax.value_and_grad(loss_fn)(w)
        updates, s = opt.update(g, s, w)
        return optax.apply_updates(w, updates), s, loss

    state = [params0, opt.init(params0)]

    def run():
        state[0], state[1], loss = step(state[0], state[1])
        loss.block_until_ready()

    def check():
        w, s = params0, opt.init(params0)
        losses = []
        for _ in range(p["checkSteps"]):
            w, s, loss = step(w, s)
            losses.append(float(loss))
        return losses

    return {"JAX jit (optax.adam)": Contestant(run, check)}


WORKLOADS = {"linreg": linreg, "matmul": matmul, "tanh": tanh, "mlp": mlp}

if __name__ == "__main__":
    serve(lambda w, p, d: WORKLOADS[w](p, d), versions)
