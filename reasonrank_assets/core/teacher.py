"""The teacher stage: clients, the answer cache, and the two teacher tasks.

This is where the money goes (a 70B teacher over ~100K pairs), so:
- every answer is stored in `AnswerCache` the moment it arrives, keyed by a hash of (model, prompt
  version, task, messages, sampling settings): a re-run with nothing new makes zero calls, and a
  killed run loses at most the calls in flight (the re-run asks them again: a server that had
  finished one bills it twice);
- failures are rows with an error or a parse status, never label 0 and never an exception that
  throws away the answers already paid for.

Backends: any OpenAI-compatible endpoint through the `openai` async client (vLLM, SGLang,
llama.cpp server, Ollama, hosted APIs), and a local transformers model with batched generation.
The API key is read from the environment variable named in the config; it never enters a row,
a log line or a cache key.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import hashlib
import json
import logging
import math
import os
import random
import re
import sqlite3
import ssl
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from reasonrank_assets.core import generation, labels, prompts
from reasonrank_assets.core.io import atomic_path
from reasonrank_assets.core.prompts import PROMPT_VERSION, STOP

log = logging.getLogger(__name__)

RELEVANCE = "relevance"
QUERIES = "queries"
REQUESTS_PER_POOL = 8


@dataclass
class TeacherConfig:
    backend: str = "openai"  # "openai" (any OpenAI-compatible endpoint) or "transformers" (local)
    model: str = "smollm2-135m-instruct"  # served model name, or a HF id / directory / alias (local)
    base_url: str | None = None  # e.g. http://127.0.0.1:8000/v1; None: the client's default
    api_key_env: str | None = "OPENAI_API_KEY"  # name of the env var holding the key (never the key)
    concurrency: int = 50  # requests in flight (the method used about 50)
    temperature: float = 0.0
    max_tokens: int = 1024  # relevance answers (explanation + label)
    query_max_tokens: int | None = None  # query lists; None: max_tokens
    timeout_s: float = 120.0  # per request
    max_retries: int = 5  # on 429, 5xx, timeouts and dropped connections
    backoff_s: float = 1.0  # first retry wait; doubles each retry, with jitter
    backoff_max_s: float = 60.0
    logprobs: bool = True  # ask for label-token logprobs; turned off if the server refuses them
    top_logprobs: int = 5
    force_label: bool = False  # local: score 0/1/2 after the label prefix when the answer has no label
    batch_size: int = 8  # local backend
    dtype: str = "bfloat16"  # local backend
    device: str | None = None  # local backend; None: cuda if available, else cpu

    def __post_init__(self) -> None:
        if self.backend not in ("openai", "transformers"):
            raise ValueError(f"TeacherConfig.backend must be 'openai' or 'transformers', not {self.backend!r}")
        if self.concurrency < 1 or self.batch_size < 1:
            raise ValueError("TeacherConfig.concurrency and batch_size must be at least 1")


@dataclass
class Answer:
    """One teacher answer (or the error that stood in its place) with its accounting."""

    text: str | None
    finish_reason: str | None = None
    label_probs: list[float] | None = None  # P(0), P(1), P(2) at the label position
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    latency_s: float | None = None  # of the call that answered (local: its batch)
    attempts: int = 1
    error: str | None = None


@dataclass(frozen=True)
class Prompt:
    key: str
    task: str  # RELEVANCE or QUERIES
    messages: list[dict] = field(hash=False)


OnAnswer = Callable[[Prompt, Answer], None]


# -- the answer cache --------------------------------------------------------------------------

_ANSWER_FIELDS = {f.name for f in fields(Answer)}


class AnswerCache:
    """Teacher answers in SQLite (WAL), one row per cache key, committed as each answer arrives.

    `path` is a directory (the file `answers.sqlite` inside it is used) or a `.sqlite` file.
    One writer per process; readers (another process, `sqlite3` CLI) can look while it writes.
    Only real answers are stored: an error is retried by the next run.
    """

    FILE_NAME = "answers.sqlite"

    def __init__(self, path: Path | str):
        path = Path(path)
        if path.suffix not in (".sqlite", ".db"):
            path.mkdir(parents=True, exist_ok=True)
            path = path / self.FILE_NAME
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(path, timeout=60, check_same_thread=False, isolation_level=None)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=NORMAL")  # durable against a killed process
        self._conn.execute(
            "CREATE TABLE IF NOT EXISTS answers (key TEXT PRIMARY KEY, task TEXT, model TEXT,"
            " prompt_version TEXT, answer TEXT NOT NULL, created_at REAL)"
        )

    def get_many(self, keys: Iterable[str]) -> dict[str, Answer]:
        keys = list(dict.fromkeys(keys))
        found: dict[str, Answer] = {}
        with self._lock:
            for start in range(0, len(keys), 500):
                chunk = keys[start : start + 500]
                marks = ",".join("?" * len(chunk))
                for key, answer in self._conn.execute(f"SELECT key, answer FROM answers WHERE key IN ({marks})", chunk):
                    stored = json.loads(answer)  # fields an older version stored and this one dropped are ignored
                    found[key] = Answer(**{name: value for name, value in stored.items() if name in _ANSWER_FIELDS})
        return found

    def put(self, key: str, task: str, model: str, answer: Answer) -> None:
        if answer.error is not None:
            raise ValueError(f"refusing to cache an error as an answer (key {key}): {answer.error}")
        with self._lock:
            self._conn.execute(
                "INSERT OR REPLACE INTO answers VALUES (?, ?, ?, ?, ?, ?)",
                (key, task, model, PROMPT_VERSION, json.dumps(asdict(answer)), time.time()),
            )

    def __len__(self) -> int:
        with self._lock:
            return self._conn.execute("SELECT count(*) FROM answers").fetchone()[0]

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> AnswerCache:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def cache_key(model: str, task: str, messages: list[dict], settings: dict) -> str:
    """Hash of (model, prompt version, task, inputs, sampling settings); no endpoint, no secret."""
    material = {
        "model": model,
        "prompt_version": PROMPT_VERSION,
        "task": task,
        "messages": messages,
        "settings": settings,
    }
    return hashlib.sha256(json.dumps(material, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


# -- label probabilities ------------------------------------------------------------------------


def _normalise(probs: list[float]) -> list[float] | None:
    total = sum(probs)
    return [p / total for p in probs] if total > 0 else None


def label_probs_from_logprobs(tokens: list[tuple[str, dict[str, float]]]) -> list[float] | None:
    """P(0), P(1), P(2) at the first label digit after the label prefix, from per-token top logprobs.

    `tokens` are (token text, {alternative token: logprob}) in answer order, as OpenAI-compatible
    servers return them. None when the answer has no label digit or the digits are not among the tops.
    """
    text = "".join(token for token, _ in tokens)
    match = re.search(prompts.LABEL_PATTERN + r"(?=\d)", text, re.IGNORECASE)
    if match is None:
        return None
    offset = 0
    for token, top in tokens:
        if offset + len(token) > match.end():  # the token that carries the label digit
            probs = [0.0, 0.0, 0.0]
            for alternative, logprob in top.items():
                digit = alternative.strip()
                if digit in ("0", "1", "2"):
                    probs[int(digit)] += math.exp(logprob)
            return _normalise(probs)
        offset += len(token)
    return None


def _sampling(config: TeacherConfig, task: str) -> dict:
    """The sampling settings of a task: they are part of the cache key."""
    max_tokens = config.query_max_tokens if task == QUERIES and config.query_max_tokens else config.max_tokens
    return {"temperature": config.temperature, "max_tokens": max_tokens, "stop": [STOP]}


# -- the OpenAI-compatible backend --------------------------------------------------------------


class TeacherAuthError(PermissionError):
    """The endpoint answered 401: every later call would too, so the run stops at the first."""


class OpenAITeacher:
    """Any OpenAI-compatible chat endpoint, `concurrency` requests in flight, retries with backoff."""

    def __init__(self, config: TeacherConfig):
        self.config = config
        self.model = config.model
        self.capabilities: dict[str, bool] = {"logprobs": config.logprobs}
        self.forces_labels = False

    def settings(self, task: str) -> dict:
        return _sampling(self.config, task)

    def _api_key(self) -> str | None:
        return os.environ.get(self.config.api_key_env) if self.config.api_key_env else None

    def _redacted(self, text: str) -> str:
        """Error text fit to store or log: the key cut out (a proxy may echo it), then shortened,
        so that no piece of the key survives the cut."""
        key = self._api_key()
        return (text.replace(key, "[redacted]") if key else text)[:300]

    def _describe(self, exc: Exception) -> str:
        status = getattr(exc, "status_code", None)
        return self._redacted(f"{type(exc).__name__}{f' {status}' if status else ''}: {exc}")

    def _auth_error(self) -> TeacherAuthError:
        env, where = self.config.api_key_env, self.config.base_url or "the default endpoint"
        if not env:
            return TeacherAuthError(f"the teacher at {where} answered 401 Unauthorized: set api_key_env to the environment variable holding its API key")
        if not os.environ.get(env):
            return TeacherAuthError(f"the teacher at {where} answered 401 Unauthorized: the environment variable {env} (api_key_env) is not set")
        return TeacherAuthError(f"the teacher at {where} answered 401 Unauthorized: it refused the key in the environment variable {env}")

    def _client(self, ssl_context=None):
        from openai import AsyncOpenAI, DefaultAsyncHttpxClient

        return AsyncOpenAI(
            base_url=self.config.base_url,
            api_key=self._api_key() or "EMPTY",  # local servers accept any key; hosted ones reject a missing one
            timeout=self.config.timeout_s,
            max_retries=0,  # retries are ours: counted, logged as attempts, with our backoff
            http_client=DefaultAsyncHttpxClient(verify=ssl_context) if ssl_context is not None else None,
        )

    def answer_all(self, items: list[Prompt], on_answer: OnAnswer) -> None:
        if items:
            _run_sync(self._answer_all(items, on_answer))

    def probe(self) -> dict[str, bool]:
        """One tiny call: does the server answer, and does it return logprobs?"""
        return _run_sync(self._probe())

    async def _probe(self) -> dict[str, bool]:
        from openai import AuthenticationError, BadRequestError

        client = self._client()
        refused = False
        try:
            response = await client.chat.completions.create(
                model=self.model, messages=[{"role": "user", "content": "Say OK."}], max_tokens=1,
                temperature=0.0, logprobs=True, top_logprobs=1,
            )
            choice = response.choices[0] if response.choices else None
            self.capabilities["logprobs"] = bool(choice and choice.logprobs and choice.logprobs.content)
        except BadRequestError:
            self.capabilities["logprobs"] = False
        except AuthenticationError:
            refused = True  # raised outside this handler: the refusal (it may echo the key) is not chained to it
        finally:
            await client.close()
        if refused:
            raise self._auth_error()
        return dict(self.capabilities)

    async def _answer_all(self, items: list[Prompt], on_answer: OnAnswer) -> None:
        # `concurrency` workers share a few clients: one HTTP connection pool per ~8 requests in
        # flight, since a pool's bookkeeping grows with the requests it juggles (measured: 87% of
        # the C/L bound with one pool at C=50, 96% with eight).
        trust = ssl.create_default_context()  # loaded once, shared by the pools
        clients = [self._client(trust) for _ in range(math.ceil(self.config.concurrency / REQUESTS_PER_POOL))]
        queue = iter(items)

        async def worker(client) -> None:
            for item in queue:  # a shared iterator: each item goes to exactly one worker
                on_answer(item, await self._call(client, item))  # stored before the next call

        workers = [asyncio.ensure_future(worker(clients[w % len(clients)])) for w in range(min(self.config.concurrency, len(items)))]
        try:
            await asyncio.gather(*workers)
        except BaseException:  # a 401 (or a kill): the other workers stop too, not after their retries
            for task in workers:
                task.cancel()
            raise
        finally:
            for client in clients:
                await client.close()

    def _request(self, item: Prompt) -> dict:
        c = self.config
        request = {"model": self.model, "messages": item.messages, **_sampling(c, item.task)}
        if self.capabilities["logprobs"] and item.task == RELEVANCE:
            request |= {"logprobs": True, "top_logprobs": c.top_logprobs}
        return request

    async def _call(self, client, item: Prompt) -> Answer:
        import openai

        retryable = (openai.RateLimitError, openai.InternalServerError, openai.APIConnectionError)
        attempt = 0
        while True:
            attempt += 1
            request = self._request(item)
            started = time.perf_counter()
            try:
                response = await client.chat.completions.create(**request)
            except retryable as exc:
                log.debug("attempt %d failed: %s", attempt, self._describe(exc))
                if attempt > self.config.max_retries:
                    return Answer(None, attempts=attempt, error=self._describe(exc))
                await asyncio.sleep(self._backoff(attempt, exc))
                continue
            except openai.BadRequestError as exc:
                if request.get("logprobs") and "logprob" in str(exc).lower():
                    self.capabilities["logprobs"] = False  # the server refuses them: ask without
                    attempt -= 1
                    continue
                return Answer(None, attempts=attempt, error=self._describe(exc))
            except openai.AuthenticationError:
                break  # raised below, outside this handler: the refusal (it may echo the key) is not chained to it
            except (openai.APIError, ValueError) as exc:  # other 4xx, unparseable bodies
                return Answer(None, attempts=attempt, error=self._describe(exc))
            answer = _answer_from(response, time.perf_counter() - started, attempt)
            if answer.error is not None:
                answer.error = self._redacted(answer.error)
            return answer
        raise self._auth_error()

    def _backoff(self, attempt: int, exc: Exception) -> float:
        c = self.config
        retry_after = _retry_after(exc)
        wait = retry_after if retry_after is not None else c.backoff_s * 2 ** (attempt - 1) * random.uniform(0.5, 1.0)
        return min(wait, c.backoff_max_s)


def _retry_after(exc: Exception) -> float | None:
    response = getattr(exc, "response", None)
    value = response.headers.get("retry-after") if response is not None else None
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def _answer_from(response, latency_s: float, attempts: int) -> Answer:
    """An Answer from a chat completion; a body without a usable message becomes an error."""
    if isinstance(response, (str, bytes)) or not getattr(response, "choices", None):
        return Answer(None, latency_s=latency_s, attempts=attempts, error=f"malformed response: no choices ({response})")
    choice = response.choices[0]
    text = choice.message.content if choice.message is not None else None
    if text is None:
        return Answer(None, latency_s=latency_s, attempts=attempts, error="malformed response: no message content")
    usage = response.usage
    probs = None
    if choice.logprobs is not None and choice.logprobs.content:
        tokens = [(t.token, {a.token: a.logprob for a in (t.top_logprobs or [])} or {t.token: t.logprob})
                  for t in choice.logprobs.content]
        probs = label_probs_from_logprobs(tokens)
    return Answer(
        text=text,
        finish_reason=choice.finish_reason,
        label_probs=probs,
        prompt_tokens=usage.prompt_tokens if usage else None,
        completion_tokens=usage.completion_tokens if usage else None,
        latency_s=round(latency_s, 4),
        attempts=attempts,
    )


def _run_sync(coroutine):
    """asyncio.run, also from code that already runs an event loop (a notebook)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


