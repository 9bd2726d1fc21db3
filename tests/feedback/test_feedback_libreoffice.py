"""LibreOffice opens what feedback writes: the copy recalculates and keeps its marker, the letter is one page."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader

from perfeval_xl.api import ScoredBatch
from perfeval_xl.feedback import LetterInfo, write_feedback
from perfeval_xl.layout.feedback_sheet import FEEDBACK_SHEET, is_feedback_sheet
from perfeval_xl.findings import finding
from perfeval_xl.intake.bind import definition_from_meta, issued_layout_for
from perfeval_xl.intake.bind import read_returned
from perfeval_xl.libreoffice import convert_to_pdf, recalculate

pytestmark = pytest.mark.libreoffice


def test_copy_recalculates_in_libreoffice_and_stays_ours(soffice: Path, batch: ScoredBatch,
                                                         returned: dict[str, Path], tmp_path: Path) -> None:
    done = write_feedback(returned["P004"], list(batch.results["P004"].findings), tmp_path / "out")
    assert done is not None
    [resaved] = recalculate([done.path], tmp_path / "lo", soffice=soffice)
    read = read_returned(resaved)
    sheet = read.sheet(FEEDBACK_SHEET)
    assert read.gate.accepted and sheet is not None
    assert is_feedback_sheet(sheet.name, sheet.value(1, 1), read.properties)
    layout = issued_layout_for(definition_from_meta(read.meta), read.meta)
    sheet_name, cell = layout.locate("total")
    # openpyxl dropped the cached total; LibreOffice computed it again on opening.
    assert read.sheet(sheet_name).value(cell.row, cell.col) == batch.results["P004"].total == Decimal("99.60")


def test_letter_prints_on_one_page(soffice: Path, tmp_path: Path) -> None:
    bad = tmp_path / "P004_退回.xlsx"
    bad.write_bytes(b"")
    many = [finding("SIGNATURE_INVALID") for _ in range(20)]
    done = write_feedback(bad, many, tmp_path / "out", letter=LetterInfo(bureau="示例市财政局", year=2024))
    assert done is not None
    [pdf] = convert_to_pdf([done.path], tmp_path / "pdf", soffice=soffice)
    pages = PdfReader(pdf).pages
    assert len(pages) == 1
    assert "示例市财政局" in pages[0].extract_text()
