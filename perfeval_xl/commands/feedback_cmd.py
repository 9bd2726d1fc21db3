"""`perfeval feedback --db URL --out DIR [--batch ID] [--archive DIR]`."""

# The library (pandas, openpyxl, XlsxWriter behind it) is imported inside the command:
# every `perfeval` invocation imports this module, and most do not need it.

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from perfeval_xl.store import Store, StoreError, open_store
from perfeval_xl.store.models import OUTCOME_LABELS, Outcome

if TYPE_CHECKING:
    from perfeval_xl.feedback.from_store import FileFeedback

KINDS = {"annotated": "反馈副本", "letter": "退回通知"}


def default_archive(store: Store) -> Path | None:
    """Where perfeval collect keeps the archive by default: beside its SQLite database."""
    return store.sqlite_path.parent / "archive" if store.sqlite_path is not None else None


def feedback_command(
    db: Annotated[str, typer.Option("--db", help="数据库 URL 或 SQLite 文件路径（perfeval collect 写入的）")],
    out: Annotated[Path, typer.Option("--out", help="写出反馈文件的文件夹")],
    batch: Annotated[Optional[str], typer.Option("--batch", help="批次编号（数据库中有多个批次时必填）")] = None,
    archive: Annotated[Optional[Path], typer.Option(
        "--archive", help="perfeval collect 的归档文件夹（默认为 SQLite 数据库旁的 archive）")] = None,
) -> None:
    """为每份有问题的报送文件写出反馈：接收的文件得到标注了问题单元格的副本（单位修改后可直接重新报送），
    被退回的文件得到一页退回通知。只读取归档中的文件，不改动任何原件。

    退出码：0 全部写出；1 有文件无法写出反馈（见表格）或数据库无法打开。

    示例：perfeval feedback --db collect-work/perfeval.db --out 反馈/
    """
    from perfeval_xl.feedback import FeedbackError
    from perfeval_xl.feedback.from_store import feedback_from_store

    errors = Console(stderr=True)
    try:
        store = open_store(db, create=False)
    except StoreError as exc:
        errors.print(Text(exc.message(), style="red"))
        raise typer.Exit(1) from exc
    try:
        root = archive or default_archive(store)
        if root is None:
            errors.print("[red]数据库不是 SQLite 文件，无法推断归档位置，请用 --archive 指定归档文件夹。[/red]")
            raise typer.Exit(1)
        results = feedback_from_store(store, root, out, batch)
    except (StoreError, FeedbackError) as exc:
        errors.print(Text(exc.message() if isinstance(exc, StoreError) else str(exc), style="red"))
        raise typer.Exit(1) from exc
    finally:
        store.close()
    print_feedback(Console(), results, out)
    if any(r.error for r in results):
        raise typer.Exit(1)


def print_feedback(console: Console, results: list[FileFeedback], out: Path) -> None:
    if not results:
        console.print("没有需要反馈的文件（在用的报送文件都没有提示以上的问题）。")
        return
    table = Table(title=Text(f"反馈文件（{len(results)} 份，写在 {out}）"))
    for header in ("报送文件", "项目编号", "处理结果", "问题数", "反馈"):
        table.add_column(header)
    for r in results:  # Text(): file names and messages are never read as markup
        if r.feedback is not None:
            written = Text(f"{KINDS[r.feedback.kind]}：{r.feedback.path.name}")
        else:
            written = Text(f"未写出：{r.error}", style="red")
        table.add_row(Text(r.file), Text(r.project_id or ""), OUTCOME_LABELS[Outcome(r.outcome)], str(r.findings),
                      written)
    console.print(table)
