import base64
from decimal import Decimal

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given
from hypothesis import strategies as st

from perfeval_xl.findings.model import Location, Severity
from perfeval_xl.integrity.keys import KeyPair
from perfeval_xl.integrity.payload import build_payload
from perfeval_xl.integrity.signing import (
    SIGNATURE_ALGORITHM,
    Signature,
    SignatureFormatError,
    SignatureStatus,
    sign,
    verify,
)

PAIR = KeyPair.from_private_key("2024-01", Ed25519PrivateKey.from_private_bytes(bytes(range(32))))
KEYS = {PAIR.key_id: PAIR.public_key}
META = {
    "year": 2024,
    "batch_id": "2024-01",
    "unit": "示例县农业农村局",
    "project_id": "P001",
    "template_version": "1.0",
    "key_id": PAIR.key_id,
    "issued_version": 1,
}
PAYLOAD = build_payload(META, [("绩效自评表", {"A1": "产出指标", "D5": Decimal("95"), "F5": 10})])
SIGNATURE = sign(PAYLOAD, PAIR.private_key, PAIR.key_id)


def test_sign_then_verify():
    assert SIGNATURE.algorithm == SIGNATURE_ALGORITHM == "perfeval-sig-v1"
    assert SIGNATURE.key_id == PAIR.key_id
    assert len(SIGNATURE.raw()) == 64
    result = verify(PAYLOAD, SIGNATURE, KEYS)
    assert result.ok and result.status is SignatureStatus.VALID and result.key_id == PAIR.key_id
    assert result.finding() is None


def test_ed25519_is_deterministic():
    assert sign(PAYLOAD, PAIR.private_key, PAIR.key_id) == SIGNATURE


def test_text_round_trip():
    text = SIGNATURE.to_text()
    assert text == f"perfeval-sig-v1;{PAIR.key_id};{SIGNATURE.value}"
    assert Signature.from_text(text) == SIGNATURE
    assert verify(PAYLOAD, text, KEYS).ok
    assert verify(PAYLOAD, text + "\n", KEYS).ok  # a trailing newline from a cell is not an edit


def test_payload_built_from_read_back_values_verifies():
    read_back = build_payload(META, [("绩效自评表", {"A1": "产出指标", "D5": 95, "F5": Decimal("10.00"), "Z9": None})])
    assert verify(read_back, SIGNATURE, KEYS).ok


@pytest.mark.parametrize(
    "cells",
    [
        {"A1": "产出指标", "D5": Decimal("96"), "F5": 10},
        {"A1": "产出指标", "D5": "95", "F5": 10},
        {"A1": "产出指标 ", "D5": Decimal("95"), "F5": 10},
        {"A1": "产出指标", "D5": Decimal("95"), "F5": 10, "G5": "x"},
        {"A1": "产出指标", "D5": Decimal("95")},
    ],
    ids=["number", "number-as-text", "text", "added-cell", "removed-cell"],
)
def test_changed_content_is_invalid(cells):
    changed = build_payload(META, [("绩效自评表", cells)])
    result = verify(changed, SIGNATURE, KEYS)
    assert result.status is SignatureStatus.INVALID
    found = result.finding(Location(file="a.xlsx"))
    assert found is not None and found.code == "SIGNATURE_INVALID" and found.severity is Severity.REJECT


def test_changed_metadata_is_invalid():
    other_unit = build_payload({**META, "unit": "另一单位"}, [("绩效自评表", {"A1": "产出指标", "D5": Decimal("95"), "F5": 10})])
    assert verify(other_unit, SIGNATURE, KEYS).status is SignatureStatus.INVALID


@pytest.mark.parametrize("missing", [None, "", "   "])
def test_missing(missing):
    result = verify(PAYLOAD, missing, KEYS)
    assert result.status is SignatureStatus.MISSING
    assert result.finding().code == "SIGNATURE_MISSING"


@pytest.mark.parametrize(
    "text",
    [
        "garbage",
        f"perfeval-sig-v2;{PAIR.key_id};{SIGNATURE.value}",
        f"perfeval-sig-v1;ed25519:XYZ;{SIGNATURE.value}",
        f"perfeval-sig-v1;{PAIR.key_id};{SIGNATURE.value[:-4]}",
        f"perfeval-sig-v1;{PAIR.key_id};{SIGNATURE.value};extra",
        f"perfeval-sig-v1;{PAIR.key_id};{SIGNATURE.value[:-3]}!==",
    ],
    ids=["garbage", "algorithm", "key-id", "short", "extra-field", "bad-char"],
)
def test_malformed(text):
    result = verify(PAYLOAD, text, KEYS)
    assert result.status is SignatureStatus.MALFORMED
    assert result.detail
    assert result.finding().code == "SIGNATURE_MALFORMED"


def test_non_canonical_base64_is_malformed():
    # The last base64 char carries 2 unused bits; setting them decodes to the same bytes.
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    last = SIGNATURE.value[-3]
    sloppy = SIGNATURE.value[:-3] + alphabet[alphabet.index(last) | 1] + "=="
    if sloppy == SIGNATURE.value:
        sloppy = SIGNATURE.value[:-3] + alphabet[alphabet.index(last) | 2] + "=="
    assert base64.b64decode(sloppy) == SIGNATURE.raw()
    with pytest.raises(SignatureFormatError, match="value"):
        Signature.from_text(f"perfeval-sig-v1;{PAIR.key_id};{sloppy}")


def test_unknown_key():
    other = KeyPair.from_private_key("2024-02", Ed25519PrivateKey.from_private_bytes(bytes(32)))
    result = verify(PAYLOAD, sign(PAYLOAD, other.private_key, other.key_id), KEYS)
    assert result.status is SignatureStatus.UNKNOWN_KEY and result.key_id == other.key_id
    assert other.key_id in result.finding().message("zh")


def test_key_id_pointing_at_another_loaded_key_is_invalid():
    other = KeyPair.from_private_key("2024-02", Ed25519PrivateKey.from_private_bytes(bytes(32)))
    relabelled = Signature(key_id=other.key_id, value=SIGNATURE.value)
    result = verify(PAYLOAD, relabelled, {**KEYS, other.key_id: other.public_key})
    assert result.status is SignatureStatus.INVALID


def test_sign_refuses_a_wrong_key_id():
    with pytest.raises(ValueError, match="does not belong"):
        sign(PAYLOAD, PAIR.private_key, "ed25519:0000000000000000")


@given(st.integers(min_value=0, max_value=63), st.integers(min_value=1, max_value=255))
def test_any_byte_tampered_in_the_signature_is_invalid(index, flip):
    raw = bytearray(SIGNATURE.raw())
    raw[index] ^= flip
    tampered = Signature(key_id=PAIR.key_id, value=base64.b64encode(bytes(raw)).decode())
    assert verify(PAYLOAD, tampered, KEYS).status is SignatureStatus.INVALID


@given(st.integers(min_value=0), st.characters(codec="ascii", categories=["L", "N"]))
def test_any_character_edited_in_the_stored_text_is_never_valid(position, char):
    text = SIGNATURE.to_text()
    index = position % len(text)
    edited = text[:index] + char + text[index + 1 :]
    result = verify(PAYLOAD, edited, KEYS)
    assert result.ok == (edited == text)
