#!/usr/bin/env python3
"""Searches, cheaply in PyTorch, for a mini-BERT recipe for examples/imdb-sentiment.ts.

Sapling's training step is far slower than PyTorch's on this 2-core machine, so the example's
presets cannot be found by trial in Sapling. This script trains the same models on the same
token ids in PyTorch 1.13 (one thread by default), and reports what each recipe reaches and how
many tokens each phase processed; Sapling's time for a recipe is then its token counts divided
by Sapling's measured tokens/s per phase (the example prints them).

    npx tsx examples/imdb-sentiment.ts --preset quick --export-tokens runs/imdb-tokens   # ids, labels, vocab.txt
    /usr/bin/python3 scripts/bert-recipe-search.py --data runs/imdb-tokens --name tiny-scratch \\
        --hidden 128 --layers 2 --heads 2 --ff 512 --seq 128 --epochs 3
    /usr/bin/python3 scripts/bert-recipe-search.py ... --mlm-steps 2000   # MLM first, then fine-tune
    /usr/bin/python3 scripts/bert-recipe-search.py --data runs/imdb-tokens --bow  # the sklearn baseline

The models are the HF-structured modules of make-bert-fixtures.py (BertForMaskedLM,
BertForSequenceClassification, pooler on [CLS]); the pipeline is the example's: head+tail
truncation to --seq tokens (Sun et al.'s 128/510 share of the budget for the head), length
bucketing (pools of 50 batches sorted by length), MLM 15% with 80/10/10 and the head applied to
the masked rows only, AdamW (weight decay 0.01, none on biases and LayerNorm), linear warm-up
(6% of the steps) then linear decay to 0, gradient clipping at 1. Every result is one JSON line
appended to runs/recipe-search.jsonl: the recipe, validation accuracy after each evaluation,
the test accuracy of the best validation checkpoint (with --test), tokens and seconds per phase.
"""
import argparse
import importlib.util
import json
import math
import os
import random
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location('hfbert', os.path.join(HERE, 'make-bert-fixtures.py'))
hf = importlib.util.module_from_spec(spec)
spec.loader.exec_module(hf)

SPECIAL = 5  # [PAD] [UNK] [CLS] [SEP] [MASK] are ids 0-4 in Sapling's vocabularies
PAD, CLS, SEP, MASK = 0, 2, 3, 4


def load_split(data, name):
    ids = np.fromfile(os.path.join(data, f'{name}.ids.i32'), dtype='<i4')
    offsets = np.fromfile(os.path.join(data, f'{name}.offsets.i32'), dtype='<i4')
    labels = np.fromfile(os.path.join(data, f'{name}.labels.i32'), dtype='<i4')
    return [ids[offsets[i]:offsets[i + 1]] for i in range(len(labels))], labels


def head_tail(seq, T):
    """truncateIds(headTail) of src/text/truncation.ts on the text between [CLS] and [SEP]."""
    body = seq[1:-1]
    budget = T - 2
    if len(body) > budget:
        head = round(budget * 128 / 510)
        body = np.concatenate([body[:head], body[len(body) - (budget - head):]])
    return np.concatenate([[CLS], body, [SEP]]).astype(np.int64)


def bucket_batches(lengths, batch, rng, shuffle=True):
    order = list(range(len(lengths)))
    if shuffle:
        rng.shuffle(order)
    pool = 50 * batch
    out = []
    for p in range(0, len(order), pool):
        members = sorted(order[p:p + pool], key=lambda i: lengths[i])
        out += [members[s:s + batch] for s in range(0, len(members), batch)]
    if shuffle:
        rng.shuffle(out)
    return out


def pad(seqs):
    T = max(len(s) for s in seqs)
    ids = torch.zeros(len(seqs), T, dtype=torch.long)
    mask = torch.zeros(len(seqs), T, dtype=torch.long)
    for i, s in enumerate(seqs):
        ids[i, :len(s)] = torch.from_numpy(s)
        mask[i, :len(s)] = 1
    return ids, mask


def mask_tokens(ids, mask, vocab, g):
    chosen = (torch.rand(ids.shape, generator=g) < 0.15) & (mask == 1) & (ids >= SPECIAL)
    labels = ids[chosen]
    u = torch.rand(ids.shape, generator=g)
    out = ids.clone()
    out[chosen & (u < 0.8)] = MASK
    rnd = chosen & (u >= 0.8) & (u < 0.9)
    out[rnd] = torch.randint(SPECIAL, vocab, (int(rnd.sum()),), generator=g)
    return out, chosen.reshape(-1).nonzero().squeeze(1), labels


