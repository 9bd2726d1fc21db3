"""`perfeval summary`, `perfeval feedback` and `perfeval collect --out` on a collected store."""

from __future__ import annotations

import csv
from pathlib import Path

import pyarrow.parquet as pq
from typer.testing import CliRunner

from perfeval_xl.cli import app
from perfeval_xl.commands.summary_cmd import write_summary_from_db
from perfeval_xl.store import current_results
from tests.summary_store.conftest import Collected
from tests.summary_store.support import BATCH, opened


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


def test_summary_command_writes_the_workbook_and_exports(collected_sqlite: Collected, tmp_path: Path) -> None:
    db = str(collected_sqlite.work / "perfeval.db")  # a plain file path is accepted
    code, output = _run("summary", "--db", db, "--out", str(tmp_path / "汇总.xlsx"), "--csv", str(tmp_path / "csv"),
                        "--parquet", str(tmp_path / "parquet"))
    assert code == 0, output
    assert "已报送 22 个项目，未报送 5 个" in output
    library = write_summary_from_db(collected_sqlite.db_url, tmp_path / "library.xlsx", BATCH)
    assert (tmp_path / "汇总.xlsx").read_bytes() == library.read_bytes()
    tables = ["projects", "departments", "grades", "indicators", "findings", "missing", "history"]
    assert sorted(p.stem for p in (tmp_path / "csv").iterdir()) == sorted(tables)
    with (tmp_path / "csv" / "indicators.csv").open(encoding="utf-8-sig", newline="") as fh:
        reasons = [row["偏差原因分析及改进措施"] for row in csv.DictReader(fh)]
    assert "'=HYPERLINK(\"http://example.invalid\",\"点击查看\")" in reasons  # OWASP prefix
    assert not any(r.startswith("=") for r in reasons)
    with opened(collected_sqlite.db_url) as store:
        totals = {row["project_id"]: row["total"] for row in current_results(store, BATCH)}
    parquet = pq.read_table(tmp_path / "parquet" / "projects.parquet").to_pydict()
    assert dict(zip(parquet["project_id"], parquet["total"])) == totals  # exact decimals


def test_summary_command_refuses_what_it_cannot_read(tmp_path: Path, collected_sqlite: Collected) -> None:
    absent = tmp_path / "absent.db"
    code, output = _run("summary", "--db", str(absent), "--out", str(tmp_path / "s.xlsx"))
    assert code == 1 and "还没有汇总数据表" in output
    assert not absent.exists() and not (tmp_path / "s.xlsx").exists()  # nothing created
    code, output = _run("summary", "--db", collected_sqlite.db_url, "--out", str(tmp_path / "s.xlsx"),
                        "--batch", "2023-OTHER")
    assert code == 1 and "没有批次 2023-OTHER" in output and BATCH in output


def test_feedback_command_prints_what_it_wrote(collected_sqlite: Collected, tmp_path: Path) -> None:
    code, output = _run("feedback", "--db", collected_sqlite.db_url, "--out", str(tmp_path / "反馈"))
    assert code == 0, output
    written = sorted(p.name for p in (tmp_path / "反馈").iterdir())
    assert "P005_职业技能提升行动培训补贴_退回通知.xlsx" in written
    assert "P007_重点河道水环境综合整治（河道保洁及水质监测）_反馈.xlsx" in written
    assert f"反馈文件（{len(written)} 份" in output
    assert "退回通知" in output and "反馈副本" in output and "P007" in output


def test_feedback_command_needs_the_archive(collected_sqlite: Collected, tmp_path: Path) -> None:
    code, output = _run("feedback", "--db", collected_sqlite.db_url, "--out", str(tmp_path / "out"),
                        "--archive", str(tmp_path / "elsewhere"))
    assert code == 1 and "归档文件夹" in output and "不存在" in output
    assert not (tmp_path / "out").exists()


def test_collect_out_writes_the_summary_of_its_batch(own_copy: Collected, tmp_path: Path) -> None:
    returns = own_copy.returns
    before = write_summary_from_db(own_copy.db_url, tmp_path / "before.xlsx").read_bytes()
    code, output = _run("collect", str(returns.returns), "--manifest", str(returns.collect_options(tmp_path).manifest),
                        "--register", str(returns.register), "--receipts", str(returns.receipts),
                        "--work", str(own_copy.work), "--workers", "1", "--out", str(tmp_path / "汇总.xlsx"))
    assert code == 0, output
    assert "本次新收 0 份" in output  # a re-run on the same folder: only a run record is added
    assert (tmp_path / "汇总.xlsx").read_bytes() == before
