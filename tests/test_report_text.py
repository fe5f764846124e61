"""The generated report text is tested against its data: each generator of cpxl.report.analysis with fills
that should and should not give each sentence, the numbers in the sentences worked by hand, blank never
read as 0 or as compliance (issue 10 §1, issue 15 §2).

The analysis works on the tables as read, so most tests read the committed blank template once and put
the rows of a case into its tables (typed as the reader types cells) before recomputing; the report-level
tests at the end export real workbooks and scan the document's text."""

from __future__ import annotations

import dataclasses
import re
from datetime import date
from pathlib import Path

import pytest

from cpxl.report import analysis as A
from cpxl.report.compute import derive
from cpxl.tables import KINDS
from cpxl.tables.common import COVER
from cpxl.workbook.read import read_workbook, typed

TEMPLATES = Path(__file__).resolve().parents[1] / "xlsx_templates"

BASE_COVER = {"company": "甲公司", "base_year": 2025, "round": 1, "main_product": "啤酒"}

#: Claims of compliance or success; none may be made from blank tables.
CLAIMS = ("均达标", "达标", "满足", "成立", "未超过", "已完成", "可在近期达到", "经济可行")
#: A count or amount of zero where nothing was entered.
ZERO = re.compile(r"(?<![\d.])0 ?(项|个|家|种|台|人|条|处|类|万元|tce|m³|t/a|kgce|tCO)|已建立 0|节能 0|节水 0|采纳 0")


# ---- building cases -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def books():
    return {kind.id: read_workbook(TEMPLATES / kind.workbook_file) for kind in KINDS.values()}


def _rows(table, rows: list[dict]) -> list[dict]:
    """Rows as the reader gives them: each value typed as its column declares, the sheet row numbered from 0."""
    return [{c.key: typed(c, r.get(c.key))[0] for c in table.columns} | {"_row": i, "_section": None} for i, r in enumerate(rows)]


def case(books, kind: str = "audit", cover: dict | None = None, params: dict | None = None, **tables) -> A.Facts:
    """Facts of the blank `kind` template with `tables` (id with “_” for “.”: D_18=[rows]) filled in,
    封面信息 `cover` and 参数 values `params` ({名称: 数值})."""
    book = books[kind]
    data = dict(book.tables)
    fields = {**data[COVER.id].fields, **BASE_COVER, **(cover or {})}
    data[COVER.id] = dataclasses.replace(data[COVER.id], fields=fields)
    for key, rows in tables.items():
        tid = key.replace("_", ".")
        data[tid] = dataclasses.replace(data[tid], rows=_rows(data[tid].table, rows))
    if params:
        rows = [dict(r) for r in data["参数"].rows]
        for name, value in params.items():
            hit = [r for r in rows if r["name"] == name]
            assert len(hit) == 1, name
            hit[0]["value"] = value
        data["参数"] = dataclasses.replace(data["参数"], rows=rows)
    b = dataclasses.replace(book, tables=data)
    return A.Facts(derive(b), kind, b.years)


def text(paragraphs: list[str]) -> str:
    return "\n".join(paragraphs)


def no_claim(s: str) -> None:
    for c in CLAIMS:
        assert c not in s, (c, s)


# ---- 4.1.3 环境: exceedance vs none, value and limit both needed -------------------------------------------


def test_label_only_monitoring_tables_say_nothing(books):
    # the template's D.18 (工业废水/生活污水/合计) and D.22 (东厂界昼间 …) rows carry only their labels
    f = case(books)
    assert f.rows("D.18") == [] and f.rows("D.22") == [] and f.rows("D.37") == []
    assert A.environment(f) == []
    assert A.archive(f) == [] and "档案" not in text(A.conclusion(f))


