"""The runs the demo makes are the UI's runs: created through the code location (origin, job
snapshot, repository tag), so Overview, the job pages and re-execute know them; small jobs run
their steps in the run's process. Then the real UI (`dagster dev` and headless Chromium) over
such an instance: the asset graph, materializations and checks, and a launchpad run."""

import shutil
from pathlib import Path

import dagster as dg
import pytest
from openai_server import OpenAIServer

from reasonrank_assets.demo import LOCATION, CodeLocationRuns
from reasonrank_assets.defs.automation import IN_PROCESS
from reasonrank_assets.defs.partitions import domain_partitions, site_partitions

ROOT = Path(__file__).resolve().parents[1]
SITE = "gardening.stackexchange.com"
DOMAIN = "embedded/gardening"


def _resources(home: Path, teacher_url: str) -> dict:
    """Run config that points every resource at the test's home and the local teacher server."""
    return {
        "resources": {
            "project": {"config": {"home": str(home)}},
            "io_manager": {"config": {"home": str(home)}},
            "teacher_llm": {"config": {"backend": "openai", "base_url": teacher_url, "model": "test-teacher", "max_tokens": 64}},
        }
    }


@pytest.fixture(scope="module")
def launched(tmp_path_factory):
    """A project home and Dagster instance holding one site's and one domain's runs, made the demo's way."""
    home = tmp_path_factory.mktemp("ui-home")
    shutil.copy(ROOT / "dagster.yaml", home / "dagster.yaml")
    shutil.copy(ROOT / "workspace.yaml", home / "workspace.yaml")
    with pytest.MonkeyPatch.context() as patch, OpenAIServer() as teacher:
        patch.chdir(home)  # dagster.yaml's storage paths are relative to the working directory
        patch.setenv("OPENAI_API_KEY", "sk-test-not-a-secret")
        instance = dg.DagsterInstance.from_config(str(home))
        instance.add_dynamic_partitions(site_partitions.name, [SITE])
        instance.add_dynamic_partitions(domain_partitions.name, [DOMAIN])
        config = _resources(home / ".reasonrank", teacher.url)
        with CodeLocationRuns(instance) as runs:
            results = {
                "site_data_job": runs.execute("site_data_job", SITE, {**config, **IN_PROCESS}),
                "benchmark_job": runs.execute("benchmark_job", DOMAIN, config),
            }
        yield home, instance, results


def test_demo_runs_carry_the_code_location_origin(launched):
    _, instance, results = launched
    for job, result in results.items():
        assert result.success, job
        run = instance.get_run_by_id(result.run_id)
        assert run.remote_job_origin is not None, job
        assert run.remote_job_origin.location_name == LOCATION
        assert run.remote_job_origin.repository_origin.repository_name == "__repository__"
        # the tag Overview and the job pages select runs by
        assert run.tags_for_storage()[".dagster/repository"] == f"__repository__@{LOCATION}"
    assert instance.get_run_by_id(results["benchmark_job"].run_id).tags["dagster/partition"] == DOMAIN
    assert len(instance.get_runs(filters=dg.RunsFilter(job_name="site_data_job"))) == 1


def test_small_jobs_run_their_steps_in_the_run_process(launched):
    _, instance, results = launched
    for job, result in results.items():
        events = [e.dagster_event for e in instance.all_logs(result.run_id) if e.dagster_event]
        engine = [e.message for e in events if e.event_type_value == "ENGINE_EVENT"]
        assert not any("Launching subprocess" in m for m in engine), (job, engine)
        assert any(m.startswith("Finished steps in process") for m in engine), (job, engine)
