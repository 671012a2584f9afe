"""Crawler throughput against the politeness bound, and memory of ingesting a 2 GB Posts.xml.

    .venv/bin/python benchmarks/crawl.py [--hosts 50] [--pages 20] [--rate 1.0] [--latency 0.2] [--gb 2]

1. Crawl: a server process listens on one 127.0.0.1 port per host and answers every request
   after a fixed latency. The crawler fetches `pages` URLs per host; the baseline is the
   politeness bound, hosts x rate pages/s. Pass: at least 80% of the bound, and no host above
   its rate, checked on the server's arrival times: the rate over every 10 consecutive requests
   to one host at most rate + 2%. The shortest single gap is printed too, but it is not a fair
   test: an arrival time also carries the server's own scheduling delay, over 100 ms on a
   loaded 2-core machine, while the crawler spaces the moments it writes its requests to
   1/rate exactly (measured on its event-loop clock: 1.0003 s at 1 req/s). A second run on the
   same store shows the incremental path (nothing due, nothing fetched).
2. Ingest: a synthetic Posts.xml of about 2 GB (written once under the system temp folder,
   reused) is ingested in a child process: `read_posts` feeding `select_questions`. Its peak
   RSS is compared with the file size and with the RSS of the same child before it starts
   reading (interpreter + imports). 1 answer in 25 cites an outside page.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import subprocess
import sys
import tempfile
import time
from multiprocessing import Pipe, Process
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PARAGRAPH = ("<p>{path}: hops, malt, yeast and water are the four ingredients of beer; the rest is time and care. "
             "Mash temperature decides how fermentable the wort is, and the yeast strain decides which esters "
             "and phenols the beer will carry. Dry hopping adds aroma without bitterness.</p>")
# A page of ordinary size (about 3.5 KB): trafilatura takes its fast path on it, as on most real pages.
PAGE = ("<html><head><title>Page {path}</title></head><body><nav><a href='/'>Home</a> <a href='/about'>About</a>"
        "</nav><article><h1>Page {path} on host {port}</h1>" + PARAGRAPH * 8 + "</article>"
        "<footer>Served for the crawl benchmark.</footer></body></html>")


# ---------------------------------------------------------------- the many-host server (a child process)


def serve(ports_out, control, hosts: int, latency: float) -> None:
    """One asyncio server per host; logs (port, arrival monotonic time, path) until told to stop."""

    async def main():
        log: list[tuple[int, float, str]] = []

        async def handle(reader, writer, port):
            try:
                while True:
                    head = await reader.readuntil(b"\r\n\r\n")
                    log.append((port, time.monotonic(), path := head.split(b" ", 2)[1].decode()))
                    await asyncio.sleep(latency)
                    if path == "/robots.txt":
                        status, body = "404 Not Found", b"none"
                    else:
                        status, body = "200 OK", PAGE.format(path=path, port=port).encode()
                    writer.write(f"HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\n"
                                 f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
                    await writer.drain()
            except (asyncio.IncompleteReadError, ConnectionError):
                pass
            finally:
                writer.close()

        servers, ports = [], []
        for _ in range(hosts):
            holder: dict = {}
            server = await asyncio.start_server(lambda r, w, h=holder: handle(r, w, h["port"]), "127.0.0.1", 0,
                                                backlog=256)
            holder["port"] = server.sockets[0].getsockname()[1]
            servers.append(server)
            ports.append(holder["port"])
        ports_out.send(ports)
        await asyncio.get_running_loop().run_in_executor(None, control.recv)
        control.send(log)
        for server in servers:
            server.close()

    asyncio.run(main())


def politeness(log, window: int = 10) -> tuple[float, float]:
    """(shortest gap between two requests to one host, highest rate over `window` consecutive ones)."""
    by_port: dict[int, list[float]] = {}
    for port, arrived, _ in log:
        by_port.setdefault(port, []).append(arrived)
    min_gap, max_rate = float("inf"), 0.0
    for times in by_port.values():
        times.sort()
        min_gap = min([min_gap] + [b - a for a, b in zip(times, times[1:])])
        spans = zip(times, times[window - 1:])
        max_rate = max([max_rate] + [(window - 1) / (b - a) for a, b in spans if b > a])
    return min_gap, max_rate


def bench_crawl(hosts: int, pages: int, rate: float, latency: float) -> list[tuple]:
    import httpx  # noqa: F401,E401 -- one-off import time is not crawl time

    from reasonrank_assets.core.web.crawl import CrawlSettings, crawl

    ports_in, ports_out = Pipe(duplex=False)
    control, child_control = Pipe()
    server = Process(target=serve, args=(ports_out, child_control, hosts, latency), daemon=True)
    server.start()
    ports = ports_in.recv()
    urls = [f"http://127.0.0.1:{port}/page/{i}" for i in range(pages) for port in ports]
    config = CrawlSettings(per_host_rate=rate, allowed_networks=("127.0.0.0/8",), concurrency=32, timeout_s=10)
    with tempfile.TemporaryDirectory() as store:
        started = time.perf_counter()
        rows = crawl(urls, Path(store), config)
        elapsed = time.perf_counter() - started
        started = time.perf_counter()
        again = crawl(urls, Path(store), config)
        elapsed_again = time.perf_counter() - started
    control.send("stop")
    log = control.recv()
    server.join(timeout=10)

    ok = sum(r["error"] is None for r in rows)
    assert ok == len(urls), [r["error"] for r in rows if r["error"]][:5]
    assert all(a["fetched_at"] == r["fetched_at"] for a, r in zip(again, rows))
    page_requests = sum(1 for _, _, path in log if path != "/robots.txt")
    bound = hosts * rate
    pages_per_s = ok / elapsed
    min_gap, max_rate = politeness(log)
    return [
        ("crawl", f"{hosts} hosts x {rate:g} req/s, {latency:g} s latency", f"{ok} pages in {elapsed:.1f} s",
         f"{pages_per_s:.1f} pages/s", f"{pages_per_s / bound:.0%} of bound {bound:g} pages/s",
         "PASS" if pages_per_s >= 0.8 * bound else "FAIL"),
        ("politeness", "server arrival times per host", f"shortest gap {min_gap:.3f} s (1/rate {1 / rate:.3f} s)",
         f"max {max_rate:.3f} req/s over 10 requests", f"{max_rate / rate:.1%} of rate {rate:g}",
         "PASS" if max_rate <= rate * 1.02 else "FAIL"),
        ("re-run", "same URLs, same store", f"{page_requests - len(urls)} pages fetched again",
         f"{elapsed_again:.2f} s", "incremental: nothing due", "PASS" if page_requests == len(urls) else "FAIL"),
    ]


# ---------------------------------------------------------------- the 2 GB Posts.xml


def synthetic_posts(path: Path, gigabytes: float) -> None:
    """Questions and answers shaped like the dump's rows; 1 answer in 25 cites an outside page."""
    target = int(gigabytes * 1e9)
    paragraph = ("&lt;p&gt;When brewing an all-grain batch the mash temperature decides how fermentable the wort "
                 "is: lower temperatures favour beta amylase and a drier beer, higher ones a fuller body. "
                 "See &lt;a href=&quot;https://beer.stackexchange.com/questions/{q}&quot;&gt;this question"
                 "&lt;/a&gt; for water chemistry.&lt;/p&gt;&#xA;")
    cite = ("&lt;p&gt;Source: &lt;a href=&quot;https://brew{h}.example.org/articles/{i}?utm_source=se&quot; "
            "rel=&quot;nofollow noreferrer&quot;&gt;an article&lt;/a&gt;&lt;/p&gt;&#xA;")
    partial = path.with_suffix(".partial")
    with open(partial, "w", encoding="utf-8", newline="\r\n") as f:
        f.write('\ufeff<?xml version="1.0" encoding="utf-8"?>\n<posts>\n')
        written, post_id, question = 0, 0, 0
        while written < target:
            post_id += 1
            if post_id % 4 == 1:
                question = post_id
                line = (f'  <row Id="{post_id}" PostTypeId="1" AcceptedAnswerId="{post_id + 1}" '
                        f'CreationDate="2016-05-01T10:00:00.000" Score="{post_id % 9 - 2}" ViewCount="100" '
                        f'Body="{paragraph.format(q=post_id) * 3}" OwnerUserId="7" '
                        f'Title="How does mash temperature change beer {post_id}?" '
                        f'Tags="&lt;mashing&gt;&lt;all-grain&gt;" AnswerCount="3" CommentCount="0" />\n')
            else:
                body = paragraph.format(q=question) * 4
                if post_id % 25 == 2:
                    body += cite.format(h=post_id % 997, i=post_id)
                line = (f'  <row Id="{post_id}" PostTypeId="2" ParentId="{question}" '
                        f'CreationDate="2016-05-01T11:00:00.000" Score="{post_id % 5}" Body="{body}" '
                        f'OwnerUserId="8" CommentCount="0" />\n')
            f.write(line)
            written += len(line)
        f.write("</posts>\n")
    partial.rename(path)


