"""Padding-free training: packed rows attend within each example only, and the trainers' losses,
which project only the trained positions, equal the padded full-logits reference."""

import json

import pytest
from test_training import example, tiny_sft, toy_examples

from reasonrank_assets.core import models
from reasonrank_assets.core.attention import register_packed_sdpa
from reasonrank_assets.core.training.examples import to_dataset
from reasonrank_assets.core.training.refine import weighted_response_nll, weighted_sft_trainer_class
from reasonrank_assets.core.training.runs import load_student
from reasonrank_assets.core.training.settings import RefineSettings, SFTSettings
from reasonrank_assets.core.training.sft import build_sft_trainer, sft_config


@pytest.fixture(autouse=True)
def one_torch_thread():
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def _model(model_dir, implementation):
    import torch
    from transformers import AutoModelForCausalLM

    return AutoModelForCausalLM.from_pretrained(model_dir, dtype=torch.float32, attn_implementation=implementation).eval()


@pytest.mark.slow
def test_packed_rows_give_each_example_its_own_logits_and_gradients(tiny_model_dir):
    import torch

    sequences = [[5, 9, 14, 3, 7, 22], [11, 4, 8], [30, 31, 6, 12, 13, 2, 19, 40]]
    alone = _model(tiny_model_dir, "sdpa")
    packed = _model(tiny_model_dir, register_packed_sdpa())
    expected = [alone(input_ids=torch.tensor([s])).logits[0] for s in sequences]
    ids = torch.tensor([sum(sequences, [])])
    positions = torch.tensor([[i for s in sequences for i in range(len(s))]])
    bounds = torch.tensor([0, 6, 9, 17], dtype=torch.int32)
    out = packed(input_ids=ids, position_ids=positions, cu_seq_lens_q=bounds, cu_seq_lens_k=bounds, max_length_q=8, max_length_k=8).logits[0]
    torch.testing.assert_close(out, torch.cat(expected), atol=1e-5, rtol=1e-5)
    # Without the boundaries the later examples would attend to the earlier ones: they differ.
    crossing = packed(input_ids=ids, position_ids=positions).logits[0]
    assert not torch.allclose(crossing[6:], torch.cat(expected)[6:], atol=1e-3)
    # Gradients agree too: the sum of the examples' losses, packed or alone.
    for model, run in ((alone, lambda: sum(alone(input_ids=torch.tensor([s])).logits.sum() for s in sequences)),
                       (packed, lambda: packed(input_ids=ids, position_ids=positions, cu_seq_lens_q=bounds).logits.sum())):
        model.zero_grad()
        run().backward()
    for (name, a), b in zip(alone.named_parameters(), packed.parameters(), strict=True):
        torch.testing.assert_close(a.grad, b.grad, atol=1e-4, rtol=1e-4, msg=name)


def _reference_nll(model, trainer, features):
    """Mean NLL over every completion token of `features`, each example padded alone, full logits."""
    import torch
    import torch.nn.functional as F

    total, count = 0.0, 0
    for f in features:
        logits = model(input_ids=torch.tensor([f["input_ids"]])).logits[0, :-1]
        labels = torch.tensor(f["labels"] if "labels" in f else [(-100 if m == 0 else t) for t, m in zip(f["input_ids"], f["completion_mask"])])[1:]
        nll = F.cross_entropy(logits, labels, ignore_index=-100, reduction="sum")
        total, count = total + nll.item(), count + int((labels != -100).sum())
    return total / count


@pytest.mark.slow
def test_sft_trains_on_packed_rows_with_the_reference_loss(tiny_model_dir, tmp_path):
    import torch

    trainer = build_sft_trainer(toy_examples(), tiny_sft(tiny_model_dir, per_device_batch_size=4, effective_batch_size=4, dtype="float32"), tmp_path)
    assert trainer.args.padding_free and trainer.model.config._attn_implementation == "packed_sdpa"
    batch = next(iter(trainer.get_train_dataloader()))
    assert batch["input_ids"].shape[0] == 1 and "attention_mask" not in batch  # one packed row, no padding
    assert len(batch["cu_seq_lens_q"]) == 5  # four examples
    features = [trainer.train_dataset[i] for i in range(len(trainer.train_dataset))]
    by_ids = {tuple(f["input_ids"]): f for f in features}
    bounds = batch["cu_seq_lens_q"].tolist()
    in_batch = [by_ids[tuple(batch["input_ids"][0, a:b].tolist())] for a, b in zip(bounds[:-1], bounds[1:])]
    with torch.no_grad():
        expected = _reference_nll(trainer.model, trainer, in_batch)
        loss = trainer.compute_loss(trainer.model, dict(batch))
    assert loss.item() == pytest.approx(expected, rel=1e-4)


