"""In-cell functions ``CP_*`` for Excel (xlwings add-in) and the headless evaluator.

Thin wrappers over :mod:`cpxl.calc`: they only convert cell values (numbers stored as text such as
“1,234”, full-width digits “１２３”, “5%”, blanks, ranges as lists) and turn every error into an in-cell
text starting with ``#CP!`` that names the argument — never an exception.

Parameters (coefficients, emission factors, discount rate, tolerances) come from
:func:`use_parameters` (the headless evaluator passes the workbook's 参数 rows through
``cpxl.calc.parameters.parameters_from_rows``); in Excel, when nothing was set, the calling workbook's
``参数`` sheet is read (cached for a few seconds; press Ctrl+Alt+F9 after editing it), else the defaults.

Coefficient warnings (range values used at a default, aliases with an assumption) do not change the
number a cell shows; ``CP_COEF_NOTE`` returns the source and the warning text for a notes column.
"""

from __future__ import annotations

import functools
import math
import time
import unicodedata
from collections.abc import Mapping

import numpy as np
import xlwings as xw

from cpxl.calc import balance as _balance
from cpxl.calc import carbon as _carbon
from cpxl.calc import economics as _economics
from cpxl.calc import energy as _energy
from cpxl.calc import indicators as _indicators
from cpxl.calc import park as _park
from cpxl.calc import parameters as _params
from cpxl.calc import pollution as _pollution
from cpxl.calc import water as _water
from cpxl.values import text_number

__all__ = ["FUNCTIONS", "use_parameters", "current_parameters"]

ERROR_PREFIX = "#CP!"
CATEGORY = "cpxl 清洁生产审核"
PARAMETER_SHEET = "参数"
_CACHE_SECONDS = 5.0

# --------------------------------------------------------------------------------------------
# parameters
# --------------------------------------------------------------------------------------------

_parameters: Mapping | None = None
_book_cache: dict[str, tuple[float, Mapping]] = {}


def use_parameters(mapping: Mapping | None) -> None:
    """Use these parameters ({category: {name: value}}, from ``parameters_from_rows``) in every
    ``CP_*`` call until changed; ``None`` returns to the 参数 sheet of the calling workbook / defaults."""
    global _parameters
    _parameters = mapping
    _book_cache.clear()


def _clean(text) -> str:
    return unicodedata.normalize("NFKC", str(text)).strip().replace(" ", "") if text is not None else ""


def _sheet_rows(data) -> list[tuple]:
    """(category, name, value, unit) rows of a 参数 sheet's used range, located by its header."""
    if not isinstance(data, list):
        return []
    grid = [r if isinstance(r, list) else [r] for r in data]
    for i, row in enumerate(grid[:15]):
        labels = [_clean(c) for c in row]
        if "类别" in labels and "名称" in labels:
            ci, ni = labels.index("类别"), labels.index("名称")
            vi = next((labels.index(x) for x in ("数值", "取值", "值", "value") if x in labels), ni + 1)
            ui = labels.index("单位") if "单位" in labels else None
            return [
                (r[ci], r[ni], r[vi] if vi < len(r) else None, r[ui] if ui is not None and ui < len(r) else None)
                for r in grid[i + 1:] if len(r) > max(ci, ni)
            ]
    return [tuple(r[:4]) for r in grid if len(r) >= 3]


def _book_parameters(caller) -> Mapping | None:
    """Parameters from the 参数 sheet of the caller's workbook (Excel only); None when unavailable."""
    try:
        book = caller.sheet.book
        key = str(book.fullname)
        hit = _book_cache.get(key)
        if hit and time.monotonic() - hit[0] < _CACHE_SECONDS:
            return hit[1]
        if PARAMETER_SHEET not in [s.name for s in book.sheets]:
            found: Mapping = _params.default_parameters()
        else:
            data = book.sheets[PARAMETER_SHEET].used_range.value
            found = _params.parameters_from_rows(_sheet_rows(data), strict=False)
        _book_cache[key] = (time.monotonic(), found)
        return found
    except Exception:  # no Excel, no workbook: defaults
        return None


def current_parameters(caller=None) -> Mapping:
    """The parameters in force: set by :func:`use_parameters`, else the caller's 参数 sheet, else defaults."""
    if _parameters is not None:
        return _parameters
    if caller is not None:
        found = _book_parameters(caller)
        if found is not None:
            return found
    return _params.default_parameters()


def _param(p: Mapping, key):
    return _params.get(p, key)