def test_exceedance_from_the_exceedance_rate_alone(books):
    # 平均值 420 ≤ 500 but 超标率 8.3 % > 0: some samples exceeded — an exceedance, never 均达标
    f = case(books, D_18=[{"category": "工业废水", "pollutant": "COD", "limit": "500", "conc_avg": 420, "exceed_rate": 8.3}])
    s = text(A.environment(f))
    assert "审核基准期废水主要污染物监测 1 项（COD）" in s
    assert "工业废水COD（超标率 8.30%）超标" in s
    no_claim(s)


def test_exceedance_from_the_maximum_over_the_limit(books):
    # 最高值 520 > 标准限值 500 mg/L (超标率 left blank)
    f = case(books, D_18=[{"category": "工业废水", "pollutant": "COD", "limit": "500 mg/L", "conc_max": 520, "conc_avg": 300}])
    s = text(A.environment(f))
    assert "工业废水COD超标" in s
    no_claim(s)


def test_ph_range_limit(books):
    # pH 6～9: 最低值 5.5 < 6 is an exceedance; 6.5–8.2 is within
    bad = case(books, D_18=[{"category": "工业废水", "pollutant": "pH", "limit": "6～9", "conc_max": 8.2, "conc_min": 5.5}])
    assert "工业废水pH超标" in text(A.environment(bad))
    good = case(books, D_18=[{"category": "工业废水", "pollutant": "pH", "limit": "6~9", "conc_max": 8.2, "conc_min": 6.5, "exceed_rate": 0}])
    assert "监测结果均达标" in text(A.environment(good))


def test_all_rows_with_value_and_limit_within_is_compliance(books):
    rows = [
        {"category": "工业废水", "pollutant": "COD", "limit": "500", "conc_max": 128, "conc_avg": 86, "exceed_rate": 0},
        {"category": "工业废水", "pollutant": "氨氮", "limit": "45", "conc_max": 11.6, "exceed_rate": 0},
        {"category": "合计", "pollutant": "COD", "load": 28.87},  # the 合计 row has loads, no monitoring of its own
    ]
    s = text(A.environment(case(books, D_18=rows)))
    assert "审核基准期废水主要污染物监测 2 项（COD、氨氮），监测值均未超过标准限值，监测结果均达标。" in s


def test_value_without_limit_and_limit_without_value_are_named_not_compliant(books):
    rows = [
        {"category": "工业废水", "pollutant": "COD", "limit": "500", "conc_max": 128, "exceed_rate": 0},
        {"category": "工业废水", "pollutant": "氨氮", "conc_max": 11.6, "exceed_rate": 0},  # no limit
        {"category": "工业废水", "pollutant": "总磷", "limit": "8"},  # no value
    ]
    s = text(A.environment(case(books, D_18=rows)))
    assert "工业废水COD监测值未超过标准限值" in s
    assert "工业废水氨氮未给出限值，无法判断是否达标" in s
    assert "工业废水总磷未监测（无监测值）" in s
    assert "均达标" not in s


def test_only_limits_given_is_not_monitoring(books):
    s = text(A.environment(case(books, D_18=[{"category": "工业废水", "pollutant": "COD", "limit": "500"}])))
    assert "监测 1 项" not in s and "工业废水COD未监测" in s
    no_claim(s)


def test_waste_gas_concentration_and_rate_limits(books):
    rows = [
        # 氨: concentration has no limit, the rate 0.031 ≤ 4.9 kg/h does → compliant on the rate
        {"name": "污水站臭气", "point": "DA003", "pollutant": "氨", "conc_max": 2.6, "rate_max": 0.031, "rate_std": 4.9},
        # NOx: 32 > 30 mg/m³
        {"name": "锅炉烟气", "point": "DA001", "pollutant": "氮氧化物", "conc_max": 32, "conc_std": 30, "exceed_rate": 0},
    ]
    s = text(A.environment(case(books, D_20=rows)))
    assert "审核基准期废气主要污染物监测 2 项（氨、氮氧化物）" in s
    assert "DA001氮氧化物超标" in s
    assert "DA003氨监测值未超过标准限值" in s
    assert "均达标" not in s


