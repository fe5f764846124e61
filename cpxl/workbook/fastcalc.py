"""Fast headless evaluation of the formulas cpxl's workbooks use.

:func:`evaluate_fast` computes every formula cell of a workbook without the `formulas`
package's graph: it is what ``cpxl calc`` runs first (``evaluate._evaluate``); anything
outside what it knows raises :class:`Unsupported`, and the caller then evaluates the
whole workbook with the `formulas` engine instead.

How it works:

* Input values are read from the sheet XML as stored (numbers, shared/inline strings,
  booleans, error values); only formula cells are computed.
* Each formula is tokenized (openpyxl's tokenizer) and its references are made relative
  to the cell (R1C1-style); one Python function is generated and compiled per distinct
  shape, so a formula copied down 500 rows is parsed once.
* Formula cells are evaluated in dependency order (Tarjan's strongly connected
  components, iterative). Cells on a circular reference get the ``#CIRC!`` value (cpxl's
  report of the cycle; the cell is written as 0, as Excel shows it without iterative
  calculation) and read as 0 by the formulas that depend on them, as in Excel.
* A range reference covers only the rows that hold something: ``A5:A504`` over a table
  filled to row 20 is materialized as 16 rows (functions that count blanks, such as
  ``COUNTIF(r,"")`` or ``COUNTBLANK``, add the rows cut off).
* Native functions follow Excel's rules: blank is 0 in arithmetic and "" in text,
  comparisons order numbers < text < booleans and compare text case-insensitively,
  errors propagate left to right, ``IF``/``IFERROR`` evaluate only the branch they return.
* ``CP_*`` functions are called with the same argument conversion as under the `formulas`
  engine (omitted arguments get their default, an error argument is passed through, a
  failure becomes ``#CP! …`` text).

Not on the fast path (the whole workbook then goes to the `formulas` engine): array
formulas (``t="array"``), functions not in :data:`FUNCTIONS`, the range/union/
intersection operators, 3-D and external references, structured references, defined
names that are not references or constants, and array arithmetic outside SUMPRODUCT.
"""

from __future__ import annotations

import bisect
import contextlib
import datetime as dt
import decimal
import itertools
import math
import re
import sys
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from lxml import etree

from cpxl.workbook import evaluate as ev
from cpxl.workbook.evaluate import CIRCULAR, CellError

MAX_ROW, MAX_COL = 1_048_576, 16_384
MAX_AREA_CELLS = 4_000_000  # larger materialized ranges go to the other engine


@contextlib.contextmanager
def light_imports():
    """Import :mod:`cpxl.udfs` without the plotting libraries xlwings loads at import time.

    xlwings imports matplotlib and plotly (for pictures in Excel, which a headless calculation
    never makes) when they are installed: about a second. While xlwings is first imported they
    are hidden; afterwards they import normally for anyone who needs them.
    """
    if "xlwings" in sys.modules:
        yield
        return
    hidden = {m: sys.modules.get(m) for m in _PLOTTING if m not in sys.modules or sys.modules[m] is None}
    for m in hidden:
        sys.modules[m] = None  # import raises ImportError, which xlwings expects
    try:
        ev._udfs_module()
        yield
    finally:
        for m, old in hidden.items():
            if sys.modules.get(m, None) is None:
                if old is None:
                    sys.modules.pop(m, None)
                else:
                    sys.modules[m] = old


_PLOTTING = ("matplotlib", "plotly")


class Unsupported(Exception):
    """A formula or construct the fast path does not handle; the caller falls back."""


# --------------------------------------------------------------------------------------
# Values
# --------------------------------------------------------------------------------------

ERRORS = ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA")
E_DIV0, E_VALUE, E_REF, E_NAME, E_NUM, E_NA = (
    CellError(e) for e in ("#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A")
)
E_CIRC = CellError(CIRCULAR)
_ERROR_BY_TEXT = {e: CellError(e) for e in ERRORS}


class Area:
    """A rectangular block of values: a range reference or an array.

    ``rows`` holds the first rows only (a range is cut after its last non-blank row);
    rows ``len(rows)`` … ``h - 1`` all hold ``fill`` (blank, None, for a range).
    """

    __slots__ = ("rows", "h", "w", "sheet", "r1", "c1", "fill", "cache")

    def __init__(self, rows, h, w, sheet=None, r1=1, c1=1, fill=None):
        self.rows, self.h, self.w = rows, h, w
        self.sheet, self.r1, self.c1, self.fill = sheet, r1, c1, fill
        self.cache = None

    def get(self, i: int, j: int):
        rows = self.rows
        return rows[i][j] if i < len(rows) else self.fill

    def values(self):
        for row in self.rows:
            yield from row

    @property
    def tail(self) -> int:
        """Number of cells not materialized (all equal to ``fill``)."""
        return (self.h - len(self.rows)) * self.w

    def full(self):
        """Every cell, the cut-off rows included (as blanks)."""
        rows = self.rows
        pad = self.h - len(rows)
        if pad:
            rows = rows + [[self.fill] * self.w for _ in range(pad)]
        return rows


def _scalar(x):
    """A value in a scalar position: a range gives its single cell, or Excel's implicit
    intersection with the formula's row or column, else #VALUE!."""
    if type(x) is not Area:
        return x
    if x.h == 1 and x.w == 1:
        return x.get(0, 0)
    if x.sheet is None:
        return x.get(0, 0)  # an array constant: its first element
    _s, r, c = _CURRENT
    if x.w == 1 and x.r1 <= r < x.r1 + x.h:
        return x.get(r - x.r1, 0)
    if x.h == 1 and x.c1 <= c < x.c1 + x.w:
        return x.get(0, c - x.c1)
    return E_VALUE


_CURRENT = [0, 0, 0]  # sheet id, row, column of the formula being computed

