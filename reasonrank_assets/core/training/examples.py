"""The rows training reads: `training_examples` (example_id, split, task, prompt = JSON chat
messages, completion, label), checked, hashed and turned into TRL's conversational rows."""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Sequence
from pathlib import Path

REQUIRED_COLUMNS = ("example_id", "split", "task", "prompt", "completion")


def load_rows(path: Path) -> list[dict]:
    """Rows from a Parquet or JSON-lines file (the worker's inputs)."""
    path = Path(path)
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq

        return pq.read_table(path).to_pylist()
    rows = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if line.strip():
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError as error:
                    raise ValueError(f"{path}:{number}: not a JSON object ({error})") from error
    return rows


def prompt_messages(example: dict) -> list[dict]:
    """The example's chat messages; a clear error names the example and field when malformed."""
    where = f"training example {example.get('example_id')!r}, field 'prompt'"
    raw = example.get("prompt")
    try:
        messages = json.loads(raw) if isinstance(raw, str) else raw
    except json.JSONDecodeError as error:
        raise ValueError(f"{where}: not JSON ({error})") from error
    if not isinstance(messages, list) or not all(
        isinstance(m, dict) and isinstance(m.get("role"), str) and isinstance(m.get("content"), str)
        for m in messages
    ):
        raise ValueError(f"{where}: expected a list of {{role, content}} messages")
    return messages


def check_examples(examples: Sequence[dict]) -> None:
    for index, example in enumerate(examples):
        missing = [c for c in REQUIRED_COLUMNS if example.get(c) is None]
        if missing:
            raise ValueError(f"training example #{index} ({example.get('example_id')!r}) lacks {missing}")
        prompt_messages(example)


def training_set_version(examples: Sequence[dict]) -> str:
    """Content hash of the rows that matter to training (order-independent)."""
    digest = hashlib.sha256()
    for key in sorted(
        json.dumps([e["example_id"], e["split"], e["task"], e["prompt"], e["completion"]] + ([probs] if (probs := teacher_label_probs(e)) else []), ensure_ascii=False)
        for e in examples
    ):
        digest.update(key.encode())
    return digest.hexdigest()[:16]


def conversational(examples: Sequence[dict], split: str, tasks: Sequence[str], label_probs: bool = False) -> list[dict]:
    """TRL's prompt-completion rows; with `label_probs`, each with its teacher's P(0), P(1), P(2)
    (NaN where the example has none: a queries answer, a person's label)."""
    return [
        {"prompt": prompt_messages(e), "completion": [{"role": "assistant", "content": e["completion"]}]}
        | ({"label_probs": teacher_label_probs(e) or [math.nan] * 3} if label_probs else {})
        for e in examples
        if e["split"] == split and e["task"] in tasks
    ]


def teacher_label_probs(example: dict) -> list[float] | None:
    """The example's P(0), P(1), P(2) from its teacher as plain floats (a DuckDB row holds numpy's), or None."""
    probs = example.get("label_probs")
    return None if probs is None else [float(p) for p in probs]


def to_dataset(rows: list[dict]):
    from datasets import Dataset

    return Dataset.from_list(rows)


def relevance_pairs(examples: Sequence[dict], max_pairs: int | None) -> list[dict]:
    check_examples(examples)
    pairs = [
        e for e in examples if e["split"] == "train" and e["task"] == "relevance" and e.get("label") is not None
    ]
    pairs.sort(key=lambda e: e["example_id"])
    return pairs[:max_pairs] if max_pairs else pairs
