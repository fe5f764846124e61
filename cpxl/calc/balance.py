"""Material, energy and characteristic-pollutant balances of the audit focus (审核重点).

DB11/T 1156—2022 7.3.4 (物料平衡: input and output totals within 5 % in the general case),
7.3.6 (能量平衡 per GB/T 3484), 7.3.7 (特征污染因子平衡, built as in 7.3.4).
"""

from __future__ import annotations

import numpy as np

from . import _validate as v

__all__ = ["MATERIAL_TOLERANCE", "balance_dev", "balance_ok", "utilization", "energy_eff"]

#: Allowed relative deviation between input and output totals [-].
MATERIAL_TOLERANCE = 0.05
MATERIAL_TOLERANCE_SOURCE = "DB11/T 1156—2022 7.3.4 b)：输入总量与输出总量之间的偏差在 5% 以内（一般情况）"


def balance_dev(inputs, outputs) -> float:
    """Relative balance deviation (Σ inputs − Σ outputs) / Σ inputs [-] (positive = unaccounted loss).

    inputs, outputs: amounts (one number or ranges; blank cells skipped) in one consistent unit
    [t, kg, m³ …]; Σ inputs must be positive.
    Standard: DB11/T 1156—2022 7.3.4 b)、d) 1)；7.3.7.2.
    """
    ins = v.vector("inputs（输入量）", inputs)
    outs = v.vector("outputs（输出量）", outputs)
    for label, arr in (("inputs（输入量）", ins), ("outputs（输出量）", outs)):
        if np.any(arr < 0):
            raise ValueError(f"{label}不能为负数，收到 {v.fmt(float(arr[arr < 0][0]))}")
    total_in = float(ins.sum())
    if total_in <= 0:
        raise ValueError(f"inputs（输入量）之和须为正数，收到 {v.fmt(total_in)}")
    return (total_in - float(outs.sum())) / total_in


def balance_ok(inputs, outputs, tolerance=MATERIAL_TOLERANCE) -> str:
    """"平衡" when |deviation| ≤ tolerance, else "偏差超限（x.x%）" with the signed deviation.

    tolerance: allowed share, default 0.05.
    Standard: DB11/T 1156—2022 7.3.4 b) (5 %, 一般情况；超限应分析原因并重新实测或补充实测).
    """
    tol = MATERIAL_TOLERANCE if tolerance is None or v.is_blank(tolerance) else v.fraction("tolerance（允许偏差）", tolerance)
    dev = balance_dev(inputs, outputs)
    if abs(dev) <= tol + 1e-12:
        return "平衡"
    shown = f"{dev * 100:.1f}"
    if abs(float(shown)) <= tol * 100:  # 5.04 % must not read as 5.0 %
        shown = f"{dev * 100:.2f}"
    return f"偏差超限（{shown}%）"


def _share(label_part: str, part, label_whole: str, whole) -> float:
    p = v.nonnegative(label_part, part)
    w = v.positive(label_whole, whole)
    if p > w * (1 + 1e-12):
        raise ValueError(f"{label_part}（{v.fmt(p)}）不能大于{label_whole}（{v.fmt(w)}）")
    return p / w


def utilization(into_product, input_amount) -> float:
    """Utilisation rate of a raw material or toxic substance = into_product / input [-].

    into_product: amount entering the product; input_amount: amount put in (same unit, > 0).
    Standard: DB11/T 1156—2022 7.3.4 d) 2) 主要原辅材料及有毒有害物质利用率.
    """
    return _share("into_product（进入产品的量）", into_product, "input_amount（投入量）", input_amount)


def energy_eff(effective, supplied) -> float:
    """Energy utilisation efficiency η = effective energy / supplied energy [-].

    effective, supplied: energy in one unit [kgce, MJ, kWh]; supplied > 0.
    Standard: GB/T 3484 企业能量平衡通则 (能量利用率)；DB11/T 1156—2022 7.3.6.
    """
    return _share("effective（有效利用能量）", effective, "supplied（供入能量）", supplied)
