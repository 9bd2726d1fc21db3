"""Classify a file by its first bytes, never by its extension.

Only the head of the file is looked at. Zip and OLE2 containers are examined further
by zipdir/cfb; everything else is named here so the unit can be told what it sent
(a web page, a CSV export, a PDF, ...).
"""

from __future__ import annotations

from dataclasses import dataclass

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
HEAD_BYTES = 8192

# Binary formats a unit might send by mistake; the label goes into the message.
_BINARY_MAGICS: tuple[tuple[bytes, str, str], ...] = (
    (b"%PDF-", "pdf", "PDF"),
    (b"Rar!\x1a\x07", "unknown", "RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "unknown", "7z archive"),
    (b"\x1f\x8b", "unknown", "gzip archive"),
    (b"\x89PNG\r\n\x1a\n", "unknown", "PNG image"),
    (b"\xff\xd8\xff", "unknown", "JPEG image"),
    (b"GIF8", "unknown", "GIF image"),
    (b"MZ", "unknown", "Windows program"),
    (b"\x7fELF", "unknown", "ELF program"),
)


@dataclass(frozen=True)
class Sniffed:
    """kind: empty | ole2 | zip | pdf | html | csv | text | unknown; label names it for people."""

    kind: str
    label: str


def sniff(head: bytes) -> Sniffed:
    """Classify a file from its first bytes (up to HEAD_BYTES)."""
    if not head:
        return Sniffed("empty", "empty file")
    if head.startswith(OLE2_MAGIC):
        return Sniffed("ole2", "OLE2 compound file")
    if head.startswith(ZIP_MAGICS):
        return Sniffed("zip", "zip")
    for magic, kind, label in _BINARY_MAGICS:
        if head.startswith(magic):
            return Sniffed(kind, label)
    if head.count(0) == len(head):
        return Sniffed("unknown", "all zero bytes")
    text = _decode_text(head)
    if text is None:
        return Sniffed("unknown", "unknown binary data")
    return _classify_text(text)


def _decode_text(head: bytes) -> str | None:
    """Decode the head as text if it plausibly is text; None for binary data."""
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if head.startswith(bom):
            return head[len(bom):].decode(codec, errors="ignore")
    if b"\x00" in head:
        return None
    for codec in ("utf-8", "gb18030"):
        try:
            # The head may end inside a multi-byte character: ignore at most the tail.
            return head.decode(codec) if len(head) < HEAD_BYTES else head[:-4].decode(codec)
        except UnicodeDecodeError:
            continue
    return None


def _classify_text(text: str) -> Sniffed:
    control = sum(1 for ch in text if ord(ch) < 32 and ch not in "\r\n\t\f")
    if control > len(text) // 50:
        return Sniffed("unknown", "unknown binary data")
    lowered = text.lstrip().lower()
    if lowered.startswith("mime-version:") or "\nmime-version:" in lowered[:2048]:
        return Sniffed("html", "MHTML web archive")
    if lowered.startswith("{\\rtf"):
        return Sniffed("text", "RTF document")
    head = lowered[:4096]
    if lowered.startswith("<?xml") or lowered.startswith("<"):
        if "urn:schemas-microsoft-com:office:spreadsheet" in head:
            return Sniffed("text", "XML Spreadsheet 2003")
        if "opendocument.spreadsheet" in head:
            return Sniffed("text", "flat OpenDocument spreadsheet (.fods)")
        if "<html" in head or "<!doctype html" in head or "<table" in head:
            return Sniffed("html", "HTML web page")
        return Sniffed("text", "XML text")
    if "<html" in head or "<table" in head:
        return Sniffed("html", "HTML web page")
    if _looks_like_csv(text):
        return Sniffed("csv", "CSV text")
    return Sniffed("text", "plain text")


def _looks_like_csv(text: str) -> bool:
    """Two or more lines with the same separator on each, or one line with several."""
    lines = [line for line in text.splitlines()[:20] if line.strip()]
    if len(lines) > 2:
        lines = lines[:-1]  # the last line may be cut off at the end of the head
    for sep in (",", "\t", ";"):
        counts = [line.count(sep) for line in lines]
        if not counts or min(counts) < 1:
            continue
        if len(lines) >= 2 or counts[0] >= 2:
            return True
    return False
