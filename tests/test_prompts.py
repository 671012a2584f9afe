"""Prompt templates and the parsers of real-world teacher answers."""

import pytest

from reasonrank_assets.core import prompts
from reasonrank_assets.core.prompts import parse_queries, parse_relevance


@pytest.mark.parametrize(
    "answer, label, status",
    [
        ("The page explains IBU.\nRelevance Label: 2 ##", 2, "ok"),
        ("The page explains IBU.\nRelevance Label: 1", 1, "ok"),  # the server stopped at " ##"
        ("Explanation here.\n\n**Relevance Label:** 0", 0, "ok"),
        ("Explanation.\nRelevance Label: **2** ##\nI hope this helps!", 2, "ok"),
        ("### Relevance label\n2", 2, "ok"),
        ("relevance_label = 1", 1, "ok"),
        ("RELEVANCE LABEL: 2", 2, "ok"),
        ("Explanation.\nRelevance Label: Partially relevant ##", 1, "label_word"),
        ("Explanation.\nRelevance Label: Not relevant", 0, "label_word"),
        ("Explanation.\nRelevance Label: Irrelevant", 0, "label_word"),
        ("Explanation.\nRelevance Label: Highly relevant", 2, "label_word"),
        ("Explanation.\nRelevance Label: 3 ##", None, "bad_label"),
        ("Explanation.\nRelevance Label: -1", None, "bad_label"),
        ("Explanation.\nRelevance Label: 1.5", None, "bad_label"),
        ("Explanation.\nRelevance Label: unsure", None, "bad_label"),
        ("The document is somewhat relevant, I would say 2.", None, "no_label"),
        ("", None, "no_label"),
        # A passing mention of the label is skipped; the first one with a value decides.
        ("I will now give a relevance label.\nRelevance Label: 1 ##", 1, "ok"),
        # The method takes the first label, not the last.
        ("Relevance Label: 0\nOn reflection, Relevance Label: 2", 0, "ok"),
        # A copy of the instruction names no label; a real one later still counts.
        ("Relevance Label: 0, 1 or 2\nThe document is about PyTorch.", None, "bad_label"),
        ("Relevance Label: <0, 1 or 2> ##", None, "bad_label"),
        ("Relevance Label: 0/1/2\nIt answers it.\nRelevance Label: 2 ##", 2, "ok"),
        # The label in prose, as Qwen2.5-Coder-1.5B writes it after explaining (NovelEval answers).
        ("It does not mention his annual income. Therefore, the relevance label is 0.", 0, "ok"),
        ("It does not say where he went. The relevance label for this document is 1.", 1, "ok"),
        ("The relevance label would be 2 ##", 2, "ok"),
        ("Give it a relevance label of 0, 1 or 2.", None, "bad_label"),
        ("The relevance label is hard to choose here.", None, "bad_label"),
    ],
)
def test_parse_relevance_real_world_answers(answer, label, status):
    parsed = parse_relevance(answer)
    assert (parsed.label, parsed.status) == (label, status)
    if status not in ("ok", "label_word"):
        assert parsed.label is None  # a failure is never label 0


def test_explanation_is_the_text_before_the_label_without_markdown():
    parsed = parse_relevance("It covers hops and IBU but not dry hopping.\n\n**Relevance Label:** 1 ##")
    assert parsed.explanation == "It covers hops and IBU but not dry hopping."


def test_label_first_then_reasoning_keeps_the_reasoning():
    parsed = parse_relevance("Relevance Label: 1\nThis part of the document addresses the question.")
    assert parsed == prompts.RelevanceParse(1, "This part of the document addresses the question.", "ok")


def test_completion_round_trips_through_the_parser():
    text = prompts.relevance_completion("  Covers it.  ", 2)
    assert text == "Covers it.\nRelevance Label: 2 ##"
    assert parse_relevance(text) == prompts.RelevanceParse(2, "Covers it.", "ok")


def test_parse_queries_strips_markers_chatter_and_duplicates():
    answer = (
        "Here are 10 search queries for this question:\n"
        "1. **hop bitterness IBU**\n"
        "2) \"dry hopping aroma\"\n"
        "- Hop Bitterness IBU\n"  # duplicate, other case
        "* `late hop additions`\n"
        "Query 4: bittering hops boil time\n"
        "\n"
        "### Notes\n"
    )
    assert parse_queries(answer) == ["hop bitterness IBU", "dry hopping aroma", "late hop additions", "bittering hops boil time"]


def test_parse_queries_keeps_at_most_ten():
    assert parse_queries("\n".join(f"query number {i}" for i in range(15))) == [f"query number {i}" for i in range(10)]


def test_document_is_cut_to_3000_words_and_8000_chars():
    words = " ".join(["ab"] * 5000)
    cut = prompts.truncate_document(words)
    assert len(cut) == 8000 and len(cut.split()) == 2667  # 8,000 characters come first here
    short_words = " ".join(["a"] * 5000)
    assert len(prompts.truncate_document(short_words).split()) == 3000


def test_messages_fill_the_versioned_templates():
    relevance = prompts.relevance_messages(" How do hops add bitterness? ", "Alpha acids isomerise in the boil.")
    assert relevance[0]["role"] == "user"
    assert "How do hops add bitterness?" in relevance[0]["content"]
    assert "Alpha acids isomerise" in relevance[0]["content"]
    assert prompts.LABEL_PREFIX in relevance[0]["content"]
    assert "10 focused web search queries" in prompts.queries_messages("Q?")[0]["content"]
    assert prompts.template("relevance", prompts.PROMPT_VERSION)
