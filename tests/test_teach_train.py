"""`reasonrank teach` and `reasonrank train`: a real OpenAI-compatible server on 127.0.0.1, tiny
random models, the CLI as a real subprocess; teacher-answer recordings written and read back."""

from __future__ import annotations

import dataclasses
import gzip
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from openai_server import OpenAIServer, default_answer
from test_teacher import _cached_answers, _wait_for

from reasonrank_assets.cli import main
from reasonrank_assets.core import prompts
from reasonrank_assets.core.teacher.backends import make_teacher
from reasonrank_assets.core.teacher.batch import export_recording, import_batch, open_cache
from reasonrank_assets.core.teacher.cache import AnswerCache
from reasonrank_assets.core.teacher.settings import TeacherSettings
from reasonrank_assets.core.teacher.tasks import judge_pairs, relevance_prompts
from reasonrank_assets.core.training.examples import load_rows

ROOT = Path(__file__).resolve().parents[1]
CLI = [sys.executable, "-m", "reasonrank_assets.cli"]


@pytest.fixture
def collection(tmp_path):
    """6 queries x 4 passages and a first-stage run over them."""
    queries = {f"q{i}": f"how do hops work in beer number {i}" for i in range(6)}
    docs = {f"d{i}-{j}": f"passage {j} about query {i}: hops add bitterness through alpha acids" for i in range(6) for j in range(4)}
    (tmp_path / "queries.tsv").write_text("".join(f"{q}\t{t}\n" for q, t in queries.items()))
    (tmp_path / "corpus.jsonl").write_text("".join(json.dumps({"_id": d, "text": t}) + "\n" for d, t in docs.items()))
    (tmp_path / "run.trec").write_text("".join(f"q{i} Q0 d{i}-{j} {j + 1} {10 - j}.0 bm25\n" for i in range(6) for j in range(4)))
    return tmp_path, queries, docs


def teach_args(folder: Path, server: OpenAIServer, cache: Path, output: Path, *extra: str) -> list[str]:
    return [
        "teach", "--run", str(folder / "run.trec"), "--queries", str(folder / "queries.tsv"), "--corpus", str(folder / "corpus.jsonl"),
        "--depth", "3", "--base-url", server.url, "--model", "test-teacher", "--api-key-env", "REASONRANK_NO_KEY",
        "--teacher", "concurrency=4", "--teacher", "backoff_s=0.01", "--cache", str(cache), "-o", str(output),
        "--data", "validation_fraction=0", "--data", "test_fraction=0", *extra,
    ]  # fmt: skip


def expected(queries: dict, docs: dict, qid: str, doc_id: str) -> int:
    answer = default_answer(prompts.relevance_messages(queries[qid], docs[doc_id]))
    return prompts.parse_relevance(answer).label


@pytest.mark.slow  # 2.4 s: the teacher CLI twice
def test_teach_records_then_a_recording_alone_rebuilds_the_same_rows(collection, capsys):
    folder, queries, docs = collection
    recording = folder / "answers.jsonl.gz"
    with OpenAIServer() as server:
        assert main(teach_args(folder, server, folder / "cache", folder / "examples.parquet", "--record", str(recording))) == 0
        assert server.answered == 18  # 6 queries x the top 3 of the run
    rows = load_rows(folder / "examples.parquet")
    assert len(rows) == 18 and {r["split"] for r in rows} == {"train"}
    assert all(r["label"] == expected(queries, docs, r["question_id"], r["url"]) for r in rows)
    assert "18 asked" in capsys.readouterr().err

    lines = [json.loads(line) for line in gzip.open(recording, "rt")]
    assert len(lines) == 18 and all(line["custom_id"].startswith("relevance:") for line in lines)
    assert "alpha acids" not in gzip.open(recording, "rt").read()  # answers and keys, no passage text

    # A fresh cache filled from the recording alone: the same rows, and no call reaches the teacher.
    with OpenAIServer() as server:
        args = teach_args(folder, server, folder / "fresh-cache", folder / "again.jsonl", "--recording", str(recording))
        assert main(args) == 0
        assert server.received == 0
    again = load_rows(folder / "again.jsonl")
    assert [(r["example_id"], r["completion"], r["label"]) for r in again] == [(r["example_id"], r["completion"], r["label"]) for r in rows]


