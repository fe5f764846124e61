"""How a CP_ function's return value lands in a cell (cpxl.workbook.engine.cp.wrap_cp): the conversions
xlwings applies when it writes a Python value into Excel (docs.xlwings.org, “Converters”: None → empty,
dates → serial numbers, a list → its first element in a single cell, NumPy values → Python values), and
“#CP! …” text instead of an exception."""

from __future__ import annotations

import datetime as dt
import decimal

import numpy as np

from cpxl.workbook.engine import CellError
from cpxl.workbook.engine.cp import wrap_cp


def returns(value):
    return wrap_cp(lambda: value)()


def test_values_land_in_the_cell_as_excel_holds_them():
    assert returns(None) == 0.0  # an empty result reads 0 in a formula, as Excel shows a reference to a blank
    assert returns(decimal.Decimal("1.25")) == 1.25
    assert returns(dt.date(2024, 1, 1)) == 45292.0  # Excel's serial number of 2024-01-01
    assert returns(dt.datetime(1900, 3, 1, 12)) == 61.5  # after Excel's fictitious 1900-02-29: day 61, noon
    assert returns([[7.0, 8.0], [9.0, 1.0]]) == 7.0 and returns((3, 4)) == 3.0 and returns([]) == 0.0
    assert returns(np.array([2.5, 1.0])) == 2.5 and returns(np.float64(0.5)) == 0.5
    assert str(returns(float("inf"))) == "#NUM!" and isinstance(returns(float("nan")), CellError)
    assert returns(True) is True and returns("文字") == "文字"
    assert returns(1 + 2j) == "(1+2j)"  # anything else: its text


def test_a_failure_is_cp_text_never_an_exception():
    def fails():
        raise ValueError("investment_wan（投资）须为正数")

    assert wrap_cp(fails)() == "#CP! investment_wan（投资）须为正数"
    assert wrap_cp(lambda: (_ for _ in ()).throw(RuntimeError()))() == "#CP! RuntimeError"
