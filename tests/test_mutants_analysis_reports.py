"""Tests written against the surviving mutants of cpxl.report.analysis (issue 15), continued: the acceptance, park
and region reports' own generators, the cleaner production level, 审核依据, the overviews of the conclusions and
the shared phrases — whole outputs compared, the numbers worked by hand in the comments."""

from __future__ import annotations

import importlib
from datetime import date

import pytest
from test_mutants_analysis import Every, facts
from test_report_text import D24, TEMPLATES

from cpxl.report import analysis as A
from cpxl.report.analysis import acceptance, levels, park, phrases, region
from cpxl.tables import KINDS, registry
from cpxl.workbook.read import read_workbook

basis = importlib.import_module("cpxl.report.analysis.basis")  # the package exports the function basis under that name


@pytest.fixture(scope="module")
def books():
    return {kind.id: read_workbook(TEMPLATES / kind.workbook_file) for kind in KINDS.values()}


def acc(books, **kw) -> A.Facts:
    return facts(books, "acceptance", **kw)


# ---- acceptance ----------------------------------------------------------------------------------------------


D38 = [{"option_id": "F01", "cost_class": "无/低费", "name": "a", "investment": 1.5, "econ_benefit": 4},
       {"option_id": "F02", "cost_class": "无/低费", "name": "b"},
       {"option_id": "F10", "cost_class": "中/高费", "name": "c", "investment": 80, "econ_benefit": 30.5},
       {"option_id": "F11", "cost_class": "中/高费", "name": "d", "investment": 20},
       {"option_id": "F12", "name": "e"}]


def test_assessment_and_implementation(books):
    assert acceptance.assessment(acc(books, ACC_1=[{"opinion": "a"}, {"opinion": "b"}])) == [
        "审核评估技术审查意见共 2 条，企业逐条落实并修改审核报告（见〔ACC.1〕）。"]
    assert acceptance.assessment(acc(books)) == []
    f = acc(books, D_38=D38, ACC_2=[{"option_id": "F10", "reason": "工艺变更"}])
    assert acceptance.implementation(f) == ["本轮共实施清洁生产方案 5 项，其中无/低费 2 项、中/高费 2 项。",
                                            "评估后调整方案 1 项（见〔ACC.2〕），调整原因及可行性分析逐项说明。"]
    assert acceptance.implementation(acc(books, D_38=D38[4:])) == ["本轮共实施清洁生产方案 1 项。"]
    assert acceptance.implementation(acc(books)) == []


def test_class_effects_and_acceptance_benefits(books):
    f = acc(books, D_38=D38)
    # 中/高费: 80 + 20 = 100 万元, 30.5 + (blank) = 30.50 万元/a; 无/低费: 1.5 + (blank) = 1.50, 4
    assert A.class_effects("中/高费")(f) == ["中/高费方案实施 2 项，核定实际投资 100 万元，折合年度经济效益 30.50 万元/a（见〔D.38#中/高费〕）。"]
    assert A.class_effects("无/低费")(f) == ["无/低费方案实施 2 项，核定实际投资 1.50 万元，折合年度经济效益 4 万元/a（见〔D.38#无/低费〕）。"]
    assert A.class_effects("中/高费")(acc(books, D_38=D38[:2])) == []
    # all five: 1.5 + 80 + 20 = 101.50; 4 + 30.5 = 34.50
    assert A.acceptance_benefits(f) == ["本轮核定实施清洁生产方案 5 项（见〔D.38〕），核定实际投资 101.50 万元，年经济效益 34.50 万元/a。"]


def test_benefits_rate_economy_and_environment(books):
    f = acc(books)
    d39 = [dict(r) for r in f.d.rows("D.39")]
    for r in d39:
        if r["item"] == "审核报告方案数量（个）":
            r.update(low=8, high=2)
        if r["item"] == "方案实施完成数量（个）":
            r.update(low=8, high=1)
    d41 = [dict(r) for r in f.d.rows("D.41")]
    d41[2].update(year_low=10, year_high=20)  # 节约电费 30
    d41[3].update(year_low=2, year_high=3)  # 节约燃气费 5
    d40 = [dict(r) for r in f.d.rows("D.40")]
    d40[1].update(year_low=1000, year_high=2000)  # 节电 3000
    # 实施率 (8 + 1)/(8 + 2) = 90 %; economy 30 + 5 = 35 万元
    out = A.benefits(acc(books, D_39=d39, D_40=d40, D_41=d41))
    assert out == ["本轮清洁生产方案实施率 90%（见〔D.39〕）。", "方案实施后年度经济效益合计 35 万元（见〔D.41〕、〔fig:D.41〕）。",
                   "折合年度环境效益：节电（kWh） 3000（见〔D.40〕）。"]
    assert A.acceptance_benefits(acc(books, D_41=d41)) == ["方案实施后年度经济效益合计 35 万元（见〔D.41〕、〔fig:D.41〕）。"]
    assert A.benefits(acc(books)) == []


ACC3 = [{"category": "能源", "indicator": "用电量", "unit": "kWh/a", "before": 100, "after": 80},  # (100 − 80)/100 = 20 %
        {"category": "污染物排放", "indicator": "COD", "unit": "t/a", "before": 50, "after": 40},  # 20 %
        {"category": "污染物", "indicator": "氨氮", "unit": "t/a", "before": 5, "after": 6},  # (5 − 6)/5 = −20 %
        {"category": "污染物", "indicator": "SO2", "unit": "t/a", "before": 2, "after": 2},  # 0
        {"category": "污染物", "indicator": "颗粒物", "unit": "t/a", "after": 1}]  # no change rate


def test_before_after_every_direction(books):
    assert A.before_after(acc(books, ACC_3=ACC3)) == [
        ("审核前后主要指标变化（见〔ACC.3〕）：用电量由 100 kWh/a 变为 80（削减 20.0%）；COD由 50 t/a 变为 40（削减 20.0%）；"
        "氨氮由 5 t/a 变为 6（增加 20.0%）；SO2由 2 t/a 变为 2（持平）。")]
    assert A.before_after(acc(books)) == []


