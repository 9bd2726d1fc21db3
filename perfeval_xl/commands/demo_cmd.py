"""`perfeval demo`: the main job on the bundled sample batch."""

# The library (pandas, openpyxl, XlsxWriter behind it) is imported inside the command:
# every `perfeval` invocation imports this module, and most do not need it.

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table


STEPS = {
    "generate": "1. 生成并签名示例批次的锁定工作簿",
    "returns": "2. 模拟各单位报送（含逾期、未报送、篡改、漏填、重报、损坏、缓存值被改）",
    "collect": "3. 回收、检查并入库",
    "summary": "4. 写出汇总工作簿",
    "feedback": "5. 写出反馈副本和退回通知",
}


def demo(
    out: Annotated[Path, typer.Option("--out", help="输出文件夹（每次运行会重建）")] = Path("demo-out"),
    workers: Annotated[int, typer.Option("--workers", help="并行进程数（默认为 CPU 核数）")] = 0,
    no_libreoffice: Annotated[bool, typer.Option("--no-libreoffice", help="不用 LibreOffice 重算模拟报送")] = False,
) -> None:
    """在自带的示例批次上运行完整流程（生成、模拟报送、回收、汇总、反馈），并说明结果在哪里。

    示例：perfeval demo --out demo-out
    """
    from perfeval_xl.demo import DemoError, run_demo

    console = Console()
    started = time.monotonic()
    try:
        result = run_demo(out, workers or None, use_libreoffice=not no_libreoffice,
                          step=lambda name: console.print(STEPS[name]))
    except DemoError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from exc
    counts = result.collected.counts
    console.print(f"\n[bold]示例批次 {result.batch.manifest.batch.batch_id}：{len(result.forms)} 个项目，"
                  f"模拟报送 {len(result.returns)} 份（缓存值：{_path_label(result.recalculated_by)}）[/bold]")
    table = Table(title="回收情况")
    for header in ("收到", "接收", "接收（有问题）", "退回", "被替代", "逾期", "未报送"):
        table.add_column(header, justify="right")
    table.add_row(*(str(v) for v in (counts.received, counts.accepted, counts.accepted_with_findings,
                                      counts.rejected, counts.superseded, counts.late, counts.missing)))
    console.print(table)
    console.print("请查看：")
    for label, path in (("锁定工作簿（可用 Excel/WPS/LibreOffice 打开填写）", out / "forms"),
                        ("模拟报送与收件记录", out / "returns"), ("汇总工作簿", result.summary),
                        ("反馈副本与退回通知", out / "feedback"), ("数据库与导出", out / "collect")):
        console.print(f"  {label}：{path}")
    console.print(f"用时 {time.monotonic() - started:.1f} 秒")


def _path_label(recalculated_by: str) -> str:
    return "LibreOffice 重算" if recalculated_by == "LibreOffice" else "计分引擎写入（模拟）"
