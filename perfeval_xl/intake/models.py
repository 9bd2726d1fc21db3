"""Boundary models of the intake layer: limits in, gate results out."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from perfeval_xl.findings.model import Finding, Severity

MiB = 1024 * 1024


class FileFormat(StrEnum):
    """What the gate found a file to be, from its bytes (never its extension)."""

    XLSX = "xlsx"
    XLSM = "xlsm"
    XLSB = "xlsb"
    ODS = "ods"
    LEGACY_XLS = "legacy_xls"  # BIFF in OLE2: .xls, or WPS .et
    ENCRYPTED = "encrypted"  # OLE2 with EncryptionInfo + EncryptedPackage (password-protected OOXML)
    OLE_OTHER = "ole_other"  # OLE2 that is no workbook (.doc, .msg, ...) or is damaged
    ZIP_OTHER = "zip_other"  # a zip that is no spreadsheet (.docx, .pptx, plain zip) or is damaged
    CSV = "csv"
    HTML = "html"
    TEXT = "text"  # other text, including XML Spreadsheet 2003
    PDF = "pdf"
    EMPTY = "empty"
    UNKNOWN = "unknown"


class GateLimits(BaseModel):
    """Bounds the gate enforces; each is configurable, defaults suit small forms."""

    model_config = ConfigDict(frozen=True)

    max_file_bytes: int = 64 * MiB  # read whole into memory up to this; larger zips are rejected
    max_total_uncompressed: int = 50 * MiB
    max_ratio: float = 100.0
    ratio_min_size: int = 256 * 1024  # parts smaller than this may compress as well as they like
    max_parts: int = 2000
    max_name_bytes: int = 1024
    max_small_xml_bytes: int = 2 * MiB  # [Content_Types].xml, rels, workbook.xml, custom.xml
    max_rows: int = 200_000
    max_cols: int = 1_000
    max_cells: int = 5_000_000  # area of a sheet's claimed or actual extent
    ole_max_directory_entries: int = 4096


class ZipPart(BaseModel):
    """One zip entry as declared by the central directory (validated by the gate)."""

    model_config = ConfigDict(frozen=True)

    name: str
    size: int
    compressed_size: int
    method: int
    offset: int


class SheetInfo(BaseModel):
    """One sheet of a workbook as workbook.xml and its rels describe it."""

    model_config = ConfigDict(frozen=True)

    name: str
    sheet_id: str = ""
    state: str = "visible"  # visible | hidden | veryHidden
    rel_id: str = ""
    part: str = ""  # zip part name, "" when unresolved
    kind: str = "worksheet"  # worksheet | chartsheet | dialogsheet | macrosheet | other


class GateResult(BaseModel):
    """What the gate says about one file. `accepted` is False for any reject finding."""

    model_config = ConfigDict(frozen=True)

    path: str
    size: int = 0
    format: FileFormat = FileFormat.UNKNOWN
    detail: str = ""  # finer kind: "docx", "et", "xltx", "mhtml", ...
    has_vba: bool = False
    has_xlm_macros: bool = False
    workbook_part: str = ""
    parts: list[ZipPart] = []
    sheets: list[SheetInfo] = []
    findings: list[Finding] = []

    @property
    def accepted(self) -> bool:
        return not any(f.severity is Severity.REJECT for f in self.findings)

    @property
    def codes(self) -> list[str]:
        return [f.code for f in self.findings]
