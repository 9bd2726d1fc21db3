"""The whole hostile corpus through the gate, inside the isolation layer.

Every file gets a random name and a random extension (the gate must not care), its
exact expected set of codes from the one table in corpus.py, and must finish well
inside the timeout and the memory limit without hurting the test process.
"""

from __future__ import annotations

import os
import random

from perfeval_xl.findings.catalogue import CATALOGUE
from perfeval_xl.intake.gate import gate_file
from perfeval_xl.intake.isolation import IsolationLimits, run_isolated
from tests.hostile.corpus import CASES, write_corpus
from tests.hostile.workers import gate_with_usage, read_with_calamine

MiB = 1024 * 1024
LIMITS = IsolationLimits(workers=2, timeout_s=10.0, memory_bytes=1024 * MiB)


def test_table_is_large_and_uses_catalogued_codes():
    assert len(CASES) >= 40
    assert len({c.name for c in CASES}) == len(CASES)
    for case in CASES:
        assert case.expect <= set(CATALOGUE), case.name
    gate_codes = {code for code, entry in CATALOGUE.items() if entry.layer == "gate"}
    covered = set().union(*(c.expect for c in CASES))
    # Every gate code but the internal-error one has at least one hostile file.
    assert gate_codes - covered == {"GATE_INTERNAL_ERROR"}


def test_corpus_through_isolated_gate(tmp_path):
    seed = int(os.environ.get("HOSTILE_SEED", random.randrange(1 << 30)))
    paths = write_corpus(tmp_path, seed)
    outcomes = run_isolated(gate_with_usage, list(paths.values()), LIMITS)
    assert [o.path for o in outcomes] == list(paths.values())
    failures = []
    for case, outcome in zip(CASES, outcomes, strict=True):
        assert outcome.ok, f"{case.name}: worker failed: {outcome.findings}"
        result, peak, rlimit = outcome.value
        got = set(result.codes)
        if got != case.expect:
            failures.append(f"{case.name} ({paths[case.name]}): expected {sorted(case.expect)}, got "
                            f"{[(f.code, f.params) for f in result.findings]}")
        expect_reject = any(CATALOGUE[c].severity == "reject" for c in case.expect)
        assert result.accepted is not expect_reject, case.name
        assert outcome.elapsed_s < LIMITS.timeout_s / 4, f"{case.name} took {outcome.elapsed_s:.2f} s"
        assert rlimit == LIMITS.memory_bytes
        assert peak < LIMITS.memory_bytes // 4, f"{case.name}: worker peak RSS {peak}"
    assert not failures, f"seed {seed}:\n" + "\n".join(failures)
    # The parent survived and still works.
    assert gate_file(paths["valid_xlsx"]).accepted


def test_messages_render_in_both_languages(tmp_path):
    paths = write_corpus(tmp_path, 1)
    for case in CASES:
        for found in gate_file(paths[case.name]).findings:
            zh, en = found.message("zh"), found.message("en")
            assert "{" not in zh and "{" not in en, (case.name, zh, en)
            assert zh != en
            if found.code == "GATE_NOT_WORKBOOK":  # the kind is named in Chinese too
                assert any("\u4e00" <= ch <= "\u9fff" for ch in found.params["kind_zh"]), found.params


def test_calamine_abort_on_far_cell_is_contained(tmp_path):
    """The reason for isolation: calamine aborts the process on a far-away cell."""
    paths = write_corpus(tmp_path, 2)
    order = [paths["valid_xlsx"], paths["far_cell_xfd1048576"], paths["valid_xlsx"]]
    outcomes = run_isolated(read_with_calamine, order, LIMITS)
    assert outcomes[0].ok and outcomes[0].value == 29
    assert outcomes[1].findings[0].code == "WORKER_MEMORY"
    assert "memory allocation" in outcomes[1].findings[0].params["detail"]
    assert "SIGABRT" in outcomes[1].findings[0].params["detail"]
    assert outcomes[2].ok and outcomes[2].value == 29
