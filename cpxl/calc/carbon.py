"""Carbon dioxide of energy use and savings (碳减排量).

DB4101/T 61—2023 表E.4 注b (after 环办科财函〔2022〕136号):

* electricity: amount × the grid emission factor published for the grid (OM method); default the
  national average 2023 factor 0.5306 tCO2/MWh (生态环境部 公告2025年第47号);
* coal, oil, natural gas: standard coal (GB/T 2589-2020 表A.1) × 2.7725 tCO2/tce
  (29.3076 GJ/t × 94.6 kgCO2/GJ ÷ 1000).

表E.4 computes no carbon for water, steam and other media (“/”); here they need an explicit factor.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from . import _validate as v
from . import energy

__all__ = ["EmissionFactor", "COAL_CO2_FACTOR", "GRID_CO2_FACTOR", "GRID_FACTORS_NATIONAL", "co2", "co2_from_tce"]


@dataclass(frozen=True)
class EmissionFactor:
    name: str
    value: float
    unit: str
    source: str


#: Standard coal → CO2 [tCO2/tce].
COAL_CO2_FACTOR = EmissionFactor(
    "标准煤CO2排放因子", 2.7725, "tCO2/tce",
    "DB4101/T 61—2023 表E.4 注b：29.3076 GJ/t × 94.6 kgCO2/GJ ÷ 1000",
)

#: National average grid emission factors [tCO2/MWh] by year (生态环境部 published values).
GRID_FACTORS_NATIONAL: dict[int, float] = {2021: 0.5568, 2022: 0.5366, 2023: 0.5306}

#: Default grid factor: latest national average [tCO2/MWh = kgCO2/kWh].
GRID_CO2_FACTOR = EmissionFactor(
    "电网排放因子", 0.5306, "tCO2/MWh",
    "生态环境部 公告2025年第47号：2023年全国电力平均二氧化碳排放因子 0.5306 kgCO2/kWh；"
    "DB4101/T 61—2023 表E.4 注b 允许采用电网公布的 OM 因子",
)


def co2_from_tce(kgce, factor=None) -> float:
    """CO2 of standard coal [tCO2] = kgce / 1000 × factor [tCO2/tce] (default 2.7725).

    Standard: DB4101/T 61—2023 表E.4 注b.
    """
    q = v.number("kgce（标准煤量）", kgce)
    f = COAL_CO2_FACTOR.value if factor is None or v.is_blank(factor) else v.positive("factor（排放因子）", factor)
    return q / 1000.0 * f


def co2(quantity, energy_name, factor=None, unit=None, *, overrides: Mapping | None = None,
        coal_factor=None, grid_factor=None) -> float:
    """CO2 of an energy amount or saving [tCO2].

    quantity: physical amount in the coefficient's unit (kWh, kg, m³ — see CP_COEF) or in ``unit``
    (度, 万kWh, 吨, 万m³ …); negative for an increase is allowed.
    电力: tCO2 = kWh / 1000 × factor [tCO2/MWh] (default ``grid_factor`` or 0.5306).
    Fossil energy: tCO2 = kgce / 1000 × factor [tCO2/tce] (default ``coal_factor`` or 2.7725), kgce by
    GB/T 2589-2020 (``overrides`` = the 参数 coefficients).
    Heat, steam, water and other media: 表E.4 gives no method (“/”); a factor [tCO2/tce] must be given.
    Standard: DB4101/T 61—2023 表E.4 注b；环办科财函〔2022〕136号.
    """
    q = v.number("quantity（实物量）", quantity)
    name, _ = energy.resolve_name(energy_name, overrides)
    given = factor is not None and not v.is_blank(factor)
    f = v.positive("factor（排放因子）", factor) if given else None
    if name == "电力":
        kwh = energy.convert_quantity(q, unit, "kWh", name)
        if f is None:
            f = GRID_CO2_FACTOR.value if grid_factor is None else v.positive("电网排放因子", grid_factor)
        return kwh / 1000.0 * f
    entry = energy._BY_NAME.get(name)
    if f is None:
        if entry is None or not entry.fossil:
            raise ValueError(
                f"energy（能源名称）“{name}”不是化石能源或电力：DB4101/T 61—2023 表E.4 注b 未规定其碳排放计算方法，"
                "如需计算请给出 factor（排放因子，tCO2/tce）"
            )
        f = COAL_CO2_FACTOR.value if coal_factor is None else v.positive("标准煤CO2排放因子", coal_factor)
    kgce = energy.tce(q, name, None, unit, overrides=overrides)
    return kgce / 1000.0 * f
