#!/usr/bin/env python3
"""Golden fixtures for jaxts/optax, computed with real Optax (0.2.8) on JAX (float32).

Usage:  ~/jax-venv/bin/python scripts/fixtures_optax.py

Writes test/fixtures/optax_{quadratic,regression,mlp}.json (optimizer trajectories),
optax_schedules.json and optax_losses.json.

Trajectories: for each optimizer configuration and each of three problems, 100 steps of
    loss, grads = value_and_grad(loss)(params); updates, state = opt.update(grads, state, params)
    params = optax.apply_updates(params, updates)
recording the params after every step (quadratic, regression) or every 10th step (mlp).
A configuration is {name, opt, lr, kwargs}: `opt` names an Optax alias (or one of the
chains in CUSTOM below, mirrored in test/optax_trajectories.ts), kwargs use the jaxts
(camelCase) option names, and `lr` is a number, null, or {"schedule": name, "opts": {...}}.

Robustness: schedules and losses are recomputed in float64 and must stay within
SELF_CHECK_FRACTION of the test tolerance of the float32 result. A trajectory is rerun
with every gradient element perturbed by one float32 ulp (a random sign each step, as a
different summation order would) and must stay as close: configurations where rounding
noise is amplified (an optimizer oscillating at its optimum, say) are not reproducible by
any other float32 implementation, so the learning rates keep every run away from that.
"""

from __future__ import annotations

import json
import os
import re
from functools import partial

import numpy as np

import jax
import jax.numpy as jnp
import optax

from fixture_helpers import compare_leaves, encode, exit_on_failures, write

assert not jax.config.jax_enable_x64, "fixtures must be generated with x64 disabled"

F32 = np.float32
STEPS = 100
# Tolerance used by test/optax_*.test.ts.
TOL = dict(rtol=1e-5, atol=1e-6)
SELF_CHECK_FRACTION = float(os.environ.get("SELF_CHECK_FRACTION", "0.25"))

_check_failures: list[str] = []
# the shortest float32 repr keeps the files small and round-trips exactly
enc = partial(encode, shortest=True)


def check(label, got32, ref64, tol=TOL):
    compare_leaves(label, jax.tree.leaves(got32), jax.tree.leaves(ref64), tol, SELF_CHECK_FRACTION, _check_failures)


def to64(tree):
    return jax.tree.map(lambda a: jnp.asarray(np.asarray(a, np.float64)), tree)


def snake(name):
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


# --------------------------------------------------------------------------
# problems
# --------------------------------------------------------------------------

def quadratic_loss(params, data):
    return 0.5 * jnp.sum(data["a"] * (params - data["c"]) ** 2)


def regression_loss(params, data):
    return jnp.mean((data["y"] - (params["b0"] + params["b1"] * data["X"])) ** 2)


def mlp_loss(params, data):
    h = jnp.tanh(data["x"] @ params["w1"] + params["b1"])
    pred = h @ params["w2"] + params["b2"]
    return jnp.mean((pred - data["y"]) ** 2)


