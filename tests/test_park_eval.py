"""Park evaluation (T/CPPC 工业园区清洁生产审核指南 附件1): a sample park worked by hand, the selection rule,
and the ``park_selection`` check on a park workbook."""

from __future__ import annotations

import pytest
from numpy.testing import assert_allclose

from cpxl.calc import park_eval
from cpxl.calc.park import ADVANCED, BELOW, GENERAL, PARK_INDICATORS

# A chemical park (indicator 25 has five items). Base data as in 表P.2: (三年前, y1, y2, y3).
SAMPLE = {
    "gdp": 200_000,  # 万元
    "hightech_va": 70_000,
    "industrial_va": (100_000, 110_000, 121_000, 133_100),
    "employees": 8_000,  # 人
    "recycling_va": 13_310,
    "swu": 8_500,  # t
    "sw_generated": 9_000,
    "sw_stock_used": 1_000,
    "energy": 46_585,  # tce
    "renewable_energy": 4_658.5,
    "green_industrial": 12_000,  # m²
    "new_industrial": 50_000,
    "incidents": (None, 0, 0, 0),
    "sw_disposed": 10_000,
    "sw_total": 10_000,
    "wastewater": 665_500,  # t
    "sw_inside": 9_000,
    "good_air_days": 292,
    "days": 365,
    "green_area": 360_000,
    "land_area": 2_000_000,
    "co2": (400_000, None, 380_000, 399_300),  # tCO2
    "audited": 9,
    "key_enterprises": 12,
    "campaigns": 4,
    "env_mgmt_items": 3,
    "risk_items": 4,
    "risk_items_total": 5,
    "disclosed": 10,
    "listed": 10,
}
STATES = {9: "具备", 12: "达标", 22: "具备"}

# Worked by hand (附件1 指标解释和计算方法; thresholds of 附表1):
#  no  value                                              level        next, gap (unit of 附表1)
HAND = {
    1: (70_000 / 200_000, GENERAL, ADVANCED, 15.0),  # 35% ≥30 <50 → 一般; 50 − 35 = 15 pp
    2: (133_100 / 8_000, GENERAL, ADVANCED, 3.3625),  # 16.6375 万元/人 ≥15 <20; 20 − 16.6375
    3: (0.10, GENERAL, ADVANCED, 5.0),  # (133100/100000)^(1/3) − 1 = 1.331^(1/3) − 1 = 10% → ≥10; 15 − 10
    4: (0.10, BELOW, GENERAL, 10.0),  # 13310/133100 = 10% <20 → 未达到; 20 − 10
    5: (0.85, GENERAL, ADVANCED, 10.0),  # 8500 / (9000 + 1000) = 85% ≥70; 95 − 85
    7: (0.35, GENERAL, ADVANCED, 0.05),  # 46585/133100 = 0.35 tce/万元 ≤0.5 >0.3; 0.35 − 0.30
    8: (0.10, GENERAL, ADVANCED, 5.0),  # 4658.5/46585 = 10% ≥9; 15 − 10
    9: ("具备", ADVANCED, None, None),
    10: (0.24, BELOW, GENERAL, 6.0),  # 12000/50000 = 24% <30; 30 − 24
    12: ("达标", ADVANCED, None, None),
    13: (0.0, ADVANCED, None, None),  # 0 + 0 + 0 events in the three years before the audit
    14: (1.0, ADVANCED, None, None),  # 10000/10000 = 100%
    15: (5.0, GENERAL, ADVANCED, 2.0),  # 665500/133100 = 5 t/万元 ≤7 >3; 5 − 3
    16: (9_000 / 133_100, ADVANCED, None, None),  # 0.0676 t/万元 ≤0.1
    17: (0.80, GENERAL, ADVANCED, 15.0),  # 292/365 = 80% ≥80; 95 − 80
    18: (0.18, GENERAL, ADVANCED, 12.0),  # 360000/2000000 = 18% ≥15; 30 − 18
    # 19: intensity 三年前 400000/100000 = 4.0, 当年 399300/133100 = 3.0 tCO2/万元;
    #     1 − (3/4)^(1/3) = 1 − 0.908560 = 9.144% ≥5 → 先进
    19: (1 - 0.75 ** (1 / 3), ADVANCED, None, None),
    # 20: (399300 − 380000) / 380000 = 19300/380000 = 5.0789% > 5 (一般 ≤5) → 未达到; 5.0789 − 5
    20: (19_300 / 380_000, BELOW, GENERAL, 19_300 / 380_000 * 100 - 5),
    21: (0.75, BELOW, ADVANCED, 25.0),  # 9/12 = 75%; single value 100 → next 先进, 100 − 75
    22: ("具备", ADVANCED, None, None),
    23: (4.0, GENERAL, ADVANCED, 1.0),  # 4 campaigns ≥3 <5; 5 − 4
    24: (0.75, BELOW, ADVANCED, 25.0),  # 3 items × 25% = 75%
    25: (0.80, BELOW, ADVANCED, 20.0),  # chemical park: 4 of 5 items × 20% = 80%
    26: (1.0, ADVANCED, None, None),  # 10/10
}


