"""Structure of the tables beyond 附录 D/E: balances, scoring, benchmarking and acceptance extras
(DB11/T 1156, DB4101/T 61), the park audit (T/CPPC 工业园区清洁生产审核指南) and the regional audit
(京津冀清洁生产协同审核导则), with spot checks against the standards and worked examples computed in the cells."""

from __future__ import annotations

import re

import pytest

from cpxl.tables import KINDS, balances, park, region, registry
from cpxl.tables.checks import OptionIds
from cpxl.tables.model import Table

EXTRA: list[Table] = [*balances.BALANCE_TABLES, *balances.ACCEPTANCE_TABLES, *park.PARK_TABLES, *region.REGION_TABLES]


#: Report sections: park report frame (附件2 附录A, A.2.x.y → x.y) and regional frame (附录A).
PARK_SECTIONS = {"3.2", "3.3", "4.1", "4.2", "4.3", "4.4", "5.1", "5.2", "5.3", "6.1", "6.2", "7.1", "7.2"}
REGION_SECTIONS = {"1.1", "1.2", "2", "2.1", "2.2", "2.3", "2.4", "2.5.1", "2.5.2", "2.6.1", "2.6.2", "2.6.3",
                   *(f"3.{i}" for i in range(1, 11)), "4.1", "4.2", "4.3", "4.4"}


def items(table: Table):
    return [(c.key, c.formula) for c in table.columns] + [(f.key, f.formula) for f in table.fields]


def keys(table: Table) -> set[str]:
    return {k for k, _ in items(table)}


def labels(table: Table) -> list[str]:
    return [c.label for c in table.columns]


def row_values(table: Table, key: str) -> list:
    i = table.row_keys.index(key)
    return [row[i] if i < len(row) else None for row in table.rows]


def data_rows(table: Table) -> list[tuple]:
    """Fixed rows that are not section headings (一、…)."""
    return [r for r in table.rows if not (len(r) == 1 and isinstance(r[0], str) and re.match(r"^[一二三四五六七八九十]、", r[0]))]


# --- the lists -------------------------------------------------------------------------------------------


def test_ids_and_order():
    assert [t.id for t in balances.BALANCE_TABLES] == ["BAL.1", "BAL.2", "BAL.3", "BAL.4", "SCO.1", "SCO.2", "ECO.1", "IND.1"]
    assert [t.id for t in balances.ACCEPTANCE_TABLES] == ["ACC.1", "ACC.2", "ACC.3"]
    assert sorted(t.id for t in park.PARK_TABLES) == ["B.1", "B.2", "B.3", "B.4", "P.1", "P.2"]
    assert [t.id for t in region.REGION_TABLES] == [f"R.{i}" for i in range(1, 8)]
    ids = [t.id for t in EXTRA]
    assert len(ids) == len(set(ids))


def test_kinds_and_conditions():
    for t in balances.BALANCE_TABLES:
        assert t.kinds == ("audit", "acceptance"), t.id
    for t in balances.ACCEPTANCE_TABLES:
        assert t.kinds == ("acceptance",) and t.applies == "acceptance", t.id
    for t in park.PARK_TABLES:
        assert t.kinds == ("park",), t.id
    for t in region.REGION_TABLES:
        assert t.kinds == ("region",), t.id
    for t in EXTRA:
        assert set(t.kinds) <= set(KINDS)


@pytest.mark.parametrize("kind", KINDS)
def test_registries_hold_the_extra_tables(kind):
    ids = registry(kind).ids
    assert len(ids) == len(set(ids))
    for t in EXTRA:
        assert (t.id in ids) == (kind in t.kinds), (kind, t.id)


@pytest.mark.parametrize("kind", KINDS)
def test_a_workbook_is_read_as_its_kind(kind):
    """The reader tells a workbook's kind by its marker table's sheet (Kind.marker); audit has none."""
    from cpxl.workbook.read import detect_kind

    assert detect_kind([t.sheet_name for t in registry(kind)]) == kind


