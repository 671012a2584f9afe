"""Batched prompts for causal LMs, fast on a CPU: shared prompt heads, padding-free prefill,
grouped-query decoding.

A pointwise prompt puts the question before the document, so every document of one question
repeats the same prompt head. `prefill` runs each group's common head once and the rows' own
tails on copies of its key/value cache, in passes of rows of similar length. On a CPU a pass is
compute-bound past about a thousand tokens, so bigger passes only add padding: there a pass
holds at most `CPU_PASS_TOKENS` (padded) tokens; on a GPU a group's rows go in one pass. Either
way the result is one left-padded batch whose cache holds each row's keys and values
right-aligned, as if the batch had run at once.

`generate` decodes on top of it over a static cache, dropping rows from the batch as they finish,
on a CPU with `grouped_eager` attention: transformers' eager attention copies each key/value head
to every query head of its group before the matmul, and on a CPU that copy was most of a batched
decoding step. There, in float32, a step's linear layers also multiply weight-major
(`weight_major_linears`): MKL's kernel for a few rows is faster that way round.

    answers = generate(model, token_ids, pad_id, max_new_tokens=64, groups=queries, tokenizer=tokenizer, stop_strings=[" ##"])
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from typing import Any

MIN_SHARED_TOKENS = 8  # a shorter common head is not worth a separate forward pass
CPU_PASS_TOKENS = 1024  # 2 cores, label-only DL19: 4.4 pairs/s; one row a pass 4.1; 48 rows a pass 3.6
GROUPED_EAGER = "grouped_eager"
_NO_HEAD = object()  # the pool of rows with no head worth sharing


@dataclass
class Prefill:
    input_ids: Any  # (rows, width) long tensor: the whole prompts, left-padded
    attention_mask: Any  # (rows, width)
    layers: list  # per layer (keys, values): (rows, kv heads, cached columns, head dim), right-aligned, zero under pads
    logits: Any  # (rows, vocab): next-token logits after each row's last cached token


def common_prefix_length(sequences: list[list[int]]) -> int:
    first, length = sequences[0], min(map(len, sequences))
    shared = 0
    while shared < length and all(s[shared] == first[shared] for s in sequences):
        shared += 1
    return shared


def left_padded(sequences: list[list[int]], pad_id: int):
    """(ids, attention mask), each (rows, longest), the sequences right-aligned."""
    import torch

    width = max(map(len, sequences))
    ids = torch.full((len(sequences), width), pad_id, dtype=torch.long)
    mask = torch.zeros_like(ids)
    for row, sequence in enumerate(sequences):
        if sequence:
            ids[row, width - len(sequence) :] = torch.tensor(sequence, dtype=torch.long)
            mask[row, width - len(sequence) :] = 1
    return ids, mask


def prefill(
    model, sequences: list[list[int]], pad_id: int, groups: list | None = None, hold_last: bool = False,
    keep_cache: bool = True, pass_tokens: int | None = None, min_shared: int = MIN_SHARED_TOKENS,
) -> Prefill:
    """The cache and next-token logits of `sequences` (with `hold_last`, of all but each row's last
    token, which `generate` feeds itself). Rows with equal `groups` keys share their common head.
    Without `keep_cache` only the logits are kept (`layers` is empty)."""
    import torch

    pass_tokens = pass_tokens or (CPU_PASS_TOKENS if model.device.type == "cpu" else None)
    cached = [s[:-1] if hold_last else s for s in sequences]
    cache_width = max(map(len, cached))
    members: dict = {}
    for row, key in enumerate(groups if groups is not None else range(len(sequences))):
        if cached[row]:
            members.setdefault(key, []).append(row)
    pools: dict = {}  # (head length, rows) by group; rows with no head worth sharing pool together
    for key, rows in members.items():
        # keep at least one token of every row outside the head: the model must see it to predict
        head = min(common_prefix_length([cached[r] for r in rows]), min(len(cached[r]) for r in rows) - 1)
        head = head if len(rows) > 1 and head >= min_shared else 0
        pools.setdefault(key if head else _NO_HEAD, (head, []))[1].extend(rows)
    layers, logits = [], None
    with torch.inference_mode():
        for head, rows in pools.values():
            head_cache = _run(model, [cached[rows[0]][:head]], pad_id)[1] if head else None
            for chunk in passes(sorted(rows, key=lambda r: len(cached[r])), [len(c) - head for c in cached], pass_tokens):
                last_logits, cache, mask = _run(model, [cached[r][head:] for r in chunk], pad_id, head_cache)
                if logits is None:
                    logits = last_logits.new_full((len(sequences), last_logits.shape[-1]), float("nan"))
                    layers = [tuple(t.new_zeros((len(sequences), t.shape[1], cache_width, t.shape[3])) for t in (layer.keys, layer.values)) for layer in cache.layers] if keep_cache else []
                for i, row in enumerate(chunk):  # the row's own columns, right-aligned in the batch
                    logits[row] = last_logits[i]
                    for (keys, values), layer in zip(layers, cache.layers):
                        keys[row, :, cache_width - len(cached[row]) :] = layer.keys[i][:, mask[i]]
                        values[row, :, cache_width - len(cached[row]) :] = layer.values[i][:, mask[i]]
    input_ids, mask = left_padded(sequences, pad_id)
    return Prefill(input_ids.to(model.device), mask.to(model.device), layers, logits)


def _run(model, tails: list[list[int]], pad_id: int, head_cache=None):
    """One forward pass of `tails`, left-padded, each after a copy of the head in `head_cache`:
    (last-token logits, the pass's DynamicCache, its boolean mask: which columns are real)."""
    import torch
    from transformers import DynamicCache

    ids, tail_mask = left_padded(tails, pad_id)
    cache, head = DynamicCache(config=model.config), 0
    if head_cache is not None:
        head = head_cache.get_seq_length()
        for index, layer in enumerate(head_cache.layers):
            cache.update(layer.keys.expand(len(tails), -1, -1, -1), layer.values.expand(len(tails), -1, -1, -1), index)
    mask = torch.cat([torch.ones(len(tails), head, dtype=torch.long), tail_mask], dim=1).to(model.device)
    positions = (head + tail_mask.cumsum(-1) - 1).clamp(min=0).to(model.device)  # pads do not count
    out = model(input_ids=ids.to(model.device), attention_mask=mask, position_ids=positions, past_key_values=cache, use_cache=True, logits_to_keep=1)
    return out.logits[:, -1], cache, mask.bool()


def passes(rows: list[int], lengths: list[int], budget: int | None):
    """`rows` (shortest first) cut into runs whose padded size, rows x longest, fits `budget`."""
    chunk: list[int] = []
    for row in rows:
        if chunk and budget is not None and (len(chunk) + 1) * lengths[row] > budget:
            yield chunk
            chunk = []
        chunk.append(row)
    if chunk:
        yield chunk


def generate(
    model, sequences: list[list[int]], pad_id: int, max_new_tokens: int, groups: list | None = None, *,
    tokenizer=None, stop_strings: Sequence[str] = (), temperature: float = 0.0, top_p: float = 1.0,
    on_step: Callable[[list[int], Any], None] | None = None, eos_token_ids: Sequence[int] | None = None,
    force_after_budget: Sequence[int] = (),
) -> list[list[int]]:
    """Each row's new tokens, up to and including its stop string or end-of-sequence token.

    With `force_after_budget`, a row still running when its `max_new_tokens` are spent is fed
    those tokens (a label prefix, say) and then picks one more token: its answer is its own
    tokens, the forced ones and the one it wrote after them, all on the cache it already holds
    (a row is forced iff it has more than `max_new_tokens` tokens).

    Greedy at temperature 0, else sampled (with nucleus `top_p`). `on_step(rows, logits)` sees the
    next-token logits of the rows still running, by their index in `sequences`. A row ends at one of
    `eos_token_ids` (by default the model's generation config's). The prompts (but
    their last token) are prefilled by `prefill`; decoding runs over a static cache, on a CPU with
    `grouped_eager` attention (2 cores, bf16, 20 rows of 600 tokens: a decoding step takes 92 ms,
    against 167-221 ms with eager and 498 ms with sdpa). Finished rows leave the batch, so a long
    answer does not keep the short ones' rows running.
    """
    import torch

    if stop_strings and tokenizer is None:
        raise ValueError("stop_strings need the tokenizer")
    filled = prefill(model, sequences, pad_id, groups, hold_last=True)
    width = filled.input_ids.shape[1]
    force = list(force_after_budget)
    steps = max_new_tokens + (len(force) + 1 if force else 0)
    cache = _static_cache(model, filled.layers, width + steps)
    tokens, mask = filled.input_ids[:, -1:], filled.attention_mask
    del filled  # its keys and values are in the static cache now
    eos = model.generation_config.eos_token_id if eos_token_ids is None else list(eos_token_ids)
    eos = set(eos if isinstance(eos, list) else [] if eos is None else [eos])
    window = max((len(s) for s in stop_strings), default=0) + 1  # tokens enough to hold a stop string
    new: list[list[int]] = [[] for _ in sequences]
    rows = list(range(len(sequences)))  # the batch's rows, by index in `sequences`
    done: set[int] = set()  # batch positions finished but not yet evicted
    on_cpu = model.device.type == "cpu"
    decode_attention = register_grouped_eager() if on_cpu else model.config._attn_implementation
    with torch.inference_mode(), attention(model, decode_attention), weight_major_linears(model, on_cpu and model.dtype == torch.float32):
        for step in range(steps):
            logits = model(input_ids=tokens, attention_mask=mask, position_ids=mask.sum(-1, keepdim=True) - 1, past_key_values=cache, use_cache=True).logits[:, -1]
            running = [i for i in range(len(rows)) if i not in done]
            if on_step is not None:
                on_step([rows[i] for i in running], logits[running])
            forced = max_new_tokens <= step < steps - 1  # every running row has spent its budget: feed it the forced tokens
            tokens = logits.new_full((len(rows), 1), force[step - max_new_tokens], dtype=torch.long) if forced else _pick(logits, temperature, top_p)[:, None]
            for i in running:
                answer = new[rows[i]]
                answer.append(int(tokens[i]))
                if step == steps - 1 or (step < max_new_tokens and (answer[-1] in eos or (stop_strings and any(s in tokenizer.decode(answer[-window:]) for s in stop_strings)))):
                    done.add(i)
            if len(done) == len(rows):
                break
            mask = torch.cat([mask, mask.new_ones((len(rows), 1))], dim=1)
            if 4 * len(done) >= len(rows):  # evict finished rows once they are a quarter of the batch
                keep = torch.tensor([i for i in range(len(rows)) if i not in done], device=mask.device)
                cache = _static_cache(model, [(layer.keys[keep, :, : mask.shape[1] - 1], layer.values[keep, :, : mask.shape[1] - 1]) for layer in cache.layers], width + steps)
                rows, tokens, mask, done = [rows[i] for i in keep.tolist()], tokens[keep], mask[keep], set()
    return new


FEW_ROWS = 64  # a decoding step's rows; a prefill pass has hundreds of tokens, where MKL's usual product is fast


@contextmanager
def weight_major_linears(model, enabled: bool = True):
    """Within the block, the model's linear layers multiply a few rows as `W @ x.T` instead of
    `x @ W.T`: for a decoding step's handful of rows MKL's float32 kernel is faster that way
    round (AVX2 EPYC, 2 cores, 576 -> 1536 from memory: 16 rows 0.51 against 0.75 ms, 32 rows
    0.73 against 0.85; the tied 49,152-token head 21 against 32 ms). Same products, so the same
    numbers up to rounding; more rows take the usual path."""
    import torch

    linears = [m for m in model.modules() if type(m) is torch.nn.Linear and "forward" not in vars(m)] if enabled else []  # a hooked forward (accelerate's) stays
    for linear in linears:
        linear.forward = _weight_major_forward.__get__(linear)
    try:
        yield model
    finally:
        for linear in linears:
            del linear.forward  # the class's own again


def _weight_major_forward(self, x):
    import torch

    rows = x.numel() // x.shape[-1]
    if rows > FEW_ROWS:
        return torch.nn.functional.linear(x, self.weight, self.bias)
    out = (self.weight @ x.reshape(rows, -1).T).T  # a transposed view: later views split its last dimension fine
    if self.bias is not None:
        out = out + self.bias
    return out.reshape(*x.shape[:-1], -1)


def _static_cache(model, layers: list, length: int):
    """A StaticCache of `length` columns holding `layers` ((keys, values) per layer) in its first ones."""
    from transformers import StaticCache

    cache = StaticCache(config=model.config, max_cache_len=length)
    for layer, (keys, values) in zip(cache.layers, layers):
        if keys.shape[2]:
            layer.update(keys, values)
    return cache


def _pick(logits, temperature: float, top_p: float):
    """The next token of each row: the most likely at temperature 0, else a sample from the nucleus."""
    import torch

    if temperature <= 0:
        return logits.argmax(-1)
    probs = torch.softmax(logits.float() / temperature, dim=-1)
    if top_p < 1:
        sorted_probs, order = probs.sort(dim=-1, descending=True)
        sorted_probs = sorted_probs * (sorted_probs.cumsum(-1) - sorted_probs < top_p)  # the top token always stays
        probs = torch.zeros_like(probs).scatter(-1, order, sorted_probs)
    return torch.multinomial(probs, 1)[:, 0]


def grouped_eager_attention(module, query, key, value, attention_mask, scaling: float, dropout: float = 0.0, **kwargs):
    """transformers' eager attention, with each key/value head read in place by its group of query
    heads instead of copied to each of them (`repeat_kv`). Same numbers, less memory traffic."""
    import torch

    batch, heads, length, dim = query.shape
    kv_heads = key.shape[1]
    group = heads // kv_heads
    weights = torch.matmul(query.reshape(batch, kv_heads, group * length, dim), key.transpose(2, 3)) * scaling
    if attention_mask is not None:  # (batch, 1, length, keys): the same for every head of a group
        weights = weights.view(batch, kv_heads, group, length, -1) + attention_mask[:, :, None, :, : key.shape[-2]]
        weights = weights.view(batch, kv_heads, group * length, -1)
    weights = torch.softmax(weights, dim=-1, dtype=torch.float32).to(query.dtype)
    weights = torch.nn.functional.dropout(weights, p=dropout, training=module.training)
    output = torch.matmul(weights, value).view(batch, heads, length, dim).transpose(1, 2).contiguous()
    return output, None


@cache
def register_grouped_eager() -> str:
    """Make `grouped_eager` an attention implementation transformers knows (with eager's masks)."""
    from transformers import AttentionInterface
    from transformers.masking_utils import AttentionMaskInterface, eager_mask

    AttentionInterface.register(GROUPED_EAGER, grouped_eager_attention)
    AttentionMaskInterface.register(GROUPED_EAGER, eager_mask)
    return GROUPED_EAGER


@contextmanager
def attention(model, implementation: str):
    """The model's attention implementation switched for a block, then restored."""
    previous = model.config._attn_implementation
    if implementation != previous:
        model.set_attn_implementation(implementation)
    try:
        yield model
    finally:
        if implementation != previous:
            model.set_attn_implementation(previous)
