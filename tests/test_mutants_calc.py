"""Tests written against the mutants of cpxl/calc that survived the other tests (tools/mutation.py cpxl/calc).

Each expected value is worked by hand from the formula the function's docstring cites.
"""

from __future__ import annotations

import inspect

import numpy as np
import pytest

from cpxl.calc import (
    balance,
    carbon,
    economics,
    energy,
    indicators,
    parameters,
    park,
    park_eval,
    pollution,
    water,
)

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
    (economics.npv, (150, [32.5, 32.5], None, 0.05), (1,)),
    (economics.assess, (100, 25, 10, 0.05, 4), (4,)),
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


# ---- water (GB/T 12452) --------------------------------------------------------------------------------


@pytest.mark.parametrize("func", [water.leak_rate, water.discharge_rate])
def test_rates_over_fresh_water_below_one(func):
    # a fresh-water volume under 1 m³ is still positive: 0.1 / 0.5 = 0.2
    assert func(0.1, 0.5) == pytest.approx(0.2)


@pytest.mark.parametrize("func", [water.leak_rate, water.discharge_rate])
def test_rates_over_no_fresh_water_are_refused(func):
    with pytest.raises(ValueError, match="^fresh（新水量）须为正数，收到 0$"):
        func(1, 0)


def test_water_deviation_without_leak():
    # leaked defaults to nothing: (100 − 30 − 65) / 100 = 0.05
    assert water.water_dev(100, 30, 65) == pytest.approx(0.05)


def test_water_deviation_needs_an_intake():
    with pytest.raises(ValueError, match="^intake（取新水量）须为正数，收到 0$"):
        water.water_dev(0, 0, 0)


# ---- pollution, carbon ---------------------------------------------------------------------------------


def test_exceed_rate_counts_only_values_above_the_limit():
    # DB4101/T 61 超标率: a value equal to the limit complies; 1 of [20, 30, 10] exceeds 20 → 1/3
    assert pollution.exceed_rate([20, 30, 10], 20) == pytest.approx(1 / 3)


def test_co2_of_standard_coal_with_a_given_factor():
    # 表E.4 注b: tCO2 = kgce / 1000 × factor = 1000 / 1000 × 2.0
    assert carbon.co2_from_tce(1000, 2.0) == pytest.approx(2.0)
    # a blank factor means the default 2.7725 tCO2/tce
    assert carbon.co2_from_tce(1000, "") == pytest.approx(2.7725)
    with pytest.raises(ValueError, match="^factor（排放因子）须为正数，收到 0$"):
        carbon.co2_from_tce(1000, 0)


# ---- energy (GB/T 13234, GB/T 2589) --------------------------------------------------------------------


def test_product_saving_with_small_and_zero_outputs():
    # ΔE = Σ (e_report − e_base) · M: (0.9 − 1.0) × 0.5 = −0.05; (0.9 − 1.0) × 0 + (0.8 − 1.0) × 100 = −20
    assert energy.saving(0.9, 1.0, 0.5) == pytest.approx(-0.05)
    assert energy.saving([0.9, 0.8], [1.0, 1.0], [0, 100]) == pytest.approx(-20)


def test_product_saving_refuses_a_negative_output():
    with pytest.raises(ValueError, match="^output_report（报告期产量）不能为负数，收到 -5$"):
        energy.saving([0.9, 0.8], [1.0, 1.0], [-5, 100])


def test_total_standard_coal_on_the_equivalent_basis_with_overrides():
    # 等价: 1000 kWh × 0.3055 = 305.5 kgce; 原煤 overridden to 0.7 kgce/kg: 10 × 0.7 = 7 → 312.5
    total = energy.total_tce([1000, 10], ["电力", "原煤"], basis="等价", overrides={"原煤": 0.7})
    assert total == pytest.approx(312.5)


@pytest.mark.parametrize("argument", ["coefs", "units"])
def test_total_standard_coal_columns_of_another_length_are_refused(argument):
    with pytest.raises(ValueError, match=f"^{argument}（.*的个数（2）与 quantities（消耗量）的个数（3）不一致"):
        energy.total_tce([1, 2, 3], ["原煤"] * 3, **{argument: [None, None]})


