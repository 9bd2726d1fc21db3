"""Which batch a summary is of, and the grade names of the profile the batch was issued under."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from perfeval_xl.engine.profile import GradeBand, ScoringProfile
from perfeval_xl.model import Batch, Manifest, Project
from perfeval_xl.store import RegisterEntry, StoreError, import_manifest_projects, import_register, open_store
from perfeval_xl.summary.from_store import summary_data_from_store
from perfeval_xl.summary.workbook import summary_bytes
from tests.support.xlsx_read import sheet_rows

PROVINCE = ScoringProfile(name="province", grades=(
    GradeBand(name="优秀", minimum=Decimal(90)), GradeBand(name="良好", minimum=Decimal(75)),
    GradeBand(name="合格", minimum=Decimal(60)), GradeBand(name="不合格", minimum=Decimal(0))))


def _manifest(batch_id: str, year: int, *ids: str) -> Manifest:
    return Manifest(batch=Batch(year=year, batch_id=batch_id, bureau="某县财政局"),
                    projects=tuple(Project(id=i, name=f"项目{i}", unit=f"单位{i}", department="县教育局") for i in ids))


def test_the_batch_must_be_known_and_chosen(empty_store_url: str) -> None:
    with open_store(empty_store_url) as store:
        with pytest.raises(StoreError) as caught:
            summary_data_from_store(store)
        assert caught.value.code == "STORE_NO_BATCH"
        import_manifest_projects(store, _manifest("2023-A", 2023, "P1"))
        assert summary_data_from_store(store).meta.batch_id == "2023-A"  # the only batch
        import_manifest_projects(store, _manifest("2024-A", 2024, "P1", "P2"))
        with pytest.raises(StoreError) as caught:
            summary_data_from_store(store)
        assert caught.value.code == "STORE_BATCH_AMBIGUOUS" and "2023-A、2024-A" in caught.value.message()
        with pytest.raises(StoreError) as caught:
            summary_data_from_store(store, "2025-A")
        assert caught.value.code == "STORE_BATCH_UNKNOWN"
        data = summary_data_from_store(store, "2024-A")
    assert (data.meta.year, list(data.missing["project_id"])) == (2024, ["P1", "P2"])


def test_grades_come_from_the_issued_profile(empty_store_url: str, tmp_path: Path) -> None:
    manifest = _manifest("2024-B", 2024, "P1", "P2")
    with open_store(empty_store_url) as store:
        import_manifest_projects(store, manifest)
        import_register(store, [RegisterEntry(batch_id="2024-B", project_id=p.id, year=2024, issued_version=1,
                                              file_name=f"{p.id}.xlsx", payload_hash=f"hash-{p.id}", key_id="k",
                                              project=p, profile=PROVINCE) for p in manifest.projects])
        data = summary_data_from_store(store)
    assert data.meta.grades == ("优秀", "良好", "合格", "不合格")
    path = tmp_path / "s.xlsx"
    path.write_bytes(summary_bytes(data))
    assert [(r["等级"], r["项目数"]) for r in sheet_rows(path, "等级分布") if r["等级"]] == [
        ("优秀", 0), ("良好", 0), ("合格", 0), ("不合格", 0), ("未评级", 0)]
    assert [r["项目编号"] for r in sheet_rows(path, "未报送清单")] == ["P1", "P2"]
