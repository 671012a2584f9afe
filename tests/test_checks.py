"""Asset checks: each says what it checks, and a site's check results name the site."""

import dagster as dg
import pytest

from reasonrank_assets.definitions import defs
from reasonrank_assets.defs.partitions import site_partitions
from reasonrank_assets.defs.resources import Project, Teacher, WarehouseIOManager
from reasonrank_assets.defs.teacher import teacher_judgments

SITE = "beer.stackexchange.com"


def test_every_check_has_a_description():
    specs = list(defs.resolve_asset_graph().asset_check_keys)
    assert len(specs) >= 5
    for spec in (defs.resolve_asset_graph().get_check_spec(key) for key in specs):
        assert spec.description and len(spec.description) > 30, spec.key


@dg.asset(name="candidate_pairs", partitions_def=site_partitions)
def fixed_pairs() -> list[dict]:
    return [
        {"site": SITE, "pair_id": f"p{i}", "question_id": 100 + i // 2, "question": f"How do hops work? ({i})",
         "url": f"https://example.org/{i}", "document": f"Page {i}: hops add bitterness through alpha acids.", "source": "cited"}
        for i in range(4)
    ]


@pytest.mark.slow
def test_forced_labels_warn_and_results_name_their_partition(tmp_path, tiny_model_dir):
    # A random tiny model writes no label: with force_label every label is taken from its
    # probabilities, which the parse-failure check alone would pass at rate 0.
    teacher = Teacher(backend="transformers", model=str(tiny_model_dir), max_tokens=4, force_label=True, dtype="float32", batch_size=4)
    instance = dg.DagsterInstance.ephemeral()
    instance.add_dynamic_partitions(site_partitions.name, [SITE])
    result = dg.materialize(
        [fixed_pairs, teacher_judgments],
        partition_key=SITE,
        instance=instance,
        resources={"project": Project(home=str(tmp_path)), "io_manager": WarehouseIOManager(home=str(tmp_path)), "teacher_llm": teacher},
    )
    assert result.success
    checks = {e.check_name: e for e in result.get_asset_check_evaluations()}
    assert set(checks) == {"parse_failure_rate", "forced_label_rate"}
    forced = checks["forced_label_rate"]
    assert forced.metadata["pairs"].value == 4 and forced.metadata["rate"].value == 1.0
    assert not forced.passed and forced.severity == dg.AssetCheckSeverity.WARN
    assert checks["parse_failure_rate"].passed and checks["parse_failure_rate"].metadata["rate"].value == 0.0
    for evaluation in checks.values():
        assert evaluation.partition == SITE
        assert evaluation.metadata["site"].value == SITE
