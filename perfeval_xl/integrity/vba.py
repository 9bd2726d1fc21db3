"""The VBA project hash the issuance register keeps for a workbook issued as .xlsm.

SHA-256 (hex) over the bytes of the package's VBA project part(s) (`xl/vbaProject.bin`,
matched by name or content type), in part-name order. Issuing hashes the
vbaProject.bin it embeds; the reader hashes what a returned workbook holds, so a
different project (REFERENCE §10: e.g. after xlwings' Import Functions) shows.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable


def vba_project_hash(parts: Iterable[bytes]) -> str:
    """SHA-256 hex of the VBA part bytes, concatenated in the given (part-name) order."""
    digest = hashlib.sha256()
    for data in parts:
        digest.update(data)
    return digest.hexdigest()
