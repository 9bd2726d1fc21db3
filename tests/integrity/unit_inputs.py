"""A unit filling in its form: the sample inputs typed into the input cells, by openpyxl or in the XML."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal
from functools import cache
from pathlib import Path

from openpyxl import Workbook

from perfeval_xl.layout.build import build_layout
from perfeval_xl.layout.mapping import input_values
from perfeval_xl.manifest.inputs_reader import read_inputs
from tests.integrity import xmledit
from tests.integrity.forms import ROOT, sample_manifest


@cache
def typed_inputs(project_id: str) -> tuple[tuple[str, str, str | Decimal], ...]:
    """(sheet, cell, value) of every input the sample inputs give for the project."""
    loaded = sample_manifest()
    assert loaded.manifest is not None and loaded.profile is not None
    project = loaded.manifest.project(project_id)
    assert project is not None
    inputs, _ = read_inputs(ROOT / "samples" / "inputs.yaml", loaded.manifest)
    layout = build_layout(loaded.manifest.batch, project, loaded.profile, loaded.frameworks[project.framework])
    values = input_values(layout, project, inputs[project_id], loaded.profile.not_applicable_label)
    out = []
    for key, value in values.items():
        found = layout.locate(key)
        assert found is not None and value is not None
        out.append((found[0], found[1].ref, value))
    return tuple(out)


def fill_openpyxl(project_id: str) -> Callable[[Workbook], None]:
    def fill(wb: Workbook) -> None:
        for sheet, ref, value in typed_inputs(project_id):
            wb[sheet][ref] = float(value) if isinstance(value, Decimal) else value
    return fill


def fill_xml(src: Path, project_id: str) -> dict[str, Callable[[str], str]]:
    """Sheet edits writing every input (numbers as <v>, text inline)."""
    by_sheet: dict[str, list[tuple[str, str | Decimal]]] = defaultdict(list)
    for sheet, ref, value in typed_inputs(project_id):
        by_sheet[sheet].append((ref, value))

    def editor(cells: list[tuple[str, str | Decimal]]) -> Callable[[str], str]:
        def edit(xml: str) -> str:
            for ref, value in cells:
                xml = xmledit.set_cell(xml, ref, value)
            return xml
        return edit
    return {sheet: editor(cells) for sheet, cells in by_sheet.items()}
