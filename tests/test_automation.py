"""The dump sensor adds a site partition and asks for its run; the weekly schedule refreshes
every known site's pages."""

import shutil
from datetime import UTC, datetime

import dagster as dg
import pytest

from reasonrank_assets.core import embedded
from reasonrank_assets.defs.automation import new_stackexchange_dump, weekly_page_refresh
from reasonrank_assets.defs.partitions import site_partitions
from reasonrank_assets.defs.resources import Project


@pytest.mark.slow
def test_a_new_dump_in_the_inbox_materializes_its_site(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    instance = dg.DagsterInstance.ephemeral()
    project = Project(home=str(tmp_path / "home"), inbox=str(inbox))

    context = dg.build_sensor_context(instance=instance, resources={"project": project})
    assert isinstance(new_stackexchange_dump(context), dg.SkipReason)

    site = "homebrew.stackexchange.com"
    shutil.copytree(embedded.STACKEXCHANGE_DIR / site, inbox / site)
    result = new_stackexchange_dump(context)
    assert [r.partition_key for r in result.run_requests] == [site]
    assert result.dynamic_partitions_requests[0].partition_keys == [site]

    # the cursor remembers the dump: nothing new, no run
    instance.add_dynamic_partitions(site_partitions.name, [site])
    again = dg.build_sensor_context(instance=instance, resources={"project": project}, cursor=result.cursor)
    assert isinstance(new_stackexchange_dump(again), dg.SkipReason)


@pytest.mark.slow
def test_weekly_refresh_requests_every_known_site(tmp_path):
    instance = dg.DagsterInstance.local_temp(str(tmp_path))  # schedules need a persistent instance
    instance.add_dynamic_partitions(site_partitions.name, ["a.stackexchange.com", "b.stackexchange.com"])
    context = dg.build_schedule_context(instance=instance, scheduled_execution_time=datetime(2026, 11, 29, 3, tzinfo=UTC))
    requests = list(weekly_page_refresh(context))
    assert sorted(r.partition_key for r in requests) == ["a.stackexchange.com", "b.stackexchange.com"]
    assert len({r.run_key for r in requests}) == 2
