"""Tests written against the surviving mutants of cpxl.report.analysis (issue 15 “measured test strength”): each
generator of the audit report (audit.py) with small fills, its whole output compared — the wording, the numbers
worked by hand in the comments, the tables pointed at — and the fills that should not give a sentence.

The other report kinds, the level, basis and summary sentences and the shared phrases are in
tests/test_mutants_analysis_reports.py. Both run in the quick loop and under `tools/mutation.py cpxl/report/analysis`.
"""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from test_report_text import D24, TEMPLATES, case

from cpxl.report import analysis as A
from cpxl.report.analysis import audit
from cpxl.tables import KINDS
from cpxl.workbook.read import read_workbook


@pytest.fixture(scope="module")
def books():
    return {kind.id: read_workbook(TEMPLATES / kind.workbook_file) for kind in KINDS.values()}


class Every(dict):
    """Labels for every table and figure key: “〔D.5〕”, so a sentence shows which tables it points at."""

    def get(self, key, default=None):
        return f"〔{key}〕"


def facts(books, kind: str = "audit", fields: dict | None = None, **kw) -> A.Facts:
    """`case` of tests/test_report_text.py with every table labelled and form fields ({table id: {key: value}})."""
    if fields:
        book = books[kind]
        tables = dict(book.tables)
        for tid, values in fields.items():
            tables[tid] = dataclasses.replace(tables[tid], fields={**tables[tid].fields, **values})
        books = {**books, kind: dataclasses.replace(book, tables=tables)}
    f = case(books, kind, **kw)
    f.labels = Every()
    return f


# ---- 前言, 1.4, 2 -------------------------------------------------------------------------------------------


COVER = {"industry": "啤酒制造", "industry_code": "C1513", "products": "啤酒 20 万千升/年", "round": 2,
         "audit_type": "自愿性", "consultant": "乙咨询公司", "focus": "酿造车间", "address": "郑州市"}


def test_preface_every_part(books):
    # base year 2025 → 审核考察期 2023—2025
    assert A.preface(facts(books, cover=COVER)) == [
        ("甲公司，属于啤酒制造（行业代码 C1513），主要产品及产能为啤酒 20 万千升/年。"
        "本轮为企业第2轮清洁生产审核，审核类型为自愿性审核，审核基准期为2025年，审核考察期为2023—2025年。"),
        "本轮审核由乙咨询公司提供技术咨询服务。",
        "本轮审核重点为酿造车间。",
    ]


def test_preface_blanks(books):
    assert A.preface(facts(books, cover={"company": None, **COVER})) == []
    f = facts(books, cover={"industry": "啤酒制造", "round": None})
    assert A.preface(f) == ["甲公司，属于啤酒制造。本轮清洁生产审核，审核基准期为2025年，审核考察期为2023—2025年。"]
    f.years = None
    assert A.preface(f) == ["甲公司，属于啤酒制造。本轮清洁生产审核。"]
    park = facts(books, "park", cover={"round": 1})
    assert A.preface(park)[0].startswith("甲公司。本轮为园区第1轮清洁生产审核")


def test_scope_and_review(books):
    assert A.scope(facts(books, cover=COVER)) == ["审核对象为甲公司，位于郑州市。", "本轮审核重点为酿造车间。"]
    assert A.scope(facts(books)) == []
    assert A.review(facts(books, cover={"round": 2})) == ["本轮为企业第2轮清洁生产审核。"]
    assert A.review(facts(books, cover={"round": 1})) == ["本轮为企业首轮清洁生产审核，无以往审核情况，本章不适用。"]


# ---- 3.1, 3.2 -----------------------------------------------------------------------------------------------


D1 = [
    {"team": "领导小组", "role": "组长", "name": "张三"},
    {"team": "领导小组", "role": "副组长", "name": "李四"},  # 副组长 is not the leader
    {"team": "工作小组", "role": "组员", "name": "王五"},
    {"team": "工作小组", "role": "组长", "name": "赵六"},
    {"role": "组员", "name": "钱七"},  # no team
]


def test_organisation_teams_leaders_consultants_and_expert(books):
    cover = {"consultant": "乙咨询公司", "expert": "是", "expert_name": "吴专家", "expert_unit": "某大学",
             "expert_title": "教授", "expert_field": "酿造工艺"}
    f = facts(books, cover=cover, D_1=D1, D_2=[{"role": "组长", "name": "孙"}, {"role": "组员", "name": "周"}])
    # 领导小组 2 (组长张三), 工作小组 2 (组长赵六), 1 without a team; 2 consultants
    assert A.organisation(f) == [
        ("企业成立了清洁生产审核领导小组（2人，组长张三）和清洁生产审核工作小组（2人，组长赵六），"
        "成员构成与职责分工（见〔D.1#领导小组〕、〔D.1#工作小组〕），其中 1 人未填写所属小组。"),
        "乙咨询公司组建了审核咨询小组（2人）（见〔D.2〕）。",
        "本轮审核聘请行业专家吴专家（某大学，教授，擅长酿造工艺）指导审核工作。",
    ]


