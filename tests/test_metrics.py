"""Metrics: ir-measures values checked by hand, BRIGHT's exclusions, tests, rows, chart."""

import math
import re
from pathlib import Path

import pytest

from reasonrank_assets.core.evaluation import metrics

QRELS = [
    {"query_id": "q1", "doc_id": "a", "relevance": 2},
    {"query_id": "q1", "doc_id": "b", "relevance": 1},
    {"query_id": "q2", "doc_id": "c", "relevance": 1},
]


def run(ranking: dict[str, list[str]], system="s", benchmark="b", domain="d"):
    return [
        {"benchmark": benchmark, "domain": domain, "system": system, "query_id": q, "doc_id": d, "rank": i, "score": 10.0 - i}
        for q, docs in ranking.items()
        for i, d in enumerate(docs, 1)
    ]


def test_ndcg_and_mrr_by_hand():
    result = metrics.evaluate(run({"q1": ["x", "b", "a"], "q2": ["c"]}), QRELS)
    # trec_eval's nDCG: gain = relevance (linear), discount log2(rank + 1)
    linear_q1 = (1 / math.log2(3) + 2 / math.log2(4)) / (2 + 1 / math.log2(3))
    assert result["per_query"]["nDCG@10"]["q1"] == pytest.approx(linear_q1)
    assert result["per_query"]["RR@10"] == {"q1": 0.5, "q2": 1.0}
    assert result["aggregate"]["nDCG@10"] == pytest.approx((linear_q1 + 1.0) / 2)
    assert result["n_queries"] == 2


def test_excluded_ids_leave_before_the_cut():
    # q2's excluded doc sits in first place: removing it lifts "c" from rank 11 into the top 10
    ranking = {"q2": ["bad"] + [f"n{i}" for i in range(9)] + ["c"]}
    queries = [{"query_id": "q2", "excluded_ids": ["bad"]}]
    with_exclusion = metrics.evaluate(run(ranking), QRELS, queries)
    without = metrics.evaluate(run(ranking), [r for r in QRELS if r["query_id"] == "q2"])
    assert without["per_query"]["nDCG@10"]["q2"] == 0.0
    assert with_exclusion["per_query"]["nDCG@10"]["q2"] == pytest.approx(1 / math.log2(11))
    assert with_exclusion["n_queries"] == 1  # scoped to the queries given


def test_a_judged_query_without_hits_scores_zero():
    result = metrics.evaluate(run({"q1": ["a"]}), QRELS)
    assert result["per_query"]["nDCG@10"]["q2"] == 0.0


def test_an_empty_run_scores_every_judged_query_zero_not_nan():
    result = metrics.evaluate([], QRELS, measures=["nDCG@10", "RR@10"])
    assert result["per_query"] == {"nDCG@10": {"q1": 0.0, "q2": 0.0}, "RR@10": {"q1": 0.0, "q2": 0.0}}
    assert result["aggregate"] == {"nDCG@10": 0.0, "RR@10": 0.0} and result["n_queries"] == 2


def test_an_unknown_measure_is_a_value_error_saying_what_is_expected():
    assert str(metrics.parse_measure("MAP")) == "AP"
    with pytest.raises(ValueError, match=r"unknown measure 'bogus'; expected ir-measures names such as nDCG@10"):
        metrics.evaluate(run({"q1": ["a"]}), QRELS, measures=["nDCG@10", "bogus"])


def test_paired_test():
    a = {"q1": 0.9, "q2": 0.8, "q3": 0.7, "q4": 0.95}
    b = {"q1": 0.1, "q2": 0.2, "q3": 0.15, "q4": 0.05}
    assert metrics.paired_test(a, b) < 0.01
    assert metrics.paired_test(a, a) == 1.0
    assert math.isnan(metrics.paired_test({"q1": 1.0}, {"q1": 0.0}))
    assert metrics.paired_test({"q1": 1.0, "q2": 0.5}, {"q1": 0.5, "q2": 0.0}) == 0.0  # constant gain


def test_score_rows_per_domain_and_average():
    first = run({"q1": ["x", "b", "a"], "q2": ["n", "c"]}, "bm25") + run({"q1": ["x", "a"]}, "bm25", domain="e")
    reranked = run({"q1": ["a", "b", "x"], "q2": ["c", "n"]}, "student") + run({"q1": ["a", "x"]}, "student", domain="e")
    qrels = [dict(r, benchmark="b", domain=dom) for r in QRELS for dom in ("d", "e")]
    queries = [{"benchmark": "b", "domain": dom, "query_id": q, "excluded_ids": []} for q in ("q1", "q2") for dom in ("d", "e")]
    rows = metrics.score_rows(first, reranked, qrels, queries, first_stage_variant="bm25s lucene")
    by_key = {(r["domain"], r["system"], r["measure"]): r for r in rows}
    assert by_key[("d", "student", "nDCG@10")]["value"] == pytest.approx(100.0)
    assert by_key[("d", "student", "nDCG@10")]["p_value_vs_first_stage"] is not None
    assert by_key[("d", "bm25", "nDCG@10")]["p_value_vs_first_stage"] is None
    average = by_key[("average", "student", "nDCG@10")]
    assert average["value"] == pytest.approx((by_key[("d", "student", "nDCG@10")]["value"] + by_key[("e", "student", "nDCG@10")]["value"]) / 2)
    assert {r["first_stage_variant"] for r in rows} == {"bm25s lucene"}
    assert set(rows[0]) == ddl_columns("benchmark_scores")


def test_reference_rows_and_chart():
    rows = metrics.reference_rows("bright")
    values = {(r["domain"], r["system"]): r["value"] for r in rows}
    assert values[("average", "BM25 (BRIGHT, Pyserini Lucene k1=0.9 b=0.4)")] == 14.5
    assert values[("average", "InteRank-3B (over gte-Qwen1.5-7B)")] == 27.4
    assert values[("average", "Rank1-7B")] == 27.5
    interank = [v for (d, s), v in values.items() if s.startswith("InteRank") and d != "average"]
    assert len(interank) == 12 and sum(interank) / 12 == pytest.approx(27.4, abs=0.05)
    assert all(r["reference"] for r in rows) and metrics.reference_rows("unknown") == []
    ours = [{**rows[0], "system": "student", "reference": False, "value": 20.0}]
    png = metrics.score_chart_png(rows + ours)
    assert png.startswith(b"\x89PNG") and len(png) > 5000


def ddl_columns(table: str) -> set[str]:
    ddl = (Path(__file__).resolve().parents[1] / "sql" / "schema" / f"{table}.sql").read_text()
    return set(re.findall(r"^\s+(\w+) [A-Z]", ddl, re.MULTILINE)) - {"PRIMARY"}
