"""An indicator framework: the skeleton of a form (first-level categories and their
points, fixed leaves such as the 决策/管理 rows, slots for a project's own indicators)."""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel, ConfigDict

from perfeval_xl.model.project import IndicatorKind


class FrameworkNode(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    code: str | None = None
    id: str | None = None  # leaves only: the indicator id inputs refer to
    weight: Decimal | None = None
    kind: IndicatorKind | None = None  # set on fixed leaves (e.g. budget, direct)
    leaf: bool = False  # a scored row every project of this framework has
    aliases: tuple[str, ...] = ()  # other names seen on provincial forms (成效指标 for 效益指标)
    children: tuple["FrameworkNode", ...] = ()

    def matches(self, name: str) -> bool:
        return name == self.name or name in self.aliases


class MinimumRule(BaseModel):
    """The first-level categories in `groups` must together carry at least `minimum` points."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    groups: tuple[str, ...]
    minimum: Decimal


class Framework(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    name: str
    description: str = ""
    sheet: str  # the scoring sheet: 绩效自评 (national form) or 指标体系 (coded trees)
    total: Decimal = Decimal(100)
    levels: int = 3  # depth of the deepest leaf
    show_codes: bool = False
    default_kind: IndicatorKind | None = None  # for project rows with no kind and no target
    nodes: tuple[FrameworkNode, ...]
    required_dimensions: tuple[str, ...] = ()
    minimums: tuple[MinimumRule, ...] = ()

    def top(self, name: str) -> FrameworkNode | None:
        for node in self.nodes:
            if node.matches(name):
                return node
        return None

    def canonical_path(self, path: tuple[str, ...]) -> tuple[str, ...]:
        """Replace aliases along `path` by the framework's own names."""
        out: list[str] = []
        nodes = self.nodes
        for name in path:
            node = next((n for n in nodes if n.matches(name)), None)
            if node is None:
                out.extend(path[len(out):])
                break
            out.append(node.name)
            nodes = node.children
        return tuple(out)
