"""The generated VBA module macros/xlwings_udfs.bas: current, one wrapper of matching name and arity
per UDF, CVErr on every error path, and a file the VBA editor can import on any PC (ASCII, CRLF)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from perfeval_xl import udfs
from perfeval_xl.cli import app
from perfeval_xl.resources import macros_dir
from perfeval_xl.udf.spec import ArgSpec, UdfSpec, udf_specs
from perfeval_xl.udf.vba import render_bas

BAS = macros_dir() / "xlwings_udfs.bas"
SPECS = udf_specs(udfs)
FUNCTION_RE = re.compile(r"^Function (\w+)\((.*)\)$")
HEX_RE = re.compile(r'^    (d|c|a\(\d+\)) = (?:\1 & )?"([0-9A-F]*)"$')


@dataclass
class VbaFunction:
    name: str
    params: list[tuple[str, bool]]  # (name, optional)
    body: list[str]


def parse_functions(source: str) -> dict[str, VbaFunction]:
    functions: dict[str, VbaFunction] = {}
    current: VbaFunction | None = None
    for line in source.split("\r\n"):
        match = FUNCTION_RE.match(line)
        if match:
            params = [p.strip() for p in match.group(2).split(",") if p.strip()]
            current = VbaFunction(match.group(1), [(p.removeprefix("Optional "), p.startswith("Optional "))
                                                   for p in params], [])
        elif line == "End Function" and current is not None:
            functions[current.name] = current
            current = None
        elif current is not None:
            current.body.append(line.strip())
    return functions


@pytest.fixture(scope="module")
def source() -> str:
    return BAS.read_bytes().decode("ascii")


def test_committed_module_is_current() -> None:
    assert BAS.read_bytes() == render_bas(SPECS), "run: perfeval xlwings vba macros/xlwings_udfs.bas"


def test_importable_on_any_pc(source: str) -> None:
    assert source.startswith('Attribute VB_Name = "xlwings_udfs"\r\n')
    assert "\n" not in source.replace("\r\n", "")  # CRLF only
    assert max(len(line) for line in source.split("\r\n")) < 1023  # VBA's line limit


def test_one_wrapper_of_matching_name_and_arity_per_udf(source: str) -> None:
    functions = {name: f for name, f in parse_functions(source).items() if name.startswith("PE_")}
    assert sorted(functions) == sorted(s.name for s in SPECS)
    for spec in SPECS:
        wrapper = functions[spec.name]
        assert wrapper.params == [(a.name, a.optional) for a in spec.args]
        call = f'{spec.name} = XLPy.CallUDF("perfeval_xl.udfs", "{spec.name}", Array({", ".join(a.name for a in spec.args)}), ThisWorkbook, Application.Caller)'
        assert call in wrapper.body


def test_every_error_path_returns_cverr(source: str) -> None:
    for name, wrapper in parse_functions(source).items():
        if not name.startswith("PE_"):
            continue
        body = wrapper.body
        handlers = [line for line in body if line.startswith("On Error")]
        assert handlers == ["On Error GoTo failed"], name
        assert body.index("On Error GoTo failed") < next(i for i, line in enumerate(body) if "XLPy.CallUDF" in line)
        label = body.index("failed:")
        assert body[label + 1:] == [f"{name} = CVErr(xlErrValue)"], name
        assert body[label - 1] == "Exit Function"
        assert "Err.Description" not in "\n".join(body)
        results = [line for line in body if line.startswith(f"{name} = ")]
        assert len(results) == 2  # the call, and CVErr on the error path


def test_wizard_texts_decode_to_the_declared_docs(source: str) -> None:
    """Emulates the module's U(): hexadecimal UTF-16 code units back to text."""
    registered: dict[str, dict[str, str]] = {}
    current: dict[str, str] = {}
    for line in source.split("\r\n"):
        if line.startswith("Private Sub RegisterPE_"):
            current = registered.setdefault(line.removeprefix("Private Sub Register").removesuffix("()"), {})
        match = HEX_RE.match(line)
        if match:
            current[match.group(1)] = current.get(match.group(1), "") + match.group(2)
    for spec in SPECS:
        texts = {key: bytes.fromhex(digits).decode("utf-16-be") for key, digits in registered[spec.name].items()}
        assert texts["d"] == spec.description[:255]
        assert texts["c"] == "绩效自评"
        assert [texts[f"a({i})"] for i in range(len(spec.args))] == [a.doc for a in spec.args]
        assert f"    Register{spec.name}" in source.split("Public Sub PerfevalRegisterFunctions()")[1]


def test_reserved_words_are_refused() -> None:
    spec = UdfSpec("PE_X", "说明", (ArgSpec("variant", "方式", False, False),), False)
    with pytest.raises(ValueError, match="reserved word"):
        render_bas([spec])


def test_cli_writes_the_module(tmp_path: Path) -> None:
    out = tmp_path / "sub" / "xlwings_udfs.bas"
    result = CliRunner().invoke(app, ["xlwings", "vba", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == BAS.read_bytes()
    assert f"{len(SPECS)} 个函数" in result.output
