import os
from pathlib import Path

import pytest

os.environ.setdefault("DAGSTER_DISABLE_TELEMETRY", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
# Tests write only under their own temporary folders, never into a project home of the shell.
os.environ.pop("REASONRANK_HOME", None)

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory) -> Path:
    """A random-initialised 2-layer chat Llama with a tokenizer trained on the fly."""
    from tiny_models import build_tiny_llama

    return build_tiny_llama(tmp_path_factory.mktemp("tiny-llama"))


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.exists():
        pytest.skip(f"real data not present at {SHARED_DATA} (it lives beside the project, not in it)")
    return SHARED_DATA


@pytest.fixture(scope="session")
def sharp_model_dir(tmp_path_factory) -> Path:
    """The tiny model with its (tied) embeddings scaled up: logits of several units, where bf16
    steps of 0.03 tie label probabilities as they do in real models."""
    import torch
    from tiny_models import build_tiny_llama
    from transformers import AutoModelForCausalLM

    directory = build_tiny_llama(tmp_path_factory.mktemp("sharp-llama"))
    model = AutoModelForCausalLM.from_pretrained(directory)
    with torch.no_grad():
        model.get_output_embeddings().weight.mul_(40.0)
    model.save_pretrained(directory)
    return directory
