#!/usr/bin/env python3
"""Fits the polynomial Q of src/autograd/backends/cpu/erf-float32.ts (erfcScaledFloat32).

    /usr/bin/python3 scripts/fit-normal-tail.py

With t = 1/(1 + z/2) for z >= 0, e^(z^2) erfc(z) = t Q(t), and Q is smooth on (0, 1]. We fit Q by
a degree-10 polynomial in t, by least squares weighted for relative error, on 4,000 Chebyshev
nodes, against double-precision values of e^(z^2) erfc(z): math.erfc below z = 5, Laplace's
continued fraction (depth 400) above, where e^(z^2) would overflow. Prints the coefficients
(lowest degree first) and the largest relative error on a fine grid (about 1.2e-8).
"""
import math

import numpy as np


def erfc_scaled(z):
    if z < 5:
        return math.erfc(z) * math.exp(z * z)
    f = z
    for k in range(400, 0, -1):
        f = z + k / 2 / f
    return 1 / (math.sqrt(math.pi) * f)


N, DEGREE = 4000, 10
ts = 0.5 * (1 - np.cos(np.pi * (np.arange(N) + 0.5) / N))
q = np.array([erfc_scaled(2 * (1 / t - 1)) / t for t in ts])
w = 1 / q
coefficients, *_ = np.linalg.lstsq(np.vander(ts, DEGREE + 1, increasing=True) * w[:, None], q * w, rcond=None)
grid = np.linspace(1e-4, 1, 4001)
exact = np.array([erfc_scaled(2 * (1 / t - 1)) / t for t in grid])
worst = np.max(np.abs(np.polynomial.polynomial.polyval(grid, coefficients) / exact - 1))
print('coefficients:', ', '.join(repr(float(c)) for c in coefficients))
print(f'largest relative error on (0, 1]: {worst:.2e}')
