"""The warehouse: Parquet per partition, schemas from sql/schema, a DuckDB catalog that a user's
open session never blocks nor hides a new table from, and parallel writers that never fail on a lock."""

import multiprocessing
import subprocess
import sys

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
    (sql / "views.sql").write_text(
        "-- one row per site; a comment with a semicolon\n"
        "CREATE OR REPLACE VIEW thing_count AS SELECT site, sum(n) AS n FROM things GROUP BY site;\n"
    )
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
    # no refresh called: every write leaves a catalog with a view per table and the derived views
    with duckdb.connect(str(w.catalog_path), read_only=True) as con:
        assert con.execute("SELECT site, n FROM thing_count ORDER BY site").fetchall() == [("a", 3), ("b", 5)]
    assert w.refresh_catalog() == ["thing_count", "things"]
    w.catalog_path.unlink()  # a user removes it: the next write of any table brings it back
    w.write("things", [{"site": "c", "n": 1}], "p3")
    with duckdb.connect(str(w.catalog_path), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM things").fetchone()[0] == 4


HOLDER = """
import duckdb, sys
path, read_only = sys.argv[1], sys.argv[2] == "ro"
con = duckdb.connect(path, read_only=read_only)
for line in sys.stdin:
    if line.startswith(".open"):
        con.close()
        con = duckdb.connect(path, read_only=read_only)
    else:
        print(con.execute(line).fetchone()[0], flush=True)
"""


def _duckdb_cli() -> str:
    import shutil
    from pathlib import Path

    return shutil.which("duckdb") or str(Path(sys.executable).parent / "duckdb")


def _hold(kind: str, mode: str, path) -> subprocess.Popen:
    """Another process holding the catalog open, answering one line per query; `.open` reopens."""
    if kind == "cli":
        command = [_duckdb_cli(), "-csv", "-noheader", *(["-readonly"] if mode == "ro" else []), str(path)]
    else:
        command = [sys.executable, "-c", HOLDER, str(path), mode]
    return subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)


def _ask(holder: subprocess.Popen, line: str) -> str:
    holder.stdin.write(line + "\n")
    holder.stdin.flush()
    return holder.stdout.readline().strip()


@pytest.mark.slow
@pytest.mark.parametrize("kind,mode", [("python", "rw"), ("python", "ro"), ("cli", "rw")])
def test_a_user_holding_the_catalog_blocks_no_run_and_hides_no_table(tmp_path, schema_dir, capsys, kind, mode):
    """A session open on the catalog (a read-write one holds DuckDB's exclusive lock, a read-only
    one its shared lock) while a run writes: the writes and `reasonrank catalog` succeed, the
    session's views see new partitions at once, and a table created meanwhile is queryable as soon
    as the catalog is opened again."""
    from reasonrank_assets import cli

    home = tmp_path / "home"
    w = Warehouse(home / "warehouse")
    w.write("things", [{"site": "a", "n": 1}], "p1")
    holder = _hold(kind, mode, w.catalog_path)
    try:
        assert _ask(holder, "SELECT count(*) FROM things;") == "1"
        held = w.catalog_path.stat().st_ino
        w.write("things", [{"site": "b", "n": 2}], "p2")  # a new partition of a table the session has
        assert w.catalog_path.stat().st_ino == held  # needs no new catalog
        w.write("others", [{"x": 7}])  # a table created while the catalog is held
        assert w.catalog_path.stat().st_ino != held  # a new catalog renamed in; the held file is not waited for
        assert _ask(holder, "SELECT count(*) FROM things;") == "2"
        fresh = subprocess.run(
            [_duckdb_cli(), "-csv", "-noheader", "-readonly", str(w.catalog_path), "-c", "SELECT x FROM others"],
            capture_output=True, text=True, check=True,
        )
        assert fresh.stdout.strip() == "7"

        assert cli.main(["catalog", "--home", str(home)]) == 0
        out, err = capsys.readouterr()
        assert out.strip() == str(w.catalog_path)
        assert "rebuilt with 3 views" in err and "until it opens the file again" in err

        holder.stdin.write(f".open {w.catalog_path}\n")
        assert _ask(holder, "SELECT sum(x) FROM others;") == "7"
        assert _ask(holder, "SELECT n FROM thing_count WHERE site = 'b';") == "2"
    finally:
        holder.kill()
        holder.wait()


def _writer(root, sql, index):
    wh.sql_dir = lambda: sql
    w = Warehouse(root)
    for round_ in range(5):
        w.write("things", [{"site": f"s{index}", "n": round_}], f"s{index}")
        w.write(f"new{index}", [{"round": round_}])


@pytest.mark.slow
def test_parallel_writers_never_fail_on_a_lock(tmp_path, schema_dir):
    """Four processes write partitions of one table and each its own new table: none fails, and
    the catalog they leave has a view for every table (the last one renamed in lists them all)."""
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(tmp_path / "wh", schema_dir, i)) for i in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    assert [p.exitcode for p in procs] == [0, 0, 0, 0]
    w = Warehouse(tmp_path / "wh")
    assert sorted((r["site"], r["n"]) for r in w.read("things")) == [(f"s{i}", 4) for i in range(4)]
    with duckdb.connect(str(w.catalog_path), read_only=True) as con:
        views = {name for (name,) in con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()}
        assert views == {"things", "thing_count", "new0", "new1", "new2", "new3"}
        assert con.execute("SELECT sum(round) FROM new3").fetchone()[0] == 4
    assert sorted(p.name for p in w.root.iterdir()) == [".catalog.lock", ".catalog.tables", "tables", "warehouse.duckdb"]  # no temporaries


def test_the_duckdb_cli_opens_the_catalog(tmp_path, schema_dir):
    """What the README promises: `duckdb .reasonrank/warehouse/warehouse.duckdb` and query."""
    w = Warehouse(tmp_path / "wh")
    w.write("things", [{"site": "a", "n": 41}, {"site": "a", "n": 1}], "p1")
    out = subprocess.run(
        [_duckdb_cli(), "-csv", "-noheader", str(w.catalog_path), "-c", "SELECT n FROM thing_count"],
        capture_output=True, text=True, check=True,
    )
    assert out.stdout.strip() == "42"


def test_a_views_file_duckdb_cannot_parse_fails_no_write(tmp_path, schema_dir, caplog):
    (schema_dir / "views.sql").write_text("CREATE VIEW broken AS SELEKT 1;\n")
    w = Warehouse(tmp_path / "wh")
    assert w.write("things", [{"site": "a", "n": 1}]).rows == 1
    assert w.refresh_catalog() == ["things"]
    assert "views.sql" in caplog.text and "its views are skipped" in caplog.text
