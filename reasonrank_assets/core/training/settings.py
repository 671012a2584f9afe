"""Training settings. Defaults are the method's GPU recipe (Llama-3.2-3B-Instruct, QLoRA);
`cpu_profile()` gives a few-step run of the offline default SmolLM2-135M-Instruct."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace

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
