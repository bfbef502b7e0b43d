#!/usr/bin/python3
"""Writes src/linalg/fixtures/lapack.json: reference results from numpy (LAPACK) and scipy.

Run from the repository root with Debian's python3-numpy (written against numpy 1.24; scipy
1.10 adds the LU and pivoted-QR references and is optional):

    /usr/bin/python3 scripts/make-linalg-fixtures.py

Small matrices are stored entry by entry. Big ones (1000 x 200 and its like) are stored as a
seed: src/linalg/fixtures/seeded.ts regenerates them bit-for-bit with the same mulberry32
generator written below, and a checksum guards the match. For every SVD and eigen case we also
store LAPACK's own accuracy on that matrix (reconstruction and orthogonality, measured here in
float64), so the tests can put Sapling's numbers beside LAPACK's. Rerunning gives the same file
byte for byte. The script refuses to write more than 1 MB.
"""
import json
import math
import os
import sys

import numpy as np

try:
    import scipy
    import scipy.linalg
except ImportError:  # the LU and pivoted-QR references are then left out
    scipy = None

try:
    import mpmath
except ImportError:  # the 60-digit references for graded matrices are then left out
    mpmath = None

OUT = os.path.join('src', 'linalg', 'fixtures', 'lapack.json')
LIMIT = 1_000_000


def mulberry32(seed):
    """The generator of seeded.ts, in 32-bit unsigned arithmetic."""
    s = seed & 0xFFFFFFFF

    def imul(a, b):
        return (a * b) & 0xFFFFFFFF

    def nxt():
        nonlocal s
        s = (s + 0x6D2B79F5) & 0xFFFFFFFF
        t = s
        t = imul(t ^ (t >> 15), t | 1)
        t ^= (t + imul(t ^ (t >> 7), t | 61)) & 0xFFFFFFFF
        return ((t ^ (t >> 14)) & 0xFFFFFFFF) / 2**32

    return nxt


def seeded(rows, cols, seed, scale=1.0):
    nxt = mulberry32(seed)
    return np.array([(nxt() * 2 - 1) * scale for _ in range(rows * cols)], dtype=np.float64).reshape(rows, cols)


def orthonormal(rows, cols, seed):
    q, r = np.linalg.qr(seeded(rows, cols, seed))
    return q * np.sign(np.diag(r))


def listed(a):
    return [float(x) for x in np.asarray(a, dtype=np.float64).ravel()]


def matrix_entry(a, seed=None, scale=1.0):
    """Either the entries, or the recipe to regenerate them."""
    a = np.asarray(a, dtype=np.float64)
    if seed is not None:
        return {'rows': a.shape[0], 'cols': a.shape[1], 'seed': seed, 'scale': scale, 'checksum': float(np.sum(a))}
    return {'rows': a.shape[0], 'cols': a.shape[1], 'data': listed(a)}


def fro(x):
    return float(np.linalg.norm(x, 'fro'))


def relative_error(a, b):
    """||a - b||_F / ||a||_F, computed on a / max|a| so that 1e-150 entries do not underflow."""
    amax = float(np.max(np.abs(a))) if a.size else 0.0
    if amax == 0:
        return fro(b)
    return fro((a - b) / amax) / fro(a / amax)


def svd_case(name, a, seed=None, scale=1.0, note=''):
    u, s, vt = np.linalg.svd(a, full_matrices=False)
    k = s.size
    recon = relative_error(a, (u * s) @ vt)
    return {
        'name': name,
        'note': note,
        'a': matrix_entry(a, seed, scale),
        'singularValues': listed(s),
        'lapack': {
            'reconstruction': recon,
            'orthU': fro(u.T @ u - np.eye(k)),
            'orthV': fro(vt @ vt.T - np.eye(k)),
        },
    }


def eig_case(name, a, seed=None, note=''):
    w, q = np.linalg.eigh(a)
    n = a.shape[0]
    recon = relative_error(a, (q * w) @ q.T)
    return {
        'name': name,
        'note': note,
        'a': matrix_entry(a, seed),
        'values': listed(w),
        'lapack': {'reconstruction': recon, 'orth': fro(q.T @ q - np.eye(n))},
    }