# --------------------------------------------------------------------------------------------
# argument conversion
# --------------------------------------------------------------------------------------------

def _unwrap(x):
    """Plain Python value of a cell from xlwings, numpy or the `formulas` engine."""
    kind = type(x).__name__
    if kind == "Ranges" and hasattr(x, "value"):
        x = x.value
    if kind == "XlError":
        raise ValueError(f"引用的单元格为错误值 {x}")
    if isinstance(x, np.ndarray):
        return x.item() if x.ndim == 0 else x.tolist()
    if isinstance(x, np.generic):
        return x.item()
    if kind == "Token" and str(x) == "empty":  # formulas' empty cell
        return None
    return x


def _val(x):
    """A cell value for calc: blanks → None, number-like text → float, other values unchanged."""
    x = _unwrap(x)
    if isinstance(x, (list, tuple)):
        return [_val(i) for i in x]
    if isinstance(x, str):
        if x.strip() == "":
            return None
        n = text_number(x)
        return x if n is None else n
    if isinstance(x, float) and math.isnan(x):
        return None
    if isinstance(x, int) and not isinstance(x, bool):
        return float(x)
    if type(x).__name__ in ("XlError",):
        raise ValueError(f"引用的单元格为错误值 {x}")
    return x


def _opt(x):
    """An optional number where 0 is never valid (coefficient, factor, years, tolerance, payback):
    0 means “omitted”, as the headless engine passes 0 for an empty argument (=CP_TCE(2,"电力",,"万kWh"))
    where Excel passes the default."""
    x = _val(x)
    return None if isinstance(x, float) and x == 0 else x


def _txt(x):
    """A text argument: blanks → None (also 0, an omitted argument in the headless engine),
    other numbers kept (calc reports them), text stripped."""
    x = _unwrap(x)
    if isinstance(x, (int, float)) and not isinstance(x, bool) and x == 0:
        return None
    if isinstance(x, str):
        return x.strip() or None
    if isinstance(x, float) and math.isnan(x):
        return None
    return x


def _txt_range(x):
    x = _unwrap(x)
    if isinstance(x, (list, tuple)):
        return [_txt_range(i) for i in x]
    return _txt(x)


def _blank(x) -> bool:
    return x is None or (isinstance(x, list) and all(_blank(i) for i in x))


def _out(result):
    """Excel-friendly return value: finite float, text, or nested lists."""
    if isinstance(result, np.ndarray):
        result = result.tolist()
    if isinstance(result, (list, tuple)):
        rows = [list(r) if isinstance(r, (list, tuple)) else [r] for r in result]
        return [[_out(c) for c in r] for r in rows]
    if isinstance(result, np.generic):
        result = result.item()
    if isinstance(result, bool) or isinstance(result, str):
        return result
    if isinstance(result, (int, float)):
        if not math.isfinite(result):
            raise ValueError("计算结果不是有限数值")
        return float(result)
    return result


def _error_text(exc: BaseException) -> str:
    if isinstance(exc, ValueError):
        msg = str(exc).strip()
    elif isinstance(exc, (ZeroDivisionError, OverflowError)):
        msg = f"计算溢出或除以零（{exc}）"
    elif isinstance(exc, TypeError):
        msg = f"参数个数或类型不对（{exc}）"
    else:
        msg = f"内部错误 {type(exc).__name__}：{exc}"
    return msg if msg.startswith(ERROR_PREFIX) else f"{ERROR_PREFIX} {msg}"


def _udf(**arg_docs):
    """Guard (errors → "#CP! …" text), then xlwings metadata: category and per-argument help."""

    def decorate(f):
        @functools.wraps(f)
        def guarded(*args):
            try:
                return _out(f(*args))
            except Exception as exc:  # never a traceback in a cell
                return _error_text(exc)

        guarded.__cp_arg_docs__ = dict(arg_docs)
        g = guarded
        for name, doc in arg_docs.items():
            g = xw.arg(name, doc=doc)(g)
        return xw.func(category=CATEGORY)(g)

    return decorate


# --------------------------------------------------------------------------------------------
# economics — DB11/T 1156—2022 7.5.5；《企业清洁生产审核手册》
# --------------------------------------------------------------------------------------------

_D_I = "总投资 I [万元]（扣除补贴）"
_D_F = "年现金流量 F [万元/a]：单个数值或逐年区域"
_D_N = "计算年限 n [a]（cash_flow 为区域时可空）"
_D_RATE = "贴现率 i，如 8%；空白取参数表“基准折现率”"


