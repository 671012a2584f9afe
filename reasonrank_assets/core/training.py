"""Student training: distillation by SFT, then refinement (GRPO or reward-weighted fine-tuning).

Plain functions over `training_examples` rows (example_id, split, task, prompt = JSON chat
messages, completion, label). Settings dataclasses default to the method's GPU recipe
(Llama-3.2-3B-Instruct, QLoRA); `cpu_profile()` gives a few-step run of the offline default
SmolLM2-135M-Instruct.

Output directory layout of a training stage (`train_sft`, `train_refined`):

    output_dir/
      run.json          fingerprint of the inputs (a directory never mixes two runs)
      checkpoints/      Trainer checkpoints every `save_steps`; a re-run resumes from the last one
      adapter/          LoRA adapter + tokenizer (LoRA runs only)
      model/            full weights + tokenizer: the fine-tuned model, or the LoRA merged into its
                        base (`merge=True`); `AutoModelForCausalLM.from_pretrained` loads it
      manifest.json     what was trained: the `model_checkpoints` row and the loss/reward curves

The manifest's `checkpoint` is the directory to load: `model/` when present, else `adapter/`
(transformers loads an adapter directory through PEFT, base model included). A run whose
manifest exists with the same fingerprint is not trained again.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, fields, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from reasonrank_assets.core import generation, rewards
from reasonrank_assets.core.attention import register_packed_sdpa
from reasonrank_assets.core.io import atomic_path, write_text
from reasonrank_assets.core.models import resolve_model
from reasonrank_assets.core.prompts import STOP, parse_relevance

CODE_VERSION = "training-v1"  # bump when a change alters what training produces
GPU_STUDENT = "meta-llama/Llama-3.2-3B-Instruct"
CPU_STUDENT = "smollm2-135m-instruct"
LORA_TARGETS = ("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj")
# The CPU profiles' LoRA: no 4-bit (bitsandbytes needs CUDA), every projection, alpha = 2r.
CPU_LORA = {
    "load_in_4bit": False,
    "lora_r": 16,
    "lora_alpha": 32,
    "lora_dropout": 0.0,
    "lora_target_modules": (*LORA_TARGETS, "up_proj", "down_proj"),
}
MANIFEST = "manifest.json"

Progress = Callable[[dict], None]


# ----------------------------------------------------------------------------------------------
# Settings


class _Settings:
    def to_dict(self) -> dict:
        return asdict(self)  # type: ignore[call-overload]

    @classmethod
    def from_dict(cls, values: dict):
        known = {f.name for f in fields(cls)}  # type: ignore[arg-type]
        unknown = sorted(set(values) - known)
        if unknown:
            raise ValueError(f"{cls.__name__}: unknown setting(s) {unknown}; known: {sorted(known)}")
        values = {k: tuple(v) if isinstance(v, list) else v for k, v in values.items()}
        return cls(**values)


@dataclass(frozen=True)
class SFTSettings(_Settings):
    """Distillation. Defaults are the method's GPU recipe (DESIGN section 2)."""

    base_model: str = GPU_STUDENT  # hub id, directory, or the alias "smollm2-135m-instruct"
    tasks: tuple[str, ...] = ("relevance", "queries")  # multi-task: both teacher tasks
    use_lora: bool = True
    load_in_4bit: bool = True  # QLoRA: NF4 weights, bf16 compute (bitsandbytes, CUDA only)
    lora_r: int = 64
    lora_alpha: int = 16
    lora_dropout: float = 0.1
    lora_target_modules: tuple[str, ...] = LORA_TARGETS
    learning_rate: float = 2e-4
    lr_scheduler_type: str = "constant_with_warmup"  # constant after a linear warmup
    warmup_ratio: float = 0.03
    num_train_epochs: float = 1.0
    max_steps: int = -1  # > 0 overrides epochs
    effective_batch_size: int = 16  # per_device x processes x accumulation
    per_device_batch_size: int = 4
    max_grad_norm: float = 0.3
    weight_decay: float = 0.001
    max_length: int | None = None  # None: the longest example in the data (no truncation)
    padding_free: bool = True  # a batch as one packed row, no padding (needs max_length None)
    dtype: str = "bfloat16"  # weights of a non-quantised model: "bfloat16" | "float32"
    bf16: bool = True  # bf16 mixed precision (autocast)
    gradient_checkpointing: bool = True
    save_steps: int = 200
    save_total_limit: int = 2
    logging_steps: int = 10
    eval_steps: int | None = 200  # None: evaluate once, at the end
    seed: int = 42
    merge: bool = False  # also write merged full weights to model/ (LoRA runs)
    deepspeed: str | None = None  # a DeepSpeed JSON config (see docs/training.md)

    @classmethod
    def cpu_profile(cls, **overrides) -> SFTSettings:
        """SmolLM2-135M-Instruct, LoRA on all projections, a handful of steps: minutes on 2 cores.
        The frozen base is held in bf16; weights that are trained (use_lora=False) stay float32."""
        if not overrides.get("use_lora", True):
            overrides = {"dtype": "float32", **overrides}
        profile = cls(
            base_model=CPU_STUDENT,
            **CPU_LORA,
            learning_rate=1e-3,
            max_steps=6,
            effective_batch_size=4,
            per_device_batch_size=4,
            max_grad_norm=1.0,
            dtype="bfloat16",  # frozen base in bf16 (AMX); the LoRA adapters stay float32
            bf16=True,
            gradient_checkpointing=False,
            save_steps=3,
            logging_steps=1,
            eval_steps=None,
            merge=True,
        )
        return replace(profile, **overrides)


