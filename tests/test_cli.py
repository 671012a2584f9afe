"""`reasonrank` console script: evaluate, bm25 and rerank on TREC/BEIR files and rank_llm JSONL."""

import json

import pytest

from reasonrank_assets.cli import main


@pytest.fixture
def collection(tmp_path):
    (tmp_path / "queries.tsv").write_text("q1\tbrew beer at home\nq2\tcoffee grinder\n")
    (tmp_path / "corpus.jsonl").write_text(
        "".join(json.dumps({"_id": i, "text": t}) + "\n" for i, t in [("d1", "brew beer with malt and hops"), ("d 2", "coffee grinder burrs"), ("d3", "beer yeast")])
    )
    (tmp_path / "qrels.txt").write_text("q1 0 d1 2\nq1 0 d3 1\nq2 0 d 2 1\n")
    return tmp_path


def test_bm25_then_evaluate_with_a_baseline(collection, capsys):
    assert main(["bm25", "--queries", str(collection / "queries.tsv"), "--corpus", str(collection / "corpus.jsonl"), "-o", str(collection / "bm25.trec")]) == 0
    lines = (collection / "bm25.trec").read_text().splitlines()
    assert any(line.startswith("q2 Q0 d 2 1 ") for line in lines)  # a doc id with a space survives
    worse = collection / "worse.trec"
    worse.write_text("q1 Q0 d 2 1 3.0 w\nq1 Q0 d3 2 2.0 w\nq1 Q0 d1 3 1.0 w\nq2 Q0 d1 1 1.0 w\n")
    capsys.readouterr()
    assert main(["evaluate", "--run", str(worse), "--baseline", str(collection / "bm25.trec"), "--qrels", str(collection / "qrels.txt"), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)[str(worse)]
    assert result["n_queries"] == 2 and result["per_query"]["nDCG@10"]["q2"] == 0.0
    assert 0.0 < result["aggregate"]["nDCG@10"] < 1.0 and "nDCG@10" in result["p_vs_baseline"]
    assert main(["evaluate", "--run", str(collection / "bm25.trec"), "--qrels", str(collection / "qrels.txt")]) == 0
    table = capsys.readouterr().out
    assert "nDCG@10" in table and "bm25.trec" in table and "100.00" in table


def test_rerank_a_run_with_a_tiny_model(collection, tiny_model_dir, capsys):
    run = collection / "first.trec"
    run.write_text("q1 Q0 d3 1 2.0 bm25\nq1 Q0 d1 2 1.0 bm25\nq2 Q0 d 2 1 1.0 bm25\n")
    out, details = collection / "reranked.trec", collection / "details.jsonl"
    args = ["rerank", "--model", str(tiny_model_dir), "--run", str(run), "--queries", str(collection / "queries.tsv"), "--corpus", str(collection / "corpus.jsonl")]
    assert main(args + ["-o", str(out), "--details", str(details), "--mode", "label_only", "--dtype", "float32", "--tag", "tiny"]) == 0
    lines = out.read_text().splitlines()
    assert len(lines) == 3 and all(line.endswith(" tiny") for line in lines)
    assert any(line.startswith("q2 Q0 d 2 1 ") for line in lines)
    rows = [json.loads(line) for line in details.read_text().splitlines()]
    assert {r["status"] for r in rows} == {"ok"} and all(r["label"] in (0, 1, 2) for r in rows)


def test_rerank_rank_llm_requests(tmp_path, tiny_model_dir):
    requests = tmp_path / "requests.jsonl"
    requests.write_text(json.dumps({"query": {"text": "beer", "qid": "1"}, "candidates": [{"docid": "a", "score": 1.0, "doc": {"contents": "malt"}}, {"docid": "b", "score": 0.5, "doc": {"contents": "hops"}}]}) + "\n")
    out = tmp_path / "results.jsonl"
    assert main(["rerank", "--model", str(tiny_model_dir), "--requests", str(requests), "-o", str(out), "--mode", "label_only"]) == 0
    result = json.loads(out.read_text())
    assert sorted(c["docid"] for c in result["candidates"]) == ["a", "b"] and len(result["judgments"]) == 2


def test_bad_input_is_one_clear_line(tmp_path, capsys):
    bad = tmp_path / "run.trec"
    bad.write_text("q1 Q0 d1 one 1.0 t\n")
    (tmp_path / "qrels.txt").write_text("q1 0 d1 1\n")
    assert main(["evaluate", "--run", str(bad), "--qrels", str(tmp_path / "qrels.txt")]) == 2
    assert "run.trec:1" in capsys.readouterr().err
    assert main(["rerank", "--model", "unused", "--requests", str(tmp_path / "missing.jsonl"), "-o", str(tmp_path / "o")]) == 2
    assert "missing.jsonl" in capsys.readouterr().err
