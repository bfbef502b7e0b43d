#!/usr/bin/env python3
"""Writes src/models/fixtures/bert-*.safetensors: small random BERTs and PyTorch's results on them.

Run from the repository root (PyTorch 1.13, Debian python3-torch; no transformers needed):

    /usr/bin/python3 scripts/make-bert-fixtures.py

transformers is not installed here, so the modules below re-implement Hugging Face's
modeling_bert.py (transformers 4.4x, eager attention) class for class, with its attribute names,
its forward passes and its _init_weights: BertEmbeddings (position_ids a non-persistent buffer,
as since 4.31), BertSelfAttention, BertSelfOutput, BertAttention, BertIntermediate, BertOutput,
BertLayer, BertEncoder, BertPooler, BertModel (extended mask (1 - mask) * finfo.min), and the
heads BertPredictionHeadTransform, BertLMPredictionHead (decoder tied to the word embeddings,
decoder.bias = bias), BertOnlyMLMHead, BertForMaskedLM (no pooler) and
BertForSequenceClassification. The state dicts are written as save_pretrained writes them:
without the tied `cls.predictions.decoder.weight` and `.bias`.

Three cases on one small configuration (vocabulary 30, hidden 12, 2 layers, 3 heads,
intermediate 20, 16 positions, GELU, dropout 0.1 but eval mode), batch 3 × 7 with padding
(lengths 7, 5, 3) and random token types, all float64, weights redrawn N(0, 0.3²) (LayerNorm
weights around 1, the [PAD] row kept 0) so that no value is special:
  bert-model   BertModel: last_hidden_state, pooler_output; L = Σ h·g + Σ pooled·g'
  bert-mlm     BertForMaskedLM: logits [3, 7, 30]; L = HF's masked-LM loss (labels -100 off the masks)
  bert-cls     BertForSequenceClassification (3 labels): logits; L = cross-entropy
Each case writes <case>.safetensors (the state dict) and <case>-io.safetensors (input_ids,
attention_mask, token_type_ids, the labels or upstream gradients, the outputs, loss, and
grad.<name> for every parameter). safetensors is written by hand (Debian has no
python3-safetensors), with the reference ordering rules. Read by src/models/bert-parity.test.ts.
"""
import json
import math
import os
import struct

import torch
import torch.nn as nn

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
OUT = os.path.join(ROOT, 'src', 'models', 'fixtures')
SEED = 20181011  # BERT's arXiv date

DTYPE_ORDER = ['BOOL', 'U8', 'I8', 'F8_E5M2', 'F8_E4M3', 'I16', 'U16', 'F16', 'BF16', 'I32', 'U32', 'F32', 'F64', 'I64', 'U64']
TORCH_TO_ST = {torch.float32: 'F32', torch.float64: 'F64', torch.int32: 'I32', torch.int64: 'I64'}


def write_safetensors(path, tensors, metadata):
    items = sorted(tensors.items(), key=lambda kv: (-DTYPE_ORDER.index(TORCH_TO_ST[kv[1].dtype]), kv[0].encode('utf-8')))
    parts = ['"__metadata__":{' + ','.join(json.dumps(k) + ':' + json.dumps(metadata[k]) for k in sorted(metadata)) + '}']
    offset, data = 0, []
    for name, t in items:
        b = t.detach().contiguous().numpy().tobytes()
        shape = ','.join(str(d) for d in t.shape)
        parts.append(f'{json.dumps(name)}:{{"dtype":"{TORCH_TO_ST[t.dtype]}","shape":[{shape}],"data_offsets":[{offset},{offset + len(b)}]}}')
        offset += len(b)
        data.append(b)
    header = ('{' + ','.join(parts) + '}').encode('utf-8')
    header += b' ' * ((8 - len(header) % 8) % 8)
    with open(path + '.tmp', 'wb') as f:
        f.write(struct.pack('<Q', len(header)) + header + b''.join(data))
    os.replace(path + '.tmp', path)
    return 8 + len(header) + offset


class BertConfig:
    def __init__(self, **kw):
        self.vocab_size = 30522
        self.hidden_size = 768
        self.num_hidden_layers = 12
        self.num_attention_heads = 12
        self.intermediate_size = 3072
        self.hidden_act = 'gelu'
        self.hidden_dropout_prob = 0.1
        self.attention_probs_dropout_prob = 0.1
        self.max_position_embeddings = 512
        self.type_vocab_size = 2
        self.initializer_range = 0.02
        self.layer_norm_eps = 1e-12
        self.pad_token_id = 0
        self.classifier_dropout = None
        self.num_labels = 2
        for k, v in kw.items():
            setattr(self, k, v)


