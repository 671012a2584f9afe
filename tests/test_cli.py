"""`reasonrank` console script: evaluate, bm25 and rerank on TREC/BEIR files and rank_llm JSONL."""

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from openai_server import OpenAIServer

from reasonrank_assets.cli import main


@pytest.fixture
def collection(tmp_path):
    (tmp_path / "queries.tsv").write_text("q1\tbrew beer at home\nq2\tcoffee grinder\n")
    (tmp_path / "corpus.jsonl").write_text(
        "".join(json.dumps({"_id": i, "text": t}) + "\n" for i, t in [("d1", "brew beer with malt and hops"), ("d 2", "coffee grinder burrs"), ("d3", "beer yeast")])
    )
    (tmp_path / "qrels.txt").write_text("q1 0 d1 2\nq1 0 d3 1\nq2 0 d 2 1\n")
    return tmp_path


@pytest.mark.slow  # 4 s: bm25s indexing, then the evaluator
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


@pytest.mark.slow
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

    assert main(args + ["-o", str(out), "--details", str(details), "--mode", "query_likelihood", "--dtype", "float32", "--tag", "upr"]) == 0
    rows = [json.loads(line) for line in details.read_text().splitlines()]
    assert len(out.read_text().splitlines()) == 3 and {(r["status"], r["label"]) for r in rows} == {("ok", None)}
    assert all(r["query_logprob"] < 0 for r in rows) and {r["decided_by"] for r in rows} <= {"query_likelihood", "first_stage"}


def test_rerank_flags_are_the_reranker_settings(capsys):
    """Every RerankSettings field is a flag with its help and choices, declared once in the core."""
    import dataclasses

    from reasonrank_assets.core.evaluation.rerank import RerankSettings

    with pytest.raises(SystemExit):
        main(["rerank", "--help"])
    usage = " ".join(capsys.readouterr().out.split())
    for field in dataclasses.fields(RerankSettings):
        assert f"--{field.name.replace('_', '-')}" in usage and " ".join(field.metadata["help"].split()) in usage, field.name
    with pytest.raises(SystemExit):
        main(["rerank", "--model", "m", "--run", "r", "-o", "o", "--dtype", "float8"])
    assert "invalid choice: 'float8'" in capsys.readouterr().err


@pytest.mark.slow
def test_rerank_rank_llm_requests(tmp_path, tiny_model_dir):
    requests = tmp_path / "requests.jsonl"
    requests.write_text(json.dumps({"query": {"text": "beer", "qid": "1"}, "candidates": [{"docid": "a", "score": 1.0, "doc": {"contents": "malt"}}, {"docid": "b", "score": 0.5, "doc": {"contents": "hops"}}]}) + "\n")
    out = tmp_path / "results.jsonl"
    assert main(["rerank", "--model", str(tiny_model_dir), "--requests", str(requests), "-o", str(out), "--mode", "label_only"]) == 0
    result = json.loads(out.read_text())
    assert sorted(c["docid"] for c in result["candidates"]) == ["a", "b"] and len(result["judgments"]) == 2


# -- bad input, through the installed console script: one line, exit code 2, nothing lost --------

CLI = Path(sys.executable).parent / "reasonrank"


