"""`perfeval xlwings vba [OUT]`: the VBA wrapper module of the perfeval_xl UDFs."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Annotated

import typer

xlwings_app = typer.Typer(help="xlwings 自定义函数（UDF）工具。", no_args_is_help=True, add_completion=False)


@xlwings_app.command("vba")
def vba_command(
    out: Annotated[Path, typer.Argument(help="输出的 VBA 模块文件（.bas）")] = Path("xlwings_udfs.bas"),
) -> None:
    """Write the xlwings_udfs VBA module (.bas) for the functions of perfeval_xl.udfs.

    Import it into a custom xlwings add-in or a workbook holding xlwings' VBA runtime
    (VBA editor: File > Import File); see macros/README.md.

    Example: perfeval xlwings vba macros/xlwings_udfs.bas
    """
    try:
        from perfeval_xl import udfs
        from perfeval_xl.udf.spec import udf_specs
        from perfeval_xl.udf.vba import render_bas
    except ImportError as exc:
        typer.echo(f'无法加载 xlwings：{exc}。请运行 pip install "perfeval_xl[xlwings]"。', err=True)
        raise typer.Exit(1) from exc
    data = render_bas(udf_specs(udfs))
    out.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as fh:
            fh.write(data)
        os.replace(temp, out)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    typer.echo(f"已写入 {out}（{len(udf_specs(udfs))} 个函数）")
