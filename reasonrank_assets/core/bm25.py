"""BM25 text analysis (bm25s), shared by the dataset's candidate pool and first-stage retrieval:
lower-cased words without English stopwords, stemmed where a stemmer is named."""

from __future__ import annotations

from collections.abc import Callable


def tokenizer(stemmer: str | None = None) -> Callable[[list[str]], list[list[str]]]:
    """texts -> their words; `stemmer` is a PyStemmer language ("english") or None (no stemming)."""
    import bm25s

    stem = None
    if stemmer:
        import Stemmer

        stem = Stemmer.Stemmer(stemmer).stemWords

    def tokenize(texts: list[str]) -> list[list[str]]:
        return bm25s.tokenize(texts, stopwords="en", stemmer=stem, return_ids=False, show_progress=False)

    return tokenize
