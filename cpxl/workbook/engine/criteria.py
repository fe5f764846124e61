"""Conditional sums and counts (SUMIF(S), COUNTIF(S), AVERAGEIF) and SUMPRODUCT.
"""

from __future__ import annotations

import math
import re
from typing import Any, Callable

from .operators import _close
from .registry import fn
from .sheets import Book
from .values import (
    _BOOK,
    _MISSING,
    E_DIV0,
    E_VALUE,
    Area,
    CellError,
    _fin,
    _scalar,
    parse_number,
)

_CRITERIA_CACHE: dict[Any, Callable] = {}

_CRIT_OP = re.compile(r"^(<=|>=|<>|<|>|=)?(.*)$", re.S)


def _lookup_key(v):
    """Key for equality look-ups: numbers to 15 significant digits, text case-folded."""
    t = type(v)
    if t is float or t is int:
        return (0, float("%.15g" % v))
    if t is str:
        return (1, v.lower())
    if t is bool:
        return (2, v)
    return None


def _wildcard(pattern: str):
    """A matcher for Excel's ``*``, ``?`` and ``~`` escapes, case-insensitive; None if none."""
    if not any(ch in pattern for ch in "*?~"):
        return None
    out, i = [], 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "~" and i + 1 < len(pattern) and pattern[i + 1] in "*?~":
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        out.append(".*" if ch == "*" else "." if ch == "?" else re.escape(ch))
        i += 1
    return re.compile("".join(out), re.S | re.I).fullmatch


def criterion(c) -> Callable:
    """Excel's criteria (``"<>中间产品"``, ``">"&x``, ``"a*"``, 5, a blank cell) as a predicate."""
    c = _scalar(c)
    key = (type(c), c)
    hit = _CRITERIA_CACHE.get(key)
    if hit is not None:
        return hit
    pred = _make_criterion(c)
    if len(_CRITERIA_CACHE) > 10_000:
        _CRITERIA_CACHE.clear()
    _CRITERIA_CACHE[key] = pred
    return pred


def _is_num(v) -> bool:
    t = type(v)
    return t is float or t is int


def _make_criterion(c) -> Callable:
    if c is None:
        c = 0.0  # a blank criteria cell means 0
    t = type(c)
    if t is CellError:
        return lambda v: type(v) is CellError and v == c
    if t is bool:
        return lambda v: type(v) is bool and v == c
    if t is float or t is int:
        x = float(c)
        return lambda v: _is_num(v) and _close(v, x)
    op, rest = _CRIT_OP.match(c).groups()
    op = op or ""
    n = parse_number(rest)
    upper = rest.upper()
    if n is None and upper in ("TRUE", "FALSE"):
        b = upper == "TRUE"
        if op in ("", "="):
            return lambda v: type(v) is bool and v == b
        if op == "<>":
            return lambda v: not (type(v) is bool and v == b)
    if op in ("", "="):
        if rest == "":
            if op == "=":
                return lambda v: v is None
            return lambda v: v is None or v == ""
        if n is not None:
            return lambda v: _is_num(v) and _close(v, n)
        wild = _wildcard(rest)
        low = rest.lower()
        if wild is None:
            return lambda v: type(v) is str and v.lower() == low
        return lambda v: type(v) is str and wild(v) is not None
    if op == "<>":
        if rest == "":
            return lambda v: v is not None
        if n is not None:
            return lambda v: not (_is_num(v) and _close(v, n))
        wild = _wildcard(rest)
        low = rest.lower()
        if wild is None:
            return lambda v: not (type(v) is str and v.lower() == low)
        return lambda v: not (type(v) is str and wild(v) is not None)
    cmp = {"<": lambda a, b: a < b, "<=": lambda a, b: a <= b,
           ">": lambda a, b: a > b, ">=": lambda a, b: a >= b}[op]
    if n is not None:
        return lambda v: _is_num(v) and (cmp(v, n) if not _close(v, n) else op in ("<=", ">="))
    low = rest.lower()
    return lambda v: type(v) is str and cmp(v.lower(), low)


def _same_shape(book: "Book", base: Area, other):
    """``other`` cut to ``base``'s size from its top-left cell, as SUMIF does."""
    if type(other) is not Area:
        return E_VALUE
    if (other.h, other.w) == (base.h, base.w) or other.sheet is None:
        return other
    return book.area(other.sheet, other.r1, other.c1, other.r1 + base.h - 1, other.c1 + base.w - 1)


def _equality_key(c):
    """The lookup key of a plain equality criterion (``"原料"``, 5, ``"=5"``, a cell), else None."""
    c = _scalar(c)
    if c is None:
        return (0, 0.0)
    t = type(c)
    if t is float or t is int or t is bool:
        return _lookup_key(c)
    if t is not str:
        return None
    if c.startswith("="):
        c = c[1:]
    if not c or c[0] in "<>" or any(ch in c for ch in "*?~"):
        return None
    n = parse_number(c)
    if n is not None:
        return _lookup_key(n)
    if c.upper() in ("TRUE", "FALSE"):
        return None
    return (1, c.lower())


def _groups(rng: Area, target: Area | None):
    """key -> [numbers of ``target`` (or count of cells)] for the cells of ``rng``, built once
    per pair of ranges: SUMIF/COUNTIF with an equality criterion is then a look-up."""
    memo = _GROUPS
    key = (id(rng), id(target))
    hit = memo.get(key)
    if hit is not None and hit[0] is rng and hit[1] is target:
        return hit[2]
    groups: dict = {}
    trows = target.rows if target is not None else None
    for i, row in enumerate(rng.rows):
        for j, v in enumerate(row):
            k = _lookup_key(v)
            if k is None:
                continue
            entry = groups.get(k)
            if entry is None:
                entry = groups[k] = [0, []]
            entry[0] += 1
            if trows is not None:
                x = trows[i][j] if i < len(trows) and j < target.w else None
                tx = type(x)
                if tx is float or tx is int or tx is CellError:
                    entry[1].append(x)
    memo[key] = (rng, target, groups)
    return groups