def test_organisation_without_teams_leaders_or_expert(books):
    f = facts(books, cover={"expert": "否", "expert_name": "吴专家"}, D_1=[{"role": "组员", "name": "钱七"}],
              D_2=[{"name": "孙"}])
    assert A.organisation(f) == [
        "审核小组成员（见〔D.1#领导小组〕、〔D.1#工作小组〕、〔D.1#〕），其中 1 人未填写所属小组。",
        "咨询单位组建了审核咨询小组（1人）（见〔D.2〕）。",
    ]
    f = facts(books, D_1=[{"team": "工作小组", "name": "王五"}])
    assert A.organisation(f) == ["企业成立了清洁生产审核工作小组（1人），成员构成与职责分工（见〔D.1#领导小组〕、〔D.1#工作小组〕）。"]
    assert A.organisation(facts(books)) == []


def test_plan_span_and_phases(books):
    rows = [
        {"no": "二", "phase": "预审核", "start": date(2026, 2, 1), "end": date(2026, 3, 15)},
        {"no": "一", "phase": "审核准备", "start": date(2026, 1, 5), "end": date(2026, 1, 31)},
        {"no": "三", "phase": "审核", "start": date(2026, 3, 16)},  # no end: not counted
    ]
    # 2026-01-05 … 2026-03-15: 26 days to 31 Jan + 28 (Feb) + 15 = 69, + 1 = 70 days; 2 phases dated
    assert A.plan(facts(books, D_3=rows)) == [
        ("本轮审核工作计划自 2026年01月05日 开始，至 2026年03月15日 结束，历时 70 天，"
        "分2个阶段实施，各阶段工作内容、计划时间、责任部门及责任人（见〔D.3〕、〔fig:D.3〕）。")]
    assert A.plan(facts(books, D_3=rows[2:])) == []


# ---- 4.1.1, 4.1.2 ----------------------------------------------------------------------------------------------


def test_company_every_field_and_blanks(books):
    # 企业名称 and 主要产品及产能 repeat 封面信息
    d4 = {"founded": "2001年6月", "staff": 236, "area": 52000.5, "shifts": "三班两倒", "output_value": 35800}
    assert A.company(facts(books, cover={"products": "啤酒 20 万千升/年"}, fields={"D.4": d4})) == [
        ("甲公司，建厂于2001年6月，现有员工 236 人，占地面积 52000.50 m²，实行三班两倒，企业年总产值 35800 万元。"
        "主要产品及产能为啤酒 20 万千升/年。企业基本信息（见〔D.4〕）。")]
    # only 0 staff given: 0 is a value (not blank); the name from 封面信息
    assert A.company(facts(books, fields={"D.4": {"staff": 0}})) == ["甲公司，现有员工 0 人。企业基本信息（见〔D.4〕）。"]
    assert A.company(facts(books, fields={"D.4": {"legal_rep": "某"}})) == ["甲公司。企业基本信息（见〔D.4〕）。"]
    assert A.company(facts(books, cover={"company": None})) == []


D6 = [{"product": "啤酒", "output_unit": "kL", "output_1": 1000, "output_2": 1250, "output_3": 2000}]


def test_production_every_sentence(books):
    d5 = [{"name": "糖化锅", "count": 2}, {"name": "过滤槽", "count": 3}, {"name": "煮沸锅"}]
    d7 = [
        # 麦芽: 160000/1000 = 160 → 296000/2000 = 148 kg/kL: (148 − 160)/160 = −7.5 %
        {"product": "啤酒", "material": "麦芽", "unit_unit": "kg/kL", "total_1": 160000, "total_2": 200000, "total_3": 296000},
        {"product": "啤酒", "material": "酒花", "total_1": 1000, "total_3": 2000},  # no unit: no sentence
        {"product": "啤酒", "material": "水"},  # no amounts
    ]
    d10 = [{"category": "新鲜水", "total_1": 5000, "total_2": 5000, "total_3": 8000},  # per kL: 5, 4, 4
           {"category": "回用水", "total_1": 900, "total_3": 100}]
    d11 = [{"no": "1", "energy": "电力", "total_unit": "kWh", "total_1": 1_000_000, "total_2": 1_000_000, "total_3": 2_000_000},
           {"no": "2", "energy": "天然气", "total_unit": "m³", "total_3": 200_000},
           {"no": "3", "energy": "柴油", "total_unit": "kg"}]  # no amount: not a used energy
    d12 = [{"no": "1", "kind": "电力", "name": "电力"}, {"no": "2", "kind": "能源", "name": "天然气"}]
    f = facts(books, cover={"main_product": "啤酒"}, D_5=d5, D_6=D6, D_7=d7, D_10=d10, D_11=d11, D_12=d12)
    # kgce: 电力 1e6 × 0.1229 = 122 900 (years 1, 2), 2e6 × 0.1229 = 245 800 (year 3); 天然气 2e5 × 1.2143 = 242 860
    # → 122.90, 122.90, 488.66 tce: (488.66 − 122.90)/122.90 = +297.6 %
    # per kL: 122 900/1000 = 122.90, 122 900/1250 = 98.32, 488 660/2000 = 244.33: +98.8 % (+148.5 % on 98.32)
    # 电力 245 800/488 660 = 50.3 % of year 3
    # CO2: 电力 1e6 kWh × 0.5306 t/MWh = 530.60 t; year 3: 1061.20 + 242.86 tce × 2.7725 = 673.33 → 1734.53 (+226.9 %)
    assert A.production(f) == [
        "企业主要设备 3 类，共 5 台（套）（煮沸锅未填写数量）（见〔D.5〕）。",
        "2023年—2025年啤酒产量分别为 1000、1250、2000 kL，2025年较2023年增长100.0%（较2024年增长60.0%）（见〔D.6〕、〔fig:D.6〕）。",
        "审核考察期主要原辅材料共 3 种（见〔D.7〕、〔fig:D.7〕）；麦芽单耗由 160 kg/kL 变为 148（下降7.5%）。",
        "2023年—2025年新鲜水用量分别为 5000、5000、8000 m³，2025年较2023年增长60.0%（较2024年增长60.0%）（见〔D.10〕、〔fig:D.10〕）。",
        "2023年—2025年单位啤酒新鲜水耗分别为 5、4、4 m³/kL，2025年较2023年下降20.0%（较2024年基本持平）。",
        "企业使用的能源包括电力、天然气（见〔D.11〕、〔fig:D.11〕）。",
        ("2023年—2025年综合能耗（当量值）分别为 122.90、122.90、488.66 tce，2025年较2023年增长297.6%（较2024年增长297.6%）"
        "（见〔D.12〕、〔fig:D.12〕）。"),
        ("2023年—2025年单位啤酒综合能耗分别为 122.90、98.32、244.33 kgce/kL，2025年较2023年增长98.8%（较2024年增长148.5%）。"
        "折标准煤系数按 GB/T 2589-2020 取值。"),
        "2025年各能源中电力折标准煤量最大，占综合能耗的 50.3%。",
        ("2023年—2025年能源消费二氧化碳排放量分别为 530.60、530.60、1734.53 tCO₂，2025年较2023年增长226.9%（较2024年增长226.9%）"
        "（电力按电网排放因子、化石能源按标准煤 2.7725 tCO₂/tce 核算，DB4101/T 61—2023 表E.4 注b）。"),
    ]


