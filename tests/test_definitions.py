"""The code location loads fast, and its lineage graph is the one the design describes."""

import subprocess
import sys

import dagster as dg
import pytest

from reasonrank_assets.definitions import defs

# asset -> its upstream assets; a change here is a rewiring of the method and must be deliberate
EXPECTED_GRAPH = {
    "stackexchange_posts": set(),
    "questions": {"stackexchange_posts"},
    "cited_urls": {"stackexchange_posts"},
    "web_pages": {"cited_urls"},
    "search_queries": {"questions"},
    "candidate_pairs": {"questions", "cited_urls", "web_pages", "search_queries"},
    "teacher_judgments": {"candidate_pairs"},
    "training_examples": {"teacher_judgments", "questions", "search_queries", "benchmark_queries"},
    "student_sft": {"training_examples"},
    "refinement_rollouts": {"training_examples", "student_sft"},
    "student_refined": {"training_examples", "refinement_rollouts", "student_sft"},
    "benchmark_queries": set(),
    "benchmark_documents": set(),
    "benchmark_qrels": set(),
    "first_stage_runs": {"benchmark_queries", "benchmark_documents"},
    "reranked_runs": {"benchmark_queries", "benchmark_documents", "first_stage_runs", "student_sft", "student_refined"},
    "benchmark_scores": {"benchmark_queries", "benchmark_qrels", "first_stage_runs", "reranked_runs"},
}


def test_lineage_graph_is_the_designed_one():
    graph = defs.resolve_asset_graph()
    actual = {
        key.to_user_string(): {parent.to_user_string() for parent in graph.get(key).parent_keys}
        for key in graph.get_all_asset_keys()
    }
    assert actual == EXPECTED_GRAPH


def test_every_asset_has_code_version_group_and_description():
    for spec in defs.resolve_all_asset_specs():
        assert spec.code_version, spec.key
        assert spec.group_name and spec.group_name != "default", spec.key
        assert spec.description, spec.key


# group -> its assets, in the order of the method: the collapsed lineage graph draws them so
EXPECTED_GROUPS = {
    "web": {"stackexchange_posts", "questions", "cited_urls", "web_pages"},
    "teacher": {"search_queries", "candidate_pairs", "teacher_judgments"},
    "benchmarks": {"benchmark_queries", "benchmark_documents", "benchmark_qrels", "first_stage_runs"},
    "dataset": {"training_examples"},
    "training": {"student_sft", "refinement_rollouts", "student_refined"},
    "evaluation": {"reranked_runs", "benchmark_scores"},
}


def test_asset_groups_form_a_one_way_flow():
    from graphlib import TopologicalSorter

    graph = defs.resolve_asset_graph()
    group = {key: graph.get(key).group_name for key in graph.get_all_asset_keys()}
    members: dict[str, set] = {}
    for key, name in group.items():
        members.setdefault(name, set()).add(key.to_user_string())
    assert members == EXPECTED_GROUPS
    upstream_groups: dict[str, set] = {name: set() for name in members}
    for key in group:
        upstream_groups[group[key]] |= {group[parent] for parent in graph.get(key).parent_keys} - {group[key]}
    order = list(TopologicalSorter(upstream_groups).static_order())  # raises CycleError on a loop between groups
    assert order.index("web") < order.index("teacher") < order.index("dataset") < order.index("training") < order.index("evaluation")
    assert upstream_groups["evaluation"] == {"benchmarks", "training"}


def test_every_job_schedule_sensor_and_check_has_a_description():
    jobs = [job for job in defs.resolve_all_job_defs() if not job.name.startswith("__")]  # Dagster's implicit job
    graph = defs.resolve_asset_graph()
    checks = [graph.get_check_spec(key) for key in graph.asset_check_keys]
    described = {"job": jobs, "schedule": list(defs.schedules), "sensor": list(defs.sensors), "check": checks}
    assert {kind: len(items) for kind, items in described.items()} == {"job": 6, "schedule": 1, "sensor": 1, "check": 5}
    for kind, items in described.items():
        for item in items:
            assert (item.description or "").strip(), f"{kind} {item.name} has no description"