def make_problems():
    quadratic = {
        "description": "params x (shape [5]); loss = 0.5 * sum(a * (x - c) ** 2)",
        "loss": quadratic_loss,
        # the optimum is far enough away that the normalised optimizers (adam, lion, lamb...)
        # are still approaching it after 100 steps: near it their steps are dominated by
        # rounding noise in tiny gradients, which no two float32 implementations share
        "params": f32([1.0, -2.0, 0.5, 3.0, -1.0]),
        "data": {"a": f32([1.0, 8.0, 0.2, 3.0, 0.5]), "c": f32([6.0, -8.0, 4.0, -3.0, 5.0])},
        # a single-leaf pytree: the mask is one boolean for the whole tree
        "mask": True,
        "every": 1,
    }
    rng = np.random.RandomState(0)  # the blog data, as in regression.json
    X = f32(rng.rand(100))
    noise = f32(rng.randn(100) * 2)
    y = f32(3 + 34.41 * X.astype(np.float64) + noise)
    regression = {
        "description": "params {b0, b1} (scalars, 0); loss = mean((y - (b0 + b1 * X)) ** 2); "
                       "X = RandomState(0).rand(100), y = 3 + 34.41 X + 2 * randn(100)",
        "loss": regression_loss,
        "params": {"b0": f32(0.0), "b1": f32(0.0)},
        "data": {"X": X, "y": y},
        "mask": {"b0": False, "b1": True},
        "every": 1,
    }
    rng = np.random.RandomState(7)
    mlp = {
        "description": "params {w1 [4,8], b1 [8], w2 [8,3], b2 [3]}; "
                       "loss = mean((tanh(x @ w1 + b1) @ w2 + b2 - y) ** 2), x [16,4], y [16,3]",
        "loss": mlp_loss,
        "params": {
            "w1": f32(rng.randn(4, 8) * 0.5),
            "b1": f32(rng.randn(8) * 0.1),
            "w2": f32(rng.randn(8, 3) * 0.5),
            "b2": f32(rng.randn(3) * 0.1),
        },
        "data": {"x": f32(rng.randn(16, 4)), "y": f32(rng.randn(16, 3))},
        "mask": {"w1": True, "b1": False, "w2": True, "b2": False},
        "every": 10,
    }
    return {"quadratic": quadratic, "regression": regression, "mlp": mlp}


# --------------------------------------------------------------------------
# optimizer configurations
# --------------------------------------------------------------------------

def make_schedule(spec):
    name, opts = spec["schedule"], spec["opts"]
    if name == "joinSchedules":  # mirrored in the tests: constant, then linear decay, then exponential
        return optax.join_schedules(
            [optax.constant_schedule(opts["a"]),
             optax.linear_schedule(opts["a"], opts["b"], opts["steps"]),
             optax.exponential_decay(opts["b"], opts["steps"], 0.5)],
            [opts["steps"], 2 * opts["steps"]])
    kwargs = {snake(k): v for k, v in opts.items()}
    if name == "piecewiseConstantSchedule":
        kwargs["boundaries_and_scales"] = {int(k): v for k, v in opts["boundariesAndScales"].items()}
    return getattr(optax, snake(name))(**kwargs)


def make_lr(lr):
    if isinstance(lr, dict):
        return make_schedule(lr)
    return lr


def resolve(kwargs, problem):
    out = {}
    for k, v in kwargs.items():
        if v == "$mask":
            v = problem["mask"]
        elif isinstance(v, dict) and "schedule" in v:
            v = make_schedule(v)
        out[snake(k)] = v
    return out


def not_mask(mask):
    return jax.tree.map(lambda m: not m, mask)


# Chains of building blocks, mirrored one-for-one in test/optax_trajectories.ts.
CUSTOM = {
    "clipByGlobalNorm+adam": lambda lr, p: optax.chain(optax.clip_by_global_norm(1.0), optax.adam(lr)),
    "clip+sgdMomentum": lambda lr, p: optax.chain(optax.clip(0.5), optax.sgd(lr, momentum=0.9)),
    "multiSteps(adam, 3)": lambda lr, p: optax.MultiSteps(optax.adam(lr), every_k_schedule=3).gradient_transformation(),
    "multiSteps(sgd, 2, sum)": lambda lr, p: optax.MultiSteps(
        optax.sgd(lr, momentum=0.5), every_k_schedule=2, use_grad_mean=False).gradient_transformation(),
    "scaleByRms+piecewiseLr": lambda lr, p: optax.chain(
        optax.scale_by_rms(),
        optax.scale_by_learning_rate(optax.piecewise_constant_schedule(lr, {30: 0.5, 60: 0.2}))),
    "masked(adam)+masked(sgd)": lambda lr, p: optax.chain(
        optax.masked(optax.adam(lr), p["mask"]), optax.masked(optax.sgd(lr), not_mask(p["mask"]))),
    "ema+trace+scale": lambda lr, p: optax.chain(
        optax.ema(0.9), optax.trace(0.5, nesterov=True), optax.scale(-lr)),
    "scaleBySchedule(join)": lambda lr, p: optax.chain(
        optax.scale_by_adam(),
        optax.scale_by_schedule(make_schedule({"schedule": "joinSchedules", "opts": {"a": -lr, "b": -lr / 4, "steps": 30}}))),
}


