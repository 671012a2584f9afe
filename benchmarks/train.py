"""Training speed on this machine for SmolLM2-135M-Instruct: SFT tokens/s and GRPO seconds/step.

    .venv/bin/python benchmarks/train.py [--steps 6] [--grpo-steps 3] [--threads 1]

Data: real TREC DL 2019 (query, passage) pairs with the project's relevance prompt (see
benchmarks/distill.py), label-only completions. Baselines measured in the same run:
- SFT: a plain PyTorch loop (AdamW, full fine-tuning, fp32, the same tokenised batches, loss on the
  completion) against `training.train_sft` in full fine-tuning and in the CPU profile (LoRA r=16 on
  every projection, bf16 autocast).
- GRPO: `model.generate` of the same k samples per prompt alone (what sampling costs) against a
  full `training.train_refined` GRPO step (sampling + rewards + policy update).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from distill import load_dl19, split_queries, training_rows  # noqa: E402

BATCH = 8


def sft_run(rows, steps: int, work: Path, name: str, **overrides) -> dict:
    from reasonrank_assets.core import training

    logs: list[dict] = []
    settings = training.SFTSettings.cpu_profile(
        max_steps=steps, effective_batch_size=BATCH, per_device_batch_size=BATCH, save_steps=10_000, **overrides
    )
    manifest = training.train_sft(rows, settings, work / name, progress=logs.append)
    tokens = max(log.get("num_tokens", 0) for log in logs)
    runtime = next(log["train_runtime"] for log in logs if "train_runtime" in log)
    return {"tokens": tokens, "seconds": runtime, "manifest": manifest}


def torch_loop(rows, steps: int) -> dict:
    """The baseline: AdamW over the same chat-formatted batches, completion-only loss, fp32."""
    import json

    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from reasonrank_assets.core.models import resolve_model
    from reasonrank_assets.core.training import weighted_response_nll

    path = resolve_model("smollm2-135m-instruct")
    tokenizer = AutoTokenizer.from_pretrained(path)
    model = AutoModelForCausalLM.from_pretrained(path, dtype=torch.float32).train()
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-5)
    tokens, started = 0, None
    for step in range(steps + 1):  # step 0 warms up and is not timed
        batch = rows[(step * BATCH) % len(rows) :][:BATCH]
        ids, labels = [], []
        for row in batch:
            prompt = tokenizer.apply_chat_template(json.loads(row["prompt"]), tokenize=False, add_generation_prompt=True)
            p = tokenizer(prompt, add_special_tokens=False)["input_ids"]
            c = tokenizer(row["completion"] + "<|im_end|>\n", add_special_tokens=False)["input_ids"]
            ids.append(p + c)
            labels.append([-100] * len(p) + c)
        width = max(map(len, ids))
        input_ids = torch.tensor([x + [tokenizer.pad_token_id or 0] * (width - len(x)) for x in ids])
        label_ids = torch.tensor([x + [-100] * (width - len(x)) for x in labels])
        mask = torch.tensor([[1] * len(x) + [0] * (width - len(x)) for x in ids])
        if step == 1:
            started = time.perf_counter()
        loss = weighted_response_nll(model(input_ids=input_ids, attention_mask=mask).logits, label_ids, torch.ones(len(ids)))
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        if step >= 1:
            tokens += sum(map(len, ids))
    return {"tokens": tokens, "seconds": time.perf_counter() - started}


def generation_only(rows, checkpoint: str, k: int, new_tokens: int, steps: int) -> float:
    """Seconds per step to sample k answers for one prompt (the GRPO step's sampling alone)."""
    import json

    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(checkpoint)
    model = AutoModelForCausalLM.from_pretrained(checkpoint, dtype=torch.float32).eval()
    started = time.perf_counter()
    for row in rows[:steps]:
        text = tokenizer.apply_chat_template(json.loads(row["prompt"]), tokenize=False, add_generation_prompt=True)
        inputs = tokenizer([text] * k, return_tensors="pt", add_special_tokens=False)
        with torch.inference_mode(), torch.autocast("cpu", dtype=torch.bfloat16):
            model.generate(**inputs, do_sample=True, max_new_tokens=new_tokens, min_new_tokens=new_tokens)
    return (time.perf_counter() - started) / steps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=6, help="SFT optimizer steps per configuration")
    parser.add_argument("--grpo-steps", type=int, default=3)
    parser.add_argument("--k", type=int, default=4)
    parser.add_argument("--completion-tokens", type=int, default=64)
    parser.add_argument("--threads", type=int, default=1, help="torch threads (1 avoids oversubscribing a shared CPU)")
    args = parser.parse_args()

    import torch

    torch.set_num_threads(args.threads)

    from reasonrank_assets.core import training
    from reasonrank_assets.core.models import resolve_model

    queries, corpus, qrels = load_dl19()
    train_q, _ = split_queries(queries)
    rows = training_rows(train_q, queries, corpus, qrels, n_pairs=BATCH * (args.steps + 1))
    base = resolve_model("smollm2-135m-instruct")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        loop = torch_loop(rows, args.steps)
        full = sft_run(rows, args.steps, work, "full", use_lora=False, bf16=False, learning_rate=1e-5)
        lora = sft_run(rows, args.steps, work, "lora")
        sampling = generation_only(rows, base, args.k, args.completion_tokens, args.grpo_steps)
        settings = training.RefineSettings.cpu_profile(
            "grpo", max_steps=args.grpo_steps, k=args.k, prompts_per_step=1, per_device_batch_size=args.k,
            max_completion_length=args.completion_tokens, save_steps=10_000,
        )  # fmt: skip
        logs: list[dict] = []
        training.train_refined(rows, None, Path(base), settings, work / "grpo", progress=logs.append)
        step_times = [log["step_time"] for log in logs if "step_time" in log]
        grpo = sum(step_times) / len(step_times)

    print(f"\nSmolLM2-135M-Instruct training on this CPU; SFT batch {BATCH} real DL19 prompts x {args.steps} steps")
    print(f"{'SFT configuration':<46} {'tokens/s':>9} {'vs loop':>8}")
    baseline = loop["tokens"] / loop["seconds"]
    for name, run in [
        ("plain torch loop, full FT, fp32 (baseline)", loop),
        ("train_sft full FT, fp32", full),
        ("train_sft cpu_profile: LoRA r16, bf16 autocast", lora),
    ]:
        rate = run["tokens"] / run["seconds"]
        print(f"{name:<46} {rate:>9.0f} {rate / baseline:>7.2f}x")
    print(f"\n{'GRPO, k=' + str(args.k) + ', ' + str(args.completion_tokens) + ' new tokens, 1 prompt/step':<46} {'s/step':>9} {'vs gen':>8}")
    print(f"{'generate k samples only (baseline)':<46} {sampling:>9.2f} {1.0:>7.2f}x")
    print(f"{'train_refined grpo, LoRA r16, bf16 autocast':<46} {grpo:>9.2f} {grpo / sampling:>7.2f}x")


if __name__ == "__main__":
    main()
