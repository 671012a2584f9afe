"""Refinement of the SFT student: GRPO (online, TRL GRPOTrainer, verifiable rewards) or
reward-weighted fine-tuning (the official code: scored rollouts, loss = weight^3 x response NLL)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from reasonrank_assets.core.training import rewards, runs
from reasonrank_assets.core.training.examples import prompt_messages, relevance_pairs, to_dataset, training_set_version
from reasonrank_assets.core.training.settings import RefineSettings, SFTSettings
from reasonrank_assets.core.training.sft import ColumnCollator, answer_token_nll, sft_config, sft_trainer_class


def reward_weighted_training_items(
    examples: Sequence[dict], rollouts: Sequence[dict], settings: RefineSettings
) -> list[dict]:
    """Score each pair's rollouts and the teacher's answer, then build the official method's
    weighted items (`rewards.reward_weighted_items`). Each item keeps its example_id and prompt."""
    by_example: dict[str, list[dict]] = {}
    for rollout in rollouts:
        by_example.setdefault(rollout["example_id"], []).append(rollout)
    pairs = [e for e in relevance_pairs(examples, settings.max_pairs) if e["example_id"] in by_example]
    scorer = rewards.RewardModelScorer(settings.reward_model) if settings.reward_model else None
    items: list[dict] = []
    for example in pairs:
        group = sorted(by_example[example["example_id"]], key=lambda r: r["sample_index"])
        teacher_label = int(example["label"])
        answers = [r["completion"] for r in group] + [example["completion"]]
        if scorer is None:
            scores = [rewards.label_score(r["label"], teacher_label) for r in group] + [1.0]
        else:
            scores = scorer([prompt_messages(example)] * len(answers), answers)
        samples = [
            rewards.ScoredAnswer(r["completion"], r["label"], s, "student", r["rollout_id"])
            for r, s in zip(group, scores[:-1], strict=True)
        ]
        teacher = rewards.ScoredAnswer(example["completion"], teacher_label, scores[-1], "teacher")
        for item in rewards.reward_weighted_items(
            samples, teacher, threshold=settings.threshold, use_disagreement_weight=settings.use_disagreement_weight
        ):
            items.append({"example_id": example["example_id"], "prompt": example["prompt"], **item})
    return items


def weighted_sft_trainer_class():
    """SFTTrainer whose loss is mean over the batch of weight^3 x the answer's mean token NLL."""
    import torch

    class RewardWeightedTrainer(sft_trainer_class()):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.data_collator = ColumnCollator(self.data_collator, "weight", "weights")

        def _set_signature_columns_if_needed(self):
            self._signature_columns = ["input_ids", "labels", "weight"]

        def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
            weights = inputs.pop("weights")
            nll, answer, n_answers, _ = answer_token_nll(model, inputs)
            total = nll.new_zeros(n_answers).index_add(0, answer, nll)
            count = nll.new_zeros(n_answers).index_add(0, answer, torch.ones_like(nll))
            loss = (weights.to(nll.device) ** 3 * total / count.clamp(min=1)).mean()
            return (loss, None) if return_outputs else loss

    return RewardWeightedTrainer


def weighted_response_nll(logits, labels, weights):
    """mean_i( w_i^3 x mean NLL of answer i's tokens ); labels are -100 outside the answer.
    The reference (padded rows, full logits) that the trainers' packed loss is checked against."""
    import torch.nn.functional as F

    shift_logits, shift_labels = logits[:, :-1].float(), labels[:, 1:]
    token_nll = F.cross_entropy(shift_logits.transpose(1, 2), shift_labels, ignore_index=-100, reduction="none")
    mask = (shift_labels != -100).float()
    per_answer = (token_nll * mask).sum(1) / mask.sum(1).clamp(min=1)
    return (weights.to(per_answer.device) ** 3 * per_answer).mean()