# -- the local transformers backend -------------------------------------------------------------


class TransformersTeacher:
    """A local causal LM, greedy at temperature 0, batched, stopping at ` ##`.

    For relevance answers it also scores the label: P(0/1/2) after "explanation + Relevance Label:",
    in float32. An answer that ran out of tokens before its label gets the most likely of 0/1/2
    and the parse status "forced"; with `force_label`, so does any answer without a readable
    label (small models drift from the format; this keeps the demo usable).
    """

    def __init__(self, config: TeacherConfig):
        self.config = config
        self.model = config.model
        self.capabilities = {"logprobs": True}
        self.forces_labels = config.force_label
        self._loaded = None

    def settings(self, task: str) -> dict:
        # label_probs: answers cached before they were read in float32 are not these answers
        return _sampling(self.config, task) | {"force_label": self.config.force_label, "label_probs": "float32"}

    def _load(self):
        if self._loaded is None:
            import torch
            from transformers import AutoModelForCausalLM, AutoTokenizer

            from reasonrank_assets.core.models import resolve_model

            path = resolve_model(self.config.model)
            device = self.config.device or ("cuda" if torch.cuda.is_available() else "cpu")
            tokenizer = AutoTokenizer.from_pretrained(path)
            tokenizer.padding_side = "left"
            if tokenizer.pad_token is None:
                tokenizer.pad_token = tokenizer.eos_token
            model = AutoModelForCausalLM.from_pretrained(path, dtype=getattr(torch, self.config.dtype)).to(device).eval()
            self._loaded = (model, tokenizer, labels.label_token_ids(tokenizer))
        return self._loaded

    def answer_all(self, items: list[Prompt], on_answer: OnAnswer) -> None:
        if not items:
            return
        model, tokenizer, _ = self._load()
        texts = {item.key: tokenizer.apply_chat_template(item.messages, add_generation_prompt=True, tokenize=False)
                 for item in items}
        # One task per batch (its own max_tokens); similar lengths pad less.
        ordered = sorted(items, key=lambda item: (item.task, len(texts[item.key])))
        size = self.config.batch_size
        start = 0
        while start < len(ordered):
            batch = [i for i in ordered[start : start + size] if i.task == ordered[start].task]
            for item, answer in zip(batch, self._answer_batch([texts[i.key] for i in batch], batch)):
                on_answer(item, answer)
            start += len(batch)

    def _answer_batch(self, prompt_texts: list[str], batch: list[Prompt]) -> list[Answer]:
        started = time.perf_counter()
        max_tokens = _sampling(self.config, batch[0].task)["max_tokens"]
        if max_tokens == 0:  # label only: no explanation, the label is scored right after the prompt
            answers = [Answer(text="", finish_reason="length", completion_tokens=0) for _ in batch]
        else:
            answers = self._generate(prompt_texts, max_tokens)
        relevance = [i for i, item in enumerate(batch) if item.task == RELEVANCE]
        if relevance:
            scored = self._score_labels([prompt_texts[i] for i in relevance], [answers[i].text for i in relevance])
            for i, probs in zip(relevance, scored):
                answers[i].label_probs = probs  # with force_label, relevance_outcome picks the label from them
        elapsed = round(time.perf_counter() - started, 4)
        for answer in answers:
            answer.latency_s = elapsed
        return answers

    def _generate(self, prompt_texts: list[str], max_tokens: int) -> list[Answer]:
        model, tokenizer, _ = self._load()
        sequences = [tokenizer(text, add_special_tokens=False)["input_ids"] for text in prompt_texts]
        # Rows are not grouped by question (their common head could be prefilled once): a batch
        # holds 2-5 candidates per question, and the head is a small part of each prompt.
        answers = generation.generate(model, sequences, tokenizer.pad_token_id, max_tokens, tokenizer=tokenizer, stop_strings=[STOP], temperature=self.config.temperature)
        return [_finish(tokenizer, tokens, len(ids), max_tokens) for tokens, ids in zip(answers, sequences)]

    def _score_labels(self, prompt_texts: list[str], answers: list[str]) -> list[list[float]]:
        """P(0), P(1), P(2) right after "explanation\\nRelevance Label:" (prefilled by `generation.prefill`)."""
        model, tokenizer, (prefix, digit_ids) = self._load()
        prompt_ids = [tokenizer(p, add_special_tokens=False)["input_ids"] for p in prompt_texts]
        rows = labels.forced_rows(tokenizer, prompt_ids, [prompts.parse_relevance(a).explanation for a in answers], prefix)
        return [list(probs) for probs in labels.label_probs_after(model, rows, tokenizer.pad_token_id, digit_ids)]  # no groups: each row alone


