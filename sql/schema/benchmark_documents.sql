-- The document collection of one benchmark domain (BRIGHT `documents` or `long_documents`, BEIR/TREC corpus).
CREATE TABLE benchmark_documents (
    benchmark VARCHAR NOT NULL,         -- source name, as in benchmark_queries
    domain VARCHAR NOT NULL,            -- domain, as in benchmark_queries
    doc_id VARCHAR NOT NULL,            -- document id as published (may contain spaces, e.g. BRIGHT stackoverflow)
    text VARCHAR NOT NULL,              -- full text (BEIR: title and text joined by a space); cut only at prompt time
    PRIMARY KEY (benchmark, domain, doc_id)
);
