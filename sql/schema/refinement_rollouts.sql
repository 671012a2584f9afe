-- The SFT student's sampled answers per (question, document) pair, scored later by refinement.
CREATE TABLE refinement_rollouts (
    rollout_id    VARCHAR PRIMARY KEY, -- '<example_id>:<sample_index>'
    example_id    VARCHAR NOT NULL,    -- the training_examples row (task 'relevance') that was prompted
    sample_index  INTEGER NOT NULL,    -- 0 .. k-1 within the pair's group
    completion    VARCHAR NOT NULL,    -- the sampled answer: explanation, then 'Relevance Label: N ##'
    label         INTEGER,             -- label parsed from the answer (0, 1, 2); NULL when parsing failed
    parse_status  VARCHAR NOT NULL,    -- 'ok', 'no_label' or 'bad_label' (prompts.parse_relevance)
    teacher_label INTEGER NOT NULL,    -- the teacher's label for the same pair
    n_tokens      INTEGER NOT NULL,    -- generated tokens
    finished      BOOLEAN NOT NULL,    -- stopped at ' ##' or end of turn, not at max_new_tokens
    checkpoint    VARCHAR NOT NULL,    -- the student checkpoint that sampled it
    temperature   DOUBLE NOT NULL,     -- sampling temperature
    seed          INTEGER NOT NULL     -- sampling seed of the run
);
