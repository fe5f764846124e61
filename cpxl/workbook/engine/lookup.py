"""Lookup functions: MATCH, INDEX, VLOOKUP, HLOOKUP, ROWS, COLUMNS.
"""

from __future__ import annotations

from .criteria import _lookup_key, _wildcard
from .operators import _cmp, _rank
from .registry import fn
from .values import (
    _MISSING,
    E_NA,
    E_REF,
    E_VALUE,
    Area,
    CellError,
    _num,
    _scalar,
    _truth,
)


def _memo(area: Area) -> dict:
    if area.cache is None:
        area.cache = {}
    return area.cache


def _vector(area: Area):
    """The values of a one-row or one-column range (cut rows left out), computed once."""
    memo = _memo(area)
    hit = memo.get("vec")
    if hit is None:
        if area.h == 1:
            hit = list(area.rows[0]) if area.rows else []
        elif area.w == 1:
            hit = [row[0] for row in area.rows]
        else:
            hit = False
        memo["vec"] = hit
    return None if hit is False else hit


def _exact_index(memo: dict, vec, x, name: str = "index"):
    """Position of the first value equal to ``x`` (Excel's MATCH(…, 0)), or None; the
    index of ``vec`` is built once and kept in ``memo``."""
    if type(x) is str and _wildcard(x) is not None:
        wild = _wildcard(x)
        for i, v in enumerate(vec):
            if type(v) is str and wild(v) is not None:
                return i
        return None
    index = memo.get(name)
    if index is None:
        index = {}
        for i, v in enumerate(vec):
            k = _lookup_key(v)
            if k is not None and k not in index:
                index[k] = i
        memo[name] = index
    k = _lookup_key(x)
    return None if k is None else index.get(k)


def _approx_index(vec, x, descending=False):
    rx = _rank(x)
    best = None
    for i, v in enumerate(vec):
        if v is None or type(v) is CellError or _rank(v) != rx:
            continue
        c = _cmp(v, x)
        if c == 0:
            best = i
            if not descending:
                continue
            return i
        if (c < 0) != descending:
            best = i
        else:
            break
    return best


@fn("MATCH", scalar=(0,))
def f_match(lookup, array, match_type=None):
    x = _scalar(lookup)
    if type(x) is CellError:
        return x
    if x is None:
        return E_NA
    if type(array) is not Area:
        array = Area([[array]], 1, 1)
    mt = 1.0 if match_type is None or match_type is _MISSING else _num(_scalar(match_type))
    if type(mt) is CellError:
        return mt
    vec = _vector(array)
    if vec is None:
        return E_NA
    if mt == 0:
        i = _exact_index(_memo(array), vec, x)
    else:
        i = _approx_index(vec, x, descending=mt < 0)
    return E_NA if i is None else float(i + 1)


@fn("INDEX", scalar=(1,))
def f_index(array, row=None, col=None):
    if type(array) is not Area:
        array = Area([[array]], 1, 1)
    r = 0.0 if row is None or row is _MISSING else _num(_scalar(row))
    if type(r) is CellError:
        return r
    c = None if col is None or col is _MISSING else _num(_scalar(col))
    if type(c) is CellError:
        return c
    r = int(r)
    if c is None:
        if array.h == 1 and array.w > 1:
            r, c = 1, r  # INDEX(row_range, n)
        else:
            c = 1 if array.w == 1 else 0
    c = int(c)
    if r < 0 or c < 0 or r > array.h or c > array.w:
        return E_REF
    if r == 0 and c == 0:
        return array
    if r == 0:
        rows = [[row[c - 1]] for row in array.rows]
        return Area(rows, array.h, 1, array.sheet, array.r1, array.c1 + c - 1, array.fill)
    if c == 0:
        rows = [list(array.rows[r - 1])] if r <= len(array.rows) else []
        return Area(rows, 1, array.w, array.sheet, array.r1 + r - 1, array.c1, array.fill)
    return array.get(r - 1, c - 1)


@fn("VLOOKUP", scalar=(0, 2))
def f_vlookup(lookup, table, col, approx=None):
    return _first_line_lookup(lookup, table, col, approx, by_rows=True)


@fn("HLOOKUP", scalar=(0, 2))
def f_hlookup(lookup, table, row, approx=None):
    return _first_line_lookup(lookup, table, row, approx, by_rows=False)


def _first_line_lookup(lookup, table, offset, approx, by_rows: bool):
    """VLOOKUP (``by_rows``: ``lookup`` found in the first column, the value in column
    ``offset`` of its row) and HLOOKUP (found in the first row, the value in row ``offset``)."""
    x = _scalar(lookup)
    if type(x) is CellError:
        return x
    if type(table) is not Area:
        return E_VALUE
    n = _num(_scalar(offset))
    if type(n) is CellError:
        return n
    n = int(n)
    if n < 1:
        return E_VALUE
    if n > (table.w if by_rows else table.h):
        return E_REF
    # an omitted 4th argument (VLOOKUP(x, t, 2, )) is FALSE: an exact match
    exact = approx is _MISSING or (approx is not None and _truth(_scalar(approx)) is False)
    if x is None:
        return E_NA
    memo = _memo(table)
    key = "col0" if by_rows else "row0"
    first = memo.get(key)
    if first is None:
        if by_rows:
            first = [row[0] for row in table.rows]
        else:
            first = list(table.rows[0]) if table.rows else []
        memo[key] = first
    i = _exact_index(memo, first, x, "index_" + key) if exact else _approx_index(first, x)
    if i is None:
        return E_NA
    return table.get(i, n - 1) if by_rows else table.get(n - 1, i)


@fn("ROWS")
def f_rows(a):
    return float(a.h) if type(a) is Area else 1.0


@fn("COLUMNS")
def f_columns(a):
    return float(a.w) if type(a) is Area else 1.0
