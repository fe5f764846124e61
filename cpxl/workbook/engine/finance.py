"""Excel's financial functions: NPV, IRR, PV, FV, PMT, RATE.
"""

from __future__ import annotations

import math

from .maths import _args_num
from .registry import _numbers, fn
from .values import _MISSING, E_DIV0, E_NUM, CellError, _fin, _num, _scalar


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
    ns = _numbers([values])
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


def _annuity_args(first, second, third, value=None, typ=None):
    """The arguments of PV, FV, PMT as numbers (an omitted value is 0; ``typ`` 1 when payments
    fall at the start of each period, else 0), or the first error among them."""
    a = _args_num(first, second, third)
    if type(a) is CellError:
        return a
    v, t = _opt_num(value), _opt_num(typ)
    if type(v) is CellError:
        return v
    if type(t) is CellError:
        return t
    return (*a, v, 1.0 if t else 0.0)


@fn("PV")
def f_pv(rate, nper, pmt, fv=None, typ=None):
    a = _annuity_args(rate, nper, pmt, fv, typ)
    if type(a) is CellError:
        return a
    r, n, p, f, t = a
    if r == 0:
        return _fin(-(f + p * n))
    try:
        q = (1 + r) ** n
    except OverflowError:
        return E_NUM
    return _fin(-(f + p * (1 + r * t) * (q - 1) / r) / q)


@fn("FV")
def f_fv(rate, nper, pmt, pv=None, typ=None):
    a = _annuity_args(rate, nper, pmt, pv, typ)
    if type(a) is CellError:
        return a
    r, n, p, v, t = a
    if r == 0:
        return _fin(-(v + p * n))
    q = (1 + r) ** n
    return _fin(-(v * q + p * (1 + r * t) * (q - 1) / r))


@fn("PMT")
def f_pmt(rate, nper, pv, fv=None, typ=None):
    a = _annuity_args(rate, nper, pv, fv, typ)
    if type(a) is CellError:
        return a
    r, n, v, f, t = a
    if n == 0:
        return E_NUM
    if r == 0:
        return _fin(-(v + f) / n)
    q = (1 + r) ** n
    return _fin(-(v * q + f) * r / ((1 + r * t) * (q - 1)))


@fn("RATE")
def f_rate(nper, pmt, pv, fv=None, typ=None, guess=None):
    a = _annuity_args(nper, pmt, pv, fv, typ)
    if type(a) is CellError:
        return a
    g = _opt_num(guess, 0.1)
    if type(g) is CellError:
        return g
    n, p, v, f, t = a

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