def test_total_standard_coal_of_blank_quantities_is_refused():
    with pytest.raises(ValueError, match="^quantities（消耗量）全部为空$"):
        energy.total_tce([None, ""], ["原煤", "原煤"])


# ---- material and energy balance -----------------------------------------------------------------------


def test_share_may_equal_the_whole_but_not_exceed_it():
    # utilization = into_product / input_amount: all of it into the product is 100 %
    assert balance.utilization(100, 100) == pytest.approx(1.0)
    # a part larger than the whole by less than a rounding error (5e-13 relative) still passes
    assert balance.energy_eff(100 * (1 + 5e-13), 100) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="（101）不能大于input_amount（投入量）（100）$"):
        balance.utilization(101, 100)


def test_balance_deviation_names_the_negative_amount_and_an_empty_input():
    with pytest.raises(ValueError, match="^inputs（输入量）不能为负数，收到 -1$"):
        balance.balance_dev([0, -1], [5])
    with pytest.raises(ValueError, match="^outputs（输出量）不能为负数，收到 -2$"):
        balance.balance_dev([10], [0, -2])
    with pytest.raises(ValueError, match="^inputs（输入量）之和须为正数，收到 0$"):
        balance.balance_dev([0], [1])


# ---- validation of shares ------------------------------------------------------------------------------


def test_a_share_of_one_is_allowed_unless_excluded():
    # emission = generated × (1 − capture × removal) = 10 × (1 − 1 × 1) = 0
    assert pollution.emission(10, 1, 1) == pytest.approx(0.0)
    with pytest.raises(ValueError, match=r"须在 0～1 之间（可写作百分数，如 25%），收到 1\.5$"):
        pollution.emission(10, 1.5, 0.8)
    # a tax rate of 100 % leaves no cash flow: refused (allow_one=False)
    with pytest.raises(ValueError, match=r"须在 0～1（不含 1） 之间.*收到 1$"):
        economics.cash_flow(1.58, 10, 10, 1)


# ---- economics (《企业清洁生产审核手册》) ------------------------------------------------------------


def test_payback_reached_exactly_at_a_year_end():
    # cumulative flows 50, 100 reach I = 100 at the end of year 2: N = 1 + (100 − 50)/50 = 2
    assert economics.payback_years(100, [50, 50]) == pytest.approx(2.0)


def test_payback_within_the_first_year():
    # the first year's 200 covers I = 100: N = 0 + (100 − 0)/200 = 0.5
    assert economics.payback_years(100, [200, 10]) == pytest.approx(0.5)


def test_payback_never_reached_names_the_sums():
    with pytest.raises(ValueError, match="累计 20 万元，小于投资 100 万元，计算期内无法回收投资$"):
        economics.payback_years(100, [10, 10])


def test_payback_equal_to_the_allowed_period_is_feasible():
    # N = 100/25 = 4 a = allowed 4 a; NPV = 25 × (1 − 1.05^−10)/0.05 − 100 = 25 × 7.7217 − 100 = 93.04 > 0
    result = economics.assess(100, 25, 10, 0.05, 4)
    assert result.payback == pytest.approx(4.0)
    assert result.npv == pytest.approx(93.04, abs=0.01)
    assert result.feasible and result.reasons == ()


# ---- overall level (《清洁生产评价指标体系编制通则》2013) ----------------------------------------------
# Two indicators, 越小越好, thresholds I ≤ 1, II ≤ 2, III ≤ 3: the value 1 reaches I (and II, III), 2 reaches
# II and III, 3 reaches III only. Y_gk = 100 × Σ weight of the indicators reaching g_k / Σ weight.

LEVELS = {"level_I": [1, 1], "level_II": [2, 2], "level_III": [3, 3], "directions": "lower"}


@pytest.mark.parametrize(
    "values, weights, expected",
    [
        ([1, 3], [0.85, 0.15], "I级"),  # Y_I = 85 ≥ 85
        ([1, 2], [0.845, 0.155], "II级"),  # Y_I = 84.5 < 85, Y_II = 100
        ([2, 3], [0.85, 0.15], "II级"),  # Y_I = 0, Y_II = 85
        ([2, 3], [0.845, 0.155], "III级"),  # Y_II = 84.5, Y_III = 100
    ],
)
def test_grade_at_the_85_boundary(values, weights, expected):
    assert indicators.grade(values, weights=weights, **LEVELS) == expected


