"""Resources: where the project keeps its files, the warehouse IO manager, the teacher endpoint."""


import json
from pathlib import Path
from typing import Any

import dagster as dg

from reasonrank_assets.core import embedded
from reasonrank_assets.core.evaluation.rerank import EXPLAIN_BUDGET
from reasonrank_assets.core.models import QWEN_CODER
from reasonrank_assets.core.teacher.settings import TeacherSettings
from reasonrank_assets.core.warehouse import Warehouse
from reasonrank_assets.defs.config import config_class


def warehouse_at(home: str) -> Warehouse:
    """The project's and the IO manager's one idea of where tables live."""
    return Warehouse(Path(home).resolve() / "warehouse")


class Project(dg.ConfigurableResource):
    """Where the project keeps its state, and which data it reads.

    `inbox` holds StackExchange dumps (`<site>/Posts.xml` or `<site>.7z`); `warc_files` are page
    sources read before any crawl; `benchmarks` maps a benchmark name to its loader spec
    (see `core.benchmarks.load_benchmark`). Defaults are the embedded sample, and NovelEval (shipped
    in the package) as the one benchmark nobody here wrote.
    """

    home: str = ".reasonrank"
    inbox: str = str(embedded.STACKEXCHANGE_DIR)
    warc_files: list[str] = [str(embedded.WARC_PATH)]
    benchmarks: dict[str, str] = {"embedded": "embedded", "noveleval": f"noveleval:{embedded.NOVELEVAL_DIR}"}

    @property
    def root(self) -> Path:
        return Path(self.home).resolve()

    @property
    def warehouse(self) -> Warehouse:
        return warehouse_at(self.home)

    def path(self, *parts: str) -> Path:
        path = self.root.joinpath(*parts)
        path.mkdir(parents=True, exist_ok=True)
        return path


class WarehouseIOManager(dg.ConfigurableIOManager):
    """Stores each table asset as Parquet in the warehouse, one file per partition.

    An asset's table is named after the asset unless its definition metadata names another
    (`{"table": "model_checkpoints"}`): then the asset's rows land in that table's partition named
    after the asset, which is how both students share one checkpoint table.
    """

    home: str = ".reasonrank"

    @property
    def warehouse(self) -> Warehouse:
        return warehouse_at(self.home)

    @staticmethod
    def _location(asset_key: dg.AssetKey, metadata: dict, partition: str | None) -> tuple[str, str | None]:
        name = asset_key.path[-1]
        shared = metadata.get("table")
        if shared is not None:
            return str(getattr(shared, "value", shared)), name
        return name, partition

    def handle_output(self, context: dg.OutputContext, obj: list[dict] | None) -> None:
        if obj is None:
            return
        partition = context.partition_key if context.has_partition_key else None
        table, key = self._location(context.asset_key, context.definition_metadata or {}, partition)
        written = self.warehouse.write(table, obj, key)
        context.add_output_metadata(
            {
                "dagster/row_count": written.rows,
                "table": table,
                "path": dg.MetadataValue.path(str(written.path)),
                "bytes": written.bytes,
                "preview": dg.MetadataValue.md(markdown_preview(obj)),
            }
        )

    def load_input(self, context: dg.InputContext) -> list[dict]:
        upstream = context.upstream_output
        table, key = self._location(context.asset_key, (upstream.definition_metadata if upstream else None) or {}, None)
        if key is not None:
            return self.warehouse.read(table, [key])
        if context.has_asset_partitions:
            return self.warehouse.read(table, context.asset_partition_keys)
        return self.warehouse.read(table, [None])


def markdown_preview(rows: list[dict], limit: int = 20, width: int = 60) -> str:
    if not rows:
        return "_no rows_"
    columns = list(rows[0])

    def cell(value: Any) -> str:
        text = value if isinstance(value, str) else json.dumps(value, default=str)
        text = text.replace("|", "\\|").replace("\n", " ")
        return text if len(text) <= width else text[: width - 1] + "…"

    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(cell(row.get(c)) for c in columns) + " |" for row in rows[:limit]]
    return "\n".join(lines)


# The teacher LLM: any OpenAI-compatible endpoint, or a local transformers model. The API key is
# never a field: `api_key_env` names the environment variable that holds it. Defaults: the
# embedded demo's local Qwen2.5-Coder-1.5B, whose answers to the embedded default ship as a
# recording (no live call unless a prompt or a setting changed); an explanation budget from its
# measured lengths (the method: up to 1024 tokens); a label forced when an answer has none.
Teacher = config_class(
    TeacherSettings,
    "Teacher",
    TeacherSettings(
        backend="transformers", model=QWEN_CODER, max_tokens=EXPLAIN_BUDGET, query_max_tokens=128, force_label=True, batch_size=8,
        recording=str(embedded.TEACHER_RECORDING),
    ),  # fmt: skip
    base=dg.ConfigurableResource,
)