def test_pollution_after(books):
    assert A.pollution_after(acc(books, ACC_3=ACC3)) == [
        "审核后主要污染物排放变化（见〔ACC.3〕）：COD由 50 t/a 变为 40（削减 20.0%）；氨氮由 5 t/a 变为 6（增加 20.0%）；SO2由 2 t/a 变为 2（持平）。"]
    f = acc(books, ACC_3=ACC3[:1], D_23=[{"no": "1", "pollutant": "COD", "quota": 45, "base": 40}])
    assert A.pollution_after(f) == ["审核基准期主要污染物排放总量（见〔D.23〕），均满足总量控制指标要求。"]


def test_targets_done_exact(books):
    d42 = [{"indicator": "单位产品新鲜水耗", "act_abs": 3.66},  # 3.66 ≤ 3.90: 是
           {"indicator": "单位产品综合能耗", "act_abs": 36.0},  # 36.0 > 34.50: 否
           {"indicator": "酒损率", "act_abs": 5.1}]  # no target: not judged
    assert A.targets_done(acc(books, D_24=D24, D_42=d42)) == [
        ("本轮 3 项清洁生产目标中 1 项已完成（见〔D.42〕、〔fig:D.42〕），单位产品综合能耗未完成，应说明原因；"
        "酒损率未填写完成值或无近期目标值，未判断是否完成。")]
    assert A.targets_done(acc(books, D_24=D24, D_42=d42[:1])) == ["本轮 1 项清洁生产目标中 1 项已完成（见〔D.42〕、〔fig:D.42〕）。"]


def test_continuing_and_compliance(books):
    f = acc(books)
    d43 = [dict(r) for r in f.d.rows("D.43")]
    d43[0]["content"], d43[1]["content"] = "设清洁生产办公室", "修订制度"
    assert A.continuing(acc(books, D_43=d43)) == ["企业制定了持续清洁生产计划（见〔D.43〕），包括健全持续清洁生产组织机构、完善清洁生产管理制度。"]
    assert A.continuing(f) == []
    d14 = [dict(r) for r in f.d.rows("D.14")]
    d14[0]["status"], d14[2]["status"] = "已取得排污许可证。", "无违法记录"
    d13 = [{"project": "一期", "acceptance": "已验收", "problem": "无"}, {"project": "二期", "problem": "未批先建"},
           {"no": "3", "approval": "豫环审〔2020〕1号"}, {"project": "四期", "acceptance": "已验收", "problem": "/"}]
    assert A.compliance_status(acc(books, D_14=d14, D_13=d13)) == [
        ("企业环保合规情况（见〔D.14〕）：排污许可：已取得排污许可证；环境守法：无违法记录；"
        "环境信息披露、突发环境事件应急预案、重污染天气应急预案、环境信用评价未填写执行情况。"),
        "企业建设项目 4 项（见〔D.13〕），二期、第3项未填写验收情况；存在问题：二期（未批先建）。"]
    for r in d14:
        r["status"] = "已落实"
    s = A.compliance_status(acc(books, D_14=d14, D_13=d13[:1]))
    assert s[0].endswith("环境信用评价：已落实。") and "未填写" not in s[0] and s[1] == "企业建设项目 1 项（见〔D.13〕）。"
    assert A.compliance_status(acc(books, D_14=[])) == []


IND = [
    {"indicator": "甲", "unit": "t", "level_1": 1, "level_2": 2, "level_3": 3, "value_before": 1.5, "value_after": 0.9},  # II → I
    {"indicator": "乙", "unit": "t", "level_1": 10, "level_2": 20, "level_3": 30, "value_before": 5, "value_after": 25},  # I → III
    {"indicator": "丙", "unit": "t", "level_1": 1, "level_2": 2, "level_3": 3, "value_before": 2.5, "value_after": 3.5},  # III → 未达III级
    {"indicator": "丁", "unit": "t", "level_1": 1, "level_2": 2, "level_3": 3, "value_before": 1.5},  # no value after
]


def test_level_change_up_and_down(books):
    f = acc(books, cover={"level_before": "国内一般水平", "level_after": "国内先进水平"}, IND_1=IND)
    assert A.level_change(f) == [
        "审核前企业清洁生产水平为国内一般水平。", "审核后企业清洁生产水平为国内先进水平。",
        "审核后级别提升的指标 1 项：甲（II级→I级）（见〔IND.1〕）。",
        "审核后级别下降的指标 2 项：乙（I级→III级）、丙（III级→未达III级），应分析原因。"]
    s = A.level_change(acc(books, IND_1=IND[:1]))
    assert s == ["审核前清洁生产水平未填写（封面信息“审核前清洁生产水平”）。", "审核后清洁生产水平未填写（封面信息“审核后清洁生产水平”）。",
                 "审核后级别提升的指标 1 项：甲（II级→I级）（见〔IND.1〕）。"]


def test_acceptance_sections(books):
    s = acceptance.SECTIONS
    assert s["8"] is A.assessment and s["9.4"] is A.benefits and s["10.3"] is s["11.3"] is A.continuing
    assert s["9.5.3"] is s["11.2.3"] is A.pollution_after and s["9.5.4"] is s["11.2.4"] is A.level_change
    assert s["11.2.1"] is A.compliance_status and s["11.2.5"] is A.acceptance_benefits and s["11.4"] is A.archive
    assert s["4.1.3"] is A.environment and s["9.5.1"] is A.before_after and s["9.5.2"] is A.targets_done
    f = acc(books, cover={"industry": "啤酒制造", "consultant": "乙"})
    assert s["11.1"](f) == ["甲公司，属于啤酒制造。本轮为企业第1轮清洁生产审核，审核基准期为2025年，审核考察期为2023—2025年。"]
    assert s["9.2"](acc(books, D_38=D38)) == A.class_effects("无/低费")(acc(books, D_38=D38))
    assert s["9.3"](acc(books, D_38=D38))[0].startswith("中/高费方案实施 2 项")
    assert s["9.1"] is A.implementation


# ---- park -----------------------------------------------------------------------------------------------------


