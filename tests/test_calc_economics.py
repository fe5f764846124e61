"""Option economics (DB11/T 1156—2022 7.5.5; 《企业清洁生产审核手册》), expected values worked by hand."""

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from cpxl.calc import economics as e


@pytest.mark.parametrize(
    "investment, life, expected",
    [
        (10, 10, 1.0),  # D = 10/10
        (150, 15, 10.0),  # D = 150/15
        (7.5, 3, 2.5),
    ],
)
def test_depreciation(investment, life, expected):
    assert_allclose(e.depreciation(investment, life), expected)


@pytest.mark.parametrize(
    "saving, investment, life, tax, expected",
    [
        # published example: I=10, P=1.58, Y=10, tax 25%: D=1, T=0.58, E=0.58-0.145=0.435, F=1.435
        (1.58, 10, 10, 0.25, 1.435),
        # loss: P=0.5, D=1, T=-0.5, no tax on a loss, E=-0.5, F=0.5
        (0.5, 10, 10, 0.25, 0.5),
        # no tax: F = P
        (3.0, 20, 5, 0.0, 3.0),
        # P=10, I=50, Y=5: D=10, T=0, E=0, F=10
        (10, 50, 5, 0.25, 10.0),
    ],
)
def test_cash_flow(saving, investment, life, tax, expected):
    assert_allclose(e.cash_flow(saving, investment, life, tax), expected)


def test_payback_published():
    # N = I/F = 10/1.435 = 6.97 a (published)
    assert_allclose(e.payback(10, 1.435), 6.97, atol=0.005)


def test_npv_published():
    # F=32.5, I=150, n=10, i=5%: annuity factor 7.7217, 32.5*7.7217=250.96, NPV=100.96
    assert_allclose(e.npv(150, 32.5, 10, 0.05), 100.96, atol=0.01)


@pytest.mark.parametrize(
    "investment, flows, years, rate, expected",
    [
        # i=0: NPV = 30+40+50-100 = 20
        (100, [30, 40, 50], None, 0.0, 20.0),
        # 60/1.1 + 60/1.21 = 54.5455 + 49.5868 = 104.1322; -100 -> 4.1322
        (100, [60, 60], None, 0.10, 4.1322),
        # years given and equal to the number of flows
        (100, [60, 60], 2, 0.10, 4.1322),
        # trailing blanks of a yearly range are ignored
        (100, [60, 60, None, None], None, 0.10, 4.1322),
        # 110/1.1 - 100 = 0
        (100, [110], None, 0.10, 0.0),
        # no investment (无费方案): NPV = 10/1.05 = 9.5238
        (0, 10, 1, 0.05, 9.5238),
    ],
)
def test_npv_worked(investment, flows, years, rate, expected):
    assert_allclose(e.npv(investment, flows, years, rate), expected, atol=1e-4)


def test_npvr_published():
    # NPVR = 100.96/150 = 0.6731
    assert_allclose(e.npvr(150, 32.5, 10, 0.05), 0.6731, atol=1e-4)


def test_irr_published_between_17_and_18_percent():
    # NPV(17%) = 32.5*4.6586-150 = +1.40 ; NPV(18%) = 32.5*4.4941-150 = -3.94
    # the manual interpolates 17% + 1.40/(1.40+3.94) = 17.26 %; NPV is convex, so the exact root is a bit lower
    r = e.irr(150, 32.5, 10)
    assert 0.17 < r < 0.18
    assert r <= 0.1726 + 1e-4
    assert abs(e.npv(150, 32.5, 10, r)) < 1e-8


@pytest.mark.parametrize(
    "investment, flows, expected",
    [
        (100, [110], 0.10),  # 110/(1+r) = 100
        (100, [0, 121], 0.10),  # 121/(1+r)^2 = 100
        # 45x + 45x^2 = 100, x = (-1 + sqrt(1 + 4*100/45))/2 = 1.072330, r = 1/x - 1 = -0.067451
        (100, [45, 45], -0.067451),
        # 50x + 50x^2 + 50x^3 with r=0.2: 41.667+34.722+28.935 = 105.32 -> I=105.3241 gives 20 %
        (105.324074, [50, 50, 50], 0.20),
    ],
)
def test_irr_worked(investment, flows, expected):
    assert_allclose(e.irr(investment, flows), expected, atol=1e-6)


def test_irr_no_root():
    with pytest.raises(ValueError, match="不存在"):
        e.irr(100, [0, 0, 0])
    with pytest.raises(ValueError, match="内部收益率"):
        e.irr(100, [-10, -10])