@pytest.mark.slow
def test_reward_weighted_loss_on_packed_rows_equals_the_padded_reference(tiny_model_dir, tmp_path):
    import torch

    rows = [
        {"prompt": json.loads(example(f"w{i}", doc, "", 0)["prompt"]), "completion": [{"role": "assistant", "content": text}], "weight": w}
        for i, (doc, text, w) in enumerate([("hops", "Relevance Label: 2 ##", 1.0), ("burr grinder coffee", "It is not. Relevance Label: 0 ##", 0.9), ("malt", "Label: 1 ##", 0.5)])
    ]
    model, tokenizer = load_student(str(tiny_model_dir), load_in_4bit=False, dtype="float32")
    settings = tiny_sft(tiny_model_dir, per_device_batch_size=3, effective_batch_size=3)
    trainer = weighted_sft_trainer_class()(
        model=model, args=sft_config(settings, tmp_path, has_eval=False), train_dataset=to_dataset(rows), processing_class=tokenizer,
    )
    batch = next(iter(trainer.get_train_dataloader()))
    assert "cu_seq_lens_q" in batch and batch["input_ids"].shape[0] == 1
    bounds = batch["cu_seq_lens_q"].tolist()
    ids = [batch["input_ids"][0, a:b].tolist() for a, b in zip(bounds[:-1], bounds[1:])]
    labels = [batch["labels"][0, a:b].tolist() for a, b in zip(bounds[:-1], bounds[1:])]
    width = max(map(len, ids))
    padded = torch.tensor([x + [0] * (width - len(x)) for x in ids])
    padded_labels = torch.tensor([x + [-100] * (width - len(x)) for x in labels])
    mask = torch.tensor([[1] * len(x) + [0] * (width - len(x)) for x in ids])
    with torch.no_grad():
        expected = weighted_response_nll(model(input_ids=padded, attention_mask=mask).logits, padded_labels, batch["weights"])
        loss = trainer.compute_loss(model, dict(batch))
    assert loss.item() == pytest.approx(expected.item(), rel=1e-4)


@pytest.mark.slow
def test_cpu_profile_lora_on_a_bf16_base_follows_the_float32_reference(tiny_model_dir, tmp_path):
    import torch

    def losses(**overrides):
        settings = SFTSettings.cpu_profile(
            base_model=str(tiny_model_dir), max_steps=20, per_device_batch_size=3, effective_batch_size=3,
            learning_rate=5e-2, save_steps=100, merge=False, **overrides,
        )  # fmt: skip
        trainer = build_sft_trainer(toy_examples(), settings, tmp_path / str(len(overrides)))
        trainer.train()
        return trainer, [h["loss"] for h in trainer.state.log_history if "loss" in h]

    # bf16 where this CPU has native bf16 kernels; elsewhere (AVX2 only) all of it runs in float32
    native = models.compute_dtype("bfloat16", "cpu") == "bfloat16"
    trainer, fast = losses()
    assert (trainer.args.bf16, trainer.args.padding_free) == (native, True)
    lora_layers = [m for m in trainer.model.modules() if hasattr(m, "cast_input_dtype_enabled")]
    assert lora_layers and all(m.cast_input_dtype_enabled != native for m in lora_layers)  # under autocast inputs stay bf16
    assert {p.dtype for p in trainer.model.parameters() if p.requires_grad} == {torch.float32}  # the adapters
    assert {p.dtype for p in trainer.model.parameters() if not p.requires_grad} == {torch.bfloat16 if native else torch.float32}  # the base
    _, reference = losses(dtype="float32", bf16=False)
    assert len(fast) == len(reference) == 20
    assert sum(fast[-5:]) < sum(fast[:5])  # it learns
    assert sum(fast[-5:]) == pytest.approx(sum(reference[-5:]), rel=0.02), (fast, reference)
    # Trained (full fine-tuning) weights are never held in bf16.
    assert SFTSettings.cpu_profile(use_lora=False).dtype == "float32"
    assert RefineSettings.cpu_profile(use_lora=False).dtype == "float32"


