-- Relevance judgments of one benchmark domain (BRIGHT: relevance 1 for each gold id, the official scoring).
CREATE TABLE benchmark_qrels (
    benchmark VARCHAR NOT NULL,         -- source name, as in benchmark_queries
    domain VARCHAR NOT NULL,            -- domain, as in benchmark_queries
    query_id VARCHAR NOT NULL,          -- judged query
    doc_id VARCHAR NOT NULL,            -- judged document
    relevance INTEGER NOT NULL,         -- graded judgment (0 = not relevant; NovelEval 0-2, TREC DL 0-3)
    PRIMARY KEY (benchmark, domain, query_id, doc_id)
);