@dataclass(frozen=True)
class RolloutSettings(_Settings):
    """Sampling of the SFT student's answers for reward-weighted refinement."""

    k: int = 8  # samples per (question, document) pair
    temperature: float = 1.0
    top_p: float = 1.0
    max_new_tokens: int = 1024
    batch_size: int = 4  # pairs per generate() call (k answers each)
    max_pairs: int | None = None  # None: every relevance pair of the train split
    dtype: str = "bfloat16"
    seed: int = 42

    @classmethod
    def cpu_profile(cls, **overrides) -> RolloutSettings:
        return replace(cls(k=4, max_new_tokens=64, batch_size=4, max_pairs=4), **overrides)


@dataclass(frozen=True)
class RefineSettings(_Settings):
    """Refinement. `method`: "grpo" (online, TRL GRPOTrainer, verifiable rewards) or
    "reward_weighted" (the official code: scored rollouts, loss = weight^3 x response NLL)."""

    method: str = "grpo"
    # shared
    use_lora: bool = True
    load_in_4bit: bool = True
    lora_r: int = 64
    lora_alpha: int = 16
    lora_dropout: float = 0.1
    lora_target_modules: tuple[str, ...] = LORA_TARGETS
    learning_rate: float | None = None  # None: 1e-5 for grpo, 2e-4 for reward_weighted
    lr_scheduler_type: str = "constant_with_warmup"
    warmup_ratio: float = 0.03
    num_train_epochs: float = 1.0
    max_steps: int = -1
    per_device_batch_size: int = 8
    max_grad_norm: float = 0.3
    weight_decay: float = 0.001
    dtype: str = "bfloat16"
    bf16: bool = True
    gradient_checkpointing: bool = True
    save_steps: int = 100
    save_total_limit: int = 2
    logging_steps: int = 10
    seed: int = 42
    merge: bool = False
    deepspeed: str | None = None
    max_pairs: int | None = None  # None: every relevance pair of the train split
    # grpo
    k: int = 8  # generations per prompt
    prompts_per_step: int = 2  # effective batch = k x prompts_per_step completions
    temperature: float = 1.0
    max_completion_length: int = 1024
    kl_beta: float = 0.04  # KL coefficient against the SFT model (0 disables the reference model)
    format_weight: float = 0.2  # weight of the format reward beside the label reward (1.0)
    length_penalty: float = 0.0  # coefficient of the length cost (0 = off)
    # reward_weighted
    reward_model: str | None = None  # a sequence-classification reward model; None = label agreement
    threshold: float = 0.85  # keep answers whose group-normalised score is >= threshold
    use_disagreement_weight: bool = False  # x the student's label-disagreement rate
    effective_batch_size: int = 16

    def __post_init__(self):
        if self.method not in ("grpo", "reward_weighted"):
            raise ValueError(f"RefineSettings.method must be 'grpo' or 'reward_weighted', not {self.method!r}")

    @property
    def lr(self) -> float:
        if self.learning_rate is not None:
            return self.learning_rate
        return 1e-5 if self.method == "grpo" else 2e-4

    @classmethod
    def cpu_profile(cls, method: str = "grpo", **overrides) -> RefineSettings:
        """As SFTSettings.cpu_profile: a bf16 frozen base under LoRA, float32 weights that are trained."""
        if not overrides.get("use_lora", True):
            overrides = {"dtype": "float32", **overrides}
        profile = cls(
            method=method,
            **CPU_LORA,
            learning_rate=5e-4,
            max_steps=4,
            per_device_batch_size=4,
            max_grad_norm=1.0,
            dtype="bfloat16",
            gradient_checkpointing=False,
            save_steps=2,
            logging_steps=1,
            merge=True,
            k=4,
            prompts_per_step=1,
            max_completion_length=64,
            kl_beta=0.0,
            effective_batch_size=4,
            max_pairs=8,
        )
        return replace(profile, **overrides)


