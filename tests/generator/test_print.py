"""Printing: every sheet of the sample returns (and of two 40+ row random projects with
long names) exported to PDF by LibreOffice is one page wide, shows no "###", embeds a
CJK font, and ends with the signature block."""

from __future__ import annotations

import importlib.util
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from pypdf import PdfReader

from perfeval_xl.layout import a1
from perfeval_xl.layout.contract import Role, SheetSpec
from perfeval_xl.libreoffice import convert_to_pdf
from perfeval_xl.writer.workbook import issued_layout, write_project
from tests.parity.randomized import BATCH, corpus

pytestmark = [pytest.mark.libreoffice, pytest.mark.slow]

REPO_ROOT = Path(__file__).resolve().parents[2]
A4 = (595, 842)  # points, rounded
CJK_FONT = ("CJK", "NOTO", "SONG", "SIMSUN", "宋")
SIGNATURE = "评价工作组组长"


def _script():
    spec = importlib.util.spec_from_file_location("render_forms", REPO_ROOT / "scripts" / "render_forms.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


render_forms = _script()


@dataclass
class Printed:
    name: str
    sample: object  # render_forms.Sample
    reader: PdfReader
    texts: list[str]
    pages: dict[str, list[int]]  # sheet → 0-based pages

    def sheet(self, name: str) -> SheetSpec:
        return self.sample.layout.sheet(name)


@pytest.fixture(scope="module")
def printed(soffice: Path, tmp_path_factory: pytest.TempPathFactory) -> list[Printed]:
    folder = tmp_path_factory.mktemp("print")
    books = render_forms.write_samples(folder)
    for case in corpus(count=6):
        if len(case.project.indicators) >= 40:  # long names, several pages
            path = folder / f"{case.stem}.xlsx"
            write_project(path, BATCH, case.project, case.profile, case.framework, case.inputs)
            layout = issued_layout(BATCH, case.project, case.profile, case.framework)[0]
            books[case.stem] = render_forms.Sample(path, layout, case.project, case.inputs)
    assert len(books) == 5
    pdfs = convert_to_pdf([b.path for b in books.values()], folder / "pdf", soffice=soffice)
    out = []
    for (name, book), pdf in zip(books.items(), pdfs):
        reader = PdfReader(pdf)
        sheets = [s.name for s in book.layout.sheets if not s.very_hidden]
        out.append(Printed(name, book, reader, [p.extract_text() or "" for p in reader.pages],
                           render_forms.sheet_pages(reader, sheets)))
    return out


def header_labels(sheet: SheetSpec) -> list[str]:
    """The printed column headers of the sheet's table (its first row of header cells)."""
    last = a1.parse(sheet.print.area.split(":")[1])[1] if sheet.print.area else None
    headers = [c for c in sheet.cells if c.role is Role.LABEL and c.style == "header" and c.value
               and c.col not in sheet.hidden_columns and (last is None or c.col <= last)]
    first = min(c.row for c in headers)
    return [str(c.value) for c in headers if c.row == first]


def test_every_sheet_is_one_page_wide(printed: list[Printed]) -> None:
    for book in printed:
        for name, pages in book.pages.items():
            sheet = book.sheet(name)
            assert pages, f"{book.name} {name}: not printed"
            assert pages == list(range(pages[0], pages[0] + len(pages))), f"{book.name} {name}: pages interleaved"
            for index in pages:
                box = book.reader.pages[index].mediabox
                size = (round(float(box.width)), round(float(box.height)))
                assert size == (A4[::-1] if sheet.print.landscape else A4), f"{book.name} {name} p{index + 1}"
            # All column headers on the sheet's first page: no column was pushed to another page.
            if any(c.style == "header" for c in sheet.cells):
                missing = [h for h in header_labels(sheet) if h not in book.texts[pages[0]]]
                assert not missing, f"{book.name} {name}: headers {missing} not on the first page"
            # Taller sheets continue downwards only: each page repeats the header row whole.
            if len(pages) > 1:
                assert sheet.print.repeat_rows, f"{book.name} {name}: {len(pages)} pages, no repeated header"
                for index in pages[1:]:
                    missing = [h for h in header_labels(sheet) if h not in book.texts[index]]
                    assert not missing, f"{book.name} {name} p{index + 1}: headers {missing} missing"
    assert any(len(pages) > 1 for book in printed for pages in book.pages.values())


def test_rows_are_not_split_across_pages(printed: list[Printed]) -> None:
    """A filled-in reason prints on a page that also holds its indicator's name."""
    checked = 0
    for book in printed:
        project, inputs = book.sample.project, book.sample.inputs
        scoring = next(name for name in book.pages if name in ("绩效自评", "指标体系"))
        for ind in project.indicators:
            reason = inputs.indicator(ind.id).reason if inputs else None
            if not reason:
                continue
            name = ind.label  # as the scoring sheet shows it (codes only where the framework has them)
            pages = [i for i in book.pages[scoring] if name[:5] in book.texts[i]]
            assert any(reason[:5] in book.texts[i] for i in pages), (book.name, ind.id)
            checked += 1
    assert checked >= 10


def test_no_cell_prints_as_hash_marks(printed: list[Printed]) -> None:
    for book in printed:
        for index, text in enumerate(book.texts):
            assert "###" not in text, f"{book.name} page {index + 1}: {text[:200]}"


def test_a_cjk_font_is_embedded(printed: list[Printed]) -> None:
    for book in printed:
        fonts = {}
        for page in book.reader.pages:
            for font in (page["/Resources"].get("/Font") or {}).values():
                font = font.get_object()
                descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
                descriptor = descendant.get("/FontDescriptor")
                embedded = descriptor is not None and any(
                    k in descriptor.get_object() for k in ("/FontFile", "/FontFile2", "/FontFile3"))
                fonts[str(font["/BaseFont"])] = embedded
        assert all(fonts.values()), f"{book.name}: fonts not embedded: {fonts}"
        assert any(any(mark in name.upper() for mark in CJK_FONT) for name in fonts), f"{book.name}: {sorted(fonts)}"
        assert "项目支出绩效自评" in "".join(book.texts) or "绩效评价指标体系" in "".join(book.texts)


def test_the_signature_block_ends_the_forms(printed: list[Printed]) -> None:
    for book in printed:
        assert SIGNATURE in book.texts[-1] and "签字并盖章" in book.texts[-1], book.name
        scoring = next(name for name in book.pages if name in ("绩效自评", "指标体系"))
        assert SIGNATURE in book.texts[book.pages[scoring][-1]], book.name
