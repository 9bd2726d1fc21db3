"""Build the benchmark corpora: a scaled manifest, issued workbooks, and filled returns.

    PYTHONPATH=. python bench/corpus.py --sizes 1000,10000 [--seed 2024] [--lo-parallel 2]

One-time step, never run in CI (10,000 returns need about an hour of LibreOffice on
2 cores). Everything goes under bench/corpus/ (git-ignored):

    bench/corpus/n10000/manifest.json          the sample batch scaled to 10,000 distinct projects
    bench/corpus/n10000/inputs.json            what the returns were filled with (inputs format)
    bench/corpus/n10000/issued/                 the signed workbooks as issued (`generate`)
    bench/corpus/n10000/issued.register.jsonl   their issuance register
    bench/corpus/n10000/returns/                the returned copies as a bureau receives them
    bench/corpus/n10000/corpus.json             the mix: one entry per returned file and its fault
    bench/corpus/n1000/...                      the first 1,000 projects of the same corpus

Returns are written with `write_project(..., inputs)` (through `generate`), then
recalculated ONCE by LibreOffice in chunks of at most 150 files so they carry the cached
values a spreadsheet computed, like real returns. 90% are clean (no finding above
info); in every block of 100 consecutive projects exactly 10 carry a fault: 3 blank
deviation reasons, 2 text in number cells, 2 forged cached values, 2 tampered locked
cells, 1 broken or hostile file. Smaller corpora are prefixes of the largest one (same
projects, same bytes), so the mix holds at every size.

The batch signing key is written outside the repository (the product refuses private
keys inside a Git tree): --key-dir, default ~/.cache/perfeval-bench.
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import io
import json
import os
import random
import re
import shutil
import sys
import time
import zipfile
import zlib
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from perfeval_xl.engine.evaluate import evaluate, resolve_project  # noqa: E402
from perfeval_xl.engine.profile import ScoringProfile  # noqa: E402
from perfeval_xl.findings import Severity  # noqa: E402
from perfeval_xl.integrity.keys import generate_keypair, load_private_key, write_private_key, write_public_key  # noqa: E402
from perfeval_xl.layout.contract import Role  # noqa: E402
from perfeval_xl.libreoffice import recalculate  # noqa: E402
from perfeval_xl.manifest import load_manifest  # noqa: E402
from perfeval_xl.model import (  # noqa: E402
    CompletionAnswer,
    Evaluator,
    FundInput,
    IndicatorInput,
    IndicatorKind,
    Project,
    ProjectInputs,
)
from perfeval_xl.writer.generate import generate, workbook_name  # noqa: E402
from perfeval_xl.writer.workbook import issued_layout  # noqa: E402

CORPUS = ROOT / "bench" / "corpus"
SAMPLES = ROOT / "samples" / "manifest.yaml"
LO_CHUNK = 150  # REFERENCE §9: at most 150-200 files per soffice call

FAULTS_PER_BLOCK = (
    ["blank_reason"] * 3 + ["text_in_number"] * 2 + ["forged_cached"] * 2 + ["tampered_locked"] * 2 + ["hostile"]
)
HOSTILE_KINDS = ("truncated", "not_a_workbook", "huge_dimension", "xxe_doctype", "zip_bomb")
INPUT_FAULTS = frozenset({"blank_reason", "text_in_number"})

DISTRICTS = ("龙华区", "美兰区", "秀英区", "琼山区", "城东区", "城西区", "高新区", "临港区", "北湖区", "南山区",
             "东湖区", "西湖区", "江北区", "江南区", "新城区", "老城区", "滨海区", "山前区", "河口区", "长桥区")
SECTIONS = ("一标段", "二标段", "三标段", "四标段", "五标段", "六标段", "七标段", "八标段", "九标段", "十标段")
REASONS = (
    "受年度预算调整影响，部分工作推迟至下年度实施；下年度将加强计划管理，按进度推进。",
    "部分任务受天气和施工条件影响未能按期完成，已纳入下年度工作计划。",
    "实际需求较年初测算有所变化，指标值设定偏保守，下年度将据实调整目标。",
    "政府采购流程耗时较长，部分服务合同下半年才签订，影响了完成进度。",
    "个别基层单位数据报送滞后，统计口径有待统一；下年度完善数据采集机制。",
    "服务对象需求增加，实际完成值高于年度目标，下年度将合理设置指标值。",
    "项目资金结余主要为竞争性采购节约资金，已按规定收回统筹使用。",
    "部分工作人员变动，业务衔接不够顺畅；下年度加强人员培训和制度建设。",
)
TEXT_ENTRIES = ("约95%", "已完成", "基本完成", "12,600人", "见附件", "100%以上", "良好")
EVALUATOR_NAMES = ("王立新", "李红梅", "张建国", "刘晓燕", "陈志明", "杨丽华", "赵国强", "黄秀英", "周文杰", "吴海燕")
EVALUATOR_TITLES = ("主任", "副主任", "科长", "高级会计师", "经济师", "工程师")
_SIMPLE_TARGET = re.compile(r"^(≥|≤|＞|＜|=|>|<)?(\d+(?:\.\d+)?)(%|[^\d\s%.,~～\-（）()]{0,6})$")


# ----------------------------------------------------------------------------- the manifest


def _vary_target(text: str, rng: random.Random) -> str:
    """The same kind of target with another number ("≥12600人" → "≥10900人"); odd forms stay."""
    m = _SIMPLE_TARGET.match(text.strip())
    if not m:
        return text
    op, number, unit = m.group(1) or "", m.group(2), m.group(3)
    value = Decimal(number)
    if unit in ("%", "百分比"):
        if value == 100 or value < 20:
            return text
        new = max(Decimal(50), min(Decimal(99), value + rng.randint(-5, 5)))
        return f"{op}{new}{unit}"
    if value == 0:
        return text
    if "." in number:
        places = len(number.split(".")[1])
        new = (value * Decimal(str(rng.uniform(0.7, 1.4)))).quantize(Decimal(1).scaleb(-places))
        return f"{op}{new}{unit}" if new > 0 else text
    if value <= 12:
        return f"{op}{max(1, int(value) + rng.randint(-1, 2))}{unit}"
    factor = rng.uniform(0.6, 1.6)
    digits = len(number)
    step = 10 ** max(0, digits - 3)
    new = max(step, int(round(int(value) * factor / step)) * step)
    return f"{op}{new}{unit}"


def _vary_weights(indicators: list[dict], rng: random.Random) -> None:
    """Swap or shift points between two weighted indicators of the same group (sums unchanged)."""
    groups: dict[tuple, list[dict]] = {}
    for ind in indicators:
        if ind.get("weight") is None:
            continue
        key = tuple(ind.get(k) for k in ("level1", "level2", "level3") if ind.get(k) is not None)[:-1] or ("",)
        groups.setdefault(key, []).append(ind)
    for members in groups.values():
        if len(members) < 2 or rng.random() < 0.3:
            continue
        a, b = rng.sample(members, 2)
        wa, wb = Decimal(str(a["weight"])), Decimal(str(b["weight"]))
        if wa != wb:
            a["weight"], b["weight"] = _num(wb), _num(wa)
        elif wa >= 2:
            a["weight"], b["weight"] = _num(wa - 1), _num(wb + 1)


def _num(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _localise(text: str | None, district: str) -> str | None:
    if not text:
        return text
    if text.startswith("示例市"):
        return "示例市" + district + text[len("示例市"):]
    return district + text


def scale_manifest(size: int, seed: int) -> dict:
    """The sample batch scaled to `size` distinct, valid projects (deterministic from `seed`)."""
    base = yaml.safe_load(SAMPLES.read_text(encoding="utf-8"))
    samples = base["projects"]
    batch = dict(base["batch"])
    batch["batch_id"] = f"2024-BENCH-{size}"
    batch["deadline"] = str(batch["deadline"])
    projects = []
    seen_names: Counter = Counter()
    for i in range(size):
        rng = random.Random(f"{seed}:project:{i}")
        src = samples[i % len(samples)]
        p = copy.deepcopy(src)
        new_id = f"{src['id']}-{i:05d}"
        district = DISTRICTS[(i // len(samples)) % len(DISTRICTS)]
        p["id"] = new_id
        name = f"{district}{src['name']}"
        seen_names[name] += 1
        lot = seen_names[name]
        if lot > 1:
            name += f"（{SECTIONS[(lot - 2) % len(SECTIONS)]}{'' if lot <= 11 else (lot - 2) // len(SECTIONS) + 1}）"
        p["name"] = name
        p["unit"] = _localise(src["unit"], district)
        p["department"] = _localise(src["department"], district)
        if src.get("contact_phone"):
            p["contact_phone"] = f"0898-6{rng.randint(1000000, 9999999)}"
        factor = Decimal(str(round(rng.uniform(0.5, 2.5), 3)))
        for line in p.get("funds") or []:
            for key in ("initial_budget", "annual_budget"):
                if line.get(key) is not None:
                    line[key] = _num((Decimal(str(line[key])) * factor).quantize(Decimal("0.01")))
        indicators = p.get("indicators") or []
        for ind in indicators:
            if ind.get("id", "").startswith(src["id"]):
                ind["id"] = new_id + ind["id"][len(src["id"]):]
            if ind.get("target_text") and not ind.get("bands") and not ind.get("deduction_rule"):
                ind["target_text"] = _vary_target(str(ind["target_text"]), rng)
        _vary_weights(indicators, rng)
        projects.append(p)
    return {"batch": batch, "projects": projects}


# ----------------------------------------------------------------------------- the inputs


def _round_like(value: Decimal, target: Decimal, percent: bool) -> Decimal:
    if percent:
        return value.quantize(Decimal("0.001"))
    if target == target.to_integral_value() and abs(target) >= 10:
        return value.quantize(Decimal(1))
    return value.quantize(Decimal("0.01"))


def _actual(ind, rng: random.Random) -> Decimal | None:
    """A plausible 实际完成值 for a quantitative indicator (mostly met, sometimes short)."""
    a = ind.target_value
    if a is None:
        return None
    percent = ind.target.is_percent
    met = rng.random() < 0.75
    kind = ind.kind
    if kind is IndicatorKind.EQUAL:
        return a if rng.random() < 0.9 else _round_like(a * Decimal("0.95"), a, percent)
    if kind is IndicatorKind.DEDUCTION:
        return a if met or a < 1 else a - 1
    if kind is IndicatorKind.BANDED:
        for band in ind.bands:
            iv = band.interval
            if iv is None:
                continue
            if iv.low is not None:
                return iv.low if iv.low_inclusive else iv.low + Decimal("0.01")
            if iv.high is not None:
                return iv.high if iv.high_inclusive else iv.high - Decimal("0.01")
        return a
    if a == 0:
        return Decimal(0)
    if kind is IndicatorKind.REVERSE:
        f = rng.uniform(0.86, 1.0) if met else rng.uniform(1.02, 1.15)
        return _round_like(a * Decimal(str(f)), a, percent)
    if percent:
        delta = Decimal(str(round(rng.uniform(0.0, 0.04), 3) if met else -round(rng.uniform(0.01, 0.06), 3)))
        return max(Decimal(0), min(Decimal(1), a + delta)).quantize(Decimal("0.001"))
    f = rng.uniform(1.0, 1.12) if met else rng.uniform(0.85, 0.99)
    return _round_like(a * Decimal(str(f)), a, percent)


def _qualitative(ind, profile: ScoringProfile, rng: random.Random) -> tuple[str, Decimal]:
    w = ind.weight
    tiers = profile.qualitative_tiers
    pick = 0 if rng.random() < 0.75 else 1
    tier = tiers[pick]
    if pick == 0:
        candidates = [w, w - Decimal("0.5"), w - 1]
    else:
        candidates = [(w * Decimal("0.7")).quantize(Decimal("0.1")), (w * Decimal("0.75")).quantize(Decimal("0.1"))]
    for s in candidates:
        low, high = tier.low * w, tier.high * w
        if low <= s and (s <= high if tier.high_inclusive else s < high):
            return tier.name, s
    return tiers[0].name, w


def _direct(ind, rng: random.Random) -> Decimal:
    w = ind.weight
    if rng.random() < 0.65:
        return w
    return max(Decimal(0), w - Decimal(rng.choice(("0.5", "1", "2"))))


def make_inputs(project: Project, profile: ScoringProfile, rng: random.Random, fault: str | None) -> tuple[ProjectInputs, str]:
    """Varied, clean inputs for `project`; then the input-level fault, if any. Returns (inputs, detail)."""
    resolved = resolve_project(project, profile)
    entries: dict[str, dict] = {}
    for ind in resolved:
        e: dict = {}
        if ind.kind is IndicatorKind.QUALITATIVE:
            e["tier"], e["score"] = _qualitative(ind, profile, rng)
        elif ind.kind is IndicatorKind.DIRECT:
            e["score"] = _direct(ind, rng)
        elif ind.kind is not IndicatorKind.BUDGET:
            e["actual"] = _actual(ind, rng)
        entries[ind.id] = e
    funds = []
    for line in project.funds:
        if not line.annual_budget:
            continue
        a = line.annual_budget
        f = Decimal(str(rng.uniform(0.88, 1.0) if rng.random() < 0.8 else rng.uniform(0.6, 0.88)))
        executed = (a * f).quantize(Decimal("0.01"))
        received = a if rng.random() < 0.9 else max(executed, (a * Decimal("0.95")).quantize(Decimal("0.01")))
        funds.append(FundInput(source=line.source, received=received, executed=executed))

    def build() -> ProjectInputs:
        return ProjectInputs(
            project_id=project.id,
            indicators={k: IndicatorInput(**v) for k, v in entries.items()},
            funds=tuple(funds),
            overall_goal_actual="已按年初计划完成年度总体目标，资金使用规范，项目实施效果良好。",
            completion=tuple(CompletionAnswer(status=rng.choice(("已完成", "基本完成", "已完成，效果良好")))
                             for _ in project.completion_items),
            evaluators=evaluators,
        )

    evaluators: tuple[Evaluator, ...] = ()
    # Make it clean: give a reason wherever one is due; set odd actuals to the target.
    for _attempt in range(4):
        result = evaluate(project, build(), profile)
        bad = [f for f in result.findings if f.severity in (Severity.REJECT, Severity.ERROR, Severity.WARNING)]
        if not bad:
            break
        for f in bad:
            ind_id = f.location.indicator_id
            if ind_id is None:
                continue
            e = entries.setdefault(ind_id, {})
            if f.code in ("REASON_MISSING", "OVER_ACHIEVEMENT"):
                e["reason"] = rng.choice(REASONS)
            elif "actual" in e:
                ind = next(r for r in resolved if r.id == ind_id)
                a = ind.target_value
                if f.code == "STRICT_AT_BOUNDARY" and a is not None:
                    step = Decimal("0.001") if ind.target.is_percent else Decimal("0.01")
                    e["actual"] = a - step if ind.kind is IndicatorKind.REVERSE else a + step
                else:
                    e["actual"] = a
            else:
                e["reason"] = rng.choice(REASONS)
    else:
        raise RuntimeError(f"{project.id}: cannot make clean inputs: {[f.code for f in bad]}")
    total = result.total or Decimal(90)
    evaluators = tuple(
        Evaluator(name=rng.choice(EVALUATOR_NAMES), title=rng.choice(EVALUATOR_TITLES), unit=project.unit,
                  score=max(Decimal(0), min(Decimal(100), (total + Decimal(rng.choice((-2, -1, 0, 0, 1)))).quantize(Decimal(1)))))
        for _ in range(3)
    )
    detail = ""
    if fault == "blank_reason":
        with_reason = [k for k, e in entries.items() if e.get("reason")]
        if not with_reason:
            # Make one indicator fall short, and leave its reason blank.
            for ind in resolved:
                if ind.kind is IndicatorKind.POSITIVE and ind.target_value and ind.target_value > 0:
                    a = ind.target_value
                    entries[ind.id]["actual"] = _round_like(a * Decimal("0.9"), a, ind.target.is_percent)
                    with_reason = [ind.id]
                    break
                if ind.kind in (IndicatorKind.QUALITATIVE, IndicatorKind.DIRECT):
                    entries[ind.id]["score"] = entries[ind.id]["score"] - Decimal("0.5") if ind.kind is IndicatorKind.DIRECT else entries[ind.id]["score"]
                    if ind.kind is IndicatorKind.QUALITATIVE:
                        tier, score = profile.qualitative_tiers[1], (ind.weight * Decimal("0.7")).quantize(Decimal("0.1"))
                        entries[ind.id]["tier"], entries[ind.id]["score"] = tier.name, score
                    with_reason = [ind.id]
                    break
        victim = rng.choice(with_reason)
        entries[victim].pop("reason", None)
        detail = f"reason left blank: {victim}"
    elif fault == "text_in_number":
        numeric = [k for k, e in entries.items() if "actual" in e]
        if numeric:
            victim = rng.choice(numeric)
            entries[victim]["actual"] = rng.choice(TEXT_ENTRIES)
            detail = f"text in 实际完成值: {victim}"
        else:
            scored = [k for k, e in entries.items() if "score" in e]
            victim = rng.choice(scored)
            entries[victim]["score"] = rng.choice(TEXT_ENTRIES)
            detail = f"text in 得分: {victim}"
    inputs = build()
    if fault in INPUT_FAULTS:
        result = evaluate(project, inputs, profile)
        worst = [f.code for f in result.findings if f.severity in (Severity.ERROR, Severity.WARNING)]
        if not worst:
            raise RuntimeError(f"{project.id}: fault {fault} produced no finding")
    return inputs, detail


def inputs_document(inputs: dict[str, ProjectInputs]) -> dict:
    """The inputs as a YAML/JSON inputs file (`perfeval score --inputs`)."""

    def plain(v):
        if isinstance(v, Decimal):
            return _num(v)
        return v

    out = {}
    for pid, inp in inputs.items():
        body: dict = {"indicators": {}, "funds": {}}
        for ind_id, e in inp.indicators.items():
            body["indicators"][ind_id] = {k: plain(v) for k, v in e.model_dump().items() if v not in (None, False)}
        for f in inp.funds:
            body["funds"][f.source] = {"received": plain(f.received), "executed": plain(f.executed)}
        body["overall_goal_actual"] = inp.overall_goal_actual
        body["completion"] = [{"status": c.status} for c in inp.completion]
        body["evaluators"] = [{k: plain(v) for k, v in e.model_dump().items()} for e in inp.evaluators]
        out[pid] = body
    return {"projects": out}


# ----------------------------------------------------------------------------- the fault plan


def fault_plan(size: int, seed: int) -> list[str | None]:
    """Per project index: None (clean) or a fault kind; exactly 10 faults in every full block of 100."""
    plan: list[str | None] = [None] * size
    for block in range(0, size, 100):
        rng = random.Random(f"{seed}:faults:{block}")
        positions = rng.sample(range(100), len(FAULTS_PER_BLOCK))
        for pos, kind in zip(positions, FAULTS_PER_BLOCK):
            if block + pos < size:
                if kind == "hostile":
                    kind = "hostile:" + HOSTILE_KINDS[(block // 100) % len(HOSTILE_KINDS)]
                plan[block + pos] = kind
    return plan


# ----------------------------------------------------------------------------- post-LibreOffice faults


def _sheet_parts(data: dict[str, bytes]) -> dict[str, str]:
    """Sheet name → part name, from workbook.xml and its relationships."""
    wb = data["xl/workbook.xml"].decode("utf-8")
    rels = data["xl/_rels/workbook.xml.rels"].decode("utf-8")
    targets = {}
    for m in re.finditer(r"<Relationship\b[^>]*>", rels):
        tag = m.group(0)
        rid = re.search(r'Id="([^"]+)"', tag).group(1)
        target = re.search(r'Target="([^"]+)"', tag).group(1)
        targets[rid] = target.lstrip("/") if target.startswith("/") else "xl/" + target
    out = {}
    for m in re.finditer(r"<sheet\b[^>]*>", wb):
        tag = m.group(0)
        name = re.search(r'name="([^"]+)"', tag).group(1)
        rid = re.search(r'r:id="([^"]+)"', tag).group(1)
        out[_unescape(name)] = targets[rid]
    return out


def _unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&apos;", "'").replace("&amp;", "&")


def _read_zip(path: Path) -> tuple[list[zipfile.ZipInfo], dict[str, bytes]]:
    with zipfile.ZipFile(path) as zf:
        infos = zf.infolist()
        return infos, {i.filename: zf.read(i) for i in infos}


def _write_zip(path: Path, infos: list[zipfile.ZipInfo], data: dict[str, bytes], extra: list[tuple[str, bytes]] = ()) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for info in infos:
            zf.writestr(zipfile.ZipInfo(info.filename, date_time=info.date_time), data[info.filename],
                        compress_type=zipfile.ZIP_DEFLATED)
        for name, body in extra:
            zf.writestr(zipfile.ZipInfo(name, date_time=(2025, 1, 1, 0, 0, 0)), body, compress_type=zipfile.ZIP_DEFLATED)
    path.write_bytes(buf.getvalue())


def _cell_pattern(ref: str) -> re.Pattern:
    return re.compile(rf'<c r="{ref}"(?P<attrs>[^>]*?)(?:/>|>(?P<body>.*?)</c>)', re.S)


def _edit_cell(xml: str, ref: str, new_body_fn) -> str:
    pattern = _cell_pattern(ref)
    m = pattern.search(xml)
    if m is None:
        raise RuntimeError(f"cell {ref} not found")
    replacement = new_body_fn(m.group("attrs"), m.group("body") or "")
    return xml[: m.start()] + replacement + xml[m.end():]


def _number_of(body: str) -> Decimal | None:
    m = re.search(r"<v>([^<]*)</v>", body)
    try:
        return Decimal(m.group(1)) if m else None
    except ArithmeticError:
        return None


def forge_cached(path: Path, layout, project: Project, rng: random.Random) -> str:
    """Change a computed cell's cached value (the formula stays): an inflated score or total."""
    infos, data = _read_zip(path)
    parts = _sheet_parts(data)
    candidates = [c for _s, c in layout.keyed(Role.FORMULA) if c.key and c.key.startswith("ind:") and c.key.endswith(":score")]
    rng.shuffle(candidates)
    choice = None
    for cell in candidates + [layout.locate("total")[1]]:
        sheet = layout.locate(cell.key)[0]
        xml = data[parts[sheet]].decode("utf-8")
        m = _cell_pattern(cell.ref).search(xml)
        value = _number_of(m.group("body") or "") if m else None
        if value is None:
            continue
        ind_id = cell.key.split(":")[1] if cell.key.startswith("ind:") else None
        weight = project.indicator(ind_id).weight if ind_id else Decimal(100)
        if weight is not None and value < weight:
            choice = (sheet, cell, value, weight)
            break
    if choice is None:  # everything at full marks: forge the total downwards instead
        cell = layout.locate("total")[1]
        sheet = layout.locate("total")[0]
        xml = data[parts[sheet]].decode("utf-8")
        value = _number_of(_cell_pattern(cell.ref).search(xml).group("body"))
        choice = (sheet, cell, value, value - 7)
    sheet, cell, old, new = choice
    xml = data[parts[sheet]].decode("utf-8")

    def body(attrs: str, inner: str) -> str:
        return f'<c r="{cell.ref}"{attrs}>' + re.sub(r"<v>[^<]*</v>", f"<v>{_num(Decimal(new))}</v>", inner) + "</c>"

    data[parts[sheet]] = _edit_cell(xml, cell.ref, body).encode("utf-8")
    _write_zip(path, infos, data)
    return f"cached value of {sheet}!{cell.ref} ({cell.key}) {old} → {new}"