@pytest.mark.slow
def test_grpo_log_probabilities_share_the_prompt_and_match_one_full_forward(tiny_model_dir):
    """`completion_logps` (the CPU GRPO path: a prompt's k samples share one prompt forward) gives
    the log-probabilities, entropies and gradients of one plain forward over the whole rows."""
    import torch
    from transformers import AutoModelForCausalLM

    from reasonrank_assets.core.training.refine import completion_logps, grpo_trainer_class

    model = AutoModelForCausalLM.from_pretrained(tiny_model_dir, dtype=torch.float32).train()
    torch.manual_seed(0)
    # two prompts (one left-padded) with three sampled completions each, one cut short (right padding)
    prompts = [[0, 0, 11, 12, 13], [21, 22, 23, 24, 25]]
    rows = [(0, [31, 32, 33, 34]), (1, [41, 42, 43, 44]), (0, [35, 36, 37, 38]), (1, [45, 46, 0, 0]), (0, [39, 40, 41, 42]), (1, [47, 48, 49, 50])]
    input_ids = torch.tensor([prompts[p] + c for p, c in rows])
    mask = torch.ones_like(input_ids)
    mask[[0, 2, 4], :2] = 0
    mask[3, -2:] = 0
    temperature = 0.7

    def reference():
        logits = model(input_ids=input_ids, attention_mask=mask).logits[:, -5:-1].float() / temperature
        log_probs = logits.log_softmax(-1)
        pad = mask[:, -4:] == 0
        return log_probs.gather(-1, input_ids[:, -4:, None])[..., 0].masked_fill(pad, 0), -(log_probs.exp() * log_probs).sum(-1).masked_fill(pad, 0)

    def gradients(loss):
        model.zero_grad()
        loss.backward()
        return [p.grad.clone() for p in model.parameters() if p.grad is not None]

    expected, expected_entropy = reference()
    expected_grads = gradients((expected * torch.arange(1.0, 7.0)[:, None]).sum())
    got, got_entropy = completion_logps(model, input_ids, mask, 4, temperature, entropy=True)
    torch.testing.assert_close(got, expected, atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(got_entropy, expected_entropy, atol=1e-5, rtol=1e-5)
    assert (got[3, -2:] == 0).all() and (got[3, :2] != 0).all()
    for a, b in zip(gradients((got * torch.arange(1.0, 7.0)[:, None]).sum()), expected_grads, strict=True):
        torch.testing.assert_close(a, b, atol=1e-5, rtol=1e-4)
    assert completion_logps(model, input_ids, mask, 4, temperature, entropy=False)[1] is None
    assert "_get_per_token_logps_and_entropies" in vars(grpo_trainer_class())  # the trainer uses it


@pytest.mark.slow
def test_grpo_samples_through_core_generation_on_a_cpu(tiny_model_dir, tmp_path):
    """On a CPU the GRPO trainer's k samples of a prompt come from `core.generation` (the prompt
    prefilled once): the same tokens as that function under the same seed, each ending at EOS or
    at the completion budget, as TRL's own sampling returns them."""
    import torch

    from reasonrank_assets.core import generation
    from reasonrank_assets.core.training.refine import _grpo_trainer

    rows = [example(f"g{i}", doc, "Relevance Label: 2 ##", 2) for i, doc in enumerate(["malt and hops", "a long page " * 5])]
    settings = RefineSettings.cpu_profile("grpo", use_lora=False, max_steps=1, k=3, prompts_per_step=1, per_device_batch_size=3, max_completion_length=12, bf16=False)
    model, tokenizer = load_student(str(tiny_model_dir), load_in_4bit=False, dtype="float32")
    trainer = _grpo_trainer(rows, settings, model, tokenizer, tmp_path, None)
    text = tokenizer.apply_chat_template(json.loads(rows[0]["prompt"]), add_generation_prompt=True, tokenize=False)
    prompt = tokenizer(text, add_special_tokens=False)["input_ids"]
    torch.manual_seed(7)
    completions, logprobs = trainer._generate_single_turn([prompt] * 3, None, {}, 3)
    torch.manual_seed(7)
    direct = generation.generate(model, [prompt] * 3, tokenizer.pad_token_id, 12, groups=[0] * 3, temperature=settings.temperature, eos_token_ids=trainer.eos_token_ids)
    assert logprobs is None and completions == direct
    assert all(0 < len(c) <= 12 and (len(c) == 12 or c[-1] in trainer.eos_token_ids) for c in completions)
    assert len({tuple(c) for c in completions}) > 1  # sampled, not greedy


def _ranked_examples() -> list[dict]:
    """Three questions with labelled documents, and one question of one document."""
    docs = {"q1": {"hops": 2, "malt": 1, "coffee beans": 0, "yeast": 2, "sand": 0}, "q2": {"grinder": 2, "tea": 0, "burr": 1}, "q3": {"water": 1}}
    return [
        {**example(f"{q}-{doc}", doc, f"Relevance Label: {label} ##", label), "site": "s", "question_id": q}
        for q, labels in docs.items() for doc, label in labels.items()
    ]  # fmt: skip


def test_question_runs_put_one_question_in_each_micro_batch():
    from reasonrank_assets.core.training.sft import question_runs

    rows = _ranked_examples() + [example("v", "x", "Relevance Label: 1 ##", 1, split="validation")]
    ordered = question_runs(rows, ("relevance",), 4, seed=0)
    runs = [ordered[i : i + 4] for i in range(0, len(ordered), 4)]
    assert len(ordered) == 16 and all(len(run) == 4 for run in runs)  # q1: 5 -> 8, q2: 3 -> 4, q3: 1 -> 4
    assert all(len({r["question_id"] for r in run}) == 1 for run in runs)
    assert {r["example_id"] for r in ordered} == {r["example_id"] for r in _ranked_examples()}  # every train example, no other
    assert question_runs(rows, ("relevance",), 4, seed=0) == ordered and question_runs(rows, ("relevance",), 4, seed=1) != ordered


def test_pairwise_rank_loss_orders_expected_labels_by_gold_labels():
    import torch
    import torch.nn.functional as F

    from reasonrank_assets.core.training.sft import RANKNET_SCALE, pairwise_rank_loss

    label_ids, vocab = [7, 8, 9], 12
    # two answers of 3 trained tokens each ("Label", digit, "##"), a third answer with gold 2 ...
    targets = torch.tensor([3, 9, 4, 3, 7, 4, 3, 9, 4])
    answer = torch.tensor([0, 0, 0, 1, 1, 1, 2, 2, 2])
    logits = torch.zeros(9, vocab, requires_grad=True)
    with torch.no_grad():
        logits[1, label_ids] = torch.tensor([0.0, 0.0, 2.0])  # answer 0 (gold 2) leans to 2
        logits[4, label_ids] = torch.tensor([0.0, 1.0, 0.0])  # answer 1 (gold 0) leans to 1
        logits[7, label_ids] = torch.tensor([1.0, 0.0, 0.0])  # answer 2 (gold 2) leans to 0
    loss = pairwise_rank_loss(logits, targets, answer, label_ids)
    score = lambda row: float(F.softmax(logits[row, label_ids].detach(), -1) @ torch.tensor([0.0, 1.0, 2.0]))  # noqa: E731
    s0, s1, s2 = score(1), score(4), score(7)
    expected = (F.softplus(torch.tensor(-RANKNET_SCALE * (s0 - s1))) + F.softplus(torch.tensor(-RANKNET_SCALE * (s2 - s1)))) / 2  # the 2-2 pair does not count
    assert loss.item() == pytest.approx(expected.item(), rel=1e-5)
    loss.backward()
    assert logits.grad[[0, 2, 3, 5, 6, 8]].abs().sum() == 0  # only the digit positions are ranked
    assert logits.grad[7, 9] < 0 and logits.grad[4, 7] < 0  # descent raises answer 2's "2" and answer 1's "0"
    same = torch.tensor([3, 9, 4, 3, 9, 4])  # equal gold labels: nothing to order
    assert pairwise_rank_loss(logits[:6], same, answer[:6], label_ids).item() == 0.0


@pytest.mark.slow
def test_sft_with_a_ranking_loss_adds_it_to_the_token_loss_per_question(tiny_model_dir, tmp_path):
    import torch

    from reasonrank_assets.core.training.sft import answer_logits, pairwise_rank_loss

    settings = tiny_sft(tiny_model_dir, per_device_batch_size=4, effective_batch_size=8, dtype="float32", rank_loss_weight=0.5, max_steps=2)
    trainer = build_sft_trainer(_ranked_examples(), settings, tmp_path)
    assert trainer.args.train_sampling_strategy == "sequential" and trainer.rank_loss_weight == 0.5
    question_of = {r["prompt"]: r["question_id"] for r in _ranked_examples()}
    prompt_of = {tuple(trainer.train_dataset[i]["input_ids"]): trainer.processing_class.decode(trainer.train_dataset[i]["input_ids"]) for i in range(len(trainer.train_dataset))}
    for batch in trainer.get_train_dataloader():
        bounds = batch["cu_seq_lens_q"].tolist()
        texts = [prompt_of[tuple(batch["input_ids"][0, a:b].tolist())] for a, b in zip(bounds[:-1], bounds[1:])]
        docs = {q for text in texts for prompt, q in question_of.items() if json.loads(prompt)[0]["content"] in text}
        assert len(docs) == 1  # one question a micro-batch
        with torch.no_grad():
            trainer.model.train()
            loss = trainer.compute_loss(trainer.model, dict(batch), num_items_in_batch=None)
            logits, targets, answer, _ = answer_logits(trainer.model, dict(batch))
            token = torch.nn.functional.cross_entropy(logits, targets)
            rank = pairwise_rank_loss(logits, targets, answer, trainer.label_ids)
        assert loss.item() == pytest.approx(token.item() + 0.5 * rank.item(), rel=1e-4)
    trainer.train()
    assert any("rank_loss" in entry for entry in trainer.state.log_history)


def test_soft_label_nll_scores_each_digit_against_its_teachers_probabilities():
    import math

    import torch
    import torch.nn.functional as F

    from reasonrank_assets.core.training.sft import soft_label_nll

    label_ids, vocab = [7, 8, 9], 12
    targets = torch.tensor([3, 8, 4, 3, 7, 4])  # two answers: "Label", digit, "##"
    answer = torch.tensor([0, 0, 0, 1, 1, 1])
    logits = torch.randn(6, vocab, generator=torch.Generator().manual_seed(0))
    nll = F.cross_entropy(logits, targets, reduction="none")
    probs = torch.tensor([[0.2, 0.5, 0.3], [math.nan] * 3])  # answer 1 has no teacher probabilities: its hard label stays
    got = soft_label_nll(nll, logits, targets, answer, probs, label_ids)
    expected = -(probs[0] * logits[1].log_softmax(-1)[label_ids]).sum()
    assert got[1].item() == pytest.approx(expected.item(), rel=1e-6)
    assert torch.equal(got[[0, 2, 3, 4, 5]], nll[[0, 2, 3, 4, 5]])
    one_hot = soft_label_nll(nll, logits, targets, answer, torch.tensor([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]]), label_ids)
    torch.testing.assert_close(one_hot, nll)  # a certain teacher is the hard label


