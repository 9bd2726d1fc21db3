"""LibreOffice opens the summary and prints every sheet, charts included."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from perfeval_xl.libreoffice import convert_to_pdf
from perfeval_xl.summary import write_summary
from tests.summary.conftest import Collected

pytestmark = pytest.mark.libreoffice


def test_summary_prints_with_its_charts(soffice: Path, collected: Collected, tmp_path: Path) -> None:
    path = write_summary(collected.data, tmp_path / "汇总表.xlsx")
    [pdf] = convert_to_pdf([path], tmp_path / "pdf", soffice=soffice)
    pages = [page.extract_text() for page in PdfReader(pdf).pages]
    headers = [text.splitlines()[0].strip() for text in pages]
    for sheet in ("汇总", "按部门", "等级分布", "指标明细", "问题清单", "未报送清单", "提交历史"):
        assert any(h.startswith("2024年度项目支出绩效自评汇总") and h.endswith(sheet) for h in headers), sheet
    grades = next(text for text, header in zip(pages, headers) if header.endswith("等级分布"))
    for title in ("等级分布（项目数）", "等级占比", "各部门平均分", "执行率与总分"):
        assert title in grades