def tamper_locked(path: Path, layout, project: Project, rng: random.Random) -> str:
    """Change a locked data cell: an indicator's weight (分值) or its target text."""
    infos, data = _read_zip(path)
    parts = _sheet_parts(data)
    weighted = [ind for ind in project.indicators if ind.weight is not None and ind.weight > 1]
    ind = rng.choice(weighted)
    located = layout.locate(f"ind:{ind.id}:score") or layout.locate(f"ind:{ind.id}:eff")
    sheet, anchor = located
    row = anchor.row
    spec = next(s for s in layout.sheets if s.name == sheet)
    data_cells = [c for c in spec.cells if c.row == row and c.role is Role.DATA]
    weight_cell = next((c for c in data_cells if isinstance(c.value, Decimal) and c.value == ind.weight), None)
    xml = data[parts[sheet]].decode("utf-8")
    if weight_cell is not None and rng.random() < 0.6:
        new = ind.weight + Decimal(5)

        def body(attrs: str, inner: str) -> str:
            return f'<c r="{weight_cell.ref}"{attrs}><v>{_num(new)}</v></c>'

        data[parts[sheet]] = _edit_cell(xml, weight_cell.ref, body).encode("utf-8")
        detail = f"weight {sheet}!{weight_cell.ref} of {ind.id}: {ind.weight} → {new}"
    else:
        target_cell = next((c for c in data_cells if isinstance(c.value, str) and c.value == ind.target_text and c.value),
                           None)
        if target_cell is None:
            target_cell = next(c for c in data_cells if isinstance(c.value, str) and c.value)
        new_text = "≥1"

        def body(attrs: str, inner: str) -> str:
            attrs = re.sub(r'\s*t="[^"]*"', "", attrs)
            return f'<c r="{target_cell.ref}"{attrs} t="inlineStr"><is><t>{new_text}</t></is></c>'

        data[parts[sheet]] = _edit_cell(xml, target_cell.ref, body).encode("utf-8")
        detail = f"text {sheet}!{target_cell.ref} of {ind.id}: {target_cell.value!r} → {new_text!r}"
    _write_zip(path, infos, data)
    return detail


