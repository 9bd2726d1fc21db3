"""Returned workbooks for the check tests: the sample batch's forms filled with inputs,
then changed the way a unit (or its software) would change them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from openpyxl import load_workbook
from openpyxl.workbook import Workbook

from perfeval_xl.api import load_batch
from perfeval_xl.demo import samples_dir
from perfeval_xl.engine.evaluate import evaluate
from perfeval_xl.intake.pipeline import CheckOptions
from perfeval_xl.integrity.keys import KeyPair, generate_keypair
from perfeval_xl.layout.contract import WorkbookLayout
from perfeval_xl.manifest import read_manifest
from perfeval_xl.manifest.build import LoadedManifest
from perfeval_xl.model import Project, ProjectInputs
from perfeval_xl.simulate.zipedit import rewrite_part, sheet_part
from perfeval_xl.writer.workbook import issued_layout, write_project


@dataclass(frozen=True)
class Sample:
    """The bundled sample batch with its inputs and a throwaway signing key."""

    loaded: LoadedManifest
    inputs: dict[str, ProjectInputs]
    keypair: KeyPair

    @classmethod
    def load(cls) -> "Sample":
        folder = samples_dir()
        loaded = read_manifest(folder / "manifest.yaml")
        batch = load_batch(folder / "manifest.yaml", folder / "inputs.yaml")
        return cls(loaded, batch.inputs, generate_keypair(loaded.manifest.batch.batch_id))

    @property
    def options(self) -> CheckOptions:
        """Check options holding the sample batch's public key, as the bureau would pass it."""
        raw = self.keypair.public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)
        return CheckOptions(public_keys={self.keypair.key_id: raw})

    def project(self, project_id: str) -> Project:
        found = self.loaded.manifest.project(project_id)
        assert found is not None, project_id
        return found

    def clean_projects(self) -> list[str]:
        """Projects whose sample inputs give no error: their returns should pass."""
        out = []
        for project in self.loaded.manifest.projects:
            result = evaluate(project, self.inputs.get(project.id), self.loaded.profile)
            if all(f.severity in ("warning", "info") for f in result.findings):
                out.append(project.id)
        return out

    def layout(self, project_id: str) -> WorkbookLayout:
        project = self.project(project_id)
        manifest = self.loaded.manifest
        return issued_layout(manifest.batch, project, self.loaded.profile,
                             self.loaded.frameworks[project.framework], self.keypair)[0]

    def write(self, path: Path, project_id: str, inputs: ProjectInputs | None = None, blank: bool = False) -> Path:
        """The project's signed form, filled with `inputs` (default: the sample's), cached results included."""
        project = self.project(project_id)
        filled = None if blank else inputs or self.inputs.get(project_id)
        write_project(path, self.loaded.manifest.batch, project, self.loaded.profile,
                      self.loaded.frameworks[project.framework], filled, self.keypair)
        return path


def edit_sheet(source: Path, target: Path, sheet: str, edit) -> Path:
    """`target` = `source` with one sheet's XML passed through `edit` (as a hand edit of the file would)."""
    rewrite_part(source, target, sheet_part(source, sheet), edit)
    return target


def set_cached(xml: str, ref: str, value: str) -> str:
    """The cached <v> of formula cell `ref` replaced: a forged result."""
    pattern = re.compile(r'(<c r="' + ref + r'"[^>]*>(?:<f[^>]*>.*?</f>|<f[^>]*/>)?)<v>[^<]*</v>', re.S)
    return pattern.sub(lambda m: m.group(1) + f"<v>{value}</v>", xml, count=1)


def set_formula(xml: str, ref: str, formula: str, value: str) -> str:
    """Cell `ref` (an input) turned into a formula with a cached value, as typing "=..." does."""
    pattern = re.compile(r'<c r="' + ref + r'"([^>]*?)(?:/>|>.*?</c>)', re.S)

    def cell(m: re.Match) -> str:
        attrs = re.sub(r'\s+t="[^"]*"', "", m.group(1))
        return f'<c r="{ref}"{attrs}><f>{formula}</f><v>{value}</v></c>'

    return pattern.sub(cell, xml, count=1)


def resave_with_openpyxl(source: Path, target: Path, change=None) -> Path:
    """Load and save with openpyxl (formulas kept, cached results dropped), changing the workbook first."""
    workbook: Workbook = load_workbook(source)
    if change is not None:
        change(workbook)
    workbook.save(target)
    return target
