"""The conclusions written from the data (issue 10 §4): 第八章 结论, 1.8 审核依据, 4.3.1 综合评价指数,
9.5.x/11.2.x of the acceptance report and 第五章 of the region report — each sentence with filled, blank
and partly filled tables, its numbers worked by hand; blank is 未填写, never 0 or a claim."""

from __future__ import annotations

import pytest

from cpxl.report import analysis as A
from cpxl.tables import KINDS
from cpxl.workbook.read import read_workbook

from test_report_text import CLAIMS, D24, TEMPLATES, ZERO, case, text


@pytest.fixture(scope="module")
def books():
    return {kind.id: read_workbook(TEMPLATES / kind.workbook_file) for kind in KINDS.values()}


def no_claim(s: str) -> None:
    for c in CLAIMS:
        assert c not in s, (c, s)
    assert not ZERO.search(s), s


# ---- 4.3.1 / 9.5.4: 综合评价指数 (《清洁生产评价指标体系编制通则》2013) ---------------------------------------


def _ind(no, level1, w1, name, w2, levels, before, after=None, limiting="否"):
    return {"no": no, "level1": level1, "w1": w1, "indicator": name, "unit": "t", "w2": w2, "limiting": limiting,
            "direction": "越小越好", "level_1": levels[0], "level_2": levels[1], "level_3": levels[2],
            "value_before": before, "value_after": after}


IND = [
    _ind("1", "资源", 0.6, "甲", 0.5, (1, 2, 3), 1.5, 0.9),   # II级 → I级
    _ind("2", "资源", 0.6, "乙", 0.5, (10, 20, 30), 5, 5),    # I级 → I级
    _ind("3", "污染", 0.4, "丙", 1.0, (1, 2, 3), 2.5, 1.8),   # III级 → II级
]


def test_composite_index_filled(books):
    # Y_I = 100·(0.6·0.5·0 + 0.6·0.5·1 + 0.4·1·0) = 30; Y_II = 100·(0.3 + 0.3 + 0) = 60; Y_III = 100
    # → Y_III = 100 but Y_II < 85: III级 (国内清洁生产一般水平)
    s = text(A.level_analysis(case(books, IND_1=IND)))
    assert "对 3 项指标计算，审核前综合评价指数 Y_I = 30.00、Y_II = 60.00、Y_III = 100.00" in s
    assert "审核前清洁生产水平为III级（国内清洁生产一般水平）" in s
    # after: 甲 I, 乙 I, 丙 II → Y_I = 100·(0.3 + 0.3) = 60, Y_II = 100 → II级
    s = text(A.level_change(case(books, "acceptance", IND_1=IND)))
    assert "审核后综合评价指数 Y_I = 60.00、Y_II = 100.00、Y_III = 100.00，审核后清洁生产水平为II级（国内清洁生产先进水平）" in s
    assert "审核后级别提升的指标 2 项：甲（II级→I级）、丙（III级→II级）" in s


def test_composite_index_partly_filled_renormalises_and_says_so(books):
    # 丙 without a value: only 资源 (weight 0.6 → 1) is assessed: Y_I = 100·0.5 = 50, Y_II = 100 → II级
    rows = [dict(r) for r in IND]
    rows[2]["value_before"] = None
    s = text(A.level_analysis(case(books, IND_1=rows)))
    assert "对 2 项指标计算，审核前综合评价指数 Y_I = 50.00、Y_II = 100.00、Y_III = 100.00" in s
    assert "丙未填写审核前值，未参与计算，权重按已评价指标归一" in s
    assert "审核前清洁生产水平为II级" in s


def test_composite_index_needs_the_weights_and_limiting_values(books):
    rows = [dict(r) for r in IND]
    rows[1]["w2"] = None
    s = text(A.level_analysis(case(books, IND_1=rows)))
    assert "表IND.1中乙的二级指标分权重未填写，未计算审核前综合评价指数。" in s and "Y_I" not in s
    rows = [dict(r) for r in IND]
    rows[2].update(limiting="是", value_before=None)
    s = text(A.level_analysis(case(books, IND_1=rows)))
    assert "限定性指标丙的现状值未填写" in s and "Y_I" not in s
    # no weights at all: the level of each indicator only, no index
    rows = [{**r, "w1": None, "w2": None} for r in IND]
    s = text(A.level_analysis(case(books, IND_1=rows)))
    assert "综合评价指数" not in s and "共对标 3 项指标" in s


def test_composite_without_first_level_weights_uses_the_second_level_as_overall(books):
    # w1 blank everywhere: weights 0.5, 0.5, 1.0 are overall → Y_I = 100·0.5/2 = 25, Y_II = 100·1/2 = 50
    rows = [{**r, "w1": None} for r in IND]
    s = text(A.level_analysis(case(books, IND_1=rows)))
    assert "（二级指标权重），对 3 项指标计算，审核前综合评价指数 Y_I = 25.00、Y_II = 50.00、Y_III = 100.00" in s


