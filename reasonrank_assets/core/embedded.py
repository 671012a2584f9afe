"""The embedded default: a small StackExchange sample (two sites) and the pages its answers cite,
shipped in the package so the whole pipeline runs offline.

Its benchmark is built the way BRIGHT's StackExchange half was: held-out questions are the
queries, the pages their answers cite are the gold documents, every page in the WARC is the
collection. Training removes those questions again by decontamination, as it must for BRIGHT.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parents[1] / "data"
STACKEXCHANGE_DIR = DATA_DIR / "stackexchange"
WARC_PATH = DATA_DIR / "pages.warc.gz"
HELD_OUT_PERCENT = 25


def held_out(site: str, question_ids: list[int]) -> set[int]:
    """A stable quarter of a site's questions: those with the smallest hash, independent of order."""
    ranked = sorted(question_ids, key=lambda qid: hashlib.sha256(f"{site}/{qid}".encode()).digest())
    return set(ranked[: round(len(ranked) * HELD_OUT_PERCENT / 100)])


def domains() -> list[str]:
    return sorted(p.name.split(".")[0] for p in STACKEXCHANGE_DIR.iterdir() if (p / "Posts.xml").exists())


def load_embedded_benchmark(domain: str):
    from reasonrank_assets.core.benchmarks import Benchmark
    from reasonrank_assets.core.stackexchange import QuestionRules, read_posts, select_questions
    from reasonrank_assets.core.webpages import read_warc_pages

    site = f"{domain}.stackexchange.com"
    dump = STACKEXCHANGE_DIR / site / "Posts.xml"
    if not dump.exists():
        raise ValueError(f"embedded benchmark has no domain {domain!r} (domains: {', '.join(domains())})")
    questions, cited = select_questions(read_posts(dump, site), QuestionRules())
    chosen = held_out(site, [q["question_id"] for q in questions])
    held = {q["question_id"]: q for q in questions if q["question_id"] in chosen}
    documents = [
        {"benchmark": "embedded", "domain": domain, "doc_id": page["url"], "text": page["text"]}
        for page in read_warc_pages(WARC_PATH)
        if page.get("text")
    ]
    collection = {doc["doc_id"] for doc in documents}
    qrels = {
        (str(c["question_id"]), c["url"])
        for c in cited
        if c["question_id"] in held and c["url"] in collection
    }
    judged = {qid for qid, _ in qrels}
    queries = [
        {"benchmark": "embedded", "domain": domain, "query_id": str(qid), "query": q["text"], "excluded_ids": []}
        for qid, q in sorted(held.items())
        if str(qid) in judged
    ]
    return Benchmark(
        name="embedded",
        domain=domain,
        queries=queries,
        documents=documents,
        qrels=[
            {"benchmark": "embedded", "domain": domain, "query_id": qid, "doc_id": doc, "relevance": 1}
            for qid, doc in sorted(qrels)
        ],
    )
