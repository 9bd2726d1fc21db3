import datetime as dt
import hashlib
import json
import unicodedata
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from perfeval_xl.integrity.canonical import CanonicalError, canonical_bytes, canonical_hash, decimal_plain


def test_exact_bytes_of_a_mixed_value():
    value = {
        "b": [True, False, None],
        "a": "优",
        "n": {"int": 1, "dec": Decimal("95.00"), "text": "1"},
        "d": dt.date(2024, 1, 31),
        "t": dt.datetime(2024, 1, 31, 8, 30),
    }
    expected = (
        '{"a":"优","b":[true,false,null],"d":{"$date":"2024-01-31"},'
        '"n":{"dec":{"$dec":"95"},"int":{"$int":"1"},"text":"1"},'
        '"t":{"$datetime":"2024-01-31T08:30:00"}}'
    )
    assert canonical_bytes(value) == expected.encode("utf-8")
    assert canonical_hash(value) == hashlib.sha256(expected.encode("utf-8")).hexdigest()


def test_output_is_valid_json_with_the_same_content():
    value = {"x": ["a\n\"b\"\\", "\x01\x7f\u2028"], "y": None}
    text = canonical_bytes(value).decode("utf-8")
    assert json.loads(text) == {"x": ["a\n\"b\"\\", "\x01\x7f\u2028"], "y": None}
    assert text == '{"x":["a\\n\\"b\\"\\\\","\\u0001\x7f\u2028"],"y":null}'


def test_text_int_decimal_and_bool_are_distinct():
    encodings = {canonical_bytes(v) for v in ("1", 1, Decimal("1.5"), Decimal("1"), True)}
    assert len(encodings) == 5
    assert canonical_bytes(True) == b"true"
    assert canonical_bytes(1) == b'{"$int":"1"}'
    assert canonical_bytes("1") == b'"1"'


@pytest.mark.parametrize(
    "text, plain",
    [
        ("95.00", "95"),
        ("95", "95"),
        ("9.5E1", "95"),
        ("1E+2", "100"),
        ("1.5E-3", "0.0015"),
        ("-0.0", "0"),
        ("0E-7", "0"),
        ("-12.340", "-12.34"),
        ("0.1", "0.1"),
        ("123456789012345", "123456789012345"),
        ("1.1754633828966283085986201062E-17", "0.000000000000000011754633828966283085986201062"),
        ("12345678901234567890123456789012.50", "12345678901234567890123456789012.5"),
    ],
)
def test_decimal_plain_form(text, plain):
    assert decimal_plain(Decimal(text)) == plain
    assert canonical_bytes(Decimal(text)) == ('{"$dec":"' + plain + '"}').encode()


@pytest.mark.parametrize(
    "value",
    [
        0.5,
        Decimal("NaN"),
        Decimal("Infinity"),
        Decimal("1E+401"),
        {1: "x"},
        {"$dec": "95"},
        {"\u00e9": 1, "e\u0301": 2},
        "\ud800",
        dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc),
        b"bytes",
        {"set"},
    ],
    ids=["float", "nan", "inf", "huge", "int-key", "reserved-key", "nfc-collision", "surrogate", "aware", "bytes", "set"],
)
def test_rejected_values(value):
    with pytest.raises(CanonicalError):
        canonical_bytes(value)


def test_error_names_the_path():
    with pytest.raises(CanonicalError, match=r"\$\.a\[1\]: float"):
        canonical_bytes({"a": [1, 2.0]})


def test_nested_key_order_is_by_code_point():
    assert canonical_bytes({"b": 1, "B": 1, "预": 1, "a": 1}) == (
        '{"B":{"$int":"1"},"a":{"$int":"1"},"b":{"$int":"1"},"预":{"$int":"1"}}'
    ).encode()


# Property tests -------------------------------------------------------------

_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.decimals(allow_nan=False, allow_infinity=False, min_value=-10**12, max_value=10**12, places=4),
    st.text(max_size=8),
    st.dates(),
)
_keys = st.text(max_size=6).filter(lambda k: not unicodedata.normalize("NFC", k).startswith("$"))
_values = st.recursive(
    _scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(_keys.map(lambda k: unicodedata.normalize("NFC", k)), inner, max_size=4),
    ),
    max_leaves=20,
)


def _reversed_dicts(value):
    if isinstance(value, dict):
        return {k: _reversed_dicts(value[k]) for k in reversed(list(value))}
    if isinstance(value, list):
        return [_reversed_dicts(v) for v in value]
    return value


