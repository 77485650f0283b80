#!/usr/bin/env python3
"""Reference permutations computed by NumPy's legacy RandomState (MT19937), for NumpyRandomStateTests and
KerasSplitterTests. Writes numpy_permutations.json next to this file; committed, not run by CI.
Run with a Python that has NumPy (Debian python3-numpy): /usr/bin/python3 make_numpy_permutations.py"""
import json
import os

import numpy as np

cases = {}
for seed, n in [(113, 506), (42, 404), (0, 10), (1, 1), (7, 2), (2 ** 32 - 1, 1000)]:
    rng = np.random.RandomState(seed)
    idx = np.arange(n)
    rng.shuffle(idx)  # keras.datasets.boston_housing.load_data does exactly this
    cases["%d_%d" % (seed, n)] = idx.tolist()
out = {"numpy": np.__version__, "permutations": cases, "uint32_seed_5489": np.random.RandomState(5489).randint(0, 2 ** 32, size=3, dtype=np.uint64).tolist()}
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "numpy_permutations.json"), "w") as f:
    json.dump(out, f)
