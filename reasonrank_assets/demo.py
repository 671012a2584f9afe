"""Materialize the whole graph on the embedded default and print the score table.

Runs against the persistent Dagster instance in $DAGSTER_HOME (the repository root, where the
project's dagster.yaml lives), so `dagster dev` afterwards shows every asset materialized and
every run in Overview and on its job's page, as if launched there.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from reasonrank_assets.core import embedded
from reasonrank_assets.core.web import stackexchange


def register_partitions(instance, project) -> tuple[list[str], list[str]]:
    """Add a partition per site in the inbox and per configured benchmark domain."""
    from reasonrank_assets.core.evaluation import benchmarks
    from reasonrank_assets.defs.partitions import domain_partitions, site_partitions

    sites = sorted(stackexchange.find_site_dumps(Path(project.inbox)))
    domains = [f"{name}/{d}" for name, spec in project.benchmarks.items() for d in benchmarks.list_domains(spec)]
    instance.add_dynamic_partitions(site_partitions.name, sites)
    instance.add_dynamic_partitions(domain_partitions.name, domains)
    return sites, domains


# The terminal shows the steps' own lines (progress with rate and ETA, warnings), not Dagster's events.
CONSOLE = {"loggers": {"console": {"config": {"log_level": "INFO"}}}}
LOCATION = "reasonrank"  # workspace.yaml's location name: the one `dagster dev` shows


class CodeLocationRuns:
    """Runs created through the code location the way the UI's launchpad creates them (origin, job
    snapshot, repository tag), so Overview, the job pages and re-execute know them, then executed
    in this process: no code server or run worker to start, and the output stays in this terminal.
    The location is loaded in process under workspace.yaml's name; runs match the UI's by
    location, repository and job snapshot."""

    def __init__(self, instance, module: str = "reasonrank_assets.definitions"):
        import sys

        from dagster._core.remote_origin import InProcessCodeLocationOrigin
        from dagster._core.types.loadable_target_origin import LoadableTargetOrigin
        from dagster._core.workspace.context import WorkspaceProcessContext
        from dagster._core.workspace.load_target import InProcessWorkspaceLoadTarget

        self.instance = instance
        target = LoadableTargetOrigin(executable_path=sys.executable, module_name=module, working_directory=os.getcwd())
        origin = InProcessCodeLocationOrigin(target, location_name=LOCATION)
        self._process = WorkspaceProcessContext(instance, InProcessWorkspaceLoadTarget(origin))
        self.location = self._process.create_request_context().get_code_location(LOCATION)
        (self.repository,) = self.location.get_repositories().values()

    def close(self) -> None:
        self._process.__exit__(None, None, None)

    def __enter__(self) -> CodeLocationRuns:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def create(self, job: str, partition: str | None = None, run_config: dict | None = None):
        remote_job = self.repository.get_full_job(job)
        tags = dict(remote_job.tags)
        if partition is not None:
            tags["dagster/partition"] = partition
        plan = self.location.get_execution_plan(remote_job, run_config or {}, step_keys_to_execute=None, known_state=None, instance=self.instance)
        return self.instance.create_run(
            job_name=job,
            run_id=None,
            run_config=run_config or {},
            status=None,
            tags=tags,
            root_run_id=None,
            parent_run_id=None,
            step_keys_to_execute=plan.execution_plan_snapshot.step_keys_to_execute,
            execution_plan_snapshot=plan.execution_plan_snapshot,
            job_snapshot=remote_job.job_snapshot,
            parent_job_snapshot=remote_job.parent_job_snapshot,
            asset_selection=None,
            asset_check_selection=None,
            resolved_op_selection=None,
            op_selection=None,
            remote_job_origin=remote_job.get_remote_origin(),
            job_code_origin=remote_job.get_python_origin(),
            asset_graph=self.repository.asset_graph,
        )

    def execute(self, job: str, partition: str | None = None, run_config: dict | None = None):
        """Create the run and execute it in this process; returns the run's JobExecutionResult."""
        from dagster._core.execution.api import execute_run
        from dagster._utils.hosted_user_process import recon_job_from_origin

        run = self.create(job, partition, run_config)
        return execute_run(recon_job_from_origin(run.job_code_origin), run, self.instance)


def failure_reason(result) -> str:
    failure = next((e for e in result.all_events if e.is_step_failure), None)
    error = failure.step_failure_data.error if failure else None
    while error is not None and error.cause is not None:  # the user's error, not Dagster's wrapper
        error = error.cause
    return error.message.strip() if error else "see the run in `dagster dev`"


