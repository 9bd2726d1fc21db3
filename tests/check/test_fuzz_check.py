"""Mutated issued forms through `check_file` in supervised workers: any finding may come
out, but never an internal error, a worker failure or an exception.

Two kinds of mutation: well-formed edits of single cells, names and strings (what a
hand edit or another program does, reaching the structure, value and recompute checks)
and raw byte damage (reaching the gate)."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from perfeval_xl.intake.isolation import IsolationLimits
from perfeval_xl.intake.pipeline import check_files
from tests.hostile.builders import build_zip, entries_of
from tests.hostile.test_fuzz import _mutate
from tests.support.returns import Sample

NEVER = {"INTAKE_INTERNAL_ERROR", "CHECK_INTERNAL_ERROR", "GATE_INTERNAL_ERROR", "WORKER_CRASHED",
         "WORKER_TIMEOUT", "WORKER_MEMORY", "WORKER_EXCEPTION"}
CELL = re.compile(r'<c r="([A-Z]+[0-9]+)"([^>]*?)(/>|>.*?</c>)', re.S)
CONTENTS = ['<v>{n}</v>', '<v>-{n}</v>', '<v>1E+308</v>', '<v/>', '<f>1/0</f><v>#DIV/0!</v>',
            '<f>SUM(A1:A3)</f><v>{n}</v>', '<f>{n}*2</f>', '<is><t>文字{n}</t></is>', '<v>99999</v>']
TYPES = ['', ' t="s"', ' t="e"', ' t="str"', ' t="inlineStr"', ' t="b"', ' t="d"']


def _edit_cells(xml: str, rng: random.Random) -> str:
    cells = list(CELL.finditer(xml))
    for match in rng.sample(cells, min(len(cells), rng.randint(1, 6))):
        attrs = re.sub(r'\s+t="[^"]*"', "", match.group(2)) + rng.choice(TYPES)
        body = rng.choice(CONTENTS).format(n=rng.randint(0, 300))
        xml = xml.replace(match.group(0), f'<c r="{match.group(1)}"{attrs}>{body}</c>', 1)
    return xml


def _edit_strings(xml: str, rng: random.Random) -> str:
    texts = list(re.finditer(r"<t[^>]*>([^<]*)</t>", xml))
    for match in rng.sample(texts, min(len(texts), rng.randint(1, 4))):
        xml = xml.replace(match.group(0), f"<t>{rng.choice(['', '=1+1', 'PE-FORM-9', '未完成', 'x' * 500])}</t>", 1)
    return xml


def _edit_names(xml: str, rng: random.Random) -> str:
    return re.sub(r"(<definedName [^>]*>)[^<]*(</definedName>)",
                  lambda m: m.group(1) + rng.choice(["#REF!", "'x'!$A$1", "绩效自评!$Z$99"]) + m.group(2)
                  if rng.random() < 0.3 else m.group(0), xml)


@pytest.mark.parametrize("seed", range(2))
def test_mutated_forms_never_break_the_check(sample: Sample, tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    form = sample.write(tmp_path / "form.xlsx", "P001").read_bytes()
    parts = entries_of(form)
    editors = {name: _edit_cells for name, _ in parts if name.startswith("xl/worksheets/")}
    editors["xl/sharedStrings.xml"] = _edit_strings
    editors["xl/workbook.xml"] = _edit_names
    paths = []
    for i in range(40):
        if i % 5 == 4:
            data = _mutate(form, rng, rng.randint(1, 3))
        else:
            victims = rng.sample(sorted(editors), rng.randint(1, 3))
            data = build_zip([(name, editors[name](body.decode("utf-8"), rng).encode("utf-8")
                               if name in victims else body) for name, body in parts])
        path = tmp_path / f"m{i}.xlsx"
        path.write_bytes(data)
        paths.append(path)
    reports = check_files(paths, isolation=IsolationLimits(workers=2))
    for path, report in zip(paths, reports, strict=True):
        assert not {f.code for f in report.findings} & NEVER, (path, report.findings)
    reached = {f.code for r in reports for f in r.findings}
    assert reached & {"CACHED_RESULT_MISMATCH", "INPUT_FORMULA", "LABEL_MISSING", "NAME_CHANGED"}
