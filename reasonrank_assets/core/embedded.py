"""The embedded default: a small StackExchange sample (two sites) and the pages its answers cite,
shipped in the package so the whole pipeline runs offline.

Its benchmark is built the way BRIGHT's StackExchange half was: held-out questions are the
queries, the pages their answers cite are the gold documents, every page in the WARC is the
collection. Training removes those questions again by decontamination, as it must for BRIGHT.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parents[1] / "data"
STACKEXCHANGE_DIR = DATA_DIR / "stackexchange"
WARC_PATH = DATA_DIR / "pages.warc.gz"
# The demo teacher's answers (Qwen2.5-Coder-1.5B) to every prompt of the embedded default, as
# OpenAI batch-output JSONL: `reasonrank demo --record-teacher` re-creates it.
TEACHER_RECORDING = DATA_DIR / "teacher-recording.jsonl.gz"
# NovelEval-2306 (RankGPT, Apache-2.0): 21 questions of mid-2023, 20 passages each judged 0/1/2.
# Not written here: the demo's one real benchmark, beside the embedded one.
NOVELEVAL_DIR = DATA_DIR / "noveleval"
HELD_OUT_PERCENT = 25


def held_out(site: str, question_ids: list[int]) -> set[int]:
    """A stable quarter of a site's questions: those with the smallest hash, independent of order."""
    ranked = sorted(question_ids, key=lambda qid: hashlib.sha256(f"{site}/{qid}".encode()).digest())
    return set(ranked[: round(len(ranked) * HELD_OUT_PERCENT / 100)])


def domains() -> list[str]:
    return sorted(p.name.split(".")[0] for p in STACKEXCHANGE_DIR.iterdir() if (p / "Posts.xml").exists())