def optimizer(model, lr, steps, warmup_share=0.06):
    decay = [p for n, p in model.named_parameters() if not (n.endswith('bias') or 'LayerNorm' in n)]
    rest = [p for n, p in model.named_parameters() if n.endswith('bias') or 'LayerNorm' in n]
    opt = torch.optim.AdamW([{'params': decay, 'weight_decay': 0.01}, {'params': rest, 'weight_decay': 0.0}], lr=lr)
    warm = max(1, int(warmup_share * steps))
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda t: (t + 1) / warm if t < warm else max(0.0, (steps - t) / max(1, steps - warm)))
    return opt, sched


def accuracy(model, seqs, labels, batch=256):
    model.eval()
    correct = 0
    with torch.no_grad():
        for idx in bucket_batches([len(s) for s in seqs], batch, None, shuffle=False):
            ids, mask = pad([seqs[i] for i in idx])
            _, logits = model(ids, mask)
            correct += int((logits.argmax(1) == torch.tensor(labels[idx])).sum())
    model.train()
    return correct / len(seqs)


def config(a, vocab):
    return hf.BertConfig(vocab_size=vocab, hidden_size=a.hidden, num_hidden_layers=a.layers, num_attention_heads=a.heads,
                         intermediate_size=a.ff, hidden_act=a.act, hidden_dropout_prob=a.dropout,
                         attention_probs_dropout_prob=a.dropout, max_position_embeddings=max(a.seq, a.mlm_seq), num_labels=2)


def pretrain(a, cfg, train, rng, g, log):
    mlm = hf.BertForMaskedLM(cfg)
    seqs = [head_tail(s, a.mlm_seq) for s in train]
    lengths = [len(s) for s in seqs]
    opt, sched = optimizer(mlm, a.mlm_lr, a.mlm_steps)
    step, tokens, t0, c0, running = 0, 0, time.perf_counter(), time.process_time(), None
    while step < a.mlm_steps:
        for idx in bucket_batches(lengths, a.mlm_batch, rng):
            ids, mask = pad([seqs[i] for i in idx])
            corrupted, positions, labels = mask_tokens(ids, mask, cfg.vocab_size, g)
            h, _ = mlm.bert(corrupted, mask)
            logits = mlm.cls(h.reshape(-1, cfg.hidden_size)[positions])
            loss = F.cross_entropy(logits, labels)
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(mlm.parameters(), 1.0)
            opt.step()
            sched.step()
            tokens += int(mask.sum())
            running = loss.item() if running is None else 0.98 * running + 0.02 * loss.item()
            step += 1
            if step % 200 == 0:
                log(f'mlm step {step}/{a.mlm_steps} loss {running:.3f} ({tokens / (time.perf_counter() - t0):.0f} tokens/s)')
            if step >= a.mlm_steps:
                break
    return mlm, {'steps': step, 'tokens': tokens, 'seconds': time.perf_counter() - t0, 'cpuSeconds': time.process_time() - c0, 'finalLoss': running}


def finetune(a, cfg, data, mlm, rng, log):
    model = hf.BertForSequenceClassification(cfg)
    if mlm is not None:
        missing, unexpected = model.load_state_dict(mlm.state_dict(), strict=False)
        log(f'from the MLM model: missing {missing}')
    train, ytrain = [head_tail(s, a.seq) for s in data['train'][0]], data['train'][1]
    val, yval = [head_tail(s, a.seq) for s in data['validation'][0]], data['validation'][1]
    lengths = [len(s) for s in train]
    per_epoch = math.ceil(len(train) / a.batch)
    steps = int(a.epochs * per_epoch)
    opt, sched = optimizer(model, a.lr, steps)
    evals, best, best_state = [], -1, None
    step, tokens, t0, c0 = 0, 0, time.perf_counter(), time.process_time()
    every = max(1, int(per_epoch * a.eval_every))
    while step < steps:
        for idx in bucket_batches(lengths, a.batch, rng):
            ids, mask = pad([train[i] for i in idx])
            loss, _ = model(ids, mask, None, torch.tensor(ytrain[idx], dtype=torch.long))
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            tokens += int(mask.sum())
            step += 1
            if step % every == 0 or step == steps:
                acc = accuracy(model, val, yval)
                evals.append({'epoch': round(step / per_epoch, 3), 'validation': acc})
                log(f'fine-tune step {step}/{steps} (epoch {step / per_epoch:.2f}): validation {100 * acc:.2f}%')
                if acc > best:
                    best, best_state = acc, {k: v.clone() for k, v in model.state_dict().items()}
            if step >= steps:
                break
    seconds = time.perf_counter() - t0
    model.load_state_dict(best_state)
    result = {'steps': steps, 'tokens': tokens, 'seconds': seconds, 'cpuSeconds': time.process_time() - c0, 'evals': evals, 'bestValidation': best}
    if a.test:
        t1 = time.perf_counter()
        test = [head_tail(s, a.seq) for s in data['test'][0]]
        result['test'] = accuracy(model, test, data['test'][1])
        result['testTokens'] = sum(len(s) for s in test)
        result['testSeconds'] = time.perf_counter() - t1
        log(f'test accuracy of the best checkpoint: {100 * result["test"]:.2f}%')
    return result