def test_production_materials_first_six_and_counts(books):
    # seven materials, each 100 → 110 kg/kL (+10.0 %): only the first six are named
    d7 = [{"product": "啤酒", "material": f"料{i}", "unit_unit": "kg/kL", "total_1": 100_000, "total_3": 220_000} for i in range(1, 8)]
    s = A.production(facts(books, D_6=D6, D_7=d7))[-1]
    assert s == ("审核考察期主要原辅材料共 7 种（见〔D.7〕、〔fig:D.7〕）；"
                 + "；".join(f"料{i}单耗由 100 kg/kL 变为 110（增长10.0%）" for i in range(1, 7)) + "。")
    # counts: 2.5 + blank → 共 2.50; blank rows named by model, or counted when nameless; no count at all
    d5 = [{"name": "泵", "count": 2.5}, {"model": "XJ-2"}, {"line": "一线"}]
    assert A.production(facts(books, D_5=d5)) == ["企业主要设备 3 类，共 2.50 台（套）（XJ-2未填写数量）（见〔D.5〕）。"]
    d5 = [{"name": "泵", "count": 2}, {"line": "一线"}]
    assert A.production(facts(books, D_5=d5)) == ["企业主要设备 2 类，共 2 台（套）（1 项未填写数量）（见〔D.5〕）。"]
    assert A.production(facts(books, D_5=[{"name": "泵"}])) == ["企业主要设备 1 类（数量未填写）（见〔D.5〕）。"]
    assert A.production(facts(books)) == []



def test_production_energy_of_the_first_year_only(books):
    # 电力 1e6 kWh in the first year only: 122 900 kgce = 122.90 tce, 530.60 tCO₂; no later year, no change
    d11 = [{"no": "1", "energy": "电力", "total_unit": "kWh", "total_1": 1_000_000}]
    f = facts(books, D_11=d11, D_12=[{"no": "1", "kind": "电力", "name": "电力"}])
    assert A.production(f) == [
        "企业使用的能源包括电力（见〔D.11〕、〔fig:D.11〕）。",
        "2023年—2025年综合能耗（当量值）分别为 122.90、—、— tce（见〔D.12〕、〔fig:D.12〕）。",
        ("2023年—2025年能源消费二氧化碳排放量分别为 530.60、—、— tCO₂（电力按电网排放因子、化石能源按标准煤 2.7725 tCO₂/tce 核算，"
        "DB4101/T 61—2023 表E.4 注b）。")]


def test_main_unit_of_the_main_product(books):
    f = facts(books, cover={"main_product": "啤酒"}, D_6=[{"product": "麦汁", "output_unit": "t"}, *D6])
    assert audit._main_unit(f) == "kL"
    f = facts(books, cover={"main_product": "啤酒"}, D_6=[{"product": "啤酒", "output_1": 5}])
    assert audit._main_unit(f) == "单位产品"
    assert audit._main_unit(facts(books, cover={"main_product": "白酒"}, D_6=D6)) == "单位产品"


def test_largest_energy(books):
    d11 = [{"no": "1", "energy": "电力", "total_unit": "kWh", "total_3": 1_000_000},
           {"no": "2", "energy": "天然气", "total_unit": "m³", "total_3": 200_000}]
    d12 = [{"no": "1", "kind": "电力", "name": "电力"}, {"no": "2", "kind": "能源", "name": "天然气"}]
    # 122 900 vs 242 860 kgce: 天然气, 242 860/365 760 = 0.66399…
    name, share = audit._largest_energy(facts(books, D_11=d11, D_12=d12))
    assert name == "天然气" and share == pytest.approx(242_860 / 365_760)
    assert audit._largest_energy(facts(books, D_11=d11[:1] + [{**d11[1], "total_3": None}], D_12=d12)) == ("电力", 1.0)
    assert audit._largest_energy(facts(books)) is None


# ---- 4.1.3 -----------------------------------------------------------------------------------------------------


