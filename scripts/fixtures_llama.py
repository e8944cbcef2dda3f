#!/usr/bin/env python3
"""Golden fixtures for the Llama example (test/fixtures/llama_tied.json, llama_untied.json).

Usage:  ~/jax-venv/bin/python scripts/fixtures_llama.py

The same Llama as examples/llama/model.ts, written independently in plain JAX: RMSNorm
(eps inside the square root, weight after normalising, float32), rotary embeddings on
adjacent pairs (theta 10000), causal grouped-query attention, a SwiGLU feed-forward and a
tied or separate classifier. Weight matrices are [in, out], applied as x @ W.

Tiny config: dim 16, 2 layers, 4 heads, 2 KV heads, hidden 40, vocab 11, 7 tokens, batch 2.
Weights come from a numpy RandomState stream (rounded to float32) and are stored in the
fixture with the tokens, targets, logits, the mean cross-entropy loss and the gradient of
the loss with respect to every parameter (the same pytree as the parameters).

Each fixture is recomputed in float64 on the same float32 inputs; the float32 result must
be within a quarter of the TypeScript tests' tolerance (1e-5 of the largest magnitude).
"""

from __future__ import annotations

from functools import partial

import numpy as np

import jax
import jax.numpy as jnp
import optax

from fixture_helpers import encode, exit_on_failures, write

assert not jax.config.jax_enable_x64, "fixtures must be generated with x64 disabled"

F32 = np.float32

# The TypeScript tests allow 1e-5 of the largest magnitude of each compared array.
TOL = 1e-5
SELF_CHECK_FRACTION = 0.25
# the shortest decimal that reads back as the same float32 keeps the files small
enc = partial(encode, shortest=True)

CONFIG = dict(dim=16, nLayers=2, nHeads=4, nKvHeads=2, hiddenDim=40, vocabSize=11, seqLen=7, normEps=1e-5, ropeTheta=10000.0)
BATCH = 2


def rms_norm(x, w, eps):
    x32 = x.astype(jnp.float32) if x.dtype != jnp.float64 else x
    return x32 * jax.lax.rsqrt(jnp.mean(x32 * x32, axis=-1, keepdims=True) + eps) * w


def rope(x, theta):
    """Rotates the adjacent pairs (x[2i], x[2i+1]) of x [B, T, H, hd] by pos * theta^(-2i/hd)."""
    T, hd = x.shape[1], x.shape[3]
    inv_freq = theta ** (-np.arange(0, hd, 2, dtype=np.float64) / hd)
    angles = np.outer(np.arange(T, dtype=np.float64), inv_freq)
    cos = jnp.asarray(np.cos(angles), dtype=x.dtype)[None, :, None, :]
    sin = jnp.asarray(np.sin(angles), dtype=x.dtype)[None, :, None, :]
    x0, x1 = x[..., 0::2], x[..., 1::2]
    return jnp.stack([x0 * cos - x1 * sin, x0 * sin + x1 * cos], axis=-1).reshape(x.shape)


def attention(q, k, v):
    """Causal attention; query head n uses key/value head n // (nHeads / nKvHeads)."""
    B, T, N, hd = q.shape
    G = N // k.shape[2]
    k = jnp.repeat(k, G, axis=2)
    v = jnp.repeat(v, G, axis=2)
    logits = jnp.einsum("btnh,bsnh->bnts", q, k) / np.sqrt(hd).astype(q.dtype)
    causal = np.tril(np.ones((T, T), dtype=bool))
    logits = jnp.where(causal, logits, -jnp.inf)
    probs = jax.nn.softmax(logits, axis=-1)
    return jnp.einsum("bnts,bsnh->btnh", probs, v)


def forward(params, tokens, cfg):
    B, T = tokens.shape
    hd = cfg["dim"] // cfg["nHeads"]
    x = params["tokEmbeddings"][tokens]
    for layer in params["layers"]:
        h = rms_norm(x, layer["attentionNorm"], cfg["normEps"])
        q = rope((h @ layer["wq"]).reshape(B, T, cfg["nHeads"], hd), cfg["ropeTheta"])
        k = rope((h @ layer["wk"]).reshape(B, T, cfg["nKvHeads"], hd), cfg["ropeTheta"])
        v = (h @ layer["wv"]).reshape(B, T, cfg["nKvHeads"], hd)
        x = x + attention(q, k, v).reshape(B, T, cfg["dim"]) @ layer["wo"]
        h = rms_norm(x, layer["ffnNorm"], cfg["normEps"])
        x = x + (jax.nn.silu(h @ layer["w1"]) * (h @ layer["w3"])) @ layer["w2"]
    x = rms_norm(x, params["norm"], cfg["normEps"])
    w_out = params["output"] if "output" in params else params["tokEmbeddings"].T
    return x @ w_out


