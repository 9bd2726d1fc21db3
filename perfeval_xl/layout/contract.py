"""The layout contract: what a generated workbook holds, cell by cell.

One `WorkbookLayout` per project describes every sheet: labels, locked data,
input cells with their types, formula cells with their formulas, and the semantic
key of every input and computed cell. The writer renders it; the collector reads a
returned workbook through the same layout (built again from the issued project),
so no cell address is maintained twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from perfeval_xl.layout import a1

FORM_VERSION = "PE-FORM-1.0"
ACCEPTED_VERSIONS = (FORM_VERSION,)
META_SHEET = "_meta"


class Role(StrEnum):
    LABEL = "label"  # fixed text of the form
    DATA = "data"  # locked content from the manifest (targets, weights, names)
    INPUT = "input"  # typed by the unit
    FORMULA = "formula"  # computed


# The cells the signature and the locked-content check cover. A tuple: `in` tests identity
# first, where a set would hash each member through Enum's Python-level __hash__.
LOCKED_ROLES = (Role.LABEL, Role.DATA)


class InputType(StrEnum):
    NUMBER = "number"  # a non-negative decimal
    PERCENT = "percent"  # a non-negative fraction shown as a percentage (98% = 0.98)
    MONEY = "money"  # 万元, non-negative
    SCORE = "score"  # 0 ≤ s ≤ the row's weight
    TIER_SCORE = "tier_score"  # a qualitative score inside the chosen tier
    EVALUATOR_SCORE = "evaluator_score"  # 0 ≤ s ≤ 100
    CHOICE = "choice"  # one of `choices`
    TEXT = "text"  # free text up to `max_length`


@dataclass(frozen=True, slots=True)
class Validation:
    """What a data validation on an input cell allows."""

    type: InputType
    maximum: Decimal | None = None  # SCORE
    maximum_cell: str | None = None  # SCORE: the weight cell
    choices: tuple[str, ...] = ()
    max_length: int = 1000
    formula: str | None = None  # TIER_SCORE: a custom rule
    prompt: str = ""  # Chinese input message


@dataclass(slots=True, unsafe_hash=True)
class Cell:
    """One cell of the form. Treated as immutable: change one with dataclasses.replace.

    Not frozen: a frozen dataclass sets each field through object.__setattr__, which made
    a cell cost 1.6 µs instead of 0.35 µs, and the intake builds ~600 per returned file.
    Hashable as before (unsafe_hash: equal cells hash alike). `row` and `col` are parsed
    from `ref` once, on construction (and again by replace): the intake looks every cell
    up by position several times per file."""

    ref: str
    role: Role
    value: object = None  # label/data text or number; an input's prefilled value
    formula: str | None = None
    key: str | None = None  # semantic key of inputs and computed cells ("ind:S002-01:actual")
    style: str = "label"
    validation: Validation | None = None
    merge_to: str | None = None  # merge ref..merge_to
    number_format: str | None = None
    row: int = field(init=False, compare=False, repr=False)
    col: int = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        self.row, self.col = a1.parse(self.ref)


@dataclass(frozen=True, slots=True)
class ConditionalFormat:
    range: str
    formula: str  # relative to the range's top-left cell
    style: str  # a writer style name ("cf_warn", "cf_error", "cf_blank")


@dataclass
class PrintSetup:
    landscape: bool = False
    repeat_rows: tuple[int, int] | None = None  # 1-based inclusive
    fit_width: bool = True
    area: str | None = None  # the range printed ("A1:J40"); None: the used range
    header: str = ""
    footer: str = ""


@dataclass
class SheetSpec:
    name: str
    cells: list[Cell] = field(default_factory=list)
    widths: dict[int, float] = field(default_factory=dict)  # 1-based column → width
    heights: dict[int, float] = field(default_factory=dict)  # 1-based row → height
    hidden_columns: tuple[int, ...] = ()
    very_hidden: bool = False
    protect: bool = True
    freeze: str | None = None
    conditional: list[ConditionalFormat] = field(default_factory=list)
    print: PrintSetup = field(default_factory=PrintSetup)

    @property
    def max_row(self) -> int:
        return max((c.row for c in self.cells), default=0)


@dataclass
class WorkbookLayout:
    version: str
    project_id: str
    sheets: list[SheetSpec]
    names: dict[str, str] = field(default_factory=dict)  # defined name → 'Sheet'!$A$1
    properties: dict[str, str] = field(default_factory=dict)  # custom document properties
    _index: dict[str, tuple[str, Cell]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self.reindex()

    def reindex(self) -> None:
        self._index = {c.key: (s.name, c) for s in self.sheets for c in s.cells if c.key}

    def replace_cell(self, sheet: SheetSpec, index: int, cell: Cell) -> None:
        """Put `cell` at `sheet.cells[index]` in place of a cell with the same key (the index stays valid)."""
        old = sheet.cells[index]
        if old.key != cell.key:
            raise ValueError(f"replacing {sheet.name}!{old.ref} would change its key {old.key!r} to {cell.key!r}")
        sheet.cells[index] = cell
        if cell.key:
            self._index[cell.key] = (sheet.name, cell)

    def sheet(self, name: str) -> SheetSpec:
        for s in self.sheets:
            if s.name == name:
                return s
        raise KeyError(name)

    def locate(self, key: str) -> tuple[str, Cell] | None:
        """(sheet name, cell) holding semantic key `key`."""
        return self._index.get(key)

    def keyed(self, role: Role | None = None) -> list[tuple[str, Cell]]:
        return [(s.name, c) for s in self.sheets for c in s.cells if c.key and (role is None or c.role is role)]

    def input_cells(self) -> list[tuple[str, Cell]]:
        return [(s.name, c) for s in self.sheets for c in s.cells if c.role is Role.INPUT]
