"""From judgments to training examples: filtering, merging, decontamination, split, tasks."""

import gzip
import json

import pytest

from reasonrank_assets.core import prompts, warehouse
from reasonrank_assets.core.dataset import training_data as td

SITE = "beer.stackexchange.com"
BRIGHT_QUERY = (
    "I noticed that my sourdough starter smells like nail polish remover after a few days without feeding "
    "and I wonder what microbes produce acetone and whether the bread is still safe to eat"
)


def question(qid, text):
    return {"site": SITE, "question_id": qid, "text": text}


def judgment(qid, url, label, status="ok", explanation="It explains the brewing step in detail.", document=None):
    return {"site": SITE, "pair_id": f"{qid}-{url}", "question_id": qid, "url": url, "label": label,
            "explanation": explanation, "parse_status": status, "document": document or f"Page {url} about brewing."}


def queries(qid, n=10):
    return [{"site": SITE, "question_id": qid, "query_rank": i, "query": f"query {qid} {i}"} for i in range(1, n + 1)]


QUESTIONS = [
    question(1, "How do I stop my homebrew stout from tasting sour after two weeks in the fermenter?"),
    # 2 is a near-duplicate of 1 (reposted with a thank-you); 1 has more usable judgments, so 1 represents both.
    question(2, "how do I stop my homebrew stout from tasting SOUR after two weeks in the fermenter? Thanks!"),
    question(3, "Which hops give a citrus aroma to a pale ale without much bitterness?"),
    question(4, BRIGHT_QUERY + " today"),  # contaminated
    question(5, "Is it safe to drink beer that froze and thawed in the car?"),
]
JUDGMENTS = [
    judgment(1, "a", 2), judgment(1, "b", 0), judgment(1, "c", None, status="no_label"),
    judgment(2, "a", 1),  # the same page as 1/a: the representative's judgment wins
    judgment(2, "d", 1, status="label_word"),
    judgment(3, "e", None, status="bad_label"), judgment(3, "f", None, status="error"), judgment(3, "g", 1, status="forced"),
    judgment(4, "h", 2),
    judgment(5, "i", 2, document="A page quoting the benchmark: " + BRIGHT_QUERY),  # contaminated document
    judgment(5, "j", 0, explanation="x " * 30000),  # over-long
    judgment(5, "k", 1),
]
SEARCH_QUERIES = queries(1) + queries(2) + queries(3, n=4) + queries(4) + queries(5)


@pytest.fixture(scope="module")
def built():
    config = td.TrainingDataSettings(max_example_tokens=2000, validation_fraction=0.0, test_fraction=0.0)
    return td.build_training_examples(JUDGMENTS, QUESTIONS, SEARCH_QUERIES, [BRIGHT_QUERY, "an unrelated gold answer"], config)


def test_usable_judgments_become_relevance_examples(built):
    rows, report = built
    relevance = {(r["question_id"], r["url"]): r for r in rows if r["task"] == "relevance"}
    assert set(relevance) == {(1, "a"), (1, "b"), (1, "d"), (3, "g"), (5, "k")}
    row = relevance[(1, "a")]
    assert row["label"] == 2 and row["completion"] == "It explains the brewing step in detail.\nRelevance Label: 2 ##"
    assert row["prompt"] == prompts.relevance_messages(QUESTIONS[0]["text"], "Page a about brewing.")
    assert relevance[(1, "d")]["prompt"][0]["content"].startswith(prompts.relevance_messages(QUESTIONS[0]["text"], "x")[0]["content"][:40])
    assert report["parse_failures_dropped"] == 3  # no_label, bad_label, error: never label 0
    assert report["judgments_dropped"]["no_label"] == 1 and report["judgments_dropped"]["error"] == 1


def test_the_question_task_asks_for_the_question_of_each_relevant_document():
    config = td.TrainingDataSettings(max_example_tokens=2000, validation_fraction=0.0, test_fraction=0.0, question_task_min_label=1)
    rows, report = td.build_training_examples(JUDGMENTS, QUESTIONS, SEARCH_QUERIES, [BRIGHT_QUERY], config)
    written = {(r["question_id"], r["url"]): r for r in rows if r["task"] == "question"}
    assert set(written) == {(1, "a"), (1, "d"), (3, "g"), (5, "k")}  # the usable, clean relevance pairs labelled 1 or 2
    row = written[(1, "a")]
    assert row["prompt"] == prompts.question_messages("Page a about brewing.") and row["completion"] == QUESTIONS[0]["text"]
    assert row["label"] == 2 and written[(1, "d")]["label"] == 1 and report["examples"]["train/question"] == 4
    assert len({r["example_id"] for r in rows}) == len(rows) and warehouse.to_arrow("training_examples", rows).num_rows == len(rows)


def test_near_duplicates_merged_under_the_representative(built):
    rows, report = built
    assert report["near_duplicates_merged"] == 1 and report["duplicate_pages_dropped"] == 1
    assert {r["question_id"] for r in rows} == {1, 3, 5}  # 2 merged into 1, 4 removed
    merged = next(r for r in rows if r["url"] == "d")
    assert QUESTIONS[0]["text"] in merged["prompt"][0]["content"]  # the representative's text


def test_decontamination_removes_questions_and_pairs_and_says_by_which_text(built):
    rows, report = built
    assert report["decontamination"]["questions_removed"] == 1
    assert report["decontamination"]["pairs_removed_by"] == {"document": 1}
    assert report["decontamination"]["ngram"] == 13
    assert not any(r["question_id"] == 4 for r in rows) and not any(r["url"] == "i" for r in rows)


