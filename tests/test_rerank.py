"""The pointwise reranker: ordering rules (pure), the transformers backend on a tiny model,
`rerank_run` rows, and rank_llm-style requests."""

import json
import re
from pathlib import Path

import pytest
from tiny_models import bf16_expected_labels, expected_from, float32_expected_labels

from reasonrank_assets.core import generation, labels, models, prompts
from reasonrank_assets.core.evaluation import rerank
from reasonrank_assets.core.evaluation.rerank import Judgment, RawAnswer, RerankSettings


def judged(doc_id, rank, label, expected=None, status="ok"):
    return Judgment(doc_id, label, expected, "", status, rank, 10.0 - rank)


def test_order_by_label_then_expected_label_then_first_stage():
    items = [
        judged("a", 1, 1, 1.2),
        judged("b", 2, 2, 1.9),
        judged("c", 3, 1, 1.4),
        judged("d", 4, 0, 0.3),
        judged("e", 5, 1, 1.4),
    ]
    ordered = rerank.order_judgments(items)
    assert [(j.doc_id, j.rank, j.decided_by) for j in ordered] == [
        ("b", 1, "label"),
        ("c", 2, "first_stage"),  # ties with e on label and expected label: first stage decides
        ("e", 3, "first_stage"),
        ("a", 4, "expected_label"),
        ("d", 5, "label"),
    ]


def test_failed_items_keep_their_first_stage_place():
    items = [
        judged("a", 1, 0, 0.1),
        judged("b", 2, None, status="no_label"),
        judged("c", 3, 2, 2.0),
        judged("d", 4, None, status="error"),
        judged("e", 5, 1, None, status="label_word"),  # "partially relevant" in words: still judged
    ]
    ordered = rerank.order_judgments(items)
    assert [j.doc_id for j in ordered] == ["c", "b", "e", "d", "a"]
    assert [j.decided_by for j in ordered] == ["label", "first_stage", "label", "first_stage", "label"]


@pytest.mark.slow
def test_label_tokens_follow_the_tokenizer(tiny_model_dir):
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(tiny_model_dir)
    prefix, ids = labels.label_token_ids(tokenizer)
    assert tokenizer.decode(prefix).strip() == prompts.LABEL_PREFIX
    assert [tokenizer.decode([i]).strip() for i in ids] == ["0", "1", "2"]


@pytest.mark.slow
def test_the_teacher_and_the_student_read_the_same_label_tokens(tmp_path):
    """The local teacher scores labels at the very tokens the student's reranker reads, whichever
    way the tokenizer splits " 0" (one token, or a space then the digit)."""
    from tiny_models import build_tiny_llama

    from reasonrank_assets.core.teacher.backends import TransformersTeacher
    from reasonrank_assets.core.teacher.settings import TeacherSettings

    digits = set()
    for vocab_size in (400, 262):  # 262: hardly a merge beyond the bytes, so " 0" is two tokens
        directory = build_tiny_llama(tmp_path / str(vocab_size), vocab_size=vocab_size)
        teacher = TransformersTeacher(TeacherSettings(backend="transformers", model=str(directory), dtype="float32", device="cpu"))
        _, _, (prefix, ids) = teacher._load()
        student = rerank.Reranker.from_pretrained(directory, mode="label_only", dtype="float32", device="cpu").backend
        assert (prefix, ids) == (student.prefix_ids, student.label_ids)
        tokenizer = student.tokenizer
        assert [tokenizer.decode(prefix + [i]) for i in ids] == [f"{prompts.LABEL_PREFIX} {label}" for label in "012"]
        digits.add(tokenizer.decode([ids[0]]))
    assert digits == {" 0", "0"}  # both splits were met


@pytest.fixture(scope="module")
def label_only(tiny_model_dir):
    return rerank.Reranker.from_pretrained(tiny_model_dir, mode="label_only", batch_size=3, dtype="float32", device="cpu")


DOCS = [
    {"doc_id": "d1", "text": "Hops, malt, yeast and water make beer."},
    {"doc_id": "d 2", "text": "Coffee grinder burrs."},
    {"doc_id": "d3", "text": "Espresso extraction time " * 40},
    {"doc_id": "d4", "text": "Roast level."},
]