def test_recording_round_trip_keeps_every_answer_field_and_is_byte_stable(tmp_path):
    pairs = [{"site": "s", "pair_id": f"p{i}", "question_id": 1, "question": "hops?", "url": f"u{i}", "document": f"page {i} on hops"} for i in range(4)]
    with OpenAIServer() as server:
        teacher = make_teacher(TeacherSettings(base_url=server.url, model="test-teacher", api_key_env=None, concurrency=2))
        items = relevance_prompts(pairs, teacher)
        with AnswerCache(tmp_path / "a") as cache:
            judge_pairs(pairs, teacher, cache)
            assert export_recording(items, cache, teacher.model, tmp_path / "one.jsonl.gz") == 4
            assert export_recording(items, cache, teacher.model, tmp_path / "two.jsonl.gz") == 4
            original = cache.get_many(i.key for i in items)
    assert (tmp_path / "one.jsonl.gz").read_bytes() == (tmp_path / "two.jsonl.gz").read_bytes()
    with AnswerCache(tmp_path / "b") as fresh:
        assert import_batch(tmp_path / "one.jsonl.gz", None, fresh) == {"stored": 4}
        restored = fresh.get_many(i.key for i in items)
    assert all(original[k].label_probs is not None for k in original)  # the server gave logprobs
    for key, answer in original.items():
        assert {**vars(restored[key]), "latency_s": None} == {**vars(answer), "latency_s": None}


def test_a_recording_answers_its_prompts_and_a_changed_prompt_is_asked_live_with_a_warning(tmp_path, caplog):
    pairs = [{"site": "s", "pair_id": f"p{i}", "question_id": 1, "question": "hops?", "url": f"u{i}", "document": f"page {i} on hops"} for i in range(4)]
    with OpenAIServer() as server:
        config = TeacherSettings(base_url=server.url, model="test-teacher", api_key_env=None, concurrency=2)
        teacher = make_teacher(config)
        with AnswerCache(tmp_path / "recorder") as cache:
            recorded = judge_pairs(pairs, teacher, cache)
            export_recording(relevance_prompts(pairs, teacher), cache, teacher.model, tmp_path / "rec.jsonl.gz")
        assert server.answered == 4
        summary: dict = {}
        with open_cache(tmp_path / "fresh", tmp_path / "rec.jsonl.gz") as cache, caplog.at_level("WARNING"):
            again = judge_pairs(pairs, teacher, cache, summary=summary)
            assert server.answered == 4 and summary["calls"] == 0 and not caplog.records  # nothing asked, nothing said
            assert [(r["label"], r["explanation"]) for r in again] == [(r["label"], r["explanation"]) for r in recorded]
            changed = make_teacher(dataclasses.replace(config, max_tokens=512))  # a new setting: new prompts' keys
            judge_pairs(pairs, changed, cache, summary=summary)
    assert server.answered == 8 and summary["calls"] == 4
    (warning,) = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert "4 of 4 prompts are not in the recording" in warning and "rec.jsonl.gz" in warning and "asking the teacher live" in warning


@pytest.mark.slow
def test_teach_killed_mid_run_resumes_without_asking_an_answered_prompt_again(collection):
    folder, queries, docs = collection
    with OpenAIServer(latency_s=0.02, hold_after=8) as server:
        args = CLI + teach_args(folder, server, folder / "cache", folder / "examples.jsonl")
        run = subprocess.Popen(args, cwd=ROOT, stderr=subprocess.PIPE)
        # 8 answers stored, 4 more requests held open by the server: kill while they are in flight.
        _wait_for(lambda: server.answered == 8 and _cached_answers(folder / "cache") == 8 and server.in_flight == 4,
                  lambda: f"answered {server.answered}, cached {_cached_answers(folder / 'cache')}, in flight {server.in_flight}")
        os.kill(run.pid, signal.SIGKILL)
        assert run.wait() == -signal.SIGKILL and not (folder / "examples.jsonl").exists()
        server.hold_after = None
        server.release_held()
        done = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        assert server.answered == 18  # every pair paid exactly once
        assert "8 from the cache, 10 asked" in done.stderr
    rows = load_rows(folder / "examples.jsonl")
    assert sorted(r["label"] for r in rows) == sorted(expected(queries, docs, f"q{i}", f"d{i}-{j}") for i in range(6) for j in range(3))


