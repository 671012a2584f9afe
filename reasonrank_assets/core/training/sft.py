"""Distillation: supervised fine-tuning of the student on the teacher's answers (TRL SFTTrainer)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

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
    train_rows = conversational(examples, "train", settings.tasks)
    if not train_rows:
        raise ValueError(f"no training examples with split 'train' and task in {list(settings.tasks)}")
    eval_rows = conversational(examples, "validation", settings.tasks)
    base_path = resolve_model(settings.base_model)
    model, tokenizer = runs.load_student(base_path, load_in_4bit=settings.load_in_4bit, dtype=settings.dtype)
    trainer = SFTTrainer(
        model=model,
        args=sft_config(settings, Path(output_dir), bool(eval_rows)),
        train_dataset=to_dataset(train_rows),
        eval_dataset=to_dataset(eval_rows) if eval_rows else None,
        processing_class=tokenizer,
        peft_config=runs.lora_config(settings),
    )
    return runs.attach_progress(runs.lora_inputs_in_autocast(trainer), progress)


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


def answer_token_nll(model, inputs: dict):
    """The NLL of every trained token (label != -100), with logits computed only where one is.

    Returns (nll, answer, n_answers, top1): per trained token its NLL, the index of the answer it
    belongs to (a row of a padded batch, an example of a padding-free one) and whether it was the
    model's most likely token. `inputs` is a collated batch; its labels are consumed.
    """
    import torch
    import torch.nn.functional as F

    targets = inputs.pop("labels")[:, 1:]  # position p predicts token p + 1
    keep = (targets != -100).any(0).nonzero().flatten()
    logits = model(**inputs, use_cache=False, logits_to_keep=keep).logits.float()
    targets = targets[:, keep]
    nll = F.cross_entropy(logits.transpose(1, 2), targets, ignore_index=-100, reduction="none")
    if "cu_seq_lens_q" in inputs:  # one packed row: an example's span holds its positions
        bounds = inputs["cu_seq_lens_q"].to(keep.device)
        answer, n_answers = torch.searchsorted(bounds[1:], keep, right=True)[None], len(bounds) - 1
    else:
        answer, n_answers = torch.arange(len(targets), device=keep.device)[:, None].expand_as(targets), len(targets)
    trained = targets != -100
    return nll[trained], answer[trained], n_answers, (logits.argmax(-1) == targets)[trained]


def sft_trainer_class():
    """TRL's SFTTrainer, scoring only the completion's tokens on a CPU.

    On a CPU TRL's fused LM head projects every position through the vocabulary (it keeps only
    the trained ones on Triton devices), three times over with its backward recomputation, and
    computes the entropy of each: with a 350-token prompt and a 100-token answer that is most of
    the head's work, and the head is a fifth of SmolLM2's FLOPs. Elsewhere TRL's loss runs as is.
    """
    from trl import SFTTrainer

    class CompletionSFTTrainer(SFTTrainer):
        def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
            if not self.args.use_cpu or return_outputs:
                return super().compute_loss(model, inputs, return_outputs, num_items_in_batch)
            mode = "train" if model.training else "eval"
            tokens = inputs["attention_mask"].sum() if "attention_mask" in inputs else inputs["input_ids"].numel()
            nll, _, _, top1 = answer_token_nll(model, inputs)
            loss = nll.sum() / (max(len(nll), 1) if num_items_in_batch is None else num_items_in_batch)
            if self.args.average_tokens_across_devices and num_items_in_batch is not None:
                loss = loss * self.accelerator.num_processes
            self._metrics[mode]["mean_token_accuracy"].append(top1.float().mean().item() if len(top1) else 0.0)
            if mode == "train":
                self._total_train_tokens += int(tokens)
            self._metrics[mode]["num_tokens"] = [self._total_train_tokens]
            return loss

    return CompletionSFTTrainer
