"""The one place that turns cell contents into numbers, shares, dates and comparable text.

The reader (and so `cpxl check`, the report and the aggregation) and the ``CP_*`` functions use these, so
a cell a CP_ function accepts is never flagged by `cpxl check`, and the other way round. Text numbers as
auditors type them are numbers: “1,234”, full-width “１２３”, “5%”, “5‰”, “(12)” (accounting minus),
“−3”. Blank is not 0.
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date, datetime, timedelta

#: Excel error values as Excel, LibreOffice and WPS save them.
EXCEL_ERRORS = {"#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!", "#SPILL!", "#CALC!", "#GETTING_DATA"}

_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_EXCEL_EPOCH = datetime(1899, 12, 30)


def _nan(value) -> bool:
    return isinstance(value, float) and math.isnan(value)


def filled(value) -> bool:
    """Something is in the cell: not None, NaN or blank text."""
    if value is None:
        return False
    if isinstance(value, str):
        return not value.isspace() and value != ""
    return not _nan(value)


def as_number(value) -> float | None:
    """A typed value as a float; None for blanks, NaN, text and booleans."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)) or type(value).__module__ == "numpy":
        try:
            x = float(value)
        except (TypeError, ValueError):
            return None
        return None if math.isnan(x) else x
    return None


def normalize_text(value) -> str:
    """NFKC folds full-width digits and letters; spaces and line breaks are dropped for comparisons."""
    return "".join(unicodedata.normalize("NFKC", str(value or "")).split())  # split(): the whitespace of \\s


def text_number(text: str) -> float | None:
    """The number a text spells (“1,234”, “１２３”, “5%”, “5‰”, “(12)” = −12, “−3”), else None."""
    t = unicodedata.normalize("NFKC", text).strip()
    t = t.replace("\u2212", "-").replace("\u00a0", "").replace(" ", "").replace(",", "").replace("、", "")
    negative = len(t) > 2 and t[0] == "(" and t[-1] == ")"
    if negative:
        t = t[1:-1]
    scale = 1.0
    if t.endswith("%"):
        scale, t = 0.01, t[:-1]
    elif t.endswith("‰"):
        scale, t = 0.001, t[:-1]
    if not _NUMBER.match(t):
        return None
    x = float(t) * scale
    if not math.isfinite(x):
        return None
    return -x if negative else x


def parse_number(value) -> tuple[float | None, str | None]:
    """A cell value as a number; (None, problem) when it is not one. Blank → (None, None)."""
    if value is None or isinstance(value, bool):
        return None, None
    if isinstance(value, (int, float)):
        if _nan(value):
            return None, None
        if not math.isfinite(value):
            return None, f"数值超出范围：{value}"
        return float(value), None
    if isinstance(value, (datetime, date, timedelta)):
        return None, f"应为数值，实为日期“{value}”"
    raw = str(value).strip()
    if not raw:
        return None, None
    if raw.upper() in EXCEL_ERRORS:
        return None, f"单元格为错误值 {raw}"
    x = text_number(raw)
    if x is not None:
        return x, None
    if _NUMBER.match(unicodedata.normalize("NFKC", raw).replace(",", "").rstrip("%‰")):
        return None, f"数值超出范围：“{raw[:30]}”"
    return None, f"应为数值，实为文字“{raw[:30]}”"


def parse_date(value) -> tuple[date | None, str | None]:
    """A cell value as a date (a date, an Excel serial number, “2025-03-01”, “2025年3月1日”)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None
    if isinstance(value, datetime):
        return value.date(), None
    if isinstance(value, date):
        return value, None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if _nan(value):
            return None, None
        if 1 <= value < 2958466:  # Excel serial date
            return (_EXCEL_EPOCH + timedelta(days=float(value))).date(), None
    m = _DATE_TEXT.match(unicodedata.normalize("NFKC", str(value)).strip())
    if m:
        try:
            return date(int(m[1]), int(m[2]), int(m[3])), None
        except ValueError:
            pass
    return None, f"应为日期（如 2025-03-01），实为“{str(value)[:30]}”"


#: Money units as auditors write them → factor to 万元, the money unit of every table (blank: 万元).
MONEY_UNITS = {"": 1.0, "元": 1e-4, "千元": 0.1, "万元": 1.0, "百万元": 100.0, "亿元": 1e4}
_AMOUNT = re.compile(r"([-+]?(?:\d+(?:\.\d*)?|\.\d+))\s*(百万元|千元|万元|亿元|元)")


def money(value) -> float | None:
    """An amount of money [万元] in a cell: a number as it is (the tables' unit is 万元); in text, the first
    amount written with its unit (“年节约12.5万元” → 12.5, “15000元/a” → 1.5, “节电3万kWh，节约2.4万元”
    → 2.4), or a text that is only a number (“3.2” → 3.2). None when no amount is written (“减少排放”).

    >>> money("约8万元/年"), money("1,500元"), money("减少排放")
    (8.0, 0.15, None)
    """
    x = as_number(value)
    if x is not None or not filled(value):
        return x
    text = unicodedata.normalize("NFKC", str(value)).replace(",", "").replace("\u2212", "-")
    m = _AMOUNT.search(text)
    if m:
        return float(m[1]) * MONEY_UNITS[m[2]]
    return text_number(text)
