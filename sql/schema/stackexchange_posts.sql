-- Questions and answers of StackExchange data dumps, one row per post; partitioned by site.
CREATE TABLE stackexchange_posts (
    site VARCHAR NOT NULL,              -- site partition, e.g. 'beer.stackexchange.com'
    post_id BIGINT NOT NULL,            -- Posts.xml Id (unique within a site)
    post_type_id INTEGER NOT NULL,      -- 1 question, 2 answer (other types are not kept)
    parent_id BIGINT,                   -- answers: the question's post_id; NULL for questions
    accepted_answer_id BIGINT,          -- questions: post_id of the accepted answer, if any
    score INTEGER NOT NULL,             -- votes up minus down at dump time (0 when absent)
    answer_count INTEGER,               -- questions: answers at dump time; NULL for answers
    title VARCHAR,                      -- questions only
    body_text VARCHAR NOT NULL,         -- the HTML body as plain text (paragraphs kept, code as is)
    tags VARCHAR[] NOT NULL,            -- questions' tags, in order; empty for answers
    creation_date TIMESTAMP,            -- CreationDate as published (UTC)
    links VARCHAR[] NOT NULL,           -- href of every <a> in the body, raw, in order
    PRIMARY KEY (site, post_id)
);
