#!/usr/bin/env python3
"""Writes src/layers/fixtures/torch-rnn.json: torch.nn.LSTM and torch.nn.GRU values and gradients.

Run from the repository root (PyTorch 1.13, Debian python3-torch):

    /usr/bin/python3 scripts/make-rnn-fixtures.py

Each case builds the PyTorch module in float64 with seeded weights rounded to 3 decimals (both
sides then read exactly the same numbers), runs one forward on a rounded input with an initial
state (or none), and backpropagates L = sum(output * g_out) + sum(h_n * g_h) [+ sum(c_n * g_c)]
with seeded upstream gradients g. It records the state_dict (PyTorch's names), the input, the
initial state, the output, the final state(s), and the gradients of the input, of the initial
state and of every parameter. The test that reads it is src/layers/rnn.test.ts (no Python needed).

tensor = {"shape": [...], "data": [flat, row-major]}.
"""
import json
import os

import torch

OUT = os.path.join('src', 'layers', 'fixtures', 'torch-rnn.json')


def t2j(t):
    return {'shape': list(t.shape), 'data': [float(v) for v in t.detach().reshape(-1).tolist()]}


def rounded(shape, g):
    return torch.round(torch.randn(*shape, generator=g, dtype=torch.float64) * 1000) / 1000


def case(name, kind, I, H, layers, bidirectional, batch_first, T, N, with_state, seed):
    g = torch.Generator().manual_seed(seed)
    cls = torch.nn.LSTM if kind == 'lstm' else torch.nn.GRU
    m = cls(I, H, num_layers=layers, bidirectional=bidirectional, batch_first=batch_first).double()
    with torch.no_grad():
        for p in m.parameters():
            p.copy_(rounded(p.shape, g) * 0.5)
    D = 2 if bidirectional else 1
    x = rounded((N, T, I) if batch_first else (T, N, I), g).requires_grad_()
    h0 = rounded((layers * D, N, H), g).requires_grad_() if with_state else None
    c0 = rounded((layers * D, N, H), g).requires_grad_() if (with_state and kind == 'lstm') else None
    if kind == 'lstm':
        out, (hn, cn) = m(x, (h0, c0)) if with_state else m(x)
    else:
        out, hn = m(x, h0) if with_state else m(x)
        cn = None
    g_out = rounded(out.shape, g)
    g_h = rounded(hn.shape, g)
    loss = (out * g_out).sum() + (hn * g_h).sum()
    rec = {'name': name, 'kind': kind, 'inputSize': I, 'hiddenSize': H, 'numLayers': layers,
           'bidirectional': bidirectional, 'batchFirst': batch_first,
           'stateDict': {k: t2j(v) for k, v in m.state_dict().items()},
           'input': t2j(x), 'upstream': {'output': t2j(g_out), 'h': t2j(g_h)}}
    if cn is not None:
        g_c = rounded(cn.shape, g)
        loss = loss + (cn * g_c).sum()
        rec['upstream']['c'] = t2j(g_c)
    loss.backward()
    rec['output'] = t2j(out)
    rec['h'] = t2j(hn)
    if cn is not None:
        rec['c'] = t2j(cn)
    if h0 is not None:
        rec['h0'] = t2j(h0)
        rec['grads'] = {'h0': t2j(h0.grad)}
    else:
        rec['grads'] = {}
    if c0 is not None:
        rec['c0'] = t2j(c0)
        rec['grads']['c0'] = t2j(c0.grad)
    rec['grads']['input'] = t2j(x.grad)
    for k, p in m.named_parameters():
        rec['grads'][k] = t2j(p.grad)
    return rec


def main():
    cases = [
        case('lstm 2 layers bidirectional batchFirst with (h0, c0)', 'lstm', 3, 4, 2, True, True, 5, 2, True, 1),
        case('lstm 1 layer, time-first, zero state', 'lstm', 2, 3, 1, False, False, 4, 3, False, 2),
        case('gru 2 layers bidirectional batchFirst with h0', 'gru', 3, 4, 2, True, True, 5, 2, True, 3),
        case('gru 1 layer, time-first, zero state', 'gru', 2, 3, 1, False, False, 4, 3, False, 4),
    ]
    doc = {'generator': 'scripts/make-rnn-fixtures.py', 'torch': torch.__version__, 'cases': cases}
    text = json.dumps(doc, separators=(',', ':'))
    assert len(text) < 150_000, len(text)
    with open(OUT, 'w') as f:
        f.write(text + '\n')
    print(f'wrote {OUT} ({len(text)} bytes, {len(cases)} cases)')


if __name__ == '__main__':
    main()