def test_noise_exceedance_missing_standard_and_missing_value(books):
    rows = [{"point": side, "period": period, "value": 50, "standard": 65 if period == "昼间" else 55}
            for side in ("东厂界", "西厂界", "南厂界", "北厂界") for period in ("昼间", "夜间")]
    rows[0]["value"] = 66  # 东厂界昼间 66 > 65 dB(A)
    rows[3]["standard"] = None  # 西厂界夜间: a value, no standard
    rows[5]["value"] = None  # 南厂界夜间: a standard, no value
    s = text(A.environment(case(books, D_22=rows)))
    # 8 rows, 南厂界夜间 has no value → 7 个点次 measured
    assert "厂界噪声监测 7 个点次" in s
    assert "东厂界昼间（66 dB(A)，标准值 65 dB(A)）超标" in s
    assert "西厂界夜间未给出限值" in s
    assert "南厂界夜间未监测" in s
    assert "均满足" not in s


def test_noise_all_within(books):
    rows = [{"point": side, "period": period, "value": 50, "standard": 55} for side in ("东厂界", "西厂界") for period in ("昼间", "夜间")]
    s = text(A.environment(case(books, D_22=rows)))
    assert "厂界噪声监测 4 个点次，监测值均满足标准限值要求。" in s


def test_noise_labels_with_standards_only_claims_nothing(books):
    rows = [{"point": side, "period": period, "standard": 65 if period == "昼间" else 55}
            for side in ("东厂界", "西厂界", "南厂界", "北厂界") for period in ("昼间", "夜间")]
    s = text(A.environment(case(books, D_22=rows)))
    assert "厂界噪声监测 0 个点次" in s or "监测 " not in s.split("厂界噪声")[1][:8]
    no_claim(s)


def test_emission_quota(books):
    rows = [
        {"no": "1", "pollutant": "COD", "quota": 45, "base": 46.2},  # 46.2 > 45 → over
        {"no": "2", "pollutant": "氨氮", "quota": 4.5, "base": 2.2},  # within
        {"no": "3", "pollutant": "氮氧化物", "base": 0.57},  # no quota
        {"no": "4", "pollutant": "二氧化硫", "quota": 1.0},  # no emission
    ]
    s = text(A.environment(case(books, D_23=rows)))
    assert "COD（46.20 t/a，指标 45 t/a）超过总量控制指标" in s
    assert "氨氮满足总量控制指标要求" in s
    assert "氮氧化物未给出总量控制指标" in s
    assert "二氧化硫未填写基准期排放总量" in s
    assert "均满足" not in s
    ok = text(A.environment(case(books, D_23=rows[1:2])))
    assert "审核基准期主要污染物排放总量，均满足总量控制指标要求。" in ok


def test_solid_waste_blank_amount_is_not_zero(books):
    rows = [
        {"no": "1", "category": "一般固体废物", "name": "麦糟", "generated": 19680},
        {"no": "2", "category": "一般固体废物", "name": "废硅藻土"},  # blank
        {"no": "3", "category": "危险废物", "name": "废机油"},  # blank, the only one of its class
        {"no": "4", "category": "危险废物", "name": "废试剂", "generated": 0},  # a real 0 stays 0 … with 废机油 blank
    ]
    s = text(A.environment(case(books, D_21=rows)))
    assert "一般固体废物 2 种、19680 t/a（废硅藻土未填写产生量）" in s
    assert "危险废物 2 种、0 t/a（废机油未填写产生量）" in s
    s = text(A.environment(case(books, D_21=rows[2:3])))
    assert "危险废物 1 种（产生量未填写）" in s and not ZERO.search(s)


# ---- 5.2.2 平衡: within vs over the tolerance, both signs, tolerance from 参数 ------------------------------


