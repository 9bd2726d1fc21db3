"""Exact decimals on both backends: rounded half up to the column's scale, never a float."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from perfeval_xl.store import Store, StoreError, file_known, ingest_file, record_run_start
from perfeval_xl.store.columns import amount, plain_decimal
from perfeval_xl.store.schema import IndicatorResultRow, ProjectResultRow
from tests.store.support import dump, intake


@pytest.mark.parametrize(("value", "plain"), [
    ("10.00", "10"), ("9.4300", "9.43"), ("0E-10", "0"), ("1E+2", "100"), ("-0.50", "-0.5"), ("123", "123"),
])
def test_plain_decimal_drops_trailing_zeros_and_exponents(value: str, plain: str) -> None:
    assert str(plain_decimal(Decimal(value))) == plain


def _roundtrip(store: Store, **values: object) -> dict[str, object]:
    ingest_file(store, record_run_start(store, "test"), intake("a.xlsx"))
    with store.write() as session:
        session.execute(IndicatorResultRow.__table__.update().values(**values))
    with store.read() as session:
        row = session.execute(select(*(getattr(IndicatorResultRow, k) for k in values))
                              .where(IndicatorResultRow.indicator_id == "I01")).one()
    return row._asdict()


def test_values_come_back_exactly_as_decimals(store: Store) -> None:
    got = _roundtrip(store, weight=Decimal("2.5"), target=Decimal("0.1"), actual=Decimal("123456789012345.678901"),
                     score=Decimal("9.4345"), rate=Decimal("0.98"))
    assert got == {"weight": Decimal("2.5"), "target": Decimal("0.1"), "actual": Decimal("123456789012345.678901"),
                   "score": Decimal("9.4345"), "rate": Decimal("0.98")}
    assert all(type(v) is Decimal for v in got.values())
    assert str(got["score"]) == "9.4345"


def test_rates_beyond_the_scale_are_rounded_half_up_alike_on_both_backends(store: Store) -> None:
    third = Decimal(1) / Decimal(3)  # 0.3333333333333333333333333333
    got = _roundtrip(store, rate=third, target=Decimal("0.00000000000050"), actual=Decimal("2.0000000000005"))
    assert got == {"rate": Decimal("0.3333333333333333"), "target": Decimal("0.000000000001"),
                   "actual": Decimal("2.000000000001")}


def test_a_value_too_large_for_its_column_is_refused_and_nothing_is_stored(store: Store) -> None:
    run_id = record_run_start(store, "test")
    before = dump(store)
    huge = intake("huge.xlsx")
    result = huge.submissions[0].result
    assert result is not None
    bad_indicator = result.indicators[0].model_copy(update={"actual": Decimal("1E+30")})
    bad = huge.model_copy(update={"submissions": (huge.submissions[0].model_copy(update={
        "result": result.model_copy(update={"indicators": (bad_indicator, *result.indicators[1:])})}),)})
    with pytest.raises(StoreError) as caught:
        ingest_file(store, run_id, bad)
    assert caught.value.code == "STORE_VALUE_OUT_OF_RANGE"
    assert caught.value.message() == (
        "数值 1000000000000000000000000000000 超出数据库字段 measure 的范围（整数部分最多 26 位）。"
        "该数值很可能填写有误，请核实原表格。")
    assert dump(store) == before
    assert not file_known(store, huge.file.sha256)


def test_floats_are_refused(store: Store) -> None:
    ingest_file(store, record_run_start(store, "test"), intake("a.xlsx"))
    with pytest.raises(Exception, match="expected Decimal or int, got float"), store.write() as session:
        session.execute(ProjectResultRow.__table__.update().values(total=0.1))


def test_each_number_binds_by_its_own_value_however_often_it_repeats(store: Store) -> None:
    dialect = store.engine.dialect
    bind = amount().dialect_impl(dialect).bind_processor(dialect)
    values = ["0", "-0", "0E-9", "-0E-9", "1.0000005", "1.00000050", "-0.0000001", "0.0000001"] * 2
    assert [str(bind(Decimal(v))) for v in values] == [
        "0.000000", "-0.000000", "0.000000", "-0.000000", "1.000001", "1.000001", "-0.000000", "0.000000"] * 2
    assert bind(None) is None and str(bind(7)) == "7.000000"
    for refused in (0.5, True):
        with pytest.raises(TypeError, match="expected Decimal or int"):
            bind(refused)
    for not_finite in ("NaN", "sNaN", "Infinity", "-Infinity"):
        with pytest.raises(StoreError) as caught:
            bind(Decimal(not_finite))
        assert caught.value.code == "STORE_VALUE_OUT_OF_RANGE"
