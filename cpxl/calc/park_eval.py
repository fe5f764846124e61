"""Park evaluation from the park's base data: every indicator of T/CPPC 《工业园区清洁生产审核指南》
附件1 附表1 that its “指标解释和计算方法” defines from countable parts, its level (先进水平 / 一般水平 /
未达到一般水平, via :func:`cpxl.calc.park.park_level`) and the gap to the next level; and the
selection rule of 附件1 (13 必选 all evaluated; of the 13 可选 at least 6 and at least one in each
“至少选 1 项” group; 19 or more in all).

Data conventions
----------------
``data`` maps the item keys of 表P.2 (:data:`cpxl.tables.park.PARK_INPUTS`, e.g. ``"industrial_va"``)
to a number (the latest year) or to a sequence of yearly values, oldest first: (三年前, y1, y2, y3) as
in 表P.2, where y3 is the latest year and 三年前 is y3 − 3.  Blank values (None, "", NaN) are missing.

* Ratios of two items use the latest year in which both parts are given.
* Indicator 3 and 19 compare the latest year with the year three years before it (the first column);
  indicator 20 compares the latest year with the year before it.
* Indicator 13 counts events of the three years before the audit: the filled values of y1–y3 are
  summed (a single three-year total typed in one column is therefore taken as it is).
* Indicators 24 and 25 are completeness shares: from yes/no item lists (``items24``, ``items25``) with
  :func:`cpxl.calc.park.completeness`, else from the counts ``env_mgmt_items`` / 4 and
  ``risk_items`` / ``risk_items_total`` (4, or 5 for 化工、电镀、印染 parks).
* Qualitative indicators 9, 12 and 22 take the auditor's judgement (``states``: 具备/达标/是 or 否/不具备…).

Values are returned as :func:`park_level` takes them: shares and rates as fractions (0.35 = 35 %),
numbers in the unit of 附表1, counts as counts, qualitative as the text given.  Gaps are given in the
printed unit of 附表1: percentage points for % indicators.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from . import _validate as v
from .indicators import annual_reduction, cagr, growth
from .park import ADVANCED, BELOW, GENERAL, PARK_GROUPS, PARK_INDICATORS, ParkIndicator, completeness, indicator, park_level

__all__ = [
    "ParkResult",
    "SelectionProblem",
    "PART_LABELS",
    "FORMULA_PARTS",
    "evaluate_park",
    "evaluate_indicator",
    "gap_to_next",
    "selection_problems",
    "display_value",
]

SOURCE = "T/CPPC 工业园区清洁生产审核指南 附件1 指标解释和计算方法"

#: Chinese names of the base-data items (表P.2 数据项), for messages and the working of a value.
PART_LABELS: dict[str, str] = {
    "gdp": "园区生产总值",
    "hightech_va": "高新技术企业增加值之和",
    "industrial_va": "园区工业增加值",
    "employees": "园区年末工业企业从业人数",
    "recycling_va": "资源再生利用产业增加值",
    "swu": "工业固体废物综合利用量",
    "sw_generated": "工业固体废物产生量",
    "sw_stock_used": "综合利用往年贮存量",
    "renew_used": "再生资源循环利用量",
    "renew_collected": "再生资源收集量",
    "energy": "园区工业综合能耗总量",
    "renewable_energy": "工业企业可再生能源使用量",
    "green_industrial": "新建工业建筑中绿色建筑面积",
    "new_industrial": "园区新建工业建筑面积",
    "green_public": "新建公共建筑中绿色建筑面积",
    "new_public": "园区新建公共建筑面积",
    "incidents": "特别重大、重大突发环境事件数量",
    "sw_disposed": "工业固体废物（含危险废物）处置利用量",
    "sw_total": "工业固体废物（含危险废物）总产生量",
    "wastewater": "园区工业废水排放总量",
    "sw_inside": "园区工业固体废物区内产生量",
    "good_air_days": "空气质量优良天数",
    "days": "全年天数",
    "green_area": "园区内各类绿地总面积",
    "land_area": "园区用地总面积",
    "co2": "园区二氧化碳排放量",
    "audited": "通过清洁生产审核评估的重点企业数",
    "key_enterprises": "园区重点企业总数",
    "campaigns": "清洁生产宣传活动次数",
    "env_mgmt_items": "环境管理能力完善度已达到项数",
    "risk_items": "环境风险防范体系建设已完成项数",
    "risk_items_total": "环境风险防范体系建设应完成项数",
    "disclosed": "按要求公开环境信息的企业数量",
    "listed": "纳入重点排污单位名录的企业数量",
}

#: Indicator = numerator / denominator (× 100 % for shares), 附件1 指标(n) 计算公式.
_RATIOS: dict[int, tuple[str, str]] = {
    1: ("hightech_va", "gdp"),  # (1) 高新技术企业的增加值之和 / 工业园区生产总值 × 100%
    2: ("industrial_va", "employees"),  # (2) 园区工业增加值 / 园区年末工业企业从业人数
    4: ("recycling_va", "industrial_va"),  # (4) 资源再生利用产业增加值 / 园区工业增加值 × 100%
    6: ("renew_used", "renew_collected"),  # (6) 再生资源循环利用量 / 再生资源收集量 × 100%
    7: ("energy", "industrial_va"),  # (7) 园区工业综合能耗总量 / 园区工业增加值总量
    8: ("renewable_energy", "energy"),  # (8) 可再生能源使用量 / 工业企业综合能耗总量 × 100%
    10: ("green_industrial", "new_industrial"),  # (10) 绿色建筑面积 / 新建工业建筑面积 × 100%
    11: ("green_public", "new_public"),  # (11) 绿色建筑面积 / 新建公共建筑面积 × 100%
    14: ("sw_disposed", "sw_total"),  # (14) 处置利用量 / 总产生量 × 100%
    15: ("wastewater", "industrial_va"),  # (15) 园区工业废水排放总量 / 园区工业增加值总量
    16: ("sw_inside", "industrial_va"),  # (16) 区内产生量 / 园区工业增加值总量
    17: ("good_air_days", "days"),  # (17) 指标解释：优良天数占全年天数的比例
    18: ("green_area", "land_area"),  # (18) 各类绿地总面积 / 园区用地总面积 × 100%
    21: ("audited", "key_enterprises"),  # (21) 通过评估重点企业数 / 园区重点企业总数 × 100%
    26: ("disclosed", "listed"),  # (26) 公开环境信息的企业数量 / 纳入名录的企业数量 × 100%
}

#: The base-data items each computable indicator is made of (for messages: what is missing).
FORMULA_PARTS: dict[int, tuple[str, ...]] = {
    **{no: parts for no, parts in _RATIOS.items()},
    3: ("industrial_va",),
    5: ("swu", "sw_generated", "sw_stock_used"),
    13: ("incidents",),
    19: ("co2", "industrial_va"),
    20: ("co2",),
    23: ("campaigns",),
    24: ("env_mgmt_items",),
    25: ("risk_items", "risk_items_total"),
}


@dataclass(frozen=True)
class ParkResult:
    """One evaluated indicator.

    value: in :func:`park_level`'s convention (shares and rates as fractions); None when it cannot be
    computed (``missing`` names the absent parts, ``error`` a value park_level refuses).
    level: 先进水平 / 一般水平 / 未达到一般水平; next_level: the level not yet reached (None at 先进水平);
    gap: distance to next_level in the printed unit of 附表1 (percentage points for %); working: the
    formula with the numbers used.
    """

    no: int
    name: str
    unit: str
    value: float | str | None
    level: str | None = None
    next_level: str | None = None
    gap: float | None = None
    working: str = ""
    missing: tuple[str, ...] = ()
    error: str = ""

    @property
    def evaluated(self) -> bool:
        return self.level is not None

    @property
    def indicator(self) -> ParkIndicator:
        return indicator(self.no)


@dataclass(frozen=True)
class SelectionProblem:
    """One breach of the 附件1 selection rule.

    rule: ``required`` (a 必选 indicator not evaluated), ``group`` (a “至少选 1 项” group with none),
    ``optional`` (fewer than 6 可选), ``total`` (fewer than 19 in all); numbers: the indicators concerned.
    """

    rule: str
    numbers: tuple[int, ...]
    message: str


# ---- data access ------------------------------------------------------------------------------------


def _series(data: Mapping, key: str) -> tuple:
    """(三年前, y1, y2, y3) of an item; a scalar is the latest year."""
    raw = data.get(key)
    if raw is None:
        return (None, None, None, None)
    if isinstance(raw, (str, bytes)) or not isinstance(raw, Iterable):
        return (None, None, None, raw)
    values = list(raw)
    if len(values) > 4:
        raise ValueError(f"“{PART_LABELS.get(key, key)}”最多 4 个年份的数值（三年前、y1、y2、y3），收到 {len(values)} 个")
    return tuple([None] * (4 - len(values)) + values)


def _num(key: str, value) -> float | None:
    if v.is_blank(value):
        return None
    return v.number(f"“{PART_LABELS.get(key, key)}”", value)


def _latest_common(data: Mapping, keys: Sequence[str]) -> tuple[int, list[float]] | None:
    """The latest year index (3 = y3 … 0 = 三年前) in which every key has a value, and the values."""
    columns = [[_num(k, x) for x in _series(data, k)] for k in keys]
    for j in (3, 2, 1, 0):
        values = [col[j] for col in columns]
        if all(x is not None for x in values):
            return j, values  # type: ignore[return-value]
    return None


def _missing(data: Mapping, keys: Sequence[str]) -> tuple[str, ...]:
    return tuple(PART_LABELS.get(k, k) for k in keys if all(_num(k, x) is None for x in _series(data, k)))




def _g(x: float) -> str:
    return f"{x:,.6g}"


# ---- indicators -------------------------------------------------------------------------------------


def _compute(no: int, data: Mapping, *, items24=None, items25=None, chemical: bool = False) -> tuple[object, str, tuple[str, ...]]:
    """(value, working, missing parts) of a quantitative indicator; value None when not computable."""
    p = indicator(no)
    pct = p.kind in ("share", "rate")
    if no in _RATIOS:
        num_key, den_key = _RATIOS[no]
        found = _latest_common(data, (num_key, den_key))
        if found is None:
            return None, "", _missing(data, (num_key, den_key)) or (PART_LABELS[num_key], PART_LABELS[den_key])
        _, (a, b) = found
        if b <= 0:
            raise ValueError(f"“{PART_LABELS[den_key]}”须为正数，收到 {v.fmt(b)}")
        value = a / b
        tail = f" × 100% = {value * 100:.2f}%" if pct else f" = {value:.4g} {p.unit}"
        return value, f"{PART_LABELS[num_key]} {_g(a)} ÷ {PART_LABELS[den_key]} {_g(b)}{tail}", ()
    if no == 3:  # (3) [(当年工业增加值 / 三年前工业增加值)^(1/3) − 1] × 100%
        s = [_num("industrial_va", x) for x in _series(data, "industrial_va")]
        if s[3] is None or s[0] is None:
            return None, "", ("园区工业增加值（当年及三年前）",)
        value = cagr(s[3], s[0], 3)
        return value, f"（当年工业增加值 {_g(s[3])} ÷ 三年前工业增加值 {_g(s[0])}）^(1/3) − 1 = {value * 100:.2f}%", ()
    if no == 5:  # (5) 综合利用量 / (产生量 + 综合利用往年贮存量) × 100%
        found = _latest_common(data, ("swu", "sw_generated"))
        if found is None:
            return None, "", _missing(data, ("swu", "sw_generated")) or ("工业固体废物综合利用量", "工业固体废物产生量")
        j, (used, generated) = found
        stock = _num("sw_stock_used", _series(data, "sw_stock_used")[j]) or 0.0  # blank: no stock used
        whole = generated + stock
        if whole <= 0:
            raise ValueError("工业固体废物产生量与综合利用往年贮存量之和须为正数")
        value = used / whole
        return value, f"综合利用量 {_g(used)} ÷（产生量 {_g(generated)} + 综合利用往年贮存量 {_g(stock)}）× 100% = {value * 100:.2f}%", ()
    if no == 13:  # (13) 审核前三年发生特别重大、重大突发环境事件的次数
        s = [_num("incidents", x) for x in _series(data, "incidents")[1:]]
        filled = [x for x in s if x is not None]
        if not filled:
            return None, "", (PART_LABELS["incidents"],)
        value = sum(filled)
        return value, f"审核前三年事件数合计 {_g(value)} 次", ()
    if no == 19:  # (19) 年均削减率, sign as in indicators.annual_reduction (decrease positive)
        co2 = [_num("co2", x) for x in _series(data, "co2")]
        va = [_num("industrial_va", x) for x in _series(data, "industrial_va")]
        if None in (co2[3], co2[0], va[3], va[0]):
            return None, "", ("园区二氧化碳排放量、园区工业增加值（当年及三年前）",)
        if va[3] <= 0 or va[0] <= 0:
            raise ValueError("园区工业增加值须为正数")
        now, before = co2[3] / va[3], co2[0] / va[0]
        value = annual_reduction(now, before, 3)
        return value, (
            f"1 −（当年 {_g(co2[3])}/{_g(va[3])} = {now:.4g} ÷ 三年前 {_g(co2[0])}/{_g(va[0])} = {before:.4g} tCO₂/万元）^(1/3)"
            f" = {value * 100:.2f}%"
        ), ()
    if no == 20:  # (20) (当年 − 上年) / 上年 × 100%
        s = [_num("co2", x) for x in _series(data, "co2")]
        for j in (3, 2, 1):
            if s[j] is not None and s[j - 1] is not None:
                value = growth(s[j], s[j - 1])
                return value, f"（当年 {_g(s[j])} − 上年 {_g(s[j - 1])}）÷ 上年 {_g(s[j - 1])} × 100% = {value * 100:.2f}%", ()
        return None, "", ("园区二氧化碳排放量（当年及上年）",)
    if no == 23:  # (23) 宣传活动次数
        found = _latest_common(data, ("campaigns",))
        if found is None:
            return None, "", (PART_LABELS["campaigns"],)
        value = found[1][0]
        return value, f"宣传活动 {_g(value)} 次", ()
    if no == 24:  # (24) 4 项，每项 25%
        if items24 is not None:
            value = completeness(items24)
            return value, f"已达到项数 ÷ 应达到项数 = {value * 100:.0f}%", ()
        found = _latest_common(data, ("env_mgmt_items",))
        if found is None:
            return None, "", (PART_LABELS["env_mgmt_items"],)
        done = found[1][0]
        if not 0 <= done <= 4:
            raise ValueError(f"“环境管理能力完善度已达到项数”须在 0～4 之间，收到 {v.fmt(done)}")
        value = done / 4
        return value, f"{_g(done)} 项 × 25% = {value * 100:.0f}%", ()
    if no == 25:  # (25) 4 项每项 25%；化工、电镀、印染等园区 5 项每项 20%
        if items25 is not None:
            value = completeness(items25)
            return value, f"已完成项数 ÷ 应完成项数 = {value * 100:.0f}%", ()
        s_done = [_num("risk_items", x) for x in _series(data, "risk_items")]
        s_total = [_num("risk_items_total", x) for x in _series(data, "risk_items_total")]
        for j in (3, 2, 1, 0):
            if s_done[j] is not None:
                total = s_total[j] if s_total[j] is not None else (5.0 if chemical else 4.0)
                if total not in (4.0, 5.0):
                    raise ValueError(f"“环境风险防范体系建设应完成项数”须为 4 或 5（化工、电镀、印染等园区），收到 {v.fmt(total)}")
                if not 0 <= s_done[j] <= total:
                    raise ValueError(f"“环境风险防范体系建设已完成项数”须在 0～{total:g} 之间，收到 {v.fmt(s_done[j])}")
                value = s_done[j] / total
                return value, f"{_g(s_done[j])} 项 × {100 / total:g}% = {value * 100:.0f}%", ()
        return None, "", (PART_LABELS["risk_items"],)
    return None, "", ()


def gap_to_next(no, value) -> tuple[str | None, float | None]:
    """(next level, gap) of a value: the level not yet reached and the distance to its threshold in the
    printed unit of 附表1 (percentage points for %); (None, None) at 先进水平 or for a qualitative value.

    A single-value indicator (one value printed for both levels) reaches 先进水平 when it meets that
    value, so its next level is 先进水平 (as :func:`cpxl.calc.park.park_level`).
    Standard: T/CPPC 工业园区清洁生产审核指南 附件1 附表1.
    """
    p = indicator(no)
    got = park_level(no, value)
    if got == ADVANCED:
        return None, None
    if p.kind == "qualitative":
        return ADVANCED, None
    x = v.number("value（指标值）", 0 if (p.no == 13 and isinstance(value, str)) else value)
    scale = 100.0 if p.kind in ("share", "rate") else 1.0
    target_level = GENERAL if (got == BELOW and not p.single_level) else ADVANCED
    threshold = float(p.general if target_level == GENERAL else p.advanced)
    y = x * scale
    gap = threshold - y if p.direction == "higher" else y - threshold
    return target_level, max(0.0, gap)


def evaluate_indicator(no, data: Mapping | None = None, *, value=None, states: Mapping | None = None,
                       items24=None, items25=None, chemical: bool = False) -> ParkResult:
    """One indicator: ``value`` when given (the auditor's figure), else computed from ``data``.

    Standard: T/CPPC 工业园区清洁生产审核指南 附件1 附表1 及“指标解释和计算方法”.
    """
    p = indicator(no)
    data = data or {}
    working, missing = "", ()
    if value is None or v.is_blank(value):
        value = None
        if p.kind == "qualitative":
            state = (states or {}).get(p.no)
            value = None if v.is_blank(state) else state
            if value is None:
                missing = ("定性指标情况（具备/不具备、达标/不达标）",)
        else:
            try:
                value, working, missing = _compute(p.no, data, items24=items24, items25=items25, chemical=chemical)
            except ValueError as exc:
                return ParkResult(p.no, p.name, p.unit, None, error=str(exc))
    if value is None:
        return ParkResult(p.no, p.name, p.unit, None, working=working, missing=tuple(missing))
    try:
        level = park_level(p.no, value)
        next_level, gap = gap_to_next(p.no, value)
    except ValueError as exc:
        return ParkResult(p.no, p.name, p.unit, value, working=working, error=str(exc))
    return ParkResult(p.no, p.name, p.unit, value, level, next_level, gap, working)


def evaluate_park(data: Mapping | None = None, *, values: Mapping | None = None, states: Mapping | None = None,
                  items24=None, items25=None, chemical: bool = False) -> list[ParkResult]:
    """All 26 indicators of 附表1, in order.

    data: base data by 表P.2 item key (see the module docstring); values: {no: value} the auditor
    stated (表P.1 园区值), used instead of computing; states: {9|12|22: 具备/达标/否 …};
    items24/items25: yes/no lists of the completeness items; chemical: a 化工、电镀、印染 park
    (indicator 25 counts five items at 20 % each).
    Standard: T/CPPC 工业园区清洁生产审核指南 附件1.
    """
    given = values or {}
    return [
        evaluate_indicator(p.no, data, value=given.get(p.no), states=states, items24=items24, items25=items25, chemical=chemical)
        for p in PARK_INDICATORS
    ]


def selection_problems(evaluated: Iterable[int]) -> list[SelectionProblem]:
    """What the 附件1 selection rule still misses for the evaluated indicator numbers.

    附件1: “必选指标应全部完成，可选指标根据园区实际情况至少完成 6 项，共计至少选择 19 项指标”;
    附表1 备注: each group “n 项指标至少选 1 项”.
    """
    nos = {indicator(n).no for n in evaluated}
    problems: list[SelectionProblem] = []
    for p in PARK_INDICATORS:
        if p.required and p.no not in nos:
            problems.append(SelectionProblem("required", (p.no,), f"必选指标 {p.no}“{p.name}”未评价"))
    for members, rule in PARK_GROUPS.values():
        if not nos.intersection(members):
            names = "、".join(f"{n}“{indicator(n).name}”" for n in members)
            problems.append(SelectionProblem("group", tuple(members), f"指标 {names} 均未评价（{rule.replace(' ', '')}）"))
    optional = sorted(n for n in nos if not indicator(n).required)
    if len(optional) < 6:
        listed = "、".join(map(str, optional)) or "无"
        problems.append(
            SelectionProblem("optional", tuple(optional), f"可选指标仅评价 {len(optional)} 项（序号 {listed}），至少应完成 6 项")
        )
    if len(nos) < 19:
        problems.append(SelectionProblem("total", tuple(sorted(nos)), f"共评价 {len(nos)} 项指标，至少应选择 19 项"))
    return problems


def display_value(result: ParkResult) -> str:
    """The value as printed in 附表1's unit: “40.00%”, “0.32 吨标煤/万元”, “2 次”, “具备”."""
    x = result.value
    if x is None:
        return ""
    if isinstance(x, str):
        return x
    p = result.indicator
    if p.kind in ("share", "rate"):
        return f"{x * 100:.2f}%"
    if p.kind == "count":
        return f"{x:g} 次"
    if isinstance(x, float) and math.isfinite(x):
        return f"{x:.4g} {p.unit}"
    return str(x)
