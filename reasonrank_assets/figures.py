"""PNG figures a user opens outside Dagster: the score chart, the teacher's label distribution,
the training curves. Written by `reasonrank demo` (under the project home) and `reasonrank evaluate --plot`."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from reasonrank_assets.core.evaluation import metrics
from reasonrank_assets.core.io import atomic_path


def label_distribution_png(judgments: list[dict], path: Path) -> Path:
    """Stacked bars per site: the teacher's labels 0/1/2 as written, as forced, and no label."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    from reasonrank_assets.core.prompts import FORCED

    sites = sorted({row["site"] for row in judgments})
    counts = Counter(
        (row["site"], "no label" if row["label"] is None else f"{row['label']}{' (forced)' if row['parse_status'] == FORCED else ''}")
        for row in judgments
    )
    kinds = [k for k in ("0", "1", "2", "0 (forced)", "1 (forced)", "2 (forced)", "no label") if any(counts[(s, k)] for s in sites)]
    colours = {"0": "#4c72b0", "1": "#dd8452", "2": "#55a868", "no label": "#999999"}
    figure = Figure(figsize=(7, 1.2 + 0.6 * len(sites)), layout="constrained")
    axes = figure.subplots()
    left = [0] * len(sites)
    for kind in kinds:
        widths = [counts[(s, kind)] for s in sites]
        forced = kind.endswith("(forced)")
        axes.barh(sites, widths, left=left, label=kind, color=colours[kind[0] if forced else kind], hatch="//" if forced else None,
                  alpha=0.55 if forced else 1.0, edgecolor="white")
        left = [a + b for a, b in zip(left, widths)]
    axes.set_xlabel("pairs")
    axes.set_title("teacher labels per site (hatched: forced from the label probabilities)", fontsize="medium")
    axes.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1, 1))
    return _save(figure, path)


def _save(figure, path: Path) -> Path:
    with atomic_path(path) as tmp:
        figure.savefig(tmp, format="png", dpi=100)
    return Path(path)


def score_chart(rows: list[dict], path: Path) -> Path:
    """The nDCG@10 bar chart of `benchmark_scores`-style rows."""
    with atomic_path(path) as tmp:
        tmp.write_bytes(metrics.score_chart_png([r for r in rows if r["measure"] == metrics.HEADLINE]))
    return Path(path)


def training_curves(manifest_file: Path, path: Path) -> Path | None:
    """The loss (and reward) curves of a finished training stage; None when it logged none."""
    manifest = json.loads(Path(manifest_file).read_text())
    if not manifest.get("metrics", {}).get("loss_curve"):
        return None
    return plot_curves(manifest, path)


def plot_curves(manifest: dict, path: Path) -> Path:
    """A PNG of the loss curve (and the mean reward, when refined by GRPO)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    metrics = manifest["metrics"]
    panels = [("loss", metrics["loss_curve"])] + ([("reward", metrics["reward_curve"])] if metrics.get("reward_curve") else [])
    figure, axes = plt.subplots(1, len(panels), figsize=(5 * len(panels), 3.2), squeeze=False)
    for axis, (name, points) in zip(axes[0], panels, strict=True):
        axis.plot([p["step"] for p in points], [p[name] for p in points], marker="." if len(points) < 50 else None)
        axis.set_xlabel("step")
        axis.set_ylabel(name)
        axis.grid(alpha=0.3)
    figure.suptitle(f"{manifest['stage']} ({manifest['method']})")
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)
    return Path(path)
