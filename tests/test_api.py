"""The documented Python API: load, score, DataFrames."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from perfeval_xl.api import load_batch
from perfeval_xl.manifest import ManifestError

ROOT = Path(__file__).resolve().parents[1]


def test_load_batch_scores_every_project() -> None:
    batch = load_batch(ROOT / "samples" / "manifest.yaml", ROOT / "samples" / "inputs.yaml")
    assert batch.input_findings == []
    assert batch.results["S000"].total == Decimal("99.50")
    frames = batch.frames()
    assert len(frames.projects) == len(batch.manifest.projects)
    s001 = frames.projects.set_index("project_id").loc["S001"]
    assert s001["total"] == 88.0 and s001["grade"] == "良"
    assert s001["score:项目决策"] == 17.0
    s002 = frames.projects.set_index("project_id").loc["S002"]
    assert s002["score:预算执行率"] == 8.29
    rows = frames.indicators[frames.indicators.project_id == "S002"]
    assert len(rows) == 8 and set(rows.kind) >= {"budget", "positive", "reverse", "qualitative"}
    mismatches = frames.findings[(frames.findings.project_id == "S001")
                                 & (frames.findings.code == "STATED_FIGURE_MISMATCH")]
    assert len(mismatches) == 2
    assert frames.groups[(frames.groups.project_id == "S000") & (frames.groups.level == 1)].score.tolist() == [
        20.0, 24.5, 55.0]


def test_invalid_manifest_raises_with_all_findings() -> None:
    with pytest.raises(ManifestError) as info:
        load_batch(ROOT / "tests" / "fixtures" / "seed002_unsplit.yaml")
    assert [f.code for f in info.value.findings if f.severity == "error"] == ["TARGET_DOUBLE"]
