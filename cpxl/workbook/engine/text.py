"""Text and date functions (LEN … TEXT, DATE, YEAR, MONTH, DAY).
"""

from __future__ import annotations

import decimal
import re

from .finance import _opt_num
from .maths import _args_num
from .registry import fn
from .values import (
    _MISSING,
    E_NUM,
    E_VALUE,
    Area,
    CellError,
    Unsupported,
    _date_serial,
    _num,
    _scalar,
    _serial_date,
    _text,
    number_text,
    parse_number,
)


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