def test_report_sections():
    audit = {s.number for s in KINDS["audit"].frame if s.number}
    acceptance = {s.number for s in KINDS["acceptance"].frame if s.number}
    for t in balances.BALANCE_TABLES:
        assert t.section in audit and t.section in acceptance, t.id
    for t in balances.ACCEPTANCE_TABLES:
        assert t.section in acceptance, t.id
    for t in park.PARK_TABLES:
        assert t.section in PARK_SECTIONS, t.id
    for t in region.REGION_TABLES:
        assert t.section in REGION_SECTIONS or (t.section == "" and not t.report), t.id
    sections = {t.id: t.section for t in EXTRA}
    assert {k: sections[k] for k in ("BAL.1", "BAL.2", "BAL.3", "BAL.4")} == dict.fromkeys(("BAL.1", "BAL.2", "BAL.3", "BAL.4"), "5.2.2")
    assert (sections["SCO.1"], sections["SCO.2"], sections["IND.1"]) == ("4.4.2", "6.3", "4.3.1")
    assert (sections["ACC.1"], sections["ACC.2"], sections["ACC.3"]) == ("8", "9.1", "9.5.1")


# --- columns, fields, rows -------------------------------------------------------------------------------


# --- formulas --------------------------------------------------------------------------------------------


def test_declared_checks():
    from cpxl.tables import checks as C

    declared = {type(c) for t in EXTRA for c in t.checks}
    assert declared == {
        C.MaterialBalance, C.RowBalance, C.Shares, C.WeightedScore, C.LevelOrder, C.ParkSelection, C.OptionIds,
        C.UnitsPresent,
    }
    assert balances.BAL1.checks[0] == C.MaterialBalance(tolerance="物料平衡允许偏差")
    # GB/T 12452: Vf = Vco + Vd + Vl, within 参数 水平衡允许偏差
    assert balances.BAL2.checks == (
        C.RowBalance("fresh", ("consumed", "discharged", "leaked"), tolerance="水平衡允许偏差", what="水平衡", clause="GB/T 12452"),
    )


# --- balances (DB11/T 1156 7.3, GB/T 12452, GB/T 3484) ----------------------------------------------------


def test_material_balance_columns():
    t = balances.BAL1
    for label in ("单元操作", "方向", "物料名称", "类别", "单位", "数量", "去向/来源", "测定方法/数据来源", "备注"):
        assert label in labels(t)
    assert t.column("direction").choices == ("输入", "输出")
    assert {"原辅材料", "产品", "副产品", "废水", "废气", "固体废物", "损失", "中间产品"} <= set(t.column("category").choices)
    assert "5%" in t.note and "7.3.4" in t.source


def test_water_balance_gbt12452():
    t = balances.BAL2
    assert t.total_label == "合计"
    units = {c.key: c.unit for c in t.columns if c.unit}
    assert set(units.values()) == {"m³/d"}
    assert set(units) == {"fresh", "reused", "total", "consumed", "discharged", "leaked"}
    assert "CP_REUSE_RATE" in t.column("reuse_rate").cp and "CP_WATER_DEV" in t.column("dev").cp


def test_energy_balance_gbt3484():
    t = balances.BAL3
    assert {c.unit for c in t.columns if c.unit} == {"kgce/a"}
    assert [c.label for c in t.columns if c.group == ("损失能量",)] == ["排烟损失", "散热损失", "其他损失"]
    assert "CP_ENERGY_EFF({c[effective]}{r},{c[supplied]}{r})" in t.column("efficiency").cp


def test_pollutant_balance():
    t = balances.BAL4
    for label in ("污染因子", "产生环节", "产生量", "收集效率", "收集量", "去除效率", "去除量", "有组织排放量", "无组织排放量", "理论排放量"):
        assert label in labels(t)
    assert "CP_EMISSION({c[generated]}{r},{c[capture_eff]}{r},{c[removal_eff]}{r})" in t.column("theoretical").cp
    assert t.column("method").choices == ("实测法", "物料衡算法", "产排污系数法", "类比法")  # 7.2.5.6


# --- scoring, benchmarking, acceptance ---------------------------------------------------------------------


