"""The answer cache: every teacher answer in SQLite, keyed so that a re-run pays for nothing twice."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
import time
from collections.abc import Iterable
from dataclasses import asdict, fields
from pathlib import Path

from reasonrank_assets.core.prompts import PROMPT_VERSION
from reasonrank_assets.core.teacher.settings import Answer

_ANSWER_FIELDS = {f.name for f in fields(Answer)}


class AnswerCache:
    """Teacher answers in SQLite (WAL), one row per cache key, committed as each answer arrives.

    `path` is a directory (the file `answers.sqlite` inside it is used) or a `.sqlite` file.
    One writer per process; readers (another process, `sqlite3` CLI) can look while it writes.
    Only real answers are stored: an error is retried by the next run.
    """

    FILE_NAME = "answers.sqlite"

    def __init__(self, path: Path | str):
        path = Path(path)
        if path.suffix not in (".sqlite", ".db"):
            path.mkdir(parents=True, exist_ok=True)
            path = path / self.FILE_NAME
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.recording: str | None = None  # the recording its answers were seeded from (`open_cache`)
        self.recorded_models: set[str] = set()  # the teachers that recording answers for
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(path, timeout=60, check_same_thread=False, isolation_level=None)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=NORMAL")  # durable against a killed process
        self._conn.execute(
            "CREATE TABLE IF NOT EXISTS answers (key TEXT PRIMARY KEY, task TEXT, model TEXT,"
            " prompt_version TEXT, answer TEXT NOT NULL, created_at REAL)"
        )

    def get_many(self, keys: Iterable[str]) -> dict[str, Answer]:
        keys = list(dict.fromkeys(keys))
        found: dict[str, Answer] = {}
        with self._lock:
            for start in range(0, len(keys), 500):
                chunk = keys[start : start + 500]
                marks = ",".join("?" * len(chunk))
                for key, answer in self._conn.execute(f"SELECT key, answer FROM answers WHERE key IN ({marks})", chunk):
                    stored = json.loads(answer)  # fields an older version stored and this one dropped are ignored
                    found[key] = Answer(**{name: value for name, value in stored.items() if name in _ANSWER_FIELDS})
        return found

    def put(self, key: str, task: str, model: str, answer: Answer) -> None:
        if answer.error is not None:
            raise ValueError(f"refusing to cache an error as an answer (key {key}): {answer.error}")
        with self._lock:
            self._conn.execute(
                "INSERT OR REPLACE INTO answers VALUES (?, ?, ?, ?, ?, ?)",
                (key, task, model, PROMPT_VERSION, json.dumps(asdict(answer)), time.time()),
            )

    def __len__(self) -> int:
        with self._lock:
            return self._conn.execute("SELECT count(*) FROM answers").fetchone()[0]

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> AnswerCache:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def cache_key(model: str, task: str, messages: list[dict], settings: dict) -> str:
    """Hash of (model, prompt version, task, inputs, sampling settings); no endpoint, no secret."""
    material = {
        "model": model,
        "prompt_version": PROMPT_VERSION,
        "task": task,
        "messages": messages,
        "settings": settings,
    }
    return hashlib.sha256(json.dumps(material, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
