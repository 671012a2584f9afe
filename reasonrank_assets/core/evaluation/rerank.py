"""The pointwise reranker: explain then label (the method), the label alone (the ablation), or
the query's likelihood (UPR, zero-shot: no label).

For each (query, document) the model answers the same prompt the student is trained on
(`prompts.relevance_messages`). The ranking key is (label, expected label, first-stage score):
the label the model wrote; then, among equal labels, the expected label sum(l * p(l)) from the
next-token probabilities of "0", "1", "2" right after "Relevance Label:"; then the first stage.
Which of the three placed each item is recorded. Label probabilities are computed in float32
(`core.labels`): bf16 logits would tie documents the model tells apart. An explanation that runs
out of tokens before its label gets one: the label prefix is put after it and the most likely of
0/1/2 read there, with the status "forced". An item the model fails on (no label, a bad label, an
error) keeps its first-stage place and is counted in `status`.

In query-likelihood mode (`core.likelihood`) the model is shown the document and asked for the
question it answers (`prompts.question_messages`); the ranking key is the mean log-probability
of the query's tokens there (`query_logprob`), then the first stage. It needs no training and
no label, so it is also the yardstick of what the student's pretraining alone can rank.

    from reasonrank_assets.core.evaluation.rerank import Reranker
    reranker = Reranker.from_pretrained("path/to/student")
    for judgment in reranker.rerank("why is the sky blue?", ["Rayleigh scattering ...", "..."]):
        print(judgment.doc_id, judgment.label, judgment.decided_by)

Backends: transformers (CPU/GPU; batched, greedy, stop at " ##"; a query's documents share one
prefill of the prompt head, `core.generation`) and vLLM (GPU extra, prefix caching does the same;
import-guarded, untested here).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Protocol

from reasonrank_assets.core import generation, labels, prompts
from reasonrank_assets.core.labels import LABELS, label_token_ids
from reasonrank_assets.core.settings import setting

MODES = ("explain", "label_only", "query_likelihood")
# The explanation budget: 2.4x the longest of the 1.5B teacher's explanations measured on NovelEval
# (42 pairs: p50 71, p90 91, max 105 tokens, every one finished); answers that stop early leave the
# batch, so the budget only bounds a runaway answer, and one cut by it still gets a forced label.
# The method allows 1024 (configs/paper.yaml).
EXPLAIN_BUDGET = 256
FAILED = (prompts.NO_LABEL, prompts.BAD_LABEL, "error")  # statuses of items that keep their first-stage place
_ENDS_WITH_LABEL_PREFIX = re.compile(prompts.LABEL_PATTERN + r"$", re.IGNORECASE)  # the parser's own prefix


@dataclass
class RerankSettings:
    mode: str = setting("explain", '"explain" (the method), "label_only" (the ablation) or "query_likelihood" (UPR, zero-shot)', choices=MODES)
    max_new_tokens: int = setting(EXPLAIN_BUDGET, "explanation budget in tokens; a label not written by then is forced")
    batch_size: int = setting(8, "pairs per forward pass")
    depth: int = setting(100, "first-stage hits reranked per query; the rest keep their order below them")
    dtype: str = setting("bfloat16", 'model weights; "auto": the checkpoint\'s', choices=("bfloat16", "float16", "float32", "auto"))
    device: str = setting("auto", '"auto": cuda when available, else cpu')
    backend: str = setting("transformers", '"vllm" needs the GPU extra', choices=("transformers", "vllm"))
    max_doc_chars: int = setting(prompts.MAX_DOC_CHARS, "characters of a document the prompt keeps")
    stop: str = setting(prompts.STOP, "the string generation stops at")

    def __post_init__(self):
        if self.mode not in MODES:
            raise ValueError(f"RerankSettings.mode must be one of {MODES}, not {self.mode!r}")
        if self.batch_size < 1 or self.max_new_tokens < 1:
            raise ValueError("RerankSettings.batch_size and max_new_tokens must be >= 1")


# --- rank_llm-like vocabulary -------------------------------------------------------------------


@dataclass
class Query:
    text: str
    qid: str = ""


@dataclass
class Candidate:
    docid: str
    score: float | None = None
    doc: dict = field(default_factory=dict)  # {"text"|"contents"|"segment": ..., "title": ...}


@dataclass
class Request:
    query: Query
    candidates: list[Candidate]


@dataclass
class Judgment:
    """One reranked item: what the model said and why it sits where it does."""

    doc_id: str
    label: int | None
    expected_label: float | None
    explanation: str
    status: str  # a prompts parse status ("ok", "label_word", "forced", "no_label", "bad_label"), "error", "not_reranked"
    first_stage_rank: int
    first_stage_score: float | None
    rank: int = 0
    decided_by: str = ""  # "label", "expected_label", "query_likelihood" or "first_stage"
    output: str = ""  # the model's raw answer (explain mode)
    query_logprob: float | None = None  # query-likelihood mode: mean log P(query token | document prompt)


@dataclass
class Result:
    query: Query
    candidates: list[Candidate]  # reordered; score = the new rank's descending score
    judgments: list[Judgment]


def candidate_text(doc: dict | str) -> str:
    if isinstance(doc, str):
        return doc
    for key in ("text", "contents", "content", "segment", "body"):
        if doc.get(key):
            title = doc.get("title")
            return f"{title} {doc[key]}".strip() if title else str(doc[key])
    raise ValueError(f"document has no text field (text, contents, content, segment, body): keys {sorted(doc)}")


def read_requests(path: str | Path) -> list[Request]:
    """rank_llm-style JSONL: {"query": {"text", "qid"}, "candidates": [{"docid", "score", "doc"}]}."""
    from reasonrank_assets.core.evaluation.trec import read_lines  # names the file and line of a bad byte too

    requests = []
    for number, line in read_lines(path):
        try:
            record = json.loads(line)
            query = Query(str(record["query"]["text"]), str(record["query"].get("qid", number)))
            candidates = [Candidate(str(c["docid"]), c.get("score"), c.get("doc") or {}) for c in record["candidates"]]
        except (json.JSONDecodeError, KeyError, TypeError) as error:
            raise ValueError(f"{path}:{number}: not a rank_llm request ({error!r})") from error
        requests.append(Request(query, candidates))
    return requests


def write_results(results: Iterable[Result], path: str | Path) -> Path:
    from reasonrank_assets.core.io import write_text

    def line(result: Result) -> str:
        return json.dumps({"query": asdict(result.query), "candidates": [asdict(c) for c in result.candidates], "judgments": [asdict(j) for j in result.judgments]}) + "\n"

    return write_text(path, map(line, results))


# --- ordering (pure: no model) ---------------------------------------------------------------


def order_judgments(judgments: list[Judgment]) -> list[Judgment]:
    """Judgments given in first-stage order -> final order, with rank and decided_by set.

    Judged items are sorted by (label, expected label, first-stage place); failed ones stay in
    their first-stage slots and the judged ones fill the other slots in sorted order.
    """
    judged = [j for j in judgments if j.label is not None]  # "ok" or a usable parse such as "label_word"
    judged_sorted = sorted(judged, key=lambda j: (-j.label, -(j.expected_label if j.expected_label is not None else j.label), j.first_stage_rank))
    fill = iter(judged_sorted)
    ordered = [next(fill) if j.label is not None else j for j in judgments]
    by_label: dict[int, list[Judgment]] = {}
    for j in judged:
        by_label.setdefault(j.label, []).append(j)
    for rank, j in enumerate(ordered, 1):
        j.rank = rank
        j.decided_by = _decided_by(j, by_label)
    return ordered


def order_by_likelihood(judgments: list[Judgment]) -> list[Judgment]:
    """Judgments given in first-stage order -> ordered by query likelihood (ties: first stage);
    failed ones keep their first-stage slots, as in `order_judgments`."""
    scored = [j for j in judgments if j.query_logprob is not None]
    fill = iter(sorted(scored, key=lambda j: (-j.query_logprob, j.first_stage_rank)))
    ordered = [next(fill) if j.query_logprob is not None else j for j in judgments]
    ties = Counter(j.query_logprob for j in scored)
    for rank, j in enumerate(ordered, 1):
        j.rank = rank
        j.decided_by = "query_likelihood" if j.query_logprob is not None and ties[j.query_logprob] == 1 else "first_stage"
    return ordered


def _decided_by(judgment: Judgment, by_label: dict[int, list[Judgment]]) -> str:
    if judgment.label is None:
        return "first_stage"
    same_label = by_label[judgment.label]
    if len(same_label) == 1:
        return "label"
    ties = [j for j in same_label if j.expected_label == judgment.expected_label]
    return "expected_label" if judgment.expected_label is not None and len(ties) == 1 else "first_stage"


# --- backends ------------------------------------------------------------------------------


@dataclass
class RawAnswer:
    output: str  # generated text ("" in label-only mode)
    label_probs: tuple[float, float, float] | None  # p("0"), p("1"), p("2") after the label prefix
    error: str | None = None
    forced: bool = False  # explain: the answer ran out of tokens; label_probs are read after a forced prefix
    query_logprob: float | None = None  # query-likelihood mode


class Backend(Protocol):
    name: str

    def answer(self, pairs: list[tuple[str, str]], settings: RerankSettings) -> list[RawAnswer]: ...


class TransformersBackend:
    """Batched greedy generation with transformers; CPU or GPU."""

    def __init__(self, path: str, settings: RerankSettings):
        from reasonrank_assets.core.models import load_causal_lm, pick_device

        self.name = Path(path).name or str(path)
        self.device = pick_device(settings.device)
        self.model, self.tokenizer = load_causal_lm(path, dtype=settings.dtype, device=self.device)
        self.pad_id = self.tokenizer.pad_token_id
        self.prefix_ids, self.label_ids = label_token_ids(self.tokenizer)
        self._head = None  # the output projection in float32, made on the first query-likelihood call

    def prompt_ids(self, question: str, document: str, settings: RerankSettings) -> list[int]:
        ids = self._chat_ids(prompts.relevance_messages(question, document[: settings.max_doc_chars]))
        return ids + self.prefix_ids if settings.mode == "label_only" else ids

    def _chat_ids(self, messages: list[dict]) -> list[int]:
        """The prompt's token ids through the model's chat template, ready for the answer."""
        text = self.tokenizer.apply_chat_template(messages, add_generation_prompt=True, tokenize=False)
        return self.tokenizer(text, add_special_tokens=False)["input_ids"]

    def answer(self, pairs: list[tuple[str, str]], settings: RerankSettings) -> list[RawAnswer]:
        if settings.mode == "query_likelihood":
            return self._query_likelihood(pairs, settings)
        sequences = [self.prompt_ids(q, d, settings) for q, d in pairs]
        # A query's documents go together (they share the prompt head), shortest first (less padding).
        order = sorted(range(len(sequences)), key=lambda i: (pairs[i][0], len(sequences[i])))
        answers: list[RawAnswer | None] = [None] * len(sequences)
        for start in range(0, len(order), settings.batch_size):
            batch = order[start : start + settings.batch_size]
            try:
                run = self._label_only if settings.mode == "label_only" else self._explain
                results = run([sequences[i] for i in batch], [pairs[i][0] for i in batch], settings)
            except Exception as error:  # one bad batch must not lose the others: mark it and go on
                results = [RawAnswer("", None, f"{type(error).__name__}: {error}")] * len(batch)
            for i, result in zip(batch, results):
                answers[i] = result
        return answers

    def _query_likelihood(self, pairs: list[tuple[str, str]], settings: RerankSettings) -> list[RawAnswer]:
        from reasonrank_assets.core import likelihood

        if self._head is None:
            self._head = likelihood.output_weight(self.model)
        heads = [self._chat_ids(prompts.question_messages(document[: settings.max_doc_chars])) for _, document in pairs]
        queries = [self.tokenizer(question.strip(), add_special_tokens=False)["input_ids"] for question, _ in pairs]
        answers = [RawAnswer("", None, "ValueError: an empty query has no likelihood") for _ in pairs]
        scorable = [i for i, q in enumerate(queries) if q]
        for start in range(0, len(scorable), settings.batch_size):
            batch = scorable[start : start + settings.batch_size]
            try:
                scores = likelihood.continuation_logprobs(self.model, [heads[i] for i in batch], [queries[i] for i in batch], self.pad_id, head=self._head)
                for i, score in zip(batch, scores):
                    answers[i] = RawAnswer("", None, query_logprob=score)
            except Exception as error:  # one bad batch must not lose the others: mark it and go on
                for i in batch:
                    answers[i] = RawAnswer("", None, f"{type(error).__name__}: {error}")
        return answers

    def _label_only(self, sequences: list[list[int]], queries: list[str], settings: RerankSettings) -> list[RawAnswer]:
        return [RawAnswer("", probs) for probs in labels.label_probs_after(self.model, sequences, self.pad_id, self.label_ids, groups=queries)]

    def _explain(self, sequences: list[list[int]], queries: list[str], settings: RerankSettings) -> list[RawAnswer]:
        label_logits: list[list[list[float]]] = [[] for _ in sequences]  # per row, per step: logits of "0","1","2"

        def record(rows: list[int], logits) -> None:
            for row, values in zip(rows, logits[:, self.label_ids].tolist()):
                label_logits[row].append(values)

        # Out of tokens before the label: the label prefix is written after the explanation, on the
        # row's own cache, and the label read where the model writes it next.
        budget = settings.max_new_tokens
        with labels.float32_labels(self.model, self.label_ids):
            answers = generation.generate(
                self.model, sequences, self.pad_id, budget, groups=queries, tokenizer=self.tokenizer, stop_strings=[settings.stop], on_step=record,
                force_after_budget=self.tokenizer.encode("\n", add_special_tokens=False) + self.prefix_ids,
            )
        read = []
        for tokens, steps in zip(answers, label_logits):
            answer = self._read_answer(tokens[:budget], steps)
            if len(tokens) > budget and prompts.parse_relevance(answer.output).status not in prompts.USABLE_STATUSES:
                answer = RawAnswer(answer.output, labels.softmax3(steps[-1]), forced=True)
            read.append(answer)
        return read

    def _read_answer(self, tokens: list[int], step_logits: list[list[float]]) -> RawAnswer:
        text = self.tokenizer.decode(tokens, skip_special_tokens=True)
        for step, token in enumerate(tokens):
            if token in self.label_ids and _ENDS_WITH_LABEL_PREFIX.search(self.tokenizer.decode(tokens[:step], skip_special_tokens=True)):
                return RawAnswer(text, labels.softmax3(step_logits[step]))
        return RawAnswer(text, None)


class VLLMBackend:
    """vLLM (the GPU extra: `make install GPU=1`). Prefix caching shares each query's prompt prefix.

    UNTESTED in this project's CI (vLLM needs a GPU and is not installed on the development
    machines); it follows the same interface and prompt as the transformers backend, but does not
    yet force a label after an explanation cut by the budget (such items stay "no_label").
    """

    def __init__(self, path: str, settings: RerankSettings):
        try:
            from vllm import LLM
        except ImportError as error:
            raise ImportError("the vLLM backend needs the GPU extra: make install GPU=1") from error
        self.name = Path(path).name or str(path)
        self.llm = LLM(model=str(path), dtype=settings.dtype, enable_prefix_caching=True)
        self.tokenizer = self.llm.get_tokenizer()
        self.prefix_ids, self.label_ids = label_token_ids(self.tokenizer)

    def answer(self, pairs: list[tuple[str, str]], settings: RerankSettings) -> list[RawAnswer]:
        from vllm import SamplingParams, TokensPrompt

        if settings.mode == "query_likelihood":
            raise ValueError("query-likelihood reranking runs on the transformers backend")

        prompts_ = []
        for question, document in pairs:
            text = self.tokenizer.apply_chat_template(prompts.relevance_messages(question, document[: settings.max_doc_chars]), add_generation_prompt=True, tokenize=False)
            ids = self.tokenizer.encode(text, add_special_tokens=False)
            prompts_.append(TokensPrompt(prompt_token_ids=ids + (self.prefix_ids if settings.mode == "label_only" else [])))
        label_only = settings.mode == "label_only"
        params = SamplingParams(temperature=0.0, max_tokens=1 if label_only else settings.max_new_tokens, stop=None if label_only else [settings.stop], include_stop_str_in_output=True, logprobs=20)
        answers = []
        for output in self.llm.generate(prompts_, params):
            completion = output.outputs[0]
            answers.append(self._read(completion, label_only))
        return answers

    def _read(self, completion, label_only: bool) -> RawAnswer:
        tokens = list(completion.token_ids)
        for step, logprobs in enumerate(completion.logprobs or []):
            text_before = self.tokenizer.decode(tokens[:step], skip_special_tokens=True)
            if label_only or (tokens[step] in self.label_ids and _ENDS_WITH_LABEL_PREFIX.search(text_before)):
                values = [logprobs[i].logprob if i in logprobs else -1e4 for i in self.label_ids]
                return RawAnswer("" if label_only else completion.text, labels.softmax3(values))
        return RawAnswer("" if label_only else completion.text, None)


BACKENDS: dict[str, Callable[[str, RerankSettings], Backend]] = {"transformers": TransformersBackend, "vllm": VLLMBackend}


# --- the reranker --------------------------------------------------------------------------


class Reranker:
    def __init__(self, backend: Backend, settings: RerankSettings):
        self.backend = backend
        self.settings = settings

    @classmethod
    def from_pretrained(cls, path: str | Path, settings: RerankSettings | None = None, **overrides) -> Reranker:
        """A Hugging Face checkpoint directory or hub id (or the alias `smollm2-135m-instruct`)."""
        from reasonrank_assets.core.models import resolve_model

        settings = settings or RerankSettings(**overrides)
        if settings.backend not in BACKENDS:
            raise ValueError(f"unknown backend {settings.backend!r}; known: {', '.join(BACKENDS)}")
        return cls(BACKENDS[settings.backend](resolve_model(str(path)), settings), settings)

    @property
    def name(self) -> str:
        return f"{self.backend.name}:{self.settings.mode}"

    def judge(self, query: str, texts: list[str]) -> list[tuple[RawAnswer, prompts.RelevanceParse | None]]:
        return self.judge_many([(query, t) for t in texts])

    def judge_many(self, pairs: list[tuple[str, str]]) -> list[tuple[RawAnswer, prompts.RelevanceParse | None]]:
        """(query, text) pairs of any number of queries in one call: the backend batches across them."""
        answers = self.backend.answer(pairs, self.settings)
        if self.settings.mode in ("label_only", "query_likelihood"):
            return [(a, None) for a in answers]
        return [(a, prompts.parse_relevance(a.output) if a.error is None else None) for a in answers]

    def rerank(self, query: str, docs: list[dict | str], first_stage_scores: list[float] | None = None) -> list[Judgment]:
        """Rerank `docs` (dicts with doc_id/docid and text, or plain strings) for `query`.

        The first-stage order is the order of `first_stage_scores` (highest first) when given,
        else the order of `docs`. Returns judgments in the new order.
        """
        return self.rerank_many([(query, docs, first_stage_scores)])[0]

    def rerank_many(self, items: list[tuple[str, list[dict | str], list[float] | None]]) -> list[list[Judgment]]:
        """`rerank` for several (query, docs, first-stage scores) at once, their pairs judged in one
        call: a decoding step costs little more for 40 rows than for 10 (on a CPU it reads the
        weights once either way), so a query with fewer documents than a batch does not waste it."""
        prepared = []
        for query, docs, scores in items:
            if scores is not None and len(scores) != len(docs):
                raise ValueError(f"{len(scores)} first-stage scores for {len(docs)} documents")
            order = list(range(len(docs)))
            if scores is not None:
                order.sort(key=lambda i: -scores[i])
            ranked = [docs[i] for i in order]
            ids = [str(i) if isinstance(d, str) else str(d.get("doc_id", d.get("docid", i))) for i, d in zip(order, ranked)]
            prepared.append((query, ranked, ids, [scores[i] for i in order] if scores is not None else [None] * len(docs)))
        answers = iter(self.judge_many([(query, candidate_text(d)) for query, ranked, _, _ in prepared for d in ranked]))
        order = order_by_likelihood if self.settings.mode == "query_likelihood" else order_judgments
        return [
            order([_judgment(doc_id, rank, score, *next(answers)) for rank, (doc_id, score) in enumerate(zip(ids, scores), 1)])
            for _, _, ids, scores in prepared
        ]

    def rerank_requests(self, requests: Iterable[Request]) -> list[Result]:
        requests = list(requests)
        items = []
        for request in requests:
            scores = [c.score for c in request.candidates]
            docs = [{"doc_id": c.docid, "text": candidate_text(c.doc)} for c in request.candidates]
            items.append((request.query.text, docs, scores if all(s is not None for s in scores) else None))
        results = []
        for request, judgments in zip(requests, self.rerank_many(items)):
            by_id = {c.docid: c for c in request.candidates}
            reordered = [Candidate(j.doc_id, float(len(judgments) - j.rank + 1), by_id[j.doc_id].doc) for j in judgments]
            results.append(Result(request.query, reordered, judgments))
        return results


def _judgment(doc_id: str, rank: int, score: float | None, answer: RawAnswer, parse: prompts.RelevanceParse | None) -> Judgment:
    if answer.error is not None:
        return Judgment(doc_id, None, None, answer.error, "error", rank, score, output=answer.output)
    if answer.query_logprob is not None:
        return Judgment(doc_id, None, None, "", "ok", rank, score, query_logprob=answer.query_logprob)
    expected = sum(label * p for label, p in zip(LABELS, answer.label_probs)) if answer.label_probs else None
    if parse is None or (answer.forced and parse.status not in prompts.USABLE_STATUSES):
        # label-only, or a forced label after the budget: the most probable label token
        label = max(LABELS, key=lambda k: answer.label_probs[k])
        status, explanation = ("ok", "") if parse is None else (prompts.FORCED, parse.explanation)
        return Judgment(doc_id, label, expected, explanation, status, rank, score, output=answer.output)
    return Judgment(doc_id, parse.label, expected, parse.explanation, parse.status, rank, score, output=answer.output)


def rerank_run(
    reranker: Reranker,
    queries: list[dict],
    documents: list[dict],
    first_stage_rows: list[dict],
    depth: int | None = None,
    system: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[dict]:
    """`reranked_runs` rows: each query's first-stage top `depth` reranked, the rest kept below.

    Scores are the new rank's descending score (n - rank + 1); the model's judgments are in
    `label`, `expected_label`, `decided_by`, `explanation`, `status`.
    """
    depth = depth or reranker.settings.depth
    text = {d["doc_id"]: d["text"] for d in documents}
    hits_by_query: dict[str, list[dict]] = {}
    for row in first_stage_rows:
        hits_by_query.setdefault(row["query_id"], []).append(row)
    missing = sorted({r["doc_id"] for hits in hits_by_query.values() for r in sorted(hits, key=lambda r: r["rank"])[:depth] if r["doc_id"] not in text})
    if missing:
        raise ValueError(f"{len(missing)} first-stage doc ids have no text in the documents given, e.g. {missing[:5]}")
    system = system or f"{reranker.name}@{depth}"
    rows, done = [], 0
    todo = [q for q in queries if q["query_id"] in hits_by_query]
    hits = {q["query_id"]: sorted(hits_by_query[q["query_id"]], key=lambda r: r["rank"]) for q in todo}
    for chunk in _calls(todo, [min(depth, len(hits[q["query_id"]])) for q in todo], reranker.settings.batch_size):
        heads = [hits[q["query_id"]][:depth] for q in chunk]
        items = [(q["query"], [{"doc_id": h["doc_id"], "text": text[h["doc_id"]]} for h in head], [h["score"] for h in head]) for q, head in zip(chunk, heads)]
        for query, judged in zip(chunk, reranker.rerank_many(items)):
            ranked = hits[query["query_id"]]
            kept = [Judgment(h["doc_id"], None, None, "", "not_reranked", h["rank"], h["score"], rank=len(judged) + i, decided_by="first_stage") for i, h in enumerate(ranked[depth:], 1)]
            rows += [_run_row(query, system, judgment, len(ranked), ranked[0]) for judgment in judged + kept]
        done += len(chunk)
        if progress:
            progress(done, len(todo))
    return rows


def _calls(queries: list[dict], sizes: list[int], batch_size: int):
    """Whole queries, in order, gathered until their pairs would overfill one batch."""
    chunk, pairs = [], 0
    for query, size in zip(queries, sizes):
        if chunk and pairs + size > batch_size:
            yield chunk
            chunk, pairs = [], 0
        chunk.append(query)
        pairs += size
    if chunk:
        yield chunk


def _run_row(query: dict, system: str, j: Judgment, n_hits: int, first: dict) -> dict:
    return {
        "benchmark": query.get("benchmark", first.get("benchmark")),
        "domain": query.get("domain", first.get("domain")),
        "system": system,
        "query_id": query["query_id"],
        "doc_id": j.doc_id,
        "rank": j.rank,
        "score": float(n_hits - j.rank + 1),
        "label": j.label,
        "expected_label": j.expected_label,
        "first_stage_rank": j.first_stage_rank,
        "first_stage_score": j.first_stage_score,
        "decided_by": j.decided_by,
        "query_logprob": j.query_logprob,
        "explanation": j.explanation,
        "status": j.status,
    }
