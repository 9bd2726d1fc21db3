"""`perfeval check`: exit codes, the Chinese/English report, the JSON document and its
published schema, public keys, and the generated findings list."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from perfeval_xl.cli import app
from perfeval_xl.commands.check_report import document_schema
from perfeval_xl.findings.catalogue import CATALOGUE
from perfeval_xl.findings.markdown import findings_markdown
from perfeval_xl.integrity.keys import write_private_key, write_public_key
from tests.support.ci import missing_requirement
from tests.support.returns import Sample, edit_sheet, set_cached

DOCS = Path(__file__).resolve().parents[2] / "docs"
CLEAN = "P001"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["check", *args], env={"COLUMNS": "200"})
    return result.exit_code, result.output


def validator():
    try:
        import jsonschema
    except ImportError:
        missing_requirement("jsonschema is not installed (pip install -e '.[test]')")
    schema = json.loads((DOCS / "check-report.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


@pytest.fixture(scope="module")
def returns(sample: Sample, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A clean return, one with an error (a forged total), and a rejected file."""
    folder = tmp_path_factory.mktemp("returns")
    clean = sample.write(folder / "clean.xlsx", CLEAN)
    found = sample.layout(CLEAN).locate("total")
    assert found is not None
    forged = edit_sheet(clean, folder / "forged.xlsx", found[0], lambda xml: set_cached(xml, found[1].ref, "100"))
    rejected = folder / "notes.xlsx"
    rejected.write_text("项目编号,实际完成值\nP001,100\n", encoding="utf-8")
    return {"clean": clean, "forged": forged, "rejected": rejected}


def test_exit_codes(returns: dict[str, Path]) -> None:
    assert run(str(returns["clean"]))[0] == 0
    assert run(str(returns["clean"]), str(returns["forged"]))[0] == 1
    assert run(str(returns["forged"]), str(returns["rejected"]))[0] == 3
    assert run(str(returns["clean"]), "/no/such/file.xlsx")[0] == 3
    assert run()[0] == 2  # no FILE: typer's usage error


def test_chinese_report_names_file_sheet_cell_and_what_to_do(sample: Sample, returns: dict[str, Path]) -> None:
    code, output = run(str(returns["forged"]), str(returns["rejected"]))
    sheet, cell = sample.layout(CLEAN).locate("total")
    flat = "".join(output.split())  # the table folds long text
    assert "forged.xlsx" in flat and "notes.xlsx" in flat
    assert f"{sheet}{cell.ref}" in flat and "CACHED_RESULT_MISMATCH" in flat
    assert "F9" in flat and "退回" in flat and "GATE_NOT_WORKBOOK" in flat
    assert "共检查2个文件：退回1个，已接收但有错误1个，通过0个。" in flat


def test_english_report(returns: dict[str, Path]) -> None:
    code, output = run(str(returns["forged"]), "--lang", "en")
    flat = " ".join(output.split())
    assert code == 1 and "accepted with errors" in flat and "recomputed from the inputs" in flat
    assert "1 files checked: 0 rejected, 1 accepted with errors, 0 accepted." in flat


def test_json_output_validates_against_the_published_schema(returns: dict[str, Path]) -> None:
    check = validator()
    paths = [str(returns[k]) for k in ("clean", "forged", "rejected")]
    code, output = run(*paths, "--json")
    document = json.loads(output)
    check.validate(document)
    assert code == 3 and document["summary"]["exit_code"] == 3
    assert [f["file"] for f in document["files"]] == paths
    assert [f["outcome"] for f in document["files"]] == ["accepted", "accepted_with_errors", "rejected"]
    forged = document["files"][1]
    mismatch = [f for f in forged["findings"] if f["code"] == "CACHED_RESULT_MISMATCH"]
    assert mismatch and mismatch[0]["where"] and "重新计算" in mismatch[0]["message"]
    assert forged["project_id"] == CLEAN and forged["total"] and forged["result"]["total"] == forged["total"]
    english = json.loads(run(paths[1], "--json", "--lang", "en")[1])
    check.validate(english)
    assert english["lang"] == "en" and "recomputed" in english["files"][0]["findings"][-1]["message"]


def test_published_schema_is_current() -> None:
    committed = json.loads((DOCS / "check-report.schema.json").read_text(encoding="utf-8"))
    assert committed == document_schema(), "run: python scripts/make_check_schema.py"


def test_findings_doc_is_current() -> None:
    text = (DOCS / "findings.md").read_text(encoding="utf-8")
    assert text == findings_markdown(), "run: python scripts/make_findings_doc.py"
    for code in CATALOGUE:
        assert f"`{code}`" in text


def test_public_key_file_or_folder(sample: Sample, returns: dict[str, Path], tmp_path: Path) -> None:
    keys = tmp_path / "keys"
    keys.mkdir()
    public = write_public_key(sample.keypair, keys / "batch.pub")
    assert run(str(returns["clean"]), "--public-key", str(public))[0] == 0
    assert run(str(returns["clean"]), "--public-key", str(keys))[0] == 0
    private = write_private_key(sample.keypair, tmp_path / "batch.key", force=True)
    code, output = run(str(returns["clean"]), "--public-key", str(private))
    assert code == 2 and "私钥" in output
    assert run(str(returns["clean"]), "--public-key", str(tmp_path / "absent.pub"))[0] == 2


def test_check_is_listed_in_help() -> None:
    result = CliRunner().invoke(app, ["--help"])
    assert "check" in result.output
    assert "退出码" in CliRunner().invoke(app, ["check", "--help"]).output
