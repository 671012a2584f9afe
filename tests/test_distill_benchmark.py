"""benchmarks/distill.py on the real TREC DL 2019 files: the test half is disjoint by query from
training, and no training row shares a 13-gram with a test query or candidate passage."""

import gzip
import importlib.util
from collections import Counter
from pathlib import Path

import pytest

from reasonrank_assets.core.dataset import training_data
from reasonrank_assets.core.evaluation import benchmarks, retrieval

ROOT = Path(__file__).resolve().parents[1]


def _distill():
    spec = importlib.util.spec_from_file_location("distill_benchmark", ROOT / "benchmarks" / "distill.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _dl19(shared_data):
    """(the benchmark module, DL19, its BM25 top 100, train-half ids, test-half ids)."""
    distill = _distill()
    bench = benchmarks.load_benchmark(f"dl19:{shared_data / 'trec-dl-2019'}")
    train_q, test_q = distill.split_queries(bench.queries)
    return distill, bench, retrieval.read_run(bench.run_files["bm25"], k=100), train_q, test_q


def _question_rows(shared_data, min_label: int):
    """(the module, the train half's judged pairs in BM25 top 10, their people's grades, the train
    queries, their training rows with question rows for pairs labelled at least `min_label`)."""
    distill, bench, run, train_q, _ = _dl19(shared_data)
    pairs = distill.train_candidates(bench, run, train_q, 10)
    grades = distill.human_grades(pairs, bench.qrels)
    questions = [{"site": distill.SITE, "question_id": int(q["query_id"]), "text": q["query"]} for q in bench.queries if q["query_id"] in train_q]
    config = training_data.TrainingDataSettings(validation_fraction=0.0, test_fraction=0.0, include_queries_task=False, question_task_min_label=min_label)
    rows, _ = training_data.build_training_examples(distill.given_judgments(pairs, grades), questions, [], [], config)
    return distill, pairs, grades, questions, rows


def test_training_rows_are_disjoint_from_the_test_half_and_decontaminated(shared_data):
    distill, bench, run, train_q, test_q = _dl19(shared_data)
    assert not train_q & test_q and len(train_q | test_q) == 43
    text = {d["doc_id"]: d["text"] for d in bench.documents}
    test_texts = [q["query"] for q in bench.queries if q["query_id"] in test_q]
    test_texts += [text[r["doc_id"]] for r in run if r["query_id"] in test_q and r["rank"] <= 20]
    pairs = distill.train_candidates(bench, run, train_q, 100)
    judgments = distill.given_judgments(pairs, distill.human_grades(pairs, bench.qrels))
    grades = {(r["query_id"], r["doc_id"]): int(r["relevance"]) for r in bench.qrels}
    assert all(j["label"] == min(grades[(str(j["question_id"]), j["url"])], 2) for j in judgments)
    questions = [{"site": distill.SITE, "question_id": int(q["query_id"]), "text": q["query"]} for q in bench.queries if q["query_id"] in train_q]
    config = training_data.TrainingDataSettings(validation_fraction=0.0, test_fraction=0.0, include_queries_task=False)
    rows, report = training_data.build_training_examples(judgments, questions, [], test_texts, config)
    assert {str(r["question_id"]) for r in rows} <= train_q
    index = training_data.ContaminationIndex(test_texts)
    assert not any(index.hits(r["prompt"][0]["content"]) for r in rows)
    removed = report["decontamination"]["pairs_removed_by"].get("document", 0)
    assert len(rows) + removed == len(pairs) and removed > 0  # some passages are in both halves' BM25 lists
    balanced = distill.select(rows, 90, balance=True, seed=0)
    assert Counter(r["label"] for r in balanced) == {0: 30, 1: 30, 2: 30}


def test_the_question_task_teaches_the_question_of_each_relevant_pair_chosen(shared_data):
    distill, pairs, grades, questions, rows = _question_rows(shared_data, min_label=2)
    both = distill.training_rows(rows, ["relevance", "question"], 0, False, 0)
    relevance = {(r["question_id"], r["url"]): r["label"] for r in both if r["task"] == "relevance"}
    asked = [(r["question_id"], r["url"]) for r in both if r["task"] == "question"]
    assert len(relevance) == len(pairs) and sorted(asked) == sorted(k for k, label in relevance.items() if label == 2)
    text = {q["question_id"]: q["text"] for q in questions}
    assert all(r["completion"] == text[r["question_id"]] for r in both if r["task"] == "question")
    alone = distill.training_rows(rows, ["question"], 60, True, 0)  # 20 pairs a label drawn, the 20 relevant ones asked
    assert {r["task"] for r in alone} == {"question"} and len(alone) == 20


def test_the_contrastive_question_task_groups_each_pair_with_pairs_of_its_query_people_graded_lower(shared_data):
    from reasonrank_assets.core.training.sft import likelihood_groups

    distill, pairs, grades, questions, rows = _question_rows(shared_data, min_label=0)
    chosen = distill.training_rows(rows, ["question"], 0, False, 0)
    assert len(chosen) == len(pairs) and all(r["label"] == grades[f"{r['question_id']}:{r['url']}"] for r in chosen)  # every judged pair, its label
    ordered = likelihood_groups(chosen, 3, seed=0)
    groups = [ordered[i : i + 4] for i in range(0, len(ordered), 4)]
    assert len(groups) == 152 and all(len({r["question_id"] for r in g}) == 1 and max(r["label"] for r in g[1:]) < g[0]["label"] for g in groups)


@pytest.mark.parametrize("flags, says", [
    (["--tasks", "relevance", "--question-negatives", "3"], "--question-negatives N (N >= 0) trains --tasks question alone"),
    (["--interpolate"], "--interpolate fuses query likelihood with BM25: add --query-likelihood"),
    (["--stackexchange", "nosuch.stackexchange.com"], "no Posts.xml for nosuch.stackexchange.com"),
])  # fmt: skip
def test_options_that_cannot_run_say_so(flags, says):
    import subprocess
    import sys

    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "distill.py"), *flags], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and says in done.stderr and "Traceback" not in done.stderr


