"""The teacher stage against a real OpenAI-compatible server on 127.0.0.1, and the local backend."""

from __future__ import annotations

import json
import logging
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
import traceback
from datetime import UTC
from pathlib import Path

import pytest
from openai_server import OpenAIServer, default_answer
from tiny_models import bf16_expected_labels, expected_from, float32_expected_labels

from reasonrank_assets.core import models, prompts, warehouse
from reasonrank_assets.core.evaluation.metrics import label_agreement
from reasonrank_assets.core.teacher.backends import TeacherAuthError, make_teacher
from reasonrank_assets.core.teacher.batch import export_batch, import_batch
from reasonrank_assets.core.teacher.cache import AnswerCache, cache_key
from reasonrank_assets.core.teacher.settings import RELEVANCE, Answer, TeacherSettings
from reasonrank_assets.core.teacher.tasks import generate_queries, judge_pairs, relevance_outcome, relevance_prompts

KEY_ENV = "REASONRANK_TEST_TEACHER_KEY"


def make_pairs(n: int, site: str = "beer.stackexchange.com") -> list[dict]:
    return [
        {"site": site, "pair_id": f"p{i}", "question_id": 100 + i // 5, "question": f"How do hops work? ({i // 5})",
         "url": f"https://example.org/{i}", "document": f"Page {i}: hops add bitterness through alpha acids.", "source": "cited"}
        for i in range(n)
    ]


def expected_label(pair: dict) -> int:
    return prompts.parse_relevance(default_answer(prompts.relevance_messages(pair["question"], pair["document"]))).label


def config(server: OpenAIServer, **overrides) -> TeacherSettings:
    settings = dict(base_url=server.url, model="test-teacher", api_key_env=KEY_ENV, concurrency=4, timeout_s=5.0,
                    backoff_s=0.01, max_retries=2, max_tokens=256)
    return TeacherSettings(**(settings | overrides))


def judge(server, pairs, cache_dir: Path, **overrides):
    summary: dict = {}
    with AnswerCache(cache_dir) as cache:
        rows = judge_pairs(pairs, make_teacher(config(server, **overrides)), cache, summary=summary)
    return rows, summary


# -- the happy path and the cache -------------------------------------------------------------


def test_judges_every_pair_then_an_unchanged_rerun_makes_zero_calls(tmp_path):
    pairs = make_pairs(12)
    with OpenAIServer() as server:
        rows, summary = judge(server, pairs, tmp_path / "cache")
        assert server.received == server.answered == 12
        assert [r["label"] for r in rows] == [expected_label(p) for p in pairs]
        assert {r["parse_status"] for r in rows} == {"ok"}
        assert summary["calls"] == 12 and summary["cache_hits"] == 0
        assert warehouse.to_arrow("teacher_judgments", rows).num_rows == 12
        for row in rows:
            assert row["label_probs"].index(max(row["label_probs"])) == row["label"]
            assert row["prompt_tokens"] > 0 and row["completion_tokens"] > 0 and row["latency_s"] >= 0
            assert row["explanation"].startswith("The document discusses") and row["error"] is None
        again, summary = judge(server, pairs, tmp_path / "cache")
        assert server.received == 12  # not one call more
        assert summary["calls"] == 0 and summary["cache_hits"] == 12
        assert again == rows


def test_cache_key_covers_model_prompt_and_sampling_but_not_endpoint_or_key(tmp_path):
    messages = prompts.relevance_messages("q", "d")
    base = cache_key("m", "relevance", messages, {"temperature": 0.0, "max_tokens": 10})
    assert base != cache_key("m2", "relevance", messages, {"temperature": 0.0, "max_tokens": 10})
    assert base != cache_key("m", "relevance", messages, {"temperature": 0.7, "max_tokens": 10})
    assert base != cache_key("m", "relevance", prompts.relevance_messages("q", "d2"), {"temperature": 0.0, "max_tokens": 10})
    # Two servers of the same model share answers; changing max_tokens does not.
    pairs = make_pairs(3)
    with OpenAIServer() as one, OpenAIServer() as two:
        judge(one, pairs, tmp_path / "c")
        judge(two, pairs, tmp_path / "c")
        assert two.received == 0
        judge(two, pairs, tmp_path / "c", max_tokens=300)
        assert two.received == 3


