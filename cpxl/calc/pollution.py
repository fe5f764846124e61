"""Pollutant loads, removal and emission (污染物产生量、排放量核算).

DB11/T 1156—2022 7.2.5.6 (实测法 / 物料衡算法; VOCs and heavy-metal emissions through collection and
treatment efficiency), 7.3.7 (特征污染因子平衡); DB4101/T 61—2023 表D.18、表D.20 (concentration,
flow and annual amounts); HJ 942 / HJ 884 实测法: amount = concentration × flow.
"""

from __future__ import annotations

import numpy as np

from . import _validate as v

__all__ = ["load", "load_gas", "emission_rate", "removal", "emission", "exceed_rate"]

L_CONC_W = "concentration_mg_L（浓度，mg/L）"
L_VOL = "volume_m3（水量，m³）"
L_CONC_G = "concentration_mg_m3（浓度，mg/m³）"
L_FLOW = "flow_m3_h（废气量，m³/h）"
L_HOURS = "hours（排放时间，h）"


def _nonneg(labels, *arrays):
    for label, arr in zip(labels, arrays):
        if np.any(arr < 0):
            raise ValueError(f"{label}不能为负数，收到 {v.fmt(float(arr[arr < 0][0]))}")


def load(concentration_mg_L, volume_m3) -> float:
    """Water pollutant amount [t] = Σ c [mg/L] × V [m³] × 10⁻⁶.

    (mg/L = g/m³, so c·V is in g; ÷ 10⁶ gives t.)  Ranges (e.g. monthly values) give the sum of the
    products; a single concentration or volume is applied to every row.
    Standard: HJ 942/HJ 884 实测法；DB11/T 1156—2022 7.2.5.6；DB4101/T 61—2023 表D.18.
    """
    c, vol = v.paired((L_CONC_W, L_VOL), concentration_mg_L, volume_m3)
    _nonneg((L_CONC_W, L_VOL), c, vol)
    return float(np.sum(c * vol) * 1e-6)


def load_gas(concentration_mg_m3, flow_m3_h, hours) -> float:
    """Air pollutant amount [t] = Σ c [mg/m³] × Q [m³/h] × h [h] × 10⁻⁹.

    Standard: HJ 942/HJ 884 实测法；DB11/T 1156—2022 7.2.5.6；DB4101/T 61—2023 表D.20.
    """
    c, q, h = v.paired((L_CONC_G, L_FLOW, L_HOURS), concentration_mg_m3, flow_m3_h, hours)
    _nonneg((L_CONC_G, L_FLOW, L_HOURS), c, q, h)
    return float(np.sum(c * q * h) * 1e-9)


def emission_rate(concentration_mg_m3, flow_m3_h) -> float:
    """Emission rate [kg/h] = c [mg/m³] × Q [m³/h] × 10⁻⁶.

    Standard: DB4101/T 61—2023 表D.20 排放速率.
    """
    c = v.nonnegative(L_CONC_G, concentration_mg_m3)
    q = v.nonnegative(L_FLOW, flow_m3_h)
    return c * q * 1e-6


def removal(inlet, outlet) -> float:
    """Removal (treatment) efficiency η = (inlet − outlet) / inlet [-].

    inlet, outlet: concentrations [mg/L, mg/m³] or amounts [t] before and after treatment; inlet > 0.
    A negative result means the outlet exceeds the inlet.
    Standard: DB11/T 1156—2022 7.3.7.1、7.3.7.2 污染治理设施去除效率.
    """
    i = v.positive("inlet（进口浓度或量）", inlet)
    o = v.nonnegative("outlet（出口浓度或量）", outlet)
    return (i - o) / i


def emission(generated, capture_eff, removal_eff) -> float:
    """Emission = generated × (1 − η_capture × η_removal) [unit of generated, e.g. t].

    The uncollected part (1 − η_c) escapes as fugitive emission; the collected part is treated with η_r.
    Efficiencies as shares (0.9 = 90 %).
    Standard: DB11/T 1156—2022 7.2.5.6 (VOCs、含重金属废气排放量通过收集效率、处理效率核算).
    """
    g = v.nonnegative("generated（产生量）", generated)
    ec = v.fraction("capture_eff（收集效率）", capture_eff)
    er = v.fraction("removal_eff（处理效率）", removal_eff)
    return g * (1.0 - ec * er)


def exceed_rate(values, limit) -> float:
    """Share of monitoring results above the limit [-] (超标率 = 超标次数 / 监测次数).

    values: monitoring results (blank cells skipped); limit: the emission limit (> 0).
    Standard: DB4101/T 61—2023 表D.18、表D.20 超标率.
    """
    arr = v.vector("values（监测值）", values)
    lim = v.positive("limit（标准限值）", limit)
    return float(np.mean(arr > lim))
