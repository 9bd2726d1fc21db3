"""Simulate a batch coming back from the units: a folder of returned workbooks and the
receipt log a bureau would export from its mailbox (文件名, 报送单位, 收到时间).

Most returns are honest; a few carry the problems a bureau meets in practice: late,
missing, a locked weight edited, a blank deviation reason, a resubmission, broken
files, forged or stale cached results, a reason that looks like a formula.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from perfeval_xl.engine.evaluate import evaluate
from perfeval_xl.engine.profile import ScoringProfile
from perfeval_xl.integrity.keys import KeyPair
from perfeval_xl.layout.contract import Role
from perfeval_xl.layout.mapping import expected_values
from perfeval_xl.model import IndicatorInput, Manifest, ProjectInputs
from perfeval_xl.model.framework import Framework
from perfeval_xl.simulate.zipedit import rewrite_part, set_cell_value, sheet_part
from perfeval_xl.writer.generate import workbook_name
from perfeval_xl.writer.workbook import issued_layout, write_project

RECEIPT_HEADERS = ("文件名", "报送单位", "收到时间")


@dataclass(frozen=True)
class Story:
    """What happens to one project's return."""

    kind: str  # honest | late | missing | tampered | blank_reason | resubmitted | truncated | not_workbook
    #            | forged_cache | stale_cache | formula_text
    note: str  # Chinese, shown by the demo


@dataclass(frozen=True)
class SimulatedReturn:
    file: str
    project_id: str
    unit: str
    received: dt.datetime
    story: Story
    recalculable: bool  # an honest spreadsheet save: LibreOffice may recalculate it


def default_stories(manifest: Manifest) -> dict[str, Story]:
    """A fixed mix over the sample batch: index-based so any batch of 12+ projects gets every story."""
    plan = [
        ("late", "逾期报送（截止时间之后收到）"),
        ("missing", "未报送"),
        ("tampered", "擅自修改了锁定的指标分值"),
        ("blank_reason", "得分低于分值但未填写偏差原因"),
        ("resubmitted", "先报送了有错误的版本，随后更正重报"),
        ("truncated", "文件在传输中损坏"),
        ("not_workbook", "误将 CSV 文件改名为 .xlsx 报送"),
        ("forged_cache", "工作簿中的总分被改写（缓存值与重算不符）"),
        ("stale_cache", "用不重算的软件改了数据，缓存结果过期"),
        ("formula_text", "偏差原因以“=”开头（不得变成公式）"),
        ("missing", "未报送"),
    ]
    ids = [p.id for p in manifest.projects]
    stories = {pid: Story("honest", "按时报送") for pid in ids}
    # Every other project from the fourth on, so the seeds S000-S002 stay honest.
    for (kind, note), pid in zip(plan, ids[3::2]):
        stories[pid] = Story(kind, note)
    return stories