def test_irr_several_roots():
    # 230x - 132x^2 = 100 has x = 10/11 (r = 10 %) and x = 5/6 (r = 20 %)
    with pytest.raises(ValueError, match="不唯一"):
        e.irr(100, [230, -132])


def test_irr_one_sign_change_with_negative_flow():
    # I=100, flows [-10, 80, 80]: a single sign change of NPV; check the root satisfies NPV = 0
    r = e.irr(100, [-10, 80, 80])
    assert abs(e.npv(100, [-10, 80, 80], None, r)) < 1e-8


def test_payback_years_uneven():
    # cumulative 30, 80, 120 >= 100 in year 3: 2 + (100-80)/40 = 2.5
    assert_allclose(e.payback_years(100, [30, 50, 40]), 2.5)
    # equal flows: I/F
    assert_allclose(e.payback_years(150, 32.5), 150 / 32.5)


def test_payback_years_never():
    with pytest.raises(ValueError, match="无法回收"):
        e.payback_years(100, [10, 10])


def test_econ_ok():
    # N = 150/32.5 = 4.62 <= 5, NPV = 100.96 >= 0, IRR 17 % >= 5 %
    assert e.econ_ok(150, 32.5, 10, 0.05, 5) == "可行"
    # N = 4.62 > 4
    assert e.econ_ok(150, 32.5, 10, 0.05, 4) == "不可行：投资回收期 4.62 年 > 允许 4 年"
    # F = 10: NPV = 10*7.7217-150 = -72.78; sum F = 100 < 150 -> IRR negative; N = 15 <= 20
    verdict = e.econ_ok(150, 10, 10, 0.05, 20)
    assert verdict.startswith("不可行：净现值 -72.78 万元 < 0；内部收益率 -")
    assert "投资回收期" not in verdict


def test_assess_fields():
    a = e.assess(150, 32.5, 10, 0.05, 5)
    assert a.feasible and a.verdict == "可行"
    assert_allclose(a.payback, 4.6154, atol=1e-4)  # 150/32.5


@pytest.mark.parametrize("bad", [None, "", "abc", math.nan, math.inf, True])
def test_bad_investment(bad):
    with pytest.raises(ValueError, match="investment"):
        e.npv(bad, 32.5, 10, 0.05)


@pytest.mark.parametrize("bad", [0, -5])
def test_nonpositive_investment(bad):
    with pytest.raises(ValueError, match="investment（投资）须为正数"):
        e.payback(bad, 1)
    with pytest.raises(ValueError, match="investment"):
        e.irr(bad, 32.5, 10)


def test_error_messages_are_chinese_and_name_argument():
    with pytest.raises(ValueError) as info:
        e.depreciation(-5, 10)
    assert str(info.value) == "investment（投资）须为正数，收到 -5"
    with pytest.raises(ValueError, match="years（计算年限）不能为空"):
        e.npv(150, 32.5, None, 0.05)
    with pytest.raises(ValueError, match="须为整数"):
        e.npv(150, 32.5, 2.5, 0.05)
    with pytest.raises(ValueError, match="不一致"):
        e.npv(100, [1, 2, 3], 2, 0.05)
    with pytest.raises(ValueError, match="第 2 年为空"):
        e.npv(100, [1, None, 3], None, 0.05)
    with pytest.raises(ValueError, match="rate"):
        e.npv(100, 10, 5, -1)
    with pytest.raises(ValueError, match="tax_rate"):
        e.cash_flow(1, 10, 10, 1.2)
    with pytest.raises(ValueError, match="annual_cash_flow"):
        e.payback(10, 0)


# ---- properties ---------------------------------------------------------------------------

money = st.floats(min_value=0.1, max_value=1e5, allow_nan=False, allow_infinity=False)
years = st.integers(min_value=1, max_value=40)
rates = st.floats(min_value=-0.5, max_value=2.0, allow_nan=False)


@settings(max_examples=150, deadline=None)
@given(investment=money, flow=money, n=years)
def test_npv_at_irr_is_zero(investment, flow, n):
    assume(flow * n > investment * 1e-3)  # IRR above -99.9 %
    r = e.irr(investment, flow, n)
    assert abs(e.npv(investment, flow, n, r)) <= 1e-6 * max(investment, flow * n)


@settings(max_examples=100, deadline=None)
@given(investment=money, flows=st.lists(st.floats(min_value=0, max_value=1e4), min_size=1, max_size=30))
def test_npv_at_irr_is_zero_uneven(investment, flows):
    assume(sum(flows) > investment * 0.05)
    r = e.irr(investment, flows)
    assert abs(e.npv(investment, flows, None, r)) <= 1e-6 * max(investment, sum(flows))


