import math

import pytest

from reasonrank_assets.core.training import rewards
from reasonrank_assets.core.training.rewards import ScoredAnswer


def test_label_score_is_graded_by_distance():
    assert rewards.label_score(2, 2) == 1.0
    assert rewards.label_score(1, 2) == rewards.label_score(1, 0) == 0.5
    assert rewards.label_score(0, 2) == 0.0
    assert rewards.label_score(None, 1) == 0.0


def test_format_score():
    assert rewards.format_score("It talks about hops.\nRelevance Label: 2 ##") == 1.0
    assert rewards.format_score("Relevance Label: 1 ## and then more words") == 0.5
    assert rewards.format_score("relevance label: 7 ##") == 0.0
    assert rewards.format_score("no label at all") == 0.0


def test_length_penalty():
    assert rewards.length_penalty(100, 200, 0.0) == 0.0
    assert rewards.length_penalty(100, 200, 0.5) == -0.25
    assert rewards.length_penalty(900, 200, 0.5) == -0.5  # capped at the budget


def test_grpo_reward_functions_read_chat_completions_and_teacher_labels():
    functions, weights = rewards.grpo_reward_functions(format_weight=0.2, length_coefficient=0.1, max_completion_tokens=10)
    label_reward, format_reward, length_reward = functions
    completions = [
        [{"role": "assistant", "content": "Yes. Relevance Label: 2 ##"}],
        [{"role": "assistant", "content": "Relevance Label: 0"}],
        "garbage",
    ]
    assert label_reward(completions=completions, teacher_label=[2, 1, 0]) == [1.0, 0.5, 0.0]
    assert format_reward(completions=completions) == [1.0, 0.5, 0.0]
    assert length_reward(completion_ids=[[1] * 5, [1] * 10, [1] * 20]) == [-0.05, -0.1, -0.1]
    assert weights == [1.0, 0.2, 1.0]
    assert len(rewards.grpo_reward_functions(length_coefficient=0.0)[0]) == 2  # no penalty column when off


def test_min_max_normalise():
    assert rewards.min_max_normalise([1.0, 3.0, 2.0]) == [0.0, 1.0, 0.5]
    assert rewards.min_max_normalise([0.4, 0.4]) == [1.0, 1.0]  # the official code: equal scores all count


def _group():
    # Hand-computed: scores 0.2, 1.0, 0.6, 0.95 and the teacher 0.8; min 0.2, range 0.8
    # -> normalised 0, 1, 0.5, 0.9375 and teacher 0.75.
    samples = [
        ScoredAnswer("a", 0, 0.2, "student", "e:0"),
        ScoredAnswer("b", 2, 1.0, "student", "e:1"),
        ScoredAnswer("c", 1, 0.6, "student", "e:2"),
        ScoredAnswer("d", 2, 0.95, "student", "e:3"),
    ]
    return samples, ScoredAnswer("teacher answer", 2, 0.8, "teacher")


def test_reward_weighted_items_hand_computed_group():
    samples, teacher = _group()
    items = rewards.reward_weighted_items(samples, teacher, threshold=0.85)
    assert [(i["completion"], i["source"], i["rollout_id"]) for i in items] == [
        ("b", "student", "e:1"),
        ("d", "student", "e:3"),
    ]
    assert [i["weight"] for i in items] == pytest.approx([1.0, 0.9375])
    assert [i["normalised"] for i in items] == pytest.approx([1.0, 0.9375])

    # A lower threshold lets the teacher's own answer (0.75) in.
    assert [i["source"] for i in rewards.reward_weighted_items(samples, teacher, threshold=0.7)] == [
        "student",
        "student",
        "teacher",
    ]


def test_reward_weighted_items_disagreement_weight():
    samples, teacher = _group()
    # Two of four samples disagree with the teacher's label 2: rate 0.5 multiplies every weight.
    items = rewards.reward_weighted_items(samples, teacher, threshold=0.85, use_disagreement_weight=True)
    assert [i["weight"] for i in items] == pytest.approx([0.5, 0.46875])
    # A student that always agrees gets no weight at all: the pair is dropped.
    agreeing = [ScoredAnswer("x", 2, 0.5, "student"), ScoredAnswer("y", 2, 0.7, "student")]
    assert rewards.reward_weighted_items(agreeing, teacher, use_disagreement_weight=True) == []


@pytest.mark.slow
def test_weighted_response_nll_is_weight_cubed_times_answer_nll():
    torch = pytest.importorskip("torch")
    from reasonrank_assets.core.training.refine import weighted_response_nll

    logits = torch.zeros(2, 4, 3)  # uniform over 3 tokens: every token's NLL is log 3
    logits[1, 1, 2] = 5.0  # answer 1's first answer token is predicted well
    labels = torch.tensor([[-100, 1, 2, -100], [-100, -100, 2, 0]])
    weights = torch.tensor([1.0, 0.5])
    nll_1 = (-torch.log_softmax(logits[1, 1], -1)[2] + math.log(3)) / 2
    expected = (1.0 * math.log(3) + 0.125 * nll_1) / 2
    assert weighted_response_nll(logits, labels, weights).item() == pytest.approx(expected.item(), rel=1e-5)