ACT2FN = {'gelu': nn.GELU(), 'relu': nn.ReLU(), 'gelu_new': nn.GELU(approximate='tanh')}


class BertEmbeddings(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.word_embeddings = nn.Embedding(config.vocab_size, config.hidden_size, padding_idx=config.pad_token_id)
        self.position_embeddings = nn.Embedding(config.max_position_embeddings, config.hidden_size)
        self.token_type_embeddings = nn.Embedding(config.type_vocab_size, config.hidden_size)
        self.LayerNorm = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)
        self.dropout = nn.Dropout(config.hidden_dropout_prob)
        self.register_buffer('position_ids', torch.arange(config.max_position_embeddings).expand((1, -1)), persistent=False)
        self.register_buffer('token_type_ids', torch.zeros(self.position_ids.size(), dtype=torch.long), persistent=False)

    def forward(self, input_ids, token_type_ids=None):
        seq_length = input_ids.size(1)
        position_ids = self.position_ids[:, :seq_length]
        if token_type_ids is None:
            token_type_ids = self.token_type_ids[:, :seq_length].expand(input_ids.size(0), seq_length)
        embeddings = self.word_embeddings(input_ids) + self.token_type_embeddings(token_type_ids)
        embeddings += self.position_embeddings(position_ids)
        return self.dropout(self.LayerNorm(embeddings))


