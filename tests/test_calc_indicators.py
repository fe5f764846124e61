"""Indicators, levels, targets, scoring and the composite index (编制通则 2013)."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from cpxl.calc import indicators as ind


def test_per_unit():
    assert_allclose(ind.per_unit(3628.5, 100), 36.285)  # kgce / t
    for bad in (0, -1):
        with pytest.raises(ValueError, match="output_amount（产量）须为正数"):
            ind.per_unit(1, bad)
    with pytest.raises(ValueError, match="total"):
        ind.per_unit(None, 1)


def test_reduction():
    assert_allclose(ind.reduction(100, 90), 0.1)  # (100-90)/100
    assert_allclose(ind.reduction(100, 110), -0.1)
    with pytest.raises(ValueError, match="baseline"):
        ind.reduction(0, 1)


@pytest.mark.parametrize(
    "target, actual, direction, expected",
    [
        (90, 85, "lower", "是"),
        (90, 90, None, "是"),  # boundary, default lower
        (90, 95, "越小越好", "否"),
        (0.9, 0.85, "higher", "否"),
        (0.9, 0.95, "≥", "是"),
    ],
)
def test_target_met(target, actual, direction, expected):
    assert ind.target_met(target, actual, direction) == expected


@pytest.mark.parametrize(
    "value, direction, levels, expected",
    [
        (0.8, "lower", (0.8, 1.0, 1.2), "I级"),  # boundary counts
        (0.9, "lower", (0.8, 1.0, 1.2), "II级"),
        (1.1, "lower", (0.8, 1.0, 1.2), "III级"),
        (1.3, "lower", (0.8, 1.0, 1.2), "未达III级"),
        (95, "越大越好", (95, 90, 85), "I级"),
        (87, "higher", (95, 90, 85), "III级"),
        (80, "正向", (95, 90, 85), "未达III级"),
    ],
)
def test_level(value, direction, levels, expected):
    assert ind.level(value, *levels, direction) == expected


def test_level_rejects_inconsistent_thresholds():
    with pytest.raises(ValueError, match="I ≤ II ≤ III"):
        ind.level(1, 1.2, 1.0, 0.8, "lower")
    with pytest.raises(ValueError, match="direction"):
        ind.level(1, 1, 2, 3, "sideways")


def test_growth_rates():
    assert_allclose(ind.cagr(133.1, 100, 3), 0.1)  # 1.1^3 = 1.331
    assert_allclose(ind.cagr(133.1, 100), 0.1)  # 3 years by default (park indicator 3)
    assert_allclose(ind.cagr(121, 100, 2), 0.1)
    assert_allclose(ind.annual_reduction(0.729, 1.0), 0.1)  # 0.9^3 = 0.729
    assert_allclose(ind.growth(105, 100), 0.05)
    with pytest.raises(ValueError, match="base"):
        ind.cagr(1, 0, 3)


def test_weighted_score():
    # 10*7 + 8*5 + 6*9 = 70 + 40 + 54 = 164
    assert_allclose(ind.weighted_score([10, 8, 6], [7, 5, 9]), 164)
    # two options, one per row: 164 and 10*10 + 8*10 + 6*1 = 186
    assert_allclose(ind.weighted_score([10, 8, 6], [[7, 5, 9], [10, 10, 1]]), [164, 186])
    # options in columns
    assert_allclose(ind.weighted_score([10, 8, 6], [[7, 10], [5, 10], [9, 1]]), [[164, 186]])


def test_weighted_score_errors():
    with pytest.raises(ValueError, match="0～10"):
        ind.weighted_score([1, 1], [11, 1])
    with pytest.raises(ValueError, match="个数"):
        ind.weighted_score([1, 1, 1], [1, 1])
    with pytest.raises(ValueError, match="为空"):
        ind.weighted_score([1, 1], [1, None])


def test_rank():
    assert ind.rank(164, [164, 186, 120]) == 2
    assert ind.rank(150, [150, 150, 100]) == 1  # ties share the rank
    assert ind.rank(100, [150, 150, 100]) == 3


# composite index worked example (编制通则 2013):
# group A (w = 0.6): a1 lower (I 1, II 2, III 3) value 1.5 -> reaches II, III; ω = 0.5
#                    a2 higher (I 90, II 80, III 70) value 95 -> reaches I, II, III; ω = 0.5
# group B (w = 0.4): b1 qualitative "是" -> reaches all; ω = 1
# Y_I = 0.6*(0.5*0 + 0.5*100) + 0.4*100 = 70 ; Y_II = 100 ; Y_III = 100
ROWS = dict(
    values=[1.5, 95, "是"],
    level_I=[1, 90, None],
    level_II=[2, 80, None],
    level_III=[3, 70, None],
    directions=["lower", "higher", None],
    weights=[0.5, 0.5, 1],
    group_weights=[0.6, 0.6, 0.4],
    groups=["A", "A", "B"],
)


@pytest.mark.parametrize("level, expected", [("I", 70.0), ("II级", 100.0), ("Ⅲ级", 100.0), (1, 70.0)])
def test_composite_index(level, expected):
    r = ROWS
    got = ind.composite_index(level, r["values"], r["level_I"], r["level_II"], r["level_III"], r["directions"],
                              r["weights"], r["group_weights"], r["groups"])
    assert_allclose(got, expected)


def test_composite_index_without_groups_uses_overall_weights():
    # overall weights 0.3, 0.3, 0.4 are the products w*ω: Y_I = 0.3*0 + 0.3*100 + 0.4*100 = 70
    r = ROWS
    assert_allclose(ind.composite_index("I", r["values"], r["level_I"], r["level_II"], r["level_III"], r["directions"],
                                        [0.3, 0.3, 0.4]), 70)


def test_composite_index_renormalises_not_applicable():
    # b1 blank: only group A is assessed, Y_I = 0.5*0 + 0.5*100 = 50
    r = ROWS
    got = ind.composite_index("I", [1.5, 95, None], r["level_I"], r["level_II"], r["level_III"], r["directions"],
                              r["weights"], r["group_weights"], r["groups"])
    assert_allclose(got, 50)


def test_grade():
    r = dict(ROWS)
    args = [r[k] for k in ("values", "level_I", "level_II", "level_III", "directions", "weights", "group_weights", "groups")]
    # Y_I = 70 < 85, Y_II = 100 >= 85 -> II级
    assert ind.grade(*args) == "II级"
    # a1 = 2.5 reaches only III: Y_II = 0.6*0.5*100 + 40 = 70 < 85; Y_III = 100 -> III级
    args[0] = [2.5, 95, "是"]
    assert ind.grade(*args) == "III级"
    # a1 = 3.5 reaches nothing: Y_III = 70 -> 未达III级
    args[0] = [3.5, 95, "是"]
    assert ind.grade(*args) == "未达III级"


def test_grade_mandatory_indicator():
    # weights 0.1, 0.9; row 1 (限定性) reaches II only: Y_I = 90 >= 85 but the 限定性 indicator fails I -> II级
    values, l1, l2, l3 = [1.5, 1], [1, 1], [2, 2], [3, 3]
    assert ind.grade(values, l1, l2, l3, "lower", [0.1, 0.9]) == "I级"
    assert ind.grade(values, l1, l2, l3, "lower", [0.1, 0.9], None, None, ["是", None]) == "II级"
    with pytest.raises(ValueError, match="限定性"):
        ind.grade([None, 1], l1, l2, l3, "lower", [0.1, 0.9], None, None, ["是", None])


def test_qualitative_values():
    assert ind.reached_levels("具备", None, None, None) == (True, True, True)
    assert ind.reached_levels("否", None, None, None) == (False, False, False)
    assert ind.reached_levels("II级", None, None, None) == (False, True, True)
    assert ind.reached_levels(None, 1, 2, 3) is None
    with pytest.raises(ValueError):
        ind.reached_levels("也许", None, None, None)


# ---- properties ---------------------------------------------------------------------------

finite = st.floats(min_value=-1e6, max_value=1e6)


@given(b=st.floats(min_value=1e-3, max_value=1e6), x1=finite, x2=finite)
def test_reduction_decreasing_in_value(b, x1, x2):
    lo, hi = sorted((x1, x2))
    assert ind.reduction(b, lo) >= ind.reduction(b, hi)


ORDER = {"I级": 0, "II级": 1, "III级": 2, "未达III级": 3}


@given(t=st.lists(st.floats(min_value=0, max_value=100), min_size=3, max_size=3), x1=finite, x2=finite)
def test_level_monotone(t, x1, x2):
    lo, hi = sorted((x1, x2))
    t1, t2, t3 = sorted(t)
    # lower is better: a larger value is never a better level
    assert ORDER[ind.level(lo, t1, t2, t3, "lower")] <= ORDER[ind.level(hi, t1, t2, t3, "lower")]
    # higher is better: thresholds descending
    assert ORDER[ind.level(hi, t3, t2, t1, "higher")] <= ORDER[ind.level(lo, t3, t2, t1, "higher")]


@given(values=st.lists(st.floats(min_value=0, max_value=10), min_size=1, max_size=8),
       weights=st.lists(st.floats(min_value=0.01, max_value=1), min_size=8, max_size=8))
def test_composite_index_bounds_and_order(values, weights):
    n = len(values)
    args = (values, [2] * n, [5] * n, [8] * n, "lower", weights[:n])
    y = [ind.composite_index(k, *args) for k in ("I", "II", "III")]
    assert all(0 - 1e-9 <= v <= 100 + 1e-9 for v in y)
    assert y[0] <= y[1] + 1e-9 <= y[2] + 2e-9  # cumulative levels


@given(w=st.lists(st.floats(min_value=0, max_value=10), min_size=1, max_size=6), data=st.data())
def test_weighted_score_is_dot_product(w, data):
    r = data.draw(st.lists(st.floats(min_value=0, max_value=10), min_size=len(w), max_size=len(w)))
    assert_allclose(ind.weighted_score(w, r), float(np.dot(w, r)), atol=1e-9)


@pytest.mark.parametrize("bad", [None, "abc", math.nan])
def test_bad_numbers(bad):
    with pytest.raises(ValueError):
        ind.per_unit(bad, 1)
    with pytest.raises(ValueError):
        ind.level(bad, 1, 2, 3)
