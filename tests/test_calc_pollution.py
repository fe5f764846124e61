"""Pollutant loads and emission (DB11/T 1156—2022 7.2.5.6; DB4101/T 61—2023 D.18, D.20)."""

import math

import pytest
from numpy.testing import assert_allclose

from cpxl.calc import pollution


def test_load():
    # 50 mg/L * 10 000 m³ = 500 000 g = 0.5 t
    assert_allclose(pollution.load(50, 10000), 0.5)
    # monthly: 40*1000 + 60*2000 = 160 000 g = 0.16 t
    assert_allclose(pollution.load([40, 60], [1000, 2000]), 0.16)
    # one concentration for every month: 30 * (1000+3000) g = 0.12 t
    assert_allclose(pollution.load(30, [1000, 3000]), 0.12)
    # blank month skipped
    assert_allclose(pollution.load([40, None], [1000, None]), 0.04)


def test_load_gas():
    # 20 mg/m³ * 50 000 m³/h * 7 200 h = 7.2e9 mg = 7.2 t
    assert_allclose(pollution.load_gas(20, 50000, 7200), 7.2)


def test_emission_rate():
    # 20 mg/m³ * 50 000 m³/h = 1e6 mg/h = 1 kg/h
    assert_allclose(pollution.emission_rate(20, 50000), 1.0)


def test_removal_and_emission():
    assert_allclose(pollution.removal(200, 30), 0.85)  # (200-30)/200
    # 10 t * (1 - 0.9*0.8) = 2.8 t
    assert_allclose(pollution.emission(10, 0.9, 0.8), 2.8)
    assert_allclose(pollution.emission(10, 0, 0.8), 10)  # nothing collected


def test_exceed_rate():
    assert_allclose(pollution.exceed_rate([10, 25, 30, 15, None], 20), 0.5)  # 2 of 4


def test_bad_pollution_input():
    with pytest.raises(ValueError, match="inlet"):
        pollution.removal(0, 1)
    with pytest.raises(ValueError, match="capture_eff"):
        pollution.emission(1, 1.2, 0.5)
    with pytest.raises(ValueError, match="volume_m3"):
        pollution.load(10, -5)
    with pytest.raises(ValueError, match="为空"):
        pollution.load([10, 20], [100, None])
    with pytest.raises(ValueError, match="不一致"):
        pollution.load([10, 20, 30], [100, 200])
    with pytest.raises(ValueError, match="hours"):
        pollution.load_gas(1, 1, math.nan)