def test_environment_every_table(books):
    d18 = [
        {"category": "工业废水", "pollutant": "COD", "limit": "500", "conc_max": 420, "exceed_rate": 8.3},  # 超标率 > 0
        {"category": "工业废水", "pollutant": "氨氮", "limit": "45", "conc_max": 11.6, "exceed_rate": 0},  # within
        {"category": "合计", "pollutant": "总磷", "load": 1.2},  # 合计: neither monitored nor counted
    ]
    d20 = [
        {"name": "锅炉烟气", "point": "DA001", "pollutant": "氮氧化物", "conc_max": 32, "conc_std": 30},  # 32 > 30
        {"name": "污水站臭气", "pollutant": "氨", "rate_max": 0.031, "rate_std": 4.9},  # rate within, named by the source
        {"name": "废气", "pollutant": "颗粒物", "rate_max": 6, "rate_std": 4.9},  # 6 > 4.9 kg/h
    ]
    d22 = [{"point": "东厂界", "period": "昼间", "value": 66, "standard": 65},  # over
           {"point": "西厂界", "period": "夜间", "value": 50, "standard": 55},
           {"point": "南厂界", "period": "夜间", "standard": 55}]  # no value
    d23 = [{"no": "1", "pollutant": "COD", "quota": 45, "base": 46.2}, {"no": "2", "quota": 4.5, "base": 2.2}]
    d21 = [{"category": "一般固体废物", "name": "麦糟", "generated": 19680}, {"name": "杂物", "generated": 2.5},
           {"category": "一般固体废物", "name": "废硅藻土"}]
    f = facts(books, D_18=d18, D_20=d20, D_21=d21, D_22=d22, D_23=d23)
    assert A.environment(f) == [
        "审核基准期废水主要污染物监测 2 项（COD、氨氮）（见〔D.18〕），工业废水COD（超标率 8.30%）超标；工业废水氨氮监测值未超过标准限值。",
        "审核基准期废气主要污染物监测 3 项（氮氧化物、氨、颗粒物）（见〔D.20〕），DA001氮氧化物、废气颗粒物超标；污水站臭气氨监测值未超过标准限值。",
        "厂界噪声监测 2 个点次（见〔D.22〕），东厂界昼间（66 dB(A)，标准值 65 dB(A)）超标；西厂界夜间监测值满足标准限值要求；南厂界夜间未监测（无监测值）。",
        "审核基准期主要污染物排放总量（见〔D.23〕），COD（46.20 t/a，指标 45 t/a）超过总量控制指标；第2项满足总量控制指标要求。",
        # 一般固体废物 19680 + (blank) t/a; the row without a class: 未分类, 2.50 t/a
        "企业产生一般固体废物 2 种、19680 t/a（废硅藻土未填写产生量），未分类固体废物 1 种、2.50 t/a（见〔D.21〕）。",
    ]


def test_environment_listed_pollutant_without_data_is_not_monitored(books):
    # 氨氮 is listed with neither a value nor a limit: it was not monitored, so the two are not 均达标
    f = facts(books, D_18=[{"category": "工业废水", "pollutant": "COD", "limit": "500", "conc_max": 120},
                           {"category": "工业废水", "pollutant": "氨氮"}])
    assert A.environment(f) == [
        "审核基准期废水主要污染物监测 2 项（COD、氨氮）（见〔D.18〕），工业废水COD监测值未超过标准限值；工业废水氨氮未监测（无监测值）。"]


def test_environment_limits_only_and_none_judged(books):
    # limits without values: nothing measured, the subject says 主要污染物 (no 监测)
    f = facts(books, D_18=[{"category": "工业废水", "pollutant": "COD", "limit": "500"}],
              D_20=[{"name": "锅炉", "pollutant": "SO2"}, {"name": "锅炉", "point": "DA001"}])  # no value, no limit
    assert A.environment(f) == ["审核基准期废水主要污染物 1 项（COD）（见〔D.18〕），工业废水COD未监测（无监测值）。",
                                "审核基准期废气主要污染物 1 项（SO2）（见〔D.20〕），锅炉SO2未监测（无监测值）。"]
    f = facts(books, D_22=[{"point": "东厂界", "period": "昼间"}], D_23=[{"no": "1", "pollutant": "COD"}])
    assert A.environment(f) == []


# ---- 4.4.2, 4.5, 4.6/5.3, 5.2.1 --------------------------------------------------------------------------------


def test_focus_ranking_and_cover(books):
    sco = [dict(r) for r in facts(books).d.rows("SCO.1")]  # the weights row: 10, 8, 8, 8, 5, 5, 2
    sco += [{"no": "1", "candidate": "包装车间", "waste": 5}, {"no": "2", "candidate": "酿造车间", "waste": 9, "consumption": 10}]
    # 包装 10·5 = 50; 酿造 10·9 + 8·10 = 170 → 酿造 first
    assert A.focus(facts(books, SCO_1=sco)) == [
        ("采用权重总和计分排序法对 2 个备选审核重点打分（见〔SCO.1〕），总分由高到低依次为酿造车间（170分）、包装车间（50分）。"
        "据此确定酿造车间为本轮审核重点。")]
    assert A.focus(facts(books, cover={"focus": "锅炉房"})) == ["本轮审核重点确定为锅炉房。"]
    assert A.focus(facts(books)) == []