def simulate_returns(
    manifest: Manifest,
    profile: ScoringProfile,
    frameworks: dict[str, Framework],
    inputs: dict[str, ProjectInputs],
    keypair: KeyPair | None,
    out_dir: Path,
    stories: dict[str, Story] | None = None,
) -> tuple[list[SimulatedReturn], Path]:
    """Write the returns into `out_dir/returns` and the receipt log beside it."""
    stories = stories or default_stories(manifest)
    folder = out_dir / "returns"
    folder.mkdir(parents=True, exist_ok=True)
    batch = manifest.batch
    deadline = batch.deadline or dt.datetime(batch.year + 1, 3, 31, 23, 59, 59)
    start = dt.datetime.combine((deadline - dt.timedelta(days=10)).date(), dt.time(8, 30))
    returns: list[SimulatedReturn] = []
    for n, project in enumerate(manifest.projects):
        story = stories.get(project.id, Story("honest", "按时报送"))
        if story.kind == "missing":
            continue
        framework = frameworks[project.framework]
        given = inputs.get(project.id, ProjectInputs(project_id=project.id))
        received = start + dt.timedelta(hours=7 * n + 9)
        name = workbook_name(project)
        path = folder / name

        def write(target: Path, filled: ProjectInputs) -> None:
            write_project(target, batch, project, profile, framework, filled, keypair)

        recalculable = story.kind in ("honest", "late", "blank_reason", "resubmitted", "formula_text")
        if story.kind == "late":
            received = deadline + dt.timedelta(days=2, hours=n)
            write(path, given)
        elif story.kind == "blank_reason":
            write(path, _without_reasons(given))
        elif story.kind == "formula_text":
            write(path, _with_reason(given, "=HYPERLINK(\"http://example.invalid\",\"点击查看\")"))
        elif story.kind == "resubmitted":
            first = folder / name.replace(".xlsx", "_初稿.xlsx")
            write(first, _without_first_actual(given, project.indicators))
            returns.append(SimulatedReturn(first.name, project.id, project.unit, received, Story(
                "resubmitted", "初次报送（有漏填）"), True))
            received = received + dt.timedelta(days=3)
            write(path, given)
        elif story.kind == "tampered":
            clean = folder / (name + ".tmp")
            write(clean, given)
            _tamper_weight(clean, path, batch, project, profile, framework, keypair)
            clean.unlink()
        elif story.kind == "truncated":
            clean = folder / (name + ".tmp")
            write(clean, given)
            data = clean.read_bytes()
            path.write_bytes(data[: len(data) // 2])
            clean.unlink()
        elif story.kind == "not_workbook":
            path.write_text("项目编号,实际完成值\n" + project.id + ",100\n", encoding="utf-8")
        elif story.kind in ("forged_cache", "stale_cache"):
            clean = folder / (name + ".tmp")
            write(clean, given)
            _forge_cache(clean, path, batch, project, profile, framework, given, stale=story.kind == "stale_cache",
                         keypair=keypair)
            clean.unlink()
        else:
            write(path, given)
        returns.append(SimulatedReturn(name, project.id, project.unit, received, story, recalculable))
    receipts = out_dir / "receipts.csv"
    with receipts.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(RECEIPT_HEADERS)
        for r in sorted(returns, key=lambda r: r.received):
            writer.writerow((r.file, r.unit, r.received.strftime("%Y-%m-%d %H:%M:%S")))
    return returns, receipts


def _without_reasons(inputs: ProjectInputs) -> ProjectInputs:
    return inputs.model_copy(update={"indicators": {
        k: v.model_copy(update={"reason": None}) for k, v in inputs.indicators.items()}})


def _with_reason(inputs: ProjectInputs, reason: str) -> ProjectInputs:
    first = next(iter(inputs.indicators), None)
    if first is None:
        return inputs
    updated = dict(inputs.indicators)
    updated[first] = updated[first].model_copy(update={"reason": reason})
    return inputs.model_copy(update={"indicators": updated})


def _without_first_actual(inputs: ProjectInputs, indicators) -> ProjectInputs:
    updated = dict(inputs.indicators)
    for ind in indicators:
        entry = updated.get(ind.id)
        if entry is not None and entry.actual is not None:
            updated[ind.id] = entry.model_copy(update={"actual": None})
            break
    return inputs.model_copy(update={"indicators": updated})


def _tamper_weight(clean: Path, target: Path, batch, project, profile, framework, keypair) -> None:
    """Raise the first locked weight of the scoring sheet by 5 points, as a unit editing the XML would."""
    layout, _ = issued_layout(batch, project, profile, framework, keypair)
    sheet = layout.sheet(framework.sheet)
    weight = next(c for c in sheet.cells if c.role is Role.DATA and isinstance(c.value, Decimal) and c.value > 0)
    part = sheet_part(clean, framework.sheet)
    raised = format(weight.value + 5, "f")
    rewrite_part(clean, target, part, lambda xml: set_cell_value(xml, weight.ref, raised))


def _forge_cache(clean: Path, target: Path, batch, project, profile, framework, inputs: ProjectInputs,
                 stale: bool, keypair) -> None:
    """Forged: the cached total raised by 5. Stale: cached results of other inputs (first actual halved)."""
    layout, _ = issued_layout(batch, project, profile, framework, keypair)
    found = layout.locate("total")
    assert found is not None
    sheet_name, total = found
    part = sheet_part(clean, sheet_name)
    if not stale:
        result = evaluate(project, inputs, profile)
        forged = (result.total or Decimal(0)) + 5
        rewrite_part(clean, target, part, lambda xml: set_cell_value(xml, total.ref, format(forged, "f")))
        return
    older = _halved_first_actual(inputs)
    values = expected_values(layout, project, evaluate(project, older, profile))
    cells = [(c.ref, values[c.key]) for c in layout.sheet(sheet_name).cells
             if c.role is Role.FORMULA and c.key in values and isinstance(values[c.key], Decimal)]

    def stale_cells(xml: str) -> str:
        for ref, value in cells:
            xml = set_cell_value(xml, ref, format(value, "f"))
        return xml

    rewrite_part(clean, target, part, stale_cells)


def _halved_first_actual(inputs: ProjectInputs) -> ProjectInputs:
    updated = dict(inputs.indicators)
    for key, entry in updated.items():
        if isinstance(entry.actual, Decimal) and entry.actual > 0:
            updated[key] = IndicatorInput(**{**entry.model_dump(), "actual": entry.actual / 2})
            break
    return inputs.model_copy(update={"indicators": updated})
