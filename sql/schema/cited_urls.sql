-- Web pages cited by the answers of selected questions: one row per (question, normalised URL).
CREATE TABLE cited_urls (
    site VARCHAR NOT NULL,              -- site partition
    question_id BIGINT NOT NULL,        -- the question (questions.question_id)
    answer_id BIGINT NOT NULL,          -- the answer citing it: the accepted one if it does, else the best-scored
    answer_score INTEGER NOT NULL,      -- that answer's score
    is_accepted BOOLEAN NOT NULL,       -- whether that answer is the accepted answer
    url VARCHAR NOT NULL,               -- normalised URL (courlan; fragment and tracking parameters dropped)
    raw_url VARCHAR NOT NULL,           -- the href as written in the answer
    PRIMARY KEY (site, question_id, url)
);
