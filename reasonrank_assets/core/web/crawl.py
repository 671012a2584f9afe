"""A polite, resumable web crawler for the pages StackExchange answers cite.

Design, in short:
- One HTTP request is one job. A scheduler hands the next job to a free worker only when its
  host's next slot has come (per-host rate, slowed further by robots.txt `Crawl-delay`), so a
  host is never asked faster than its rate while the other hosts keep every worker busy.
  Retries (connection errors, timeouts, 5xx, 429 with `Retry-After`) and redirect hops are new
  jobs of the same URL and wait for their host's slot like any other request.
- robots.txt (RFC 9309, read with protego) is fetched once per host and cached in the store.
- Addresses are checked before any request: private, loopback, link-local and other non-global
  addresses are refused unless the configuration allows them (the check runs on each host's
  resolved addresses; it does not pin the connection to them).
- The store directory holds `state.sqlite` (one row per URL: the latest outcome, failures with
  their reason) and `warc/*.warc.gz` (raw responses). A response is appended to the WARC before
  its row is committed; on start, WARC records newer than their URL's row (a crawl killed in
  between) are turned into rows, so a killed crawl never fetches again what it had received,
  and a record a later refresh superseded stays superseded.
- A URL is fetched again only when its refresh is due, with If-None-Match / If-Modified-Since.
"""

from __future__ import annotations

import asyncio
import fcntl
import heapq
import ipaddress
import itertools
import logging
import os
import socket
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from reasonrank_assets.core.io import retry_after, run_sync
from reasonrank_assets.core.settings import setting

from .urls import host_key
from .webpages import (
    DEFAULT_CONTENT_TYPES,
    WarcAppender,
    WarcError,
    content_hash,
    extract_text,
    iter_warc_responses,
    media_type,
    page_row,
    row_from_record,
)

log = logging.getLogger(__name__)


@dataclass
class CrawlSettings:
    """Every knob of the crawler; the defaults suit crawling the open web politely."""

    concurrency: int = setting(32, "requests in flight over all hosts")
    per_host_rate: float = setting(1.0, "requests per second per host (host = host:port)")
    timeout_s: float = setting(20.0, "whole request, headers and body")
    max_bytes: int = setting(5_000_000, "larger bodies are refused (checked on the decoded body)")
    max_redirects: int = setting(5, "redirect hops followed before the URL is a failure")
    allowed_content_types: tuple[str, ...] = setting(DEFAULT_CONTENT_TYPES, "media types kept; any other is recorded as refused")
    retries: int = setting(3, "extra attempts after a connection error, timeout, 5xx or 429")
    backoff_s: float = setting(1.0, "first retry delay; doubles with each attempt")
    max_retry_after_s: float = setting(300.0, "a longer Retry-After is recorded as a failure instead")
    refresh_after_days: float = setting(30.0, "a stored page is fetched again (conditionally) after this")
    retry_failures_after_days: float = setting(1.0, "a failed URL is tried again after this")
    respect_robots: bool = setting(True, "obey robots.txt (RFC 9309) and its Crawl-delay")
    robots_cache_days: float = setting(1.0, "a host's robots.txt is fetched again after this")
    max_crawl_delay_s: float = setting(60.0, "a larger robots.txt Crawl-delay is capped to this")
    allow_private_addresses: bool = setting(False, "allow every non-global address (not for the open web)")
    allowed_networks: tuple[str, ...] = setting((), 'or only these, e.g. ("127.0.0.0/8",) in tests')
    user_agent: str = setting("reasonrank-crawler/0.1 (research; StackExchange-cited pages)", "the User-Agent sent, and matched in robots.txt")
    extraction_threads: int = setting(2, "text extraction runs off the event loop")


# ---------------------------------------------------------------- public entry point


