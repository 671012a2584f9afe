"""The warehouse: Parquet per partition, schemas from sql/schema, a DuckDB catalog that a user's
open connection never blocks, and parallel writers that never fail on a lock."""

import multiprocessing
import subprocess
import sys
import textwrap

import duckdb
import pytest

from reasonrank_assets.core import warehouse as wh
from reasonrank_assets.core.warehouse import SchemaError, Warehouse


@pytest.fixture
def schema_dir(tmp_path, monkeypatch):
    sql = tmp_path / "sql"
    (sql / "schema").mkdir(parents=True)
    (sql / "schema" / "things.sql").write_text(
        "CREATE TABLE things (\n  site VARCHAR, -- the site\n  n BIGINT, -- a count\n  tags VARCHAR[] -- tags\n);\n"
    )
    (sql / "views.sql").write_text("CREATE OR REPLACE VIEW thing_count AS SELECT site, sum(n) AS n FROM things GROUP BY site;\n")
    monkeypatch.setattr(wh, "sql_dir", lambda: sql)
    wh.table_schema.cache_clear()
    yield sql
    wh.table_schema.cache_clear()


def test_write_read_partitions_and_schema(tmp_path, schema_dir):
    w = Warehouse(tmp_path / "wh")
    w.write("things", [{"site": "a", "n": 1, "tags": ["x"]}], "a.stackexchange.com")
    w.write("things", [{"site": "b", "n": 2}], "b/with slash")
    assert w.partitions("things") == ["a.stackexchange.com", "b/with slash"]
    rows = w.read("things")
    assert rows == [{"site": "a", "n": 1, "tags": ["x"]}, {"site": "b", "n": 2, "tags": None}]
    assert w.read("things", ["b/with slash"]) == [{"site": "b", "n": 2, "tags": None}]
    # an empty partition still has the DDL's columns, so views and readers never break on it
    w.write("things", [], "empty")
    assert w.read_arrow("things", ["empty"]).schema.names == ["site", "n", "tags"]


def test_schema_errors_name_table_row_and_field(tmp_path, schema_dir):
    w = Warehouse(tmp_path / "wh")
    with pytest.raises(SchemaError, match=r"table things: fields \['colour'\]"):
        w.write("things", [{"site": "a", "colour": "red"}])
    with pytest.raises(SchemaError, match=r"row 1 field 'n'"):
        w.write("things", [{"site": "a", "n": 1}, {"site": "b", "n": "many"}])
    assert w.partitions("things") == []  # nothing half-written


def test_reading_an_unmaterialized_partition_names_it(tmp_path, schema_dir):
    with pytest.raises(FileNotFoundError, match="table things: not materialized"):
        Warehouse(tmp_path / "wh").read("things", ["nope"])


def test_catalog_views_are_queryable_from_duckdb(tmp_path, schema_dir):
    w = Warehouse(tmp_path / "wh")
    w.write("things", [{"site": "a", "n": 1}, {"site": "a", "n": 2}], "p1")
    w.write("things", [{"site": "b", "n": 5}], "p2")
    assert w.refresh_catalog()
    with duckdb.connect(str(w.catalog_path), read_only=True) as con:
        assert con.execute("SELECT site, n FROM thing_count ORDER BY site").fetchall() == [("a", 3), ("b", 5)]


def test_a_user_holding_the_catalog_does_not_block_writes(tmp_path, schema_dir):
    """A `duckdb` CLI session open on the catalog (write lock held by another process) while a run
    writes: the write succeeds, and the user's views see the new partition at their next query."""
    w = Warehouse(tmp_path / "wh")
    w.write("things", [{"site": "a", "n": 1}], "p1")
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import duckdb, sys
            con = duckdb.connect({str(w.catalog_path)!r})
            print(con.execute("SELECT count(*) FROM things").fetchone()[0], flush=True)
            sys.stdin.readline()
            print(con.execute("SELECT count(*) FROM things").fetchone()[0], flush=True)
        """)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "1"
        written = w.write("things", [{"site": "b", "n": 2}], "p2")  # catalog locked: skipped, not failed
        assert written.rows == 1
        assert not w.refresh_catalog(wait_s=0.2)
        holder.stdin.write("\n")
        holder.stdin.flush()
        assert holder.stdout.readline().strip() == "2"
    finally:
        holder.kill()
        holder.wait()


def _writer(root, sql, index):
    wh.sql_dir = lambda: sql
    w = Warehouse(root)
    for round_ in range(5):
        w.write("things", [{"site": f"s{index}", "n": round_}], f"s{index}")


def test_parallel_writers_never_fail_on_a_lock(tmp_path, schema_dir):
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(tmp_path / "wh", schema_dir, i)) for i in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    assert [p.exitcode for p in procs] == [0, 0, 0, 0]
    rows = Warehouse(tmp_path / "wh").read("things")
    assert sorted((r["site"], r["n"]) for r in rows) == [(f"s{i}", 4) for i in range(4)]


def test_the_duckdb_cli_opens_the_catalog(tmp_path, schema_dir):
    """What the README promises: `duckdb .reasonrank/warehouse/warehouse.duckdb` and query."""
    import shutil
    from pathlib import Path

    cli = shutil.which("duckdb") or str(Path(sys.executable).parent / "duckdb")
    w = Warehouse(tmp_path / "wh")
    w.write("things", [{"site": "a", "n": 41}, {"site": "a", "n": 1}], "p1")
    assert w.refresh_catalog()
    out = subprocess.run(
        [cli, "-csv", "-noheader", str(w.catalog_path), "-c", "SELECT n FROM thing_count"],
        capture_output=True, text=True, check=True,
    )
    assert out.stdout.strip() == "42"
