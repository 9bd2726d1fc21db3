"""Data model of a batch: manifest (what the bureau issues), inputs (what units fill in), results."""

from perfeval_xl.model.inputs import (
    CompletionAnswer,
    Evaluator,
    FundInput,
    IndicatorInput,
    ProjectInputs,
    StatedFigure,
)
from perfeval_xl.model.project import (
    KIND_LABELS,
    QUANTITATIVE_KINDS,
    Band,
    Batch,
    CompletionItem,
    Contact,
    FundLine,
    Indicator,
    IndicatorGroup,
    IndicatorKind,
    Manifest,
    PerformanceTarget,
    Project,
)
from perfeval_xl.model.results import (
    BudgetFigures,
    EvaluatorSummary,
    FundFigures,
    GroupResult,
    IndicatorResult,
    ProjectResult,
)

__all__ = [
    "KIND_LABELS", "QUANTITATIVE_KINDS", "Band", "Batch", "BudgetFigures", "CompletionAnswer", "CompletionItem",
    "Contact", "Evaluator", "EvaluatorSummary", "FundFigures", "FundInput", "FundLine", "GroupResult", "Indicator",
    "IndicatorGroup", "IndicatorInput", "IndicatorKind", "IndicatorResult", "Manifest", "PerformanceTarget", "Project",
    "ProjectInputs", "ProjectResult", "StatedFigure",
]