def test_interpolation_fuses_standardised_query_likelihood_with_the_first_stage_score():
    distill = _distill()
    row = lambda doc, rank, bm25, logprob: {"query_id": "q", "doc_id": doc, "first_stage_rank": rank, "first_stage_score": bm25, "query_logprob": logprob}  # noqa: E731
    rows = [row("a", 1, 30.0, -3.0), row("b", 2, 20.0, -1.0), row("c", 3, 19.0, -1.1), row("d", 4, 10.0, None)]
    order = lambda weight: [r["doc_id"] for r in sorted(distill.interpolated(rows, weight), key=lambda r: r["rank"])]  # noqa: E731
    assert order(0.0) == ["b", "c", "a", "d"]  # query likelihood alone; no log-probability: last, in first-stage order
    assert order(1.0) == ["a", "b", "c", "d"]  # the first stage alone
    # standardised, at half each: a's BM25 lead (z 1.41) and likelihood gap (z -1.41) cancel; b's likelihood lead outweighs its BM25 deficit, c's does not
    assert order(0.5) == ["b", "a", "c", "d"]
    fused = distill.interpolated(rows, 0.5)
    assert sorted(r["score"] for r in fused) == [1.0, 2.0, 3.0, 4.0] and all(r["score"] == 5 - r["rank"] for r in fused)


def test_a_per_query_cap_keeps_every_query_and_its_rare_grades(shared_data):
    distill, bench, run, train_q, _ = _dl19(shared_data)
    pairs = distill.train_candidates(bench, run, train_q, 100)
    capped = distill.per_query_cap(pairs, bench.qrels, 8, seed=0)
    grade = {(r["query_id"], r["doc_id"]): int(r["relevance"]) for r in bench.qrels}
    per_query = Counter(p["question_id"] for p in capped)
    assert set(per_query) == {p["question_id"] for p in pairs} and max(per_query.values()) == 8
    for qid in per_query:  # round-robin over grades: each grade the query has gets a place, up to the cap
        grades_had = {grade[(str(qid), p["url"])] for p in pairs if p["question_id"] == qid}
        grades_kept = {grade[(str(qid), p["url"])] for p in capped if p["question_id"] == qid}
        assert grades_kept == grades_had or per_query[qid] == 8
    assert len({p["pair_id"] for p in capped}) == len(capped)
    assert distill.per_query_cap(pairs, bench.qrels, 0, seed=0) == pairs


def test_stackexchange_pairs_grade_answers_by_what_the_community_did(shared_data):
    from reasonrank_assets.core.web import stackexchange

    distill = _distill()
    site = shared_data / "stackexchange" / "beer.stackexchange.com"
    pairs, questions, grades = distill.stackexchange_pairs(site, 50, seed=0)
    posts = {p["post_id"]: p for p in stackexchange.read_posts(site / "Posts.xml", "beer")}
    assert len(questions) == 50 and set(grades) == {p["pair_id"] for p in pairs}
    for pair in pairs:
        question, answer = posts[pair["question_id"]], posts[int(pair["url"].rsplit("/", 1)[1])]
        grade = grades[pair["pair_id"]]
        if grade == 2:
            assert answer["parent_id"] == question["post_id"]
            assert answer["post_id"] == question["accepted_answer_id"] or answer["score"] >= 1
        elif grade == 1:
            assert answer["parent_id"] == question["post_id"] and answer["score"] >= 1 and answer["post_id"] != question["accepted_answer_id"]
        else:
            assert answer["parent_id"] != question["post_id"]  # another question's answer
        assert len(pair["document"].split()) <= distill.ANSWER_WORDS
    assert Counter(grades.values())[0] == 50  # one hard negative each
    titled, titles, _ = distill.stackexchange_pairs(site, 50, seed=0, titles_only=True)
    assert [q["text"] for q in titles] == [posts[q["question_id"]]["title"].strip() for q in questions]
    assert {p["question"] for p in titled} == {q["text"] for q in titles}