def svd_cases():
    cases = []
    for name, (m, n, seed) in {
        'random 8x5': (8, 5, 11),
        'random 5x8': (5, 8, 12),
        'random 40x40': (40, 40, 13),
    }.items():
        cases.append(svd_case(name, seeded(m, n, seed), seed))
    a = seeded(1000, 200, 21)
    cases.append(svd_case('tall 1000x200', a, 21, note='regenerated from the seed'))
    a = seeded(200, 1000, 22)
    cases.append(svd_case('wide 200x1000', a, 22, note='regenerated from the seed'))
    cases.append(svd_case('1x1', np.array([[-3.5]])))
    cases.append(svd_case('zeros 4x3', np.zeros((4, 3))))
    cases.append(svd_case('diagonal 6x6', np.diag([3.0, -1.0, 0.0, 7.0, 2e-5, -2.0]), note='unsorted, signed, one zero'))
    hilbert = np.array([[1.0 / (i + j + 1) for j in range(12)] for i in range(12)])
    cases.append(svd_case('hilbert 12', hilbert, note='condition number ~1.7e16'))
    low = seeded(20, 5, 31) @ seeded(5, 15, 32)
    cases.append(svd_case('rank 5 of 20x15', low, note='ten singular values at rounding level'))
    cases.append(svd_case('rank 1 of 30x25', np.outer(seeded(30, 1, 33), seeded(1, 25, 34))))
    sig = np.array([4.0, 4.0, 4.0, 2.0, 2.0, 1.0, 1.0, 1.0])
    rep = (orthonormal(12, 8, 35) * sig) @ orthonormal(8, 8, 36).T
    cases.append(svd_case('repeated 12x8', rep, note='sigma = 4,4,4,2,2,1,1,1'))
    sig = 1.0 + 1e-9 * np.arange(10)[::-1]
    clu = (orthonormal(10, 10, 37) * sig) @ orthonormal(10, 10, 38).T
    cases.append(svd_case('clustered 10x10', clu, note='sigma = 1 + k 1e-9'))
    sig = 10.0 ** -np.arange(0, 16, 1.5)
    graded = (orthonormal(14, 11, 39) * sig) @ orthonormal(11, 11, 40).T
    cases.append(svd_case('graded 14x11', graded, note='sigma from 1 down to 1e-15'))
    cases.append(svd_case('big 30x20', seeded(30, 20, 41, 1e150), 41, 1e150, note='entries ~1e150'))
    cases.append(svd_case('tiny 30x20', seeded(30, 20, 42, 1e-150), 42, 1e-150, note='entries ~1e-150'))
    mixed = seeded(16, 12, 43)
    mixed[:8] *= 1e150
    mixed[8:] *= 1e-150
    cases.append(svd_case('mixed 16x12', mixed, note='rows 0-7 ~1e150, rows 8-15 ~1e-150'))
    return cases


def eig_cases():
    cases = []
    b = seeded(6, 6, 51)
    cases.append(eig_case('random symmetric 6', b + b.T))
    b = seeded(60, 60, 52)
    cases.append(eig_case('random symmetric 60', b + b.T))
    q = orthonormal(8, 8, 53)
    cases.append(eig_case('repeated 8', (q * np.array([1.0, 1, 1, 2, 2, -3, -3, 5])) @ q.T, note='lambda = 1,1,1,2,2,-3,-3,5'))
    q = orthonormal(10, 10, 54)
    cases.append(eig_case('clustered 10', (q * (1.0 + 1e-10 * np.arange(10))) @ q.T, note='lambda = 1 + k 1e-10'))
    cases.append(eig_case('diagonal 5', np.diag([3.0, -1.0, 0.0, 7.0, -2.0])))
    cases.append(eig_case('zeros 3', np.zeros((3, 3))))
    cases.append(eig_case('1x1', np.array([[-2.5]])))
    w21 = np.diag(np.abs(np.arange(-10.0, 11.0))) + np.diag(np.ones(20), 1) + np.diag(np.ones(20), -1)
    cases.append(eig_case('wilkinson 21', w21, note='pairs of eigenvalues equal to ~1e-14'))
    lap = 2 * np.eye(30) - np.diag(np.ones(29), 1) - np.diag(np.ones(29), -1)
    cases.append(eig_case('laplacian 30', lap, note='lambda_k = 2 - 2 cos(k pi / 31)'))
    b = seeded(12, 12, 55, 1e150)
    cases.append(eig_case('big 12', b + b.T, note='entries ~1e150'))
    b = seeded(12, 12, 56, 1e-150)
    cases.append(eig_case('tiny 12', b + b.T, note='entries ~1e-150'))
    return cases


def graded_cases():
    """Matrices whose small singular values are determined to high relative accuracy by the
    entries, with 60-digit singular values from mpmath as the reference (LAPACK's normwise
    accuracy is not enough to check them)."""
    if mpmath is None:
        return []
    mpmath.mp.dps = 60
    cases = []
    exponents = [14, 0, 8, 2, 12, 4, 10, 6]
    cols = seeded(12, 8, 81) @ np.diag([10.0 ** -e for e in exponents])
    rows = np.diag([10.0 ** -e for e in exponents]) @ seeded(8, 8, 82)
    for name, a in [('graded columns 12x8', cols), ('graded rows 8x8', rows)]:
        exact = sorted((float(x) for x in mpmath.svd_r(mpmath.matrix(a.tolist()), compute_uv=False)), reverse=True)
        lapack = np.linalg.svd(a, compute_uv=False)
        cases.append({
            'name': name,
            'note': 'column scales 1e-14 ... 1 in shuffled order' if 'columns' in name else 'row scales 1e-14 ... 1 in shuffled order',
            'a': matrix_entry(a),
            'singularValues': exact,
            'lapackMaxRelativeError': float(np.max(np.abs(lapack - exact) / exact)),
        })
    return cases


