"""The teacher stage (search queries, candidate pairs, judgments) and the dataset drawn from it."""

import warnings

import dagster as dg

from reasonrank_assets.core.dataset import pairs, training_data
from reasonrank_assets.core.progress import reporter
from reasonrank_assets.core.prompts import FORCED, PROMPT_VERSION
from reasonrank_assets.core.teacher.backends import make_teacher
from reasonrank_assets.core.teacher.batch import open_cache
from reasonrank_assets.core.teacher.cache import AnswerCache
from reasonrank_assets.core.teacher.tasks import generate_queries, judge_pairs
from reasonrank_assets.defs.config import config_class
from reasonrank_assets.defs.partitions import FOLLOW, site_partitions
from reasonrank_assets.defs.resources import Project, Teacher

GROUP = "teacher"
DATASET_GROUP = "dataset"  # training_examples: a stage of its own, between teacher and training
# A new prompt version makes the teacher's assets (and everything downstream) show as stale.
TEACHER_CODE_VERSION = f"2-prompts-{PROMPT_VERSION}"  # 2: labels read in float32, cut answers forced
TrainingDataSettingsConfig = config_class(training_data.TrainingDataSettings, "TrainingDataSettingsConfig")


def _cache(project: Project, teacher_llm: Teacher) -> AnswerCache:
    # One cache for every site and stage: an answer is paid once per (model, prompt, settings).
    return open_cache(project.path("teacher_cache"), teacher_llm.recording)


@dg.asset(partitions_def=site_partitions, group_name=GROUP, kinds={"python", "llm"}, code_version=TEACHER_CODE_VERSION, automation_condition=FOLLOW)
def search_queries(context: dg.AssetExecutionContext, project: Project, teacher_llm: Teacher, questions: list[dict]) -> list[dict]:
    """Up to 10 teacher-written web search queries per question, parsed and deduplicated."""
    client = make_teacher(teacher_llm.to_settings())
    summary: dict = {}
    progress = reporter(f"teacher queries {context.partition_key}", "questions", context.log.info)
    rows = generate_queries(questions, client, _cache(project, teacher_llm), summary=summary, progress=progress)
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
    max_forced_label_rate: float = 0.2


# Checks of one site's judgments are partitioned like the asset: each result names its site.
# (Partitioned checks are a preview in Dagster 1.13, which the project pins.)
with warnings.catch_warnings():
    warnings.simplefilter("ignore", dg.PreviewWarning)
    JUDGMENT_CHECKS = [
        dg.AssetCheckSpec(
            "parse_failure_rate",
            asset="teacher_judgments",
            partitions_def=site_partitions,
            description="Share of the site's pairs whose teacher answer yields no label (error, truncated, "
            "no or bad label); those pairs are left out of training. Warns above `max_parse_failure_rate`.",
        ),
        dg.AssetCheckSpec(
            "forced_label_rate",
            asset="teacher_judgments",
            partitions_def=site_partitions,
            description="Share of the site's labels that were forced: the answer had no readable label and "
            "the most likely of 0/1/2 was taken from its label probabilities. Many forced labels mean the "
            "teacher does not follow the format. Warns above `max_forced_label_rate`.",
        ),
    ]


@dg.asset(
    partitions_def=site_partitions,
    group_name=GROUP,
    kinds={"python", "llm"},
    code_version=TEACHER_CODE_VERSION,
    automation_condition=FOLLOW,
    check_specs=JUDGMENT_CHECKS,
)
def teacher_judgments(
    context: dg.AssetExecutionContext, config: JudgmentChecks, project: Project, teacher_llm: Teacher, candidate_pairs: list[dict]
):
    """The teacher's explanation and graded label (0/1/2) for every candidate pair, with its parse status."""
    client = make_teacher(teacher_llm.to_settings())
    summary: dict = {}  # calls paid, cache hits, errors, tokens: a re-run with nothing new shows 0 calls
    progress = reporter(f"teacher judgments {context.partition_key}", "pairs", context.log.info)
    rows = judge_pairs(candidate_pairs, client, _cache(project, teacher_llm), summary=summary, progress=progress)
    statuses: dict[str, int] = {}
    for row in rows:
        statuses[row["parse_status"]] = statuses.get(row["parse_status"], 0) + 1
    yield dg.Output(
        rows,
        metadata={"parse_status": dg.MetadataValue.json(statuses), "teacher": dg.MetadataValue.json(summary), "model": teacher_llm.model},
    )
    failed = sum(row["label"] is None for row in rows)
    forced = statuses.get(FORCED, 0)
    for check, count, threshold in (
        ("parse_failure_rate", failed, config.max_parse_failure_rate),
        ("forced_label_rate", forced, config.max_forced_label_rate),
    ):
        rate = count / len(rows) if rows else 0.0
        yield dg.AssetCheckResult(
            check_name=check,
            passed=rate <= threshold,
            severity=dg.AssetCheckSeverity.WARN,
            metadata={"site": context.partition_key, "rate": round(rate, 4), "pairs": count, "of": len(rows), "threshold": threshold},
        )


@dg.asset(
    group_name=DATASET_GROUP,
    kinds={"python"},
    code_version=TEACHER_CODE_VERSION,
    automation_condition=FOLLOW,
    check_specs=[
        dg.AssetCheckSpec(
            "no_split_leakage",
            asset="training_examples",
            description="No question has examples in more than one split (train/validation/test).",
        ),
        dg.AssetCheckSpec(
            "all_labels_present",
            asset="training_examples",
            description="The training split holds relevance examples of every label 0, 1 and 2 (warns otherwise: "
            "the student cannot learn a label it never sees).",
        ),
        dg.AssetCheckSpec(
            "decontaminated",
            asset="training_examples",
            description="No prompt or target shares a word n-gram (`contamination_ngram`) with any benchmark "
            "query or configured contamination source.",
        ),
    ],
)
def training_examples(
    context: dg.AssetExecutionContext,
    config: TrainingDataSettingsConfig,
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
