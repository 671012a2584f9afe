"""What a teacher is: its settings, the prompts it is asked and the answers it gives."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from reasonrank_assets.core.prompts import STOP
from reasonrank_assets.core.settings import Settings, setting

RELEVANCE = "relevance"
QUERIES = "queries"


@dataclass
class TeacherSettings(Settings):
    backend: str = setting("openai", '"openai" (any OpenAI-compatible endpoint) or "transformers" (local)')
    model: str = setting("smollm2-135m-instruct", "served model name, or a HF id / directory / alias (local)")
    base_url: str | None = setting(None, "e.g. http://127.0.0.1:8000/v1; None: the client's default")
    api_key_env: str | None = setting("OPENAI_API_KEY", "name of the env var holding the key (never the key)")
    concurrency: int = setting(50, "requests in flight (the method used about 50)")
    temperature: float = setting(0.0, "sampling temperature (0: greedy)")
    max_tokens: int = setting(1024, "relevance answers (explanation + label)")
    query_max_tokens: int | None = setting(None, "query lists; None: max_tokens")
    timeout_s: float = setting(120.0, "per request")
    max_retries: int = setting(5, "on 429, 5xx, timeouts and dropped connections")
    backoff_s: float = setting(1.0, "first retry wait; doubles each retry, with jitter")
    backoff_max_s: float = setting(60.0, "the longest wait between retries, Retry-After included")
    logprobs: bool = setting(True, "ask for label-token logprobs; turned off if the server refuses them")
    top_logprobs: int = setting(5, "alternatives per token asked for (the label digits must be among them)")
    force_label: bool = setting(False, "local: score 0/1/2 after the label prefix when the answer has no label")
    batch_size: int = setting(8, "local backend")
    dtype: str = setting("bfloat16", "local backend")
    device: str | None = setting(None, "local backend; None: cuda if available, else cpu")
    recording: str | None = setting(None, "recorded answers (batch-output JSONL, gzip) put in the answer cache before asking")

    def __post_init__(self) -> None:
        if self.backend not in ("openai", "transformers"):
            raise ValueError(f"TeacherSettings.backend must be 'openai' or 'transformers', not {self.backend!r}")
        if self.concurrency < 1 or self.batch_size < 1:
            raise ValueError("TeacherSettings.concurrency and batch_size must be at least 1")


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


def sampling_settings(config: TeacherSettings, task: str) -> dict:
    """The sampling settings of a task: they are part of the cache key."""
    max_tokens = config.query_max_tokens if task == QUERIES and config.query_max_tokens else config.max_tokens
    return {"temperature": config.temperature, "max_tokens": max_tokens, "stop": [STOP]}