def _bal(inp: float, out: float | None) -> list[dict]:
    rows = [{"no": "1", "unit_op": "糖化", "direction": "输入", "material": "麦芽", "category": "原辅材料", "qty_unit": "t/a", "qty": inp}]
    if out is not None:
        rows.append({"no": "2", "unit_op": "糖化", "direction": "输出", "material": "麦汁", "category": "产品", "qty_unit": "t/a", "qty": out})
    return rows


@pytest.mark.parametrize("out, shown, within", [
    (95.01, "4.99%", True),   # in 100, out 95.01 → (100 − 95.01)/100 = 4.99 % ≤ 5 %
    (94.99, "5.01%", False),  # in 100, out 94.99 → 5.01 % > 5 %
    (95.0, "5.00%", True),    # exactly 5 %: within (≤)
    (104.99, "-4.99%", True),  # outputs above inputs: (100 − 104.99)/100 = −4.99 %, |−4.99 %| ≤ 5 %
    (105.01, "-5.01%", False),  # |−5.01 %| > 5 %: outputs larger than inputs are not balanced
])
def test_material_balance_tolerance(books, out, shown, within):
    s = text(A.balances(case(books, BAL_1=_bal(100, out), params={"物料平衡允许偏差": 0.05})))
    assert f"输入总量 100 t/a，输出总量 {A.n(out)} t/a，平衡偏差 {shown}" in s
    if within:
        assert "在允许偏差 ±5% 以内，物料平衡成立" in s and "超过允许偏差" not in s
    else:
        assert "超过允许偏差 ±5%，物料平衡不成立" in s and "平衡成立" not in s
    assert ("（输出大于输入）" in s) == (out > 100)


def test_material_balance_tolerance_from_parameters(books):
    # 参数 物料平衡允许偏差 3 %: in 100, out 96 → 4.00 % > 3 %; out 97.5 → 2.50 % ≤ 3 %
    over = text(A.balances(case(books, BAL_1=_bal(100, 96), params={"物料平衡允许偏差": 0.03})))
    assert "平衡偏差 4.00%，超过允许偏差 ±3%" in over
    ok = text(A.balances(case(books, BAL_1=_bal(100, 97.5), params={"物料平衡允许偏差": 0.03})))
    assert "平衡偏差 2.50%，在允许偏差 ±3% 以内" in ok


def test_material_balance_without_outputs_is_not_computed(books):
    s = text(A.balances(case(books, BAL_1=_bal(100, None))))
    assert "输出量未填写，无法计算平衡偏差" in s
    assert "100.0%" not in s and "100.00%" not in s
    no_claim(s)


def test_water_balance_needs_every_term(books):
    # 新水 100, 重复利用 900 → 900/(100+900) = 90.0 %; 耗 20 + 排 76 + 漏 2 = 98 → (100 − 98)/100 = 2.00 % ≤ 5 %
    full = [{"unit": "糖化", "fresh": 100, "reused": 900, "consumed": 20, "discharged": 76, "leaked": 2}]
    s = text(A.balances(case(books, BAL_2=full)))
    assert "新水量 100 m³/d，重复利用水量 900 m³/d，重复利用率 90.0%" in s
    assert "水量平衡偏差 2.00%，在允许偏差 ±5% 以内，水平衡成立" in s
    partial = [{"unit": "糖化", "fresh": 100, "consumed": 20}]  # 重复利用、排水、漏失 blank
    s = text(A.balances(case(books, BAL_2=partial)))
    assert "重复利用水量未填写" in s and "未计算水量平衡偏差" in s
    assert "重复利用率" not in s and "成立" not in s


def test_energy_balance_blank_effective_is_not_zero(books):
    s = text(A.balances(case(books, BAL_3=[{"unit": "锅炉", "supplied": 1000}])))
    assert "有效利用能量未填写，未计算能量利用率" in s
    assert "0.0%" not in s


# ---- targets met vs missed -------------------------------------------------------------------------------

