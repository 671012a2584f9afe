"""Stage 5, evaluation: benchmark loaders, TREC files, first-stage retrieval, the reranker,
and the metrics (nDCG, paired tests, label agreement)."""
