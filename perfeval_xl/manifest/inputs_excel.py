"""The Excel inputs workbook: what units report, one sheet per kind of input.

Sheets and columns come from manifest.inputs_fields. The reader checks every row
against the manifest (unknown projects, indicators, list positions; duplicates) and
reports at the cell; the scoring engine judges the values themselves (blank, text
where a number belongs, negative), so a number typed as text reaches it as text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from perfeval_xl.engine.numbers import to_decimal
from perfeval_xl.engine.stated import FIGURE_LABELS
from perfeval_xl.engine.targets import parse_target
from perfeval_xl.findings import Finding, Location, finding
from perfeval_xl.manifest.excel_layout import FIRST_DATA_ROW, save_workbook, write_table_sheet
from perfeval_xl.manifest.excel_sheets import ExcelBook, WorkbookUnreadable, read_table
from perfeval_xl.manifest.inputs_fields import (
    COMPLETION_INPUTS,
    EVALUATOR_INPUTS,
    FIGURE_KEYS,
    FUND_INPUTS,
    INDICATOR_INPUTS,
    INPUT_TABLES,
    OVERALL_INPUTS,
    REFERENCE_FIELDS,
    STATED_INPUTS,
    TOTAL_SOURCES,
)
from perfeval_xl.manifest.fields import TableSpec
from perfeval_xl.manifest.raw import RawRow, coerce
from perfeval_xl.model import (
    CompletionAnswer,
    Evaluator,
    FundInput,
    Indicator,
    IndicatorInput,
    Manifest,
    Project,
    ProjectInputs,
    StatedFigure,
)
from perfeval_xl.model.inputs import Entry

Row = dict[str, object]
PERCENT_FORMAT = "0.00%"


# ---------------------------------------------------------------- reading


def read_excel_inputs(path: Path, manifest: Manifest) -> tuple[dict[str, ProjectInputs], list[Finding]]:
    """Inputs per project id, and a finding (at its cell) for every row that does not fit."""
    findings: list[Finding] = []
    rows: dict[str, list[RawRow]] = {}
    try:
        with ExcelBook(path) as book:
            for table in INPUT_TABLES:
                sheet = book.sheet_name(table)
                if sheet is None:
                    if not table.optional:
                        findings.append(finding("MANIFEST_SHEET_MISSING", Location(file=str(path)), sheet=table.sheet))
                    continue
                read = read_table(book.grid(sheet), table, str(path), sheet)
                findings.extend(read.findings)
                rows[table.key] = read.rows
    except WorkbookUnreadable as exc:
        return {}, [finding("MANIFEST_UNREADABLE", Location(file=str(path)), detail=str(exc))]
    collector = _Collector(manifest, findings)
    for table in INPUT_TABLES:
        for row in rows.get(table.key, []):
            collector.add(table, row)
    return collector.inputs(), findings


@dataclass
class _Draft:
    """One project's inputs as they are collected, before the model is built."""

    indicators: dict[str, IndicatorInput] = field(default_factory=dict)
    funds: dict[str, FundInput] = field(default_factory=dict)
    totals: dict[str, Decimal] = field(default_factory=dict)
    evaluators: list[Evaluator] = field(default_factory=list)
    stated: list[StatedFigure] = field(default_factory=list)
    completion: dict[int, CompletionAnswer] = field(default_factory=dict)
    overall: str | None = None


