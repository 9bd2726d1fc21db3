"""A register line parses to the same entry whether its shared members are cut out or not."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from perfeval_xl.integrity.register import RegisterEntry, parse_line, register_line
from tests.integrity.conftest import Batches


def _line(batches: Batches) -> str:
    return register_line(batches.signed.entries["S002"])


def _same(line: str) -> None:
    parsed, usual = parse_line(line.encode()), RegisterEntry.model_validate_json(line)
    assert parsed == usual
    assert parsed.model_fields_set == usual.model_fields_set
    assert parsed.model_dump_json() == usual.model_dump_json()


def test_a_line_as_written(batches: Batches) -> None:
    line = _line(batches)
    _same(line)
    _same(line)  # the shared members from the cache
    first, second = parse_line(line.encode()), parse_line(line.encode())
    assert first.framework is second.framework and first.project is not second.project


def test_lines_not_as_written_are_parsed_the_usual_way(batches: Batches) -> None:
    data = json.loads(_line(batches))
    _same(json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")))  # no cut possible
    _same(json.dumps(data, ensure_ascii=False))  # members in another order
    extra = {**data, "formulas": {**data["formulas"], "framework": "x"}}  # a nested key like a member's
    _same(json.dumps(extra, ensure_ascii=False, sort_keys=True))


def test_a_bad_member_fails_as_usual(batches: Batches) -> None:
    data = json.loads(_line(batches))
    bad = json.dumps({**data, "profile": {**data["profile"], "unknown": 1}}, ensure_ascii=False, sort_keys=True)
    with pytest.raises(ValidationError) as usual:
        RegisterEntry.model_validate_json(bad)
    with pytest.raises(ValidationError) as parsed:
        parse_line(bad.encode())
    assert str(parsed.value) == str(usual.value)
