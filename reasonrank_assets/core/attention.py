"""`packed_sdpa`: sdpa that trains on packed rows without attention across examples.

Padding-free training (TRL's `padding_free=True`) concatenates a batch's examples into one row and
hands the model their boundaries as `cu_seq_lens_q`. Only flash-attention kernels read those; with
plain sdpa transformers instead builds a block-diagonal (tokens x tokens) mask, and the masked
kernel computes every block of it: 8 examples of 350 tokens cost 8x the attention of 8 separate
rows. `packed_sdpa` runs sdpa's causal kernel on each example's own span, so a packed batch costs
what its examples cost alone, with no padding. Without boundaries it is plain sdpa, so the same
model also generates and scores padded batches.
"""

from __future__ import annotations

from functools import cache

PACKED_SDPA = "packed_sdpa"


def packed_sdpa_attention(module, query, key, value, attention_mask, dropout: float = 0.0, scaling: float | None = None, cu_seq_lens_q=None, **kwargs):
    from transformers.integrations.sdpa_attention import sdpa_attention_forward

    if cu_seq_lens_q is None or query.shape[0] != 1 or query.shape[2] != key.shape[2]:
        return sdpa_attention_forward(module, query, key, value, attention_mask, dropout=dropout, scaling=scaling, **kwargs)
    import torch

    bounds = cu_seq_lens_q.tolist()
    spans = [
        torch.nn.functional.scaled_dot_product_attention(
            query[:, :, start:end], key[:, :, start:end], value[:, :, start:end],
            dropout_p=dropout if module.training else 0.0, is_causal=True, scale=scaling,
            enable_gqa=query.shape[1] != key.shape[1],
        )  # fmt: skip
        for start, end in zip(bounds[:-1], bounds[1:], strict=True)
        if end > start
    ]
    return torch.cat(spans, dim=2).transpose(1, 2).contiguous(), None


@cache
def register_packed_sdpa() -> str:
    """Make `packed_sdpa` an attention implementation transformers knows (with sdpa's masks)."""
    from transformers import AttentionInterface
    from transformers.masking_utils import AttentionMaskInterface, sdpa_mask

    AttentionInterface.register(PACKED_SDPA, packed_sdpa_attention)
    AttentionMaskInterface.register(PACKED_SDPA, sdpa_mask)
    return PACKED_SDPA
