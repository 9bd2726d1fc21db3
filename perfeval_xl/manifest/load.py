"""Entry points: read any manifest file and validate it; load only what is wholly valid."""

from __future__ import annotations

from pathlib import Path

from perfeval_xl.findings import Finding, Location, Severity, finding
from perfeval_xl.manifest.build import LoadedManifest, build_manifest
from perfeval_xl.manifest.raw import RawManifest
from perfeval_xl.manifest.text_reader import read_text_manifest


EXCEL_SUFFIXES = (".xlsx", ".xlsm")


class ManifestError(Exception):
    """The manifest has errors; nothing half-valid is loaded. `findings` lists them all."""

    def __init__(self, findings: list[Finding]) -> None:
        self.findings = findings
        worst = [f for f in findings if f.severity in (Severity.REJECT, Severity.ERROR)]
        super().__init__(f"manifest has {len(worst)} error(s); first: {worst[0].message('en') if worst else ''}")


def read_raw_manifest(path: Path, tables: frozenset[str] | None = None) -> RawManifest:
    """The file's rows as written, before validation (Excel by suffix, else YAML/JSON).

    `tables`: keep only these tables' rows besides the batch (YAML/JSON; an Excel
    manifest is read whole)."""
    if not path.is_file():
        raw = RawManifest(source=str(path))
        raw.findings.append(finding("MANIFEST_UNREADABLE", Location(file=str(path)), detail="文件不存在"))
        return raw
    if path.suffix.lower() in EXCEL_SUFFIXES:
        from perfeval_xl.manifest.excel_reader import read_excel_manifest

        return read_excel_manifest(path)
    return read_text_manifest(path, tables)


def read_manifest(path: str | Path) -> LoadedManifest:
    """Read and validate; always returns, with every finding (for `validate-manifest`)."""
    return build_manifest(read_raw_manifest(Path(path)))


def load_manifest(path: str | Path) -> LoadedManifest:
    """Read and validate; raise ManifestError unless the manifest is wholly valid."""
    loaded = read_manifest(path)
    if not loaded.ok:
        raise ManifestError(loaded.findings)
    return loaded
