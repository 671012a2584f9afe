"""Distillation: supervised fine-tuning of the student on the teacher's answers (TRL SFTTrainer)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from reasonrank_assets.core.labels import label_token_ids
from reasonrank_assets.core.models import resolve_model
from reasonrank_assets.core.training import runs
from reasonrank_assets.core.training.examples import check_examples, conversational, to_dataset, training_set_version
from reasonrank_assets.core.training.settings import SFTSettings


def sft_config(settings: SFTSettings, output_dir: Path, has_eval: bool, **extra):
    from trl import SFTConfig

    eval_strategy = "steps" if has_eval and settings.eval_steps else "no"
    return SFTConfig(
        **runs.trainer_arguments(settings, output_dir, settings.effective_batch_size, settings.learning_rate),
        per_device_eval_batch_size=settings.per_device_batch_size,
        max_length=settings.max_length,
        completion_only_loss=True,  # loss on the answer only, never on the prompt or padding
        # one packed row per batch, no padding (TRL refuses it with max_length, which it cannot enforce then)
        padding_free=settings.padding_free and settings.max_length is None,
        eval_strategy=eval_strategy,
        eval_steps=settings.eval_steps if eval_strategy == "steps" else None,
        save_only_model=False,
        **extra,
    )


def build_sft_trainer(
    examples: Sequence[dict], settings: SFTSettings, output_dir: Path, progress: runs.Progress | None = None
):
    """The TRL SFTTrainer for these rows, data tokenised with the student's chat template and
    labels masked to the completion (inspect `trainer.train_dataset["labels"]`)."""
    SFTTrainer = sft_trainer_class()
    check_examples(examples)
    if settings.question_negatives:
        check_contrastive(settings)
        ordered = likelihood_groups(examples, settings.question_negatives, settings.seed)
    else:
        ordered = question_runs(examples, settings.tasks, settings.per_device_batch_size, settings.seed) if settings.rank_loss_weight else examples
    train_rows = conversational(ordered, "train", settings.tasks, label_probs=settings.soft_labels)
    if not train_rows:
        raise ValueError(f"no training examples with split 'train' and task in {list(settings.tasks)}")
    eval_rows = conversational(examples, "validation", settings.tasks, label_probs=settings.soft_labels)
    base_path = resolve_model(settings.base_model)
    model, tokenizer = runs.load_student(base_path, load_in_4bit=settings.load_in_4bit, dtype=settings.dtype)
    trainer = SFTTrainer(
        model=model,
        # the ranking losses compare one question's documents: their micro-batches come in the order made above
        args=sft_config(settings, Path(output_dir), bool(eval_rows), **({"train_sampling_strategy": "sequential"} if settings.rank_loss_weight or settings.question_negatives else {})),
        train_dataset=to_dataset(train_rows),
        eval_dataset=to_dataset(eval_rows) if eval_rows else None,
        processing_class=tokenizer,
        peft_config=runs.lora_config(settings),
    )
    if settings.rank_loss_weight or settings.soft_labels:
        trainer.rank_loss_weight, trainer.soft_labels, trainer.label_ids = settings.rank_loss_weight, settings.soft_labels, label_token_ids(tokenizer)[1]
    trainer.question_negatives = settings.question_negatives
    if settings.question_negatives:  # the reranker scores the question's tokens alone
        trainer.completion_tail = completion_tail_length(tokenizer)
    if settings.soft_labels:
        trainer.data_collator = ColumnCollator(trainer.data_collator, "label_probs")
    return runs.attach_progress(runs.lora_inputs_in_autocast(trainer), progress)


def question_runs(examples: Sequence[dict], tasks: Sequence[str], size: int, seed: int) -> list[dict]:
    """The train split's examples in runs of `size` from one question each, the runs shuffled
    (seeded); a question's last run is topped up with its own examples again. Read in order, every
    micro-batch is one question's documents: what the ranking loss compares."""
    import random

    rng = random.Random(seed)
    by_question: dict[tuple, list[dict]] = {}
    for e in sorted(examples, key=lambda e: e["example_id"]):
        if e["split"] == "train" and e["task"] in tasks:
            by_question.setdefault((e["task"], e.get("site"), e.get("question_id")), []).append(e)
    runs_: list[list[dict]] = []
    for rows in by_question.values():
        rng.shuffle(rows)
        padded = rows + [rows[i % len(rows)] for i in range(-len(rows) % size)]
        runs_ += [padded[i : i + size] for i in range(0, len(padded), size)]
    rng.shuffle(runs_)
    return [e for run in runs_ for e in run]


