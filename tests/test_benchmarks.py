"""Benchmark loaders on fixtures the tests build in the published layouts."""

import gzip
import json

import pytest

from reasonrank_assets.core.evaluation import benchmarks

EXAMPLES = [
    {"id": "0", "query": "Why do moths fly to lamps?", "reasoning": "r", "excluded_ids": ["N/A"], "gold_ids": ["moth/Phototaxis_0.txt", "moth/Phototaxis_0.txt"], "gold_ids_long": ["moth/Phototaxis.txt"], "gold_answer": "a"},
    {"id": "1", "query": "Is the nasal cycle real?", "reasoning": "r", "excluded_ids": ["nose/Old_1.txt"], "gold_ids": ["nose/Nasal cycle_3.txt"], "gold_ids_long": ["nose/Nasal cycle.txt"], "gold_answer": "b"},
]
DOCUMENTS = [{"id": "moth/Phototaxis_0.txt", "content": "Phototaxis is movement toward light."}, {"id": "nose/Nasal cycle_3.txt", "content": "The nasal cycle alternates."}]


def write_parquet(path, rows):
    import pyarrow as pa
    import pyarrow.parquet as pq

    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist(rows), path)


@pytest.fixture
def bright_dir(tmp_path):
    """The xlangai/BRIGHT file layout, for two domains."""
    for domain in ("biology", "earth_science"):
        write_parquet(tmp_path / "examples" / f"{domain}-00000-of-00001.parquet", EXAMPLES)
        write_parquet(tmp_path / "documents" / f"{domain}-00000-of-00001.parquet", DOCUMENTS)
        write_parquet(tmp_path / "long_documents" / f"{domain}-00000-of-00001.parquet", [{"id": "moth/Phototaxis.txt", "content": "long"}])
    return tmp_path


def test_bright_local_copy_of_the_hub_layout(bright_dir):
    bench = benchmarks.load_benchmark(f"bright:{bright_dir}", "earth-science")  # hyphen or underscore
    assert bench.domain == "earth_science"
    assert bench.queries[0] == {"benchmark": "bright", "domain": "earth_science", "query_id": "0", "query": "Why do moths fly to lamps?", "excluded_ids": []}
    assert bench.queries[1]["excluded_ids"] == ["nose/Old_1.txt"]
    assert [(q["query_id"], q["doc_id"], q["relevance"]) for q in bench.qrels] == [("0", "moth/Phototaxis_0.txt", 1), ("1", "nose/Nasal cycle_3.txt", 1)]
    assert {d["doc_id"] for d in bench.documents} == {"moth/Phototaxis_0.txt", "nose/Nasal cycle_3.txt"}
    long = benchmarks.load_benchmark(f"bright:{bright_dir}", "biology", long_documents=True)
    assert long.qrels[0]["doc_id"] == "moth/Phototaxis.txt" and long.documents[0]["text"] == "long"
    assert benchmarks.list_domains(f"bright:{bright_dir}") == ["biology", "earth_science"]


def test_bright_from_the_hub_cache(bright_dir, tmp_path, monkeypatch):
    """The hub path (huggingface_hub.snapshot_download) on a cache in the hub's own layout, offline."""
    import shutil

    import huggingface_hub.constants

    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", True)
    repo = tmp_path / "cache" / "datasets--xlangai--BRIGHT"
    commit = "0123456789abcdef0123456789abcdef01234567"
    (repo / "refs").mkdir(parents=True)
    (repo / "refs" / "main").write_text(commit)
    shutil.copytree(bright_dir / "examples", repo / "snapshots" / commit / "examples")
    shutil.copytree(bright_dir / "documents", repo / "snapshots" / commit / "documents")
    bench = benchmarks.load_benchmark("bright", "biology", cache_dir=str(tmp_path / "cache"))
    assert len(bench.queries) == 2 and len(bench.documents) == 2
    assert benchmarks.list_domains("bright") == benchmarks.BRIGHT_DOMAINS


def test_bright_unknown_domain_and_bad_record(bright_dir):
    with pytest.raises(ValueError, match="unknown BRIGHT domain 'biolgy'"):
        benchmarks.load_benchmark(f"bright:{bright_dir}", "biolgy")
    write_parquet(bright_dir / "examples" / "pony-00000-of-00001.parquet", [{"id": "0", "query": "q"}])
    with pytest.raises(ValueError, match=r"pony-00000-of-00001.parquet record 1: missing field\(s\) gold_ids"):
        benchmarks.load_benchmark(f"bright:{bright_dir}", "pony", with_documents=False)