@pytest.mark.slow
def test_train_runs_sft_then_grpo_as_a_subprocess_and_a_rerun_resumes(collection, tiny_model_dir, capsys):
    folder, _, _ = collection
    with OpenAIServer() as server:
        assert main(teach_args(folder, server, folder / "cache", folder / "examples.jsonl")) == 0
    args = CLI + [
        "train", "--examples", str(folder / "examples.jsonl"), "-o", str(folder / "student"),
        "--sft", f"base_model={tiny_model_dir}", "--sft", "use_lora=false", "--sft", "max_steps=2", "--sft", "bf16=false",
        "--refine", "grpo", "--refine-setting", "use_lora=false", "--refine-setting", "max_steps=1", "--refine-setting", "bf16=false",
        "--refine-setting", "max_completion_length=4", "--refine-setting", "k=2", "--refine-setting", "per_device_batch_size=2",
    ]  # fmt: skip
    environment = {**os.environ, "OMP_NUM_THREADS": "1"}
    first = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=300, env=environment)
    assert first.returncode == 0, first.stderr[-3000:]
    checkpoint = Path(first.stdout.strip().splitlines()[-1])
    assert checkpoint == folder / "student" / "refined" / "model" and (checkpoint / "config.json").exists()
    assert "sft: 2/2 steps" in first.stderr and "refine: 1/1 steps" in first.stderr
    sft = json.loads((folder / "student" / "sft" / "manifest.json").read_text())
    assert sft["metrics"]["global_step"] == 2 and sft["n_examples"] == 18
    # A finished run with the same inputs is not trained again: the same checkpoint, no step logged.
    capsys.readouterr()
    assert main(args[len(CLI):]) == 0
    second = capsys.readouterr()
    assert Path(second.out.strip().splitlines()[-1]) == checkpoint and "step" not in second.err


def test_bad_input_is_one_clear_line_and_exit_2(collection, tmp_path, capsys):
    folder, _, _ = collection
    examples = tmp_path / "examples.jsonl"
    examples.write_text(json.dumps({"example_id": "e", "split": "train", "task": "relevance", "prompt": "[]", "completion": "x"}) + "\n")
    cases = [
        (["teach", "--pairs", str(examples), "--run", str(folder / "run.trec"), "-o", str(tmp_path / "o.jsonl")], "exactly one of --pairs or --run"),
        (["teach", "--pairs", str(examples), "--data", "bogus=1", "-o", str(tmp_path / "o.jsonl")], "unknown TrainingDataSettings setting(s) ['bogus']"),
        (["teach", "--pairs", str(examples), "--teacher", "concurrency", "-o", str(tmp_path / "o.jsonl")], "--teacher 'concurrency': expected KEY=VALUE"),
        (["train", "--examples", str(examples), "-o", str(tmp_path / "s"), "--sft", "nope=1"], "unknown setting(s) ['nope']"),
        (["train", "--examples", str(tmp_path / "missing.jsonl"), "-o", str(tmp_path / "s")], "missing.jsonl"),
    ]
    for argv, message in cases:
        assert main(argv) == 2, argv
        err = capsys.readouterr().err.strip()
        assert message in err and len(err.splitlines()) == 1, err


def test_label_only_completion_is_the_label_line_the_reranker_reads():
    assert prompts.relevance_completion("", 2) == "Relevance Label: 2 ##"
    assert prompts.relevance_completion("  Covers it. ", 1) == "Covers it.\nRelevance Label: 1 ##"