def test_park_team_plan_and_options(books):
    b1 = [{"team": "领导小组", "name": "a"}, {"team": "领导小组", "name": "b"}, {"team": "工作小组", "name": "c"}, {"name": "d"}]
    assert A.park_team(facts(books, "park", B_1=b1)) == [
        "园区组建了领导小组（2人）、工作小组（1人），各小组成员及职责（见〔B.1#领导小组〕、〔B.1#工作小组〕）。"]
    assert A.park_team(facts(books, "park")) == []
    b2 = [{"phase": "筹划", "action": "a", "end": date(2026, 5, 20)}, {"phase": "筹划", "action": "b", "end": date(2026, 3, 31)},
          {"phase": "审核", "action": "c"}, {"action": "d"}]
    assert A.park_plan(facts(books, "park", B_2=b2)) == [
        "审核工作计划共 4 项工作，分筹划、审核2个阶段（见〔B.2〕、〔fig:B.2〕），计划于 2026年05月20日 前完成。"]
    assert A.park_plan(facts(books, "park", B_2=b2[2:])) == ["审核工作计划共 2 项工作，分审核1个阶段（见〔B.2〕、〔fig:B.2〕）。"]
    assert A.park_plan(facts(books, "park")) == []
    b3 = [{"level": "园区层面", "name": "集中供热", "investment": 500, "status": "已实施"},
          {"level": "企业层面", "name": "b", "investment": 20.5, "status": "拟实施"},
          {"level": "园区层面", "name": "c", "status": "已实施"}, {"name": "d"}]
    # 500 + 20.5 = 520.50 万元
    assert A.park_options(facts(books, "park", B_3=b3)) == [
        "本轮审核共产生清洁生产方案 4 项（见〔B.3〕、〔fig:B.3〕），其中园区层面 2 项、企业层面 1 项，投资预算合计 520.50 万元；已实施 2 项、拟实施 1 项。"]
    assert A.park_options(facts(books, "park", B_3=b3[3:])) == ["本轮审核共产生清洁生产方案 1 项（见〔B.3〕、〔fig:B.3〕），投资预算合计未填写。"]
    assert A.park_options(facts(books, "park")) == []


def test_park_status_and_plan_next(books):
    f = facts(books, "park")
    p2 = [dict(r) for r in f.d.rows("P.2")]
    for r in p2:
        if r["item"] == "园区工业增加值":
            r.update(v_0=90000, v_1=100000, v_2=110000, v_3=120000)
        if r["item"] == "园区工业综合能耗总量":
            r.update(v_1=50000, v_3=45000)
        if r["item"] == "园区二氧化碳排放量":
            r.update(v_0=1)  # only the year before the period: not said
    # 100 000 → 120 000: +20.0 %, on 110 000 +9.1 %; 50 000 → 45 000: −10.0 %, year 2 blank
    assert A.park_status(facts(books, "park", P_2=p2)) == [
        "2023年—2025年园区工业增加值分别为 100000、110000、120000 万元，2025年较2023年增长20.0%（较2024年增长9.1%）（见〔P.2〕、〔fig:P.2〕）。",
        "2023年—2025年园区工业综合能耗分别为 50000、—、45000 tce，2025年较2023年下降10.0%。"]
    assert A.park_status(f) == []
    b4 = [dict(r) for r in f.d.rows("B.4")]
    b4[0]["content"], b4[1]["content"] = "x", "y"
    assert A.park_plan_next(facts(books, "park", B_4=b4)) == ["持续清洁生产工作计划（见〔B.4〕）包括完善组织机制和管理制度、落实清洁生产方案。"]
    assert A.park_plan_next(f) == []



def test_park_status_every_series(books):
    f = facts(books, "park")
    p2 = [dict(r) for r in f.d.rows("P.2")]
    values = {"园区工业增加值": (None, 100, 100, 150), "园区工业综合能耗总量": (None, 20, 20, 10),
              "园区二氧化碳排放量": (None, 10, 10, 10), "新鲜水用量": (None, None, None, 300), "园区工业废水排放总量": (None, None, 50, None)}
    for r in p2:
        for i, v in enumerate(values.get(r["item"], ())):
            r[f"v_{i}"] = v
    assert A.park_status(facts(books, "park", P_2=p2)) == [
        "2023年—2025年园区工业增加值分别为 100、100、150 万元，2025年较2023年增长50.0%（较2024年增长50.0%）（见〔P.2〕、〔fig:P.2〕）。",
        "2023年—2025年园区工业综合能耗分别为 20、20、10 tce，2025年较2023年下降50.0%（较2024年下降50.0%）。",
        "2023年—2025年园区二氧化碳排放量分别为 10、10、10 tCO₂，2025年较2023年基本持平（较2024年基本持平）。",
        "2023年—2025年新鲜水用量分别为 —、—、300 m³。",
        "2023年—2025年工业废水排放量分别为 —、50、— t。"]



def test_park_evaluation(books):
    from cpxl.calc.park_eval import selection_problems

    f = facts(books, "park")
    p1 = [dict(r) for r in f.d.rows("P.1")]
    for r in p1:
        if r["no"] == 2:
            r["value"] = 25  # 人均工业增加值 25 ≥ 20 万元/人: 先进水平
        if r["no"] == 7:
            r["value"] = 0.6  # 单位工业增加值综合能耗 0.6 > 0.5 吨标煤/万元: below 一般水平
    assert A.park_evaluation(facts(books, "park", P_1=p1)) == [
        "对照附件1 附表1，园区参评指标 2 项（见〔P.1〕），先进水平 1 项、未达到一般水平 1 项。",
        "未达到一般水平的指标为7“单位工业增加值综合能耗”，是本轮审核重点关注的短板。",
        "指标选取尚不满足附件1要求：" + "；".join(p.message for p in selection_problems([2, 7])) + "。"]
    assert A.park_evaluation(f) == []


def test_park_sections():
    assert park.SECTIONS["6.1"] is park.SECTIONS["6.2"] is A.park_options and park.SECTIONS["1"] is A.preface
    assert park.SECTIONS["4.1"] is A.park_status and park.SECTIONS["7.2"] is A.park_plan_next