def _finish(tokenizer, ids: list[int], prompt_len: int, max_tokens: int) -> Answer:
    """Decode generated ids up to the stop string; "length" when it ran out of tokens first."""
    ids = [i for i in ids if i != tokenizer.pad_token_id]
    text = tokenizer.decode(ids, skip_special_tokens=True)
    stopped = STOP in text or STOP.strip() in text
    text = text.split(STOP)[0] if STOP in text else text
    hit_eos = tokenizer.eos_token_id in ids
    finish = "stop" if stopped or hit_eos or len(ids) < max_tokens else "length"
    return Answer(text=text.strip(), finish_reason=finish, prompt_tokens=prompt_len, completion_tokens=len(ids))


# -- making a teacher ---------------------------------------------------------------------------


Teacher = OpenAITeacher | TransformersTeacher


def make_teacher(config: TeacherConfig) -> Teacher:
    return OpenAITeacher(config) if config.backend == "openai" else TransformersTeacher(config)


def config_from_dict(values: dict) -> TeacherConfig:
    """A TeacherConfig from a mapping (Dagster config, JSON); unknown keys are an error naming them."""
    known = {f.name for f in fields(TeacherConfig)}
    unknown = sorted(set(values) - known)
    if unknown:
        raise ValueError(f"unknown teacher settings {unknown}; known: {sorted(known)}")
    return TeacherConfig(**values)