@_udf(investment=_D_I, life_years="设备寿命期 Y [a]")
def CP_DEPRECIATION(investment, life_years):
    """年折旧费 D = I / Y [万元/a]。I 总投资 [万元]，Y 设备寿命期 [a]。依据：《企业清洁生产审核手册》方案经济评估；DB11/T 1156—2022 7.5.5。"""
    return _economics.depreciation(_val(investment), _val(life_years))


@_udf(annual_saving="年运行费用总节省金额 P [万元/a]", investment=_D_I, life_years="设备寿命期 Y [a]",
      tax_rate="所得税率，如 25%；空白取参数表“所得税率”")
def CP_CASHFLOW(annual_saving, investment, life_years, tax_rate=None, caller=None):
    """年增现金流量 F = E + D [万元/a]：D = I/Y，应税利润 T = P − D，净利润 E = T − max(T,0)×税率。依据：《企业清洁生产审核手册》；DB11/T 1156—2022 7.5.5。"""
    tax = _val(tax_rate)
    if tax is None:
        tax = _param(current_parameters(caller), _params.K_TAX)
    return _economics.cash_flow(_val(annual_saving), _val(investment), _val(life_years), tax)


@_udf(investment=_D_I, annual_cash_flow="年现金流量 F [万元/a]")
def CP_PAYBACK(investment, annual_cash_flow):
    """投资回收期 N = I / F [年]（等额年现金流量）。依据：《企业清洁生产审核手册》投资偿还期；DB11/T 1156—2022 7.5.5。"""
    return _economics.payback(_val(investment), _val(annual_cash_flow))


def _rate_or_default(rate, caller):
    r = _val(rate)
    return _param(current_parameters(caller), _params.K_DISCOUNT) if r is None else _economics.discount_rate(r)


@_udf(investment=_D_I, cash_flow=_D_F, years=_D_N, rate=_D_RATE)
def CP_NPV(investment, cash_flow, years=None, rate=None, caller=None):
    """净现值 NPV = Σ F_j/(1+i)^j − I [万元]：投资在第 0 年，现金流自第 1 年末起（不同于 Excel 的 NPV 函数）。cash_flow 为单个数值时须给 years。依据：DB11/T 1156—2022 7.5.5；《企业清洁生产审核手册》。"""
    return _economics.npv(_val(investment), _val(cash_flow), _opt(years), _rate_or_default(rate, caller))


@_udf(investment=_D_I, cash_flow=_D_F, years=_D_N, rate=_D_RATE)
def CP_NPVR(investment, cash_flow, years=None, rate=None, caller=None):
    """净现值率 NPVR = NPV / I（NPV 约定同 CP_NPV：投资在第 0 年，现金流自第 1 年末起）。依据：《企业清洁生产审核手册》；DB11/T 1156—2022 7.5.5。"""
    return _economics.npvr(_val(investment), _val(cash_flow), _opt(years), _rate_or_default(rate, caller))


@_udf(investment=_D_I, cash_flow=_D_F, years=_D_N)
def CP_IRR(investment, cash_flow, years=None):
    """内部收益率 IRR：使 NPV = 0 的精确贴现率（二分法求根，非手册的线性插值近似；NPV 约定同 CP_NPV，不同于 Excel 的 IRR）。无解或多解时返回 #CP! 提示。依据：DB11/T 1156—2022 7.5.5；《企业清洁生产审核手册》。"""
    return _economics.irr(_val(investment), _val(cash_flow), _opt(years))


@_udf(investment=_D_I, cash_flow=_D_F, years=_D_N, rate=_D_RATE,
      max_payback="允许投资回收期 [a]；空白取参数表“允许投资回收期”")
def CP_ECON_OK(investment, cash_flow, years=None, rate=None, max_payback=None, caller=None):
    """经济可行性：NPV ≥ 0、IRR ≥ 贴现率、投资回收期 ≤ 允许值时返回“可行”，否则“不可行：原因”。依据：DB11/T 1156—2022 7.5.5 b)；《企业清洁生产审核手册》。"""
    p = current_parameters(caller)
    r = _val(rate)
    r = _param(p, _params.K_DISCOUNT) if r is None else _economics.discount_rate(r)
    m = _opt(max_payback)
    m = _param(p, _params.K_PAYBACK) if m is None else m
    return _economics.econ_ok(_val(investment), _val(cash_flow), _opt(years), r, m)


