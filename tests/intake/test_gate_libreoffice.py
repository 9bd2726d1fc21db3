"""Real third-party output: files written by LibreOffice must get the codes our builders predict."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from perfeval_xl.intake.gate import gate_file
from perfeval_xl.intake.models import FileFormat
from tests.hostile.builders import base_xlsx

pytestmark = [pytest.mark.libreoffice, pytest.mark.slow]

FILTERS = {
    "xlsx": ("xlsx:Calc MS Excel 2007 XML", FileFormat.XLSX, []),
    "ods": ("ods", FileFormat.ODS, ["GATE_ODS"]),
    "xls": ("xls:MS Excel 97", FileFormat.LEGACY_XLS, ["GATE_LEGACY_XLS"]),
    "csv": ("csv", FileFormat.CSV, ["GATE_NOT_WORKBOOK"]),
    "html": ("html", FileFormat.HTML, ["GATE_NOT_WORKBOOK"]),
}


@pytest.fixture(scope="module")
def converted(tmp_path_factory):
    soffice = shutil.which("soffice")
    if soffice is None:
        if os.environ.get("CI") == "true":
            pytest.fail("LibreOffice (soffice) is required in CI")
        pytest.skip("LibreOffice (soffice) not installed")
    root = tmp_path_factory.mktemp("lo")
    source = root / "form.xlsx"
    source.write_bytes(base_xlsx())
    out = root / "out"
    for filter_name, _fmt, _codes in FILTERS.values():
        subprocess.run([soffice, f"-env:UserInstallation=file://{root / 'profile'}", "--headless",
                        "--convert-to", filter_name, "--outdir", str(out), str(source)],
                       check=True, capture_output=True, timeout=180)
    return out


@pytest.mark.parametrize("ext", list(FILTERS))
def test_libreoffice_output_is_classified(converted, ext):
    _filter, fmt, codes = FILTERS[ext]
    # Renamed to a misleading extension: the gate must look at bytes only.
    path = converted / f"form.{ext}"
    renamed = path.with_name(f"renamed-{ext}.xlsx")
    shutil.copy(path, renamed)
    result = gate_file(renamed)
    assert result.format is fmt
    assert result.codes == codes


def test_libreoffice_xlsx_keeps_sheets_but_downgrades_very_hidden(converted):
    result = gate_file(converted / "form.xlsx")
    assert [(s.name, s.state) for s in result.sheets] == [("绩效自评表", "visible"), ("_meta", "hidden")]
