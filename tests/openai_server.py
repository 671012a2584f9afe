"""A real OpenAI-compatible HTTP server on 127.0.0.1, for tests and benchmarks.

It speaks the wire format of `POST /v1/chat/completions` and `GET /v1/models` over real sockets
(threads, HTTP/1.1 keep-alive), so the `openai` client runs unmodified against it. It answers
with a function of the messages, can wait a fixed latency, and can misbehave on purpose:

    with OpenAIServer(faults=["429", "500"], latency_s=0.1) as server:
        client = AsyncOpenAI(base_url=server.url, api_key="test")
        ...
        server.answered  # completions actually delivered (what a paid API bills)

Run alone, `python tests/openai_server.py --latency 0.5` prints its URL and serves until killed;
`GET /v1/stats` gives its counters to a client in another process.

Faults, consumed one per request in order (or chosen per request by `fault_when(body)`):
"429" (rate limited, Retry-After: 0), "500", "timeout" (answer after `slow_s`),
"malformed" (200 with a body that is not JSON), "no_choices" (valid JSON, empty choices),
"drop" (close the connection without a response), "403" (forbidden).
`api_key="k"` answers 401 to any request without `Authorization: Bearer k`; `echo_auth=True` copies
the request's Authorization header into every error body, as some proxies do (a leak to guard against).
`hold_after=N` answers the first N requests, then holds every later one open without answering until
`release_held()`, which closes them unanswered: a way to have calls in flight at a chosen moment.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
import time
from collections import deque
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

FAULTS = ("429", "500", "403", "timeout", "malformed", "no_choices", "drop")


def default_answer(messages: list[dict]) -> str:
    """Deterministic answers in the method's formats: 10 queries, or an explanation and a label."""
    content = messages[-1]["content"]
    digest = int(hashlib.sha256(content.encode()).hexdigest(), 16)
    if "search queries" in content:
        topic = " ".join(re.findall(r"\w+", content.split("Question:")[-1])[:4])
        return "\n".join(f"{topic} aspect {i}" for i in range(1, 11))
    label = digest % 3
    return f"The document discusses the topic of the question (digest {digest % 997}).\nRelevance Label: {label} ##"


def _tokens(text: str) -> list[str]:
    """A crude tokenizer: words with their leading space, digits and punctuation on their own."""
    return re.findall(r"\s*(?:\d|\w+|[^\w\s])|\s+", text)


def _logprobs(text: str) -> dict:
    content = []
    for token in _tokens(text):
        top = [{"token": token, "logprob": -0.05, "bytes": list(token.encode())}]
        digit = token.strip()
        if digit in ("0", "1", "2"):
            others = [d for d in "012" if d != digit]
            top += [{"token": token.replace(digit, d), "logprob": lp, "bytes": None} for d, lp in zip(others, (-2.0, -4.0))]
        content.append({"token": token, "logprob": -0.05, "bytes": list(token.encode()), "top_logprobs": top})
    return {"content": content, "refusal": None}


class OpenAIServer:
    def __init__(
        self,
        answer: Callable[[list[dict]], str] = default_answer,
        *,
        latency_s: float = 0.0,
        faults: list[str] | tuple[str, ...] = (),
        fault_when: Callable[[dict], str | None] | None = None,
        logprobs: str = "yes",  # "yes", "ignore" (silently none) or "reject" (400, like some servers)
        slow_s: float = 2.0,
        hold_after: int | None = None,
        model: str = "test-teacher",
        api_key: str | None = None,
        echo_auth: bool = False,
        retry_after: Callable[[], str] = lambda: "0",  # the 429's Retry-After header, made as it is sent
    ):
        unknown = [f for f in faults if f not in FAULTS]
        if unknown:
            raise ValueError(f"unknown faults {unknown}; known: {FAULTS}")
        self.answer = answer
        self.latency_s = latency_s
        self.faults = deque(faults)
        self.fault_when = fault_when
        self.logprobs = logprobs
        self.slow_s = slow_s
        self.hold_after = hold_after
        self.model = model
        self.api_key = api_key
        self.echo_auth = echo_auth
        self.retry_after = retry_after
        self.received = 0  # chat completion requests that reached the server
        self.answered = 0  # completions delivered with status 200
        self.in_flight = 0
        self.max_in_flight = 0  # the most chat requests the server held at once
        self.requests: list[dict] = []
        self.arrived: list[float] = []  # time.monotonic() of each chat request
        self.auth_headers: list[str] = []
        self._lock = threading.Lock()
        self._released = threading.Event()
        self._httpd: ThreadingHTTPServer | None = None

    # -- lifecycle -------------------------------------------------------------------------------
    def start(self) -> OpenAIServer:
        server = self

        class Handler(_Handler):
            owner = server

        class Server(ThreadingHTTPServer):
            daemon_threads = True
            request_queue_size = 256  # a burst of 50+ connections must not be refused

        self._httpd = Server(("127.0.0.1", 0), Handler)
        # stop() waits for the loop's next poll: 0.5 s by default, paid by every test that starts a server
        threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
        return self

    def stop(self) -> None:
        self.release_held()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()

    def __enter__(self) -> OpenAIServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def url(self) -> str:
        assert self._httpd is not None, "start() the server first"
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/v1"

    def release_held(self) -> None:
        self._released.set()

    # -- request handling ------------------------------------------------------------------------
    def _admit(self, body: dict, auth: str) -> str | None:
        """Count the request and pick its fault (or "hold"), under the lock."""
        with self._lock:
            self.received += 1
            self.requests.append(body)
            self.arrived.append(time.monotonic())
            self.auth_headers.append(auth)
            if self.api_key is not None and auth != f"Bearer {self.api_key}":
                return "401"
            if self.faults:
                return self.faults.popleft()
            if self.fault_when is not None and (fault := self.fault_when(body)):
                return fault
            if self.hold_after is not None and self.received > self.hold_after:
                return "hold"  # counted on arrival: a fast client cannot slip past the limit
            return None

    def completion(self, body: dict) -> dict:
        text = self.answer(body["messages"])
        finish = "stop"
        stops = body.get("stop") or []
        for stop in [stops] if isinstance(stops, str) else stops:
            if stop in text:
                text = text[: text.index(stop)]
        max_tokens = body.get("max_tokens") or body.get("max_completion_tokens")
        if max_tokens is not None and len(_tokens(text)) > max_tokens:
            text, finish = "".join(_tokens(text)[:max_tokens]), "length"
        choice = {"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": finish}
        if body.get("logprobs") and self.logprobs == "yes":
            choice["logprobs"] = _logprobs(text)
        prompt_words = sum(len(str(m.get("content", "")).split()) for m in body["messages"])
        return {
            "id": f"chatcmpl-{self.received}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": body.get("model", self.model),
            "choices": [choice],
            "usage": {
                "prompt_tokens": prompt_words,
                "completion_tokens": len(_tokens(text)),
                "total_tokens": prompt_words + len(_tokens(text)),
            },
        }


