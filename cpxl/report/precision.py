"""How many decimals each printed quantity carries — the one place for the report's number rules.

A reviewer recomputes the report by hand, so:

- a value the auditor entered (a measurement, a count, a coefficient) is printed as entered: 58.6 stays
  58.6, not 58.60, and a coefficient 1.2143 stays 1.2143 next to the product computed with it;
- a computed value is rounded by its unit (:data:`UNIT_DECIMALS`): kgce totals 0 decimals, per-unit
  kgce 2, t / tce / tCO₂ 2, 万元 2, years 2, % 2, m³ 2 …; within a column every value has the same
  number of decimals, raised (up to :data:`MAX_DECIMALS`) when a small non-zero value would print as 0;
- a computed value without a unit rule: two decimals from 1 up, four significant digits below 1.
"""

from __future__ import annotations

import math
import re

#: Decimals of computed values by unit (exact unit first, then by its numerator before “/”).
UNIT_DECIMALS: dict[str, int] = {
    "kgce": 0, "kgce/a": 0, "kWh": 0, "kWh/a": 0, "度": 0,
    "tce": 2, "tce/a": 2, "t": 2, "t/a": 2, "t/d": 2, "吨": 2,
    "tCO₂": 2, "tCO₂/a": 2, "tCO₂/年": 2, "tCO2": 2, "tCO2/a": 2,
    "万元": 2, "万元/a": 2, "元": 2,
    "a": 2, "年": 2,
    "%": 2,
    "m³": 2, "m³/a": 2, "m³/d": 2, "m³/h": 2, "万m³": 2, "万 m³": 2,
    "kW": 2, "kg": 2, "kg/a": 2, "kg/h": 2, "MJ": 2, "GJ": 2,
}

#: Numerators whose intensities (kgce/t, m³/万元 …) take two decimals.
PER_UNIT_DECIMALS = 2

#: Keys of columns holding coefficients and factors: printed as given, whatever their unit.
AS_GIVEN_KEYS = re.compile(r"(^|_)(coef|factor|ef|rate_value|weight)(_|$)")

MAX_DECIMALS = 6


def unit_decimals(unit: str | None) -> int | None:
    """Decimals of a computed value in `unit`; None when no rule applies."""
    u = (unit or "").strip().strip("（）()")
    if not u:
        return None
    if u in UNIT_DECIMALS:
        return UNIT_DECIMALS[u]
    if "/" in u:
        return PER_UNIT_DECIMALS
    return None


def as_entered(x: float, most: int | None = None) -> str:
    """A value as the auditor typed it: no padding zeros, float noise (0.1 + 0.2) removed; at most `most`
    decimals (a value carried over from another calculation, 753.8778 tce → 753.88) unless that would
    print a non-zero value as 0."""
    if most is not None and round(x, most) != x and round(x, most) != 0:
        x = round(x, most)
    if x == 0:
        return "0"
    if float(x).is_integer() and abs(x) < 1e15:
        return str(int(x))
    s = f"{x:.10g}"
    if len(s.lstrip("-0.").replace(".", "")) > 7:  # more digits than anyone types: a computed value
        return smart(x)
    if "e" in s:  # very small or large: plain digits
        s = f"{x:.12f}".rstrip("0").rstrip(".")
    return s


def smart(x: float) -> str:
    """A computed value without a rule: integers as they are; two decimals from 1 up; four significant
    digits below 1 (0.1229, 0.000132)."""
    if x == 0:
        return "0"
    if float(x).is_integer() and abs(x) < 1e15:
        return str(int(x))
    if abs(x) >= 1:
        return f"{x:.2f}"
    decimals = min(10, 3 - math.floor(math.log10(abs(x))))
    return f"{x:.{decimals}f}".rstrip("0").rstrip(".")


NEGLIGIBLE = 1e-9  # float noise of a computed zero (−3.65e-17)


def fixed(x: float, decimals: int) -> str:
    """`x` with `decimals` decimals; float noise and −0 print as 0."""
    if abs(x) < NEGLIGIBLE:
        x = 0.0
    s = f"{x:.{decimals}f}"
    return s[1:] if s.startswith("-") and float(s) == 0 else s


def column_decimals(values: list[float], decimals: int, most: int = 4, figures: int | None = None) -> int:
    """`decimals`, raised (up to `most`) so that no non-zero value of the column prints as 0 (two
    significant digits), or with `figures` so that every non-zero value keeps that many significant digits
    (an intensity of 0.08851 tce/万元 prints 0.0885, not 0.09)."""
    out = decimals
    for x in values:
        if abs(x) < NEGLIGIBLE:
            continue
        if figures is not None:
            out = max(out, min(most, figures - 1 - math.floor(math.log10(abs(x)))))
        elif round(abs(x), out) == 0:
            out = max(out, min(most, 1 - math.floor(math.log10(abs(x)))))
    return out


def payback(x: float | None) -> str:
    """A payback period in years: two decimals."""
    return "" if x is None else f"{x:.2f}"


__all__ = ["UNIT_DECIMALS", "unit_decimals", "as_entered", "smart", "fixed", "column_decimals", "payback", "AS_GIVEN_KEYS"]