D24 = [
    {"no": "1", "indicator": "单位产品新鲜水耗", "unit": "m³/kL", "direction": "降低", "base": 4.30, "near_abs": 3.90, "near_rel": 9.30},
    {"no": "2", "indicator": "单位产品综合能耗", "unit": "kgce/kL", "direction": "降低", "base": 37.87, "near_abs": 34.50},
    {"no": "3", "indicator": "酒损率", "unit": "%", "direction": "降低"},  # neither base nor target
]


def test_targets_blank_values_are_named(books):
    s = text(A.targets(case(books, D_24=D24)))
    assert "本轮审核设置清洁生产目标 3 项" in s
    assert "单位产品新鲜水耗由 4.30 m³/kL 降低至 3.90（降低 9.30%）" in s
    assert "酒损率（基准期值和近期目标值未填写）" in s
    assert "—" not in s


def test_expected_targets_met_missed_and_unjudged(books):
    d33 = [
        {"indicator": "单位产品新鲜水耗", "exp_abs": 3.70},  # 3.70 ≤ 3.90 (降低) → met
        {"indicator": "单位产品综合能耗", "exp_abs": 35.00},  # 35.00 > 34.50 → missed
        {"indicator": "酒损率", "exp_abs": 5.2},  # no target in D.24 → not judged
    ]
    s = text(A.expected_targets(case(books, D_24=D24, D_33=d33)))
    assert "本轮 3 项清洁生产目标中，预计 1 项可在近期达到" in s
    assert "单位产品综合能耗预计达不到近期目标" in s
    assert "酒损率在表D.24中未给出近期目标值，无法判断" in s


def test_targets_done_met_and_missed(books):
    d42 = [
        {"indicator": "单位产品新鲜水耗", "act_abs": 3.66},  # 3.66 ≤ 3.90 → 是
        {"indicator": "单位产品综合能耗", "act_abs": 36.0},  # 36.0 > 34.5 → 否
        {"indicator": "酒损率", "act_abs": 5.1},  # no target → not judged
    ]
    s = text(A.targets_done(case(books, "acceptance", D_24=D24, D_42=d42)))
    assert "本轮 3 项清洁生产目标中 1 项已完成" in s
    assert "单位产品综合能耗未完成，应说明原因" in s
    assert "酒损率未填写完成值或无近期目标值" in s
    assert A.targets_done(case(books, "acceptance", D_24=D24)) == []


# ---- zero vs blank in the other generators ------------------------------------------------------------------


def test_option_investment_blank_vs_zero(books):
    blank = [{"option_id": "F01", "cost_class": "无/低费", "name": "加强巡检", "category": "管理"}]
    s = text(A.option_summary(case(books, D_30=blank)))
    assert "无/低费方案 1 项（预计投资未填写）" in s and "预计总投资未填写" in s
    assert not ZERO.search(s)
    zero = [{**blank[0], "investment": 0}]
    s = text(A.option_summary(case(books, D_30=zero)))
    assert "无/低费方案 1 项（预计投资 0 万元）" in s and "预计总投资 0 万元" in s


def test_implemented_and_schedule_blank_amounts(books):
    d34 = [{"option_id": "F01", "cost_class": "无/低费", "name": "加强巡检"}]
    s = text(A.implemented(case(books, D_34=d34)))
    assert "截至目前已实施方案 1 项（无/低费 1 项），累计投资未填写，年经济效益未填写" in s
    d34[0].update(investment=2.5, econ_benefit=0)
    s = text(A.implemented(case(books, D_34=d34)))
    assert "累计投资 2.50 万元，年经济效益 0 万元/a" in s
    s = text(A.schedule(case(books, D_35=[{"option_id": "F10", "step": "设备购置", "start": date(2026, 3, 1), "end": date(2026, 6, 30)}])))
    assert "拟实施方案 1 项，预计投资未填写" in s


