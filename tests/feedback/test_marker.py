"""The marks that make the 问题清单 sheet ours: all three, exactly."""

from __future__ import annotations

import pytest

from perfeval_xl.layout.feedback_sheet import FEEDBACK_PROPERTY, FEEDBACK_SHEET, FEEDBACK_TITLE, is_feedback_sheet

OURS = {FEEDBACK_PROPERTY: "1", "perfeval_project_id": "P004"}


def test_all_three_marks() -> None:
    assert FEEDBACK_SHEET == "问题清单"
    assert is_feedback_sheet(FEEDBACK_SHEET, FEEDBACK_TITLE, OURS)


@pytest.mark.parametrize(("name", "title", "properties"), [
    ("问题清单2", FEEDBACK_TITLE, OURS),
    (FEEDBACK_SHEET, "问题清单", OURS),
    (FEEDBACK_SHEET, None, OURS),
    (FEEDBACK_SHEET, FEEDBACK_TITLE, {"perfeval_project_id": "P004"}),
    (FEEDBACK_SHEET, FEEDBACK_TITLE, {FEEDBACK_PROPERTY: "0"}),
])
def test_any_mark_missing_is_not_ours(name: str, title: object, properties: dict[str, str]) -> None:
    assert not is_feedback_sheet(name, title, properties)