# -- the stage: cached answering ----------------------------------------------------------------


def answer_prompts(
    items: list[Prompt], teacher: Teacher, cache: AnswerCache, summary: dict | None = None, progress=None
) -> dict[str, Answer]:
    """Answers for every prompt: from the cache, else from the teacher, stored as each arrives
    (`progress(done, total)` counts the teacher's answers)."""
    answers = cache.get_many(item.key for item in items)
    pending = list({item.key: item for item in items if item.key not in answers}.values())
    answered = 0

    def store(item: Prompt, answer: Answer) -> None:
        nonlocal answered
        if answer.error is None:
            cache.put(item.key, item.task, teacher.model, answer)
        answers[item.key] = answer
        answered += 1
        if progress:
            progress(answered, len(pending))

    cached = len(answers)
    log.info("teacher %s: %d prompts, %d answered from the cache, %d to ask", teacher.model, len(items), cached, len(pending))
    teacher.answer_all(pending, store)
    if summary is not None:
        errors = sum(1 for item in pending if answers[item.key].error is not None)
        summary.update(
            prompts=len(items), unique_prompts=cached + len(pending), cache_hits=cached, calls=len(pending),
            call_errors=errors, attempts=sum(answers[item.key].attempts for item in pending),
            prompt_tokens=sum(answers[item.key].prompt_tokens or 0 for item in pending),
            completion_tokens=sum(answers[item.key].completion_tokens or 0 for item in pending),
            logprobs=teacher.capabilities.get("logprobs"),
        )
    return answers