def completion_logps(model, input_ids, attention_mask, completion_length: int, temperature: float, entropy: bool):
    """Per-token log-probabilities (and entropies) of each row's last `completion_length` tokens
    under logits / `temperature`, zero where the mask is: what TRL's fused LM head returns, with
    the prompt run once for the rows that share it (GRPO's k samples of one prompt do).

    Rows of one prompt (the same ids and padding) run it once, batch 1, and their completions
    run on copies of its cache; the positions and masks are those of one forward over the whole
    rows, so the numbers are the same (gradients flow back through the shared prompt). Only the
    completion's positions meet the vocabulary: on a CPU TRL's fused head projects every position.
    """
    import torch
    from transformers import DynamicCache

    prompt_length = input_ids.shape[1] - completion_length
    groups: dict[tuple, list[int]] = {}
    for row, (ids, mask) in enumerate(zip(input_ids[:, :prompt_length].tolist(), attention_mask[:, :prompt_length].tolist(), strict=True)):
        groups.setdefault((tuple(ids), tuple(mask)), []).append(row)
    order, logps, entropies = [], [], []
    for rows in groups.values():
        index = torch.tensor(rows, device=input_ids.device)
        head = model(input_ids=input_ids[rows[:1], :prompt_length], attention_mask=attention_mask[rows[:1], :prompt_length], use_cache=True, logits_to_keep=1)
        cache = DynamicCache(config=model.config)
        for layer, cached in enumerate(head.past_key_values.layers):
            cache.update(cached.keys.expand(len(rows), -1, -1, -1), cached.values.expand(len(rows), -1, -1, -1), layer)
        tail = model(input_ids=input_ids[index, prompt_length:], attention_mask=attention_mask[index], past_key_values=cache, use_cache=True)
        logits = torch.cat([head.logits[:, -1:].expand(len(rows), -1, -1), tail.logits[:, :-1]], dim=1).float() / temperature
        log_probs = logits.log_softmax(-1)
        masked = attention_mask[index, prompt_length:] == 0
        logps.append(log_probs.gather(-1, input_ids[index, prompt_length:, None])[..., 0].masked_fill(masked, 0))
        if entropy:  # a metric, and a mask with top_entropy_quantile: never differentiated, so kept off the graph
            with torch.no_grad():
                entropies.append(-(log_probs.exp() * log_probs).sum(-1).masked_fill(masked, 0))
        order += rows
    restore = torch.argsort(torch.tensor(order, device=input_ids.device))
    return torch.cat(logps)[restore], torch.cat(entropies)[restore] if entropy else None


def grpo_trainer_class():
    """TRL's GRPOTrainer where a prompt's k samples share its prompt, on a CPU (text-only models):
    they are sampled by `core.generation` (the prompt prefilled once, grouped-query decoding; the
    same sampling distribution as transformers' at TRL's defaults: temperature, top-p) and their
    log-probabilities computed by `completion_logps` (one prompt forward for the policy's pass, its
    backward and the reference's). Elsewhere, and for what they do not cover, TRL's own."""
    from trl import GRPOTrainer

    from reasonrank_assets.core import generation

    class SharedPromptGRPOTrainer(GRPOTrainer):
        def _generate_single_turn(self, prompt_ids, images, multimodal_fields, num_generations, has_tool_images=False):
            config = self.generation_config
            plain_sampling = not (config.top_k or config.min_p or config.repetition_penalty not in (None, 1.0) or self.args.generation_kwargs)
            if not self.args.use_cpu or self.use_vllm or images is not None or multimodal_fields or not plain_sampling:
                return super()._generate_single_turn(prompt_ids, images, multimodal_fields, num_generations, has_tool_images)
            completions = generation.generate(
                self.accelerator.unwrap_model(self.model), [list(p) for p in prompt_ids], self._tokenizer.pad_token_id,
                config.max_new_tokens, groups=[tuple(p) for p in prompt_ids], temperature=config.temperature,
                top_p=config.top_p, eos_token_ids=self.eos_token_ids,
            )  # fmt: skip
            return completions, None

        def _get_per_token_logps_and_entropies(self, model, input_ids, attention_mask, logits_to_keep, batch_size=None, compute_entropy=False, compute_aux_loss=False, **extra):
            if not self.args.use_cpu or compute_aux_loss or any(value is not None for value in extra.values()):
                return super()._get_per_token_logps_and_entropies(model, input_ids, attention_mask, logits_to_keep, batch_size, compute_entropy, compute_aux_loss, **extra)
            with self.accelerator.autocast():
                logps, entropies = completion_logps(model, input_ids, attention_mask, logits_to_keep, self.temperature, compute_entropy)
            return logps, entropies, None

    return SharedPromptGRPOTrainer


def _grpo_trainer(examples, settings: RefineSettings, model, tokenizer, output_dir: Path, progress):
    from trl import GRPOConfig

    pairs = relevance_pairs(examples, settings.max_pairs)
    if not pairs:
        raise ValueError("GRPO needs relevance examples with a teacher label in the train split")
    dataset = to_dataset([{"prompt": prompt_messages(e), "teacher_label": int(e["label"])} for e in pairs])
    functions, weights = rewards.grpo_reward_functions(
        format_weight=settings.format_weight,
        length_coefficient=settings.length_penalty,
        max_completion_tokens=settings.max_completion_length,
    )
    config = GRPOConfig(
        **runs.trainer_arguments(settings, output_dir, settings.k * settings.prompts_per_step, settings.lr),
        num_generations=settings.k,
        temperature=settings.temperature,
        max_completion_length=settings.max_completion_length,
        beta=settings.kl_beta,
        reward_weights=weights,
    )
    trainer = grpo_trainer_class()(
        model=model,
        reward_funcs=functions,
        args=config,
        train_dataset=dataset,
        processing_class=tokenizer,
        peft_config=runs.lora_config(settings),
    )
    return runs.attach_progress(trainer, progress)