# --------------------------------------------------------------------------------------------
# energy — GB/T 2589-2020; carbon — DB4101/T 61—2023 表E.4 注b
# --------------------------------------------------------------------------------------------

_D_ENERGY = "能源或耗能工质名称，如 原煤、天然气、电力、新水"
_D_BASIS = "折算口径：当量（默认）或 等价（仅电力不同）"
_D_UNIT = "实物量单位，如 吨、万kWh、万m³、GJ；空白为系数的单位"


def _overrides(caller):
    return _params.coefficient_overrides(current_parameters(caller))


@_udf(energy=_D_ENERGY, basis=_D_BASIS)
def CP_COEF(energy, basis=None, caller=None):
    """折标准煤系数 [kgce/实物单位]：电力当量值 0.1229 kgce/kWh，basis=“等价”取参数表等价值；范围值（如天然气 1.1000～1.3300）未在参数表填写时按默认值计，说明见 CP_COEF_NOTE。依据：GB/T 2589-2020 表A.1、表B.1。"""
    return _energy.coefficient(_txt(energy), _txt(basis), _overrides(caller)).value


@_udf(energy=_D_ENERGY, basis=_D_BASIS)
def CP_COEF_NOTE(energy, basis=None, caller=None):
    """折标准煤系数的单位、来源和提示（范围值按默认值计、名称按别名折算等），供“系数说明”列使用。依据：GB/T 2589-2020 表A.1、表B.1。"""
    c = _energy.coefficient(_txt(energy), _txt(basis), _overrides(caller))
    text = f"{c.value:g} kgce/{c.unit}；{c.source}"
    return f"{text}；注意：{c.warning}" if c.warning else text


@_udf(quantity="实物消耗量（单位见 unit）", energy=_D_ENERGY, coef="折标准煤系数 [kgce/系数单位]；空白取参数表/标准值",
      unit=_D_UNIT)
def CP_TCE(quantity, energy, coef=None, unit=None, caller=None):
    """折标准煤量 [kgce] = 实物量（换算到系数单位）× 折标准煤系数。unit 可为 吨、万kWh、万m³、GJ 等；单位与能源不相容时报错。依据：GB/T 2589-2020；DB4101/T 61—2023 表D.12。"""
    return _energy.tce(_val(quantity), _txt(energy), _opt(coef), _txt(unit), overrides=_overrides(caller))


@_udf(quantities="实物消耗量区域", energies="能源名称区域（与消耗量等长）", coefs="折标准煤系数区域（可空）",
      units="单位区域或单个单位（可空）")
def CP_TOTAL_TCE(quantities, energies, coefs=None, units=None, caller=None):
    """综合能耗 Σ 实物量 × 折标准煤系数 [kgce]；消耗量为空的行跳过。依据：GB/T 2589-2020；DB4101/T 61—2023 表D.12 合计综合能耗。"""
    q, e, c, u = _val(quantities), _txt_range(energies), _val(coefs), _txt_range(units)
    return _energy.total_tce(
        q if isinstance(q, list) else [q],
        e if isinstance(e, list) else [e],
        None if _blank(c) else c,
        None if _blank(u) else u,
        overrides=_overrides(caller),
    )


@_udf(e_report="报告期单位产品能耗 [kgce/单位产品]", e_base="基期单位产品能耗 [kgce/单位产品]",
      output_report="报告期产量 [单位产品]")
def CP_SAVING(e_report, e_base, output_report):
    """产品节能量 ΔE = Σ(e报告期 − e基期)×M报告期 [kgce]，负值为节能。区域可计算多种产品之和。依据：GB/T 13234 用能单位节能量计算方法。"""
    return _energy.saving(_val(e_report), _val(e_base), _val(output_report))


@_udf(e_report="报告期单位产品能耗", e_base="基期单位产品能耗")
def CP_SAVING_RATE(e_report, e_base):
    """节能率 = (e报告期 − e基期)/e基期，负值为节能。依据：GB/T 13234 用能单位节能量计算方法。"""
    return _energy.saving_rate(_val(e_report), _val(e_base))


@_udf(quantity="实物量（默认为系数单位 kWh、kg、m³）", energy=_D_ENERGY,
      factor="排放因子：电力 tCO2/MWh，其他 tCO2/tce；空白取参数表", unit=_D_UNIT)