@pytest.mark.slow
def test_label_only_reranking_on_a_tiny_model(label_only):
    judgments = label_only.rerank("how do I brew beer at home?", DOCS, first_stage_scores=[4.0, 3.0, 2.0, 1.0])
    assert sorted(j.doc_id for j in judgments) == ["d 2", "d1", "d3", "d4"]
    assert [j.rank for j in judgments] == [1, 2, 3, 4]
    for j in judgments:
        assert j.status == "ok" and j.label in (0, 1, 2) and 0.0 <= j.expected_label <= 2.0
        assert j.decided_by in ("label", "expected_label", "first_stage")
    keys = [(-j.label, -j.expected_label) for j in judgments]
    assert keys == sorted(keys)


@pytest.mark.slow
def test_batched_left_padding_gives_the_same_answers_as_one_at_a_time(label_only, tiny_model_dir):
    single = rerank.Reranker.from_pretrained(tiny_model_dir, mode="label_only", batch_size=1, dtype="float32", device="cpu")
    texts = [d["text"] for d in DOCS]  # very different lengths: the batch is padded
    batched = [a.label_probs for a, _ in label_only.judge("brew beer", texts)]
    alone = [a.label_probs for a, _ in single.judge("brew beer", texts)]
    assert [p for probs in batched for p in probs] == pytest.approx([p for probs in alone for p in probs], abs=1e-4)


@pytest.mark.slow
def test_label_probabilities_are_read_in_float32(sharp_model_dir, monkeypatch):
    monkeypatch.setattr(models, "cpu_half_precision_is_native", lambda dtype: True)  # a bf16 model even where bf16 is emulated
    reranker = rerank.Reranker.from_pretrained(sharp_model_dir, mode="label_only", batch_size=1, dtype="bfloat16", device="cpu")
    backend = reranker.backend
    texts = [f"document {i}: " + "malt and hops " * (i % 4 + 1) for i in range(12)]
    got = [expected_from(answer.label_probs) for answer, _ in reranker.judge("brew beer", texts)]
    rows = [backend.prompt_ids("brew beer", t, reranker.settings) for t in texts]
    reference = float32_expected_labels(backend.model, rows, backend.label_ids)
    rounded = bf16_expected_labels(backend.model, rows, backend.label_ids)
    assert got == pytest.approx(reference, abs=1e-6)
    assert len(set(rounded)) < len(texts)  # bf16 ties documents ...
    assert len(set(got)) == len(set(reference)) > len(set(rounded))  # ... that float32 tells apart
    assert max(abs(a - b) for a, b in zip(rounded, reference)) > 1e-5


@pytest.mark.slow
def test_explain_forces_the_label_when_the_budget_runs_out(sharp_model_dir):
    texts = ["malt", "hops and yeast", "water " * 5]
    batched = rerank.Reranker.from_pretrained(sharp_model_dir, mode="explain", max_new_tokens=6, batch_size=3, dtype="bfloat16", device="cpu")
    judgments = batched.rerank("brew beer", texts)
    for j in judgments:  # a random model writes no label in 6 tokens: every item is forced, none keeps its place as a failure
        assert j.output and prompts.LABEL_PREFIX not in j.output and j.status == prompts.FORCED
        assert j.label in (0, 1, 2) and 0 <= j.expected_label <= 2 and j.decided_by in ("label", "expected_label", "first_stage")
    keys = [(-j.label, -j.expected_label) for j in judgments]
    assert keys == sorted(keys)
    # The forced label is read where the docstring says: after prompt + the row's own 6 tokens + "\n" + prefix,
    # on the generation's cache (no second prefill): a plain forward of that row alone gives the same probabilities.
    single = rerank.Reranker.from_pretrained(sharp_model_dir, mode="explain", max_new_tokens=6, batch_size=3, dtype="float32", device="cpu")
    backend = single.backend
    answers = single.judge("brew beer", texts)
    prompt_rows = [backend.prompt_ids("brew beer", t, single.settings) for t in texts]
    own = [generation.generate(backend.model, [row], backend.pad_id, 6)[0] for row in prompt_rows]
    rows = [row + tokens + backend.tokenizer.encode("\n", add_special_tokens=False) + backend.prefix_ids for row, tokens in zip(prompt_rows, own)]
    assert all(backend.tokenizer.decode(row).rstrip().endswith("\n" + prompts.LABEL_PREFIX) for row in rows)
    assert [a.output for a, _ in answers] == [backend.tokenizer.decode(tokens, skip_special_tokens=True) for tokens in own]
    assert [expected_from(a.label_probs) for a, _ in answers] == pytest.approx(float32_expected_labels(backend.model, rows, backend.label_ids), abs=1e-5)
    assert all(a.forced for a, _ in answers)