def other_references():
    ref = {}
    a = seeded(6, 6, 61)
    b = seeded(6, 2, 62)
    ref['solve'] = {'a': matrix_entry(a), 'b': matrix_entry(b), 'x': matrix_entry(np.linalg.solve(a, b))}
    ref['inv'] = {'a': matrix_entry(a), 'inv': matrix_entry(np.linalg.inv(a))}
    dets = []
    for seed, n in [(63, 5), (64, 9)]:
        m = seeded(n, n, seed)
        sign, logdet = np.linalg.slogdet(m)
        dets.append({'a': matrix_entry(m), 'det': float(np.linalg.det(m)), 'sign': float(sign), 'logAbsDet': float(logdet)})
    ref['det'] = dets
    low = seeded(8, 3, 65) @ seeded(3, 5, 66)
    rhs = seeded(8, 1, 67)
    x, res, rank, sv = np.linalg.lstsq(low, rhs, rcond=None)
    ref['lstsq'] = {'a': matrix_entry(low), 'b': matrix_entry(rhs), 'x': matrix_entry(x), 'rank': int(rank)}
    tall = seeded(9, 4, 68)
    rhs2 = seeded(9, 1, 69)
    x, res, rank, sv = np.linalg.lstsq(tall, rhs2, rcond=None)
    ref['lstsqFullRank'] = {'a': matrix_entry(tall), 'b': matrix_entry(rhs2), 'x': matrix_entry(x), 'residuals': listed(res), 'rank': int(rank)}
    ref['pinv'] = {'a': matrix_entry(low), 'pinv': matrix_entry(np.linalg.pinv(low, rcond=max(low.shape) * np.finfo(float).eps))}
    ref['matrixRank'] = [
        {'a': matrix_entry(low), 'rank': int(np.linalg.matrix_rank(low))},
        {'a': matrix_entry(seeded(7, 4, 70)), 'rank': int(np.linalg.matrix_rank(seeded(7, 4, 70)))},
    ]
    h6 = np.array([[1.0 / (i + j + 1) for j in range(6)] for i in range(6)])
    ref['cond'] = {'a': matrix_entry(h6), 'cond2': float(np.linalg.cond(h6)), 'cond1': float(np.linalg.cond(h6, 1)), 'condFro': float(np.linalg.cond(h6, 'fro'))}
    m = seeded(7, 4, 71)
    ref['norm'] = {
        'a': matrix_entry(m),
        'fro': float(np.linalg.norm(m, 'fro')), 'nuc': float(np.linalg.norm(m, 'nuc')),
        'two': float(np.linalg.norm(m, 2)), 'minusTwo': float(np.linalg.norm(m, -2)),
        'one': float(np.linalg.norm(m, 1)), 'minusOne': float(np.linalg.norm(m, -1)),
        'inf': float(np.linalg.norm(m, np.inf)), 'minusInf': float(np.linalg.norm(m, -np.inf)),
    }
    g = seeded(6, 6, 72)
    spd = g.T @ g + np.eye(6)
    ref['cholesky'] = {'a': matrix_entry(spd), 'l': matrix_entry(np.linalg.cholesky(spd))}
    qa = seeded(7, 5, 73)
    r = np.linalg.qr(qa, mode='r')
    ref['qr'] = {'a': matrix_entry(qa), 'absR': matrix_entry(np.abs(r))}
    if scipy is not None:
        la = seeded(6, 6, 74)
        p, l, u = scipy.linalg.lu(la)
        # scipy: a = p @ l @ u, so row i of l @ u is row perm[i] of a.
        perm = [int(np.argmax(p[:, i])) for i in range(6)]
        ref['lu'] = {'a': matrix_entry(la), 'l': matrix_entry(l), 'u': matrix_entry(u), 'perm': perm}
        pa = seeded(8, 6, 75)
        pa[:, 4] = pa[:, 1] * 1e-3
        _, rp, piv = scipy.linalg.qr(pa, pivoting=True)
        ref['pivotedQr'] = {'a': matrix_entry(pa), 'absDiagR': listed(np.abs(np.diag(rp))), 'perm': [int(i) for i in piv]}
    return ref


def main():
    np.seterr(all='ignore')
    data = {
        'provenance': {
            'command': '/usr/bin/python3 scripts/make-linalg-fixtures.py',
            'numpy': np.__version__,
            'scipy': scipy.__version__ if scipy is not None else None,
            'mpmath': mpmath.__version__ if mpmath is not None else None,
            'python': sys.version.split()[0],
            'note': 'numpy.linalg.svd = LAPACK dgesdd, eigh = dsyevd, solve = dgesv, lstsq = dgelsd; '
                    'lapack.* metrics are LAPACK\'s own accuracy on each matrix, measured in float64 here.',
        },
        'svd': svd_cases(),
        'eigh': eig_cases(),
        'graded': graded_cases(),
        'reference': other_references(),
    }
    text = json.dumps(data, indent=1, sort_keys=False) + '\n'
    if len(text) > LIMIT:
        sys.exit(f'refusing to write {len(text)} bytes (> {LIMIT}); store fewer entries or more seeds')
    with open(OUT, 'w') as f:
        f.write(text)
    print(f'wrote {OUT}: {len(text)} bytes, {len(data["svd"])} SVD cases, {len(data["eigh"])} eigen cases')


if __name__ == '__main__':
    main()