def CP_CO2(quantity, energy, factor=None, unit=None, caller=None):
    """二氧化碳量 [tCO2]：电力 = kWh/1000 × 电网排放因子（默认 0.5306 tCO2/MWh，2023 年全国平均）；化石能源 = 折标准煤 × 2.7725 tCO2/tce。依据：DB4101/T 61—2023 表E.4 注b。"""
    p = current_parameters(caller)
    return _carbon.co2(
        _val(quantity), _txt(energy), _opt(factor), _txt(unit),
        overrides=_params.coefficient_overrides(p),
        coal_factor=_param(p, _params.K_COAL_FACTOR), grid_factor=_param(p, _params.K_GRID_FACTOR),
    )


# --------------------------------------------------------------------------------------------
# balances — DB11/T 1156—2022 7.3.4–7.3.7; GB/T 12452; GB/T 3484
# --------------------------------------------------------------------------------------------


@_udf(inputs="输入物料量（单元格或区域）", outputs="输出物料量（单元格或区域，同一单位）")
def CP_BALANCE_DEV(inputs, outputs):
    """平衡偏差 = (Σ输入 − Σ输出)/Σ输入，正值为未计入的流失。依据：DB11/T 1156—2022 7.3.4 b)、d)；7.3.7.2。"""
    return _balance.balance_dev(_val(inputs), _val(outputs))


@_udf(inputs="输入物料量", outputs="输出物料量", tolerance="允许偏差，空白取参数表“物料平衡允许偏差”（默认 5%）")
def CP_BALANCE_OK(inputs, outputs, tolerance=None, caller=None):
    """偏差绝对值 ≤ 允许偏差时返回“平衡”，否则“偏差超限（x.x%）”。允许偏差默认 5%。依据：DB11/T 1156—2022 7.3.4 b)（一般情况 5% 以内）。"""
    tol = _opt(tolerance)
    if tol is None:
        tol = _param(current_parameters(caller), _params.K_MATERIAL_TOL)
    return _balance.balance_ok(_val(inputs), _val(outputs), tol)


@_udf(into_product="进入产品的量", input_amount="投入量（同一单位）")
def CP_UTILIZATION(into_product, input_amount):
    """原辅材料或有毒有害物质利用率 = 进入产品的量 / 投入量。依据：DB11/T 1156—2022 7.3.4 d) 2)。"""
    return _balance.utilization(_val(into_product), _val(input_amount))


@_udf(effective="有效利用能量", supplied="供入能量（同一单位）")
def CP_ENERGY_EFF(effective, supplied):
    """能量利用率 η = 有效利用能量 / 供入能量。依据：GB/T 3484 企业能量平衡通则；DB11/T 1156—2022 7.3.6。"""
    return _balance.energy_eff(_val(effective), _val(supplied))


@_udf(reused="重复利用水量 Vr [m³]", fresh="新水量 Vf [m³]")
def CP_REUSE_RATE(reused, fresh):
    """水重复利用率 R = Vr/(Vr + Vf)。依据：GB/T 12452 企业水平衡测试通则；DB11/T 1156—2022 7.3.5。"""
    return _water.reuse_rate(_val(reused), _val(fresh))


@_udf(leaked="漏失水量 Vl [m³]", fresh="新水量 Vf [m³]")
def CP_LEAK_RATE(leaked, fresh):
    """漏失率 = Vl / Vf。依据：GB/T 12452 企业水平衡测试通则。"""
    return _water.leak_rate(_val(leaked), _val(fresh))


@_udf(intake="取新水量 Vf [m³]", consumed="耗水量 Vco [m³]", discharged="排水量 Vd [m³]", leaked="漏失水量 Vl [m³]（可空）")
def CP_WATER_DEV(intake, consumed, discharged, leaked=None):
    """水平衡偏差 = (Vf − Vco − Vd − Vl)/Vf（平衡时 Vf = Vco + Vd + Vl）。依据：GB/T 12452 企业水平衡测试通则；DB11/T 1156—2022 7.3.5。"""
    return _water.water_dev(_val(intake), _val(consumed), _val(discharged), _val(leaked))


@_udf(recycled="循环冷却水量 Vcr [m³]", makeup="冷却水补充新水量 Vcf [m³]")
def CP_COOLING_CYCLE_RATE(recycled, makeup):
    """间接冷却水循环率 = Vcr/(Vcr + Vcf)。依据：GB/T 12452 企业水平衡测试通则。"""
    return _water.cooling_cycle_rate(_val(recycled), _val(makeup))


