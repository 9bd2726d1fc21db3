"""The UDF module's declarations and argument handling: names, wizard docs, errors, ranges, profiles."""

from __future__ import annotations

import inspect
import re

import pytest

from perfeval_xl import udfs
from perfeval_xl.engine.udf_calls import PROFILE_NAME
from perfeval_xl.layout.build import NAMED_KEYS
from perfeval_xl.layout.flavour import profile_json
from perfeval_xl.manifest.library import load_profile
from perfeval_xl.udf.cells import UdfError
from perfeval_xl.udf.spec import udf, udf_specs
from tests.support.xlwings_books import books

SPECS = udf_specs(udfs)
BY_NAME = {s.name: s for s in SPECS}
CALL_RE = re.compile(r"\b(PE_[A-Z_]+)\(")


def test_declared_functions() -> None:
    assert [s.name for s in SPECS] == [
        "PE_TARGET", "PE_TARGET_INFO", "PE_RATE", "PE_SCORE", "PE_SCORE_POSITIVE", "PE_SCORE_REVERSE",
        "PE_SCORE_EQUAL", "PE_SCORE_DEDUCTION", "PE_SCORE_BANDED", "PE_SCORE_QUALITATIVE", "PE_SCORE_DIRECT",
        "PE_EXECUTION_RATE", "PE_EXECUTION_SCORE", "PE_TOTAL_SCORE", "PE_GRADE_OF", "PE_ENGINE",
        "PE_TARGETS", "PE_RATES", "PE_SCORES", "PE_GRADES",
    ]
    for spec in SPECS:
        assert spec.name.isascii()
        assert spec.description and all(arg.doc for arg in spec.args)
        assert len(spec.description) <= 255  # Excel's limit for the wizard description
        # No annotations: on Windows xlwings would read them as converters.
        assert not inspect.getfullargspec(getattr(udfs, spec.name)).annotations


def test_names_do_not_collide_with_the_workbooks_defined_names() -> None:
    # A defined name and a function of the same name would make Excel's formulas ambiguous.
    assert not set(BY_NAME) & set(NAMED_KEYS)
    assert PROFILE_NAME in NAMED_KEYS


def test_calls_in_generated_workbooks_match_the_declarations() -> None:
    """Every UDF call an xlwings workbook holds names a declared function with an arity it accepts."""
    seen = set()
    for book in books():
        for sheet in book.layout().sheets:
            for cell in sheet.cells:
                for match in CALL_RE.finditer(cell.formula or ""):
                    spec = BY_NAME[match.group(1)]
                    count = _argument_count(cell.formula, match.end())
                    assert spec.required <= count <= len(spec.args), (match.group(1), cell.formula)
                    seen.add(spec.name)
    assert seen == {"PE_RATE", "PE_SCORE_POSITIVE", "PE_SCORE_REVERSE", "PE_SCORE_EQUAL", "PE_SCORE_DEDUCTION",
                    "PE_SCORE_BANDED", "PE_SCORE_QUALITATIVE", "PE_SCORE_DIRECT", "PE_EXECUTION_RATE",
                    "PE_EXECUTION_SCORE", "PE_TOTAL_SCORE", "PE_GRADE_OF", "PE_ENGINE"}


def _argument_count(formula: str, start: int) -> int:
    """Arguments of the call whose "(" ends at `start` (commas at depth 0, outside strings and braces)."""
    depth, count, quoted, empty = 0, 1, False, True
    for char in formula[start:]:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in "({":
            depth += 1
        elif not quoted and char in ")}":
            if depth == 0:
                return 0 if empty else count
            depth -= 1
        elif not quoted and char == "," and depth == 0:
            count += 1
        empty = False
    raise AssertionError(f"unbalanced call in {formula}")


@pytest.mark.parametrize("text", ["效果明显", "", "—", "系统功能达标率≥98%，各系统事故发生频率＜2%", "2与5"])
def test_target_without_a_number_is_an_error_not_a_guess(text: str) -> None:
    with pytest.raises(UdfError):
        udfs.PE_TARGET(text)
    assert udfs.PE_TARGET_INFO(text)  # says why, in words


def test_target_info_in_words() -> None:
    assert udfs.PE_TARGET_INFO("≥95%") == "≥ 0.95（百分比）"
    assert udfs.PE_TARGET_INFO("16~23次") == "区间 16～23（次）"
    assert udfs.PE_TARGET_INFO("24次") == "≥ 24（次），未写运算符，按不低于理解"
    assert udfs.PE_TARGET_INFO("＜2%") == "＜ 0.02（百分比），不含本数"
    assert udfs.PE_TARGET_INFO("效果明显") == "定性目标，没有数值"
    assert udfs.PE_TARGET("95", "%") == 0.95  # the unit argument makes a bare number a percentage