def _first_words_question(messages: list[dict]) -> str:
    """An answer as a question writer gives it: the passage's first four words as a question."""
    passage = messages[-1]["content"].split("Passage:\n", 1)[1].split("\n\nWrite one", 1)[0]
    return '"' + " ".join(passage.split()[:4]) + '?"\n'


def test_teacher_written_questions_pair_their_passage_with_another_of_its_pool_and_are_asked_once(shared_data, tmp_path):
    from openai_server import OpenAIServer

    from reasonrank_assets.core.teacher.backends import make_teacher
    from reasonrank_assets.core.teacher.settings import TeacherSettings

    distill, bench, run, train_q, _ = _dl19(shared_data)
    text = {d["doc_id"]: d["text"] for d in bench.documents}
    pool: dict[str, set[str]] = {}
    for h in run:
        pool.setdefault(h["doc_id"], set()).add(h["query_id"])
    with OpenAIServer(answer=_first_words_question) as server:
        teacher = lambda: make_teacher(TeacherSettings(base_url=server.url, model=server.model, api_key_env=None, concurrency=4))  # noqa: E731
        recording = tmp_path / "written.jsonl.gz"
        pairs, questions, grades = distill.teacher_questions(bench, run, train_q, 30, teacher(), tmp_path / "cache", seed=0, recording=recording)
        assert server.answered == 30 and len(questions) == 30 and len(pairs) == 60 and set(grades) == {p["pair_id"] for p in pairs}
        for question in questions:
            (positive,), (negative,) = ([p for p in pairs if p["question_id"] == question["question_id"] and grades[p["pair_id"]] == g] for g in (2, 0))
            assert question["text"] == " ".join(text[positive["url"]].split()[:4]) + "?"  # its own passage's question, unquoted
            assert positive["question"] == negative["question"] == question["text"] and positive["url"] != negative["url"]
            assert pool[positive["url"]] <= train_q and pool[positive["url"]] & pool[negative["url"]]  # one pool, never a test query's
        assert len({min(pool[p["url"]]) for p in pairs if grades[p["pair_id"]] == 2}) == 22  # round-robin: every train query's pool
        assert distill.teacher_questions(bench, run, train_q, 30, teacher(), tmp_path / "cache", seed=0) == (pairs, questions, grades)
        assert server.answered == 30  # the second run asked nothing: every answer came from the cache
        # a fresh clone: an empty cache and the committed recording, which holds no passage text
        assert distill.teacher_questions(bench, run, train_q, 30, teacher(), tmp_path / "fresh", seed=0, recording=recording) == (pairs, questions, grades)
        assert server.answered == 30
        recorded = gzip.decompress(recording.read_bytes()).decode()
        assert len(recorded.splitlines()) == 30 and text[pairs[0]["url"]] not in recorded
        # a smaller run asks nothing and keeps the larger recording
        distill.teacher_questions(bench, run, train_q, 10, teacher(), tmp_path / "fresh", seed=0, recording=recording)
        assert server.answered == 30 and len(gzip.decompress(recording.read_bytes()).splitlines()) == 30


def test_bm25_negatives_are_the_pool_passage_bm25_ranks_highest_for_the_written_question(shared_data, tmp_path):
    from openai_server import OpenAIServer

    from reasonrank_assets.core.teacher.backends import make_teacher
    from reasonrank_assets.core.teacher.settings import TeacherSettings

    distill, bench, run, train_q, _ = _dl19(shared_data)
    with OpenAIServer(answer=_first_words_question) as server:
        teacher = make_teacher(TeacherSettings(base_url=server.url, model=server.model, api_key_env=None, concurrency=4))
        pairs, questions, grades = distill.teacher_questions(bench, run, train_q, 6, teacher, tmp_path, seed=0, negatives="bm25")
    assert len(questions) == 6
    in_test_pools = {h["doc_id"] for h in run if h["query_id"] not in train_q}
    for question in questions:
        (positive,), (negative,) = ([p for p in pairs if p["question_id"] == question["question_id"] and grades[p["pair_id"]] == g] for g in (2, 0))
        pool_query = sorted(train_q, key=int)[question["question_id"] - 10_000_000]  # 6 questions: one a train query, in order
        rest = {h["doc_id"] for h in run if h["query_id"] == pool_query} - in_test_pools - {positive["url"]}
        hits = retrieval.bm25_run([{"query_id": "q", "query": question["text"]}], bench.documents, k=len(rest), candidates={"q": rest})
        assert positive["url"] not in rest and negative["url"] == hits[0]["doc_id"] and hits[0]["score"] > hits[-1]["score"]