@pytest.mark.parametrize("flag", ["是", "限定性", "限定性指标", "1", "1.0", "*", True, 1])
def test_a_mandatory_indicator_below_ii_keeps_the_grade_at_iii(flag):
    # Y_II = 90 ≥ 85, but the second (限定性) indicator reaches III only → III级; a blank first flag is skipped
    assert indicators.grade([2, 3], weights=[0.9, 0.1], mandatory=["", flag], **LEVELS) == "III级"


@pytest.mark.parametrize("flag", ["否", "0", "0.0", False, 0, None])
def test_an_indicator_marked_not_mandatory_leaves_the_grade_to_the_index(flag):
    assert indicators.grade([2, 3], weights=[0.9, 0.1], mandatory=["", flag], **LEVELS) == "II级"


def test_mandatory_flags_that_are_not_yes_or_no_are_refused():
    with pytest.raises(ValueError, match="^mandatory（限定性指标）第 2 项须为“是”或空白，收到 “也许”$"):
        indicators.grade([2, 3], weights=[0.9, 0.1], mandatory=["", "也许"], **LEVELS)
    with pytest.raises(ValueError, match="^第 2 项为限定性指标，指标值不能为空$"):
        indicators.grade([2, None], weights=[0.9, 0.1], mandatory=["", "是"], **LEVELS)


@pytest.mark.parametrize("values, expected", [([1, 3], "I级"), ([2, 3], "II级")])
def test_grade_weighs_first_level_groups(values, expected):
    # group weights 0.9 (first indicator) and 0.1 (second), each group one indicator of weight 1:
    # Y = 100 × 0.9 = 90 for the level the first reaches; without the groups it would be 50 → III级
    result = indicators.grade(values, weights=[1, 1], group_weights=[0.9, 0.1], groups=["甲", "乙"], **LEVELS)
    assert result == expected


def test_unit_conversion_pairs_follow_the_conversion_rule():
    # convert_quantity's factors: 1 t = 1 000 kg, 1 万m³ = 10 000 m³, 1 万kWh = 10 000 kWh, 1 GJ = 1 000 MJ,
    # 1 kcal = 4.1868 kJ = 0.0041868 MJ; water media per t take m³ (1 m³ = 1 t); kg never takes m³
    pairs = energy.conversion_pairs()
    factors = {(target, unit): factor for target, unit, factor in pairs}
    assert len(factors) == len(pairs)
    assert list(dict.fromkeys(target for target, _, _ in pairs)) == ["kg", "t", "m³", "kWh", "MJ"]
    expected = {("kg", ""): 1.0, ("kg", "t"): 1000.0, ("t", "kg"): 0.001, ("t", "m³"): 1.0, ("m³", "万m³"): 1e4,
                ("kWh", "万kWh"): 1e4, ("MJ", ""): 1.0, ("MJ", "GJ"): 1000.0, ("MJ", "kcal"): 0.0041868}
    assert {key: factors.get(key) for key in expected} == pytest.approx(expected)
    assert ("kg", "m³") not in factors and ("MJ", "kg") not in factors


# ---- standard coal with the auditor's coefficient (GB/T 2589-2020) -------------------------------------


def test_standard_coal_with_a_blank_coefficient_takes_the_table_value():
    assert energy.tce(1, "原煤", coef="") == pytest.approx(0.7143)  # 1 kg × 0.7143 kgce/kg (表A.1)


def test_standard_coal_of_an_energy_outside_the_table_with_its_own_coefficient():
    assert energy.tce(10, "自制燃料", coef=0.5) == pytest.approx(5.0)  # 10 × 0.5, no unit to convert
    with pytest.raises(ValueError):
        energy.tce(10, "自制燃料", coef=0.5, unit="t")  # no coefficient unit to convert tonnes into
    with pytest.raises(ValueError):
        energy.tce(10, "", coef=0.5)


def test_own_coefficient_converts_the_unit_of_the_table_entry():
    # 新水 is counted per t and a water medium takes m³ as t: 5 m³ = 5 t × 0.2 kgce/t = 1.0
    assert energy.tce(5, "新水", coef=0.2, unit="m³") == pytest.approx(1.0)
    # an energy of the 参数 sheet counted per kg: 2 t = 2 000 kg × 0.6 = 1 200
    assert energy.tce(2, "生物质颗粒", coef=0.6, unit="t", overrides={"生物质颗粒": (0.5, "kg")}) == pytest.approx(1200)