@_udf(reused="工艺水回用量 Vgr [m³]", fresh="工艺用新水量 Vgf [m³]")
def CP_PROCESS_REUSE_RATE(reused, fresh):
    """工艺水回用率 = Vgr/(Vgr + Vgf)。依据：GB/T 12452 企业水平衡测试通则。"""
    return _water.process_reuse_rate(_val(reused), _val(fresh))


@_udf(discharged="排水量 Vd [m³]", fresh="新水量 Vf [m³]")
def CP_DISCHARGE_RATE(discharged, fresh):
    """排水率 = Vd / Vf。依据：GB/T 12452 企业水平衡测试通则。"""
    return _water.discharge_rate(_val(discharged), _val(fresh))


# --------------------------------------------------------------------------------------------
# pollution — DB11/T 1156—2022 7.2.5.6, 7.3.7; DB4101/T 61—2023 表D.18、D.20
# --------------------------------------------------------------------------------------------


@_udf(concentration_mg_L="浓度 [mg/L]（单元格或区域）", volume_m3="废水量 [m³]（单元格或区域）")
def CP_LOAD(concentration_mg_L, volume_m3):
    """水污染物量 [t] = Σ 浓度[mg/L] × 水量[m³] × 10⁻⁶。依据：HJ 942/HJ 884 实测法；DB11/T 1156—2022 7.2.5.6；DB4101/T 61—2023 表D.18。"""
    return _pollution.load(_val(concentration_mg_L), _val(volume_m3))


@_udf(concentration_mg_m3="浓度 [mg/m³]", flow_m3_h="废气量 [m³/h]", hours="排放时间 [h]")
def CP_LOAD_GAS(concentration_mg_m3, flow_m3_h, hours):
    """大气污染物量 [t] = Σ 浓度[mg/m³] × 废气量[m³/h] × 时间[h] × 10⁻⁹。依据：HJ 942/HJ 884 实测法；DB11/T 1156—2022 7.2.5.6；DB4101/T 61—2023 表D.20。"""
    return _pollution.load_gas(_val(concentration_mg_m3), _val(flow_m3_h), _val(hours))


@_udf(concentration_mg_m3="浓度 [mg/m³]", flow_m3_h="废气量 [m³/h]")
def CP_EMISSION_RATE(concentration_mg_m3, flow_m3_h):
    """排放速率 [kg/h] = 浓度[mg/m³] × 废气量[m³/h] × 10⁻⁶。依据：DB4101/T 61—2023 表D.20。"""
    return _pollution.emission_rate(_val(concentration_mg_m3), _val(flow_m3_h))


@_udf(inlet="处理前浓度或量", outlet="处理后浓度或量")
def CP_REMOVAL(inlet, outlet):
    """去除效率 η = (进口 − 出口)/进口。依据：DB11/T 1156—2022 7.3.7 污染治理设施去除效率。"""
    return _pollution.removal(_val(inlet), _val(outlet))


@_udf(generated="产生量 [t]", capture_eff="收集效率，如 90%", removal_eff="处理效率，如 85%")
def CP_EMISSION(generated, capture_eff, removal_eff):
    """排放量 = 产生量 × (1 − 收集效率 × 处理效率)（未收集部分为无组织排放）。依据：DB11/T 1156—2022 7.2.5.6（VOCs、含重金属废气按收集效率、处理效率核算）。"""
    return _pollution.emission(_val(generated), _val(capture_eff), _val(removal_eff))


@_udf(values="监测值区域", limit="标准限值")
def CP_EXCEED_RATE(values, limit):
    """超标率 = 超过限值的监测次数 / 监测次数（空白不计）。依据：DB4101/T 61—2023 表D.18、表D.20。"""
    return _pollution.exceed_rate(_val(values), _val(limit))


# --------------------------------------------------------------------------------------------
# indicators, levels, scoring
# --------------------------------------------------------------------------------------------

_D_DIR = "指标方向：lower/越小越好（默认）或 higher/越大越好"


@_udf(total="总消耗量或总排放量", output_amount="产品产量（或产值）")
def CP_PER_UNIT(total, output_amount):
    """单位产品指标 = 总量 / 产量（产量为 0 时报错，不返回无穷大）。依据：DB4101/T 61—2023 表D.10～D.12 单耗；DB11/T 1156—2022 7.2.6。"""
    return _indicators.per_unit(_val(total), _val(output_amount))


@_udf(baseline="基准期值", value="目标值或现状值")
def CP_REDUCTION(baseline, value):
    """相对削减率 = (基准期值 − 值)/基准期值，正值为下降。依据：DB4101/T 61—2023 表D.24、D.33“相对值(%)”。"""
    return _indicators.reduction(_val(baseline), _val(value))


