-- (question, web page) pairs for the teacher: per question its cited pages, then BM25 candidates from
-- the crawled pool retrieved with the teacher's search queries (about 5 per question).
CREATE TABLE candidate_pairs (
    site VARCHAR NOT NULL,              -- site partition
    pair_id VARCHAR NOT NULL,           -- stable id: sha256 of (site, question_id, url), 20 hex digits
    question_id BIGINT NOT NULL,        -- the question (questions.question_id)
    question VARCHAR NOT NULL,          -- the question text (title + body) given to the teacher
    url VARCHAR NOT NULL,               -- the page (web_pages.url)
    document VARCHAR NOT NULL,          -- the page's extracted text (cut to 3,000 words / 8,000 chars in prompts)
    source VARCHAR NOT NULL,            -- cited (an answer of the question links it) or bm25 (retrieved from the pool)
    candidate_rank INTEGER NOT NULL,    -- position among the question's candidates: cited first, then by fused BM25 score
    retrieval_score DOUBLE,             -- bm25: reciprocal-rank-fusion score over the question's queries; NULL for cited
    retrieval_query VARCHAR,            -- bm25: the query that ranked the page highest; NULL for cited
    content_hash VARCHAR NOT NULL,      -- sha256 of the page text (web_pages.content_hash)
    PRIMARY KEY (site, pair_id)
);