@pytest.mark.parametrize("table", [balances.SCO1, balances.SCO2])
def test_weighted_scoring_layout(table):
    """First row: 权重值W; criteria scored 1–10; 总分 = Σ W·R with W from that first row; ranked."""
    criteria = balances.FOCUS_CRITERIA if table.id == "SCO.1" else balances.OPTION_CRITERIA
    assert table.rows[0][0] == balances.WEIGHT_LABEL and table.row_keys[0] == "no"
    assert list(table.rows[0][1:]) == [w for _, _, w in criteria]
    score = table.column("score").formula
    for k, _, _ in criteria:
        assert f"INDEX({{x[{table.id}:{k}]}},1)" in score
    assert "CP_RANK" in table.column("rank").cp


def test_focus_criteria_named_in_the_manual():
    names = [label for _, label, _ in balances.FOCUS_CRITERIA]
    for name in ("废弃物量", "主要消耗", "环境代价", "市场发展潜力", "车间积极性"):
        assert name in names
    assert dict((label, w) for _, label, w in balances.FOCUS_CRITERIA)["废弃物量"] == 10


def test_option_scoring_has_option_ids():
    assert "option_id" in keys(balances.SCO2) and OptionIds() in balances.SCO2.checks
    assert [label for _, label, _ in balances.OPTION_CRITERIA][:4] == ["环境效果", "经济可行性", "技术可行性", "可实施性"]


def test_indicator_benchmarking():
    t = balances.IND1
    for label in ("一级指标", "二级指标", "单位", "限定性指标", "指标方向", "Ⅰ级基准值", "Ⅱ级基准值", "Ⅲ级基准值", "企业现状值", "审核后值"):
        assert label in labels(t)
    assert t.column("direction").choices == ("越小越好", "越大越好")
    for key, value in (("grade_before", "value_before"), ("grade_after", "value_after")):
        f = t.column(key).cp
        assert f"CP_LEVEL({{c[{value}]}}{{r}},{{c[level_1]}}{{r}},{{c[level_2]}}{{r}},{{c[level_3]}}{{r}}," in f
        assert '"higher","lower"' in f


def test_acceptance_tables():
    assert labels(balances.ACC1)[1:] == ["审核评估技术审查意见", "落实情况", "报告修改内容", "页码"]
    acc2 = balances.ACC2
    assert [c.label for c in acc2.columns if c.group == ("调整后主要内容",)] == ["工艺", "设备", "拟达效果"]
    assert {"原投资", "调整后投资", "调整原因"} <= set(labels(acc2))
    acc3 = balances.ACC3
    assert "CP_REDUCTION({c[before]}{r},{c[after]}{r})" in acc3.column("change_rate").cp
    assert acc3.column("change").negative_ok and acc3.column("change_rate").negative_ok


# --- park (T/CPPC 工业园区清洁生产审核指南) ----------------------------------------------------------------

#: 附表1 as printed: 必选 indicators, and the “至少选 1 项” groups of the 可选 ones.
PARK_MANDATORY = {1, 9, 12, 13, 14, 17, 18, 21, 22, 23, 24, 25, 26}
PARK_GROUPS = [{2, 3, 4}, {5, 6}, {7, 8}, {10, 11}, {15, 16}, {19, 20}]


def test_park_evaluation_has_26_indicators_13_mandatory():
    t = park.P1
    assert len(t.rows) == 26 and t.free_rows == 0
    assert row_values(t, "no") == list(range(1, 27))
    requirement = dict(zip(row_values(t, "no"), row_values(t, "requirement")))
    mandatory = {n for n, r in requirement.items() if r == "必选"}
    assert len(mandatory) == 13 and mandatory == PARK_MANDATORY
    assert all(r.startswith("可选") for n, r in requirement.items() if n not in mandatory)
    for group in PARK_GROUPS:
        for n in group:
            assert all(str(m) in requirement[n] for m in group), (n, requirement[n])
    selected = dict(zip(row_values(t, "no"), row_values(t, "selected")))
    assert {n for n, s in selected.items() if s == "是"} == PARK_MANDATORY