@pytest.mark.slow
def test_explain_reads_the_label_probabilities_where_the_label_was_written(tiny_model_dir):
    backend = rerank.TransformersBackend(str(tiny_model_dir), RerankSettings(dtype="float32", device="cpu"))
    text = "It mentions malt. Relevance Label: 2 ##"
    tokens = backend.tokenizer.encode(text, add_special_tokens=False)
    digit = max(i for i, t in enumerate(tokens) if t in backend.label_ids)
    steps = [[0.0, 0.0, 0.0] for _ in tokens]
    steps[digit] = [0.0, 1.0, 3.0]
    answer = backend._read_answer(tokens + [backend.pad_id] * 2, steps + [[0.0] * 3] * 2)
    assert answer.output == text
    assert answer.label_probs == pytest.approx(labels.softmax3([0.0, 1.0, 3.0]))
    assert backend._read_answer(backend.tokenizer.encode("no label here 2", add_special_tokens=False), steps).label_probs is None


class FailingBackend:
    """A backend whose model errors on one document (e.g. out of memory)."""

    name = "failing"

    def answer(self, pairs, settings):
        return [RawAnswer("", None, "OutOfMemoryError: boom") if "bad" in d else RawAnswer("", (0.1, 0.2, 0.7)) for _, d in pairs]


def test_rerank_run_rows_match_the_table_and_keep_the_tail():
    reranker = rerank.Reranker(FailingBackend(), RerankSettings(mode="label_only"))
    queries = [{"benchmark": "b", "domain": "x", "query_id": "q", "query": "?"}]
    documents = [{"doc_id": f"d{i}", "text": "bad" if i == 1 else "good"} for i in range(5)]
    first = [{"query_id": "q", "doc_id": f"d{i}", "rank": i + 1, "score": 5.0 - i} for i in range(5)]
    rows = rerank.rerank_run(reranker, queries, documents, first, depth=3)
    assert set(rows[0]) == ddl_columns("reranked_runs")
    assert [(r["doc_id"], r["rank"], r["status"]) for r in rows] == [
        ("d0", 1, "ok"), ("d1", 2, "error"), ("d2", 3, "ok"), ("d3", 4, "not_reranked"), ("d4", 5, "not_reranked")
    ]
    assert rows[1]["explanation"] == "OutOfMemoryError: boom" and rows[1]["label"] is None
    assert [r["decided_by"] for r in rows] == ["first_stage", "first_stage", "first_stage", "first_stage", "first_stage"]
    assert all(a["score"] > b["score"] for a, b in zip(rows, rows[1:]))
    assert rows[0]["system"] == "failing:label_only@3" and rows[0]["domain"] == "x"
    with pytest.raises(ValueError, match=r"no text .* \['d9'\]"):
        rerank.rerank_run(reranker, queries, documents, first + [{"query_id": "q", "doc_id": "d9", "rank": 0, "score": 9.0}], depth=3)


class CountingBackend:
    """Answers from the text alone (its length), recording the queries each call gets."""

    name = "counting"

    def __init__(self):
        self.calls = []

    def answer(self, pairs, settings):
        self.calls.append(sorted({q for q, _ in pairs}))
        return [RawAnswer("", labels.softmax3([0.0, len(d) % 3, len(d) % 5])) for _, d in pairs]


