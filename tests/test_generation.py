"""Batched prompts (shared heads, padding-free prefill, grouped decoding) give each row exactly
what the row alone would give."""

import pytest

from reasonrank_assets.core.evaluation import rerank
from reasonrank_assets.core.generation import (
    FEW_ROWS,
    attention,
    common_prefix_length,
    generate,
    prefill,
    register_grouped_eager,
    weight_major_linears,
)


@pytest.fixture(scope="module")
def model_and_tokenizer(tiny_model_dir):
    import torch  # torch and transformers are imported where used: collecting this file stays cheap
    from transformers import AutoModelForCausalLM, AutoTokenizer

    return AutoModelForCausalLM.from_pretrained(tiny_model_dir, dtype=torch.float32).eval(), AutoTokenizer.from_pretrained(tiny_model_dir)


def next_token_logits_alone(model, ids):
    import torch

    with torch.inference_mode():
        return model(input_ids=torch.tensor([ids])).logits[0, -1]


def test_common_prefix_length():
    assert common_prefix_length([[1, 2, 3], [1, 2, 4], [1, 2]]) == 2
    assert common_prefix_length([[5], [6]]) == 0


@pytest.mark.slow
@pytest.mark.parametrize("pass_tokens", [1, 40, 10**6])  # each row alone, some rows a pass, a group's rows in one pass
def test_prefill_with_shared_heads_singletons_and_padding_matches_rows_alone(model_and_tokenizer, pass_tokens):
    import torch

    model, tokenizer = model_and_tokenizer
    head_a = tokenizer.encode("Question: how do I brew beer at home? Document:", add_special_tokens=False)
    head_b = tokenizer.encode("Question: coffee grinder burr? Document:", add_special_tokens=False)
    tail = lambda text: tokenizer.encode(" " + text, add_special_tokens=False)  # noqa: E731
    sequences = [head_a + tail("hops"), head_b + tail("roast level"), head_a + tail("malt, yeast and water make beer " * 3), head_b + tail("espresso"), tail("a lone row")]
    filled = prefill(model, sequences, tokenizer.pad_token_id, ["a", "b", "a", "b", "c"], pass_tokens=pass_tokens, min_shared=4)
    width = max(map(len, sequences))
    assert filled.input_ids.shape == (5, width) and filled.attention_mask.sum(1).tolist() == [len(s) for s in sequences]
    for row, ids in enumerate(sequences):
        assert torch.allclose(filled.logits[row], next_token_logits_alone(model, ids), atol=1e-4), row
        assert (filled.layers[0][0][row, :, : width - len(ids)] == 0).all()  # nothing under the row's left pad


def test_passes_fit_their_token_budget():
    from reasonrank_assets.core.generation import passes

    lengths = [3, 4, 4, 9, 20]
    assert list(passes([0, 1, 2, 3, 4], lengths, 12)) == [[0, 1, 2], [3], [4]]
    assert list(passes([0, 1, 2, 3, 4], lengths, None)) == [[0, 1, 2, 3, 4]]


@pytest.mark.slow
def test_grouped_eager_attention_gives_eager_attentions_numbers(model_and_tokenizer):
    import torch

    model, tokenizer = model_and_tokenizer
    assert model.config.num_key_value_heads < model.config.num_attention_heads  # the grouped case
    sequences = [tokenizer.encode(t, add_special_tokens=False) for t in ("hops", "malt, yeast and water make beer")]
    filled = prefill(model, sequences, tokenizer.pad_token_id)
    logits = {}
    for implementation in ("eager", register_grouped_eager()):
        with torch.inference_mode(), attention(model, implementation):
            logits[implementation] = model(input_ids=filled.input_ids, attention_mask=filled.attention_mask).logits
    assert torch.allclose(logits["eager"], logits["grouped_eager"], atol=1e-5)
    assert model.config._attn_implementation == "sdpa"  # switched back


@pytest.mark.slow
def test_explanations_generated_in_a_shared_head_batch_equal_those_generated_alone(tiny_model_dir):
    settings = {"mode": "explain", "max_new_tokens": 8, "dtype": "float32", "device": "cpu"}
    batched = rerank.Reranker.from_pretrained(tiny_model_dir, batch_size=4, **settings)
    alone = rerank.Reranker.from_pretrained(tiny_model_dir, batch_size=1, **settings)
    docs = ["malt", "hops and yeast " * 5, "water", "Roast level."]
    together = [a.output for a, _ in batched.judge("how do I brew beer at home?", docs)]
    one_by_one = [a.output for a, _ in alone.judge("how do I brew beer at home?", docs)]
    assert together == one_by_one and all(together)