def test_equipment_and_instrument_counts(books):
    s = text(A.production(case(books, D_5=[{"name": "糖化锅", "count": 2}, {"name": "过滤槽"}])))
    # 2 + (blank) → 共 2 台（套）, 过滤槽 named as without a count
    assert "企业主要设备 2 类，共 2 台（套）（过滤槽未填写数量）" in s
    s = text(A.production(case(books, D_5=[{"name": "糖化锅"}])))
    assert "企业主要设备 1 类（数量未填写）" in s and not ZERO.search(s)
    s = text(A.instruments(case(books, D_26=[{"name": "电能表"}])))
    assert "计量器具/监测仪器 1 类（数量未填写）" in s


def test_experts_adoption_blank(books):
    f = case(books, cover={"expert": "是"}, D_29=[{"no": "1", "opinion": "加装变频"}, {"no": "2", "opinion": "回收蒸汽"}])
    s = text(A.experts(f))
    assert "行业专家提出意见和建议 2 条" in s and "采纳情况未填写" in s and "采纳 0" not in s
    f = case(books, cover={"expert": "是"}, D_29=[{"no": "1", "opinion": "加装变频", "adoption": "采纳"}, {"no": "2", "opinion": "回收蒸汽"}])
    assert "采纳 1 条" in text(A.experts(f)) and "1 条未填写采纳情况" in text(A.experts(f))


def test_archive_counts_only_filled_statuses(books):
    f = case(books)
    rows = [dict(r) for r in f.d.rows("D.37")]  # the 25 printed items
    assert len(rows) == 25
    rows[0]["status"], rows[1]["status"], rows[2]["status"] = "已建立", "已建立", "未建立"
    s = text(A.archive(case(books, D_37=rows)))
    assert "企业清洁生产档案 25 项，已建立 2 项、未建立 1 项，22 项未填写建立情况。" in s


def test_review_round_blank_is_not_first_round(books):
    assert A.review(case(books, cover={"round": None})) == []
    assert "首轮" in text(A.review(case(books, cover={"round": 1})))
    assert "第1轮" not in text(A.preface(case(books, cover={"round": None})))


def test_acceptance_class_effects_and_e4(books):
    d38 = [{"option_id": "F01", "category": "管理", "cost_class": "无/低费", "name": "加强巡检"}]
    s = text(A.class_effects("无/低费")(case(books, "acceptance", D_38=d38)))
    assert "无/低费方案实施 1 项，核定实际投资未填写，折合年度经济效益未填写" in s
    e4 = case(books, "acceptance").d.fields["E.4"]
    assert e4["n_total"] is None and e4["inv_total"] is None  # empty D.38: blank, not 0
    e4 = case(books, "acceptance", D_38=d38).d.fields["E.4"]
    assert (e4["n_low"], e4["n_high"], e4["n_total"], e4["inv_total"]) == (1, 0, 1, None)


def test_before_after_increase_is_not_a_reduction(books):
    # change_rate is computed: (before − after)/before; 100 → 110 is −10 %
    rows = [{"indicator": "用电量", "unit": "kWh/a", "before": 100, "after": 110}]
    s = text(A.before_after(case(books, "acceptance", ACC_3=rows)))
    assert "用电量由 100 kWh/a 变为 110（增加 10.0%）" in s and "削减" not in s


# ---- park and region -------------------------------------------------------------------------------------


def test_region_performance_blank_is_not_zero(books):
    # R.6 with only the counts: no 节能 0 tce/a, 节水 0 m³/a
    rows = [{"no": 1, "company": "甲", "status": "已实施", "options_n": 3}, {"no": 2, "company": "乙", "status": "已实施", "options_n": 2}]
    s = text(A.region_performance(case(books, "region", R_6=rows)))
    assert "已实施方案 5 项，投资、年经济效益、节能、节水、碳减排未填写" in s
    assert not ZERO.search(s)
    rows[0].update(energy=12, water=0)  # 12 + blank = 12; 0 + blank = 0 (a real zero)
    s = text(A.region_performance(case(books, "region", R_6=rows)))
    assert "节能 12 tce/a" in s and "节水 0 m³/a" in s


