"""`perfeval summary --db URL --out summary.xlsx [--batch ID] [--csv DIR] [--parquet DIR]`."""

# The library (XlsxWriter behind it) is imported inside the command: every `perfeval`
# invocation imports this module, and most do not need it. The command works on the
# summary's records and never loads pandas.

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer
from rich.console import Console
from rich.text import Text

from perfeval_xl.store import StoreError, open_store

if TYPE_CHECKING:
    from perfeval_xl.summary import SummaryRecords


def load_summary(db_url: str, batch_id: str | None = None) -> SummaryRecords:
    """The summary's records from the database at `db_url` (never created: StoreError if absent)."""
    from perfeval_xl.summary.from_store import summary_records_from_store

    store = open_store(db_url, create=False)
    try:
        return summary_records_from_store(store, batch_id)
    finally:
        store.close()


def write_summary_from_db(db_url: str, out: Path, batch_id: str | None = None) -> Path:
    """Write the summary workbook of batch `batch_id` (default: the only one) from the database alone."""
    from perfeval_xl.summary import write_summary

    return write_summary(load_summary(db_url, batch_id), out)


def summary_command(
    db: Annotated[str, typer.Option("--db", help="数据库 URL 或 SQLite 文件路径（perfeval collect 写入的）")],
    out: Annotated[Path, typer.Option("--out", help="汇总工作簿（.xlsx）")],
    batch: Annotated[Optional[str], typer.Option("--batch", help="批次编号（数据库中有多个批次时必填）")] = None,
    csv_dir: Annotated[Optional[Path], typer.Option("--csv", help="同时把各表导出为 CSV 的文件夹")] = None,
    parquet_dir: Annotated[Optional[Path], typer.Option("--parquet", help="同时把各表导出为 Parquet 的文件夹")] = None,
) -> None:
    """只凭数据库写出汇总工作簿：汇总、按部门、等级分布（含图表）、指标明细、问题清单、未报送清单、提交历史。

    示例：perfeval summary --db collect-work/perfeval.db --out 汇总.xlsx --csv 导出/
    """
    from perfeval_xl.summary import write_csv, write_parquet, write_summary

    console = Console()
    try:
        data = load_summary(db, batch)
    except StoreError as exc:
        Console(stderr=True).print(Text(exc.message(), style="red"))  # Text: a URL is never markup
        raise typer.Exit(1) from exc
    written = [write_summary(data, out)]
    if csv_dir is not None:
        written += write_csv(data, csv_dir)
    if parquet_dir is not None:
        try:
            written += write_parquet(data, parquet_dir)
        except ImportError as exc:
            Console(stderr=True).print("[red]导出 Parquet 需要 pyarrow：pip install 'perfeval_xl[parquet]'[/red]")
            raise typer.Exit(1) from exc
    meta = data.meta
    console.print(f"[bold]{meta.year} 年度 {meta.batch_id}（{meta.bureau}）[/bold]："
                  f"已报送 {len(data.projects)} 个项目，未报送 {len(data.missing)} 个，"
                  f"问题 {len(data.findings)} 条，报送记录 {len(data.history)} 份。")
    for path in written:
        console.print(f"已写出：{path}")