def test_co2_with_a_blank_factor_takes_the_grid_default():
    assert carbon.co2(1000, "电力", "") == pytest.approx(0.5306)  # 1 MWh × 0.5306 tCO2/MWh


# ---- the 参数 sheet ------------------------------------------------------------------------------------


def test_parameter_rows_list_every_problem_in_order():
    from cpxl.calc import parameters

    rows = [
        ("类别", "参数名", "数值"),  # a header: 类别 in the first column is enough
        ("经济", "所得税率"),  # two columns
        ("经济", "", 0.2),  # no name
        ("杂项", "x", 1),  # no such category
        ("经济", "所得税率", 0.2),
    ]
    expected = ("参数表有误：第 2 行：须有类别、名称、数值三列；第 3 行：名称为空；"
                "第 4 行：类别 “杂项” 不是 折标准煤系数、电力、排放因子、经济、平衡 之一")
    with pytest.raises(ValueError) as info:
        parameters.parameters_from_rows(rows)
    assert str(info.value) == expected


def test_units_of_added_energies_drop_kgce():
    from cpxl.calc import parameters

    rows = [("折标准煤系数", "自制燃料", 0.5, "kgce/t"), ("折标准煤系数", "自制燃料2", 0.4, "t"),
            ("折标准煤系数", "自制燃料3", 0.3)]
    overrides = parameters.coefficient_overrides(parameters.parameters_from_rows(rows))
    # “kgce/t” and “t” both mean per tonne; no unit leaves the value alone
    assert {k: overrides[k] for k in ("自制燃料", "自制燃料2", "自制燃料3")} == {
        "自制燃料": (0.5, "t"), "自制燃料2": (0.4, "t"), "自制燃料3": 0.3}


def test_paired_ranges_skip_blank_rows_and_name_the_row_at_fault():
    # ΔE = Σ (e_report − e_base) · M over the filled rows: (0.9 − 1.0) × 10 + (0.8 − 1.0) × 100 = −21
    assert energy.saving([0.9, None, 0.8], [1.0, None, 1.0], [10, None, 100]) == pytest.approx(-21)
    with pytest.raises(ValueError, match="^第 2 项的e_base（基期单耗）、output_report（报告期产量）为空，而同一项其他参数有值$"):
        energy.saving([0.9, 0.8], [1.0, None], [10, None])
    with pytest.raises(ValueError, match="^e_report（报告期单耗）第 2 项须为数值，收到 “x”$"):
        energy.saving([0.9, "x"], [1.0, 1.0], [10, 10])
    with pytest.raises(ValueError, match="^e_report（报告期单耗）、e_base（基期单耗）、output_report（报告期产量）不能全为空$"):
        energy.saving([None], [None], [None])


# ---- messages of the shared validators (_validate) -----------------------------------------------------


def test_received_values_are_shown_as_excel_shows_them():
    from cpxl.calc import _validate

    assert _validate.fmt(True) == "TRUE" and _validate.fmt(False) == "FALSE"
    # a long value is cut to 37 characters and “...”
    assert _validate.fmt(list(range(30))) == "[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11..."
    with pytest.raises(ValueError, match="^n（序号）须为整数，收到 1.5$"):
        _validate.integer("n（序号）", 1.5)
    # kept blanks are NaN: a range of blanks only is still empty
    with pytest.raises(ValueError, match="^x（量）不能为空（至少需要一个数值）$"):
        _validate.vector("x（量）", [None, float("nan")], keep_blanks=True)


def test_co2_messages_name_the_grid_factor_and_the_missing_method():
    with pytest.raises(ValueError, match="^电网排放因子须为数值，收到 “abc”$"):
        carbon.co2(1000, "电力", grid_factor="abc")
    # 表E.4 注b gives no method for steam: a factor in tCO2/tce must be given
    with pytest.raises(ValueError, match=r"如需计算请给出 factor（排放因子，tCO2/tce）$"):
        carbon.co2(10, "蒸汽")


