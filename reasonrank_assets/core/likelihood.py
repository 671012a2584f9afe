"""How likely a causal LM finds a continuation after a prompt: the mean log-probability of its
tokens, in float32.

The reranker's query-likelihood mode (UPR: Sachan et al., "Improving Passage Retrieval with
Zero-Shot Question Generation", 2022) scores a (query, document) pair by how likely the model
finds the query after a prompt that shows it the document and asks for a question it answers:
no label, no explanation, and no training needed. Among one query's documents the mean and the
sum of its tokens' log-probabilities rank alike (the query is the same); the mean reads as a
per-token figure.
"""

from __future__ import annotations

from reasonrank_assets.core import generation


def continuation_logprobs(model, prompts: list[list[int]], continuations: list[list[int]], pad_id: int, pass_tokens: int | None = None, head=None) -> list[float]:
    """Mean log P(continuation | prompt) of each row, computed from the final hidden states with
    the output projection in float32 (`head`: its float32 weight, to reuse across calls; taken
    from the model when None). Rows are padded on the left in passes of at most `pass_tokens`
    tokens (rows x longest; on a CPU `generation.CPU_PASS_TOKENS`)."""
    import torch

    if any(not c for c in continuations) or any(not p for p in prompts):
        raise ValueError("every prompt and every continuation needs at least one token")
    sequences = [p + c for p, c in zip(prompts, continuations)]
    weight = head if head is not None else output_weight(model)
    pass_tokens = pass_tokens or (generation.CPU_PASS_TOKENS if model.device.type == "cpu" else None)
    order = sorted(range(len(sequences)), key=lambda i: len(sequences[i]))
    scores = [0.0] * len(sequences)
    with torch.inference_mode():
        for chunk in generation.passes(order, [len(s) for s in sequences], pass_tokens):
            ids, mask = generation.left_padded([sequences[i] for i in chunk], pad_id)
            positions = (mask.cumsum(-1) - 1).clamp(min=0)
            hidden = model.get_decoder()(input_ids=ids.to(model.device), attention_mask=mask.to(model.device), position_ids=positions.to(model.device)).last_hidden_state
            keep = max(len(continuations[i]) for i in chunk) + 1  # the positions that predict a continuation token
            logits = torch.nn.functional.linear(hidden[:, -keep:-1].float(), weight)
            logprobs = torch.log_softmax(logits, dim=-1)
            for row, i in enumerate(chunk):
                n = len(continuations[i])
                targets = torch.tensor(continuations[i], device=logprobs.device)
                scores[i] = logprobs[row, keep - 1 - n :].gather(1, targets[:, None]).mean().item()
    return scores


def output_weight(model):
    """The output projection's weight in float32 (no copy when the model is float32)."""
    head = model.get_output_embeddings()
    if getattr(head, "bias", None) is not None:
        raise ValueError("an output projection with a bias is not supported here")
    return head.weight.detach().float()