def _prompt(teacher: Teacher, task: str, messages: list[dict]) -> Prompt:
    return Prompt(cache_key(teacher.model, task, messages, teacher.settings(task)), task, messages)


def _require(row: dict, keys: tuple[str, ...], what: str) -> None:
    missing = [k for k in keys if row.get(k) is None]
    if missing:
        raise ValueError(f"{what} {row.get('site')}/{row.get('question_id')} {row.get('url', '')}: missing {missing}")


def generate_queries(questions: list[dict], teacher: Teacher, cache: AnswerCache, *, summary: dict | None = None, progress=None) -> list[dict]:
    """`search_queries` rows: up to 10 parsed, deduplicated queries per question.

    status per question: "ok" (10 queries), "short" (1-9), "empty" (none parsed), "error" (no answer).
    A question without queries still has one row (query_rank 0, query NULL) saying why.
    """
    for q in questions:
        _require(q, ("site", "question_id", "text"), "question")
    items = query_prompts(questions, teacher)
    answers = answer_prompts(items, teacher, cache, summary, progress)
    rows = []
    for question, item in zip(questions, items):
        answer = answers[item.key]
        queries = prompts.parse_queries(answer.text) if answer.text is not None else []
        status = "error" if answer.error else "ok" if len(queries) >= prompts.MAX_QUERIES else "short" if queries else "empty"
        common = {
            "site": question["site"], "question_id": question["question_id"], "status": status,
            "n_queries": len(queries), "model": teacher.model, "prompt_version": PROMPT_VERSION,
            "cache_key": item.key, "raw_answer": answer.text, "error": answer.error,
            "latency_s": answer.latency_s, "prompt_tokens": answer.prompt_tokens,
            "completion_tokens": answer.completion_tokens,
        }
        ranked = list(enumerate(queries, start=1)) or [(0, None)]
        rows += [{**common, "query_rank": rank, "query": query} for rank, query in ranked]
    return rows