# ---- 第八章 结论 ------------------------------------------------------------------------------------------------


def test_conclusion_of_a_blank_workbook_names_what_is_missing(books):
    s = text(A.conclusion(case(books)))
    assert "审核重点未填写（封面信息“审核重点”）" in s
    assert "清洁生产目标未填写（表D.24）" in s and "清洁生产方案未填写（表D.30）" in s
    assert "审核前清洁生产水平未填写" in s
    no_claim(s)


D33 = [{"indicator": "单位产品新鲜水耗", "exp_abs": 3.70},  # 3.70 ≤ 3.90 → 达到
       {"indicator": "单位产品综合能耗", "exp_abs": 35.0}]  # 35.0 > 34.5 → 未达到; 酒损率 has no row


def test_conclusion_targets_met_missed_and_blank(books):
    s = text(A.conclusion(case(books, D_24=D24, D_33=D33)))
    assert "本轮设置清洁生产目标 3 项，预计可达到 1 项、未达到 1 项，1 项未判断：" in s
    assert "单位产品新鲜水耗（m³/kL）：基准期值 4.30，近期目标降低至 3.90，预计 3.70，达到近期目标" in s
    assert "单位产品综合能耗（kgce/kL）：基准期值 37.87，近期目标降低至 34.50，预计 35，未达到近期目标" in s
    assert "酒损率（%）：基准期值未填写，近期目标值未填写，预计值未填写，未判断是否达到" in s
    # without D.33 nothing is said to be reached
    s = text(A.conclusion(case(books, D_24=D24)))
    assert "预计值均未填写，未判断目标完成情况" in s and "达到近期目标" not in s.replace("未判断是否达到", "")


OPTS = [
    {"option_id": "F01", "cost_class": "无/低费", "name": "巡检", "category": "管理", "investment": 1.0},
    {"option_id": "F02", "cost_class": "无/低费", "name": "保温", "category": "设备", "investment": 3.0},
    {"option_id": "F03", "cost_class": "中/高费", "name": "热回收", "category": "设备", "investment": 96.0},
    {"option_id": "F04", "cost_class": "中/高费", "name": "变频", "category": "设备"},  # investment blank
]


def test_conclusion_options_count_investment_and_implemented_share(books):
    # 1 + 3 + 96 + (blank) = 100 万元; 2 of 4 implemented = 50.0 %; 1.0 + 3.0 = 4 万元, 8.5 + 12 = 20.50 万元/a
    d34 = [{"option_id": "F01", "cost_class": "无/低费", "name": "巡检", "investment": 1.0, "econ_benefit": 8.5},
           {"option_id": "F02", "cost_class": "无/低费", "name": "保温", "investment": 3.0, "econ_benefit": 12}]
    s = text(A.conclusion(case(books, D_30=OPTS, D_34=d34)))
    assert "本轮共产生清洁生产方案 4 项（无/低费 2 项、中/高费 2 项），预计总投资 100 万元" in s
    assert "已实施方案 2 项（占方案总数的 50.0%），累计投资 4 万元，年经济效益 20.50 万元/a" in s
    s = text(A.conclusion(case(books, D_30=OPTS)))
    assert "已实施方案未填写（表D.34）" in s
    blank_money = [{k: v for k, v in r.items() if k != "investment"} for r in OPTS]
    s = text(A.conclusion(case(books, D_30=blank_money)))
    assert "预计总投资未填写" in s
    no_claim(s.replace("无/低费 2 项、中/高费 2 项", ""))


def test_conclusion_level_and_focus(books):
    f = case(books, cover={"focus": "酿造车间", "level_before": "国内先进水平"})
    s = text(A.conclusion(f))
    assert "本轮审核重点为酿造车间。" in s and "审核前企业清洁生产水平为国内先进水平。" in s
    s = text(A.level_change(case(books, "acceptance", cover={"level_before": "国内一般水平"})))
    assert "审核前企业清洁生产水平为国内一般水平。" in s and "审核后清洁生产水平未填写" in s


# ---- 1.8 审核依据 -------------------------------------------------------------------------------------------


def test_basis_lists_the_standards_of_the_filled_tables(books):
    s = text(A.basis(case(books)))
    assert "《中华人民共和国清洁生产促进法》" in s and "DB4101/T 61—2023" in s and "DB11/T 1156" in s
    for code in ("GB/T 2589", "GB/T 12452", "GB/T 3484", "评价指标体系编制通则"):
        assert code not in s, code
    s = text(A.basis(case(books, D_11=[{"energy": "电力", "total_unit": "万kWh", "total_3": 100}],
                         BAL_2=[{"unit": "糖化", "fresh": 10}],
                         IND_1=IND, D_16=[{"type": "废水", "standard": "GB 19821—2005", "factor": "COD"}])))
    assert "GB/T 2589-2020《综合能耗计算通则》" in s and "GB/T 12452《企业水平衡测试通则》" in s
    assert "清洁生产指标对标 3 项及综合评价指数" in s and "企业执行的污染物排放标准：GB 19821—2005" in s
    assert "GB/T 3484" not in s


