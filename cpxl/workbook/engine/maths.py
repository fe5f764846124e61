"""Aggregates, statistics, rounding and arithmetic functions (SUM … RANK, ROUND … PI).
"""

from __future__ import annotations

import decimal
import math
from typing import Any, Callable

from .operators import _close, _pow
from .registry import _numbers, fn
from .values import (
    _MISSING,
    E_DIV0,
    E_NA,
    E_NUM,
    E_VALUE,
    Area,
    CellError,
    _fin,
    _num,
    _scalar,
    parse_number,
)


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


def _rounding(mode: str):
    """ROUND, ROUNDUP, ROUNDDOWN: ``x`` to ``digits`` decimals (negative: tens, hundreds …)."""

    def rounded(x, digits=None):
        a = _args_num(x, digits)
        return a if type(a) is CellError else _round(a[0], a[1], mode)

    return rounded


f_round = fn("ROUND", scalar=(0, 1))(_rounding(decimal.ROUND_HALF_UP))
f_roundup = fn("ROUNDUP", scalar=(0, 1))(_rounding(decimal.ROUND_UP))
f_rounddown = fn("ROUNDDOWN", "TRUNC", scalar=(0, 1))(_rounding(decimal.ROUND_DOWN))


def _of_one_number(*names):
    """Register ``compute(a)`` as the functions ``names`` of one number: the argument is made
    a number (an error in it is the result)."""

    def register(compute: Callable[[float], Any]):
        def f(x):
            a = _num(_scalar(x))
            return a if type(a) is CellError else compute(a)

        f.__name__ = compute.__name__
        return fn(*names)(f)

    return register


@_of_one_number("INT")
def f_int(a):
    return float(math.floor(a))


@_of_one_number("ABS")
def f_abs(a):
    return abs(a)


@_of_one_number("SIGN")
def f_sign(a):
    return float((a > 0) - (a < 0))


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


@_of_one_number("SQRT")
def f_sqrt(a):
    return E_NUM if a < 0 else math.sqrt(a)


@_of_one_number("EXP")
def f_exp(a):
    try:
        return _fin(math.exp(a))
    except OverflowError:
        return E_NUM


@_of_one_number("LN")
def f_ln(a):
    return E_NUM if a <= 0 else math.log(a)


@_of_one_number("LOG10")
def f_log10(a):
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