class _Collector:
    def __init__(self, manifest: Manifest, findings: list[Finding]) -> None:
        self.manifest = manifest
        self.findings = findings
        self.drafts: dict[str, _Draft] = {}
        self.handlers = {
            INDICATOR_INPUTS.key: self._indicator, FUND_INPUTS.key: self._fund, EVALUATOR_INPUTS.key: self._evaluator,
            STATED_INPUTS.key: self._stated, COMPLETION_INPUTS.key: self._completion, OVERALL_INPUTS.key: self._overall,
        }

    def add(self, table: TableSpec, row: RawRow) -> None:
        before = len(self.findings)
        values = self._typed(table, row)
        pid = values.get("project_id")
        project = self.manifest.project(str(pid)) if pid is not None else None
        if pid is not None and project is None:
            self.findings.append(finding("UNKNOWN_REFERENCE", row.loc("project_id"), field="项目编号", value=pid,
                                         target="清单"))
        if project is not None and not any(values.get(spec.key) is None for spec in table.fields if spec.required):
            self.handlers[table.key](project, row, values)
        if pid is not None:
            self.findings[before:] = [f.at(project_id=str(pid)) for f in self.findings[before:]]

    def inputs(self) -> dict[str, ProjectInputs]:
        """Every value was typed row by row, so building the models cannot fail here."""
        out: dict[str, ProjectInputs] = {}
        for pid, draft in self.drafts.items():
            positions = range(1, max(draft.completion, default=0) + 1)
            out[pid] = ProjectInputs(
                project_id=pid, indicators=draft.indicators, funds=tuple(draft.funds.values()),
                overall_goal_actual=draft.overall,
                completion=tuple(draft.completion.get(i, CompletionAnswer()) for i in positions),
                evaluators=tuple(draft.evaluators), stated=tuple(draft.stated), stated_totals=draft.totals,
            )
        return out

    def _typed(self, table: TableSpec, row: RawRow) -> Row:
        figure = row.values.get("figure")
        if table is STATED_INPUTS and isinstance(figure, str) and figure.strip() in FIGURE_KEYS:
            # 类别 may be written as its key ("total") as well as its label (总分).
            row = replace(row, values={**row.values, "figure": FIGURE_LABELS[FIGURE_KEYS[figure.strip()]]})
        out: Row = {}
        for spec in table.fields:
            if spec.key in REFERENCE_FIELDS:
                continue
            if spec.type == "entry":
                out[spec.key] = _entry(row.values.get(spec.key))
            else:
                out[spec.key] = coerce(spec, row, self.findings, table)
        return out

    def _draft(self, project: Project) -> _Draft:
        return self.drafts.setdefault(project.id, _Draft())

    def _duplicate(self, row: RawRow, key: str, label: str, value: object) -> None:
        self.findings.append(finding("DUPLICATE_ID", row.loc(key), field=label, value=value))

    def _indicator(self, project: Project, row: RawRow, v: Row) -> None:
        ind_id = str(v["indicator_id"])
        if project.indicator(ind_id) is None:
            self.findings.append(finding("UNKNOWN_REFERENCE", row.loc("indicator_id"), field="指标编号", value=ind_id,
                                         target=f"项目“{project.id}”"))
            return
        given = {k: v[k] for k in ("actual", "tier", "score", "reason") if v.get(k) is not None}
        if v.get("not_applicable"):
            given["not_applicable"] = True
        if not given:
            return  # a row written for orientation and left blank
        draft = self._draft(project)
        if ind_id in draft.indicators:
            self._duplicate(row, "indicator_id", f"项目“{project.id}”的指标编号", ind_id)
            return
        draft.indicators[ind_id] = IndicatorInput(**given)

    def _fund(self, project: Project, row: RawRow, v: Row) -> None:
        source = str(v["source"])
        if v.get("received") is None and v.get("executed") is None:
            return
        draft = self._draft(project)
        if source in TOTAL_SOURCES:
            for key in ("received", "executed"):
                self._total(draft, row, key, v.get(key))
            return
        if source in draft.funds:
            self._duplicate(row, "source", f"项目“{project.id}”的资金来源", source)
            return
        draft.funds[source] = FundInput(source=source, received=v.get("received"), executed=v.get("executed"))

    def _total(self, draft: _Draft, row: RawRow, key: str, value: Entry) -> None:
        if value is None:
            return
        if not isinstance(value, Decimal):
            label = f"{FUND_INPUTS.sheet}的“{FUND_INPUTS.field(key).header}”合计"
            self.findings.append(finding("MANIFEST_FIELD_INVALID", row.loc(key), field=label, value=value,
                                         detail="应为数字"))
            return
        draft.totals[key] = value

    def _evaluator(self, project: Project, row: RawRow, v: Row) -> None:
        self._draft(project).evaluators.append(
            Evaluator(name=str(v["name"]), title=v.get("title"), unit=v.get("unit"), score=v.get("score")))

    def _stated(self, project: Project, row: RawRow, v: Row) -> None:
        ind_id = v.get("indicator_id")
        if ind_id is not None and project.indicator(str(ind_id)) is None:
            self.findings.append(finding("UNKNOWN_REFERENCE", row.loc("indicator_id"), field="指标编号", value=ind_id,
                                         target=f"项目“{project.id}”"))
            return
        self._draft(project).stated.append(StatedFigure(
            figure=FIGURE_KEYS[str(v["figure"])], text=str(v["text"]), indicator_id=ind_id, group=v.get("group"),
            source=v.get("source")))

    def _completion(self, project: Project, row: RawRow, v: Row) -> None:
        position = int(v["position"])
        if not 1 <= position <= len(project.completion_items):
            self.findings.append(finding("UNKNOWN_REFERENCE", row.loc("position"), field="序号", value=position,
                                         target=f"项目“{project.id}”的绩效目标完成清单"))
            return
        if v.get("status") is None and v.get("note") is None:
            return
        draft = self._draft(project)
        if position in draft.completion:
            self._duplicate(row, "position", f"项目“{project.id}”的目标完成清单序号", position)
            return
        draft.completion[position] = CompletionAnswer(status=v.get("status"), note=v.get("note"))

    def _overall(self, project: Project, row: RawRow, v: Row) -> None:
        if v.get("actual") is None:
            return
        draft = self._draft(project)
        if draft.overall is not None:
            self._duplicate(row, "project_id", f"{OVERALL_INPUTS.sheet}的项目编号", project.id)
            return
        draft.overall = str(v["actual"])