# ----------------------------------------------------------------------------------------------
# Inputs

REQUIRED_COLUMNS = ("example_id", "split", "task", "prompt", "completion")


def load_rows(path: Path) -> list[dict]:
    """Rows from a Parquet or JSON-lines file (the worker's inputs)."""
    path = Path(path)
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq

        return pq.read_table(path).to_pylist()
    rows = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if line.strip():
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError as error:
                    raise ValueError(f"{path}:{number}: not a JSON object ({error})") from error
    return rows


def prompt_messages(example: dict) -> list[dict]:
    """The example's chat messages; a clear error names the example and field when malformed."""
    where = f"training example {example.get('example_id')!r}, field 'prompt'"
    raw = example.get("prompt")
    try:
        messages = json.loads(raw) if isinstance(raw, str) else raw
    except json.JSONDecodeError as error:
        raise ValueError(f"{where}: not JSON ({error})") from error
    if not isinstance(messages, list) or not all(
        isinstance(m, dict) and isinstance(m.get("role"), str) and isinstance(m.get("content"), str)
        for m in messages
    ):
        raise ValueError(f"{where}: expected a list of {{role, content}} messages")
    return messages


def check_examples(examples: Sequence[dict]) -> None:
    for index, example in enumerate(examples):
        missing = [c for c in REQUIRED_COLUMNS if example.get(c) is None]
        if missing:
            raise ValueError(f"training example #{index} ({example.get('example_id')!r}) lacks {missing}")
        prompt_messages(example)


def training_set_version(examples: Sequence[dict]) -> str:
    """Content hash of the rows that matter to training (order-independent)."""
    digest = hashlib.sha256()
    for key in sorted(
        json.dumps([e["example_id"], e["split"], e["task"], e["prompt"], e["completion"]], ensure_ascii=False)
        for e in examples
    ):
        digest.update(key.encode())
    return digest.hexdigest()[:16]


def _conversational(examples: Sequence[dict], split: str, tasks: Sequence[str]) -> list[dict]:
    return [
        {"prompt": prompt_messages(e), "completion": [{"role": "assistant", "content": e["completion"]}]}
        for e in examples
        if e["split"] == split and e["task"] in tasks
    ]


def _dataset(rows: list[dict]):
    from datasets import Dataset

    return Dataset.from_list(rows)


# ----------------------------------------------------------------------------------------------
# Models


def _has_cuda() -> bool:
    import torch

    return torch.cuda.is_available()


def _world_size() -> int:
    return int(os.environ.get("WORLD_SIZE", "1"))


def _accumulation(effective: int, per_device: int) -> int:
    per_step = per_device * _world_size()
    if effective % per_step:
        raise ValueError(
            f"effective batch {effective} is not a multiple of per-device batch {per_device} x {_world_size()} processes"
        )
    return effective // per_step


