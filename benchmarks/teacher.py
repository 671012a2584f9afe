"""Teacher stage throughput against a local OpenAI-compatible server with a fixed latency.

With C requests in flight and each answered after L seconds, no client can beat C/L pairs/s:
the stage should reach at least 90% of it. A second, unchanged materialization must make zero
calls (every answer comes from the cache). Pairs are real: TREC DL 2019 queries with the
passages of their BM25 top-100 (../shared/data/trec-dl-2019).

    .venv/bin/python benchmarks/teacher.py [--latency 2.0] [--concurrency 50] [--pairs 1000]

The client's own cost per call (the openai client's request building and response parsing,
a few ms of CPU) is what separates the rate from C/L; it matters less as L grows.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import httpx
import openai  # noqa: F401 - imported before timing: a process pays it once, not per materialization

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "trec-dl-2019"
SERVER = ROOT / "tests" / "openai_server.py"  # the test suite's real OpenAI-compatible server

from reasonrank_assets.core.teacher.backends import make_teacher
from reasonrank_assets.core.teacher.cache import AnswerCache
from reasonrank_assets.core.teacher.settings import TeacherSettings
from reasonrank_assets.core.teacher.tasks import judge_pairs


@contextmanager
def server_process(latency: float):
    """The server in its own process, so it does not share the client's GIL."""
    process = subprocess.Popen([sys.executable, str(SERVER), "--latency", str(latency)], stdout=subprocess.PIPE, text=True)
    try:
        yield process.stdout.readline().strip()
    finally:
        process.kill()
        process.wait()


def server_stats(url: str) -> dict:
    return httpx.get(f"{url}/stats").json()


def dl19_pairs(limit: int) -> list[dict]:
    if not DATA.exists():
        sys.exit(f"real data not found at {DATA}: it lives beside the project, see ../shared/data/README.md")
    queries = dict(line.rstrip("\n").split("\t", 1) for line in open(DATA / "queries.tsv", encoding="utf-8"))
    passages = {}
    with open(DATA / "corpus.jsonl", encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            passages[row["_id"]] = row["text"]
    pairs = []
    for line in open(DATA / "bm25.trec", encoding="utf-8"):
        qid, _, docid, *_ = line.split()
        pairs.append({"site": "trec-dl-2019", "pair_id": f"{qid}-{docid}", "question_id": int(qid), "question": queries[qid],
                      "url": f"msmarco-passage://{docid}", "document": passages[docid], "source": "bm25"})
        if len(pairs) == limit:
            break
    return pairs


def materialize(pairs: list[dict], url: str, cache_dir: Path, concurrency: int) -> tuple[float, dict, list[dict]]:
    config = TeacherSettings(base_url=url, model="bench-teacher", api_key_env=None, concurrency=concurrency, max_tokens=256)
    summary: dict = {}
    started = time.perf_counter()
    with AnswerCache(cache_dir) as cache:
        rows = judge_pairs(pairs, make_teacher(config), cache, summary=summary)
    return time.perf_counter() - started, summary, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=2.0,
                        help="server latency L per request, seconds (a 70B teacher writes a ~200-token explanation in 2-4 s)")
    parser.add_argument("--concurrency", type=int, default=50, help="requests in flight C")
    parser.add_argument("--pairs", type=int, default=1000)
    args = parser.parse_args()
    pairs = dl19_pairs(args.pairs)
    bound = args.concurrency / args.latency
    with tempfile.TemporaryDirectory() as tmp, server_process(args.latency) as url:
        first_s, first, rows = materialize(pairs, url, Path(tmp) / "cache", args.concurrency)
        first_calls = server_stats(url)["received"]
        second_s, second, again = materialize(pairs, url, Path(tmp) / "cache", args.concurrency)
        stats = server_stats(url)
        second_calls = stats["received"] - first_calls
    assert again == rows, "the cached materialization must give the same rows"
    rate = len(pairs) / first_s
    print(f"teacher_judgments over {len(pairs)} TREC DL19 pairs; server latency L={args.latency}s, concurrency C={args.concurrency}")
    print("| materialization | calls at server | wall s | pairs/s | bound C/L | ratio |")
    print("|---|---|---|---|---|---|")
    print(f"| first (empty cache) | {first_calls} | {first_s:.2f} | {rate:.1f} | {bound:.1f} | {rate / bound:.1%} |")
    print(f"| second (unchanged) | {second_calls} | {second_s:.2f} | {len(pairs) / second_s:.0f} | - | - |")
    print(f"load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"server peak in flight: {stats['max_in_flight']}; parse statuses: {first['parse_status']}; errors: {first['call_errors']}")
    if rate < 0.9 * bound or second_calls:
        sys.exit("FAILED: below 90% of C/L, or the second materialization made calls")


if __name__ == "__main__":
    main()