@pytest.mark.slow
def test_sft_with_soft_labels_trains_the_digit_toward_the_teachers_probabilities(tiny_model_dir, tmp_path):
    import torch

    from reasonrank_assets.core.training.sft import answer_logits, label_digit_positions, soft_label_nll

    rows = [{**r, "label_probs": [0.1, 0.3, 0.6] if r["label"] == 2 else None} for r in _ranked_examples()]
    settings = tiny_sft(tiny_model_dir, per_device_batch_size=4, effective_batch_size=4, dtype="float32", soft_labels=True, max_steps=1)
    trainer = build_sft_trainer(rows, settings, tmp_path)
    batch = next(iter(trainer.get_train_dataloader()))
    assert batch["label_probs"].shape == (len(batch["cu_seq_lens_q"]) - 1, 3)  # a row per packed example
    known = ~batch["label_probs"].isnan().any(-1)
    assert 0 < known.sum() < len(known)
    with torch.no_grad():
        loss = trainer.compute_loss(trainer.model, dict(batch))
        logits, targets, answer, _ = answer_logits(trainer.model, dict(batch))
        nll = torch.nn.functional.cross_entropy(logits, targets, reduction="none")
        soft = soft_label_nll(nll, logits, targets, answer, batch["label_probs"], trainer.label_ids)
    digits = label_digit_positions(targets, answer, torch.tensor(trainer.label_ids))
    assert all(bool(known[a]) == (int(targets[p]) == trainer.label_ids[2]) for a, p in digits.items())  # each answer's own probabilities
    assert loss.item() == pytest.approx(soft.mean().item(), rel=1e-4) and loss.item() != pytest.approx(nll.mean().item(), rel=1e-4)
    trainer.train()