def load_student(path: str, *, load_in_4bit: bool, dtype: str):
    """The model and tokenizer to train. QLoRA loads NF4 weights with bf16 compute (CUDA only)."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(path)
    # packed_sdpa: padding-free batches attend within each example only (core/attention.py)
    kwargs: dict[str, Any] = {"dtype": getattr(torch, dtype), "attn_implementation": register_packed_sdpa()}
    if load_in_4bit:
        if not torch.cuda.is_available():
            raise RuntimeError(
                "load_in_4bit (QLoRA) needs a CUDA GPU and the `gpu` extra (bitsandbytes); "
                "on a CPU use the settings' cpu_profile() or load_in_4bit=False"
            )
        from transformers import BitsAndBytesConfig

        kwargs["quantization_config"] = BitsAndBytesConfig(
            load_in_4bit=True, bnb_4bit_quant_type="nf4", bnb_4bit_compute_dtype=torch.bfloat16
        )
        kwargs["dtype"] = torch.bfloat16
        kwargs["device_map"] = {"": int(os.environ.get("LOCAL_RANK", "0"))}
    model = AutoModelForCausalLM.from_pretrained(path, **kwargs)
    if load_in_4bit:
        from peft import prepare_model_for_kbit_training

        model = prepare_model_for_kbit_training(model, use_gradient_checkpointing=False)
    return model, tokenizer


def _lora_config(settings):
    if not settings.use_lora:
        return None
    from peft import LoraConfig

    return LoraConfig(
        r=settings.lora_r,
        lora_alpha=settings.lora_alpha,
        lora_dropout=settings.lora_dropout,
        target_modules=list(settings.lora_target_modules),
        task_type="CAUSAL_LM",
    )


def merge_adapter(adapter_dir: Path, base_path: str, target: Path, dtype: str = "bfloat16") -> Path:
    """Merge a LoRA adapter into full-precision base weights (never into 4-bit ones) and save."""
    import torch
    from peft import PeftModel
    from transformers import AutoModelForCausalLM, AutoTokenizer

    base = AutoModelForCausalLM.from_pretrained(base_path, dtype=getattr(torch, dtype))
    merged = PeftModel.from_pretrained(base, adapter_dir).merge_and_unload()
    with atomic_path(target, directory=True) as tmp:  # a kill never leaves half a model
        merged.save_pretrained(tmp)
        AutoTokenizer.from_pretrained(adapter_dir).save_pretrained(tmp)
    return target


# ----------------------------------------------------------------------------------------------
# Runs: fingerprint, resume, manifest


def run_fingerprint(stage: str, settings, inputs: dict) -> str:
    payload = json.dumps({"stage": stage, "settings": settings.to_dict(), **inputs, "code": CODE_VERSION}, sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


def _claim(output_dir: Path, fingerprint: str) -> dict | None:
    """Return the finished manifest of this very run, or None after claiming the directory."""
    output_dir.mkdir(parents=True, exist_ok=True)
    run_file = output_dir / "run.json"
    if run_file.exists():
        previous = json.loads(run_file.read_text())["fingerprint"]
        if previous != fingerprint:
            raise ValueError(
                f"{output_dir} holds a run with other inputs or settings (fingerprint {previous}, "
                f"this run {fingerprint}); use a new output directory"
            )
    else:
        run_file.write_text(json.dumps({"fingerprint": fingerprint}))
    manifest = output_dir / MANIFEST
    if manifest.exists():
        return json.loads(manifest.read_text())
    return None


def last_checkpoint(output_dir: Path) -> Path | None:
    """The newest complete Trainer checkpoint (trainer_state.json is written last)."""
    root = output_dir / "checkpoints"
    if not root.is_dir():
        return None
    complete = [p for p in root.glob("checkpoint-*") if (p / "trainer_state.json").exists()]
    return max(complete, key=lambda p: int(p.name.split("-")[-1]), default=None)


def _curves(log_history: list[dict]) -> tuple[list[dict], list[dict]]:
    """Loss and reward points from the Trainer's log history."""
    loss = [{"step": h["step"], "loss": h["loss"]} for h in log_history if "loss" in h]
    reward_keys = lambda h: {k: v for k, v in h.items() if k == "reward" or k.startswith("rewards/")}  # noqa: E731
    reward = [{"step": h["step"], **reward_keys(h)} for h in log_history if "reward" in h]
    return loss, reward


def _lora_inputs_in_autocast(trainer, settings):
    """PEFT casts each adapted projection's input to the adapters' float32, and under bf16 autocast
    the adapter's matmul casts it straight back: two copies of the activations per projection,
    forward and backward. SFT runs every forward under autocast, so the casts can go (GRPO samples
    outside autocast and keeps them)."""
    if settings.bf16:
        for module in trainer.model.modules():
            if hasattr(module, "cast_input_dtype_enabled"):
                module.cast_input_dtype_enabled = False
    return trainer


def _attach_progress(trainer, progress: Progress | None):
    """Send every Trainer log line (step, loss, rewards) to `progress` instead of printing it."""
    if progress is None:
        return trainer
    from transformers import PrinterCallback, TrainerCallback

    class Forward(TrainerCallback):
        def on_log(self, args, state, control, logs=None, **kwargs):
            if state.is_world_process_zero and logs:
                progress({"step": state.global_step, "max_steps": state.max_steps, **logs})

    trainer.remove_callback(PrinterCallback)
    trainer.add_callback(Forward())
    return trainer