def loss_fn(params, tokens, targets, cfg):
    return jnp.mean(optax.softmax_cross_entropy_with_integer_labels(forward(params, tokens, cfg), targets))


def make_params(rs, cfg, tied):
    D, F, V = cfg["dim"], cfg["hiddenDim"], cfg["vocabSize"]
    kv = cfg["nKvHeads"] * (D // cfg["nHeads"])

    def mat(*shape):
        # large enough that attention is far from uniform and every term of the gradient matters
        return (rs.standard_normal(shape) * (1.0 / np.sqrt(shape[0]))).astype(F32)

    def norm_weight():
        return (1.0 + 0.2 * rs.standard_normal(D)).astype(F32)

    params = {"tokEmbeddings": rs.standard_normal((V, D)).astype(F32), "layers": []}
    for _ in range(cfg["nLayers"]):
        params["layers"].append(
            {
                "attentionNorm": norm_weight(),
                "wq": mat(D, D),
                "wk": mat(D, kv),
                "wv": mat(D, kv),
                "wo": mat(D, D),
                "ffnNorm": norm_weight(),
                "w1": mat(D, F),
                "w2": mat(F, D),
                "w3": mat(D, F),
            }
        )
    params["norm"] = norm_weight()
    if not tied:
        params["output"] = mat(D, V)
    return params


failures: list[str] = []


def self_check(name, got, params, tokens, targets, cfg):
    """The float32 results must be within SELF_CHECK_FRACTION of the tolerance of float64 ones."""
    with jax.enable_x64(True):
        p64 = jax.tree_util.tree_map(lambda a: jnp.asarray(a, dtype=jnp.float64), params)
        logits = forward(p64, jnp.asarray(tokens), cfg)
        loss, grads = jax.value_and_grad(loss_fn)(p64, jnp.asarray(tokens), jnp.asarray(targets), cfg)
        ref = {"logits": logits, "loss": loss, "grads": grads}
        ref = jax.tree_util.tree_map(lambda a: np.asarray(a, dtype=np.float64), ref)
    paths = jax.tree_util.tree_flatten_with_path(ref)[0]
    got_leaves = jax.tree_util.tree_leaves(got)
    for (path, r), g in zip(paths, got_leaves):
        scale = max(np.max(np.abs(r)), 1e-30)
        err = np.max(np.abs(np.asarray(g, dtype=np.float64) - r)) / scale
        if err > SELF_CHECK_FRACTION * TOL:
            failures.append(f"{name}{jax.tree_util.keystr(path)}: relative error {err:.2e}")


def make_fixture(name, tied, seed):
    cfg = dict(CONFIG, tied=tied)
    rs = np.random.RandomState(seed)
    params = make_params(rs, cfg, tied)
    seq = rs.randint(0, cfg["vocabSize"], size=(BATCH, cfg["seqLen"] + 1)).astype(np.int32)
    tokens, targets = seq[:, :-1], seq[:, 1:]
    logits = jax.jit(lambda p, t: forward(p, t, cfg))(params, tokens)
    loss, grads = jax.jit(jax.value_and_grad(lambda p, t, y: loss_fn(p, t, y, cfg)))(params, tokens, targets)
    got = {"logits": np.asarray(logits), "loss": np.asarray(loss), "grads": jax.tree_util.tree_map(np.asarray, grads)}
    self_check(name, got, params, tokens, targets, cfg)
    fixture = {
        "config": cfg,
        "params": enc(params),
        "tokens": enc(tokens),
        "targets": enc(targets),
        "logits": enc(got["logits"]),
        "loss": enc(got["loss"]),
        "grads": enc(got["grads"]),
    }
    write(f"{name}.json", fixture)


def main():
    make_fixture("llama_tied", tied=True, seed=1234)
    make_fixture("llama_untied", tied=False, seed=5678)
    exit_on_failures(failures, "float64 self-check failed")
    print("llama fixtures written; float64 self-check passed")


if __name__ == "__main__":
    main()
