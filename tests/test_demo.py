"""`perfeval demo`: generate, simulate returns, collect, summarise, write feedback."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook
from typer.testing import CliRunner

from perfeval_xl.cli import app
from perfeval_xl.integrity.register import read_register


def test_demo_runs_the_main_job(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    result = CliRunner().invoke(app, ["demo", "--out", str(out), "--workers", "2", "--no-libreoffice"])
    assert result.exit_code == 0, result.output
    assert len(list((out / "forms").glob("*.xlsx"))) == 27
    assert len(read_register(out / "forms.register.jsonl")) == 27
    returns = list((out / "returns").iterdir())
    assert len(returns) == 26  # two projects never return; one returns twice
    assert "模拟" in (out / "returns-README.txt").read_text(encoding="utf-8")
    assert "计分引擎写入（模拟）" in result.output
    summary = load_workbook(out / "汇总.xlsx", read_only=True)
    assert {"汇总", "按部门", "等级分布", "指标明细", "问题清单", "未报送清单", "提交历史"} <= set(summary.sheetnames)
    feedback = sorted(p.name for p in (out / "feedback").iterdir())
    assert any(name.endswith("_退回通知.xlsx") for name in feedback)
    assert any(name.endswith("_反馈.xlsx") for name in feedback)
    assert (out / "collect" / "exports" / "findings.csv").is_file()
    for text in ("回收情况", "未报送", "汇总工作簿"):
        assert text in result.output
    again = CliRunner().invoke(app, ["demo", "--out", str(out), "--workers", "2", "--no-libreoffice"])
    assert again.exit_code == 0  # its own folder is rebuilt


def test_demo_refuses_a_foreign_folder(tmp_path: Path) -> None:
    (tmp_path / "mine.txt").write_text("keep me", encoding="utf-8")
    result = CliRunner().invoke(app, ["demo", "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert (tmp_path / "mine.txt").read_text(encoding="utf-8") == "keep me"
