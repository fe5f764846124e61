"""The compiler hands a function a cell's value, not its one-cell range, where the function takes
one value (registry.SCALAR_ARGS): the two must give the same result for every kind of cell."""

from __future__ import annotations

import itertools

import pytest

from cpxl.workbook.engine import compiler  # noqa: F401 - registers the functions
from cpxl.workbook.engine.registry import FUNCTIONS, SCALAR_ARGS
from cpxl.workbook.engine.sheets import Book, _rows_by_column
from cpxl.workbook.engine.values import _BOOK, _CURRENT, Area, CellError

# a small sheet: A1:A4 keys, B1:B4 numbers, row 6 the same across (A6:D6)
CELLS = {
    (1, 1): "甲", (2, 1): 2.0, (3, 1): "乙", (4, 1): True,
    (1, 2): 10.0, (2, 2): 20.0, (3, 2): 30.0, (4, 2): 40.0,
    (6, 1): "甲", (6, 2): 2.0, (6, 3): "乙", (6, 4): 5.0,
}

# a cell's content at a scalar position: blank, numbers, number-like text, text, truth, error
SAMPLES = [None, 0.0, 1.0, 2.0, 2.6, -1.0, "2", "甲", "乙*", ">1", "", True, False, CellError("#N/A")]

# each function with its other arguments as ranges of the sheet above (sheet 0, r1, c1, r2, c2)
CALLS = {
    "MATCH": lambda a, v: (v, a(1, 1, 4, 1), 0.0),
    "INDEX": lambda a, v: (a(1, 1, 4, 2), v, 2.0),
    "SUMIF": lambda a, v: (a(1, 1, 4, 1), v, a(1, 2, 4, 2)),
    "COUNTIF": lambda a, v: (a(1, 1, 4, 1), v),
    "VLOOKUP": lambda a, v: (v, a(1, 1, 4, 2), v, False),
    "HLOOKUP": lambda a, v: (v, a(6, 1, 6, 4), v, False),
    "ROUND": lambda a, v: (v, v),
    "ROUNDUP": lambda a, v: (v, v),
    "ROUNDDOWN": lambda a, v: (v, v),
    "TRUNC": lambda a, v: (v, v),
}


def test_every_scalar_argument_is_exercised():
    assert set(CALLS) == set(SCALAR_ARGS)
    assert {type(v).__name__ for v in SAMPLES} == {"NoneType", "float", "str", "bool", "CellError"}


def _book() -> Book:
    book = Book(["S"])
    book.data[0].values.update(CELLS)
    book.data[0].columns = _rows_by_column(CELLS)
    _BOOK[0] = book
    return book


@pytest.mark.parametrize("name", sorted(CALLS))
def test_a_cells_value_acts_as_its_one_cell_range(name):
    book = _book()
    _CURRENT[:] = [0, 3, 5]  # the formula's cell: E3

    def area(*rows_cols):
        return book.area(0, *rows_cols)

    marker = object()
    try:
        f = FUNCTIONS[name]
        at = [k for k, a in enumerate(CALLS[name](area, marker)) if a is marker]
        assert set(at) == set(SCALAR_ARGS[name])
        for values in itertools.product(SAMPLES, repeat=len(at)):
            # the same call with those positions holding a value, then a one-cell range of it
            calls = []
            for as_range in (False, True):
                book._areas.clear()
                args = list(CALLS[name](area, marker))
                for k, v in zip(at, values):
                    args[k] = Area([] if v is None else [[v]], 1, 1, 0, 9, 9) if as_range else v
                calls.append(f(*args))
            assert _same(*calls), (name, values)
    finally:
        _BOOK[0] = None


def test_a_longer_range_in_a_scalar_position_still_intersects_with_the_formulas_row():
    # =ROUND(B1:B4, 0) in row 3 is ROUND(B3, 0) = 30; outside rows 1–4 it is #VALUE!
    from cpxl.workbook.engine.compiler import compile_shape
    from cpxl.workbook.engine.references import shape

    book = _book()
    try:
        run = compile_shape(book, shape("ROUND($B$1:$B$4,0)", 1, 5))
        out: dict = {}
        run(0, 5, [3, 8], out, "S")
        assert out[("S", 3, 5)] == 30.0 and out[("S", 8, 5)] == "#VALUE!"
    finally:
        _BOOK[0] = None


def _same(a, b) -> bool:
    if isinstance(a, Area) or isinstance(b, Area):
        return isinstance(a, Area) and isinstance(b, Area) and a.rows == b.rows and (a.h, a.w) == (b.h, b.w)
    return type(a) is type(b) and a == b
