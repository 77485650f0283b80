#!/usr/bin/env python3
"""Reference trajectories of CartPole-v1 and Acrobot-v1 computed by Gymnasium's own environment code.

Usage: python3 make_golden.py PATH_TO_GYMNASIUM_CHECKOUT > golden.json

Not run by CI; the output is committed. It needs only NumPy (Debian: apt-get install python3-numpy): the environment
modules are loaded straight from the checkout's gymnasium/envs/classic_control/ with the few gymnasium imports they
make stubbed out, and the time limit (max_episode_steps of the registration in gymnasium/envs/__init__.py) is applied
here, as Gymnasium's TimeLimit wrapper does (truncated once the elapsed steps reach the limit).

Run it with NPY_DISABLE_CPU_FEATURES="AVX512F AVX512CD AVX512_SKX AVX512_CLX AVX512_CNL AVX512_ICL" on AVX-512
machines: NumPy's AVX-512 sin/cos differ from the C library's in the last bit, and the committed values come from the
C library's (what .NET's Math.Sin/Math.Cos call on Linux).
"""

import importlib.util
import json
import os
import re
import sys
import types

import numpy as np


def stub_gymnasium():
    """Just enough of the gymnasium package for cartpole.py and acrobot.py to import and construct."""

    class Env:
        def __class_getitem__(cls, item):
            return cls

        def reset(self, *, seed=None, options=None):
            self.np_random = np.random.default_rng(seed)

    class Discrete:
        def __init__(self, n):
            self.n = n

        def contains(self, x):
            return 0 <= int(x) < self.n

    class Box:
        def __init__(self, low, high, dtype=np.float32):
            self.low, self.high, self.dtype = low, high, dtype

    class Anything:
        def __init__(self, *args, **kwargs):
            pass

        def __class_getitem__(cls, item):
            return cls

    gym = types.ModuleType("gymnasium")
    gym.Env = Env
    gym.logger = types.SimpleNamespace(warn=lambda *a, **k: None)
    spaces = types.ModuleType("gymnasium.spaces")
    spaces.Discrete, spaces.Box = Discrete, Box
    gym.spaces = spaces
    error = types.ModuleType("gymnasium.error")
    error.DependencyNotInstalled = ImportError
    vector = types.ModuleType("gymnasium.vector")
    vector.AutoresetMode = types.SimpleNamespace(NEXT_STEP="next_step", SAME_STEP="same_step", DISABLED="disabled")
    vector.VectorEnv = Anything
    vector_utils = types.ModuleType("gymnasium.vector.utils")
    vector_utils.batch_space = lambda *a, **k: None
    envs = types.ModuleType("gymnasium.envs")
    classic = types.ModuleType("gymnasium.envs.classic_control")
    utils = types.ModuleType("gymnasium.envs.classic_control.utils")
    classic.utils = utils
    for name, module in {
        "gymnasium": gym, "gymnasium.spaces": spaces, "gymnasium.error": error, "gymnasium.vector": vector,
        "gymnasium.vector.utils": vector_utils, "gymnasium.envs": envs,
        "gymnasium.envs.classic_control": classic, "gymnasium.envs.classic_control.utils": utils,
    }.items():
        sys.modules[name] = module


def load(checkout, name):
    path = os.path.join(checkout, "gymnasium", "envs", "classic_control", name + ".py")
    spec = importlib.util.spec_from_file_location("reference_" + name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def time_limit(checkout, env_id):
    with open(os.path.join(checkout, "gymnasium", "envs", "__init__.py")) as f:
        text = f.read()
    block = re.search(r'id="' + re.escape(env_id) + r'".*?\)', text, re.S).group(0)
    return int(re.search(r"max_episode_steps=(\d+)", block).group(1))


def run(env, start, policy, limit):
    """One episode from `start` (written into env.state); `policy(observation, t)` picks each action."""
    env.state = np.array(start, dtype=np.float64)
    if hasattr(env, "steps_beyond_terminated"):
        env.steps_beyond_terminated = None
    observation = env._get_ob() if hasattr(env, "_get_ob") else np.array(env.state, dtype=np.float32)
    out = {"start": [float(v) for v in start], "actions": [], "observations": [], "states": [],
           "rewards": [], "terminated": [], "truncated": []}
    for t in range(limit):
        action = int(policy(observation, t))
        observation, reward, terminated, _, _ = env.step(action)
        truncated = t + 1 >= limit
        out["actions"].append(action)
        out["observations"].append([float(v) for v in observation])
        out["states"].append([float(v) for v in env.state])
        out["rewards"].append(float(reward))
        out["terminated"].append(bool(terminated))
        out["truncated"].append(bool(truncated))
        if terminated or truncated:
            break
    return out


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: make_golden.py PATH_TO_GYMNASIUM_CHECKOUT")
    checkout = sys.argv[1]
    stub_gymnasium()
    cartpole, acrobot = load(checkout, "cartpole"), load(checkout, "acrobot")
    rng = np.random.default_rng(20240601)

    cart = cartpole.CartPoleEnv()
    cart_limit = time_limit(checkout, "CartPole-v1")
    coin = rng.integers(0, 2, size=cart_limit)
    cart_cases = [
        # Alternating pushes, then a fixed random sequence: the pole falls (terminated) within tens of steps.
        run(cart, [0.01, -0.02, 0.03, 0.04], lambda o, t: t % 2, cart_limit),
        run(cart, list(rng.uniform(-0.05, 0.05, 4)), lambda o, t: coin[t], cart_limit),
        # Always right: the pole falls left quickly.
        run(cart, [-0.04, 0.0, 0.0, 0.0], lambda o, t: 1, cart_limit),
        # A balancing feedback law keeps it up for the whole episode: truncated at the time limit.
        run(cart, [0.02, 0.01, -0.03, 0.02],
            lambda o, t: int(o[2] + 0.5 * o[3] + 0.02 * o[0] + 0.1 * o[1] > 0), cart_limit),
    ]

    acro = acrobot.AcrobotEnv()
    acro_limit = time_limit(checkout, "Acrobot-v1")
    torques = rng.integers(0, 3, size=acro_limit)
    acro_cases = [
        # Pump energy with the torque along the second joint's velocity: reaches the bar (terminated).
        run(acro, [0.05, -0.03, 0.01, 0.02], lambda o, t: 2 if o[5] > 0 else 0, acro_limit),
        # A fixed random sequence for 60 steps, then pumping.
        run(acro, [float(np.float32(v)) for v in rng.uniform(-0.1, 0.1, 4)],
            lambda o, t: torques[t] if t < 60 else (2 if o[5] > 0 else 0), acro_limit),
        # No torque: it swings near the bottom for the whole episode (truncated).
        run(acro, [0.1, -0.1, 0.0, 0.05], lambda o, t: 1, acro_limit),
    ]

    json.dump({
        "source": "Gymnasium classic_control cartpole.py and acrobot.py (make_golden.py)",
        "cartpole": cart_cases,
        "acrobot": acro_cases,
    }, sys.stdout, indent=None)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