def _train(trainer, output_dir: Path) -> dict:
    """Run or resume the trainer; return run facts for the manifest."""
    resume = last_checkpoint(output_dir)
    started = time.perf_counter()
    result = trainer.train(resume_from_checkpoint=str(resume) if resume else None)
    return {
        "global_step": trainer.state.global_step,
        "train_loss": result.training_loss,
        "train_runtime_s": round(time.perf_counter() - started, 2),
        "resumed_from_step": int(resume.name.split("-")[-1]) if resume else None,
    }


def _save(trainer, tokenizer, settings, base_path: str, output_dir: Path) -> dict:
    """Save adapter and/or full weights; return the manifest's path fields (main process only)."""
    lora = settings.use_lora
    target = output_dir / ("adapter" if lora else "model")
    tmp = target.with_name(f".{target.name}.tmp")
    trainer.save_model(str(tmp))  # every process: DeepSpeed gathers shards here
    if not trainer.accelerator.is_main_process:
        return {}
    tokenizer.save_pretrained(tmp)
    shutil.rmtree(target, ignore_errors=True)
    os.replace(tmp, target)
    paths = {"adapter": str(target) if lora else None, "weights": "lora" if lora else "full", "merged": False}
    if lora and settings.merge:
        merge_adapter(target, base_path, output_dir / "model", dtype="bfloat16")
        paths["merged"] = True
    model_dir = output_dir / "model"
    paths["checkpoint"] = str(model_dir if model_dir.exists() else target)
    return paths


def _write_manifest(output_dir: Path, manifest: dict) -> dict:
    write_text(output_dir / MANIFEST, json.dumps(manifest, indent=2, default=str))
    return manifest


def _library_versions() -> dict:
    from importlib.metadata import version

    return {name: version(name) for name in ("torch", "transformers", "trl", "peft")}


# ----------------------------------------------------------------------------------------------
# Distillation


def _sft_config(settings: SFTSettings, output_dir: Path, has_eval: bool, **extra):
    from trl import SFTConfig

    eval_strategy = "steps" if has_eval and settings.eval_steps else "no"
    return SFTConfig(
        output_dir=str(output_dir / "checkpoints"),
        learning_rate=settings.learning_rate,
        lr_scheduler_type=settings.lr_scheduler_type,
        warmup_steps=settings.warmup_ratio,  # a float in [0, 1) is a ratio of the total steps
        num_train_epochs=settings.num_train_epochs,
        max_steps=settings.max_steps,
        per_device_train_batch_size=settings.per_device_batch_size,
        per_device_eval_batch_size=settings.per_device_batch_size,
        gradient_accumulation_steps=_accumulation(settings.effective_batch_size, settings.per_device_batch_size),
        max_grad_norm=settings.max_grad_norm,
        weight_decay=settings.weight_decay,
        max_length=settings.max_length,
        completion_only_loss=True,  # loss on the answer only, never on the prompt or padding
        # one packed row per batch, no padding (TRL refuses it with max_length, which it cannot enforce then)
        padding_free=settings.padding_free and settings.max_length is None,
        bf16=settings.bf16,
        gradient_checkpointing=settings.gradient_checkpointing,
        save_strategy="steps",
        save_steps=settings.save_steps,
        save_total_limit=settings.save_total_limit,
        logging_steps=settings.logging_steps,
        eval_strategy=eval_strategy,
        eval_steps=settings.eval_steps if eval_strategy == "steps" else None,
        seed=settings.seed,
        deepspeed=settings.deepspeed,
        report_to=[],
        disable_tqdm=True,
        save_only_model=False,
        dataloader_pin_memory=_has_cuda(),
        use_cpu=not _has_cuda(),
        **extra,
    )


def build_sft_trainer(
    examples: Sequence[dict], settings: SFTSettings, output_dir: Path, progress: Progress | None = None
):
    """The TRL SFTTrainer for these rows, data tokenised with the student's chat template and
    labels masked to the completion (inspect `trainer.train_dataset["labels"]`)."""
    SFTTrainer = _sft_trainer_class()
    check_examples(examples)
    train_rows = _conversational(examples, "train", settings.tasks)
    if not train_rows:
        raise ValueError(f"no training examples with split 'train' and task in {list(settings.tasks)}")
    eval_rows = _conversational(examples, "validation", settings.tasks)
    base_path = resolve_model(settings.base_model)
    model, tokenizer = load_student(base_path, load_in_4bit=settings.load_in_4bit, dtype=settings.dtype)
    trainer = SFTTrainer(
        model=model,
        args=_sft_config(settings, Path(output_dir), bool(eval_rows)),
        train_dataset=_dataset(train_rows),
        eval_dataset=_dataset(eval_rows) if eval_rows else None,
        processing_class=tokenizer,
        peft_config=_lora_config(settings),
    )
    return _attach_progress(_lora_inputs_in_autocast(trainer, settings), progress)


