"""What the sheet builders need to know about one project, computed once."""

from __future__ import annotations

from dataclasses import dataclass

from perfeval_xl.engine.evaluate import resolve_project
from perfeval_xl.engine.excel import ConditionFormulas, FormulaBuilder
from perfeval_xl.engine.profile import ScoringProfile
from perfeval_xl.engine.resolve import ResolvedIndicator
from perfeval_xl.engine.udf_calls import UdfCalls
from perfeval_xl.layout.flavour import NATIVE, Flavour
from perfeval_xl.model import Batch, Project
from perfeval_xl.model.framework import Framework

SHEET_INSTRUCTIONS = "填表说明"
SHEET_INFO = "基本信息"
SHEET_TARGETS = "绩效目标"
SHEET_BUDGET = "预算执行"
SHEET_NATIONAL = "绩效自评"
SHEET_TREE = "指标体系"
SHEET_GOAL = "年度总体目标"
SHEET_COMPLETION = "目标完成清单"
SHEET_EVALUATORS = "评价人员"

FEEDBACK_SHEET = "问题清单"  # added by `perfeval feedback`; accepted back by the integrity check
# How the integrity check knows the feedback sheet is ours: this text in this cell of it.
# Whoever writes the sheet must write the marker; a sheet of that name without it is an added sheet.


@dataclass(frozen=True)
class FormContext:
    batch: Batch
    project: Project
    profile: ScoringProfile
    framework: Framework
    resolved: tuple[ResolvedIndicator, ...]
    formulas: FormulaBuilder
    conditions: ConditionFormulas
    flavour: Flavour  # how computed cells are written (native formulas, or UDF calls with native fallback)
    udf_calls: UdfCalls

    @classmethod
    def create(
        cls, batch: Batch, project: Project, profile: ScoringProfile, framework: Framework, flavour: Flavour = NATIVE
    ) -> "FormContext":
        return cls(
            batch=batch,
            project=project,
            profile=profile,
            framework=framework,
            resolved=tuple(resolve_project(project, profile)),
            formulas=FormulaBuilder(profile),
            conditions=ConditionFormulas(profile),
            flavour=flavour,
            udf_calls=UdfCalls(profile),
        )

    @property
    def scoring_sheet(self) -> str:
        return self.framework.sheet

    @property
    def national(self) -> bool:
        """The national form lists leaves with a subtotal block; other frameworks show the whole tree."""
        return self.framework.sheet == SHEET_NATIONAL

    @property
    def title(self) -> str:
        return f"{self.batch.year}年度"
