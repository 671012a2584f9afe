"""Training settings. Defaults are the method's GPU recipe (Llama-3.2-3B-Instruct, QLoRA);
`cpu_profile()` gives a few-step run of the offline default SmolLM2-135M-Instruct.

Composed once, as TRL composes its configs: `ModelSettings` (LoRA, 4-bit, dtype) and
`ScheduleSettings` (optimiser, batches, checkpoints) are shared by `SFTSettings` and
`RefineSettings`, whose own fields follow. The fields stay flat (`lora_r`, not `model.lora_r`):
the keys of run config, job files and `configs/paper.yaml` are the field names. Each field's
help is its `metadata["help"]`, shown in the Dagster launchpad and the CLI.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from reasonrank_assets.core.settings import Settings, setting

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


@dataclass(frozen=True)
class ModelSettings(Settings):
    """The student's weights: LoRA or full fine-tuning, 4-bit or not, their dtype."""

    use_lora: bool = setting(True, "train LoRA adapters (False: every weight)")
    load_in_4bit: bool = setting(True, "QLoRA: NF4 weights, bf16 compute (bitsandbytes, CUDA only)")
    lora_r: int = setting(64, "LoRA rank")
    lora_alpha: int = setting(16, "LoRA scaling numerator (the update is scaled by alpha / r)")
    lora_dropout: float = setting(0.1, "dropout on the LoRA input")
    lora_target_modules: tuple[str, ...] = setting(LORA_TARGETS, "the projections that get adapters")
    dtype: str = setting("bfloat16", 'weights of a non-quantised model: "bfloat16" | "float32"')
    merge: bool = setting(False, "also write merged full weights to model/ (LoRA runs)")


@dataclass(frozen=True)
class ScheduleSettings(Settings):
    """How the Trainer steps: learning rate, batches, precision, checkpoints."""

    learning_rate: float | None = setting(2e-4, "peak learning rate")
    lr_scheduler_type: str = setting("constant_with_warmup", "transformers scheduler name (constant after a linear warmup)")
    warmup_ratio: float = setting(0.03, "share of the steps spent warming up")
    num_train_epochs: float = setting(1.0, "passes over the data")
    max_steps: int = setting(-1, "optimiser steps; > 0 overrides epochs")
    per_device_batch_size: int = setting(4, "examples per device and forward pass")
    effective_batch_size: int = setting(16, "examples per optimiser step: per_device x processes x accumulation")
    max_grad_norm: float = setting(0.3, "gradient clipping norm")
    weight_decay: float = setting(0.001, "AdamW weight decay")
    bf16: bool = setting(True, "bf16 mixed precision (autocast)")
    gradient_checkpointing: bool = setting(True, "recompute activations in the backward pass (less memory)")
    save_steps: int = setting(200, "a resumable checkpoint every this many steps")
    save_total_limit: int = setting(2, "checkpoints kept")
    logging_steps: int = setting(10, "a loss line every this many steps")
    seed: int = setting(42, "seed of data order, dropout and sampling")
    deepspeed: str | None = setting(None, "a DeepSpeed JSON config (see docs/training.md)")



@dataclass(frozen=True)
class SFTSettings(ModelSettings, ScheduleSettings):
    """Distillation. Defaults are the method's GPU recipe (DESIGN section 2)."""

    base_model: str = setting(GPU_STUDENT, 'hub id, directory, or the alias "smollm2-135m-instruct"')
    tasks: tuple[str, ...] = setting(("relevance", "queries"), "training_examples tasks to learn (the method: both; \"question\" too for a query-likelihood reranker)")
    learning_rate: float = setting(2e-4, "peak learning rate")
    max_length: int | None = setting(None, "tokens per example; None: the longest example in the data (no truncation)")
    padding_free: bool = setting(True, "a batch as one packed row, no padding (needs max_length None)")
    eval_steps: int | None = setting(200, "validation loss every this many steps; None: once, at the end")
    rank_loss_weight: float = setting(
        0.0, "weight of a pairwise (RankNet) loss between one question's documents beside the token loss; "
        "each micro-batch (per_device_batch_size) is then one question's (0: off)"
    )
    question_negatives: int = setting(
        0, "task question, contrastive: each micro-batch (per_device_batch_size = 1 + this) is one document and this many "
        "judged lower for the same question, and the loss is the softmax cross-entropy of the first one's question "
        "log-likelihood among them (the query-likelihood reranker's score); 0: the token loss"
    )
    soft_labels: bool = setting(
        False, "train a relevance answer's label digit toward the teacher's P(0), P(1), P(2) (training_examples.label_probs) "
        "instead of its arg-max label alone; answers without them keep the hard label"
    )

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
class RolloutSettings(Settings):
    """Sampling of the SFT student's answers for reward-weighted refinement."""

    k: int = setting(8, "samples per (question, document) pair")
    temperature: float = setting(1.0, "sampling temperature")
    top_p: float = setting(1.0, "nucleus sampling mass")
    max_new_tokens: int = setting(1024, "tokens per sampled answer")
    batch_size: int = setting(4, "pairs per generate() call (k answers each)")
    max_pairs: int | None = setting(None, "None: every relevance pair of the train split")
    dtype: str = setting("bfloat16", "weights of the sampled model")
    seed: int = setting(42, "sampling seed")

    @classmethod
    def cpu_profile(cls, **overrides) -> RolloutSettings:
        return replace(cls(k=4, max_new_tokens=64, batch_size=4, max_pairs=4), **overrides)


@dataclass(frozen=True)
class RefineSettings(ModelSettings, ScheduleSettings):
    """Refinement. `method`: "grpo" (online, TRL GRPOTrainer, verifiable rewards) or
    "reward_weighted" (the official code: scored rollouts, loss = weight^3 x response NLL)."""

    method: str = setting("grpo", '"grpo" or "reward_weighted"')
    learning_rate: float | None = setting(None, "peak learning rate; None: 1e-5 for grpo, 2e-4 for reward_weighted")
    per_device_batch_size: int = setting(8, "completions per device and forward pass")
    save_steps: int = setting(100, "a resumable checkpoint every this many steps")
    max_pairs: int | None = setting(None, "None: every relevance pair of the train split")
    # grpo
    k: int = setting(8, "grpo: generations per prompt")
    prompts_per_step: int = setting(2, "grpo: prompts per step; the effective batch is k x prompts_per_step completions")
    temperature: float = setting(1.0, "grpo: sampling temperature")
    max_completion_length: int = setting(1024, "grpo: tokens per generation")
    kl_beta: float = setting(0.04, "grpo: KL coefficient against the SFT model (0 disables the reference model)")
    format_weight: float = setting(0.2, "grpo: weight of the format reward beside the label reward (1.0)")
    length_penalty: float = setting(0.0, "grpo: coefficient of the length cost (0 = off)")
    # reward_weighted
    reward_model: str | None = setting(None, "reward_weighted: a sequence-classification reward model; None = label agreement")
    threshold: float = setting(0.85, "reward_weighted: keep answers whose group-normalised score is >= threshold")
    use_disagreement_weight: bool = setting(False, "reward_weighted: x the student's label-disagreement rate")

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
