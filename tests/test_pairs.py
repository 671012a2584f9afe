"""Candidate pairs: cited pages first, then BM25 candidates from the crawled pool."""

from reasonrank_assets.core import warehouse
from reasonrank_assets.core.dataset.pairs import build_candidate_pairs, pair_id

SITE = "beer.stackexchange.com"

QUESTIONS = [
    {"site": SITE, "question_id": 1, "text": "Why do hops make beer bitter?\n\nWhat compounds in hops add bitterness?"},
    {"site": SITE, "question_id": 2, "text": "How long should lager beer ferment at cold temperature?"},
    {"site": SITE, "question_id": 3, "text": "Qwxz zzyzx?"},  # no word the pool knows
]
PAGES = [
    {"url": "https://a.example/hops", "text": "Alpha acids in hops isomerise in the boil and make beer bitter.", "error": None},
    {"url": "https://b.example/ibu", "text": "IBU measures bitterness: iso-alpha acids from hops, in parts per million.", "error": None},
    {"url": "https://c.example/mirror", "text": "Alpha acids in hops isomerise in the boil and make beer bitter.", "error": None},
    {"url": "https://d.example/lager", "text": "Lager yeast ferments cold, around 10 C, for two to three weeks.", "error": None},
    {"url": "https://e.example/dead", "text": "", "error": "HTTP 404", "error_kind": "http_status", "status": 404},
    {"url": "https://h.example/blocked", "text": "hops bitterness alpha acids IBU", "error_kind": "robots", "error": "disallowed"},
    {"url": "https://f.example/coffee", "text": "Coffee roasting levels: light, medium and dark roast bitterness.", "error": None},
    {"url": "https://g.example/hop-oils", "text": "Hop oils give aroma; late hop additions add less bitterness to beer.", "error": None},
]
CITED = [
    {"site": SITE, "question_id": 1, "url": "https://a.example/hops"},
    {"site": SITE, "question_id": 1, "url": "https://e.example/dead"},  # crawl failed: skipped
    {"site": SITE, "question_id": 1, "url": "https://a.example/hops"},  # cited twice
    {"site": SITE, "question_id": 2, "url": "https://d.example/lager"},
]
QUERIES = [
    {"site": SITE, "question_id": 1, "query_rank": 1, "query": "hops bitterness alpha acids"},
    {"site": SITE, "question_id": 1, "query_rank": 2, "query": "IBU bitterness units"},
    {"site": SITE, "question_id": 2, "query_rank": 0, "query": None},  # no queries: its own text is searched
]


def by_question(rows):
    grouped = {}
    for row in rows:
        grouped.setdefault(row["question_id"], []).append(row)
    return grouped


def test_cited_pages_first_then_bm25_fills_to_per_question():
    rows = by_question(build_candidate_pairs(QUESTIONS, CITED, PAGES, QUERIES, per_question=3))
    first = rows[1]
    assert [(r["url"], r["source"]) for r in first][:1] == [("https://a.example/hops", "cited")]
    assert [r["source"] for r in first] == ["cited", "bm25", "bm25"]
    assert [r["candidate_rank"] for r in first] == [1, 2, 3]
    urls = [r["url"] for r in first]
    assert "https://b.example/ibu" in urls  # found by the teacher's query
    assert "https://c.example/mirror" not in urls  # same content as a cited page
    assert "https://e.example/dead" not in urls and "https://h.example/blocked" not in urls
    bm25 = first[1]
    assert bm25["retrieval_score"] > 0 and bm25["retrieval_query"] in {"hops bitterness alpha acids", "IBU bitterness units"}
    assert first[0]["retrieval_score"] is None and first[0]["retrieval_query"] is None
    assert [r["source"] for r in rows[2]][0] == "cited" and rows[2][1]["retrieval_query"] == QUESTIONS[1]["text"]
    assert 3 not in rows  # nothing in the pool matches it


def test_rows_carry_texts_stable_ids_and_fit_the_table_schema():
    rows = build_candidate_pairs(QUESTIONS, CITED, PAGES, QUERIES)
    assert rows == build_candidate_pairs(QUESTIONS, CITED, PAGES, QUERIES)
    row = rows[0]
    assert row["pair_id"] == pair_id(SITE, 1, "https://a.example/hops")
    assert row["question"] == QUESTIONS[0]["text"] and row["document"] == PAGES[0]["text"]
    assert len({r["pair_id"] for r in rows}) == len(rows)
    assert all(len(r["content_hash"]) == 64 for r in rows)
    assert warehouse.to_arrow("candidate_pairs", rows).num_rows == len(rows)


def test_per_question_caps_cited_pages_too_and_an_empty_pool_gives_cited_only():
    many = [{"site": SITE, "question_id": 1, "url": p["url"]} for p in PAGES]
    rows = build_candidate_pairs(QUESTIONS[:1], many, PAGES, [], per_question=2)
    assert [r["source"] for r in rows] == ["cited", "cited"]
    assert build_candidate_pairs(QUESTIONS, [], [], QUERIES) == []
