"""Standard coal conversion (GB/T 2589-2020 表A.1、表B.1) and savings (GB/T 13234)."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from cpxl.calc import energy


@pytest.mark.parametrize(
    "name, value, unit",
    [
        ("原煤", 0.7143, "kg"),  # 20 908 kJ/kg / 29 307
        ("洗精煤", 0.9000, "kg"),
        ("焦炭", 0.9714, "kg"),
        ("原油", 1.4286, "kg"),
        ("燃料油", 1.4286, "kg"),
        ("汽油", 1.4714, "kg"),
        ("煤油", 1.4714, "kg"),
        ("柴油", 1.4571, "kg"),
        ("液化石油气", 1.7143, "kg"),
        ("高炉煤气", 0.1286, "m³"),
        ("电力", 0.1229, "kWh"),  # 3 600 kJ / 29 307 kJ
        ("热力", 0.03412, "MJ"),  # 1 000 / 29 307
        ("蒸汽（低压）", 0.1286, "kg"),
        ("新水", 0.2571, "t"),
        ("软化水", 0.4857, "t"),
        ("压缩空气", 0.0400, "m³"),
        ("氧气", 0.4000, "m³"),
    ],
)
def test_table_values(name, value, unit):
    c = energy.coefficient(name)
    assert c.value == value and c.unit == unit
    assert c.source.startswith("GB/T 2589")


def test_every_table_row_resolves_and_is_positive():
    for row in energy.ENERGY_COEFFICIENTS:
        c = energy.coefficient(row.name)
        assert c.value > 0 and c.unit in ("kg", "m³", "kWh", "MJ", "t")
        assert row.status in ("confirmed", "likely", "unconfirmed")
        if row.value is None:
            assert row.low < row.default < row.high


def test_heat_coefficient_is_one_over_29307():
    # 1 kgce = 29 307 kJ, so 1 MJ = 1000/29307 = 0.03412 kgce
    assert_allclose(energy.coefficient("热力").value, 1000 / 29307, rtol=2e-4)
    # electricity 当量值 3600 kJ/kWh / 29307 = 0.12284
    assert_allclose(energy.coefficient("电力").value, 3600 / 29307, rtol=1e-3)


@pytest.mark.parametrize("alias, name", [("电", "电力"), ("自来水", "新水"), ("蒸汽", "蒸汽（低压）"), ("蒸汽(低压)", "蒸汽（低压）"),
                                         ("LNG", "液化天然气"), ("液化气", "液化石油气"), (" 天然气 ", "天然气")])
def test_aliases(alias, name):
    assert energy.coefficient(alias).name == name


def test_coal_alias_warns():
    c = energy.coefficient("煤炭")
    assert c.value == 0.7143 and "原煤" in c.warning


def test_range_entry_gets_default_with_warning():
    c = energy.coefficient("天然气")
    assert c.value == 1.2143
    assert "1.1000～1.3300" in c.warning and "1.2143" in c.warning


def test_range_entry_override_has_no_warning():
    c = energy.coefficient("天然气", overrides={"天然气": 1.33})
    assert c.value == 1.33 and c.warning == "" and "参数表" in c.source


def test_electricity_equivalent():
    c = energy.coefficient("电力", "等价")
    assert c.value == 0.3055 and "0.3055" in c.warning
    c = energy.coefficient("电", "等价值", overrides={"电力（等价值）": 0.3}).value
    assert c == 0.3
    # basis does not change other energies
    assert energy.coefficient("原煤", "等价").value == 0.7143


def test_unknown_name_lists_closest():
    with pytest.raises(ValueError) as info:
        energy.coefficient("天燃气")
    assert "天然气" in str(info.value) and "energy（能源名称）" in str(info.value)


def test_custom_energy_from_overrides():
    c = energy.coefficient("生物质颗粒", overrides={"生物质颗粒": (0.6, "kg")})
    assert c.value == 0.6 and c.unit == "kg"
    # 2 t = 2000 kg * 0.6 = 1200 kgce
    assert_allclose(energy.tce(2, "生物质颗粒", unit="t", overrides={"生物质颗粒": (0.6, "kg")}), 1200)


@pytest.mark.parametrize("bad", [None, "", 5, "等价值x"])
def test_bad_names_and_basis(bad):
    with pytest.raises(ValueError):
        if bad == "等价值x":
            energy.coefficient("电力", bad)
        else:
            energy.coefficient(bad)


@pytest.mark.parametrize(
    "quantity, name, coef, unit, expected",
    [
        (1000, "原煤", None, None, 714.3),  # 1000 kg * 0.7143
        (1, "原煤", None, "吨", 714.3),  # 1 t = 1000 kg
        (1, "原煤", None, "t", 714.3),
        (2, "电力", None, "万kWh", 2458.0),  # 20 000 kWh * 0.1229
        (2, "电力", None, "万度", 2458.0),
        (1, "电力", None, "MWh", 122.9),  # 1000 kWh * 0.1229
        (3, "自来水", None, "m³", 0.7713),  # water: 3 m³ = 3 t * 0.2571
        (3, "新水", None, None, 0.7713),
        (10, "热力", None, "GJ", 341.2),  # 10 000 MJ * 0.03412
        (7000, "热力", None, "kcal", 0.99998),  # 7000 kcal = 29.3076 MJ * 0.03412 = 0.99998: the definition of 1 kgce
        (2, "蒸汽", None, "吨", 257.2),  # 2000 kg * 0.1286
        (100, "天然气", 1.1, None, 110.0),  # auditor's coefficient
        (5, "天然气", 1.3, "万m³", 65000.0),  # 50 000 m³ * 1.3
        (-1, "柴油", None, "t", -1457.1),  # a saving may be negative
        (1, "柴油", None, "万吨", 14571000.0),  # 1e7 kg * 1.4571
    ],
)
def test_tce_worked(quantity, name, coef, unit, expected):
    assert_allclose(energy.tce(quantity, name, coef, unit), expected, rtol=1e-4)


def test_tce_override_from_parameters():
    # 1000 m³ * 1.33 = 1330 kgce
    assert_allclose(energy.tce(1000, "天然气", overrides={"天然气": 1.33}), 1330)


@pytest.mark.parametrize("unit", ["m³", "kWh", "GJ"])
def test_incompatible_unit(unit):
    with pytest.raises(ValueError, match="不相容"):
        energy.tce(1, "原煤", None, unit)


def test_unknown_unit():
    with pytest.raises(ValueError, match="无法识别"):
        energy.tce(1, "原煤", None, "桶")


def test_bad_quantity():
    for bad in (None, "abc", math.nan):
        with pytest.raises(ValueError, match="quantity"):
            energy.tce(bad, "原煤")
    with pytest.raises(ValueError, match="coef"):
        energy.tce(1, "原煤", -0.7)


def test_total_tce():
    # 1 t 原煤 = 714.3; blank row skipped; 2 t 柴油 = 2000 * 1.4571 = 2914.2; sum 3628.5
    assert_allclose(energy.total_tce([1, None, 2], ["原煤", "电力", "柴油"], None, ["t", None, "t"]), 3628.5)
    # one unit for every row, coefficients partly given: 1000 kWh*0.1229 + 1000 kWh*0.3 = 122.9 + 300
    assert_allclose(energy.total_tce([1, 1], ["电力", "电力"], [None, 0.3], "MWh"), 422.9)


def test_total_tce_errors():
    with pytest.raises(ValueError, match="不一致"):
        energy.total_tce([1, 2], ["原煤"])
    with pytest.raises(ValueError, match="第 2 行"):
        energy.total_tce([1, 2], ["原煤", "不存在的能源"])
    with pytest.raises(ValueError, match="全部为空"):
        energy.total_tce([None, None], ["原煤", "电力"])


def test_saving():
    # (95 - 100) * 1000 = -5000 kgce (negative = saved)
    assert_allclose(energy.saving(95, 100, 1000), -5000)
    # two products: -5000 + (48 - 50) * 500 = -6000
    assert_allclose(energy.saving([95, 48], [100, 50], [1000, 500]), -6000)


def test_saving_rate():
    assert_allclose(energy.saving_rate(95, 100), -0.05)  # (95-100)/100
    with pytest.raises(ValueError, match="e_base"):
        energy.saving_rate(95, 0)


@given(q=st.floats(min_value=0, max_value=1e9), name=st.sampled_from(energy.energy_names()))
def test_tce_linear_in_quantity(q, name):
    c = energy.coefficient(name).value
    assert_allclose(energy.tce(q, name), q * c, rtol=1e-12)


@given(q=st.floats(min_value=0, max_value=1e6))
def test_unit_round_trip(q):
    # q t = 1000 q kg
    assert_allclose(energy.tce(q, "原煤", None, "t"), energy.tce(q * 1000, "原煤", None, "kg"), rtol=1e-12)
    assert_allclose(energy.tce(q, "电力", None, "万kWh"), energy.tce(q * 1e4, "电力"), rtol=1e-12)