@pytest.fixture
def topics_dir(tmp_path):
    (tmp_path / "topics").mkdir()
    (tmp_path / "qrels").mkdir()
    (tmp_path / "runs" / "sys").mkdir(parents=True)
    with gzip.open(tmp_path / "topics" / "topics.bright-earth-science-original.jsonl.gz", "wt") as handle:
        handle.writelines(json.dumps(e) + "\n" for e in EXAMPLES)
    (tmp_path / "qrels" / "qrels.bright-earth-science.txt").write_text("0\t0\tmoth/Phototaxis_0.txt\t1\n")
    (tmp_path / "qrels" / "qrels.bright-earth-science.fixed.txt").write_text("0\t0\tmoth/Phototaxis_0.txt\t1\n0\t0\textra.txt\t1\n")
    (tmp_path / "runs" / "sys" / "earth_science.trec").write_text("0 Q0 moth/Phototaxis_0.txt 1 0.5 sys\n")
    return tmp_path


def test_bright_topics_and_qrels_files(topics_dir):
    spec = f"bright-topics:{topics_dir}"
    assert benchmarks.list_domains(spec) == ["earth_science"]
    bench = benchmarks.load_benchmark(spec, "earth_science")
    assert bench.documents == [] and len(bench.qrels) == 2  # gold ids, deduplicated
    assert bench.run_files == {"sys": topics_dir / "runs" / "sys" / "earth_science.trec"}
    assert len(benchmarks.load_benchmark(spec, "earth-science", qrels="file").qrels) == 1
    assert len(benchmarks.load_benchmark(spec, "earth-science", qrels="fixed").qrels) == 2


def test_beir_and_trec_folders(tmp_path):
    beir = tmp_path / "beir" / "scifact"
    (beir / "qrels").mkdir(parents=True)
    (beir / "corpus.jsonl").write_text(json.dumps({"_id": "d1", "title": "T", "text": "x"}) + "\n")
    (beir / "queries.jsonl").write_text(json.dumps({"_id": "q1", "text": "y"}) + "\n")
    (beir / "qrels" / "test.tsv").write_text("query-id\tcorpus-id\tscore\nq1\td1\t1\n")
    assert benchmarks.list_domains(f"beir:{tmp_path / 'beir'}") == ["scifact"]
    assert benchmarks.list_domains(f"beir:{beir}") == ["default"]
    bench = benchmarks.load_benchmark(f"beir:{tmp_path / 'beir'}", "scifact")
    assert bench.documents == [{"benchmark": "beir", "domain": "scifact", "doc_id": "d1", "text": "T x"}]
    trec_dir = tmp_path / "dl"
    trec_dir.mkdir()
    (trec_dir / "queries.tsv").write_text("1\tq\n")
    (trec_dir / "qrels.txt").write_text("1 0 d1 3\n")
    (trec_dir / "corpus.tsv").write_text("d1\tpassage\n")
    (trec_dir / "bm25.trec").write_text("1 Q0 d1 1 2.0 bm25\n")
    for kind in ("trec", "dl19", "noveleval"):
        bench = benchmarks.load_benchmark(f"{kind}:{trec_dir}")
        assert (bench.name, bench.domain, bench.qrels[0]["relevance"]) == (kind, "default", 3)
        assert bench.run_files == {"bm25": trec_dir / "bm25.trec"}
    with pytest.raises(FileNotFoundError, match="no TREC domain 'other'"):
        benchmarks.load_benchmark(f"trec:{trec_dir}", "other")


def test_specs_dispatch_and_extend(tmp_path, monkeypatch):
    with pytest.raises(ValueError, match="must be one of"):
        benchmarks.load_benchmark("msmarco:/x", "default")
    with pytest.raises(ValueError, match="needs a location"):
        benchmarks.load_benchmark("beir", "default")
    fake = benchmarks.Source(lambda location, domain, **kw: benchmarks.Benchmark("embedded", domain, [], [], []), lambda location: ["beer"])
    monkeypatch.setitem(benchmarks.SOURCES, "embedded", fake)  # adding a source is one entry
    assert benchmarks.load_benchmark("embedded:x", "beer").name == "embedded"
    assert benchmarks.list_domains("embedded:x") == ["beer"]
