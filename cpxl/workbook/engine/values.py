"""Cell values of the fast engine: Excel's error values, ranges (:class:`Area`), and the
conversions Excel applies (text to number, number to text, truth values).
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
import re

CIRCULAR = "#CIRC!"  # reported, never written: Excel has no such error value


class CellError(str):
    """An Excel error value such as ``#DIV/0!`` (a str, so it prints as Excel shows it)."""

    __slots__ = ()


MAX_ROW, MAX_COL = 1_048_576, 16_384

MAX_AREA_CELLS = 4_000_000  # larger materialized ranges go to the other engine


class Unsupported(Exception):
    """A formula or construct the fast path does not handle; the caller falls back."""


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


def final_value(v):
    """A formula's result as the cell holds it: a range gives its implicit intersection,
    blank is 0, a number is a finite float (an overflow is #NUM!)."""
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
    return x if x - x == 0.0 else E_NUM  # inf - inf and nan - nan are nan


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


class _Missing:
    """An omitted argument: ``=IF(A1,,1)``."""

    __slots__ = ()

    def __repr__(self):
        return "MISSING"


_MISSING = _Missing()

_BOOK: list = [None]  # the workbook being computed (for SUMIF's sum range)


