"""Prompt templates (versioned files in `reasonrank_assets/prompts/`) and parsers of their answers.

A template's file name carries its version: editing a prompt means adding `name.vN+1.txt`, so
cached teacher answers keyed by the old version are never mistaken for answers to the new one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

LABEL_PREFIX = "Relevance Label:"
STOP = " ##"
PROMPT_VERSION = "v1"
MAX_DOC_WORDS = 3000
MAX_DOC_CHARS = 8000


@cache
def template(name: str, version: str = PROMPT_VERSION) -> str:
    return files("reasonrank_assets.prompts").joinpath(f"{name}.{version}.txt").read_text(encoding="utf-8")


def truncate_document(text: str) -> str:
    """The method's cut: first 3,000 words, then first 8,000 characters."""
    return " ".join(text.split(" ")[:MAX_DOC_WORDS])[:MAX_DOC_CHARS]


def relevance_messages(question: str, document: str) -> list[dict]:
    body = template("relevance").format(question=question.strip(), document=truncate_document(document).strip())
    return [{"role": "user", "content": body}]


def queries_messages(question: str) -> list[dict]:
    return [{"role": "user", "content": template("queries").format(question=question.strip())}]


@dataclass(frozen=True)
class RelevanceParse:
    label: int | None
    explanation: str
    status: str  # "ok", "no_label" or "bad_label"


_LABEL = re.compile(r"relevance\s+label\s*:\s*\**\s*(-?\d+)", re.IGNORECASE)


def parse_relevance(text: str) -> RelevanceParse:
    match = _LABEL.search(text)
    if match is None:
        return RelevanceParse(None, text.strip(), "no_label")
    explanation = text[: match.start()].strip()
    label = int(match.group(1))
    if label not in (0, 1, 2):
        return RelevanceParse(None, explanation, "bad_label")
    return RelevanceParse(label, explanation, "ok")


def parse_queries(text: str, limit: int = 10) -> list[str]:
    seen: dict[str, str] = {}
    for line in text.splitlines():
        query = re.sub(r"^\s*(?:[-*•]|\d+[.)])\s*", "", line).strip().strip('"').strip()
        if query and query.lower() not in seen:
            seen[query.lower()] = query
    return list(seen.values())[:limit]
