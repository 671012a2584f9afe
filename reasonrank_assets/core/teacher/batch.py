"""OpenAI batch files (OpenAI's batch API, `vllm run-batch`) and recordings of cached answers."""

from __future__ import annotations

import json
import logging
from collections import Counter
from pathlib import Path

from reasonrank_assets.core.io import atomic_path
from reasonrank_assets.core.teacher.backends import OpenAITeacher, answer_from_completion
from reasonrank_assets.core.teacher.cache import AnswerCache
from reasonrank_assets.core.teacher.settings import QUERIES, RELEVANCE, Prompt

log = logging.getLogger(__name__)


def export_batch(items: list[Prompt], teacher: OpenAITeacher, cache: AnswerCache, path: Path) -> int:
    """Write the not-yet-answered prompts as batch JSONL (custom_id = "task:cache key"); return how many."""
    cached = cache.get_many(item.key for item in items)
    pending = {item.key: item for item in items if item.key not in cached}
    with open(path, "w", encoding="utf-8") as out:
        for item in pending.values():
            line = {"custom_id": f"{item.task}:{item.key}", "method": "POST", "url": "/v1/chat/completions",
                    "body": teacher._request(item)}
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
    return len(pending)


def import_batch(path: Path, teacher: OpenAITeacher | None, cache: AnswerCache, with_models: bool = False) -> dict:
    """Store the answers of a batch output JSONL (gzip when it ends in .gz) in the cache; failed
    lines are counted, not stored (`with_models`: also the teachers that answered, under "models").
    A recording (`export_recording`) carries each answer's label probabilities beside its choice,
    since a local teacher has no token logprobs to give."""
    import gzip

    from openai.types.chat import ChatCompletion

    counts, models = Counter(), set()
    opener = gzip.open if Path(path).suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{number}: not a JSON object ({exc})") from exc
            task, _, key = str(record.get("custom_id", "")).partition(":")
            if task not in (RELEVANCE, QUERIES) or not key:
                raise ValueError(f"{path}:{number}: custom_id {record.get('custom_id')!r} is not 'task:cache key'")
            response = record.get("response") or {}
            if record.get("error") or response.get("status_code") != 200:
                counts["failed"] += 1
                continue
            try:
                body = response["body"]
                answer = answer_from_completion(ChatCompletion.model_validate(body), 0.0, 1)
                recorded = body["choices"][0].get("label_probs") if body.get("choices") else None
            except Exception as exc:  # noqa: BLE001 - lines before this one are already stored
                raise ValueError(f"{path}:{number}: response.body is not a chat completion ({exc})") from exc
            if answer.error is not None:
                counts["failed"] += 1
                continue
            answer.latency_s = None  # a batch job has no per-call latency
            answer.label_probs = recorded if recorded is not None else answer.label_probs
            model = teacher.model if teacher is not None else str(body.get("model"))
            cache.put(key, task, model, answer)
            counts["stored"] += 1
            models.add(model)
    return dict(counts) | ({"models": sorted(models)} if with_models else {})


def open_cache(path: Path | str, recording: str | Path | None = None) -> AnswerCache:
    """The answer cache at `path`, first given the answers of `recording` when one is named, so
    that the prompts it holds are not asked again."""
    if recording and not Path(recording).is_file():
        raise FileNotFoundError(f"teacher recording {recording} not found: `make record-teacher` writes it; without one, set the recording to null")
    cache = AnswerCache(path)
    if recording:
        counts = import_batch(Path(recording), None, cache, with_models=True)
        cache.recording, cache.recorded_models = str(recording), set(counts.pop("models", ()))
        log.info("teacher recording %s: %d answers put in the cache", recording, counts.get("stored", 0))
    return cache


def export_recording(items: list[Prompt], cache: AnswerCache, model: str, path: Path) -> int:
    """Write the cached answers of `items` as OpenAI batch-output JSONL, gzip: cache keys and
    answers, no prompt text. Sorted and without a gzip timestamp, so the same answers give the
    same bytes. `import_batch` reads it back. Returns the number of answers written."""
    import gzip

    answers = cache.get_many(item.key for item in items)
    tasks = {item.key: item.task for item in items}
    lines = []
    for key in sorted(answers):
        answer = answers[key]
        usage = {"prompt_tokens": answer.prompt_tokens or 0, "completion_tokens": answer.completion_tokens or 0}
        choice = {"index": 0, "message": {"role": "assistant", "content": answer.text}, "finish_reason": answer.finish_reason or "stop",
                  "logprobs": None, "label_probs": answer.label_probs}
        body = {"id": f"chatcmpl-{key[:24]}", "object": "chat.completion", "created": 0, "model": model, "choices": [choice],
                "usage": usage | {"total_tokens": usage["prompt_tokens"] + usage["completion_tokens"]}}
        lines.append({"id": f"batch_req_{key[:24]}", "custom_id": f"{tasks[key]}:{key}",
                      "response": {"status_code": 200, "request_id": key[:24], "body": body}, "error": None})
    with atomic_path(path) as tmp, open(tmp, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as out:
        out.write("".join(json.dumps(line, ensure_ascii=False, sort_keys=True) + "\n" for line in lines).encode())
    return len(lines)
