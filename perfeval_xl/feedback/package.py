"""Save an openpyxl workbook to bytes that depend only on its content.

openpyxl's save() stamps docProps/core.xml with the current time and its zip entries
with the current time (strings) or a temporary file's time (worksheets). Here every
entry gets one fixed time and core.xml keeps the workbook's own `modified`, so
annotating the same file twice gives the same bytes.
"""

from __future__ import annotations

import io
import os
import zipfile

from openpyxl import Workbook
from openpyxl.writer.excel import ExcelWriter

_FIXED_TIME = (1980, 1, 1, 0, 0, 0)


class _FixedTimeZip(zipfile.ZipFile):
    def writestr(self, zinfo_or_arcname, data, compress_type=None, compresslevel=None):  # type: ignore[no-untyped-def]
        if isinstance(zinfo_or_arcname, str):
            info = zipfile.ZipInfo(zinfo_or_arcname, date_time=_FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            zinfo_or_arcname = info
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None):  # type: ignore[no-untyped-def]
        with open(filename, "rb") as fh:
            self.writestr(arcname or os.path.basename(filename), fh.read())


def workbook_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    archive = _FixedTimeZip(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
    ExcelWriter(workbook, archive).save()  # what openpyxl's save() does, minus the current time
    return buffer.getvalue()
