"""Energy: conversion to standard coal and energy savings.

* GB/T 2589-2020 《综合能耗计算通则》 表A.1 (energy) and 表B.1 (energy-consuming media, 耗能工质):
  kgce per physical unit; 1 kgce = 29 307 kJ net heating value.
* GB/T 13234 《用能单位节能量计算方法》: product energy saving and saving rate.

Every coefficient can be replaced by the auditor (``overrides``, filled from the 参数 sheet, category
“折标准煤系数”); a range-valued entry without an override is used at a stated default with a warning.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from . import _validate as v

__all__ = [
    "EnergyCoefficient",
    "ENERGY_COEFFICIENTS",
    "ELECTRICITY_EQUIVALENT",
    "ALIASES",
    "UNITS",
    "Coefficient",
    "coefficient",
    "resolve_name",
    "energy_names",
    "convert_quantity",
    "conversion_pairs",
    "tce",
    "total_tce",
    "saving",
    "saving_rate",
]

A1 = "GB/T 2589-2020 表A.1"
B1 = "GB/T 2589-2020 表B.1"
B1_2008 = "GB/T 2589-2008 附录B（2020 版沿用，待核）"


@dataclass(frozen=True)
class EnergyCoefficient:
    """One row of the coefficient table.

    value: kgce per ``unit``, or None for a range entry (``low``–``high``, used at ``default``);
    kind: 能源 / 耗能工质; status: confirmed / likely / unconfirmed (how well the number is verified);
    caution: text shown as a warning whenever the default is used.
    """

    name: str
    unit: str
    value: float | None
    source: str
    kind: str = "能源"
    status: str = "confirmed"
    low: float | None = None
    high: float | None = None
    default: float | None = None
    caution: str = ""
    fossil: bool = True

    @property
    def effective(self) -> float:
        return self.value if self.value is not None else float(self.default)

    @property
    def text(self) -> str:
        """The value as printed in the standard (“0.7143” or “1.1000～1.3300”)."""
        if self.value is not None:
            return f"{self.value:g}"
        return f"{self.low:.4f}～{self.high:.4f}"


def _range(name, unit, low, high, default, source=A1, why="取范围中值", **kw) -> EnergyCoefficient:
    return EnergyCoefficient(
        name, unit, None, source, low=low, high=high, default=default,
        caution=f"{name}折标准煤系数为范围值 {low:.4f}～{high:.4f} kgce/{unit}（{source}），"
        f"参数表未填实测值，暂按 {default:g} 计（{why}）",
        **kw,
    )


#: GB/T 2589-2020 表A.1 / 表B.1 reference coefficients [kgce per unit].  ``status`` records how the
#: number was verified (two independent copies = confirmed; one copy = likely).
ENERGY_COEFFICIENTS: tuple[EnergyCoefficient, ...] = (
    EnergyCoefficient("原煤", "kg", 0.7143, A1),
    EnergyCoefficient("洗精煤", "kg", 0.9000, A1),
    EnergyCoefficient("洗中煤", "kg", 0.2857, A1),
    _range("煤泥", "kg", 0.2857, 0.4286, 0.3572),
    EnergyCoefficient("焦炭", "kg", 0.9714, A1),
    EnergyCoefficient("原油", "kg", 1.4286, A1),
    EnergyCoefficient("燃料油", "kg", 1.4286, A1),
    EnergyCoefficient("渣油", "kg", 1.4286, A1),
    EnergyCoefficient("粗苯", "kg", 1.4286, A1),
    EnergyCoefficient("汽油", "kg", 1.4714, A1),
    EnergyCoefficient("煤油", "kg", 1.4714, A1),
    EnergyCoefficient("柴油", "kg", 1.4571, A1),
    EnergyCoefficient("煤焦油", "kg", 1.1429, A1),
    EnergyCoefficient("液化石油气", "kg", 1.7143, A1),
    EnergyCoefficient("炼厂干气", "kg", 1.5714, A1),
    _range("天然气", "m³", 1.1000, 1.3300, 1.2143, why="气田天然气，接近范围中值"),
    EnergyCoefficient("油田天然气", "m³", 1.3300, A1),
    EnergyCoefficient("气田天然气", "m³", 1.2143, A1),
    EnergyCoefficient("液化天然气", "kg", 1.7572, A1, status="likely"),
    _range("焦炉煤气", "m³", 0.5714, 0.6143, 0.5929),
    EnergyCoefficient("高炉煤气", "m³", 0.1286, A1),
    EnergyCoefficient("发生炉煤气", "m³", 0.1786, A1),
    EnergyCoefficient("水煤气", "m³", 0.3571, A1),
    _range("煤矿瓦斯气", "m³", 0.5000, 0.5714, 0.5357),
    EnergyCoefficient("甲醇", "kg", 0.6794, A1, status="likely"),
    EnergyCoefficient(
        "沼气", "m³", 0.714, "常用参考值（约 20 908 kJ/m³），标准条文未核实", status="unconfirmed",
        caution="沼气折标准煤系数 0.714 kgce/m³ 未经标准条文核实，请按实测低位发热值在参数表确认", fossil=False,
    ),
    EnergyCoefficient("电力", "kWh", 0.1229, A1 + "（当量值，3 600 kJ/kWh）", fossil=False),
    EnergyCoefficient("热力", "MJ", 0.03412, A1 + "（当量值）", fossil=False),
    EnergyCoefficient("蒸汽（低压）", "kg", 0.1286, A1 + "（低压蒸汽 3 763 kJ/kg）", fossil=False),
    EnergyCoefficient("标准煤", "kg", 1.0, "定义值：1 kgce = 29 307 kJ（GB/T 2589-2020）；DB4101/T 61—2023 表E.4 注b 节煤按标准煤计"),
    EnergyCoefficient(
        "新水", "t", 0.2571, B1, kind="耗能工质", status="likely", fossil=False,
        caution="新水折标准煤系数按 GB/T 2589-2020 取 0.2571 kgce/t（2008 版为 0.0857），请核对所用版本",
    ),
    EnergyCoefficient("软化水", "t", 0.4857, B1_2008, kind="耗能工质", fossil=False),
    EnergyCoefficient("除氧水", "t", 0.9714, B1_2008, kind="耗能工质", fossil=False),
    EnergyCoefficient("压缩空气", "m³", 0.0400, B1_2008, kind="耗能工质", fossil=False),
    EnergyCoefficient("鼓风", "m³", 0.0300, B1_2008, kind="耗能工质", fossil=False),
    EnergyCoefficient("氧气", "m³", 0.4000, B1_2008, kind="耗能工质", fossil=False),
    EnergyCoefficient("氮气（副产品）", "m³", 0.4000, B1_2008, kind="耗能工质", fossil=False),
    EnergyCoefficient("氮气（主产品）", "m³", 0.6714, B1_2008, kind="耗能工质", status="likely", fossil=False),
    EnergyCoefficient(
        "二氧化碳气", "m³", 0.2143, B1_2008, kind="耗能工质", status="unconfirmed", fossil=False,
        caution="二氧化碳气折标准煤系数 0.2143 kgce/m³ 未经标准条文核实，请在参数表确认",
    ),
    EnergyCoefficient("乙炔", "m³", 8.3143, B1_2008, kind="耗能工质", status="likely", fossil=False),
    EnergyCoefficient("电石", "kg", 2.0786, B1_2008, kind="耗能工质", status="likely", fossil=False),
)

_BY_NAME = {c.name: c for c in ENERGY_COEFFICIENTS}

#: 电力 等价值 [kgce/kWh]: the year's national average coal consumption of thermal power supply.
ELECTRICITY_EQUIVALENT = EnergyCoefficient(
    "电力（等价值）", "kWh", 0.3055,
    "GB/T 2589-2020 等价值概念；数值为 2020 年全国平均供电标准煤耗 305.5 gce/kWh（中电联统计，单一来源）",
    status="likely", fossil=False,
    caution="电力等价值按 2020 年全国平均供电标准煤耗 0.3055 kgce/kWh 计，请按审核考察期年份在参数表更新",
)

#: Names auditors write for the table's rows: alias -> (table name, warning or "").
ALIASES: dict[str, tuple[str, str]] = {
    "电": ("电力", ""),
    "电能": ("电力", ""),
    "电量": ("电力", ""),
    "用电": ("电力", ""),
    "外购电力": ("电力", ""),
    "外购电": ("电力", ""),
    "网电": ("电力", ""),
    "电力（当量值）": ("电力", ""),
    "自来水": ("新水", ""),
    "新鲜水": ("新水", ""),
    "水": ("新水", ""),
    "工业新水": ("新水", ""),
    "蒸汽": ("蒸汽（低压）", ""),
    "低压蒸汽": ("蒸汽（低压）", ""),
    "饱和蒸汽": ("蒸汽（低压）", ""),
    "外购蒸汽": ("蒸汽（低压）", ""),
    "热": ("热力", ""),
    "热量": ("热力", ""),
    "外购热力": ("热力", ""),
    "煤": ("原煤", "“{name}”按原煤 0.7143 kgce/kg 折算；煤质差异大时请按实测低位发热值在参数表填写"),
    "煤炭": ("原煤", "“{name}”按原煤 0.7143 kgce/kg 折算；煤质差异大时请按实测低位发热值在参数表填写"),
    "动力煤": ("原煤", "“{name}”按原煤 0.7143 kgce/kg 折算；煤质差异大时请按实测低位发热值在参数表填写"),
    "烟煤": ("原煤", "“{name}”按原煤 0.7143 kgce/kg 折算；请按实测低位发热值在参数表填写"),
    "无烟煤": ("原煤", "“{name}”按原煤 0.7143 kgce/kg 折算；请按实测低位发热值在参数表填写"),
    "精煤": ("洗精煤", ""),
    "标煤": ("标准煤", ""),
    "节煤": ("标准煤", ""),
    "管道天然气": ("天然气", ""),
    "管道燃气": ("天然气", ""),
    "燃气": ("天然气", "“{name}”按天然气折算；如为其他煤气请改用对应名称"),
    "LNG": ("液化天然气", ""),
    "液化气": ("液化石油气", ""),
    "LPG": ("液化石油气", ""),
    "车用汽油": ("汽油", ""),
    "车用柴油": ("柴油", ""),
    "0号柴油": ("柴油", ""),
    "轻柴油": ("柴油", ""),
    "重油": ("燃料油", ""),
    "航空煤油": ("煤油", ""),
    "焦炉气": ("焦炉煤气", ""),
    "高炉气": ("高炉煤气", ""),
    "瓦斯": ("煤矿瓦斯气", ""),
    "压缩气": ("压缩空气", ""),
    "空压气": ("压缩空气", ""),
    "氮气": ("氮气（副产品）", "“氮气”按副产品 0.4000 kgce/m³ 折算；作为主产品时为 0.6714"),
    "二氧化碳": ("二氧化碳气", ""),
    "除盐水": ("软化水", "“除盐水”按软化水 0.4857 kgce/t 折算，请核实"),
}

#: Units auditors record in table D.11: (dimension, factor to its base unit kg, m³, kWh or MJ).
UNITS: dict[str, tuple[str, float]] = {
    "kg": ("质量", 1.0), "千克": ("质量", 1.0), "公斤": ("质量", 1.0),
    "g": ("质量", 1e-3), "克": ("质量", 1e-3),
    "t": ("质量", 1e3), "吨": ("质量", 1e3),
    "kt": ("质量", 1e6), "千吨": ("质量", 1e6),
    "万t": ("质量", 1e7), "万吨": ("质量", 1e7),
    "m³": ("体积", 1.0), "立方米": ("体积", 1.0), "方": ("体积", 1.0),
    "Nm³": ("体积", 1.0), "标方": ("体积", 1.0), "标立方米": ("体积", 1.0),
    "L": ("体积", 1e-3), "升": ("体积", 1e-3),
    "千立方米": ("体积", 1e3), "千m³": ("体积", 1e3),
    "万m³": ("体积", 1e4), "万立方米": ("体积", 1e4), "万方": ("体积", 1e4), "万Nm³": ("体积", 1e4),
    "万标方": ("体积", 1e4), "万标立方米": ("体积", 1e4),
    "亿m³": ("体积", 1e8), "亿立方米": ("体积", 1e8),
    "kWh": ("电量", 1.0), "kW·h": ("电量", 1.0), "度": ("电量", 1.0), "千瓦时": ("电量", 1.0),
    "万kWh": ("电量", 1e4), "万kW·h": ("电量", 1e4), "万度": ("电量", 1e4), "万千瓦时": ("电量", 1e4),
    "MWh": ("电量", 1e3), "兆瓦时": ("电量", 1e3),
    "GWh": ("电量", 1e6), "亿kWh": ("电量", 1e8), "亿千瓦时": ("电量", 1e8), "亿度": ("电量", 1e8),
    "MJ": ("热量", 1.0), "兆焦": ("热量", 1.0),
    "kJ": ("热量", 1e-3), "千焦": ("热量", 1e-3),
    "GJ": ("热量", 1e3), "吉焦": ("热量", 1e3), "百万千焦": ("热量", 1e3),
    "TJ": ("热量", 1e6),
    "kcal": ("热量", 4.1868e-3), "千卡": ("热量", 4.1868e-3), "大卡": ("热量", 4.1868e-3),
    "万kcal": ("热量", 41.868), "万千卡": ("热量", 41.868), "万大卡": ("热量", 41.868),
    "Gcal": ("热量", 4186.8), "百万千卡": ("热量", 4186.8), "百万大卡": ("热量", 4186.8),
}

_WATER = {"新水", "软化水", "除氧水"}  # 1 m³ = 1 t


def _key(text: str) -> str:
    s = unicodedata.normalize("NFKC", str(text)).strip()
    s = s.replace(" ", "").replace("·", ".").replace("•", ".").replace("－", "-")
    return s.lower()


_UNIT_KEYS = {_key(u): u for u in UNITS}
_NAME_KEYS: dict[str, tuple[str, str]] = {_key(c.name): (c.name, "") for c in ENERGY_COEFFICIENTS}
_NAME_KEYS[_key(ELECTRICITY_EQUIVALENT.name)] = ("电力", "")
for _alias, _target in ALIASES.items():
    _NAME_KEYS.setdefault(_key(_alias), _target)


def energy_names() -> list[str]:
    """Names of the coefficient table, in table order."""
    return [c.name for c in ENERGY_COEFFICIENTS]


def _suggest(name: str, extra: list[str] | None = None) -> str:
    pool = energy_names() + list(ALIASES) + (extra or [])
    hits = difflib.get_close_matches(name, pool, n=5, cutoff=0.3)
    hits += [p for p in pool if (name in p or p in name) and p not in hits and len(p) > 1]
    names: list[str] = []
    for h in hits:
        target = ALIASES.get(h, (h, ""))[0]
        if target not in names:
            names.append(target)
    return "、".join(names[:6]) if names else "、".join(energy_names()[:8]) + "…"


def _basis(basis) -> str:
    if basis is None or v.is_blank(basis):
        return "当量"
    b = _key(basis)
    if b in ("当量", "当量值", "equivalent-calorific", "calorific"):
        return "当量"
    if b in ("等价", "等价值", "equivalent"):
        return "等价"
    raise ValueError(f"basis（折算口径）须为“当量”或“等价”，收到 {v.fmt(basis)}")


def resolve_name(name, overrides: Mapping | None = None) -> tuple[str, str]:
    """Table name for an energy name or alias, and the warning the alias carries ("" if none).

    Names defined only in ``overrides`` (the auditor's own energies) resolve to themselves.
    """
    if name is None or v.is_blank(name):
        raise ValueError("energy（能源名称）不能为空")
    if not isinstance(name, str):
        raise ValueError(f"energy（能源名称）须为文字，收到 {v.fmt(name)}")
    k = _key(name)
    for o in overrides or {}:
        if _key(o) == k and k not in _NAME_KEYS:
            return str(o).strip(), ""
    if k in _NAME_KEYS:
        target, warn = _NAME_KEYS[k]
        return target, warn.format(name=name.strip())
    extra = [str(o) for o in overrides or {}]
    raise ValueError(f"energy（能源名称）“{name.strip()}”不在折标准煤系数表中，最接近的有：{_suggest(name.strip(), extra)}；"
                     "其他能源请在参数表“折标准煤系数”类中自定义")


def _override(overrides: Mapping | None, *names: str):
    """(value, unit) of the first name found among the overrides, or None."""
    if not overrides:
        return None
    keyed = {_key(k): val for k, val in overrides.items()}
    for n in names:
        val = keyed.get(_key(n))
        unit = None
        if isinstance(val, tuple):
            val, unit = val[0], (val[1] if len(val) > 1 else None)
        if val is None or v.is_blank(val):
            continue
        return v.positive(f"参数表“{n}”的折标准煤系数", val), unit
    return None


@dataclass(frozen=True)
class Coefficient:
    """A resolved coefficient: value [kgce per unit], unit, source, warning ("" when none)."""

    value: float
    unit: str
    source: str
    warning: str = ""
    name: str = ""
    basis: str = "当量"


def coefficient(name, basis=None, overrides: Mapping | None = None) -> Coefficient:
    """Standard-coal coefficient of an energy or energy-consuming medium [kgce per physical unit].

    name: a table name (原煤, 天然气, 电力, 新水 …) or a common alias (电, 自来水, 煤炭 …);
    basis: “当量” (default) or “等价” — only 电力 differs: 当量值 0.1229 kgce/kWh, 等价值 the year's
    thermal-power supply coal rate (overrides key “电力（等价值）”); overrides: {name: value} or
    {name: (value, unit)} from the 参数 sheet (auditor's values win; extra names add energies).
    A range entry without an override is used at its default with a warning naming the value.
    Standard: GB/T 2589-2020 表A.1、表B.1.
    """
    b = _basis(basis)
    table_name, alias_warning = resolve_name(name, overrides)
    if table_name == "电力" and b == "等价":
        ov = _override(overrides, ELECTRICITY_EQUIVALENT.name, "电力等价值", "电力折标系数（等价值）")
        if ov:
            return Coefficient(ov[0], "kWh", "参数表（审核人填写）", "", ELECTRICITY_EQUIVALENT.name, b)
        e = ELECTRICITY_EQUIVALENT
        return Coefficient(e.value, e.unit, e.source, e.caution, e.name, b)
    entry = _BY_NAME.get(table_name)
    ov = _override(overrides, table_name, name)
    if ov:
        unit = ov[1] or (entry.unit if entry else "")
        return Coefficient(ov[0], unit, "参数表（审核人填写）", "", table_name, b)
    if entry is None:  # defined in overrides without a usable value
        raise ValueError(f"参数表中“{table_name}”的折标准煤系数为空")
    warnings = [w for w in (alias_warning, entry.caution) if w]
    return Coefficient(entry.effective, entry.unit, entry.source, "；".join(warnings), table_name, b)


def convert_quantity(quantity: float, unit, target_unit: str, energy: str = "") -> float:
    """Quantity expressed in ``target_unit`` (the coefficient's unit) from ``unit``.

    Factors: 1 t = 1 000 kg, 1 万m³ = 10 000 m³, 1 万kWh = 10 000 kWh, 1 GJ = 1 000 MJ,
    1 kcal = 4.1868 kJ; for water media 1 m³ = 1 t.  Mixing dimensions (m³ of 原煤) is an error.
    """
    if unit is None or v.is_blank(unit):
        return quantity
    if not isinstance(unit, str):
        raise ValueError(f"unit（计量单位）须为文字，收到 {v.fmt(unit)}")
    src = _UNIT_KEYS.get(_key(unit))
    if src is None:
        close = difflib.get_close_matches(unit.strip(), list(UNITS), n=5, cutoff=0.3)
        hint = "、".join(close) if close else "kg、t、m³、万m³、kWh、万kWh、MJ、GJ"
        raise ValueError(f"unit（计量单位）“{unit.strip()}”无法识别，可用：{hint}")
    dst = _UNIT_KEYS.get(_key(target_unit)) if target_unit else None
    if dst is None:
        if _key(unit) == _key(target_unit or ""):
            return quantity
        raise ValueError(f"“{energy}”的系数单位未知，无法按 unit（计量单位）“{unit}”换算，请改用系数的单位")
    (d_src, f_src), (d_dst, f_dst) = UNITS[src], UNITS[dst]
    if d_src != d_dst:
        if energy in _WATER and {d_src, d_dst} == {"质量", "体积"}:
            # water: 1 m³ ↔ 1 000 kg
            f_src = f_src * (1e3 if d_src == "体积" else 1.0)
            f_dst = f_dst * (1e3 if d_dst == "体积" else 1.0)
            return quantity * f_src / f_dst
        raise ValueError(
            f"unit（计量单位）“{unit.strip()}”是{d_src}单位，与“{energy}”的系数单位 kgce/{target_unit}（{d_dst}）不相容"
        )
    return quantity * f_src / f_dst


def conversion_pairs() -> list[tuple[str, str, float]]:
    """(coefficient unit, physical unit, factor) for every unit a quantity may be recorded in, with
    quantity_in_coefficient_unit = quantity × factor (the rule of :func:`convert_quantity`).

    A blank physical unit means the coefficient's own (factor 1). Units of a coefficient per ``t`` are
    those of the water media (1 m³ = 1 t). Workbooks carry this list in `代码表` for their native
    formulas, so a sheet converts exactly as this module does.
    """
    units = sorted({c.unit for c in ENERGY_COEFFICIENTS}, key=lambda u: ("kg", "t", "m³", "kWh", "MJ").index(u))
    water = {c.unit for c in ENERGY_COEFFICIENTS if c.name in _WATER}
    pairs = []
    for target in units:
        pairs.append((target, "", 1.0))
        energy = sorted(_WATER)[0] if target in water else ""
        for unit in UNITS:
            try:
                pairs.append((target, unit, convert_quantity(1.0, unit, target, energy)))
            except ValueError:
                continue
    return pairs


def tce(quantity, energy, coef=None, unit=None, *, overrides: Mapping | None = None, basis=None) -> float:
    """Standard coal of one energy [kgce] = quantity (in the coefficient's unit) × coefficient.

    quantity: physical amount (negative allowed, e.g. a saving) in ``unit`` (吨, 万kWh, 万m³, GJ …;
    default: the coefficient's own unit kg, m³, kWh, MJ or t); coef: kgce per the coefficient's unit,
    replacing the table value (e.g. from a measured heating value).
    Standard: GB/T 2589-2020 综合能耗计算, 表A.1、表B.1; DB4101/T 61—2023 表D.12.
    """
    q = v.number("quantity（实物消耗量）", quantity)
    if coef is not None and not v.is_blank(coef):
        c = v.positive("coef（折标准煤系数）", coef)
        try:
            base_unit = coefficient(energy, basis, overrides).unit
            name = resolve_name(energy, overrides)[0]
        except ValueError:
            if energy is None or v.is_blank(energy):
                raise
            if unit is not None and not v.is_blank(unit):
                raise
            return q * c  # the auditor's own energy with its own coefficient
        return convert_quantity(q, unit, base_unit, name) * c
    co = coefficient(energy, basis, overrides)
    return convert_quantity(q, unit, co.unit, co.name) * co.value


def total_tce(quantities, energies, coefs=None, units=None, *, overrides: Mapping | None = None, basis=None) -> float:
    """Comprehensive energy consumption Σ kgce over rows (综合能耗, DB4101/T 61—2023 表D.12).

    quantities, energies, coefs, units: ranges of equal length (a single coef/unit applies to every row);
    rows with a blank quantity are skipped; a blank coef/unit means the table value / the coefficient's unit.
    Standard: GB/T 2589-2020 综合能耗 = Σ (实物量 × 折标准煤系数).
    """
    qs = v._flatten(quantities)
    es = v._flatten(energies)
    n = len(qs)
    if len(es) != n:
        raise ValueError(f"energies（能源名称）的个数（{len(es)}）与 quantities（消耗量）的个数（{n}）不一致")

    def column(values, label):
        if values is None:
            return [None] * n
        flat = v._flatten(values)
        if len(flat) == 1:
            return flat * n
        if len(flat) != n:
            raise ValueError(f"{label}的个数（{len(flat)}）与 quantities（消耗量）的个数（{n}）不一致")
        return flat

    cs = column(coefs, "coefs（折标准煤系数）")
    us = column(units, "units（计量单位）")
    total = 0.0
    used = 0
    for pos, (q, e, c, u) in enumerate(zip(qs, es, cs, us), start=1):
        if v.is_blank(q):
            continue
        try:
            total += tce(q, e, c, u, overrides=overrides, basis=basis)
        except ValueError as exc:
            raise ValueError(f"第 {pos} 行：{exc}") from None
        used += 1
    if used == 0:
        raise ValueError("quantities（消耗量）全部为空")
    return total


def saving(e_report, e_base, output_report) -> float:
    """Product energy saving ΔE = Σ (e_report − e_base) · M_report [kgce] (negative = energy saved).

    e_report, e_base: unit consumption in the reporting and base period [kgce per unit product];
    output_report M: reporting-period output [unit product]; ranges give the sum over products.
    Also the output-value saving with e in kgce/万元 and M = comparable-price output value [万元].
    Standard: GB/T 13234 产品节能量 / 产值节能量.
    """
    er, eb, m = v.paired(("e_report（报告期单耗）", "e_base（基期单耗）", "output_report（报告期产量）"),
                         e_report, e_base, output_report)
    if np.any(m < 0):
        raise ValueError(f"output_report（报告期产量）不能为负数，收到 {v.fmt(float(m[m < 0][0]))}")
    return float(np.sum((er - eb) * m))


def saving_rate(e_report, e_base) -> float:
    """Energy saving rate ξ = (e_report − e_base) / e_base [-] (negative = saving).

    Standard: GB/T 13234 节能率.
    """
    er = v.number("e_report（报告期单耗）", e_report)
    eb = v.positive("e_base（基期单耗）", e_base)
    return (er - eb) / eb