def test_indicator_levels_written_in_words():
    assert indicators.cagr(133.1, 100) == pytest.approx(0.1)  # default 3 years: 1.331^(1/3) − 1
    assert indicators.parse_level("3") == 3 and indicators.parse_level("三级") == 3
    assert indicators.reached_levels("未达III级", 1, 2, 3) == (False, False, False)


@pytest.mark.parametrize("argument", ["level_I", "level_II", "level_III", "weights", "mandatory"])
def test_grade_columns_of_another_length_are_named(argument):
    arguments = dict(LEVELS, weights=[0.5, 0.5])
    arguments[argument] = [1, 2, 3]
    with pytest.raises(ValueError, match=rf"^{argument}（.*）的个数（3）与 values（指标值）的个数（2）不一致$"):
        indicators.grade([1, 3], **arguments)


def test_grade_refuses_weights_that_sum_to_nothing():
    groups = dict(LEVELS, groups=["甲", "乙"])
    with pytest.raises(ValueError, match="^已评价一级指标的 group_weights（权重）之和须为正数$"):
        indicators.grade([1, 3], weights=[1, 1], group_weights=[0, 0], **groups)
    with pytest.raises(ValueError, match="^一级指标“甲”中已评价二级指标的权重之和须为正数$"):
        indicators.grade([1, 3], weights=[0, 1], group_weights=[0.5, 0.5], **groups)
    with pytest.raises(ValueError, match="^weights（二级指标权重）第 2 项不能为负数，收到 -1$"):
        indicators.grade([1, 3], weights=[1, -1], **LEVELS)


# ---- further survivors of the 10 % sample (seed 15) ------------------------------------------------------


def test_unknown_energy_lists_the_first_table_names():
    # “zzzz” shares no character with any name or alias: no close match, so the message offers the
    # first 8 names of 表A.1 in table order followed by “…”.
    with pytest.raises(ValueError) as exc:
        energy.resolve_name("zzzz")
    first8 = "、".join(energy.energy_names()[:8])
    assert first8 == "原煤、洗精煤、洗中煤、煤泥、焦炭、原油、燃料油、渣油"
    assert f"最接近的有：{first8}…；其他能源" in str(exc.value)


def test_unknown_unit_hint():
    # at most 5 close units are offered; with none close, the common units are listed.
    with pytest.raises(ValueError, match=r"^unit（计量单位）“万k”无法识别，可用：万kWh、万kcal、万kW·h、万方、万度$"):
        energy.convert_quantity(1, "万k", "kg")
    with pytest.raises(ValueError, match=r"可用：kg、t、m³、万m³、kWh、万kWh、MJ、GJ$"):
        energy.convert_quantity(1, "zz", "kg")


def test_water_mass_to_volume():
    # water media: 1 m³ = 1 t, so 2 t of 新水 = 2 m³ (2 × 1000 kg ÷ 1000 kg/m³).
    assert energy.convert_quantity(2, "t", "m³", "新水") == pytest.approx(2.0)
    assert energy.convert_quantity(2, "m³", "t", "新水") == pytest.approx(2.0)


def test_coefficient_override_unit_and_alias():
    # the 等价值 of 电力 from the 参数 sheet is per kWh
    c = energy.coefficient("电力", "等价", {"电力（等价值）": 0.3})
    assert (c.value, c.unit, c.source) == (0.3, "kWh", "参数表（审核人填写）")
    # an alias (电) finds the override written under the table name (电力)
    assert energy.coefficient("电", overrides={"电力": 0.13}).value == 0.13
    # an energy the auditor adds without a unit has no unit
    c = energy.coefficient("生物质颗粒", overrides={"生物质颗粒": 0.5})
    assert (c.value, c.unit, c.name) == (0.5, "", "生物质颗粒")


def test_coefficient_warnings_joined():
    # alias warning and the range caution of 天然气, joined by “；”
    w = energy.coefficient("燃气").warning
    assert w.startswith("“燃气”按天然气折算；如为其他煤气请改用对应名称；天然气折标准煤系数为范围值 1.1000～1.3300")


def test_assess_without_irr_reason():
    # flows all 0: NPV = −100, no IRR, never paid back
    a = economics.assess(100, [0, 0], None, 0.05, 4)
    assert a.reasons == ("净现值 -100.00 万元 < 0", "内部收益率不存在", "计算期内无法回收投资")


