"""Issuing: signed workbooks, the register, and versions of re-issued forms."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml
from openpyxl import load_workbook

from perfeval_xl.integrity.issue import layout_payload, payload_hash, with_meta
from perfeval_xl.integrity.keys import generate_keypair, load_public_keys, write_private_key, write_public_key
from perfeval_xl.integrity.register import default_register_path, read_register
from perfeval_xl.integrity.signing import Signature, SignatureStatus, verify
from perfeval_xl.manifest import read_manifest
from perfeval_xl.writer.generate import generate
from perfeval_xl.writer.workbook import issued_layout

ROOT = Path(__file__).resolve().parents[1]


def _small_manifest(tmp: Path, target: str = "≥98%") -> Path:
    data = yaml.safe_load((ROOT / "samples" / "manifest.yaml").read_text(encoding="utf-8"))
    data["projects"] = [p for p in data["projects"] if p["id"] in ("S000", "S002")]
    data["projects"][1]["indicators"][1]["target_text"] = target
    path = tmp / "manifest.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _keys(tmp: Path) -> tuple[Path, Path]:
    pair = generate_keypair("2024-ZP-SAMPLE")
    private, public = tmp / "keys" / "b.key", tmp / "keys" / "b.pub"
    private.parent.mkdir()
    write_private_key(pair, private, force=True)
    write_public_key(pair, public)
    return private, public


def test_signed_generation_and_idempotent_register(tmp_path: Path) -> None:
    private, public = _keys(tmp_path)
    out = tmp_path / "forms"
    loaded = read_manifest(_small_manifest(tmp_path))
    paths = generate(loaded, out, key_path=private, workers=1)
    register = read_register(default_register_path(out))
    assert [(e.project_id, e.issued_version) for e in register] == [("S000", 1), ("S002", 1)]
    entry = register[1]
    assert entry.key_id is not None and entry.file == paths[1].name
    assert all(f.startswith("=") is False for f in entry.formulas.values())

    wb = load_workbook(paths[1])
    meta = {row[0].value: row[1].value for row in wb["_meta"].iter_rows()}
    assert wb["_meta"].sheet_state == "veryHidden"
    signature = Signature.from_text(meta["signature"])
    # The payload rebuilt from the register's copy of the project verifies against the stored signature.
    layout, digest = issued_layout(entry.batch, entry.project, entry.profile, entry.framework)
    with_meta(layout, key_id=entry.key_id)
    assert payload_hash(layout) == entry.payload_hash != digest  # the key id is part of the payload
    result = verify(layout_payload(layout), signature, load_public_keys(public))
    assert result.status is SignatureStatus.VALID

    before = {p.name: p.read_bytes() for p in paths}
    generate(loaded, out, key_path=private, force=True, workers=2)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert len(read_register(default_register_path(out))) == 2


def test_reissue_with_a_changed_target_gets_a_new_version(tmp_path: Path) -> None:
    out = tmp_path / "forms"
    generate(read_manifest(_small_manifest(tmp_path)), out, workers=1)
    shutil.rmtree(out)
    generate(read_manifest(_small_manifest(tmp_path, target="≥99%")), out, workers=1)
    register = read_register(default_register_path(out))
    assert [(e.project_id, e.issued_version) for e in register] == [("S000", 1), ("S002", 1), ("S002", 2)]
    assert register[1].payload_hash != register[2].payload_hash
    wb = load_workbook(next(out.glob("S002_*.xlsx")))
    meta = {row[0].value: row[1].value for row in wb["_meta"].iter_rows()}
    assert meta["issued_version"] == "2"
