"""Formulas re-saved by LibreOffice normalise to the same text as the originals.

LibreOffice 7.4 rewrites (seen when this test was written): quotes dropped around
sheet names such as '预算执行' and even '2024数据'; TRUE / FALSE saved as TRUE() /
FALSE(); lower-case names upper-cased; numbers re-formatted (1.0 -> 1, .5 -> 0.5,
1E3 -> 1000, 10000000000000000000 -> 1E+019); the same quote-dropping in defined
names. It keeps spaces, `$` markers, `_xlfn.` prefixes and intersections, and
writes no shared formulas.
"""

import os
import re
import shutil
import subprocess
import zipfile
from xml.etree import ElementTree

import openpyxl
import pytest
from openpyxl.workbook.defined_name import DefinedName

from perfeval_xl.integrity.formula_norm import normalise_formula

pytestmark = pytest.mark.libreoffice

FORMULAS = [
    "=IF(A1>=1,1,0)",
    '=IF( A1 >= 1 , "优" , "良" )',
    "='预算执行'!E5*2",
    "=预算执行!E5/'预算执行'!$E$6",
    "=IFERROR(B1/B2,0)",
    "=SUMPRODUCT(ISNUMBER(A1:A5)*1)",
    "=ROUND(MIN(B1/B2,1)*10,2)",
    '=IF(C1="优",1.0,.5)',
    "=if(a1>=1,true,false)",
    '=COUNTIF(A1:A5,">=90")',
    "=_xlfn.IFS(A1>1,1,TRUE,0)",
    '=IF(ISBLANK(A1),"",A1)',
    "=SUM('My Sheet'!A1:A3)",
    '=IF(A1="","未填写",IF(A1>=0.9,"优",IF(A1>=0.8,"良","中")))',
    "=INDEX(A1:A5,MATCH(1,A1:A5,0))",
    '=LOOKUP(A1,{0,60,80,90},{"差","中","良","优"})',
    "=1E3+1.5E-3+1.50",
    "=A1%",
    "=-A1^2",
    '=IF(A1<>"",A1&"个","")',
    "=AND(A1>=0,OR(A1<=1,B1>2))",
    "=IF(ISERROR(A1),#N/A,A1)",
    "=SUM(A:A)",
    "=SUM(1:1)",
    "=预算总额*2",
    '="他说""好"""',
    "=TRUE",
    "=IF(A1,TRUE(),FALSE())",
    "='2024数据'!A1",
    "=SUM($A$1:$A3)",
    "=A1:A3 A2:B2",
    "=_xlfn.STDEV.S(A1:A5)",
    '=IF(AND(ISNUMBER(B1),B1>0),MIN(B2/B1,1),"")',
    "=SUM('预算执行'!E1:E3)",
    "=10000000000000000000",
    "=0.1E-5",
]

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def _soffice() -> str:
    path = shutil.which("soffice")
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail("LibreOffice (soffice) is required when CI=true")
        pytest.skip("LibreOffice (soffice) not installed")
    return path


def _formula_texts(path) -> tuple[dict[str, str], dict[str, str]]:
    """(cell -> formula of the first sheet, defined name -> text), read from the XML."""
    with zipfile.ZipFile(path) as archive:
        sheet = ElementTree.fromstring(archive.read("xl/worksheets/sheet1.xml"))
        book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    cells = {
        cell.get("r"): cell.find(f"{_MAIN}f").text
        for cell in sheet.iter(f"{_MAIN}c")
        if cell.find(f"{_MAIN}f") is not None
    }
    names = {name.get("name"): name.text for name in book.iter(f"{_MAIN}definedName")}
    return cells, names


def _workbook(path) -> None:
    wb = openpyxl.Workbook()
    main = wb.active
    main.title = "绩效自评表"
    for sheet in (main, wb.create_sheet("预算执行"), wb.create_sheet("My Sheet"), wb.create_sheet("2024数据")):
        for row in range(1, 7):
            sheet.cell(row, 1, row)
            sheet.cell(row, 2, row * 2)
            sheet.cell(row, 5, row * 3)
    wb.defined_names["预算总额"] = DefinedName("预算总额", attr_text="'预算执行'!$E$5")
    for row, formula in enumerate(FORMULAS, start=1):
        main.cell(row, 8, formula)
    wb.save(path)


def test_libreoffice_resave_keeps_normalised_formulas(tmp_path):
    soffice = _soffice()
    original = tmp_path / "in.xlsx"
    _workbook(original)
    out = tmp_path / "out"
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--headless",
            "--convert-to",
            "xlsx:Calc MS Excel 2007 XML",
            "--outdir",
            str(out),
            str(original),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    before, names_before = _formula_texts(original)
    after, names_after = _formula_texts(out / "in.xlsx")

    assert sorted(after, key=lambda a: int(re.sub(r"\D", "", a))) == list(before)
    rewritten = {cell for cell in before if before[cell] != after[cell]}
    assert rewritten, "LibreOffice rewrote nothing: the test would prove nothing"
    for cell, text in before.items():
        assert normalise_formula(after[cell]) == normalise_formula(text), (cell, text, after[cell])
    assert normalise_formula(names_after["预算总额"]) == normalise_formula(names_before["预算总额"])