def reasonrank(*args, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(CLI), *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> Path:
    """Good files, and one broken file per way a file can be broken."""
    d = tmp_path_factory.mktemp("inputs")
    good = {
        "queries.tsv": "q1\tbrew beer\nq2\tcoffee grinder\n",
        "corpus.tsv": "d1\tmalt and hops\nd2\tgrinder burrs\n",
        "qrels.txt": "q1 0 d1 1\nq2 0 d2 1\n",
        "run.trec": "q1 Q0 d1 1 2.0 t\nq1 Q0 d2 2 1.0 t\nq2 Q0 d2 1 1.0 t\n",
        "requests.jsonl": json.dumps({"query": {"text": "beer", "qid": "1"}, "candidates": [{"docid": "d1", "doc": {"text": "malt"}}]}) + "\n",
    }
    for name, text in good.items():
        (d / name).write_text(text)
        first, rest = text.split("\n", 1)
        (d / f"latin1_{name}").write_bytes(f"{first}\n".encode() + rest.replace("2", "2\xe9", 1).encode("latin-1"))  # on line 2
    (d / "latin1_requests.jsonl").write_bytes(good["requests.jsonl"].replace("beer", "bi\xe8re").encode("latin-1"))  # line 1
    (d / "bad_line.trec").write_text("q1 Q0 d1 one 1.0 t\n")
    (d / "pairs.jsonl").write_text(json.dumps({"question": "brew beer", "document": "malt and hops"}) + "\n")  # not candidate_pairs rows
    (d / "missing_query.trec").write_text(good["run.trec"] + "q3 Q0 d1 1 1.0 t\n")
    (d / "no_text.trec").write_text(good["run.trec"] + "q2 Q0 d9 2 0.5 t\n")
    packed = gzip.compress(("".join(f"q1 Q0 d{i} {i} {1 / i} t\n" for i in range(1, 3000))).encode())
    (d / "cut.trec.gz").write_bytes(packed[: len(packed) // 2])
    (d / "not_gzip.txt.gz").write_text(good["qrels.txt"])
    (d / "folder").mkdir()
    (d / "no_model").mkdir()
    (d / "config_only").mkdir()
    (d / "config_only" / "config.json").write_text("{}")
    # Looks like a checkpoint but cannot load: a command that gets past its checks before loading fails here.
    (d / "model").mkdir()
    for name in ("config.json", "model.safetensors", "tokenizer.json"):
        (d / "model" / name).write_text("not a model")
    for domain in ("alpha", "beta"):  # a two-domain TREC benchmark, and runs for `--domain all`
        (d / "bench" / domain).mkdir(parents=True)
        for name in ("queries.tsv", "qrels.txt"):
            (d / "bench" / domain / name).write_text(good[name])
    (d / "runs").mkdir()
    (d / "runs" / "alpha.trec").write_text(good["run.trec"])
    return d


EVALUATE = ["evaluate", "--qrels", "qrels.txt", "--run"]
RERANK = ["rerank", "--queries", "queries.tsv", "--corpus", "corpus.tsv", "-o", "out.trec", "--model"]
ALL = ["evaluate", "--benchmark", "trec:bench", "--domain", "all", "--run"]

BAD_INPUTS = {
    # evaluate
    "run line": (EVALUATE + ["bad_line.trec"], "bad_line.trec:1: not a TREC run line"),
    "run missing": (EVALUATE + ["nope.trec"], "nope.trec: No such file or directory"),
    "run is a folder": (EVALUATE + ["folder"], "folder is a directory; expected a file"),
    "run gzip cut short": (EVALUATE + ["cut.trec.gz"], "cut.trec.gz: corrupt or truncated gzip file after line"),
    "qrels not gzip": (["evaluate", "--run", "run.trec", "--qrels", "not_gzip.txt.gz"], "not_gzip.txt.gz: corrupt or truncated gzip file after line 0: Not a gzipped file"),
    "run latin-1": (EVALUATE + ["latin1_run.trec"], "latin1_run.trec:2: not UTF-8 (byte 0xe9"),
    "qrels latin-1": (["evaluate", "--run", "run.trec", "--qrels", "latin1_qrels.txt"], "latin1_qrels.txt:2: not UTF-8"),
    "unknown measure": (EVALUATE + ["run.trec", "--measures", "nDCG@10", "bogus"], "argument --measures: unknown measure 'bogus'; expected ir-measures names"),
    "misspelt run folder, all domains": (ALL + ["runz"], "--run runz: no such folder; with --domain all each --run is a folder of <domain>.trec files"),
    "run folder without domain runs": (ALL + ["folder"], "--run folder: none of the 2 domain runs is in this folder (expected e.g. alpha.trec)"),
    # rerank: the model is checked first, then every input, all before any weights load
    "model path missing": (RERANK + ["no/such/dir", "--run", "run.trec"], "--model no/such/dir: no such directory"),
    "hub id offline": (RERANK + ["someorg/some-model", "--run", "run.trec"], "--model someorg/some-model: no such directory, and not a hub model in the local cache (HF_HUB_OFFLINE is set)"),
    "folder without a model": (RERANK + ["no_model", "--run", "run.trec"], "--model no_model: no config.json in this directory"),
    "folder without weights": (RERANK + ["config_only", "--run", "run.trec"], "--model config_only: no weights (*.safetensors, *.bin) in this directory"),
    "model is a file": (RERANK + ["qrels.txt", "--run", "run.trec"], "--model qrels.txt is a file; expected a checkpoint directory"),
    "rerank run is a folder": (RERANK + ["model", "--run", "folder"], "folder is a directory; expected a file"),
    "output is a folder": (["rerank", "--queries", "queries.tsv", "--corpus", "corpus.tsv", "--model", "model", "--run", "run.trec", "-o", "folder"], "-o folder is a directory; expected a file to write"),
    "details is a folder": (RERANK + ["model", "--run", "run.trec", "--details", "folder"], "--details folder is a directory"),
    "rerank run gzip cut short": (RERANK + ["model", "--run", "cut.trec.gz"], "cut.trec.gz: corrupt or truncated gzip file"),
    "rerank run latin-1": (RERANK + ["model", "--run", "latin1_run.trec"], "latin1_run.trec:2: not UTF-8"),
    "queries latin-1": (["rerank", "--queries", "latin1_queries.tsv", "--corpus", "corpus.tsv", "-o", "out.trec", "--model", "model", "--run", "run.trec"], "latin1_queries.tsv:2: not UTF-8"),
    "corpus latin-1": (["rerank", "--queries", "queries.tsv", "--corpus", "latin1_corpus.tsv", "-o", "out.trec", "--model", "model", "--run", "run.trec"], "latin1_corpus.tsv:2: not UTF-8"),
    "run queries not in the queries": (RERANK + ["model", "--run", "missing_query.trec"], "--run missing_query.trec: 1 of its 3 queries are not in --queries queries.tsv: q3"),
    "run docs without text": (RERANK + ["model", "--run", "no_text.trec"], "--run no_text.trec: 1 doc ids in its top 100 have no text in the documents given: d9"),
    "depth 0": (RERANK + ["model", "--run", "run.trec", "--depth", "0"], "argument --depth: expected a whole number >= 1, not '0'"),
    "depth negative": (RERANK + ["model", "--run", "run.trec", "--depth", "-3"], "argument --depth: expected a whole number >= 1, not '-3'"),
    "batch size 0": (RERANK + ["model", "--run", "run.trec", "--batch-size", "0"], "argument --batch-size: expected a whole number >= 1"),
    "unknown dtype": (RERANK + ["model", "--run", "run.trec", "--dtype", "fp8"], "argument --dtype: invalid choice: 'fp8'"),
    "requests latin-1": (["rerank", "--model", "model", "--requests", "latin1_requests.jsonl", "-o", "out.trec"], "latin1_requests.jsonl:1: not UTF-8"),
    "run and requests": (RERANK + ["model", "--run", "run.trec", "--requests", "requests.jsonl"], "give exactly one of --run (with a collection) or --requests"),
    # teach
    "teach pairs without their fields": (["teach", "--pairs", "pairs.jsonl", "-o", "out.trec"], "pairs.jsonl: row 1 lacks ['site', 'pair_id', 'question_id', 'url']"),
    "teach recording missing": (["teach", "--run", "run.trec", "--queries", "queries.tsv", "--corpus", "corpus.tsv", "-o", "out.trec", "--recording", "nope.jsonl.gz"], "--recording nope.jsonl.gz: no such file"),
    # bm25
    "k 0": (["bm25", "--queries", "queries.tsv", "--corpus", "corpus.tsv", "-o", "out.trec", "--k", "0"], "argument --k: expected a whole number >= 1, not '0'"),
    "bm25 output is a folder": (["bm25", "--queries", "queries.tsv", "--corpus", "corpus.tsv", "-o", "folder"], "-o folder is a directory"),
}


@pytest.mark.parametrize("case", BAD_INPUTS)
def test_bad_input_is_one_line_naming_it_and_exit_code_2(inputs, case):
    args, expected = BAD_INPUTS[case]
    (inputs / "out.trec").write_text("earlier output\n")
    done = reasonrank(*args, cwd=inputs)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"reasonrank {args[0]}: "), done.stderr
    assert expected in lines[0]
    assert (inputs / "out.trec").read_text() == "earlier output\n"  # nothing already there lost


def test_an_empty_run_writes_an_empty_run_without_loading_the_model(inputs):
    (inputs / "empty.trec").write_text("")
    done = reasonrank(*RERANK, "model", "--run", "empty.trec", "-o", "empty_out.trec", cwd=inputs)  # "model" cannot load
    assert done.returncode == 0, done.stderr
    assert (inputs / "empty_out.trec").read_text() == ""
    assert done.stderr.splitlines()[0] == "reasonrank rerank: warning: --run empty.trec is empty: writing an empty run"


@pytest.mark.slow
def test_evaluate_an_empty_run_scores_zero_and_json_has_no_nan(inputs):
    (inputs / "empty.trec").write_text("")
    done = reasonrank(*EVALUATE, "empty.trec", "--baseline", "run.trec", "--json", cwd=inputs)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout, parse_constant=lambda name: pytest.fail(f"{name} is not JSON"))["empty.trec"]
    assert result["aggregate"] == {"nDCG@10": 0.0, "nDCG@5": 0.0, "R@100": 0.0, "RR@10": 0.0} and result["n_queries"] == 2
    assert result["p_vs_baseline"]["nDCG@10"] == 0.0  # worse on both queries by the same amount
    assert done.stderr == "reasonrank evaluate: warning: empty.trec is empty: each of the 2 judged queries scores 0\n"
    one = inputs / "one.trec"
    one.write_text("q1 Q0 d1 1 1.0 t\n")
    (inputs / "one_qrels.txt").write_text("q1 0 d1 1\n")
    done = reasonrank("evaluate", "--run", one, "--baseline", one, "--qrels", "one_qrels.txt", "--json", cwd=inputs)
    result = json.loads(done.stdout, parse_constant=lambda name: pytest.fail(f"{name} is not JSON"))[str(one)]
    assert result["p_vs_baseline"]["nDCG@10"] is None  # no test over one query: null, not NaN


def test_evaluate_warns_when_a_run_shares_no_query_with_the_qrels(inputs):
    (inputs / "other.trec").write_text("x1 Q0 d1 1 1.0 t\n")
    done = reasonrank(*EVALUATE, "other.trec", cwd=inputs)
    assert done.returncode == 0
    assert done.stderr == "reasonrank evaluate: warning: other.trec shares no query with the judgments: each of the 2 judged queries scores 0 (wrong qrels or run?)\n"
    assert done.stdout.splitlines()[1].split()[1:] == ["2", "0.00", "0.00", "0.00", "0.00"]


def test_evaluate_all_domains_of_a_folder_some_missing(inputs):
    done = reasonrank(*ALL, "runs", cwd=inputs)
    assert done.returncode == 0, done.stderr
    rows = [line.split() for line in done.stdout.splitlines()[1:]]
    assert rows == [["runs", "alpha", "2", "100.00", "100.00", "100.00", "100.00"], ["runs", "beta", "no", "run"], ["runs", "average", "of", "1", "100.00", "100.00", "100.00", "100.00"]]


def test_a_byte_order_mark_does_not_change_the_dl19_score(shared_data, tmp_path, capsys):
    dl19 = shared_data / "trec-dl-2019"
    for name in ("bm25.trec", "qrels.txt"):
        (tmp_path / name).write_bytes(b"\xef\xbb\xbf" + (dl19 / name).read_bytes())
    scores = []
    for run, qrels in [(dl19 / "bm25.trec", dl19 / "qrels.txt"), (tmp_path / "bm25.trec", tmp_path / "qrels.txt")]:
        assert main(["evaluate", "--run", str(run), "--qrels", str(qrels), "--measures", "nDCG@10", "--json"]) == 0
        scores.append(json.loads(capsys.readouterr().out)[str(run)]["aggregate"]["nDCG@10"])
    assert round(100 * scores[0], 2) == 50.58 and scores[1] == scores[0]


@pytest.mark.slow
def test_rerank_judges_and_writes_a_repeated_pair_once(collection, tiny_model_dir, capsys):
    run = collection / "first.trec"
    run.write_text("q1 Q0 d3 1 2.0 bm25\nq1 Q0 d1 2 1.0 bm25\nq1 Q0 d3 3 0.5 bm25\nq2 Q0 d 2 1 1.0 bm25\n")
    out, details = collection / "reranked.trec", collection / "details.jsonl"
    args = ["rerank", "--model", str(tiny_model_dir), "--run", str(run), "--queries", str(collection / "queries.tsv"), "--corpus", str(collection / "corpus.jsonl")]
    assert main(args + ["-o", str(out), "--details", str(details), "--mode", "label_only", "--dtype", "float32"]) == 0
    pairs = [tuple(line.split()[0:3:2]) for line in out.read_text().splitlines()]
    assert sorted(pairs) == [("q1", "d1"), ("q1", "d3"), ("q2", "d")]
    rows = [json.loads(line) for line in details.read_text().splitlines()]
    assert sorted((r["query_id"], r["doc_id"], r["first_stage_rank"]) for r in rows) == [("q1", "d1", 2), ("q1", "d3", 1), ("q2", "d 2", 1)]
    assert "reasonrank rerank: warning: --run " + str(run) + ": 1 repeated (query, doc) lines; each pair is reranked once, at its best place" in capsys.readouterr().err


@pytest.mark.slow
def test_explain_mode_counts_the_items_whose_label_was_forced(collection, tiny_model_dir, capsys):
    run = collection / "first.trec"
    run.write_text("q1 Q0 d3 1 2.0 bm25\nq1 Q0 d1 2 1.0 bm25\nq2 Q0 d 2 1 1.0 bm25\n")
    args = ["rerank", "--model", str(tiny_model_dir), "--run", str(run), "--queries", str(collection / "queries.tsv"), "--corpus", str(collection / "corpus.jsonl")]
    assert main(args + ["-o", str(collection / "out.trec"), "--max-new-tokens", "6", "--dtype", "float32"]) == 0
    # A random 2-layer model writes no label in 6 tokens: all 3 labels are forced, none fails.
    assert capsys.readouterr().err.splitlines()[-1].endswith("(0 items failed and kept their first-stage place; 3 ran out of tokens and had their label forced)")
    assert sorted(line.split()[2] for line in (collection / "out.trec").read_text().splitlines()) == ["d", "d1", "d3"]


@pytest.mark.slow
def test_teach_stops_at_the_first_401_with_one_line_naming_the_key_variable(inputs, tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "REASONRANK_TEST_UNSET_KEY"}
    with OpenAIServer(api_key="sk-right", echo_auth=True) as server:
        done = subprocess.run(
            [str(CLI), "teach", "--run", "run.trec", "--queries", "queries.tsv", "--corpus", "corpus.tsv", "-o", tmp_path / "examples.jsonl",
             "--cache", tmp_path / "cache", "--base-url", server.url, "--model", "test-teacher", "--api-key-env", "REASONRANK_TEST_UNSET_KEY"],
            cwd=inputs, env=env, capture_output=True, text=True, timeout=300,
        )
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.splitlines() == [f"reasonrank teach: the teacher at {server.url} answered 401 Unauthorized: the environment variable REASONRANK_TEST_UNSET_KEY (api_key_env) is not set"]
    assert 1 <= server.received <= 3 and not (tmp_path / "examples.jsonl").exists()
