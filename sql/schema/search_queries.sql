-- Teacher-written web search queries: one row per (question, query); a question without queries
-- has one row with query_rank 0 and query NULL whose status says why.
CREATE TABLE search_queries (
    site VARCHAR NOT NULL,              -- site partition
    question_id BIGINT NOT NULL,        -- the question (questions.question_id)
    query_rank INTEGER NOT NULL,        -- 1..10 in the teacher's order; 0 on the row of a question without queries
    query VARCHAR,                      -- the query, list markers and quotes removed; NULL when none
    status VARCHAR NOT NULL,            -- per question: ok (10 queries), short (1-9), empty (none parsed), error (no answer)
    n_queries INTEGER NOT NULL,         -- distinct queries parsed for the question
    model VARCHAR NOT NULL,             -- teacher model
    prompt_version VARCHAR NOT NULL,    -- prompt template version (reasonrank_assets/prompts/queries.<v>.txt)
    cache_key VARCHAR NOT NULL,         -- answer cache key: sha256 of (model, prompt version, task, messages, sampling)
    raw_answer VARCHAR,                 -- the teacher's answer as received; NULL on error
    error VARCHAR,                      -- why there is no answer (after retries); NULL when answered
    latency_s DOUBLE,                   -- seconds of the call that answered (repeated on each row of the question)
    prompt_tokens INTEGER,              -- prompt tokens of that call, as the server counted them
    completion_tokens INTEGER,          -- completion tokens of that call
    PRIMARY KEY (site, question_id, query_rank)
);