def _question_rows() -> list[dict]:
    """Question-task rows (the question each judged document answers), two questions."""
    from reasonrank_assets.core import prompts

    docs = {"how do I brew beer?": {"hops malt yeast water": 2, "grain mill": 1, "coffee grinder burr": 0, "sand": 0},
            "which grinder for espresso?": {"burr grinder espresso": 2, "hops malt yeast water": 0, "sand": 0}}  # fmt: skip
    return [
        {"example_id": f"{q[:5]}-{doc}", "split": "train", "task": "question", "site": "s", "question_id": q, "url": doc, "label": label,
         "prompt": json.dumps(prompts.question_messages(doc)), "completion": q}
        for q, labels in docs.items() for doc, label in labels.items()
    ]  # fmt: skip


def test_likelihood_groups_put_one_document_and_lower_judged_ones_of_its_question_in_each_micro_batch():
    from reasonrank_assets.core.training.sft import likelihood_groups

    rows = _question_rows() + [{**_question_rows()[0], "example_id": "v", "split": "validation"}]
    ordered = likelihood_groups(rows, 2, seed=0)
    groups = [ordered[i : i + 3] for i in range(0, len(ordered), 3)]
    # beer: the 2 over (1, 0, 0) in two groups, the 1 over its two 0s; espresso: the 2 over its two 0s; a 0 is never first
    assert sorted((g[0]["question_id"][:5], g[0]["label"]) for g in groups) == [("how d", 1), ("how d", 2), ("how d", 2), ("which", 2)]
    assert all(len({r["question_id"] for r in g}) == 1 and all(r["label"] < g[0]["label"] for r in g[1:]) for g in groups)
    beer_best = [g for g in groups if g[0]["label"] == 2 and g[0]["question_id"].startswith("how")]
    assert {r["url"] for g in beer_best for r in g[1:]} == {"grain mill", "coffee grinder burr", "sand"}  # every lower document, once or more
    assert all(r["split"] == "train" for r in ordered)
    assert likelihood_groups(rows, 2, seed=0) == ordered and likelihood_groups(rows, 2, seed=3) != ordered
    with pytest.raises(ValueError, match="no question-task document has 4 documents of its question judged lower"):
        likelihood_groups(rows, 4, seed=0)


