"""Plant deliberately wrong cached results in formula cells ("sentinels").

openpyxl writes formula cells without cached results, and LibreOffice computes a
formula that has no cached result even without a forced recalculation. To prove
that an oracle really recalculated, a test stores a wrong cached value in the
sheet XML and checks that the value read afterwards is the computed one.

The file is edited at the XML level, byte for byte elsewhere, so it works on any
workbook our writer produces (the generator parity test reuses it).
"""

from __future__ import annotations

import os
import re
import tempfile
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from xml.sax.saxutils import escape

CachedValue = float | int | str | bool

_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_CELL_REF = re.compile(r"[A-Z]{1,3}[1-9][0-9]{0,6}")
_FORMULA = re.compile(r"<f\b[^>]*/>|<f\b[^>]*>.*?</f>", re.DOTALL)
_VALUE = re.compile(r"<v\s*/>|<v\b[^>]*>.*?</v>", re.DOTALL)
_TYPE_ATTR = re.compile(r'\s+t="[^"]*"')
_FULL_CALC = re.compile(r'\s+fullCalcOnLoad="[^"]*"')


def set_cached_values(path: str | os.PathLike[str], sheet: str, values: Mapping[str, CachedValue]) -> None:
    """Overwrite the cached results of formula cells in `sheet` (refs like "B3"), in place.

    Also drops the workbook's fullCalcOnLoad flag, so the file looks as Excel saves
    it and only a forced recalculation can replace the planted values.
    Raises ValueError when a ref is not a formula cell of that sheet.
    """
    source = Path(path)
    with zipfile.ZipFile(source) as archive:
        part = _sheet_part(archive, sheet)
        entries = [(info, archive.read(info)) for info in archive.infolist()]
    rewritten = []
    for info, data in entries:
        if info.filename == part:
            data = _plant(data.decode("utf-8"), sheet, values).encode("utf-8")
        elif info.filename == "xl/workbook.xml":
            data = _FULL_CALC.sub("", data.decode("utf-8")).encode("utf-8")
        rewritten.append((info, data))
    # Write beside the original and rename, so a failure never leaves a torn file.
    handle, temp_name = tempfile.mkstemp(dir=source.parent, suffix=source.suffix)
    os.close(handle)
    try:
        with zipfile.ZipFile(temp_name, "w") as archive:
            for info, data in rewritten:
                archive.writestr(info, data)
        os.replace(temp_name, source)
    except BaseException:
        os.unlink(temp_name)
        raise


def _sheet_part(archive: zipfile.ZipFile, sheet: str) -> str:
    """Zip member name of the worksheet called `sheet`, via workbook.xml and its rels."""
    workbook = ET.fromstring(archive.read("xl/workbook.xml"))
    rel_id = None
    for element in workbook.iter(f"{{{_MAIN_NS}}}sheet"):
        if element.get("name") == sheet:
            rel_id = element.get(f"{{{_REL_NS}}}id")
    if rel_id is None:
        raise ValueError(f"no sheet named {sheet!r}")
    rels = ET.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    for rel in rels.iter(f"{{{_PKG_REL_NS}}}Relationship"):
        if rel.get("Id") == rel_id:
            target = rel.get("Target", "")
            if target.startswith("/"):
                return target.lstrip("/")
            return str(PurePosixPath("xl") / target)
    raise ValueError(f"sheet {sheet!r} has no relationship {rel_id!r}")


def _plant(xml: str, sheet: str, values: Mapping[str, CachedValue]) -> str:
    for ref, value in values.items():
        if not _CELL_REF.fullmatch(ref):
            raise ValueError(f"not a cell reference: {ref!r}")
        cell = re.compile(rf'<c r="{ref}"(?P<attrs>[^>]*?)(?:/>|>(?P<body>.*?)</c>)', re.DOTALL)
        match = cell.search(xml)
        body = (match.group("body") or "") if match else ""
        formula = _FORMULA.search(body)
        if match is None or formula is None:
            raise ValueError(f"{sheet}!{ref} is not a formula cell")
        type_attr, text = _encode(value)
        attrs = _TYPE_ATTR.sub("", match.group("attrs")) + type_attr
        # Element order inside <c> is f, v, is, extLst: the value goes right after the formula.
        rest = _VALUE.sub("", body[formula.end() :])
        new_cell = f'<c r="{ref}"{attrs}>{formula.group(0)}<v>{text}</v>{rest}</c>'
        xml = xml[: match.start()] + new_cell + xml[match.end() :]
    return xml


def _encode(value: CachedValue) -> tuple[str, str]:
    """The cell's t attribute and <v> text for a cached value of this Python type."""
    if isinstance(value, bool):
        return ' t="b"', "1" if value else "0"
    if isinstance(value, (int, float)):
        return "", repr(value)
    return ' t="str"', escape(value)
