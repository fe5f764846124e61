"""Every calc function rejects blank, text and NaN arguments with a Chinese ValueError naming the argument."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cpxl.calc import balance, carbon, economics, energy, indicators, park, pollution, water

# (function, valid arguments, positions that must be numbers, expected result worked out by hand)
CASES = [
    (economics.depreciation, (10, 10), (0, 1), 1.0),  # D = I/Y = 10/10
    # D = 1; T = P − D = 0.58; E = T − 25 % × T = 0.435; F = E + D = 1.435
    (economics.cash_flow, (1.58, 10, 10, 0.25), (0, 1, 2, 3), 1.435),
    (economics.payback, (10, 1.435), (0, 1), 6.9686),  # N = I/F = 10/1.435
    # annuity factor (1 − 1.05^−10)/0.05 = 7.721735; 32.5 × 7.721735 − 150 = 100.9564
    (economics.npv, (150, 32.5, 10, 0.05), (0, 1, 3), 100.9564),
    (economics.npvr, (150, 32.5, 10, 0.05), (0, 1, 3), 0.67304),  # 100.956/150
    # 32.5 × (1 − 1.1726^−10)/0.1726 = 150.0: the NPV is 0 between 17 % and 18 %
    (economics.irr, (150, 32.5, 10), (0, 1), 0.1726),
    # NPV 100.96 ≥ 0, IRR 17.3 % ≥ 5 %, N = 150/32.5 = 4.6 a ≤ 5 a
    (economics.econ_ok, (150, 32.5, 10, 0.05, 5), (0, 1, 3, 4), "可行"),
    (energy.tce, (1, "原煤"), (0,), 0.7143),  # 1 kg × 0.7143 kgce/kg (GB/T 2589 表A.1)
    (energy.saving_rate, (95, 100), (0, 1), -0.05),  # (95 − 100)/100
    (carbon.co2, (1000, "电力"), (0,), 0.5306),  # 1000 kWh = 1 MWh × 0.5306 tCO2/MWh
    (balance.balance_dev, (100, 95), (0, 1), 0.05),  # (100 − 95)/100
    (balance.utilization, (80, 100), (0, 1), 0.8),
    (balance.energy_eff, (45, 60), (0, 1), 0.75),
    (water.reuse_rate, (900, 100), (0, 1), 0.9),  # 900/(900 + 100)
    (water.leak_rate, (5, 100), (0, 1), 0.05),
    (water.water_dev, (100, 30, 65, 3), (0, 1, 2), 0.02),  # (100 − 30 − 65 − 3)/100
    (pollution.load, (50, 10000), (0, 1), 0.5),  # 50 mg/L × 10 000 m³ × 10⁻⁶
    (pollution.load_gas, (20, 50000, 7200), (0, 1, 2), 7.2),  # 20 × 50 000 × 7200 × 10⁻⁹
    (pollution.removal, (200, 30), (0, 1), 0.85),  # (200 − 30)/200
    (pollution.emission, (10, 0.9, 0.8), (0, 1, 2), 2.8),  # 10 × (1 − 0.9 × 0.8)
    (pollution.emission_rate, (20, 50000), (0, 1), 1.0),  # 20 × 50 000 × 10⁻⁶ kg/h
    (indicators.per_unit, (1, 2), (0, 1), 0.5),
    (indicators.reduction, (100, 90), (0, 1), 0.1),  # (100 − 90)/100
    (indicators.target_met, (90, 85), (0, 1), "是"),  # 越小越好: 85 ≤ 90
    (indicators.level, (0.9, 0.8, 1.0, 1.2), (0, 1, 2, 3), "II级"),  # 0.8 < 0.9 ≤ 1.0
    (indicators.cagr, (133.1, 100, 3), (0, 1), 0.1),  # 1.331^(1/3) − 1
    (indicators.growth, (105, 100), (0, 1), 0.05),
    (indicators.rank, (1, [1, 2]), (0,), 2),  # one score (2) above 1
    (park.park_level, (1, 0.5), (0, 1), "先进水平"),  # 指标1 高新技术产业增加值占比 50 % ≥ 先进值 50 %
]

BAD = [None, "", "abc", math.nan, True]


@pytest.mark.parametrize("func, args, positions, expected", CASES, ids=[c[0].__name__ for c in CASES])
def test_valid_arguments_give_the_worked_value(func, args, positions, expected):
    result = func(*args)
    if isinstance(expected, str):
        assert result == expected
    else:
        assert result == pytest.approx(expected, abs=1e-4)


@pytest.mark.parametrize("func, args, positions, expected", CASES, ids=[c[0].__name__ for c in CASES])
@pytest.mark.parametrize("bad", BAD, ids=repr)
def test_bad_arguments_raise_chinese_valueerror(func, args, positions, expected, bad):
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


# ---- one parser for the reader and the CP_ functions (cpxl.values) ------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("(12)", -12.0),  # accounting minus
        ("5‰", 0.005),
        ("5%", 0.05),
        ("1,234", 1234.0),
        ("１２３", 123.0),  # full-width digits (NFKC)
        ("−3", -3.0),  # U+2212 minus
        ("1、234", 1234.0),
    ],
)
def test_reader_and_cp_functions_read_text_numbers_alike(text, expected):
    from cpxl.values import parse_number, text_number
    from cpxl.workbook.read import parse_number as reader_parse

    assert text_number(text) == pytest.approx(expected)
    assert parse_number(text) == (pytest.approx(expected), None)
    assert reader_parse is parse_number
    # CP_PER_UNIT(text, 1) takes the same number: a cell the function accepts is not flagged by check
    import cpxl.udfs as u

    assert u.CP_PER_UNIT(text, 1) == pytest.approx(expected)


@pytest.mark.parametrize("text", ["abc", "1e999", "(", "5%%", "12)"])
def test_not_numbers_for_either(text):
    from cpxl.values import parse_number, text_number

    assert text_number(text) is None and parse_number(text)[0] is None and parse_number(text)[1]


@pytest.mark.parametrize(
    "value, wan_yuan",
    [
        (3.2, 3.2),  # a number cell is already in 万元, the tables' unit
        ("3.2", 3.2),  # a text that is only a number
        ("年节约12.5万元", 12.5),
        ("约8万元/年", 8.0),
        ("15000元/a", 1.5),  # 15 000 元 ÷ 10 000 元/万元
        ("1,500 元", 0.15),
        ("２千元", 0.2),  # full width: 2 × 1 000 元 ÷ 10 000
        ("投资0.5亿元", 5000.0),  # 0.5 × 10^8 元 ÷ 10^4
        ("节电3万kWh，节约2.4万元", 2.4),  # the first amount with a money unit, not the first number
        ("减少排放", None),
        ("约8", None),  # a number in words is not an amount without its unit
        (None, None),
    ],
)
def test_money_in_wan_yuan(value, wan_yuan):
    from cpxl.values import money

    assert money(value) == (pytest.approx(wan_yuan, rel=1e-12) if wan_yuan is not None else None)
