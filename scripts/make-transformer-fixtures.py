#!/usr/bin/env python3
"""Writes the attention and Transformer fixtures, from PyTorch 1.13:

  src/layers/fixtures/torch-transformer.json   torch.nn.MultiheadAttention, TransformerEncoderLayer
                                               and TransformerEncoder: values and gradients
  src/autograd/fixtures/torch-attention.json   scaled dot-product attention: values and gradients

Run from the repository root (PyTorch 1.13, Debian python3-torch):

    /usr/bin/python3 scripts/make-transformer-fixtures.py

PyTorch 1.13 has no public F.scaled_dot_product_attention (it arrived in 2.0), so the attention
op's reference is written out here as softmax(Q Kᵀ · scale + mask) V with PyTorch's autograd
(`sdpa_reference`), with PyTorch 2's mask conventions: a bool mask keeps the pairs where it is
True, a float mask is added. The layer cases run the real nn modules, in float64, in training
mode with dropout 0, with weights and inputs rounded to 3 decimals (both sides read the same
numbers), and backpropagate L = sum(output * g) [+ sum(weights * g_w)] with seeded upstream
gradients g. No case has a query whose keys are all masked (PyTorch gives NaN there). Tensors are
{"shape": [...], "data": [flat, row-major]}; a mask adds "kind": "bool" (data 0/1, 1 = True)
or "float" (data with null for -inf, which JSON cannot spell). Read by
src/layers/transformer-parity.test.ts and src/autograd/ops/attention-parity.test.ts.
"""
import json
import math
import os

import torch

LAYERS_OUT = os.path.join('src', 'layers', 'fixtures', 'torch-transformer.json')
OPS_OUT = os.path.join('src', 'autograd', 'fixtures', 'torch-attention.json')


def t2j(t):
    return {'shape': list(t.shape), 'data': [float(v) for v in t.detach().reshape(-1).tolist()]}


def mask2j(m):
    if m.dtype == torch.bool:
        return {'kind': 'bool', 'shape': list(m.shape), 'data': [1 if v else 0 for v in m.reshape(-1).tolist()]}
    return {'kind': 'float', 'shape': list(m.shape), 'data': [None if v == -math.inf else float(v) for v in m.detach().reshape(-1).tolist()]}


def rounded(shape, g, scale=1.0):
    return torch.round(torch.randn(*shape, generator=g, dtype=torch.float64) * scale * 1000) / 1000


def randomize(module, g):
    """Every parameter drawn afresh (LayerNorm weights around 1), so that no value is special."""
    with torch.no_grad():
        for name, p in module.named_parameters():
            base = 1.0 if name.endswith('norm1.weight') or name.endswith('norm2.weight') or name == 'norm.weight' else 0.0
            p.copy_(base + rounded(p.shape, g, 0.3))


def causal_float(L, S):
    return torch.triu(torch.full((L, S), -math.inf, dtype=torch.float64), diagonal=1)


def padding(N, S, lengths):
    """[N, S] bool, True at the padding positions after each sequence's length."""
    return torch.arange(S).unsqueeze(0) >= torch.tensor(lengths).unsqueeze(1)


