#!/usr/bin/env python3
"""Writes src/forecast/fixtures/statsmodels-arima.json: statsmodels ARIMA fits and forecasts.

Run from the repository root (Debian python3-statsmodels 0.13.5, numpy 1.24):

    /usr/bin/python3 scripts/make-arima-fixtures.py

Three series, each stored in the file (so the test needs no Python and no data package):
  * "sim arima(1,1,1) drift": numpy seed 0, 500 points, Δy = 0.05 + 0.6 Δy₋₁ + e + 0.3 e₋₁ (accumulated);
  * "sim arma(2,1) const":    numpy seed 1, 500 points, y − 2 = 0.5 (y₋₁ − 2) − 0.3 (y₋₂ − 2) + e + 0.4 e₋₁;
  * "sp500 rv5 (first 700)":  trailing 5-day realised volatility ×100 of vega-datasets' sp500-2000.csv
    closes (rows 5..704), the series the LSTM-vs-ARIMA study models.
For each case and order: statsmodels.tsa.arima.model.ARIMA(train, order, trend).fit() on the first
`nTrain` points; the fitted parameters, llf and aic; one-step forecasts of every later point with the
parameters fixed (res.append(rest, refit=False).predict, dynamic=False); and 5-step forecasts from 3
origins (res.apply(y[:s+1]).forecast(5)). Also adfuller(autolag='AIC', regression='c') and
kpss(regression='c', nlags='auto') of each training part.
"""
import csv
import json
import math
import os
import warnings

import numpy as np
import statsmodels
from statsmodels.tsa.arima.model import ARIMA
from statsmodels.tsa.stattools import adfuller, kpss

OUT = os.path.join('src', 'forecast', 'fixtures', 'statsmodels-arima.json')
warnings.filterwarnings('ignore')


def sim_arima111(n, seed):
    rng = np.random.default_rng(seed)
    e = rng.standard_normal(n + 1)
    dy = np.zeros(n)
    prev = 0.0
    for t in range(n):
        dy[t] = 0.05 + 0.6 * prev + e[t + 1] + 0.3 * e[t]
        prev = dy[t]
    return np.round(np.cumsum(dy) + 100, 4)


def sim_arma21(n, seed):
    rng = np.random.default_rng(seed)
    e = rng.standard_normal(n + 2)
    y = np.zeros(n + 2)
    for t in range(2, n + 2):
        y[t] = 0.5 * y[t - 1] - 0.3 * y[t - 2] + e[t] + 0.4 * e[t - 1]
    return np.round(y[2:] + 2, 4)


def sp500_rv5(rows):
    with open(os.path.join('node_modules', 'vega-datasets', 'data', 'sp500-2000.csv')) as f:
        close = [float(r['close']) for r in csv.DictReader(f)]
    r = [100 * math.log(close[t] / close[t - 1]) for t in range(1, len(close))]
    rv = [math.sqrt(sum(v * v for v in r[t - 4:t + 1])) for t in range(4, len(r))]
    return np.round(np.array(rv[:rows]), 6)


def case(name, y, n_train, specs):
    out = {'name': name, 'series': [float(v) for v in y], 'nTrain': n_train, 'fits': []}
    adf = adfuller(y[:n_train], autolag='AIC', regression='c')
    k = kpss(y[:n_train], regression='c', nlags='auto')
    out['adf'] = {'statistic': float(adf[0]), 'lags': int(adf[2]), 'critical5': float(adf[4]['5%'])}
    out['kpss'] = {'statistic': float(k[0]), 'lags': int(k[2])}
    for (p, d, q), trend in specs:
        res = ARIMA(y[:n_train], order=(p, d, q), trend=trend).fit()
        names = list(res.model.param_names)
        params = dict(zip(names, [float(v) for v in res.params]))
        full = res.append(y[n_train:], refit=False)
        one_step = full.predict(start=n_train, end=len(y) - 1, dynamic=False)
        origins = [n_train - 1, n_train + 50, len(y) - 6]
        five = [float(res.apply(y[:s + 1]).forecast(5)[-1]) for s in origins]
        out['fits'].append({
            'order': [p, d, q], 'trend': trend, 'params': params,
            'llf': float(res.llf), 'aic': float(res.aic),
            'oneStep': [float(v) for v in one_step], 'fiveStepOrigins': origins, 'fiveStep': five,
        })
    return out


def main():
    cases = [
        case('sim arima(1,1,1) drift', sim_arima111(500, 0), 400, [((1, 1, 1), 't'), ((0, 1, 1), 'n'), ((2, 1, 0), 't')]),
        case('sim arma(2,1) const', sim_arma21(500, 1), 400, [((2, 0, 1), 'c'), ((1, 0, 0), 'c'), ((0, 0, 2), 'c')]),
        case('sp500 rv5 (first 700)', sp500_rv5(700), 600, [((1, 0, 1), 'c'), ((2, 1, 1), 'n'), ((1, 1, 2), 't')]),
    ]
    doc = {'generator': 'scripts/make-arima-fixtures.py', 'statsmodels': statsmodels.__version__, 'cases': cases}
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, 'w') as f:
        json.dump(doc, f, separators=(',', ':'))
        f.write('\n')
    print(f'wrote {OUT}')
    for c in cases:
        for fit in c['fits']:
            print(c['name'], fit['order'], fit['trend'], {k: round(v, 4) for k, v in fit['params'].items()}, round(fit['llf'], 3))


if __name__ == '__main__':
    main()
