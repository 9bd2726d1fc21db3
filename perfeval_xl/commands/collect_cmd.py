"""`perfeval collect DIR --manifest M --register R [--receipts R.csv] [--db URL] [--archive DIR] [--out S.xlsx]`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from perfeval_xl.collect import CollectOptions, collect
from perfeval_xl.collect.run import CollectError
from perfeval_xl.store import LockBusy, StoreError

STAGES = {"archive": "归档", "check": "检查", "store": "入库"}


def collect_command(
    returns: Annotated[Path, typer.Argument(help="回收的工作簿所在文件夹（只读，不会被修改）")],
    manifest: Annotated[Path, typer.Option("--manifest", help="项目清单")],
    register: Annotated[Path, typer.Option("--register", help="发放登记簿（perfeval generate 写出的 .register.jsonl）")],
    receipts: Annotated[Optional[Path], typer.Option("--receipts", help="收件记录 CSV：文件名, 报送单位, 收到时间")] = None,
    db: Annotated[Optional[str], typer.Option("--db", help="数据库 URL（默认 <工作目录>/perfeval.db，SQLite）")] = None,
    archive: Annotated[Optional[Path], typer.Option("--archive", help="归档文件夹（默认 <工作目录>/archive）")] = None,
    work: Annotated[Path, typer.Option("--work", help="工作目录：数据库、归档和导出文件")] = Path("collect-work"),
    out: Annotated[Optional[Path], typer.Option("--out", help="同时写出汇总工作簿（.xlsx）")] = None,
    workers: Annotated[int, typer.Option("--workers", help="并行进程数（默认为 CPU 核数）")] = 0,
) -> None:
    """回收并检查报送的工作簿，逐份入库，保留每一个版本。可以反复运行：已收过的文件不会重复处理。

    示例：perfeval collect 回收/ --manifest 清单.xlsx --register forms.register.jsonl --receipts 收件记录.csv --out 汇总.xlsx
    """
    console = Console(stderr=True)
    options = CollectOptions(returns=returns, manifest=manifest, register=register, work=work, receipts=receipts,
                             db_url=db, archive=archive, workers=workers or None)
    try:
        # Redrawn 4 times a second, not rich's 10: the drawing thread takes the GIL from the one feeding the workers.
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      console=console, transient=True, refresh_per_second=4) as bar:
            tasks: dict[str, int] = {}

            def progress(stage: str, done: int, total: int) -> None:
                if stage not in tasks:
                    tasks[stage] = bar.add_task(STAGES[stage], total=total)
                bar.update(tasks[stage], completed=done)

            result = collect(options, progress)
    except (CollectError, LockBusy, StoreError) as exc:
        text = exc.message() if isinstance(exc, StoreError) else str(exc)
        console.print(Text(text, style="red"))  # Text: paths and URLs are never markup
        raise typer.Exit(1) from exc
    counts = result.counts
    table = Table(title=f"回收情况（第 {result.run_id} 次运行；本次新收 {result.new} 份，文件夹共 {result.files} 份）")
    for header in ("收到", "接收", "接收（有问题）", "退回", "被替代", "逾期", "未报送", "待定版本"):
        table.add_column(header, justify="right")
    table.add_row(*(str(v) for v in (counts.received, counts.accepted, counts.accepted_with_findings, counts.rejected,
                                      counts.superseded, counts.late, counts.missing, counts.needs_decision)))
    Console().print(table)
    for path in result.exports:
        Console().print(f"导出：{path}")
    if out is not None:
        from perfeval_xl.commands.summary_cmd import write_summary_from_db

        write_summary_from_db(options.database, out, result.batch_id)
        Console().print(f"汇总工作簿：{out}")
