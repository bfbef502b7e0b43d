#!/usr/bin/env python3
"""Re-computes the weather-attention study's classical forecasts and every table figure in numpy.

Run from the repository root after the example (Debian numpy 1.24 / scipy 1.10):

    npx tsx examples/weather-attention.ts [--preset quick]
    /usr/bin/python3 scripts/crosscheck-weather-attention.py [runs/weather-attention/result.json]

It reads data/seattle-weather.csv from node_modules/vega-datasets and the run's result.json, and
independently:
  1. rebuilds persistence, the day-of-year climatology (raw and +-7-day circular mean over the
     training years 2012-2014), and the linear AR(7) with and without sin/cos of the target's day
     of the year (numpy.linalg.lstsq on the targets 2012-01-08 ... 2014-12-31), and compares them
     with the run's forecasts for 2015;
  2. recomputes RMSE, MAE and bias of every model (the neural ones from their stored forecasts),
     and the per-seed means and standard deviations;
  3. recomputes the Diebold-Mariano p-values (HLN correction, Student t) of every model against
     the linear AR(7) + season at Newey-West lags 0, 7 and the automatic lag, with Holm's correction.
Prints each comparison; exits 1 if any figure differs beyond its tolerance.
"""
import csv
import datetime
import json
import math
import sys

import numpy as np
from scipy import stats

RESULT = sys.argv[1] if len(sys.argv) > 1 else 'runs/weather-attention/result.json'
REFERENCE = 'linear AR(7) + season'
failures = []


def check(label, ours, theirs, tol):
    diff = float(np.max(np.abs(np.asarray(ours, float) - np.asarray(theirs, float))))
    ok = diff <= tol
    print(f"  {'ok ' if ok else 'BAD'} {label}: max |diff| {diff:.2e} (tolerance {tol:g})")
    if not ok:
        failures.append(label)


def dm(e1, e2, lags):
    d = e1 ** 2 - e2 ** 2
    n = len(d)
    dc = d - d.mean()
    g = [np.dot(dc[l:], dc[:n - l]) / n for l in range(lags + 1)]
    v = g[0] + 2 * sum((1 - l / (lags + 1)) * g[l] for l in range(1, lags + 1))
    s = d.mean() / math.sqrt(v / n) * math.sqrt((n - 1) / n)  # HLN: (n + 1 - 2h + h(h - 1)/n) / n with h = 1
    return 2 * stats.t.sf(abs(s), n - 1)


def nw_auto(d):
    n = len(d)
    m = int(4 * (n / 100) ** (2 / 9))
    dc = d - d.mean()
    sig = [np.dot(dc[j:], dc[:n - j]) / n for j in range(m + 1)]
    s0 = sig[0] + 2 * sum(sig[1:])
    s1 = 2 * sum(j * sig[j] for j in range(1, m + 1))
    return max(0, int(1.1447 * ((s1 / s0) ** 2) ** (1 / 3) * n ** (1 / 3)))


def holm(p):
    p = np.asarray(p)
    order = np.argsort(p, kind='stable')
    out = np.empty(len(p))
    run = 0.0
    for j, i in enumerate(order):
        run = max(run, min(1.0, (len(p) - j) * p[i]))
        out[i] = run
    return out


rows = list(csv.DictReader(open('node_modules/vega-datasets/data/seattle-weather.csv')))
X = np.array([[float(r[c]) for c in ('precipitation', 'temp_max', 'temp_min', 'wind')] for r in rows])
doy = np.array([datetime.date.fromisoformat(r['date']).timetuple().tm_yday for r in rows])
y = X[:, 1]
fit = np.arange(7, 1096)   # targets 2012-01-08 ... 2014-12-31
test = np.arange(1096, 1461)
res = json.load(open(RESULT))
models = res['forecasts']['models']
actual = np.array(res['forecasts']['actual'])

print('1. classical forecasts for 2015')
check('actual temp_max', actual, y[test], 0)
lags = lambda idx: np.column_stack([np.ones(len(idx))] + [X[idx - l] for l in range(1, 8)])
season = lambda idx: np.column_stack([lags(idx), np.sin(2 * np.pi * doy[idx] / 365.25), np.cos(2 * np.pi * doy[idx] / 365.25)])
table = np.array([y[np.arange(0, 1096)[doy[:1096] == k]].mean() for k in range(1, 367)])
smooth = np.array([np.mean([table[(i + j) % 366] for j in range(-7, 8)]) for i in range(366)])
ours = {
    'persistence': y[test - 1],
    'climatology (day-of-year mean)': table[doy[test] - 1],
    'climatology (±7-day smoothed)': smooth[doy[test] - 1],
    'linear AR(7)': lags(test) @ np.linalg.lstsq(lags(fit), y[fit], rcond=None)[0],
    REFERENCE: season(test) @ np.linalg.lstsq(season(fit), y[fit], rcond=None)[0],
}
for m, f in ours.items():
    check(m, models[m], f, 1e-9)

print('2. RMSE, MAE, bias per model')
table_rows = res['models']
for m, f in models.items():
    e = actual - np.array(f)
    check(f'{m}: RMSE, MAE, bias', [table_rows[m]['rmse'], table_rows[m]['mae'], table_rows[m]['bias']], [math.sqrt(np.mean(e ** 2)), np.mean(np.abs(e)), -np.mean(e)], 1e-12)
for key, name in (('lstmSeeds', 'LSTM'), ('attentionSeeds', 'attention')):
    seeds = np.array(res['forecasts'][key])
    r = np.sqrt(np.mean((seeds - actual) ** 2, axis=1))
    spread = next(s for s in res['report']['seeds'] if s['model'] == name)
    sd = r.std(ddof=1) if len(r) > 1 else 0.0
    check(f'{name}: per-seed RMSE, mean, sd', list(spread['perSeedRmse']) + [spread['rmse']['mean'], spread['rmse']['sd']], list(r) + [r.mean(), sd], 1e-12)
    check(f'{name}: seed-mean forecast', models[f'{name} (mean of seeds)'], seeds.mean(axis=0), 1e-9)

print('3. Diebold-Mariano against the linear AR(7) + season, Holm')
eRef = actual - np.array(models[REFERENCE])
family = res['report']['dm']
for k, lag in enumerate((0, 7, 'auto')):
    ps, theirs = [], []
    for row in family:
        e = actual - np.array(models[row['model']])
        L = nw_auto(eRef ** 2 - e ** 2) if lag == 'auto' else lag
        ps.append(dm(eRef, e, L))
        theirs.append(row['byLag'][k])
        if lag == 'auto' and L != row['byLag'][k]['usedLags']:
            print(f"  BAD automatic lag for {row['model']}: {L} against {row['byLag'][k]['usedLags']}")
            failures.append('automatic lag')
    check(f'p-values at lag {lag}', [t['pValue'] for t in theirs], ps, 1e-8)
    check(f'Holm at lag {lag}', [t['holm'] for t in theirs], holm(ps), 1e-8)

print('all figures agree' if not failures else f'{len(failures)} disagreement(s): {failures}')
sys.exit(1 if failures else 0)