def make_hostile(path: Path, kind: str) -> str:
    """Turn a real return into a broken or hostile file of the given kind (in place)."""
    raw = path.read_bytes()
    if kind == "truncated":
        path.write_bytes(raw[: len(raw) // 2])
        return f"truncated to {len(raw) // 2} of {len(raw)} bytes (mail attachment cut off)"
    if kind == "not_a_workbook":
        path.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n" + b"\0" * 2048)
        return "a PDF saved under the workbook's name"
    infos, data = _read_zip(path)
    parts = _sheet_parts(data)
    first_sheet = parts[next(iter(parts))]
    if kind == "huge_dimension":
        xml = data[first_sheet].decode("utf-8")
        xml = re.sub(r'<dimension ref="[^"]*"/>', '<dimension ref="A1:XFD1048576"/>', xml, count=1)
        xml = xml.replace("</sheetData>", '<row r="1048576"><c r="XFD1048576" t="n"><v>1</v></c></row></sheetData>', 1)
        data[first_sheet] = xml.encode("utf-8")
        _write_zip(path, infos, data)
        return "first sheet claims A1:XFD1048576 with a cell at XFD1048576"
    if kind == "xxe_doctype":
        ss = "xl/sharedStrings.xml"
        xml = data[ss].decode("utf-8")
        doctype = '<!DOCTYPE sst [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        xml = re.sub(r"^(<\?xml[^>]*\?>)", lambda m: m.group(1) + doctype, xml, count=1)
        xml = xml.replace("<t>", "<t>&xxe;", 1)
        data[ss] = xml.encode("utf-8")
        _write_zip(path, infos, data)
        return "sharedStrings.xml with an external-entity DOCTYPE"
    if kind == "zip_bomb":
        # An extra part: 256 MiB of spaces compressed to a few hundred KB.
        comp = zlib.compressobj(9, zlib.DEFLATED, -15)
        chunk = b" " * (1 << 20)
        body = b"".join(comp.compress(chunk) for _ in range(256)) + comp.flush()
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
            for info in infos:
                zf.writestr(zipfile.ZipInfo(info.filename, date_time=info.date_time), data[info.filename],
                            compress_type=zipfile.ZIP_DEFLATED)
        # Append the pre-compressed entry by hand: zipfile cannot take raw deflate data.
        blob = bytearray(out.getvalue())
        path.write_bytes(bytes(_append_raw_entry(blob, "xl/media/padding.bin", body, 256 << 20, _crc_spaces(256))))
        return "an extra part of 256 MiB of spaces (compression ratio > 1000)"
    raise ValueError(kind)


def _crc_spaces(mib: int) -> int:
    crc = 0
    chunk = b" " * (1 << 20)
    for _ in range(mib):
        crc = zlib.crc32(chunk, crc)
    return crc


def _append_raw_entry(blob: bytearray, name: str, deflated: bytes, size: int, crc: int) -> bytes:
    """Insert a stored-as-deflate entry before the central directory of a zip written by zipfile."""
    import struct

    eocd = blob.rfind(b"PK\x05\x06")
    _sig, _d, _cd, n_disk, n_total, cd_size, cd_offset, _clen = struct.unpack("<IHHHHIIH", blob[eocd:eocd + 22])
    central = bytes(blob[cd_offset:cd_offset + cd_size])
    fname = name.encode()
    local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x5A21, crc, len(deflated), size, len(fname), 0)
    offset = cd_offset
    entry = local + fname + deflated
    cd = struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0x5A21, crc, len(deflated), size,
                     len(fname), 0, 0, 0, 0, 0, offset) + fname
    new_cd_offset = offset + len(entry)
    new_central = central + cd
    eocd_new = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, n_disk + 1, n_total + 1, len(new_central), new_cd_offset, 0)
    return bytes(blob[:cd_offset]) + entry + new_central + eocd_new


