"""Input checks shared by the calc modules.

Every check raises ``ValueError`` with a Chinese message that names the argument (``label``, e.g.
``"investment（投资）"``) and the value received, so that the in-cell error text is self-explanatory.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from numbers import Real

import numpy as np

__all__ = [
    "fmt",
    "number",
    "positive",
    "nonnegative",
    "fraction",
    "integer",
    "vector",
    "paired",
    "is_blank",
]


def fmt(value) -> str:
    """Short display of a received value for error messages."""
    if value is None:
        return "空值"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, Real):
        v = float(value)
        if math.isnan(v):
            return "NaN"
        return f"{v:.10g}"
    if isinstance(value, str):
        return f"“{value}”"
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def is_blank(value) -> bool:
    """None, empty text and NaN count as blank cells."""
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip() == ""
    if isinstance(value, Real) and not isinstance(value, bool):
        return math.isnan(float(value))
    return False


def number(label: str, value) -> float:
    """A finite real number (bool and text are rejected: conversion belongs to the UDF layer)."""
    if value is None or (isinstance(value, str) and value.strip() == ""):
        raise ValueError(f"{label}不能为空")
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value.item()
    if isinstance(value, bool) or not isinstance(value, Real):
        raise ValueError(f"{label}须为数值，收到 {fmt(value)}")
    v = float(value)
    if not math.isfinite(v):
        raise ValueError(f"{label}须为有限数值，收到 {fmt(value)}")
    return v


def positive(label: str, value) -> float:
    v = number(label, value)
    if v <= 0:
        raise ValueError(f"{label}须为正数，收到 {fmt(v)}")
    return v


def nonnegative(label: str, value) -> float:
    v = number(label, value)
    if v < 0:
        raise ValueError(f"{label}不能为负数，收到 {fmt(v)}")
    return v


def fraction(label: str, value, *, allow_one: bool = True) -> float:
    """A share between 0 and 1 (Excel shows it as a percentage)."""
    v = number(label, value)
    if v < 0 or v > 1 or (not allow_one and v == 1):
        upper = "1" if allow_one else "1（不含 1）"
        raise ValueError(f"{label}须在 0～{upper} 之间（可写作百分数，如 25%），收到 {fmt(v)}")
    return v


def integer(label: str, value, *, minimum: int = 1) -> int:
    v = number(label, value)
    if v != round(v):
        raise ValueError(f"{label}须为整数，收到 {fmt(v)}")
    if v < minimum:
        raise ValueError(f"{label}须不小于 {minimum}，收到 {fmt(v)}")
    return int(round(v))


def _flatten(value) -> list:
    if isinstance(value, np.ndarray):
        return list(value.ravel().tolist()) if value.dtype != object else list(value.ravel())
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        return [value]
    out: list = []
    for item in value:
        out.extend(_flatten(item))
    return out


def vector(label: str, values, *, keep_blanks: bool = False, allow_empty: bool = False) -> np.ndarray:
    """A 1-D float array from a number, list, nested list or array.

    Blank items (None, empty text, NaN) are dropped, or kept as NaN with ``keep_blanks``; text and bools
    are errors naming the item's position (1-based, as the auditor counts cells).
    """
    items = _flatten(values)
    out = []
    for pos, item in enumerate(items, start=1):
        if is_blank(item):
            if keep_blanks:
                out.append(math.nan)
            continue
        out.append(number(f"{label}第 {pos} 项", item))
    arr = np.asarray(out, dtype=float)
    if not allow_empty and (arr.size == 0 or np.all(np.isnan(arr))):
        raise ValueError(f"{label}不能为空（至少需要一个数值）")
    return arr


def paired(labels: tuple[str, ...], *columns) -> tuple[np.ndarray, ...]:
    """Aligned columns of equal length (a single number is repeated); rows blank in every column are
    skipped, rows blank in some columns only are errors."""
    flat = [_flatten(c) for c in columns]
    n = max(len(f) for f in flat)
    for label, f in zip(labels, flat):
        if len(f) not in (1, n):
            raise ValueError(f"{label}的个数（{len(f)}）与其他参数（{n}）不一致")
    flat = [f * n if len(f) == 1 else f for f in flat]
    rows = []
    for pos in range(n):
        cells = [f[pos] for f in flat]
        blanks = [is_blank(c) for c in cells]
        if all(blanks):
            continue
        if any(blanks):
            missing = "、".join(lab for lab, b in zip(labels, blanks) if b)
            raise ValueError(f"第 {pos + 1} 项的{missing}为空，而同一项其他参数有值")
        rows.append([number(f"{lab}第 {pos + 1} 项", c) for lab, c in zip(labels, cells)])
    if not rows:
        raise ValueError(f"{'、'.join(labels)}不能全为空")
    arr = np.asarray(rows, dtype=float)
    return tuple(arr[:, k] for k in range(len(columns)))
