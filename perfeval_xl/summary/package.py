"""An in-memory XlsxWriter workbook whose XML parts are held as UTF-8 while they are written.

In memory mode XlsxWriter writes every part into a StringIO and encodes it when it
zips it. The 指标明细 sheet of a 10,000-project batch is 100 million characters; its
Chinese page header makes the whole string two bytes a character, and zipping adds a
copy and the UTF-8 bytes: over 500 MB for one part. Encoding as the part is written
keeps only the UTF-8 bytes, and the zip entries (names, times, bytes) stay the same.
Uses XlsxWriter's packager hook (Workbook._get_packager) and its parts list.
"""

from __future__ import annotations

import io

import xlsxwriter
from xlsxwriter.packager import Packager

_CHUNK = 4096  # writes gathered before they are encoded together


class _Utf8Part(io.StringIO):
    """A part as UTF-8 bytes. A StringIO only so that XlsxWriter writes into it (it checks the type)."""

    def __init__(self) -> None:
        super().__init__()
        self._bytes = io.BytesIO()
        self._pending: list[str] = []

    def write(self, text: str) -> int:
        self._pending.append(text)
        if len(self._pending) >= _CHUNK:
            self._encode()
        return len(text)

    def getvalue(self) -> bytes:  # type: ignore[override]
        """The part's bytes, once: asked for as the part is zipped, and let go once zipped."""
        self._encode()
        value, self._bytes = self._bytes.getvalue(), io.BytesIO()
        return value

    def _encode(self) -> None:
        self._bytes.write("".join(self._pending).encode("utf-8"))
        self._pending.clear()


class _Utf8Packager(Packager):
    def _filename(self, xml_filename: str) -> _Utf8Part:
        part = _Utf8Part()
        self.filenames.append((part, xml_filename, True))  # True: zipped as the bytes getvalue() gives
        return part


class Utf8Workbook(xlsxwriter.Workbook):
    """xlsxwriter.Workbook for in_memory mode only: the same file, a fraction of the memory."""

    def _get_packager(self) -> Packager:
        return _Utf8Packager()
