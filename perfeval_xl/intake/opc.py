"""Open Packaging Conventions: content types, relationships and part-name resolution.

Pure functions over parsed XML; reading and size caps are the caller's business.
Relationship types are matched by their last segment so that Transitional and Strict
namespaces both resolve.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from urllib.parse import unquote
from xml.etree.ElementTree import Element

CONTENT_TYPES_PART = "[Content_Types].xml"
PACKAGE_RELS_PART = "_rels/.rels"

# Main-part content type → (format, detail). Formats are FileFormat values.
SPREADSHEET_MAIN_TYPES: dict[str, tuple[str, str]] = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": ("xlsx", "xlsx"),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml": ("xlsx", "xltx"),
    "application/vnd.ms-excel.sheet.macroEnabled.main+xml": ("xlsm", "xlsm"),
    "application/vnd.ms-excel.template.macroEnabled.main+xml": ("xlsm", "xltm"),
    "application/vnd.ms-excel.addin.macroEnabled.main+xml": ("xlsm", "xlam"),
    "application/vnd.ms-excel.sheet.binary.macroEnabled.main": ("xlsb", "xlsb"),
}
OTHER_MAIN_TYPES: dict[str, str] = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": "Word document (docx)",
    "application/vnd.ms-word.document.macroEnabled.main+xml": "Word document (docm)",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml": "Word template (dotx)",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": "PowerPoint (pptx)",
    "application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml": "PowerPoint (pptm)",
    "application/vnd.ms-package.xps-fixeddocumentsequence+xml": "XPS document",
}
VBA_CONTENT_TYPE = "application/vnd.ms-office.vbaProject"
STRICT_SPREADSHEET_NS = "http://purl.oclc.org/ooxml/spreadsheetml/main"

SHEET_REL_KINDS = {
    "worksheet": "worksheet",
    "chartsheet": "chartsheet",
    "dialogsheet": "dialogsheet",
    "xlMacrosheet": "macrosheet",
    "xlIntlMacrosheet": "macrosheet",
}


def local_name(tag: str) -> str:
    """"{namespace}sheet" → "sheet"."""
    return tag.rpartition("}")[2]


def rel_kind(rel_type: str) -> str:
    """".../relationships/worksheet" → "worksheet"."""
    return rel_type.rstrip("/").rpartition("/")[2]


@dataclass(frozen=True)
class ContentTypes:
    defaults: dict[str, str] = field(default_factory=dict)  # extension (lower) → type
    overrides: dict[str, str] = field(default_factory=dict)  # part name (lower, no "/") → type

    def of(self, part: str) -> str | None:
        found = self.overrides.get(part.lower())
        if found is not None:
            return found
        ext = part.rpartition(".")[2].lower() if "." in part.rpartition("/")[2] else ""
        return self.defaults.get(ext)

    def parts_of_type(self, content_type: str) -> list[str]:
        return [name for name, ct in self.overrides.items() if ct == content_type]


def parse_content_types(root: Element) -> ContentTypes:
    defaults: dict[str, str] = {}
    overrides: dict[str, str] = {}
    for child in root:
        kind = local_name(child.tag)
        content_type = (child.get("ContentType") or "").strip()
        if kind == "Default" and child.get("Extension"):
            defaults.setdefault(child.get("Extension", "").lower(), content_type)
        elif kind == "Override" and child.get("PartName"):
            overrides.setdefault(unquote(child.get("PartName", "")).lstrip("/").lower(), content_type)
    return ContentTypes(defaults, overrides)


@dataclass(frozen=True)
class Relationship:
    id: str
    type: str
    target: str
    part: str  # resolved part name; "" when external or pointing outside the package
    external: bool

    @property
    def kind(self) -> str:
        return rel_kind(self.type)


def rels_part_for(part: str) -> str:
    """The relationships part of `part` ("" means the package itself)."""
    if not part:
        return PACKAGE_RELS_PART
    folder, _, name = part.rpartition("/")
    return f"{folder}/_rels/{name}.rels" if folder else f"_rels/{name}.rels"


def resolve_target(source_part: str, target: str) -> str:
    """Resolve a relationship target to a part name; "" if it leaves the package."""
    target = unquote(target.split("#", 1)[0]).replace("\\", "/")
    if not target:
        return ""
    if target.startswith("/"):
        path = target.lstrip("/")
    else:
        path = posixpath.join(posixpath.dirname(source_part), target)
    out: list[str] = []
    for segment in path.split("/"):
        if segment in ("", "."):
            continue
        if segment == "..":
            if not out:
                return ""
            out.pop()
        else:
            out.append(segment)
    return "/".join(out)


def parse_relationships(root: Element, source_part: str) -> list[Relationship]:
    rels: list[Relationship] = []
    for child in root:
        if local_name(child.tag) != "Relationship":
            continue
        target = child.get("Target") or ""
        external = (child.get("TargetMode") or "").lower() == "external"
        part = "" if external else resolve_target(source_part, target)
        rels.append(Relationship(child.get("Id") or "", child.get("Type") or "", target, part, external))
    return rels