def test_park_rows_built_from_the_indicator_data():
    from cpxl.calc.park import PARK_INDICATORS

    assert row_values(park.P1, "name") == [p.name for p in PARK_INDICATORS]
    assert row_values(park.P1, "general") == [p.general_text for p in PARK_INDICATORS]


@pytest.mark.parametrize(
    "no, category, name, unit, general, advanced",
    [
        (1, "经济发展", "高新技术产业增加值占园区生产总值比值", "%", "≥30", "≥50"),
        (2, "经济发展", "人均工业增加值", "万元/人", "≥15", "≥20"),
        (7, "能源利用", "单位工业增加值综合能耗", "吨标煤/万元", "≤0.5", "≤0.3"),
        (9, "基础设施", "污水集中处理设施", "—", "具备", "具备"),
        (13, "环境保护", "工业园区内企事业单位发生特别重大、重大突发环境事件数量", "次", "0", "0"),
        (15, "环境保护", "单位工业增加值废水排放量", "吨/万元", "≤7", "≤3"),
        (17, "环境保护", "园区空气质量优良率", "%", "≥80", "≥95"),
        (20, "低碳发展", "园区二氧化碳排放量增长率", "%", "≤5", "≤3"),
        (23, "清洁生产", "园区清洁生产宣传活动", "次/年", "≥3", "≥5"),
        (26, "园区管理", "重点企业环境信息公开率", "%", "100", "100"),
    ],
)
def test_park_indicator_spot_checks(no, category, name, unit, general, advanced):
    row = dict(zip(park.P1.row_keys, park.P1.rows[no - 1]))
    assert (row["no"], row["category"], row["name"], row["unit"], row["general"], row["advanced"]) == (
        no, category, name, unit, general, advanced)


def test_park_level_formula():
    t = park.P1
    assert "CP_PARK_LEVEL({c[no]}{r}," in t.column("level").cp
    assert t.column("value").negative_ok  # growth rates may be negative


def test_park_tables_as_printed():
    """附件2 附录B: every printed column, in the printed order."""

    def in_order(table, printed):
        got = labels(table)
        positions = [got.index(p) for p in printed]
        assert positions == sorted(positions), (table.id, got)

    in_order(park.B1, ["姓名", "小组职务", "所在部门及职务", "职责"])
    in_order(park.B2, ["序号", "阶段", "行动方案", "工作内容", "完成时间"])
    in_order(park.B3, ["序号", "方案名称", "实施主体", "方案简介", "环境效益", "经济效益", "实施情况"])
    assert labels(park.B4) == ["项目", "主要内容", "时间", "负责部门"]
    assert park.B1.title == "清洁生产审核领导小组组成及职责分配表"
    assert park.B3.title == "清洁生产方案汇总表" and park.B4.title == "持续清洁生产计划表"
    assert park.B2.column("phase").choices == ("筹划和组织", "初步审核", "重点审核", "方案产生和筛选", "结论和建议")


def test_park_base_data_covers_the_indicator_formulas():
    t = park.P2
    items = row_values(t, "item")
    for needed in ("园区工业增加值", "园区工业综合能耗总量", "园区二氧化碳排放量", "园区工业废水排放总量", "园区用地总面积", "园区重点企业总数"):
        assert needed in items
    used = set()
    for value in row_values(t, "used_by"):
        used |= {int(x) for x in re.findall(r"\d+", value or "")}
    # every quantitative indicator has its inputs (9, 12, 22 are qualitative)
    assert used == set(range(1, 27)) - {9, 12, 22}
    assert [c.label for c in t.columns if c.group == ("数值",)] == ["三年前", "{y1}年", "{y2}年", "{y3}年"]


# --- region (京津冀清洁生产协同审核导则) --------------------------------------------------------------------


def test_region_enterprise_list():
    for label in ("企业名称", "统一社会信用代码", "行业代码", "区县/辖区", "规模", "审核类型", "审核轮次", "工作簿文件"):
        assert label in labels(region.R1)