def check_contrastive(settings: SFTSettings) -> None:
    """The contrastive question loss reads one group a micro-batch, of the question task alone."""
    if settings.per_device_batch_size != 1 + settings.question_negatives:
        raise ValueError(f"SFTSettings.question_negatives {settings.question_negatives} needs per_device_batch_size {1 + settings.question_negatives} "
                         f"(one document and its negatives a micro-batch), not {settings.per_device_batch_size}")  # fmt: skip
    if tuple(settings.tasks) != ("question",) or settings.rank_loss_weight:
        raise ValueError("SFTSettings.question_negatives trains the task 'question' alone (tasks=('question',)), without rank_loss_weight")


def likelihood_groups(examples: Sequence[dict], negatives: int, seed: int) -> list[dict]:
    """The train split's question rows in groups of 1 + `negatives` from one question: each
    document labelled above others of its question's, then `negatives` of those judged lower, in
    as many groups as cover them all (shuffled, seeded; the last group topped up; a document with
    fewer than `negatives` below it makes none); the groups shuffled. Read in order, every
    micro-batch is one group, its first row the one the contrastive loss prefers."""
    import random

    rng = random.Random(seed)
    by_question: dict[tuple, list[dict]] = {}
    for e in sorted(examples, key=lambda e: e["example_id"]):
        if e["split"] == "train" and e["task"] == "question" and e.get("label") is not None:
            by_question.setdefault((e.get("site"), e.get("question_id")), []).append(e)
    groups = []
    for rows in by_question.values():
        for row in rows:
            lower = rng.sample(below := [r for r in rows if r["label"] < row["label"]], len(below))
            if len(lower) >= negatives:
                lower += lower[: -len(lower) % negatives]  # the first ones again: a full last group
                groups += [[row, *lower[i : i + negatives]] for i in range(0, len(lower), negatives)]
    if not groups:
        raise ValueError(f"no question-task document has {negatives} documents of its question judged lower (SFTSettings.question_negatives)")
    rng.shuffle(groups)
    return [e for group in groups for e in group]


def completion_tail_length(tokenizer) -> int:
    """How many tokens the chat template writes after an answer's text (SmolLM2's: <|im_end|> and
    a newline). TRL trains them as part of the completion; the reranker's query likelihood does
    not score them."""
    marker = "QUESTION-END"
    text = tokenizer.apply_chat_template([{"role": "user", "content": "q"}, {"role": "assistant", "content": marker}], tokenize=False)
    return len(tokenizer(text[text.rindex(marker) + len(marker) :], add_special_tokens=False)["input_ids"])


def contrastive_likelihood_loss(nll, answer, n_answers: int, tail: int = 0):
    """(loss, hit): the softmax cross-entropy of answer 0's question log-likelihood (the sum of
    its tokens' but the last `tail`, the template's end of turn) among the micro-batch's answers
    (one `likelihood_groups` group), and whether answer 0 already scored highest. Inputs as
    `answer_token_nll` returns (each answer's tokens together, in order)."""
    import torch
    import torch.nn.functional as F

    counts = torch.bincount(answer, minlength=n_answers)
    place = torch.arange(len(answer), device=nll.device) - (counts.cumsum(0) - counts)[answer]
    scored = place < (counts - tail)[answer]
    scores = -torch.zeros(n_answers, device=nll.device, dtype=nll.dtype).index_add(0, answer[scored], nll[scored])
    return F.cross_entropy(scores[None], torch.zeros(1, dtype=torch.long, device=nll.device)), bool(scores.argmax() == 0)


RANKNET_SCALE = 4.0  # expected labels lie in [0, 2]: one label apart, a pair is ordered with p = 0.98


def pairwise_rank_loss(logits, targets, answer, label_ids: Sequence[int]):
    """RankNet between the answers of one micro-batch (one question's documents, `question_runs`):
    each answer's score is its expected label, from the label tokens' probabilities where its gold
    label digit (the last label token it is trained on) is written; every pair with different gold
    labels adds softplus(-RANKNET_SCALE x (s_better - s_worse)). Inputs as `answer_logits` returns."""
    import torch
    import torch.nn.functional as F

    ids = torch.tensor(list(label_ids), device=logits.device)
    last = label_digit_positions(targets, answer, ids)
    if len(last) < 2:
        return logits.sum() * 0.0
    positions = torch.tensor(list(last.values()), device=logits.device)
    probs = F.softmax(logits[positions][:, ids].float(), dim=-1)
    scores = probs @ torch.arange(len(ids), dtype=probs.dtype, device=probs.device)
    grades = (targets[positions][:, None] == ids[None]).float().argmax(-1)
    better = grades[:, None] > grades[None, :]
    if not better.any():
        return logits.sum() * 0.0
    return F.softplus(-RANKNET_SCALE * (scores[:, None] - scores[None, :]))[better].mean()