def test_region_problems_and_options_blank(books):
    r4 = [{"no": 1, "category": "能源消耗", "problem": "空压机工频运行"}]
    s = text(A.region_problems(case(books, "region", R_4=r4)))
    assert "是否为关键共性问题未填写" in s and "关键共性问题 0" not in s
    r5 = [{"no": 1, "name": "空压机变频改造", "category": "能源消耗"}]
    s = text(A.region_options(case(books, "region", R_5=r5)))
    assert "投资合计未填写，年效益合计未填写" in s and "回收期" not in s


def test_park_options_blank_investment(books):
    s = text(A.park_options(case(books, "park", B_3=[{"name": "集中供热", "level": "园区层面"}])))
    assert "投资预算合计未填写" in s and not ZERO.search(s)


# ---- every generator on a blank workbook --------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_analyses_sections_of_its_own_frame(kind):
    """cpxl.report.analysis.<kind id> holds the kind's SECTIONS, keyed by the numbers (or titles) of its frame."""
    frame = {s.number or s.title for s in KINDS[kind].frame}
    assert A.sections(kind) and set(A.sections(kind)) <= frame


@pytest.mark.parametrize("kind", KINDS)
def test_every_generator_claims_nothing_on_a_blank_workbook(books, kind):
    f = A.Facts(derive(books[kind]), kind, books[kind].years)
    for key in A.sections(kind):
        s = text(A.generate(kind, key, f))
        for c in CLAIMS:
            assert c not in s, (kind, key, s)
        assert not ZERO.search(s), (kind, key, s)
    assert not [p for p in f.d.problems if "数据分析" in p]


# ---- the exported report: blank workbooks and label-only fixed rows ------------------------------------------------

#: Compliance wording that blank or label-only tables must never produce in the document.
DOC_CLAIMS = ("均达标", "达标", "满足", "平衡成立", "未超过")  # “企业成立了…小组” is not a claim
SKIP_STYLES = ("Heading", "toc", "TOC", "待补充")  # headings and the contents quote the frame; 【待补充】 quotes the standard


def body_text(path: Path) -> tuple[list[str], list[str]]:
    """(paragraph texts without headings, contents and 【待补充】 requirements; table cell texts)."""
    from docx import Document

    doc = Document(str(path))
    paras = [p.text for p in doc.paragraphs if p.text.strip() and not p.style.name.startswith(SKIP_STYLES)]
    cells = [c.text.strip() for t in doc.tables for r in t.rows for c in r.cells]
    return paras, cells


@pytest.mark.parametrize("kind", ["audit", "acceptance"])
def test_blank_workbook_report_claims_nothing_and_invents_no_zero(tmp_path, kind):
    from typer.testing import CliRunner

    from cpxl.cli import app
    from cpxl.report import export_report

    book = tmp_path / "blank.xlsx"
    result = CliRunner().invoke(app, ["new", kind, str(book)])
    assert result.exit_code == 0, result.output
    paras, cells = body_text(export_report(book, tmp_path / "blank.docx").path)
    for p in paras:
        assert not any(c in p for c in DOC_CLAIMS), p
        assert not ZERO.search(p), p
    assert "0" not in cells  # E.4 counts and investments of an empty D.38 print blank