@pytest.mark.parametrize("call", [
    lambda: udfs.PE_SCORE("效果明显", 1, 10),  # qualitative text: use PE_SCORE_QUALITATIVE
    lambda: udfs.PE_SCORE_POSITIVE("—", 1, 10),  # no target
    lambda: udfs.PE_SCORE_POSITIVE(0.95, 0.9, None),  # no points
    lambda: udfs.PE_SCORE_POSITIVE(0.95, 0.9, -1),
    lambda: udfs.PE_SCORE_POSITIVE(0.95, 0.9, "十"),
    lambda: udfs.PE_RATE(0.95, 0.9, "banded"),
    lambda: udfs.PE_SCORE_REVERSE(90, 100, 10, "square"),
    lambda: udfs.PE_SCORE_DEDUCTION(24, 20, 6, "酌情扣分"),
    lambda: udfs.PE_SCORE_BANDED("甲 24次", 20, 10),
    lambda: udfs.PE_SCORE_BANDED(["1", "2", "3", "4", "5"], 20, 10),
    lambda: udfs.PE_SCORE_POSITIVE(0.95, 0.9, 10, "no-such-profile"),
    lambda: udfs.PE_SCORE_POSITIVE(0.95, 0.9, 10, '{"reverse_variant": "square"}'),
    lambda: udfs.PE_TOTAL_SCORE([1, 2], [10], None),
    lambda: udfs.PE_TOTAL_SCORE([1, 2], [10, 10], 1),  # more scores than indicators
    lambda: udfs.PE_TOTAL_SCORE([1], [10], 1.5),
    lambda: udfs.PE_SCORES(["≥1"], [1, 2], [10]),
])
def test_definition_errors_raise(call) -> None:
    with pytest.raises(UdfError):
        call()


def test_blank_and_invalid_inputs_give_blank_like_the_native_formulas() -> None:
    for actual in (None, "", "二十", -5, True):
        assert udfs.PE_SCORE_POSITIVE(0.95, actual, 10) == ""
        assert udfs.PE_RATE(0.95, actual) == ""
    assert udfs.PE_SCORE_QUALITATIVE(None, 9, 10) == ""
    assert udfs.PE_SCORE_QUALITATIVE("达成年度指标", 7, 10) == ""  # outside the tier
    assert udfs.PE_SCORE_DIRECT(5.5, 5) == ""  # above the points: never clamped
    assert udfs.PE_EXECUTION_SCORE(None, 10) == ""
    assert udfs.PE_EXECUTION_RATE(0, 10) == ""
    assert udfs.PE_TOTAL_SCORE([9.5, None], [10, 10]) == ""
    assert udfs.PE_GRADE_OF("") == ""


def test_profiles_by_name_json_or_default() -> None:
    # Reverse 90 → 100 on 10 points: ratio 9.00 (national), linear 8.89 (provincial).
    assert udfs.PE_SCORE_REVERSE(90, 100, 10) == 9.0
    assert udfs.PE_SCORE_REVERSE(90, 100, 10, None, "provincial") == 8.89
    assert udfs.PE_SCORE_REVERSE(90, 100, 10, None, profile_json(load_profile("provincial"))) == 8.89
    assert udfs.PE_SCORE_REVERSE(90, 100, 10, "ratio", "provincial") == 9.0  # the argument wins
    assert udfs.PE_GRADE_OF(95, "no_grading_na") == ""
    assert udfs.PE_SCORE_POSITIVE(8, 1.62, 10, '{"score_places": 1}') == 2.0


def test_totals_on_a_tree_form() -> None:
    """Category rows (points, no score) between the indicators: `count` says how many indicators there are."""
    scores, weights = [None, 9.5, 8, None, 10], [20, 10, 10, 10, 10]
    assert udfs.PE_TOTAL_SCORE(scores, weights, 3) == 27.5
    assert udfs.PE_TOTAL_SCORE([None, 9.5, 8, None, None], weights, 3) == ""  # one indicator not scored
    assert udfs.PE_TOTAL_SCORE(scores + [None], weights + [None], None) == ""  # every row an indicator
    assert udfs.PE_TOTAL_SCORE([9.5, 8, None], [10, 10, None], None) == 17.5  # an empty row is no indicator


def test_columns_go_down_and_skip_blank_rows() -> None:
    assert udfs.PE_SCORES([["≥95%"], [None], ["效果明显"]], [[0.9], [None], [1]], [[10], [None], [10]]) == [
        [9.47], [""], [""]]
    assert udfs.PE_RATES(["≤90", "=0"], [100, 0]) == [[0.9], [""]]
    assert udfs.PE_TARGETS("≥95%") == [[0.95]]  # one cell is a column of one


def test_engine_marker() -> None:
    assert udfs.PE_ENGINE() == 1.0
    assert BY_NAME["PE_ENGINE"].volatile


def test_declaration_is_checked() -> None:
    with pytest.raises(ValueError, match="PE_ prefix"):
        udf(x="x")(lambda x: x)
    with pytest.raises(ValueError, match="do not match"):
        def PE_X(a, b):  # noqa: N802
            """说明。"""

        udf(a="a")(PE_X)