# ----------------------------------------------------------------------------- building


def _stamp(folder: Path, stage: str, key: str) -> Path:
    return folder / f".done-{stage}-{key}"


def ensure_key(key_dir: Path, batch_id: str) -> tuple[Path, Path]:
    key_dir.mkdir(parents=True, exist_ok=True)
    private, public = key_dir / f"{batch_id}.key", key_dir / f"{batch_id}.pub"
    if not private.exists():
        pair = generate_keypair(batch_id)
        write_private_key(pair, private)
        write_public_key(pair, public)
    load_private_key(private)
    return private, public


def _log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def recalc_all(src: list[Path], out_dir: Path, parallel: int) -> float:
    """LibreOffice once over `src` in chunks of ≤150, `parallel` instances; resumable by chunk."""
    out_dir.mkdir(parents=True, exist_ok=True)
    chunks = [src[i:i + LO_CHUNK] for i in range(0, len(src), LO_CHUNK)]
    todo = [c for c in chunks if not all((out_dir / p.name).is_file() for p in c)]
    _log(f"LibreOffice: {len(src)} files, {len(chunks)} chunks of ≤{LO_CHUNK}, {len(todo)} to do, {parallel} in parallel")
    start = time.perf_counter()
    done = [0]

    def one(chunk: list[Path]) -> None:
        recalculate(chunk, out_dir, chunk_size=LO_CHUNK, timeout=1800)
        done[0] += 1
        _log(f"  chunk {done[0]}/{len(todo)} done ({time.perf_counter() - start:.0f} s)")

    with ThreadPoolExecutor(max_workers=max(1, parallel)) as pool:
        list(pool.map(one, todo))
    return time.perf_counter() - start