@pytest.mark.slow
def test_concurrency_bounds_requests_in_flight(tmp_path):
    with OpenAIServer(latency_s=0.2) as server:
        started = time.perf_counter()
        judge(server, make_pairs(20), tmp_path / "cache", concurrency=5)
        elapsed = time.perf_counter() - started
    assert server.max_in_flight == 5
    assert elapsed < 20 * 0.2 / 2  # far quicker than one at a time (4 s); the bound is 0.8 s


# -- faults: the server misbehaves -----------------------------------------------------------


def test_429_then_success_is_retried(tmp_path):
    with OpenAIServer(faults=["429"]) as server:
        (row,), summary = judge(server, make_pairs(1), tmp_path / "cache")
    assert row["parse_status"] == "ok" and row["attempts"] == 2 and row["error"] is None
    assert server.received == 2 and summary["attempts"] == 2


@pytest.mark.slow
def test_a_429_with_an_http_date_waits_until_that_date(tmp_path):
    """Retry-After may be a date (RFC 9110); it was read as seconds only, so the teacher retried at
    once (its own backoff, 10 ms here) instead of when the server asked."""
    from datetime import datetime, timedelta
    from email.utils import format_datetime

    in_two_seconds = lambda: format_datetime(datetime.now(UTC) + timedelta(seconds=2), usegmt=True)  # noqa: E731
    with OpenAIServer(faults=["429"], retry_after=in_two_seconds) as server:
        (row,), _ = judge(server, make_pairs(1), tmp_path / "cache")
    assert row["parse_status"] == "ok" and row["attempts"] == 2
    first, retry = server.arrived
    assert retry - first > 0.9  # the date has whole seconds: 1-2 s ahead when it was sent


def test_500s_are_retried_then_recorded_as_an_error_for_that_pair_only(tmp_path):
    pairs = make_pairs(3)
    with OpenAIServer(faults=["500", "500", "500"]) as server:
        rows, summary = judge(server, pairs, tmp_path / "cache", concurrency=1, max_retries=2)
        failed = rows[0]
        assert failed["parse_status"] == "error" and failed["label"] is None
        assert "InternalServerError 500" in failed["error"] and failed["attempts"] == 3
        assert [r["parse_status"] for r in rows[1:]] == ["ok", "ok"]
        assert summary["call_errors"] == 1
        # An error is not an answer: the next run asks again for that pair only.
        rows, summary = judge(server, pairs, tmp_path / "cache")
        assert summary["calls"] == 1 and rows[0]["parse_status"] == "ok"


def test_500_then_success(tmp_path):
    with OpenAIServer(faults=["500"]) as server:
        (row,), _ = judge(server, make_pairs(1), tmp_path / "cache")
    assert row["parse_status"] == "ok" and row["attempts"] == 2


@pytest.mark.slow
def test_timeout_is_retried_and_recorded_when_retries_run_out(tmp_path):
    with OpenAIServer(faults=["timeout"], slow_s=1.5) as server:
        (row,), _ = judge(server, make_pairs(1), tmp_path / "a", timeout_s=0.4)
        assert row["parse_status"] == "ok" and row["attempts"] == 2
    with OpenAIServer(faults=["timeout"], slow_s=1.5) as server:
        (row,), _ = judge(server, make_pairs(1), tmp_path / "b", timeout_s=0.4, max_retries=0)
        assert row["parse_status"] == "error" and "Timeout" in row["error"]


def test_dropped_connection_is_retried(tmp_path):
    with OpenAIServer(faults=["drop"]) as server:
        (row,), _ = judge(server, make_pairs(1), tmp_path / "cache")
    assert row["parse_status"] == "ok" and row["attempts"] == 2 and server.received == 2


@pytest.mark.parametrize("fault, message", [("malformed", "JSONDecodeError"), ("no_choices", "no choices")])
def test_malformed_response_is_an_error_for_that_pair_and_is_not_cached(tmp_path, fault, message):
    pairs = make_pairs(2)
    with OpenAIServer(faults=[fault]) as server:
        rows, _ = judge(server, pairs, tmp_path / "cache", concurrency=1)
        assert rows[0]["parse_status"] == "error" and message in rows[0]["error"] and rows[0]["label"] is None
        assert rows[1]["parse_status"] == "ok"
        rows, summary = judge(server, pairs, tmp_path / "cache")
        assert summary["calls"] == 1 and rows[0]["parse_status"] == "ok"


