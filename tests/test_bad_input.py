"""Bad input fails one item, with an error that names it; the rest of the run goes on."""

import shutil

import dagster as dg

from reasonrank_assets.core import embedded
from reasonrank_assets.core.warehouse import Warehouse
from reasonrank_assets.defs import data
from reasonrank_assets.defs.partitions import site_partitions
from reasonrank_assets.defs.resources import Project, WarehouseIOManager

GOOD = "homebrew.stackexchange.com"
BROKEN = "broken.stackexchange.com"


def test_a_broken_dump_fails_its_site_only_and_bad_rows_are_skipped(tmp_path):
    inbox = tmp_path / "inbox"
    shutil.copytree(embedded.STACKEXCHANGE_DIR / GOOD, inbox / GOOD)
    posts = (inbox / GOOD / "Posts.xml").read_text(encoding="utf-8-sig")
    # one row with a non-numeric Id: skipped and recorded, the site still materializes
    posts = posts.replace("<posts>", '<posts>\n  <row Id="x1" PostTypeId="1" Score="1" Body="" Title="bad" />', 1)
    (inbox / GOOD / "Posts.xml").write_text(posts, encoding="utf-8")
    (inbox / BROKEN).mkdir()
    (inbox / BROKEN / "Posts.xml").write_text('<?xml version="1.0"?>\n<posts>\n  <row Id="1" PostTypeId="1"\n', encoding="utf-8")

    home = str(tmp_path / "home")
    resources = {"io_manager": WarehouseIOManager(home=home), "project": Project(home=home, inbox=str(inbox))}
    instance = dg.DagsterInstance.ephemeral()
    instance.add_dynamic_partitions(site_partitions.name, [GOOD, BROKEN])
    assets = [data.stackexchange_posts, data.questions_and_cited_urls]

    broken = dg.materialize(assets, partition_key=BROKEN, resources=resources, instance=instance, raise_on_error=False)
    assert not broken.success
    failure = next(e for e in broken.all_events if e.is_step_failure)
    message = failure.step_failure_data.error.to_string()
    assert "Posts.xml" in message and "line" in message

    good = dg.materialize(assets, partition_key=GOOD, resources=resources, instance=instance)
    assert good.success
    posts_event = good.asset_materializations_for_node("stackexchange_posts")[0]
    assert posts_event.metadata["bad_rows"].value == 1
    warehouse = Warehouse(tmp_path / "home" / "warehouse")
    assert warehouse.partitions("questions") == [GOOD] and len(warehouse.read("questions")) > 10
