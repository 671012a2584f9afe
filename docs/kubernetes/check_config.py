"""Check docs/kubernetes/dagster.yaml against the installed dagster-k8s and Dagster schemas
(no cluster needed): `uv run --isolated --no-project --with dagster-k8s==0.29.27
--with dagster-postgres python docs/kubernetes/check_config.py`."""

import os
import sys
from pathlib import Path

import yaml
from dagster._config import process_config
from dagster._core.instance.config import dagster_instance_config_schema
from dagster_k8s import K8sRunLauncher

os.environ.setdefault("DAGSTER_PG_PASSWORD", "not-a-secret")  # the schema resolves env: values
config = yaml.safe_load((Path(__file__).parent / "dagster.yaml").read_text())
problems = []
for name, schema, value in [
    ("instance", dagster_instance_config_schema(), config),
    ("run_launcher", K8sRunLauncher.config_type(), config["run_launcher"]["config"]),
]:
    result = process_config(schema, value)
    problems += [f"{name}: {error.message}" for error in (result.errors or [])]
print("\n".join(problems) or "docs/kubernetes/dagster.yaml: valid for dagster-k8s K8sRunLauncher and the Dagster instance")
sys.exit(1 if problems else 0)