def judge_pairs(pairs: list[dict], teacher: Teacher, cache: AnswerCache, *, summary: dict | None = None, progress=None) -> list[dict]:
    """`teacher_judgments` rows: one per candidate pair, with the label or the reason there is none."""
    for p in pairs:
        _require(p, ("site", "pair_id", "question_id", "question", "url", "document"), "candidate pair")
    items = relevance_prompts(pairs, teacher)
    answers = answer_prompts(items, teacher, cache, summary, progress)
    rows = [_judgment(pair, item, answers[item.key], teacher) for pair, item in zip(pairs, items)]
    if summary is not None:
        summary["parse_status"] = dict(Counter(row["parse_status"] for row in rows))
    return rows


def relevance_outcome(answer: Answer, force_label: bool = False) -> tuple[int | None, str, str]:
    """(label, explanation, parse status) of an answer; errors and truncations say so.

    An answer that ran out of tokens before its label, and with `force_label` (the local
    backend's option) any answer without a readable label, takes the most likely of 0/1/2 from
    its label probabilities (read after a forced label prefix), with the status "forced".
    """
    if answer.error is not None or answer.text is None:
        return None, "", "error"
    parsed = prompts.parse_relevance(answer.text)
    if parsed.status in prompts.USABLE_STATUSES:
        return parsed.label, parsed.explanation, parsed.status
    if (force_label or answer.finish_reason == "length") and answer.label_probs:
        return max(range(3), key=answer.label_probs.__getitem__), parsed.explanation, prompts.FORCED
    if answer.finish_reason == "length":
        return None, parsed.explanation, "truncated"
    return None, parsed.explanation, parsed.status


