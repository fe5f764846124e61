"""Water balance indicators (水平衡), GB/T 12452 《企业水平衡测试通则》; DB11/T 1156—2022 7.3.5.

Symbols: V_f fresh water intake (新水量), V_r reused water (重复利用水量), V_t = V_f + V_r total water
use, V_co consumed, V_d discharged, V_l leaked; all in one unit [m³ or m³/d].
Clause texts of the consumption/leak/discharge ratios were not verified; the formulas are the usual ones.
"""

from __future__ import annotations

from . import _validate as v

__all__ = [
    "WATER_TOLERANCE",
    "reuse_rate",
    "cooling_cycle_rate",
    "process_reuse_rate",
    "leak_rate",
    "discharge_rate",
    "water_dev",
]

#: Allowed relative deviation of a water balance [-] (no clause found; same as the material balance).
WATER_TOLERANCE = 0.05


def _sum(label, values, allow_empty=False) -> float:
    arr = v.vector(label, values, allow_empty=allow_empty)
    if (arr < 0).any():
        raise ValueError(f"{label}不能为负数，收到 {v.fmt(float(arr[arr < 0][0]))}")
    return float(arr.sum())


def _ratio_of_total(label_a, a, label_b, b) -> float:
    va = _sum(label_a, a)
    vb = _sum(label_b, b)
    if va + vb <= 0:
        raise ValueError(f"{label_a}与{label_b}之和须为正数")
    return va / (va + vb)


def reuse_rate(reused, fresh) -> float:
    """Water reuse rate R = V_r / (V_r + V_f) [-].

    Standard: GB/T 12452 重复利用率 R = V_r / V_t.
    """
    return _ratio_of_total("reused（重复利用水量）", reused, "fresh（新水量）", fresh)


def cooling_cycle_rate(recycled, makeup) -> float:
    """Indirect cooling water cycle rate = V_cr / (V_cr + V_cf) [-] (recycled / (recycled + make-up)).

    Standard: GB/T 12452 间接冷却水循环率.
    """
    return _ratio_of_total("recycled（循环冷却水量）", recycled, "makeup（冷却水补充新水量）", makeup)


def process_reuse_rate(reused, fresh) -> float:
    """Process water reuse rate = V_gr / (V_gr + V_gf) [-].

    Standard: GB/T 12452 工艺水回用率.
    """
    return _ratio_of_total("reused（工艺水回用量）", reused, "fresh（工艺用新水量）", fresh)


def leak_rate(leaked, fresh) -> float:
    """Leak rate = V_l / V_f [-].

    Standard: GB/T 12452 漏失率.
    """
    vl = _sum("leaked（漏失水量）", leaked)
    vf = _sum("fresh（新水量）", fresh)
    if vf <= 0:
        raise ValueError(f"fresh（新水量）须为正数，收到 {v.fmt(vf)}")
    return vl / vf


def discharge_rate(discharged, fresh) -> float:
    """Discharge rate = V_d / V_f [-].

    Standard: GB/T 12452 排水率.
    """
    vd = _sum("discharged（排水量）", discharged)
    vf = _sum("fresh（新水量）", fresh)
    if vf <= 0:
        raise ValueError(f"fresh（新水量）须为正数，收到 {v.fmt(vf)}")
    return vd / vf


def water_dev(intake, consumed, discharged, leaked=0.0) -> float:
    """Water balance deviation (V_f − V_co − V_d − V_l) / V_f [-] (balance: V_f = V_co + V_d + V_l).

    Each argument one number or a range of measured points (blank cells skipped); leaked may be blank.
    Standard: GB/T 12452 水量平衡；DB11/T 1156—2022 7.3.5.
    """
    vf = _sum("intake（取新水量）", intake)
    if vf <= 0:
        raise ValueError(f"intake（取新水量）须为正数，收到 {v.fmt(vf)}")
    vco = _sum("consumed（耗水量）", consumed)
    vd = _sum("discharged（排水量）", discharged)
    vl = _sum("leaked（漏失水量）", leaked, allow_empty=True)
    return (vf - vco - vd - vl) / vf