CUSTOM_LRS = {
    "clipByGlobalNorm+adam": {"quadratic": 0.02, "regression": 0.2, "mlp": 0.01},
    "clip+sgdMomentum": {"quadratic": 0.05, "regression": 0.05, "mlp": 0.03},
    "multiSteps(adam, 3)": {"quadratic": 0.02, "regression": 0.2, "mlp": 0.01},
    "multiSteps(sgd, 2, sum)": {"quadratic": 0.05, "regression": 0.05, "mlp": 0.05},
    "scaleByRms+piecewiseLr": {"quadratic": 0.02, "regression": 0.2, "mlp": 0.001},
    "masked(adam)+masked(sgd)": {"quadratic": 0.02, "regression": 0.2, "mlp": 0.01},
    "ema+trace+scale": {"quadratic": 0.05, "regression": 0.05, "mlp": 0.05},
    "scaleBySchedule(join)": {"quadratic": 0.02, "regression": 0.2, "mlp": 0.01},
}


def C(name, opt, lr, **kwargs):
    """A configuration; lr is one value for all problems or a dict per problem."""
    return {"name": name, "opt": opt, "lr": lr, "kwargs": kwargs}


def lrs(quadratic, regression, mlp):
    return {"quadratic": quadratic, "regression": regression, "mlp": mlp}


CONFIGS = [
    C("sgd", "sgd", lrs(0.1, 0.1, 0.1)),
    C("sgd momentum", "sgd", lrs(0.05, 0.02, 0.03), momentum=0.9),
    C("sgd nesterov", "sgd", lrs(0.05, 0.02, 0.03), momentum=0.9, nesterov=True),
    C("adam", "adam", lrs(0.02, 0.5, 0.01)),
    C("adam nesterov", "adam", lrs(0.02, 0.5, 0.01), nesterov=True),
    C("nadam", "nadam", lrs(0.02, 0.5, 0.01), b1=0.8),
    C("adam epsRoot", "adam", lrs(0.02, 0.5, 0.01), b1=0.8, b2=0.99, eps=1e-6, epsRoot=1e-8),
    C("adamw", "adamw", lrs(0.02, 0.5, 0.01)),
    C("adamw masked", "adamw", lrs(0.02, 0.5, 0.01), weightDecay=0.1, mask="$mask"),
    C("adamw scheduled decay", "adamw", lrs(0.02, 0.5, 0.01),
      weightDecay={"schedule": "linearSchedule", "opts": {"initValue": 0.2, "endValue": 0.0, "transitionSteps": 50}}),
    C("nadamw", "nadamw", lrs(0.02, 0.5, 0.01), weightDecay=0.01),
    C("rmsprop", "rmsprop", lrs(0.01, 0.1, 0.001)),
    C("rmsprop centered momentum", "rmsprop", lrs(0.01, 0.1, 0.001), centered=True, momentum=0.9, decay=0.95),
    C("rmsprop eps outside", "rmsprop", lrs(0.01, 0.1, 0.001), epsInSqrt=False, eps=1e-4, initialScale=1.0,
      momentum=0.5, nesterov=True),
    C("rmsprop bias correction", "rmsprop", lrs(0.01, 0.1, 0.001), biasCorrection=True),
    C("rmsprop bias correction momentum", "rmsprop", lrs(0.01, 0.03, 0.0003), biasCorrection=True, momentum=0.9, decay=0.8),
    C("adagrad", "adagrad", lrs(0.3, 2.0, 0.1)),
    C("adagrad custom", "adagrad", lrs(0.5, 2.0, 0.1), initialAccumulatorValue=0.5, eps=1e-5),
    C("adadelta", "adadelta", lrs(1.0, 50.0, 1.0)),
    C("adadelta custom", "adadelta", lrs(0.5, 50.0, 0.3), rho=0.95, eps=1e-4, weightDecay=0.01, weightDecayMask="$mask"),
    C("adafactor", "adafactor", lrs(0.01, 0.1, 0.01)),
    C("adafactor factored", "adafactor", lrs(0.05, 0.5, 0.02), minDimSizeToFactor=2, decayRate=0.9, momentum=0.9,
      weightDecayRate=1e-3, weightDecayMask="$mask"),
    C("adafactor unclipped", "adafactor", lrs(0.05, 0.5, 0.005), clippingThreshold=None, multiplyByParameterScale=False,
      factored=False, eps=1e-20),
    C("lion", "lion", lrs(0.01, 0.1, 0.001)),
    C("lion custom", "lion", lrs(0.01, 0.1, 0.001), b1=0.95, b2=0.98, weightDecay=0.1, mask="$mask"),
    C("lamb", "lamb", lrs(0.01, 0.05, 0.01)),
    C("lamb custom", "lamb", lrs(0.002, 0.05, 0.01), b1=0.85, eps=1e-8, weightDecay=0.01, mask="$mask"),
    C("radam", "radam", lrs(0.02, 0.5, 0.01)),
    C("radam custom", "radam", lrs(0.02, 0.5, 0.01), b2=0.99, threshold=4.5, nesterov=True),
    # learning-rate schedules inside optimizers (evaluated at the count before increment)
    C("sgd exponentialDecay staircase", "sgd",
      {"schedule": "exponentialDecay", "opts": {"initValue": 0.1, "transitionSteps": 10, "decayRate": 0.7, "staircase": True}},
      momentum=0.5),
    C("adam warmupCosineDecay", "adam", lrs(
        *({"schedule": "warmupCosineDecaySchedule",
           "opts": {"initValue": 0.0, "peakValue": peak, "warmupSteps": 10, "decaySteps": 80, "endValue": peak / 10}}
          for peak in (0.1, 0.1, 0.02)))),
    C("lion linearSchedule", "lion",
      {"schedule": "linearSchedule", "opts": {"initValue": 0.02, "endValue": 0.002, "transitionSteps": 60, "transitionBegin": 10}}),
    C("radam cosineDecay", "radam",
      {"schedule": "cosineDecaySchedule", "opts": {"initValue": 0.1, "decaySteps": 70, "alpha": 0.1}}),
] + [C(name, name, CUSTOM_LRS[name]) for name in CUSTOM]