def _judgment(pair: dict, item: Prompt, answer: Answer, teacher: Teacher) -> dict:
    label, explanation, status = relevance_outcome(answer, getattr(teacher, "forces_labels", False))
    return {
        "site": pair["site"], "pair_id": pair["pair_id"], "question_id": pair["question_id"], "url": pair["url"],
        "source": pair.get("source"), "document": prompts.truncate_document(pair["document"]), "label": label, "explanation": explanation, "parse_status": status,
        "raw_answer": answer.text, "finish_reason": answer.finish_reason, "label_probs": answer.label_probs,
        "model": teacher.model, "prompt_version": PROMPT_VERSION, "cache_key": item.key, "error": answer.error,
        "attempts": answer.attempts, "latency_s": answer.latency_s, "prompt_tokens": answer.prompt_tokens,
        "completion_tokens": answer.completion_tokens,
    }


# -- OpenAI batch files (OpenAI's batch API, `vllm run-batch`) ---------------------------------


def relevance_prompts(pairs: list[dict], teacher: Teacher) -> list[Prompt]:
    return [_prompt(teacher, RELEVANCE, prompts.relevance_messages(p["question"], p["document"])) for p in pairs]


def query_prompts(questions: list[dict], teacher: Teacher) -> list[Prompt]:
    return [_prompt(teacher, QUERIES, prompts.queries_messages(q["text"])) for q in questions]


def export_batch(items: list[Prompt], teacher: OpenAITeacher, cache: AnswerCache, path: Path) -> int:
    """Write the not-yet-answered prompts as batch JSONL (custom_id = "task:cache key"); return how many."""
    cached = cache.get_many(item.key for item in items)
    pending = {item.key: item for item in items if item.key not in cached}
    with open(path, "w", encoding="utf-8") as out:
        for item in pending.values():
            line = {"custom_id": f"{item.task}:{item.key}", "method": "POST", "url": "/v1/chat/completions",
                    "body": teacher._request(item)}
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
    return len(pending)


