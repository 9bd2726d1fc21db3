"""The pure scoring engine: no I/O, Decimal arithmetic, the single source of truth."""

from perfeval_xl.engine.evaluate import budget_figures, evaluate, evaluate_many, group_paths, resolve_project
from perfeval_xl.engine.numbers import round_half_up, to_decimal
from perfeval_xl.engine.profile import GradeBand, QualitativeTier, ScoringProfile
from perfeval_xl.engine.resolve import ResolvedBand, ResolvedIndicator, resolve
from perfeval_xl.engine.targets import Interval, Operator, ParsedTarget, TargetStatus, parse_deduction, parse_target

__all__ = [
    "GradeBand", "Interval", "Operator", "ParsedTarget", "QualitativeTier", "ResolvedBand", "ResolvedIndicator",
    "ScoringProfile", "TargetStatus", "budget_figures", "evaluate", "evaluate_many", "group_paths", "parse_deduction", "parse_target",
    "resolve", "resolve_project", "round_half_up", "to_decimal",
]
