-- StackExchange questions selected by the QuestionSettings (score, accepted answer, tags, cited pages).
CREATE TABLE questions (
    site VARCHAR NOT NULL,              -- site partition, e.g. 'beer.stackexchange.com'
    question_id BIGINT NOT NULL,        -- the question's post_id in that site's dump
    title VARCHAR NOT NULL,             -- question title
    body VARCHAR NOT NULL,              -- question body as plain text
    text VARCHAR NOT NULL,              -- what every model is given: title || '\n\n' || body
    tags VARCHAR[] NOT NULL,            -- the question's tags
    score INTEGER NOT NULL,             -- question score at dump time
    accepted_answer_id BIGINT,          -- post_id of the accepted answer, if any
    answer_count INTEGER NOT NULL,      -- answers at dump time
    creation_date TIMESTAMP,            -- when the question was asked (UTC)
    n_cited_urls INTEGER NOT NULL,      -- distinct web pages its kept answers cite (rows in cited_urls)
    PRIMARY KEY (site, question_id)
);
