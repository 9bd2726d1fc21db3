"""How a feedback copy marks what perfeval added, so the integrity check can accept it back.

A feedback copy carries one sheet more than was issued, `问题清单`, and comments on
the problem cells. The sheet is ours when all three marks are present:

- its name is FEEDBACK_SHEET ("问题清单", layout.context);
- its cell A1 holds exactly FEEDBACK_TITLE;
- the workbook has the custom document property FEEDBACK_PROPERTY = FEEDBACK_PROPERTY_VALUE.

The integrity check's "sheet added" rule excepts exactly such a sheet (and ignores
FEEDBACK_PROPERTY when it compares custom properties); its contents are never read
as part of the form. Comments perfeval adds carry COMMENT_AUTHOR.
"""

from __future__ import annotations

from collections.abc import Mapping

from perfeval_xl.layout.context import FEEDBACK_SHEET

FEEDBACK_TITLE = "问题清单（财政局反馈意见，修改后请重新报送）"
FEEDBACK_PROPERTY = "perfeval_feedback"
FEEDBACK_PROPERTY_VALUE = "1"
COMMENT_AUTHOR = "财政局反馈"

__all__ = ["COMMENT_AUTHOR", "FEEDBACK_PROPERTY", "FEEDBACK_PROPERTY_VALUE", "FEEDBACK_SHEET", "FEEDBACK_TITLE",
           "is_feedback_sheet"]


def is_feedback_sheet(name: str, title: object, properties: Mapping[str, str]) -> bool:
    """True for the 问题清单 sheet a feedback copy added.

    `title` is the sheet's A1 value as read; `properties` the workbook's custom
    document properties (name → value as text), e.g. from the intake reader:
    `is_feedback_sheet(sheet.name, sheet.value(1, 1), read.properties)`.
    """
    return (name == FEEDBACK_SHEET and title == FEEDBACK_TITLE
            and properties.get(FEEDBACK_PROPERTY) == FEEDBACK_PROPERTY_VALUE)