def bag_of_words(data):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    vocab = open(os.path.join(data['dir'], 'vocab.txt')).read().split('\n')
    out = {}
    for T in [None, 128, 256]:
        docs = {k: [' '.join(str(i) for i in (s if T is None else head_tail(s, T))[1:-1]) for s in data[k][0]] for k in ['train', 'test']}
        vec = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True, token_pattern=r'\S+')
        xtr = vec.fit_transform(docs['train'])
        clf = LogisticRegression(C=4.0, max_iter=1000).fit(xtr, data['train'][1])
        out[str(T)] = float((clf.predict(vec.transform(docs['test'])) == data['test'][1]).mean())
        print(f'bag of words (uni+bigram TF-IDF, C=4) on {"the whole review" if T is None else f"head+tail {T} tokens"}: {100 * out[str(T)]:.2f}% ({len(vec.vocabulary_)} features, {len(vocab)} word pieces)', flush=True)
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--data', default='runs/imdb-tokens')
    p.add_argument('--name', default='recipe')
    p.add_argument('--out', default='runs/recipe-search.jsonl')
    p.add_argument('--threads', type=int, default=1)
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--bow', action='store_true', help='the scikit-learn bag-of-words baseline only')
    p.add_argument('--hidden', type=int, default=128)
    p.add_argument('--layers', type=int, default=2)
    p.add_argument('--heads', type=int, default=2)
    p.add_argument('--ff', type=int, default=512)
    p.add_argument('--act', default='relu')
    p.add_argument('--dropout', type=float, default=0.0)
    p.add_argument('--seq', type=int, default=128)
    p.add_argument('--batch', type=int, default=32)
    p.add_argument('--lr', type=float, default=5e-4)
    p.add_argument('--epochs', type=float, default=2)
    p.add_argument('--eval-every', type=float, default=0.5, help='epochs between validation runs')
    p.add_argument('--train-limit', type=int, default=0, help='train on the first N reviews only')
    p.add_argument('--mlm-steps', type=int, default=0)
    p.add_argument('--mlm-batch', type=int, default=64)
    p.add_argument('--mlm-lr', type=float, default=1e-3)
    p.add_argument('--mlm-seq', type=int, default=128)
    p.add_argument('--test', action='store_true')
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    rng = random.Random(a.seed)
    g = torch.Generator().manual_seed(a.seed)
    data = {'dir': a.data, **{k: load_split(a.data, k) for k in ['train', 'validation', 'test']}}
    if a.train_limit:
        data['train'] = (data['train'][0][:a.train_limit], data['train'][1][:a.train_limit])
    if a.bow:
        bag_of_words(data)
        return
    vocab = len(open(os.path.join(a.data, 'vocab.txt')).read().rstrip('\n').split('\n'))
    started = time.perf_counter()

    def log(msg):
        print(f'[{a.name} {time.perf_counter() - started:7.0f}s] {msg}', flush=True)

    cfg = config(a, vocab)
    mlm, mlm_stats = (pretrain(a, cfg, data['train'][0], rng, g, log) if a.mlm_steps > 0 else (None, None))
    ft = finetune(a, cfg, data, mlm, rng, log)
    record = {'name': a.name, 'recipe': {k: v for k, v in vars(a).items() if k not in ('data', 'out', 'name')}, 'vocab': vocab,
              'mlm': mlm_stats, 'finetune': ft, 'torch': torch.__version__, 'loadavg': os.getloadavg()[0]}
    os.makedirs(os.path.dirname(a.out) or '.', exist_ok=True)
    with open(a.out, 'a') as f:
        f.write(json.dumps(record) + '\n')
    log(f'done: best validation {100 * ft["bestValidation"]:.2f}%' + (f', test {100 * ft["test"]:.2f}%' if 'test' in ft else ''))


if __name__ == '__main__':
    sys.exit(main())