# ---- region ---------------------------------------------------------------------------------------------------


R2 = [{"company": c, "district": d, "output": 100, "water": w}
      for c, d, w in (("A", "甲区", 100), ("B", "甲区", 200), ("C", "乙区", 300), ("D", "乙区", 400), ("E", "丙区", 500))]


def reg(books, **kw) -> A.Facts:
    return facts(books, "region", **kw)


def test_region_indicators(books):
    # 单位产品水耗 = 新鲜水/产量: 1, 2, 3, 4, 5 m³ — best 1, first quartile (先进值) 2, median 3, 3 above 2,
    # (3 − 2)/3 = 33.3 % to reach the advanced value
    f = reg(books, R_2=R2)
    line = "（1）单位产品水耗（m³/单位产品）：5 家企业中位数 3，先进值（前25%） 2，最优 1，3 家未达先进值，中位企业达到先进值需下降 33.3%。"
    assert A.region_indicators(("water",))(f) == ["关键性指标对标分析（见〔R.3〕、〔fig:R.2:water〕）：", line]
    assert A.region_indicators()(f) == ["关键性指标对标分析（见〔R.3〕、〔fig:R.2:energy〕、〔fig:R.2:water〕、〔fig:R.2:co2〕）：", line]
    assert A.region_indicators(("energy",))(f) == []
    assert A.region_indicators(("water",))(reg(books)) == []
    # all equal: median = advanced = best, none behind, no potential
    same = [{**r, "water": 100} for r in R2[:2]]
    assert A.region_indicators(("water",))(reg(books, R_2=same))[1] == \
        "（1）单位产品水耗（m³/单位产品）：2 家企业中位数 1，先进值（前25%） 1，最优 1，0 家未达先进值。"


def test_region_districts(books):
    # medians of 单位产品水耗: 甲区 (1, 2) 1.5, 乙区 (3, 4) 3.5, 丙区 (5) 5 → highest 丙区 (one enterprise), lowest 甲区
    assert A.region_districts(reg(books, R_2=R2)) == [
        ("分辖区看（见〔R.3〕），1 项关键性指标可在 3 个辖区间比较：辖区中位数最高次数最多的是丙区（1 项，该辖区仅 1 家企业），"
        "最低次数最多的是甲区（1 项）；各辖区逐项中位数、企业数和达到先进值企业数（见〔R.3#annex〕）。")]
    f = reg(books, R_2=R2)
    f.labels = {"R.3": "表 2-1"}
    assert A.region_districts(f)[0].endswith("最低次数最多的是甲区（1 项）。")
    # one jurisdiction, or equal medians: nothing to compare
    assert A.region_districts(reg(books, R_2=[{**r, "district": "甲区"} for r in R2])) == []
    assert A.region_districts(reg(books, R_2=[{**r, "water": 100} for r in R2])) == []



def test_region_districts_ties_and_counts(books):
    # 单位产品水耗 medians 甲区 1.5, 乙区 3.5, 丙区 5; 单位产品综合能耗 (1000·tce/100): 甲区 30, 乙区 20, 丙区 10
    # → highest once each for 丙区 and 甲区, lowest once each for 甲区 and 丙区; 2 indicators over 3 jurisdictions
    rows = [{**r, "energy": e} for r, e in zip(R2, (3, 3, 2, 2, 1))]
    assert A.region_districts(reg(books, R_2=rows)) == [
        ("分辖区看（见〔R.3〕），2 项关键性指标可在 3 个辖区间比较：辖区中位数最高次数最多的是丙区（1 项，该辖区仅 1 家企业）、甲区（1 项），"
        "最低次数最多的是甲区（1 项）、丙区（1 项，该辖区仅 1 家企业）；各辖区逐项中位数、企业数和达到先进值企业数（见〔R.3#annex〕）。")]
    # 乙区 and 丙区 only on energy: the jurisdictions compared are those of any compared indicator
    rows = [{**r, "energy": e} for r, e in zip(R2, (None, None, 2, 2, 1))]
    assert "2 项关键性指标可在 3 个辖区间比较：辖区中位数最高次数最多的是丙区（1 项，该辖区仅 1 家企业）、乙区（1 项），最低次数最多的是甲区（1 项）、丙区（1 项" \
        in A.region_districts(reg(books, R_2=rows))[0]


def test_region_overview_category_problems_options(books):
    r1 = [{"company": "A", "district": "甲区", "scale": "中型"}, {"company": "B", "district": "甲区", "scale": "小型"},
          {"company": "C", "district": "乙区"}]
    assert A.region_overview(reg(books, R_1=r1)) == [
        "本次区域协同审核对象企业共 3 家（见〔R.1〕），分布于甲区（2家）、乙区（1家）；按规模分，中型企业 1 家、小型企业 1 家。"]
    assert A.region_overview(reg(books, R_1=[{"company": "A"}])) == ["本次区域协同审核对象企业共 1 家（见〔R.1〕）。"]
    r4 = [{"category": "能源消耗", "problem": "空压机工频运行", "companies_n": 3, "common": "是"},
          {"category": "能源消耗", "problem": "照明", "common": "否"}, {"category": "碳排放", "problem": "x"}]
    r5 = [{"name": "空压机变频", "category": "能源消耗", "investment": 20, "benefit": 8},  # 20/8 = 2.50 years
          {"name": "LED", "category": "能源消耗"}, {"name": "余热", "category": "碳排放", "investment": 10, "benefit": 2}]
    f = reg(books, R_4=r4, R_5=r5)
    assert A.region_category("能源消耗")(f) == ["该类典型问题 2 项：空压机工频运行（涉及 3 家企业）；照明。",
                                             "对应清洁生产方案 2 项：空压机变频（投资 20 万元，投资回收期 2.50 年）；LED。"]
    assert A.region_category("其他")(f) == []
    assert A.region_problems(f) == [
        "本次审核共梳理问题 3 项（见〔R.4〕），其中关键共性问题 1 项（1 项未填写是否为关键共性问题）；按类别分：能源消耗 2 项、碳排放 1 项。"]
    # 20 + 10 = 30 万元, 8 + 2 = 10 万元: 30/10 = 3 years — not with LED's blanks
    assert A.region_options(f) == ["汇总可推广清洁生产方案 3 项（见〔R.5〕），投资合计 30 万元，年效益合计 10 万元。"]
    f = reg(books, R_5=[r5[0], r5[2]])
    assert A.region_options(f) == ["汇总可推广清洁生产方案 2 项（见〔R.5〕），投资合计 30 万元，年效益合计 10 万元，总体静态投资回收期约 3 年。"]
    assert A.region_problems(reg(books, R_4=[{"category": "能源消耗", "problem": "x"}])) == [
        "本次审核共梳理问题 1 项（见〔R.4〕），是否为关键共性问题未填写；按类别分：能源消耗 1 项。"]
    assert A.region_problems(reg(books)) == [] and A.region_options(reg(books)) == []


