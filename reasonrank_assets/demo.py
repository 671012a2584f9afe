"""Materialize the whole graph on the embedded default and print the score table.

Runs against the persistent Dagster instance in $DAGSTER_HOME (the repository root, where the
project's dagster.yaml lives), so `dagster dev` afterwards shows every asset materialized.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from reasonrank_assets.core import stackexchange


def register_partitions(instance, project) -> tuple[list[str], list[str]]:
    """Add a partition per site in the inbox and per configured benchmark domain."""
    from reasonrank_assets.core import benchmarks
    from reasonrank_assets.defs.partitions import domain_partitions, site_partitions

    sites = sorted(stackexchange.find_site_dumps(Path(project.inbox)))
    domains = [f"{name}/{d}" for name, spec in project.benchmarks.items() for d in benchmarks.list_domains(spec)]
    instance.add_dynamic_partitions(site_partitions.name, sites)
    instance.add_dynamic_partitions(domain_partitions.name, domains)
    return sites, domains


QUIET = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}


def run_demo() -> list[dict]:
    import dagster as dg

    from reasonrank_assets.definitions import defs

    os.environ.setdefault("DAGSTER_HOME", os.getcwd())
    instance = dg.DagsterInstance.get()
    project = defs.resources["project"]
    sites, domains = register_partitions(instance, project)
    started = time.monotonic()

    def run(job: str, partition: str | None = None) -> None:
        step = time.monotonic()
        result = defs.resolve_job_def(job).execute_in_process(
            instance=instance, partition_key=partition, run_config=QUIET, raise_on_error=False
        )
        if not result.success:
            failure = next((e for e in result.all_events if e.is_step_failure), None)
            error = failure.step_failure_data.error if failure else None
            while error is not None and error.cause is not None:  # the user's error, not Dagster's wrapper
                error = error.cause
            reason = error.message.strip() if error else "see the run in `dagster dev`"
            raise SystemExit(f"[demo] {job} {partition or ''} failed: {reason}")
        print(f"[demo] {job} {partition or ''} done in {time.monotonic() - step:.0f}s", flush=True)

    for site in sites:
        run("site_data_job", site)
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
    return scores


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


def main() -> None:
    print(format_scores(run_demo()))


if __name__ == "__main__":
    main()