def import_batch(path: Path, teacher: OpenAITeacher | None, cache: AnswerCache) -> dict[str, int]:
    """Store the answers of a batch output JSONL (gzip when it ends in .gz) in the cache; failed
    lines are counted, not stored. A recording (`export_recording`) carries each answer's label
    probabilities beside its choice, since a local teacher has no token logprobs to give."""
    import gzip

    from openai.types.chat import ChatCompletion

    counts = Counter()
    opener = gzip.open if Path(path).suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{number}: not a JSON object ({exc})") from exc
            task, _, key = str(record.get("custom_id", "")).partition(":")
            if task not in (RELEVANCE, QUERIES) or not key:
                raise ValueError(f"{path}:{number}: custom_id {record.get('custom_id')!r} is not 'task:cache key'")
            response = record.get("response") or {}
            if record.get("error") or response.get("status_code") != 200:
                counts["failed"] += 1
                continue
            try:
                body = response["body"]
                answer = _answer_from(ChatCompletion.model_validate(body), 0.0, 1)
                recorded = body["choices"][0].get("label_probs") if body.get("choices") else None
            except Exception as exc:  # noqa: BLE001 - lines before this one are already stored
                raise ValueError(f"{path}:{number}: response.body is not a chat completion ({exc})") from exc
            if answer.error is not None:
                counts["failed"] += 1
                continue
            answer.latency_s = None  # a batch job has no per-call latency
            answer.label_probs = recorded if recorded is not None else answer.label_probs
            cache.put(key, task, teacher.model if teacher is not None else str(body.get("model")), answer)
            counts["stored"] += 1
    return dict(counts)


def export_recording(items: list[Prompt], cache: AnswerCache, model: str, path: Path) -> int:
    """Write the cached answers of `items` as OpenAI batch-output JSONL, gzip: cache keys and
    answers, no prompt text. Sorted and without a gzip timestamp, so the same answers give the
    same bytes. `import_batch` reads it back. Returns the number of answers written."""
    import gzip

    answers = cache.get_many(item.key for item in items)
    tasks = {item.key: item.task for item in items}
    lines = []
    for key in sorted(answers):
        answer = answers[key]
        usage = {"prompt_tokens": answer.prompt_tokens or 0, "completion_tokens": answer.completion_tokens or 0}
        choice = {"index": 0, "message": {"role": "assistant", "content": answer.text}, "finish_reason": answer.finish_reason or "stop",
                  "logprobs": None, "label_probs": answer.label_probs}
        body = {"id": f"chatcmpl-{key[:24]}", "object": "chat.completion", "created": 0, "model": model, "choices": [choice],
                "usage": usage | {"total_tokens": usage["prompt_tokens"] + usage["completion_tokens"]}}
        lines.append({"id": f"batch_req_{key[:24]}", "custom_id": f"{tasks[key]}:{key}",
                      "response": {"status_code": 200, "request_id": key[:24], "body": body}, "error": None})
    with atomic_path(path) as tmp, open(tmp, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as out:
        out.write("".join(json.dumps(line, ensure_ascii=False, sort_keys=True) + "\n" for line in lines).encode())
    return len(lines)


# -- agreement with human labels ------------------------------------------------------------------


def label_agreement(gold: list[int], predicted: list[int | None]) -> dict:
    """Accuracy, quadratic-weighted kappa and the 3x3 confusion matrix (rows: gold, columns: predicted)
    over the pairs with a predicted label; `coverage` is the share that has one."""
    pairs = [(g, p) for g, p in zip(gold, predicted, strict=True) if p is not None]
    confusion = [[0, 0, 0] for _ in range(3)]
    for g, p in pairs:
        confusion[g][p] += 1
    n = len(pairs)
    if n == 0:
        return {"n": 0, "coverage": 0.0, "accuracy": None, "qwk": None, "confusion": confusion}
    gold_counts = [sum(row) for row in confusion]
    pred_counts = [sum(confusion[g][p] for g in range(3)) for p in range(3)]
    weight = [[(g - p) ** 2 / 4 for p in range(3)] for g in range(3)]
    observed = sum(weight[g][p] * confusion[g][p] for g in range(3) for p in range(3))
    expected = sum(weight[g][p] * gold_counts[g] * pred_counts[p] / n for g in range(3) for p in range(3))
    return {
        "n": n,
        "coverage": n / len(gold) if gold else 0.0,
        "accuracy": sum(confusion[i][i] for i in range(3)) / n,
        "qwk": 1 - observed / expected if expected else 0.0,
        "confusion": confusion,
    }
