"""The two teachers: any OpenAI-compatible endpoint (concurrent, retried, the key from the
environment only), and a local transformers model with batched generation and label scoring."""

from __future__ import annotations

import asyncio
import logging
import math
import os
import random
import re
import ssl
import time

from reasonrank_assets.core import generation, labels, prompts
from reasonrank_assets.core.io import retry_after, run_sync
from reasonrank_assets.core.prompts import STOP
from reasonrank_assets.core.teacher.settings import (
    RELEVANCE,
    Answer,
    OnAnswer,
    Prompt,
    TeacherSettings,
    sampling_settings,
)

log = logging.getLogger(__name__)
REQUESTS_PER_POOL = 8


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


class TeacherAuthError(PermissionError):
    """The endpoint answered 401: every later call would too, so the run stops at the first."""


class OpenAITeacher:
    """Any OpenAI-compatible chat endpoint, `concurrency` requests in flight, retries with backoff."""

    def __init__(self, config: TeacherSettings):
        self.config = config
        self.model = config.model
        self.capabilities: dict[str, bool] = {"logprobs": config.logprobs}
        self.forces_labels = False

    def settings(self, task: str) -> dict:
        return sampling_settings(self.config, task)

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
            run_sync(self._answer_all(items, on_answer))

    def probe(self) -> dict[str, bool]:
        """One tiny call: does the server answer, and does it return logprobs?"""
        return run_sync(self._probe())

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
        request = {"model": self.model, "messages": item.messages, **sampling_settings(c, item.task)}
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
            answer = answer_from_completion(response, time.perf_counter() - started, attempt)
            if answer.error is not None:
                answer.error = self._redacted(answer.error)
            return answer
        raise self._auth_error()

    def _backoff(self, attempt: int, exc: Exception) -> float:
        c = self.config
        response = getattr(exc, "response", None)
        delay = retry_after(response.headers.get("retry-after")) if response is not None else None
        wait = delay if delay is not None else c.backoff_s * 2 ** (attempt - 1) * random.uniform(0.5, 1.0)
        return min(wait, c.backoff_max_s)


def answer_from_completion(response, latency_s: float, attempts: int) -> Answer:
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


class TransformersTeacher:
    """A local causal LM, greedy at temperature 0, batched, stopping at ` ##`.

    For relevance answers it also scores the label: P(0/1/2) after "explanation + Relevance Label:",
    in float32. An answer that ran out of tokens before its label gets the most likely of 0/1/2
    and the parse status "forced"; with `force_label`, so does any answer without a readable
    label (small models drift from the format; this keeps the demo usable).
    """

    def __init__(self, config: TeacherSettings):
        self.config = config
        self.model = config.model
        self.capabilities = {"logprobs": True}
        self.forces_labels = config.force_label
        self._loaded = None

    def settings(self, task: str) -> dict:
        # label_probs: answers cached before they were read in float32 are not these answers
        return sampling_settings(self.config, task) | {"force_label": self.config.force_label, "label_probs": "float32"}

    def _load(self):
        if self._loaded is None:
            from reasonrank_assets.core.models import load_causal_lm

            model, tokenizer = load_causal_lm(self.config.model, dtype=self.config.dtype, device=self.config.device or "auto", padding_side="left")
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
        max_tokens = sampling_settings(self.config, batch[0].task)["max_tokens"]
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


Teacher = OpenAITeacher | TransformersTeacher


def make_teacher(config: TeacherSettings) -> Teacher:
    return OpenAITeacher(config) if config.backend == "openai" else TransformersTeacher(config)