def test_region_performance_and_conclusion(books):
    r6 = [{"company": "甲", "status": "已实施", "options_n": 3, "investment": 10, "econ": 5, "energy": 12, "water": 0, "co2": 1.5},
          {"company": "乙", "status": "已实施", "options_n": 2, "investment": 20},
          {"company": "丙", "status": "拟实施", "investment": 30}, {"company": "丁", "options_n": 9}]
    # 已实施: 3 + 2 = 5 options, 10 + 20 = 30 万元; 拟实施: no count
    perf = ("审核对象企业方案绩效（见〔R.6〕、〔fig:R.6〕）：已实施方案 5 项，投资 30 万元，年经济效益 5 万元，节能 12 tce/a，节水 0 m³/a，"
            "碳减排 1.50 tCO₂/a；拟实施方案（项数未填写），投资 30 万元，年经济效益、节能、节水、碳减排未填写。")
    assert A.region_performance(reg(books, R_6=r6)) == [perf]
    assert A.region_performance(reg(books, R_6=r6[3:])) == []
    f = reg(books, R_2=R2, R_6=r6)
    assert A.region_conclusion(f) == ["对 1 项关键性指标开展对标（见〔R.3〕），未达到先进值（前25%）的企业数：单位产品水耗3 家。", perf]


def test_region_sections(books):
    f = reg(books, R_2=R2)
    assert region.SECTIONS["2"](f) == A.region_indicators(("water", "energy", "co2"))(f) + A.region_districts(f)
    assert region.SECTIONS["2.4"](f) == A.region_indicators(("water",))(f) and region.SECTIONS["2.5.1"](f) == []
    assert region.SECTIONS["3.5"](reg(books, R_4=[{"category": "能源消耗", "problem": "x"}])) == ["该类典型问题 1 项：x。"]
    assert region.SECTIONS["3.10"](reg(books, R_4=[{"category": "其他", "problem": "y"}])) == ["该类典型问题 1 项：y。"]


# ---- levels ---------------------------------------------------------------------------------------------------


def test_level_analysis_grades_ungraded_and_limiting(books):
    rows = [{"indicator": "甲", "level_1": 1, "level_2": 2, "level_3": 3, "value_before": 0.5},  # I级
            {"indicator": "乙", "level_1": 1, "level_2": 2, "level_3": 3, "value_before": 1.5},  # II级
            {"indicator": "丙", "level_1": 1, "level_2": 2, "level_3": 3, "value_before": 1.8},  # II级
            {"indicator": "丁", "level_1": 1, "level_2": 2, "level_3": 3, "value_before": 9, "limiting": "是"},  # 未达III级
            {"indicator": "戊", "level_1": 1}]  # not graded
    assert A.level_analysis(facts(books, IND_1=rows)) == [
        ("对照行业清洁生产评价指标体系，共对标 5 项指标（见〔IND.1〕），审核前达到II级 2 项、达到I级 1 项、未达III级 1 项，"
        "戊未评定级别（审核前指标值或基准值未填写）；限定性指标丁未达到III级基准值。")]
    assert A.level_analysis(facts(books)) == []


def test_composite_missing_parts(books):
    base = {"level1": "资源", "w1": 1, "w2": 1, "level_1": 1, "level_2": 2, "level_3": 3}
    rows = [{**base, "indicator": "甲", "value_before": 1}, {**base, "indicator": "乙", "w1": None, "level_3": None, "value_before": 2}]
    res = levels.composite_result(facts(books, IND_1=rows), "before")
    assert res == {"missing": ["乙的一级指标或一级指标权重未填写", "乙的Ⅰ/Ⅱ/Ⅲ级基准值未全部填写"]}
    rows = [{**base, "indicator": "甲"}, {**base, "indicator": "乙", "limiting": "是"}]
    assert levels.composite_result(facts(books, IND_1=rows), "after") == {"missing": ["各指标的审核后值均未填写", "限定性指标乙的审核后值未填写"]}
    assert levels.composite_result(facts(books, IND_1=rows), "before") == {"missing": ["各指标的审核前企业现状值均未填写", "限定性指标乙的现状值未填写"]}
    assert levels.composite(facts(books, IND_1=rows), "after") == [
        "表IND.1中各指标的审核后值均未填写；限定性指标乙的审核后值未填写，未计算审核后综合评价指数。"]


def test_composite_qualitative_and_below_level(books):
    base = {"w2": 0.5, "level_1": 1, "level_2": 2, "level_3": 3}
    # 甲 typed II级 (qualitative), 乙 5 > 3: below III → Y_I = 0, Y_II = 100·0.5 = 50, Y_III = 50 → not even III级
    rows = [{**base, "indicator": "甲", "grade_before": "II级"}, {**base, "indicator": "乙", "value_before": 5}]
    res = levels.composite_result(facts(books, IND_1=rows), "before")
    assert res["y"] == {"I级": 0, "II级": 50, "III级": 50} and res["grade"] == "未达III级" and res["n"] == 2
    assert res["blank"] == [] and res["grouped"] is False
    s = levels.composite(facts(books, IND_1=rows), "before")[0]
    assert "（二级指标权重），对 2 项指标计算，审核前综合评价指数 Y_I = 0.00、Y_II = 50.00、Y_III = 50.00，审核前未达到国内清洁生产一般水平（I级" in s
    assert levels.ind1_value({"value_after": None, "grade_after": "I级"}, "after") == "I级"
    assert levels.ind1_value({"value_after": None, "grade_after": "优"}, "after") is None
    assert levels.ind1_value({"value_after": 0, "grade_after": "I级"}, "after") == 0


