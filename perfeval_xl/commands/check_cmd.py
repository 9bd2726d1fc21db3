"""`perfeval check FILE... [--json] [--lang en] [--public-key K]`: check returned workbooks."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from perfeval_xl.commands.check_report import check_document, exit_code
from perfeval_xl.commands.check_view import print_reports
from perfeval_xl.commands.render import Lang
from perfeval_xl.intake.pipeline import CheckOptions, check_files
from perfeval_xl.intake.report import FileReport
from perfeval_xl.integrity.errors import IntegrityError
from perfeval_xl.integrity.keys import load_public_keys


def check(
    files: Annotated[list[Path], typer.Argument(help="回收的工作簿（可以多个）", exists=False)],
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON（格式见 docs/check-report.schema.json）")] = False,
    lang: Annotated[Lang, typer.Option("--lang", help="输出语言：zh（默认）或 en")] = Lang.zh,
    public_key: Annotated[Optional[Path], typer.Option(
        "--public-key", help="本批次的公钥文件（.pub），或存放公钥的文件夹，用于核验签名")] = None,
    batch: Annotated[Optional[str], typer.Option("--batch", help="应属的批次编号（不符即退回）")] = None,
    year: Annotated[Optional[int], typer.Option("--year", help="应属的评价年度（不符即退回）")] = None,
) -> None:
    """检查回收的工作簿，逐个文件列出问题（工作表、单元格和修改办法）。

    退出码：0 全部通过（最多有警告或提示）；1 有文件有错误；3 有文件被退回。

    示例：perfeval check 回收/*.xlsx --public-key keys/2024.pub
    """
    options = CheckOptions(public_keys=_public_keys(public_key) if public_key else {},
                           expected_batch=batch, expected_year=year)
    reports = _run(files, options, show_progress=not as_json)
    if as_json:
        typer.echo(check_document(reports, lang).model_dump_json(indent=2))
    else:
        print_reports(Console(), reports, lang)
    raise typer.Exit(exit_code(reports))


def _public_keys(path: Path) -> dict[str, bytes]:
    try:
        keys = load_public_keys(path)
    except IntegrityError as exc:
        raise typer.BadParameter(exc.message(), param_hint="--public-key") from None
    return {key_id: key.public_bytes(Encoding.Raw, PublicFormat.Raw) for key_id, key in keys.items()}


def _run(files: list[Path], options: CheckOptions, show_progress: bool) -> list[FileReport]:
    console = Console(stderr=True)
    if not show_progress or len(files) < 2 or not console.is_terminal:
        return check_files(files, options)
    with Progress(TextColumn("检查工作簿"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console, transient=True) as bar:
        task = bar.add_task("check", total=len(files))
        return check_files(files, options, progress=lambda done, _total: bar.update(task, completed=done))