def build(config, pname, problem):
    lr = config["lr"]
    if isinstance(lr, dict) and pname in lr:
        lr = lr[pname]
    lr = make_lr(lr)
    if config["opt"] in CUSTOM:
        return CUSTOM[config["opt"]](lr, problem)
    fn = getattr(optax, snake(config["opt"]))
    kwargs = resolve(config["kwargs"], problem)
    return fn(lr, **kwargs) if lr is not None else fn(**kwargs)


def run(loss_fn, opt, params, data, every, noise_seed=None):
    """The trajectory; with noise_seed, every gradient element is perturbed by one ulp (random sign)."""
    @jax.jit
    def step(params, state, key):
        grads = jax.grad(loss_fn)(params, data)
        if noise_seed is not None:
            leaves, treedef = jax.tree.flatten(grads)
            keys = jax.random.split(key, len(leaves))
            leaves = [g * (1 + jax.random.rademacher(k, g.shape, g.dtype) * 2.0**-23) for g, k in zip(leaves, keys)]
            grads = jax.tree.unflatten(treedef, leaves)
        updates, state = opt.update(grads, state, params)
        return optax.apply_updates(params, updates), state

    state = opt.init(params)
    key = jax.random.key(0 if noise_seed is None else noise_seed)
    snaps = []
    for i in range(STEPS):
        params, state = step(params, state, jax.random.fold_in(key, i))
        if (i + 1) % every == 0:
            snaps.append(params)
    return jax.tree.map(lambda *xs: jnp.stack(xs), *snaps)


