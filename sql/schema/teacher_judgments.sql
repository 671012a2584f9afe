-- The teacher's explanation and graded label for each candidate pair. A label is NULL unless the
-- parse status is usable (ok, label_word, forced): failures are recorded, never mapped to 0.
CREATE TABLE teacher_judgments (
    site VARCHAR NOT NULL,              -- site partition
    pair_id VARCHAR NOT NULL,           -- candidate_pairs.pair_id
    question_id BIGINT NOT NULL,        -- the question (questions.question_id)
    url VARCHAR NOT NULL,               -- the page judged
    source VARCHAR,                     -- candidate_pairs.source: cited or bm25
    document VARCHAR NOT NULL,          -- the page text exactly as the teacher saw it (cut to 3,000 words / 8,000 chars)
    label INTEGER,                      -- 0 irrelevant, 1 partially relevant, 2 relevant; NULL when not usable
    explanation VARCHAR NOT NULL,       -- the teacher's reasoning: its answer before the label line
    parse_status VARCHAR NOT NULL,      -- ok, label_word, forced, no_label, bad_label, truncated, error
    raw_answer VARCHAR,                 -- the answer as received (up to the stop string ' ##'); NULL on error
    finish_reason VARCHAR,              -- stop or length, as the backend reported
    label_probs DOUBLE[],               -- P(0), P(1), P(2) at the label position (server logprobs or local scoring); NULL if unknown
    model VARCHAR NOT NULL,             -- teacher model
    prompt_version VARCHAR NOT NULL,    -- prompt template version (reasonrank_assets/prompts/relevance.<v>.txt)
    cache_key VARCHAR NOT NULL,         -- answer cache key: sha256 of (model, prompt version, task, messages, sampling)
    error VARCHAR,                      -- why there is no answer after retries (HTTP status, timeout, malformed body)
    attempts INTEGER NOT NULL,          -- requests made for this answer (1 = no retry)
    latency_s DOUBLE,                   -- seconds of the call that answered (local backend: its batch)
    prompt_tokens INTEGER,              -- prompt tokens of that call
    completion_tokens INTEGER,          -- completion tokens of that call
    PRIMARY KEY (site, pair_id)
);
