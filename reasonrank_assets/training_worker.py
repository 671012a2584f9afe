"""Training worker: one training stage in its own process.

    python -m reasonrank_assets.training_worker STAGE CONFIG_JSON
    accelerate launch --config_file docs/accelerate/... -m reasonrank_assets.training_worker STAGE CONFIG_JSON

STAGE is `sft`, `rollouts` or `refine`. CONFIG_JSON is a path to a JSON file (or an inline JSON
object) with the keys:

    examples     path of the `training_examples` rows (.parquet or .jsonl)        all stages
    output_dir   directory of the stage's outputs                                 all stages
    profile      "gpu" (default: the method's recipe) or "cpu" (`cpu_profile()`)  optional
    settings     {field: value} overriding SFTSettings / RolloutSettings /       optional
                 RefineSettings (refine: "method" chooses grpo | reward_weighted)
    checkpoint   the SFT student to start from (the SFT manifest's `checkpoint`) rollouts, refine
    rollouts     path of the `refinement_rollouts` rows (.parquet or .jsonl)      refine, reward_weighted

Outputs: `sft` and `refine` write the model directories and `manifest.json` into output_dir (layout
in `reasonrank_assets.core.training.runs`); `rollouts` writes `output_dir/rollouts.jsonl` (the
`refinement_rollouts` rows) and a `manifest.json` summary. A re-run with the same output_dir resumes
from the last checkpoint; a finished run with the same inputs is not repeated.

Reporting: launched by Dagster Pipes (`DAGSTER_PIPES_CONTEXT` set), each Trainer log line goes to the
Dagster log (step rate, ETA, loss), the manifest goes back as a custom message, and the asset materialization carries the
metrics, a loss/reward table and a plot. Otherwise each log line is one JSON object on stdout and the
last line is the result (`{"result": ...}`). Under `accelerate launch`, only rank 0 reports.
"""

from __future__ import annotations

import base64
import json
import math
import os
import sys
from contextlib import ExitStack
from pathlib import Path

from reasonrank_assets.core.progress import training_reporter
from reasonrank_assets.core.training.examples import load_rows
from reasonrank_assets.core.training.refine import train_refined
from reasonrank_assets.core.training.rollouts import cached_rollouts
from reasonrank_assets.core.training.settings import RefineSettings, RolloutSettings, SFTSettings
from reasonrank_assets.core.training.sft import train_sft
from reasonrank_assets.figures import plot_curves

STAGES = ("sft", "rollouts", "refine")


def read_config(argument: str) -> dict:
    text = argument if argument.lstrip().startswith("{") else Path(argument).read_text(encoding="utf-8")
    try:
        config = json.loads(text)
    except json.JSONDecodeError as error:
        raise SystemExit(f"train_worker: config {argument!r} is not valid JSON ({error})") from error
    for key in ("examples", "output_dir"):
        if key not in config:
            raise SystemExit(f"train_worker: config {argument!r} lacks the key {key!r}")
    return config


def build_settings(stage: str, config: dict):
    cls = {"sft": SFTSettings, "rollouts": RolloutSettings, "refine": RefineSettings}[stage]
    overrides = dict(config.get("settings") or {})
    profile = config.get("profile", "gpu")
    if profile == "gpu":
        return cls.from_dict(overrides)
    if profile != "cpu":
        raise SystemExit(f"train_worker: profile must be 'gpu' or 'cpu', not {profile!r}")
    if stage == "refine":
        base = RefineSettings.cpu_profile(overrides.pop("method", "grpo"))
    else:
        base = cls.cpu_profile()
    return cls.from_dict({**base.to_dict(), **overrides})


def run_stage(stage: str, config: dict, progress=None) -> dict:
    """Run one stage from a config dict; return the manifest (or the rollouts summary)."""
    settings = build_settings(stage, config)
    examples = load_rows(Path(config["examples"]))
    output_dir = Path(config["output_dir"])
    if stage == "sft":
        return train_sft(examples, settings, output_dir, progress=progress)
    checkpoint = Path(_require(config, "checkpoint"))
    if stage == "rollouts":
        return cached_rollouts(examples, checkpoint, settings, output_dir)
    rollouts = load_rows(Path(config["rollouts"])) if config.get("rollouts") else None
    return train_refined(examples, rollouts, checkpoint, settings, output_dir, progress=progress)


def _require(config: dict, key: str):
    if not config.get(key):
        raise SystemExit(f"train_worker: this stage needs the config key {key!r}")
    return config[key]


def _is_main_process() -> bool:
    return int(os.environ.get("RANK", "0")) == 0


def materialization_metadata(manifest: dict) -> dict:
    """Pipes metadata: scalar metrics, the checkpoint path, the curves as a table and a plot."""
    import tempfile

    metadata: dict = {k: v for k, v in dagster_metadata_values(manifest).items()}
    metadata["checkpoint"] = {"raw_value": manifest["checkpoint"], "type": "path"}
    metadata["training_set_version"] = manifest["training_set_version"]
    metadata["method"] = manifest["method"]
    metadata["curves"] = {"raw_value": curves_markdown(manifest), "type": "md"}
    if manifest["metrics"]["loss_curve"]:
        with tempfile.TemporaryDirectory() as tmp:
            png = plot_curves(manifest, Path(tmp) / "curves.png").read_bytes()
        image = base64.b64encode(png).decode()
        metadata["curves_plot"] = {"raw_value": f"![curves](data:image/png;base64,{image})", "type": "md"}
    return metadata


def curves_markdown(manifest: dict) -> str:
    """Loss (and reward) per logged step as a Markdown table."""
    metrics = manifest["metrics"]
    rewards_by_step = {p["step"]: p.get("reward") for p in metrics.get("reward_curve", [])}
    lines = ["| step | loss | reward |", "| ---: | ---: | ---: |"]
    for point in metrics["loss_curve"]:
        reward = rewards_by_step.get(point["step"])
        lines.append(f"| {point['step']} | {point['loss']:.4f} | {'' if reward is None else f'{reward:.3f}'} |")
    return "\n".join(lines)


def dagster_metadata_values(manifest: dict) -> dict:
    """Plain metadata values (numbers, text) the worker reports; curves go as table and plot."""
    metrics = manifest["metrics"]
    values = {k: v for k, v in metrics.items() if isinstance(v, int | float) and not isinstance(v, bool)}
    values = {k: (round(v, 6) if isinstance(v, float) and math.isfinite(v) else v) for k, v in values.items()}
    return values


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 2 or argv[0] not in STAGES:
        print(__doc__, file=sys.stderr)
        return 2
    stage, config = argv[0], read_config(argv[1])
    piped = bool(os.environ.get("DAGSTER_PIPES_CONTEXT")) and _is_main_process()
    with ExitStack() as stack:
        if piped:
            from dagster_pipes import open_dagster_pipes

            pipes = stack.enter_context(open_dagster_pipes())
            progress = training_reporter(stage, pipes.log.info)  # step rate, ETA, loss into the Dagster log
        else:
            progress = lambda logs: print(json.dumps(logs, default=str), flush=True)  # noqa: E731
        result = run_stage(stage, config, progress=progress if _is_main_process() else None)
        if not _is_main_process():
            return 0
        if piped:
            pipes.report_custom_message(result)
            if stage != "rollouts" and pipes.is_asset_step and len(pipes.asset_keys) == 1:
                pipes.report_asset_materialization(metadata=materialization_metadata(result))
        else:
            print(json.dumps({"result": result}, default=str), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
