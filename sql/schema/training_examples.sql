-- The student's training set: two tasks per question (query writing; explanation + label), filtered,
-- near-duplicate questions merged, decontaminated against BRIGHT, split by question.
CREATE TABLE training_examples (
    example_id VARCHAR NOT NULL,        -- stable id: sha256 of (task, site, question_id, url), 20 hex digits
    split VARCHAR NOT NULL,             -- train, validation or test (by a stable hash of the question)
    task VARCHAR NOT NULL,              -- relevance (explanation + label), queries (query generation) or question (the question a judged document answers)
    site VARCHAR NOT NULL,              -- the question's site
    question_id BIGINT NOT NULL,        -- the representative question of its near-duplicate cluster
    url VARCHAR,                        -- relevance: the page judged; NULL for queries
    prompt STRUCT(role VARCHAR, content VARCHAR)[] NOT NULL,  -- chat messages given to the student
    completion VARCHAR NOT NULL,        -- target: explanation + '\nRelevance Label: N ##', or the queries one per line
    label INTEGER,                      -- relevance and question: the document's label 0/1/2 (the teacher's or people's); NULL for queries
    parse_status VARCHAR,               -- relevance: how the teacher's label was read (ok, label_word, forced)
    label_probs DOUBLE[],               -- relevance: the teacher's P(0), P(1), P(2) at its label; NULL if unknown (people's labels)
    approx_tokens INTEGER NOT NULL,     -- prompt + completion length (tokenizer tokens, or characters / 4 without one)
    PRIMARY KEY (example_id)
);
