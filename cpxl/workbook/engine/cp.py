"""``CP_*`` functions in the headless calculation: the callables of :mod:`cpxl.udfs`, their
argument conversion (as xlwings hands values over in Excel) and their error text.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import decimal
import inspect
import math
import sys
from typing import Any, Callable

from .formula_text import OMITTED
from .values import _MISSING, E_NUM, Area, CellError


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
        udfs_module()
        yield
    finally:
        for m, old in hidden.items():
            if sys.modules.get(m, None) is None:
                if old is None:
                    sys.modules.pop(m, None)
                else:
                    sys.modules[m] = old


_PLOTTING = ("matplotlib", "plotly")


class _ErrorArg(Exception):
    """An Excel error in an argument: the function is not called, the error is its value."""

    def __init__(self, err):
        super().__init__(str(err))
        self.err = err


def _cp_scalar(v, options: dict):
    t = type(v)
    if t is CellError:
        raise _ErrorArg(v)
    if t is str and v == OMITTED:
        return _DEFAULT
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


def wrap_cp(func: Callable, argument: Callable = None, result: Callable = None) -> Callable:
    """``func`` as an engine calls it: each argument converted by ``argument(value, options)``
    as xlwings would hand it over (default: the fast engine's values), an omitted one given the
    function's default, an error argument passed through, the return value converted by
    ``result`` (default: to a fast-engine value); never raises (a failure is ``#CP! …`` text)."""
    argument = argument or _cp_arg
    result = result or _cp_result
    spec = getattr(func, "__xlfunc__", None)
    defaults = _defaults(func)

    def call(*args):
        try:
            values = [argument(a, _arg_options(spec, i)) for i, a in enumerate(args)]
        except _ErrorArg as err:
            return err.err
        values = [
            (defaults[i] if i < len(defaults) else None) if v is _DEFAULT else v
            for i, v in enumerate(values)
        ]
        try:
            out = func(*values)
        except Exception as exc:  # noqa: BLE001 - the wrapper returns "#CP! …"; be safe anyway
            return _cp_message(exc)
        try:
            return result(out)
        except Exception as exc:  # noqa: BLE001
            return _cp_message(exc)

    call.__name__ = getattr(func, "__name__", "cp_function").upper()
    call.__doc__ = func.__doc__
    return call


CP_PREFIX = "CP_"

CP_ERROR = "#CP!"


def udfs_module():
    """:mod:`cpxl.udfs`, imported on first use (it brings xlwings)."""
    import cpxl.udfs

    return cpxl.udfs


def cp_functions(module: Any = None) -> dict[str, Callable]:
    """The ``CP_*`` callables of ``module`` (default :mod:`cpxl.udfs`), by upper-case name."""
    module = udfs_module() if module is None else module
    return {
        name.upper(): obj
        for name, obj in vars(module).items()
        if name.upper().startswith(CP_PREFIX) and callable(obj)
    }


def _arg_options(spec: dict | None, index: int) -> dict:
    # xlwings keeps per-argument conversion options (ndim, empty, numbers) in __xlfunc__.
    if not spec:
        return {}
    args = spec.get("args") or []
    if not args:
        return {}
    info = args[index] if index < len(args) else args[-1]
    if index >= len(args) and not info.get("vararg"):
        return {}
    return info.get("options") or {}


_DEFAULT = object()  # stands for "the function's own default"


def _cp_message(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text if text.startswith(CP_ERROR) else f"{CP_ERROR} {text}"


def _defaults(func: Callable) -> list[Any]:
    """Per positional parameter: its default, or None (what Excel passes when omitted)."""
    try:
        params = inspect.signature(func).parameters.values()
    except (TypeError, ValueError):
        return []
    return [
        None if p.default is inspect.Parameter.empty else p.default
        for p in params
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
    ]
