"""What every training run shares: the student loaded for training and its LoRA, the
Trainer's resume, progress lines and saving, and the run's bookkeeping (fingerprint, claim of the
output directory, manifest).

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

import errno
import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from reasonrank_assets.core.attention import register_packed_sdpa
from reasonrank_assets.core.io import atomic_path, write_text
from reasonrank_assets.core.models import compute_dtype, load_causal_lm

CODE_VERSION = "training-v1"  # bump when a change alters what training produces
MANIFEST = "manifest.json"
Progress = Callable[[dict], None]


def has_cuda() -> bool:
    import torch

    return torch.cuda.is_available()


def _world_size() -> int:
    return int(os.environ.get("WORLD_SIZE", "1"))


def accumulation_steps(effective: int, per_device: int) -> int:
    per_step = per_device * _world_size()
    if effective % per_step:
        raise ValueError(
            f"effective batch {effective} is not a multiple of per-device batch {per_device} x {_world_size()} processes"
        )
    return effective // per_step


def load_student(path: str, *, load_in_4bit: bool, dtype: str):
    """The model and tokenizer to train. QLoRA loads NF4 weights with bf16 compute (CUDA only)."""
    import torch

    # packed_sdpa: padding-free batches attend within each example only (core/attention.py)
    kwargs: dict[str, Any] = {"attn_implementation": register_packed_sdpa()}
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
        dtype = "bfloat16"
        kwargs["device_map"] = {"": int(os.environ.get("LOCAL_RANK", "0"))}
    model, tokenizer = load_causal_lm(path, dtype=dtype, device=None, **kwargs)
    if load_in_4bit:
        from peft import prepare_model_for_kbit_training

        model = prepare_model_for_kbit_training(model, use_gradient_checkpointing=False)
    return model, tokenizer


def trainer_arguments(settings, output_dir: Path, effective_batch_size: int, learning_rate: float) -> dict:
    """The keyword arguments of TRL's SFTConfig and GRPOConfig that a `ScheduleSettings` sets."""
    return dict(
        output_dir=str(output_dir / "checkpoints"),
        learning_rate=learning_rate,
        lr_scheduler_type=settings.lr_scheduler_type,
        warmup_steps=settings.warmup_ratio,  # a float in [0, 1) is a ratio of the total steps
        num_train_epochs=settings.num_train_epochs,
        max_steps=settings.max_steps,
        per_device_train_batch_size=settings.per_device_batch_size,
        gradient_accumulation_steps=accumulation_steps(effective_batch_size, settings.per_device_batch_size),
        max_grad_norm=settings.max_grad_norm,
        weight_decay=settings.weight_decay,
        bf16=settings.bf16 and compute_dtype("bfloat16", "cuda" if has_cuda() else "cpu") == "bfloat16",  # no autocast where bf16 is emulated
        gradient_checkpointing=settings.gradient_checkpointing,
        save_strategy="steps",
        save_steps=settings.save_steps,
        save_total_limit=settings.save_total_limit,
        logging_steps=settings.logging_steps,
        seed=settings.seed,
        deepspeed=settings.deepspeed,
        report_to=[],
        disable_tqdm=True,
        dataloader_pin_memory=has_cuda(),
        use_cpu=not has_cuda(),
    )


def lora_config(settings):
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


