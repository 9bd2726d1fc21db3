"""Read the bureau's Excel manifest (.xlsx) into the reader-neutral RawManifest.

One sheet per table of manifest.fields (批次信息 is a 信息项/内容 sheet); the builder
validates the values, so this module only finds sheets, headers and cells.
"""

from __future__ import annotations

from pathlib import Path

from perfeval_xl.findings import Location, finding
from perfeval_xl.manifest.excel_sheets import ExcelBook, WorkbookUnreadable, read_key_values, read_table
from perfeval_xl.manifest.fields import BATCH, TABLES
from perfeval_xl.manifest.raw import RawManifest


def read_excel_manifest(path: Path) -> RawManifest:
    raw = RawManifest(source=str(path))
    try:
        with ExcelBook(path) as book:
            for table in TABLES:
                sheet = book.sheet_name(table)
                if sheet is None:
                    # A missing 批次信息 leaves raw.batch unset, which the builder reports.
                    if table is not BATCH and not table.optional:
                        raw.findings.append(finding("MANIFEST_SHEET_MISSING", Location(file=str(path)),
                                                    sheet=table.sheet))
                    continue
                reader = read_key_values if table.key_value else read_table
                read = reader(book.grid(sheet), table, str(path), sheet)
                raw.findings.extend(read.findings)
                if table is BATCH:
                    raw.batch = read.rows[0]
                else:
                    raw.tables[table.key] = read.rows
    except WorkbookUnreadable as exc:
        return RawManifest(source=str(path), findings=[
            finding("MANIFEST_UNREADABLE", Location(file=str(path)), detail=str(exc))])
    return raw
