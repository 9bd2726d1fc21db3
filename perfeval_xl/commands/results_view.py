"""`score` output: one row per project (budget rate, first-level scores, total, grade)."""

from __future__ import annotations

from decimal import Decimal

from rich import box
from rich.cells import cell_len
from rich.console import Console
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

from perfeval_xl.commands.render import Lang
from perfeval_xl.engine import round_half_up
from perfeval_xl.model import Project, ProjectResult

Scored = tuple[Project, ProjectResult]
NAME_WIDTH = 20  # 项目名称 and 单位 fold beyond this many columns
UNBOUNDED = 10_000
HEADS = {Lang.zh: ("项目编号", "项目名称", "单位", "预算执行率%"), Lang.en: ("Project", "Name", "Unit", "Execution %")}
TAILS = {Lang.zh: ("总分", "等级", "问题数"), Lang.en: ("Total", "Grade", "Findings")}
FOLDED = (1, 2)  # positions of 项目名称 and 单位: the only columns that wrap


def print_results(console: Console, scored: list[Scored], lang: Lang) -> None:
    table = results_table(scored, lang)
    # Wider than a narrow terminal rather than cut figures: the terminal wraps the lines.
    needed = Measurement.get(console, console.options.update(max_width=UNBOUNDED), table).maximum
    Console(width=max(console.width, needed)).print(table)


def first_level_scores(project: Project, result: ProjectResult) -> dict[str, Decimal | None]:
    """Scores of the first-level rows: groups, and leaves at the top (预算执行率)."""
    out: dict[str, Decimal | None] = {}
    for ind in project.indicators:
        if ind.path:
            group = result.group(ind.path[0])
            out.setdefault(ind.path[0], group.score if group else None)
        else:
            leaf = result.indicator(ind.id)
            out.setdefault(ind.name, leaf.score if leaf else None)
    return out


def _execution_percent(result: ProjectResult) -> Decimal | None:
    rate = result.budget.execution_rate
    return None if rate is None else round_half_up(rate * 100, 2)


def result_json(project: Project, result: ProjectResult) -> dict[str, object]:
    return {
        "project_id": project.id,
        "name": project.name,
        "unit": project.unit,
        "execution_rate_percent": _text(_execution_percent(result)),
        "first_level": {name: _text(value) for name, value in first_level_scores(project, result).items()},
        "total": _text(result.total),
        "grade": result.grade,
        "unfilled": result.unfilled,
        "findings": len(result.findings),
        "detail": result.model_dump(mode="json", exclude={"findings"}),
    }


def results_table(scored: list[Scored], lang: Lang) -> Table:
    firsts = {p.id: first_level_scores(p, r) for p, r in scored}
    columns = list(dict.fromkeys(name for scores in firsts.values() for name in scores))
    rows = [
        [project.id, project.name, project.unit, _text(_execution_percent(result)) or "",
         *(_text(firsts[project.id].get(name)) or "" for name in columns),
         _text(result.total) or "", result.grade or "", str(len(result.findings))]
        for project, result in scored
    ]
    table = Table(box=box.SIMPLE_HEAD)
    for index, name in enumerate((*HEADS[lang], *columns, *TAILS[lang])):
        if index in FOLDED:  # folded, not wrapped: Chinese has no spaces to wrap at
            table.add_column(name, overflow="fold", min_width=8, max_width=NAME_WIDTH)
        else:  # codes and figures are never cut
            widest = max((cell_len(row[index]) for row in rows), default=0)
            table.add_column(name, no_wrap=True, min_width=max(cell_len(name), widest))
    for row in rows:
        table.add_row(*(Text(cell) for cell in row))
    return table


def _text(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")
