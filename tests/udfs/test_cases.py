"""Every UDF, called as plain Python, gives the expected values of every applicable row of the
shared worked cases (tests/fixtures/scoring-cases.csv): the file's expected columns, not the engine's.

Rows of kind "stated" check figures stated in reports against computed ones; no UDF does that,
so they are not applicable here.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from perfeval_xl import udfs
from perfeval_xl.engine import round_half_up
from perfeval_xl.layout.flavour import profile_json
from tests.support.scoring_cases import Case, load_cases

CASES = [c for c in load_cases() if c.kind != "stated"]


def by_kind(*kinds: str) -> list[Case]:
    return [c for c in CASES if c.kind in kinds]


def ids(cases: list[Case]) -> list[str]:
    return [c.id for c in cases]


def profile_arg(case: Case, **extra: object) -> str | None:
    """The case's profile as a generated workbook passes it (JSON), or None for the default."""
    options = {**case.options, **extra}
    return profile_json(case.profile().with_options(**extra)) if options else None


def actual(case: Case) -> float | None:
    value = case.dec("actual")
    return None if value is None else float(value)


def weight(case: Case) -> float:
    value = case.dec("weight")
    assert value is not None
    return float(value)


def assert_score(got: object, case: Case) -> None:
    expected = case.dec("expected_score")
    if expected is None:
        assert got == ""
    else:
        assert isinstance(got, float) and Decimal(repr(got)) == expected


def assert_rate(got: object, case: Case) -> None:
    expected = case.dec("expected_rate")
    if expected is None:
        assert got == ""
    else:
        assert isinstance(got, float) and round_half_up(Decimal(repr(got)), 4) == expected


QUANTITATIVE = by_kind("positive", "reverse", "equal")


@pytest.mark.parametrize("case", QUANTITATIVE, ids=ids(QUANTITATIVE))
def test_rate(case: Case) -> None:
    variant = case.options.get("reverse_variant")
    profile = profile_arg(case)
    # The target as text (kind read from the operator) and as the number with the kind named.
    assert_rate(udfs.PE_RATE(case.row["target_text"], actual(case), None, variant, profile), case)
    target = float(Decimal(case.row["target"]))
    assert_rate(udfs.PE_RATE(target, actual(case), case.kind, variant, profile), case)


@pytest.mark.parametrize("case", QUANTITATIVE, ids=ids(QUANTITATIVE))
def test_quantitative_scores(case: Case) -> None:
    profile = profile_arg(case)
    text, target = case.row["target_text"], float(Decimal(case.row["target"]))
    assert_score(udfs.PE_SCORE(text, actual(case), weight(case), profile), case)
    per_kind = {
        "positive": lambda t: udfs.PE_SCORE_POSITIVE(t, actual(case), weight(case), profile),
        "reverse": lambda t: udfs.PE_SCORE_REVERSE(t, actual(case), weight(case), case.options.get("reverse_variant"),
                                                   profile),
        "equal": lambda t: udfs.PE_SCORE_EQUAL(t, actual(case), weight(case), profile),
    }[case.kind]
    assert_score(per_kind(text), case)
    assert_score(per_kind(target), case)


@pytest.mark.parametrize("case", QUANTITATIVE, ids=ids(QUANTITATIVE))
def test_target(case: Case) -> None:
    expected = Decimal(case.row["target"])
    assert Decimal(repr(udfs.PE_TARGET(case.row["target_text"]))) == expected
    info = udfs.PE_TARGET_INFO(case.row["target_text"])
    assert format(expected.normalize(), "f") in info
    assert ("百分比" in info) == ("%" in case.row["target_text"])


