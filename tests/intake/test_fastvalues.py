"""fastvalues reads a sheet's values as ReturnReader makes them of calamine's, or declines.

Every case reads each sheet both ways on the same bytes: the fast values must equal
calamine's (repr and all: Decimal("1.0") is not Decimal("1")), or be None.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import re

import xlsxwriter

from perfeval_xl.intake.reader import ReturnReader, SheetRead
from tests.hostile.builders import build_zip, entries_of


def _book() -> bytes:
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True})
    sheet = book.add_worksheet("表")
    money = book.add_format({"num_format": "#,##0.00"})
    share = book.add_format({"num_format": "0.00%"})
    date = book.add_format({"num_format": "yyyy-mm-dd"})
    bold = book.add_format({"bold": True})
    sheet.write("A1", "项目")
    sheet.write("A2", "  前后空格  ")
    sheet.write_rich_string("A3", "普通", bold, "加粗", "尾")
    sheet.write_number("B2", 12.5, money)
    sheet.write_number("B3", 3, share)
    sheet.write_number("B4", 1e-7)
    sheet.write_number("B5", -123456789012.25)
    sheet.write_number("B6", 45000, date)
    sheet.write_boolean("C2", True)
    sheet.write_boolean("C3", False)
    sheet.write_formula("D2", '=IF(B2>10,"大","小")', None, "大")
    sheet.write_formula("D3", "=B2*2", None, 25)
    sheet.write_formula("D4", "=1/0", None, "#DIV/0!")
    sheet.write_formula("D5", "=B2", None, "")
    sheet.write_blank("E9", None, bold)
    other = book.add_worksheet("_meta")
    other.write("A1", "form_version")
    other.write("B1", "1")
    book.close()
    return buf.getvalue()


def _both_ways(path) -> list[tuple[dict | None, dict | None]]:
    """Per worksheet: (fast values or None, calamine's values or the error it raised)."""
    out = []
    with ReturnReader(path) as reader:
        if not reader.read_meta():
            return out
        for sheet in reader.read.sheets:
            if not sheet.part:
                continue
            fast = reader._fast_values(sheet)
            ref = SheetRead(sheet.name, sheet.state, sheet.part)
            tables, reader._tables = reader._tables, False  # calamine for this one
            try:
                reader._read_values(ref)
                slow: dict | None = {k: repr(v) for k, v in ref.values.items()}
            except Exception:  # calamine failed: the fast path must have declined
                slow = None
            reader._tables = tables
            out.append((None if fast is None else {k: repr(v) for k, v in fast.items()}, slow))
    return out


def test_writer_values_take_the_fast_path_with_calamines_result(tmp_path):
    path = tmp_path / "b.xlsx"
    path.write_bytes(_book())
    results = _both_ways(path)
    assert len(results) == 2
    fast, slow = results[1]  # _meta: text only
    assert fast == slow and fast is not None
    fast, slow = results[0]
    assert fast is None  # the date-formatted number: calamine makes a date of it
    assert slow is not None and slow[(6, 2)] == repr(dt.date(2023, 3, 15))


def _plain_entries() -> dict[str, bytes]:
    """The book without the date and the error cell (calamine's errors are left to calamine)."""
    data = dict(entries_of(_book()))
    sheet = re.sub(rb'<c r="(?:B6|D4)"[^>]*>.*?</c>', b"", data["xl/worksheets/sheet1.xml"])
    assert len(sheet) < len(data["xl/worksheets/sheet1.xml"]) - 40
    return {**data, "xl/worksheets/sheet1.xml": sheet}


def test_values_without_dates_equal_calamines(tmp_path):
    path = tmp_path / "b.xlsx"
    path.write_bytes(build_zip(list(_plain_entries().items())))
    fast, slow = _both_ways(path)[0]
    assert fast is not None and fast == slow
    assert fast[(2, 1)] == repr("  前后空格  ") and fast[(3, 1)] == repr("普通加粗尾")
    assert fast[(2, 4)] == repr("大") and (5, 4) not in fast and fast[(2, 3)] == "True"


SHEET_EDITS = [b' t="n"', b' t="s"', b' t="b"', b' t="str"', b' t="e"', b' t="d"', b' t="x"', b' s="0"', b' s="9"',
               b' s="4"', b"<v>1e5</v>", b"<v>1.</v>", b"<v> 1</v>", b"<v>-0</v>", b"<v>1E+308</v>", b"<v>2&amp;3</v>",
               b"<v>7</v>", b"<v></v>", b"<v/>", b"<v>false</v>", b"<v>a&#13;b\r\nc</v>", b'<c r="A0"><v>1</v></c>',
               b'<c r="B2"><v>9</v></c>', b'<row r="0">', b'<row r="x">', b"<is><t>x</t></is>",
               b'<dimension ref="A0"/>', b'<dimension ref="A1:B2:C3"/>']
TABLE_EDITS = [b" ", b"\r\n", b"_x000D_", b'<t xml:space="preserve"> a </t>', b"<t> b </t>", b"<r><t>c</t></r>",
               b'<rPh sb="0" eb="1"><t>d</t></rPh>', b"<si><t>e</t></si>", b"<si/>", b'numFmtId="14"',
               b'numFmtId="164"', b'formatCode="yyyy"', b'formatCode="0.0"', b"&#49;", b"<x:t>f</x:t>", b"<!-- g -->",
               b"<![CDATA[h]]>", b"&amp;", b"<numFmts/>", b"<cellXfs/>"]


def test_mutated_books_give_calamines_values_or_decline(tmp_path):
    rng = random.Random(7)
    entries = _plain_entries()
    targets = {"xl/worksheets/sheet1.xml": SHEET_EDITS, "xl/sharedStrings.xml": TABLE_EDITS,
               "xl/styles.xml": TABLE_EDITS}
    path = tmp_path / "m.xlsx"
    fast_taken = compared = 0
    for _ in range(300):
        name = rng.choice(sorted(targets))
        out = bytearray(entries[name])
        for _edit in range(rng.randint(1, 2)):
            at = rng.randrange(len(out) + 1)
            if rng.random() < 0.7:
                out[at:at + rng.choice((0, 0, len(rng.choice(targets[name]))))] = rng.choice(targets[name])
            else:
                del out[at:at + rng.randint(1, 8)]
        path.write_bytes(build_zip(list({**entries, name: bytes(out)}.items())))
        for fast, slow in _both_ways(path):
            compared += 1
            if fast is not None:
                fast_taken += 1
                assert fast == slow, (name, bytes(out))
    assert compared > 300 and fast_taken > 80  # the edits leave many sheets readable on the fast path
