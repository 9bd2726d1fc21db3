"""A seeded random corpus of projects and filled-in returns for the LibreOffice parity test.

`corpus(seed)` spreads projects evenly over the three shipped frameworks and the three
shipped profiles. Indicator rows are drawn from a cycle over every kind × situation
combination that has a rule (tests/parity/situations.py), plus negative and text
entries, so each combination is hit many times whatever the seed. Projects are valid
manifests: weights sum to their parents and to 100, and every required dimension is
present (checked in tests/parity/test_randomized.py).

x.xx5 cases are solved, not hoped for: B is chosen so that the exact decimal score
before rounding (B/A×w, A/B×w, the linear-reverse, deduction or budget formula, a band
fraction × w, or a typed score) ends in 5 at the third decimal; under
`round_rate_first` the rate itself sits on a 4-decimal half (e.g. 0.94345 → 0.9435).
"""

from __future__ import annotations

import random
from collections import deque
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal

from perfeval_xl.engine.numbers import CONTEXT
from perfeval_xl.engine.profile import ScoringProfile
from perfeval_xl.manifest.build import _framework_leaves
from perfeval_xl.manifest.library import load_framework, load_profile
from perfeval_xl.model import (
    Band, Batch, CompletionAnswer, CompletionItem, Evaluator, FundInput, FundLine, Indicator, IndicatorInput,
    IndicatorKind, Project, ProjectInputs,
)
from perfeval_xl.model.framework import Framework, FrameworkNode
from tests.parity.situations import DEFINED, EXTRA_COMBOS, is_half_cent

K = IndicatorKind
D = Decimal
SEED = 20250101
COUNT = 216
PROFILES = ("default", "provincial", "no_grading_na")
FRAMEWORKS = ("national", "reference_abcd", "decision_management_performance")
BATCH = Batch(year=2024, batch_id="2024-PARITY", bureau="随机测试市财政局", protection_password="parity")
SOURCES = ("中央财政", "省财政", "市县财政", "本级财政", "上级补助资金", "其他")
WORDS = ("城乡居民", "基本医疗保险", "定点医疗机构", "即时结算", "服务覆盖率", "农村公路", "养护工程", "质量合格率",
         "政务信息系统", "安全等级保护", "测评整改", "完成及时率", "重点人群", "健康档案", "规范化电子建档率")
LONG_PREFIX = "（含市县两级财政配套资金支持的）"


def dec(value: object) -> Decimal:
    return value if isinstance(value, Decimal) else D(str(value))


def fmt(value: Decimal) -> str:
    return "0" if value == 0 else format(value.normalize(), "f")


def places(value: Decimal, n: int, rounding: str = ROUND_HALF_UP) -> Decimal:
    return value.quantize(D(1).scaleb(-n), rounding=rounding)


def exact(value: Decimal, n: int) -> bool:
    return value == places(value, n)


@dataclass(frozen=True)
class ParityCase:
    stem: str
    profile: ScoringProfile
    framework: Framework
    project: Project
    inputs: ProjectInputs


@dataclass
class Row:
    """One planned indicator row: its kind and situation, its weight and where it sits."""

    kind: IndicatorKind
    situation: str
    weight: Decimal
    path: tuple[str, ...] = ()
    fixed: Indicator | None = None  # a framework leaf being overridden


