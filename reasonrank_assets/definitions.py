"""The reasonrank code location: every stage of the method as one lineage graph."""


import os

import dagster as dg

from reasonrank_assets.defs import automation, data, evaluation, teacher, training
from reasonrank_assets.defs.resources import Project, Teacher, WarehouseIOManager

HOME = os.environ.get("REASONRANK_HOME", ".reasonrank")

defs = dg.Definitions(
    assets=dg.load_assets_from_modules([data, teacher, training, evaluation]),
    asset_checks=dg.load_asset_checks_from_modules([data, teacher, training, evaluation]),
    jobs=automation.JOBS,
    schedules=[automation.weekly_page_refresh],
    sensors=[automation.new_stackexchange_dump],
    resources={
        "io_manager": WarehouseIOManager(home=HOME),
        "project": Project(home=HOME),
        "teacher_llm": Teacher(),
    },
)
