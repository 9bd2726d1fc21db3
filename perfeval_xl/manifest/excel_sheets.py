"""Read spec tables out of a workbook with python-calamine.

Sheets are found by name or alias, the header row by content (the template puts a
title row above it), columns by header or alias in any order. Every value keeps its
cell: Location(file, sheet, 1-based row, "F 年度指标值"). Shared by the manifest and
the inputs readers; nothing here knows what the tables mean.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import python_calamine
from openpyxl.utils.cell import get_column_letter

from perfeval_xl.findings import Finding, Location, finding
from perfeval_xl.manifest.fields import FieldSpec, TableSpec, normalise_header
from perfeval_xl.manifest.raw import RawRow

HEADER_SCAN_ROWS = 10  # the header row is looked for in the first rows only

Grid = list[list[object]]


class WorkbookUnreadable(Exception):
    """The file is not a workbook calamine can open; the message says why."""


@dataclass(frozen=True)
class Column:
    index: int  # 0-based
    spec: FieldSpec
    label: str  # "F 年度指标值": letter and header as written in the file


@dataclass
class SheetTable:
    """A table read from one sheet: its data rows and what was wrong with its layout."""

    rows: list[RawRow]
    findings: list[Finding]


class ExcelBook:
    """An open workbook (a context manager): sheet lookup by spec, grids kept from A1."""

    def __init__(self, path: Path) -> None:
        try:
            self._book = python_calamine.CalamineWorkbook.from_path(str(path))
        except (python_calamine.CalamineError, OSError, ValueError) as exc:
            raise WorkbookUnreadable(str(exc).splitlines()[0] if str(exc) else type(exc).__name__) from exc

    def __enter__(self) -> ExcelBook:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._book.close()

    def sheet_name(self, table: TableSpec) -> str | None:
        """The workbook's own name of the sheet for `table` (by name or alias), or None."""
        wanted = {_sheet_key(name) for name in (table.sheet, *table.sheet_aliases)}
        for name in self._book.sheet_names:
            if _sheet_key(name) in wanted:
                return name
        return None

    def grid(self, sheet: str) -> Grid:
        try:
            return self._book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
        except python_calamine.CalamineError as exc:
            raise WorkbookUnreadable(f"{sheet}: {exc}") from exc


def cell_value(value: object) -> object:
    """A calamine value as the builder expects it: blank (and error cells) -> None,
    whole floats -> int (calamine returns 15 as 15.0); text is kept as text ("00123")."""
    if isinstance(value, str):
        return value if value.strip() else None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


class RowCells(Mapping[str, Location]):
    """The cell of each field of one data row, built only when asked for: a large
    manifest has ~10⁶ cells and only those with findings are ever located."""

    __slots__ = ("_file", "_sheet", "_row", "_labels")

    def __init__(self, file: str, sheet: str, row: int, labels: Mapping[str, str]) -> None:
        self._file, self._sheet, self._row, self._labels = file, sheet, row, labels

    def __getitem__(self, key: str) -> Location:
        return Location(file=self._file, sheet=self._sheet, row=self._row, column=self._labels[key])

    def __iter__(self) -> Iterator[str]:
        return iter(self._labels)

    def __len__(self) -> int:
        return len(self._labels)


def column_label(index: int, header: object) -> str:
    text = "".join(str(header).split()).replace("*", "")
    return f"{get_column_letter(index + 1)} {text}"


