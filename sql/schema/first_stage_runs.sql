-- First-stage rankings per benchmark domain: BM25 (bm25s) or a published TREC run file.
CREATE TABLE first_stage_runs (
    benchmark VARCHAR NOT NULL,         -- source name, as in benchmark_queries
    domain VARCHAR NOT NULL,            -- domain, as in benchmark_queries
    system VARCHAR NOT NULL,            -- first stage, e.g. 'bm25s-lucene-k1_0.9-b_0.4' or the run file's tag
    query_id VARCHAR NOT NULL,          -- ranked query
    doc_id VARCHAR NOT NULL,            -- retrieved document (excluded ids never appear in BM25 runs)
    rank INTEGER NOT NULL,              -- 1 = best
    score DOUBLE NOT NULL,              -- retrieval score (higher is better)
    PRIMARY KEY (benchmark, domain, system, query_id, doc_id)
);