def train_sft(
    examples: list[dict], settings: SFTSettings, output_dir: Path, progress: Progress | None = None
) -> dict:
    """Distil the teacher's answers into the student. Returns the manifest (see module doc)."""
    output_dir = Path(output_dir)
    version = training_set_version(examples)
    fingerprint = run_fingerprint("sft", settings, {"training_set_version": version})
    if (done := _claim(output_dir, fingerprint)) is not None:
        return done
    trainer = build_sft_trainer(examples, settings, output_dir, progress)
    run = _train(trainer, output_dir)
    metrics = dict(run)
    if trainer.eval_dataset is not None:
        metrics["eval_loss"] = trainer.evaluate()["eval_loss"]
    lengths = [len(ids) for ids in trainer.train_dataset["input_ids"]]
    metrics.update(max_length_in_data=max(lengths), train_tokens=sum(lengths))
    paths = _save(trainer, trainer.processing_class, settings, resolve_model(settings.base_model), output_dir)
    if not paths:
        return {}
    loss_curve, _ = _curves(trainer.state.log_history)
    return _write_manifest(
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
            "code_version": CODE_VERSION,
            "libraries": _library_versions(),
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        },
    )


# ----------------------------------------------------------------------------------------------
# Rollouts (reward-weighted refinement samples the SFT student once)


def _relevance_pairs(examples: Sequence[dict], max_pairs: int | None) -> list[dict]:
    check_examples(examples)
    pairs = [
        e for e in examples if e["split"] == "train" and e["task"] == "relevance" and e.get("label") is not None
    ]
    pairs.sort(key=lambda e: e["example_id"])
    return pairs[:max_pairs] if max_pairs else pairs


def sample_rollouts(examples: list[dict], checkpoint: Path, settings: RolloutSettings) -> list[dict]:
    """`refinement_rollouts` rows: k answers per relevance pair of the train split, sampled at
    `temperature` from the SFT student, stopped at the method's ` ##`, each parsed."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    pairs = _relevance_pairs(examples, settings.max_pairs)
    tokenizer = AutoTokenizer.from_pretrained(checkpoint)
    tokenizer.pad_token = tokenizer.pad_token or tokenizer.eos_token
    device = "cuda" if torch.cuda.is_available() else "cpu"
    model = AutoModelForCausalLM.from_pretrained(checkpoint, dtype=getattr(torch, settings.dtype)).to(device).eval()
    torch.manual_seed(settings.seed)
    rows: list[dict] = []
    for start in range(0, len(pairs), settings.batch_size):
        batch = pairs[start : start + settings.batch_size]
        texts = [tokenizer.apply_chat_template(prompt_messages(e), tokenize=False, add_generation_prompt=True) for e in batch]
        # k rows per pair, grouped: the k samples share one prefill of their prompt
        sequences = [tokenizer(text, add_special_tokens=False)["input_ids"] for text in texts for _ in range(settings.k)]
        answers = generation.generate(
            model, sequences, tokenizer.pad_token_id, settings.max_new_tokens, groups=[row // settings.k for row in range(len(sequences))],
            tokenizer=tokenizer, stop_strings=[STOP], temperature=settings.temperature, top_p=settings.top_p,
        )
        for row_index, ids in enumerate(answers):
            example = batch[row_index // settings.k]
            rows.append(_rollout_row(example, row_index % settings.k, ids, tokenizer, checkpoint, settings))
    return rows


def _rollout_row(example: dict, index: int, ids, tokenizer, checkpoint: Path, settings: RolloutSettings) -> dict:
    ids = [int(i) for i in ids if int(i) != tokenizer.pad_token_id]
    text = tokenizer.decode(ids, skip_special_tokens=True)
    parsed = parse_relevance(text)
    return {
        "rollout_id": f"{example['example_id']}:{index}",
        "example_id": example["example_id"],
        "sample_index": index,
        "completion": text.strip(),
        "label": parsed.label,
        "parse_status": parsed.status,
        "teacher_label": int(example["label"]),
        "n_tokens": len(ids),
        "finished": text.rstrip().endswith(STOP.strip()) or (bool(ids) and ids[-1] == tokenizer.eos_token_id),
        "checkpoint": str(checkpoint),
        "temperature": settings.temperature,
        "seed": settings.seed,
    }


# ----------------------------------------------------------------------------------------------
# Refinement


def reward_weighted_training_items(
    examples: Sequence[dict], rollouts: Sequence[dict], settings: RefineSettings
) -> list[dict]:
    """Score each pair's rollouts and the teacher's answer, then build the official method's
    weighted items (`rewards.reward_weighted_items`). Each item keeps its example_id and prompt."""
    by_example: dict[str, list[dict]] = {}
    for rollout in rollouts:
        by_example.setdefault(rollout["example_id"], []).append(rollout)
    pairs = [e for e in _relevance_pairs(examples, settings.max_pairs) if e["example_id"] in by_example]
    scorer = rewards.RewardModelScorer(settings.reward_model) if settings.reward_model else None
    items: list[dict] = []
    for example in pairs:
        group = sorted(by_example[example["example_id"]], key=lambda r: r["sample_index"])
        teacher_label = int(example["label"])
        answers = [r["completion"] for r in group] + [example["completion"]]
        if scorer is None:
            scores = [rewards.label_agreement(r["label"], teacher_label) for r in group] + [1.0]
        else:
            scores = scorer([prompt_messages(example)] * len(answers), answers)
        samples = [
            rewards.Candidate(r["completion"], r["label"], s, "student", r["rollout_id"])
            for r, s in zip(group, scores[:-1], strict=True)
        ]
        teacher = rewards.Candidate(example["completion"], teacher_label, scores[-1], "teacher")
        for item in rewards.reward_weighted_items(
            samples, teacher, threshold=settings.threshold, use_disagreement_weight=settings.use_disagreement_weight
        ):
            items.append({"example_id": example["example_id"], "prompt": example["prompt"], **item})
    return items


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


def _sft_trainer_class():
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


def _weighted_sft_trainer_class():
    """SFTTrainer whose loss is mean over the batch of weight^3 x the answer's mean token NLL."""
    import torch

    class WeightedCollator:
        def __init__(self, base):
            self.base = base

        def __call__(self, features):
            weights = torch.tensor([f.pop("weight") for f in features], dtype=torch.float32)
            batch = self.base(features)
            batch["weights"] = weights
            return batch

    class RewardWeightedTrainer(_sft_trainer_class()):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.data_collator = WeightedCollator(self.data_collator)

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