def test_targets_each_form(books):
    rows = [*D24, {"indicator": "吨酒耗电", "unit": "kWh/kL", "direction": "降低", "near_abs": 80},
            {"indicator": "回用率", "unit": "%", "direction": "提高", "base": 40}]
    assert A.targets(facts(books, D_24=rows)) == [
        ("本轮审核设置清洁生产目标 5 项（见〔D.24〕），近期目标为：单位产品新鲜水耗由 4.30 m³/kL 降低至 3.90（降低 9.30%）；"
        "单位产品综合能耗由 37.87 kgce/kL 降低至 34.50；酒损率（基准期值和近期目标值未填写）；"
        "吨酒耗电降低至 80 kWh/kL（基准期值未填写）；回用率（近期目标值未填写）。")]
    # no direction: 降低
    assert "甲由 2 t 降低至 1" in A.targets(facts(books, D_24=[{"indicator": "甲", "unit": "t", "base": 2, "near_abs": 1}]))[0]
    assert A.targets(facts(books)) == []


def test_stage_options(books):
    d25 = [{"stage": "预审核", "category": "管理", "name": "a"}, {"stage": "预审核", "category": "设备", "name": "b"},
           {"stage": "预审核", "category": "管理", "name": "c"}, {"stage": "预审核", "name": "d"},
           {"stage": "审核", "name": "e"}, {"name": "f"}, {"name": "g"}]
    f = facts(books, D_25=d25)
    assert A.stage_options("预审核")(f) == [
        "预审核阶段共提出备选方案 4 项（见〔D.25#预审核〕），其中管理方面 2 项、设备方面 1 项，1 项未填写方案类型。",
        "另有备选方案 2 项未填写提出阶段（见〔D.25#〕）。"]
    # the 审核 stage: no categories at all, and the unstaged rows are said once (under 预审核)
    assert A.stage_options("审核")(f) == ["审核阶段共提出备选方案 1 项（见〔D.25#审核〕）。"]
    assert A.stage_options("审核")(facts(books)) == []


def test_instruments(books):
    assert A.instruments(facts(books, D_26=[{"name": "电能表", "count": 12}, {"name": "水表", "count": 4}])) == [
        "审核重点配备计量器具/监测仪器 2 类，共 16 台（件）（见〔D.26〕）。"]
    assert A.instruments(facts(books, D_26=[{"name": "电能表"}])) == ["审核重点配备计量器具/监测仪器 1 类（数量未填写）（见〔D.26〕）。"]
    assert A.instruments(facts(books)) == []


# ---- 5.2.2 balances --------------------------------------------------------------------------------------------


def _flow(op, direction, material, category, qty, unit="t/a"):
    return {"unit_op": op, "direction": direction, "material": material, "category": category, "qty_unit": unit, "qty": qty}


def test_material_balance_losses_and_unit_operations(books):
    rows = [
        _flow("糖化", "输入", "麦芽", "原辅材料", 100, unit=""),  # the unit is taken from the first row that has one
        _flow("糖化", "输出", "麦汁", "产品", 60),
        _flow("糖化", "输出", "废水", "废水", 5),
        _flow("过滤", "输入", "水", "原辅材料", 20),
        _flow("过滤", "输出", "麦糟", "固体废物", 30),
        _flow("过滤", "输出", "蒸汽", "损失", 12),
        _flow("过滤", "输出", "回收液", "副产品", 0),
    ]
    f = facts(books, BAL_1=rows)
    # in 100 + 20 = 120, out 60 + 5 + 30 + 12 + 0 = 107: (120 − 107)/120 = 10.83 % > 5 %
    # losses by size: 麦糟 30 (30/120 = 25.0 %), 蒸汽 12 (10.0 %), 废水 5 (4.2 %)
    # unit operations: 糖化 (100 − 65)/100 = 35.00 %, 过滤 (20 − 42)/20 = −110.00 %
    assert A.balances(f) == [
        ("审核重点物料平衡（见〔BAL.1〕、〔fig:BAL.1〕）：输入总量 120 t/a，输出总量 107 t/a，平衡偏差 10.83%，超过允许偏差 ±5%，"
        "物料平衡不成立，应分析原因并重新实测或补充实测（DB11/T 1156—2022 7.3.4 b）。"),
        "主要物料流失点为：过滤的麦糟 30 t/a（占输入 25.0%）；过滤的蒸汽 12 t/a（占输入 10.0%）；糖化的废水 5 t/a（占输入 4.2%）。",
        "单元操作平衡偏差超过允许偏差的有：糖化（35.00%）、过滤（-110.00%）。",
    ]


def test_material_balance_five_losses_and_outputs_only(books):
    rows = [_flow("糖化", "输入", "麦芽", "原辅材料", 1000)] + [_flow("糖化", "输出", f"废{i}", "废气", i) for i in range(1, 7)]
    s = A.balances(facts(books, BAL_1=rows))[1]
    # the five largest of 1 … 6 t/a, of 1000: 0.6 % … 0.2 %
    assert s == "主要物料流失点为：" + "；".join(f"糖化的废{i} {i} t/a（占输入 {i / 10:.1f}%）" for i in (6, 5, 4, 3, 2)) + "。"
    out_only = [_flow("糖化", "输出", "麦汁", "产品", 50)]
    assert A.balances(facts(books, BAL_1=out_only)) == [
        "审核重点物料平衡（见〔BAL.1〕、〔fig:BAL.1〕）：输入量未填写，无法计算平衡偏差，物料平衡尚未建立。"]
    assert A.balances(facts(books)) == []