def test_qualitative_words_with_inner_space():
    # spaces inside a word are ignored: “不 具备” = 不具备 (reaches no level), “达 标” = 达标
    assert indicators.reached_levels("不 具备", 1, 2, 3) == (False, False, False)
    assert indicators.reached_levels("达 标", 1, 2, 3) == (True, True, True)


def test_threshold_order_message_higher():
    with pytest.raises(ValueError, match=r"与方向“higher”不符，应为 I ≥ II ≥ III$"):
        indicators.level(1, 1, 2, 3, "higher")


def test_weighted_score_blank_messages():
    with pytest.raises(ValueError, match=r"^weights（权重）第 2 项为空$"):
        indicators.weighted_score([0.2, None, 0.5], [5, 4, 3])
    with pytest.raises(ValueError, match=r"^scores（得分）第 1 个方案第 2 项为空$"):
        indicators.weighted_score([0.2, 0.3, 0.5], [[5, None, 3]])


def test_reached_levels_value_label():
    with pytest.raises(ValueError, match=r"^value（指标值）须为有限数值"):
        indicators.reached_levels(float("inf"), 1, 2, 3)


def test_group_weights_must_agree():
    with pytest.raises(ValueError, match=r"一级指标“A”的权重不一致（0.3 与 0.4）"):
        indicators.grade([1, 1], [1, 1], [2, 2], [3, 3], ["lower", "lower"], [0.5, 0.5],
                         group_weights=[0.3, 0.4], groups=["A", "A"])


def test_parameter_names_and_units_with_spaces():
    # spaces inside a name or unit are dropped: “生物质 颗粒”, “kgce / t” → 生物质颗粒 per t
    p = parameters.parameters_from_rows([("折标准煤系数", "生物质 颗粒", 0.5, "kgce / t")])
    assert p["折标准煤系数"]["生物质颗粒"] == 0.5
    assert p.units[("折标准煤系数", "生物质颗粒")] == "t"


def test_completeness_text_numbers_and_all_blank():
    # “1” done, “0.0” not done: 1 / 2
    assert park.completeness(["1", "0.0"]) == 0.5
    with pytest.raises(ValueError, match=r"^items（完成情况）不能全为空$"):
        park.completeness([None, ""])


def test_park_incidents_in_words():
    # indicator 13: “无/没有/未发生” = 0 events, meets the single value 0 → 先进水平
    for word in ("无", "未发生"):
        assert park.park_level(13, word) == park.ADVANCED
    with pytest.raises(ValueError):
        park.park_level(2, "无")


def test_park_missing_parts_and_working():
    r = park_eval.evaluate_indicator(3, {"industrial_va": [None, None, None, 120]})
    assert (r.value, r.working, r.missing) == (None, "", ("园区工业增加值（当年及三年前）",))
    # both parts present, but in no common year: both are named
    r = park_eval.evaluate_indicator(5, {"swu": [10, None], "sw_generated": [None, 20]})
    assert r.missing == ("工业固体废物综合利用量", "工业固体废物产生量")
    r = park_eval.evaluate_indicator(20, {})
    assert r.missing == ("园区二氧化碳排放量（当年及上年）",)


def test_park_19_value_and_zero_value_added():
    # (19) now = 72.9/100, before = 100/100: 1 − 0.729^(1/3) = 1 − 0.9 = 10 %
    r = park_eval.evaluate_indicator(19, {"co2": [100, None, None, 72.9], "industrial_va": [100, None, None, 100]})
    assert r.value == pytest.approx(0.1)
    assert (r.name, r.unit, r.level) == ("单位工业增加值二氧化碳排放量年均削减率", "%", park.ADVANCED)
    r = park_eval.evaluate_indicator(19, {"co2": [100, None, None, 90], "industrial_va": [100, None, None, 0]})
    assert (r.value, r.unit, r.error) == (None, "%", "园区工业增加值须为正数")


def test_park_20_uses_latest_pair():
    # y3 blank: the latest pair is y2 = 105 over y1 = 100 → 5 %
    r = park_eval.evaluate_indicator(20, {"co2": [None, 100, 105, None]})
    assert r.value == pytest.approx(0.05)


def test_park_25_none_done():
    # 0 of 4 items done: 0 %
    r = park_eval.evaluate_indicator(25, {"risk_items": 0})
    assert r.value == 0.0 and r.level == park.BELOW


