#!/usr/bin/env python3
"""Re-computes the hardened LSTM-vs-ARIMA study and the volatility-targeting backtest in numpy.

Run from the repository root after the two examples (Debian numpy 1.24 / scipy 1.10; statsmodels
is not needed):

    npx tsx examples/lstm-vs-arima.ts
    npx tsx examples/vol-target-backtest.ts --forecasts runs/lstm-vs-arima/result.json
    /usr/bin/python3 scripts/crosscheck-lstm-vs-arima.py [runs/lstm-vs-arima/result.json runs/vol-target-backtest/result.json]

It reads the S&P 500 closes from node_modules/vega-datasets, the study's volatility forecasts and
tables, and the backtest's metrics, and independently:
  1. re-fits HAR and LHAR every day (numpy.linalg.lstsq, expanding and rolling 1,000) and compares
     the forecasts with the study's;
  2. recomputes RMSE, MAE and bias per model, the DM p-values of the LSTM (seed mean) against
     every model at Newey-West lags 4, 10, 22 and the automatic lag, and their Holm adjustment;
  3. runs its own Model Confidence Set (range statistic, stationary bootstrap from numpy's
     generator: a different random stream, so p-values agree only up to bootstrap noise);
  4. replays the backtest (exposure min(cap, target / forecast), drift, turnover, costs) and
     compares annualised return, volatility, Sharpe, max drawdown and turnover.
Prints each comparison and the largest differences; exits 1 if a deterministic figure differs.
"""
import csv
import json
import math
import os
import sys

import numpy as np
from scipy import stats

STUDY = sys.argv[1] if len(sys.argv) > 1 else 'runs/lstm-vs-arima/result.json'
BACKTEST = sys.argv[2] if len(sys.argv) > 2 else 'runs/vol-target-backtest/result.json'
CUTOFF = '2020-02-20'
failures = []


def check(label, ours, theirs, tol):
    diff = float(np.max(np.abs(np.asarray(ours, float) - np.asarray(theirs, float))))
    ok = diff <= tol
    print(f"  {'ok ' if ok else 'BAD'} {label}: max |diff| {diff:.2e} (tolerance {tol:g})")
    if not ok:
        failures.append(label)


def har_x(r, s, leverage):
    x = [1.0, abs(r[s]), math.sqrt(np.mean(r[s - 4:s + 1] ** 2)), math.sqrt(np.mean(r[s - 21:s + 1] ** 2))]
    if leverage:
        x += [np.mean(np.minimum(r[s - k + 1:s + 1], 0)) for k in (1, 5, 22)]
    return x


def dm(e1, e2, h, lags):
    d = e1 ** 2 - e2 ** 2
    n = len(d)
    dc = d - d.mean()
    g = [np.dot(dc[l:], dc[:n - l]) / n for l in range(lags + 1)]
    v = g[0] + 2 * sum((1 - l / (lags + 1)) * g[l] for l in range(1, lags + 1))
    s = d.mean() / math.sqrt(v / n) * math.sqrt((n + 1 - 2 * h + h * (h - 1) / n) / n)
    return 2 * stats.t.sf(abs(s), n - 1)


def nw_auto(d):
    n = len(d)
    m = int(4 * (n / 100) ** (2 / 9))
    dc = d - d.mean()
    sig = [np.dot(dc[j:], dc[:n - j]) / n for j in range(m + 1)]
    s0 = sig[0] + 2 * sum(sig[1:])
    s1 = 2 * sum(j * sig[j] for j in range(1, m + 1))
    return int(1.1447 * ((s1 / s0) ** 2) ** (1 / 3) * n ** (1 / 3))


def holm(p):
    p = np.asarray(p)
    order = np.argsort(p, kind='stable')
    out = np.empty(len(p))
    run = 0.0
    for j, i in enumerate(order):
        run = max(run, min(1.0, (len(p) - j) * p[i]))
        out[i] = run
    return out


def mcs_range(losses, reps, block, rng):
    m, n = losses.shape
    means = losses.mean(axis=1)
    boot = np.empty((reps, m))
    for b in range(reps):
        idx = np.empty(n, dtype=int)
        idx[0] = rng.integers(n)
        for t in range(1, n):
            idx[t] = rng.integers(n) if rng.random() < 1 / block else (idx[t - 1] + 1) % n
        boot[b] = losses[:, idx].mean(axis=1)
    alive = list(range(m))
    pvals = np.ones(m)
    running = 0.0
    while len(alive) > 1:
        a = np.array(alive)
        d = means[a][:, None] - means[a][None, :]
        db = boot[:, a][:, :, None] - boot[:, a][:, None, :]
        var = ((db - d) ** 2).mean(axis=0)
        with np.errstate(divide='ignore', invalid='ignore'):
            t = np.where(var > 0, d / np.sqrt(var), 0.0)
            tb = np.where(var > 0, np.abs(db - d) / np.sqrt(var), 0.0)
        stat = np.abs(t).max()
        p = (tb.reshape(reps, -1).max(axis=1) >= stat).mean()
        np.fill_diagonal(t, -np.inf)
        worst = alive[int(np.argmax(t.max(axis=1)))]
        running = max(running, p)
        pvals[worst] = running
        alive.remove(worst)
    return pvals