def _grpo_trainer(examples, settings: RefineSettings, model, tokenizer, output_dir: Path, progress):
    from trl import GRPOConfig, GRPOTrainer

    pairs = _relevance_pairs(examples, settings.max_pairs)
    if not pairs:
        raise ValueError("GRPO needs relevance examples with a teacher label in the train split")
    dataset = _dataset([{"prompt": prompt_messages(e), "teacher_label": int(e["label"])} for e in pairs])
    functions, weights = rewards.grpo_reward_functions(
        format_weight=settings.format_weight,
        length_coefficient=settings.length_penalty,
        max_completion_tokens=settings.max_completion_length,
    )
    effective = settings.k * settings.prompts_per_step
    config = GRPOConfig(
        output_dir=str(output_dir / "checkpoints"),
        learning_rate=settings.lr,
        lr_scheduler_type=settings.lr_scheduler_type,
        warmup_steps=settings.warmup_ratio,
        num_train_epochs=settings.num_train_epochs,
        max_steps=settings.max_steps,
        per_device_train_batch_size=settings.per_device_batch_size,
        gradient_accumulation_steps=_accumulation(effective, settings.per_device_batch_size),
        max_grad_norm=settings.max_grad_norm,
        weight_decay=settings.weight_decay,
        num_generations=settings.k,
        temperature=settings.temperature,
        max_completion_length=settings.max_completion_length,
        beta=settings.kl_beta,
        reward_weights=weights,
        bf16=settings.bf16,
        gradient_checkpointing=settings.gradient_checkpointing,
        save_strategy="steps",
        save_steps=settings.save_steps,
        save_total_limit=settings.save_total_limit,
        logging_steps=settings.logging_steps,
        seed=settings.seed,
        deepspeed=settings.deepspeed,
        report_to=[],
        disable_tqdm=True,
        dataloader_pin_memory=_has_cuda(),
        use_cpu=not _has_cuda(),
    )
    trainer = GRPOTrainer(
        model=model,
        reward_funcs=functions,
        args=config,
        train_dataset=dataset,
        processing_class=tokenizer,
        peft_config=_lora_config(settings),
    )
    return _attach_progress(trainer, progress)


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
    trainer = _weighted_sft_trainer_class()(
        model=model,
        args=_sft_config(sft_like, output_dir, has_eval=False),
        train_dataset=_dataset(rows),
        processing_class=tokenizer,
        peft_config=_lora_config(settings),
    )
    return _attach_progress(_lora_inputs_in_autocast(trainer, settings), progress), items