def test_display_value_rate():
    assert park_eval.display_value(park_eval.evaluate_indicator(3, value=0.12)) == "12.00%"


def test_evaluate_park_items24():
    # 3 of 4 items: 75 %
    r = park_eval.evaluate_park(items24=["是", "是", "否", "是"])
    assert r[23].no == 24 and r[23].value == 0.75


def test_gap_incidents_numeric():
    # 2 events against the single value 0: next 先进水平, 2 events to go
    assert park_eval.gap_to_next(13, 2) == (park.ADVANCED, 2.0)


def test_selection_problem_messages():
    probs = park_eval.selection_problems([2, 3])
    texts = [p.message for p in probs]
    assert "可选指标仅评价 2 项（序号 2、3），至少应完成 6 项" in texts
    assert ("指标 5“工业固体废物综合利用率”、6“再生资源循环利用率” 均未评价（2项指标至少选1项）") in texts


def test_energy_suggestions_only_close_names():
    # “电炉” is close to 电力 and 电石 only (one character of two in common): no other name is offered
    with pytest.raises(ValueError, match=r"最接近的有：电力、电石；"):
        energy.resolve_name("电炉")


def test_grade_names_the_indicator_in_error():
    with pytest.raises(ValueError, match=r"^第 2 项指标："):
        indicators.grade([1, "x"], [1, 1], [2, 2], [3, 3], ["lower", "lower"], [0.5, 0.5])


@pytest.mark.parametrize("written, level", [("1", 1), ("2", 2), ("一", 1), (2, 2), (3, 3)])
def test_parse_level_digits(written, level):
    assert indicators.parse_level(written) == level


def test_below_level_three_in_words():
    assert indicators.reached_levels("未达到III级", 1, 2, 3) == (False, False, False)


def test_weighted_score_labels_and_arrays():
    with pytest.raises(ValueError, match=r"^scores（得分）第 1 行第 1 列须为数值"):
        indicators.weighted_score([1], [["x"]])
    with pytest.raises(ValueError, match=r"^weights（权重）"):
        indicators.weighted_score(["x"], [1])
    # S = 0.5 × 2 + 0.5 × 4 = 3, from numpy arrays
    assert indicators.weighted_score(np.array([0.5, 0.5]), np.array([[2.0, 4.0]])) == pytest.approx(3.0)


def test_error_messages_show_the_value_received():
    with pytest.raises(ValueError, match=r"收到 0；产量为 0 时单耗无意义"):
        indicators.per_unit(1, 0)
    with pytest.raises(ValueError, match=r"^energy（能源名称）须为文字，收到 5$"):
        energy.resolve_name(5)


def test_energy_names_from_overrides_are_suggested():
    with pytest.raises(ValueError, match=r"最接近的有：生物质颗粒；"):
        energy.resolve_name("生物质颗料", {"生物质颗粒": 0.5})


def test_unit_written_with_a_dot_and_unknown_coefficient_unit():
    assert energy.convert_quantity(3, "kW.h", "kWh") == 3.0  # kW·h written kW.h
    with pytest.raises(ValueError, match=r"^“”的系数单位未知"):
        energy.convert_quantity(1, "kg", "")


def test_electricity_equivalent_override_names():
    assert energy.coefficient("电力", "等价", {"电力等价值": 0.31}).value == 0.31
    assert energy.coefficient("原煤", basis="当量值").basis == "当量"


def test_assess_single_flow_with_years():
    # I = 100, F = 30 for 5 years at 5 %: NPV = 30 × 4.3295 − 100 = 29.88 > 0; N = 100 / 30 = 3.33 ≤ 4
    a = economics.assess(100, 30, 5, 0.05, 4)
    assert a.feasible and a.reasons == () and a.payback == pytest.approx(100 / 30)


def test_parameters_text_number_header_and_plain_mapping():
    p = parameters.parameters_from_rows([("category", "name", "value"), ("折标准煤系数", "生物质颗粒", "1,234")])
    assert p["折标准煤系数"]["生物质颗粒"] == 1234.0
    assert parameters.coefficient_overrides({"折标准煤系数": {"原煤": 0.8}}) == {"原煤": 0.8}


def test_water_ratio_below_one():
    # reuse 0.9 / (0.9 + 0.1) = 90 %
    assert water.reuse_rate(0.9, 0.1) == pytest.approx(0.9)


