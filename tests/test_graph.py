"""The whole lineage graph, materialized end to end on the embedded default with tiny models:
the teacher is a real OpenAI-compatible server on 127.0.0.1, the student a random 2-layer Llama."""

import os
import time

import dagster as dg
import pytest
from openai_server import OpenAIServer

from reasonrank_assets.core.warehouse import Warehouse
from reasonrank_assets.definitions import defs
from reasonrank_assets.defs.partitions import domain_partitions, site_partitions
from reasonrank_assets.defs.resources import Project, Teacher, WarehouseIOManager

SITES = ["gardening.stackexchange.com", "homebrew.stackexchange.com"]
DOMAINS = ["embedded/gardening", "embedded/homebrew"]
pytestmark = pytest.mark.slow  # the whole graph, both sites and domains: minutes


def tiny_run_config(model_dir: str) -> dict:
    fast = {"max_steps": 2, "save_steps": 1, "per_device_batch_size": 2, "dtype": "float32", "bf16": False}
    return {
        "ops": {
            "student_sft": {"config": {"base_model": model_dir, "effective_batch_size": 2, **fast}},
            "refinement_rollouts": {"config": {"k": 2, "max_new_tokens": 8, "max_pairs": 2, "dtype": "float32"}},
            "student_refined": {
                "config": {"k": 2, "max_completion_length": 8, "max_pairs": 2, "effective_batch_size": 2, **fast}
            },
        }
    }


@pytest.fixture(scope="module")
def materialized(tmp_path_factory, tiny_model_dir):
    home = tmp_path_factory.mktemp("home")
    os.environ["REASONRANK_TEST_TEACHER_KEY"] = "sk-test-secret-0123"
    with OpenAIServer() as server:
        resources = {
            "io_manager": WarehouseIOManager(home=str(home)),
            "project": Project(home=str(home)),
            "teacher_llm": Teacher(
                backend="openai", base_url=server.url, model="test-teacher", api_key_env="REASONRANK_TEST_TEACHER_KEY"
            ),
        }
        graph = dg.Definitions(assets=defs.assets, asset_checks=defs.asset_checks, jobs=defs.jobs, resources=resources)
        instance = dg.DagsterInstance.ephemeral()
        instance.add_dynamic_partitions(site_partitions.name, SITES)
        instance.add_dynamic_partitions(domain_partitions.name, DOMAINS)

        def run(job, partition=None, run_config=None):
            started = time.monotonic()
            result = graph.resolve_job_def(job).execute_in_process(
                instance=instance, partition_key=partition, run_config=run_config or {}
            )
            assert result.success, job
            print(f"[graph] {job} {partition or ''}: {time.monotonic() - started:.1f}s")
            return result

        for site in SITES:
            run("site_data_job", site)
        calls_after_first_pass = server.answered
        run("site_data_job", SITES[0])  # nothing new: the cache answers, the teacher is not paid again
        assert server.answered == calls_after_first_pass
        for domain in DOMAINS:
            run("benchmark_job", domain)
        run("training_job", run_config=tiny_run_config(str(tiny_model_dir)))
        rerank = {"ops": {"reranked_runs": {"config": {"max_new_tokens": 8, "dtype": "float32", "depth": 5}}}}
        for domain in DOMAINS:
            run("reranking_job", domain, rerank)
        run("scores_job")
        yield Warehouse(home / "warehouse"), instance, server


def test_every_table_is_materialized(materialized):
    warehouse, instance, _ = materialized
    for spec in defs.resolve_all_asset_specs():
        table = spec.metadata.get("table", spec.key.path[-1])
        assert warehouse.partitions(str(getattr(table, "value", table))), spec.key
    assert {r["site"] for r in warehouse.read("questions")} == set(SITES)
    assert len(warehouse.read("teacher_judgments")) == len(warehouse.read("candidate_pairs")) > 0
    checkpoints = warehouse.read("model_checkpoints")
    assert {r["stage"] for r in checkpoints} == {"sft", "refine"}
    for row in checkpoints:
        assert (os.path.isdir(row["checkpoint"]) and os.path.exists(os.path.join(row["checkpoint"], "config.json")))


def test_held_out_questions_are_decontaminated_out_of_training(materialized):
    warehouse, _, _ = materialized
    held_out = {r["query"] for r in warehouse.read("benchmark_queries")}
    questions = {(r["site"], r["question_id"]): r["text"] for r in warehouse.read("questions")}
    trained = {(r["site"], r["question_id"]) for r in warehouse.read("training_examples")}
    assert held_out and not {questions[key] for key in trained} & held_out


