-- Queries of one benchmark domain (partition: benchmark/domain), as loaded by core.benchmarks.
CREATE TABLE benchmark_queries (
    benchmark VARCHAR NOT NULL,         -- source name: 'bright', 'beir', 'trec', 'noveleval', 'dl19', ...
    domain VARCHAR NOT NULL,            -- BRIGHT domain with underscores (e.g. 'earth_science'); 'default' for single-domain sets
    query_id VARCHAR NOT NULL,          -- the benchmark's own query id (BRIGHT `id`, TREC qid)
    query VARCHAR NOT NULL,             -- query text given to every model
    excluded_ids VARCHAR[] NOT NULL,    -- doc ids removed from this query's ranking before cutting (BRIGHT; 'N/A' dropped)
    PRIMARY KEY (benchmark, domain, query_id)
);
