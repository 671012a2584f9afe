"""Reading a causal LM's label: the tokens "0", "1", "2" right after "Relevance Label:", and
their probabilities in float32.

A bf16 model's logits are bf16 too: at a logit of 20 a bf16 step is 0.125, so the three label
probabilities take few distinct values and tie documents that the model does tell apart (the same
expected label 0.79917 for documents of different queries). While `float32_labels` is on, the
output projection computes the three label logits in float32 from the final hidden state (a dot
product each, at no cost that shows); every other logit stays as the model gives it.

Used by the reranker (label-only and explain; an explain answer out of tokens gets its label
prefix on the generation's own cache, `generation.generate(force_after_budget=...)`) and the
local teacher (which forces by a second prefill, `forced_rows`: its recorded answers depend on it).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from contextlib import contextmanager

from reasonrank_assets.core import generation, prompts

LABELS = (0, 1, 2)


def label_token_ids(tokenizer) -> tuple[list[int], list[int]]:
    """(tokens of the label prefix as the model writes it before the digit, ids of "0","1","2").

    Tokenizers differ on " 2" (one token, or a space then "2"): the common prefix of the three
    labelled lines is what the model writes before the digit, whatever the tokenizer.
    """
    variants = [tokenizer.encode(f"{prompts.LABEL_PREFIX} {label}", add_special_tokens=False) for label in LABELS]
    common = 0
    while all(len(v) > common + 1 for v in variants) and len({v[common] for v in variants}) == 1:
        common += 1
    ids = [v[common] for v in variants]
    if len(set(ids)) != 3:
        raise ValueError(f"the tokenizer does not give the labels 0/1/2 distinct tokens after {prompts.LABEL_PREFIX!r}")
    return variants[0][:common], ids


def softmax3(values: Sequence[float]) -> tuple[float, float, float]:
    top = max(values)
    exps = [math.exp(v - top) for v in values]
    total = sum(exps)
    return tuple(e / total for e in exps)


@contextmanager
def float32_labels(model, label_ids: list[int]):
    """Within the block, the model's logits come out in float32, the label columns computed in
    float32 from the hidden state rather than cast from the bf16 product."""
    import torch

    head = model.get_output_embeddings()
    weight = head.weight[label_ids].detach().float()
    bias = head.bias[label_ids].detach().float() if getattr(head, "bias", None) is not None else None

    def exact(module, inputs, logits):
        logits = logits.float()
        logits[..., label_ids] = torch.nn.functional.linear(inputs[0].float(), weight, bias)
        return logits

    handle = head.register_forward_hook(exact) if weight.dtype != head.weight.dtype else None
    try:
        yield
    finally:
        if handle is not None:
            handle.remove()


def label_probs_after(model, rows: list[list[int]], pad_id: int, label_ids: list[int], groups: list | None = None) -> list[tuple[float, float, float]]:
    """P(0), P(1), P(2) of the token after each row (rows end with the label prefix)."""
    with float32_labels(model, label_ids):
        logits = generation.prefill(model, rows, pad_id, groups=groups, keep_cache=False).logits
    return [softmax3(row) for row in logits[:, label_ids].tolist()]


def forced_rows(tokenizer, prompt_ids: list[list[int]], explanations: list[str], prefix_ids: list[int]) -> list[list[int]]:
    """prompt + explanation + "\\n" + label prefix: where the model is made to write its label when
    its answer has none (it ran out of tokens first)."""
    return [ids + tokenizer.encode(explanation + "\n", add_special_tokens=False) + prefix_ids for ids, explanation in zip(prompt_ids, explanations)]
