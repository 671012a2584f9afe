"""Prompt templates (versioned files in `reasonrank_assets/prompts/`) and parsers of their answers.

A template's file name carries its version: editing a prompt means adding `name.vN+1.txt`, so
cached teacher answers keyed by the old version are never mistaken for answers to the new one.

The parsers take answers as real models write them: markdown around the label, label words
instead of digits, a missing ` ##`, chatter before a list of queries. An answer they cannot read
gets a parse status saying why; it never silently becomes label 0 (the official code's habit).
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
MAX_QUERIES = 10

# Parse statuses. The first three give a label that training may use.
OK = "ok"  # "Relevance Label: N" with N in 0/1/2
LABEL_WORD = "label_word"  # "Relevance Label: partially relevant": the word is mapped to its grade
FORCED = "forced"  # no label written; the local backend scored 0/1/2 after the prefix (teacher/backends.py)
NO_LABEL = "no_label"  # no "Relevance Label" anywhere
BAD_LABEL = "bad_label"  # a label outside 0/1/2 (3, -1, 1.5) or an unreadable value
USABLE_STATUSES = (OK, LABEL_WORD, FORCED)


@cache
def template(name: str, version: str = PROMPT_VERSION) -> str:
    return files("reasonrank_assets.prompts").joinpath(f"{name}.{version}.txt").read_text(encoding="utf-8")


def truncate_document(text: str) -> str:
    """The method's cut: first 3,000 words, then first 8,000 characters."""
    return " ".join(text.split(" ")[:MAX_DOC_WORDS])[:MAX_DOC_CHARS]


def relevance_messages(question: str, document: str) -> list[dict]:
    body = template("relevance").format(question=question.strip(), document=truncate_document(document).strip())
    return [{"role": "user", "content": body}]


def question_messages(document: str) -> list[dict]:
    """Ask for the question a passage answers: what a teacher writes for a document (training
    questions with no human label) and what the query-likelihood reranker reads the query after."""
    return [{"role": "user", "content": template("question").format(passage=truncate_document(document))}]


def queries_messages(question: str) -> list[dict]:
    return [{"role": "user", "content": template("queries").format(question=question.strip())}]


def relevance_completion(explanation: str, label: int) -> str:
    """The target text a student learns: the explanation, then the label line the method ends with.
    Without an explanation (label-only answers) the label line alone, as the label-only reranker reads it."""
    label_line = f"{LABEL_PREFIX} {label}{STOP}"
    return f"{explanation.strip()}\n{label_line}" if explanation.strip() else label_line


@dataclass(frozen=True)
class RelevanceParse:
    label: int | None
    explanation: str
    status: str  # one of the statuses above


# "Relevance Label", "relevance_label", "RELEVANCE LABEL" ... then markdown or punctuation, then the value.
# Teachers also say it in prose: "Therefore, the relevance label (for this document) is 0."
# A "-" right before a digit is a sign, not markdown: "Relevance Label: -1" is a bad label.
LABEL_PATTERN = (
    r"relevance[\s_-]*label\b"
    r"(?:\s+for\s+(?:this|the)\s+(?:document|page|passage))?(?:\s+(?:is|would\s+be|should\s+be|will\s+be|of)\b)?"
    r"(?:[\s*_`#:=–>\[\(]|-(?!\d))*"
)
_LABEL = re.compile(LABEL_PATTERN, re.IGNORECASE)
_NUMBER = re.compile(r"-?\d+(?:[.,]\d+)?")
# Longest phrases first: "not relevant" must not read as "relevant".
_WORDS = (
    ("partially relevant", 1),
    ("partly relevant", 1),
    ("somewhat relevant", 1),
    ("not relevant", 0),
    ("non-relevant", 0),
    ("irrelevant", 0),
    ("highly relevant", 2),
    ("fully relevant", 2),
    ("relevant", 2),
    ("partial", 1),
    ("none", 0),
)


# "Relevance Label: 0, 1 or 2" copies the instruction: it names no label.
_ECHO = re.compile(r"\s*(?:,|/|\bor\b|-)\s*\d", re.IGNORECASE)


def _stated_number(rest: str) -> re.Match | None:
    """The number right after the label prefix, unless it starts a copy of the instruction."""
    number = _NUMBER.match(rest)
    return None if number is None or _ECHO.match(rest, number.end()) else number


def _label_value(rest: str) -> tuple[int | None, str]:
    """Read the value right after the label prefix: a number, or a label word."""
    head = rest[:40]
    number = _stated_number(head)
    if number:
        text = number.group(0)
        value = int(text) if text.lstrip("-").isdigit() else None
        return (value, OK) if value in (0, 1, 2) else (None, BAD_LABEL)
    lowered = head.lower()
    for word, grade in _WORDS:
        if lowered.startswith(word):
            return grade, LABEL_WORD
    return None, BAD_LABEL


def _clean_explanation(text: str) -> str:
    # Drop markdown the model wrapped around the label line ("**", "###", "- ").
    return re.sub(r"[\s*#_`>\-]+$", "", text).strip()


def parse_relevance(text: str) -> RelevanceParse:
    """The first label after `relevance label` (case-insensitive) must be 0, 1 or 2.

    A mention of "relevance label" in passing ("I will now give a relevance label.") is skipped:
    the first mention followed by a value decides.
    """
    matches = list(_LABEL.finditer(text))
    if not matches:
        return RelevanceParse(None, text.strip(), NO_LABEL)
    for match in matches:
        rest = text[match.end():]
        label, status = _label_value(rest)
        if status != BAD_LABEL or _stated_number(rest):  # a stated bad number decides; an echo or a stray word does not
            return RelevanceParse(label, _explanation(text, match), status)
    return RelevanceParse(None, _explanation(text, matches[0]), BAD_LABEL)


def _explanation(text: str, match: re.Match) -> str:
    """The text before the label; when the label comes first, the text after its line."""
    before = _clean_explanation(text[: match.start()])
    if before:
        return before
    after = text[match.end():].split("\n", 1)
    return after[1].strip() if len(after) > 1 else ""


_ITEM_MARK = re.compile(r"^\s*(?:[-*•+]|\(?\d{1,2}[.):]|query\s*\d{0,2}\s*[:.)-])\s*", re.IGNORECASE)


def _clean_query(line: str) -> str:
    query = _ITEM_MARK.sub("", line)
    query = re.sub(r"[*`]+", "", query).strip()
    return query.strip("\"'“”‘’").strip()


def _is_chatter(line: str, query: str) -> bool:
    """Lines that introduce or close the list rather than being a query."""
    return query.endswith(":") or len(query.split()) > 32 or line.lstrip().startswith("#")


def parse_queries(text: str, limit: int = MAX_QUERIES) -> list[str]:
    """One query per line; list markers, quotes, markdown and intro lines removed; case-insensitive dedup."""
    seen: dict[str, str] = {}
    for line in text.splitlines():
        query = _clean_query(line)
        if not query or _is_chatter(line, query):
            continue
        key = " ".join(query.lower().split())
        seen.setdefault(key, " ".join(query.split()))
    return list(seen.values())[:limit]