def test_region_key_indicators_7_2_6():
    """单位产品/产值 水耗、综合能耗、碳排放、污染物排放, each computed from a total."""
    got = labels(region.R2)
    for basis in ("单位产品", "单位产值"):
        for name in ("水耗", "综合能耗", "碳排放", "化学需氧量排放量", "氨氮排放量", "二氧化硫排放量", "氮氧化物排放量"):
            assert basis + name in got
    assert region.R2.column("energy_pp").unit == "kgce/单位产品" and "*1000" in region.R2.column("energy_pp").formula
    assert region.R2.column("energy_pv").unit == "tce/万元"


def test_region_benchmark_rows_match_the_key_indicators():
    t = region.R3
    rows = data_rows(t)
    assert [r[0] for r in rows] == list(range(1, 21))
    by_key = {c.key: c for c in region.R2.columns}
    for (n, label, unit), (_fam, key, _l, _u) in zip(rows, region.BENCHMARK_ORDER):
        assert (by_key[key].label, by_key[key].unit) == (label, unit)
    assert "QUARTILE(" in t.column("advanced").formula and "MEDIAN(" in t.column("median").formula


def test_region_problem_and_option_lists():
    assert region.REGION_CATEGORIES[0] == "生产技术工艺" and region.REGION_CATEGORIES[-1] == "其他"
    assert len(region.REGION_CATEGORIES) == 10  # 附录A 3.1–3.10
    for label in ("问题类别", "问题", "产生环节", "问题影响", "原因", "解决方案方向", "涉及企业数", "企业名单"):
        assert label in labels(region.R4)
    for label in ("方案名称", "方案内容或技术原理", "适用范围", "投资", "效益", "投资回收期", "适用企业数"):  # 7.4.2
        assert label in labels(region.R5)
    assert "CP_PAYBACK({c[investment]}{r},{c[benefit]}{r})" in region.R5.column("payback").cp
    assert labels(region.R7)[2:] == ["企业工作簿", "工作表", "单元格", "级别", "规则", "说明"]


# --- worked examples computed in the cells -----------------------------------------------------------------


def _evaluate(tmp_path, kind, data):
    from cpxl.workbook.build import build_workbook, save_workbook
    from cpxl.workbook.engine import evaluate_values

    path = save_workbook(build_workbook(kind, data), tmp_path / f"{kind}.xlsx")
    values = evaluate_values(path)
    return lambda sheet, cell: values.get((sheet, cell))


def _cell(table: Table, key: str, index: int) -> str:
    from cpxl.workbook.layout import Layout

    layout = Layout(table)
    return f"{layout.letter(key)}{layout.data_row + index}"


