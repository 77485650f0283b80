"""Reference posteriors for GaussianProcessReferenceTests.cs, computed directly from the GP formulas with numpy.

Run: python3 gp_reference.py   (needs numpy; Debian: python3-numpy)   (not run by the build; its output is pasted into the test as constants)

Each case: inputs X (n x d), targets y, kernel, noise s2, constant prior mean m, a query x*.
Posterior mean  m + k*^T (K + s2 I)^-1 (y - m)
Posterior var   k(x*, x*) - k*^T (K + s2 I)^-1 k*
Log marginal likelihood  -1/2 (y-m)^T (K + s2 I)^-1 (y-m) - 1/2 log|K + s2 I| - n/2 log 2 pi
(The C# process adds a jitter of 1e-10 k(x, x) to the diagonal; the tolerance of the test allows for it.)
"""
import numpy as np


def se(a, b, sf2, ell):
    return sf2 * np.exp(-np.sum((a - b) ** 2) / (2 * ell ** 2))


def matern52(a, b, sf2, ell):
    s = np.sqrt(5.0) * np.sqrt(np.sum((a - b) ** 2)) / ell
    return sf2 * (1 + s + s * s / 3) * np.exp(-s)


def time_varying(inner, eps):
    # coordinate 0 is time
    return lambda a, b: inner(a[1:], b[1:]) * (1 - eps) ** (0.5 * abs(a[0] - b[0]))


def overlap(inner, continuous, ell_c):
    def k(a, b):
        mism = np.sum(a[continuous:] != b[continuous:])
        return inner(a[:continuous], b[:continuous]) * np.exp(-mism / (2 * ell_c ** 2))
    return k


def posterior(k, X, y, s2, m, xq):
    n = len(X)
    K = np.array([[k(X[i], X[j]) for j in range(n)] for i in range(n)]) + s2 * np.eye(n)
    ks = np.array([k(xq, X[i]) for i in range(n)])
    Kinv = np.linalg.inv(K)
    mean = m + ks @ Kinv @ (y - m)
    var = k(xq, xq) - ks @ Kinv @ ks
    sign, logdet = np.linalg.slogdet(K)
    lml = -0.5 * (y - m) @ Kinv @ (y - m) - 0.5 * logdet - 0.5 * n * np.log(2 * np.pi)
    return mean, var, lml


cases = {
    "se_2d_two_points": (
        lambda a, b: se(a, b, 1.5, 0.4),
        np.array([[0.1, 0.2], [0.7, 0.4]]), np.array([0.3, -0.5]), 0.01, 0.0, np.array([0.4, 0.3])),
    "matern_2d_three_points": (
        lambda a, b: matern52(a, b, 0.8, 0.6),
        np.array([[0.0, 0.0], [0.5, 0.1], [0.2, 0.9]]), np.array([1.0, 0.2, -0.4]), 0.05, 0.25, np.array([0.3, 0.4])),
    "time_varying_se_three_points": (
        time_varying(lambda a, b: se(a, b, 1.2, 0.3), 0.2),
        np.array([[0.0, 0.1, 0.5], [1.0, 0.4, 0.5], [2.0, 0.35, 0.8]]), np.array([0.5, -0.2, 1.1]), 0.02, 0.0,
        np.array([3.0, 0.3, 0.6])),
    "time_varying_overlap_three_points": (
        time_varying(overlap(lambda a, b: se(a, b, 1.0, 0.5), 1, 0.8), 0.1),
        np.array([[0.0, 0.2, 0.0], [1.0, 0.6, 1.0], [1.0, 0.3, 0.0]]), np.array([0.4, -0.3, 0.9]), 0.05, 0.0,
        np.array([2.0, 0.25, 1.0])),
}

for name, (k, X, y, s2, m, xq) in cases.items():
    mean, var, lml = posterior(k, X, y, s2, m, xq)
    print(f"{name}: mean = {mean!r}, variance = {var!r}, lml = {lml!r}")
