"""Write one project's workbook: layout + (optional) inputs + cached results from the engine."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from perfeval_xl.engine.evaluate import evaluate
from perfeval_xl.engine.profile import ScoringProfile
from perfeval_xl.layout.build import build_layout
from perfeval_xl.layout.contract import WorkbookLayout
from perfeval_xl.layout.flavour import NATIVE, Flavour
from perfeval_xl.layout.mapping import expected_values, input_values
from perfeval_xl.model import Batch, Project, ProjectInputs
from perfeval_xl.model.framework import Framework
from perfeval_xl.writer.xlsx import write_workbook
from perfeval_xl.writer.xlwings_template import vba_project as template_vba_project


def issue_date(batch: Batch) -> dt.datetime:
    """The fixed document date of a batch's workbooks (keeps output byte-identical)."""
    return dt.datetime(batch.year + 1, 1, 1)


def write_project(
    path: Path,
    batch: Batch,
    project: Project,
    profile: ScoringProfile,
    framework: Framework,
    inputs: ProjectInputs | None = None,
    layout: WorkbookLayout | None = None,
    flavour: Flavour = NATIVE,
    vba_project: bytes | None = None,
) -> WorkbookLayout:
    """Write the workbook; formula cells carry the engine's results for `inputs` (blank when None).

    A macro flavour (xlwings) gets `vba_project`, read from the installed xlwings when not given;
    `path` should then end in the flavour's suffix (.xlsm).
    """
    layout = layout or build_layout(batch, project, profile, framework, flavour=flavour)
    if flavour.macros and vba_project is None:
        vba_project = template_vba_project()
    filled = inputs or ProjectInputs(project_id=project.id)
    result = evaluate(project, filled, profile)
    write_workbook(
        layout,
        path,
        password=batch.protection_password,
        created=issue_date(batch),
        title=f"{batch.year}年度项目支出绩效自评：{project.name}",
        author=batch.bureau,
        inputs=input_values(layout, project, filled, profile.not_applicable_label) if inputs else None,
        cached=expected_values(layout, project, result),
        vba_project=vba_project if flavour.macros else None,
    )
    return layout
