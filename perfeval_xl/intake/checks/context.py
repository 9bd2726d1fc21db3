"""What every check sees, and the guarded runner."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from perfeval_xl.findings import Finding, Location, finding
from perfeval_xl.intake.bind import Bound, Rect, allowed_ranges
from perfeval_xl.intake.reader import WorkbookRead
from perfeval_xl.integrity.issue import signed_cells
from perfeval_xl.integrity.register import RegisterEntry
from perfeval_xl.layout.contract import Cell, SheetSpec, WorkbookLayout
from perfeval_xl.layout.definition import IssuedDefinition
from perfeval_xl.model import ProjectResult

T = TypeVar("T")


@dataclass
class CheckContext:
    read: WorkbookRead
    definition: IssuedDefinition | None = None  # decoded from _meta; None when absent or unreadable
    definition_error: str = ""  # why it could not be decoded (or its layout built)
    bound: Bound | None = None  # None when the workbook could not be read through a layout
    result: ProjectResult | None = None  # the engine's recomputation from the inputs read
    register: RegisterEntry | None = None  # the issued version as the bureau recorded it (collect)
    public_keys: dict[str, Ed25519PublicKey] = field(default_factory=dict)
    expected_batch: str | None = None  # the batch/year being collected, when known
    expected_year: int | None = None
    # Results several checks derive alike (e.g. integrity.checks.issued), kept by their owner per file.
    memo: dict[str, object] = field(default_factory=dict)

    @property
    def file(self) -> str:
        return self.read.path

    def at(self, sheet: str | None = None, cell: str | None = None, **more: object) -> Location:
        project = self.definition.project.id if self.definition else None
        return Location(file=self.file, sheet=sheet, cell=cell, project_id=project, **more)

    def derived(self, key: str, source: object, compute: Callable[[], T]) -> T:
        """`compute()` once per file while `source` (the layout or sheet it derives from) stays the same."""
        kept = self.memo.get(key)
        if isinstance(kept, tuple) and kept[0] is source:
            return kept[1]  # type: ignore[no-any-return]
        value = compute()
        self.memo[key] = (source, value)
        return value

    # What several checks derive alike from the layout; callers read these, never change them.

    def areas(self, layout: WorkbookLayout) -> dict[str, list[Rect]]:
        """`allowed_ranges(layout)`."""
        return self.derived("layout.areas", layout, lambda: allowed_ranges(layout))

    def signed_cells(self, spec: SheetSpec) -> list[Cell]:
        """`integrity.issue.signed_cells(spec)`."""
        return self.derived(f"sheet.signed:{spec.name}", spec, lambda: signed_cells(spec))

    def positions(self, spec: SheetSpec) -> set[tuple[int, int]]:
        """(row, column) of every cell of `spec`."""
        return self.derived(f"sheet.positions:{spec.name}", spec, lambda: {(c.row, c.col) for c in spec.cells})


Check = Callable[[CheckContext], list[Finding]]


def run_checks(ctx: CheckContext, checks: Sequence[Check]) -> list[Finding]:
    out: list[Finding] = []
    for check in checks:
        try:
            out.extend(check(ctx))
        except MemoryError:
            raise  # the isolation layer reports WORKER_MEMORY
        except Exception as exc:  # a bug in one check must not stop the others
            out.append(finding("CHECK_INTERNAL_ERROR", Location(file=ctx.file), check=check.__name__,
                               detail=f"{type(exc).__name__}: {exc}"[:300]))
    return out