class _Handler(BaseHTTPRequestHandler):
    owner: OpenAIServer
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body leave at once, not 40 ms apart (delayed ACK)

    def log_message(self, *args) -> None:  # quiet: tests read counters, not logs
        pass

    def _send(self, status: int, payload: bytes, headers: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self._headers_buffer.append(b"\r\n" + payload)  # one write for headers and body
        self.flush_headers()

    def _error(self, status: int, message: str, headers: dict | None = None) -> None:
        if self.owner.echo_auth:
            message += f" (request sent Authorization: {self.headers.get('Authorization')})"
        error = {"error": {"message": message, "type": "test_error", "code": status}}
        self._send(status, json.dumps(error).encode(), headers)

    def do_GET(self) -> None:
        if self.path.rstrip("/").endswith("/stats"):  # counters, for a client in another process
            owner = self.owner
            stats = {"received": owner.received, "answered": owner.answered, "max_in_flight": owner.max_in_flight}
            self._send(200, json.dumps(stats).encode())
        elif self.path.rstrip("/").endswith("/models"):
            models = {"object": "list", "data": [{"id": self.owner.model, "object": "model", "owned_by": "test"}]}
            self._send(200, json.dumps(models).encode())
        else:
            self._error(404, f"no route {self.path}")

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        if not self.path.rstrip("/").endswith("/chat/completions"):
            return self._error(404, f"no route {self.path}")
        body = json.loads(raw)
        owner = self.owner
        fault = owner._admit(body, self.headers.get("Authorization", ""))
        with owner._lock:
            owner.in_flight += 1
            owner.max_in_flight = max(owner.max_in_flight, owner.in_flight)
        try:
            self._respond(owner, body, fault)
        finally:
            with owner._lock:
                owner.in_flight -= 1

    def _respond(self, owner: OpenAIServer, body: dict, fault: str | None) -> None:
        if fault == "hold":
            owner._released.wait()
            fault = "drop"
        if fault == "drop":
            self.close_connection = True
            return
        if fault == "timeout":
            time.sleep(owner.slow_s)
        elif owner.latency_s:
            time.sleep(owner.latency_s)
        if fault == "401":
            return self._error(401, "invalid API key")
        if fault == "403":
            return self._error(403, "this key may not use this model")
        if fault == "429":
            return self._error(429, "rate limited", {"Retry-After": owner.retry_after()})
        if fault == "500":
            return self._error(500, "internal error")
        if fault == "malformed":
            return self._send(200, b'{"id": "chatcmpl-x", "choices": [ this is not json')
        if body.get("logprobs") and owner.logprobs == "reject":
            return self._error(400, "logprobs are not supported by this server")
        completion = owner.completion(body)
        if fault == "no_choices":
            completion["choices"] = []
        try:
            self._send(200, json.dumps(completion).encode())
        except OSError:
            return  # the client is gone (timed out or killed): nothing was delivered
        with owner._lock:
            owner.answered += 1


def main() -> None:
    """Serve from the command line (a separate process keeps the server off the client's GIL)."""
    import argparse

    parser = argparse.ArgumentParser(description="A test OpenAI-compatible server on 127.0.0.1")
    parser.add_argument("--latency", type=float, default=0.0)
    args = parser.parse_args()
    server = OpenAIServer(latency_s=args.latency).start()
    print(server.url, flush=True)  # the parent reads this line; the counters are at GET /v1/stats
    threading.Event().wait()


if __name__ == "__main__":
    main()
