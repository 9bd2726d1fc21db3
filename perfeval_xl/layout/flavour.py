"""Formula flavours: how a computed cell is written.

- native (.xlsx): the native formula of `engine.excel`, unchanged.
- xlwings (.xlsm): IFERROR(<UDF call>, <native formula>). The call answers where Python
  and the perfeval_xl UDFs are set up (Windows Excel with xlwings); anywhere else (no
  Python, macros disabled, WPS, Mac, LibreOffice) it fails and the native formula
  computes the same value. xlwings' default wrapper returns error *text* when Python
  fails, which IFERROR does not catch, so numbers are coerced (1*...) and text results
  are accepted only from their allowed values (INDEX/MATCH), turning any text into an
  error that falls back.

The sheet builders ask the flavour whenever they place a computed cell that the engine
scores; nothing rewrites formulas afterwards.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from perfeval_xl.engine.excel import text
from perfeval_xl.engine.profile import ScoringProfile
from perfeval_xl.engine.udf_calls import UdfCalls
from perfeval_xl.layout.builder import SheetBuilder
from perfeval_xl.layout.contract import SheetSpec

CONFIG_SHEET = "xlwings.conf"  # the sheet name xlwings' VBA reads its settings from
UDF_MODULE = "perfeval_xl.udfs"
PROFILE_KEY = "xlwings:profile"
ENGINE_PYTHON = "计算引擎：Python（xlwings）"
ENGINE_NATIVE = "计算引擎：Excel 公式"


@dataclass(frozen=True)
class NativeFlavour:
    """Native formulas only: the output is what it was before flavours existed."""

    name: str = "native"
    suffix: str = ".xlsx"
    macros: bool = False

    def wrap(self, native: str, udf_call: str) -> str:
        return native

    def wrap_choice(self, native: str, udf_call: str, choices: Sequence[str]) -> str:
        return native

    def engine_status(self) -> str | None:
        return None

    def sheets(self, profile: ScoringProfile) -> list[SheetSpec]:
        return []

    def meta_entries(self) -> list[tuple[str, str]]:
        return []


@dataclass(frozen=True)
class XlwingsFlavour:
    """UDF first, native formula as the fallback; a macro-enabled workbook with xlwings' settings sheet."""

    name: str = "xlwings"
    suffix: str = ".xlsm"
    macros: bool = True

    def wrap(self, native: str, udf_call: str) -> str:
        """A number from the UDF, else the native formula."""
        return f"=IFERROR(1*{udf_call},{_body(native)})"

    def wrap_choice(self, native: str, udf_call: str, choices: Sequence[str]) -> str:
        """A text from the UDF when it is one of `choices`, else the native formula."""
        allowed = "{" + ",".join(text(c) for c in choices) + "}"
        return f"=IFERROR(INDEX({allowed},MATCH({udf_call},{allowed},0)),{_body(native)})"

    def engine_status(self) -> str:
        """Which engine computes this workbook: Python when the UDFs answer, else the native formulas."""
        python, native = text(ENGINE_PYTHON), text(ENGINE_NATIVE)
        return f"=IFERROR(IF(1*{UdfCalls.engine()}=1,{python},{native}),{native})"

    def sheets(self, profile: ScoringProfile) -> list[SheetSpec]:
        """xlwings.conf: keys in column A from A1, values in column B (veryHidden, locked)."""
        spec = SheetSpec(CONFIG_SHEET, very_hidden=True)
        sb = SheetBuilder(spec)
        sb.widths(22, 60)
        sb.data(1, 1, "UDF Modules")
        sb.data(1, 2, UDF_MODULE)
        # Not an xlwings setting (xlwings ignores unknown keys): the profile every UDF call gets.
        sb.data(2, 1, "perfeval_xl profile")
        sb.data(2, 2, profile_json(profile), key=PROFILE_KEY)
        return [spec]

    def meta_entries(self) -> list[tuple[str, str]]:
        return [("formulas", self.name)]


def _body(formula: str) -> str:
    return formula[1:] if formula.startswith("=") else formula


def profile_json(profile: ScoringProfile) -> str:
    """The profile as the UDFs read it (every option, so later changes of defaults cannot shift scores)."""
    return profile.model_dump_json(exclude={"name", "description"})


Flavour = NativeFlavour | XlwingsFlavour
NATIVE = NativeFlavour()
XLWINGS = XlwingsFlavour()
FLAVOURS: dict[str, Flavour] = {f.name: f for f in (NATIVE, XLWINGS)}
