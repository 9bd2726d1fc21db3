"""Baseline (frozen): a straightforward single-process openpyxl script writing the forms.

    PYTHONPATH=. python bench/baselines/openpyxl_generate.py MANIFEST OUT_DIR [--limit N]

It writes the same cells as `perfeval generate` — every label, locked value, input
cell (unlocked, with its data validation), formula with its cached-value-free text,
merged range, column width, row height, style (font, fill, border, alignment, number
format, roughly), sheet protection and the very-hidden _meta sheet — taking them from
the same layout (`build_layout`), one workbook after another in one process, with
openpyxl, the library most Python users reach for. It does not sign, register,
normalise formulas or prefill cached values: it does less than `generate`.

This is what "2.5× the straightforward script" is measured against. Frozen: keep it
as plain as a bureau's own script would be.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.worksheet.datavalidation import DataValidation

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from perfeval_xl.layout.build import build_layout  # noqa: E402
from perfeval_xl.layout.contract import InputType, Role  # noqa: E402
from perfeval_xl.manifest import load_manifest  # noqa: E402
from perfeval_xl.writer.generate import workbook_name  # noqa: E402
from perfeval_xl.writer.styles import FONT, STYLES  # noqa: E402


def style_objects(name: str) -> dict:
    s = STYLES[name]
    color = str(s.get("font_color", "#000000")).lstrip("#")
    out = {"font": Font(name=FONT, size=s.get("font_size", 10), bold=bool(s.get("bold")),
                        italic=bool(s.get("italic")), color="FF" + color)}
    if "bg_color" in s:
        out["fill"] = PatternFill("solid", fgColor="FF" + str(s["bg_color"]).lstrip("#"))
    if s.get("border"):
        side = Side(style="thin", color="FF808080")
        out["border"] = Border(left=side, right=side, top=side, bottom=side)
    out["alignment"] = Alignment(horizontal=s.get("align"), vertical={"vcenter": "center"}.get(s.get("valign"), s.get("valign")),
                                 wrap_text=bool(s.get("text_wrap")))
    return out


def validation_for(v) -> DataValidation:
    if v.type in (InputType.NUMBER, InputType.PERCENT, InputType.MONEY):
        dv = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0")
    elif v.type is InputType.SCORE:
        dv = DataValidation(type="decimal", operator="between", formula1="0",
                            formula2=v.maximum_cell or str(v.maximum or 0))
    elif v.type is InputType.EVALUATOR_SCORE:
        dv = DataValidation(type="decimal", operator="between", formula1="0", formula2="100")
    elif v.type is InputType.TIER_SCORE:
        dv = DataValidation(type="custom", formula1=v.formula or "TRUE")
    elif v.type is InputType.CHOICE:
        dv = DataValidation(type="list", formula1='"' + ",".join(v.choices) + '"')
    else:
        dv = DataValidation(type="textLength", operator="lessThanOrEqual", formula1=str(v.max_length))
    dv.promptTitle = "填写提示"
    dv.prompt = (v.prompt or "")[:255]
    dv.showInputMessage = True
    dv.showErrorMessage = True
    return dv


def write_one(path: Path, layout, password: str) -> None:
    wb = Workbook()
    wb.remove(wb.active)
    for spec in layout.sheets:
        ws = wb.create_sheet(spec.name)
        for col, width in spec.widths.items():
            letter = ws.cell(row=1, column=col).column_letter
            ws.column_dimensions[letter].width = width
            if col in spec.hidden_columns:
                ws.column_dimensions[letter].hidden = True
        for row, height in spec.heights.items():
            ws.row_dimensions[row].height = height
        for cell in spec.cells:
            target = ws[cell.ref]
            if cell.role is Role.FORMULA:
                target.value = cell.formula
            elif cell.value is not None and cell.value != "":
                value = cell.value
                target.value = float(value) if hasattr(value, "as_tuple") else value
            for attr, obj in style_objects(cell.style).items():
                setattr(target, attr, obj)
            if cell.number_format:
                target.number_format = cell.number_format
            if cell.role is Role.INPUT:
                target.protection = Protection(locked=False)
                if cell.validation is not None:
                    dv = validation_for(cell.validation)
                    ws.add_data_validation(dv)
                    dv.add(cell.ref)
            if cell.merge_to:
                ws.merge_cells(f"{cell.ref}:{cell.merge_to}")
        if spec.freeze:
            ws.freeze_panes = spec.freeze
        if spec.protect:
            ws.protection.sheet = True
            ws.protection.password = password
        if spec.very_hidden:
            ws.sheet_state = "veryHidden"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.orientation = "landscape" if spec.print.landscape else "portrait"
    # (custom document properties are left out: the very-hidden _meta sheet carries the same facts)
    wb.security.lockStructure = True
    wb.save(path)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("manifest", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--limit", type=int, default=None)
    args = parser.parse_args()
    loaded = load_manifest(args.manifest)
    args.out.mkdir(parents=True, exist_ok=True)
    projects = loaded.manifest.projects[: args.limit]
    start = time.perf_counter()
    for project in projects:
        layout = build_layout(loaded.manifest.batch, project, loaded.profile, loaded.frameworks[project.framework])
        write_one(args.out / workbook_name(project), layout, loaded.manifest.batch.protection_password)
    elapsed = time.perf_counter() - start
    print(f"{len(projects)} workbooks in {elapsed:.1f} s ({len(projects) / elapsed:.1f}/s)")


if __name__ == "__main__":
    main()
