"""Outputs are written whole, and with the mode the umask gives (not mkstemp's 0600), so the other
users and containers of a shared volume can read them."""

import os
import stat
from datetime import UTC

import pytest

from reasonrank_assets.core import io
from reasonrank_assets.core.evaluation import trec
from reasonrank_assets.core.warehouse import Warehouse

UMASK = 0o027  # neither the usual 022 nor mkstemp's 077, so a mode that ignores it shows


@pytest.fixture
def umask():
    old = os.umask(UMASK)
    yield UMASK
    os.umask(old)


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_every_output_gets_the_umask_mode(tmp_path, umask):
    run = trec.write_run([{"query_id": "q1", "doc_id": "d1", "rank": 1, "score": 2.0}], tmp_path / "runs" / "bm25.trec", "bm25")
    text = io.write_text(tmp_path / "manifest.json", "{}")
    warehouse = Warehouse(tmp_path / "warehouse")
    parquet = warehouse.write("umask_probe", [{"x": 1}]).path
    with io.atomic_path(tmp_path / "model", directory=True) as model:
        (model / "config.json").write_text("{}")
    for path in (run, text, parquet, warehouse.catalog_path):
        assert mode(path) == 0o666 & ~umask, path.name
    assert mode(tmp_path / "model") == 0o777 & ~umask


def test_a_failed_write_keeps_the_old_output_and_leaves_no_temporary(tmp_path):
    target = io.write_text(tmp_path / "out.trec", ["old\n"])
    with pytest.raises(RuntimeError), io.atomic_path(target) as tmp:
        tmp.write_text("half")
        raise RuntimeError("killed mid-write")
    assert target.read_text() == "old\n"
    assert os.listdir(tmp_path) == ["out.trec"]


def test_a_directory_replaces_the_old_one_whole(tmp_path):
    target = tmp_path / "model"
    for files in (["a", "b"], ["c"]):
        with io.atomic_path(target, directory=True) as tmp:
            for name in files:
                (tmp / name).write_text(name)
    assert sorted(os.listdir(target)) == ["c"]
    assert os.listdir(tmp_path) == ["model"]


def test_retry_after_reads_seconds_and_http_dates():
    from datetime import datetime, timedelta
    from email.utils import format_datetime

    assert io.retry_after("7") == 7.0 and io.retry_after(" 1.5 ") == 1.5
    in_a_minute = format_datetime(datetime.now(UTC) + timedelta(seconds=60), usegmt=True)
    assert 55 < io.retry_after(in_a_minute) <= 60
    assert io.retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # a date gone by: no wait
    assert io.retry_after(None) is None and io.retry_after("") is None and io.retry_after("soon") is None


def test_run_sync_runs_a_coroutine_inside_a_running_loop_too():
    import asyncio

    async def answer():
        await asyncio.sleep(0)
        return 42

    async def notebook():  # code that already runs an event loop, as a notebook cell does
        return io.run_sync(answer())

    assert io.run_sync(answer()) == 42 and asyncio.run(notebook()) == 42
