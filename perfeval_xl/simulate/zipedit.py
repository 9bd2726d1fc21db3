"""Copy a workbook with one of its XML parts rewritten: how the demo (and tests) make
tampered and broken returns the way a unit's hand-edit of the file would."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from pathlib import Path


def rewrite_part(source: Path, target: Path, part: str, edit: Callable[[str], str]) -> None:
    """Write `target` as `source` with `part` (UTF-8 XML) replaced by `edit(text)`.

    Raises ValueError when the edit changes nothing, so a silent no-op tamper cannot pass a test.
    """
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        found = False
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == part:
                found = True
                text = data.decode("utf-8")
                edited = edit(text)
                if edited == text:
                    raise ValueError(f"editing {part} of {source.name} changed nothing")
                data = edited.encode("utf-8")
            zout.writestr(info, data)
    if not found:
        raise ValueError(f"{source.name} has no part {part}")


def sheet_part(source: Path, sheet_name: str) -> str:
    """The zip part of the sheet called `sheet_name` (by workbook.xml and its rels)."""
    with zipfile.ZipFile(source) as z:
        workbook = z.read("xl/workbook.xml").decode("utf-8")
        rels = z.read("xl/_rels/workbook.xml.rels").decode("utf-8")
    match = re.search(r'<sheet name="' + re.escape(sheet_name) + r'"[^>]*r:id="(rId\d+)"', workbook)
    if match is None:
        raise ValueError(f"{source.name} has no sheet {sheet_name}")
    target = re.search(r'Id="' + match.group(1) + r'"[^>]*Target="([^"]+)"', rels) or re.search(
        r'Target="([^"]+)"[^>]*Id="' + match.group(1) + '"', rels)
    if target is None:
        raise ValueError(f"no relationship {match.group(1)} in {source.name}")
    path = target.group(1).lstrip("/")
    return path if path.startswith("xl/") else f"xl/{path}"


def set_cell_value(text: str, ref: str, value: str) -> str:
    """Sheet XML with the <v> of cell `ref` replaced (its formula, if any, kept): a forged cached value."""
    pattern = re.compile(r'(<c r="' + ref + r'"[^>]*>(?:<f>.*?</f>|<f[^>]*/>)?)<v>[^<]*</v>', re.S)
    return pattern.sub(lambda m: m.group(1) + f"<v>{value}</v>", text, count=1)
