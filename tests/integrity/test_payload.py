import datetime as dt
from decimal import Decimal

import pytest
from pydantic import ValidationError

from perfeval_xl.integrity.canonical import CanonicalError, canonical_bytes
from perfeval_xl.integrity.payload import PAYLOAD_FORMAT, address_key, build_payload, payload_bytes

META = {
    "year": 2024,
    "batch_id": "2024-01",
    "unit": "示例县农业农村局",
    "project_id": "P001",
    "template_version": "1.0",
    "key_id": "ed25519:0123456789abcdef",
    "issued_version": 1,
}


def test_structure_and_row_major_order():
    payload = build_payload(
        META,
        [
            ("绩效自评表", {"B10": "优", "A2": 1, "$C$1": Decimal("95.00"), "AA1": True, "B2": None}),
            ("预算执行", {}),
        ],
    )
    assert payload == {
        "format": PAYLOAD_FORMAT,
        "meta": META,
        "sheets": [
            {
                "name": "绩效自评表",
                "cells": [["C1", Decimal("95.00")], ["AA1", True], ["A2", Decimal(1)], ["B10", "优"]],
            },
            {"name": "预算执行", "cells": []},
        ],
    }


def test_sheet_order_is_kept():
    a = build_payload(META, [("甲", {"A1": "x"}), ("乙", {"A1": "x"})])
    b = build_payload(META, [("乙", {"A1": "x"}), ("甲", {"A1": "x"})])
    assert canonical_bytes(a) != canonical_bytes(b)


def test_values_as_written_and_as_read_back_agree():
    # What the generator writes vs what openpyxl reads from the saved file.
    written = build_payload(
        META, [("S", {"A1": Decimal("95.00"), "A2": dt.date(2024, 1, 31), "A3": "", "A4": 12, "A5": None})]
    )
    read_back = build_payload(META, [("S", {"A1": 95, "A2": dt.datetime(2024, 1, 31), "A4": Decimal("12")})])
    assert canonical_bytes(written) == canonical_bytes(read_back)


def test_time_of_day_is_kept():
    payload = build_payload(META, [("S", {"A1": dt.datetime(2024, 1, 31, 9, 15)})])
    assert payload["sheets"][0]["cells"] == [["A1", dt.datetime(2024, 1, 31, 9, 15)]]


def test_changed_cell_changes_the_bytes():
    a = build_payload(META, [("S", {"A1": "95"})])
    b = build_payload(META, [("S", {"A1": Decimal(95)})])
    c = build_payload(META, [("S", {"A1": "95", "A2": "x"})])
    assert len({canonical_bytes(p) for p in (a, b, c)}) == 3


@pytest.mark.parametrize(
    "address, key",
    [("A1", (1, 1)), ("$B$3", (3, 2)), ("z9", (9, 26)), ("AA10", (10, 27)), ("XFD1048576", (1048576, 16384))],
)
def test_address_key(address, key):
    assert address_key(address) == key


@pytest.mark.parametrize("address", ["A0", "1A", "XFE1", "A1048577", "A1:B2", "", "AAAA1"])
def test_bad_addresses(address):
    with pytest.raises(CanonicalError):
        address_key(address)


@pytest.mark.parametrize(
    "sheets, message",
    [
        ([("S", {"A1": 0.5})], "to_decimal"),
        ([("S", {"A1": dt.time(9)})], "unsupported value type time"),
        ([("S", {"A1": 1, "$A$1": 2})], "given twice"),
        ([("S", {}), ("S", {})], "appears twice"),
        ([("", {})], "non-empty"),
    ],
)
def test_bad_cells_and_sheets(sheets, message):
    with pytest.raises(CanonicalError, match=message):
        build_payload(META, sheets)
    with pytest.raises(CanonicalError, match=message):
        payload_bytes(META, sheets)


_CELLS = {"B10": "优", "A2": 1, "$C$1": Decimal("95.00"), "AA1": True, "B2": None, "B3": "", "c4": "e\u0301",
          "D1": Decimal("-0.0"), "D2": Decimal("1.5E-3"), "D3": dt.datetime(2024, 1, 31), "D4": dt.datetime(2024, 1, 31, 9),
          "D5": dt.date(2024, 2, 1), "D6": 'quote " and \\ and \n', "D7": "x" * 300, "D8": Decimal(1), "D9": False}


@pytest.mark.parametrize("sheets", [
    [],
    [("绩效自评表", _CELLS), ("预算执行", {})],
    [("S", {"A1": Decimal(1)}), ("T", {"A1": True}), ("U", {"A1": 1}), ("V", {"A1": "1"})],  # one cache, four cells
    [("e\u0301", {"A1": "x" * 201})],
])
def test_payload_bytes_are_the_canonical_bytes_of_the_payload(sheets):
    for _ in range(2):  # the second time from the cache
        assert payload_bytes(META, sheets) == canonical_bytes(build_payload(META, sheets))


def test_payload_bytes_say_where_a_value_fails():
    with pytest.raises(CanonicalError, match=r"sheets\[0\]"):
        payload_bytes(META, [("S", {"A1": Decimal("NaN")})])


@pytest.mark.parametrize(
    "change",
    [
        {"year": "2024"},
        {"issued_version": 0},
        {"key_id": "ed25519:XYZ"},
        {"unit": ""},
        {"extra": "x"},
    ],
)
def test_meta_is_strict(change):
    with pytest.raises(ValidationError):
        build_payload({**META, **change}, [])


def test_meta_missing_field():
    meta = dict(META)
    del meta["project_id"]
    with pytest.raises(ValidationError):
        build_payload(meta, [])
