"""ReturnReader's values: calamine's cells as to_decimal and normalise give them."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from perfeval_xl.intake.reader import ReturnReader
from tests.support.xlsx import write_sheets


def test_numbers_read_twice_keep_their_exact_decimals(tmp_path: Path) -> None:
    # The second sheet and the second file repeat the first's numbers: the reader shares
    # their Decimals, but a zero keeps its sign (0.0 and -0.0 are one key to a dict).
    rows = [[0.1, 0.0, -0.0, 1e-7, 12345678.9, "text", None, True]]
    expected = {(1, 1): Decimal("0.1"), (1, 2): Decimal("0.0"), (1, 3): Decimal("-0.0"),
                (1, 4): Decimal("1E-7"), (1, 5): Decimal("12345678.9"), (1, 6): "text", (1, 8): True}
    for name in ("a.xlsx", "b.xlsx"):
        path = write_sheets(tmp_path / name, {"One": rows, "Two": [[-0.0, 0.0, 0.1]]})
        with ReturnReader(path) as reader:
            assert reader.read_meta()
            assert reader.read_sheets({})
            one, two = reader.read.sheet("One"), reader.read.sheet("Two")
        assert one is not None and two is not None
        assert {k: (str(v) if isinstance(v, Decimal) else v) for k, v in one.values.items()} == {
            k: (str(v) if isinstance(v, Decimal) else v) for k, v in expected.items()}
        assert [str(v) for v in two.values.values()] == ["-0.0", "0.0", "0.1"]