def test_composite_grouped_after(books):
    base = {"w1": 1, "level1": "资源", "level_1": 1, "level_2": 2, "level_3": 3}
    rows = [{**base, "indicator": "甲", "w2": 0.5, "value_after": 0.5}, {**base, "indicator": "乙", "w2": 0.5, "value_after": 0.8}]
    # both I级: Y_I = 100 → I级 (国际清洁生产领先水平)
    s = levels.composite(facts(books, IND_1=rows), "after")[0]
    assert s.startswith("按《清洁生产评价指标体系编制通则（试行稿）》（2013）的综合评价指数法（一级指标权重 × 二级指标分权重），对 2 项指标计算，"
                        "审核后综合评价指数 Y_I = 100.00、Y_II = 100.00、Y_III = 100.00，审核后清洁生产水平为I级（国际清洁生产领先水平）")
    assert levels.composite_result(facts(books, IND_1=[{**r, "w2": None} for r in rows]), "after") is None



def test_composite_larger_is_better(books):
    # 越大越好 with I/II/III 90, 80, 70: 85 reaches II级 (not I级) → Y_I = 0, Y_II = Y_III = 100 → II级
    rows = [{"indicator": "回用率", "w2": 1, "direction": "越大越好", "level_1": 90, "level_2": 80, "level_3": 70, "value_before": 85}]
    res = levels.composite_result(facts(books, IND_1=rows), "before")
    assert res["y"] == {"I级": 0, "II级": 100, "III级": 100} and res["grade"] == "II级"


# ---- 1.8 审核依据 ----------------------------------------------------------------------------------------------


def test_basis_every_standard(books):
    f = facts(books)
    d36 = [dict(r) for r in f.d.rows("D.36")]
    d36[7].update(low=100, high=200)  # 节能（kgce/a）
    ind = [{"indicator": "甲", "level_1": 1}, {"indicator": "乙", "level_1": 1}]
    f = facts(books, D_11=[{"no": "1", "energy": "电力", "total_unit": "kWh", "total_1": 1000}], D_12=[{"no": "1", "kind": "电力", "name": "电力"}],
              BAL_2=[{"unit": "a", "fresh": 10}], BAL_3=[{"unit": "b", "supplied": 5}], D_26=[{"name": "电能表"}], D_36=d36, IND_1=ind,
              D_16=[{"standard": "GB 19821—2005"}, {"standard": "GB 8978—1996"}, {"standard": "GB 19821—2005"}, {"factor": "COD"}])
    assert A.basis(f) == [
        "本轮审核依据的法律法规：《中华人民共和国清洁生产促进法》（2012年修正）；《清洁生产审核办法》（国家发展和改革委员会、环境保护部令第38号）。",
        ("本轮审核依据的标准、规范：（1）DB4101/T 61—2023《工业企业清洁生产审核报告编制技术规范》（报告章节框架、封面和表格）；"
        "（2）DB11/T 1156—2022《工业企业清洁生产审核技术通则》（审核程序、审核重点和方案筛选方法、平衡测试及经济评估）；"
        "（3）GB/T 2589-2020《综合能耗计算通则》（综合能耗及折标准煤系数（表D.12））；（4）GB/T 12452《企业水平衡测试通则》（水平衡测试（表BAL.2））；"
        "（5）GB/T 3484《企业能量平衡通则》（能量平衡（表BAL.3））；（6）GB 17167《用能单位能源计量器具配备和管理通则》（能源计量器具配备（表D.26））；"
        "（7）GB 24789《用水单位水计量器具配备和管理通则》（水计量器具配备（表D.26））；（8）GB/T 13234《用能单位节能量计算方法》（节能量计算）；"
        "（9）《清洁生产评价指标体系编制通则（试行稿）》（国家发展改革委、环境保护部、工业和信息化部 2013年第33号公告）（清洁生产指标对标 2 项及综合评价指数，表IND.1）；"
        "（10）企业执行的污染物排放标准：GB 19821—2005；GB 8978—1996（见〔D.16〕）。")]
    assert A.basis(facts(books))[1] == (
        "本轮审核依据的标准、规范：（1）DB4101/T 61—2023《工业企业清洁生产审核报告编制技术规范》（报告章节框架、封面和表格）；"
        "（2）DB11/T 1156—2022《工业企业清洁生产审核技术通则》（审核程序、审核重点和方案筛选方法、平衡测试及经济评估）。")


def test_std_key():
    assert basis._std_key(" GB/T  2589 — 2020") == "GB/T 2589"
    assert basis._std_key("DB4101/T 61—2023") == "DB4101/T 61" and basis._std_key("GB 17167") == "GB 17167"


# ---- summary: focus, targets, options -------------------------------------------------------------------------


def _sco(books, *scored):
    rows = [dict(r) for r in facts(books).d.rows("SCO.1")]  # weight of 废物量 10
    return rows + [{"no": str(i), "candidate": c, "waste": w} for i, (c, w) in enumerate(scored, 1)]


def test_focus_stated(books):
    sco = _sco(books, ("包装车间", 5), ("酿造车间", 9), (None, 10))  # 50, 90; the nameless row is left out
    f = facts(books, cover={"focus": "酿造车间"}, SCO_1=sco)
    assert A.focus_stated(f) == "本轮审核重点为酿造车间（2 个备选审核重点中权重总和计分最高，90分）。"
    assert A.focus_stated(facts(books, cover={"focus": "包装车间"}, SCO_1=sco)) == "本轮审核重点为包装车间。"
    assert A.focus_stated(facts(books, SCO_1=sco)) == "封面信息未填写审核重点；权重总和计分排序法总分最高的备选审核重点为酿造车间（90分）。"
    assert A.focus_stated(facts(books)) == "审核重点未填写（封面信息“审核重点”）。"


