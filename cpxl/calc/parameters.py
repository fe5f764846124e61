"""Default parameters (the workbook's 参数 sheet) and merging the auditor's overrides.

Each :class:`Parameter` has its source.  Categories:

* 折标准煤系数 — one row per energy/medium of GB/T 2589-2020 表A.1/表B.1 (range entries: value None,
  range and suggested default in ``note``); the auditor may add rows for other energies;
* 电力 — 电力折标系数（等价值）;
* 排放因子 — standard coal and grid CO2 factors (DB4101/T 61—2023 表E.4 注b);
* 经济 — discount rate, income tax rate, allowed payback;
* 平衡 — allowed deviations of the material, water, energy and pollutant balances.

``parameters_from_rows`` turns (category, name, value[, unit]) rows read from the sheet into a nested
mapping {category: {name: value}}; calc functions take the values they need as explicit arguments.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from . import _validate as v
from . import balance, carbon, economics, energy

__all__ = [
    "Parameter",
    "DEFAULT_PARAMETERS",
    "CATEGORIES",
    "ParameterSet",
    "default_parameters",
    "parameters_from_rows",
    "get",
    "coefficient_overrides",
    "K_COAL_FACTOR",
    "K_GRID_FACTOR",
    "K_DISCOUNT",
    "K_TAX",
    "K_PAYBACK",
    "K_MATERIAL_TOL",
    "K_WATER_TOL",
    "K_ENERGY_TOL",
    "K_POLLUTANT_TOL",
    "K_ELEC_EQUIV",
]

C_COEF = "折标准煤系数"
C_ELEC = "电力"
C_FACTOR = "排放因子"
C_ECON = "经济"
C_BAL = "平衡"
CATEGORIES = (C_COEF, C_ELEC, C_FACTOR, C_ECON, C_BAL)

# (category, name) keys used by the UDF layer
K_ELEC_EQUIV = (C_ELEC, "电力折标系数（等价值）")
K_COAL_FACTOR = (C_FACTOR, "标准煤CO2排放因子")
K_GRID_FACTOR = (C_FACTOR, "电网排放因子")
K_DISCOUNT = (C_ECON, "基准折现率")
K_TAX = (C_ECON, "所得税率")
K_PAYBACK = (C_ECON, "允许投资回收期")
K_MATERIAL_TOL = (C_BAL, "物料平衡允许偏差")
K_WATER_TOL = (C_BAL, "水平衡允许偏差")
K_ENERGY_TOL = (C_BAL, "能量平衡允许偏差")
K_POLLUTANT_TOL = (C_BAL, "特征污染因子平衡允许偏差")


@dataclass(frozen=True)
class Parameter:
    """One row of the 参数 sheet."""

    category: str
    name: str
    value: float | None
    unit: str
    source: str
    note: str = ""


def _coefficient_rows() -> list[Parameter]:
    rows = []
    status_text = {"confirmed": "", "likely": "数值仅经单一来源核对", "unconfirmed": "数值未经标准条文核实"}
    for c in energy.ENERGY_COEFFICIENTS:
        notes = []
        if c.value is None:
            notes.append(f"范围 {c.low:.4f}～{c.high:.4f}，请按实测低位发热值填写；未填写时按 {c.default:g} 计并提示")
        if status_text[c.status]:
            notes.append(status_text[c.status])
        if c.caution and c.value is not None:
            notes.append(c.caution)
        rows.append(Parameter(C_COEF, c.name, c.value, f"kgce/{c.unit}", c.source, "；".join(notes)))
    return rows


#: The 参数 sheet's default rows.
DEFAULT_PARAMETERS: list[Parameter] = [
    *_coefficient_rows(),
    Parameter(C_ELEC, K_ELEC_EQUIV[1], energy.ELECTRICITY_EQUIVALENT.value, "kgce/kWh",
              energy.ELECTRICITY_EQUIVALENT.source,
              "等价值随年份变化，请按审核考察期当年全国（或地方）平均供电标准煤耗填写；综合能耗默认按当量值 0.1229 计"),
    Parameter(C_FACTOR, K_COAL_FACTOR[1], carbon.COAL_CO2_FACTOR.value, "tCO2/tce", carbon.COAL_CO2_FACTOR.source,
              "节煤、节油、节天然气的碳减排量按标准煤量乘以该因子"),
    Parameter(C_FACTOR, K_GRID_FACTOR[1], carbon.GRID_CO2_FACTOR.value, "tCO2/MWh", carbon.GRID_CO2_FACTOR.source,
              "全国平均：2021 年 0.5568，2022 年 0.5366，2023 年 0.5306；企业温室气体报告常用 0.5703；"
              "可按地方或区域电网（OM）因子修改"),
    Parameter(C_ECON, K_DISCOUNT[1], 0.08, "", "行业通用取值（《建设项目经济评价方法与参数》社会折现率 8%）",
              "用于净现值、净现值率和内部收益率判据；可按行业基准收益率或贷款利率修改"),
    Parameter(C_ECON, K_TAX[1], 0.25, "", "《中华人民共和国企业所得税法》第四条（税率 25%）",
              "小型微利企业、高新技术企业（15%）等按实际税率修改"),
    Parameter(C_ECON, K_PAYBACK[1], 5.0, "年", "《企业清洁生产审核手册》（中费方案 2～3 年，较高费方案 < 5 年，高费方案 < 10 年）",
              "无/低/中/高费划分及允许回收期各地规定不同，请按地方要求修改"),
    Parameter(C_BAL, K_MATERIAL_TOL[1], balance.MATERIAL_TOLERANCE, "", balance.MATERIAL_TOLERANCE_SOURCE, ""),
    Parameter(C_BAL, K_WATER_TOL[1], 0.05, "", "未见 GB/T 12452 条文规定，参照 DB11/T 1156—2022 7.3.4 b) 取 5%",
              "可按水平衡测试报告采用的允许误差修改"),
    Parameter(C_BAL, K_ENERGY_TOL[1], 0.05, "", "未见 GB/T 3484 条文规定，参照 DB11/T 1156—2022 7.3.4 b) 取 5%",
              "可按能量平衡测试报告采用的允许误差修改"),
    Parameter(C_BAL, K_POLLUTANT_TOL[1], 0.05, "", "DB11/T 1156—2022 7.3.7.2：特征污染因子平衡的建立参照 7.3.4（5%）", ""),
]

_DEFAULT_BY_KEY = {(p.category, p.name): p for p in DEFAULT_PARAMETERS}


def effective_default(p: Parameter) -> float | None:
    """The value used when the auditor leaves a row blank: the row's value, or for a range coefficient
    of GB/T 2589-2020 the default within its range (:attr:`cpxl.calc.energy.EnergyCoefficient.effective`)."""
    if p.value is None and p.category == C_COEF:
        return energy.coefficient(p.name).value
    return p.value

# validation rule per (category, name); coefficients: positive numbers
_FRACTIONS = {K_TAX, K_MATERIAL_TOL, K_WATER_TOL, K_ENERGY_TOL, K_POLLUTANT_TOL}
#: Parameters that are shares (a whole number such as 8 means 8 % and is refused).
SHARES = _FRACTIONS | {K_DISCOUNT}


class ParameterSet(dict):
    """{category: {name: value}} with ``warnings``: problems met while reading rows (non-strict mode),
    and ``units``: {(category, name): unit} of rows the auditor added."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.warnings: list[str] = []
        self.units: dict[tuple[str, str], str] = {}


