-- Scores per benchmark, domain, system and measure (ir-measures on pytrec_eval), with published reference rows.
CREATE TABLE benchmark_scores (
    benchmark VARCHAR NOT NULL,         -- source name, as in benchmark_queries
    domain VARCHAR NOT NULL,            -- domain, or 'average' for the macro average over the benchmark's domains
    system VARCHAR NOT NULL,            -- first stage or reranker; for reference rows the published system's name
    measure VARCHAR NOT NULL,           -- 'nDCG@10' (headline), 'nDCG@5', 'R@100', 'RR@10' (MRR@10)
    value DOUBLE,                       -- the measure x100 (the scale papers print), excluded ids removed before cutting
    n_queries INTEGER,                  -- queries scored (a judged query with no hits counts 0); NULL for reference rows
    p_value_vs_first_stage DOUBLE,      -- two-sided paired t-test over queries against the domain's first stage; NULL for first stages, averages, references
    reference BOOLEAN NOT NULL,         -- true for a published figure, false for one measured here
    first_stage_variant VARCHAR NOT NULL, -- which first stage (and BM25 variant) the figure stands on
    note VARCHAR NOT NULL,              -- provenance: 'first stage', 'reranks <system>', 'published: <source>', domains averaged
    PRIMARY KEY (benchmark, domain, system, measure, reference)
);
