"""The lock installs everywhere: the CPU default here, the same default from PyPI elsewhere, and
the `gpu` extra as one consistent CUDA stack.

The fast tests read the lock through `uv export` (no download). The `slow` one installs the GPU
extra into a scratch environment (4.4 GB of wheels) and imports everything; it runs in CI as its
own step: `uv run --frozen pytest -m slow tests/test_install.py`.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
UV = shutil.which("uv") or str(Path.home() / ".local/bin/uv")
PORTABLE = ["--no-group", "local-torch"]  # what the Makefile does where /opt/wheels is absent
GPU = ["--extra", "gpu", *PORTABLE]


def uv(*args: str, env: dict | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([UV, *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout, env=env)


def export(*args: str) -> str:
    result = uv("export", "--frozen", "--no-emit-project", "--no-header", "--no-annotate", *args)
    assert result.returncode == 0, result.stderr
    return result.stdout


def pins(exported: str) -> dict[str, str]:
    return dict(re.findall(r"^([a-z0-9][a-z0-9._-]*)==([^\s;]+)", exported, re.MULTILINE))


def test_the_lock_matches_pyproject():
    result = uv("lock", "--check", "--offline")
    assert result.returncode == 0, result.stderr


def test_default_here_is_the_local_cpu_build_of_torch():
    here = pins(export())
    assert here["torch"] == "2.13.0+cpu"
    assert not {"vllm", "bitsandbytes", "torchvision"} & set(here)


def test_the_default_installs_from_pypi_alone_without_the_local_wheel_folder():
    exported = export(*PORTABLE)
    assert "/opt/wheels" not in exported and "file://" not in exported
    assert pins(exported)["torch"] == "2.13.0"
    # Every requirement carries its hashes: uv sync --frozen can fetch and verify it from PyPI.
    requirements = re.split(r"\n(?=[a-z0-9])", exported.strip())
    unhashed = [r.split()[0] for r in requirements if "--hash=sha256:" not in r]
    assert not unhashed, unhashed


def test_gpu_extra_is_one_cuda_stack_from_pypi():
    exported = export(*GPU)
    gpu = pins(exported)
    assert "/opt/wheels" not in exported
    assert gpu["torch"] == "2.13.0"  # PyPI's Linux build of torch is the CUDA one
    assert {"vllm", "bitsandbytes", "torchvision", "transformers", "trl", "peft"} <= set(gpu)
    assert any(name.startswith("nvidia-cudnn") for name in gpu)
    # It only adds to the default: what the CPU suite tests is what runs on the GPU, torch's build aside.
    default = pins(export(*PORTABLE))
    assert {name: version for name, version in default.items() if gpu.get(name) != version} == {}


def test_gpu_extra_refuses_the_local_cpu_torch():
    result = uv("sync", "--frozen", "--dry-run", "--extra", "gpu", env={**os.environ, "UV_PROJECT_ENVIRONMENT": "/nonexistent/env"})
    assert result.returncode != 0 and "local-torch" in result.stderr and "gpu" in result.stderr


@pytest.mark.slow
def test_gpu_check_says_in_one_line_that_it_needs_cuda():
    import torch

    if torch.cuda.is_available():
        pytest.skip("a CUDA device is present: run benchmarks/gpu_check.py itself")
    checked = subprocess.run([sys.executable, "benchmarks/gpu_check.py"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert checked.returncode == 0 and checked.stdout.startswith("gpu_check: skipped, no CUDA device"), checked
    assert checked.stdout.count("\n") == 1 and not checked.stderr, checked


IMPORTS = """
import torch, torchvision, transformers, trl, peft, vllm, bitsandbytes
from transformers import LlamaConfig  # the issue's failure: torchvision built for another torch
from vllm import LLM, SamplingParams
assert torch.version.cuda, torch.__version__
assert hasattr(torch.ops.torchvision, "nms")
import reasonrank_assets.definitions
from reasonrank_assets import training_worker
from reasonrank_assets.core.evaluation import rerank
from reasonrank_assets.core.teacher import backends
from reasonrank_assets.core.training import refine, rollouts, sft
print(torch.__version__, torchvision.__version__, transformers.__version__, trl.__version__, peft.__version__, vllm.__version__, bitsandbytes.__version__)
"""


@pytest.mark.install
@pytest.mark.slow
@pytest.mark.timeout(1800)
def test_gpu_extra_installs_and_imports_in_a_scratch_environment(tmp_path):
    env = {**os.environ, "UV_PROJECT_ENVIRONMENT": str(tmp_path / "env"), "HF_HUB_OFFLINE": "1"}
    env.pop("UV_NO_GROUP", None)
    synced = uv("sync", "--frozen", *GPU, env=env, timeout=1200)
    assert synced.returncode == 0, synced.stderr[-3000:]
    python = str(tmp_path / "env" / "bin" / "python")
    imported = subprocess.run([python, "-c", IMPORTS], cwd=ROOT, capture_output=True, text=True, env=env, timeout=600)
    assert imported.returncode == 0, imported.stderr[-3000:]
    torch_version, *_ = imported.stdout.split()
    assert re.fullmatch(r"2\.13\.0\+cu\d+", torch_version), imported.stdout
    checked = subprocess.run([python, "benchmarks/gpu_check.py"], cwd=ROOT, capture_output=True, text=True, env=env, timeout=900)
    if "no CUDA device" in checked.stdout:
        assert checked.returncode == 0 and checked.stdout.count("\n") == 1, checked.stdout
    else:  # a GPU machine: the whole check must pass
        assert checked.returncode == 0, checked.stdout[-3000:] + checked.stderr[-3000:]