def default_parameters() -> ParameterSet:
    """The defaults as {category: {name: value}} (range coefficients are None)."""
    out = ParameterSet({c: {} for c in CATEGORIES})
    for p in DEFAULT_PARAMETERS:
        out[p.category][p.name] = p.value
    return out


def _clean(text) -> str:
    return unicodedata.normalize("NFKC", str(text)).strip().replace(" ", "") if text is not None else ""


def _to_number(value):
    """Number from a cell value, accepting text such as “0.25”, “25%”, “1,234”."""
    if isinstance(value, str):
        s = _clean(value).replace(",", "")
        pct = s.endswith("%")
        s = s.rstrip("%")
        try:
            x = float(s)
        except ValueError:
            return value
        return x / 100.0 if pct else x
    return value


def _match_category(text: str) -> str | None:
    c = _clean(text)
    for cat in CATEGORIES:
        if c == _clean(cat):
            return cat
    aliases = {"折标系数": C_COEF, "折标煤系数": C_COEF, "能源折标系数": C_COEF, "碳排放因子": C_FACTOR,
               "经济参数": C_ECON, "经济评价": C_ECON, "平衡测试": C_BAL, "允许偏差": C_BAL}
    return aliases.get(c)


#: (category, name as compared) -> name of the default parameter (the first of equal ones)
_NAME_KEYS = dict(reversed([((cat, _clean(name)), name) for cat, name in _DEFAULT_BY_KEY]))


