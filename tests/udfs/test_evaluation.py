"""The same filled xlwings-flavour workbooks evaluated three ways give the engine's values:

1. `formulas` with the perfeval_xl UDFs registered as custom functions (the UDF branch, as in
   Windows Excel with Python and xlwings);
2. `formulas` without them (the IFERROR fallback: #NAME?, as in Excel without Python);
3. LibreOffice (the fallback as well: it knows no PE_ function).

Every keyed formula cell of the written files holds a wrong cached value first (a sentinel), so a
right value afterwards was computed. A fourth run replaces every native fallback by a poison value
to show that with the UDFs registered each wrapped cell is computed by its UDF alone.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from perfeval_xl import udfs
from perfeval_xl.engine.excel import text
from perfeval_xl.layout import a1
from perfeval_xl.layout.contract import Role, WorkbookLayout
from perfeval_xl.layout.flavour import ENGINE_NATIVE, ENGINE_PYTHON, XlwingsFlavour
from perfeval_xl.layout.mapping import Value
from perfeval_xl.libreoffice import recalculate
from tests.support.formulas_eval import computed_values, udf_functions
from tests.support.sentinel import set_cached_values
from tests.support.xlwings_books import Book, books

STALE = 987.65
STALE_TEXT = "陈旧"
POISON = -999.0
POISON_TEXT = "POISON"


@dataclass(frozen=True)
class Written:
    book: Book
    path: Path
    layout: WorkbookLayout
    expected: dict[str, Value]

    @property
    def status_cell(self) -> tuple[str, str]:
        (found,) = [(s.name, c.ref) for s in self.layout.sheets for c in s.cells if "PE_ENGINE" in (c.formula or "")]
        return found


def write_with_sentinels(book: Book, folder: Path, flavour: XlwingsFlavour) -> Written:
    path, layout = book.write(folder, flavour)
    stale: dict[str, dict[str, float | str]] = defaultdict(dict)
    for sheet, cell in layout.keyed(Role.FORMULA):
        stale[sheet][cell.ref] = STALE
    written = Written(book, path, layout, book.expected(layout))
    sheet, ref = written.status_cell
    stale[sheet][ref] = STALE_TEXT
    for sheet, values in stale.items():
        set_cached_values(path, sheet, values)
    return written


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Written]:
    folder = tmp_path_factory.mktemp("xlwings-books")
    return {book.name: write_with_sentinels(book, folder, XlwingsFlavour()) for book in books()}


def same(expected: Value, got: object) -> bool:
    if expected == "":
        return got in ("", None)
    if isinstance(expected, Decimal):
        return isinstance(got, (int, float)) and abs(float(expected) - got) <= 1e-9 * max(1.0, abs(got))
    return expected == got


def mismatches(w: Written, value: Callable[[str, str], object], expected: dict[str, Value] | None = None) -> list:
    expected = expected or w.expected
    out = []
    for sheet, cell in w.layout.keyed(Role.FORMULA):
        got = value(sheet, cell.ref)
        if not same(expected[cell.key], got):
            out.append((cell.key, expected[cell.key], got, cell.formula))
    return out


def from_formulas(values: dict[tuple[str, str], object]) -> Callable[[str, str], object]:
    return lambda sheet, ref: values.get((sheet.upper(), ref))


NAMES = [b.name for b in books()]


@pytest.mark.parametrize("name", NAMES)
def test_formulas_with_udfs(written: dict[str, Written], name: str) -> None:
    w = written[name]
    values = computed_values(w.path, udf_functions(udfs))
    assert mismatches(w, from_formulas(values)) == []
    assert values[(w.status_cell[0].upper(), w.status_cell[1])] == ENGINE_PYTHON


@pytest.mark.parametrize("name", NAMES)
def test_formulas_without_udfs(written: dict[str, Written], name: str) -> None:
    w = written[name]
    values = computed_values(w.path)
    assert mismatches(w, from_formulas(values)) == []
    assert values[(w.status_cell[0].upper(), w.status_cell[1])] == ENGINE_NATIVE


@pytest.mark.libreoffice
def test_libreoffice(written: dict[str, Written], soffice: Path, tmp_path: Path) -> None:
    outputs = recalculate([w.path for w in written.values()], tmp_path, soffice=soffice)
    for w, output in zip(written.values(), outputs):
        book = CalamineWorkbook.from_path(str(output))
        sheets: dict[str, list[list[object]]] = {}

        def value(sheet: str, ref: str) -> object:
            rows = sheets.setdefault(sheet, book.get_sheet_by_name(sheet).to_python())
            row, col = (n - 1 for n in a1.parse(ref))
            return rows[row][col] if row < len(rows) and col < len(rows[row]) else None

        assert mismatches(w, value) == [], w.book.name
        assert value(*w.status_cell) == ENGINE_NATIVE


@dataclass(frozen=True)
class PoisonedFallback(XlwingsFlavour):
    """The UDF call with a poison value where the native formula would be."""

    def wrap(self, native: str, udf_call: str) -> str:
        return super().wrap(f"={POISON}", udf_call)

    def wrap_choice(self, native: str, udf_call: str, choices) -> str:
        return super().wrap_choice(f"={text(POISON_TEXT)}", udf_call, choices)


# Filled books: every scored cell has a value, except execution rates of sources without a budget,
# which no other cell reads (there a UDF answering "" falls back, and shows the poison).
FILLED = ["seed_S000", "seed_S001", "seed_S002", "kinds_filled_default", "kinds_filled_provincial",
          "kinds_filled_na"]


@pytest.mark.parametrize("name", FILLED)
def test_each_wrapped_cell_is_computed_by_its_udf(name: str, tmp_path: Path) -> None:
    book = next(b for b in books() if b.name == name)
    w = write_with_sentinels(book, tmp_path, PoisonedFallback())
    wrapped = {c.key for s in w.layout.sheets for c in s.cells if c.key and "PE_" in (c.formula or "")}
    blank = {key for key in wrapped if w.expected[key] == ""}
    assert len(wrapped) >= 17 and all(key.startswith("fund:") for key in blank)
    values = computed_values(w.path, udf_functions(udfs))
    expected = {key: Decimal(POISON) if key in blank else value for key, value in w.expected.items()}
    assert mismatches(w, from_formulas(values), expected) == []
    assert POISON_TEXT not in values.values()