def _to_nfd(value):
    if isinstance(value, str):
        return unicodedata.normalize("NFD", value)
    if isinstance(value, dict):
        return {unicodedata.normalize("NFD", k): _to_nfd(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_to_nfd(v) for v in value]
    return value


@given(_values)
def test_dict_order_does_not_change_the_bytes(value):
    assert canonical_bytes(_reversed_dicts(value)) == canonical_bytes(value)


@given(_values)
def test_nfd_text_gives_the_same_bytes_as_nfc(value):
    assert canonical_bytes(_to_nfd(value)) == canonical_bytes(value)


@given(_values)
def test_bytes_are_utf8_json(value):
    json.loads(canonical_bytes(value).decode("utf-8"))


@given(st.decimals(allow_nan=False, allow_infinity=False), st.integers(min_value=0, max_value=6))
def test_trailing_zeros_never_change_the_bytes(number, zeros):
    if abs(number.adjusted()) > 400:
        return
    sign, digits, exponent = number.as_tuple()
    padded = Decimal((sign, digits + (0,) * zeros, exponent - zeros))
    assert padded == number
    assert canonical_bytes(padded) == canonical_bytes(number)
    assert Decimal(decimal_plain(number)) == number


@given(st.text(min_size=1, max_size=10), st.text(min_size=1, max_size=10))
def test_different_text_gives_different_bytes(a, b):
    if unicodedata.normalize("NFC", a) != unicodedata.normalize("NFC", b):
        assert canonical_bytes(a) != canonical_bytes(b)


# The exact-type fast paths and the general chain ------------------------------


def _rule_string(text: str) -> str:
    """The string rule as the module docstring states it, character by character."""
    short = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
    return '"' + "".join(short.get(ch) or (f"\\u{ord(ch):04x}" if ch < " " else ch) for ch in text) + '"'


def test_every_bmp_character_is_escaped_by_the_rule():
    for code in range(0x10000):
        ch = chr(code)
        if 0xD800 <= code <= 0xDFFF or unicodedata.normalize("NFC", ch) != ch:
            continue  # lone surrogates are rejected, and the rest normalised first (tested above)
        assert canonical_bytes(ch) == _rule_string(ch).encode("utf-8"), hex(code)
        assert canonical_bytes([ch, "x"]) == ("[" + _rule_string(ch) + ',"x"]').encode("utf-8"), hex(code)


class _Text(str):
    pass


class _Number(int):
    pass


class _Pair(tuple):
    pass


class _Mapping(dict):
    pass


def test_subclasses_take_the_general_path_with_the_same_bytes():
    plain = {"a": ["é", 3, ("x", Decimal("1.50"))], "b": "e\u0301"}
    subclassed = _Mapping({"a": [_Text("e\u0301"), _Number(3), _Pair((_Text("x"), Decimal("1.5")))],
                           "b": _Text("é")})
    assert canonical_bytes(subclassed) == canonical_bytes(plain)
    assert canonical_bytes(_Text("\x01")) == b'"\\u0001"'


def test_list_items_are_normalised_and_checked_like_any_text():
    assert canonical_bytes(["e\u0301", "ascii"]) == canonical_bytes(["é", "ascii"])
    with pytest.raises(CanonicalError, match="lone surrogate"):
        canonical_bytes(["ok", "\ud800"])
    with pytest.raises(CanonicalError, match=r"\$\[1\]\[0\]: non-finite"):
        canonical_bytes(["ok", [Decimal("NaN")]])


def test_address_value_pairs_are_written_whole_with_the_same_bytes_and_errors():
    pairs = [["A1", "e\u0301"], ["B2", Decimal("1.50")], ["C3", 3], ["D4"], ["E5", "x", "y"], [1, "x"]]
    general = [tuple(pair) for pair in pairs]  # tuples take the general path
    assert canonical_bytes(pairs) == canonical_bytes(general)
    assert canonical_bytes([["A1", Decimal("-0.0")]]) == b'[["A1",{"$dec":"0"}]]'
    with pytest.raises(CanonicalError, match=r"\$\[1\]\[1\]: non-finite"):
        canonical_bytes([["A1", "x"], ["B2", Decimal("NaN")]])
    with pytest.raises(CanonicalError, match=r"\$\[0\]\[1\]: Decimal 1E\+999 is outside"):
        canonical_bytes([["A1", Decimal("1E+999")]])
    with pytest.raises(CanonicalError, match="lone surrogate"):
        canonical_bytes([["\ud800", Decimal(1)]])