# job -> the assets it materializes; the five pipeline jobs together cover the graph once
EXPECTED_JOBS = {
    "site_data_job": {"stackexchange_posts", "questions", "cited_urls", "web_pages", "search_queries", "candidate_pairs", "teacher_judgments"},
    "benchmark_job": {"benchmark_queries", "benchmark_documents", "benchmark_qrels", "first_stage_runs"},
    "training_job": {"training_examples", "student_sft", "refinement_rollouts", "student_refined"},
    "reranking_job": {"reranked_runs"},
    "scores_job": {"benchmark_scores"},
    "page_refresh_job": {"web_pages"},
}


def test_the_launchpad_shows_the_help_of_every_core_setting():
    """The help written beside each field in the core is the field's description in the config schema."""
    for key in ("questions", "training_examples", "student_sft", "refinement_rollouts", "student_refined", "reranked_runs"):
        schema = defs.resolve_assets_def(key).op.config_schema.config_type.fields
        missing = sorted(name for name, field in schema.items() if not field.description)
        assert schema and not missing, (key, missing)
    lora_r = defs.resolve_assets_def("student_sft").op.config_schema.config_type.fields["lora_r"]
    assert lora_r.description == "LoRA rank"


def test_definitions_validate_and_jobs_select_their_assets():
    dg.Definitions.validate_loadable(defs)
    selected = {
        job: {key.to_user_string() for key in defs.resolve_job_def(job).asset_layer.selected_asset_keys} for job in EXPECTED_JOBS
    }
    assert selected == EXPECTED_JOBS
    pipeline = [assets for job, assets in EXPECTED_JOBS.items() if job != "page_refresh_job"]
    assert sorted(a for assets in pipeline for a in assets) == sorted(EXPECTED_GRAPH)


@pytest.mark.slow
def test_loading_the_code_location_imports_no_heavy_library():
    code = (
        "import sys, reasonrank_assets.definitions; "
        "heavy = {'torch', 'transformers', 'trl', 'peft', 'bm25s', 'sentence_transformers', 'datasets'} & set(sys.modules); "
        "print(sorted(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "[]"


def test_core_has_no_dagster_import():
    import pathlib

    core = pathlib.Path(__file__).parents[1] / "reasonrank_assets" / "core"
    paths = sorted(core.rglob("*.py"))
    assert len(paths) > 30  # the stage packages are read too
    for path in paths:
        text = path.read_text()
        assert "import dagster" not in text and "from dagster" not in text, path.relative_to(core)


def test_the_paper_config_is_valid_run_config_for_its_jobs():
    """configs/paper.yaml must keep up with the settings dataclasses it overrides."""
    import pathlib

    import yaml
    from dagster._core.errors import DagsterInvalidConfigError
    from dagster._core.system_config.objects import ResolvedRunConfig

    config = yaml.safe_load((pathlib.Path(__file__).parents[1] / "configs" / "paper.yaml").read_text())
    site = {"resources": config["resources"], "ops": {"candidate_pairs": config["ops"]["candidate_pairs"]}}
    training = {"ops": {k: v for k, v in config["ops"].items() if k not in ("reranked_runs", "candidate_pairs")}}
    reranking = {"ops": {"reranked_runs": config["ops"]["reranked_runs"]}}
    for job, run_config in [("site_data_job", site), ("training_job", training), ("reranking_job", reranking)]:
        resolved = ResolvedRunConfig.build(defs.resolve_job_def(job), run_config)  # raises on a field the code lacks
        for kind, entries in run_config.items():  # and every value the file sets reaches its op or resource
            for name, entry in entries.items():
                actual = getattr(resolved, kind)[name].config
                assert {key: actual[key] for key in entry["config"]} == entry["config"], (job, name)
    with pytest.raises(DagsterInvalidConfigError, match="per_questoin"):
        ResolvedRunConfig.build(defs.resolve_job_def("site_data_job"), {"ops": {"candidate_pairs": {"config": {"per_questoin": 5}}}})


def test_downstream_assets_are_automated():
    conditions = {spec.key.to_user_string(): spec.automation_condition for spec in defs.resolve_all_asset_specs()}
    manual = {"stackexchange_posts", "benchmark_queries", "benchmark_documents", "benchmark_qrels"}  # sensor / by hand
    assert {key for key, condition in conditions.items() if condition is None} == manual
