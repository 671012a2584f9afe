"""The runs the demo makes are the UI's runs: created through the code location (origin, job
snapshot, repository tag), so Overview, the job pages and re-execute know them; small jobs run
their steps in the run's process. Then the real UI (`dagster dev` and headless Chromium) over
such an instance: the asset graph, materializations and checks, and a launchpad run."""

import shutil
from pathlib import Path

import dagster as dg
import pytest
from openai_server import OpenAIServer

from reasonrank_assets.defs.automation import IN_PROCESS
from reasonrank_assets.defs.partitions import domain_partitions, site_partitions
from reasonrank_assets.demo import LOCATION, CodeLocationRuns

ROOT = Path(__file__).resolve().parents[1]
SITE = "gardening.stackexchange.com"
DOMAIN = "embedded/gardening"
pytestmark = pytest.mark.slow  # demo runs, then `dagster dev` and Chromium


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


# -- the real UI ---------------------------------------------------------------------------------

CHROMIUM = "/usr/bin/chromium"  # Debian's; .ci/run installs it (playwright's own download needs a hub)
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
WAIT_MS = 120_000  # a loaded 2-core machine: the first page compiles the whole asset graph


def _graphql(url: str, query: str) -> dict:
    import httpx

    response = httpx.post(f"{url}/graphql", json={"query": query}, timeout=60)
    response.raise_for_status()
    return response.json()["data"]


def _location_loaded(url: str) -> bool:
    import httpx

    try:
        data = _graphql(url, "{ workspaceOrError { ... on Workspace { locationEntries { name loadStatus "
                             "locationOrLoadError { __typename } } } } }")
    except (httpx.HTTPError, KeyError, TypeError):
        return False
    entries = data["workspaceOrError"]["locationEntries"]
    return any(e["name"] == LOCATION and e["loadStatus"] == "LOADED" for e in entries)


@pytest.fixture(scope="module")
def webui(launched):
    """`dagster dev` over the launched instance, in its own process group, stopped by its PID."""
    import os
    import signal
    import socket
    import subprocess
    import sys
    import time

    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"no browser: {CHROMIUM} is missing (Debian: apt-get install -y chromium)")
    home = launched[0]
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # No REASONRANK_HOME, as in this process (conftest): the same definitions, so the same job
    # snapshots, and the project home is `.reasonrank` in the working directory.
    env = dict(os.environ, DAGSTER_HOME=str(home), DAGSTER_DISABLE_TELEMETRY="1")
    env.pop("REASONRANK_HOME", None)
    log = (home / "dagster-dev.log").open("wb")
    dagster = Path(sys.executable).with_name("dagster")
    server = subprocess.Popen(
        [str(dagster), "dev", "-h", "127.0.0.1", "-p", str(port), "-w", "workspace.yaml"],
        cwd=home, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 300
        while not _location_loaded(url):
            assert server.poll() is None, (home / "dagster-dev.log").read_text()[-3000:]
            assert time.monotonic() < deadline, "dagster dev did not load the code location in 300 s"
            time.sleep(2)
        yield url
    finally:
        # dagster dev stops its webserver, daemon and code server on SIGINT (Ctrl-C); a
        # background one ignores SIGTERM (DESIGN.md), so the group is killed if it lingers.
        os.killpg(server.pid, signal.SIGINT)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()


@pytest.fixture(scope="module")
def browser(webui):
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is a dev dependency: uv sync")
    sync_api.expect.set_options(timeout=WAIT_MS)
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = chromium.new_page(viewport={"width": 1400, "height": 900})
        page.set_default_timeout(WAIT_MS)
        page.goto(webui + "/overview")
        skip = page.get_by_role("button", name="Skip")  # the first-visit pop-up
        try:
            skip.wait_for(timeout=10_000)
            skip.click()
        except sync_api.TimeoutError:
            pass
        yield page
        chromium.close()


def test_the_asset_graph_loads(webui, browser):
    from playwright.sync_api import expect

    browser.goto(webui + "/asset-groups")  # the global lineage: one box per group
    for group in ("web", "teacher", "dataset", "training", "benchmarks", "evaluation"):
        expect(browser.get_by_text(group, exact=True).first).to_be_visible()
    browser.goto(webui + f"/locations/{LOCATION}/asset-groups/teacher")
    for asset in ("search_queries", "candidate_pairs", "teacher_judgments"):
        expect(browser.get_by_text(asset, exact=True).first).to_be_visible()


def test_demo_runs_show_in_overview_and_on_the_job_page(webui, browser, launched):
    from playwright.sync_api import expect

    results = launched[2]
    browser.goto(webui + "/overview/activity/timeline")
    for job in results:
        expect(browser.get_by_text(job, exact=True).first).to_be_visible()
    browser.goto(webui + f"/locations/{LOCATION}/jobs/benchmark_job/runs")
    expect(browser.get_by_text(results["benchmark_job"].run_id[:8], exact=True)).to_be_visible()
    # Re-execute finds the job at the run's origin with the run's snapshot: no version warning.
    run = _graphql(webui, '{ runOrError(runId: "%s") { ... on Run { pipelineSnapshotId '  # noqa: UP031 (GraphQL braces)
                          "repositoryOrigin { repositoryLocationName repositoryName } } } }" % results["benchmark_job"].run_id)["runOrError"]
    job = _graphql(webui, '{ pipelineOrError(params: {repositoryLocationName: "%s", repositoryName: "%s", '  # noqa: UP031
                          'pipelineName: "benchmark_job"}) { ... on Pipeline { pipelineSnapshotId } } }'
                   % (run["repositoryOrigin"]["repositoryLocationName"], run["repositoryOrigin"]["repositoryName"]))["pipelineOrError"]
    assert run["repositoryOrigin"]["repositoryLocationName"] == LOCATION
    assert run["pipelineSnapshotId"] == job["pipelineSnapshotId"]


def test_materializations_and_checks_are_visible(webui, browser):
    from playwright.sync_api import expect

    browser.goto(webui + "/assets/teacher_judgments?view=checks")
    for check in ("parse_failure_rate", "forced_label_rate"):
        expect(browser.get_by_text(check, exact=True).first).to_be_visible()
    expect(browser.get_by_text("Share of the site's labels that were forced", exact=False).first).to_be_visible()
    browser.goto(webui + "/assets/teacher_judgments?view=events")
    expect(browser.get_by_text(SITE).first).to_be_visible()  # the site partition's materialization


def test_a_job_launched_from_the_launchpad_succeeds(webui, browser, launched):
    import re
    import time

    from playwright.sync_api import expect

    instance = launched[1]
    browser.goto(webui + f"/locations/{LOCATION}/jobs/benchmark_job/playground")
    browser.get_by_placeholder("Partition").click()
    browser.keyboard.type(DOMAIN)
    browser.get_by_text(DOMAIN, exact=True).last.click()
    expect(browser.get_by_text("No errors").first).to_be_visible()  # the launchpad validated the config
    browser.get_by_role("button", name="Launch Run").click()
    browser.wait_for_url(re.compile(r".*/runs/[0-9a-f-]{36}"))
    run_id = browser.url.rstrip("/").split("/runs/")[1][:36]
    deadline = time.monotonic() + 300
    while not instance.get_run_by_id(run_id).is_finished:
        assert time.monotonic() < deadline, "the launched run did not finish in 300 s"
        time.sleep(2)
    run = instance.get_run_by_id(run_id)
    assert run.status == dg.DagsterRunStatus.SUCCESS and run.tags["dagster/partition"] == DOMAIN
    browser.reload()
    expect(browser.get_by_text("Success", exact=True).first).to_be_visible()
