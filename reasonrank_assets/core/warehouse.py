"""The warehouse: one Parquet file per (table, partition), and a DuckDB catalog of views over them.

Why this shape: every writer replaces whole files atomically (write beside, then rename), so
parallel assets never contend for a lock, and a reader (the `duckdb` CLI, a notebook) always sees a
complete file, old or new. The DuckDB database holds only views; it is opened for a moment to
(re)create them, and if a user holds it open that step is skipped, since the views glob their
files at query time and see new partitions anyway.

Table schemas are the DDL files in `sql/schema/<table>.sql`: rows are cast to them on write, and a
row with a field the DDL does not know is an error that names the table and field.
"""

from __future__ import annotations

import logging
import os
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import quote, unquote

import pyarrow as pa
import pyarrow.parquet as pq

log = logging.getLogger(__name__)

UNPARTITIONED = "__all__"
CATALOG_STORAGE_VERSION = "v1.2.0"


def sql_dir() -> Path:
    """`sql/` of the source tree, or the copy packaged inside the wheel."""
    here = Path(__file__).resolve()
    for candidate in (here.parents[2] / "sql", here.parents[1] / "sql"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("sql/ not found beside the package")


@cache
def table_schema(table: str) -> pa.Schema | None:
    """The Arrow schema of `sql/schema/<table>.sql`, or None for a table with no DDL yet."""
    path = sql_dir() / "schema" / f"{table}.sql"
    if not path.exists():
        return None
    import duckdb

    with duckdb.connect() as con:
        con.execute(path.read_text(encoding="utf-8"))
        return con.sql(f"SELECT * FROM {table} LIMIT 0").to_arrow_table().schema


class SchemaError(ValueError):
    pass


def to_arrow(table: str, rows: list[dict] | pa.Table) -> pa.Table:
    schema = table_schema(table)
    if isinstance(rows, pa.Table):
        return rows if schema is None else _cast(table, rows, schema)
    if schema is None:
        return pa.Table.from_pylist(rows)
    unknown = {key for row in rows for key in row} - set(schema.names)
    if unknown:
        raise SchemaError(f"table {table}: fields {sorted(unknown)} are not in sql/schema/{table}.sql")
    try:
        return pa.Table.from_pylist(rows, schema=schema)
    except (pa.ArrowInvalid, pa.ArrowTypeError) as error:
        raise SchemaError(f"table {table}: {_bad_field(rows, schema)}: {error}") from error


def _cast(table: str, data: pa.Table, schema: pa.Schema) -> pa.Table:
    unknown = set(data.column_names) - set(schema.names)
    if unknown:
        raise SchemaError(f"table {table}: fields {sorted(unknown)} are not in sql/schema/{table}.sql")
    columns = [
        data[f.name].cast(f.type) if f.name in data.column_names else pa.nulls(len(data), f.type) for f in schema
    ]
    return pa.Table.from_arrays(columns, schema=schema)


def _bad_field(rows: list[dict], schema: pa.Schema) -> str:
    """Find the first (row, field) that does not convert, for an error a person can act on."""
    for field in schema:
        try:
            pa.array([row.get(field.name) for row in rows], type=field.type)
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            for index, row in enumerate(rows):
                try:
                    pa.array([row.get(field.name)], type=field.type)
                except (pa.ArrowInvalid, pa.ArrowTypeError):
                    return f"row {index} field {field.name!r} = {row.get(field.name)!r:.80} is not {field.type}"
    return "a row does not fit the schema"


@dataclass(frozen=True)
class Written:
    path: Path
    rows: int
    bytes: int


class Warehouse:
    def __init__(self, root: Path | str):
        self.root = Path(root)

    @property
    def catalog_path(self) -> Path:
        return self.root / "warehouse.duckdb"

    def table_dir(self, table: str) -> Path:
        return self.root / "tables" / table

    def file(self, table: str, partition: str | None = None) -> Path:
        """Where one partition of a table lives (for a reader in another process)."""
        return self.table_dir(table) / f"{quote(partition or UNPARTITIONED, safe='')}.parquet"

    def write(self, table: str, rows: list[dict] | pa.Table, partition: str | None = None) -> Written:
        data = to_arrow(table, rows)
        target = self.file(table, partition)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".", suffix=".parquet.tmp")
        os.close(fd)
        try:
            pq.write_table(data, tmp, compression="zstd")
            os.replace(tmp, target)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        self.refresh_catalog([table])
        return Written(target, data.num_rows, target.stat().st_size)

    def partitions(self, table: str) -> list[str]:
        return sorted(unquote(p.stem) for p in self.table_dir(table).glob("*.parquet"))

    def read_arrow(self, table: str, partitions: Iterable[str | None] | None = None) -> pa.Table:
        keys = list(partitions) if partitions is not None else self.partitions(table)
        files = [self.file(table, key) for key in keys]
        missing = [str(f) for f in files if not f.exists()]
        if missing:
            raise FileNotFoundError(f"table {table}: not materialized: {', '.join(missing)}")
        schema = table_schema(table)
        parts = [pq.read_table(f) for f in files]
        if not parts:
            return schema.empty_table() if schema is not None else pa.table({})
        return pa.concat_tables(parts, promote_options="permissive")

    def read(self, table: str, partitions: Iterable[str | None] | None = None) -> list[dict]:
        return self.read_arrow(table, partitions).to_pylist()

    def refresh_catalog(self, tables: Iterable[str] | None = None, wait_s: float = 2.0) -> bool:
        """(Re)create the views; False if another process holds the catalog (the views still work)."""
        import duckdb

        names = list(tables) if tables is not None else sorted(p.name for p in (self.root / "tables").glob("*"))
        names = [n for n in names if any(self.table_dir(n).glob("*.parquet"))]
        self.root.mkdir(parents=True, exist_ok=True)
        deadline = time.monotonic() + wait_s
        con = duckdb.connect()
        path = self.catalog_path.as_posix().replace("'", "''")
        while True:
            try:
                # An older storage format, so the `duckdb` CLI of any release since 1.2 opens it.
                con.execute(f"ATTACH '{path}' AS catalog (STORAGE_VERSION '{CATALOG_STORAGE_VERSION}')")
                con.execute("USE catalog")
                break
            except duckdb.IOException as error:
                if time.monotonic() > deadline:
                    log.warning("catalog %s is held by another process; views not refreshed (%s)", self.catalog_path, error)
                    con.close()
                    return False
                time.sleep(0.1)
        try:
            for name in names:
                pattern = (self.table_dir(name) / "*.parquet").as_posix().replace("'", "''")
                con.execute(
                    f"CREATE OR REPLACE VIEW {name} AS SELECT * FROM read_parquet('{pattern}', union_by_name = true)"
                )
            views = sql_dir() / "views.sql"
            if tables is None and views.exists():
                _apply_views(con, views)
        finally:
            con.close()
        return True


def _apply_views(con, path: Path) -> None:
    """Derived views may name tables not materialized yet; those are skipped until they exist."""
    for statement in filter(str.strip, path.read_text(encoding="utf-8").split(";")):
        try:
            con.execute(statement)
        except Exception as error:  # duckdb.CatalogException and friends: a base table is missing
            log.info("view skipped for now: %s", str(error).splitlines()[0])
