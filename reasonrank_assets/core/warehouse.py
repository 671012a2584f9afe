"""The warehouse: one Parquet file per (table, partition), and a DuckDB catalog of views over them.

Why this shape: every writer replaces whole files atomically (write beside, then rename), so
parallel assets never lock each other out of their data, and a reader (the `duckdb` CLI, a
notebook) always sees a complete file, old or new. The DuckDB database holds only views. DuckDB
lets one process write a database file or many read it, never both, so a run never opens the
catalog a user may hold: when it writes a table the catalog has no view for, it builds a new
catalog beside it and renames it over the old one. A session holding the old file keeps it
undisturbed (its views glob their files at query time, so they see new partitions), and whoever
opens the catalog next gets a view for every table, new ones included.

Table schemas are the DDL files in `sql/schema/<table>.sql`: rows are cast to them on write, and a
row with a field the DDL does not know is an error that names the table and field.
"""

from __future__ import annotations

import fcntl
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import quote, unquote

import pyarrow as pa
import pyarrow.parquet as pq

from reasonrank_assets.core.io import atomic_path, write_text

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
        with atomic_path(target) as tmp:
            pq.write_table(data, tmp, compression="zstd")
        if table not in self._cataloged():  # a known table's view globs its files: new ones show as they are
            self.refresh_catalog()
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

    def refresh_catalog(self) -> list[str]:
        """Build a catalog with a view per table and the views of sql/views.sql, and rename it over
        the old one (see the module's docstring); returns the views it holds."""
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / ".catalog.lock", "w") as lock:
            # Writers take turns, so the catalog renamed in last lists every table written before it.
            fcntl.flock(lock, fcntl.LOCK_EX)
            tables = self.root.resolve() / "tables"
            names = sorted(p.name for p in tables.glob("*") if any(p.glob("*.parquet")))
            with atomic_path(self.catalog_path) as tmp:
                views = _build_catalog(tmp, {name: tables / name / "*.parquet" for name in names})
            write_text(self._catalog_record, "".join(f"{name}\n" for name in names))  # after the rename: never ahead of it
        return views

    @property
    def _catalog_record(self) -> Path:
        return self.root / ".catalog.tables"

    def _cataloged(self) -> set[str]:
        """The tables the catalog has views for, as its last build recorded."""
        try:
            return set(self._catalog_record.read_text(encoding="utf-8").split()) if self.catalog_path.exists() else set()
        except FileNotFoundError:
            return set()


def _build_catalog(path: Path, tables: dict[str, Path]) -> list[str]:
    """A new DuckDB file at `path` with a view per table over its Parquet glob; returns its views."""
    import duckdb

    path.unlink()  # DuckDB creates the file itself (mode from the umask); an empty one it refuses
    con = duckdb.connect()
    try:
        # An older storage format, so the `duckdb` CLI of any release since 1.2 opens it.
        con.execute(f"ATTACH '{_sql_string(path)}' AS catalog (STORAGE_VERSION '{CATALOG_STORAGE_VERSION}')")
        con.execute("USE catalog")
        for name, files in tables.items():
            con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{_sql_string(files)}', union_by_name = true)")
        views = sql_dir() / "views.sql"
        if views.exists():
            _apply_views(con, views)
        created = [row[0] for row in con.execute(
            "SELECT view_name FROM duckdb_views() WHERE database_name = 'catalog' AND NOT internal ORDER BY 1"
        ).fetchall()]
        con.execute("USE memory")
        con.execute("DETACH catalog")  # checkpoints: the new file is complete before the rename
    finally:
        con.close()
        Path(f"{path}.wal").unlink(missing_ok=True)  # left only by a failed build
    return created


def _sql_string(path: Path) -> str:
    return path.as_posix().replace("'", "''")


def _apply_views(con, path: Path) -> None:
    """Derived views may name tables not materialized yet; those are skipped until they exist. A
    file DuckDB cannot parse loses its views, never a run."""
    try:  # DuckDB's own parser, so a ";" inside a comment or string ends no statement
        statements = con.extract_statements(path.read_text(encoding="utf-8"))
    except Exception as error:  # duckdb.ParserException
        log.warning("%s: %s; its views are skipped", path, str(error).splitlines()[0])
        return
    for statement in statements:
        try:
            con.execute(statement)
        except Exception as error:  # duckdb.CatalogException and friends: a base table is missing
            log.info("view skipped for now: %s", str(error).splitlines()[0])
