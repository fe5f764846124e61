"""CO2 of energy (DB4101/T 61—2023 表E.4 注b)."""

import pytest
from numpy.testing import assert_allclose

from cpxl.calc import carbon


def test_coal_factor_derivation():
    # 29.3076 GJ/t * 94.6 kgCO2/GJ / 1000 = 2.7725 tCO2/tce
    assert_allclose(29.3076 * 94.6 / 1000, carbon.COAL_CO2_FACTOR.value, atol=5e-5)


@pytest.mark.parametrize(
    "quantity, name, factor, unit, expected",
    [
        (1000, "电力", None, None, 0.5306),  # 1 MWh * 0.5306
        (1, "电力", None, "万kWh", 5.306),  # 10 MWh * 0.5306
        (1000, "电", 0.5703, None, 0.5703),  # auditor's grid factor
        (1, "原煤", None, "t", 1.98039),  # 714.3 kgce = 0.7143 tce * 2.7725
        (1, "原油", None, "吨", 3.96079),  # 1.4286 tce * 2.7725
        (1000, "天然气", None, None, 3.36665),  # 1214.3 kgce (default 1.2143) * 2.7725 / 1000
        (-1, "柴油", None, "t", -4.03981),  # saving: -1.4571 tce * 2.7725
        (1, "新水", 2.7725, "t", 0.000712813),
        (1, "标准煤", None, "t", 2.7725),  # 表E.4 节煤 counted as standard coal: 1 tce * 2.7725  # media only with an explicit factor: 0.2571 kgce
    ],
)
def test_co2_worked(quantity, name, factor, unit, expected):
    assert_allclose(carbon.co2(quantity, name, factor, unit), expected, rtol=1e-4)


def test_parameters_are_used():
    # grid factor from 参数: 2000 kWh * 0.6 / 1000 = 1.2
    assert_allclose(carbon.co2(2000, "电力", grid_factor=0.6), 1.2)
    # coefficient override 1.33: 1000 m³ -> 1.33 tce * 2.7725 = 3.687425
    assert_allclose(carbon.co2(1000, "天然气", overrides={"天然气": 1.33}), 3.687425, rtol=1e-9)


def test_no_method_for_media_or_biomass():
    for name in ("新水", "蒸汽", "热力", "沼气"):
        with pytest.raises(ValueError, match="表E.4"):
            carbon.co2(1, name)


def test_bad_input():
    with pytest.raises(ValueError, match="quantity"):
        carbon.co2(None, "电力")
    with pytest.raises(ValueError, match="factor"):
        carbon.co2(1, "电力", -1)
    with pytest.raises(ValueError, match="不相容"):
        carbon.co2(1, "电力", None, "t")


def test_co2_from_tce():
    assert_allclose(carbon.co2_from_tce(1000), 2.7725)  # 1 tce