def test_water_balance(books):
    rows = [{"unit": "糖化", "fresh": 60, "reused": 300, "consumed": 10, "discharged": 40, "leaked": 4},
            {"unit": "包装", "fresh": 40, "reused": 0, "consumed": 5, "discharged": 30, "leaked": 2},
            {"unit": "其他", "fresh": 0, "reused": 50}]  # no fresh water: not counted
    # fresh 100, reused 300 → 300/400 = 75.0 %; out 10 + 40 + 4 + 5 + 30 + 2 = 91 → (100 − 91)/100 = 9.00 % > 5 %
    # leaked 6 → 6/100 = 6.0 %
    assert A.balances(facts(books, BAL_2=rows)) == [
        ("水平衡测试（见〔BAL.2〕、〔fig:BAL.2〕）：新水量 100 m³/d，重复利用水量 300 m³/d，重复利用率 75.0%（GB/T 12452），"
        "水量平衡偏差 9.00%，超过允许偏差 ±5%，水平衡不成立，应分析原因并重新实测或补充实测（GB/T 12452），漏失水量 6 m³/d（漏失率 6.0%）。")]
    # 参数 水平衡允许偏差 10 %: 9.00 % is within
    s = A.balances(facts(books, BAL_2=rows, params={"水平衡允许偏差": 0.1}))[0]
    assert "水量平衡偏差 9.00%，在允许偏差 ±10% 以内，水平衡成立（GB/T 12452）" in s
    partial = [{"unit": "糖化", "fresh": 100, "consumed": 20}]
    assert A.balances(facts(books, BAL_2=partial)) == [
        "水平衡测试（见〔BAL.2〕、〔fig:BAL.2〕）：新水量 100 m³/d，重复利用水量未填写，耗水量、排水量、漏失水量未全部填写，未计算水量平衡偏差。"]


def test_energy_balance(books):
    rows = [{"unit": "锅炉", "supplied": 1000, "effective": 800},  # 80 %
            {"unit": "空压机", "supplied": 500, "effective": 300},  # 60 %: the lowest
            {"unit": "照明", "supplied": 100}]  # no effective energy
    # known: 1500 supplied, 1100 effective → 73.3 %
    assert A.balances(facts(books, BAL_3=rows)) == [
        ("能量平衡（见〔BAL.3〕）：供入能量 1500 kgce/a，有效利用能量 1100 kgce/a，能量利用率 73.3%（GB/T 3484）"
        "（照明未填写有效利用能量，未计入），利用率最低的是空压机（60.0%）。")]
    assert A.balances(facts(books, BAL_3=[{"unit": "照明", "supplied": 100}, {"unit": "泵", "supplied": 50}])) == [
        "能量平衡（见〔BAL.3〕）：供入能量 150 kgce/a，有效利用能量未填写，未计算能量利用率。"]


def test_pollutant_balance(books):
    rows = [{"pollutant": "COD", "generated": 100, "removed": 90, "stack": 6},  # (100 − 96)/100 = 4.00 % ≤ 5 %
            {"pollutant": "氨氮", "generated": 10, "removed": 8, "stack": 1},  # (10 − 9)/10 = 10.00 % > 5 %
            {"pollutant": "总磷", "generated": 2}]  # no outlets
    assert A.balances(facts(books, BAL_4=rows)) == [
        ("特征污染因子平衡（见〔BAL.4〕）：COD产生量 100 t/a，平衡偏差 4.00%；氨氮产生量 10 t/a，平衡偏差 10.00%，超过允许偏差 ±5%；"
        "总磷产生量 2 t/a，去向（去除量、有组织排放量、无组织排放量）未填写，未计算平衡偏差。")]
    s = A.balances(facts(books, BAL_4=rows, params={"特征污染因子平衡允许偏差": 0.03}))[0]
    assert "COD产生量 100 t/a，平衡偏差 4.00%，超过允许偏差 ±3%" in s


# ---- 5.2.3, 6.1–6.3 --------------------------------------------------------------------------------------------


def test_diagnosis(books):
    d27 = [{c.key: "x" for c in books["audit"].registry["D.27"].columns[1:2]} for _ in range(3)]
    d28 = [{c.key: "y" for c in books["audit"].registry["D.28"].columns[1:2]} for _ in range(2)]
    assert A.diagnosis(facts(books, D_27=d27, D_28=d28)) == [
        "从八个方面对物料、水、能量平衡结果进行问题查找和原因分析，识别物料损失/不合理用水/不合理用能部位 3 处（见〔D.27〕）。",
        "识别重点关注污染物产生部位 2 处（见〔D.28〕）。"]
    assert A.diagnosis(facts(books, D_28=d28)) == ["识别重点关注污染物产生部位 2 处（见〔D.28〕）。"]
    assert A.diagnosis(facts(books)) == []


def test_experts_adoption(books):
    rows = [{"opinion": "a", "adoption": "采纳"}, {"opinion": "b", "adoption": "未采纳"}, {"opinion": "c", "adoption": "部分采纳"},
            {"opinion": "d"}]
    # 采纳 and 部分采纳 count; 未采纳 does not
    assert A.experts(facts(books, D_29=rows)) == ["行业专家提出意见和建议 4 条，采纳 2 条（见〔D.29〕），1 条未填写采纳情况。"]
    assert A.experts(facts(books, D_29=rows[:2])) == ["行业专家提出意见和建议 2 条，采纳 1 条（见〔D.29〕）。"]
    assert A.experts(facts(books, D_29=rows[3:])) == ["行业专家提出意见和建议 1 条（见〔D.29〕），采纳情况未填写。"]
    assert A.experts(facts(books)) == []