def mha_case(name, g, E, H, L, S, N, batch_first, self_attention, bias=True, attn_mask=None, key_padding_mask=None,
             need_weights=True, average=True, unbatched=False):
    m = torch.nn.MultiheadAttention(E, H, bias=bias, batch_first=batch_first).double()
    randomize(m, g)
    m.train()

    def shape(T):
        if unbatched:
            return (T, E)
        return (N, T, E) if batch_first else (T, N, E)

    query = rounded(shape(L), g).requires_grad_()
    if self_attention:
        key = value = query
    else:
        key = rounded(shape(S), g).requires_grad_()
        value = rounded(shape(S), g).requires_grad_()
    out, weights = m(query, key, value, key_padding_mask=key_padding_mask, attn_mask=attn_mask,
                     need_weights=need_weights, average_attn_weights=average)
    assert torch.isfinite(out).all(), f'{name}: a query has no key left'
    g_out = rounded(out.shape, g)
    loss = (out * g_out).sum()
    rec = {'name': name, 'embedDim': E, 'numHeads': H, 'bias': bias, 'batchFirst': batch_first,
           'selfAttention': self_attention, 'needWeights': need_weights, 'averageAttnWeights': average,
           'stateDict': {k: t2j(v) for k, v in m.state_dict().items()},
           'query': t2j(query), 'upstream': {'output': t2j(g_out)}}
    if not self_attention:
        rec['key'] = t2j(key)
        rec['value'] = t2j(value)
    if attn_mask is not None:
        rec['attnMask'] = mask2j(attn_mask)
    if key_padding_mask is not None:
        rec['keyPaddingMask'] = mask2j(key_padding_mask)
    if weights is not None:
        g_w = rounded(weights.shape, g)
        loss = loss + (weights * g_w).sum()
        rec['upstream']['weights'] = t2j(g_w)
        rec['weights'] = t2j(weights)
    loss.backward()
    rec['output'] = t2j(out)
    rec['grads'] = {'query': t2j(query.grad)}
    if not self_attention:
        rec['grads']['key'] = t2j(key.grad)
        rec['grads']['value'] = t2j(value.grad)
    for k, p in m.named_parameters():
        rec['grads'][k] = t2j(p.grad)
    return rec


def encoder_case(name, g, d, H, ff, T, N, batch_first, norm_first, activation, layers=None, final_norm=False,
                 src_mask=None, key_padding_mask=None):
    layer = torch.nn.TransformerEncoderLayer(d, H, dim_feedforward=ff, dropout=0.0, activation=activation,
                                             batch_first=batch_first, norm_first=norm_first).double()
    if layers is None:
        m = layer
    else:
        m = torch.nn.TransformerEncoder(layer, layers, norm=torch.nn.LayerNorm(d).double() if final_norm else None)
    randomize(m, g)  # each copy of the layer gets its own values
    m.train()
    src = rounded((N, T, d) if batch_first else (T, N, d), g).requires_grad_()
    if layers is None:
        out = m(src, src_mask=src_mask, src_key_padding_mask=key_padding_mask)
    else:
        out = m(src, mask=src_mask, src_key_padding_mask=key_padding_mask)
    assert torch.isfinite(out).all(), f'{name}: a query has no key left'
    g_out = rounded(out.shape, g)
    (out * g_out).sum().backward()
    rec = {'name': name, 'dModel': d, 'nhead': H, 'dimFeedforward': ff, 'batchFirst': batch_first,
           'normFirst': norm_first, 'activation': activation, 'numLayers': layers, 'finalNorm': final_norm,
           'stateDict': {k: t2j(v) for k, v in m.state_dict().items()},
           'src': t2j(src), 'upstream': t2j(g_out), 'output': t2j(out), 'grads': {'src': t2j(src.grad)}}
    if src_mask is not None:
        rec['srcMask'] = mask2j(src_mask)
    if key_padding_mask is not None:
        rec['srcKeyPaddingMask'] = mask2j(key_padding_mask)
    for k, p in m.named_parameters():
        rec['grads'][k] = t2j(p.grad)
    return rec


def sdpa_reference(q, k, v, mask=None, is_causal=False, scale=None):
    """softmax(Q Kᵀ · scale + mask) V written out: PyTorch 2's F.scaled_dot_product_attention without dropout."""
    scale = 1 / math.sqrt(q.shape[-1]) if scale is None else scale
    a = q @ k.transpose(-2, -1) * scale
    L, S = q.shape[-2], k.shape[-2]
    if is_causal:
        mask = torch.ones(L, S, dtype=torch.bool).tril()
    if mask is not None:
        a = a.masked_fill(~mask, -math.inf) if mask.dtype == torch.bool else a + mask
    return torch.softmax(a, dim=-1) @ v


