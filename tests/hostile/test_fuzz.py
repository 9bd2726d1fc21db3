"""Mutated files: the gate may reject anything, but must never raise or hit an internal error."""

from __future__ import annotations

import random

import pytest

from perfeval_xl.intake.gate import gate_file
from tests.hostile.builders import base_xlsx, build_cfb, build_zip, entries_of

TOKENS = [b"<", b">", b'"', b"r:id=", b"<sheet ", b"Target=", b"..", b"&", b"<!DOCTYPE x>", b'<c r="', b"XFD",
          b"1048576", b":", b"\x00", b"\xff", b"PK\x03\x04", b"PK\x01\x02"]


def _mutate(data: bytes, rng: random.Random, edits: int) -> bytes:
    out = bytearray(data)
    for _ in range(edits):
        at = rng.randrange(len(out) + 1)
        choice = rng.random()
        if choice < 0.4:
            out[at:at + rng.randint(0, 8)] = rng.choice(TOKENS)
        elif choice < 0.7 and out:
            del out[at:at + rng.randint(1, 40)]
        else:
            out[at:at] = rng.randbytes(rng.randint(1, 6))
    return bytes(out)


@pytest.mark.parametrize("seed", range(4))
def test_mutated_files_never_break_the_gate(tmp_path, seed):
    rng = random.Random(seed)
    whole = [base_xlsx(), build_cfb(["Workbook", "EncryptionInfo"])]
    parts = entries_of(base_xlsx())
    path = tmp_path / "mutant"
    for i in range(150):
        if i % 2:
            data = _mutate(rng.choice(whole), rng, rng.randint(1, 6))  # raw bytes: headers, directories
        else:
            victim = rng.randrange(len(parts))  # one part's content, re-zipped validly
            data = build_zip([(n, _mutate(d, rng, 1) if k == victim else d) for k, (n, d) in enumerate(parts)])
        path.write_bytes(data)
        result = gate_file(path)
        assert "GATE_INTERNAL_ERROR" not in result.codes, (seed, i, result.findings)