def test_unparseable_answer_gets_its_parse_status_is_kept_and_never_label_0(tmp_path):
    answers = {"p0": "I think it is relevant.", "p1": "Relevance Label: 7", "p2": "Explanation.\nRelevance Label: partially relevant"}

    def answer(messages):
        page = messages[0]["content"].split("Document:\n")[1].split(":")[0]  # "Page N"
        return answers.get(f"p{page.split()[-1]}", default_answer(messages))

    with OpenAIServer(answer) as server:
        rows, summary = judge(server, make_pairs(4), tmp_path / "cache")
        assert [(r["parse_status"], r["label"]) for r in rows[:3]] == [("no_label", None), ("bad_label", None), ("label_word", 1)]
        assert rows[0]["raw_answer"] == "I think it is relevant."
        assert summary["parse_status"] == {"no_label": 1, "bad_label": 1, "label_word": 1, "ok": 1}
        judge(server, make_pairs(4), tmp_path / "cache")
        assert server.received == 4  # a paid answer is kept even when it does not parse


def test_answer_cut_by_max_tokens_is_truncated(tmp_path):
    with OpenAIServer(lambda m: "word " * 50 + "Relevance Label: 2") as server:
        (row,), _ = judge(server, make_pairs(1), tmp_path / "cache", max_tokens=10)
    assert row["parse_status"] == "truncated" and row["finish_reason"] == "length" and row["label"] is None


# -- capabilities and secrets ------------------------------------------------------------------


def test_logprobs_refused_by_the_server_are_dropped_and_the_answers_kept(tmp_path):
    with OpenAIServer(logprobs="reject") as server:
        rows, summary = judge(server, make_pairs(3), tmp_path / "cache", concurrency=1)
        assert summary["logprobs"] is False
        assert [r["parse_status"] for r in rows] == ["ok"] * 3 and all(r["label_probs"] is None for r in rows)
        assert server.received == 4  # one refusal, then every request without logprobs
        assert make_teacher(config(server)).probe() == {"logprobs": False}
    with OpenAIServer(logprobs="ignore") as server:
        assert make_teacher(config(server)).probe() == {"logprobs": False}
    with OpenAIServer() as server:
        assert make_teacher(config(server)).probe() == {"logprobs": True}


def test_api_key_comes_from_the_named_env_var_and_is_stored_nowhere(tmp_path, monkeypatch):
    secret = "sk-test-0123456789-secret"
    monkeypatch.setenv(KEY_ENV, secret)
    with OpenAIServer() as server:
        rows, _ = judge(server, make_pairs(2), tmp_path / "cache")
    assert set(server.auth_headers) == {f"Bearer {secret}"}
    assert secret not in json.dumps(rows)
    for path in (tmp_path / "cache").iterdir():
        assert secret.encode() not in path.read_bytes()


def test_the_key_is_redacted_from_every_stored_and_logged_error(tmp_path, monkeypatch, caplog):
    secret = "sk-test-0123456789-secret"
    monkeypatch.setenv(KEY_ENV, secret)
    caplog.set_level(logging.DEBUG, logger="reasonrank_assets.core.teacher")
    # The server echoes the Authorization header in its error bodies, as some proxies do.
    with OpenAIServer(faults=["500", "500", "403"], echo_auth=True) as server:
        rows, _ = judge(server, make_pairs(3), tmp_path / "cache", concurrency=1, max_retries=1)
    assert [r["parse_status"] for r in rows] == ["error", "error", "ok"]
    assert "InternalServerError 500" in rows[0]["error"] and "PermissionDeniedError 403" in rows[1]["error"]
    assert all("Bearer [redacted]" in r["error"] for r in rows[:2])  # the key was echoed, and cut out
    assert "attempt 1 failed" in caplog.text and "Bearer [redacted]" in caplog.text
    assert secret not in json.dumps(rows) and secret not in caplog.text


