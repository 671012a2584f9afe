"""Evaluation: benchmarks per domain, first-stage runs, the students' reranked runs, the scores."""

import base64
import math
from collections import Counter

import dagster as dg
import pydantic

from reasonrank_assets import figures
from reasonrank_assets.core.evaluation import benchmarks, metrics, rerank, retrieval, trec
from reasonrank_assets.core.progress import reporter
from reasonrank_assets.defs.config import config_class
from reasonrank_assets.defs.partitions import FOLLOW, RETRAIN, domain_partitions, split_domain_key
from reasonrank_assets.defs.resources import Project

GROUP = "evaluation"
# The benchmark inputs feed both the training set (decontamination) and evaluation: a group of their
# own keeps the group graph one-way (benchmarks -> dataset, benchmarks -> evaluation).
BENCHMARKS_GROUP = "benchmarks"
# Defaults sized for the embedded demo on a CPU; the method's own are depth 100 (BRIGHT: the
# first stage's top 100) and 1024 new tokens (configs/paper.yaml).
RerankSettingsConfig = config_class(
    rerank.RerankSettings, "RerankSettingsConfig", rerank.RerankSettings(depth=10, max_new_tokens=64, batch_size=32)
)


@dg.multi_asset(
    outs={
        "benchmark_queries": dg.AssetOut(description="Queries of one benchmark domain, with their excluded ids."),
        "benchmark_documents": dg.AssetOut(description="The domain's document collection."),
        "benchmark_qrels": dg.AssetOut(description="Relevance judgments (BRIGHT: 1 per gold id)."),
    },
    partitions_def=domain_partitions,
    group_name=BENCHMARKS_GROUP,
    code_version="1",
)
def benchmark(context: dg.AssetExecutionContext, project: Project):
    name, domain = split_domain_key(context.partition_key)
    if name not in project.benchmarks:
        raise dg.Failure(f"benchmark {name!r} is not configured (Project.benchmarks has {sorted(project.benchmarks)})")
    data = benchmarks.load_benchmark(project.benchmarks[name], domain)
    yield dg.Output(data.queries, "benchmark_queries")
    yield dg.Output(data.documents, "benchmark_documents")
    yield dg.Output(data.qrels, "benchmark_qrels")


class FirstStageConfig(dg.Config):
    """BM25 (bm25s, Lucene-style) over the domain's documents, or a TREC run file per domain
    (`run_file` may hold `{domain}`)."""

    method: str = "lucene"
    k1: float = 0.9
    b: float = 0.4
    k: int = 100
    run_file: str | None = None


@dg.asset(partitions_def=domain_partitions, group_name=BENCHMARKS_GROUP, kinds={"python", "bm25"}, code_version="1", automation_condition=FOLLOW)
def first_stage_runs(
    context: dg.AssetExecutionContext, config: FirstStageConfig, benchmark_queries: list[dict], benchmark_documents: list[dict]
) -> list[dict]:
    """The first-stage ranking the students rerank (the system and BM25 variant are recorded per row)."""
    if config.run_file:
        name, domain = split_domain_key(context.partition_key)
        rows = retrieval.read_run(config.run_file.format(domain=domain))
        wanted = {q["query_id"] for q in benchmark_queries}
        return [dict(row, benchmark=name, domain=domain) for row in rows if row["query_id"] in wanted]
    return retrieval.bm25_run(benchmark_queries, benchmark_documents, k=config.k, k1=config.k1, b=config.b, method=config.method)


class RerankConfig(RerankSettingsConfig):
    students: list[str] = pydantic.Field(default=["student_refined"], description="the student assets whose checkpoints rerank")