def build(size: int, seed: int, key_dir: Path, lo_parallel: int, workers: int | None) -> dict:
    folder = CORPUS / f"n{size}"
    folder.mkdir(parents=True, exist_ok=True)
    timings: dict[str, float] = {}
    t = time.perf_counter()
    doc = scale_manifest(size, seed)
    manifest_path = folder / "manifest.json"
    manifest_path.write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
    loaded = load_manifest(manifest_path)
    warnings = Counter(f.code for f in loaded.findings)
    timings["manifest"] = time.perf_counter() - t
    _log(f"manifest: {size} projects, {sum(len(p.indicators) for p in loaded.manifest.projects)} indicators; "
         f"findings {dict(warnings)}")
    batch_id = loaded.manifest.batch.batch_id
    private, public = ensure_key(key_dir, batch_id)

    issued = folder / "issued"
    register = folder / "issued.register.jsonl"
    key = hashlib.sha256(manifest_path.read_bytes()).hexdigest()[:12]
    if not _stamp(folder, "issued", key).exists():
        t = time.perf_counter()
        if register.exists():
            register.unlink()
        generate(loaded, issued, force=True, key_path=private, register_path=register, workers=workers)
        timings["issue"] = time.perf_counter() - t
        _stamp(folder, "issued", key).touch()
        _log(f"issued {size} workbooks in {timings['issue']:.1f} s")

    plan = fault_plan(size, seed)
    profile = loaded.profile
    t = time.perf_counter()
    inputs: dict[str, ProjectInputs] = {}
    details: dict[str, str] = {}
    for i, project in enumerate(loaded.manifest.projects):
        fault = plan[i]
        rng = random.Random(f"{seed}:inputs:{i}")
        inputs[project.id], details[project.id] = make_inputs(project, profile, rng, fault if fault in INPUT_FAULTS else None)
    (folder / "inputs.json").write_text(json.dumps(inputs_document(inputs), ensure_ascii=False, indent=1), encoding="utf-8")
    timings["inputs"] = time.perf_counter() - t
    _log(f"inputs for {size} projects in {timings['inputs']:.1f} s")

    filled = folder / "filled"
    if not _stamp(folder, "filled", key).exists():
        t = time.perf_counter()
        shutil.rmtree(folder / "recalculated", ignore_errors=True)
        generate(loaded, filled, force=True, key_path=private, register_path=folder / "filled.register.jsonl",
                 inputs=inputs, workers=workers)
        timings["fill"] = time.perf_counter() - t
        _stamp(folder, "filled", key).touch()
        _log(f"filled {size} returns in {timings['fill']:.1f} s")

    recalculated = folder / "recalculated"
    src = [filled / workbook_name(p) for p in loaded.manifest.projects]
    timings["libreoffice"] = recalc_all(src, recalculated, lo_parallel)
    _log(f"LibreOffice recalculation: {timings['libreoffice']:.0f} s")

    t = time.perf_counter()
    returns = folder / "returns"
    if returns.exists():
        shutil.rmtree(returns)
    returns.mkdir()
    entries = []
    for i, project in enumerate(loaded.manifest.projects):
        fault = plan[i]
        name = workbook_name(project)
        dst = returns / name
        shutil.copyfile(recalculated / name, dst)
        rng = random.Random(f"{seed}:post:{i}")
        detail = details[project.id]
        if fault in ("forged_cached", "tampered_locked"):
            layout, _digest = issued_layout(loaded.manifest.batch, project, profile, loaded.frameworks[project.framework])
            fn = forge_cached if fault == "forged_cached" else tamper_locked
            detail = fn(dst, layout, project, rng)
        elif fault and fault.startswith("hostile:"):
            detail = make_hostile(dst, fault.split(":", 1)[1])
        entries.append({"file": name, "project_id": project.id, "category": _category(fault),
                        "fault": fault or "clean", "detail": detail})
    timings["faults"] = time.perf_counter() - t
    write_receipts(folder / "receipts.csv", entries, loaded.manifest, seed)
    mix = Counter(e["fault"] for e in entries)
    info = {
        "size": size,
        "seed": seed,
        "batch_id": batch_id,
        "indicators": sum(len(p.indicators) for p in loaded.manifest.projects),
        "frameworks": dict(Counter(p.framework for p in loaded.manifest.projects)),
        "mix": dict(sorted(mix.items())),
        "clean_share": mix["clean"] / size,
        "public_key": str(public),
        "private_key": str(private),
        "timings_s": {k: round(v, 1) for k, v in timings.items()},
        "files": entries,
    }
    (folder / "corpus.json").write_text(json.dumps(info, ensure_ascii=False, indent=1), encoding="utf-8")
    _log(f"n{size}: mix {dict(sorted(mix.items()))}")
    return info


