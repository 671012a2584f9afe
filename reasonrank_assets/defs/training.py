"""Student training: SFT distillation, rollouts, refinement. Each trains in a subprocess through
Dagster Pipes, so the same asset runs under `accelerate launch` (multi-GPU, DeepSpeed) on a GPU node."""


import json
import sys
from pathlib import Path

import dagster as dg
import pydantic

from reasonrank_assets.core.training.runs import CODE_VERSION
from reasonrank_assets.core.training.settings import RefineSettings, RolloutSettings, SFTSettings
from reasonrank_assets.defs.config import config_class
from reasonrank_assets.defs.partitions import RETRAIN
from reasonrank_assets.defs.resources import Project

GROUP = "training"
SFTSettingsConfig = config_class(SFTSettings, "SFTSettingsConfig", SFTSettings.cpu_profile())
RolloutSettingsConfig = config_class(RolloutSettings, "RolloutSettingsConfig", RolloutSettings.cpu_profile())
RefineSettingsConfig = config_class(RefineSettings, "RefineSettingsConfig", RefineSettings.cpu_profile())
WORKER = "reasonrank_assets.training_worker"


class Launch(dg.Config):
    """`launcher` replaces this Python before `-m <worker>`, e.g.
    ["accelerate", "launch", "--config_file", "deepspeed.yaml"]."""

    launcher: list[str] = pydantic.Field(default=[], description="a command run instead of this Python before `-m <worker>`")


class StudentSFTConfig(SFTSettingsConfig, Launch):
    pass


class RefinementRolloutsConfig(RolloutSettingsConfig, Launch):
    pass


class StudentRefinedConfig(RefineSettingsConfig, Launch):
    pass


def _train(context: dg.AssetExecutionContext, stage: str, launcher: list[str], job: dict, output_dir: Path) -> dict:
    """Run one training stage in a subprocess; return the manifest it writes."""
    output_dir.mkdir(parents=True, exist_ok=True)
    job_file = output_dir / "job.json"
    job_file.write_text(json.dumps(job, indent=2, default=str))
    command = [*(launcher or [sys.executable]), "-m", WORKER, stage, str(job_file)]
    invocation = dg.PipesSubprocessClient().run(command=command, context=context)
    reported = {}
    for result in invocation.get_results():
        reported.update(getattr(result, "metadata", None) or {})
    context.add_output_metadata(reported)
    return json.loads((output_dir / "manifest.json").read_text())


def _examples_file(project: Project) -> str:
    return str(project.warehouse.file("training_examples"))


@dg.asset(group_name=GROUP, kinds={"pytorch", "trl"}, code_version=CODE_VERSION,
    automation_condition=RETRAIN, metadata={"table": "model_checkpoints"}, deps=["training_examples"])
def student_sft(context: dg.AssetExecutionContext, config: StudentSFTConfig, project: Project) -> dg.Output:
    """The student distilled from the teacher by SFT on both tasks (loss on the completion only)."""
    settings = config.to_settings()
    output_dir = project.path("models", "student_sft")
    job = {"examples": _examples_file(project), "settings": settings.to_dict(), "output_dir": str(output_dir)}
    return dg.Output([manifest_row(_train(context, "sft", config.launcher, job, output_dir))])


@dg.asset(group_name=GROUP, kinds={"pytorch"}, code_version=CODE_VERSION,
    automation_condition=RETRAIN, deps=["training_examples"])
def refinement_rollouts(context: dg.AssetExecutionContext, config: RefinementRolloutsConfig, project: Project, student_sft: list[dict]) -> dg.Output:
    """k explanations per training pair sampled from the SFT student at T=1.0 and scored, paid once."""
    settings = config.to_settings()
    output_dir = project.path("rollouts")
    job = {"examples": _examples_file(project), "checkpoint": student_sft[0]["checkpoint"], "settings": settings.to_dict(), "output_dir": str(output_dir)}
    _train(context, "rollouts", config.launcher, job, output_dir)
    # A list return after a Pipes session reads as a list of events: wrap it in an Output.
    return dg.Output([json.loads(line) for line in (output_dir / "rollouts.jsonl").read_text().splitlines() if line])


@dg.asset(
    group_name=GROUP,
    kinds={"pytorch", "trl"},
    code_version=CODE_VERSION,
    automation_condition=RETRAIN,
    metadata={"table": "model_checkpoints"},
    deps=["training_examples", "refinement_rollouts"],
)
def student_refined(context: dg.AssetExecutionContext, config: StudentRefinedConfig, project: Project, student_sft: list[dict]) -> dg.Output:
    """The SFT student refined by GRPO (online, verifiable rewards) or by reward-weighted
    fine-tuning on the rollouts (the official code's method), as configured."""
    settings = config.to_settings()
    output_dir = project.path("models", "student_refined")
    job = {
        "examples": _examples_file(project),
        "rollouts": str(project.warehouse.file("refinement_rollouts")),
        "checkpoint": student_sft[0]["checkpoint"],
        "settings": settings.to_dict(),
        "output_dir": str(output_dir),
    }
    return dg.Output([manifest_row(_train(context, "refine", config.launcher, job, output_dir))])


def manifest_row(manifest: dict) -> dict:
    """The manifest as a `model_checkpoints` row (config and metrics as JSON text)."""
    keys = (
        "checkpoint_id", "stage", "method", "base_model", "init_checkpoint", "training_set_version",
        "n_examples", "checkpoint", "adapter", "weights", "merged", "code_version", "created_at",
    )  # fmt: skip
    row = {key: manifest.get(key) for key in keys}
    row["config"] = json.dumps(manifest["config"], sort_keys=True)
    row["metrics"] = json.dumps(manifest["metrics"], sort_keys=True)
    return row