_NUMBER_TEXT = re.compile(r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$")
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?$")
_DATE_TEXT = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$")


def parse_number(text: str):
    """Excel's conversion of text to a number (``"1,234"``, ``" 5% "``, ``"(12)"``,
    ``"2024-1-5"``), or None."""
    s = text.strip()
    if not s:
        return None
    neg = False
    if s[0] == "(" and s[-1] == ")":
        s, neg = s[1:-1].strip(), True
    pct = 0
    while s.endswith("%"):
        s, pct = s[:-1].rstrip(), pct + 1
    if _NUMBER_TEXT.match(s):
        n = float(s)
    elif _THOUSANDS.match(s):
        n = float(s.replace(",", ""))
    else:
        m = _DATE_TEXT.match(s)
        if not m or pct:
            return None
        n = _date_serial(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if n is None or isinstance(n, CellError):
            return None
    n = n / 100**pct if pct else n
    if not math.isfinite(n):
        return None
    return -n if neg else n


def _num(v):
    """A scalar as a number, or the error Excel gives."""
    t = type(v)
    if t is float:
        return v
    if v is None:
        return 0.0
    if t is bool:
        return 1.0 if v else 0.0
    if t is int:
        return float(v)
    if t is CellError:
        return v
    if t is str:
        n = parse_number(v)
        return E_VALUE if n is None else n
    if t is Area:
        return _num(_scalar(v))
    return E_VALUE


def _fin(x: float):
    return x if math.isfinite(x) else E_NUM


def number_text(x: float) -> str:
    """A number as Excel turns it into text (``&``, LEFT, …): up to 15 significant digits."""
    if x == 0:
        return "0"
    if x.is_integer() and abs(x) < 1e15:
        return str(int(x))
    s = "%.15g" % x
    if "e" in s:
        mant, exp = s.split("e")
        e = int(exp)
        if -10 < e < 0:  # Excel writes small numbers out in full up to 1E-10
            s = format(decimal.Decimal(s), "f")
        else:
            s = f"{mant}E{'+' if e >= 0 else '-'}{abs(e):02d}"
    return s


def _text(v):
    t = type(v)
    if t is str:
        return v
    if v is None:
        return ""
    if t is float or t is int:
        return number_text(float(v))
    if t is bool:
        return "TRUE" if v else "FALSE"
    if t is CellError:
        return v
    if t is Area:
        return _text(_scalar(v))
    return str(v)


def _truth(v):
    t = type(v)
    if t is bool:
        return v
    if t is float or t is int:
        return v != 0
    if v is None:
        return False
    if t is CellError:
        return v
    if t is str:
        u = v.strip().upper()
        if u == "TRUE":
            return True
        if u == "FALSE":
            return False
        return E_VALUE
    if t is Area:
        return _truth(_scalar(v))
    return E_VALUE


# --------------------------------------------------------------------------------------
# Operators
# --------------------------------------------------------------------------------------


def _add(a, b):
    a = _num(a)
    if type(a) is CellError:
        return a
    b = _num(b)
    if type(b) is CellError:
        return b
    return _fin(a + b)


def _sub(a, b):
    a = _num(a)
    if type(a) is CellError:
        return a
    b = _num(b)
    if type(b) is CellError:
        return b
    return _fin(a - b)


def _mul(a, b):
    a = _num(a)
    if type(a) is CellError:
        return a
    b = _num(b)
    if type(b) is CellError:
        return b
    return _fin(a * b)


def _div(a, b):
    a = _num(a)
    if type(a) is CellError:
        return a
    b = _num(b)
    if type(b) is CellError:
        return b
    if b == 0:
        return E_DIV0
    return _fin(a / b)


def _pow(a, b):
    a = _num(a)
    if type(a) is CellError:
        return a
    b = _num(b)
    if type(b) is CellError:
        return b
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


def _eq(a, b):
    r = _cmp(a, b)
    return r if type(r) is CellError else r == 0


def _ne(a, b):
    r = _cmp(a, b)
    return r if type(r) is CellError else r != 0


def _lt(a, b):
    r = _cmp(a, b)
    return r if type(r) is CellError else r < 0


def _le(a, b):
    r = _cmp(a, b)
    return r if type(r) is CellError else r <= 0


def _gt(a, b):
    r = _cmp(a, b)
    return r if type(r) is CellError else r > 0


def _ge(a, b):
    r = _cmp(a, b)
    return r if type(r) is CellError else r >= 0


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


# --------------------------------------------------------------------------------------
# Functions
# --------------------------------------------------------------------------------------

FUNCTIONS: dict[str, Callable] = {}


def fn(*names):
    def deco(f):
        for n in names:
            FUNCTIONS[n] = f
        return f

    return deco


def _first_error(args):
    for a in args:
        if type(a) is CellError:
            return a
    return None


def _numbers(args, text_in_args_is_error=True):
    """Numbers as SUM sees them: in ranges only numbers count; a direct argument that is
    text is converted (or #VALUE!), a boolean counts; errors propagate (returned)."""
    out = []
    for a in args:
        t = type(a)
        if t is Area:
            for v in a.values():
                tv = type(v)
                if tv is float or tv is int:
                    out.append(v)
                elif tv is CellError:
                    return v
        elif t is float or t is int:
            out.append(a)
        elif t is bool:
            out.append(1.0 if a else 0.0)
        elif a is None:
            continue
        elif t is CellError:
            return a
        elif t is str:
            n = parse_number(a)
            if n is None:
                if text_in_args_is_error:
                    return E_VALUE
                continue
            out.append(n)
    return out


@fn("SUM")
def f_sum(*args):
    ns = _numbers(args)
    return ns if type(ns) is CellError else _fin(math.fsum(ns))


@fn("AVERAGE")
def f_average(*args):
    ns = _numbers(args)
    if type(ns) is CellError:
        return ns
    return _fin(math.fsum(ns) / len(ns)) if ns else E_DIV0


@fn("MIN")
def f_min(*args):
    ns = _numbers(args)
    return ns if type(ns) is CellError else (float(min(ns)) if ns else 0.0)


@fn("MAX")
def f_max(*args):
    ns = _numbers(args)
    return ns if type(ns) is CellError else (float(max(ns)) if ns else 0.0)


def _median(ns):
    s = sorted(ns)
    n = len(s)
    mid = n // 2
    return float(s[mid]) if n % 2 else (s[mid - 1] + s[mid]) / 2


@fn("MEDIAN")
def f_median(*args):
    ns = _numbers(args)
    if type(ns) is CellError:
        return ns
    return _median(ns) if ns else E_NUM


def _percentile_inc(ns, p):
    s = sorted(ns)
    pos = (len(s) - 1) * p
    lo = math.floor(pos)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (pos - lo)


@fn("QUARTILE", "QUARTILE.INC", "_XLFN.QUARTILE.INC")
def f_quartile(array, quart):
    ns = _numbers([array])
    if type(ns) is CellError:
        return ns
    q = _num(_scalar(quart))
    if type(q) is CellError:
        return q
    q = int(q)
    if not ns or q < 0 or q > 4:
        return E_NUM
    return float(_percentile_inc(ns, q / 4))


@fn("PERCENTILE", "PERCENTILE.INC", "_XLFN.PERCENTILE.INC")
def f_percentile(array, k):
    ns = _numbers([array])
    if type(ns) is CellError:
        return ns
    p = _num(_scalar(k))
    if type(p) is CellError:
        return p
    if not ns or p < 0 or p > 1:
        return E_NUM
    return float(_percentile_inc(ns, p))


@fn("COUNT")
def f_count(*args):
    n = 0
    for a in args:
        t = type(a)
        if t is Area:
            for v in a.values():
                tv = type(v)
                if tv is float or tv is int:
                    n += 1
        elif t is float or t is int or t is bool:
            n += 1
        elif t is str and parse_number(a) is not None:
            n += 1
    return float(n)


@fn("COUNTA")
def f_counta(*args):
    n = 0
    for a in args:
        if type(a) is Area:
            for row in a.rows:
                for v in row:
                    if v is not None:
                        n += 1
        elif a is not _MISSING:
            n += 1
    return float(n)


@fn("COUNTBLANK")
def f_countblank(rng):
    if type(rng) is not Area:
        return E_VALUE
    n = sum(1 for v in rng.values() if v is None or v == "")
    return float(n + rng.tail)


def _rank_values(ref):
    if type(ref) is not Area:
        return E_NA
    out = []
    for v in ref.values():
        tv = type(v)
        if tv is float or tv is int:
            out.append(v)
        elif tv is CellError:
            return v
    return out


@fn("RANK", "RANK.EQ", "_XLFN.RANK.EQ")
def f_rank(number, ref, order=None):
    x = _num(_scalar(number))
    if type(x) is CellError:
        return x
    ns = _rank_values(ref)
    if type(ns) is CellError:
        return ns
    o = _num(_scalar(order))
    if type(o) is CellError:
        return o
    if not any(_close(x, v) for v in ns):
        return E_NA
    if o == 0:
        return float(1 + sum(1 for v in ns if v > x and not _close(v, x)))
    return float(1 + sum(1 for v in ns if v < x and not _close(v, x)))


# ---- logical -------------------------------------------------------------------------


def _logicals(args):
    out = []
    for a in args:
        t = type(a)
        if t is Area:
            for v in a.values():
                tv = type(v)
                if tv is bool:
                    out.append(v)
                elif tv is float or tv is int:
                    out.append(v != 0)
                elif tv is CellError:
                    return v
        elif a is None or a is _MISSING:
            continue
        else:
            b = _truth(a)
            if type(b) is CellError:
                return b
            out.append(b)
    return out if out else E_VALUE


@fn("AND")
def f_and(*args):
    bs = _logicals(args)
    return bs if type(bs) is CellError else all(bs)


@fn("OR")
def f_or(*args):
    bs = _logicals(args)
    return bs if type(bs) is CellError else any(bs)


@fn("NOT")
def f_not(x):
    b = _truth(_scalar(x))
    return b if type(b) is CellError else not b


@fn("TRUE")
def f_true():
    return True


@fn("FALSE")
def f_false():
    return False


@fn("ISERROR")
def f_iserror(x):
    return type(_scalar(x)) is CellError


@fn("ISERR")
def f_iserr(x):
    v = _scalar(x)
    return type(v) is CellError and v != "#N/A"


@fn("ISNA")
def f_isna(x):
    v = _scalar(x)
    return type(v) is CellError and v == "#N/A"


@fn("ISNUMBER")
def f_isnumber(x):
    t = type(_scalar(x))
    return t is float or t is int


@fn("ISTEXT")
def f_istext(x):
    return type(_scalar(x)) is str


@fn("ISNONTEXT")
def f_isnontext(x):
    return type(_scalar(x)) is not str


@fn("ISLOGICAL")
def f_islogical(x):
    return type(_scalar(x)) is bool


@fn("ISBLANK")
def f_isblank(x):
    return _scalar(x) is None


@fn("N")
def f_n(x):
    v = x.get(0, 0) if type(x) is Area else x
    t = type(v)
    if t is float or t is int:
        return float(v)
    if t is bool:
        return 1.0 if v else 0.0
    if t is CellError:
        return v
    return 0.0


@fn("T")
def f_t(x):
    v = x.get(0, 0) if type(x) is Area else x
    if type(v) is CellError:
        return v
    return v if type(v) is str else ""


@fn("NA")
def f_na():
    return E_NA


@fn("CHOOSE")
def f_choose(index, *values):
    i = _num(_scalar(index))
    if type(i) is CellError:
        return i
    i = int(i)
    if i < 1 or i > len(values):
        return E_VALUE
    v = values[i - 1]
    return None if v is _MISSING else v


# ---- criteria (SUMIF, COUNTIF, …) ----------------------------------------------------

_CRITERIA_CACHE: dict[Any, Callable] = {}
_CRIT_OP = re.compile(r"^(<=|>=|<>|<|>|=)?(.*)$", re.S)


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


@fn("SUMIF")
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


@fn("COUNTIF")
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


# ---- lookup ------------------------------------------------------------------------------


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


@fn("MATCH")
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


@fn("INDEX")
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


@fn("VLOOKUP")
def f_vlookup(lookup, table, col, approx=None):
    x = _scalar(lookup)
    if type(x) is CellError:
        return x
    if type(table) is not Area:
        return E_VALUE
    c = _num(_scalar(col))
    if type(c) is CellError:
        return c
    c = int(c)
    if c < 1:
        return E_VALUE
    if c > table.w:
        return E_REF
    exact = approx is not None and approx is not _MISSING and _truth(_scalar(approx)) is False
    if approx is _MISSING:
        exact = True  # VLOOKUP(x, t, 2, ) is an exact match
    if x is None:
        return E_NA
    memo = _memo(table)
    first = memo.get("col0")
    if first is None:
        first = memo["col0"] = [row[0] for row in table.rows]
    if exact:
        i = _exact_index(memo, first, x, "index0")
    else:
        i = _approx_index(first, x)
    return E_NA if i is None else table.get(i, c - 1)


@fn("HLOOKUP")
def f_hlookup(lookup, table, row, approx=None):
    x = _scalar(lookup)
    if type(x) is CellError:
        return x
    if type(table) is not Area:
        return E_VALUE
    r = _num(_scalar(row))
    if type(r) is CellError:
        return r
    r = int(r)
    if r < 1:
        return E_VALUE
    if r > table.h:
        return E_REF
    exact = approx is _MISSING or (approx is not None and _truth(_scalar(approx)) is False)
    memo = _memo(table)
    first = memo.get("row0")
    if first is None:
        first = memo["row0"] = list(table.rows[0]) if table.rows else []
    if x is None:
        return E_NA
    if exact:
        i = _exact_index(memo, first, x, "index_row0")
    else:
        i = _approx_index(first, x)
    return E_NA if i is None else table.get(r - 1, i)


@fn("ROWS")
def f_rows(a):
    return float(a.h) if type(a) is Area else 1.0


@fn("COLUMNS")
def f_columns(a):
    return float(a.w) if type(a) is Area else 1.0


# ---- math --------------------------------------------------------------------------------


def _args_num(*args):
    out = []
    for a in args:
        v = _num(_scalar(a))
        if type(v) is CellError:
            return v
        out.append(v)
    return out


def _round(x: float, digits: float, mode) -> float:
    d = decimal.Decimal("%.15g" % x)
    q = decimal.Decimal(1).scaleb(-int(digits))
    return float(d.quantize(q, rounding=mode)) if int(digits) >= 0 else float(
        (d / q).quantize(decimal.Decimal(1), rounding=mode) * q
    )


@fn("ROUND")
def f_round(x, digits=None):
    a = _args_num(x, digits)
    if type(a) is CellError:
        return a
    return _round(a[0], a[1], decimal.ROUND_HALF_UP)


@fn("ROUNDUP")
def f_roundup(x, digits=None):
    a = _args_num(x, digits)
    if type(a) is CellError:
        return a
    return _round(a[0], a[1], decimal.ROUND_UP)


@fn("ROUNDDOWN", "TRUNC")
def f_rounddown(x, digits=None):
    a = _args_num(x, digits)
    if type(a) is CellError:
        return a
    return _round(a[0], a[1], decimal.ROUND_DOWN)


@fn("INT")
def f_int(x):
    a = _num(_scalar(x))
    return a if type(a) is CellError else float(math.floor(a))


@fn("ABS")
def f_abs(x):
    a = _num(_scalar(x))
    return a if type(a) is CellError else abs(a)


@fn("SIGN")
def f_sign(x):
    a = _num(_scalar(x))
    return a if type(a) is CellError else float((a > 0) - (a < 0))


@fn("MOD")
def f_mod(x, y):
    a = _args_num(x, y)
    if type(a) is CellError:
        return a
    if a[1] == 0:
        return E_DIV0
    return a[0] - a[1] * math.floor(a[0] / a[1])


@fn("POWER")
def f_power(x, y):
    return _pow(_scalar(x), _scalar(y))


@fn("SQRT")
def f_sqrt(x):
    a = _num(_scalar(x))
    if type(a) is CellError:
        return a
    return E_NUM if a < 0 else math.sqrt(a)


@fn("EXP")
def f_exp(x):
    a = _num(_scalar(x))
    if type(a) is CellError:
        return a
    try:
        return _fin(math.exp(a))
    except OverflowError:
        return E_NUM


@fn("LN")
def f_ln(x):
    a = _num(_scalar(x))
    if type(a) is CellError:
        return a
    return E_NUM if a <= 0 else math.log(a)


@fn("LOG10")
def f_log10(x):
    a = _num(_scalar(x))
    if type(a) is CellError:
        return a
    return E_NUM if a <= 0 else math.log10(a)


@fn("LOG")
def f_log(x, base=None):
    a = _args_num(x, 10.0 if base is None or base is _MISSING else base)
    if type(a) is CellError:
        return a
    if a[0] <= 0 or a[1] <= 0:
        return E_NUM
    if a[1] == 1:
        return E_DIV0
    return math.log(a[0]) / math.log(a[1])


@fn("PI")
def f_pi():
    return math.pi


# ---- finance ------------------------------------------------------------------------------


@fn("NPV")
def f_npv(rate, *values):
    r = _num(_scalar(rate))
    if type(r) is CellError:
        return r
    ns = _numbers(values)
    if type(ns) is CellError:
        return ns
    if r == -1:
        return E_DIV0
    return _fin(math.fsum(v / (1 + r) ** (i + 1) for i, v in enumerate(ns)))


@fn("IRR")
def f_irr(values, guess=None):
    ns = _numbers([values]) if type(values) is Area else _numbers([values])
    if type(ns) is CellError:
        return ns
    g = 0.1 if guess is None or guess is _MISSING else _num(_scalar(guess))
    if type(g) is CellError:
        return g
    if not any(v > 0 for v in ns) or not any(v < 0 for v in ns):
        return E_NUM
    x = g
    for _ in range(100):
        try:
            f = sum(v / (1 + x) ** i for i, v in enumerate(ns))
            d = sum(-i * v / (1 + x) ** (i + 1) for i, v in enumerate(ns))
        except (ZeroDivisionError, OverflowError):
            return E_NUM
        if d == 0:
            return E_NUM
        nx = x - f / d
        if abs(nx - x) < 1e-12 * max(1.0, abs(x)):
            return nx
        x = nx
        if x <= -1:
            return E_NUM
    return E_NUM


def _opt_num(x, default=0.0):
    if x is None or x is _MISSING:
        return default
    return _num(_scalar(x))


@fn("PV")
def f_pv(rate, nper, pmt, fv=None, typ=None):
    a = _args_num(rate, nper, pmt)
    if type(a) is CellError:
        return a
    f, t = _opt_num(fv), _opt_num(typ)
    if type(f) is CellError:
        return f
    if type(t) is CellError:
        return t
    r, n, p = a
    t = 1.0 if t else 0.0
    if r == 0:
        return _fin(-(f + p * n))
    try:
        q = (1 + r) ** n
    except OverflowError:
        return E_NUM
    return _fin(-(f + p * (1 + r * t) * (q - 1) / r) / q)


@fn("FV")
def f_fv(rate, nper, pmt, pv=None, typ=None):
    a = _args_num(rate, nper, pmt)
    if type(a) is CellError:
        return a
    v, t = _opt_num(pv), _opt_num(typ)
    if type(v) is CellError:
        return v
    if type(t) is CellError:
        return t
    r, n, p = a
    t = 1.0 if t else 0.0
    if r == 0:
        return _fin(-(v + p * n))
    q = (1 + r) ** n
    return _fin(-(v * q + p * (1 + r * t) * (q - 1) / r))


@fn("PMT")
def f_pmt(rate, nper, pv, fv=None, typ=None):
    a = _args_num(rate, nper, pv)
    if type(a) is CellError:
        return a
    f, t = _opt_num(fv), _opt_num(typ)
    if type(f) is CellError:
        return f
    if type(t) is CellError:
        return t
    r, n, v = a
    t = 1.0 if t else 0.0
    if n == 0:
        return E_NUM
    if r == 0:
        return _fin(-(v + f) / n)
    q = (1 + r) ** n
    return _fin(-(v * q + f) * r / ((1 + r * t) * (q - 1)))


@fn("RATE")
def f_rate(nper, pmt, pv, fv=None, typ=None, guess=None):
    a = _args_num(nper, pmt, pv)
    if type(a) is CellError:
        return a
    f, t, g = _opt_num(fv), _opt_num(typ), _opt_num(guess, 0.1)
    for x in (f, t, g):
        if type(x) is CellError:
            return x
    n, p, v = a
    t = 1.0 if t else 0.0

    def y(r):
        if abs(r) < 1e-12:
            return v + p * n + f
        q = (1 + r) ** n
        return v * q + p * (1 + r * t) * (q - 1) / r + f

    r = g
    for _ in range(100):
        try:
            fy = y(r)
            h = 1e-7 * max(1.0, abs(r))
            d = (y(r + h) - y(r - h)) / (2 * h)
        except (OverflowError, ZeroDivisionError):
            return E_NUM
        if d == 0 or not math.isfinite(d):
            return E_NUM
        nr = r - fy / d
        if abs(nr - r) < 1e-13:
            return nr
        r = nr
        if r <= -1:
            return E_NUM
    return E_NUM


# ---- text --------------------------------------------------------------------------------


def _str_arg(x):
    return _text(_scalar(x))


@fn("LEN")
def f_len(x):
    s = _str_arg(x)
    return s if type(s) is CellError else float(len(s))


def _count_arg(n, default=1.0):
    v = _opt_num(n, default)
    if type(v) is CellError:
        return v
    return E_VALUE if v < 0 else int(v)


@fn("LEFT")
def f_left(x, n=None):
    s, k = _str_arg(x), _count_arg(n)
    for v in (s, k):
        if type(v) is CellError:
            return v
    return s[:k]


@fn("RIGHT")
def f_right(x, n=None):
    s, k = _str_arg(x), _count_arg(n)
    for v in (s, k):
        if type(v) is CellError:
            return v
    return s[len(s) - k:] if k else ""


@fn("MID")
def f_mid(x, start, n):
    s = _str_arg(x)
    if type(s) is CellError:
        return s
    a = _args_num(start, n)
    if type(a) is CellError:
        return a
    st, k = int(a[0]), int(a[1])
    if st < 1 or k < 0:
        return E_VALUE
    return s[st - 1: st - 1 + k]


@fn("UPPER")
def f_upper(x):
    s = _str_arg(x)
    return s if type(s) is CellError else s.upper()


@fn("LOWER")
def f_lower(x):
    s = _str_arg(x)
    return s if type(s) is CellError else s.lower()


@fn("TRIM")
def f_trim(x):
    s = _str_arg(x)
    return s if type(s) is CellError else " ".join(p for p in s.split(" ") if p)


@fn("SUBSTITUTE")
def f_substitute(x, old, new, instance=None):
    s, o, n = _str_arg(x), _str_arg(old), _str_arg(new)
    for v in (s, o, n):
        if type(v) is CellError:
            return v
    if instance is None or instance is _MISSING:
        return s.replace(o, n) if o else s
    k = _num(_scalar(instance))
    if type(k) is CellError:
        return k
    k = int(k)
    if k < 1:
        return E_VALUE
    if not o:
        return s
    pos = -1
    for _ in range(k):
        pos = s.find(o, pos + 1)
        if pos < 0:
            return s
    return s[:pos] + n + s[pos + len(o):]


@fn("CONCATENATE", "CONCAT", "_XLFN.CONCAT")
def f_concatenate(*args):
    out = []
    for a in args:
        vals = a.values() if type(a) is Area else (a,)
        for v in vals:
            s = _text(None if v is _MISSING else v)
            if type(s) is CellError:
                return s
            out.append(s)
    return "".join(out)


@fn("EXACT")
def f_exact(a, b):
    s, t = _str_arg(a), _str_arg(b)
    for v in (s, t):
        if type(v) is CellError:
            return v
    return s == t


@fn("FIND")
def f_find(find, within, start=None):
    s, t = _str_arg(find), _str_arg(within)
    for v in (s, t):
        if type(v) is CellError:
            return v
    st = _count_arg(start)
    if type(st) is CellError:
        return st
    if st < 1 or st > len(t) + 1:
        return E_VALUE
    i = t.find(s, st - 1)
    return E_VALUE if i < 0 else float(i + 1)


@fn("VALUE")
def f_value(x):
    v = _scalar(x)
    t = type(v)
    if t is CellError:
        return v
    if t is float or t is int:
        return float(v)
    if v is None:
        return 0.0
    if t is bool:
        return E_VALUE
    n = parse_number(v)
    return E_VALUE if n is None else n


_FORMAT_NUMBER = re.compile(r"^([#,0]*)(?:\.([0#]*))?(%?)$")


def format_number(x: float, fmt: str):
    """TEXT(x, fmt) for number formats made of 0 # , . % (and "General")."""
    f = fmt.strip()
    if f.upper() in ("GENERAL", "G/通用格式", ""):
        return number_text(x)
    m = _FORMAT_NUMBER.match(f)
    if not m or not (m.group(1) or m.group(2)):
        raise Unsupported(f"TEXT 格式 {fmt!r}")
    int_part, dec_part, pct = m.group(1), m.group(2) or "", m.group(3)
    if pct:
        x = x * 100
    places = len(dec_part)
    d = decimal.Decimal("%.15g" % x).quantize(decimal.Decimal(1).scaleb(-places), rounding=decimal.ROUND_HALF_UP)
    neg = d < 0
    d = abs(d)
    text = f"{d:,.{places}f}" if "," in int_part else f"{d:.{places}f}"
    # optional decimals (#) drop trailing zeros
    optional = len(dec_part) - len(dec_part.rstrip("#"))
    if optional and "." in text:
        head, tail = text.split(".")
        keep = len(dec_part) - optional
        tail = tail[:keep] + tail[keep:].rstrip("0")
        text = head + ("." + tail if tail else ("." if dec_part.startswith("#") and keep == 0 else ""))
        text = text.rstrip(".")
    min_int = int_part.replace(",", "").count("0")
    head = text.split(".")[0].replace(",", "")
    if min_int == 0 and head == "0":
        text = text[1:] if "." in text else ""
    elif len(head) < min_int:
        text = "0" * (min_int - len(head)) + text
    if neg and any(ch.isdigit() and ch != "0" for ch in text):
        text = "-" + text
    return text + ("%" if pct else "")


_DATE_FORMAT = re.compile(r"yyyy|yy|mm|m|dd|d|[年月日/\-. ]", re.I)


def _format_date(serial: float, fmt: str) -> str:
    day = _serial_date(serial)
    if day is None:
        return E_VALUE
    out = []
    pos = 0
    for m in _DATE_FORMAT.finditer(fmt):
        if m.start() != pos:
            raise Unsupported(f"TEXT 格式 {fmt!r}")
        tok = m.group(0)
        low = tok.lower()
        out.append({"yyyy": f"{day.year:04d}", "yy": f"{day.year % 100:02d}", "mm": f"{day.month:02d}",
                    "m": str(day.month), "dd": f"{day.day:02d}", "d": str(day.day)}.get(low, tok))
        pos = m.end()
    if pos != len(fmt):
        raise Unsupported(f"TEXT 格式 {fmt!r}")
    return "".join(out)


@fn("TEXT")
def f_text(value, fmt):
    v = _scalar(value)
    f = _str_arg(fmt)
    if type(v) is CellError:
        return v
    if type(f) is CellError:
        return f
    if f == "@":
        return _text(v)
    if type(v) is str:
        n = parse_number(v)
        if n is None:
            return v
        v = n
    x = _num(v)
    if type(x) is CellError:
        return x
    if re.search(r"[ymd]", f, re.I) and not re.search(r"[0#]", f):
        return _format_date(x, f)
    return format_number(x, f)


# ---- dates -------------------------------------------------------------------------------

_EPOCH = dt.date(1899, 12, 30)


def _date_serial(y: int, m: int, d: int):
    if y < 0 or y > 9999:
        return E_NUM
    if y < 1900:
        y += 1900
    y += (m - 1) // 12
    m = (m - 1) % 12 + 1
    try:
        base = dt.date(y, m, 1)
    except ValueError:
        return E_NUM
    serial = (base - _EPOCH).days + (d - 1)
    if serial < 61:  # before Excel's 1900-02-29, serials count from 1900-01-01 = 1
        serial -= 1
    return float(serial) if serial >= 0 else E_NUM


def _serial_date(x: float):
    n = int(math.floor(x))
    if n < 0 or n > 2958465:
        return None
    if n == 60:
        return None  # 1900-02-29 does not exist
    if n < 60:
        n += 1
    return _EPOCH + dt.timedelta(days=n)


@fn("DATE")
def f_date(y, m, d):
    a = _args_num(y, m, d)
    if type(a) is CellError:
        return a
    return _date_serial(int(a[0]), int(a[1]), int(a[2]))


def _date_part(x, part):
    a = _num(_scalar(x))
    if type(a) is CellError:
        return a
    if int(a) == 60:
        return {"y": 1900.0, "m": 2.0, "d": 29.0}[part]
    day = _serial_date(a)
    if day is None:
        return E_NUM
    return float({"y": day.year, "m": day.month, "d": day.day}[part])


@fn("YEAR")
def f_year(x):
    return _date_part(x, "y")


@fn("MONTH")
def f_month(x):
    return _date_part(x, "m")


@fn("DAY")
def f_day(x):
    return _date_part(x, "d")


# Functions IF, IFERROR, IFNA are compiled inline (only the returned branch is computed).
INLINE = {"IF", "IFERROR", "IFNA", "_XLFN.IFNA"}
# Functions whose arguments are computed element by element over ranges (array context).
ARRAY_ARGS = {"SUMPRODUCT"}
#: One-argument functions applied cell by cell inside SUMPRODUCT: SUMPRODUCT((A=x)*ISNUMBER(B)).
ELEMENTWISE = {"ISNUMBER", "ISTEXT", "ISBLANK", "LEN", "N", "ABS", "NOT"}


class _Missing:
    """An omitted argument: ``=IF(A1,,1)``."""

    __slots__ = ()

    def __repr__(self):
        return "MISSING"


_MISSING = _Missing()
_BOOK: list = [None]  # the workbook being computed (for SUMIF's sum range)


# --------------------------------------------------------------------------------------
# References
# --------------------------------------------------------------------------------------

_CELL = r"(\$?)([A-Za-z]{1,3})(\$?)(\d+)"
_REF = re.compile(
    rf"^(?:(?P<sheet>'(?:[^']|'')+'|[^'!:\[\]]+)!)?"
    rf"(?:(?P<cell>{_CELL})(?::(?P<cell2>{_CELL}))?"
    r"|(?P<cols>\$?[A-Za-z]{1,3}:\$?[A-Za-z]{1,3})"
    r"|(?P<rows>\$?\d+:\$?\d+))$"
)
_NAME = re.compile(r"^[^\d\s!\"'()\[\]{}:;,+\-*/^&=<>%$#][^\s!\"'()\[\]{}:;,+\-*/^&=<>%$#]*$")


_COLUMNS: dict[str, int] = {}


def _letters_to_col(s: str) -> int:
    n = _COLUMNS.get(s)
    if n is None:
        n = 0
        for ch in s.upper():
            n = n * 26 + ord(ch) - 64
        if len(_COLUMNS) < 100_000:
            _COLUMNS[s] = n
    return n


@dataclass(frozen=True)
class RefSpec:
    """A reference relative to the formula's cell: rows/columns are offsets unless absolute."""

    sheet: str | None  # upper-cased sheet name; None: the formula's own sheet
    r1: int
    c1: int
    r2: int
    c2: int
    abs: tuple[bool, bool, bool, bool]  # r1, c1, r2, c2 absolute?
    single: bool


def parse_ref(text: str, row: int, col: int) -> RefSpec | None:
    """A reference token (``'D.6 产品产量'!$B$5:$B$504``, ``A:A``) made relative to (row, col)."""
    m = _REF.match(text)
    if not m:
        return None
    sheet = m.group("sheet")
    if sheet is not None:
        if sheet.startswith("'"):
            sheet = sheet[1:-1].replace("''", "'")
        sheet = sheet.upper()
    if m.group("cell"):
        g = m.groups()
        # groups: sheet, cell, $, col, $, row, cell2, $, col, $, row, cols, rows
        c1a, c1, r1a, r1 = g[2] == "$", _letters_to_col(g[3]), g[4] == "$", int(g[5])
        if m.group("cell2"):
            c2a, c2, r2a, r2 = g[7] == "$", _letters_to_col(g[8]), g[9] == "$", int(g[10])
            single = False
        else:
            c2a, c2, r2a, r2, single = c1a, c1, r1a, r1, True
    elif m.group("cols"):
        a, b = m.group("cols").split(":")
        c1a, c1 = a.startswith("$"), _letters_to_col(a.lstrip("$"))
        c2a, c2 = b.startswith("$"), _letters_to_col(b.lstrip("$"))
        r1a, r1, r2a, r2, single = True, 1, True, MAX_ROW, False
    else:
        a, b = m.group("rows").split(":")
        r1a, r1 = a.startswith("$"), int(a.lstrip("$"))
        r2a, r2 = b.startswith("$"), int(b.lstrip("$"))
        c1a, c1, c2a, c2, single = True, 1, True, MAX_COL, False
    if not (1 <= r1 <= MAX_ROW and 1 <= r2 <= MAX_ROW and 1 <= c1 <= MAX_COL and 1 <= c2 <= MAX_COL):
        return None
    if not single and (r1 > r2 or c1 > c2) and r1a == r2a and c1a == c2a:
        r1, r2 = min(r1, r2), max(r1, r2)
        c1, c2 = min(c1, c2), max(c1, c2)
    return RefSpec(
        sheet,
        r1 if r1a else r1 - row,
        c1 if c1a else c1 - col,
        r2 if r2a else r2 - row,
        c2 if c2a else c2 - col,
        (r1a, c1a, r2a, c2a),
        single,
    )


def resolve(spec: RefSpec, row: int, col: int) -> tuple[int, int, int, int] | None:
    """Absolute (r1, c1, r2, c2) of a relative reference at (row, col); None when off-sheet."""
    ra, ca, rb, cb = spec.abs
    r1 = spec.r1 if ra else spec.r1 + row
    c1 = spec.c1 if ca else spec.c1 + col
    r2 = spec.r2 if rb else spec.r2 + row
    c2 = spec.c2 if cb else spec.c2 + col
    if r1 > r2:
        r1, r2 = r2, r1
    if c1 > c2:
        c1, c2 = c2, c1
    if r1 < 1 or c1 < 1 or r2 > MAX_ROW or c2 > MAX_COL:
        return None
    return r1, c1, r2, c2


# --------------------------------------------------------------------------------------
# Tokens and the shape of a formula
# --------------------------------------------------------------------------------------

_FUNC_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.]*\($")


def shape(text: str, row: int, col: int) -> tuple:
    """The formula's tokens with references made relative: equal for copies of a formula."""
    from openpyxl.formula.tokenizer import Tokenizer

    try:
        items = Tokenizer("=" + text).items
    except Exception as ex:  # noqa: BLE001 - any tokenizer failure: not for this engine
        raise Unsupported(f"无法解析公式 {text!r}: {ex}") from None
    out = []
    for t in items:
        typ, sub, val = t.type, t.subtype, t.value
        if typ == "WHITE-SPACE":
            continue
        if typ == "OPERAND" and sub == "RANGE":
            spec = parse_ref(val, row, col)
            if spec is not None:
                out.append(("REF", spec))
            elif _NAME.match(val) and "[" not in val:
                out.append(("NAME", val.upper()))
            else:
                raise Unsupported(f"引用 {val!r}")
        elif typ == "FUNC" and sub == "OPEN":
            if not _FUNC_NAME.match(val):
                raise Unsupported(f"函数 {val!r}")
            out.append(("FUNC", val[:-1].upper()))
        elif typ == "OPERAND":
            out.append((sub, val))
        else:
            out.append((typ + ":" + sub, val))
    return tuple(out)


# --------------------------------------------------------------------------------------
# Parser (tokens -> tree) and code generation (tree -> Python function)
# --------------------------------------------------------------------------------------

_INFIX_PREC = {
    "=": 1, "<>": 1, "<": 1, ">": 1, "<=": 1, ">=": 1,
    "&": 2, "+": 3, "-": 3, "*": 4, "/": 4, "^": 5,
}
_PREFIX_PREC = 7  # negation binds tighter than ^ in Excel (=-2^2 is 4)
_POSTFIX_PREC = 6


class _Parser:
    def __init__(self, tokens: tuple):
        self.toks = tokens
        self.i = 0

    def peek(self):
        return self.toks[self.i] if self.i < len(self.toks) else (None, None)

    def take(self):
        t = self.peek()
        self.i += 1
        return t

    def parse(self):
        node = self.expr(0)
        if self.i != len(self.toks):
            raise Unsupported(f"多余的记号 {self.peek()!r}")
        return node

    def expr(self, min_prec: int):
        left = self.prefix()
        while True:
            typ, val = self.peek()
            if typ == "OPERATOR-POSTFIX:" and val == "%":
                if _POSTFIX_PREC < min_prec:
                    break
                self.take()
                left = ("pct", left)
                continue
            if typ == "OPERATOR-INFIX:" and val in _INFIX_PREC:
                prec = _INFIX_PREC[val]
                if prec < min_prec:
                    break
                self.take()
                right = self.expr(prec + 1)  # all binary operators are left-associative
                left = ("bin", val, left, right)
                continue
            if typ == "OPERATOR-INFIX:":
                raise Unsupported(f"运算符 {val!r}")
            break
        return left

    def prefix(self):
        typ, val = self.take()
        if typ == "OPERATOR-PREFIX:":
            operand = self.expr(_PREFIX_PREC)
            return ("neg", operand) if val == "-" else ("pos", operand)
        if typ == "NUMBER":
            return ("num", float(val))
        if typ == "TEXT":
            return ("str", val[1:-1].replace('""', '"'))
        if typ == "LOGICAL":
            return ("bool", val.upper() == "TRUE")
        if typ == "ERROR":
            if val.upper() not in _ERROR_BY_TEXT:
                raise Unsupported(f"错误值 {val!r}")
            return ("err", val.upper())
        if typ == "REF":
            return ("ref", val)
        if typ == "NAME":
            return ("name", val)
        if typ == "PAREN:OPEN":
            node = self.expr(0)
            if self.take()[0] != "PAREN:CLOSE":
                raise Unsupported("括号不匹配")
            return node
        if typ == "FUNC":
            return self.call(val)
        if typ == "ARRAY:OPEN":
            return self.array()
        raise Unsupported(f"记号 {typ} {val!r}")

    def call(self, name: str):
        args = []
        if self.peek()[0] == "FUNC:CLOSE":
            self.take()
            return ("call", name, args)
        while True:
            typ, _ = self.peek()
            if typ in ("SEP:ARG", "FUNC:CLOSE"):
                args.append(("miss",))
            else:
                args.append(self.expr(0))
            typ, val = self.take()
            if typ == "SEP:ARG":
                continue
            if typ == "FUNC:CLOSE":
                return ("call", name, args)
            raise Unsupported(f"函数参数中的记号 {typ} {val!r}")

    def array(self):
        rows, row = [], []
        while True:
            typ, val = self.take()
            sign = 1.0
            if typ == "OPERATOR-PREFIX:" and val == "-":
                sign = -1.0
                typ, val = self.take()
            if typ == "NUMBER":
                row.append(sign * float(val))
            elif typ == "TEXT":
                row.append(val[1:-1].replace('""', '"'))
            elif typ == "LOGICAL":
                row.append(val.upper() == "TRUE")
            elif typ == "ERROR" and val.upper() in _ERROR_BY_TEXT:
                row.append(_ERROR_BY_TEXT[val.upper()])
            else:
                raise Unsupported("数组常量")
            typ, _ = self.take()
            if typ == "SEP:ARG":
                continue
            if typ == "SEP:ROW":
                rows.append(row)
                row = []
                continue
            if typ == "ARRAY:CLOSE":
                rows.append(row)
                if len({len(r) for r in rows}) != 1:
                    raise Unsupported("数组常量")
                return ("arr", rows)
            raise Unsupported("数组常量")


_OPS = {"+": "_add", "-": "_sub", "*": "_mul", "/": "_div", "^": "_pow", "&": "_cat",
        "=": "_eq", "<>": "_ne", "<": "_lt", "<=": "_le", ">": "_gt", ">=": "_ge"}


class _CodeGen:
    """Python source for one formula shape. The function is ``f(B, s, r, c)``: the book,
    the sheet id and the cell's row and column."""

    def __init__(self, book: "Book"):
        self.book = book
        self.consts: list[Any] = []
        self.temps = 0

    def const(self, value) -> str:
        self.consts.append(value)
        return f"K[{len(self.consts) - 1}]"

    def sheet_expr(self, sheet: str | None) -> str | None:
        if sheet is None:
            return "s"
        sid = self.book.sheet_ids.get(sheet)
        return None if sid is None else str(sid)

    def ref(self, spec: RefSpec, ctx: str) -> str:
        """ctx: "scalar" (a value), "value" (cell value, or Area for a block), "ref" (Area)."""
        sid = self.sheet_expr(spec.sheet)
        if sid is None:
            return self.const(E_REF)
        ra, ca, rb, cb = spec.abs

        def pos(n, absolute, var):
            if absolute:
                return str(n)
            if n == 0:
                return var
            return f"{var}+{n}" if n > 0 else f"{var}-{-n}"

        r1, c1 = pos(spec.r1, ra, "r"), pos(spec.c1, ca, "c")
        if spec.single and ctx != "ref":
            return f"V[{sid}].get(({r1},{c1}))"
        r2, c2 = pos(spec.r2, rb, "r"), pos(spec.c2, cb, "c")
        area = f"A({sid},{r1},{c1},{r2},{c2})"
        return f"_scalar({area})" if ctx == "scalar" else area

    def name(self, name: str, ctx: str) -> str:
        target = self.book.name_value(name)
        if isinstance(target, tuple):  # (sheet upper, r1, c1, r2, c2)
            sheet, r1, c1, r2, c2 = target
            spec = RefSpec(sheet, r1, c1, r2, c2, (True,) * 4, (r1, c1) == (r2, c2))
            return self.ref(spec, ctx)
        return self.const(target)

    def gen(self, node, ctx: str = "scalar", array: bool = False) -> str:
        kind = node[0]
        if kind == "num":
            return repr(node[1])
        if kind == "str":
            return repr(node[1])
        if kind == "bool":
            return repr(node[1])
        if kind == "err":
            return self.const(_ERROR_BY_TEXT[node[1]])
        if kind == "miss":
            return "None"
        if kind == "ref":
            return self.ref(node[1], "ref" if array else ctx)
        if kind == "name":
            return self.name(node[1], "ref" if array else ctx)
        if kind == "arr":
            rows = node[1]
            return self.const(Area(rows, len(rows), len(rows[0])))
        if kind == "neg":
            inner = self.gen(node[1], "ref" if array else "scalar", array)
            return f"_elementwise1(_neg,{inner})" if array else f"_neg({inner})"
        if kind == "pos":
            return self.gen(node[1], ctx, array)
        if kind == "pct":
            inner = self.gen(node[1], "ref" if array else "scalar", array)
            return f"_elementwise1(_pct,{inner})" if array else f"_pct({inner})"
        if kind == "bin":
            op = _OPS[node[1]]
            sub = "ref" if array else "scalar"
            a, b = self.gen(node[2], sub, array), self.gen(node[3], sub, array)
            return f"_elementwise({op},{a},{b})" if array else f"{op}({a},{b})"
        if kind == "call":
            return self.call(node[1], node[2], ctx, array)
        raise Unsupported(f"节点 {kind}")

    def temp(self) -> str:
        self.temps += 1
        return f"t{self.temps}"

    def call(self, name: str, args: list, ctx: str, array: bool) -> str:
        for prefix in ("_XLFN._XLWS.", "_XLFN.", "_XLWS."):
            if name.startswith(prefix) and name[len(prefix):] in FUNCTIONS | dict.fromkeys(INLINE):
                name = name[len(prefix):]
        if array and name not in ("SUMPRODUCT",) and name.startswith("CP_"):
            raise Unsupported("数组运算中的 CP 函数")
        if name in INLINE:
            if array:
                raise Unsupported(f"数组运算中的 {name}")
            return self.inline(name, args, ctx)
        if name.startswith("CP_"):
            return self.cp_call(name, args)
        f = FUNCTIONS.get(name)
        if f is None:
            raise Unsupported(f"函数 {name}")
        if array and name in ELEMENTWISE and len(args) == 1 and args[0][0] != "miss":
            return f"_elementwise1(F_{_ident(name)},{self.gen(args[0], 'ref', True)})"
        if array and name not in ARRAY_ARGS:
            raise Unsupported(f"数组运算中的 {name}")
        in_array = name in ARRAY_ARGS
        parts = []
        for a in args:
            if a[0] == "miss":
                parts.append("_MISSING")
            else:
                parts.append(self.gen(a, "ref", in_array))
        return f"F_{_ident(name)}({','.join(parts)})"

    def inline(self, name: str, args: list, ctx: str) -> str:
        def branch(node):
            return "None" if node[0] == "miss" else self.gen(node, "value")

        if name == "IF":
            if not 1 <= len(args) <= 3:
                raise Unsupported("IF 参数个数")
            t = self.temp()
            cond = self.gen(args[0], "scalar")
            yes = branch(args[1]) if len(args) > 1 else "True"
            no = branch(args[2]) if len(args) > 2 else "False"
            return f"(({yes}) if ({t}:=_truth({cond})) is True else (({no}) if {t} is False else {t}))"
        if len(args) != 2:
            raise Unsupported(f"{name} 参数个数")
        t = self.temp()
        value = branch(args[0])
        alt = branch(args[1])
        if name == "IFERROR":
            return f"(({alt}) if type({t}:=_scalar({value})) is CellError else {t})"
        return f"(({alt}) if ({t}:=_scalar({value})) == '#N/A' and type({t}) is CellError else {t})"

    def cp_call(self, name: str, args: list) -> str:
        func = self.book.cp_function(name)
        if func is None:
            return self.const(E_NAME)
        parts = []
        for a in args:
            parts.append("_OMITTED" if a[0] == "miss" else self.gen(a, "ref"))
        return f"{self.const(func)}({','.join(parts)})"


def _ident(name: str) -> str:
    return re.sub(r"\W", "_", name)


_NAMESPACE = {
    "_scalar": _scalar, "_truth": _truth, "CellError": CellError, "_MISSING": _MISSING,
    "_elementwise": _elementwise, "_elementwise1": _elementwise1, "_neg": _neg, "_pct": _pct,
    **{v: globals()[v] for v in _OPS.values()},
    **{f"F_{_ident(k)}": f for k, f in FUNCTIONS.items()},
}


def compile_shape(book: "Book", tokens: tuple) -> Callable:
    try:
        tree = _Parser(tokens).parse()
        gen = _CodeGen(book)
        body = gen.gen(tree, "value")
        source = f"def f(B, s, r, c):\n    return {body}\n"
        ns = dict(_NAMESPACE, K=gen.consts, V=book._values, A=book.area, _OMITTED=ev.OMITTED)
        exec(compile(source, "<formula>", "exec"), ns)  # noqa: S102 - our own generated code
    except Unsupported:
        raise
    except (RecursionError, SyntaxError, MemoryError, ValueError, IndexError, TypeError) as ex:
        raise Unsupported(f"公式过于复杂：{type(ex).__name__}") from None
    return ns["f"]


# --------------------------------------------------------------------------------------
# The workbook's values
# --------------------------------------------------------------------------------------


def _shared_strings(pkg) -> list[str]:
    from cpxl.workbook import xlsxio

    part = None
    for _rid, typ, target, _mode in xlsxio.relationships(pkg, pkg.workbook_part):
        if typ.endswith("/sharedStrings"):
            part = target
    if part is None or part not in pkg.zip.NameToInfo:
        return []
    out = []
    for _event, si in etree.iterparse(
        __import__("io").BytesIO(pkg.read(part)), tag="{*}si", resolve_entities=False, no_network=True,
        huge_tree=True,
    ):
        texts = []
        for t in si.iter("{*}t"):
            parent = t.getparent()
            if parent is not None and etree.QName(parent).localname == "rPh":
                continue
            texts.append(t.text or "")
        out.append("".join(texts))
        si.clear()
    return out


_XML_CELL = re.compile(r"^([A-Za-z]{1,3})(\d+)$")


def _cell_value(c, ns: str, strings: list[str]):
    t = c.get("t")
    v = c.find(f"{{{ns}}}v")
    if t == "inlineStr":
        is_ = c.find(f"{{{ns}}}is")
        if is_ is None:
            return None
        return "".join(x.text or "" for x in is_.iter(f"{{{ns}}}t")
                       if etree.QName(x.getparent()).localname != "rPh")
    if v is None or v.text is None:
        return "" if t == "str" and v is not None else None  # a formula's cached "" (as the text reader reads it)
    text = v.text
    if t is None or t == "n":
        try:
            x = float(text)
        except ValueError:
            return E_VALUE
        return x if math.isfinite(x) else E_NUM
    if t == "s":
        try:
            return strings[int(text)]
        except (ValueError, IndexError):
            return None
    if t == "str":
        return text
    if t == "b":
        return text.strip() in ("1", "true")
    if t == "e":
        return _ERROR_BY_TEXT.get(text.strip(), E_VALUE)
    if t == "d":
        try:
            stamp = dt.datetime.fromisoformat(text.strip())
        except ValueError:
            return E_VALUE
        delta = stamp - dt.datetime(1899, 12, 30)
        return delta.days + delta.seconds / 86400
    return text


def _iter_cells(root, ns: str):
    """(row, col, <c>) of a sheet's cells, in document order."""
    sheet_data = root.find(f"{{{ns}}}sheetData")
    if sheet_data is None:
        return
    row_no = 0
    for row in sheet_data.iterchildren(f"{{{ns}}}row"):
        r = row.get("r")
        row_no = int(r) if r and r.isdigit() else row_no + 1
        col_no = 0
        for c in row.iterchildren(f"{{{ns}}}c"):
            ref = c.get("r")
            m = _XML_CELL.match(ref) if ref else None
            if m:
                col_no = _letters_to_col(m.group(1))
                yield int(m.group(2)), col_no, c
            else:
                col_no += 1
                yield row_no, col_no, c


def _read_tree(root, ns: str, at: set, vals: dict, strings: list[str]) -> None:
    """Values of a parsed sheet into ``vals`` (the cells ``at`` left out)."""
    v_tag = f"{{{ns}}}v"
    for r, c, cell in _iter_cells(root, ns):
        if (r, c) in at:
            continue
        if cell.get("t") is None:  # a number, the most common cell
            text = cell.findtext(v_tag)
            if text is None:
                continue
            v = _number(text)
        else:
            v = _cell_value(cell, ns, strings)
            if v is None:
                continue
        vals[(r, c)] = v


def _number(text):
    try:
        v = float(text)
    except ValueError:
        return E_VALUE
    return v if math.isfinite(v) else E_NUM


# Sheet XML as Excel and openpyxl write it: no prefixes, every cell with r="…" first. A cell
# holding only its value (the most common) has it in group 4, any other its content in group 5.
_RAW_CELL = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"([^>]*?)(?:/>|><v>([^<]+)</v></c>|>(.*?)</c>)', re.S)
_RAW_TYPE = re.compile(rb'\st="([^"]*)"')
_RAW_VALUE = re.compile(rb"<v>([^<]*)</v>")
_RAW_AWKWARD = re.compile(rb"<[A-Za-z_][\w.-]*:(?:c|row|v|t|is)[\s/>]|<!DOCTYPE|<!ENTITY|<v\s|<v/>")
_RAW_TEXT = re.compile(rb"<t(?:\s[^>]*)?>([^<]*)</t>")
_RAW_PHONETIC = re.compile(rb"<rPh\b.*?</rPh>", re.S)


def _read_plain(data: bytes, at: set, vals: dict, strings: list[str]) -> bool:
    """Values of a sheet read from its XML text into ``vals`` (the cells ``at`` left out),
    several times faster than walking a tree; False when the XML is not in the plain form
    this reads (then the tree is walked)."""
    if _RAW_AWKWARD.search(data):
        return False
    found = _RAW_CELL.findall(data)
    if len(found) != data.count(b"<c ") + data.count(b"<c>"):
        return False
    columns: dict[bytes, int] = {}
    escaped: list[tuple[tuple[int, int], bytes]] = []  # texts with entities: decoded together
    for letters, digits, attrs, text, inner in found:
        c = columns.get(letters)
        if c is None:
            c = columns[letters] = _letters_to_col(letters.decode())
        pos = (int(digits), c)
        if pos in at:
            continue
        kind = _RAW_TYPE.search(attrs).group(1) if b"t=" in attrs else b"n"
        if not text:
            if not inner:
                continue
            if kind == b"inlineStr":
                if b"<rPh" in inner:
                    inner = _RAW_PHONETIC.sub(b"", inner)
                raw = b"".join(_RAW_TEXT.findall(inner))
                if b"&" in raw:
                    escaped.append((pos, raw))
                else:
                    vals[pos] = raw.decode("utf-8", "replace")
                continue
            m = _RAW_VALUE.search(inner)
            if m is None:
                continue
            text = m.group(1)
        if kind == b"n":
            v = _number(text)
        elif kind == b"s":
            try:
                v = strings[int(text)]
            except (ValueError, IndexError):
                continue
        elif kind == b"str":
            if b"&" in text:
                escaped.append((pos, text))
                continue
            v = text.decode("utf-8", "replace")
        elif kind == b"b":
            v = text.strip() in (b"1", b"true")
        elif kind == b"e":
            v = _ERROR_BY_TEXT.get(_xml_unescape(text).strip(), E_VALUE)
        else:
            return False  # t="d" and anything unusual: the tree reader knows it
        vals[pos] = v
    if escaped:
        # one small document holding every such text: the XML parser decodes the entities
        doc = b"<x>" + b"".join(b"<t>" + raw + b"</t>" for _pos, raw in escaped) + b"</x>"
        try:
            texts = [t.text or "" for t in ev.xlsxio.parse_xml(doc, what="sheet text").getroot()]
        except Exception:  # noqa: BLE001 - e.g. an unknown entity: the tree reader decides
            return False
        if len(texts) != len(escaped):
            return False
        for (pos, _raw), text in zip(escaped, texts):
            vals[pos] = text
    return True


def _xml_unescape(text: bytes) -> str:
    s = text.decode("utf-8", "replace")
    if "&" in s:
        import html

        s = html.unescape(s)
    return s


@dataclass
class _SheetData:
    name: str
    values: dict = field(default_factory=dict)  # (row, col) -> value
    columns: dict = field(default_factory=dict)  # col -> sorted rows holding something
    formula_rows: dict = field(default_factory=dict)  # col -> sorted rows of formula cells


class Book:
    """The workbook's cells and the compiled formulas, while computing."""

    def __init__(self, sheet_names: list[str]):
        self.names = sheet_names
        self.sheet_ids = {n.upper(): i for i, n in enumerate(sheet_names)}
        self.data = [_SheetData(n) for n in sheet_names]
        self.defined: dict[tuple[int | None, str], str] = {}  # (local sheet id, NAME) -> text
        self._names: dict[str, Any] = {}
        self._areas: dict[tuple, Area] = {}
        self._cp: dict[str, Callable] | None = None
        self._cp_wrapped: dict[str, Callable] = {}
        self._values = [d.values for d in self.data]
        self.name_deps: list[tuple[int, int, int, int, int]] = []

    # ---- cells and areas ----
    def cell(self, sid: int, r: int, c: int):
        return self._values[sid].get((r, c))

    def area(self, sid: int, r1: int, c1: int, r2: int, c2: int) -> Area:
        key = (sid, r1, c1, r2, c2)
        hit = self._areas.get(key)
        if hit is not None:
            return hit
        if r1 < 1 or c1 < 1 or r2 > MAX_ROW or c2 > MAX_COL:
            raise Unsupported("引用超出工作表")
        data = self.data[sid]
        last = 0
        for col in range(c1, c2 + 1) if c2 - c1 < 1000 else sorted(k for k in data.columns if c1 <= k <= c2):
            rows = data.columns.get(col)
            if rows:
                i = bisect.bisect_right(rows, r2)
                if i and rows[i - 1] >= r1:
                    last = max(last, rows[i - 1])
        h, w = r2 - r1 + 1, c2 - c1 + 1
        n = last - r1 + 1 if last else 0
        if n * w > MAX_AREA_CELLS:
            raise Unsupported("区域过大")
        vals = data.values
        if w == 1:
            rows = [[vals.get((r, c1))] for r in range(r1, r1 + n)]
        else:
            cols = range(c1, c2 + 1)
            rows = [[vals.get((r, c)) for c in cols] for r in range(r1, r1 + n)]
        area = Area(rows, h, w, sid, r1, c1)
        self._areas[key] = area
        return area

    # ---- defined names ----
    def name_value(self, name: str):
        sid = _CURRENT_COMPILE[0]
        text = self.defined.get((sid, name), self.defined.get((None, name)))
        if text is None:
            return E_NAME
        key = (sid if (sid, name) in self.defined else None, name)
        hit = self._names.get(key)
        if hit is not None:
            return hit
        value = self._parse_name(text)
        self._names[key] = value
        return value

    def _parse_name(self, text: str):
        t = text.strip()
        if t.startswith("="):
            t = t[1:]
        spec = parse_ref(t, 1, 1)
        if spec is not None and spec.sheet is not None and all(spec.abs):
            sid = self.sheet_ids.get(spec.sheet)
            if sid is None:
                return E_REF
            return (spec.sheet, spec.r1, spec.c1, spec.r2, spec.c2)
        if _NUMBER_TEXT.match(t):
            return float(t)
        if len(t) >= 2 and t[0] == t[-1] == '"':
            return t[1:-1].replace('""', '"')
        if t.upper() in ("TRUE", "FALSE"):
            return t.upper() == "TRUE"
        if t.upper() in _ERROR_BY_TEXT:
            return _ERROR_BY_TEXT[t.upper()]
        raise Unsupported(f"名称 {text!r}")

    # ---- CP functions ----
    def cp_function(self, name: str):
        if self._cp is None:
            self._cp = ev.cp_functions()
        hit = self._cp_wrapped.get(name)
        if hit is None:
            func = self._cp.get(name)
            if func is None:
                return None
            hit = _wrap_cp(func)
            self._cp_wrapped[name] = hit
        return hit


_CURRENT_COMPILE = [None]  # sheet id of the formula being compiled (sheet-scoped names)


# --------------------------------------------------------------------------------------
# CP functions: the same conversion as under the `formulas` engine
# --------------------------------------------------------------------------------------


class _ErrorArg(Exception):
    def __init__(self, err):
        super().__init__(str(err))
        self.err = err


def _cp_scalar(v, options: dict):
    t = type(v)
    if t is CellError:
        raise _ErrorArg(v)
    if t is str and v == ev.OMITTED:
        return ev._DEFAULT
    if v is None or v is _MISSING:
        return options.get("empty")
    if t is bool:
        return v
    if t is float or t is int:
        number = options.get("numbers", float)
        try:
            return number(v)
        except Exception:  # noqa: BLE001
            return float(v)
    return v


_CP_FULL_CELLS = 100_000  # ranges are handed over whole (blanks included) up to this size


def _cp_arg(value, options: dict):
    if type(value) is not Area:
        return _cp_scalar(value, options)
    rows = value.full() if value.h * value.w <= _CP_FULL_CELLS else value.rows
    ndim = options.get("ndim")
    n_rows, n_cols = len(rows), value.w
    if ndim is None and value.h * value.w == 1:
        return _cp_scalar(value.get(0, 0), options)
    if ndim == 1 or (ndim is None and (value.h == 1 or n_cols == 1)):
        return [_cp_scalar(v, options) for row in rows for v in row]
    return [[_cp_scalar(v, options) for v in row] for row in rows] if n_rows else []


def _cp_result(result):
    if isinstance(result, decimal.Decimal):
        result = float(result)
    t = type(result)
    if result is None:
        return 0.0
    if t is bool or t is str:
        return result
    if isinstance(result, (int, float)) and not isinstance(result, bool):
        x = float(result)
        return x if math.isfinite(x) else E_NUM
    if isinstance(result, (dt.datetime, dt.date)):
        from openpyxl.utils.datetime import to_excel

        return float(to_excel(result))
    if isinstance(result, str):
        return str(result)
    if isinstance(result, (list, tuple)):
        first = result[0] if result else None
        if isinstance(first, (list, tuple)):
            first = first[0] if first else None
        return _cp_result(first)
    if hasattr(result, "tolist"):
        return _cp_result(result.tolist())
    return str(result)


def _wrap_cp(func: Callable) -> Callable:
    spec = getattr(func, "__xlfunc__", None)
    defaults = ev._defaults(func)

    def call(*args):
        try:
            values = [_cp_arg(a, ev._arg_options(spec, i)) for i, a in enumerate(args)]
        except _ErrorArg as err:
            return err.err
        values = [
            (defaults[i] if i < len(defaults) else None) if v is ev._DEFAULT else v
            for i, v in enumerate(values)
        ]
        try:
            result = func(*values)
        except Exception as exc:  # noqa: BLE001 - the wrapper returns "#CP! …"; be safe anyway
            return ev._cp_message(exc)
        try:
            return _cp_result(result)
        except Exception as exc:  # noqa: BLE001
            return ev._cp_message(exc)

    return call


# --------------------------------------------------------------------------------------
# Evaluation
# --------------------------------------------------------------------------------------


def _defined_names(pkg, book: Book) -> None:
    root = pkg.xml(pkg.workbook_part).getroot()
    for dn in root.iter("{*}definedName"):
        name = (dn.get("name") or "").upper()
        if not name or dn.text is None:
            continue
        local = dn.get("localSheetId")
        sid = None
        if local is not None:
            try:
                sid = int(local)
            except ValueError:
                continue
        book.defined[(sid, name)] = ev.normalize_formula(dn.text)


def _master_formulas(sheet) -> dict[str, tuple[str, int, int]]:
    """Shared formulas: si -> (text, row, col) of the cell that carries the text."""
    out = {}
    for fc in sheet.formulas:
        f = fc.formula
        if f.get("t") == "shared" and f.text and f.get("si") is not None:
            out.setdefault(f.get("si"), (f.text, fc.row, fc.col))
    return out


def _references(book: Book, sid: int, toks: tuple) -> list:
    """(sheet id, relative spec, None) per reference of a shape, or (None, None, absolute
    dependency) for a defined name; references to unknown sheets are left out."""
    out = []
    for t in toks:
        if t[0] == "REF":
            spec = t[1]
            dsid = sid if spec.sheet is None else book.sheet_ids.get(spec.sheet)
            if dsid is not None:
                out.append((dsid, spec, None))
        elif t[0] == "NAME":
            target = book.name_value(t[1])
            if isinstance(target, tuple):
                out.append((None, None, (book.sheet_ids[target[0]], *target[1:])))
    return out


class _Shape:
    """One distinct formula of a sheet (R1C1): its compiled function and its references."""

    __slots__ = ("func", "refs", "live")

    def __init__(self, func: Callable, refs: list):
        self.func, self.refs = func, refs
        self.live: dict[int, list] = {}  # column -> the references that may reach a formula cell

    def live_refs(self, book: Book, col: int) -> list:
        """The references of a copy in column ``col`` whose columns hold formula cells: only
        those can make it depend on another formula."""
        hit = self.live.get(col)
        if hit is None:
            hit = []
            for dsid, spec, fixed in self.refs:
                if spec is None:
                    dsid, c1, c2 = fixed[0], fixed[2], fixed[4]
                else:
                    c1 = spec.c1 if spec.abs[1] else spec.c1 + col
                    c2 = spec.c2 if spec.abs[3] else spec.c2 + col
                    c1, c2 = min(c1, c2), max(c1, c2)
                frows = book.data[dsid].formula_rows
                if any(c1 <= k <= c2 for k in frows):
                    hit.append((dsid, spec, fixed))
            self.live[col] = hit
        return hit


class _RowCopies:
    """A formula's text as copied to other rows of its column: ``text_at(r)`` is the text a
    copy in row r has, so a cell whose text equals it has the same shape (no tokenizing)."""

    __slots__ = ("template", "offsets", "first", "last", "shape")

    def __init__(self, text: str, row: int, shape: _Shape):
        pieces, offsets = [], []
        parts = _TEXT_REFS.split(text)
        for i in range(0, len(parts) - 1, 6):
            pieces.append(_braces(parts[i]))
            quoted, cabs, letters, rabs, digits = parts[i + 1 : i + 6]
            if quoted:
                pieces.append(_braces(quoted))
            elif rabs:
                pieces.append(cabs + letters + rabs + digits)
            else:
                pieces.append(cabs + letters + "{}")
                offsets.append(int(digits) - row)
        pieces.append(_braces(parts[-1]))
        self.template, self.offsets, self.shape = "".join(pieces), offsets, shape
        # rows where every relative reference stays on the sheet
        self.first = 1 - min(offsets, default=0)
        self.last = MAX_ROW - max(offsets, default=0)

    def text_at(self, row: int) -> str | None:
        if not self.first <= row <= self.last:
            return None
        return self.template.format(*[row + k for k in self.offsets])


def _braces(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")


def _strongly_connected(n: int, succ: list[list[int]]):
    """Tarjan's components, iteratively; yields each component after those it depends on."""
    index = [0] * n
    low = [0] * n
    on_stack = [False] * n
    seen = [False] * n
    stack: list[int] = []
    counter = 1
    for root in range(n):
        if seen[root]:
            continue
        if not succ[root]:  # depends on no formula: its own component, at once
            seen[root] = True
            yield [root]
            continue
        work = [(root, 0)]
        while work:
            v, i = work[-1]
            if i == 0:
                seen[v] = True
                index[v] = low[v] = counter
                counter += 1
                stack.append(v)
                on_stack[v] = True
            edges = succ[v]
            if i < len(edges):
                work[-1] = (v, i + 1)
                w = edges[i]
                if not seen[w]:
                    work.append((w, 0))
                elif on_stack[w]:
                    low[v] = min(low[v], index[w])
                continue
            work.pop()
            if work:
                u = work[-1][0]
                low[u] = min(low[u], low[v])
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on_stack[w] = False
                    comp.append(w)
                    if w == v:
                        break
                yield comp


def evaluate_fast(pkg, sheets, progress: Callable[[int, int], None] | None = None,
                  timings: dict | None = None):
    """Compute every formula cell of ``sheets`` (evaluate._scan_sheet results).

    Returns ((sheet name, row, col) -> value, number of formula cells). Raises
    :class:`Unsupported` for anything outside the fast path. ``timings``, when given,
    receives the seconds of each phase (read, compile, graph, compute).
    """
    try:
        return _evaluate_fast(pkg, sheets, progress, timings)
    finally:
        _BOOK[0] = None
        _GROUPS.clear()
        _CURRENT_COMPILE[0] = None


def _evaluate_fast(pkg, sheets, progress, timings):
    clock = [time.perf_counter()]

    def phase(name: str) -> None:
        if timings is not None:
            now = time.perf_counter()
            timings[name] = timings.get(name, 0.0) + now - clock[0]
            clock[0] = now

    for s in sheets:
        for fc in s.formulas:
            if fc.area is not None or fc.formula.get("t") == "array":
                raise Unsupported("数组公式")
    book = Book([s.name for s in sheets])
    _BOOK[0] = book
    _GROUPS.clear()
    _defined_names(pkg, book)
    strings = _shared_strings(pkg)

    # the stored values of every sheet (formulas may reach any of them)
    for sid, s in enumerate(sheets):
        d = book.data[sid]
        at = {(fc.row, fc.col) for fc in s.formulas}
        data = pkg.read(s.part)
        if not _read_plain(data, at, d.values, strings):  # prefixes, a DTD …: the XML parser
            d.values.clear()
            if s.tree is not None:
                root, ns = s.tree.getroot(), s.ns
            else:
                root = ev.xlsxio.parse_xml(data, what=s.part).getroot()
                ns = root.tag[1:].split("}")[0] if root.tag.startswith("{") else ev.NS_MAIN
            _read_tree(root, ns, at, d.values, strings)
        d.columns = _rows_by_column(itertools.chain(d.values, at))
        d.formula_rows = _rows_by_column(at)

    phase("read")
    # compile: one function per distinct formula, formulas taken column by column
    compiled: dict[tuple, Callable] = {}  # tokens (and sheet, when names occur) -> function
    shapes: dict[tuple[int, str], _Shape] = {}  # (sheet id, pre-key) -> shape

    def shape_of(sid: int, text: str, row: int, col: int) -> _Shape:
        key = (sid, _pre_key(text, row, col))
        found = shapes.get(key)
        if found is None:
            toks = shape(text, row, col)
            ckey = (sid, toks) if any(t[0] == "NAME" for t in toks) else toks
            func = compiled.get(ckey)
            if func is None:
                func = compiled[ckey] = compile_shape(book, toks)
            found = shapes[key] = _Shape(func, _references(book, sid, toks))
        return found

    # the formula cells, sorted by sheet, column, row: those of column k of sheet s are
    # f_shape[first[s, k] + i] for the rows book.data[s].formula_rows[k][i]
    f_sid: list[int] = []
    f_row: list[int] = []
    f_col: list[int] = []
    f_shape: list[_Shape] = []
    first: dict[tuple[int, int], int] = {}
    for sid, s in enumerate(sheets):
        masters = _master_formulas(s)
        _CURRENT_COMPILE[0] = sid
        groups: dict[str, _Shape] = {}  # shared formula si -> the group's shape
        copies: _RowCopies | None = None  # the last formula read in this column
        for fc in sorted(s.formulas, key=_column_major):
            f, row, col = fc.formula, fc.row, fc.col
            if (sid, col) not in first:
                first[(sid, col)] = len(f_shape)
                copies = None
            si = f.get("si") if f.get("t") == "shared" else None
            if si is not None:
                found = groups.get(si)
                if found is None:
                    master = masters.get(si)
                    if master is None:
                        raise Unsupported("共享公式缺少主公式")
                    found = groups[si] = shape_of(sid, ev.normalize_formula(master[0]), master[1], master[2])
            else:
                if not f.text:
                    raise Unsupported("空公式")
                text = ev.normalize_formula(f.text)
                if copies is not None and copies.text_at(row) == text:
                    found = copies.shape
                else:
                    found = shape_of(sid, text, row, col)
                    copies = _RowCopies(text, row, found)
            if f_shape and (f_sid[-1], f_row[-1], f_col[-1]) == (sid, row, col):
                f_shape[-1] = found  # a cell written twice: the last one counts
                continue
            f_sid.append(sid)
            f_row.append(row)
            f_col.append(col)
            f_shape.append(found)
    _CURRENT_COMPILE[0] = None
    phase("compile")

    # dependency graph over formula cells
    total = len(f_shape)
    succ: list = [()] * total
    for i in range(total):
        refs = f_shape[i].live_refs(book, f_col[i])
        if not refs:
            continue
        row, col = f_row[i], f_col[i]
        out = []
        for dsid, spec, fixed in refs:
            if spec is None:
                dsid, r1, c1, r2, c2 = fixed
            else:
                area = resolve(spec, row, col)
                if area is None:
                    continue
                r1, c1, r2, c2 = area
            frows = book.data[dsid].formula_rows
            for k in frows if c2 - c1 > len(frows) else range(c1, c2 + 1):
                rows = frows.get(k)
                if not rows or not c1 <= k <= c2:
                    continue
                base = first[(dsid, k)]
                out.extend(range(base + bisect.bisect_left(rows, r1), base + bisect.bisect_right(rows, r2)))
        succ[i] = out

    phase("graph")
    values: dict[tuple[str, int, int], Any] = {}
    names, cells = book.names, book._values
    done, step = 0, max(1, total // 100)
    current = _CURRENT
    for comp in _strongly_connected(total, succ):
        if len(comp) > 1 or comp[0] in succ[comp[0]]:
            for i in comp:
                sid, row, col = f_sid[i], f_row[i], f_col[i]
                values[(names[sid], row, col)] = E_CIRC
                cells[sid][(row, col)] = 0.0  # what the cell shows
            done += len(comp)
            continue
        i = comp[0]
        sid, row, col = current[0], current[1], current[2] = f_sid[i], f_row[i], f_col[i]
        try:
            v = f_shape[i].func(book, sid, row, col)
        except Unsupported:
            raise
        except Exception as ex:  # noqa: BLE001 - an engine bug must not give a wrong value
            raise Unsupported(f"{names[sid]}!{row},{col}: {type(ex).__name__}: {ex}") from ex
        v = _final(v)
        cells[sid][(row, col)] = v
        values[(names[sid], row, col)] = v
        done += 1
        if progress is not None and done % step == 0:
            progress(done, total)
    if progress is not None:
        progress(total, total)
    _BOOK[0] = None
    _GROUPS.clear()
    phase("compute")
    return values, total


def _rows_by_column(cells) -> dict[int, list[int]]:
    """col -> sorted rows of the (row, col) positions ``cells``."""
    out: dict[int, list[int]] = {}
    for r, c in cells:
        rows = out.get(c)
        if rows is None:
            out[c] = [r]
        else:
            rows.append(r)
    return {c: sorted(set(rows)) for c, rows in out.items()}


def _column_major(fc) -> tuple[int, int]:
    return fc.col, fc.row


def _final(v):
    """A formula's result as the cell holds it."""
    t = type(v)
    if t is Area:
        v = _scalar(v)
        t = type(v)
    if v is None or v is _MISSING:
        return 0.0
    if t is float:
        return v if math.isfinite(v) else E_NUM
    if t is int:
        return float(v)
    return v


# Cell references in formula text (outside string literals and quoted sheet names).
_TEXT_REFS = re.compile(
    r"""("(?:[^"]|"")*"|'(?:[^']|'')*')|(?<![A-Za-z0-9_.$\x00])(\$?)([A-Za-z]{1,3})(\$?)(\d+)(?![\w(])"""
)


def _pre_key(text: str, row: int, col: int) -> str:
    """The formula text with its cell references made relative, without tokenizing: two
    cells with the same pre-key have the same shape (a reference missed here only costs a
    second tokenization)."""

    def repl(m: re.Match) -> str:
        quoted, cabs, letters, rabs, digits = m.groups()
        if quoted:
            return quoted
        c = _letters_to_col(letters)
        cpart = f"C{c}" if cabs else f"c{c - col}"
        rpart = f"R{digits}" if rabs else f"r{int(digits) - row}"
        return f"\x00{cpart}{rpart}\x00"

    return _TEXT_REFS.sub(repl, text)
