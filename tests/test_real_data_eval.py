"""Published figures reproduced from ../shared/data (skipped where it is absent)."""

import pytest

from reasonrank_assets.core.evaluation import benchmarks, metrics, retrieval


@pytest.fixture(scope="module")
def bright(shared_data):
    return f"bright-topics:{shared_data / 'bright'}"


@pytest.mark.slow
def test_bright_reasonir_run_matches_pytrec_eval_per_domain(bright):
    import pytrec_eval

    ours = {}
    for domain in benchmarks.list_domains(bright):
        bench = benchmarks.load_benchmark(bright, domain)
        run = retrieval.read_run(bench.run_files["reasonir-gpt4cot"], "bright", domain)
        ours[domain] = metrics.evaluate(run, bench.qrels, bench.queries)["aggregate"]["nDCG@10"]
        # the official computation, written out independently
        qrels, scores = {}, {}
        for row in bench.qrels:
            qrels.setdefault(row["query_id"], {})[row["doc_id"]] = row["relevance"]
        for row in run:
            scores.setdefault(row["query_id"], {})[row["doc_id"]] = row["score"]
        for query in bench.queries:
            for doc in query["excluded_ids"]:
                scores.get(query["query_id"], {}).pop(doc, None)
        official = pytrec_eval.RelevanceEvaluator(qrels, {"ndcg_cut.10"}).evaluate(scores)
        expected = sum(v["ndcg_cut_10"] for v in official.values()) / len(official)
        assert ours[domain] == pytest.approx(expected, abs=1e-9), domain
    assert len(ours) == 12
    assert round(100 * sum(ours.values()) / 12, 1) == 30.6


def test_bright_stackoverflow_doc_ids_with_spaces_are_kept(bright):
    bench = benchmarks.load_benchmark(bright, "stackoverflow")
    run = retrieval.read_run(bench.run_files["reasonir-gpt4cot"])
    assert sum(" " in row["doc_id"] for row in run) == 12


def test_bright_qrels_files_agree_with_the_topics_gold_ids(bright):
    for domain in ("biology", "earth-science"):
        from_topics = benchmarks.load_benchmark(bright, domain).qrels
        from_file = benchmarks.load_benchmark(bright, domain, qrels="file").qrels
        assert {(r["query_id"], r["doc_id"]) for r in from_topics} == {(r["query_id"], r["doc_id"]) for r in from_file}


def test_trec_dl19_bm25_run_gives_50_58(shared_data):
    bench = benchmarks.load_benchmark(f"dl19:{shared_data / 'trec-dl-2019'}")
    result = metrics.evaluate(retrieval.read_run(bench.run_files["bm25"]), bench.qrels, bench.queries)
    assert result["n_queries"] == 43 and len(bench.documents) == 4297
    assert round(100 * result["aggregate"]["nDCG@10"], 2) == 50.58


def test_noveleval_graded_qrels_load(shared_data):
    bench = benchmarks.load_benchmark(f"noveleval:{shared_data / 'noveleval'}")
    assert (len(bench.queries), len(bench.documents), len(bench.qrels)) == (21, 420, 420)
    assert {r["relevance"] for r in bench.qrels} == {0, 1, 2}
    pools = retrieval.candidates_from_qrels(bench.qrels)
    assert all(len(pool) == 20 for pool in pools.values())


@pytest.mark.slow
def test_cli_reproduces_the_bright_average(bright, shared_data, capsys):
    from reasonrank_assets.cli import main

    assert main(["evaluate", "--run", str(shared_data / "bright/runs/reasonir-gpt4cot"), "--benchmark", bright, "--domain", "all"]) == 0
    average = capsys.readouterr().out.splitlines()[-1]
    assert "average of 12" in average and average.split()[4] == "30.59"