def test_over_long_dropped_and_short_query_sets_skipped(built):
    rows, report = built
    assert report["over_long_dropped"] == {"relevance": 1}
    queries_rows = {r["question_id"]: r for r in rows if r["task"] == "queries"}
    assert set(queries_rows) == {1, 5}  # 3 has only 4 queries; the method keeps sets of 10
    assert queries_rows[1]["completion"].splitlines() == [f"query 1 {i}" for i in range(1, 11)]
    assert queries_rows[1]["prompt"] == prompts.queries_messages(QUESTIONS[0]["text"]) and queries_rows[1]["url"] is None
    assert report["query_sets_too_short"] == 1


def test_report_and_rows_fit_the_table(built):
    rows, report = built
    assert report["label_balance"]["train"] == {"0": 1, "1": 3, "2": 1}
    assert report["examples"] == {"train/relevance": 5, "train/queries": 2}
    assert report["split_leakage"] == []
    assert len({r["example_id"] for r in rows}) == len(rows)
    assert warehouse.to_arrow("training_examples", rows).num_rows == len(rows)
    json.dumps(report)  # metadata-ready


def test_split_is_by_question_stable_and_leaks_are_reported():
    many = [question(i, f"Question number {i} about yeast strain {i * 7919} and its flavour") for i in range(300)]
    judgments = [judgment(i, u, i % 3) for i in range(300) for u in ("a", "b")]
    config = td.TrainingDataSettings(validation_fraction=0.1, test_fraction=0.1)
    rows, report = td.build_training_examples(judgments, many, [], [], config)
    splits = {}
    for row in rows:
        splits.setdefault(row["question_id"], set()).add(row["split"])
    assert all(len(s) == 1 for s in splits.values())
    counts = report["split_questions"]
    assert 15 <= counts["test"] <= 45 and 15 <= counts["validation"] <= 45
    assert td.check_split_leakage(rows) == []
    again, _ = td.build_training_examples(judgments[:200], many[:100], [], [], config)
    assert {r["question_id"]: r["split"] for r in again} == {q: next(iter(s)) for q, s in splits.items() if q < 100}
    leaked = rows + [dict(rows[0], split="test" if rows[0]["split"] != "test" else "train", url="zz")]
    assert any("is in splits" in problem for problem in td.check_split_leakage(leaked))


def test_near_duplicate_clusters_find_edits_not_topics():
    texts = ["the quick brown fox jumps over the lazy dog near the river bank today",
             "the quick brown fox jumps over the lazy dog near the river bank today!",
             "a completely different question about brewing a porter with roasted barley malt"]
    assert td.near_duplicate_clusters(texts) == [0, 0, 2]


def test_judgment_stats_and_parse_failure_check():
    stats = td.judgment_stats(JUDGMENTS)
    assert stats["call_errors"] == 1 and stats["parse_failure_rate"] == pytest.approx(2 / 11)
    assert stats["label_distribution"] == {"0": 2, "1": 4, "2": 3}
    assert td.check_parse_failure_rate(JUDGMENTS, 0.5) == []
    assert "exceeds" in td.check_parse_failure_rate(JUDGMENTS, 0.1)[0]


def test_missing_document_is_a_clear_error():
    bare = [{k: v for k, v in JUDGMENTS[0].items() if k != "document"}]
    with pytest.raises(ValueError, match="1-a.*pass pairs="):
        td.build_training_examples(bare, QUESTIONS, [], [])
    rows, _ = td.build_training_examples(bare, QUESTIONS, [], [], pairs=[{"pair_id": "1-a", "document": "From pairs."}])
    assert "From pairs." in rows[0]["prompt"][0]["content"]


def test_contamination_texts_from_a_topics_directory_and_a_hub_layout_copy(tmp_path):
    topics = tmp_path / "topics"
    topics.mkdir()
    with gzip.open(topics / "topics.bright-biology-original.jsonl.gz", "wt") as f:
        f.write(json.dumps({"id": "0", "query": "Q one", "gold_answer": "A one"}) + "\n")
        f.write(json.dumps({"id": "1", "query": "Q two", "gold_answer": "N/A"}) + "\n")
    assert td.load_contamination_texts(str(topics)) == ["Q one", "A one", "Q two"]
    import pyarrow as pa
    import pyarrow.parquet as pq

    examples = tmp_path / "BRIGHT" / "examples"
    examples.mkdir(parents=True)
    pq.write_table(pa.table({"id": ["0"], "query": ["Hub Q"], "gold_answer": ["Hub A"]}), examples / "biology-00000-of-00001.parquet")
    assert td.load_contamination_texts(f"hf:{tmp_path / 'BRIGHT'}") == ["Hub Q", "Hub A"]
    with pytest.raises(FileNotFoundError, match="no \\*.jsonl"):
        td.load_contamination_texts(str(tmp_path))


def test_real_bright_topics_decontaminate_a_copied_query(shared_data):
    texts = td.load_contamination_texts(str(shared_data / "bright" / "topics"))
    assert len(texts) > 1384  # queries plus gold answers
    copied = question(7, "Reposted: " + texts[0])
    fresh = question(8, "How much priming sugar for a 19 litre batch of bottled ale at 20 C?")
    rows, report = td.build_training_examples([judgment(7, "a", 2), judgment(8, "a", 1)], [copied, fresh], [], texts)
    assert report["decontamination"]["questions_removed"] == 1 and {r["question_id"] for r in rows} == {8}