def greedy_alone(model, tokenizer, ids, max_new_tokens, stop_strings=None):
    import torch

    with torch.inference_mode():
        output = model.generate(
            input_ids=torch.tensor([ids]), max_new_tokens=max_new_tokens, do_sample=False, pad_token_id=tokenizer.pad_token_id,
            stop_strings=stop_strings, tokenizer=tokenizer,
        )
    return output[0, len(ids) :].tolist()


def test_weight_major_linears_give_the_same_logits_and_hand_the_layers_back(model_and_tokenizer):
    import torch

    model, _ = model_and_tokenizer
    torch.manual_seed(0)
    few, many = torch.randint(5, 100, (3, 1)), torch.randint(5, 100, (2, FEW_ROWS))  # a decoding step's rows; a prefill's
    with torch.inference_mode():
        expected = [model(input_ids=ids).logits for ids in (few, many)]
        with weight_major_linears(model):
            assert all("forward" in vars(m) for m in model.modules() if type(m) is torch.nn.Linear)
            got = [model(input_ids=ids).logits for ids in (few, many)]
    assert not any("forward" in vars(m) for m in model.modules())
    for e, g in zip(expected, got, strict=True):
        torch.testing.assert_close(g, e, rtol=1e-5, atol=1e-5)


@pytest.mark.slow
def test_batched_greedy_decoding_equals_transformers_generate_row_by_row(model_and_tokenizer):
    model, tokenizer = model_and_tokenizer
    sequences = [tokenizer.encode(t, add_special_tokens=False) for t in ("hops", "malt, yeast and water make beer", "Roast level.")]
    answers = generate(model, sequences, tokenizer.pad_token_id, 6)
    assert model.config._attn_implementation == "sdpa"  # decoding switched to grouped_eager and back
    assert answers == [greedy_alone(model, tokenizer, ids, 6) for ids in sequences]


@pytest.mark.slow
def test_rows_that_hit_a_stop_string_leave_the_batch_and_the_others_go_on_unchanged(model_and_tokenizer):
    model, tokenizer = model_and_tokenizer
    sequences = [tokenizer.encode(t, add_special_tokens=False) for t in ("hops", "malt, yeast and water make beer", "Roast level.", "water")]
    free = generate(model, sequences, tokenizer.pad_token_id, 12)
    stop = tokenizer.decode(free[0][2:3])  # the first row's third token: it stops there
    assert stop.strip(), "the tiny model's third token should be visible text"
    stopped = generate(model, sequences, tokenizer.pad_token_id, 12, tokenizer=tokenizer, stop_strings=[stop])
    assert any(len(a) == 12 for a in stopped) and any(len(a) < 12 for a in stopped)  # some rows left early, some ran on
    for ids, answer in zip(sequences, stopped):
        assert answer == greedy_alone(model, tokenizer, ids, 12, [stop])


@pytest.mark.slow
def test_rows_out_of_budget_are_fed_the_forced_tokens_and_write_one_more(model_and_tokenizer):
    model, tokenizer = model_and_tokenizer
    sequences = [tokenizer.encode(t, add_special_tokens=False) for t in ("hops", "malt, yeast and water make beer", "Roast level.", "water")]
    free = generate(model, sequences, tokenizer.pad_token_id, 12)
    stop = tokenizer.decode(free[0][2:3])  # the first row stops at its third token, before the budget
    force = tokenizer.encode("\nRelevance Label:", add_special_tokens=False)
    plain = generate(model, sequences, tokenizer.pad_token_id, 12, tokenizer=tokenizer, stop_strings=[stop])
    forced = generate(model, sequences, tokenizer.pad_token_id, 12, tokenizer=tokenizer, stop_strings=[stop], force_after_budget=force)
    assert any(len(a) < 12 for a in plain) and any(len(a) == 12 for a in plain)
    for ids, own, answer in zip(sequences, plain, forced):
        if len(own) < 12:  # it finished within its budget: nothing forced
            assert answer == own
        else:  # its own tokens, the forced ones, then what it writes after them (greedy, as a row alone would)
            assert answer[:12] == own and answer[12:-1] == force and len(answer) == 12 + len(force) + 1
            assert answer[-1] == int(next_token_logits_alone(model, ids + own + force).argmax())


@pytest.mark.slow
def test_sampling_keeps_to_the_nucleus():
    import torch

    from reasonrank_assets.core.generation import _pick

    logits = torch.log(torch.tensor([[0.6, 0.3, 0.1]])).repeat(200, 1)
    torch.manual_seed(0)
    assert set(_pick(logits, 1.0, 0.8).tolist()) == {0, 1}  # 0.6 + 0.3 reach 0.8: the 0.1 token is cut
    assert set(_pick(logits, 1.0, 0.5).tolist()) == {0}
    assert set(_pick(logits, 1.0, 1.0).tolist()) == {0, 1, 2}
    assert _pick(logits[:2], 0.0, 1.0).tolist() == [0, 0]