def test_sample_park_matches_hand_working():
    results = {r.no: r for r in park_eval.evaluate_park(SAMPLE, states=STATES)}
    assert set(results) == {p.no for p in PARK_INDICATORS}
    for no, (value, level, next_level, gap) in HAND.items():
        r = results[no]
        assert r.evaluated, (no, r)
        if isinstance(value, str):
            assert r.value == value
        else:
            assert_allclose(r.value, value, rtol=1e-9, err_msg=f"indicator {no}")
        assert r.level == level, (no, r)
        assert r.next_level == next_level, (no, r)
        if gap is None:
            assert r.gap is None
        else:
            assert_allclose(r.gap, gap, rtol=1e-9, atol=1e-9, err_msg=f"gap {no}")
    # 6 (再生资源) and 11 (新建公共建筑) have no data: not evaluated, the missing parts are named
    assert not results[6].evaluated and "再生资源循环利用量" in results[6].missing
    assert not results[11].evaluated and results[11].missing
    assert park_eval.selection_problems([no for no, r in results.items() if r.evaluated]) == []


def test_working_shows_the_formula_with_numbers():
    r = park_eval.evaluate_indicator(1, SAMPLE)
    assert r.working == "高新技术企业增加值之和 70,000 ÷ 园区生产总值 200,000 × 100% = 35.00%"
    assert park_eval.display_value(r) == "35.00%"
    assert park_eval.display_value(park_eval.evaluate_indicator(7, SAMPLE)) == "0.35 吨标煤/万元"


def test_completeness_items_and_ordinary_park():
    # 25 from five yes/no items: 4 done × 20% = 80%; an ordinary park counts four items at 25% each
    r = park_eval.evaluate_indicator(25, {}, items25=["是", "是", "是", "否", "是"])
    assert_allclose(r.value, 0.8)
    r = park_eval.evaluate_indicator(25, {"risk_items": 3})
    assert_allclose(r.value, 0.75)
    r = park_eval.evaluate_indicator(25, {"risk_items": 3}, chemical=True)
    assert_allclose(r.value, 0.6)
    r = park_eval.evaluate_indicator(24, {}, items24=["是", "是", "是", "是"])
    assert r.value == 1.0 and r.level == ADVANCED


def test_ratio_uses_latest_year_with_both_parts():
    # gdp only up to y2: 1 = hightech_va(y2) / gdp(y2) = 60/100
    r = park_eval.evaluate_indicator(1, {"gdp": (None, 90, 100, None), "hightech_va": (None, 50, 60, 70)})
    assert_allclose(r.value, 0.6)


def test_stated_value_wins_and_bad_values_are_reported():
    r = park_eval.evaluate_indicator(1, SAMPLE, value=0.55)
    assert r.level == ADVANCED and r.gap is None
    bad = park_eval.evaluate_indicator(1, {}, value=35)  # 35 instead of 35 %
    assert not bad.evaluated and "百分" in bad.error
    zero = park_eval.evaluate_indicator(2, {"industrial_va": 10, "employees": 0})
    assert not zero.evaluated and "正数" in zero.error


REQUIRED = [p.no for p in PARK_INDICATORS if p.required]


@pytest.mark.parametrize(
    "evaluated, rules",
    [
        # all 13 required + one per group = 19: compliant
        (REQUIRED + [2, 5, 7, 10, 15, 19], []),
        # 9 missing: one required problem, and 18 in all
        ([n for n in REQUIRED if n != 9] + [2, 5, 7, 10, 15, 19], ["required", "total"]),
        # group F (19, 20) empty, 5 optional, 18 in all
        (REQUIRED + [2, 5, 7, 10, 15], ["group", "optional", "total"]),
        # six optional but two groups empty (B and E): 3 from A, one each from C, D, F
        (REQUIRED + [2, 3, 4, 7, 10, 19], ["group", "group"]),
    ],
)
def test_selection_rule(evaluated, rules):
    problems = park_eval.selection_problems(evaluated)
    assert [p.rule for p in problems] == rules


