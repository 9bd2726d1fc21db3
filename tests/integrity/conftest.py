"""Issued batches shared by the tamper matrix and the false-positive suite (one set per test worker)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from perfeval_xl.integrity.keys import generate_keypair
from tests.integrity.forms import BATCH_ID, Issued, issue


@dataclass(frozen=True)
class Batches:
    signed: Issued  # S002 and S000, signed with the batch key
    foreign: Issued  # S002, same batch, signed with another key
    old: Issued  # S002 issued for 2023 in last year's batch, with last year's key
    unsigned: Issued  # S002 of a batch issued without a key


@pytest.fixture(scope="session")
def batches(tmp_path_factory: pytest.TempPathFactory) -> Batches:
    root = tmp_path_factory.mktemp("issued")
    return Batches(
        signed=issue(root / "signed", ("S002", "S000"), generate_keypair(BATCH_ID)),
        foreign=issue(root / "foreign", ("S002",), generate_keypair(BATCH_ID)),
        old=issue(root / "old", ("S002",), generate_keypair("2023-ZP-SAMPLE"), year=2023, batch_id="2023-ZP-SAMPLE"),
        unsigned=issue(root / "unsigned", ("S002",), None),
    )


@pytest.fixture()
def out(tmp_path: Path) -> Path:
    return tmp_path / "returned.xlsx"
