"""Rollouts: the SFT student's sampled answers, which reward-weighted refinement scores."""

from __future__ import annotations

import json
from pathlib import Path

from reasonrank_assets.core import generation
from reasonrank_assets.core.io import write_text
from reasonrank_assets.core.models import load_causal_lm
from reasonrank_assets.core.prompts import STOP, parse_relevance
from reasonrank_assets.core.training.examples import prompt_messages, relevance_pairs, training_set_version
from reasonrank_assets.core.training.runs import MANIFEST, run_fingerprint
from reasonrank_assets.core.training.settings import RolloutSettings


def sample_rollouts(examples: list[dict], checkpoint: Path, settings: RolloutSettings) -> list[dict]:
    """`refinement_rollouts` rows: k answers per relevance pair of the train split, sampled at
    `temperature` from the SFT student, stopped at the method's ` ##`, each parsed."""
    import torch

    pairs = relevance_pairs(examples, settings.max_pairs)
    model, tokenizer = load_causal_lm(checkpoint, dtype=settings.dtype)
    torch.manual_seed(settings.seed)
    rows: list[dict] = []
    for start in range(0, len(pairs), settings.batch_size):
        batch = pairs[start : start + settings.batch_size]
        texts = [tokenizer.apply_chat_template(prompt_messages(e), tokenize=False, add_generation_prompt=True) for e in batch]
        # k rows per pair, grouped: the k samples share one prefill of their prompt
        sequences = [tokenizer(text, add_special_tokens=False)["input_ids"] for text in texts for _ in range(settings.k)]
        answers = generation.generate(
            model, sequences, tokenizer.pad_token_id, settings.max_new_tokens, groups=[row // settings.k for row in range(len(sequences))],
            tokenizer=tokenizer, stop_strings=[STOP], temperature=settings.temperature, top_p=settings.top_p,
        )
        for row_index, ids in enumerate(answers):
            example = batch[row_index // settings.k]
            rows.append(_rollout_row(example, row_index % settings.k, ids, tokenizer, checkpoint, settings))
    return rows


def _rollout_row(example: dict, index: int, ids, tokenizer, checkpoint: Path, settings: RolloutSettings) -> dict:
    ids = [int(i) for i in ids if int(i) != tokenizer.pad_token_id]
    text = tokenizer.decode(ids, skip_special_tokens=True)
    parsed = parse_relevance(text)
    return {
        "rollout_id": f"{example['example_id']}:{index}",
        "example_id": example["example_id"],
        "sample_index": index,
        "completion": text.strip(),
        "label": parsed.label,
        "parse_status": parsed.status,
        "teacher_label": int(example["label"]),
        "n_tokens": len(ids),
        "finished": text.rstrip().endswith(STOP.strip()) or (bool(ids) and ids[-1] == tokenizer.eos_token_id),
        "checkpoint": str(checkpoint),
        "temperature": settings.temperature,
        "seed": settings.seed,
    }


def cached_rollouts(examples: list[dict], checkpoint: Path, settings: RolloutSettings, output_dir: Path) -> dict:
    """`sample_rollouts` once: output_dir/rollouts.jsonl and a manifest.json summary (its `rollouts`
    names the file); a finished run with the same settings, rows and checkpoint is returned as is."""
    output_dir.mkdir(parents=True, exist_ok=True)
    inputs = {"training_set_version": training_set_version(examples), "checkpoint": str(checkpoint)}
    fingerprint = run_fingerprint("rollouts", settings, inputs)
    manifest_file = output_dir / MANIFEST
    if manifest_file.exists() and json.loads(manifest_file.read_text()).get("fingerprint") == fingerprint:
        return json.loads(manifest_file.read_text())
    rows = sample_rollouts(examples, checkpoint, settings)
    path = output_dir / "rollouts.jsonl"
    write_text(path, (json.dumps(row) + "\n" for row in rows))
    manifest = {
        "stage": "rollouts",
        "fingerprint": fingerprint,
        "rollouts": str(path),
        "n_rollouts": len(rows),
        "parsed": sum(1 for r in rows if r["parse_status"] == "ok"),
        "config": settings.to_dict(),
        **inputs,
    }
    write_text(manifest_file, json.dumps(manifest, indent=2))
    return manifest
