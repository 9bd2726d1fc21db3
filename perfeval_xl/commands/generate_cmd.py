"""`perfeval generate MANIFEST --out DIR`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from perfeval_xl.integrity.register import default_register_path
from perfeval_xl.layout.flavour import FLAVOURS
from perfeval_xl.manifest import ManifestError
from perfeval_xl.manifest.parts import manifest_parts
from perfeval_xl.integrity.errors import IntegrityError as KeyFileError


def generate_command(
    manifest: Annotated[Path, typer.Argument(help="项目清单（.xlsx / .yaml / .json）")],
    out: Annotated[Path, typer.Option("--out", "-o", help="输出文件夹")],
    force: Annotated[bool, typer.Option("--force", help="输出文件夹不为空时覆盖")] = False,
    formulas: Annotated[str, typer.Option("--formulas", help="native（默认，原生公式）或 xlwings（.xlsm，UDF 优先）")] = "native",
    workers: Annotated[int, typer.Option("--workers", help="并行进程数（默认为 CPU 核数）")] = 0,
    key: Annotated[Path | None, typer.Option("--key", help="本批次签名私钥（perfeval keygen 生成）")] = None,
    register: Annotated[Path | None, typer.Option("--register", help="发放登记簿（默认：输出文件夹旁的 <文件夹名>.register.jsonl）")] = None,
) -> None:
    """为清单中的每个项目生成一个锁定、签名的工作簿，并在输出文件夹旁写出发放登记簿。

    --formulas xlwings 生成启用宏的 .xlsm：装有 Python 和 xlwings 时由自定义函数计分，
    其他环境自动使用同样的原生公式（见 macros/README.md）；已安装的 xlwings 须为锁定版本。

    示例：perfeval generate samples/manifest.yaml --out out/forms --key ~/keys/2024.key
    """
    from perfeval_xl.writer.generate import GenerateError, generate  # XlsxWriter: only when generating
    from perfeval_xl.writer.workbook import IssueError

    console = Console(stderr=True)
    if formulas not in FLAVOURS:
        console.print(f"[red]未知的 --formulas {formulas}；可用：{'、'.join(FLAVOURS)}[/red]")
        raise typer.Exit(2)
    try:
        parts = manifest_parts(manifest)  # a large batch is validated and generated a part at a time
    except ManifestError as exc:
        _report_invalid(console, exc)
    with Progress(TextColumn("生成工作簿"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console, transient=True) as bar:
        task = bar.add_task("generate", total=parts.total)
        try:
            paths = generate(parts, out, force=force, workers=workers or None, key_path=key,
                             register_path=register, progress=lambda n: bar.advance(task, n), formulas=formulas)
        except ManifestError as exc:
            _report_invalid(console, exc)
        except (GenerateError, IssueError, KeyFileError) as exc:
            console.print(f"[red]{exc}[/red]")
            raise typer.Exit(1) from exc
    console.print(f"已生成 {len(paths)} 个工作簿：{out}")
    console.print(f"发放登记簿：{register or default_register_path(out)}（由财政部门留存，回收时使用）")
    if key is None:
        console.print("[yellow]未指定 --key：工作簿未签名，回收时只能按登记簿比对锁定内容。[/yellow]")


def _report_invalid(console: Console, exc: ManifestError) -> NoReturn:
    errors = [f for f in exc.findings if f.severity in ("reject", "error")]
    console.print(f"[red]清单有 {len(errors)} 处错误，未生成任何工作簿：[/red]")
    for f in errors[:20]:
        console.print(f"  {f.location.describe()}：{f.message()}")
    if len(errors) > 20:
        console.print(f"  ……另有 {len(errors) - 20} 处，请运行 perfeval validate-manifest 查看全部。")
    raise typer.Exit(1)