def run_demo(teacher_only: bool = False) -> list[dict]:
    """Every job of the graph in order, then the score table's rows. `teacher_only` stops after
    the sites' jobs (data and teacher) and asks the teacher live, its recording set aside."""
    import dagster as dg

    from reasonrank_assets.definitions import defs
    from reasonrank_assets.defs.automation import IN_PROCESS

    os.environ.setdefault("DAGSTER_HOME", os.getcwd())
    instance = dg.DagsterInstance.get()
    project = defs.resources["project"]
    sites, domains = register_partitions(instance, project)
    started = time.monotonic()
    live_teacher = {"resources": {"teacher_llm": {"config": {"recording": None}}}} if teacher_only else {}

    with CodeLocationRuns(instance) as runs:

        def run(job: str, partition: str | None = None) -> None:
            step = time.monotonic()
            result = runs.execute(job, partition, {**CONSOLE, **live_teacher, **(IN_PROCESS if job == "site_data_job" else {})})
            if not result.success:
                raise SystemExit(f"[demo] {job} {partition or ''} failed: {failure_reason(result)}")
            print(f"[demo] {job} {partition or ''} done in {time.monotonic() - step:.0f}s", flush=True)

        for site in sites:
            run("site_data_job", site)
        if teacher_only:
            return []
        for domain in domains:
            run("benchmark_job", domain)
        run("training_job")
        for domain in domains:
            run("reranking_job", domain)
        run("scores_job")
    warehouse = project.warehouse
    warehouse.refresh_catalog()  # every table's view and the derived views of sql/views.sql
    scores = warehouse.read("benchmark_scores")
    print(f"[demo] whole graph materialized in {time.monotonic() - started:.0f}s")
    for path in write_figures(project, warehouse):
        print(f"[demo] figure: {path}")
    return scores


def write_figures(project, warehouse) -> list[Path]:
    """The score chart, the teacher's label distribution and the training curves as PNG files."""
    from reasonrank_assets import figures

    plots = project.path("plots")
    paths = [
        figures.score_chart(warehouse.read("benchmark_scores"), plots / "benchmark_scores.png"),
        figures.label_distribution_png(warehouse.read("teacher_judgments"), plots / "label_distribution.png"),
    ]
    for stage in ("student_sft", "student_refined"):
        manifest = project.root / "models" / stage / "manifest.json"
        if manifest.exists() and (curves := figures.training_curves(manifest, plots / f"{stage}_curves.png")):
            paths.append(curves)
    return paths


def format_scores(rows: list[dict], measure: str = "nDCG@10") -> str:
    picked = [r for r in rows if r["measure"] == measure]
    lines = [f"{'benchmark':<10} {'domain':<12} {'system':<26} {measure:>8}  p vs first stage"]
    for r in sorted(picked, key=lambda r: (bool(r.get("reference")), r["benchmark"], r["domain"], r["system"])):
        p = r.get("p_value_vs_first_stage")
        tag = " (published)" if r.get("reference") else ""
        lines.append(
            f"{r['benchmark']:<10} {r['domain']:<12} {r['system'] + tag:<26} {r['value']:8.2f}  {'' if p is None else f'{p:.3f}'}"
        )
    return "\n".join(lines)


def record_teacher(path: Path = embedded.TEACHER_RECORDING) -> int:
    """Ask the demo's teacher for every prompt of the embedded default (answers already in the
    cache are kept: same prompt, same settings, same answer) and write them as the recording the
    demo loads. Returns the number of answers written."""
    from reasonrank_assets.core.teacher.batch import export_recording
    from reasonrank_assets.core.teacher.cache import AnswerCache
    from reasonrank_assets.core.teacher.settings import QUERIES, RELEVANCE, Prompt
    from reasonrank_assets.definitions import defs

    run_demo(teacher_only=True)
    project = defs.resources["project"]
    warehouse = project.warehouse
    items = [Prompt(r["cache_key"], QUERIES, []) for r in warehouse.read("search_queries")]
    items += [Prompt(r["cache_key"], RELEVANCE, []) for r in warehouse.read("teacher_judgments")]
    with AnswerCache(project.path("teacher_cache")) as cache:
        return export_recording(items, cache, defs.resources["teacher_llm"].model, path)


def main(record: bool = False) -> None:
    if record:
        print(f"[demo] {record_teacher()} teacher answers recorded -> {embedded.TEACHER_RECORDING}")
        return
    print(format_scores(run_demo()))


if __name__ == "__main__":
    main()
