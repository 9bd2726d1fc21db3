"""Re-collection: what an unchanged folder, manifest and register cost, and what a change brings back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from perfeval_xl.collect import CollectOptions, collect
from perfeval_xl.collect.run import STORE_CHUNK
from perfeval_xl.store import StoreError, open_store
from perfeval_xl.store.schema import AuditRow, ManifestProjectRow, RunFileRow, RunRow
from tests.collect.conftest import Batch


def _options(batch: Batch, tmp_path: Path, **changes: object) -> CollectOptions:
    values: dict[str, object] = dict(returns=batch.returns, manifest=batch.manifest, register=batch.register,
                                     work=tmp_path / "work", receipts=batch.receipts, workers=2)
    values.update(changes)
    return CollectOptions(**values)  # type: ignore[arg-type]


def _rows(options: CollectOptions, row_class: type) -> list:
    with open_store(options.database, create=False) as store, store.read() as session:
        return list(session.query(row_class))


def test_an_unchanged_run_reads_neither_manifest_nor_register(returned: Batch, tmp_path: Path) -> None:
    options = _options(returned, tmp_path)
    first = collect(options)
    audits = len(_rows(options, AuditRow))
    exports = {p: p.stat().st_mtime_ns for p in first.exports}
    second = collect(options)
    assert second.new == 0 and second.counts == first.counts
    runs = _rows(options, RunRow)
    assert runs[0].args["manifest_sha256"] == runs[1].args["manifest_sha256"] != ""
    assert runs[1].args["batch_id"] == first.batch_id
    assert len(_rows(options, AuditRow)) == audits  # no import touched anything
    assert {p: p.stat().st_mtime_ns for p in second.exports} == exports  # nothing to rewrite
    met = [row for row in _rows(options, RunFileRow) if row.run_id == second.run_id]
    assert len(met) == first.files and {row.action for row in met} == {"known"}


def test_deleted_exports_are_written_again(returned: Batch, tmp_path: Path) -> None:
    options = _options(returned, tmp_path)
    first = collect(options)
    content = {p: p.read_bytes() for p in first.exports}
    first.exports[0].unlink()
    collect(options)
    assert {p: p.read_bytes() for p in first.exports} == content


def test_a_changed_manifest_is_read_again(returned: Batch, tmp_path: Path) -> None:
    options = _options(returned, tmp_path)
    collect(options)
    data = yaml.safe_load(returned.manifest.read_text(encoding="utf-8"))
    renamed = data["projects"][0]
    renamed["name"] = renamed["name"] + "（更名）"
    changed = tmp_path / "manifest.json"
    changed.write_text(json.dumps(data, ensure_ascii=False, default=str), encoding="utf-8")
    collect(_options(returned, tmp_path, manifest=changed))
    names = {row.project_id: row.name for row in _rows(options, ManifestProjectRow)}
    assert names[renamed["id"]] == renamed["name"]


def test_a_register_entry_issued_again_differently_is_refused(returned: Batch, tmp_path: Path) -> None:
    options = _options(returned, tmp_path)
    collect(options)
    lines = returned.register.read_text(encoding="utf-8").splitlines()
    entry = json.loads(lines[0])
    entry["payload_hash"] = "0" * len(entry["payload_hash"])
    forged = tmp_path / "forged.register.jsonl"
    forged.write_text("\n".join([json.dumps(entry, ensure_ascii=False, sort_keys=True), *lines[1:]]) + "\n",
                      encoding="utf-8")
    with pytest.raises(StoreError) as caught:
        collect(_options(returned, tmp_path, register=forged))
    assert caught.value.code == "STORE_REGISTER_CONFLICT"


def test_files_are_stored_a_chunk_per_transaction(returned: Batch, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("perfeval_xl.collect.run.STORE_CHUNK", 4)
    chunked = collect(_options(returned, tmp_path / "chunked"))
    whole = collect(_options(returned, tmp_path / "whole"))
    assert STORE_CHUNK > 4 and chunked.counts == whole.counts
    assert (tmp_path / "chunked" / "work" / "exports" / "results.csv").read_bytes() == \
        (tmp_path / "whole" / "work" / "exports" / "results.csv").read_bytes()


def test_an_invalid_manifest_is_refused_with_its_findings(returned: Batch, tmp_path: Path) -> None:
    from perfeval_xl.collect.run import CollectError

    data = yaml.safe_load(returned.manifest.read_text(encoding="utf-8"))
    data["projects"][1]["id"] = data["projects"][0]["id"]
    broken = tmp_path / "manifest.yaml"
    broken.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(CollectError) as caught:
        collect(_options(returned, tmp_path, manifest=broken))
    assert str(caught.value).startswith("清单有 1 处问题，第一处：") and "S000" in str(caught.value)
    assert "validate-manifest" in str(caught.value)
