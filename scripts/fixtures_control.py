#!/usr/bin/env python3
"""Golden fixtures for lax control flow and custom derivatives (real JAX, float32).

Usage: ~/jax-venv/bin/python scripts/fixtures_control.py  -> test/fixtures/control_flow.json
Each case stores its inputs, outputs and gradients; test/control_flow.test.ts
writes the same functions in TypeScript.
"""
import json

import numpy as np
import jax
import jax.numpy as jnp
from jax import lax

from fixture_helpers import encode, write_text

rs = np.random.RandomState(7)


def f32(*shape):
    return jnp.asarray(rs.uniform(-1.0, 1.0, size=shape).astype(np.float32))


cases = {}

# scan: an RNN-like recurrence with a pytree carry and two scanned inputs
xs = f32(6, 3)
w = f32(3, 3)
h0 = f32(3)


def rnn(w, h0, xs):
    def step(carry, x):
        h, t = carry
        h = jnp.tanh(h @ w + x)
        return (h, t + jnp.sum(h)), h * 2.0
    (h, t), ys = lax.scan(step, (h0, jnp.float32(0.0)), xs)
    return h, t, ys


def rnn_loss(w, h0, xs):
    h, t, ys = rnn(w, h0, xs)
    return jnp.sum(h) + t + jnp.sum(ys ** 2)


cases["rnn"] = {
    "w": w, "h0": h0, "xs": xs,
    "out": rnn(w, h0, xs),
    "grads": jax.grad(rnn_loss, argnums=(0, 1, 2))(w, h0, xs),
}


def rnn_rev(w, h0, xs):
    def step(h, x):
        h = jnp.sin(h * x) + w[0]
        return h, h
    return lax.scan(step, h0, xs, reverse=True)


cases["scan_reverse"] = {
    "out": rnn_rev(w, h0, xs),
    "grads": jax.grad(lambda w, h0, xs: jnp.sum(rnn_rev(w, h0, xs)[1]) + jnp.sum(rnn_rev(w, h0, xs)[0]), argnums=(0, 1, 2))(w, h0, xs),
}

# fori_loop with static bounds (a scan: reverse-differentiable)
x = f32(4)


def fori_f(x):
    return lax.fori_loop(0, 5, lambda i, v: jnp.sin(v) * x + i.astype(jnp.float32), x)


cases["fori"] = {"x": x, "out": fori_f(x), "grad": jax.grad(lambda x: jnp.sum(fori_f(x)))(x)}

# while_loop: forward mode only
def while_f(x):
    return lax.while_loop(lambda c: c[1] < 10.0, lambda c: (c[0] * 1.5 + jnp.sin(c[0]), c[1] + jnp.abs(c[0]).sum()), (x, jnp.float32(0.0)))


t = f32(4)
cases["while"] = {"x": x, "t": t, "out": while_f(x), "jvp": jax.jvp(while_f, (x,), (t,))[1]}

# cond and switch, with grads on both branches and under vmap
def cond_f(p, x):
    return lax.cond(p > 0, lambda v: jnp.sin(v) * p, lambda v: jnp.cos(v) - p, x)


ps = jnp.asarray(np.array([0.5, -0.25, 2.0], np.float32))
xv = f32(3, 4)
cases["cond"] = {
    "ps": ps, "xs": xv,
    "out": jax.vmap(cond_f)(ps, xv),
    "grads": jax.vmap(jax.grad(lambda p, x: jnp.sum(cond_f(p, x)), argnums=(0, 1)))(ps, xv),
}


def switch_f(i, x):
    return lax.switch(i, [lambda v: v * 2.0, lambda v: jnp.exp(v), lambda v: v ** 3], x)


idx = jnp.asarray(np.array([0, 1, 2, 5, -1], np.int32))
xw = f32(5, 2)
cases["switch"] = {
    "idx": idx, "xs": xw,
    "out": jax.vmap(switch_f)(idx, xw),
    "grads": jax.vmap(jax.grad(lambda i, x: jnp.sum(switch_f(i, x)), argnums=1))(idx, xw),
}

# custom_jvp / custom_vjp / checkpoint


@jax.custom_jvp
def safe_log1pexp(x):
    return jnp.log1p(jnp.exp(x))


@safe_log1pexp.defjvp
def _jvp(primals, tangents):
    (x,), (t,) = primals, tangents
    return safe_log1pexp(x), t * jax.nn.sigmoid(x) * 3.0


xc = jnp.asarray(np.array([-3.0, 0.0, 2.0, 30.0], np.float32))
cases["custom_jvp"] = {
    "x": xc,
    "out": safe_log1pexp(xc),
    "grad": jax.grad(lambda x: jnp.sum(safe_log1pexp(x)))(xc),
    "hess_diag": jax.vmap(jax.grad(jax.grad(safe_log1pexp)))(xc),
}


@jax.custom_vjp
def clip_grad(x, y):
    return x * y


def clip_fwd(x, y):
    return x * y, (x, y)


def clip_bwd(res, g):
    x, y = res
    return (jnp.clip(g * y, -1.0, 1.0), g * x * 0.5)


clip_grad.defvjp(clip_fwd, clip_bwd)
xa = f32(5) * 4
ya = f32(5) * 4
cases["custom_vjp"] = {"x": xa, "y": ya, "grads": jax.grad(lambda x, y: jnp.sum(clip_grad(x, y) ** 2), argnums=(0, 1))(xa, ya)}

xm = f32(3, 3)
ck = jax.checkpoint(lambda x: jnp.sin(jnp.tanh(x) @ x))
cases["checkpoint"] = {"x": xm, "grad": jax.grad(lambda x: jnp.sum(ck(x) ** 2))(xm)}

# json's default layout (", " and ": ", no final newline), unlike the other fixtures
write_text("control_flow.json", json.dumps(encode(cases)))