def test_columns_of_quantitative_cases() -> None:
    """PE_RATES / PE_SCORES / PE_TARGETS over the default-profile rows, as one column each."""
    cases = [c for c in QUANTITATIVE if not c.options]
    targets = [c.row["target_text"] for c in cases]
    actuals = [actual(c) for c in cases]
    rates = udfs.PE_RATES(targets, actuals)
    scores = udfs.PE_SCORES(targets, actuals, [weight(c) for c in cases])
    values = udfs.PE_TARGETS(targets)
    assert len(rates) == len(scores) == len(values) == len(cases)
    for case, [rate], [score], [value] in zip(cases, rates, scores, values):
        assert_rate(rate, case)
        assert_score(score, case)
        assert Decimal(repr(value)) == Decimal(case.row["target"])


QUALITATIVE = by_kind("qualitative")


@pytest.mark.parametrize("case", QUALITATIVE, ids=ids(QUALITATIVE))
def test_qualitative(case: Case) -> None:
    given = case.inputs_map
    assert_score(udfs.PE_SCORE_QUALITATIVE(given["tier"], float(given["score"]), weight(case)), case)


BANDED = by_kind("banded")


@pytest.mark.parametrize("case", BANDED, ids=ids(BANDED))
def test_banded(case: Case) -> None:
    ladder = case.row["target_text"]  # "优 24次 / 良 16~23次 / 中 10~15 / 差 10次以下"
    assert_score(udfs.PE_SCORE_BANDED(ladder, actual(case), weight(case)), case)
    cells = [part.strip().split(" ", 1)[1] for part in ladder.split("/")]  # 优, 良, 中, 差 in four cells
    assert_score(udfs.PE_SCORE_BANDED(cells, actual(case), weight(case)), case)


DEDUCTION = by_kind("deduction")


@pytest.mark.parametrize("case", DEDUCTION, ids=ids(DEDUCTION))
def test_deduction(case: Case) -> None:
    target = float(Decimal(case.row["target"]))
    assert_score(udfs.PE_SCORE_DEDUCTION(target, actual(case), weight(case), case.row["target_text"]), case)


DIRECT = by_kind("direct")


@pytest.mark.parametrize("case", DIRECT, ids=ids(DIRECT))
def test_direct(case: Case) -> None:
    assert_score(udfs.PE_SCORE_DIRECT(actual(case), weight(case)), case)


BUDGET = by_kind("budget")


@pytest.mark.parametrize("case", BUDGET, ids=ids(BUDGET))
def test_budget(case: Case) -> None:
    annual = float(Decimal(case.row["target"]))
    assert_rate(udfs.PE_EXECUTION_RATE(annual, actual(case)), case)
    assert_score(udfs.PE_EXECUTION_SCORE(annual, actual(case), weight(case)), case)


GRADE = by_kind("grade")


@pytest.mark.parametrize("case", GRADE, ids=ids(GRADE))
def test_grade(case: Case) -> None:
    expected = case.row["expected_band_or_grade"]
    assert udfs.PE_GRADE_OF(actual(case), profile_arg(case)) == expected
    assert udfs.PE_GRADES([actual(case)], profile_arg(case)) == [[expected]]


def test_grades_column() -> None:
    cases = [c for c in GRADE if not c.options]
    column = udfs.PE_GRADES([actual(c) for c in cases])
    assert column == [[c.row["expected_band_or_grade"]] for c in cases]


RESCALE = by_kind("rescale")


@pytest.mark.parametrize("case", RESCALE, ids=ids(RESCALE))
def test_rescaled_total(case: Case) -> None:
    """One indicator scored, one not applicable: its score left blank and the count saying 1 indicator."""
    profile = profile_arg(case, allow_not_applicable=True)
    w = weight(case)
    got = udfs.PE_TOTAL_SCORE([actual(case), None], [w, 100 - w], 1, profile)
    assert_score(got, case)


def test_every_kind_of_row_is_covered() -> None:
    covered = {c.kind for group in (QUANTITATIVE, QUALITATIVE, BANDED, DEDUCTION, DIRECT, BUDGET, GRADE, RESCALE)
               for c in group}
    assert covered == {c.kind for c in CASES}
    assert len(CASES) == 73
