"""`perfeval generate --formulas xlwings`: macro-enabled workbooks carrying xlwings' VBA project
unchanged, its code names and settings sheet; refused when the installed xlwings is not the pinned one."""

from __future__ import annotations

import hashlib
import re
import tomllib
import zipfile
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from perfeval_xl.cli import app
from perfeval_xl.layout.flavour import XLWINGS
from perfeval_xl.manifest import read_manifest
from perfeval_xl.writer import generate as generate_module
from perfeval_xl.writer import xlwings_template
from perfeval_xl.writer.generate import GenerateError, generate
from perfeval_xl.writer.xlwings_template import TEMPLATE, VBA_PART, XLWINGS_PIN
from tests.support.xlwings_books import ROOT, books

SAMPLES = ROOT / "samples" / "manifest.yaml"


def template_vba() -> bytes:
    """The vbaProject.bin inside the installed xlwings package's standalone template."""
    import xlwings

    with zipfile.ZipFile(Path(xlwings.__file__).parent / TEMPLATE) as archive:
        return archive.read(VBA_PART)


@pytest.fixture(scope="module")
def xlsm(tmp_path_factory: pytest.TempPathFactory) -> Path:
    book = next(b for b in books() if b.name == "kinds_filled_provincial")
    path, _ = book.write(tmp_path_factory.mktemp("xlsm"), XLWINGS)
    return path


def test_pin_matches_pyproject() -> None:
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"]
    assert extras["xlwings"] == [f"xlwings=={XLWINGS_PIN}"]
    assert f"xlwings=={XLWINGS_PIN}" in extras["test"]


def test_vba_project_is_xlwings_own_byte_for_byte(xlsm: Path) -> None:
    with zipfile.ZipFile(xlsm) as archive:
        assert archive.read(VBA_PART) == template_vba()
        types = archive.read("[Content_Types].xml").decode()
        workbook = archive.read("xl/workbook.xml").decode()
        sheets = [archive.read(f"xl/worksheets/sheet{i}.xml").decode() for i in range(1, 11)]
    assert 'ContentType="application/vnd.ms-excel.sheet.macroEnabled.main+xml"' in types
    assert '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>' in types
    assert '<workbookPr codeName="ThisWorkbook"' in workbook
    assert [re.search(r'<sheetPr[^>]*codeName="(\w+)"', s).group(1) for s in sheets] == [f"Sheet{i}" for i in range(1, 11)]
    assert re.search(r'<sheet name="xlwings.conf" sheetId="10" state="veryHidden"', workbook)
    assert "<definedName name=\"PE_PROFILE\">'xlwings.conf'!$B$2</definedName>" in workbook


def test_template_declares_the_code_names_we_use() -> None:
    # The project's PROJECT stream (plain text inside the compound file) lists its document modules.
    vba = template_vba()
    for module in (b"Document=ThisWorkbook/", b"Document=Sheet1/", b"Document=Sheet2/", b"Module=xlwings"):
        assert module in vba


def test_settings_sheet_as_xlwings_reads_it(xlsm: Path) -> None:
    """xlwings' VBA reads column A from A1 down to the first blank cell, values in column B."""
    ws = openpyxl.load_workbook(xlsm)["xlwings.conf"]
    assert ws.sheet_state == "veryHidden"
    assert [ws["A1"].value, ws["B1"].value] == ["UDF Modules", "perfeval_xl.udfs"]
    assert ws["A2"].value == "perfeval_xl profile" and ws["B2"].value.startswith("{")
    assert ws["A3"].value is None
    meta = openpyxl.load_workbook(xlsm)["_meta"]
    assert ["formulas", "xlwings"] in [[r[0].value, r[1].value] for r in meta.iter_rows()]


def test_openpyxl_keep_vba_preserves_the_project(xlsm: Path, tmp_path: Path) -> None:
    """A collector writing into a copy with openpyxl (keep_vba) keeps the VBA project byte for byte."""
    copy = tmp_path / "copy.xlsm"
    openpyxl.load_workbook(xlsm, keep_vba=True).save(copy)
    with zipfile.ZipFile(copy) as archive:
        assert archive.read(VBA_PART) == template_vba()


def test_generate_command_writes_xlsm_byte_identical(tmp_path: Path) -> None:
    runner = CliRunner()
    digests = []
    for run in ("a", "b"):
        result = runner.invoke(app, ["generate", str(SAMPLES), "--out", str(tmp_path / run), "--formulas", "xlwings",
                                     "--workers", "1"])
        assert result.exit_code == 0, result.output
        files = sorted((tmp_path / run).iterdir())
        assert files and {f.suffix for f in files} == {".xlsm"}
        digests.append([hashlib.sha256(f.read_bytes()).hexdigest() for f in files])
    assert digests[0] == digests[1]


@pytest.mark.parametrize(("installed", "message"), [
    ("0.30.0", "已安装的 xlwings 版本为 0.30.0，本工具要求 0.37.8"),
    (None, "未安装 xlwings"),
])
def test_refused_unless_the_pinned_xlwings_is_installed(
    installed: str | None, message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(xlwings_template, "installed_version", lambda: installed)
    with pytest.raises(GenerateError, match=message):
        generate(read_manifest(SAMPLES), tmp_path / "out", formulas="xlwings", workers=1)
    assert not (tmp_path / "out").exists()
    assert list(tmp_path.iterdir()) == []  # no staging folder left behind
    result = CliRunner().invoke(app, ["generate", str(SAMPLES), "--out", str(tmp_path / "cli"),
                                      "--formulas", "xlwings"])
    assert result.exit_code == 1
    assert message.replace("，", "") in result.output.replace("\n", "").replace("，", "")
    # The native flavour does not need xlwings at all.
    assert generate(read_manifest(SAMPLES), tmp_path / "native", workers=1)


def test_unknown_flavour_is_refused(tmp_path: Path) -> None:
    with pytest.raises(GenerateError, match="未知的公式类型"):
        generate(read_manifest(SAMPLES), tmp_path / "out", formulas="vba")
    result = CliRunner().invoke(app, ["generate", str(SAMPLES), "--out", str(tmp_path / "cli"), "--formulas", "vba"])
    assert result.exit_code == 2


def test_generate_reads_the_template_once_per_batch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    real = generate_module.vba_project
    monkeypatch.setattr(generate_module, "vba_project", lambda: calls.append(1) or real())
    generate(read_manifest(SAMPLES), tmp_path / "out", formulas="xlwings", workers=1)
    assert len(calls) == 1