def test_rerank_run_judges_whole_queries_together_up_to_a_batch():
    queries = [{"benchmark": "b", "domain": "x", "query_id": f"q{n}", "query": f"question {n}?"} for n in range(5)]
    documents = [{"doc_id": f"d{i}", "text": "w" * (i + 1)} for i in range(12)]
    first = [{"query_id": f"q{n}", "doc_id": f"d{(n + i) % 12}", "rank": i + 1, "score": 9.0 - i} for n in range(5) for i in range(6)]
    one_by_one, together = CountingBackend(), CountingBackend()
    alone = rerank.rerank_run(rerank.Reranker(one_by_one, RerankSettings(mode="label_only", batch_size=1)), queries, documents, first, depth=4)
    batched = rerank.rerank_run(rerank.Reranker(together, RerankSettings(mode="label_only", batch_size=8)), queries, documents, first, depth=4)
    assert len(one_by_one.calls) == 5 and together.calls == [["question 0?", "question 1?"], ["question 2?", "question 3?"], ["question 4?"]]
    strip = lambda rows: [{k: v for k, v in r.items() if k != "system"} for r in rows]  # noqa: E731
    assert strip(batched) == strip(alone)
    assert [r["status"] for r in batched if r["query_id"] == "q0"] == ["ok"] * 4 + ["not_reranked"] * 2


@pytest.mark.slow
def test_explaining_several_queries_in_one_batch_gives_each_its_own_answers(tiny_model_dir):
    queries = [{"query_id": f"q{n}", "query": q} for n, q in enumerate(["brew beer", "grow tomatoes in shade", "why is the sky blue"])]
    documents = DOCS + [{"doc_id": "d5", "text": "Light scatters."}, {"doc_id": "d6", "text": "Seedlings need sun."}]
    first = [{"query_id": q["query_id"], "doc_id": d["doc_id"], "rank": i + 1, "score": 9.0 - i} for q in queries for i, d in enumerate(documents)]
    run = {}
    for size in (6, 18):  # one query a call, then all three in one batch
        reranker = rerank.Reranker.from_pretrained(tiny_model_dir, mode="explain", max_new_tokens=5, batch_size=size, dtype="float32", device="cpu")
        run[size] = rerank.rerank_run(reranker, queries, documents, first, depth=6)
    assert [(r["doc_id"], r["explanation"], r["label"]) for r in run[18]] == [(r["doc_id"], r["explanation"], r["label"]) for r in run[6]]
    assert [r["expected_label"] for r in run[18]] == pytest.approx([r["expected_label"] for r in run[6]], abs=1e-5)


def test_rank_llm_requests_round_trip(tmp_path):
    path = tmp_path / "requests.jsonl"
    record = {"query": {"text": "?", "qid": "q1"}, "candidates": [{"docid": "a", "score": 2.0, "doc": {"contents": "bad doc"}}, {"docid": "b", "score": 1.0, "doc": {"title": "T", "segment": "good"}}]}
    path.write_text(json.dumps(record) + "\n")
    results = rerank.Reranker(FailingBackend(), RerankSettings(mode="label_only")).rerank_requests(rerank.read_requests(path))
    assert [c.docid for c in results[0].candidates] == ["a", "b"]  # a failed: it keeps place 1
    assert results[0].judgments[1].label == 2
    out = rerank.write_results(results, tmp_path / "results.jsonl")
    assert json.loads(out.read_text())["candidates"][1]["docid"] == "b"
    path.write_text(json.dumps(record) + "\n" + json.dumps({"query": {"text": "?"}}) + "\n")
    with pytest.raises(ValueError, match=r"requests.jsonl:2: not a rank_llm request"):
        rerank.read_requests(path)


def test_settings_are_checked():
    with pytest.raises(ValueError, match="mode must be one of"):
        RerankSettings(mode="listwise")
    with pytest.raises(ValueError, match="unknown backend"):
        rerank.Reranker.from_pretrained("x", backend="onnx")


def ddl_columns(table: str) -> set[str]:
    ddl = (Path(__file__).resolve().parents[1] / "sql" / "schema" / f"{table}.sql").read_text()
    return set(re.findall(r"^\s+(\w+) [A-Z]", ddl, re.MULTILINE)) - {"PRIMARY"}


def scored(doc_id, rank, logprob, status="ok"):
    return Judgment(doc_id, None, None, "", status, rank, 10.0 - rank, query_logprob=logprob)