def label_digit_positions(targets, answer, ids) -> dict[int, int]:
    """{answer index: the position of its label digit}: the last label token it is trained on."""
    import torch

    digit = torch.isin(targets, ids).nonzero().flatten()
    return {int(answer[i]): int(i) for i in digit}  # positions ascend: the last digit of each answer wins


def soft_label_nll(nll, logits, targets, answer, label_probs, label_ids: Sequence[int]):
    """The per-token NLLs with each answer's label digit scored as the cross-entropy against its
    teacher's P(0), P(1), P(2) (`label_probs`: one row per answer; NaN where it has none, whose
    digit keeps the hard label's NLL)."""
    import torch

    ids = torch.tensor(list(label_ids), device=logits.device)
    last = label_digit_positions(targets, answer, ids)
    if not last:
        return nll
    owners = torch.tensor(list(last), device=logits.device)
    positions = torch.tensor(list(last.values()), device=logits.device)
    target = label_probs.to(logits.device)[owners]
    known = ~target.isnan().any(-1)
    soft = -(target.nan_to_num(0.0) * logits[positions].log_softmax(-1)[:, ids]).sum(-1)
    return nll.index_put((positions[known],), soft[known])


def train_sft(
    examples: list[dict], settings: SFTSettings, output_dir: Path, progress: runs.Progress | None = None
) -> dict:
    """Distil the teacher's answers into the student. Returns the manifest (see module doc)."""
    output_dir = Path(output_dir)
    version = training_set_version(examples)
    fingerprint = runs.run_fingerprint("sft", settings, {"training_set_version": version})
    if (done := runs.claim(output_dir, fingerprint)) is not None:
        return done
    trainer = build_sft_trainer(examples, settings, output_dir, progress)
    run = runs.train_or_resume(trainer, output_dir)
    metrics = dict(run)
    if trainer.eval_dataset is not None:
        metrics["eval_loss"] = trainer.evaluate()["eval_loss"]
    lengths = [len(ids) for ids in trainer.train_dataset["input_ids"]]
    metrics.update(max_length_in_data=max(lengths), train_tokens=sum(lengths))
    paths = runs.save_outputs(trainer, trainer.processing_class, settings, resolve_model(settings.base_model), output_dir)
    if not paths:
        return {}
    loss_curve, _ = runs.curves(trainer.state.log_history)
    return runs.write_manifest(
        output_dir,
        {
            "checkpoint_id": fingerprint,
            "stage": "sft",
            "method": "sft",
            "base_model": settings.base_model,
            "init_checkpoint": None,
            "training_set_version": version,
            "n_examples": len(trainer.train_dataset),
            "n_validation": len(trainer.eval_dataset) if trainer.eval_dataset is not None else 0,
            "config": settings.to_dict(),
            "metrics": {**metrics, "loss_curve": loss_curve, "reward_curve": []},
            **paths,
            "code_version": runs.CODE_VERSION,
            "libraries": runs.library_versions(),
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        },
    )


def answer_logits(model, inputs: dict):
    """The logits of every trained position (label != -100), computed only there.

    Returns (logits, targets, answer, n_answers): per trained token the logits that predict it,
    the token, and the index of the answer it belongs to (a row of a padded batch, an example of a
    padding-free one). `inputs` is a collated batch; its labels are consumed.
    """
    import torch

    targets = inputs.pop("labels")[:, 1:]  # position p predicts token p + 1
    keep = (targets != -100).any(0).nonzero().flatten()
    logits = model(**inputs, use_cache=False, logits_to_keep=keep).logits
    targets = targets[:, keep]
    if "cu_seq_lens_q" in inputs:  # one packed row: an example's span holds its positions
        bounds = inputs["cu_seq_lens_q"].to(keep.device)
        answer, n_answers = torch.searchsorted(bounds[1:], keep, right=True)[None], len(bounds) - 1
    else:
        answer, n_answers = torch.arange(len(targets), device=keep.device)[:, None].expand_as(targets), len(targets)
    trained = targets != -100
    return logits[trained].float(), targets[trained], answer.expand_as(targets)[trained], n_answers


