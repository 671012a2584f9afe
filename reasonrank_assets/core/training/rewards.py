"""Rewards for the refinement stage, and the official code's reward-weighted item building.

Two consumers:
- GRPO (online): `grpo_reward_functions(...)` returns TRL reward functions (graded label agreement
  with the teacher, output format, optional length penalty), one reward column each.
- Reward-weighted fine-tuning (offline, the official InteRank code): each sampled answer and the
  teacher's answer are scored, scores are min-max normalised within the group, answers under the
  threshold are dropped, and the rest are trained with loss = weight^3 x response NLL
  (`reward_weighted_items`).

Pure Python: no torch import here except inside `RewardModelScorer`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from reasonrank_assets.core.prompts import LABEL_PREFIX, STOP, parse_relevance

# Graded agreement with the teacher: exact > off by one > off by two. A parse failure earns
# nothing here; the format reward is the one that punishes it.
AGREEMENT_BY_DISTANCE = {0: 1.0, 1: 0.5, 2: 0.0}


def completion_text(completion) -> str:
    """TRL hands completions as plain strings or as chat turns [{role, content}]."""
    if isinstance(completion, str):
        return completion
    return "".join(turn.get("content", "") for turn in completion)


def label_score(predicted: int | None, teacher: int) -> float:
    if predicted is None:
        return 0.0
    return AGREEMENT_BY_DISTANCE[abs(int(predicted) - int(teacher))]


def format_score(text: str) -> float:
    """1.0 when the answer parses and ends with the label and the stop marker, 0.5 when it only
    parses (the label is there, the ending is not), 0.0 otherwise."""
    parsed = parse_relevance(text)
    if parsed.status != "ok":
        return 0.0
    return 1.0 if text.rstrip().endswith(f"{LABEL_PREFIX} {parsed.label}{STOP}") else 0.5


def length_penalty(n_tokens: int, max_tokens: int, coefficient: float) -> float:
    """A linear cost on the answer's share of the token budget; 0 when the coefficient is 0."""
    if coefficient == 0 or max_tokens <= 0:
        return 0.0
    return -coefficient * min(n_tokens, max_tokens) / max_tokens


def grpo_reward_functions(
    *, format_weight: float = 0.2, length_coefficient: float = 0.0, max_completion_tokens: int = 512
) -> tuple[list[Callable], list[float]]:
    """TRL reward functions and their weights. Each reads the dataset column `teacher_label`."""

    def label_reward(completions, teacher_label, **_) -> list[float]:
        return [
            label_score(parse_relevance(completion_text(c)).label, t)
            for c, t in zip(completions, teacher_label, strict=True)
        ]

    def format_reward(completions, **_) -> list[float]:
        return [format_score(completion_text(c)) for c in completions]

    def length_reward(completion_ids, **_) -> list[float]:
        return [length_penalty(len(ids), max_completion_tokens, length_coefficient) for ids in completion_ids]

    functions: list[Callable] = [label_reward, format_reward]
    weights = [1.0, format_weight]
    if length_coefficient:
        functions.append(length_reward)
        weights.append(1.0)
    return functions, weights


# ----------------------------------------------------------------------------------------------
# Reward-weighted fine-tuning (offline)


def min_max_normalise(scores: Sequence[float]) -> list[float]:
    """Scale to [0, 1] within the group; a group of equal scores is all 1.0 (the official code)."""
    low, high = min(scores), max(scores)
    if high == low:
        return [1.0 for _ in scores]
    return [(s - low) / (high - low) for s in scores]


def disagreement_rate(sample_labels: Sequence[int | None], teacher_label: int) -> float:
    """Share of the student's samples whose label differs from the teacher's (failures count)."""
    if not sample_labels:
        return 0.0
    return sum(1 for label in sample_labels if label != teacher_label) / len(sample_labels)


@dataclass(frozen=True)
class ScoredAnswer:
    """One answer in a group: a student sample or the teacher's own answer."""

    completion: str
    label: int | None
    score: float
    source: str  # "student" or "teacher"
    rollout_id: str | None = None


def reward_weighted_items(
    samples: Sequence[ScoredAnswer],
    teacher: ScoredAnswer,
    *,
    threshold: float = 0.85,
    use_disagreement_weight: bool = False,
) -> list[dict]:
    """Training items of one (question, document) group, built as in the official code.

    Scores of the samples and the teacher's answer are min-max normalised together; an answer is
    kept when its normalised score is >= threshold; with `use_disagreement_weight` the weight is
    then multiplied by the student's disagreement rate with the teacher, and items whose weight
    falls to 0 are dropped. Each item: completion, label, source, rollout_id, normalised, weight.
    """
    group = [*samples, teacher]
    normalised = min_max_normalise([c.score for c in group])
    rate = disagreement_rate([s.label for s in samples], teacher.label) if use_disagreement_weight else 1.0
    items = []
    for candidate, norm in zip(group, normalised, strict=True):
        if norm < threshold:
            continue
        weight = norm * rate
        if weight <= 0:
            continue
        items.append(
            {
                "completion": candidate.completion,
                "label": candidate.label,
                "source": candidate.source,
                "rollout_id": candidate.rollout_id,
                "normalised": norm,
                "weight": weight,
            }
        )
    return items


class RewardModelScorer:
    """Scores (prompt messages, answer) with a Hugging Face sequence-classification reward model
    (logit 0 of the conversation rendered by the reward model's own chat template)."""

    def __init__(self, name_or_path: str, *, batch_size: int = 4, device: str | None = None):
        import torch
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        self.device = device or ("cuda" if torch.cuda.is_available() else "cpu")
        self.tokenizer = AutoTokenizer.from_pretrained(name_or_path)
        if self.tokenizer.pad_token is None:
            self.tokenizer.pad_token = self.tokenizer.eos_token
        dtype = torch.bfloat16 if self.device != "cpu" else torch.float32
        self.model = AutoModelForSequenceClassification.from_pretrained(name_or_path, num_labels=1, dtype=dtype)
        self.model.config.pad_token_id = self.tokenizer.pad_token_id
        self.model.to(self.device).eval()
        self.batch_size = batch_size

    def __call__(self, prompts: Sequence[list[dict]], completions: Sequence[str]) -> list[float]:
        import torch

        texts = [
            self.tokenizer.apply_chat_template([*p, {"role": "assistant", "content": c}], tokenize=False)
            for p, c in zip(prompts, completions, strict=True)
        ]
        scores: list[float] = []
        for start in range(0, len(texts), self.batch_size):
            batch = self.tokenizer(
                texts[start : start + self.batch_size], return_tensors="pt", padding=True, add_special_tokens=False
            ).to(self.device)
            with torch.inference_mode():
                scores.extend(self.model(**batch).logits[:, 0].float().tolist())
        return scores