def write_receipts(path: Path, entries: list[dict], manifest, seed: int) -> None:
    """The bureau's mailbox log (文件名, 报送单位, 收到时间): every file received before the deadline."""
    import csv
    import datetime as dt

    units = {p.id: p.unit for p in manifest.projects}
    start = dt.datetime(2025, 2, 1, 8, 0, 0)
    rng = random.Random(f"{seed}:receipts")
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["文件名", "报送单位", "收到时间"])
        for e in entries:
            at = start + dt.timedelta(minutes=rng.randint(0, 55 * 24 * 60))
            out.writerow([e["file"], units[e["project_id"]], at.strftime("%Y-%m-%d %H:%M:%S")])


def _category(fault: str | None) -> str:
    if fault is None:
        return "clean"
    if fault.startswith("hostile:"):
        return "hostile"
    return "fault"


def derive(big: int, size: int, seed: int) -> dict:
    """The first `size` projects of the n{big} corpus as their own corpus (hard links, same bytes)."""
    src, folder = CORPUS / f"n{big}", CORPUS / f"n{size}"
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    big_info = json.loads((src / "corpus.json").read_text(encoding="utf-8"))
    doc = json.loads((src / "manifest.json").read_text(encoding="utf-8"))
    doc["projects"] = doc["projects"][:size]
    doc["batch"]["batch_id"] = doc["batch"]["batch_id"]  # same batch: the files are the same issued files
    (folder / "manifest.json").write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
    inputs = json.loads((src / "inputs.json").read_text(encoding="utf-8"))
    keep = {p["id"] for p in doc["projects"]}
    inputs["projects"] = {k: v for k, v in inputs["projects"].items() if k in keep}
    (folder / "inputs.json").write_text(json.dumps(inputs, ensure_ascii=False, indent=1), encoding="utf-8")
    entries = big_info["files"][:size]
    for sub in ("issued", "returns"):
        (folder / sub).mkdir()
        for e in entries:
            os.link(src / sub / e["file"], folder / sub / e["file"])
    with open(src / "issued.register.jsonl", encoding="utf-8") as fh:
        lines = [line for line in fh if json.loads(line).get("project_id") in keep]
    (folder / "issued.register.jsonl").write_text("".join(lines), encoding="utf-8")
    with open(src / "receipts.csv", encoding="utf-8-sig") as fh:
        lines = fh.readlines()
    keep_files = {e["file"] for e in entries}
    (folder / "receipts.csv").write_text(lines[0] + "".join(l for l in lines[1:] if l.split(",", 1)[0] in keep_files),
                                         encoding="utf-8-sig")
    mix = Counter(e["fault"] for e in entries)
    info = {**{k: v for k, v in big_info.items() if k not in ("files", "mix", "size", "indicators", "frameworks",
                                                                  "timings_s", "clean_share")},
            "size": size, "derived_from": f"n{big}",
            "indicators": None, "mix": dict(sorted(mix.items())), "clean_share": mix["clean"] / size,
            "files": entries}
    loaded = load_manifest(folder / "manifest.json")
    info["indicators"] = sum(len(p.indicators) for p in loaded.manifest.projects)
    info["frameworks"] = dict(Counter(p.framework for p in loaded.manifest.projects))
    (folder / "corpus.json").write_text(json.dumps(info, ensure_ascii=False, indent=1), encoding="utf-8")
    _log(f"n{size} (prefix of n{big}): mix {dict(sorted(mix.items()))}")
    return info


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated corpus sizes (default 1000,10000)")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--key-dir", type=Path, default=Path.home() / ".cache" / "perfeval-bench")
    parser.add_argument("--lo-parallel", type=int, default=2, help="LibreOffice instances at once (default 2)")
    parser.add_argument("--workers", type=int, default=None, help="generate's worker processes")
    args = parser.parse_args()
    sizes = sorted({int(s) for s in args.sizes.split(",") if s.strip()})
    start = time.perf_counter()
    biggest = sizes[-1]
    info = build(biggest, args.seed, args.key_dir, args.lo_parallel, args.workers)
    for size in sizes[:-1]:
        derive(biggest, size, args.seed)
    total = time.perf_counter() - start
    _log(f"corpus build took {total:.0f} s in all; n{biggest} stages: {info['timings_s']}")


if __name__ == "__main__":
    main()
