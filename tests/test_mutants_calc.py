"""Tests written against the mutants of cpxl/calc that survived the other tests (tools/mutation.py cpxl/calc).

Each expected value is worked by hand from the formula the function's docstring cites.
"""

from __future__ import annotations

import inspect

import pytest

from cpxl.calc import balance, carbon, economics, energy, indicators, pollution, water

# (function, valid arguments, positions of the arguments that are numbers or ranges of numbers)
NUMBER_ARGUMENTS = [
    (water.reuse_rate, (900, 100), (0, 1)),
    (water.cooling_cycle_rate, (950, 50), (0, 1)),
    (water.process_reuse_rate, (80, 20), (0, 1)),
    (water.leak_rate, (5, 100), (0, 1)),
    (water.discharge_rate, (60, 100), (0, 1)),
    (water.water_dev, (100, 30, 65, 3), (0, 1, 2, 3)),
    (carbon.co2_from_tce, (1000, 2.0), (0, 1)),
    (carbon.co2, (1000, "电力", 0.6), (0, 2)),
    (pollution.load, (50, 10000), (0, 1)),
    (pollution.load_gas, (20, 50000, 7200), (0, 1, 2)),
    (pollution.emission_rate, (20, 50000), (0, 1)),
    (pollution.removal, (200, 30), (0, 1)),
    (pollution.emission, (10, 0.9, 0.8), (0, 1, 2)),
    (pollution.exceed_rate, ([10, 30], 20), (0, 1)),
    (balance.balance_dev, (100, 95), (0, 1)),
    (balance.balance_ok, (100, 95, 0.05), (0, 1, 2)),
    (balance.utilization, (80, 100), (0, 1)),
    (balance.energy_eff, (45, 60), (0, 1)),
    (economics.depreciation, (10, 10), (0, 1)),
    (economics.cash_flow, (1.58, 10, 10, 0.25), (0, 1, 2, 3)),
    (economics.payback, (10, 1.435), (0, 1)),
    (energy.tce, (1, "原煤"), (0,)),
    (energy.saving, (0.9, 1.0, 1000), (0, 1, 2)),
    (energy.saving_rate, (95, 100), (0, 1)),
    (indicators.per_unit, (1, 2), (0, 1)),
    (indicators.reduction, (100, 90), (0, 1)),
    (indicators.target_met, (90, 85), (0, 1)),
    (indicators.level, (0.9, 0.8, 1.0, 1.2), (0, 1, 2, 3)),
    (indicators.cagr, (133.1, 100, 3), (0, 1, 2)),
    (indicators.annual_reduction, (72.9, 100, 3), (0, 1, 2)),
    (indicators.growth, (105, 100), (0, 1)),
    (indicators.rank, (1, [1, 2]), (0, 1)),
]


def _argument_cases():
    for func, args, positions in NUMBER_ARGUMENTS:
        names = list(inspect.signature(func).parameters)
        for pos in positions:
            yield pytest.param(func, args, pos, names[pos], id=f"{func.__module__.rsplit('.', 1)[1]}.{func.__name__}-{names[pos]}")


@pytest.mark.parametrize("func, args, position, name", list(_argument_cases()))
def test_message_names_the_argument_first(func, args, position, name):
    """_validate's contract: the message begins with the label “name（中文）” of the argument at fault."""
    broken = list(args)
    broken[position] = "abc"
    with pytest.raises(ValueError) as info:
        func(*broken)
    assert str(info.value).startswith(f"{name}（"), str(info.value)


@pytest.mark.parametrize(
    "func, args, position, name",
    [case for case in _argument_cases() if case.values[0].__module__ == "cpxl.calc.water"],
)
def test_negative_water_amount_is_refused_by_name(func, args, position, name):
    """Water amounts are volumes: a negative one is refused, naming the argument (GB/T 12452)."""
    broken = list(args)
    broken[position] = [5, -1]
    with pytest.raises(ValueError) as info:
        func(*broken)
    assert str(info.value).startswith(f"{name}（") and "不能为负数，收到 -1" in str(info.value), str(info.value)
