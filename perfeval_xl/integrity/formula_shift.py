"""Shared formulas: the formula a follower cell means, from its master's text.

Excel may save a run of similar formulas once (`<f t="shared" ref="H7:H30" si="0">`
on the master) and leave the followers empty (`<f t="shared" si="0"/>`). A follower's
formula is the master's with every relative reference moved by the follower's offset
from the master; `$`-anchored rows and columns stay. A reference moved off the sheet
becomes #REF!, as in Excel.
"""

from __future__ import annotations

import re

from perfeval_xl.integrity.formula_norm import TokenKind, tokenize
from perfeval_xl.layout.a1 import col_index, col_letter

MAX_ROW = 1_048_576
MAX_COL = 16_384
_PART = re.compile(r"(\$?)([A-Za-z]{1,3})?(\$?)([0-9]+)?")


def shift_formula(formula: str, rows: int, cols: int) -> str:
    """`formula` (with or without "=") as it reads `rows` down and `cols` right; raises FormulaSyntaxError."""
    out: list[str] = []
    for token in tokenize(formula):
        prefix = "" if token.sheet is None else "'" + token.sheet.replace("'", "''") + "'!"
        if token.kind is TokenKind.REF:
            out.append(prefix + _shift_ref(token.text, rows, cols))
        else:
            out.append(prefix + token.text)
    return "".join(out)


def _shift_ref(ref: str, rows: int, cols: int) -> str:
    parts = [_shift_part(part, rows, cols) for part in ref.split(":")]
    return "#REF!" if None in parts else ":".join(p for p in parts if p is not None)


def _shift_part(part: str, rows: int, cols: int) -> str | None:
    match = _PART.fullmatch(part)
    if match is None:
        return part
    col_anchor, letters, row_anchor, digits = match.groups()
    if not letters:  # a row reference ("$5" of "$5:$9"): the first "$" anchors the row
        col_anchor, row_anchor = "", col_anchor or row_anchor
    text = ""
    if letters:
        col = col_index(letters.upper()) + (0 if col_anchor else cols)
        if not 1 <= col <= MAX_COL:
            return None
        text += col_anchor + col_letter(col)
    if digits:
        row = int(digits) + (0 if row_anchor else rows)
        if not 1 <= row <= MAX_ROW:
            return None
        text += row_anchor + str(row)
    return text