def test_option_summary(books):
    rows = [{"option_id": "F01", "cost_class": "无/低费", "category": "管理", "investment": 1.5},
            {"option_id": "F02", "cost_class": "无/低费", "category": "设备", "investment": 2},
            {"option_id": "F03", "cost_class": "中/高费", "category": "设备", "investment": 96.5},
            {"option_id": "F04", "name": "x"}]  # no class, no category
    # 无/低费 1.5 + 2 = 3.50; 中/高费 96.50; all 100
    assert A.option_summary(facts(books, D_30=rows)) == [
        ("本轮审核共产生备选清洁生产方案 4 项（见〔D.30〕、〔fig:D.30〕），其中无/低费方案 2 项（预计投资 3.50 万元），"
        "中/高费方案 1 项（预计投资 96.50 万元），1 项未填写费用类别，预计总投资 100 万元。按方案类型分：管理 1 项、设备 2 项。")]
    assert A.option_summary(facts(books, D_30=rows[3:])) == [
        "本轮审核共产生备选清洁生产方案 1 项（见〔D.30〕、〔fig:D.30〕），其中1 项未填写费用类别，预计总投资未填写。"]


def test_screening(books):
    d30 = [{"option_id": "F01", "cost_class": "无/低费"}, {"option_id": "F02", "cost_class": "无/低费"},
           {"option_id": "F10", "cost_class": "中/高费"}]
    d31 = [{"option_id": "F01", "name": "a"}, {"option_id": "F02", "name": "b"}, {"option_id": "F10", "name": "c"},
           {"option_id": "F99", "name": "d"}]  # not in D.30
    sco = [dict(r) for r in facts(books).d.rows("SCO.2")]  # weights 10, 8, 8, 6
    sco += [{"no": "1", "option_id": "F10", "option": "热回收", "environment": 8},  # 80
            {"no": "2", "option_id": "F11", "option": "变频", "environment": 9, "economy": 5}]  # 90 + 40 = 130
    f = facts(books, D_30=d30, D_31=d31, D_32=[{"option_id": "F20", "reason": "投资大"}], SCO_2=sco)
    assert A.screening(f) == [
        "经定性筛选，可行的无/低费方案 2 项（见〔D.31#无/低费〕），初步可行的中/高费方案 1 项（见〔D.31#中/高费〕），另有 1 项在表D.30中未找到费用类别。",
        "不可行方案 1 项（见〔D.32〕），不可行原因逐项列明。",
        "采用权重总和计分排序法对初步可行的中/高费方案排序（见〔SCO.2〕），依次为F11 变频（130分）、F10 热回收（80分）。",
    ]
    assert A.screening(facts(books, D_30=d30, D_31=d31[2:3])) == [
        "经定性筛选，可行的无/低费方案 0 项（见〔D.31#无/低费〕），初步可行的中/高费方案 1 项（见〔D.31#中/高费〕）。"]
    assert A.screening(facts(books)) == []


# ---- 7.1–7.5 ---------------------------------------------------------------------------------------------------


def test_expected_targets_exact(books):
    d33 = [{"indicator": "单位产品新鲜水耗", "exp_abs": 3.70}, {"indicator": "单位产品综合能耗", "exp_abs": 34.5},
           {"indicator": "酒损率", "exp_abs": 5.2}, {"indicator": "未列目标", "exp_abs": 1}, {"indicator": "空", "near_abs": 2}]
    # 3.70 ≤ 3.90 and 34.5 ≤ 34.50 (降低): met; 酒损率 has no target, 未列目标 no D.24 row; 空 has no expected value
    assert A.expected_targets(facts(books, D_24=D24, D_33=d33)) == [
        ("本轮 4 项清洁生产目标中，预计 2 项可在近期达到（见〔D.33〕），单位产品新鲜水耗、单位产品综合能耗的支撑方案见表中“支撑方案”列；"
        "酒损率、未列目标在表D.24中未给出近期目标值，无法判断。")]
    up = [{"indicator": "回用率", "direction": "提高", "near_abs": 60}]
    assert A.expected_targets(facts(books, D_24=up, D_33=[{"indicator": "回用率", "exp_abs": 55}])) == [
        "本轮 1 项清洁生产目标中，预计 0 项可在近期达到（见〔D.33〕）；回用率预计达不到近期目标。"]
    assert A.expected_targets(facts(books, D_24=D24)) == []


def test_met_against_targets(books):
    up = [{"indicator": "回用率", "direction": "提高", "near_abs": 60}, {"indicator": "水耗", "near_abs": 4}]
    rows = [{"indicator": "回用率", "x": 61}, {"indicator": "水耗", "x": 4.5}, {"indicator": "电耗", "x": 1}, {"indicator": "水耗"}]
    # 提高: 61 ≥ 60 met; blank direction is 降低: 4.5 > 4 missed; 电耗 has no target; a blank value is not judged
    assert audit._met(facts(books, D_24=up), rows, "x") == (["回用率"], ["水耗"], ["电耗", "水耗"])