def test_label_only_fixed_rows_in_a_filled_workbook(tmp_path):
    """The demo with every fixed-row table left at its printed labels (D.18 废水, D.22 噪声, D.37 档案 …) and the
    other monitoring tables (D.20, D.23) and balances emptied: the rest of the report is written, but
    nothing is said to comply and no count of 0 appears."""
    from cpxl.demo import demo_data
    from cpxl.report import export_report
    from cpxl.tables import registry
    from cpxl.workbook.build import build_workbook, save_workbook

    reg = registry("audit")
    fixed = {t.id for t in reg if t.rows and t.id not in ("参数", "章节文字")}
    assert {"D.18", "D.22", "D.37"} <= fixed
    data = {k: v for k, v in demo_data("audit").items()
            if k not in fixed | {"D.20", "D.23", "BAL.1", "BAL.2", "BAL.3", "BAL.4"}}
    data["章节文字"] = [{k: v for k, v in r.items() if k != "text"} for r in demo_data("audit")["章节文字"]]
    book = save_workbook(build_workbook("audit", data), tmp_path / "labels.xlsx")
    paras, _cells = body_text(export_report(book, tmp_path / "labels.docx").path)
    body = "\n".join(paras)
    assert "备选清洁生产方案 16 项" in body  # the filled tables still give their sentences
    for p in paras:
        assert not any(c in p for c in DOC_CLAIMS), p
        assert not ZERO.search(p), p
    assert "审核基准期废水" not in body and not re.search(r"厂界噪声监测 \d", body) and "企业清洁生产档案 " not in body
    assert "“废水主要污染物监测情况表”尚未填写" in body


def test_region_performance_of_an_enterprise_without_options_is_blank(books):
    # an enterprise workbook with empty D.30/D.34: R.6 gets no option count (未填写), not 0 options
    from cpxl.aggregate import performance

    perf = performance(books["audit"])
    assert perf["已实施"]["options_n"] is None and perf["拟实施"]["options_n"] is None
    assert all(v is None for v in perf["已实施"].values())


def test_implementation_rate_needs_the_completed_count(books):
    f = case(books, "acceptance")
    rows = [dict(r) for r in f.d.rows("D.39")]
    planned = next(r for r in rows if r["item"] == "审核报告方案数量（个）")
    planned.update(low=9, high=7)
    assert A.benefits(case(books, "acceptance", D_39=rows)) == []  # 完成数量 blank: no 实施率 0%
    done = next(r for r in rows if r["item"] == "方案实施完成数量（个）")
    done.update(low=9, high=6)  # (9 + 6)/(9 + 7) = 93.75 %
    assert "本轮清洁生产方案实施率 93.75%" in text(A.benefits(case(books, "acceptance", D_39=rows)))


# ---- tables and charts: blank prints blank, 0 prints 0 ---------------------------------------------------------


def test_table_cells_blank_and_zero():
    from cpxl.report.tables import fmt
    from cpxl.tables import registry

    col = registry("audit")["D.30"].column("investment")
    assert fmt(None, col) == "" and fmt(float("nan"), col) == ""
    assert fmt(0.0, col) == "0" and fmt(0, col) == "0"


def test_chart_series_of_blank_values_are_not_zeros(books, monkeypatch):
    from cpxl.report import charts, context, figures

    seen = {}
    monkeypatch.setattr(charts, "pair", lambda cats, left, right: seen.update(cats=cats, left=left, right=right))
    rows = [{"option_id": "F01", "cost_class": "无/低费", "name": "巡检"}, {"option_id": "F10", "cost_class": "中/高费", "name": "热回收", "investment": 0}]
    f = case(books, D_30=rows)
    part = context.Part(f.d.book.registry["D.30"], "", f.rows("D.30"), "D.30")
    figures.fig_options(f, part)
    # 无/低费: one option, investment blank → no value (no bar, labelled 未填写); 中/高费: a real 0
    assert seen["left"][1] == [1, 1] and seen["right"][1] == [None, 0]
    assert charts._value_label(None) == "未填写" and charts._value_label(0) == "0"


def test_blank_condition_is_not_read_as_no(books):
    from cpxl.report.context import placements, report_frame

    def sentence(cover):
        f = case(books, cover=cover)
        parts = [p for ps in placements(f.d.book, "audit", f.d, report_frame("audit", [])).values() for p in ps]
        return next(p.sentence for p in parts if p.table.id == "D.9")

    assert sentence({"double_toxic": "否"}) == "企业不属于“双有”企业，“有毒有害原辅材料理化性质一览表”不适用。"
    s = sentence({"double_toxic": None})
    assert "封面信息未填写是否为“双有”企业" in s and "不属于" not in s
