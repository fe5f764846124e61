"""Every calc function rejects blank, text and NaN arguments with a Chinese ValueError naming the argument."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cpxl.calc import balance, carbon, economics, energy, indicators, park, pollution, water

# (function, valid arguments, positions that must be numbers)
CASES = [
    (economics.depreciation, (10, 10), (0, 1)),
    (economics.cash_flow, (1.58, 10, 10, 0.25), (0, 1, 2, 3)),
    (economics.payback, (10, 1.435), (0, 1)),
    (economics.npv, (150, 32.5, 10, 0.05), (0, 1, 3)),
    (economics.npvr, (150, 32.5, 10, 0.05), (0, 1, 3)),
    (economics.irr, (150, 32.5, 10), (0, 1)),
    (economics.econ_ok, (150, 32.5, 10, 0.05, 5), (0, 1, 3, 4)),
    (energy.tce, (1, "原煤"), (0,)),
    (energy.saving_rate, (95, 100), (0, 1)),
    (carbon.co2, (1000, "电力"), (0,)),
    (balance.balance_dev, (100, 95), (0, 1)),
    (balance.utilization, (80, 100), (0, 1)),
    (balance.energy_eff, (45, 60), (0, 1)),
    (water.reuse_rate, (900, 100), (0, 1)),
    (water.leak_rate, (5, 100), (0, 1)),
    (water.water_dev, (100, 30, 65, 3), (0, 1, 2)),
    (pollution.load, (50, 10000), (0, 1)),
    (pollution.load_gas, (20, 50000, 7200), (0, 1, 2)),
    (pollution.removal, (200, 30), (0, 1)),
    (pollution.emission, (10, 0.9, 0.8), (0, 1, 2)),
    (pollution.emission_rate, (20, 50000), (0, 1)),
    (indicators.per_unit, (1, 2), (0, 1)),
    (indicators.reduction, (100, 90), (0, 1)),
    (indicators.target_met, (90, 85), (0, 1)),
    (indicators.level, (0.9, 0.8, 1.0, 1.2), (0, 1, 2, 3)),
    (indicators.cagr, (133.1, 100, 3), (0, 1)),
    (indicators.growth, (105, 100), (0, 1)),
    (indicators.rank, (1, [1, 2]), (0,)),
    (park.park_level, (1, 0.5), (0, 1)),
]

BAD = [None, "", "abc", math.nan, True]


@pytest.mark.parametrize("func, args, positions", CASES, ids=[c[0].__name__ for c in CASES])
def test_valid_arguments_work(func, args, positions):
    func(*args)


@pytest.mark.parametrize("func, args, positions", CASES, ids=[c[0].__name__ for c in CASES])
@pytest.mark.parametrize("bad", BAD, ids=repr)
def test_bad_arguments_raise_chinese_valueerror(func, args, positions, bad):
    for pos in positions:
        broken = list(args)
        broken[pos] = bad
        with pytest.raises(ValueError) as info:
            func(*broken)
        message = str(info.value)
        assert any("\u4e00" <= ch <= "\u9fff" for ch in message), message


@given(x=st.one_of(st.floats(max_value=0), st.just(-1e-12)))
def test_nonpositive_denominators(x):
    for func, args in ((indicators.per_unit, (1, x)), (water.leak_rate, (1, x)), (economics.payback, (x, 1)),
                       (indicators.reduction, (x, 1)), (pollution.removal, (x, 0))):
        with pytest.raises(ValueError):
            func(*args)
