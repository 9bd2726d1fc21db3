"""Write the manifest as an Excel workbook: a blank template, or an existing manifest.

Sheets, headers, validation lists and help all come from manifest.fields; the
framework and profile lists from the library. Reading the written workbook with
read_manifest gives back the same manifest.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from perfeval_xl.manifest.excel_layout import Choices, save_workbook, write_key_value_sheet, write_table_sheet
from perfeval_xl.manifest.export import ManifestRows, rows_from_model, rows_from_raw
from perfeval_xl.manifest.fields import TABLES
from perfeval_xl.manifest.instructions import SHEET_NAME, write_instructions
from perfeval_xl.manifest.library import framework_names, profile_names
from perfeval_xl.manifest.raw import RawManifest
from perfeval_xl.model import Manifest


def manifest_choices() -> Choices:
    """Drop-down lists for fields whose choices live in the library, not in fields.py."""
    return {"framework": framework_names(), "profile": profile_names()}


def manifest_workbook(rows: ManifestRows | None = None) -> Workbook:
    """The 说明 sheet, then one sheet per table (blank when `rows` is None)."""
    rows = rows or ManifestRows()
    choices = manifest_choices()
    workbook = Workbook()
    write_instructions(workbook.active, TABLES, choices)
    workbook.active.title = SHEET_NAME
    for table in TABLES:
        ws = workbook.create_sheet(table.sheet)
        if table.key_value:
            write_key_value_sheet(ws, table, rows.batch, choices)
        else:
            write_table_sheet(ws, table, rows.tables.get(table.key, []), choices)
    return workbook


def write_manifest_template(path: str | Path) -> None:
    save_workbook(manifest_workbook(), path)


def write_manifest_workbook(source: Manifest | RawManifest, path: str | Path) -> None:
    """Export a manifest: a RawManifest is written as read (errors and all), a Manifest
    model with every indicator of every project spelled out."""
    rows = rows_from_raw(source) if isinstance(source, RawManifest) else rows_from_model(source)
    save_workbook(manifest_workbook(rows), path)