def _entry(value: object) -> Entry:
    """A typed input as the engine takes it: numbers as Decimal, anything else as its text."""
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return to_decimal(value)
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    return str(value).strip()


# ---------------------------------------------------------------- writing


def write_inputs_workbook(inputs_by_project: Mapping[str, ProjectInputs], manifest: Manifest, path: str | Path) -> None:
    """Every project and indicator of the manifest, with what `inputs_by_project` holds
    (blank where nothing is reported: the same call writes a form to fill in)."""
    save_workbook(inputs_workbook(inputs_by_project, manifest), path)


def inputs_workbook(inputs_by_project: Mapping[str, ProjectInputs], manifest: Manifest) -> Workbook:
    tables: dict[str, list[Row]] = {table.key: [] for table in INPUT_TABLES}
    percent_rows: list[int] = []
    for project in manifest.projects:
        inputs = inputs_by_project.get(project.id) or ProjectInputs(project_id=project.id)
        for ind in project.indicators:
            if parse_target(ind.target_text, ind.unit).is_percent:
                percent_rows.append(len(tables[INDICATOR_INPUTS.key]))
            tables[INDICATOR_INPUTS.key].append(_indicator_row(project.id, ind, inputs))
        tables[FUND_INPUTS.key].extend(_fund_rows(project, inputs))
        pid = {"project_id": project.id}
        tables[EVALUATOR_INPUTS.key].extend(
            {**pid, **e.model_dump(), "score": _cell(e.score)} for e in inputs.evaluators)
        tables[STATED_INPUTS.key].extend(
            {**pid, **s.model_dump(), "figure": FIGURE_LABELS[s.figure]} for s in inputs.stated)
        tables[COMPLETION_INPUTS.key].extend(_completion_rows(project, inputs))
        tables[OVERALL_INPUTS.key].append({**pid, "goal": project.overall_goal, "actual": inputs.overall_goal_actual})
    workbook = Workbook()
    workbook.remove(workbook.active)
    for table in INPUT_TABLES:
        write_table_sheet(workbook.create_sheet(table.sheet), table, tables[table.key], reference=REFERENCE_FIELDS)
    actual_column = [spec.key for spec in INDICATOR_INPUTS.fields].index("actual") + 1
    for offset in percent_rows:
        workbook[INDICATOR_INPUTS.sheet].cell(FIRST_DATA_ROW + offset, actual_column).number_format = PERCENT_FORMAT
    return workbook


def _indicator_row(project_id: str, ind: Indicator, inputs: ProjectInputs) -> Row:
    given = inputs.indicator(ind.id)
    return {
        "project_id": project_id, "indicator_id": ind.id, "indicator_name": ind.label,
        "target_text": ind.target_text, "weight": ind.weight, "actual": _cell(given.actual), "tier": given.tier,
        "score": _cell(given.score), "reason": given.reason, "not_applicable": True if given.not_applicable else None,
    }


def _fund_rows(project: Project, inputs: ProjectInputs) -> list[Row]:
    given = {f.source: f for f in inputs.funds}
    budgets = {line.source: line.annual_budget for line in project.funds}
    rows: list[Row] = []
    for source in [*budgets, *(s for s in given if s not in budgets)]:
        entry = given.get(source)
        rows.append({"project_id": project.id, "source": source, "annual_budget": budgets.get(source),
                     "received": _cell(entry.received) if entry else None,
                     "executed": _cell(entry.executed) if entry else None})
    if inputs.stated_totals:
        rows.append({"project_id": project.id, "source": TOTAL_SOURCES[0], "annual_budget": project.annual_budget,
                     **inputs.stated_totals})
    return rows


def _completion_rows(project: Project, inputs: ProjectInputs) -> list[Row]:
    rows: list[Row] = []
    for position, item in enumerate(project.completion_items, start=1):
        answer = inputs.completion[position - 1] if position <= len(inputs.completion) else CompletionAnswer()
        rows.append({"project_id": project.id, "position": position, "target": item.text,
                     "status": answer.status, "note": answer.note})
    return rows


def _cell(entry: Entry) -> object:
    """What a unit would have typed: numbers (also those held as text) as numbers."""
    if isinstance(entry, str):
        number = to_decimal(entry)
        return entry if number is None else number
    return entry