def test_feasibility_and_development_of_computed_options(books):
    d30 = [{"option_id": "F01", "cost_class": "无/低费", "name": "巡检"},
           {"option_id": "F10", "cost_class": "中/高费", "name": "热回收", "investment": 100},
           {"option_id": "F11", "cost_class": "中/高费", "name": "变频", "investment": 50}]
    eco = [{"option_id": "F10", "investment": 100, "saving": 40, "life": 8}, {"option_id": "F11", "investment": 50, "saving": 1, "life": 12}]
    f = facts(books, D_30=d30, ECO_1=eco)
    assert A.development(f) == [("对初步可行的 2 项中/高费方案（F10 热回收、F11 变频）从工艺技术、工艺流程、设备清单、投资及效益估算等方面进行研制，"
                                "并逐项开展技术、环境、经济可行性分析。")]
    # F10: I = 100, P = 40 a year for 8 years — depreciation 12.5, F = (40 − 12.5)·0.75 + 12.5 = 33.125, payback ≈ 3 years:
    # feasible at 8 %; F11: P = 1 for 50 — F ≈ 1.8, payback ≈ 28 years: not. The terms are those of the first option (8 years)
    assert A.feasibility(f) == [
        ("本轮对 2 项中/高费方案进行可行性分析，方案分述如下（7.2.1～7.2.2）。按基准折现率 8%、所得税率 25%、设备寿命期 8 年计算，"
        "1 项方案经济可行（净现值 ≥ 0、内部收益率 ≥ 基准折现率、投资回收期 ≤ 5 年，DB11/T 1156—2022 7.5.5）。")]
    # without a saving nothing is computed: the count only
    f = facts(books, D_30=d30[2:])
    assert A.feasibility(f) == ["本轮对 1 项中/高费方案进行可行性分析，方案分述如下（7.2.1～7.2.1）。"]
    assert A.feasibility(facts(books)) == [] and A.development(facts(books)) == []


def test_implemented_and_schedule(books):
    d34 = [{"option_id": "F01", "cost_class": "无/低费", "investment": 1.5, "econ_benefit": 3},
           {"option_id": "F02", "cost_class": "无/低费", "investment": 2.5},
           {"option_id": "F10", "cost_class": "中/高费", "econ_benefit": 20.25}, {"option_id": "F11", "name": "x"}]
    # 1.5 + 2.5 = 4 万元; 3 + 20.25 = 23.25 万元/a; the class-less option is counted, not named
    assert A.implemented(facts(books, D_34=d34)) == [
        "截至目前已实施方案 4 项（无/低费 2 项、中/高费 1 项），累计投资 4 万元，年经济效益 23.25 万元/a（见〔D.34〕、〔fig:D.34〕）。"]
    assert A.implemented(facts(books, D_34=d34[3:])) == ["截至目前已实施方案 1 项，累计投资未填写，年经济效益未填写（见〔D.34〕、〔fig:D.34〕）。"]
    assert A.implemented(facts(books)) == []
    d35 = [{"option_id": "F10", "step": "设计", "investment": 50, "end": date(2026, 5, 31)},
           {"option_id": "F10", "step": "安装", "investment": 50, "end": date(2026, 9, 30)},  # one option: its investment once
           {"option_id": "F11", "step": "采购", "investment": 20.5, "end": date(2026, 7, 1)}, {"step": "验收"}]
    # options F10, F11 → 2; 50 + 20.5 = 70.50 万元; last end 2026-09
    assert A.schedule(facts(books, D_35=d35)) == ["拟实施方案 2 项，预计投资 70.50 万元（见〔D.35〕），计划于 2026年09月 前全部完成。"]
    assert A.schedule(facts(books, D_35=[{"option_id": "F10", "step": "设计"}])) == ["拟实施方案 1 项，预计投资未填写（见〔D.35〕）。"]
    assert A.schedule(facts(books)) == []


def test_archive_exact(books):
    rows = [dict(r) for r in facts(books).d.rows("D.37")]  # 25 items
    for r, status in zip(rows, ("已建立", "未建立", "已建立")):
        r["status"] = status
    assert A.archive(facts(books, D_37=rows)) == ["企业清洁生产档案 25 项（见〔D.37〕），已建立 2 项、未建立 1 项，22 项未填写建立情况。"]
    for r in rows:
        r["status"] = "已建立"
    assert A.archive(facts(books, D_37=rows)) == ["企业清洁生产档案 25 项（见〔D.37〕），已建立 25 项。"]


def test_conclusion_order(books):
    f = facts(books, cover={**COVER, "level_before": "国内先进水平"}, D_37=[{"item": "档案", "status": "已建立"}])
    out = A.conclusion(f)
    assert out[0] == A.preface(f)[0] and out[1] == "本轮审核重点为酿造车间。"
    assert out[2] == "清洁生产目标未填写（表D.24）。" and out[3] == "清洁生产方案未填写（表D.30）。"
    assert out[4:] == ["审核前企业清洁生产水平为国内先进水平。", "企业清洁生产档案 1 项（见〔D.37〕），已建立 1 项。"]


def test_enterprise_sections(books):
    # the acceptance report repeats 前言–7, the audit adds 8
    assert audit.SECTIONS == {**audit.ENTERPRISE, "8": A.conclusion}
    f = facts(books, D_25=[{"stage": "预审核", "name": "a"}, {"stage": "审核", "name": "b"}])
    assert audit.ENTERPRISE["4.6"](f) == ["预审核阶段共提出备选方案 1 项（见〔D.25#预审核〕）。"]
    assert audit.ENTERPRISE["5.3"](f) == ["审核阶段共提出备选方案 1 项（见〔D.25#审核〕）。"]
    assert A.sections("audit")["4.1.3"] is A.environment and A.sections("audit")["7.5"] is A.schedule
