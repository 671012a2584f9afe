"""Batched prompts for causal LMs: shared prompt heads, and decoding over a static cache.

A pointwise prompt puts the question before the document, so every document of one question
repeats the same prompt head. `shared_prefix_batch` runs each group's common head once, copies
its key/value cache to the group's rows, and leaves only the tails (document + instructions) to
the batch. Rows are laid out as

    [left pad] [group's shared head] [middle pad] [row's own tail]

with the attention mask zero on both pads, so positions (mask cumsum, as `generate` computes
them) stay contiguous and each row sees exactly its own prompt. Without groups, or with groups
of one, it is the plain left-padded batch.

`generate` builds on it: prefill, then decoding over a static cache (faster on a CPU).

    output, width = generate(model, token_ids, pad_id, max_new_tokens=64, groups=queries, do_sample=False)
    continuations = output[:, width:]
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

MIN_SHARED_TOKENS = 8  # a shorter common head is not worth a separate forward pass


@dataclass
class PrefixBatch:
    input_ids: Any  # (rows, width) long tensor: the whole prompts, laid out as above
    attention_mask: Any  # (rows, width)
    cache: Any | None  # a DynamicCache holding the shared heads (the first `cached` columns), or None
    cached: int  # columns already in the cache; the model is run on input_ids[:, cached:]

    @property
    def position_ids(self):
        """Positions by the mask (pads do not count), as `generate` derives them."""
        return (self.attention_mask.cumsum(-1) - 1).clamp(min=0)


def common_prefix_length(sequences: list[list[int]]) -> int:
    first, length = sequences[0], min(map(len, sequences))
    shared = 0
    while shared < length and all(s[shared] == first[shared] for s in sequences):
        shared += 1
    return shared


def shared_prefix_batch(model, sequences: list[list[int]], pad_id: int, groups: list | None = None, min_shared: int = MIN_SHARED_TOKENS) -> PrefixBatch:
    """Inputs (and a prefilled cache) for `sequences`; rows with equal `groups` keys share their head
    (None: every row alone, a plain left-padded batch)."""
    import torch

    groups = groups if groups is not None else list(range(len(sequences)))
    members: dict = {}
    for row, key in enumerate(groups):
        members.setdefault(key, []).append(row)
    heads = {}
    for key, rows in members.items():
        # keep at least one token of every row outside the cache: the model must see it to predict
        shared = min(common_prefix_length([sequences[r] for r in rows]), min(len(sequences[r]) for r in rows) - 1)
        heads[key] = shared if len(rows) > 1 and shared >= min_shared else 0
    head_width = max(heads.values())
    tails = [sequences[row][heads[key] :] for row, key in enumerate(groups)]
    tail_width = max(map(len, tails))
    device = model.device
    input_ids = torch.full((len(sequences), head_width + tail_width), pad_id, dtype=torch.long)
    mask = torch.zeros_like(input_ids)
    for row, (key, tail) in enumerate(zip(groups, tails)):
        head = heads[key]
        input_ids[row, head_width - head : head_width] = torch.tensor(sequences[row][:head], dtype=torch.long)
        mask[row, head_width - head : head_width] = 1
        input_ids[row, input_ids.shape[1] - len(tail) :] = torch.tensor(tail, dtype=torch.long)
        mask[row, input_ids.shape[1] - len(tail) :] = 1
    batch = PrefixBatch(input_ids.to(device), mask.to(device), None, 0)
    if head_width == 0:
        return batch

    from transformers import DynamicCache

    keys = list(members)
    first_rows = torch.tensor([members[key][0] for key in keys])
    head_ids, head_mask = batch.input_ids[first_rows, :head_width], batch.attention_mask[first_rows, :head_width]
    cache = DynamicCache(config=model.config)
    with torch.inference_mode():
        model(input_ids=head_ids, attention_mask=head_mask, position_ids=batch.position_ids[first_rows, :head_width], past_key_values=cache, use_cache=True, logits_to_keep=1)
    index_of_key = {key: i for i, key in enumerate(keys)}
    cache.batch_select_indices(torch.tensor([index_of_key[key] for key in groups], device=device))  # one copy per row
    batch.cache, batch.cached = cache, head_width
    return batch


def generate(model, sequences: list[list[int]], pad_id: int, max_new_tokens: int, groups: list | None = None, **generate_kwargs):
    """`model.generate` on a batch of token-id prompts; returns (output ids, prompt width).

    The prompts (but their last token) are prefilled with the model's own attention, sharing each
    group's head; then decoding runs over a static cache, with eager attention on a CPU: there a
    decoding step of a 16-32 row batch is 2-3x faster than sdpa over a growing cache, while sdpa
    stays the faster prefill.
    """
    import torch
    from transformers import DynamicCache, StaticCache

    if len(sequences) == 1:  # one row: the plain call is faster than a separate prefill
        ids = torch.tensor(sequences, device=model.device)
        with torch.inference_mode():
            output = model.generate(input_ids=ids, attention_mask=torch.ones_like(ids), max_new_tokens=max_new_tokens, pad_token_id=pad_id, **generate_kwargs)
        return output, ids.shape[1]
    batch = shared_prefix_batch(model, sequences, pad_id, groups)
    width = batch.input_ids.shape[1]
    prefilled = batch.cache if batch.cache is not None else DynamicCache(config=model.config)
    with torch.inference_mode():
        if width - 1 > batch.cached:
            model(
                input_ids=batch.input_ids[:, batch.cached : -1], attention_mask=batch.attention_mask[:, :-1],
                position_ids=batch.position_ids[:, batch.cached : -1], past_key_values=prefilled, use_cache=True, logits_to_keep=1,
            )
        cache = StaticCache(config=model.config, max_cache_len=width + max_new_tokens)
        for layer, filled in zip(cache.layers, prefilled.layers):
            if getattr(filled, "keys", None) is not None and filled.keys.numel():
                layer.update(filled.keys, filled.values)
        decode_attention = "eager" if model.device.type == "cpu" else model.config._attn_implementation
        with attention(model, decode_attention):
            output = model.generate(
                input_ids=batch.input_ids, attention_mask=batch.attention_mask, past_key_values=cache,
                max_new_tokens=max_new_tokens, pad_token_id=pad_id, **generate_kwargs,
            )
    return output, width


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
