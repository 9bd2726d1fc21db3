"""The pipeline rebuilds a return's layout with the definition's chunks as _meta holds them, and keeps
that result only once the signature has been found valid over it; otherwise it checks again through
the encoded layout (on the sheets already read, or reading them again when the areas differ). Either
way the report is the one the encoding path gives."""

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
from tests.integrity.tampering import META, TARGETS, by_xml, meta_row, meta_value

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


def _target(src: Path, dst: Path) -> Path:
    return by_xml(src, dst, {TARGETS: lambda x: xmledit.set_cell(x, "C4", "≥99%")})


@pytest.mark.parametrize("register", [False, True], ids=["check", "collect"])
@pytest.mark.parametrize("make, read_again", [
    (lambda src, dst: by_xml(src, dst), False),  # filled in, nothing else changed: confirmed
    (_reencoded, False),  # not confirmed: checked again on the sheets read
    (_target, False),
    (_split, True),  # not confirmed, and the encoded layout's _meta is shorter: read again
], ids=["filled", "definition_reencoded", "target_edited", "definition_split"])
def test_report_is_the_encoding_paths(batches: Batches, tmp_path: Path, register: bool, make,
                                      read_again: bool) -> None:
    path = make(batches.signed.paths[PROJECT], tmp_path / "returned.xlsx")
    options = _options(batches.signed, tmp_path, register)
    digest, _ = file_facts(str(path))
    encoding = _check_once(str(path), digest, options, chunks_as_read=False)
    as_read = _check_once(str(path), digest, options, chunks_as_read=True)
    assert encoding is not None
    assert (as_read is None) is read_again
    if as_read is not None:
        assert as_read.model_dump() == encoding.model_dump()
    assert check_file(path, options).model_dump() == encoding.model_dump()


def test_unsigned_batch_is_checked_once_by_encoding(batches: Batches, tmp_path: Path) -> None:
    path = by_xml(batches.unsigned.paths[PROJECT], tmp_path / "returned.xlsx")
    options = _options(batches.unsigned, tmp_path, register=True)
    digest, _ = file_facts(str(path))
    as_read = _check_once(str(path), digest, options, chunks_as_read=True)
    encoding = _check_once(str(path), digest, options, chunks_as_read=False)
    assert as_read is not None and encoding is not None
    assert as_read.model_dump() == encoding.model_dump()
