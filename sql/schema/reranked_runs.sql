-- A reranker's ranking of each query's first-stage candidates, with the model's judgment per item.
CREATE TABLE reranked_runs (
    benchmark VARCHAR NOT NULL,         -- source name, as in benchmark_queries
    domain VARCHAR NOT NULL,            -- domain, as in benchmark_queries
    system VARCHAR NOT NULL,            -- reranker, e.g. 'student_refined' or 'SmolLM2-135M-Instruct:explain@100'
    query_id VARCHAR NOT NULL,          -- ranked query
    doc_id VARCHAR NOT NULL,            -- ranked document
    rank INTEGER NOT NULL,              -- new rank, 1 = best
    score DOUBLE NOT NULL,              -- n_hits - rank + 1: strictly decreasing with rank (TREC run order)
    label INTEGER,                      -- the model's relevance label 0/1/2; NULL when it failed or the item was past the depth
    expected_label DOUBLE,              -- sum(l * p(l)) over the next-token probabilities of '0','1','2' after 'Relevance Label:'
    first_stage_rank INTEGER NOT NULL,  -- rank in the first stage
    first_stage_score DOUBLE,           -- score in the first stage
    decided_by VARCHAR NOT NULL,        -- what placed the item: 'label', 'expected_label', 'query_likelihood' or 'first_stage'
    query_logprob DOUBLE,               -- query-likelihood mode: mean log P(query token | the document's question prompt); NULL otherwise
    explanation VARCHAR,                -- the model's explanation ('' in label-only mode; the error for status 'error')
    status VARCHAR NOT NULL,            -- 'ok' or 'label_word' (judged); 'forced' (judged: out of tokens before the label, read after a forced label prefix); 'no_label', 'bad_label', 'error' (kept its first-stage place); 'not_reranked' (past the depth)
    PRIMARY KEY (benchmark, domain, system, query_id, doc_id)
);
