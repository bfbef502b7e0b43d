#!/usr/bin/env python3
"""Writes src/forecast/fixtures/numpy-study.json: numpy/scipy reference values for the hardened study.

Run from the repository root (Debian numpy 1.24, scipy 1.10; statsmodels is NOT needed, and the
formulas are written out here independently of the TypeScript):

    /usr/bin/python3 scripts/make-forecast-study-fixtures.py

Cases:
  * "dm": two error series (numpy seed 0, 400 points: an MA(4) error + 0.2 and 2.3 x white noise;
    every stored series is rounded to 8 decimals before anything is computed from it);
    the Diebold-Mariano statistic (Harvey-Leybourne-Newbold corrected, squared loss, h = 5) and
    its two-sided t(n-1) p-value at Newey-West lags 4, 10, 22 and at the Newey-West (1994)
    automatic lag (Bartlett, no prewhitening, floor as in R's sandwich::NeweyWest); and the
    automatic lag of an AR(1) series with phi = 0.8 (seed 1, 500 points).
  * "har": S&P 500 daily log returns x100 (vega-datasets sp500-2000.csv, rows 0..799) and the
    HAR / LHAR forecasts of the forward 5-day realised volatility from origins 600..699,
    re-fitted at each origin by numpy.linalg.lstsq on the pairs u = 22 .. s-5 (expanding) and
    on the last 200 of them (rolling).
  * "sharpe": a daily return series (seed 2, 300 points) with its annualised Sharpe ratio and
    the Lo (2002) i.i.d. 95 % interval.
  * "holm": 8 p-values and their Holm-adjusted values.
"""
import csv
import json
import math
import os

import numpy as np
import scipy
from scipy import stats

OUT = os.path.join('src', 'forecast', 'fixtures', 'numpy-study.json')


def dm(e1, e2, h, lags):
    d = e1 ** 2 - e2 ** 2
    n = len(d)
    dc = d - d.mean()
    gam = [np.dot(dc[l:], dc[:n - l]) / n for l in range(lags + 1)]
    v = gam[0] + 2 * sum((1 - l / (lags + 1)) * gam[l] for l in range(1, lags + 1))
    stat = d.mean() / math.sqrt(v / n) * math.sqrt((n + 1 - 2 * h + h * (h - 1) / n) / n)
    return stat, 2 * stats.t.sf(abs(stat), n - 1)


def nw_auto(d):
    n = len(d)
    m = int(math.floor(4 * (n / 100) ** (2 / 9)))
    dc = d - d.mean()
    sig = [np.dot(dc[j:], dc[:n - j]) / n for j in range(m + 1)]
    s0 = sig[0] + 2 * sum(sig[1:])
    s1 = 2 * sum(j * sig[j] for j in range(1, m + 1))
    return int(math.floor(1.1447 * ((s1 / s0) ** 2) ** (1 / 3) * n ** (1 / 3)))


def har_features(r, s, leverage):
    rms = lambda k: math.sqrt(np.mean(r[s - k + 1:s + 1] ** 2))
    x = [1.0, abs(r[s]), rms(5), rms(22)]
    if leverage:
        x += [np.mean(np.minimum(r[s - k + 1:s + 1], 0)) for k in (1, 5, 22)]
    return x


def main():
    rng = np.random.default_rng(0)
    u = rng.standard_normal(405)
    e1 = np.round(np.array([u[t:t + 5].sum() for t in range(400)]) + 0.2, 8)
    e2 = np.round(2.3 * rng.standard_normal(400), 8)
    d = e1 ** 2 - e2 ** 2
    auto = max(4, nw_auto(d))
    dm_rows = []
    for lags in (4, 10, 22, auto):
        s, p = dm(e1, e2, 5, lags)
        dm_rows.append({'lags': lags, 'statistic': s, 'pValue': p})
    rng1 = np.random.default_rng(1)
    ar = np.zeros(500)
    eps = rng1.standard_normal(500)
    for t in range(1, 500):
        ar[t] = 0.8 * ar[t - 1] + eps[t]
    ar = np.round(ar, 8)

    with open(os.path.join('node_modules', 'vega-datasets', 'data', 'sp500-2000.csv')) as f:
        close = np.array([float(r['close']) for r in csv.DictReader(f)][:800])
    r = np.round(np.concatenate([[0.0], 100 * np.diff(np.log(close))]), 8)
    rv = lambda s: math.sqrt(np.sum(r[s + 1:s + 6] ** 2))  # forward 5-day RV from origin s
    origins = list(range(600, 700))
    har = {}
    for leverage in (False, True):
        for window in ('expanding', 200):
            out = []
            for s in origins:
                last = s - 5
                first = 22 if window == 'expanding' else max(22, last - window + 1)
                X = np.array([har_features(r, u, leverage) for u in range(first, last + 1)])
                y = np.array([rv(u) for u in range(first, last + 1)])
                beta = np.linalg.lstsq(X, y, rcond=None)[0]
                out.append(float(np.dot(har_features(r, s, leverage), beta)))
            har[f"{'LHAR' if leverage else 'HAR'} {window}"] = out

    rng2 = np.random.default_rng(2)
    ret = np.round(0.0004 + 0.01 * rng2.standard_normal(300), 10)
    sr_d = ret.mean() / ret.std(ddof=1)
    se = math.sqrt((1 + sr_d ** 2 / 2) / len(ret))
    z = stats.norm.ppf(0.975)

    p = np.array([0.012, 0.2, 0.04, 0.003, 0.5, 0.03, 0.049, 0.8])
    order = np.argsort(p)
    adj = np.empty(8)
    running = 0.0
    for j, i in enumerate(order):
        running = max(running, min(1.0, (8 - j) * p[i]))
        adj[i] = running

    doc = {
        'generator': f'scripts/make-forecast-study-fixtures.py (numpy {np.__version__}, scipy {scipy.__version__})',
        'dm': {'e1': e1.tolist(), 'e2': e2.tolist(), 'horizon': 5, 'rows': dm_rows, 'autoLagOfD': nw_auto(d),
               'ar1': ar.tolist(), 'autoLagOfAr1': nw_auto(ar)},
        'har': {'r': r.tolist(), 'origins': origins, 'rollingWindow': 200, 'forecasts': har},
        'sharpe': {'returns': ret.tolist(), 'annualised': sr_d * math.sqrt(252),
                   'loLow': (sr_d - z * se) * math.sqrt(252), 'loHigh': (sr_d + z * se) * math.sqrt(252)},
        'holm': {'p': p.tolist(), 'adjusted': adj.tolist()},
    }
    text = json.dumps(doc, separators=(',', ':'))
    assert len(text) < 100_000, len(text)
    with open(OUT, 'w') as f:
        f.write(text)
    print(f'wrote {OUT} ({len(text)} bytes); DM rows {dm_rows}; auto lag of d {nw_auto(d)}, of AR(1) {nw_auto(ar)}')


if __name__ == '__main__':
    main()
