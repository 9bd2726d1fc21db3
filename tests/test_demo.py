"""`perfeval demo` runs the main job on the bundled sample batch."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from perfeval_xl.cli import app
from perfeval_xl.integrity.register import read_register


def test_demo_generates_and_scores(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    result = CliRunner().invoke(app, ["demo", "--out", str(out), "--workers", "1"])
    assert result.exit_code == 0, result.output
    forms = sorted((out / "forms").glob("*.xlsx"))
    assert len(forms) == 27
    register = read_register(out / "forms.register.jsonl")
    assert len(register) == 27 and all(e.key_id for e in register)
    assert "99.50" in result.output and "S001" in result.output
    again = CliRunner().invoke(app, ["demo", "--out", str(out), "--workers", "1"])
    assert again.exit_code == 0  # its own folder is rebuilt


def test_demo_refuses_a_foreign_folder(tmp_path: Path) -> None:
    (tmp_path / "mine.txt").write_text("keep me", encoding="utf-8")
    result = CliRunner().invoke(app, ["demo", "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert (tmp_path / "mine.txt").read_text(encoding="utf-8") == "keep me"