def test_park_ratio_denominators_below_one():
    # (2) 10 万元 ÷ 0.5 人 = 20 万元/人
    assert park_eval.evaluate_indicator(2, {"industrial_va": 10, "employees": 0.5}).value == pytest.approx(20)
    # (19) now 0.729/1, before 0.5/0.5 = 1: 1 − 0.9 = 10 %
    r = park_eval.evaluate_indicator(19, {"co2": [0.5, None, None, 0.729], "industrial_va": [0.5, None, None, 1]})
    assert r.value == pytest.approx(0.1)


def test_park_item_counts_and_messages():
    r = park_eval.evaluate_indicator(5, {"swu": 0, "sw_generated": 0})
    assert r.error == "工业固体废物产生量与综合利用往年贮存量之和须为正数"
    r = park_eval.evaluate_indicator(24, {})
    assert (r.working, r.missing) == ("", ("环境管理能力完善度已达到项数",))
    assert park_eval.evaluate_indicator(24, {"env_mgmt_items": 5}).error == "“环境管理能力完善度已达到项数”须在 0～4 之间，收到 5"
    r = park_eval.evaluate_indicator(25, {"risk_items": 3, "risk_items_total": 3})
    assert r.error == "“环境风险防范体系建设应完成项数”须为 4 或 5（化工、电镀、印染等园区），收到 3"
    r = park_eval.evaluate_indicator(19, {"co2": ["x", None, None, 1], "industrial_va": [1, None, None, 1]})
    assert "“园区二氧化碳排放量”" in r.error


def test_park_missing_names_only_absent_parts():
    r = park_eval.evaluate_indicator(1, {"gdp": [None, 100]})
    assert r.missing == ("高新技术企业增加值之和",)


def test_park_qualitative_state_and_kept_value():
    assert park_eval.evaluate_indicator(9).missing == ("定性指标情况（具备/不具备、达标/不达标）",)
    assert park_eval.evaluate_indicator(9, states={9: "具备"}).level == park.ADVANCED
    r = park_eval.evaluate_indicator(1, value=35)  # 35 is refused as ambiguous (35 % or 3 500 %)
    assert r.value == 35 and r.error and r.level is None


def test_evaluate_park_chemical_and_items25():
    # chemical park: 4 of 5 items = 80 %; items25 yes/no: 1 of 2 = 50 %
    assert park_eval.evaluate_park({"risk_items": 4}, chemical=True)[24].value == pytest.approx(0.8)
    assert park_eval.evaluate_park(items25=["是", "否"])[24].value == 0.5


def test_defaults_and_spellings():
    assert energy.coefficient("原煤").basis == "当量"  # no basis given: 当量值
    assert energy.convert_quantity(3, "kW·h", "kWh") == 3.0
    assert indicators.parse_direction(None) == "lower"
    # a header row whose only header word is in the name column is skipped
    assert parameters.parameters_from_rows([("", "name", "value")]).warnings == []


def test_co2_with_own_coal_factor():
    # 1 000 kg 原煤 × 0.7143 kgce/kg = 0.7143 tce; × 2.5 tCO2/tce = 1.78575 t
    assert carbon.co2(1000, "原煤", coal_factor=2.5) == pytest.approx(1.78575)
    with pytest.raises(ValueError, match=r"^标准煤CO2排放因子须为正数，收到 -1$"):
        carbon.co2(1000, "原煤", coal_factor=-1)


def test_messages_of_empty_inputs():
    from cpxl.calc import benchmark

    with pytest.raises(ValueError, match=r"^values（指标值）不能为空$"):
        benchmark.benchmark([])
    with pytest.raises(ValueError, match=r"^已评价指标的 weights（权重）之和须为正数$"):
        indicators.grade([1], [1], [2], [3], ["lower"], [0])


def test_blank_direction_zero_dim_array_and_first_negative_named():
    from cpxl.calc import _validate

    assert indicators.parse_direction("") == "lower"  # a blank cell: the default
    assert _validate.number("x", np.array(2.5)) == 2.5  # a 0-d array is its number
    with pytest.raises(ValueError, match=r"不能为负数，收到 -2$"):  # the first negative value, not the first below 1
        pollution.load([0.5, -2], [10, 10])
