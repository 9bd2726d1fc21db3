"""The collector's light read of a manifest: the batch and the projects expected back."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from perfeval_xl.demo import samples_dir
from perfeval_xl.manifest import ManifestError, load_manifest
from perfeval_xl.manifest.roster import load_roster


def test_the_roster_lists_what_the_full_manifest_lists() -> None:
    path = samples_dir() / "manifest.yaml"
    full = load_manifest(path).manifest
    roster = load_roster(path)
    assert full is not None and roster.batch == full.batch
    assert [(p.id, p.name, p.unit, p.department) for p in roster.projects] == \
        [(p.id, p.name, p.unit, p.department) for p in full.projects]


def test_a_duplicated_project_id_is_an_error(tmp_path: Path) -> None:
    data = yaml.safe_load((samples_dir() / "manifest.yaml").read_text(encoding="utf-8"))
    data["projects"][1]["id"] = data["projects"][0]["id"]
    broken = tmp_path / "manifest.yaml"
    broken.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ManifestError) as caught:
        load_roster(broken)
    assert [f.code for f in caught.value.findings] == ["DUPLICATE_ID"]


def test_a_project_without_a_unit_is_an_error(tmp_path: Path) -> None:
    data = yaml.safe_load((samples_dir() / "manifest.yaml").read_text(encoding="utf-8"))
    del data["projects"][2]["unit"]
    broken = tmp_path / "manifest.yaml"
    broken.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ManifestError) as caught:
        load_roster(broken)
    assert {f.code for f in caught.value.findings} == {"MANIFEST_FIELD_MISSING"}