def test_the_first_401_stops_the_run_with_one_line_naming_the_variable(tmp_path, monkeypatch):
    secret = "sk-right-key-42"
    pairs = make_pairs(12)
    with OpenAIServer(api_key=secret, echo_auth=True) as server:
        monkeypatch.setenv(KEY_ENV, secret)
        judge(server, pairs[:3], tmp_path / "cache")  # paid for: kept whatever happens next
        monkeypatch.delenv(KEY_ENV)
        with pytest.raises(TeacherAuthError) as unset:
            judge(server, pairs, tmp_path / "cache")
        assert server.received - 3 <= 4  # the calls in flight at the first 401, not one per pair
        with pytest.raises(TeacherAuthError) as probed:
            make_teacher(config(server)).probe()
        monkeypatch.setenv(KEY_ENV, "sk-wrong-key")
        with pytest.raises(TeacherAuthError) as wrong:
            judge(server, pairs, tmp_path / "cache")
    assert str(unset.value) == str(probed.value) == f"the teacher at {server.url} answered 401 Unauthorized: the environment variable {KEY_ENV} (api_key_env) is not set"
    assert str(wrong.value).endswith(f"refused the key in the environment variable {KEY_ENV}")
    # The server's body echoed the wrong key: it is chained to nothing the user sees.
    assert "sk-wrong-key" not in "".join(traceback.format_exception(wrong.value))
    with AnswerCache(tmp_path / "cache") as cache:
        assert len(cache) == 3


def test_bad_input_names_the_record_and_field():
    pair = make_pairs(1)[0] | {"document": None}
    with pytest.raises(ValueError, match=r"p0|example.org/0.*document|document"):
        judge_pairs([pair], make_teacher(TeacherSettings()), None)
    with pytest.raises(ValueError, match="TeacherSettings: unknown setting\\(s\\) \\['temprature'\\]"):
        TeacherSettings.from_dict({"temprature": 0})
    with pytest.raises(ValueError, match="backend"):
        TeacherSettings(backend="vllm")


# -- search queries ----------------------------------------------------------------------------


def test_generate_queries_parses_dedups_and_reports_status(tmp_path):
    answers = {
        "full": default_answer,
        "short": lambda m: "1. hop oils\n2. Hop oils\n3. dry hopping",
        "empty": lambda m: "Sorry, I cannot help with that:",
    }

    def answer(messages):
        return answers[messages[0]["content"].split("Question:\n")[1].split()[0]](messages)

    questions = [{"site": "beer", "question_id": i, "text": f"{kind} question about hops"} for i, kind in enumerate(answers)]
    questions.append({"site": "beer", "question_id": 9, "text": "full broken question"})
    with OpenAIServer(answer, fault_when=lambda body: "broken" in json.dumps(body) and "500") as server:
        with AnswerCache(tmp_path / "cache") as cache:
            teacher = make_teacher(config(server, max_retries=0, query_max_tokens=128))
            rows = generate_queries(questions, teacher, cache)
    by_question = {}
    for row in rows:
        by_question.setdefault(row["question_id"], []).append(row)
    assert [r["query_rank"] for r in by_question[0]] == list(range(1, 11))
    assert {r["status"] for r in by_question[0]} == {"ok"} and by_question[0][0]["n_queries"] == 10
    assert [r["query"] for r in by_question[1]] == ["hop oils", "dry hopping"] and by_question[1][0]["status"] == "short"
    assert [(r["query_rank"], r["query"], r["status"]) for r in by_question[2]] == [(0, None, "empty")]
    assert by_question[9][0]["status"] == "error" and "500" in by_question[9][0]["error"]
    assert server.requests[0]["max_tokens"] == 128 and "logprobs" not in server.requests[0]
    assert warehouse.to_arrow("search_queries", rows).num_rows == len(rows)


# -- kill -9 mid-run: the next run pays only for what was not answered ---------------------------

_JUDGE_SCRIPT = textwrap.dedent(
    """
    import json, sys
    from reasonrank_assets.core.teacher.backends import make_teacher
    from reasonrank_assets.core.teacher.cache import AnswerCache
    from reasonrank_assets.core.teacher.settings import TeacherSettings
    from reasonrank_assets.core.teacher.tasks import judge_pairs
    pairs = json.load(open(sys.argv[1]))
    config = TeacherSettings(base_url=sys.argv[2], model="test-teacher", api_key_env=None, concurrency=4, backoff_s=0.01)
    with AnswerCache(sys.argv[3]) as cache:
        rows = judge_pairs(pairs, make_teacher(config), cache)
    json.dump(rows, open(sys.argv[4], "w"))
    """
)


def _cached_answers(cache_dir: Path) -> int:
    path = cache_dir / AnswerCache.FILE_NAME
    if not path.exists():
        return 0
    with sqlite3.connect(path, timeout=5) as conn:
        try:
            return conn.execute("SELECT count(*) FROM answers").fetchone()[0]
        except sqlite3.OperationalError:  # the table is not created yet
            return 0


