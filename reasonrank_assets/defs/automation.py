"""Jobs, the page-refresh schedule, and the sensor that notices new StackExchange dumps."""


import json
from pathlib import Path

import dagster as dg

from reasonrank_assets.core.web import stackexchange
from reasonrank_assets.defs.partitions import site_partitions
from reasonrank_assets.defs.resources import Project

SITE_ASSETS = ["stackexchange_posts", "questions", "cited_urls", "web_pages", "search_queries", "candidate_pairs", "teacher_judgments"]
BENCHMARK_ASSETS = ["benchmark_queries", "benchmark_documents", "benchmark_qrels", "first_stage_runs"]
TRAINING_ASSETS = ["training_examples", "student_sft", "refinement_rollouts", "student_refined"]

# A step in its own process pays 11-12 s to start (Python, Dagster, the definitions): the jobs
# whose steps form one chain run in the run's process. A site's crawl and query writing can
# overlap (both wait on the network at scale), so site_data_job keeps the multiprocess default;
# the demo, on one machine's embedded data, runs it in process (`IN_PROCESS` run config).
ONE_CHAIN = {"executor_def": dg.in_process_executor}
IN_PROCESS = {"execution": {"config": {"in_process": {}}}}
site_data_job = dg.define_asset_job(
    "site_data_job",
    selection=SITE_ASSETS,
    description="One StackExchange site from its dump to the teacher's judgments: posts, questions, cited URLs, "
    "the crawl, the teacher's search queries, candidate pairs and judgments.",
)
benchmark_job = dg.define_asset_job(
    "benchmark_job",
    selection=BENCHMARK_ASSETS,
    description="One benchmark domain: its queries, documents and qrels, and the first-stage ranking (BM25 or a TREC run file).",
    **ONE_CHAIN,
)
# Training runs in Pipes subprocesses of its own; the steps around them are a chain.
training_job = dg.define_asset_job(
    "training_job",
    selection=TRAINING_ASSETS,
    description="The training set from every site's judgments, then SFT distillation, refinement rollouts and the refined student.",
    **ONE_CHAIN,
)
reranking_job = dg.define_asset_job(
    "reranking_job",
    selection=["reranked_runs"],
    description="The students rerank one benchmark domain's first-stage run (TREC run files saved beside).",
    **ONE_CHAIN,
)
scores_job = dg.define_asset_job(
    "scores_job",
    selection=["benchmark_scores"],
    description="nDCG@10 of every system on every benchmark domain: the score table and its bar chart.",
    **ONE_CHAIN,
)
# The refresh re-runs the crawl (due URLs only, with conditional requests); downstream assets
# follow by their automation conditions.
page_refresh_job = dg.define_asset_job(
    "page_refresh_job",
    selection=["web_pages"],
    description="Re-crawl one site's pages whose refresh is due, with conditional requests.",
    **ONE_CHAIN,
)

JOBS = [site_data_job, benchmark_job, training_job, reranking_job, scores_job, page_refresh_job]


@dg.schedule(
    job=page_refresh_job,
    cron_schedule="0 3 * * 0",
    default_status=dg.DefaultScheduleStatus.STOPPED,
    description="Every Sunday 03:00, re-crawl each site's pages whose refresh is due.",
)
def weekly_page_refresh(context: dg.ScheduleEvaluationContext):
    for site in context.instance.get_dynamic_partitions(site_partitions.name):
        yield dg.RunRequest(run_key=f"{site}-{context.scheduled_execution_time:%Y%m%d}", partition_key=site)


@dg.sensor(
    job=site_data_job,
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.STOPPED,
    description="A new or changed dump in the inbox adds its site partition and materializes that site.",
)
def new_stackexchange_dump(context: dg.SensorEvaluationContext, project: Project):
    seen = json.loads(context.cursor) if context.cursor else {}
    dumps = stackexchange.find_site_dumps(Path(project.inbox))
    changed = {site: path for site, path in dumps.items() if seen.get(site) != path.stat().st_mtime_ns}
    if not changed:
        return dg.SkipReason(f"no new dump in {project.inbox}")
    known = set(context.instance.get_dynamic_partitions(site_partitions.name))
    new_sites = sorted(set(changed) - known)
    seen.update({site: path.stat().st_mtime_ns for site, path in changed.items()})
    return dg.SensorResult(
        run_requests=[dg.RunRequest(run_key=f"{site}-{seen[site]}", partition_key=site) for site in sorted(changed)],
        dynamic_partitions_requests=[site_partitions.build_add_request(new_sites)] if new_sites else [],
        cursor=json.dumps(seen),
    )