@dg.asset(
    partitions_def=domain_partitions,
    group_name=GROUP,
    kinds={"python", "pytorch"},
    code_version="2",
    automation_condition=RETRAIN,
    ins={"student_sft": dg.AssetIn(), "student_refined": dg.AssetIn()},
)
def reranked_runs(
    context: dg.AssetExecutionContext,
    config: RerankConfig,
    project: Project,
    benchmark_queries: list[dict],
    benchmark_documents: list[dict],
    first_stage_runs: list[dict],
    student_sft: list[dict],
    student_refined: list[dict],
) -> list[dict]:
    """Each student explains, then labels, every first-stage candidate up to the configured depth.
    Ranked by label, ties by expected label, then by first-stage score; TREC runs saved beside."""
    checkpoints = {"student_sft": student_sft[0], "student_refined": student_refined[0]}
    settings = config.to_settings()
    rows: list[dict] = []
    name, domain = split_domain_key(context.partition_key)
    for student in config.students:
        reranker = rerank.Reranker.from_pretrained(checkpoints[student]["checkpoint"], settings)
        progress = reporter(f"rerank {context.partition_key} {student}", "queries", context.log.info)
        run = rerank.rerank_run(reranker, benchmark_queries, benchmark_documents, first_stage_runs, settings.depth, progress=progress)
        run = [dict(row, system=student) for row in run]
        trec.write_run(run, project.path("runs", student) / f"{name}-{domain}.trec", tag=student)
        failed = sum(row["label"] is None and row["status"] != "not_reranked" for row in run)
        forced = sum(row["status"] == "forced" for row in run)
        context.log.info(f"{student}: {len(run)} reranked, {failed} kept their first-stage place, {forced} labels forced at the end of the budget")
        rows += run
    context.add_output_metadata({
        "decided_by": dg.MetadataValue.json(dict(Counter(row["decided_by"] for row in rows))),
        "status": dg.MetadataValue.json(dict(Counter(row["status"] for row in rows))),
    })
    return rows


@dg.asset(group_name=GROUP, kinds={"python", "duckdb"}, code_version="1", automation_condition=FOLLOW)
def benchmark_scores(
    context: dg.AssetExecutionContext,
    project: Project,
    benchmark_queries: list[dict],
    benchmark_qrels: list[dict],
    first_stage_runs: list[dict],
    reranked_runs: list[dict],
) -> list[dict]:
    """nDCG@10 (headline), nDCG@5, R@100, MRR@10 per domain and averaged, with a paired test
    against the first stage and the published reference rows beside ours."""
    rows = metrics.score_rows(first_stage_runs, reranked_runs, benchmark_qrels, benchmark_queries)
    benchmarks_seen = sorted({row["benchmark"] for row in benchmark_queries})
    for name in benchmarks_seen:
        rows += metrics.reference_rows(name)
    headline = [r for r in rows if r["measure"] == metrics.HEADLINE]
    chart = figures.score_chart(headline, project.path("plots") / "benchmark_scores.png")
    context.add_output_metadata({**headline_values(headline), **score_metadata(headline, chart)})
    return rows


def headline_values(rows: list[dict]) -> dict[str, float]:
    """One number per (benchmark, domain, system) of ours, so the UI plots each across runs."""
    return {
        f"{metrics.HEADLINE} {r['benchmark']}/{r['domain']} {r['system']}": dg.MetadataValue.float(round(r["value"], 2))
        for r in rows
        if not r["reference"] and r["value"] is not None
    }


def score_metadata(rows: list[dict], chart) -> dict:
    """The score table (rendered inline; nDCG x100 to 2 decimals, p to 3 significant digits),
    the chart's file, and the chart itself (markdown: behind a click, as Dagster inlines
    markdown only under 1,000 characters)."""
    columns = ["benchmark", "domain", "system", metrics.HEADLINE, "p vs first stage", "published"]
    schema = dg.TableSchema(columns=[dg.TableColumn(c, "float" if c in columns[3:5] else "string") for c in columns])
    records = [
        dg.TableRecord(
            {
                "benchmark": r["benchmark"],
                "domain": r["domain"],
                "system": r["system"],
                metrics.HEADLINE: round(r["value"], 2) if r["value"] is not None else None,
                "p vs first stage": _significant(r.get("p_value_vs_first_stage")),
                "published": "yes" if r["reference"] else "",
            }
        )
        for r in sorted(rows, key=lambda r: (bool(r["reference"]), r["benchmark"], r["domain"], r["system"]))
    ]
    return {
        "scores": dg.MetadataValue.table(records, schema=schema),
        "chart_file": dg.MetadataValue.path(str(chart)),
        "chart": dg.MetadataValue.md(f"![{metrics.HEADLINE}](data:image/png;base64,{base64.b64encode(chart.read_bytes()).decode()})"),
    }


def _significant(p: float | None) -> float | None:
    """A p-value to 3 significant digits; none (NaN: fewer than two paired queries) stays empty."""
    return float(f"{p:.3g}") if p is not None and math.isfinite(p) else None