def _wait_for(condition, state, seconds: float = 120.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for the judging subprocess: {state()}"
        time.sleep(0.02)


@pytest.mark.slow
def test_kill_9_mid_run_then_rerun_pays_exactly_one_answer_per_pair(tmp_path):
    pairs = make_pairs(24)
    (tmp_path / "pairs.json").write_text(json.dumps(pairs))
    cache_dir, out = tmp_path / "cache", tmp_path / "rows.json"
    script = tmp_path / "judge.py"
    script.write_text(_JUDGE_SCRIPT)
    with OpenAIServer(latency_s=0.02, hold_after=8) as server:
        args = [sys.executable, str(script), str(tmp_path / "pairs.json"), server.url, str(cache_dir), str(out)]
        run = subprocess.Popen(args, cwd=Path(__file__).parents[1])
        # 8 answers stored, 4 more requests held open by the server: kill while they are in flight.
        _wait_for(lambda: server.answered == 8 and _cached_answers(cache_dir) == 8 and server.in_flight == 4,
                  lambda: f"answered {server.answered}, cached {_cached_answers(cache_dir)}, in flight {server.in_flight}")
        os.kill(run.pid, signal.SIGKILL)
        assert run.wait() == -signal.SIGKILL and not out.exists()
        in_flight_lost = server.received - server.answered
        server.hold_after = None
        server.release_held()  # the held requests close unanswered: nobody paid for them

        subprocess.run(args, cwd=Path(__file__).parents[1], check=True, timeout=120)
        rows = json.loads(out.read_text())
    assert server.answered == len(pairs)  # answers produced (paid) == pairs, exactly
    assert server.received == len(pairs) + in_flight_lost and in_flight_lost == 4  # at most the calls in flight
    assert _cached_answers(cache_dir) == len(pairs)
    assert [r["label"] for r in rows] == [expected_label(p) for p in pairs]


# -- OpenAI batch files --------------------------------------------------------------------------


def test_batch_jsonl_export_then_import_fills_the_cache(tmp_path):
    pairs = make_pairs(3)
    with OpenAIServer() as server:
        teacher = make_teacher(config(server))
        with AnswerCache(tmp_path / "cache") as cache:
            assert export_batch(relevance_prompts(pairs, teacher), teacher, cache, tmp_path / "batch.jsonl") == 3
            # Play the batch runner: answer each request line with the same server's completion.
            lines = [json.loads(line) for line in (tmp_path / "batch.jsonl").read_text().splitlines()]
            assert {line["url"] for line in lines} == {"/v1/chat/completions"}
            outputs = [{"custom_id": line["custom_id"], "response": {"status_code": 200, "body": server.completion(line["body"])}, "error": None}
                       for line in lines[:2]]
            outputs.append({"custom_id": lines[2]["custom_id"], "response": None, "error": {"message": "expired"}})
            (tmp_path / "out.jsonl").write_text("\n".join(json.dumps(o) for o in outputs))
            assert import_batch(tmp_path / "out.jsonl", teacher, cache) == {"stored": 2, "failed": 1}
            rows = judge_pairs(pairs, teacher, cache)
        assert server.received == 1  # only the expired line was asked over HTTP
    assert [r["label"] for r in rows] == [expected_label(p) for p in pairs]
    (tmp_path / "bad.jsonl").write_text(json.dumps({"custom_id": "nonsense"}) + "\n")
    with pytest.raises(ValueError, match="bad.jsonl:1: custom_id 'nonsense'"):
        import_batch(tmp_path / "bad.jsonl", teacher, AnswerCache(tmp_path / "cache"))


# -- the local transformers backend ---------------------------------------------------------------


@pytest.mark.slow
def test_local_backend_forces_a_label_and_records_it(tmp_path, tiny_model_dir):
    pairs = make_pairs(5)
    settings = dict(backend="transformers", model=str(tiny_model_dir), max_tokens=6, batch_size=4, dtype="float32")
    summary: dict = {}
    with AnswerCache(tmp_path / "cache") as cache:
        forced = make_teacher(TeacherSettings(**settings, force_label=True))
        rows = judge_pairs(pairs, forced, cache, summary=summary)
        assert summary["calls"] == 5
        for row in rows:
            assert abs(sum(row["label_probs"]) - 1) < 1e-4
            if row["parse_status"] == "forced":  # a random model writes no label
                assert row["label"] == row["label_probs"].index(max(row["label_probs"]))
        assert {r["parse_status"] for r in rows} <= {"forced", "ok", "label_word"}
        assert judge_pairs(pairs, forced, cache, summary=summary) == rows and summary["calls"] == 0
        # Without forcing, only answers cut by the budget are forced; others without a label are
        # recorded as failures, never label 0.
        plain = judge_pairs(pairs, make_teacher(TeacherSettings(**settings)), cache, summary=summary)
        assert summary["calls"] == 5  # force_label is part of the cache key
        assert all(r["label"] is None for r in plain if r["parse_status"] not in prompts.USABLE_STATUSES)
        assert all(r["parse_status"] in prompts.USABLE_STATUSES for r in plain if r["finish_reason"] == "length")
        queries = generate_queries([{"site": "beer", "question_id": 1, "text": "hops?"}],
                                     make_teacher(TeacherSettings(**settings)), cache)
        assert queries[0]["status"] in {"ok", "short", "empty"}


def test_label_agreement_accuracy_kappa_and_confusion():
    perfect = label_agreement([0, 1, 2, 2], [0, 1, 2, 2])
    assert perfect["accuracy"] == 1 and perfect["qwk"] == pytest.approx(1)
    constant = label_agreement([0, 1, 2, 2], [1, 1, 1, 1])
    assert constant["qwk"] == pytest.approx(0) and constant["confusion"] == [[0, 1, 0], [0, 1, 0], [0, 2, 0]]
    partial = label_agreement([0, 2, 1, 2], [2, 0, None, 2])
    assert partial["coverage"] == 0.75 and partial["accuracy"] == pytest.approx(1 / 3) and partial["qwk"] < 0


@pytest.mark.slow
def test_local_backend_label_only_scores_without_generating(tmp_path, tiny_model_dir):
    config = TeacherSettings(backend="transformers", model=str(tiny_model_dir), max_tokens=0, force_label=True, dtype="float32")
    with AnswerCache(tmp_path / "cache") as cache:
        rows = judge_pairs(make_pairs(3), make_teacher(config), cache)
    assert {r["parse_status"] for r in rows} == {"forced"}
    assert all(r["completion_tokens"] == 0 and r["label"] == r["label_probs"].index(max(r["label_probs"])) for r in rows)


@pytest.mark.slow
def test_local_teacher_reads_label_probabilities_in_float32(tmp_path, sharp_model_dir, monkeypatch):
    monkeypatch.setattr(models, "cpu_half_precision_is_native", lambda dtype: True)  # a bf16 model even where bf16 is emulated
    pairs = [dict(p, document=f"Page {i}: " + "hops and malt " * (i % 4 + 1)) for i, p in enumerate(make_pairs(10))]
    teacher = make_teacher(TeacherSettings(backend="transformers", model=str(sharp_model_dir), max_tokens=0, batch_size=1, dtype="bfloat16"))
    with AnswerCache(tmp_path / "cache") as cache:
        rows = judge_pairs(pairs, teacher, cache)
    assert {r["parse_status"] for r in rows} == {"forced"}  # label-only: no answer, the budget is 0, the label is forced
    model, tokenizer, (prefix, digit_ids) = teacher._load()
    prompt_rows = [tokenizer(tokenizer.apply_chat_template(prompts.relevance_messages(p["question"], p["document"]), add_generation_prompt=True, tokenize=False),
                             add_special_tokens=False)["input_ids"] + tokenizer.encode("\n", add_special_tokens=False) + prefix for p in pairs]
    got = [expected_from(r["label_probs"]) for r in rows]
    reference = float32_expected_labels(model, prompt_rows, digit_ids)
    rounded = bf16_expected_labels(model, prompt_rows, digit_ids)
    assert got == pytest.approx(reference, abs=1e-6)
    assert len(set(got)) == len(set(reference)) > len(set(rounded))


def test_answers_cached_by_an_older_version_still_load(tmp_path):
    cache = AnswerCache(tmp_path)
    cache.put("k", RELEVANCE, "m", Answer(text="It helps.", label_probs=[0.1, 0.2, 0.7]))
    with sqlite3.connect(tmp_path / AnswerCache.FILE_NAME) as conn:  # a field this version no longer has
        stored = json.loads(conn.execute("SELECT answer FROM answers").fetchone()[0])
        conn.execute("UPDATE answers SET answer = ?", (json.dumps(stored | {"forced_label": 2}),))
    answer = cache.get_many(["k"])["k"]
    assert answer.text == "It helps." and relevance_outcome(answer, force_label=True)[::2] == (2, "forced")