@pytest.mark.slow  # the formula engine over a whole built workbook
def test_balances_computed_in_cells(tmp_path):
    data = {
        "BAL.1": [
            dict(unit_op="发酵", direction="输入", material="麦汁", category="原辅材料", qty_unit="t/a", qty=100),
            dict(unit_op="发酵", direction="输出", material="发酵液", category="中间产品", qty_unit="t/a", qty=96),
            dict(unit_op="发酵", direction="输出", material="二氧化碳", category="废气", qty_unit="t/a", qty=3),
            dict(unit_op="过滤", direction="输入", material="发酵液", category="中间产品", qty_unit="t/a", qty=96),
            dict(unit_op="过滤", direction="输出", material="清酒", category="产品", qty_unit="t/a", qty=90),
            dict(unit_op="过滤", direction="输出", material="酒糟", category="固体废物", qty_unit="t/a", qty=4),
        ],
        "BAL.2": [dict(unit="锅炉房", fresh=100, reused=300, consumed=20, discharged=75, leaked=2)],
        "BAL.3": [dict(unit="锅炉", energy="天然气", supplied=1000, effective=800, loss_flue=120, loss_surface=50, loss_other=10)],
        "BAL.4": [dict(pollutant="挥发性有机物", stage="涂装", generated=10, capture_eff=0.9, removal_eff=0.8,
                       removed=7.2, stack=1.8, fugitive=1.0)],
        "SCO.1": [dict(_section=0, candidate="涂装车间", waste=8, consumption=7, env_cost=9, toxic=8, potential=6, market=5, workshop=8),
                  dict(_section=0, candidate="锅炉房", waste=5, consumption=9, env_cost=6, toxic=2, potential=7, market=4, workshop=9)],
        "IND.1": [dict(level1="资源能源消耗指标", indicator="单位产品综合能耗", unit="kgce/t", direction="越小越好",
                       level_1=50, level_2=60, level_3=70, value_before=65, value_after=55)],
    }
    at = _evaluate(tmp_path, "audit", data)
    b1 = balances.BAL1.sheet_name
    from cpxl.workbook.layout import Layout

    form = Layout(balances.BAL1)
    assert at(b1, form.field_ref("total_in").replace("$", "")) == pytest.approx(100)  # intermediates left out
    assert at(b1, form.field_ref("total_out").replace("$", "")) == pytest.approx(97)
    assert at(b1, form.field_ref("total_dev").replace("$", "")) == pytest.approx(0.03)
    assert at(b1, form.field_ref("verdict").replace("$", "")) == "平衡"  # within 5 % (7.3.4 b)
    assert at(b1, _cell(balances.BAL1, "unit_dev", 0)) == pytest.approx(0.01)  # 发酵 (100 − 99)/100
    assert at(b1, _cell(balances.BAL1, "unit_dev", 3)) == pytest.approx(2 / 96)  # 过滤
    b2 = balances.BAL2.sheet_name
    assert at(b2, _cell(balances.BAL2, "total", 0)) == pytest.approx(400)
    assert at(b2, _cell(balances.BAL2, "reuse_rate", 0)) == pytest.approx(0.75)
    assert at(b2, _cell(balances.BAL2, "dev", 0)) == pytest.approx(0.03)
    assert at(b2, _cell(balances.BAL2, "reuse_rate", 1)) in (None, "")  # blank row stays blank
    b3 = balances.BAL3.sheet_name
    assert at(b3, _cell(balances.BAL3, "efficiency", 0)) == pytest.approx(0.8)
    assert at(b3, _cell(balances.BAL3, "dev", 0)) == pytest.approx(0.02)
    b4 = balances.BAL4.sheet_name
    assert at(b4, _cell(balances.BAL4, "theoretical", 0)) == pytest.approx(10 * (1 - 0.9 * 0.8))
    assert at(b4, _cell(balances.BAL4, "dev", 0)) == pytest.approx(0, abs=1e-12)
    s1 = balances.SCO1.sheet_name
    assert at(s1, _cell(balances.SCO1, "score", 0)) in (None, "")  # the weights row
    # 8×10 + 7×8 + 9×8 + 8×8 + 6×5 + 5×5 + 8×2 = 343; 5×10 + 9×8 + 6×8 + 2×8 + 7×5 + 4×5 + 9×2 = 259
    assert at(s1, _cell(balances.SCO1, "score", 1)) == pytest.approx(343)
    assert at(s1, _cell(balances.SCO1, "score", 2)) == pytest.approx(259)
    assert at(s1, _cell(balances.SCO1, "rank", 1)) == 1 and at(s1, _cell(balances.SCO1, "rank", 2)) == 2
    i1 = balances.IND1.sheet_name
    assert at(i1, _cell(balances.IND1, "grade_before", 0)) == "III级"
    assert at(i1, _cell(balances.IND1, "grade_after", 0)) == "II级"


@pytest.mark.slow  # the formula engine over a whole built workbook
def test_park_levels_and_gaps_computed_in_cells(tmp_path):
    values = {1: dict(value=0.35), 7: dict(value=0.6), 9: dict(state="具备"), 15: dict(value=2), 19: dict(value=-0.02),
              23: dict(value=4)}
    rows = [values.get(n, {}) for n in range(1, 27)]
    at = _evaluate(tmp_path, "park", {"P.1": rows})
    s = park.P1.sheet_name
    expect = {  # (level, gap in the printed unit)
        1: ("一般水平", 15),  # 35 % vs ≥30 / ≥50
        7: ("未达到一般水平", 0.1),  # 0.6 vs ≤0.5
        9: ("先进水平", None),
        15: ("先进水平", 0),  # 2 vs ≤7 / ≤3
        19: ("未达到一般水平", 5),  # −2 % vs ≥3
        23: ("一般水平", 1),  # 4 times vs ≥3 / ≥5
    }
    for no, (level, gap) in expect.items():
        assert at(s, _cell(park.P1, "level", no - 1)) == level, no
        got = at(s, _cell(park.P1, "gap", no - 1))
        assert (got in (None, "")) if gap is None else got == pytest.approx(gap), (no, got)
    assert at(s, _cell(park.P1, "level", 1)) in (None, "")  # not evaluated