def test_selection_messages_name_what_is_missing():
    problems = park_eval.selection_problems([n for n in REQUIRED if n != 9] + [2, 5, 7, 10, 15])
    text = "；".join(p.message for p in problems)
    assert "必选指标 9“污水集中处理设施”未评价" in text
    assert "19“单位工业增加值二氧化碳排放量年均削减率”、20“园区二氧化碳排放量增长率” 均未评价" in text
    assert "可选指标仅评价 5 项" in text and "共评价 17 项指标，至少应选择 19 项" in text


# ---- the check on a park workbook -------------------------------------------------------------------


def _park_book(tmp_path, p1_rows: dict[int, dict], inputs: dict):
    from cpxl.tables.park import PARK_INPUTS
    from cpxl.workbook.build import build_workbook, save_workbook
    from cpxl.workbook.read import read_workbook

    p2 = []
    for key, _label, _unit, _used in PARK_INPUTS:
        if not key:
            continue
        series = park_eval._series(inputs, key)
        p2.append({f"v_{j}": x for j, x in enumerate(series)})
    p1 = [p1_rows.get(p.no, {}) for p in PARK_INDICATORS]
    cover = {"company": "示例化工园区管理委员会", "industry": "化学原料和化学制品制造业", "industry_code": "2614"}
    path = save_workbook(build_workbook("park", {"封面信息": cover, "P.1": p1, "P.2": p2}), tmp_path / "park.xlsx")
    return read_workbook(path)


def _selection_findings(book):
    from cpxl.tables.checks import ParkSelection
    from cpxl.workbook.check import run

    return list(run(ParkSelection(), book, book.tables["P.1"]))


def test_check_passes_for_the_sample_park(tmp_path):
    states = {no: {"state": s} for no, s in STATES.items()}
    book = _park_book(tmp_path, states, SAMPLE)
    findings = _selection_findings(book)
    assert [f for f in findings if f.severity == "error"] == []


def test_check_names_each_violation(tmp_path):
    # No P.2 data, and P.1 values for the 13 required minus 9 (no state) plus optional 2, 5, 7, 10, 15
    rows = {no: {"value": 1.0} for no in REQUIRED if no not in (9, 12, 22)}
    rows[13] = {"value": 0}
    rows[23] = {"value": 4}
    rows[12] = {"state": "达标"}
    rows[22] = {"state": "具备"}
    rows.update({2: {"value": 16}, 5: {"value": 0.8}, 7: {"value": 0.4}, 10: {"value": 0.3}, 15: {"value": 5}})
    book = _park_book(tmp_path, rows, {})
    findings = _selection_findings(book)
    by_rule = {}
    for f in findings:
        by_rule.setdefault(f.rule, []).append(f)
    assert set(by_rule) == {"park_required", "park_group", "park_optional", "park_total"}
    (required,) = by_rule["park_required"]
    assert "必选指标 9“污水集中处理设施”未评价" in required.message and "定性指标情况" in required.message
    sheet = book.tables["P.1"]
    assert required.cell == sheet.cells.at[sheet.frame.index[sheet.frame["no"] == 9][0], "state"]
    (group,) = by_rule["park_group"]
    assert "19“" in group.message and "20“" in group.message
    assert "5 项" in by_rule["park_optional"][0].message
    assert "共评价 17 项" in by_rule["park_total"][0].message


def test_check_reports_mismatch_and_refused_value(tmp_path):
    rows = {no: {"state": s} for no, s in STATES.items()}
    rows[1] = {"value": 0.45}  # P.2 gives 35 %
    rows[18] = {"value": 18}  # 18 instead of 18 %
    book = _park_book(tmp_path, rows, SAMPLE)
    findings = _selection_findings(book)
    mismatch = [f for f in findings if f.rule == "park_value_mismatch"]
    assert len(mismatch) == 1 and "45.00%" in mismatch[0].message and "35.00%" in mismatch[0].message
    refused = [f for f in findings if f.rule == "park_value"]
    assert len(refused) == 1 and "18" in refused[0].message