def make_trajectories():
    problems = make_problems()
    for pname, problem in problems.items():
        runs = []
        print(f"{pname}:")
        for config in CONFIGS:
            opt = build(config, pname, problem)
            params = jax.tree.map(jnp.asarray, problem["params"])
            traj = run(problem["loss"], opt, params, problem["data"], problem["every"])
            perturbed = run(problem["loss"], opt, params, problem["data"], problem["every"], noise_seed=1)
            check(f"{pname}/{config['name']}", perturbed, traj)
            if not all(np.isfinite(np.asarray(l)).all() for l in jax.tree.leaves(traj)):
                _check_failures.append(f"{pname}/{config['name']}: non-finite params")
                continue
            runs.append({
                "name": config["name"],
                "opt": config["opt"],
                "lr": config["lr"][pname] if isinstance(config["lr"], dict) and pname in config["lr"] else config["lr"],
                "kwargs": config["kwargs"],
                "params": enc(traj),
            })
        write(f"optax_{pname}.json", {
            "description": problem["description"] + f"; {STEPS} steps of value_and_grad, opt.update, "
                           f"optax.apply_updates; params recorded after every {problem['every']} step(s). "
                           "See scripts/fixtures_optax.py for the configuration format.",
            "steps": STEPS,
            "every": problem["every"],
            "params": enc(problem["params"]),
            "data": enc(problem["data"]),
            "mask": problem["mask"],
            "runs": runs,
        }, limit=400_000)  # one trajectory per configuration: the largest fixtures


# --------------------------------------------------------------------------
# schedules
# --------------------------------------------------------------------------

SCHEDULES = [
    {"schedule": "constantSchedule", "opts": {"value": 0.3}},
    {"schedule": "linearSchedule", "opts": {"initValue": 1.0, "endValue": 0.1, "transitionSteps": 50}},
    {"schedule": "linearSchedule", "opts": {"initValue": 0.0, "endValue": 2.5, "transitionSteps": 40, "transitionBegin": 20}},
    {"schedule": "polynomialSchedule", "opts": {"initValue": 1.0, "endValue": 0.01, "power": 2, "transitionSteps": 80,
                                                 "transitionBegin": 5}},
    {"schedule": "cosineDecaySchedule", "opts": {"initValue": 0.5, "decaySteps": 60}},
    {"schedule": "cosineDecaySchedule", "opts": {"initValue": 0.5, "decaySteps": 60, "alpha": 0.2, "exponent": 2.0}},
    {"schedule": "warmupCosineDecaySchedule",
     "opts": {"initValue": 0.0, "peakValue": 1.0, "warmupSteps": 10, "decaySteps": 90, "endValue": 0.05}},
    {"schedule": "warmupCosineDecaySchedule",
     "opts": {"initValue": 0.1, "peakValue": 0.4, "warmupSteps": 25, "decaySteps": 75}},
    {"schedule": "exponentialDecay", "opts": {"initValue": 1.0, "transitionSteps": 10, "decayRate": 0.5}},
    {"schedule": "exponentialDecay", "opts": {"initValue": 1.0, "transitionSteps": 15, "decayRate": 0.5, "staircase": True,
                                              "transitionBegin": 10}},
    {"schedule": "exponentialDecay", "opts": {"initValue": 0.1, "transitionSteps": 10, "decayRate": 0.6, "endValue": 0.02}},
    {"schedule": "exponentialDecay", "opts": {"initValue": 0.1, "transitionSteps": 20, "decayRate": 1.5, "endValue": 0.5}},
    {"schedule": "piecewiseConstantSchedule", "opts": {"initValue": 0.8, "boundariesAndScales": {"20": 0.5, "50": 0.1, "75": 2.0}}},
    {"schedule": "joinSchedules", "opts": {"a": 0.7, "b": 0.2, "steps": 30}},
]


def make_schedules():
    n = 100
    out = []
    for spec in SCHEDULES:
        sched = make_schedule(spec)
        vals = f32([np.asarray(sched(jnp.asarray(i, jnp.int32)), F32) for i in range(n + 1)])
        with jax.enable_x64(True):
            sched64 = make_schedule(spec)
            ref = np.array([np.asarray(sched64(jnp.asarray(i, jnp.int32)), np.float64) for i in range(n + 1)])
        check(f"schedules/{spec['schedule']} {json.dumps(spec['opts'])[:30]}", vals, ref)
        out.append({**spec, "values": enc(vals)})
    write("optax_schedules.json", {
        "description": f"schedule(jnp.int32(i)) for i in 0..{n} (float32). joinSchedules {{a, b, steps}} is "
                       "join_schedules([constant(a), linear(a, b, steps), exponential_decay(b, steps, 0.5)], [steps, 2 * steps])",
        "cases": out,
    })


