"""The teacher's two tasks as stage functions: answer every prompt once (cache first), then
turn the answers into `search_queries` and `teacher_judgments` rows."""

from __future__ import annotations

import logging
from collections import Counter

from reasonrank_assets.core import prompts
from reasonrank_assets.core.prompts import PROMPT_VERSION
from reasonrank_assets.core.teacher.backends import Teacher
from reasonrank_assets.core.teacher.cache import AnswerCache, cache_key
from reasonrank_assets.core.teacher.settings import QUERIES, RELEVANCE, Answer, Prompt

log = logging.getLogger(__name__)


def answer_prompts(
    items: list[Prompt], teacher: Teacher, cache: AnswerCache, summary: dict | None = None, progress=None
) -> dict[str, Answer]:
    """Answers for every prompt: from the cache, else from the teacher, stored as each arrives
    (`progress(done, total)` counts the teacher's answers)."""
    answers = cache.get_many(item.key for item in items)
    pending = list({item.key: item for item in items if item.key not in answers}.values())
    answered = 0

    def store(item: Prompt, answer: Answer) -> None:
        nonlocal answered
        if answer.error is None:
            cache.put(item.key, item.task, teacher.model, answer)
        answers[item.key] = answer
        answered += 1
        if progress:
            progress(answered, len(pending))

    cached = len(answers)
    log.info("teacher %s: %d prompts, %d answered from the cache, %d to ask", teacher.model, len(items), cached, len(pending))
    if pending and teacher.model in cache.recorded_models:  # a recording of another teacher has nothing to say here
        log.warning(
            "teacher %s: %d of %d prompts are not in the recording %s (the prompts or the teacher settings changed since it "
            "was recorded): asking the teacher live; `make record-teacher` records them anew",
            teacher.model, len(pending), len(items), cache.recording,
        )  # fmt: skip
    teacher.answer_all(pending, store)
    if summary is not None:
        errors = sum(1 for item in pending if answers[item.key].error is not None)
        summary.update(
            prompts=len(items), unique_prompts=cached + len(pending), cache_hits=cached, calls=len(pending),
            call_errors=errors, attempts=sum(answers[item.key].attempts for item in pending),
            prompt_tokens=sum(answers[item.key].prompt_tokens or 0 for item in pending),
            completion_tokens=sum(answers[item.key].completion_tokens or 0 for item in pending),
            logprobs=teacher.capabilities.get("logprobs"),
        )
    return answers


def _prompt(teacher: Teacher, task: str, messages: list[dict]) -> Prompt:
    return Prompt(cache_key(teacher.model, task, messages, teacher.settings(task)), task, messages)


def _require(row: dict, keys: tuple[str, ...], what: str) -> None:
    missing = [k for k in keys if row.get(k) is None]
    if missing:
        raise ValueError(f"{what} {row.get('site')}/{row.get('question_id')} {row.get('url', '')}: missing {missing}")


def generate_queries(questions: list[dict], teacher: Teacher, cache: AnswerCache, *, summary: dict | None = None, progress=None) -> list[dict]:
    """`search_queries` rows: up to 10 parsed, deduplicated queries per question.

    status per question: "ok" (10 queries), "short" (1-9), "empty" (none parsed), "error" (no answer).
    A question without queries still has one row (query_rank 0, query NULL) saying why.
    """
    for q in questions:
        _require(q, ("site", "question_id", "text"), "question")
    items = query_prompts(questions, teacher)
    answers = answer_prompts(items, teacher, cache, summary, progress)
    rows = []
    for question, item in zip(questions, items):
        answer = answers[item.key]
        queries = prompts.parse_queries(answer.text) if answer.text is not None else []
        status = "error" if answer.error else "ok" if len(queries) >= prompts.MAX_QUERIES else "short" if queries else "empty"
        common = {
            "site": question["site"], "question_id": question["question_id"], "status": status,
            "n_queries": len(queries), "model": teacher.model, "prompt_version": PROMPT_VERSION,
            "cache_key": item.key, "raw_answer": answer.text, "error": answer.error,
            "latency_s": answer.latency_s, "prompt_tokens": answer.prompt_tokens,
            "completion_tokens": answer.completion_tokens,
        }
        ranked = list(enumerate(queries, start=1)) or [(0, None)]
        rows += [{**common, "query_rank": rank, "query": query} for rank, query in ranked]
    return rows


def judge_pairs(pairs: list[dict], teacher: Teacher, cache: AnswerCache, *, summary: dict | None = None, progress=None) -> list[dict]:
    """`teacher_judgments` rows: one per candidate pair, with the label or the reason there is none."""
    for p in pairs:
        _require(p, ("site", "pair_id", "question_id", "question", "url", "document"), "candidate pair")
    items = relevance_prompts(pairs, teacher)
    answers = answer_prompts(items, teacher, cache, summary, progress)
    rows = [_judgment(pair, item, answers[item.key], teacher) for pair, item in zip(pairs, items)]
    if summary is not None:
        summary["parse_status"] = dict(Counter(row["parse_status"] for row in rows))
    return rows


def relevance_outcome(answer: Answer, force_label: bool = False) -> tuple[int | None, str, str]:
    """(label, explanation, parse status) of an answer; errors and truncations say so.

    An answer that ran out of tokens before its label, and with `force_label` (the local
    backend's option) any answer without a readable label, takes the most likely of 0/1/2 from
    its label probabilities (read after a forced label prefix), with the status "forced".
    """
    if answer.error is not None or answer.text is None:
        return None, "", "error"
    parsed = prompts.parse_relevance(answer.text)
    if parsed.status in prompts.USABLE_STATUSES:
        return parsed.label, parsed.explanation, parsed.status
    if (force_label or answer.finish_reason == "length") and answer.label_probs:
        return max(range(3), key=answer.label_probs.__getitem__), parsed.explanation, prompts.FORCED
    if answer.finish_reason == "length":
        return None, parsed.explanation, "truncated"
    return None, parsed.explanation, parsed.status


def _judgment(pair: dict, item: Prompt, answer: Answer, teacher: Teacher) -> dict:
    label, explanation, status = relevance_outcome(answer, getattr(teacher, "forces_labels", False))
    return {
        "site": pair["site"], "pair_id": pair["pair_id"], "question_id": pair["question_id"], "url": pair["url"],
        "source": pair.get("source"), "document": prompts.truncate_document(pair["document"]), "label": label, "explanation": explanation, "parse_status": status,
        "raw_answer": answer.text, "finish_reason": answer.finish_reason, "label_probs": answer.label_probs,
        "model": teacher.model, "prompt_version": PROMPT_VERSION, "cache_key": item.key, "error": answer.error,
        "attempts": answer.attempts, "latency_s": answer.latency_s, "prompt_tokens": answer.prompt_tokens,
        "completion_tokens": answer.completion_tokens,
    }


def relevance_prompts(pairs: list[dict], teacher: Teacher) -> list[Prompt]:
    return [_prompt(teacher, RELEVANCE, prompts.relevance_messages(p["question"], p["document"])) for p in pairs]


def query_prompts(questions: list[dict], teacher: Teacher) -> list[Prompt]:
    return [_prompt(teacher, QUERIES, prompts.queries_messages(q["text"])) for q in questions]
