"""Economic feasibility of cleaner production options (方案经济可行性分析).

Implements DB11/T 1156—2022 7.5.5 a) (净现值、投资回收期、内部收益率) with the conventions of
《企业清洁生产审核手册》:

* I  总投资费用 [万元] (total investment minus subsidies), spent at year 0;
* P  年运行费用总节省金额 [万元/a] (income increase + operating cost decrease);
* D  年折旧费 = I / Y [万元/a], straight line over the service life Y [a];
* T  应税利润 = P − D; E 净利润 = T − 所得税 (tax only on a positive T);
* F  年增现金流量 = E + D [万元/a], received at the END of years 1..n;
* N  投资偿还期 = I / F [a];
* NPV = Σ_{j=1..n} F_j / (1 + i)^j − I;  NPVR = NPV / I;  IRR: the rate where NPV = 0.

This is NOT the convention of Excel's ``NPV`` (which discounts its first value by one period and knows
nothing of the investment) nor of ``IRR`` (whose first value is the signed investment).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from . import _validate as v

__all__ = [
    "depreciation",
    "cash_flow",
    "payback",
    "payback_years",
    "npv",
    "npvr",
    "irr",
    "EconomicAssessment",
    "assess",
    "econ_ok",
]

SOURCE = "DB11/T 1156—2022 7.5.5；《企业清洁生产审核手册》"

L_INVESTMENT = "investment（投资）"
L_LIFE = "life_years（设备寿命期，年）"
L_SAVING = "annual_saving（年运行费用总节省金额）"
L_TAX = "tax_rate（所得税率）"
L_FLOW = "cash_flow（年现金流量）"
L_YEARS = "years（计算年限）"
L_RATE = "rate（贴现率）"
L_MAXPB = "max_payback（允许投资回收期）"


def depreciation(investment, life_years) -> float:
    """Straight-line annual depreciation D = I / Y [万元/a].

    Parameters: investment I [万元] > 0; life_years Y [a] > 0.
    Standard: 《企业清洁生产审核手册》 方案经济评估；DB11/T 1156—2022 7.5.5.
    """
    i = v.positive(L_INVESTMENT, investment)
    y = v.positive(L_LIFE, life_years)
    return i / y


def cash_flow(annual_saving, investment, life_years, tax_rate) -> float:
    """Annual cash flow F = E + D [万元/a].

    D = I / Y; taxable profit T = P − D; net profit E = T − max(T, 0) · tax_rate (no tax on a loss);
    F = E + D.  P annual saving [万元/a], I investment [万元], Y life [a], tax_rate as a share (0.25).
    Standard: 《企业清洁生产审核手册》；DB11/T 1156—2022 7.5.5.
    """
    p = v.number(L_SAVING, annual_saving)
    d = depreciation(investment, life_years)
    tax = v.fraction(L_TAX, tax_rate, allow_one=False)
    t = p - d
    e = t - max(t, 0.0) * tax
    return e + d


def payback(investment, annual_cash_flow) -> float:
    """Static payback period N = I / F [a] with an equal annual cash flow F.

    Standard: 《企业清洁生产审核手册》 投资偿还期；DB11/T 1156—2022 7.5.5.
    """
    i = v.positive(L_INVESTMENT, investment)
    f = v.number("annual_cash_flow（年现金流量）", annual_cash_flow)
    if f <= 0:
        raise ValueError(f"annual_cash_flow（年现金流量）须为正数，收到 {v.fmt(f)}；现金流不为正时投资无法回收")
    return i / f


def _is_scalar(value) -> bool:
    if isinstance(value, np.ndarray):
        return value.ndim == 0 or value.size == 1
    if isinstance(value, (list, tuple)):
        return False
    return True


def _flows(cash_flow, years) -> np.ndarray:
    """Yearly flows F_1..F_n from one number (with years) or a range (years optional)."""
    if isinstance(cash_flow, np.ndarray) and cash_flow.size == 1:
        cash_flow = cash_flow.reshape(()).item()
    if _is_scalar(cash_flow):
        f = v.number(L_FLOW, cash_flow)
        if years is None or v.is_blank(years):
            raise ValueError(f"{L_YEARS}不能为空：现金流量为单个数值时须给出计算年限")
        n = v.integer(L_YEARS, years)
        return np.full(n, f)
    flows = v.vector(L_FLOW, cash_flow, keep_blanks=True)
    # Trailing blank cells of a yearly range are ignored; blanks inside are an error.
    last = np.flatnonzero(~np.isnan(flows))
    flows = flows[: last[-1] + 1]
    gaps = np.flatnonzero(np.isnan(flows))
    if gaps.size:
        raise ValueError(f"{L_FLOW}第 {gaps[0] + 1} 年为空；逐年现金流中间不能有空白（无现金流请填 0）")
    if years is not None and not v.is_blank(years):
        n = v.integer(L_YEARS, years)
        if n != flows.size:
            raise ValueError(f"{L_YEARS}（{n}）与逐年现金流量的个数（{flows.size}）不一致")
    return flows


def _rate(rate) -> float:
    r = v.number(L_RATE, rate)
    if r <= -1:
        raise ValueError(f"{L_RATE}须大于 -100%，收到 {v.fmt(r)}")
    return r


def discount_rate(rate) -> float:
    """A discount rate the auditor typed: a share in (−100 %, 100 %). A whole number such as 8 is meant as
    8 % — a rate of 800 % is never intended — and is refused with the fix in the message, as the tax rate
    is (:func:`cpxl.calc._validate.fraction`). Used by the CP_ functions and the 参数 sheet alike."""
    r = _rate(rate)
    if r >= 1:
        raise ValueError(f"贴现率 {v.fmt(r)} 看起来是百分数：请写 {v.fmt(r)}% 或 {v.fmt(r / 100)}")
    return r


def _npv(investment: float, flows: np.ndarray, rate: float) -> float:
    j = np.arange(1, flows.size + 1)
    with np.errstate(over="ignore"):
        return float(np.sum(flows / (1.0 + rate) ** j) - investment)


def npv(investment, cash_flow, years=None, rate=None) -> float:
    """Net present value NPV = Σ_{j=1..n} F_j / (1 + i)^j − I [万元].

    investment I [万元] ≥ 0, spent at year 0; cash_flow F [万元/a]: one number (the same flow in years
    1..n, then ``years`` = n is required) or a sequence of yearly flows F_1..F_n (``years`` may be
    omitted); rate i: discount rate as a share (0.08), > −1.
    Not Excel's NPV convention (there the first value is discounted and I is not included).
    Standard: DB11/T 1156—2022 7.5.5 a)；《企业清洁生产审核手册》.
    """
    i = v.nonnegative(L_INVESTMENT, investment)
    flows = _flows(cash_flow, years)
    if rate is None:
        raise ValueError(f"{L_RATE}不能为空")
    return _npv(i, flows, _rate(rate))


def npvr(investment, cash_flow, years=None, rate=None) -> float:
    """Net present value ratio NPVR = NPV / I [-].

    Arguments as in :func:`npv`; investment must be positive.
    Standard: 《企业清洁生产审核手册》 净现值率；DB11/T 1156—2022 7.5.5.
    """
    i = v.positive(L_INVESTMENT, investment)
    return npv(i, cash_flow, years, rate) / i


def _bisect(fun, lo: float, hi: float) -> float:
    f_lo = fun(lo)
    if f_lo == 0.0:
        return lo
    if fun(hi) == 0.0:
        return hi
    for _ in range(300):
        mid = 0.5 * (lo + hi)
        f_mid = fun(mid)
        if f_mid == 0.0 or (hi - lo) <= 1e-14 * max(1.0, abs(mid)):
            return mid
        if (f_mid > 0) == (f_lo > 0):
            lo, f_lo = mid, f_mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def irr(investment, cash_flow, years=None) -> float:
    """Internal rate of return: the exact rate i with NPV(i) = 0 (see :func:`npv` for the convention).

    Found by bisection on a bracket where NPV changes sign, to ~1e-12 — not the manual's linear
    interpolation IRR = i1 + NPV1 (i2 − i1) / (NPV1 + |NPV2|), which overstates the rate slightly.
    With investment I > 0 and non-negative flows the root is unique; it is negative when Σ F < I.
    Raises ValueError when NPV never reaches 0 (e.g. all flows ≤ 0) or changes sign more than once
    (several rates fit).  Returns a share (0.1726 = 17.26 %).
    Standard: DB11/T 1156—2022 7.5.5 a)；《企业清洁生产审核手册》 内部收益率.
    """
    i0 = v.positive(L_INVESTMENT, investment)
    flows = _flows(cash_flow, years)
    total = float(np.sum(flows))
    fun = lambda r: _npv(i0, flows, r)  # noqa: E731

    if np.all(flows >= 0):
        if total <= 0:
            raise ValueError(f"{L_FLOW}全部为 0，不存在内部收益率")
        if fun(0.0) >= 0:
            lo, hi = 0.0, max(1.0, total / i0)
            while fun(hi) > 0:  # NPV(hi) ≤ ΣF/(1+hi) − I < 0 for hi ≥ ΣF/I; loop is a guard
                hi *= 2.0
            return _bisect(fun, lo, hi)
        lo = -0.5
        while fun(lo) < 0:
            lo = -1.0 + (lo + 1.0) / 2.0
            if lo + 1.0 < 1e-12:
                raise ValueError(f"{L_FLOW}之和远小于投资，内部收益率低于 -99.99%，不存在有意义的内部收益率")
        return _bisect(fun, lo, 0.0)

    # Some yearly flows are negative: scan a grid of rates for sign changes of NPV.
    grid = np.concatenate([-1.0 + np.logspace(-6, 0, 200)[:-1], np.linspace(0.0, 10.0, 1001), [20.0, 50.0, 100.0]])
    vals = np.array([fun(r) for r in grid])
    finite = np.isfinite(vals)
    grid, vals = grid[finite], vals[finite]
    signs = np.sign(vals)
    changes = np.flatnonzero(signs[:-1] * signs[1:] < 0)
    exact = np.flatnonzero(vals == 0.0)
    if changes.size == 0 and exact.size == 0:
        raise ValueError(f"在 -100%～10000% 之间净现值不改变符号，{L_FLOW}不存在内部收益率")
    if changes.size + exact.size > 1:
        raise ValueError(f"{L_FLOW}正负多次变化，存在多个使净现值为 0 的收益率，内部收益率不唯一")
    if exact.size:
        return float(grid[exact[0]])
    k = changes[0]
    return _bisect(fun, float(grid[k]), float(grid[k + 1]))


def payback_years(investment, cash_flow, years=None) -> float:
    """Static payback period [a]: I / F for an equal flow, otherwise the (interpolated) year in which
    the cumulative undiscounted flow first reaches I.

    Standard: 《企业清洁生产审核手册》 投资偿还期 N = I / F；DB11/T 1156—2022 7.5.5.
    """
    i0 = v.positive(L_INVESTMENT, investment)
    if _is_scalar(cash_flow):
        if isinstance(cash_flow, np.ndarray):
            cash_flow = cash_flow.reshape(()).item()
        return payback(i0, cash_flow)
    flows = _flows(cash_flow, years)
    cum = np.cumsum(flows)
    reached = np.flatnonzero(cum >= i0)
    if reached.size == 0:
        raise ValueError(f"{L_FLOW}累计 {v.fmt(float(cum[-1]))} 万元，小于投资 {v.fmt(i0)} 万元，计算期内无法回收投资")
    k = int(reached[0])
    before = float(cum[k - 1]) if k > 0 else 0.0
    return k + (i0 - before) / float(flows[k])


#: A verdict is read from printed figures: NPV shown to 0.01 万元 and IRR to 0.01 %, so a break-even option
#: (NPV −0.001, IRR 9.9999 % at 10 %) is feasible. Half the printed unit, in 万元 and as a share.
NPV_TOLERANCE = 0.005
IRR_TOLERANCE = 0.00005


@dataclass(frozen=True)
class EconomicAssessment:
    """Result of :func:`assess`: the three criteria and the verdict text."""

    npv: float
    irr: float | None
    payback: float
    feasible: bool
    reasons: tuple[str, ...] = field(default_factory=tuple)

    @property
    def verdict(self) -> str:
        return "可行" if self.feasible else "不可行：" + "；".join(self.reasons)


def assess(investment, cash_flow, years, rate, max_payback) -> EconomicAssessment:
    """Feasible when NPV ≥ 0, IRR ≥ rate and payback N ≤ max_payback [a], each within rounding of its
    printed figure (:data:`NPV_TOLERANCE`, :data:`IRR_TOLERANCE`).

    Standard: DB11/T 1156—2022 7.5.5 b)；《企业清洁生产审核手册》 (N 小于允许回收期, NPV ≥ 0, IRR ≥ 基准收益率).
    """
    i0 = v.positive(L_INVESTMENT, investment)
    r = discount_rate(rate)
    limit = v.positive(L_MAXPB, max_payback)
    value = npv(i0, cash_flow, years, r)
    reasons = []
    if value < -NPV_TOLERANCE:
        reasons.append(f"净现值 {value:.2f} 万元 < 0")
    try:
        rate_found: float | None = irr(i0, cash_flow, years)
    except ValueError:
        rate_found = None
        reasons.append("内部收益率不存在")
    if rate_found is not None and rate_found < r - IRR_TOLERANCE:
        reasons.append(f"内部收益率 {rate_found:.2%} < 贴现率 {r:.2%}")
    try:
        n = payback_years(i0, cash_flow, years)
    except ValueError:
        n = math.inf
        reasons.append("计算期内无法回收投资")
    if math.isfinite(n) and n > limit:
        reasons.append(f"投资回收期 {n:.2f} 年 > 允许 {v.fmt(limit)} 年")
    return EconomicAssessment(value, rate_found, n, not reasons, tuple(reasons))


def econ_ok(investment, cash_flow, years, rate, max_payback) -> str:
    """"可行" or "不可行：<reasons>" (see :func:`assess`).

    Standard: DB11/T 1156—2022 7.5.5 b)；《企业清洁生产审核手册》.
    """
    return assess(investment, cash_flow, years, rate, max_payback).verdict