def train_refined(
    examples: list[dict],
    rollouts: list[dict] | None,
    checkpoint: Path,
    settings: RefineSettings,
    output_dir: Path,
    progress: Progress | None = None,
) -> dict:
    """Refine the SFT student at `checkpoint` (a full-weights directory, e.g. the SFT manifest's
    `checkpoint`). `rollouts` are used by "reward_weighted" only. Returns the manifest."""
    output_dir = Path(output_dir)
    version = training_set_version(examples)
    rollout_version = hashlib.sha256(
        json.dumps(sorted((r["rollout_id"], r["completion"]) for r in rollouts or []) if settings.method != "grpo" else []).encode()
    ).hexdigest()[:16]
    fingerprint = run_fingerprint(
        "refine",
        settings,
        {"training_set_version": version, "init": str(checkpoint), "rollouts": rollout_version},
    )
    if (done := _claim(output_dir, fingerprint)) is not None:
        return done
    model, tokenizer = load_student(str(checkpoint), load_in_4bit=settings.load_in_4bit, dtype=settings.dtype)
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
    run = _train(trainer, output_dir)
    paths = _save(trainer, tokenizer, settings, str(checkpoint), output_dir)
    if not paths:
        return {}
    loss_curve, reward_curve = _curves(trainer.state.log_history)
    n_examples = extra.pop("n_examples")
    return _write_manifest(
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
            "code_version": CODE_VERSION,
            "libraries": _library_versions(),
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        },
    )


def _base_of(checkpoint: Path) -> str:
    """The base model named by the manifest beside an SFT checkpoint, else the path itself."""
    manifest = Path(checkpoint).parent / MANIFEST
    if manifest.exists():
        return json.loads(manifest.read_text()).get("base_model", str(checkpoint))
    return str(checkpoint)


# ----------------------------------------------------------------------------------------------
# Table rows and curves for the Dagster layer


def manifest_row(manifest: dict) -> dict:
    """The manifest as a `model_checkpoints` row (config and metrics as JSON text)."""
    keys = (
        "checkpoint_id", "stage", "method", "base_model", "init_checkpoint", "training_set_version",
        "n_examples", "checkpoint", "adapter", "weights", "merged", "code_version", "created_at",
    )  # fmt: skip
    row = {key: manifest.get(key) for key in keys}
    row["config"] = json.dumps(manifest["config"], sort_keys=True)
    row["metrics"] = json.dumps(manifest["metrics"], sort_keys=True)
    return row


def curves_markdown(manifest: dict) -> str:
    """Loss (and reward) per logged step as a Markdown table."""
    metrics = manifest["metrics"]
    rewards_by_step = {p["step"]: p.get("reward") for p in metrics.get("reward_curve", [])}
    lines = ["| step | loss | reward |", "| ---: | ---: | ---: |"]
    for point in metrics["loss_curve"]:
        reward = rewards_by_step.get(point["step"])
        lines.append(f"| {point['step']} | {point['loss']:.4f} | {'' if reward is None else f'{reward:.3f}'} |")
    return "\n".join(lines)


def plot_curves(manifest: dict, path: Path) -> Path:
    """A PNG of the loss curve (and the mean reward, when refined by GRPO)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    metrics = manifest["metrics"]
    panels = [("loss", metrics["loss_curve"])] + ([("reward", metrics["reward_curve"])] if metrics.get("reward_curve") else [])
    figure, axes = plt.subplots(1, len(panels), figsize=(5 * len(panels), 3.2), squeeze=False)
    for axis, (name, points) in zip(axes[0], panels, strict=True):
        axis.plot([p["step"] for p in points], [p[name] for p in points], marker="." if len(points) < 50 else None)
        axis.set_xlabel("step")
        axis.set_ylabel(name)
        axis.grid(alpha=0.3)
    figure.suptitle(f"{manifest['stage']} ({manifest['method']})")
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)
    return Path(path)


def dagster_metadata_values(manifest: dict) -> dict:
    """Plain metadata values (numbers, text) the worker reports; curves go as table and plot."""
    metrics = manifest["metrics"]
    values = {k: v for k, v in metrics.items() if isinstance(v, int | float) and not isinstance(v, bool)}
    values = {k: (round(v, 6) if isinstance(v, float) and math.isfinite(v) else v) for k, v in values.items()}
    return values