def test_contrastive_likelihood_loss_is_the_cross_entropy_of_the_first_answers_summed_log_likelihood():
    import torch
    import torch.nn.functional as F

    from reasonrank_assets.core.training.sft import contrastive_likelihood_loss

    nll = torch.tensor([0.5, 1.0, 0.2, 0.2, 0.1, 3.0, 0.4], requires_grad=True)  # three answers of 2, 2 and 3 tokens
    answer = torch.tensor([0, 0, 1, 1, 2, 2, 2])
    loss, hit = contrastive_likelihood_loss(nll, answer, 3)
    scores = torch.tensor([-1.5, -0.4, -3.5])  # the summed log-likelihoods: answer 1 is the likeliest
    assert loss.item() == pytest.approx(-F.log_softmax(scores, -1)[0].item(), rel=1e-6) and not hit
    loss.backward()
    assert (nll.grad[:2] > 0).all() and (nll.grad[2:] < 0).all()  # descent lowers the first answer's NLL and raises the others'
    assert contrastive_likelihood_loss(torch.tensor([0.1, 2.0]), torch.tensor([0, 1]), 2)[1]

    nll.grad = None
    loss, hit = contrastive_likelihood_loss(nll, answer, 3, tail=1)  # each answer's last token (the end of turn) left out
    assert loss.item() == pytest.approx(-F.log_softmax(torch.tensor([-0.5, -0.2, -3.1]), -1)[0].item(), rel=1e-6) and not hit
    loss.backward()
    assert nll.grad[[1, 3, 6]].abs().sum() == 0 and (nll.grad[[0, 2, 4, 5]] != 0).all()