@_udf(target="目标值", actual="实际值", direction=_D_DIR)
def CP_TARGET_MET(target, actual, direction=None):
    """目标是否完成：“是”/“否”（越小越好：实际 ≤ 目标；越大越好：实际 ≥ 目标）。依据：DB4101/T 61—2023 表D.33、D.38。"""
    return _indicators.target_met(_val(target), _val(actual), _txt(direction))


@_udf(value="指标值", level_I="I级基准值", level_II="II级基准值", level_III="III级基准值", direction=_D_DIR)
def CP_LEVEL(value, level_I, level_II, level_III, direction=None):
    """单项指标级别：“I级”/“II级”/“III级”/“未达III级”（越小越好按 ≤，越大越好按 ≥ 比较）。依据：《清洁生产评价指标体系编制通则》（2013）；DB11/T 1156—2022 7.2.8 b)。"""
    return _indicators.level(_val(value), _val(level_I), _val(level_II), _val(level_III), _txt(direction))


@_udf(current="当年值", base="基年值（如三年前）", years="间隔年数，默认 3")
def CP_CAGR(current, base, years=None):
    """年均增长率 = (当年值/基年值)^(1/年数) − 1，默认 3 年。依据：T/CPPC 工业园区清洁生产审核指南 附件1 指标(3)。"""
    return _indicators.cagr(_val(current), _val(base), _opt(years))


@_udf(current="当年值（如单位工业增加值 CO2 排放量）", base="三年前值", years="间隔年数，默认 3")
def CP_ANNUAL_REDUCTION(current, base, years=None):
    """年均削减率 = 1 − (当年值/基年值)^(1/年数)，下降为正（指南原式符号相反）。依据：T/CPPC 工业园区清洁生产审核指南 附件1 指标(19)。"""
    return _indicators.annual_reduction(_val(current), _val(base), _opt(years))


@_udf(current="当年值", previous="上年值")
def CP_GROWTH(current, previous):
    """增长率 = (当年值 − 上年值)/上年值。依据：T/CPPC 工业园区清洁生产审核指南 附件1 指标(20)。"""
    return _indicators.growth(_val(current), _val(previous))


@_udf(weights="权重 W（一行或一列）", scores="得分 R（0～10）：一个方案一行，或多个方案的区域")
def CP_WEIGHTED_SCORE(weights, scores):
    """权重总和计分 S = Σ W×R；scores 为多行区域时每个方案返回一个得分。依据：DB11/T 1156—2022 7.2.9、7.4.3 权重总和计分排序法。"""
    return _indicators.weighted_score(_val(weights), _val(scores))


@_udf(score="本方案得分", scores="全部方案得分区域")
def CP_RANK(score, scores):
    """排序：得分最高为 1，得分相同名次相同。依据：DB11/T 1156—2022 7.2.9、7.4.3 权重总和计分排序法。"""
    return _indicators.rank(_val(score), _val(scores))


_D_VALUES = "指标值区域（数值，或 是/否、II级 等定性结果；空白为不参评）"
_GRADE_DOCS = dict(values=_D_VALUES, level_I="I级基准值区域", level_II="II级基准值区域", level_III="III级基准值区域",
                   directions="指标方向区域或单个方向", weights="二级指标权重区域",
                   group_weights="一级指标权重区域（每行重复，可空）", groups="一级指标名称区域（可空）")


@_udf(level="级别 I、II 或 III", **_GRADE_DOCS)
def CP_COMPOSITE_INDEX(level, values, level_I, level_II, level_III, directions, weights, group_weights=None, groups=None):
    """综合评价指数 Y_gk = Σ w_i Σ ω_ij·Y_gk(x_ij) [0～100]：达到该级（逐级累计）得 100，否则 0；空白指标不参评，权重重新归一。依据：《清洁生产评价指标体系编制通则》（试行稿，2013）。"""
    return _indicators.composite_index(
        _txt(level) if not isinstance(_val(level), float) else _val(level), _val(values),
        _val(level_I), _val(level_II), _val(level_III), _txt_range(directions), _val(weights),
        None if _blank(_val(group_weights)) else _val(group_weights),
        None if _blank(_txt_range(groups)) else _txt_range(groups),
    )


