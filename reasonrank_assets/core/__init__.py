"""The plain core: every stage of the method as plain functions, no Dagster import.

Stages, in the order the data flows:

    web/         StackExchange dumps, cited URLs, the polite crawler, WARC pages
    teacher/     the teacher LLM: its settings, answer cache, backends, tasks, batch files
    dataset/     candidate pairs and the training set built from the teacher's answers
    training/    the student: settings, runs, SFT, rollouts, refinement, rewards
    evaluation/  benchmarks, TREC files, first-stage retrieval, the reranker, metrics

What several stages share sits here: prompts and their parsers (prompts), batched generation
(generation, attention), reading labels (labels), offline models (models), atomic writes (io),
the Parquet + DuckDB catalog (warehouse), progress lines (progress), the embedded data (embedded).
A stage imports these and the stages before it, never one after it.
"""
