"""The native functions the fast engine knows, by name, and the argument conventions they share.
"""

from __future__ import annotations

from typing import Callable

from .values import E_VALUE, Area, CellError, parse_number

FUNCTIONS: dict[str, Callable] = {}


#: Arguments a function takes as one value (a range there gives its implicit intersection,
#: a blank cell None): the compiler passes a cell's value instead of a one-cell range.
SCALAR_ARGS: dict[str, tuple[int, ...]] = {}


def fn(*names, scalar: tuple[int, ...] = ()):
    def deco(f):
        for n in names:
            FUNCTIONS[n] = f
            if scalar:
                SCALAR_ARGS[n] = scalar
        return f

    return deco


def _numbers(args, text_in_args_is_error=True):
    """Numbers as SUM sees them: in ranges only numbers count; a direct argument that is
    text is converted (or #VALUE!), a boolean counts; errors propagate (returned)."""
    out = []
    for a in args:
        t = type(a)
        if t is Area:
            for row in a.rows:
                for v in row:
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


# Functions IF, IFERROR, IFNA are compiled inline (only the returned branch is computed).
INLINE = {"IF", "IFERROR", "IFNA", "_XLFN.IFNA"}


# Functions whose arguments are computed element by element over ranges (array context).
ARRAY_ARGS = {"SUMPRODUCT"}


#: One-argument functions applied cell by cell inside SUMPRODUCT: SUMPRODUCT((A=x)*ISNUMBER(B)).
ELEMENTWISE = {"ISNUMBER", "ISTEXT", "ISBLANK", "LEN", "N", "ABS", "NOT"}
