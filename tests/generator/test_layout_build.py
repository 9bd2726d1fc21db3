"""Pieces of the layout build the intake repeats per file: the consistency check (build._check;
the fast comprehension test and the slow search for the offender both run, the errors in their
order), in-place cell replacement, and the wrapped-line count behind row heights."""

from __future__ import annotations

from dataclasses import replace

import pytest

from perfeval_xl.layout.build import _check
from perfeval_xl.layout.builder import wrapped_lines
from perfeval_xl.layout.contract import Cell, Role, SheetSpec, WorkbookLayout


def _layout(*sheets: list[Cell]) -> WorkbookLayout:
    return WorkbookLayout(version="v", project_id="P", sheets=[SheetSpec(f"S{i}", cells=list(cells))
                                                               for i, cells in enumerate(sheets)])


def test_a_consistent_layout_passes() -> None:
    _check(_layout([Cell("A1", Role.LABEL, "x"), Cell("B1", Role.FORMULA, formula="=A1", key="f")],
                   [Cell("A1", Role.INPUT, key="i")]))


def test_a_repeated_address_is_named_first() -> None:
    layout = _layout([Cell("A1", Role.LABEL, "x")],
                     [Cell("B2", Role.INPUT, key="k"), Cell("C3", Role.LABEL, "y"), Cell("B2", Role.FORMULA, key="k")])
    with pytest.raises(AssertionError, match=r"two cells at S1!B2"):
        _check(layout)


def test_repeated_keys_are_listed_sorted() -> None:
    layout = _layout([Cell("A1", Role.INPUT, key="b"), Cell("A2", Role.INPUT, key="a")],
                     [Cell("A1", Role.FORMULA, formula="x", key="a"), Cell("A2", Role.INPUT, key="b")])
    with pytest.raises(AssertionError, match=r"repeats keys \['a', 'b'\]"):
        _check(layout)


def test_the_first_formula_without_equals_is_named() -> None:
    layout = _layout([Cell("A1", Role.FORMULA, formula="=1")],
                     [Cell("A1", Role.FORMULA, formula=None), Cell("A2", Role.FORMULA, formula="SUM(A1)")])
    with pytest.raises(AssertionError, match=r"formula without '=' at S1!A1"):
        _check(layout)


def test_replace_cell_keeps_the_index() -> None:
    layout = _layout([Cell("A1", Role.LABEL, "x"), Cell("B1", Role.DATA, "old", key="meta:k")])
    sheet = layout.sheets[0]
    layout.replace_cell(sheet, 1, replace(sheet.cells[1], value="new"))
    assert sheet.cells[1].value == "new"
    assert layout.locate("meta:k") == ("S0", sheet.cells[1])
    with pytest.raises(ValueError, match="would change its key"):
        layout.replace_cell(sheet, 1, replace(sheet.cells[1], key="other"))


@pytest.mark.parametrize(("text", "width", "lines"), [
    ("", 10, 1),
    ("abcdefghi", 10, 1),
    ("abcdefghij", 10, 2),  # 10 units in 9 usable columns
    ("中" * 20, 11, 4),  # wide: two units each
    ("ＡＢ", 3, 2),  # full-width: two units each
    ("±½", 3, 1),  # ambiguous width: one unit each
    ("a中b", 0.5, 4),  # widths below 2 still divide by 1
])
def test_wrapped_lines_count_wide_characters_twice(text: str, width: float, lines: int) -> None:
    assert wrapped_lines(text, width) == lines
