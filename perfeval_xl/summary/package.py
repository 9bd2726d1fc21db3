"""An in-memory XlsxWriter workbook whose XML parts wait on disk, as UTF-8, until they are zipped.

In memory mode XlsxWriter writes every part into a StringIO and encodes it when it
zips it. The 指标明细 sheet of a 10,000-project batch is 100 million characters; its
Chinese page header makes the whole string two bytes a character, and zipping adds a
copy and the UTF-8 bytes: over 500 MB for one part. Here each part is encoded as it
is written and kept in a temporary file (in memory while small), so only the part
being zipped is held whole; the zip entries (names, times, bytes) stay those of
memory mode. Uses XlsxWriter's packager hook (Workbook._get_packager) and its parts list.
"""

from __future__ import annotations

import io
import tempfile

import xlsxwriter
from xlsxwriter.packager import Packager

_CHUNK = 4096  # writes gathered before they are encoded together
_IN_MEMORY_UP_TO = 1 << 20  # bytes of a part kept in memory before it goes to disk


class _Utf8Part(io.StringIO):
    """A part as UTF-8 bytes. A StringIO only so that XlsxWriter writes into it (it checks the type)."""

    def __init__(self) -> None:
        super().__init__()
        self._file = tempfile.SpooledTemporaryFile(max_size=_IN_MEMORY_UP_TO)
        self._pending: list[str] = []

    def write(self, text: str) -> int:
        self._pending.append(text)
        if len(self._pending) >= _CHUNK:
            self._encode()
        return len(text)

    def getvalue(self) -> bytes:  # type: ignore[override]
        """The part's bytes, once: asked for as the part is zipped, and let go once zipped."""
        self._encode()
        self._file.seek(0)
        value = self._file.read()
        self._file.close()
        return value

    def _encode(self) -> None:
        self._file.write("".join(self._pending).encode("utf-8"))
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