# --------------------------------------------------------------------------
# losses
# --------------------------------------------------------------------------

def make_losses():
    rng = np.random.RandomState(3)
    pred = f32(rng.randn(4, 5) * 2)
    targ = f32(rng.randn(4, 5) * 2)
    logits = f32(rng.randn(6, 4) * 3)
    logits[0, 0] = 40.0  # a large logit: the stable forms must not overflow
    logits[1, 2] = -35.0
    soft = f32(rng.rand(6, 4))
    soft = f32(soft / soft.sum(axis=1, keepdims=True))
    int_labels = np.array([0, 3, 1, 2, 2, 0], np.int32)
    logits3 = f32(rng.randn(2, 3, 4))
    int_labels3 = np.array([[1, 0, 2, 2], [0, 1, 1, 0]], np.int32)  # 3 classes along axis 1
    bin_labels = f32(rng.rand(6, 4) > 0.5)
    bin_soft = f32(rng.rand(6, 4))

    cases = []

    def case(name, fn, args, label, **kw):
        """Value and the gradient of sum(value) with respect to the first argument."""
        f = lambda a0, *rest: fn(a0, *rest, **kw)
        val = f(*args)
        grad = jax.grad(lambda a0, *rest: jnp.sum(f(a0, *rest)))(*args)
        with jax.enable_x64(True):
            args64 = [to64(a) if np.asarray(a).dtype == np.float32 else a for a in args]
            ref = (f(*args64), jax.grad(lambda a0, *rest: jnp.sum(f(a0, *rest)))(*args64))
        check(f"losses/{label}", (val, grad), ref)
        cases.append({"name": name, "label": label, "kwargs": kw, "args": [enc(a) for a in args],
                      "value": enc(val), "grad": enc(grad)})

    case("l2Loss", optax.l2_loss, (pred, targ), "l2Loss")
    case("l2Loss", optax.l2_loss, (pred,), "l2Loss no targets")
    case("squaredError", optax.squared_error, (pred, targ), "squaredError")
    case("huberLoss", optax.huber_loss, (pred, targ), "huberLoss")
    case("huberLoss", optax.huber_loss, (pred, targ), "huberLoss delta 0.5", delta=0.5)
    case("softmaxCrossEntropy", optax.softmax_cross_entropy, (logits, soft), "softmaxCrossEntropy")
    case("softmaxCrossEntropy", optax.softmax_cross_entropy, (logits.T.copy(), soft.T.copy()), "softmaxCrossEntropy axis 0",
         axis=0)
    case("softmaxCrossEntropyWithIntegerLabels", optax.softmax_cross_entropy_with_integer_labels, (logits, int_labels),
         "softmaxCrossEntropyWithIntegerLabels")
    case("softmaxCrossEntropyWithIntegerLabels", optax.softmax_cross_entropy_with_integer_labels,
         (logits3, int_labels3), "softmaxCrossEntropyWithIntegerLabels axis 1", axis=1)
    case("sigmoidBinaryCrossEntropy", optax.sigmoid_binary_cross_entropy, (logits, bin_labels), "sigmoidBinaryCrossEntropy")
    case("sigmoidBinaryCrossEntropy", optax.sigmoid_binary_cross_entropy, (logits, bin_soft),
         "sigmoidBinaryCrossEntropy soft labels")
    write("optax_losses.json", {
        "description": "value = loss(*args, **kwargs) (per element / per row, no reduction); "
                       "grad = grad(sum(loss))(args[0])",
        "cases": cases,
    })


def f32(a):
    return np.asarray(a, dtype=F32)


def main():
    make_schedules()
    make_losses()
    make_trajectories()
    exit_on_failures(_check_failures, "self-check failed (a result too sensitive to float32 rounding)")
    print("all optax fixtures written; self-checks passed")


if __name__ == "__main__":
    main()