@settings(max_examples=150, deadline=None)
@given(investment=money, flow=money, n=years, r1=rates, r2=rates)
def test_npv_decreasing_in_rate(investment, flow, n, r1, r2):
    lo, hi = sorted((r1, r2))
    assert e.npv(investment, flow, n, lo) >= e.npv(investment, flow, n, hi) - 1e-9 * flow * n


@settings(max_examples=150, deadline=None)
@given(investment=money, flow=money)
def test_payback_times_cashflow_is_investment(investment, flow):
    assert_allclose(e.payback(investment, flow) * flow, investment, rtol=1e-12)


@settings(max_examples=100, deadline=None)
@given(investment=money, flow=money, n=years, rate=st.floats(min_value=0, max_value=0.5))
def test_equal_flow_equals_range_of_flows(investment, flow, n, rate):
    assert_allclose(e.npv(investment, flow, n, rate), e.npv(investment, [flow] * n, None, rate), rtol=1e-12, atol=1e-9)


@settings(max_examples=100, deadline=None)
@given(investment=money, flow=money, n=years, rate=st.one_of(st.just(0.0), st.floats(min_value=1e-4, max_value=0.5)))
def test_npv_matches_annuity_formula(investment, flow, n, rate):
    # closed form F*(1-(1+i)^-n)/i - I, and n*F - I at i = 0
    factor = n if rate == 0 else (1 - (1 + rate) ** -n) / rate
    assert_allclose(e.npv(investment, flow, n, rate), flow * factor - investment, rtol=1e-9, atol=1e-6)


@given(bad=st.one_of(st.none(), st.text(max_size=5).filter(lambda s: s.strip() == "" or not s.strip().lstrip("-").replace(".", "").isdigit()),
                     st.just(math.nan), st.floats(max_value=0)))
def test_payback_bad_investment_property(bad):
    with pytest.raises(ValueError):
        e.payback(bad, 1.0)


def test_numpy_inputs():
    assert_allclose(e.npv(np.float64(150), np.array(32.5), np.int64(10), 0.05), 100.96, atol=0.01)
    assert_allclose(e.npv(150, np.full(10, 32.5), None, 0.05), 100.96, atol=0.01)


# ---- a discount rate typed as a whole number; a break-even option --------------------------------------


@pytest.mark.parametrize("rate", [5, 8, 25, 1])
def test_whole_number_discount_rate_is_refused_with_the_fix(rate):
    # 8 means 8 %: a rate of 800 % is never intended, so the message gives both ways to write it
    with pytest.raises(ValueError, match=f"贴现率 {rate} 看起来是百分数：请写 {rate}% 或 {rate / 100:g}"):
        e.discount_rate(rate)
    with pytest.raises(ValueError, match="看起来是百分数"):
        e.assess(150, 32.5, 10, rate, 5)


def test_discount_rate_shares_pass():
    assert e.discount_rate(0.08) == 0.08 and e.discount_rate(0) == 0 and e.discount_rate(-0.02) == -0.02


def test_npv_still_takes_any_rate_above_minus_one():
    # NPV at the IRR of a fast option (IRR > 100 %) is a valid use of npv(): only a typed discount rate is
    # checked. I = 10, F = 20, n = 3: IRR ≈ 190 %; NPV there ≈ 0.
    rate = e.irr(10, 20, 3)
    assert rate > 1 and abs(e.npv(10, 20, 3, rate)) < 1e-9


def test_break_even_option_is_feasible():
    # I = 100, n = 10, i = 10 %: annuity factor (1 − 1.1^−10)/0.1 = 6.144567106; F = 100/6.144567106
    # = 16.27453949 gives NPV = 0 and IRR = 10 % exactly; rounded F = 16.2745 gives NPV = 16.2745 × 6.144567106
    # − 100 = −0.0000243 万元 (prints −0.00) and IRR just under 10 % (prints 10.00 %). Payback 100/16.2745
    # = 6.14 a ≤ 10 a.
    a = e.assess(100, 16.2745, 10, 0.10, 10)
    assert -0.005 < a.npv < 0 and a.irr < 0.10 and a.feasible and a.verdict == "可行"
    # a real shortfall is still reported: F = 16.2 → NPV = 16.2 × 6.144567106 − 100 = −0.458 万元
    worse = e.assess(100, 16.2, 10, 0.10, 10)
    assert not worse.feasible and "净现值 -0.46 万元 < 0" in worse.verdict and "内部收益率 9." in worse.verdict
