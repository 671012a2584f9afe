"""First stages: BM25 (bm25s) and published runs; the MiniLM cosine baseline."""

import pytest

from reasonrank_assets.core.evaluation import retrieval

DOCS = [
    {"doc_id": "d0", "text": "Fleas live for about a year when a host is available."},
    {"doc_id": "d1", "text": "Concrete flooring costs depend on the finish."},
    {"doc_id": "d2", "text": "The life cycle of the flea: egg, larva, pupa, adult fleas."},
    {"doc_id": "d3", "text": "Declaratory judgment is a court ruling."},
]
QUERIES = [
    {"benchmark": "t", "domain": "default", "query_id": "q1", "query": "flea life cycle", "excluded_ids": []},
    {"benchmark": "t", "domain": "default", "query_id": "q2", "query": "fleas living", "excluded_ids": ["d0"]},
    {"benchmark": "t", "domain": "default", "query_id": "q3", "query": "zzz unknownword", "excluded_ids": []},
]


def test_bm25_ranks_matching_documents_first_with_stemming():
    rows = retrieval.bm25_run(QUERIES[:1], DOCS, k=2)
    assert [r["doc_id"] for r in rows] == ["d2", "d0"]  # "fleas" stems to "flea"
    assert rows[0]["score"] > rows[1]["score"] > 0 and [r["rank"] for r in rows] == [1, 2]
    assert rows[0]["system"] == "bm25s-lucene-k1_0.9-b_0.4" and rows[0]["benchmark"] == "t"
    unstemmed = retrieval.bm25_run(QUERIES[:1], DOCS, k=4, stemmer=None)
    assert [r["doc_id"] for r in unstemmed][0] == "d2"


def test_excluded_ids_never_enter_the_top_k_and_pools_limit_it():
    rows = retrieval.bm25_run(QUERIES[1:2], DOCS, k=4)
    assert "d0" not in {r["doc_id"] for r in rows} and len(rows) == 3
    pooled = retrieval.bm25_run(QUERIES[:1], DOCS, k=10, candidates={"q1": ["d1", "d3", "unknown"]})
    assert {r["doc_id"] for r in pooled} == {"d1", "d3"}


def test_a_query_with_no_known_terms_still_returns_k_hits():
    rows = retrieval.bm25_run(QUERIES[2:], DOCS, k=2)
    assert [r["score"] for r in rows] == [0.0, 0.0] and [r["doc_id"] for r in rows] == ["d0", "d1"]


def test_bm25_without_documents_says_why():
    with pytest.raises(ValueError, match="TREC run file"):
        retrieval.bm25_run(QUERIES, [])


def test_variant_label_names_every_parameter():
    assert retrieval.bm25_variant(1.2, 0.75, "robertson", None) == "bm25s robertson k1=1.2 b=0.75 stopwords=en stemmer=none"


def test_read_run_reorders_by_score_and_cuts(tmp_path):
    path = tmp_path / "run.trec"
    path.write_text("1 Q0 b 1 0.5 sys\n1 Q0 a doc 2 0.9 sys\n1 Q0 c 3 0.1 sys\n")
    rows = retrieval.read_run(path, "bright", "biology", k=2)
    assert [(r["doc_id"], r["rank"]) for r in rows] == [("a doc", 1), ("b", 2)]
    assert rows[0]["system"] == "sys" and rows[0]["domain"] == "biology"


@pytest.mark.slow
def test_minilm_encoder_matches_sentence_transformers_convention():
    """Mean pooling + L2 norm: a text and itself score 1, and related texts beat unrelated ones."""
    encoder = retrieval.MeanPooledEncoder()
    vectors = encoder.encode(["flea life cycle", "the life cycle of fleas", "concrete floor prices"], batch_size=2)
    assert vectors.shape == (3, 384)
    assert float(vectors[0] @ vectors[0]) == pytest.approx(1.0, abs=1e-5)
    assert float(vectors[0] @ vectors[1]) > float(vectors[0] @ vectors[2])


@pytest.mark.slow
def test_minilm_cosine_rerank():
    first = retrieval.bm25_run(QUERIES[:1], DOCS, k=4)
    rows = retrieval.cosine_rerank(QUERIES[:1], DOCS, first, depth=3)
    assert len(rows) == 3 and rows[0]["doc_id"] == "d2"
    assert all(a["score"] >= b["score"] for a, b in zip(rows, rows[1:]))
