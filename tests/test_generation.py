"""Shared-prompt-head batches give each row exactly what the row alone would give."""

import pytest
import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

from reasonrank_assets.core import rerank
from reasonrank_assets.core.generation import common_prefix_length, shared_prefix_batch


@pytest.fixture(scope="module")
def model_and_tokenizer(tiny_model_dir):
    return AutoModelForCausalLM.from_pretrained(tiny_model_dir, dtype=torch.float32).eval(), AutoTokenizer.from_pretrained(tiny_model_dir)


def next_token_logits_alone(model, ids):
    with torch.inference_mode():
        return model(input_ids=torch.tensor([ids])).logits[0, -1]


def test_common_prefix_length():
    assert common_prefix_length([[1, 2, 3], [1, 2, 4], [1, 2]]) == 2
    assert common_prefix_length([[5], [6]]) == 0


def test_groups_with_shared_heads_singletons_and_padding_match_rows_alone(model_and_tokenizer):
    model, tokenizer = model_and_tokenizer
    head_a = tokenizer.encode("Question: how do I brew beer at home? Document:", add_special_tokens=False)
    head_b = tokenizer.encode("Question: coffee grinder burr? Document:", add_special_tokens=False)
    tail = lambda text: tokenizer.encode(" " + text, add_special_tokens=False)  # noqa: E731
    sequences = [head_a + tail("hops"), head_a + tail("malt, yeast and water make beer " * 3), head_b + tail("roast level"), head_b + tail("espresso"), tail("a lone row")]
    groups = ["a", "a", "b", "b", "c"]
    batch = shared_prefix_batch(model, sequences, tokenizer.pad_token_id, groups, min_shared=4)
    assert batch.cache is not None and batch.cached == max(len(head_a), len(head_b))
    with torch.inference_mode():
        logits = model(
            input_ids=batch.input_ids[:, batch.cached :], attention_mask=batch.attention_mask,
            position_ids=batch.position_ids[:, batch.cached :], past_key_values=batch.cache,
        ).logits[:, -1]
    for row, ids in enumerate(sequences):
        assert torch.allclose(logits[row], next_token_logits_alone(model, ids), atol=1e-4), row


def test_without_a_shared_head_the_batch_is_plain_left_padding(model_and_tokenizer):
    model, tokenizer = model_and_tokenizer
    sequences = [tokenizer.encode(t, add_special_tokens=False) for t in ("hops", "malt and yeast")]
    batch = shared_prefix_batch(model, sequences, tokenizer.pad_token_id)
    assert batch.cache is None and batch.cached == 0
    assert batch.attention_mask.tolist() == [[0] * (len(sequences[1]) - len(sequences[0])) + [1] * len(sequences[0]), [1] * len(sequences[1])]


def test_explanations_generated_in_a_shared_head_batch_equal_those_generated_alone(tiny_model_dir):
    settings = {"mode": "explain", "max_new_tokens": 8, "dtype": "float32", "device": "cpu"}
    batched = rerank.Reranker.from_pretrained(tiny_model_dir, batch_size=4, **settings)
    alone = rerank.Reranker.from_pretrained(tiny_model_dir, batch_size=1, **settings)
    docs = ["malt", "hops and yeast " * 5, "water", "Roast level."]
    together = [a.output for a, _ in batched.judge("how do I brew beer at home?", docs)]
    one_by_one = [a.output for a, _ in alone.judge("how do I brew beer at home?", docs)]
    assert together == one_by_one and all(together)


def test_batched_generation_over_a_static_cache_equals_generation_alone(model_and_tokenizer):
    from reasonrank_assets.core.generation import generate

    model, tokenizer = model_and_tokenizer
    sequences = [tokenizer.encode(t, add_special_tokens=False) for t in ("hops", "malt, yeast and water make beer", "Roast level.")]
    output, width = generate(model, sequences, tokenizer.pad_token_id, 6, do_sample=False)
    assert model.config._attn_implementation == "sdpa"  # decoding switched to eager and back
    for row, ids in enumerate(sequences):
        alone, alone_width = generate(model, [ids], tokenizer.pad_token_id, 6, do_sample=False)
        assert output[row, width:].tolist() == alone[0, alone_width:].tolist()