_GROUPS: dict = {}


@fn("SUMIF", scalar=(1,))
def f_sumif(rng, crit, sum_range=None):
    if type(rng) is not Area:
        return E_VALUE
    book = _BOOK[0]
    target = rng if sum_range is None or sum_range is _MISSING else _same_shape(book, rng, sum_range)
    if type(target) is CellError:
        return target
    key = _equality_key(crit)
    if key is not None and rng.sheet is not None:
        entry = _groups(rng, target).get(key)
        if entry is None:
            return 0.0
        for x in entry[1]:
            if type(x) is CellError:
                return x
        return _fin(math.fsum(entry[1]))
    pred = criterion(crit)
    total = []
    rows, trows = rng.rows, target.rows
    for i, row in enumerate(rows):
        for j, v in enumerate(row):
            if pred(v):
                x = trows[i][j] if i < len(trows) and j < target.w else None
                tx = type(x)
                if tx is float or tx is int:
                    total.append(x)
                elif tx is CellError:
                    return x
    if len(trows) > len(rows) and pred(None):
        for i in range(len(rows), len(trows)):
            for x in trows[i]:
                tx = type(x)
                if tx is float or tx is int:
                    total.append(x)
                elif tx is CellError:
                    return x
    return _fin(math.fsum(total))


@fn("SUMIFS")
def f_sumifs(sum_range, *crits):
    if len(crits) < 2 or len(crits) % 2:
        return E_VALUE
    pairs = [(crits[i], crits[i + 1]) for i in range(0, len(crits), 2)]
    if type(sum_range) is not Area:
        return E_VALUE
    for rng, _c in pairs:
        if type(rng) is not Area or (rng.h, rng.w) != (sum_range.h, sum_range.w):
            return E_VALUE
    preds = [(rng, criterion(c)) for rng, c in pairs]
    n_rows = max(len(r.rows) for r, _p in preds)
    total = []
    rows = sum_range.rows
    for i in range(min(n_rows, len(rows)) if not preds else len(rows)):
        row = rows[i]
        for j in range(sum_range.w):
            x = row[j]
            tx = type(x)
            if tx is not float and tx is not int and tx is not CellError:
                continue
            if all(p(r.get(i, j)) for r, p in preds):
                if tx is CellError:
                    return x
                total.append(x)
    return _fin(math.fsum(total))


def _count_ifs(pairs):
    for rng, _c in pairs:
        if type(rng) is not Area:
            return E_VALUE
    base = pairs[0][0]
    for rng, _c in pairs:
        if (rng.h, rng.w) != (base.h, base.w):
            return E_VALUE
    preds = [(rng, criterion(c)) for rng, c in pairs]
    n_rows = max(len(r.rows) for r, _p in preds)
    n = 0
    for i in range(n_rows):
        for j in range(base.w):
            if all(p(r.get(i, j)) for r, p in preds):
                n += 1
    if n_rows < base.h and all(p(None) for _r, p in preds):
        n += (base.h - n_rows) * base.w
    return float(n)


@fn("COUNTIF", scalar=(1,))
def f_countif(rng, crit):
    if type(rng) is Area and rng.sheet is not None:
        key = _equality_key(crit)
        if key is not None:
            entry = _groups(rng, None).get(key)
            return float(entry[0]) if entry else 0.0
    return _count_ifs([(rng, crit)])


@fn("COUNTIFS")
def f_countifs(*crits):
    if not crits or len(crits) % 2:
        return E_VALUE
    return _count_ifs([(crits[i], crits[i + 1]) for i in range(0, len(crits), 2)])


@fn("AVERAGEIF")
def f_averageif(rng, crit, avg_range=None):
    if type(rng) is not Area:
        return E_VALUE
    target = rng if avg_range is None or avg_range is _MISSING else _same_shape(_BOOK[0], rng, avg_range)
    if type(target) is CellError:
        return target
    pred = criterion(crit)
    vals = []
    for i, row in enumerate(rng.full() if pred(None) else rng.rows):
        for j, v in enumerate(row):
            if pred(v):
                x = target.get(i, j) if i < target.h else None
                if _is_num(x):
                    vals.append(x)
                elif type(x) is CellError:
                    return x
    return _fin(math.fsum(vals) / len(vals)) if vals else E_DIV0


@fn("SUMPRODUCT")
def f_sumproduct(*arrays):
    arrays = [a if type(a) is Area else Area([[a]], 1, 1) for a in arrays]
    h, w = arrays[0].h, arrays[0].w
    for a in arrays:
        if (a.h, a.w) != (h, w):
            return E_VALUE
    n_rows = max(len(a.rows) for a in arrays)
    total = []
    for i in range(n_rows):
        for j in range(w):
            p = 1.0
            for a in arrays:
                v = a.get(i, j)
                tv = type(v)
                if tv is CellError:
                    return v
                p *= v if (tv is float or tv is int) else 0.0
            total.append(p)
    if n_rows < h:
        p = 1.0
        for a in arrays:
            v = a.fill
            if type(v) is CellError:
                return v
            p *= v if _is_num(v) else 0.0
        total.append(p * (h - n_rows) * w)
    return _fin(math.fsum(total))