@pytest.mark.slow  # the formula engine over a whole built workbook
def test_region_benchmarks_computed_in_cells(tmp_path):
    firms = [("甲", 1000, 5000, 800), ("乙", 2000, 8000, 1400), ("丙", 500, 3000, 500), ("丁", 800, 4000, 600)]
    rows = [dict(company=c, output_unit="t", output=o, value=v, energy=e) for c, o, v, e in firms]
    at = _evaluate(tmp_path, "region", {"R.2": rows})
    intensities = sorted(e / v for _, _, v, e in firms)  # tce/万元: 0.15, 0.16, 0.1667, 0.175
    index = region.R3.rows.index(next(r for r in region.R3.rows if r[1:2] == ("单位产值综合能耗",)))
    s = region.R3.sheet_name
    assert at(s, _cell(region.R3, "count", index)) == 4
    assert at(s, _cell(region.R3, "best", index)) == pytest.approx(intensities[0])
    assert at(s, _cell(region.R3, "median", index)) == pytest.approx((intensities[1] + intensities[2]) / 2)
    q1 = intensities[0] + 0.75 * (intensities[1] - intensities[0])  # QUARTILE(…,1), inclusive method
    assert at(s, _cell(region.R3, "advanced", index)) == pytest.approx(q1)
    assert at(s, _cell(region.R3, "behind", index)) == 3
    r2 = region.R2.sheet_name
    assert at(r2, _cell(region.R2, "energy_pp", 0)) == pytest.approx(800)  # 800 tce / 1000 t = 800 kgce/t


@pytest.mark.slow  # the formula engine over a whole built workbook
def test_option_economics_sheet_computes_the_manual_example(tmp_path):
    """ECO.1 evaluated headless. Published example (《企业清洁生产审核手册》): I = 10 万元, P = 1.58 万元/a,
    Y = 10 a, tax 25 %: D = 10/10 = 1, T = 1.58 − 1 = 0.58, E = 0.58 − 0.145 = 0.435, F = 0.435 + 1 = 1.435,
    N = 10/1.435 = 6.97 a. NPV at 8 % (参数 default): annuity factor (1 − 1.08^−10)/0.08 = 6.7101,
    1.435 × 6.7101 − 10 = −0.371 万元 → 不可行. Second row: 12 万元 with a 2 万元 subsidy gives the same I."""
    import openpyxl

    from cpxl.workbook.build import build_workbook, save_workbook
    from cpxl.workbook.engine import calc_workbook
    from cpxl.workbook.layout import Layout

    rows = [
        {"option_id": "F01", "name": "示例方案", "investment": 10, "saving": 1.58, "life": 10},
        {"option_id": "F02", "name": "有补贴", "investment": 12, "subsidy": 2, "saving": 1.58, "life": 10},
    ]
    src = save_workbook(build_workbook("audit", {"ECO.1": rows}), tmp_path / "eco.xlsx")
    out = tmp_path / "eco-calc.xlsx"
    calc_workbook(src, out)
    table = balances.ECO1
    layout = Layout(table)
    ws = openpyxl.load_workbook(out, data_only=True)[table.sheet_name]
    for r in (layout.data_row, layout.data_row + 1):
        value = {c.key: ws[f"{layout.letter(c.key)}{r}"].value for c in table.columns}
        assert value["cash_flow"] == pytest.approx(1.435)
        assert value["payback"] == pytest.approx(6.97, abs=0.005)
        assert value["npv"] == pytest.approx(-0.371, abs=0.001)
        assert value["verdict"].startswith("不可行")