def _reward_weighted_trainer(examples, rollouts, settings: RefineSettings, model, tokenizer, output_dir, progress):
    items = reward_weighted_training_items(examples, rollouts, settings)
    if not items:
        raise ValueError(
            "reward-weighted refinement kept no answer: every group fell under the threshold "
            f"({settings.threshold}) or had no disagreement to weight"
        )
    rows = [
        {
            "prompt": prompt_messages(item),
            "completion": [{"role": "assistant", "content": item["completion"]}],
            "weight": item["weight"],
        }
        for item in items
    ]
    sft_like = SFTSettings(
        **{f.name: getattr(settings, f.name) for f in fields(SFTSettings) if hasattr(settings, f.name)}
        | {"learning_rate": settings.lr, "eval_steps": None, "base_model": "", "max_length": None}
    )
    trainer = weighted_sft_trainer_class()(
        model=model,
        args=sft_config(sft_like, output_dir, has_eval=False),
        train_dataset=to_dataset(rows),
        processing_class=tokenizer,
        peft_config=runs.lora_config(settings),
    )
    return runs.attach_progress(runs.lora_inputs_in_autocast(trainer), progress), items


def train_refined(
    examples: list[dict],
    rollouts: list[dict] | None,
    checkpoint: Path,
    settings: RefineSettings,
    output_dir: Path,
    progress: runs.Progress | None = None,
) -> dict:
    """Refine the SFT student at `checkpoint` (a full-weights directory, e.g. the SFT manifest's
    `checkpoint`). `rollouts` are used by "reward_weighted" only. Returns the manifest."""
    output_dir = Path(output_dir)
    version = training_set_version(examples)
    rollout_version = hashlib.sha256(
        json.dumps(sorted((r["rollout_id"], r["completion"]) for r in rollouts or []) if settings.method != "grpo" else []).encode()
    ).hexdigest()[:16]
    fingerprint = runs.run_fingerprint(
        "refine",
        settings,
        {"training_set_version": version, "init": str(checkpoint), "rollouts": rollout_version},
    )
    if (done := runs.claim(output_dir, fingerprint)) is not None:
        return done
    model, tokenizer = runs.load_student(str(checkpoint), load_in_4bit=settings.load_in_4bit, dtype=settings.dtype)
    extra: dict[str, Any] = {}
    if settings.method == "grpo":
        trainer = _grpo_trainer(examples, settings, model, tokenizer, output_dir, progress)
        extra["n_examples"] = len(trainer.train_dataset)
    else:
        if not rollouts:
            raise ValueError("reward_weighted refinement needs the refinement_rollouts rows")
        trainer, items = _reward_weighted_trainer(examples, rollouts, settings, model, tokenizer, output_dir, progress)
        extra.update(
            n_examples=len(items),
            n_rollouts=len(rollouts),
            items_from_teacher=sum(1 for i in items if i["source"] == "teacher"),
            mean_weight=sum(i["weight"] for i in items) / len(items),
        )
    run = runs.train_or_resume(trainer, output_dir)
    paths = runs.save_outputs(trainer, tokenizer, settings, str(checkpoint), output_dir)
    if not paths:
        return {}
    loss_curve, reward_curve = runs.curves(trainer.state.log_history)
    n_examples = extra.pop("n_examples")
    return runs.write_manifest(
        output_dir,
        {
            "checkpoint_id": fingerprint,
            "stage": "refine",
            "method": settings.method,
            "base_model": _base_of(checkpoint),
            "init_checkpoint": str(checkpoint),
            "training_set_version": version,
            "n_examples": n_examples,
            "n_validation": 0,
            "config": settings.to_dict(),
            "metrics": {**run, **extra, "loss_curve": loss_curve, "reward_curve": reward_curve},
            **paths,
            "code_version": runs.CODE_VERSION,
            "libraries": runs.library_versions(),
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        },
    )


def _base_of(checkpoint: Path) -> str:
    """The base model named by the manifest beside an SFT checkpoint, else the path itself."""
    manifest = Path(checkpoint).parent / runs.MANIFEST
    if manifest.exists():
        return json.loads(manifest.read_text()).get("base_model", str(checkpoint))
    return str(checkpoint)
