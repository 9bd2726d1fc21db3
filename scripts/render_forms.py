"""Render sample forms as PNG images for the README (docs/images/).

Writes the sample batch (samples/manifest.yaml) filled in with samples/inputs.yaml,
prints every workbook to PDF with LibreOffice (a forced recalculation first), and
turns the first page of chosen sheets into PNGs with pdftoppm. Needs LibreOffice,
a CJK font (Debian: fonts-noto-cjk) and poppler-utils.

Usage: python scripts/render_forms.py [--out docs/images] [--resolution 60]

The helpers (write_samples, sheet_pages) are reused by tests/generator/test_print.py.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader

from perfeval_xl.layout.contract import WorkbookLayout
from perfeval_xl.libreoffice import convert_to_pdf
from perfeval_xl.manifest import load_manifest
from perfeval_xl.manifest.inputs_reader import read_inputs
from perfeval_xl.model import Project, ProjectInputs
from perfeval_xl.writer.workbook import issued_layout, write_project

REPO_ROOT = Path(__file__).resolve().parent.parent
SAMPLES = REPO_ROOT / "samples"
DEFAULT_OUT = REPO_ROOT / "docs" / "images"
# (project id, sheet, image name): the national scoring form, a coded 指标体系, the budget table.
IMAGES = (
    ("S002", "绩效自评", "sample-national-scoring.png"),
    ("S000", "指标体系", "sample-framework-scoring.png"),
    ("S002", "预算执行", "sample-budget.png"),
)


@dataclass(frozen=True)
class Sample:
    path: Path
    layout: WorkbookLayout
    project: Project
    inputs: ProjectInputs | None


SEEDS = ("S000", "S001", "S002")  # one of each framework's look: decision table and national form


def write_samples(folder: Path) -> dict[str, Sample]:
    """The seed projects' workbooks as units return them, by project id."""
    loaded = load_manifest(SAMPLES / "manifest.yaml")
    manifest = loaded.manifest
    inputs, _ = read_inputs(SAMPLES / "inputs.yaml", manifest)
    out = {}
    for project in (p for p in manifest.projects if p.id in SEEDS):
        path = folder / f"{project.id}.xlsx"
        framework = loaded.frameworks[project.framework]
        write_project(path, manifest.batch, project, loaded.profile, framework, inputs.get(project.id))
        layout = issued_layout(manifest.batch, project, loaded.profile, framework)[0]
        out[project.id] = Sample(path, layout, project, inputs.get(project.id))
    return out


def sheet_pages(reader: PdfReader, sheets: list[str]) -> dict[str, list[int]]:
    """Sheet name → 0-based PDF pages, read from the page header (project name left, sheet right)."""
    by_length = sorted(sheets, key=len, reverse=True)
    out: dict[str, list[int]] = {name: [] for name in sheets}
    for index, page in enumerate(reader.pages):
        header = (page.extract_text() or "").strip().splitlines()[0]
        name = next((s for s in by_length if header.endswith(s)), None)
        if name is None:
            raise ValueError(f"page {index + 1} has no sheet name in its header: {header!r}")
        out[name].append(index)
    return out


def render_page(pdf: Path, page: int, png: Path, resolution: int) -> None:
    """One PDF page (0-based) as a PNG via pdftoppm."""
    stem = png.with_suffix("")
    subprocess.run(["pdftoppm", "-r", str(resolution), "-f", str(page + 1), "-l", str(page + 1), "-png",
                    "-singlefile", str(pdf), str(stem)], check=True, capture_output=True, timeout=120)


def render(out: Path, resolution: int) -> list[Path]:
    if shutil.which("pdftoppm") is None:
        raise SystemExit("pdftoppm not found: install poppler-utils")
    out.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory(prefix="perfeval-render-") as tmp:
        books = write_samples(Path(tmp))
        pdfs = dict(zip(books, convert_to_pdf([b.path for b in books.values()], Path(tmp) / "pdf")))
        for project_id, sheet, image in IMAGES:
            layout = books[project_id].layout
            pages = sheet_pages(PdfReader(pdfs[project_id]), [s.name for s in layout.sheets if not s.very_hidden])
            render_page(pdfs[project_id], pages[sheet][0], out / image, resolution)
            written.append(out / image)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--resolution", type=int, default=60, help="dots per inch (default 60: small files)")
    args = parser.parse_args(argv)
    for path in render(args.out, args.resolution):
        print(f"{path}  {path.stat().st_size // 1024} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
