"""Native-flavour workbooks of the sample batch, fingerprinted part by part.

tests/fixtures/native_golden.json holds the SHA-256 of every zip part of these workbooks
as generated before formula flavours existed (commit 6532771); the xlwings flavour must
leave native output byte for byte as it was. After a deliberate change to the native
layout, regenerate and commit the fixture:

    python -m tests.support.native_golden
"""

from __future__ import annotations

import hashlib
import json
import sys
import tempfile
import zipfile
from pathlib import Path

from perfeval_xl.manifest import read_manifest
from perfeval_xl.manifest.inputs_reader import read_inputs
from perfeval_xl.manifest.library import load_profile
from perfeval_xl.writer.workbook import write_project

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "fixtures" / "native_golden.json"
PROFILES = ("default", "provincial", "no_grading_na")


def fingerprints(folder: Path) -> dict[str, dict[str, str]]:
    """{workbook: {zip part: sha256}} for each sample project, profile, blank and filled."""
    loaded = read_manifest(ROOT / "samples" / "manifest.yaml")
    inputs, _ = read_inputs(ROOT / "samples" / "inputs.yaml", loaded.manifest)
    out: dict[str, dict[str, str]] = {}
    for name in PROFILES:
        profile = load_profile(name)
        for project in loaded.manifest.projects:
            for filled in (False, True):
                book = f"{name}_{project.id}_{'filled' if filled else 'blank'}.xlsx"
                write_project(folder / book, loaded.manifest.batch, project, profile,
                              loaded.frameworks[project.framework], inputs.get(project.id) if filled else None)
                with zipfile.ZipFile(folder / book) as archive:
                    out[book] = {i.filename: hashlib.sha256(archive.read(i)).hexdigest() for i in archive.infolist()}
    return out


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as temp:
        GOLDEN.write_text(json.dumps(fingerprints(Path(temp)), indent=1, sort_keys=True) + "\n", encoding="utf-8")
    sys.stdout.write(f"wrote {GOLDEN}\n")
