"""Normalised Excel formula text, so a formula re-saved by another spreadsheet compares equal.

Formulas are not signed (spreadsheets re-serialise them); the collector compares each
formula cell's normalised text with the register's. Normal form:

- no leading "=", text NFC-normalised;
- whitespace dropped outside string literals, except a single space where it is
  Excel's intersection operator (between two references, names or parentheses);
- function names, references, defined names, booleans and error literals upper-case;
  `_xlfn.` / `_xlws.` prefixes stripped; TRUE() / FALSE() written as TRUE / FALSE
  (LibreOffice saves the constants as function calls);
- `$` absolute markers kept: they are part of the formula, and LibreOffice keeps them;
- sheet names upper-case (Excel compares them case-insensitively), quoted only when
  needed, quotes inside doubled;
- numbers in plain fixed-point form (1.0 -> 1, .5 -> 0.5, 1E+019 -> 10000000000000000000);
- ";" between arguments becomes ","; inside array constants ({1,2;3,4}) it separates
  rows and is kept;
- string literals kept exactly (with their doubled quotes).

The tokenizer covers the formulas our workbooks use (A1 references, sheet-qualified
and 3-D references, ranges, names, array constants); structured table references,
external workbook references and "@" raise FormulaSyntaxError.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from perfeval_xl.integrity.canonical import CanonicalError, decimal_plain


class FormulaSyntaxError(ValueError):
    """Formula text the tokenizer does not understand."""


class TokenKind(StrEnum):
    STRING = "string"
    NUMBER = "number"
    BOOL = "bool"
    ERROR = "error"
    REF = "ref"
    NAME = "name"
    FUNC = "func"
    OP = "op"
    OPEN = "open"
    CLOSE = "close"
    SEP = "sep"
    ARRAY_OPEN = "array_open"
    ARRAY_CLOSE = "array_close"
    SPACE = "space"


@dataclass(frozen=True)
class Token:
    """One token; for REF and NAME, `text` excludes the sheet prefix and `sheet` holds the unquoted sheet name."""

    kind: TokenKind
    text: str
    sheet: str | None = None


_CELL = r"\$?[A-Za-z]{1,3}\$?[0-9]+"
_REF_BODY = re.compile(
    rf"(?:{_CELL}(?::{_CELL})?|\$?[A-Za-z]{{1,3}}:\$?[A-Za-z]{{1,3}}|\$?[0-9]+:\$?[0-9]+)(?![\w.(])"
)
_NAME = re.compile(r"(?:[^\W\d]|\\)[\w.\\]*")
_QUOTED_SHEET = re.compile(r"'((?:[^']|'')+)'!")
# LibreOffice writes names such as 2024数据 unquoted, so a leading digit is accepted here.
_UNQUOTED_SHEET = re.compile(r"([\w.]+(?::[\w.]+)?)!")
_STRING = re.compile(r'"(?:[^"]|"")*"')
_NUMBER = re.compile(r"(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_ERROR = re.compile(r"#(?:NULL!|DIV/0!|VALUE!|REF!|NAME\?|NUM!|N/A|GETTING_DATA|SPILL!|CALC!)", re.I)
_OPERATOR = re.compile(r"<>|>=|<=|[-+*/^&=<>%:]")
_SPACE = re.compile(r"\s+")
_PUNCTUATION = {
    "(": TokenKind.OPEN,
    ")": TokenKind.CLOSE,
    ",": TokenKind.SEP,
    ";": TokenKind.SEP,
    "{": TokenKind.ARRAY_OPEN,
    "}": TokenKind.ARRAY_CLOSE,
}
_FUNCTION_PREFIXES = re.compile(r"^(?:_XLFN\.|_XLWS\.)+")
_PLAIN_SHEET = re.compile(r"[^\W\d][\w.]*")
_LOOKS_LIKE_REF = re.compile(r"[A-Z]{1,3}[0-9]+|R[0-9]*C?[0-9]*|C[0-9]*|TRUE|FALSE")
_OPERAND_END = {TokenKind.REF, TokenKind.NAME, TokenKind.CLOSE}
_OPERAND_START = {TokenKind.REF, TokenKind.NAME, TokenKind.FUNC, TokenKind.OPEN}


def tokenize(formula: str) -> list[Token]:
    """The tokens of `formula` (with or without its leading "="), whitespace included as SPACE."""
    text = unicodedata.normalize("NFC", formula).lstrip()
    if text.startswith("="):
        text = text[1:]
    tokens: list[Token] = []
    pos = 0
    while pos < len(text):
        token, pos = _next_token(text, pos)
        tokens.append(token)
    return tokens


# Workbooks of one batch repeat the same formulas thousands of times; returned files may
# hold long hostile ones, so only formulas up to this length are remembered.
_CACHED_LENGTH = 1024


def normalise_formula(formula: str) -> str:
    """The normal form of `formula` (see module doc); raises FormulaSyntaxError."""
    if len(formula) <= _CACHED_LENGTH:
        return _normalise_cached(formula)
    return _normalise(formula)


@lru_cache(maxsize=16384)
def _normalise_cached(formula: str) -> str:
    return _normalise(formula)


def _normalise(formula: str) -> str:
    tokens = _booleans_from_calls(tokenize(formula))
    out: list[str] = []
    array_depth = 0
    for index, token in enumerate(tokens):
        if token.kind is TokenKind.SPACE:
            if _is_intersection(tokens, index):
                out.append(" ")
            continue
        if token.kind is TokenKind.ARRAY_OPEN:
            array_depth += 1
        elif token.kind is TokenKind.ARRAY_CLOSE:
            array_depth -= 1
        out.append(_normal_text(token, in_array=array_depth > 0))
    return "".join(out)


def same_formula(expected: str, actual: str) -> bool:
    """Whether `actual` normalises to the same text as `expected`.

    `expected` is our own formula (a syntax error there raises); an `actual` the
    tokenizer cannot read counts as different.
    """
    wanted = normalise_formula(expected)
    try:
        return normalise_formula(actual) == wanted
    except FormulaSyntaxError:
        return False


def _next_token(text: str, pos: int) -> tuple[Token, int]:
    ch = text[pos]
    for pattern, kind in ((_SPACE, TokenKind.SPACE), (_STRING, TokenKind.STRING), (_ERROR, TokenKind.ERROR)):
        match = pattern.match(text, pos)
        if match:
            return Token(kind, match.group()), match.end()
    if ch == '"':
        raise FormulaSyntaxError(f"unterminated string at position {pos}: {text!r}")
    sheet, body_start = _sheet_prefix(text, pos)
    ref = _REF_BODY.match(text, body_start)
    if ref:
        return Token(TokenKind.REF, ref.group(), sheet), ref.end()
    name = _NAME.match(text, body_start)
    if name:
        end = name.end()
        if sheet is None and end < len(text) and text[end] == "(":
            return Token(TokenKind.FUNC, name.group()), end
        kind = TokenKind.BOOL if sheet is None and name.group().upper() in ("TRUE", "FALSE") else TokenKind.NAME
        return Token(kind, name.group(), sheet), end
    if sheet is not None:
        raise FormulaSyntaxError(f"sheet {sheet!r} not followed by a reference at position {body_start}: {text!r}")
    number = _NUMBER.match(text, pos)
    if number:
        return Token(TokenKind.NUMBER, number.group()), number.end()
    operator = _OPERATOR.match(text, pos)
    if operator:
        return Token(TokenKind.OP, operator.group()), operator.end()
    if ch in _PUNCTUATION:
        return Token(_PUNCTUATION[ch], ch), pos + 1
    raise FormulaSyntaxError(f"unexpected {ch!r} at position {pos}: {text!r}")


def _sheet_prefix(text: str, pos: int) -> tuple[str | None, int]:
    """(unquoted sheet name, position after "!") or (None, pos) when no prefix starts at `pos`."""
    quoted = _QUOTED_SHEET.match(text, pos)
    if quoted:
        return quoted.group(1).replace("''", "'"), quoted.end()
    plain = _UNQUOTED_SHEET.match(text, pos)
    if plain:
        return plain.group(1), plain.end()
    return None, pos


def _booleans_from_calls(tokens: list[Token]) -> list[Token]:
    """TRUE() / FALSE() (LibreOffice's form) as the constants TRUE / FALSE."""
    out: list[Token] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.kind is TokenKind.FUNC and token.text.upper() in ("TRUE", "FALSE"):
            open_at = _skip_spaces(tokens, index + 1)
            close_at = _skip_spaces(tokens, open_at + 1)
            if close_at < len(tokens) and tokens[open_at].kind is TokenKind.OPEN and tokens[close_at].kind is TokenKind.CLOSE:
                out.append(Token(TokenKind.BOOL, token.text))
                index = close_at + 1
                continue
        out.append(token)
        index += 1
    return out


def _skip_spaces(tokens: list[Token], index: int) -> int:
    while index < len(tokens) and tokens[index].kind is TokenKind.SPACE:
        index += 1
    return index


def _is_intersection(tokens: list[Token], index: int) -> bool:
    before = tokens[index - 1] if index > 0 else None
    after = tokens[index + 1] if index + 1 < len(tokens) else None
    return (
        before is not None
        and after is not None
        and before.kind in _OPERAND_END
        and after.kind in _OPERAND_START
    )


def _normal_text(token: Token, in_array: bool) -> str:
    kind = token.kind
    if kind is TokenKind.STRING:
        return token.text
    if kind is TokenKind.NUMBER:
        try:
            return decimal_plain(Decimal(token.text))
        except CanonicalError as exc:
            raise FormulaSyntaxError(str(exc)) from None
    if kind is TokenKind.FUNC:
        return _FUNCTION_PREFIXES.sub("", token.text.upper())
    if kind is TokenKind.SEP:
        return token.text if in_array else ","
    if kind in (TokenKind.REF, TokenKind.NAME):
        return _normal_sheet(token.sheet) + token.text.upper()
    if kind in (TokenKind.BOOL, TokenKind.ERROR):
        return token.text.upper()
    return token.text


def _normal_sheet(sheet: str | None) -> str:
    if sheet is None:
        return ""
    name = sheet.upper()
    parts = name.split(":")
    plain = all(_PLAIN_SHEET.fullmatch(p) and not _LOOKS_LIKE_REF.fullmatch(p) for p in parts)
    return f"{name}!" if plain else "'" + name.replace("'", "''") + "'!"