# ---- acceptance 11.2.x --------------------------------------------------------------------------------------


def test_acceptance_targets_done(books):
    d42 = [{"indicator": "单位产品新鲜水耗", "act_abs": 3.66},  # 3.66 ≤ 3.90 → 达到
           {"indicator": "单位产品综合能耗", "act_abs": 36.0}]  # 36.0 > 34.5 → 未达到
    s = text(A.generate("acceptance", "11.2.2", case(books, "acceptance", cover={"focus": "酿造车间"}, D_24=D24, D_42=d42)))
    assert "本轮审核重点为酿造车间。" in s
    assert "实际达到 1 项、未达到 1 项，1 项未判断" in s and "实际 3.66，达到近期目标" in s and "实际 36，未达到近期目标" in s


def test_acceptance_compliance_blank_and_filled(books):
    f = case(books, "acceptance")
    assert text(A.compliance_status(f)) == "环保合规执行情况未填写。"  # the six printed items of D.14, no status
    rows = [dict(r) for r in f.d.rows("D.14")]
    rows[0]["status"] = "已取得排污许可证"
    s = text(A.compliance_status(case(books, "acceptance", D_14=rows)))
    assert "排污许可：已取得排污许可证" in s and "环境信息披露、环境守法、突发环境事件应急预案、重污染天气应急预案、环境信用评价未填写执行情况" in s
    no_claim(s)


def test_acceptance_benefits_blank(books):
    s = text(A.acceptance_benefits(case(books, "acceptance")))
    assert s == "方案实施效果核定未填写（表D.38–D.41）。"
    d38 = [{"option_id": "F01", "cost_class": "无/低费", "name": "巡检", "investment": 2.5}]
    s = text(A.acceptance_benefits(case(books, "acceptance", D_38=d38)))
    assert "核定实施清洁生产方案 1 项，核定实际投资 2.50 万元，年经济效益未填写" in s


# ---- region 第五章 ---------------------------------------------------------------------------------------------


def test_region_conclusion(books):
    assert text(A.region_conclusion(case(books, "region"))) == "区域审核对象企业及汇总数据未填写（表R.1–R.6）。"
    r1 = [{"no": 1, "company": "甲", "district": "A区", "scale": "中型"}, {"no": 2, "company": "乙", "district": "B区"}]
    r5 = [{"no": 1, "name": "空压机变频", "category": "能源消耗", "investment": 20, "benefit": 8}]
    s = text(A.region_conclusion(case(books, "region", R_1=r1, R_5=r5)))
    # 20 / 8 = 2.50 years
    assert "对象企业共 2 家，分布于A区（1家）、B区（1家）" in s
    assert "投资合计 20 万元，年效益合计 8 万元，总体静态投资回收期约 2.50 年" in s
    no_claim(s)


@pytest.mark.parametrize("kind, key", [("audit", "8"), ("audit", "1.8"), ("audit", "4.3.1"), ("acceptance", "11.2.1"),
                                       ("acceptance", "11.2.2"), ("acceptance", "11.2.3"), ("acceptance", "11.2.4"),
                                       ("acceptance", "11.2.5"), ("acceptance", "9.5.4"), ("region", "5")])
def test_new_sections_claim_nothing_on_a_blank_workbook(books, kind, key):
    f = case(books, kind)
    s = text(A.generate(kind, key, f))
    no_claim(s)
    assert not [p for p in f.d.problems if "数据分析" in p]


# ---- 【数据分析】 in 章节文字 ------------------------------------------------------------------------------------


def test_analysis_marker_in_auditor_text(tmp_path):
    """A line 【数据分析】 in 章节文字 is replaced by the generated analysis; no 【待补充】 for that section."""
    from docx import Document

    from cpxl.demo import demo_data
    from cpxl.report import export_report
    from cpxl.workbook.build import build_workbook, save_workbook

    data = demo_data("audit")
    texts = [dict(r) for r in data["章节文字"]]
    for r in texts:
        if r["number"] == "4.5":
            r["text"] = "目标依据行业先进值设置。\n【数据分析】"
        if r["number"] == "7.2.1":
            r["text"] = "方案介绍：回收煮沸二次蒸汽。\n【数据分析】"
    book = save_workbook(build_workbook("audit", {**data, "章节文字": texts}), tmp_path / "marker.xlsx")
    result = export_report(book, tmp_path / "marker.docx")
    assert "4.5" not in result.pending and "7.2.1" not in result.pending
    paras = [p.text for p in Document(str(result.path)).paragraphs]
    i = paras.index("目标依据行业先进值设置。")
    assert paras[i + 1].startswith("本轮审核设置清洁生产目标 6 项")
    j = paras.index("方案介绍：回收煮沸二次蒸汽。")
    assert paras[j + 1].startswith("按总投资 I = 168 万元") and "【数据分析】" not in "\n".join(paras)
