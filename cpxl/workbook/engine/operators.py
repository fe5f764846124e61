"""Excel's operators on cell values: arithmetic, concatenation and comparison, and their
element-by-element form over ranges (inside SUMPRODUCT).
"""

from __future__ import annotations

from typing import Any, Callable

from .values import E_DIV0, E_NUM, E_VALUE, Area, CellError, _fin, _num, _scalar, _text


def _on_numbers(op: Callable[[float, float], Any]) -> Callable:
    """An arithmetic operator: both operands as numbers (the first error propagates), then ``op``."""

    def apply(a, b):
        if type(a) is float and type(b) is float:  # the most common case
            return op(a, b)
        a = _num(a)
        if type(a) is CellError:
            return a
        b = _num(b)
        if type(b) is CellError:
            return b
        return op(a, b)

    return apply


def _quotient(a: float, b: float):
    return E_DIV0 if b == 0 else _fin(a / b)


def _power(a: float, b: float):
    if a == 0 and b == 0:
        return E_NUM
    if a == 0 and b < 0:
        return E_DIV0
    try:
        r = a**b
    except (OverflowError, ZeroDivisionError):
        return E_NUM
    if isinstance(r, complex):
        return E_NUM
    return _fin(r)


_add = _on_numbers(lambda a, b: _fin(a + b))
_sub = _on_numbers(lambda a, b: _fin(a - b))
_mul = _on_numbers(lambda a, b: _fin(a * b))
_div = _on_numbers(_quotient)
_pow = _on_numbers(_power)


def _neg(a):
    a = _num(a)
    return a if type(a) is CellError else -a


def _pos(a):
    return _scalar(a)


def _pct(a):
    a = _num(a)
    return a if type(a) is CellError else a / 100


def _cat(a, b):
    a = _text(a)
    if type(a) is CellError:
        return a
    b = _text(b)
    if type(b) is CellError:
        return b
    return a + b


def _close(a: float, b: float) -> bool:
    # Excel compares numbers to 15 significant digits (=0.1+0.2=0.3 is TRUE)
    return a == b or abs(a - b) <= 1e-15 * max(abs(a), abs(b))


def _rank(v):
    t = type(v)
    if t is float or t is int:
        return 0
    if t is str:
        return 1
    return 2  # bool


def _cmp(a, b):
    """-1, 0 or 1 as Excel orders a and b; an error propagates."""
    a = _scalar(a)
    b = _scalar(b)
    if type(a) is CellError:
        return a
    if type(b) is CellError:
        return b
    if a is None:
        if b is None:
            return 0
        a = "" if type(b) is str else (False if type(b) is bool else 0.0)
    elif b is None:
        b = "" if type(a) is str else (False if type(a) is bool else 0.0)
    ra, rb = _rank(a), _rank(b)
    if ra != rb:
        return -1 if ra < rb else 1
    if ra == 0:
        if _close(a, b):
            return 0
        return -1 if a < b else 1
    if ra == 1:
        a, b = a.lower(), b.lower()
    if a == b:
        return 0
    return -1 if a < b else 1


def _comparison(test: Callable[[int], bool]) -> Callable:
    """A comparison operator: ``test`` of the order :func:`_cmp` gives (an error propagates)."""

    def apply(a, b):
        r = _cmp(a, b)
        return r if type(r) is CellError else test(r)

    return apply


_eq = _comparison(lambda r: r == 0)
_ne = _comparison(lambda r: r != 0)
_lt = _comparison(lambda r: r < 0)
_le = _comparison(lambda r: r <= 0)
_gt = _comparison(lambda r: r > 0)
_ge = _comparison(lambda r: r >= 0)


BINARY = {
    "+": _add, "-": _sub, "*": _mul, "/": _div, "^": _pow, "&": _cat,
    "=": _eq, "<>": _ne, "<": _lt, "<=": _le, ">": _gt, ">=": _ge,
}


def _elementwise(op: Callable, a, b):
    """``op`` over arrays (inside SUMPRODUCT): a range or array against another or a scalar."""
    if type(a) is not Area and type(b) is not Area:
        return op(a, b)
    if type(a) is Area and type(b) is Area:
        if (a.h, a.w) != (b.h, b.w):
            if a.h * a.w == 1:
                a = a.get(0, 0)
            elif b.h * b.w == 1:
                b = b.get(0, 0)
            else:
                return E_VALUE
    if type(a) is Area and type(b) is Area:
        n = max(len(a.rows), len(b.rows))
        rows = [[op(a.get(i, j), b.get(i, j)) for j in range(a.w)] for i in range(n)]
        fill = op(a.fill, b.fill) if n < a.h else None
        return Area(rows, a.h, a.w, fill=fill)
    if type(a) is Area:
        rows = [[op(v, b) for v in row] for row in a.rows]
        fill = op(a.fill, b) if len(rows) < a.h else None
        return Area(rows, a.h, a.w, fill=fill)
    rows = [[op(a, v) for v in row] for row in b.rows]
    fill = op(a, b.fill) if len(rows) < b.h else None
    return Area(rows, b.h, b.w, fill=fill)


def _elementwise1(op: Callable, a):
    if type(a) is not Area:
        return op(a)
    rows = [[op(v) for v in row] for row in a.rows]
    return Area(rows, a.h, a.w, fill=op(a.fill) if len(rows) < a.h else None)
