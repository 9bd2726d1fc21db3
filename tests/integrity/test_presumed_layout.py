"""When a signature will be verified, the pipeline first rebuilds a return's layout from what the
signature covers (the definition's chunks as _meta holds them; collecting, the register's
definition) and keeps that result only once the signature is found valid over it; otherwise it
checks again the usual way (on the sheets already read, or reading them again when the areas
differ). Either way the report is the usual way's."""

from __future__ import annotations

import base64
import zlib
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from perfeval_xl.intake.pipeline import CheckOptions, _check_once, check_file, file_facts
from perfeval_xl.integrity.register import register_line
from perfeval_xl.layout.definition import CHUNK
from tests.integrity import xmledit
from tests.integrity.conftest import Batches
from tests.integrity.forms import BATCH_ID, YEAR, Issued
from tests.integrity.tampering import META, TARGETS, by_xml, edited_definition, meta_row, meta_value

PROJECT = "S002"


def _options(issued: Issued, tmp: Path, register: bool) -> CheckOptions:
    keys = {k: v.public_bytes(Encoding.Raw, PublicFormat.Raw) for k, v in issued.keys.items()}
    if not register:
        return CheckOptions(public_keys=keys, expected_batch=BATCH_ID, expected_year=YEAR)
    path = tmp / "issued.register.jsonl"
    path.write_text("".join(register_line(e) + "\n" for e in issued.entries.values()), encoding="utf-8")
    return CheckOptions(public_keys=keys, register_path=str(path))


def _reencoded(src: Path, dst: Path) -> Path:
    """The same definition, compressed at another level: other chunk text, the same meaning."""
    text = meta_value(src, "definition_1")
    raw = zlib.decompress(base64.b64decode(text))
    again = base64.b64encode(zlib.compress(raw, 1)).decode("ascii")
    assert again != text and len(again) <= CHUNK
    row = meta_row(src, "definition_1")
    return by_xml(src, dst, {META: lambda x: xmledit.set_cell(x, f"B{row}", again)})


def _split(src: Path, dst: Path) -> Path:
    """The definition's text split over two chunks, the second in the signature's row (the signature
    left in the document property): as read, _meta holds one row more than the encoded layout."""
    text = meta_value(src, "definition_1")
    row, signature_row = meta_row(src, "definition_1"), meta_row(src, "signature")
    assert signature_row == row + 1

    def edit(xml: str) -> str:
        xml = xmledit.set_cell(xml, f"B{row}", text[:100])
        xml = xmledit.set_cell(xml, f"A{signature_row}", "definition_2")
        return xmledit.set_cell(xml, f"B{signature_row}", text[100:])
    return by_xml(src, dst, {META: edit})


def _definition_edited(src: Path, dst: Path) -> Path:
    """A target changed in the definition _meta carries (collecting, the register's differs)."""
    chunk = edited_definition(src, "S002-02", "≥90%")[0]
    row = meta_row(src, "definition_1")
    return by_xml(src, dst, {META: lambda x: xmledit.set_cell(x, f"B{row}", chunk)})


def _target(src: Path, dst: Path) -> Path:
    return by_xml(src, dst, {TARGETS: lambda x: xmledit.set_cell(x, "C4", "≥99%")})


@pytest.mark.parametrize("register", [False, True], ids=["check", "collect"])
@pytest.mark.parametrize("make, read_again", [
    (lambda src, dst: by_xml(src, dst), False),  # filled in, nothing else changed: confirmed
    (_reencoded, False),  # not confirmed: checked again on the sheets read
    (_target, False),
    (_definition_edited, False),
    (_split, True),  # not confirmed, and the encoded layout's _meta is shorter: read again
], ids=["filled", "definition_reencoded", "target_edited", "definition_edited", "definition_split"])
def test_report_is_the_usual_ways(batches: Batches, tmp_path: Path, register: bool, make,
                                      read_again: bool) -> None:
    path = make(batches.signed.paths[PROJECT], tmp_path / "returned.xlsx")
    options = _options(batches.signed, tmp_path, register)
    digest, _ = file_facts(str(path))
    usual = _check_once(str(path), digest, options, presumed=False)
    presumed = _check_once(str(path), digest, options, presumed=True)
    assert usual is not None
    assert (presumed is None) is read_again
    if presumed is not None:
        assert presumed.model_dump() == usual.model_dump()
    assert check_file(path, options).model_dump() == usual.model_dump()


def test_unsigned_batch_is_checked_once_the_usual_way(batches: Batches, tmp_path: Path) -> None:
    path = by_xml(batches.unsigned.paths[PROJECT], tmp_path / "returned.xlsx")
    options = _options(batches.unsigned, tmp_path, register=True)
    digest, _ = file_facts(str(path))
    presumed = _check_once(str(path), digest, options, presumed=True)
    usual = _check_once(str(path), digest, options, presumed=False)
    assert presumed is not None and usual is not None
    assert presumed.model_dump() == usual.model_dump()
