"""Codes raised while checking a returned workbook after the gate let it in.

Layers: "structure" (is this one of our forms, of a version we accept, with its sheets,
names and fixed labels in place), "values" (what the unit typed, beyond the engine's own
value checks), "recompute" (the workbook's cached results against the engine's) and
"checks" (the check machinery itself). Severities follow REFERENCE §4: a file we cannot
read through its layout is rejected; wrong inputs and wrong cached results are errors.
"""

from perfeval_xl.findings.catalogue import entries
from perfeval_xl.findings.model import Severity as S

_RESEND_ZH = "请使用财政部门下发的原始表格填报，在 Excel 或 WPS 中直接保存后重新报送。"
_RESEND_EN = "Fill in the form exactly as issued by the finance bureau, save it in Excel or WPS and send it again."
_INTERNAL_ZH = "这不是报送单位的问题：请财政部门保留该文件并联系技术支持。"
_INTERNAL_EN = "This is not the unit's fault: the bureau should keep the file and contact support."

_STRUCTURE = entries("structure", [
    ("FORM_NOT_OURS", S.REJECT,
     "该文件是 Excel 工作簿，但不是财政部门下发的绩效自评表（找不到表格标识）。",
     "The file is an Excel workbook but not a self-evaluation form issued by the bureau (no form marker found).",
     _RESEND_ZH, _RESEND_EN),
    ("FORM_META_MISSING", S.REJECT,
     "表格的隐藏标识页“{sheet}”已被删除或改名，无法确认表格版本和项目。",
     "The form's hidden marker sheet '{sheet}' was deleted or renamed; its version and project cannot be told.",
     "可能是把表格内容复制到了新的工作簿。" + _RESEND_ZH,
     "The content was probably copied into a new workbook. " + _RESEND_EN),
    ("FORM_VERSION_UNKNOWN", S.REJECT,
     "表格版本“{version}”不是本系统可以接收的版本（可接收：{accepted}）。",
     "Form version '{version}' is not one this system accepts (accepted: {accepted}).",
     "请向财政部门索取本批次的表格重新填报。", "Ask the bureau for this batch's form and fill it in again."),
    ("FORM_DEFINITION_UNREADABLE", S.REJECT,
     "表格内部记录的项目定义缺失或已损坏（{detail}），表格结构异常。",
     "The project definition recorded inside the form is missing or damaged ({detail}); the structure is abnormal.",
     _RESEND_ZH, _RESEND_EN),
    ("FORM_UNREADABLE", S.REJECT,
     "无法读取工作簿的单元格内容（{detail}），表格结构异常。",
     "The workbook's cell contents cannot be read ({detail}); the structure is abnormal.",
     _RESEND_ZH, _RESEND_EN),
    ("SHEET_MISSING", S.REJECT,
     "缺少工作表“{sheet}”（可能被删除或改名）。",
     "Sheet '{sheet}' is missing (deleted or renamed?).",
     "请不要删除或改名工作表。" + _RESEND_ZH, "Do not delete or rename sheets. " + _RESEND_EN),
    ("LABEL_MISSING", S.REJECT,
     "工作表“{sheet}”有 {count} 处固定文字缺失（{cells}），表格的行或列可能被删除、插入或移动。",
     "{count} fixed labels of sheet '{sheet}' are missing ({cells}); rows or columns were probably deleted, "
     "inserted or moved.",
     "表格的行列位置不能改动。" + _RESEND_ZH, "The form's rows and columns must stay where they are. " + _RESEND_EN),
    ("NAME_MISSING", S.ERROR,
     "定义名称“{name}”缺失（应指向 {expected}）。",
     "Defined name '{name}' is missing (it should refer to {expected}).",
     "请不要在“名称管理器”中删除名称；" + _RESEND_ZH, "Do not delete names in the Name Manager. " + _RESEND_EN),
    ("NAME_CHANGED", S.ERROR,
     "定义名称“{name}”指向 {found}，应指向 {expected}。",
     "Defined name '{name}' refers to {found}; it should refer to {expected}.",
     "请不要在“名称管理器”中修改名称；" + _RESEND_ZH, "Do not edit names in the Name Manager. " + _RESEND_EN),
])

_VALUES = entries("values", [
    ("INPUT_FORMULA", S.ERROR,
     "{item}的单元格中录入了公式“{formula}”，填报单元格只能直接录入数值或文字。",
     "The cell for {item_en} holds a formula '{formula}'; input cells take a typed value or text only.",
     "请删除公式，直接输入数值或文字后保存。", "Delete the formula, type the value itself and save."),
    ("OUTSIDE_FORM_FILLED", S.WARNING,
     "工作表“{sheet}”表格以外有 {count} 个单元格填有内容（{cells}），这些内容不会被读取。",
     "{count} cells outside the form on sheet '{sheet}' hold content ({cells}); it is not read.",
     "请把内容填到表格中对应的浅黄色单元格，并删除表格以外的内容。",
     "Put the content into the matching yellow input cells and delete what is outside the form."),
])

_RECOMPUTE = entries("recompute", [
    ("CACHED_RESULT_MISMATCH", S.ERROR,
     "{item}显示为“{cached}”，按填报数据重新计算应为“{expected}”。",
     "The cell with {item_en} shows '{cached}'; recomputed from the inputs it is '{expected}'.",
     "请不要手工改写计算结果：在 Excel 或 WPS 中打开文件，按 F9 重新计算后保存。",
     "Do not overwrite computed results: open the file in Excel or WPS, press F9 to recalculate and save."),
    ("CACHED_VALUES_ABSENT", S.INFO,
     "工作簿中的公式没有保存计算结果（文件可能由程序写出，而非在电子表格软件中保存），未比对计算结果；得分以重新计算为准。",
     "The workbook's formulas carry no saved results (written by a program rather than saved by a spreadsheet); "
     "nothing was compared, and the recomputed scores stand.",
     "", ""),
])

_CHECKS = entries("checks", [
    ("CHECK_INTERNAL_ERROR", S.ERROR,
     "检查“{check}”内部出错（{detail}）。" + _INTERNAL_ZH,
     "Check '{check}' failed internally ({detail}). " + _INTERNAL_EN,
     "", ""),
    ("INTAKE_INTERNAL_ERROR", S.REJECT,
     "读取该文件时发生内部错误（{detail}），文件未完成检查。",
     "An internal error occurred while reading this file ({detail}); it was not checked.",
     _INTERNAL_ZH, _INTERNAL_EN),
])

ENTRIES = {**_STRUCTURE, **_VALUES, **_RECOMPUTE, **_CHECKS}
