"""Candidate (question, document) pairs for the teacher: the pages a question's answers cite,
plus harder candidates that BM25 (bm25s) finds in the crawled pool with the teacher's queries.

About 5 candidates per question (the method's ratio): the cited pages first, then the best BM25
pages the question did not cite, fused over its queries by reciprocal rank. The source of each
candidate is recorded, so a user can query how many positives were cited vs retrieved.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict

from reasonrank_assets.core import bm25
from reasonrank_assets.core.prompts import truncate_document

RRF_K = 60  # reciprocal rank fusion constant (Cormack et al. 2009)


def pair_id(site: str, question_id: str, url: str) -> str:
    """Stable id of a (question, page) pair: the same inputs give the same id in every run."""
    return hashlib.sha256(f"{site}\x1f{question_id}\x1f{url}".encode()).hexdigest()[:20]


def _content_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _failed(page: dict) -> bool:
    status = page.get("status")
    return bool(page.get("error_kind") or page.get("error")) or (isinstance(status, int) and status >= 400)


def usable_pages(web_pages: list[dict]) -> dict[str, dict]:
    """Crawled pages with text and no error (web_pages.error_kind/error NULL, no HTTP error status),
    by URL (the first row of a URL wins)."""
    pages: dict[str, dict] = {}
    for page in web_pages:
        if not _failed(page) and (page.get("text") or "").strip() and page["url"] not in pages:
            pages[page["url"]] = page
    return pages


class _Pool:
    """A BM25 index over the pool's page texts, as the teacher will see them (truncated)."""

    def __init__(self, pages: list[dict], k1: float, b: float):
        import bm25s

        self.pages = pages
        self.index = None
        self.tokenize = bm25.tokenizer(stemmer=None)  # unstemmed, as the pool has always been searched
        if pages:
            self.index = bm25s.BM25(k1=k1, b=b)
            self.index.index(self.tokenize([truncate_document(page["text"]) for page in pages]), show_progress=False)

    def search(self, queries: list[str], k: int) -> list[list[tuple[int, float]]]:
        """Top-k (page index, score) per query; a query with no known word finds nothing."""
        results: list[list[tuple[int, float]]] = [[] for _ in queries]
        if self.index is None or not queries:
            return results
        tokens = self.tokenize(queries)
        known = [i for i, words in enumerate(tokens) if any(w in self.index.vocab_dict for w in words)]
        if known:
            docs, scores = self.index.retrieve([tokens[i] for i in known], k=min(k, len(self.pages)), show_progress=False)
            for i, row_d, row_s in zip(known, docs, scores):
                results[i] = [(int(d), float(s)) for d, s in zip(row_d, row_s) if s > 0]
        return results


def _fuse(queries: list[str], hits: list[list[tuple[int, float]]]) -> list[tuple[int, float, str]]:
    """Reciprocal rank fusion over queries: (page index, fused score, the query that ranked it best)."""
    fused: dict[int, float] = defaultdict(float)
    best: dict[int, tuple[int, str]] = {}
    for query, ranking in zip(queries, hits):
        for rank, (page, _score) in enumerate(ranking, start=1):
            fused[page] += 1.0 / (RRF_K + rank)
            if page not in best or rank < best[page][0]:
                best[page] = (rank, query)
    return sorted(((p, s, best[p][1]) for p, s in fused.items()), key=lambda x: (-x[1], x[0]))


