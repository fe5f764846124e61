"""Material/energy balances (DB11/T 1156—2022 7.3.4, 7.3.6, 7.3.7)."""

import math

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from cpxl.calc import balance


@pytest.mark.parametrize(
    "inputs, outputs, expected",
    [
        ([60, 40], [95], 0.05),  # (100-95)/100
        ([100], [93.7], 0.063),
        (100, [50, 57], -0.07),  # outputs above inputs: (100-107)/100
        ([[60], [40], [None]], [[50], [50]], 0.0),  # column ranges, blank skipped
    ],
)
def test_balance_dev(inputs, outputs, expected):
    assert_allclose(balance.balance_dev(inputs, outputs), expected, atol=1e-12)


@pytest.mark.parametrize(
    "inputs, outputs, tol, expected",
    [
        ([60, 40], [95], None, "平衡"),  # exactly 5 %: within (DB11/T 1156 7.3.4 b "5%以内")
        ([100], [93.7], None, "偏差超限（6.3%）"),
        ([100], [107], None, "偏差超限（-7.0%）"),
        ([100], [94.96], None, "偏差超限（5.04%）"),  # 5.04 % must not read "5.0 %"
        ([100], [93.7], 0.1, "平衡"),
    ],
)
def test_balance_ok(inputs, outputs, tol, expected):
    assert balance.balance_ok(inputs, outputs, tol) == expected


def test_default_tolerance_is_5_percent():
    assert balance.MATERIAL_TOLERANCE == 0.05


def test_bad_balance_input():
    with pytest.raises(ValueError, match="inputs（输入量）之和须为正数"):
        balance.balance_dev([0, 0], [1])
    with pytest.raises(ValueError, match="不能为负数"):
        balance.balance_dev([10, -1], [5])
    with pytest.raises(ValueError, match="inputs"):
        balance.balance_dev(None, [5])
    with pytest.raises(ValueError, match="第 2 项"):
        balance.balance_dev([1, "abc"], [5])
    with pytest.raises(ValueError, match="tolerance"):
        balance.balance_ok([1], [1], 1.5)


def test_utilization_and_efficiency():
    assert_allclose(balance.utilization(80, 100), 0.8)
    assert_allclose(balance.energy_eff(45, 60), 0.75)
    with pytest.raises(ValueError, match="不能大于"):
        balance.utilization(120, 100)
    with pytest.raises(ValueError, match="input_amount"):
        balance.utilization(1, 0)
    with pytest.raises(ValueError, match="supplied"):
        balance.energy_eff(1, math.nan)


amounts = st.lists(st.floats(min_value=0, max_value=1e6), min_size=1, max_size=10)


@given(ins=amounts, outs=amounts)
def test_dev_identity(ins, outs):
    assume(sum(ins) > 0)
    assert_allclose(balance.balance_dev(ins, outs), 1 - sum(outs) / sum(ins), atol=1e-9)


@given(ins=amounts, k=st.floats(min_value=1e-3, max_value=1e3))
def test_dev_zero_and_scale(ins, k):
    assume(sum(ins) > 1e-6)
    assert abs(balance.balance_dev(ins, ins)) < 1e-12
    outs = [x / 2 for x in ins]
    assert_allclose(balance.balance_dev([x * k for x in ins], [x * k for x in outs]), balance.balance_dev(ins, outs), atol=1e-9)
