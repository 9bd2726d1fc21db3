"""The `perfeval` command line: thin wrappers over the library, Chinese output for bureau staff."""

from __future__ import annotations

import typer

from perfeval_xl.commands.check_cmd import check
from perfeval_xl.commands.collect_cmd import collect_command
from perfeval_xl.commands.demo_cmd import demo
from perfeval_xl.commands.generate_cmd import generate_command
from perfeval_xl.commands.manifest_cmds import manifest_template, schema, score, validate_manifest
from perfeval_xl.commands.xlwings_cmd import xlwings_app
from perfeval_xl.integrity.cli_keygen import keygen

app = typer.Typer(
    name="perfeval",
    help="项目支出绩效自评工具：生成工作簿、计分、回收汇总。",
    no_args_is_help=True,
    add_completion=False,
)


@app.command()
def version() -> None:
    """Print the installed version."""
    from perfeval_xl import __version__

    typer.echo(__version__)


app.command("demo")(demo)
app.command("keygen")(keygen)
app.command("manifest-template")(manifest_template)
app.command("validate-manifest")(validate_manifest)
app.command("generate")(generate_command)
app.command("score")(score)
app.command("schema")(schema)
app.command("check")(check)
app.command("collect")(collect_command)
app.add_typer(xlwings_app, name="xlwings")


def main() -> None:
    app()