def crawl(urls: list[str], store: Path, config: CrawlSettings | None = None, progress=None) -> list[dict]:
    """Fetch what is due among `urls` into `store`; return one `web_pages` row per distinct URL.

    Rows come in input order. `duplicate_of` names the first URL (by fetch time) whose extracted
    text has the same hash. Resumable: run it again on the same store after a crash.
    `progress(done, total)` hears of each due URL as it finishes.
    """
    config = config or CrawlSettings()
    store = Path(store)
    store.mkdir(parents=True, exist_ok=True)
    wanted = list(dict.fromkeys(urls))
    with open(store / "crawl.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one crawl per store at a time; the OS frees it if killed
        state = CrawlState(store)
        try:
            state.recover_from_warcs(config)
            run_sync(_Crawler(state, config, progress).run(wanted))
            return _with_duplicates([state.row(url) for url in wanted])
        finally:
            state.close()


def _with_duplicates(rows: list[dict]) -> list[dict]:
    first: dict[str, dict] = {}
    for row in sorted(rows, key=lambda r: (r["fetched_at"] or datetime.max.replace(tzinfo=UTC), r["url"])):
        if row["content_hash"]:
            first.setdefault(row["content_hash"], row)
    for row in rows:
        original = first.get(row["content_hash"]) if row["content_hash"] else None
        row["duplicate_of"] = original["url"] if original is not None and original is not row else None
    return rows


# ---------------------------------------------------------------- the store


_STATE_COLUMNS = (
    "url", "final_url", "status", "content_type", "fetched_at", "checked_at", "content_hash",
    "title", "text", "error_kind", "error", "etag", "last_modified", "warc_path", "warc_offset",
    "n_bytes", "redirects",
)


class CrawlState:
    """`state.sqlite` in the store: the latest outcome per URL and the robots.txt cache."""

    def __init__(self, store: Path):
        self.store = Path(store)
        # One thread at a time uses it, but not always the one that opened it (see io.run_sync).
        self.db = sqlite3.connect(self.store / "state.sqlite", isolation_level=None, check_same_thread=False,
                                  timeout=60)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")  # survives a killed process; one commit per page
        self.db.execute(
            f"CREATE TABLE IF NOT EXISTS pages ({', '.join(_STATE_COLUMNS)}, PRIMARY KEY (url))"
        )
        self.db.execute("CREATE TABLE IF NOT EXISTS robots (origin PRIMARY KEY, fetched_at, status, body)")
        # How far each WARC file has been read by recovery: every record before it has its row.
        self.db.execute("CREATE TABLE IF NOT EXISTS warc_scans (path PRIMARY KEY, scanned_to)")

    def close(self) -> None:
        self.db.close()

    def get(self, url: str) -> dict | None:
        cursor = self.db.execute(f"SELECT {', '.join(_STATE_COLUMNS)} FROM pages WHERE url = ?", (url,))
        found = cursor.fetchone()
        return dict(zip(_STATE_COLUMNS, found)) if found else None

    def put(self, row: dict) -> None:
        values = [row.get(c) for c in _STATE_COLUMNS]
        values = [v.isoformat() if isinstance(v, datetime) else v for v in values]
        placeholders = ", ".join("?" * len(_STATE_COLUMNS))
        self.db.execute(f"INSERT OR REPLACE INTO pages VALUES ({placeholders})", values)

    def touch(self, url: str, checked_at: datetime) -> None:
        self.db.execute("UPDATE pages SET checked_at = ? WHERE url = ?", (checked_at.isoformat(), url))

    def row(self, url: str) -> dict:
        stored = self.get(url)
        if stored is None:
            return page_row(url, source="http", error_kind="not_fetched", error="not fetched")
        for name in ("fetched_at", "checked_at"):
            stored[name] = datetime.fromisoformat(stored[name]) if stored[name] else None
        if stored["warc_path"]:
            stored["warc_path"] = str(self.store / stored["warc_path"])
        return page_row(stored.pop("url"), source="http", **stored)

    def due(self, url: str, config: CrawlSettings, now: datetime) -> tuple[bool, dict | None]:
        """(whether to fetch, the stored row when a conditional refresh applies)."""
        stored = self.get(url)
        if stored is None:
            return True, None
        days = config.retry_failures_after_days if stored["error_kind"] else config.refresh_after_days
        if datetime.fromisoformat(stored["checked_at"]) + timedelta(days=days) > now:
            return False, None
        return True, (stored if not stored["error_kind"] else None)

    def robots(self, origin: str, max_age_days: float) -> tuple[int, str] | None:
        found = self.db.execute("SELECT fetched_at, status, body FROM robots WHERE origin = ?", (origin,)).fetchone()
        if found is None:
            return None
        age = datetime.now(UTC) - datetime.fromisoformat(found[0])
        return (found[1], found[2]) if age < timedelta(days=max_age_days) else None

    def put_robots(self, origin: str, status: int, body: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO robots VALUES (?, ?, ?, ?)",
                        (origin, datetime.now(UTC).isoformat(), status, body))

    def recover_from_warcs(self, config: CrawlSettings) -> int:
        """Rows for WARC records a killed crawl wrote but did not commit; cut a torn last record.

        A record is restored only where no committed row for its URL is as new as the record: a
        later refresh (200, 304 or a failure) has superseded it. Each file is read on from where
        the last recovery ended, so a record is looked at once.
        """
        recovered = 0
        for path in sorted((self.store / "warc").glob("*.warc.gz")):
            relative = str(path.relative_to(self.store))
            found = self.db.execute("SELECT scanned_to FROM warc_scans WHERE path = ?", (relative,)).fetchone()
            start, end = (found[0] if found else 0), path.stat().st_size
            if start >= end:
                continue
            faults: list[WarcError] = []
            for offset, _, fields in iter_warc_responses(path, start=start, faults=faults):
                if fields["input_url"] and self._uncommitted(fields):
                    self.put(row_from_record(fields, warc_path=relative, offset=offset, source="http",
                                             allowed_content_types=config.allowed_content_types))
                    recovered += 1
            for fault in faults:
                if fault.truncated:  # a record the kill cut short: its URL is fetched again
                    with open(path, "r+b") as f:
                        f.truncate(fault.offset)
                    end = fault.offset
                else:
                    log.warning("skipped a bad record in the crawl store: %s", fault)
            self.db.execute("INSERT OR REPLACE INTO warc_scans VALUES (?, ?)", (relative, end))
        return recovered

    def _uncommitted(self, fields: dict) -> bool:
        stored = self.get(fields["input_url"])
        if stored is None:
            return True
        checked = datetime.fromisoformat(stored["checked_at"]) if stored["checked_at"] else None
        return fields["date"] is not None and (checked is None or checked < fields["date"])


# ---------------------------------------------------------------- scheduling


@dataclass
class _Job:
    input_url: str
    url: str  # this hop's URL
    kind: str = "page"  # or "robots"
    hop: int = 0
    attempt: int = 0
    seen: tuple[str, ...] = ()
    stored: dict | None = None  # the stored row, for a conditional refresh


@dataclass
class _Host:
    key: str
    interval: float
    next_slot: float = 0.0  # loop time before which no request may start
    last_sent: float = float("-inf")
    jobs: list = field(default_factory=list)  # heap of (not_before, seq, job)
    robots: object = None  # a protego parser once known
    robots_pending: bool = False
    robots_unreachable: bool = False  # RFC 9309: an unreachable robots.txt means keep out
    address_error: str | None = None
    address_checked: bool = False
    in_flight: int = 0
    client: object = None  # httpx.AsyncClient while the host has work

    def ready_at(self) -> float | None:
        if not self.jobs or self.robots_pending:
            return None
        return max(self.next_slot, self.jobs[0][0])


class _Scheduler:
    """Hands out jobs whose host slot has come; one dispatcher at a time, the rest wait their turn."""

    def __init__(self, progress=None):
        self.heap: list = []
        self.seq = itertools.count()
        self.outstanding = 0  # URLs not finished yet
        self.total = 0
        self.progress = progress  # progress(done, total) as each URL finishes
        self.changed = asyncio.Event()
        self.lock = asyncio.Lock()

    def push(self, host: _Host, job: _Job, not_before: float = 0.0, new: bool = False) -> None:
        heapq.heappush(host.jobs, (not_before, next(self.seq), job))
        self.outstanding += new
        self.total += new
        self.wake(host)

    def wake(self, host: _Host) -> None:
        ready = host.ready_at()
        if ready is not None:
            heapq.heappush(self.heap, (ready, next(self.seq), host))
        self.changed.set()

    def finish(self) -> None:
        self.outstanding -= 1
        self.changed.set()
        if self.progress:
            self.progress(self.total - self.outstanding, self.total)

    async def next(self) -> tuple[_Host, _Job] | None:
        loop = asyncio.get_running_loop()
        async with self.lock:
            while self.outstanding > 0:
                while self.heap and self.heap[0][0] != (ready := self.heap[0][2].ready_at()):
                    host = heapq.heappop(self.heap)[2]  # stale entry: the host changed since
                    if ready is not None:
                        heapq.heappush(self.heap, (ready, next(self.seq), host))
                now = loop.time()
                if self.heap and self.heap[0][0] <= now:
                    host = heapq.heappop(self.heap)[2]
                    job = heapq.heappop(host.jobs)[2]
                    host.next_slot = now + host.interval
                    host.robots_pending = job.kind == "robots"
                    self.wake(host)
                    return host, job
                self.changed.clear()
                timeout = self.heap[0][0] - now if self.heap else None
                try:
                    await asyncio.wait_for(self.changed.wait(), timeout)
                except TimeoutError:
                    pass
            return None


# ---------------------------------------------------------------- the crawler


class _Retry(Exception):
    def __init__(self, kind: str, reason: str, delay: float | None = None, status: int | None = None):
        super().__init__(reason)
        self.kind, self.reason, self.delay, self.status = kind, reason, delay, status


class _Failure(Exception):
    def __init__(self, kind: str, reason: str, status: int | None = None):
        super().__init__(reason)
        self.kind, self.reason, self.status = kind, reason, status


_REFUSE_ALL = "User-agent: *\nDisallow: /\n"


class _Crawler:
    def __init__(self, state: CrawlState, config: CrawlSettings, progress=None):
        self.state, self.config, self.progress = state, config, progress
        self.hosts: dict[str, _Host] = {}
        self.networks = [ipaddress.ip_network(n) for n in config.allowed_networks]
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        self.warc_name = f"warc/crawl-{stamp}-{os.getpid()}.warc.gz"
        self.warc = WarcAppender(state.store / self.warc_name)
        self.sched: _Scheduler | None = None

    async def run(self, urls: list[str]) -> None:
        import httpx

        self.sched = _Scheduler(self.progress)
        now = datetime.now(UTC)
        for url in urls:
            due, stored = self.state.due(url, self.config, now)
            if not due:
                continue
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                self.state.put(dict(url=url, fetched_at=now, checked_at=now, error_kind="invalid_url",
                                    error="not an absolute http(s) URL"))
            else:
                self._enqueue(_Job(url, url, stored=stored), new=True)
        if self.sched.outstanding == 0:
            return
        self.ssl_context = httpx.create_ssl_context()  # built once: loading CA certificates is slow
        self.executor = ThreadPoolExecutor(self.config.extraction_threads, thread_name_prefix="extract")
        try:
            await asyncio.gather(*(self._worker() for _ in range(self.config.concurrency)))
        finally:
            for host in self.hosts.values():
                await self._close_client(host)
            self.executor.shutdown(wait=True)
            self.warc.close()

    def _client(self, host: _Host):
        """One small connection pool per host: a request never scans other hosts' connections."""
        import httpx

        if host.client is None:
            host.client = httpx.AsyncClient(
                limits=httpx.Limits(max_connections=self.config.concurrency, max_keepalive_connections=2),
                timeout=httpx.Timeout(self.config.timeout_s), verify=self.ssl_context, follow_redirects=False,
                trust_env=False, headers={"User-Agent": self.config.user_agent})
        return host.client

    async def _close_client(self, host: _Host) -> None:
        client, host.client = host.client, None
        if client is not None:
            await client.aclose()

    def _host(self, url: str) -> _Host:
        key = host_key(url)
        host = self.hosts.get(key)
        if host is None:
            host = self.hosts[key] = _Host(key, interval=1.0 / self.config.per_host_rate)
            if self.config.respect_robots and not self._robots_from_cache(host, url):
                robots_url = f"{urlsplit(url).scheme}://{key}/robots.txt"
                self.sched.push(host, _Job(robots_url, robots_url, kind="robots"), not_before=-1.0)
        return host

    def _enqueue(self, job: _Job, not_before: float = 0.0, new: bool = False) -> None:
        self.sched.push(self._host(job.url), job, not_before, new)

    async def _worker(self) -> None:
        while (item := await self.sched.next()) is not None:
            host, job = item
            host.in_flight += 1
            try:
                if job.kind == "robots":
                    await self._fetch_robots(host, job)
                else:
                    await self._fetch_page(host, job)
            except Exception as exc:  # a bug must not stall the crawl: record it on the URL
                if job.kind == "robots":
                    self._set_robots(host, job.url, 0, _REFUSE_ALL, cache=False)
                else:
                    self._fail(job, _Failure("internal", f"{type(exc).__name__}: {exc}"))
            finally:
                host.in_flight -= 1
            if not host.jobs and not host.in_flight:  # done with this host for now: free its sockets
                await self._close_client(host)

    # ------------------------------------------------------------ robots.txt

    def _robots_from_cache(self, host: _Host, url: str) -> bool:
        cached = self.state.robots(f"{urlsplit(url).scheme}://{host.key}", self.config.robots_cache_days)
        if cached is not None:
            self._set_robots(host, None, *cached, cache=False)
        return cached is not None

    async def _fetch_robots(self, host: _Host, job: _Job) -> None:
        """RFC 9309: 4xx means no rules; 5xx or unreachable means keep out (not cached: retried next run)."""
        url, status, body = job.url, 0, _REFUSE_ALL
        for _ in range(5):  # redirects within the same host name (http -> https and the like)
            try:
                await self._check_address(host, url)
            except _Failure:
                status, body = 0, ""  # its pages fail on the address, not on robots.txt
                break
            try:
                response = await self._request(host, url, {}, check_content=False)
            except (_Failure, _Retry):
                break
            status = response["status"]
            if 300 <= status < 400 and response["location"]:
                target = urljoin(url, response["location"])
                if urlsplit(target).hostname != urlsplit(url).hostname:
                    status, body = 404, ""
                    break
                url = target
                await asyncio.sleep(max(0.0, host.next_slot - asyncio.get_running_loop().time()))  # polite hop
                continue
            if 200 <= status < 300:
                body = response["body"].decode("utf-8", errors="replace")
            elif 400 <= status < 500:
                body = ""
            break
        self._set_robots(host, job.url.removesuffix("/robots.txt"), status, body, cache=bool(status) and status < 500)

    def _set_robots(self, host: _Host, origin: str | None, status: int, body: str, cache: bool) -> None:
        from protego import Protego

        host.robots = Protego.parse(body)
        host.robots_unreachable = not status or status >= 500
        delay = host.robots.crawl_delay(self.config.user_agent)
        if delay:
            host.interval = max(host.interval, min(float(delay), self.config.max_crawl_delay_s))
            host.next_slot = max(host.next_slot, host.last_sent + host.interval)
        if cache and origin:
            self.state.put_robots(origin, status, body)
        host.robots_pending = False
        if self.sched is not None:
            self.sched.wake(host)

    # ------------------------------------------------------------ pages

    async def _fetch_page(self, host: _Host, job: _Job) -> None:
        config = self.config
        try:
            if host.robots is not None and not host.robots.can_fetch(job.url, config.user_agent):
                raise _Failure("robots", "robots.txt unreachable, so crawling is disallowed (RFC 9309)"
                               if host.robots_unreachable else "robots.txt disallows this URL")
            await self._check_address(host, job.url)
            response = await self._request(host, job.url, _conditional_headers(job.stored))
            self._check_response(job, response)
        except _Retry as retry:
            if job.attempt >= config.retries:
                self._fail(job, _Failure(retry.kind, f"{retry.reason} (after {job.attempt + 1} attempts)", retry.status))
                return
            delay = retry.delay if retry.delay is not None else config.backoff_s * 2**job.attempt
            job.attempt += 1
            self._enqueue(job, not_before=asyncio.get_running_loop().time() + delay)
            return
        except _Failure as failure:
            self._fail(job, failure)
            return
        if response["status"] == 304 and job.stored is not None:
            self.state.touch(job.input_url, datetime.now(UTC))
            self.sched.finish()
        elif 300 <= response["status"] < 400:
            self._follow(job, urljoin(job.url, response["location"]))
        else:
            await self._store(job, response)

    def _check_response(self, job: _Job, response: dict) -> None:
        status = response["status"]
        if status == 429 or status >= 500:
            delay = retry_after(response["retry_after"])
            if delay is not None and delay > self.config.max_retry_after_s:
                raise _Failure("http_status", f"HTTP {status}, Retry-After {delay:.0f} s is too long", status)
            raise _Retry("http_status", f"HTTP {status}", delay, status)
        if status == 304 and job.stored is None:
            raise _Failure("http_status", "HTTP 304 to an unconditional request", status)
        if 300 <= status < 400 and status != 304 and not response["location"]:
            raise _Failure("http_status", f"HTTP {status} without a Location", status)
        if status >= 400:
            raise _Failure("http_status", f"HTTP {status}", status)

    def _follow(self, job: _Job, target: str) -> None:
        seen = job.seen + (job.url,)
        if target in seen:
            self._fail(job, _Failure("redirect_loop", f"redirect loop back to {target}"))
        elif job.hop + 1 > self.config.max_redirects:
            self._fail(job, _Failure("too_many_redirects", f"more than {self.config.max_redirects} redirects"))
        elif urlsplit(target).scheme not in ("http", "https"):
            self._fail(job, _Failure("redirect", f"redirect to a non-http URL: {target}"))
        else:
            self._enqueue(_Job(job.input_url, target, hop=job.hop + 1, seen=seen, stored=job.stored))

    async def _store(self, job: _Job, response: dict) -> None:
        now = datetime.now(UTC)
        offset = self.warc.append(input_url=job.input_url, url=job.url, status=response["status"],
                                  reason=response["reason"], headers=response["headers"], body=response["body"],
                                  fetched_at=now)
        content_type = response["content_type"]
        title, text = await asyncio.get_running_loop().run_in_executor(
            self.executor, extract_text, response["body"], job.url, content_type)
        self.state.put(dict(
            url=job.input_url, final_url=job.url, status=response["status"], content_type=media_type(content_type),
            fetched_at=now, checked_at=now, content_hash=content_hash(text), title=title, text=text,
            etag=response["etag"], last_modified=response["last_modified"], warc_path=self.warc_name,
            warc_offset=offset, n_bytes=len(response["body"]), redirects=job.hop,
        ))
        self.sched.finish()

    def _fail(self, job: _Job, failure: _Failure) -> None:
        now = datetime.now(UTC)
        self.state.put(dict(url=job.input_url, final_url=job.url, status=failure.status, fetched_at=now,
                            checked_at=now, error_kind=failure.kind, error=failure.reason, redirects=job.hop))
        self.sched.finish()

    # ------------------------------------------------------------ one request

    async def _check_address(self, host: _Host, url: str) -> None:
        if not host.address_checked:
            host.address_error = await self._address_error(url)
            host.address_checked = True
        if host.address_error:
            raise _Failure("address_not_allowed", host.address_error)

    async def _address_error(self, url: str) -> str | None:
        parts = urlsplit(url)
        name = parts.hostname or ""
        try:
            addresses = [ipaddress.ip_address(name)]
        except ValueError:
            try:
                infos = await asyncio.get_running_loop().getaddrinfo(
                    name, parts.port or (443 if parts.scheme == "https" else 80), type=socket.SOCK_STREAM)
            except OSError as exc:
                return f"cannot resolve {name}: {exc}"
            addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]
        for address in addresses:
            if not self._address_allowed(address):
                return f"{name} is {address}, a {_address_class(address)} address (see CrawlSettings.allowed_networks)"
        return None

    def _address_allowed(self, address) -> bool:
        return (address.is_global or self.config.allow_private_addresses
                or any(address in network for network in self.networks))

    async def _request(self, host: _Host, url: str, headers: dict, check_content: bool = True) -> dict:
        """One GET, body read only for an allowed, small enough response; raises _Retry/_Failure."""
        import httpx

        config = self.config
        loop = asyncio.get_running_loop()

        def sent_now() -> None:  # the host's next slot counts from when the request really leaves
            host.last_sent = loop.time()
            host.next_slot = max(host.next_slot, host.last_sent + host.interval)

        async def trace(event: str, info: dict) -> None:
            if event.endswith("send_request_headers.started"):
                sent_now()

        sent_now()
        try:
            async with asyncio.timeout(config.timeout_s):
                client = self._client(host)
                request = client.build_request("GET", url, headers=headers, extensions={"trace": trace})
                response = await client.send(request, stream=True)
                try:
                    result = _response_fields(response)
                    if 200 <= result["status"] < 300:
                        if check_content:
                            self._check_content(result, response)
                        result["body"] = await _read_capped(response, config.max_bytes)
                    return result
                finally:
                    await response.aclose()
        except TimeoutError:
            raise _Retry("timeout", f"no complete response within {config.timeout_s:g} s") from None
        except httpx.TimeoutException:
            raise _Retry("timeout", f"no complete response within {config.timeout_s:g} s") from None
        except httpx.TransportError as exc:
            raise _Retry("connection", f"{type(exc).__name__}: {exc}") from None

    def _check_content(self, result: dict, response) -> None:
        kind = media_type(result["content_type"])
        if kind not in self.config.allowed_content_types:
            raise _Failure("content_type", f"content type not allowed: {kind or 'none'}", result["status"])
        declared = response.headers.get("Content-Length")
        if declared and declared.isdigit() and int(declared) > self.config.max_bytes:
            raise _Failure("too_large", f"Content-Length {declared} exceeds max_bytes {self.config.max_bytes}",
                           result["status"])


def _response_fields(response) -> dict:
    return {
        "status": response.status_code,
        "reason": response.reason_phrase,
        "headers": list(response.headers.multi_items()),
        "content_type": response.headers.get("Content-Type"),
        "location": response.headers.get("Location"),
        "retry_after": response.headers.get("Retry-After"),
        "etag": response.headers.get("ETag"),
        "last_modified": response.headers.get("Last-Modified"),
        "body": b"",
    }


async def _read_capped(response, max_bytes: int) -> bytes:
    chunks, size = [], 0
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise _Failure("too_large", f"body exceeds max_bytes {max_bytes}", response.status_code)
        chunks.append(chunk)
    return b"".join(chunks)


def _conditional_headers(stored: dict | None) -> dict:
    if not stored:
        return {}
    headers = {}
    if stored.get("etag"):
        headers["If-None-Match"] = stored["etag"]
    if stored.get("last_modified"):
        headers["If-Modified-Since"] = stored["last_modified"]
    return headers


def _address_class(address) -> str:
    for name in ("loopback", "link_local", "private", "multicast", "reserved", "unspecified"):
        if getattr(address, f"is_{name}"):
            return name.replace("_", "-")
    return "non-global"
