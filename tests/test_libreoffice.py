"""The LibreOffice oracle: forced recalculation, chunking, output checks, PDF."""

from __future__ import annotations

import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pypdf
import pytest
from python_calamine import CalamineWorkbook

from perfeval_xl.libreoffice import LibreOfficeError, convert_to_pdf, find_soffice, recalculate
from tests.support.sentinel import set_cached_values

SHEET = "计分"
# Cached values no spreadsheet would compute from the inputs below.
STALE = {"B3": 99.99, "B4": 2.02, "B5": "陈旧"}


def write_scoring_workbook(path: Path, budget: float = 147, spent: float = 121.88) -> Path:
    """A small scoring sheet whose formula cells carry the stale values in STALE."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = SHEET
    ws.append(["全年预算数", budget])
    ws.append(["全年执行数", spent])
    ws.append(["预算执行率得分", "=ROUND(MIN(B2/B1,1)*10,2)"])
    # 1.62/8*10 is 2.025 in decimal: spreadsheet ROUND gives 2.03, banker's rounding 2.02.
    ws.append(["边界值", "=ROUND(1.62/8*10,2)"])
    ws.append(["等级", '=IF(B3>=9,"优","良")'])
    wb.save(path)
    set_cached_values(path, SHEET, STALE)
    return path


def sheet_values(path: Path) -> list[list[object]]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(SHEET).to_python()


# --- without LibreOffice -------------------------------------------------------------


def test_sentinel_plants_stale_values_and_keeps_formulas(tmp_path: Path) -> None:
    path = write_scoring_workbook(tmp_path / "book.xlsx")

    cached = openpyxl.load_workbook(path, data_only=True)[SHEET]
    assert [cached["B3"].value, cached["B4"].value, cached["B5"].value] == [99.99, 2.02, "陈旧"]
    formulas = openpyxl.load_workbook(path)[SHEET]
    assert formulas["B3"].value == "=ROUND(MIN(B2/B1,1)*10,2)"
    assert formulas["B5"].value == '=IF(B3>=9,"优","良")'
    with zipfile.ZipFile(path) as archive:
        assert b"fullCalcOnLoad" not in archive.read("xl/workbook.xml")


def test_sentinel_rejects_a_cell_without_formula(tmp_path: Path) -> None:
    path = write_scoring_workbook(tmp_path / "book.xlsx")
    with pytest.raises(ValueError, match="B1 is not a formula cell"):
        set_cached_values(path, SHEET, {"B1": 1.0})
    with pytest.raises(ValueError, match="no sheet named"):
        set_cached_values(path, "Sheet9", {"B3": 1.0})


def test_find_soffice_honours_override(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = tmp_path / "soffice"
    fake.write_text("#!/bin/sh\n")
    monkeypatch.setenv("PERFEVAL_SOFFICE", str(fake))
    assert find_soffice() == fake
    monkeypatch.setenv("PERFEVAL_SOFFICE", str(tmp_path / "absent"))
    assert find_soffice() is None


@pytest.mark.parametrize(
    ("names", "kwargs", "message"),
    [
        (["a.xlsx"], {"chunk_size": 0}, "chunk_size must be between 1 and 200"),
        (["a.xlsx"], {"chunk_size": 201}, "chunk_size must be between 1 and 200"),
        (["a.xlsx"], {"timeout": 0}, "timeout must be positive"),
        (["a.xls"], {}, "not an .xlsx/.xlsm workbook"),
        (["a.xlsx", "sub/A.xlsm"], {}, "two inputs would write the same output"),
    ],
)
def test_rejects_bad_arguments_before_starting_soffice(
    tmp_path: Path, names: list[str], kwargs: dict[str, int], message: str
) -> None:
    paths = []
    for name in names:
        path = tmp_path / name
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(b"PK")
        paths.append(path)
    # A soffice that does not exist proves the check happens before any launch.
    with pytest.raises(ValueError, match=message):
        recalculate(paths, tmp_path / "out", soffice=tmp_path / "no-soffice", **kwargs)


def test_rejects_missing_input_and_converting_in_place(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no such file"):
        recalculate([tmp_path / "absent.xlsx"], tmp_path / "out")
    book = write_scoring_workbook(tmp_path / "book.xlsx")
    with pytest.raises(ValueError, match="would overwrite its input"):
        recalculate([book], tmp_path)


def test_no_inputs_needs_no_soffice(tmp_path: Path) -> None:
    assert recalculate([], tmp_path / "out", soffice=tmp_path / "no-soffice") == []


def test_unstartable_soffice_is_a_clean_error(tmp_path: Path) -> None:
    book = write_scoring_workbook(tmp_path / "book.xlsx")
    with pytest.raises(LibreOfficeError, match="cannot start"):
        recalculate([book], tmp_path / "out", soffice=tmp_path / "no-soffice")


# --- with LibreOffice ----------------------------------------------------------------


@pytest.mark.libreoffice
def test_recalculate_replaces_stale_cached_values(tmp_path: Path, soffice: Path) -> None:
    books = [
        write_scoring_workbook(tmp_path / "项目支出绩效自评.xlsx"),
        write_scoring_workbook(tmp_path / "macro.xlsm", budget=200, spent=200),
    ]

    outputs = recalculate(books, tmp_path / "out", soffice=soffice)

    assert outputs == [tmp_path / "out" / "项目支出绩效自评.xlsx", tmp_path / "out" / "macro.xlsx"]
    assert sheet_values(outputs[0]) == [
        ["全年预算数", 147.0],
        ["全年执行数", 121.88],
        ["预算执行率得分", 8.29],
        ["边界值", 2.03],
        ["等级", "良"],
    ]
    assert [row[1] for row in sheet_values(outputs[1])][2:] == [10.0, 2.03, "优"]
    # The formulas survive the round trip, so the output is still a live workbook.
    assert openpyxl.load_workbook(outputs[0])[SHEET]["B3"].value == "=ROUND(MIN(B2/B1,1)*10,2)"


@pytest.mark.libreoffice
def test_default_profile_keeps_stale_values(tmp_path: Path, soffice: Path) -> None:
    """Negative control: without the forced-recalculation profile the sentinels survive,
    so the test above can only pass because recalculate() really recalculates."""
    book = write_scoring_workbook(tmp_path / "book.xlsx")
    profile = tmp_path / "plain-profile"
    subprocess.run(
        [
            str(soffice),
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "xlsx:Calc MS Excel 2007 XML",
            "--outdir",
            str(tmp_path / "out"),
            str(book),
        ],
        check=True,
        capture_output=True,
        stdin=subprocess.DEVNULL,
        timeout=300,
    )
    assert [row[1] for row in sheet_values(tmp_path / "out" / "book.xlsx")][2:] == [99.99, 2.02, "陈旧"]


@pytest.mark.libreoffice
def test_chunks_keep_order_and_replace_old_outputs(tmp_path: Path, soffice: Path) -> None:
    spent = [10, 20, 30, 40, 50]
    books = [write_scoring_workbook(tmp_path / f"book{i}.xlsx", budget=100, spent=s) for i, s in enumerate(spent)]
    out = tmp_path / "out"
    out.mkdir()
    (out / "book0.xlsx").write_bytes(b"left over from an earlier run")

    outputs = recalculate(books, out, chunk_size=2, soffice=soffice)

    assert outputs == [out / f"book{i}.xlsx" for i in range(5)]
    assert [sheet_values(path)[2][1] for path in outputs] == [1.0, 2.0, 3.0, 4.0, 5.0]
    assert sorted(path.name for path in out.iterdir()) == [f"book{i}.xlsx" for i in range(5)]


@pytest.mark.libreoffice
def test_unloadable_file_is_named_in_the_error(tmp_path: Path, soffice: Path) -> None:
    good = write_scoring_workbook(tmp_path / "good.xlsx")
    bad = tmp_path / "bad.xlsx"
    with zipfile.ZipFile(bad, "w") as archive:
        archive.writestr("hello.txt", "a zip, but not a workbook")

    # soffice exits 0 here and only prints "source file could not be loaded".
    with pytest.raises(LibreOfficeError, match="converted 1 of 2 files") as caught:
        recalculate([good, bad], tmp_path / "out", soffice=soffice)

    assert caught.value.missing == (bad,)
    assert "could not be loaded" in str(caught.value)


@pytest.mark.libreoffice
def test_timeout_kills_soffice(tmp_path: Path, soffice: Path) -> None:
    book = write_scoring_workbook(tmp_path / "book.xlsx")
    with pytest.raises(LibreOfficeError, match="did not finish within 0.05 s"):
        recalculate([book], tmp_path / "out", timeout=0.05, soffice=soffice)


@pytest.mark.libreoffice
def test_pdf_shows_chinese_and_recalculated_values(tmp_path: Path, soffice: Path) -> None:
    book = write_scoring_workbook(tmp_path / "book.xlsx")

    (pdf,) = convert_to_pdf([book], tmp_path / "out", soffice=soffice)

    page = pypdf.PdfReader(pdf).pages[0]
    text = page.extract_text()
    assert "全年执行数" in text
    assert "8.29" in text and "2.03" in text and "良" in text
    assert "99.99" not in text
    fonts = [str(font.get_object()["/BaseFont"]) for font in page["/Resources"]["/Font"].values()]
    # Without a CJK font the Chinese would be drawn as boxes by a fallback font.
    assert any(family in font for font in fonts for family in ("CJK", "Han", "WenQuanYi", "YaHei", "SimSun"))