def main():
    with open(os.path.join('node_modules', 'vega-datasets', 'data', 'sp500-2000.csv')) as f:
        rows = list(csv.DictReader(f))
    dates = [r['date'] for r in rows]
    close = np.array([float(r['close']) for r in rows])
    r = np.concatenate([[np.nan], 100 * np.diff(np.log(close))])
    study = json.load(open(STUDY))
    fc = study['forecasts']
    origins = fc['origins']
    actual = np.array(fc['actual'])
    models = {k: np.array(v) for k, v in fc['models'].items()}
    window = study['settings']['rollingWindow']
    print(f'study {STUDY}: preset {study["preset"]}, {len(origins)} origins, models {list(models)}')

    print('1. HAR / LHAR re-fitted every day (numpy lstsq)')
    rv5f = lambda u: math.sqrt(np.sum(r[u + 1:u + 6] ** 2))
    first = 22
    cache = {}
    for leverage in (False, True):
        X = np.array([har_x(r, u, leverage) for u in range(first, origins[-1] - 4)])
        y = np.array([rv5f(u) for u in range(first, origins[-1] - 4)])
        for w in ('expanding', window):
            out = []
            for s in origins:
                last = s - 5
                lo = first if w == 'expanding' else max(first, last - w + 1)
                beta = np.linalg.lstsq(X[lo - first:last - first + 1], y[lo - first:last - first + 1], rcond=None)[0]
                out.append(float(np.dot(har_x(r, s, leverage), beta)))
            name = f"{'LHAR' if leverage else 'HAR'}, {'expanding' if w == 'expanding' else f'rolling {w}'}"
            cache[name] = np.array(out)
            check(name, models[name], out, 1e-9)
    check('actual RV5f', actual, [rv5f(s) for s in origins], 1e-10)

    print('2. scores, bias, DM at several lags, Holm (LSTM seed mean vs each model)')
    periods = {'whole test period': np.ones(len(origins), bool),
               f'targets before {CUTOFF}': np.array([d < CUTOFF for d in fc['targetDates']])}
    for period, rep in zip(periods, study['volatility']['periods']):
        keep = periods[period]
        a = actual[keep]
        rows_by = {row['model']: row for row in rep['rows']}
        for m, f in models.items():
            e = a - f[keep]
            check(f'{period}: {m} RMSE / MAE / bias', [math.sqrt(np.mean(e ** 2)), np.mean(np.abs(e)), np.mean(f[keep] - a)],
                  [rows_by[m]['rmse'], rows_by[m]['mae'], rows_by[m]['bias']], 1e-9)
        others = [m for m in models if m != 'LSTM']
        eL = a - models['LSTM'][keep]
        for k, lag in enumerate(rep['lags']):
            ps = []
            for m in others:
                e = a - models[m][keep]
                L = max(4, nw_auto(eL ** 2 - e ** 2)) if lag == 'auto' else lag
                ps.append(dm(eL, e, 5, L))
            fam = {f_['model']: f_['byLag'][k] for f_ in rep['family']}
            check(f'{period}: DM p at L={lag}', ps, [fam[m]['pValue'] for m in others], 1e-7)
            check(f'{period}: Holm at L={lag}', holm(ps), [fam[m]['holm'] for m in others], 1e-7)
        print(f'3. {period}: Model Confidence Set in numpy (own bootstrap stream; agreement up to noise)')
        names = list(models)
        losses = np.array([(a - models[m][keep]) ** 2 for m in names])
        ours = mcs_range(losses, study['report']['mcsReps'], study['report']['mcsBlock'], np.random.default_rng(0))
        for m, p in zip(names, ours):
            print(f'     {m:28s} numpy {p:.3f}   Sapling {rows_by[m]["mcsPValue"]:.3f}')
        check(f'{period}: MCS p-values (bootstrap noise)', ours, [rows_by[m]['mcsPValue'] for m in names], 0.1)

    if not os.path.exists(BACKTEST):
        print(f'4. (no {BACKTEST}: backtest not checked)')
    else:
        bt = json.load(open(BACKTEST))
        o = bt['options']
        print(f'4. backtest replay ({BACKTEST}: target {o["targetVol"]}, cap {o["maxLeverage"]}, {o["costBps"]} bps)')
        R = np.array([close[s + 1] / close[s] - 1 for s in origins])
        days = [dates[s + 1] for s in origins]
        strategies = {'buy and hold': np.ones(len(origins))}
        for m, f in models.items():
            vol = f / 100 * math.sqrt(252 / 5)
            strategies['LSTM (mean of the seeds)' if m == 'LSTM' else m] = np.where(vol <= 0, o['maxLeverage'], np.minimum(o['maxLeverage'], o['targetVol'] / np.where(vol > 0, vol, 1)))
        c = o['costBps'] / 1e4
        for period in bt['periods']:
            n = period['days']
            got = {s['name']: s for s in period['strategies']}
            for name, w in strategies.items():
                held, net, tau = 0.0, [], []
                for k in range(n):
                    t = abs(w[k] - held)
                    tau.append(t)
                    net.append((1 - c * t) * (1 + w[k] * R[k]) - 1)
                    held = w[k] * (1 + R[k]) / (1 + w[k] * R[k])
                net = np.array(net)
                eq = np.cumprod(1 + net)
                dd = np.max(1 - eq / np.maximum.accumulate(np.concatenate([[1.0], eq]))[1:])
                ours = [eq[-1] ** (252 / n) - 1, net.std(ddof=1) * math.sqrt(252), net.mean() / net.std(ddof=1) * math.sqrt(252), dd, sum(tau) / (n / 252)]
                g = got[name]
                check(f'{period["label"]}: {name} return / vol / Sharpe / drawdown / turnover', ours,
                      [g['annualReturn'], g['annualVolatility'], g['sharpe'], g['maxDrawdown'], g['turnoverPerYear']], 1e-9)
            assert days[n - 1] == period['last'], (days[n - 1], period['last'])
    print('all deterministic figures agree' if not failures else f'{len(failures)} disagreements: {failures}')
    sys.exit(1 if failures else 0)


if __name__ == '__main__':
    main()
