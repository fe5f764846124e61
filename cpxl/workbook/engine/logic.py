"""Logical and information functions (AND, OR, NOT, IS…, N, T, NA, CHOOSE).
"""

from __future__ import annotations

from .registry import fn
from .values import _MISSING, E_NA, E_VALUE, Area, CellError, _num, _scalar, _truth


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