def test_scores_compare_the_student_with_the_first_stage(materialized):
    warehouse, _, _ = materialized
    rows = [r for r in warehouse.read("benchmark_scores") if r["measure"] == "nDCG@10" and not r["reference"]]
    systems = {r["system"] for r in rows}
    assert "student_refined" in systems and len(systems) >= 2
    assert all(0.0 <= r["value"] <= 100.0 for r in rows)  # x100, the scale papers print
    reranked = warehouse.read("reranked_runs")
    assert {r["decided_by"] for r in reranked} <= {"label", "expected_label", "first_stage"}


def test_the_api_key_never_reaches_tables_or_logs(materialized):
    warehouse, instance, server = materialized
    secret = "sk-test-secret-0123"
    assert all(header == f"Bearer {secret}" for header in server.auth_headers)  # it was used...
    for path in warehouse.root.rglob("*.parquet"):  # ...and stored nowhere
        assert secret.encode() not in path.read_bytes(), path
    logs = [str(entry.dagster_event or entry.user_message) for run in instance.get_runs() for entry in instance.all_logs(run.run_id)]
    assert logs and not any(secret in line for line in logs)


def test_catalog_answers_the_readme_queries(materialized):
    import duckdb

    warehouse, _, _ = materialized
    assert warehouse.refresh_catalog()
    with duckdb.connect(str(warehouse.catalog_path), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM teacher_judgments").fetchone()[0] > 0
        assert con.execute("SELECT count(*) FROM label_distribution").fetchone()[0] > 0
        assert con.execute("SELECT count(*) FROM leaderboard").fetchone()[0] > 0


def test_headline_scores_are_numbers_the_ui_plots(materialized):
    warehouse, instance, _ = materialized
    event = instance.get_latest_materialization_event(dg.AssetKey("benchmark_scores"))
    metadata = event.asset_materialization.metadata
    ours = [r for r in warehouse.read("benchmark_scores") if r["measure"] == "nDCG@10" and not r["reference"]]
    for row in ours:  # one float per (benchmark, domain, system): Dagster plots each across runs
        value = metadata[f"nDCG@10 {row['benchmark']}/{row['domain']} {row['system']}"]
        assert isinstance(value, dg.FloatMetadataValue) and value.value == round(row["value"], 2)
    table = metadata["scores"].value
    assert len(table.records) == len(ours)  # no published rows for the embedded benchmark
    p_values = [r.data["p vs first stage"] for r in table.records if r.data["p vs first stage"] is not None]
    assert p_values and all(p == float(f"{p:.3g}") for p in p_values)
    assert os.path.getsize(metadata["chart_file"].value) > 1000  # a PNG a user can open outside Dagster


def test_the_demo_writes_its_figures_as_png_files(materialized, tmp_path):
    from reasonrank_assets.demo import write_figures

    warehouse, _, _ = materialized
    home = warehouse.root.parent
    paths = write_figures(Project(home=str(home)), warehouse)
    names = {p.name for p in paths}
    assert {"benchmark_scores.png", "label_distribution.png", "student_sft_curves.png", "student_refined_curves.png"} <= names
    for path in paths:
        assert path.parent == home / "plots" and path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_shipped_teacher_recording_answers_every_prompt_of_the_embedded_default(tmp_path):
    """The demo's teacher (Qwen2.5-Coder-1.5B, not installed here) is never loaded: every prompt
    of the sites' stage is in the recording. A failure means prompts or settings changed since it
    was recorded: `make record-teacher` records it anew."""
    resources = {"io_manager": WarehouseIOManager(home=str(tmp_path)), "project": Project(home=str(tmp_path)), "teacher_llm": Teacher()}
    graph = dg.Definitions(assets=defs.assets, asset_checks=defs.asset_checks, jobs=defs.jobs, resources=resources)
    instance = dg.DagsterInstance.ephemeral()
    instance.add_dynamic_partitions(site_partitions.name, SITES)
    for site in SITES:
        result = graph.resolve_job_def("site_data_job").execute_in_process(instance=instance, partition_key=site)
        assert result.success
        for asset in ("search_queries", "teacher_judgments"):
            (materialization,) = result.asset_materializations_for_node(asset)
            teacher = materialization.metadata["teacher"].value
            assert teacher["calls"] == 0 and teacher["cache_hits"] == teacher["unique_prompts"] > 0, (site, asset, teacher)
    judgments = Warehouse(tmp_path / "warehouse").read("teacher_judgments")
    assert {row["model"] for row in judgments} == {"qwen2.5-coder-1.5b"} and all(row["label"] is not None for row in judgments)
