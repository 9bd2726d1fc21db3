"""Commands about the manifest: template, validation, scoring inputs, JSON schemas.

Each parses its arguments, calls the library, prints; exit 1 when an error-level
finding exists, 0 otherwise (2 is typer's usage error).
"""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console

from perfeval_xl.commands.render import Lang, finding_json, is_error, print_findings
from perfeval_xl.commands.results_view import Scored, print_results, result_json
from perfeval_xl.commands.stats_view import print_stats, stats_json
from perfeval_xl.engine import evaluate
from perfeval_xl.findings import Finding
from perfeval_xl.manifest import read_manifest
from perfeval_xl.manifest.inputs_reader import read_inputs
from perfeval_xl.manifest.load import read_raw_manifest
from perfeval_xl.manifest.stats import manifest_stats
from perfeval_xl.model import Manifest, ProjectInputs, ProjectResult

LangOption = Annotated[Lang, typer.Option("--lang", help="输出语言：zh（默认）或 en")]
JsonOption = Annotated[bool, typer.Option("--json", help="输出 JSON 而不是表格")]


class SchemaName(str, Enum):
    manifest = "manifest"
    inputs = "inputs"
    results = "results"


SCHEMA_MODELS = {SchemaName.manifest: Manifest, SchemaName.inputs: ProjectInputs, SchemaName.results: ProjectResult}


def manifest_template(
    out: Annotated[Path, typer.Argument(help="要生成的 .xlsx 文件")],
    source: Annotated[Optional[Path], typer.Option("--from", help="把已有清单（YAML/JSON/xlsx）导出为 Excel")] = None,
) -> None:
    """生成清单 Excel 模板（含“说明”页、下拉列表和数字校验）；用 --from 导出已有清单。

    示例：perfeval manifest-template 清单.xlsx
          perfeval manifest-template samples/manifest.xlsx --from samples/manifest.yaml
    """
    from perfeval_xl.manifest.excel_template import write_manifest_template, write_manifest_workbook  # openpyxl

    if source is None:
        write_manifest_template(out)
        typer.echo(f"已生成清单模板：{out}")
        return
    if source.resolve() == out.resolve():
        raise typer.BadParameter("输出文件不能覆盖源清单", param_hint="OUT")
    raw = read_raw_manifest(source)
    unreadable = [f for f in raw.findings if f.code == "MANIFEST_UNREADABLE"]
    if unreadable:
        print_findings(Console(), unreadable, Lang.zh)
        raise typer.Exit(1)
    write_manifest_workbook(raw, out)
    typer.echo(f"已把 {source} 导出为：{out}")


def validate_manifest(
    file: Annotated[Path, typer.Argument(help="清单文件（.xlsx、.yaml 或 .json）")],
    stats: Annotated[bool, typer.Option("--stats", help="统计框架、计分方式、主管部门、计量单位和年度指标值")] = False,
    as_json: JsonOption = False,
    lang: LangOption = Lang.zh,
) -> None:
    """检查清单，按“工作表 第N行 列X”列出所有问题；有错误时退出码为 1。

    示例：perfeval validate-manifest 清单.xlsx --stats
    """
    loaded = read_manifest(file)
    summary = manifest_stats(loaded) if stats else None
    failed = any(is_error(f) for f in loaded.findings)
    if as_json:
        document: dict[str, object] = {"ok": not failed, "findings": [finding_json(f, lang) for f in loaded.findings]}
        if stats:
            document["stats"] = stats_json(summary, loaded)
        typer.echo(json.dumps(document, ensure_ascii=False, indent=2))
    else:
        console = Console()
        print_findings(console, loaded.findings, lang)
        if stats:
            print_stats(console, summary, loaded, lang)
        zh = lang is Lang.zh
        console.print(("清单有错误，请修改后重新检查。" if zh else "The manifest has errors.") if failed
                      else ("清单可以使用。" if zh else "The manifest is valid."))
    raise typer.Exit(1 if failed else 0)


def score(
    manifest: Annotated[Path, typer.Argument(help="清单文件（.xlsx、.yaml 或 .json）")],
    inputs: Annotated[Path, typer.Option("--inputs", help="填报数据（.xlsx、.yaml 或 .json）")],
    as_json: JsonOption = False,
    lang: LangOption = Lang.zh,
    project: Annotated[Optional[str], typer.Option("--project", help="只计算这个项目编号")] = None,
) -> None:
    """按清单和填报数据计分，列出各项目得分、等级和问题；有错误时退出码为 1。

    示例：perfeval score 清单.xlsx --inputs 填报.xlsx --project S002
    """
    loaded = read_manifest(manifest)
    if not loaded.ok or loaded.manifest is None:
        _print_or_dump(loaded.findings, [], lang, as_json)
        raise typer.Exit(1)
    if project is not None and loaded.manifest.project(project) is None:
        raise typer.BadParameter(f"清单中没有项目“{project}”", param_hint="--project")
    by_project, findings = read_inputs(inputs, loaded.manifest)
    findings = [f for f in findings if project is None or f.location.project_id in (None, project)]
    scored: list[Scored] = []
    for item in loaded.manifest.projects:
        if project is None or item.id == project:
            result = evaluate(item, by_project.get(item.id), loaded.profile)
            scored.append((item, result))
            findings.extend(result.findings)
    _print_or_dump(findings, scored, lang, as_json)
    raise typer.Exit(1 if any(is_error(f) for f in findings) else 0)


def schema(
    name: Annotated[SchemaName, typer.Argument(help="manifest、inputs 或 results")] = SchemaName.manifest,
) -> None:
    """输出清单（manifest）、单个项目填报数据（inputs）或计分结果（results）的 JSON Schema。"""
    typer.echo(json.dumps(SCHEMA_MODELS[name].model_json_schema(), ensure_ascii=False, indent=2))


def _print_or_dump(findings: list[Finding], scored: list[Scored], lang: Lang, as_json: bool) -> None:
    if as_json:
        document = {"results": [result_json(p, r) for p, r in scored],
                    "findings": [finding_json(f, lang) for f in findings]}
        typer.echo(json.dumps(document, ensure_ascii=False, indent=2))
        return
    console = Console()
    if scored:
        print_results(console, scored, lang)
    print_findings(console, findings, lang)
