"""Named cell styles of the generated workbooks (XlsxWriter format properties).

Inputs are light yellow with a blue font so a unit sees at once what to fill;
computed cells are light grey-green; locked data is plain.
"""

from __future__ import annotations

FONT = "宋体"
BORDER = {"border": 1, "border_color": "#808080"}

STYLES: dict[str, dict[str, object]] = {
    "title": {"bold": True, "font_size": 14, "align": "center", "valign": "vcenter"},
    "subtitle": {"font_size": 10, "valign": "vcenter"},
    "subtitle_right": {"font_size": 10, "align": "right", "valign": "vcenter"},
    "header": {"bold": True, "bg_color": "#D9D9D9", "align": "center", "valign": "vcenter", "text_wrap": True, **BORDER},
    "label": {"valign": "vcenter"},
    "label_wrap": {"valign": "top", "text_wrap": True},
    "note": {"font_size": 9, "italic": True, "font_color": "#595959", "text_wrap": True, "valign": "top"},
    "row_label": {"valign": "vcenter", "text_wrap": True, **BORDER},
    "row_total": {"bold": True, "valign": "vcenter", "bg_color": "#F2F2F2", **BORDER},
    "data": {"valign": "vcenter", **BORDER},
    "data_wrap": {"valign": "vcenter", "text_wrap": True, **BORDER},
    "data_num": {"valign": "vcenter", "align": "right", **BORDER},
    "data_center": {"valign": "vcenter", "align": "center", **BORDER},
    "group_1": {"bold": True, "bg_color": "#DDEBF7", "valign": "vcenter", **BORDER},
    "group_2": {"bold": True, "bg_color": "#F2F7FC", "valign": "vcenter", **BORDER},
    "na_cell": {"bg_color": "#F2F2F2", **BORDER},
    "input": {"bg_color": "#FFF2CC", "font_color": "#1F4E79", "valign": "vcenter", **BORDER},
    "input_text": {"bg_color": "#FFF2CC", "font_color": "#1F4E79", "valign": "vcenter", "text_wrap": True, **BORDER},
    "input_choice": {"bg_color": "#FFF2CC", "font_color": "#1F4E79", "valign": "vcenter", "text_wrap": True, **BORDER},
    "formula": {"bg_color": "#EDF3EA", "valign": "vcenter", "align": "right", **BORDER},
    "formula_total": {"bold": True, "bg_color": "#E2EFDA", "valign": "vcenter", "align": "right", **BORDER},
    "formula_unfilled": {"bold": True, "font_color": "#C00000", "valign": "vcenter", "align": "right", **BORDER},
    "signature": {"font_size": 11, "valign": "bottom"},
    # Conditional-format styles (fills only).
    "cf_error": {"bg_color": "#FFC7CE", "font_color": "#9C0006"},
    "cf_warn": {"bg_color": "#FCE4D6", "font_color": "#833C0B"},
    "cf_blank": {"bg_color": "#FFE699"},
}
