"""Codes of the check runner itself (not of any one check)."""

from perfeval_xl.findings.catalogue import entries
from perfeval_xl.findings.codes_gate import _INTERNAL_EN, _INTERNAL_ZH
from perfeval_xl.findings.model import Severity as S

ENTRIES = entries("checks", [
    ("CHECK_INTERNAL_ERROR", S.ERROR,
     "检查“{check}”内部出错（{detail}）。" + _INTERNAL_ZH,
     "Check '{check}' failed internally ({detail}). " + _INTERNAL_EN,
     "", ""),
])