def _match_name(category: str, text: str) -> str | None:
    name = _NAME_KEYS.get((category, _clean(text)))
    if name is not None:
        return name
    if category == C_COEF:
        try:
            name, _ = energy.resolve_name(text)
        except ValueError:
            return None
        return name if (C_COEF, name) in _DEFAULT_BY_KEY else None
    return None


def parameters_from_rows(rows: Iterable, *, strict: bool = True) -> ParameterSet:
    """Merge the auditor's rows over the defaults.

    rows: (category, name, value) or (category, name, value, unit, …) — e.g. the 参数 sheet's rows;
    blank rows and blank values are skipped (the default stays); a header row (类别/名称/数值) is skipped.
    Values: positive numbers (“25%”, “1,234” accepted); rates and tolerances 0–1.
    Unknown names under 折标准煤系数 add an energy (its unit may be given as “kgce/t” or “t”);
    other unknown categories/names are errors.
    strict=True raises ValueError listing every problem; strict=False skips bad rows and records the
    problems in ``result.warnings``.
    """
    out = default_parameters()
    problems: list[str] = []
    for pos, row in enumerate(rows, start=1):
        row = list(row) if row is not None else []
        if len(row) < 3:
            if any(not v.is_blank(x) for x in row):
                problems.append(f"第 {pos} 行：须有类别、名称、数值三列")
            continue
        category, name, value = row[0], row[1], row[2]
        unit = row[3] if len(row) > 3 else None
        if all(v.is_blank(x) for x in (category, name, value)):
            continue
        if _clean(category) in ("类别", "category") or _clean(name) in ("名称", "name"):
            continue  # header
        if v.is_blank(name):
            problems.append(f"第 {pos} 行：名称为空")
            continue
        cat = _match_category(category) if not v.is_blank(category) else None
        if cat is None:
            problems.append(f"第 {pos} 行：类别 {v.fmt(category)} 不是 {'、'.join(CATEGORIES)} 之一")
            continue
        if v.is_blank(value):
            continue
        x = _to_number(value)
        key_name = _match_name(cat, name)
        label = f"参数表第 {pos} 行“{_clean(name)}”"
        try:
            if key_name is None and cat != C_COEF:
                raise ValueError(f"{label}不是“{cat}”类的参数")
            key = (cat, key_name or _clean(name))
            if key in _FRACTIONS:
                num = v.fraction(label, x)
            elif key == K_DISCOUNT:
                try:
                    num = economics.discount_rate(x)
                except ValueError as exc:
                    raise ValueError(f"{label}：{exc}") from None
            else:
                num = v.positive(label, x)
        except ValueError as exc:
            problems.append(str(exc))
            continue
        out[cat][key[1]] = num
        if key_name is None:  # an energy the auditor added
            u = _clean(unit) if not v.is_blank(unit) else ""
            out.units[key] = u.split("/", 1)[1] if u.lower().startswith("kgce/") else u
    if problems and strict:
        raise ValueError("参数表有误：" + "；".join(problems))
    out.warnings.extend(problems)
    return out


def get(params: Mapping | None, key: tuple[str, str], default=None):
    """Value of (category, name) in a parameter mapping, falling back to ``default`` then the built-in
    default."""
    cat, name = key
    if params and cat in params and params[cat].get(name) is not None:
        return params[cat][name]
    if default is not None:
        return default
    p = _DEFAULT_BY_KEY.get(key)
    return p.value if p else None


def coefficient_overrides(params: Mapping | None) -> dict:
    """{energy name: value or (value, unit)} for :func:`cpxl.calc.energy.coefficient` — only values that
    differ from the table (so the table's source and warnings stay), plus the 等价值 of 电力 and the
    energies the auditor added."""
    out: dict = {}
    if not params:
        return out
    units = getattr(params, "units", {})
    for name, value in (params.get(C_COEF) or {}).items():
        if value is None or (isinstance(value, float) and math.isnan(value)):
            continue
        default = _DEFAULT_BY_KEY.get((C_COEF, name))
        if default is not None and default.value is not None and math.isclose(value, default.value, rel_tol=1e-12):
            continue
        unit = units.get((C_COEF, name))
        out[name] = (value, unit) if unit else value
    equiv = (params.get(C_ELEC) or {}).get(K_ELEC_EQUIV[1])
    if equiv is not None and not math.isclose(equiv, energy.ELECTRICITY_EQUIVALENT.value, rel_tol=1e-12):
        out["电力（等价值）"] = equiv
    return out
