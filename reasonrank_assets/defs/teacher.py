"""The teacher stage: search queries, candidate pairs, judgments, and the training set."""


import dagster as dg

from reasonrank_assets.core import pairs, teacher, training_data
from reasonrank_assets.core.prompts import PROMPT_VERSION
from reasonrank_assets.core.teacher import AnswerCache
from reasonrank_assets.defs.config import config_class
from reasonrank_assets.defs.partitions import FOLLOW, site_partitions
from reasonrank_assets.defs.resources import Project, Teacher

GROUP = "teacher"
# A new prompt version makes the teacher's assets (and everything downstream) show as stale.
TEACHER_CODE_VERSION = f"1-prompts-{PROMPT_VERSION}"
TrainingDataConfig = config_class(training_data.TrainingDataConfig, "TrainingDataConfig")


def _cache(project: Project) -> AnswerCache:
    # One cache for every site and stage: an answer is paid once per (model, prompt, settings).
    return AnswerCache(project.path("teacher_cache"))


@dg.asset(partitions_def=site_partitions, group_name=GROUP, kinds={"python", "llm"}, code_version=TEACHER_CODE_VERSION, automation_condition=FOLLOW)
def search_queries(context: dg.AssetExecutionContext, project: Project, teacher_llm: Teacher, questions: list[dict]) -> list[dict]:
    """Up to 10 teacher-written web search queries per question, parsed and deduplicated."""
    client = teacher.make_teacher(teacher_llm.to_settings())
    summary: dict = {}
    rows = teacher.generate_queries(questions, client, _cache(project), summary=summary)
    context.add_output_metadata({"questions": len(questions), "model": teacher_llm.model, "teacher": dg.MetadataValue.json(summary)})
    return rows


class CandidatePairsConfig(dg.Config):
    """Candidates per question: the cited pages first, then BM25 hits for the teacher's queries.
    The method used about 5 (configs/paper.yaml); 2 keeps the CPU demo's teacher bill in minutes."""

    per_question: int = 2


@dg.asset(partitions_def=site_partitions, group_name=GROUP, kinds={"python", "bm25"}, code_version="1", automation_condition=FOLLOW)
def candidate_pairs(
    config: CandidatePairsConfig, questions: list[dict], cited_urls: list[dict], web_pages: list[dict], search_queries: list[dict]
) -> list[dict]:
    """Per question, its cited pages plus harder candidates that BM25 finds with the teacher's queries."""
    return pairs.build_candidate_pairs(questions, cited_urls, web_pages, search_queries, per_question=config.per_question)


class JudgmentChecks(dg.Config):
    max_parse_failure_rate: float = 0.2


@dg.asset(
    partitions_def=site_partitions,
    group_name=GROUP,
    kinds={"python", "llm"},
    code_version=TEACHER_CODE_VERSION,
    automation_condition=FOLLOW,
    check_specs=[dg.AssetCheckSpec("parse_failure_rate", asset="teacher_judgments")],
)
def teacher_judgments(
    context: dg.AssetExecutionContext, config: JudgmentChecks, project: Project, teacher_llm: Teacher, candidate_pairs: list[dict]
):
    """The teacher's explanation and graded label (0/1/2) for every candidate pair, with its parse status."""
    client = teacher.make_teacher(teacher_llm.to_settings())
    summary: dict = {}  # calls paid, cache hits, errors, tokens: a re-run with nothing new shows 0 calls
    rows = teacher.judge_pairs(candidate_pairs, client, _cache(project), summary=summary)
    statuses: dict[str, int] = {}
    for row in rows:
        statuses[row["parse_status"]] = statuses.get(row["parse_status"], 0) + 1
    failed = sum(row["label"] is None for row in rows)
    rate = failed / len(rows) if rows else 0.0
    yield dg.Output(
        rows,
        metadata={"parse_status": dg.MetadataValue.json(statuses), "teacher": dg.MetadataValue.json(summary), "model": teacher_llm.model},
    )
    yield dg.AssetCheckResult(
        check_name="parse_failure_rate",
        passed=rate <= config.max_parse_failure_rate,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={"rate": rate, "failed": failed, "threshold": config.max_parse_failure_rate},
    )


@dg.asset(
    group_name=GROUP,
    kinds={"python"},
    code_version=TEACHER_CODE_VERSION,
    automation_condition=FOLLOW,
    check_specs=[
        dg.AssetCheckSpec("no_split_leakage", asset="training_examples"),
        dg.AssetCheckSpec("all_labels_present", asset="training_examples"),
        dg.AssetCheckSpec("decontaminated", asset="training_examples"),
    ],
)
def training_examples(
    context: dg.AssetExecutionContext,
    config: TrainingDataConfig,
    teacher_judgments: list[dict],
    questions: list[dict],
    search_queries: list[dict],
    benchmark_queries: list[dict],
):
    """Two tasks per question (query writing; explanation + label), filtered, decontaminated
    against every benchmark the project evaluates on (and BRIGHT when configured), split by question."""
    settings = config.to_settings()
    contamination = [row["query"] for row in benchmark_queries]
    for source in settings.contamination_sources:
        contamination += training_data.load_contamination_texts(source)
    rows, report = training_data.build_training_examples(teacher_judgments, questions, search_queries, contamination, settings)
    yield dg.Output(rows, metadata={"report": dg.MetadataValue.json(report)})
    leaks = training_data.check_split_leakage(rows)
    yield dg.AssetCheckResult(check_name="no_split_leakage", passed=not leaks, metadata={"leaks": dg.MetadataValue.json(leaks[:20])})
    labels = {row["label"] for row in rows if row["task"] == "relevance" and row["split"] == "train"}
    yield dg.AssetCheckResult(
        check_name="all_labels_present",
        passed=labels >= {0, 1, 2},
        severity=dg.AssetCheckSeverity.WARN,
        metadata={"label_balance": dg.MetadataValue.json(report.get("label_balance", {}))},
    )
    # Re-check the output itself: no prompt or target may share a word n-gram with a benchmark text.
    index = training_data.ContaminationIndex(contamination, settings.contamination_ngram)
    leaked = [row["example_id"] for row in rows if index.hits(str(row["prompt"])) or index.hits(row["completion"])]
    yield dg.AssetCheckResult(
        check_name="decontaminated",
        passed=not leaked,
        metadata={
            "removed": dg.MetadataValue.json(report.get("decontamination", {})),
            "texts_checked": len(contamination),
            "leaked_examples": dg.MetadataValue.json(leaked[:20]),
        },
    )