class Generator:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        combos = [c for c in DEFINED if c[0] is not K.BUDGET] + [c for c in EXTRA_COMBOS if c[0] is not K.BUDGET]
        self.rng.shuffle(combos)
        self.combos = deque(combos)
        budget = [s for k, s in DEFINED + EXTRA_COMBOS if k is K.BUDGET]
        self.budget_cycle = deque(budget)
        self.direct_cycle = deque(s for k, s in DEFINED + EXTRA_COMBOS if k is K.DIRECT)

    # --- plans ---------------------------------------------------------------------------

    def next_combo(self, accept=lambda kind, situation: True) -> tuple[IndicatorKind, str]:
        for _ in range(len(self.combos)):
            kind, situation = self.combos[0]
            self.combos.rotate(-1)
            if accept(kind, situation):
                return kind, situation
        raise AssertionError("no acceptable combination")

    @staticmethod
    def _cycle(queue: deque) -> str:
        item = queue[0]
        queue.rotate(-1)
        return item

    def weight_for(self, kind: IndicatorKind, situation: str, profile: ScoringProfile) -> Decimal:
        rng = self.rng
        if situation == "boundary":
            if kind is K.BANDED:  # w·0.6 is x.xx5 when 40·w is odd
                return D(rng.choice((4, 5, 6))) + D(rng.choice(("0.025", "0.075", "0.125")))
            return D(rng.choice((5, 10) if profile.round_rate_first else (3, 5, 6, 8, 10)))
        return D(rng.choice((2, 3, 4, 5, 6, 7)))

    def plan_group(self, total: Decimal, count: int, paths: list[tuple[str, ...]],
                   profile: ScoringProfile, small: bool = False) -> list[Row]:
        """`count` rows over `paths` whose weights sum to `total`."""
        rows = []
        for _ in range(count):
            kind, situation = self.next_combo()
            weight = self.weight_for(kind, situation, profile)
            if small and situation != "boundary":
                weight = D(self.rng.choice(("0.5", "1", "1.5")))
            rows.append(Row(kind, situation, weight))
        free = [r for r in rows if r.situation != "boundary"]
        while sum(r.weight for r in rows) > total and len(rows) > 1:
            victim = free.pop() if free else rows[-1]
            rows.remove(victim)
        gap = total - sum(r.weight for r in rows)
        assert gap >= 0, "a single boundary row heavier than its category"
        if gap:
            free = [r for r in rows if r.situation != "boundary"]
            if free:
                free[0].weight += gap
            else:
                rows.append(Row(K.POSITIVE, "below", gap))
        order = {p: i for i, p in enumerate(paths)}
        assigned = sorted((self.rng.choice(paths) for _ in rows), key=order.__getitem__)
        for row, path in zip(rows, assigned):
            row.path = path
        return rows

    # --- projects ------------------------------------------------------------------------

    def project(self, index: int, profile: ScoringProfile, framework: Framework, big: bool) -> tuple[Project, ProjectInputs]:
        rng = self.rng
        pid = f"R{index:03d}"
        fixed, groups = _framework_leaves(framework)
        rows = self._rows(profile, framework, fixed, big)
        long_row = rng.randrange(len(rows)) if index % 4 == 0 else -1
        indicators, ind_inputs = [], {}
        counters: dict[tuple[str, ...], int] = {}
        codes = {g.path: g.code for g in groups}
        for i, row in enumerate(rows):
            built = self.indicator(row, profile)
            if built is None:  # no x.xx5 solution for this weight: score it in another situation
                row.situation = "below"
                built = self.indicator(row, profile)
            fields, entry = built
            if row.fixed is not None:
                ind = row.fixed.model_copy(update=fields)
            else:
                counters[row.path] = counters.get(row.path, 0) + 1
                parent = codes.get(row.path)
                code = f"{parent}{counters[row.path]}" if framework.show_codes and parent else None
                ind = Indicator(id=f"I{i + 1:02d}", name=self.name(i == long_row), path=row.path, code=code,
                                weight=row.weight, **fields)
            if i == long_row and row.fixed is not None:
                ind = ind.model_copy(update={"name": self.name(True)})
            if profile.allow_not_applicable and rng.random() < (0.15 if row.kind is K.BUDGET else 0.08):
                entry = entry.model_copy(update={"not_applicable": True,
                                                 **({"actual": None} if rng.random() < 0.5 else {})})
            indicators.append(ind)
            ind_inputs[ind.id] = entry
        funds, fund_inputs = self.funds(next((r for r in rows if r.kind is K.BUDGET), None), profile)
        project = Project(
            id=pid, name=f"随机项目{index:03d}：" + "".join(rng.sample(WORDS, 3)), unit=f"随机测试单位{index % 17:02d}",
            department=f"随机测试主管部门{index % 5}", framework=framework.id, funds=funds,
            overall_goal="完成年度工作任务，保障项目顺利实施。", indicators=tuple(indicators), groups=tuple(groups),
            completion_items=(CompletionItem(section="overall", text="总体目标"),
                              CompletionItem(section="annual", text="年度绩效目标")),
        )
        inputs = ProjectInputs(
            project_id=pid, indicators=ind_inputs, funds=fund_inputs, evaluators=self.evaluators(),
            overall_goal_actual="已完成", completion=(CompletionAnswer(status="已完成"), CompletionAnswer(status="基本完成")),
        )
        return project, inputs

    def _rows(self, profile: ScoringProfile, framework: Framework, fixed: list[Indicator], big: bool) -> list[Row]:
        rows: list[Row] = []
        slots = _slots(framework)
        for ind in fixed:
            if ind.kind is K.BUDGET:
                rows.append(Row(K.BUDGET, self._cycle(self.budget_cycle), ind.weight, ind.path, fixed=ind))
            elif self.rng.random() < (0.45 if not slots else 0.15):
                kind, situation = self.next_combo(lambda k, s: not (k is K.BANDED and s == "boundary"))
                rows.append(Row(kind, situation, ind.weight, ind.path, fixed=ind))
            else:
                rows.append(Row(K.DIRECT, self._cycle(self.direct_cycle), ind.weight, ind.path, fixed=ind))
        for top, paths in slots:
            total = top.weight
            count = int(total // (D("1.5") if big else D(6))) + self.rng.randint(0, 1)
            rows.extend(self.plan_group(total, max(count, 1), paths, profile, small=big))
        order = {node.name: i for i, node in enumerate(framework.nodes)}
        # The manifest builder orders rows by first-level category, fixed rows first.
        return sorted(rows, key=lambda r: order[r.path[0] if r.path else r.fixed.name])

    def name(self, long: bool) -> str:
        words = self.rng.sample(WORDS, 6 if long else 2)
        text = "".join(words)
        return (LONG_PREFIX + text)[:48] if long else text

    # --- indicator rows ------------------------------------------------------------------

    def indicator(self, row: Row, profile: ScoringProfile) -> tuple[dict, IndicatorInput] | None:
        kind, situation = row.kind, row.situation
        if kind is K.BUDGET:
            return {}, IndicatorInput(reason=self.reason())
        if situation in ("negative", "text"):
            return self._invalid(row, profile)
        builder = {K.POSITIVE: self._quantity, K.REVERSE: self._quantity, K.EQUAL: self._quantity,
                   K.DEDUCTION: self._deduction, K.BANDED: self._banded, K.QUALITATIVE: self._qualitative,
                   K.DIRECT: self._direct}[kind]
        return builder(row, profile)

    def reason(self) -> str | None:
        return self.rng.choice((None, "受客观因素影响，部分任务顺延。", "已按计划完成。"))

    def _invalid(self, row: Row, profile: ScoringProfile) -> tuple[dict, IndicatorInput]:
        base = Row(row.kind, "below", row.weight, row.path, row.fixed)
        fields, entry = self.indicator(base, profile)
        bad = D("-" + str(self.rng.choice((1, 2.5, 10)))) if row.situation == "negative" else self.rng.choice(
            ("约95%", "已完成", "一百"))
        field = "score" if row.kind in (K.DIRECT, K.QUALITATIVE) else "actual"
        return fields, entry.model_copy(update={field: bad})

    def _quantity(self, row: Row, profile: ScoringProfile) -> tuple[dict, IndicatorInput] | None:
        rng, kind, situation, w = self.rng, row.kind, row.situation, row.weight
        templates = {
            K.POSITIVE: (("≥{}个", False), ("{}次", False), ("{}条以上", False), ("≥{}%", True), ("超过{}次", False),
                         ("不低于{}%", True), ("≥{}万人次", False)),
            K.REVERSE: (("≤{}万元", False), ("{}次以下", False), ("＜{}%", True), ("{}天内", False),
                        ("不超过{}小时", False)),
            K.EQUAL: (("={}个", False), ("＝{}次", False), ("={}%", True)),
        }[kind]
        text, percent = rng.choice(templates)
        variant = profile.reverse_variant
        fields: dict = {"kind": kind if rng.random() < 0.5 else None}
        if kind is K.REVERSE and rng.random() < 0.2:
            variant = "linear" if variant == "ratio" else "ratio"
            fields["reverse_variant"] = variant
        if situation == "boundary":
            solved = solve_rate(rng, kind, variant, w, profile, percent)
            if solved is None:
                return None
            a, b = solved
        else:
            a = _target(rng, percent) if situation != "zero_target" else D(0)
            b = self._actual(kind, situation, a, percent, profile)
        shown = a * 100 if percent else a
        fields["target_text"] = text.format(fmt(shown))
        return fields, IndicatorInput(actual=b, reason=self.reason())

    def _actual(self, kind: IndicatorKind, situation: str, a: Decimal, percent: bool,
                profile: ScoringProfile) -> Decimal | None:
        rng, t, n = self.rng, profile.over_threshold, 4 if percent else 2
        r = lambda lo, hi: D(str(round(rng.uniform(lo, hi), 6)))  # noqa: E731
        if situation == "blank":
            return None
        if situation == "at":
            return a
        if situation == "zero_target":
            return rng.choice((D(0), D(0), places(r(0.1, 30), n)))
        if situation == "over":
            if kind is K.REVERSE:
                return max(D(0), places(a / t * r(0.3, 1), n, ROUND_FLOOR))
            return a * t if rng.random() < 0.3 else places(a * t * r(1, 1.5), n, ROUND_CEILING)
        if situation == "below":
            lo = 1 / float(t) + 0.01 if kind is K.REVERSE else 0.2
            b = places(a * r(lo, 0.99), n, ROUND_FLOOR)
            return b if b < a else a - D(1).scaleb(-n)
        # above: positive/equal stay under the over-achievement threshold
        hi = 2.6 if kind is K.REVERSE else float(t) - 0.02
        b = places(a * r(1.01, hi), n, ROUND_CEILING)
        return b if b > a else a + D(1).scaleb(-n)

    def _deduction(self, row: Row, profile: ScoringProfile) -> tuple[dict, IndicatorInput] | None:
        rng, situation, w = self.rng, row.situation, row.weight
        rules = (  # target text, rule, shortfall?, step, points, percent?
            ("≥{}次", "每少1次扣1分，扣完为止", True, D(1), D(1), False),
            ("≥{}%", "每降低1个百分点扣0.5分", True, D("0.01"), D("0.5"), True),
            ("{}个", "每少2个扣1分", True, D(2), D(1), False),
            ("≤{}天", "每延迟1天扣0.5分", False, D(1), D("0.5"), False),
            ("={}次", "每超过1次扣2分", False, D(1), D(2), False),
            ("≤{}万元", "每超支1万元扣1分", False, D(1), D(1), False),
        )
        text, rule, shortfall, step, points, percent = rng.choice(rules)
        n = 4 if percent else 2
        a = D(0) if situation == "zero_target" else _target(rng, percent, minimum=D(10) if not percent else None)
        if situation == "boundary":
            s = _half_cent(rng, D("0.01"), w)
            gap = (w - s) * step / points
            b = a - gap if shortfall else a + gap
            if b < 0:
                return None
        elif situation == "zero_target":
            b = places(D(rng.uniform(0, 4)), 2) if rng.random() < 0.7 else D(0)
        else:
            b = self._actual(K.POSITIVE, situation, a, percent, profile)
        shown = a * 100 if percent else a
        fields = {"kind": K.DEDUCTION, "target_text": text.format(fmt(shown)), "deduction_rule": rule}
        return fields, IndicatorInput(actual=b if b is None else places(b, n + 2), reason=self.reason())

    def _banded(self, row: Row, profile: ScoringProfile) -> tuple[dict, IndicatorInput] | None:
        rng, situation = self.rng, row.situation
        ladder, best, values = _ladder(rng)
        if situation == "blank":
            b = None
        elif situation == "boundary":
            b = values["中"]
        else:
            pool = [v for v in values["all"] if (v < best, v == best, v > best) == (
                situation == "below", situation == "at", situation == "above")]
            b = rng.choice(pool)
        fields = {"bands": tuple(Band(label=k, text=v) for k, v in ladder), "target_text": ""}
        return fields, IndicatorInput(actual=b, reason=self.reason())

    def _qualitative(self, row: Row, profile: ScoringProfile) -> tuple[dict, IndicatorInput] | None:
        rng, situation, w = self.rng, row.situation, row.weight
        tiers = profile.qualitative_tiers
        fields = {"kind": K.QUALITATIVE if rng.random() < 0.5 else None,
                  "target_text": rng.choice(("效果明显", "持续", "明显提升", "有效保障"))}
        top = tiers[0]
        if situation == "blank":
            tier, s = (None, places(w * D("0.9"), 2)) if rng.random() < 0.5 else (top.name, None)
        elif situation == "at":
            tier, s = top.name, rng.choice((top.low * w, w, places(w * D(rng.uniform(0.8, 1)), 2)))
        elif situation == "below":
            t = rng.choice(tiers[1:])
            tier, s = t.name, rng.choice((t.low * w, places(w * D(rng.uniform(float(t.low), float(t.high) - 0.01)), 2)))
        elif situation == "above":
            t = rng.choice(tiers)
            tier, s = t.name, (w + D("0.5") if t.high_inclusive else t.high * w)
        else:  # boundary
            tier, s = top.name, _half_cent(rng, top.low * w, w)
        return fields, IndicatorInput(tier=tier, score=None if s is None else places(s, 4), reason=self.reason())

    def _direct(self, row: Row, profile: ScoringProfile) -> tuple[dict, IndicatorInput] | None:
        rng, situation, w = self.rng, row.situation, row.weight
        s = {
            "blank": None,
            "at": w,
            "below": rng.choice((D(0), places(w * D(rng.uniform(0.3, 0.99)), 2))),
            "above": w + rng.choice((D("0.01"), D("0.5"), D(1))),
        }.get(situation) if situation != "boundary" else _half_cent(rng, D("0.01"), w)
        return {"kind": K.DIRECT, "target_text": ""}, IndicatorInput(score=s, reason=self.reason())

    # --- budget, evaluators --------------------------------------------------------------

    def funds(self, budget_row: Row | None, profile: ScoringProfile) -> tuple[tuple[FundLine, ...], tuple[FundInput, ...]]:
        rng = self.rng
        situation = budget_row.situation if budget_row else rng.choice(("below", "at", "above", "blank"))
        sources = rng.sample(SOURCES, rng.randint(1, 4))
        budgeted = sources[: max(1, len(sources) - rng.randint(0, 1))]
        a, b = None, None
        if situation == "boundary":
            solved = solve_rate(rng, K.BUDGET, "ratio", budget_row.weight, profile, False)
            if solved is None:
                situation = budget_row.situation = "below"
            else:
                a, b = solved
        a = a or places(D(rng.uniform(10, 3000)), 2)
        if b is None:
            b = {"at": a, "above": places(a * D(rng.uniform(1.01, 1.2)), 2)}.get(
                situation, places(a * D(rng.uniform(0.3, 0.99)), 2))
        annual = _split(rng, a, len(budgeted))
        executed = _split(rng, b, len(budgeted))
        if situation in ("blank", "negative", "text"):
            executed[rng.randrange(len(budgeted))] = {"blank": None, "negative": D("-5"), "text": "未统计"}[situation]
        lines, entries = [], []
        for i, source in enumerate(sources):
            if i < len(budgeted):
                initial = rng.choice((annual[i], places(annual[i] * D("0.9"), 2), None))
                lines.append(FundLine(source=source, initial_budget=initial, annual_budget=annual[i]))
                received = rng.choice((annual[i], places(annual[i] * D(rng.uniform(0.8, 1.0)), 2), None))
                entries.append(FundInput(source=source, received=received, executed=executed[i]))
            else:
                lines.append(FundLine(source=source))
                if rng.random() < 0.5:
                    entries.append(FundInput(source=source))
        return tuple(lines), tuple(entries)

    def evaluators(self) -> tuple[Evaluator, ...]:
        rng = self.rng
        out = []
        for i in range(rng.randint(0, 8)):
            score: object = D(rng.randint(120, 200)) / 2
            if rng.random() < 0.08:
                score = rng.choice((D(105), D(-3), "优秀", None))
            out.append(Evaluator(name=f"评价人{i + 1}", title="高级会计师", unit="某单位", score=score))
        return tuple(out)


# --- solving x.xx5 cases --------------------------------------------------------------------

NICE = tuple(D(x) for x in ("20", "40", "50", "80", "100", "120", "125", "147", "160", "200", "221", "250", "400",
                            "500", "800", "1000", "2000", "2428.5"))
NICE_PERCENT = tuple(D(x) for x in ("0.5", "0.6", "0.64", "0.75", "0.8", "0.85", "0.9", "0.95", "0.96", "0.98"))


def _half_cent(rng: random.Random, low: Decimal, high: Decimal) -> Decimal:
    """A random x.xx5 in [low, high)."""
    cents = list(range(int(low * 100), int(high * 100)))
    for _ in range(100):
        s = D(rng.choice(cents)) / 100 + D("0.005")
        if low <= s < high:
            return s
    raise AssertionError(f"no x.xx5 between {low} and {high}")


def solve_rate(rng: random.Random, kind: IndicatorKind, variant: str, w: Decimal, profile: ScoringProfile,
               percent: bool) -> tuple[Decimal, Decimal] | None:
    """(A, B) whose score min(rate, 1)·w is exactly x.xx5 (rate rounded to 4 decimals first when
    the profile says so, from a rate sitting on a 4-decimal half). None when w admits none."""
    rrf = profile.round_rate_first
    nice = NICE_PERCENT if percent else NICE
    for _ in range(400):
        s = _half_cent(rng, D("0.01"), w)
        r = CONTEXT.divide(s, w)
        if not exact(r, 4 if rrf else 12):
            continue
        rate = r - D("0.00005") if rrf and rng.random() < 0.6 else r
        if kind is K.REVERSE and variant == "linear":
            a = rng.choice(nice)
            b = a * (2 - rate)
        elif kind is K.REVERSE:  # rate = A/B: pick B, derive A
            b = rng.choice(nice)
            a = rate * b
        else:
            a = rng.choice(nice)
            b = rate * a
        if exact(a, 4) and exact(b, 6) and b >= 0 and is_half_cent(min(_rounded(rate, rrf), D(1)) * w):
            return places(a, 4).normalize(), places(b, 6).normalize()
    return None


def _rounded(rate: Decimal, rrf: bool) -> Decimal:
    return places(rate, 4) if rrf else rate


def _target(rng: random.Random, percent: bool, minimum: Decimal | None = None) -> Decimal:
    if percent:
        return rng.choice(NICE_PERCENT)
    pool = [D(x) for x in ("5", "8", "10", "12", "15.5", "24", "36", "50", "90", "100", "120", "200", "365", "2000")]
    return rng.choice([p for p in pool if minimum is None or p >= minimum])


def _split(rng: random.Random, total: Decimal, n: int) -> list[Decimal | None]:
    parts = []
    left = total
    for _ in range(n - 1):
        part = places(left * D(rng.uniform(0.2, 0.6)), 2)
        parts.append(part)
        left -= part
    return parts + [left]


def _ladder(rng: random.Random) -> tuple[list[tuple[str, str]], Decimal, dict]:
    """A 优/良/中/差 ladder, its 优 bound, and candidate actuals (band edges and insides)."""
    style = rng.randrange(5)
    if style == 0:  # upward counts, seed 000 style
        t1 = rng.choice((12, 24, 30)); t2 = t1 * 2 // 3; t3 = t1 // 3  # noqa: E702
        ladder = [("优", f"{t1}次"), ("良", f"{t2}~{t1 - 1}次"), ("中", f"{t3}~{t2 - 1}"), ("差", f"{t3}次以下")]
        points, mid = [t1 + 3, t1, t1 - 1, D(t1) - D("0.5"), t2, t2 - 1, t3, t3 - 1, 0], t3
    elif style == 1:  # seed 000's strict ladder
        ladder = [("优", "5次以上"), ("良", "3（含）-4次"), ("中", "2（含）-3次"), ("差", "2次以下")]
        points, mid, t1 = [7, 5, 4, 3, 2, 1, D("4.5")], D("2.5"), 5
    elif style == 2:  # upward percent
        p1, p2, p3 = rng.choice(((95, 90, 80), (98, 95, 85), (90, 80, 60)))
        ladder = [("优", f"≥{p1}%"), ("良", f"{p2}%~{p1}%"), ("中", f"{p3}%~{p2}%"), ("差", f"低于{p3}%")]
        points = [D(p) / 100 for p in (100, p1, p1 - D("0.01"), p2, p3, p3 - 1, 0)]
        mid, t1 = D(p3 + 1) / 100, D(p1) / 100
    elif style == 3:  # downward days
        d1, d2, d3 = rng.choice(((2, 5, 10), (1, 3, 7), (3, 6, 15)))
        ladder = [("优", f"{d1}天以内"), ("良", f"{d1}~{d2}天"), ("中", f"{d2}~{d3}天"), ("差", f"超过{d3}天")]
        points, mid, t1 = [0, D(d1) / 2, d1, d1 + D("0.5"), d2, d3, d3 + 1], d2 + 1, d1
    else:  # downward percent (a failure rate)
        p1, p2, p3 = rng.choice(((1, 3, 5), (2, 5, 10)))
        ladder = [("优", f"≤{p1}%"), ("良", f"{p1}%~{p2}%"), ("中", f"{p2}%~{p3}%"), ("差", f"高于{p3}%")]
        points = [D(p) / 100 for p in (0, p1, p2, D(p2) + D("0.5"), p3, p3 + 1)]
        mid, t1 = (D(p2) + D("0.5")) / 100, D(p1) / 100
    values = {"all": [dec(v) for v in points], "中": dec(mid)}
    return ladder, dec(t1), values


def _slots(framework: Framework) -> list[tuple[FrameworkNode, list[tuple[str, ...]]]]:
    """First-level categories that take a project's own rows, with the paths of their empty groups."""
    out = []
    for top in framework.nodes:
        paths: list[tuple[str, ...]] = []

        def walk(node: FrameworkNode, path: tuple[str, ...]) -> None:
            if node.leaf:
                return
            if not node.children:
                paths.append(path)
            for child in node.children:
                walk(child, path + (child.name,))

        walk(top, (top.name,))
        if paths and top.weight is not None:
            out.append((top, paths))
    return out


def corpus(seed: int = SEED, count: int = COUNT) -> list[ParityCase]:
    """`count` returns, cycling profiles fastest, then frameworks; the first two are 40+ row projects."""
    gen = Generator(seed)
    profiles = {name: load_profile(name) for name in PROFILES}
    frameworks = {name: load_framework(name) for name in FRAMEWORKS}
    cases = []
    for i in range(count):
        profile = profiles[PROFILES[i % 3]]
        framework = frameworks[FRAMEWORKS[(i // 3) % 3]]
        big = i in (0, 4)
        project, inputs = gen.project(i, profile, framework, big)
        cases.append(ParityCase(project.id, profile, framework, project, inputs))
    return cases