def build_candidate_pairs(
    questions: list[dict],
    cited_urls: list[dict],
    web_pages: list[dict],
    search_queries: list[dict],
    per_question: int = 5,
    *,
    k1: float = 1.5,
    b: float = 0.75,
) -> list[dict]:
    """`candidate_pairs` rows: per question its cited pages, then BM25 candidates, `per_question` in all.

    Questions rows: site, question_id, text. Cited URL rows: site, question_id, url. Web page rows:
    url, text, error/status, content_hash (failed or empty pages are skipped). Search query rows:
    site, question_id, query (NULL queries skipped); a question without queries is searched by its
    own text. A page whose content is already among a question's candidates is not added twice.
    """
    pages = usable_pages(web_pages)
    pool_pages = list(pages.values())
    pool = _Pool(pool_pages, k1, b)
    cited: dict[tuple, list[str]] = defaultdict(list)
    for row in cited_urls:
        cited[(row["site"], row["question_id"])].append(row["url"])
    queries: dict[tuple, list[str]] = defaultdict(list)
    for row in sorted(search_queries, key=lambda r: r.get("query_rank") or 0):
        if row.get("query"):
            queries[(row["site"], row["question_id"])].append(row["query"])

    rows: list[dict] = []
    for question in questions:
        key = (question["site"], question["question_id"])
        chosen = _cited_candidates(cited[key], pages, per_question)
        if len(chosen) < per_question:
            search = queries[key] or [question["text"]]
            depth = per_question + len(chosen) + 10  # enough to skip the pages already chosen
            fused = _fuse(search, pool.search(search, depth))
            chosen += _bm25_candidates(fused, pool_pages, chosen, per_question - len(chosen))
        rows += [_pair_row(question, rank, candidate) for rank, candidate in enumerate(chosen, start=1)]
    return rows


def _cited_candidates(urls: list[str], pages: dict[str, dict], limit: int) -> list[dict]:
    chosen: list[dict] = []
    for url in dict.fromkeys(urls):
        if url in pages and len(chosen) < limit and not _seen(pages[url], chosen):
            chosen.append({"page": pages[url], "source": "cited", "score": None, "query": None})
    return chosen


def _bm25_candidates(fused: list[tuple[int, float, str]], pool_pages: list[dict], chosen: list[dict], limit: int) -> list[dict]:
    found: list[dict] = []
    for index, score, query in fused:
        if len(found) == limit:
            break
        page = pool_pages[index]
        if not _seen(page, chosen + found):
            found.append({"page": page, "source": "bm25", "score": round(score, 6), "query": query})
    return found


def _seen(page: dict, chosen: list[dict]) -> bool:
    content = page.get("content_hash") or _content_hash(page["text"])
    return any(c["page"]["url"] == page["url"] or (c["page"].get("content_hash") or _content_hash(c["page"]["text"])) == content
               for c in chosen)


def _pair_row(question: dict, rank: int, candidate: dict) -> dict:
    page = candidate["page"]
    return {
        "site": question["site"],
        "pair_id": pair_id(question["site"], question["question_id"], page["url"]),
        "question_id": question["question_id"],
        "question": question["text"],
        "url": page["url"],
        "document": page["text"],
        "source": candidate["source"],
        "candidate_rank": rank,
        "retrieval_score": candidate["score"],
        "retrieval_query": candidate["query"],
        "content_hash": page.get("content_hash") or _content_hash(page["text"]),
    }


def pairs_from_run(queries: list[dict], documents: list[dict], run_rows: list[dict], depth: int, site: str) -> list[dict]:
    """`candidate_pairs` rows from a first-stage run: each query's top `depth` hits with their
    texts (query ids become question ids, doc ids urls), for a teacher to judge."""
    text = {d["doc_id"]: d["text"] for d in documents}
    question = {q["query_id"]: q["query"] for q in queries}
    rows = []
    for hit in sorted(run_rows, key=lambda r: (str(r["query_id"]), r["rank"])):
        qid, doc_id = hit["query_id"], hit["doc_id"]
        if hit["rank"] > depth or qid not in question:
            continue
        if doc_id not in text:
            raise ValueError(f"run hit {qid} {doc_id}: the corpus has no text for this document")
        rows.append({
            "site": site, "pair_id": pair_id(site, qid, doc_id), "question_id": qid, "question": question[qid],
            "url": doc_id, "document": text[doc_id], "source": hit.get("system") or "run", "candidate_rank": hit["rank"],
            "retrieval_score": hit["score"], "retrieval_query": None, "content_hash": _content_hash(text[doc_id]),
        })
    return rows