def answer_token_nll(model, inputs: dict):
    """(nll, answer, n_answers, top1): per trained token its NLL, the answer it belongs to (as
    `answer_logits`) and whether it was the model's most likely token."""
    import torch.nn.functional as F

    logits, targets, answer, n_answers = answer_logits(model, inputs)
    return F.cross_entropy(logits, targets, reduction="none"), answer, n_answers, logits.argmax(-1) == targets


def sft_trainer_class():
    """TRL's SFTTrainer, scoring only the completion's tokens on a CPU.

    On a CPU TRL's fused LM head projects every position through the vocabulary (it keeps only
    the trained ones on Triton devices), three times over with its backward recomputation, and
    computes the entropy of each: with a 350-token prompt and a 100-token answer that is most of
    the head's work, and the head is a fifth of SmolLM2's FLOPs. Elsewhere TRL's loss runs as is.
    """
    from trl import SFTTrainer

    class CompletionSFTTrainer(SFTTrainer):
        rank_loss_weight: float = 0.0  # build_sft_trainer sets these (and label_ids) from the settings
        soft_labels: bool = False
        question_negatives: int = 0
        completion_tail: int = 0
        label_ids: Sequence[int] = ()

        def _set_signature_columns_if_needed(self):
            super()._set_signature_columns_if_needed()
            if self.soft_labels and "label_probs" not in self._signature_columns:
                self._signature_columns = [*self._signature_columns, "label_probs"]

        def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
            label_probs = inputs.pop("label_probs", None)  # ColumnCollator's; evaluation keeps the hard labels
            if return_outputs or not (self.args.use_cpu or self.rank_loss_weight or label_probs is not None or self.question_negatives):
                return super().compute_loss(model, inputs, return_outputs, num_items_in_batch)
            import torch.nn.functional as F

            mode = "train" if model.training else "eval"
            tokens = inputs["attention_mask"].sum() if "attention_mask" in inputs else inputs["input_ids"].numel()
            logits, targets, answer, n_answers = answer_logits(model, inputs)
            nll = F.cross_entropy(logits, targets, reduction="none")
            if label_probs is not None:
                nll = soft_label_nll(nll, logits, targets, answer, label_probs, self.label_ids)
            loss = nll.sum() / (max(len(nll), 1) if num_items_in_batch is None else num_items_in_batch)
            if self.args.average_tokens_across_devices and num_items_in_batch is not None:
                loss = loss * self.accelerator.num_processes
            if self.question_negatives and mode == "train":  # in place of the token loss, a share of the accumulated batch
                contrastive, hit = contrastive_likelihood_loss(nll, answer, n_answers, self.completion_tail)
                loss = contrastive / (self.args.gradient_accumulation_steps if num_items_in_batch is not None else 1)
                self._metrics[mode]["likelihood_loss"].append(contrastive.item())
                self._metrics[mode]["first_ranked_first"].append(float(hit))
            if self.rank_loss_weight and mode == "train":
                rank = pairwise_rank_loss(logits, targets, answer, self.label_ids)
                # the token loss above is already a share of the accumulated batch; so is this, per micro-batch
                steps = self.args.gradient_accumulation_steps if num_items_in_batch is not None else 1
                loss = loss + self.rank_loss_weight * rank / steps
                self._metrics[mode]["rank_loss"].append(rank.item())
            self._metrics[mode]["mean_token_accuracy"].append((logits.argmax(-1) == targets).float().mean().item() if len(targets) else 0.0)
            if mode == "train":
                self._total_train_tokens += int(tokens)
            self._metrics[mode]["num_tokens"] = [self._total_train_tokens]
            return loss

    return CompletionSFTTrainer


class ColumnCollator:
    """TRL's collator, with one numeric column of the examples (`label_probs`, `weight`) taken out
    of them and put beside the batch as a float tensor under `key`, a row per example in the
    batch's order (an answer's index, as `answer_logits` numbers them)."""

    def __init__(self, base, column: str, key: str | None = None):
        self.base, self.column, self.key = base, column, key or column

    def __call__(self, features):
        import torch

        values = torch.tensor([f.pop(self.column) for f in features], dtype=torch.float32)
        batch = self.base(features)
        batch[self.key] = values
        return batch