def test_query_likelihood_orders_by_the_query_logprob_then_the_first_stage():
    items = [scored("a", 1, -3.0), scored("b", 2, -1.0), scored("c", 3, None, status="error"), scored("d", 4, -2.0), scored("e", 5, -2.0)]
    ordered = rerank.order_by_likelihood(items)
    assert [(j.doc_id, j.rank, j.decided_by) for j in ordered] == [
        ("b", 1, "query_likelihood"),
        ("d", 2, "first_stage"),  # ties with e: the first stage decides
        ("c", 3, "first_stage"),  # failed: keeps its place
        ("e", 4, "first_stage"),
        ("a", 5, "query_likelihood"),
    ]


def reference_logprobs(model, prompt: list[int], continuation: list[int]) -> float:
    """The plain path: one row, the model's own logits, log-softmax in float32."""
    import torch

    with torch.no_grad():
        logits = model(torch.tensor([prompt + continuation])).logits[0, len(prompt) - 1 : -1].float()
    return torch.log_softmax(logits, -1).gather(1, torch.tensor(continuation)[:, None]).mean().item()


@pytest.mark.slow
def test_continuation_logprobs_match_one_row_at_a_time_in_any_batch(tiny_model_dir):
    from reasonrank_assets.core import likelihood

    backend = rerank.Reranker.from_pretrained(tiny_model_dir, mode="query_likelihood", dtype="float32", device="cpu").backend
    encode = lambda text: backend.tokenizer.encode(text, add_special_tokens=False)  # noqa: E731
    heads = [encode(d["text"]) for d in DOCS]  # very different lengths: padded on the left
    tails = [encode(q) for q in ("brew beer", "how do I brew beer at home?", "roast", "espresso extraction time")]
    reference = [reference_logprobs(backend.model, h, t) for h, t in zip(heads, tails)]
    for pass_tokens in (None, 40):  # one pass, and several
        got = likelihood.continuation_logprobs(backend.model, heads, tails, backend.pad_id, pass_tokens=pass_tokens)
        assert got == pytest.approx(reference, abs=1e-5)
    assert len(set(reference)) == len(reference)
    with pytest.raises(ValueError, match="at least one token"):
        likelihood.continuation_logprobs(backend.model, heads[:1], [[]], backend.pad_id)


@pytest.mark.slow
def test_query_likelihood_reranking_on_a_tiny_model(tiny_model_dir):
    reranker = rerank.Reranker.from_pretrained(tiny_model_dir, mode="query_likelihood", batch_size=3, dtype="float32", device="cpu")
    backend, query = reranker.backend, "how do I brew beer at home?"
    judgments = reranker.rerank(query, DOCS, first_stage_scores=[4.0, 3.0, 2.0, 1.0])
    expected = {}
    for d in DOCS:
        text = backend.tokenizer.apply_chat_template(prompts.question_messages(d["text"]), add_generation_prompt=True, tokenize=False)
        expected[d["doc_id"]] = reference_logprobs(backend.model, backend.tokenizer.encode(text, add_special_tokens=False), backend.tokenizer.encode(query, add_special_tokens=False))
    assert [j.doc_id for j in judgments] == sorted(expected, key=lambda d: -expected[d])
    assert [j.query_logprob for j in judgments] == pytest.approx(sorted(expected.values(), reverse=True), abs=1e-5)
    assert {(j.status, j.label, j.decided_by) for j in judgments} == {("ok", None, "query_likelihood")}
    rows = rerank.rerank_run(reranker, [{"query_id": "q1", "query": query}], DOCS,
                             [{"query_id": "q1", "doc_id": d["doc_id"], "rank": i, "score": 5.0 - i} for i, d in enumerate(DOCS, 1)], depth=3)  # fmt: skip
    assert [r["doc_id"] for r in rows][:3] == sorted(["d1", "d 2", "d3"], key=lambda d: -expected[d]) and rows[3]["doc_id"] == "d4"
    assert [r["query_logprob"] for r in rows][:3] == pytest.approx(sorted((expected[d] for d in ("d1", "d 2", "d3")), reverse=True), abs=1e-5)
    assert rows[3]["query_logprob"] is None and rows[3]["status"] == "not_reranked"
    empty = reranker.rerank("  ", DOCS[:2])  # no query token to score: both keep their first-stage place, said why
    assert [(j.doc_id, j.status, j.decided_by) for j in empty] == [("d1", "error", "first_stage"), ("d 2", "error", "first_stage")]
    assert "empty query" in empty[0].explanation