def ingest_child(path: str) -> None:
    """Runs in its own process so that its peak RSS is the ingestion's alone."""
    from reasonrank_assets.core.web.stackexchange import QuestionSettings, read_posts, select_questions

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    errors: list[dict] = []
    counted = {"posts": 0}

    def counting(posts):
        for post in posts:
            counted["posts"] += 1
            yield post

    questions, cited = select_questions(counting(read_posts(Path(path), "synthetic", errors)), QuestionSettings())
    print(json.dumps({"posts": counted["posts"], "questions": len(questions), "cited_urls": len(cited),
                      "seconds": time.perf_counter() - started, "errors": len(errors), "rss_before_kb": before,
                      "peak_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))


def bench_ingest(gigabytes: float) -> list[tuple]:
    folder = Path(tempfile.gettempdir()) / "reasonrank-bench"
    folder.mkdir(exist_ok=True)
    path = folder / f"Posts-{gigabytes:g}GB.xml"
    if not path.exists():
        started = time.perf_counter()
        synthetic_posts(path, gigabytes)
        print(f"wrote {path} ({path.stat().st_size / 1e9:.2f} GB) in {time.perf_counter() - started:.0f} s", flush=True)
    size_mb = path.stat().st_size / 1e6
    out = subprocess.run([sys.executable, __file__, "--ingest-child", str(path)], check=True,
                         capture_output=True, text=True).stdout
    r = json.loads(out.strip().splitlines()[-1])
    peak, before = r["peak_rss_kb"] / 1024, r["rss_before_kb"] / 1024
    return [("ingest", f"{size_mb / 1000:.2f} GB Posts.xml, {r['errors']} bad rows",
             f"{r['posts']:,} posts -> {r['questions']:,} questions, {r['cited_urls']:,} URLs",
             f"{size_mb / r['seconds']:.1f} MB/s ({r['seconds']:.0f} s)",
             f"peak RSS {peak:.0f} MB (at start {before:.0f} MB) = {peak / size_mb:.1%} of file",
             "PASS" if peak < 1024 else "FAIL")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--hosts", type=int, default=50)
    parser.add_argument("--pages", type=int, default=20, help="pages per host")
    parser.add_argument("--rate", type=float, default=1.0, help="requests per second per host")
    parser.add_argument("--latency", type=float, default=0.2, help="server latency per request (s)")
    parser.add_argument("--gb", type=float, default=2.0, help="size of the synthetic Posts.xml")
    parser.add_argument("--skip-ingest", action="store_true")
    parser.add_argument("--skip-crawl", action="store_true")
    parser.add_argument("--ingest-child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.ingest_child:
        return ingest_child(args.ingest_child)

    rows = [] if args.skip_crawl else bench_crawl(args.hosts, args.pages, args.rate, args.latency)
    if not args.skip_ingest:
        rows += bench_ingest(args.gb)
    header = ("case", "setup", "work", "speed", "ratio vs baseline", "check")
    widths = [max(len(str(r[i])) for r in rows + [header]) for i in range(len(header))]
    for r in [header] + rows:
        print("  ".join(str(c).ljust(w) for c, w in zip(r, widths)).rstrip())


if __name__ == "__main__":
    main()
