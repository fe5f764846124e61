"""Water balance indicators (GB/T 12452)."""

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from cpxl.calc import water


def test_rates():
    assert_allclose(water.reuse_rate(900, 100), 0.9)  # 900/(900+100)
    assert_allclose(water.reuse_rate([400, 500], [60, 40]), 0.9)  # ranges summed
    assert_allclose(water.leak_rate(5, 100), 0.05)
    assert_allclose(water.cooling_cycle_rate(950, 50), 0.95)
    assert_allclose(water.process_reuse_rate(20, 80), 0.2)
    assert_allclose(water.discharge_rate(65, 100), 0.65)


@pytest.mark.parametrize(
    "intake, consumed, discharged, leaked, expected",
    [
        (100, 30, 65, 3, 0.02),  # (100-30-65-3)/100
        (100, 30, 65, None, 0.05),  # leaked blank
        ([60, 40], [10, 20], [35, 30], [None, 5], 0.0),  # 100-30-65-5
    ],
)
def test_water_dev(intake, consumed, discharged, leaked, expected):
    assert_allclose(water.water_dev(intake, consumed, discharged, leaked), expected, atol=1e-12)


def test_bad_water_input():
    with pytest.raises(ValueError, match="fresh"):
        water.leak_rate(1, 0)
    with pytest.raises(ValueError, match="intake"):
        water.water_dev(0, 1, 1)
    with pytest.raises(ValueError, match="不能为负数"):
        water.reuse_rate(-1, 10)
    with pytest.raises(ValueError, match="之和须为正数"):
        water.reuse_rate(0, 0)


@given(vf=st.floats(min_value=1, max_value=1e6), shares=st.lists(st.floats(min_value=0, max_value=1), min_size=3, max_size=3))
def test_balance_closes(vf, shares):
    s = sum(shares)
    assume(s > 1e-6)  # subnormal shares lose the identity to rounding, not to the formula
    parts = [vf * x / s for x in shares]
    assert abs(water.water_dev(vf, *parts)) < 1e-9
