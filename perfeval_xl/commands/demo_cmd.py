"""`perfeval demo`: the main job on the bundled sample batch."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from perfeval_xl.commands.render import Lang, summary_line
from perfeval_xl.commands.results_view import print_results
from perfeval_xl.demo import DemoError, run_demo


def demo(
    out: Annotated[Path, typer.Option("--out", help="输出文件夹（每次运行会重建）")] = Path("demo-out"),
    workers: Annotated[int, typer.Option("--workers", help="并行进程数（默认为 CPU 核数）")] = 0,
) -> None:
    """Run the main job on the bundled sample batch and say where to look.

    Example: perfeval demo --out demo-out
    """
    console = Console()
    try:
        result = run_demo(out, workers or None)
    except DemoError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from exc
    batch = result.batch
    console.print(f"[bold]示例批次 {batch.manifest.batch.batch_id}：{len(batch.manifest.projects)} 个项目[/bold]")
    console.print(f"1. 已生成 {len(result.forms)} 个锁定工作簿（已签名）：{out / 'forms'}")
    console.print(f"   发放登记簿：{result.register}；核验公钥：{result.public_key}")
    console.print("2. 按示例填报数据计分：")
    scored = [(p, batch.results[p.id]) for p in batch.manifest.projects]
    print_results(console, scored, Lang.zh)
    findings = [f for _, r in scored for f in r.findings]
    console.print(summary_line(findings, Lang.zh))
    console.print(f"用 Excel、WPS 或 LibreOffice 打开 {out / 'forms'} 中的任一工作簿，填写浅黄色单元格即可看到实时计分。")