@_udf(**_GRADE_DOCS, mandatory="限定性指标标记区域（是/空白）")
def CP_GRADE(values, level_I, level_II, level_III, directions, weights, group_weights=None, groups=None, mandatory=None):
    """清洁生产水平：Y_I ≥ 85 且限定性指标达 I 级为“I级”，Y_II ≥ 85 且限定性指标达 II 级为“II级”，Y_III = 100 为“III级”，否则“未达III级”。依据：《清洁生产评价指标体系编制通则》（试行稿，2013）。"""
    return _indicators.grade(
        _val(values), _val(level_I), _val(level_II), _val(level_III), _txt_range(directions), _val(weights),
        None if _blank(_val(group_weights)) else _val(group_weights),
        None if _blank(_txt_range(groups)) else _txt_range(groups),
        None if _blank(_txt_range(mandatory)) else _txt_range(mandatory),
    )


# --------------------------------------------------------------------------------------------
# park — T/CPPC 工业园区清洁生产审核指南 附件1 附表1
# --------------------------------------------------------------------------------------------


@_udf(indicator_no="指标序号 1～26", value="指标值：百分比填 35% 或 0.35；定性指标填 具备/达标/是 或 否")
def CP_PARK_LEVEL(indicator_no, value):
    """园区指标水平：“先进水平”/“一般水平”/“未达到一般水平”。仅一个基准值的指标（如 9、13、14）达到即为先进水平。依据：T/CPPC 工业园区清洁生产审核指南 附件1 附表1。"""
    return _park.park_level(_val(indicator_no), _val(value))


@_udf(selected="已选指标序号区域")
def CP_PARK_SELECTION_OK(selected):
    """园区评价指标选择是否符合要求：必选 13 项全选、可选至少 6 项且每组至少 1 项、共计至少 19 项。返回“符合”或“不符合：原因”。依据：T/CPPC 工业园区清洁生产审核指南 附件1。"""
    return _park.park_selection_ok(_val(selected))


@_udf(items="各项完成情况区域（是/否）")
def CP_PARK_COMPLETENESS(items):
    """完善度 = 完成项数 / 项数（指标 24、25：4 项各 25%，化工等园区 5 项各 20%）；空白不计。依据：T/CPPC 工业园区清洁生产审核指南 附件1 指标(24)、(25)。"""
    return _park.completeness(_val(items))


@_udf(category="参数类别，如 经济、排放因子、折标准煤系数", param_name="参数名称，如 基准折现率")
def CP_PARAM(category, param_name, caller=None):
    """当前生效的参数值（参数表或默认值），如 =CP_PARAM("经济","基准折现率") → 0.08。"""
    cat, name = _txt(category), _txt(param_name)
    p = current_parameters(caller)
    if cat is None or cat not in p:
        raise ValueError(f"category（参数类别）须为 {'、'.join(_params.CATEGORIES)} 之一，收到 {cat!r}")
    if name is None or name not in p[cat]:
        raise ValueError(f"param_name（参数名称）“{name}”不在“{cat}”类中")
    value = p[cat][name]
    if value is None:
        raise ValueError(f"参数“{name}”为范围值，未填写数值")
    return value


#: The CP_ functions in contract order.
FUNCTIONS: list[str] = [
    "CP_DEPRECIATION", "CP_CASHFLOW", "CP_PAYBACK", "CP_NPV", "CP_NPVR", "CP_IRR", "CP_ECON_OK",
    "CP_COEF", "CP_TCE", "CP_TOTAL_TCE", "CP_CO2",
    "CP_BALANCE_DEV", "CP_BALANCE_OK", "CP_REUSE_RATE", "CP_LEAK_RATE", "CP_WATER_DEV",
    "CP_LOAD", "CP_LOAD_GAS", "CP_REMOVAL", "CP_EMISSION", "CP_UTILIZATION", "CP_ENERGY_EFF",
    "CP_PER_UNIT", "CP_REDUCTION", "CP_TARGET_MET", "CP_LEVEL", "CP_CAGR", "CP_WEIGHTED_SCORE", "CP_RANK",
    "CP_PARK_LEVEL",
    # further functions
    "CP_COMPOSITE_INDEX", "CP_GRADE", "CP_SAVING", "CP_SAVING_RATE", "CP_COEF_NOTE",
    "CP_ANNUAL_REDUCTION", "CP_GROWTH", "CP_COOLING_CYCLE_RATE", "CP_PROCESS_REUSE_RATE", "CP_DISCHARGE_RATE",
    "CP_EMISSION_RATE", "CP_EXCEED_RATE", "CP_PARK_SELECTION_OK", "CP_PARK_COMPLETENESS", "CP_PARAM",
]