def test_a_teacher_arms_judgments_are_recorded_once_and_a_fresh_clone_asks_nothing(shared_data, tmp_path):
    from openai_server import OpenAIServer

    from reasonrank_assets.core.teacher.backends import make_teacher
    from reasonrank_assets.core.teacher.settings import TeacherSettings

    distill, bench, run, train_q, _ = _dl19(shared_data)
    pairs = distill.train_candidates(bench, run, train_q, depth=10)[:12]
    recording = tmp_path / "teacher.jsonl.gz"
    with OpenAIServer() as server:
        teacher = lambda: make_teacher(TeacherSettings(base_url=server.url, model=server.model, api_key_env=None, concurrency=4))  # noqa: E731
        judged = distill.teacher_judgments(pairs, teacher(), tmp_path / "cache", {}, recording)
        assert server.answered == 12 and all(j["parse_status"] == "ok" and j["explanation"].startswith("The document") for j in judged)
        recorded = gzip.decompress(recording.read_bytes()).decode()
        assert len(recorded.splitlines()) == 12 and not any(p["document"][:200] in recorded for p in pairs)
        # a fresh clone: an empty cache and the recording give the same labels and explanations, asking nothing
        again = distill.teacher_judgments(pairs, teacher(), tmp_path / "fresh", {}, recording)
        assert server.answered == 12
        assert [(j["label"], j["explanation"]) for j in again] == [(j["label"], j["explanation"]) for j in judged]
        # a smaller run asks nothing and leaves the recording as it was
        distill.teacher_judgments(pairs[:4], teacher(), tmp_path / "fresh", {}, recording)
        assert server.answered == 12 and gzip.decompress(recording.read_bytes()).decode() == recorded


@pytest.mark.slow
def test_a_student_is_refined_by_grpo_and_by_its_weighted_rollouts_sampled_once(tiny_model_dir, tmp_path):
    import argparse
    import json

    from reasonrank_assets.core.training.examples import load_rows

    distill = _distill()
    documents = ["hops malt yeast water", "coffee grinder burr", "wort boil hops", "bean roast grind"]
    rows = [{"example_id": f"r{i}", "split": "train", "task": "relevance", "label": i % 3,
             "prompt": json.dumps([{"role": "user", "content": f"Question: how do I brew beer? Document: {doc}"}]),
             "completion": f"Relevance Label: {i % 3} ##"} for i, doc in enumerate(documents)]  # fmt: skip
    args = argparse.Namespace(batch=2, micro_batch=None, full=True, scheduler="constant_with_warmup", warmup_ratio=0.0, seed=0, refine_lr=1e-3, lr=1e-3)
    grpo = distill.refine_student("grpo", rows, str(tiny_model_dir), args, 8, tmp_path / "grpo")
    assert grpo["method"] == "grpo" and grpo["metrics"]["global_step"] == 2  # one pass: 4 prompts, 2 a step
    assert grpo["config"]["k"] == distill.REFINE_K and grpo["config"]["prompts_per_step"] == 2 and not grpo["config"]["use_lora"]
    assert len(grpo["metrics"]["reward_curve"]) == 2

    weighted = distill.refine_student("reward_weighted", rows, str(tiny_model_dir), args, 8, tmp_path / "rw")
    rollouts = load_rows(tmp_path / "rw" / "rollouts" / "rollouts.jsonl")
    assert len(rollouts) == 4 * distill.REFINE_K and all(r["n_tokens"] <= 8 for r in rollouts)
    assert weighted["method"] == "reward_weighted" and weighted["metrics"]["global_step"] == 2
    assert weighted["metrics"]["n_rollouts"] == len(rollouts) and weighted["metrics"]["items_from_teacher"] == 4
    # a rerun samples nothing and trains nothing: the same rollouts, the finished run's manifest
    sampled = (tmp_path / "rw" / "rollouts" / "rollouts.jsonl").stat().st_mtime_ns
    again = distill.refine_student("reward_weighted", rows, str(tiny_model_dir), args, 8, tmp_path / "rw")
    assert (again["checkpoint_id"], again["created_at"]) == (weighted["checkpoint_id"], weighted["created_at"])
    assert (tmp_path / "rw" / "rollouts" / "rollouts.jsonl").stat().st_mtime_ns == sampled