def run_fingerprint(stage: str, settings, inputs: dict) -> str:
    payload = json.dumps({"stage": stage, "settings": settings.to_dict(), **inputs, "code": CODE_VERSION}, sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


def claim(output_dir: Path, fingerprint: str) -> dict | None:
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


def curves(log_history: list[dict]) -> tuple[list[dict], list[dict]]:
    """Loss and reward points from the Trainer's log history."""
    loss = [{"step": h["step"], "loss": h["loss"]} for h in log_history if "loss" in h]
    reward_keys = lambda h: {k: v for k, v in h.items() if k == "reward" or k.startswith("rewards/")}  # noqa: E731
    reward = [{"step": h["step"], **reward_keys(h)} for h in log_history if "reward" in h]
    return loss, reward


def lora_inputs_in_autocast(trainer):
    """PEFT casts each adapted projection's input to the adapters' float32, and under bf16 autocast
    the adapter's matmul casts it straight back: two copies of the activations per projection,
    forward and backward. SFT runs every forward under autocast, so the casts can go (GRPO samples
    outside autocast and keeps them)."""
    if trainer.args.bf16:
        for module in trainer.model.modules():
            if hasattr(module, "cast_input_dtype_enabled"):
                module.cast_input_dtype_enabled = False
    return trainer


def attach_progress(trainer, progress: Progress | None):
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


def checkpoint_bytes(model) -> int:
    """What one Trainer checkpoint of `model` takes on disk: the weights it saves (the trainable
    ones of an adapter, all of them otherwise) and AdamW's two moments of each trainable one."""
    params = list(model.parameters())  # a tied weight once, as safetensors saves it
    trainable = sum(p.numel() * p.element_size() for p in params if p.requires_grad)
    saved = trainable if hasattr(model, "peft_config") else sum(p.numel() * p.element_size() for p in params)
    return saved + 2 * trainable


def check_free_space(trainer, output_dir: Path, resume_step: int = 0, free: int | None = None) -> None:
    """Refuse to start a run whose checkpoints would fill the disk part way (a full fine-tuning
    of SmolLM2-135M keeps about 1.6 GB a checkpoint): OSError ENOSPC naming `output_dir`.

    At most `save_total_limit` checkpoints are kept, plus the one being written before the
    oldest goes; then the final weights. `free` defaults to what the disk holding it has free.
    """
    args = trainer.args
    saves = max(0, args.max_steps - resume_step) // max(1, int(args.save_steps)) if args.max_steps > 0 else 1
    kept = min(saves, args.save_total_limit + 1) if args.save_total_limit else saves
    per_checkpoint = checkpoint_bytes(trainer.model)
    needed = kept * per_checkpoint + per_checkpoint // 3  # the final weights: a checkpoint less its two moments
    if free is None:
        existing = next(p for p in [Path(output_dir), *Path(output_dir).parents] if p.exists())
        free = shutil.disk_usage(existing).free
    if needed > free:
        raise OSError(
            errno.ENOSPC,
            f"training needs about {needed / 1e9:.1f} GB ({kept} checkpoints of {per_checkpoint / 1e9:.2f} GB and the "
            f"final weights), {free / 1e9:.1f} GB free: free some, or lower save_total_limit",
            str(output_dir),
        )


def train_or_resume(trainer, output_dir: Path) -> dict:
    """Run or resume the trainer; return run facts for the manifest."""
    resume = last_checkpoint(output_dir)
    check_free_space(trainer, output_dir, int(resume.name.split("-")[-1]) if resume else 0)
    started = time.perf_counter()
    result = trainer.train(resume_from_checkpoint=str(resume) if resume else None)
    return {
        "global_step": trainer.state.global_step,
        "train_loss": result.training_loss,
        "train_runtime_s": round(time.perf_counter() - started, 2),
        "resumed_from_step": int(resume.name.split("-")[-1]) if resume else None,
        # what ran, which on a CPU without native bf16 is float32 whatever the settings asked
        "weights_dtype": str(trainer.model.dtype).removeprefix("torch."),
        "bf16_autocast": bool(trainer.args.bf16),
    }


def save_outputs(trainer, tokenizer, settings, base_path: str, output_dir: Path) -> dict:
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


def write_manifest(output_dir: Path, manifest: dict) -> dict:
    write_text(output_dir / MANIFEST, json.dumps(manifest, indent=2, default=str))
    return manifest


def library_versions() -> dict:
    from importlib.metadata import version

    return {name: version(name) for name in ("torch", "transformers", "trl", "peft")}
