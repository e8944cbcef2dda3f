#!/usr/bin/env python3
"""The real-JAX side of bench/llama.ts: model S's training step and 256-token greedy decoding.

Usage:  ~/jax-venv/bin/python bench/llama_jax.py STEPS ROUNDS   (prints one JSON line)

The same model and optimizer as examples/llama (dim 64, 2 layers, 4 heads, 2 KV heads,
hidden 176, vocab 83, tied; AdamW b2 0.95, weight decay on matrices, global-norm clipping,
warmup + cosine), batch 16 x 64, float32, XLA's default CPU threading. Decoding uses a KV
cache of 256 positions, measured two ways: a jitted step called from a Python loop (what a
sampling loop with per-token output does) and the whole loop inside one jit (lax.fori_loop).
Times are medians over rounds, after compilation.
"""

from __future__ import annotations

import json
import sys
import time

import numpy as np

import jax
import jax.numpy as jnp
import optax

D, L, H, KV, F, V, T, B = 64, 2, 4, 2, 176, 83, 64, 16
HD = D // H
EPS, THETA = 1e-5, 10000.0


def rope_tables(n):
    inv = THETA ** (-np.arange(0, HD, 2) / HD)
    ang = np.outer(np.arange(n), inv)
    return jnp.asarray(np.cos(ang), jnp.float32), jnp.asarray(np.sin(ang), jnp.float32)


def rope(x, cos, sin):  # x [B, T, h, HD], cos/sin [T, HD/2]
    c, s = cos[None, :, None, :], sin[None, :, None, :]
    x0, x1 = x[..., 0::2], x[..., 1::2]
    return jnp.stack([x0 * c - x1 * s, x0 * s + x1 * c], -1).reshape(x.shape)


def rms(x, w):
    return x * jax.lax.rsqrt(jnp.mean(x * x, -1, keepdims=True) + EPS) * w


def init(key):
    ks = iter(jax.random.split(key, 2 + 7 * L))
    n = lambda shape, std: jax.random.normal(next(ks), shape) * std  # noqa: E731
    r = 0.02 / np.sqrt(2 * L)
    layers = [
        dict(attentionNorm=jnp.ones(D), wq=n((D, D), 0.02), wk=n((D, KV * HD), 0.02), wv=n((D, KV * HD), 0.02), wo=n((D, D), r),
             ffnNorm=jnp.ones(D), w1=n((D, F), 0.02), w2=n((F, D), r), w3=n((D, F), 0.02))
        for _ in range(L)
    ]
    return dict(tokEmbeddings=n((V, D), 0.02), layers=layers, norm=jnp.ones(D))


def block(lp, x, cos, sin, attend):
    b, t = x.shape[:2]
    h = rms(x, lp["attentionNorm"])
    q = rope((h @ lp["wq"]).reshape(b, t, H, HD), cos, sin)
    k = rope((h @ lp["wk"]).reshape(b, t, KV, HD), cos, sin)
    v = (h @ lp["wv"]).reshape(b, t, KV, HD)
    x = x + attend(q, k, v).reshape(b, t, D) @ lp["wo"]
    h = rms(x, lp["ffnNorm"])
    return x + (jax.nn.silu(h @ lp["w1"]) * (h @ lp["w3"])) @ lp["w2"]


def forward(p, tokens):
    cos, sin = rope_tables(tokens.shape[1])
    x = p["tokEmbeddings"][tokens]
    causal = lambda q, k, v: jax.nn.dot_product_attention(q, k, v, is_causal=True)  # noqa: E731
    for lp in p["layers"]:
        x = block(lp, x, cos, sin, causal)
    return rms(x, p["norm"]) @ p["tokEmbeddings"].T


def loss(p, x, y):
    return optax.softmax_cross_entropy_with_integer_labels(forward(p, x), y).mean()


def median_ms(f, rounds):
    ts = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        f()
        ts.append((time.perf_counter() - t0) * 1000)
    return float(np.median(ts))


def main():
    steps, rounds = int(sys.argv[1]), int(sys.argv[2])
    params = init(jax.random.key(0))
    sched = optax.warmup_cosine_decay_schedule(0.0, 3e-3, 50, 1000, 3e-4)
    mask = jax.tree_util.tree_map(lambda a: a.ndim >= 2, params)
    tx = optax.chain(optax.clip_by_global_norm(1.0), optax.adamw(sched, b1=0.9, b2=0.95, weight_decay=0.1, mask=mask))
    opt = tx.init(params)

    @jax.jit
    def step(p, o, x, y):
        l, g = jax.value_and_grad(loss)(p, x, y)
        u, o = tx.update(g, o, p)
        return optax.apply_updates(p, u), o, l

    toks = jax.random.randint(jax.random.key(1), (B, T + 1), 0, V)
    x, y = toks[:, :-1], toks[:, 1:]
    state = [params, opt]

    def run_steps():
        for _ in range(steps):
            p, o, l = step(state[0], state[1], x, y)
            state[0], state[1] = p, o
        l.block_until_ready()

    run_steps()  # compile
    train_ms = median_ms(run_steps, rounds) / steps

    # decoding: cache of N positions, greedy
    N = 256
    cos_t, sin_t = rope_tables(N)

    def decode(p, cache, tok, pos):
        cos = jax.lax.dynamic_slice(cos_t, (pos, 0), (1, HD // 2))
        sin = jax.lax.dynamic_slice(sin_t, (pos, 0), (1, HD // 2))
        x = p["tokEmbeddings"][tok][:, None, :]
        new = []
        for lp, (kc, vc) in zip(p["layers"], cache):
            def attend(q, k, v, kc=kc, vc=vc):
                kc2 = jax.lax.dynamic_update_slice(kc, k, (0, pos, 0, 0))
                vc2 = jax.lax.dynamic_update_slice(vc, v, (0, pos, 0, 0))
                new.append((kc2, vc2))
                return jax.nn.dot_product_attention(q, kc2, vc2, key_value_seq_lengths=jnp.full((1,), pos + 1))
            x = block(lp, x, cos, sin, attend)
        logits = rms(x, p["norm"]) @ p["tokEmbeddings"].T
        return jnp.argmax(logits[:, 0], -1).astype(jnp.int32), new

    empty = [(jnp.zeros((1, N, KV, HD)), jnp.zeros((1, N, KV, HD))) for _ in range(L)]
    step_j = jax.jit(decode)

    def python_loop():
        cache, tok = empty, jnp.zeros((1,), jnp.int32)
        for pos in range(N):
            tok, cache = step_j(params, cache, tok, jnp.int32(pos))
        tok.block_until_ready()

    @jax.jit
    def fori(p):
        def body(pos, carry):
            tok, cache = carry
            return decode(p, cache, tok, pos)
        return jax.lax.fori_loop(0, N, body, (jnp.zeros((1,), jnp.int32), empty))[0]

    python_loop()
    fori(params).block_until_ready()
    py_ms = median_ms(python_loop, rounds)
    fori_ms = median_ms(lambda: fori(params).block_until_ready(), rounds)
    print(json.dumps({"jax": jax.__version__, "train_ms_per_step": train_ms, "decode256_python_loop_ms": py_ms, "decode256_fori_loop_ms": fori_ms}))


if __name__ == "__main__":
    main()