def test_target_lines_and_overview(books):
    d24 = [{"indicator": "回用率", "unit": "%", "direction": "提高", "base": 40, "near_abs": 60},
           {"no": "2", "unit": "t", "base": 5},  # no name, no target
           {"indicator": "水耗", "near_abs": 4}]
    d33 = [{"indicator": "回用率", "exp_abs": 60}, {"indicator": "水耗", "exp_abs": 4.5}]  # 60 ≥ 60 met; 4.5 > 4 (降低) missed
    lines = A.target_lines(facts(books, D_24=d24, D_33=d33), "D.33", "exp_abs", "预计")
    assert lines == [("回用率（%）：基准期值 40，近期目标提高至 60，预计 60，达到近期目标", "met"),
                     ("第2项（t）：基准期值 5，近期目标值未填写，预计值未填写，未判断是否达到", ""),
                     ("水耗：基准期值未填写，近期目标降低至 4，预计 4.50，未达到近期目标", "missed")]
    d33.append({"no": "2", "exp_abs": 1})
    f = facts(books, D_24=d24[:2], D_33=[{"indicator": "第2项", "exp_abs": 3}])
    assert A.target_lines(f, "D.33", "exp_abs", "预计")[1] == ("第2项（t）：基准期值 5，近期目标值未填写，预计 3，无近期目标值，未判断是否达到", "")
    f = facts(books, D_24=d24, D_33=d33)
    assert A.targets_overview(f, "D.33", "exp_abs", "预计", "可达到") == [
        "本轮设置清洁生产目标 3 项（见〔D.24〕），预计可达到 1 项、未达到 1 项，1 项未判断（见〔D.33〕）：" + "；".join(ln for ln, _ in lines) + "。"]
    assert A.targets_overview(f, None, "exp_abs", "预计", "可达到") == [
        ("本轮设置清洁生产目标 3 项（见〔D.24〕）：回用率（%）：基准期值 40，近期目标提高至 60；第2项（t）：基准期值 5，近期目标值未填写；"
        "水耗：基准期值未填写，近期目标降低至 4。")]
    met_only = facts(books, D_24=d24[:1], D_33=d33[:1])
    assert A.targets_overview(met_only, "D.33", "exp_abs", "预计", "可达到")[0].startswith("本轮设置清洁生产目标 1 项（见〔D.24〕），预计可达到 1 项（见〔D.33〕）：")


def test_options_overview_exact(books):
    d30 = [{"option_id": "F01", "cost_class": "无/低费", "investment": 1}, {"option_id": "F02", "cost_class": "无/低费", "investment": 3},
           {"option_id": "F10", "cost_class": "中/高费", "investment": 96}, {"option_id": "F11"}]
    d34 = [{"option_id": "F01", "investment": 1, "econ_benefit": 8.5}, {"option_id": "F10", "investment": 90}]
    f = facts(books)
    d36 = [dict(r) for r in f.d.rows("D.36")]
    d36[6].update(low=10, high=20.5)  # 经济效益 30.50 万元/a
    d36[8].update(low=1000, high=0)  # 节电 1000 kWh/a
    d36[9].update(low=0, high=0)  # 节水 0: not said
    # 1 + 3 + 96 = 100 万元; 2 of 4 implemented: 50.0 %; 1 + 90 = 91 万元, 8.50 万元/a
    assert A.options_overview(facts(books, D_30=d30, D_34=d34, D_36=d36)) == [
        ("本轮共产生清洁生产方案 4 项（无/低费 2 项、中/高费 1 项、1 项未填写费用类别），预计总投资 100 万元；截至报告编制，已实施方案 2 项"
        "（占方案总数的 50.0%），累计投资 91 万元，年经济效益 8.50 万元/a（见〔D.30〕、〔D.34〕）。"),
        "全部方案实施后预期经济效益 30.50 万元/a，节电 1000 kWh/a（见〔D.36〕）。"]
    # an implemented option not among D.30's: no share
    s = A.options_overview(facts(books, D_30=d30, D_34=[*d34, {"option_id": "F99"}]))
    assert s == [("本轮共产生清洁生产方案 4 项（无/低费 2 项、中/高费 1 项、1 项未填写费用类别），预计总投资 100 万元；截至报告编制，已实施方案 3 项，"
                 "累计投资 91 万元，年经济效益 8.50 万元/a（见〔D.30〕、〔D.34〕）。")]
    assert A.options_overview(facts(books, D_30=d30[:1])) == [
        "本轮共产生清洁生产方案 1 项（无/低费 1 项），预计总投资 1 万元；已实施方案未填写（表D.34）（见〔D.30〕、〔D.34〕）。"]
    s = A.options_overview(facts(books, D_30=[{"name": "x"}], D_34=[{"name": "y"}]))
    assert s == [("本轮共产生清洁生产方案 1 项（1 项未填写费用类别），预计总投资未填写；截至报告编制，已实施方案 1 项，累计投资未填写，"
                 "年经济效益未填写（见〔D.30〕、〔D.34〕）。")]


# ---- phrases and facts ------------------------------------------------------------------------------------------


def test_numbers_and_lists():
    assert phrases.n(None) == "—" and phrases.n(5, "%") == "5%" and phrases.n(5, "t") == "5 t" and phrases.n(2.5) == "2.50"
    assert phrases.pct(0.1234) == "12.3%" and phrases.pct2(0.05012) == "5.01%"
    assert phrases.total([{"a": 1}, {"a": None}, {"a": 2.5}], "a") == 3.5 and phrases.total([{"a": None}], "a") is None
    assert phrases.total([{"a": 0}], "a") == 0
    assert phrases.names([{"a": "x", "b": "y"}, {"b": "z"}, {"a": "x"}, {}], "a", "b") == ["x", "z"]
    items = [str(i) for i in range(1, 10)]
    assert phrases.joined(items[:8]) == "1、2、3、4、5、6、7、8"
    assert phrases.joined(items) == "1、2、3、4、5、6、7、8等 9 项" and phrases.joined(items[:3], limit=2) == "1、2等 3 项"
    assert phrases.amount(None, "万元", "投资") == "投资未填写" and phrases.amount(0, "万元", "投资") == "投资 0 万元"
    rows = [{"k": 2, "n": "a"}, {"n": "b"}, {"m": "c"}]
    assert phrases.counted(rows, "k", "台", ("n", "m")) == "共 2 台（b、c未填写数量）"
    assert phrases.counted([{"k": 1.5}], "k", "台", ("n",)) == "共 1.50 台"
    assert phrases.counted([{"n": "a"}], "k", "台", ("n",)) == "（数量未填写）"


