"""Names of the file kinds a unit may send instead of a workbook, in English and Chinese.

GATE_NOT_WORKBOOK carries both (`kind`, `kind_zh`) so each language's message names
the kind in that language; unknown labels fall back to the English one.
"""

from __future__ import annotations

from perfeval_xl.findings.model import Finding, Location, finding

KIND_ZH = {
    "empty file": "空文件",
    "all zero bytes": "全为零的数据（文件可能已损坏）",
    "unknown binary data": "无法识别的二进制数据",
    "PDF": "PDF 文档",
    "RAR archive": "RAR 压缩包",
    "7z archive": "7z 压缩包",
    "gzip archive": "gzip 压缩包",
    "PNG image": "PNG 图片",
    "JPEG image": "JPEG 图片",
    "GIF image": "GIF 图片",
    "Windows program": "Windows 可执行程序",
    "ELF program": "可执行程序",
    "MHTML web archive": "单个文件网页（MHTML）",
    "RTF document": "RTF 文档",
    "XML Spreadsheet 2003": "XML 电子表格 2003",
    "flat OpenDocument spreadsheet (.fods)": "OpenDocument 平面表格（.fods）",
    "HTML web page": "网页（HTML）",
    "XML text": "XML 文本",
    "CSV text": "CSV 文本",
    "plain text": "纯文本",
    "zip archive": "zip 压缩包",
    "Word document (doc)": "Word 文档（.doc）",
    "PowerPoint (ppt)": "PowerPoint 演示文稿（.ppt）",
    "OLE2 compound file": "其他 Office 复合文档",
    "Word document (docx)": "Word 文档（.docx）",
    "Word document (docm)": "Word 文档（.docm）",
    "Word template (dotx)": "Word 模板（.dotx）",
    "PowerPoint (pptx)": "PowerPoint 演示文稿（.pptx）",
    "PowerPoint (pptm)": "PowerPoint 演示文稿（.pptm）",
    "XPS document": "XPS 文档",
}


def not_workbook(location: Location, label: str) -> Finding:
    """GATE_NOT_WORKBOOK naming what the file is, in both languages."""
    if label.startswith("OpenDocument "):
        zh = f"OpenDocument 文档（{label.removeprefix('OpenDocument ')}）"
    else:
        zh = KIND_ZH.get(label, label)
    return finding("GATE_NOT_WORKBOOK", location, kind=label, kind_zh=zh)