def sdpa_case(name, g, q_shape, k_shape, v_shape, mask=None, is_causal=False, scale=None, mask_grad=False):
    q = rounded(q_shape, g).requires_grad_()
    k = rounded(k_shape, g).requires_grad_()
    v = rounded(v_shape, g).requires_grad_()
    if mask is not None and mask_grad:
        mask.requires_grad_()
    out = sdpa_reference(q, k, v, mask, is_causal, scale)
    g_out = rounded(out.shape, g)
    (out * g_out).sum().backward()
    rec = {'name': name, 'q': t2j(q), 'k': t2j(k), 'v': t2j(v), 'isCausal': is_causal, 'scale': scale,
           'upstream': t2j(g_out), 'output': t2j(out), 'grads': {'q': t2j(q.grad), 'k': t2j(k.grad), 'v': t2j(v.grad)}}
    if mask is not None:
        rec['attnMask'] = mask2j(mask)
        if mask_grad:
            rec['grads']['attnMask'] = t2j(mask.grad)
    return rec


def write(path, doc, limit):
    text = json.dumps(doc, separators=(',', ':'), allow_nan=False)
    assert len(text) < limit, (path, len(text))
    with open(path, 'w') as f:
        f.write(text + '\n')
    cases = sum(len(v) for v in doc.values() if isinstance(v, list))
    print(f'wrote {path} ({len(text)} bytes, {cases} cases)')


def main():
    g = torch.Generator().manual_seed(16)
    N, H = 2, 2
    kpm = padding(N, 5, [5, 3])
    mha = [
        mha_case('self-attention, time-first, boolean key padding mask, head-averaged weights',
                 g, 8, H, 5, 5, N, False, True, key_padding_mask=kpm),
        mha_case('cross-attention, batch-first, causal float mask (L < S), per-head weights',
                 g, 8, H, 4, 6, N, True, False, attn_mask=causal_float(4, 6), average=False),
        mha_case('no bias, boolean [N*H, L, S] attention mask with a boolean key padding mask, needWeights false',
                 g, 8, H, 5, 5, N, False, False, bias=False, need_weights=False, key_padding_mask=kpm,
                 attn_mask=torch.rand(N * H, 5, 5, generator=g) < 0.3),
        mha_case('unbatched [L, E], boolean [L, S] attention mask',
                 g, 6, 3, 4, 3, 1, False, False, unbatched=True,
                 attn_mask=torch.tensor([[False, True, False], [False, False, True], [True, False, False], [False, False, False]])),
    ]
    encoder = [
        encoder_case('post-norm, relu, time-first, boolean key padding mask', g, 8, H, 12, 5, 2, False, False, 'relu',
                     key_padding_mask=padding(2, 5, [5, 3])),
        encoder_case('pre-norm, gelu, batch-first, causal float mask and key padding mask', g, 8, H, 12, 5, 2, True, True, 'gelu',
                     src_mask=causal_float(5, 5), key_padding_mask=padding(2, 5, [4, 5])),
        encoder_case('post-norm, gelu, batch-first, boolean causal mask', g, 8, H, 12, 4, 2, True, False, 'gelu',
                     src_mask=torch.ones(4, 4, dtype=torch.bool).triu(diagonal=1)),
        encoder_case('TransformerEncoder: 2 pre-norm relu layers and a final LayerNorm, batch-first, key padding mask',
                     g, 8, H, 8, 4, 2, True, True, 'relu', layers=2, final_norm=True, key_padding_mask=padding(2, 4, [2, 4])),
    ]
    write(LAYERS_OUT, {'generator': 'scripts/make-transformer-fixtures.py', 'torch': torch.__version__,
                       'mha': mha, 'encoder': encoder}, 200_000)

    keep = torch.rand(3, 5, generator=g) < 0.7
    keep[:, 0] = True  # every query keeps a key
    ops = [
        sdpa_case('boolean [L, S] mask broadcast over batch and heads', g, (2, 2, 3, 4), (2, 2, 5, 4), (2, 2, 5, 3), mask=keep),
        sdpa_case('float mask [1, 1, L, S] with its gradient', g, (2, 2, 3, 4), (2, 2, 5, 4), (2, 2, 5, 3),
                  mask=rounded((1, 1, 3, 5), g), mask_grad=True),
        sdpa_case('causal, L > S, scale 0.3, broadcast batch axes', g, (2, 1, 5, 4), (1, 3, 3, 4), (1, 3, 3, 2),
                  is_causal=True, scale=0.3),
    ]
    write(OPS_OUT, {'generator': 'scripts/make-transformer-fixtures.py', 'torch': torch.__version__, 'cases': ops}, 60_000)


if __name__ == '__main__':
    main()