class BertSelfAttention(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.num_attention_heads = config.num_attention_heads
        self.attention_head_size = int(config.hidden_size / config.num_attention_heads)
        self.all_head_size = self.num_attention_heads * self.attention_head_size
        self.query = nn.Linear(config.hidden_size, self.all_head_size)
        self.key = nn.Linear(config.hidden_size, self.all_head_size)
        self.value = nn.Linear(config.hidden_size, self.all_head_size)
        self.dropout = nn.Dropout(config.attention_probs_dropout_prob)

    def transpose_for_scores(self, x):
        x = x.view(x.size()[:-1] + (self.num_attention_heads, self.attention_head_size))
        return x.permute(0, 2, 1, 3)

    def forward(self, hidden_states, attention_mask=None):
        query_layer = self.transpose_for_scores(self.query(hidden_states))
        key_layer = self.transpose_for_scores(self.key(hidden_states))
        value_layer = self.transpose_for_scores(self.value(hidden_states))
        attention_scores = torch.matmul(query_layer, key_layer.transpose(-1, -2))
        attention_scores = attention_scores / math.sqrt(self.attention_head_size)
        if attention_mask is not None:
            attention_scores = attention_scores + attention_mask
        attention_probs = self.dropout(nn.functional.softmax(attention_scores, dim=-1))
        context_layer = torch.matmul(attention_probs, value_layer).permute(0, 2, 1, 3).contiguous()
        return context_layer.view(context_layer.size()[:-2] + (self.all_head_size,))


class BertSelfOutput(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.dense = nn.Linear(config.hidden_size, config.hidden_size)
        self.LayerNorm = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)
        self.dropout = nn.Dropout(config.hidden_dropout_prob)

    def forward(self, hidden_states, input_tensor):
        return self.LayerNorm(self.dropout(self.dense(hidden_states)) + input_tensor)


class BertAttention(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.self = BertSelfAttention(config)
        self.output = BertSelfOutput(config)

    def forward(self, hidden_states, attention_mask=None):
        return self.output(self.self(hidden_states, attention_mask), hidden_states)


class BertIntermediate(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.dense = nn.Linear(config.hidden_size, config.intermediate_size)
        self.intermediate_act_fn = ACT2FN[config.hidden_act]

    def forward(self, hidden_states):
        return self.intermediate_act_fn(self.dense(hidden_states))


class BertOutput(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.dense = nn.Linear(config.intermediate_size, config.hidden_size)
        self.LayerNorm = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)
        self.dropout = nn.Dropout(config.hidden_dropout_prob)

    def forward(self, hidden_states, input_tensor):
        return self.LayerNorm(self.dropout(self.dense(hidden_states)) + input_tensor)


class BertLayer(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.attention = BertAttention(config)
        self.intermediate = BertIntermediate(config)
        self.output = BertOutput(config)

    def forward(self, hidden_states, attention_mask=None):
        attention_output = self.attention(hidden_states, attention_mask)
        return self.output(self.intermediate(attention_output), attention_output)


class BertEncoder(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.layer = nn.ModuleList([BertLayer(config) for _ in range(config.num_hidden_layers)])

    def forward(self, hidden_states, attention_mask=None):
        for layer_module in self.layer:
            hidden_states = layer_module(hidden_states, attention_mask)
        return hidden_states


class BertPooler(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.dense = nn.Linear(config.hidden_size, config.hidden_size)
        self.activation = nn.Tanh()

    def forward(self, hidden_states):
        return self.activation(self.dense(hidden_states[:, 0]))


class BertPreTrainedModel(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.config = config

    def _init_weights(self, module):
        if isinstance(module, nn.Linear):
            module.weight.data.normal_(mean=0.0, std=self.config.initializer_range)
            if module.bias is not None:
                module.bias.data.zero_()
        elif isinstance(module, nn.Embedding):
            module.weight.data.normal_(mean=0.0, std=self.config.initializer_range)
            if module.padding_idx is not None:
                module.weight.data[module.padding_idx].zero_()
        elif isinstance(module, nn.LayerNorm):
            module.bias.data.zero_()
            module.weight.data.fill_(1.0)

    def post_init(self):
        self.apply(self._init_weights)


class BertModel(BertPreTrainedModel):
    def __init__(self, config, add_pooling_layer=True):
        super().__init__(config)
        self.embeddings = BertEmbeddings(config)
        self.encoder = BertEncoder(config)
        self.pooler = BertPooler(config) if add_pooling_layer else None
        self.post_init()

    def get_extended_attention_mask(self, attention_mask, dtype):
        extended = attention_mask[:, None, None, :].to(dtype=dtype)
        return (1.0 - extended) * torch.finfo(dtype).min

    def forward(self, input_ids, attention_mask=None, token_type_ids=None):
        embedding_output = self.embeddings(input_ids, token_type_ids)
        if attention_mask is None:
            attention_mask = torch.ones(input_ids.shape)
        extended = self.get_extended_attention_mask(attention_mask, embedding_output.dtype)
        sequence_output = self.encoder(embedding_output, extended)
        pooled_output = self.pooler(sequence_output) if self.pooler is not None else None
        return sequence_output, pooled_output


class BertPredictionHeadTransform(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.dense = nn.Linear(config.hidden_size, config.hidden_size)
        self.transform_act_fn = ACT2FN[config.hidden_act]
        self.LayerNorm = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)

    def forward(self, hidden_states):
        return self.LayerNorm(self.transform_act_fn(self.dense(hidden_states)))


class BertLMPredictionHead(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.transform = BertPredictionHeadTransform(config)
        self.decoder = nn.Linear(config.hidden_size, config.vocab_size, bias=False)
        self.bias = nn.Parameter(torch.zeros(config.vocab_size))
        self.decoder.bias = self.bias

    def forward(self, hidden_states):
        return self.decoder(self.transform(hidden_states))


class BertOnlyMLMHead(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.predictions = BertLMPredictionHead(config)

    def forward(self, sequence_output):
        return self.predictions(sequence_output)


class BertForMaskedLM(BertPreTrainedModel):
    _tied_weights_keys = ['predictions.decoder.bias', 'cls.predictions.decoder.weight']

    def __init__(self, config):
        super().__init__(config)
        self.bert = BertModel(config, add_pooling_layer=False)
        self.cls = BertOnlyMLMHead(config)
        self.post_init()
        self.cls.predictions.decoder.weight = self.bert.embeddings.word_embeddings.weight  # tie_weights()

    def forward(self, input_ids, attention_mask=None, token_type_ids=None, labels=None):
        sequence_output, _ = self.bert(input_ids, attention_mask, token_type_ids)
        prediction_scores = self.cls(sequence_output)
        loss = None
        if labels is not None:
            loss = nn.CrossEntropyLoss()(prediction_scores.view(-1, self.config.vocab_size), labels.view(-1))
        return loss, prediction_scores


class BertForSequenceClassification(BertPreTrainedModel):
    def __init__(self, config):
        super().__init__(config)
        self.num_labels = config.num_labels
        self.bert = BertModel(config)
        classifier_dropout = config.classifier_dropout if config.classifier_dropout is not None else config.hidden_dropout_prob
        self.dropout = nn.Dropout(classifier_dropout)
        self.classifier = nn.Linear(config.hidden_size, config.num_labels)
        self.post_init()

    def forward(self, input_ids, attention_mask=None, token_type_ids=None, labels=None):
        _, pooled_output = self.bert(input_ids, attention_mask, token_type_ids)
        logits = self.classifier(self.dropout(pooled_output))
        loss = nn.CrossEntropyLoss()(logits.view(-1, self.num_labels), labels.view(-1)) if labels is not None else None
        return loss, logits


def saved_state_dict(model):
    """What save_pretrained writes: the state dict less the tied copies named in _tied_weights_keys."""
    sd = model.state_dict()
    for key in getattr(model, '_tied_weights_keys', []):
        for name in [k for k in sd if k.endswith(key)]:
            del sd[name]
    return {k: v for k, v in sd.items()}


def randomize(model, g):
    with torch.no_grad():
        for name, p in model.named_parameters():
            base = 1.0 if name.endswith('LayerNorm.weight') else 0.0
            p.copy_(base + torch.randn(p.shape, generator=g, dtype=torch.float64) * 0.3)
        for m in model.modules():
            if isinstance(m, nn.Embedding) and m.padding_idx is not None:
                m.weight[m.padding_idx].zero_()


CONFIG = dict(vocab_size=30, hidden_size=12, num_hidden_layers=2, num_attention_heads=3, intermediate_size=20,
              max_position_embeddings=16, type_vocab_size=2, hidden_act='gelu', num_labels=3)
N, T, LENGTHS = 3, 7, [7, 5, 3]


def batch(g):
    ids = torch.zeros(N, T, dtype=torch.long)
    types = torch.zeros(N, T, dtype=torch.long)
    mask = torch.zeros(N, T, dtype=torch.long)
    for n, length in enumerate(LENGTHS):
        ids[n, :length] = torch.randint(5, CONFIG['vocab_size'], (length,), generator=g)
        ids[n, 0], ids[n, length - 1] = 2, 3  # [CLS] … [SEP]
        types[n, :length] = torch.randint(0, 2, (length,), generator=g)
        mask[n, :length] = 1
    return ids, mask, types


def metadata(case):
    return {'source': 'scripts/make-bert-fixtures.py', 'case': case, 'torch': torch.__version__, 'config': json.dumps(CONFIG)}


def write_case(name, model, io, loss):
    loss.backward()
    for pname, p in model.named_parameters():
        io['grad.' + pname] = p.grad.detach().clone()
    io['loss'] = loss.detach().reshape([1])
    size = write_safetensors(os.path.join(OUT, f'{name}.safetensors'), saved_state_dict(model), metadata(name))
    size += write_safetensors(os.path.join(OUT, f'{name}-io.safetensors'), io, metadata(name))
    print(f'{name}: {len(list(model.parameters()))} parameters tensors, loss {loss.item():.6f}, {size} bytes')


def main():
    torch.manual_seed(SEED)
    g = torch.Generator().manual_seed(SEED)
    os.makedirs(OUT, exist_ok=True)
    config = BertConfig(**CONFIG)
    ids, mask, types = batch(g)
    common = {'input_ids': ids.to(torch.int32), 'attention_mask': mask.to(torch.int32), 'token_type_ids': types.to(torch.int32)}

    model = BertModel(config).double().eval()
    randomize(model, g)
    hidden, pooled = model(ids, mask, types)
    g_hidden = torch.randn(hidden.shape, generator=g, dtype=torch.float64)
    g_pooled = torch.randn(pooled.shape, generator=g, dtype=torch.float64)
    write_case('bert-model', model, {**common, 'upstream.hidden': g_hidden, 'upstream.pooled': g_pooled,
                                     'last_hidden_state': hidden.detach(), 'pooler_output': pooled.detach()},
               (hidden * g_hidden).sum() + (pooled * g_pooled).sum())

    mlm = BertForMaskedLM(config).double().eval()
    randomize(mlm, g)
    masked_ids = ids.clone()
    labels = torch.full((N, T), -100, dtype=torch.long)
    for n, t in [(0, 1), (0, 4), (1, 2), (2, 1)]:
        labels[n, t] = ids[n, t]
        masked_ids[n, t] = 4  # [MASK]
    loss, logits = mlm(masked_ids, mask, types, labels)
    write_case('bert-mlm', mlm, {**common, 'input_ids': masked_ids.to(torch.int32), 'labels': labels.to(torch.int32), 'logits': logits.detach()}, loss)

    cls = BertForSequenceClassification(config).double().eval()
    randomize(cls, g)
    targets = torch.tensor([2, 0, 1])
    loss, logits = cls(ids, mask, types, targets)
    write_case('bert-cls', cls, {**common, 'labels': targets.to(torch.int32), 'logits': logits.detach()}, loss)


if __name__ == '__main__':
    main()