def test_change_and_series(books):
    assert phrases.change(100, 112.3) == "增长12.3%" and phrases.change(100, 95.5) == "下降4.5%"
    assert phrases.change(0, 5) == "" and phrases.change(None, 5) == "" and phrases.change(5, None) == ""
    assert phrases.change(-100, -50) == "增长50.0%"  # against |a|
    assert phrases.change(10000, 10004) == "基本持平" and phrases.change(10000, 10005) == "增长0.1%"  # 0.04 % vs 0.05 %
    f = facts(books)
    assert phrases.series_sentence(f, "产量", [None, None, None], "t") == ""
    assert phrases.series_sentence(f, "产量", [1, None, None], "") == "2023年—2025年产量分别为 1、—、—。"
    assert phrases.series_sentence(f, "产量", [None, 2, 4], "t") == "2023年—2025年产量分别为 —、2、4 t。"
    f.years = None
    assert phrases.series_sentence(f, "产量", [2, 2, 3], "t") == "第1年—第3年产量分别为 2、2、3 t，第3年较第1年增长50.0%（较第2年增长50.0%）。"


def test_verdict_both_signs():
    assert phrases.verdict(0.05, 0.05, "物料平衡", "来源") == "平衡偏差 5.00%，在允许偏差 ±5% 以内，物料平衡成立（来源）"
    assert phrases.verdict(-0.0501, 0.05, "水平衡", "GB") == (
        "平衡偏差 -5.01%（输出大于输入），超过允许偏差 ±5%，水平衡不成立，应分析原因并重新实测或补充实测（GB）")
    assert phrases.verdict(0.0, 0.025, "x", "y") == "平衡偏差 0.00%，在允许偏差 ±2.5% 以内，x成立（y）"


@pytest.mark.parametrize("typed, expected", [
    (500, (None, 500)), ("500 mg/L", (None, 500)), ("≤500", (None, 500)), ("6～9", (6, 9)), ("9-6", (6, 9)),
    ("1.5至2.5", (1.5, 2.5)), ("6，9", (None, 6)), ("无", None), ("", None), (None, None), ("4.5—5", (4.5, 5)),
])
def test_limit_range(typed, expected):
    assert phrases.limit_range(typed) == expected


def test_judge_each_status():
    J = phrases.judge
    assert J([([1], (None, 2))], exceed_rate=0.1) == phrases.OVER
    assert J([([1], (None, 2))], exceed_rate=0) == phrases.OK
    assert J([([None, 5, 4], (4, None))]) == phrases.OK and J([([None, 5, 3.9], (4, None))]) == phrases.OVER  # below the lower limit
    assert J([([2], (None, 2))]) == phrases.OK and J([([2.01], (None, 2))]) == phrases.OVER
    assert J([([1], None), ([None], (None, 5))]) == phrases.NO_LIMIT
    assert J([([1], (None, None))]) == phrases.NO_LIMIT
    assert J([([None], (None, 5))]) == phrases.NO_VALUE and J([([None], None)]) == ""
    # a pair without a limit does not hide the other's result
    assert J([([9], None), ([1], (None, 2))]) == phrases.OK and J([([1], (None, 2)), ([3], (None, 2))]) == phrases.OVER


def test_compliance_sentence():
    C = phrases.compliance
    assert C("S", [], "all", "some") == ""
    assert C("S", [("a", phrases.OK, ""), ("b", phrases.OK, "")], "均达标", "达标") == "S，均达标。"
    judged = [("a", phrases.OVER, "超标率 5%"), ("b", phrases.OVER, ""), ("c", phrases.OK, ""), ("d", phrases.NO_LIMIT, ""),
              ("e", phrases.NO_VALUE, "")]
    assert C("S", judged, "均达标", "达标") == "S，a（超标率 5%）、b超标；c达标；d未给出限值，无法判断是否达标；e未监测（无监测值）。"
    assert C("S", [("c", phrases.OK, ""), ("e", phrases.NO_VALUE, "")], "均达标", "达标") == "S，c达标；e未监测（无监测值）。"


def test_xref():
    reg = registry("audit")
    labels = {"D.6": "表 4-6", "D.25#预审核": "表 4-9", "X.1": ""}
    assert phrases.xref("见表D.6和表D.7", labels, reg) == "见表 4-6和“主要原辅材料消耗表”"
    assert phrases.xref("见表D.6~D.7、表 D.25", labels, reg) == "见表 4-6、“主要原辅材料消耗表”、表 4-9"
    assert phrases.xref("按 GB/T 2589 表A.1", labels, reg) == "按 GB/T 2589 表A.1"
    assert phrases.xref("见表X.1", labels, reg) == "见本报告相应表格"
    assert phrases.xref("见表D.6", {}) == "见表D.6"


def test_facts_see_y_and_rows(books):
    f = facts(books)
    f.labels, f.figures = {"D.5": "表 4-5", "D.9": ""}, {"fig:D.6": "图 4-1", "D.5": "图 9"}
    assert f.see("D.5", "fig:D.6", "D.9", "D.7") == "（见表 4-5、图 4-1）" and f.see("D.9") == "" and f.see() == ""
    assert f.y(2) == "2024年"
    f.labels = Every()
    assert f.cover["company"] == "甲公司"
    # 表D.22's printed rows carry only their labels: no data
    assert f.rows("D.22") == [] and len(f.d.rows("D.22")) == 8
    assert f.rows("NO.SUCH") == []