def test_the_completion_tail_is_the_chat_templates_end_of_turn(tiny_model_dir):
    from transformers import AutoTokenizer

    from reasonrank_assets.core.training.sft import completion_tail_length

    tokenizer = AutoTokenizer.from_pretrained(tiny_model_dir)
    assert completion_tail_length(tokenizer) == len(tokenizer("<|im_end|>\n", add_special_tokens=False)["input_ids"]) == 2


def test_the_contrastive_question_loss_needs_its_group_as_the_micro_batch(tiny_model_dir, tmp_path):
    with pytest.raises(ValueError, match="question_negatives 2 needs per_device_batch_size 3"):
        build_sft_trainer(_question_rows(), tiny_sft(tiny_model_dir, tasks=("question",), question_negatives=2, per_device_batch_size=4), tmp_path)
    with pytest.raises(ValueError, match="trains the task 'question' alone"):
        build_sft_trainer(_question_rows(), tiny_sft(tiny_model_dir, tasks=("question", "relevance"), question_negatives=1, per_device_batch_size=2), tmp_path)


@pytest.mark.slow
def test_the_contrastive_question_loss_teaches_the_reranker_to_prefer_the_relevant_document(tiny_model_dir, tmp_path):
    """Each micro-batch is a group (the loss equals the reference computed on it), and after
    training the query-likelihood reranker ranks every question's relevant documents above its
    irrelevant ones (one question's relevant document is the other's irrelevant one), where the
    untrained model has no preference."""
    import torch

    from reasonrank_assets.core.evaluation import rerank
    from reasonrank_assets.core.training.sft import answer_token_nll, contrastive_likelihood_loss, train_sft

    rows = [r for r in _question_rows() if r["label"] != 1]  # each question: one relevant document (the other's irrelevant one), two irrelevant
    settings = tiny_sft(tiny_model_dir, tasks=("question",), question_negatives=1, per_device_batch_size=2, effective_batch_size=2, dtype="float32", max_steps=60)
    trainer = build_sft_trainer(rows, settings, tmp_path / "check")
    assert trainer.args.train_sampling_strategy == "sequential" and trainer.question_negatives == 1 and trainer.completion_tail == 2
    batch = next(iter(trainer.get_train_dataloader()))
    with torch.no_grad():
        trainer.model.train()
        loss = trainer.compute_loss(trainer.model, dict(batch), num_items_in_batch=None)
        nll, answer, n_answers, _ = answer_token_nll(trainer.model, dict(batch))
    assert n_answers == 2 and loss.item() == pytest.approx(contrastive_likelihood_loss(nll, answer, n_answers, tail=2)[0].item(), rel=1e-5)

    manifest = train_sft(rows, settings, tmp_path / "contrastive")

    def scores(path) -> dict:
        reranker = rerank.Reranker.from_pretrained(path, mode="query_likelihood", dtype="float32", device="cpu")
        by_question: dict = {}
        for r in rows:
            by_question.setdefault(r["completion"], []).append(r["url"])
        return {q: dict(zip(docs, (a.query_logprob for a, _ in reranker.judge(q, docs)))) for q, docs in by_question.items()}

    label = {(r["completion"], r["url"]): r["label"] for r in rows}
    for q, by_doc in scores(manifest["checkpoint"]).items():
        relevant = [s for doc, s in by_doc.items() if label[(q, doc)] > 0]
        irrelevant = [s for doc, s in by_doc.items() if label[(q, doc)] == 0]
        assert min(relevant) - max(irrelevant) > 0.5, (q, by_doc)  # nats a token (measured 0.96 and 1.37)
    untrained = scores(tiny_model_dir)
    assert all(max(s.values()) - min(s.values()) < 0.05 for s in untrained.values())  # nats a token: no preference