def read_table(grid: Grid, table: TableSpec, file: str, sheet: str) -> SheetTable:
    """One RawRow per non-blank data row below the header row."""
    header_map = table.header_map()
    header_index = _find_header_row(grid, header_map)
    sheet_loc = Location(file=file, sheet=sheet)
    if header_index is None:
        return SheetTable([], [finding("MANIFEST_HEADER_MISSING", sheet_loc, sheet=sheet, header=spec.header)
                               for spec in table.fields if spec.required])
    header_loc = sheet_loc.model_copy(update={"row": header_index + 1})
    columns, findings = _map_columns(grid[header_index], table, header_map, header_loc, sheet)
    labels = {col.spec.key: col.label for col in columns}
    rows: list[RawRow] = []
    for index in range(header_index + 1, len(grid)):
        cells = grid[index]
        values = {col.spec.key: cell_value(cells[col.index]) if col.index < len(cells) else None for col in columns}
        if all(v is None for v in values.values()):
            continue
        origin = Location(file=file, sheet=sheet, row=index + 1)
        rows.append(RawRow(values=values, locations=RowCells(file, sheet, index + 1, labels), origin=origin))
    return SheetTable(rows, findings)


def read_key_values(grid: Grid, table: TableSpec, file: str, sheet: str) -> SheetTable:
    """A 信息项/内容 sheet: labels in column A, values in column B, one row per field.

    Unrecognised labels above the first recognised one are the title and header rows;
    below it they are reported (when they carry a value) and ignored.
    """
    header_map = table.header_map()
    sheet_loc = Location(file=file, sheet=sheet)
    values: dict[str, object] = {}
    locations: dict[str, Location] = {}
    findings: list[Finding] = []
    started = False
    for index, cells in enumerate(grid):
        label = cell_value(cells[0]) if cells else None
        if label is None:
            continue
        value = cell_value(cells[1]) if len(cells) > 1 else None
        loc = sheet_loc.model_copy(update={"row": index + 1, "column": column_label(1, label)})
        spec = header_map.get(normalise_header(str(label)))
        if spec is None:
            if started and value is not None:
                findings.append(finding("MANIFEST_UNKNOWN_COLUMN", loc, sheet=sheet, header=str(label).strip()))
            continue
        started = True
        if spec.key in locations:
            findings.append(finding("MANIFEST_DUPLICATE_COLUMN", loc, sheet=sheet, header=spec.header))
            continue
        values[spec.key] = value
        locations[spec.key] = loc
    findings.extend(finding("MANIFEST_HEADER_MISSING", sheet_loc, sheet=sheet, header=spec.header)
                    for spec in table.fields if spec.required and spec.key not in locations)
    return SheetTable([RawRow(values=values, locations=locations, origin=sheet_loc)], findings)


def _find_header_row(grid: Grid, header_map: dict[str, FieldSpec]) -> int | None:
    """The row among the first few that names the most known columns (the first on a tie)."""
    best, best_index = 0, None
    for index, cells in enumerate(grid[:HEADER_SCAN_ROWS]):
        hits = len({header_map[key].key for key in (_header_key(c) for c in cells) if key in header_map})
        if hits > best:
            best, best_index = hits, index
    return best_index


def _header_key(cell: object) -> str | None:
    return normalise_header(cell) if isinstance(cell, str) and cell.strip() else None


def _map_columns(
    cells: list[object], table: TableSpec, header_map: dict[str, FieldSpec], header_loc: Location, sheet: str
) -> tuple[list[Column], list[Finding]]:
    columns: dict[str, Column] = {}
    findings: list[Finding] = []
    for index, cell in enumerate(cells):
        key = _header_key(cell)
        if key is None:
            continue
        label = column_label(index, cell)
        loc = header_loc.model_copy(update={"column": label})
        spec = header_map.get(key)
        if spec is None:
            findings.append(finding("MANIFEST_UNKNOWN_COLUMN", loc, sheet=sheet, header=str(cell).strip()))
        elif spec.key in columns:
            findings.append(finding("MANIFEST_DUPLICATE_COLUMN", loc, sheet=sheet, header=spec.header))
        else:
            columns[spec.key] = Column(index, spec, label)
    findings.extend(finding("MANIFEST_HEADER_MISSING", header_loc, sheet=sheet, header=spec.header)
                    for spec in table.fields if spec.required and spec.key not in columns)
    return list(columns.values()), findings


def _sheet_key(name: str) -> str:
    return "".join(unicodedata.normalize("NFKC", name).split())
