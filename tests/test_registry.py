"""Structure of the enterprise table registry (DB4101/T 61—2023 附录 D and 附录 E)."""

from __future__ import annotations

import re

import pytest

from cpxl.tables import CONDITIONS, KINDS, enterprise, registry
from cpxl.tables.checks import OptionCategory, OptionIds, PlanDates, TargetConsistency
from cpxl.tables.common import COVER
from cpxl.tables.model import EIGHT_CATEGORIES, Table

TABLES: list[Table] = enterprise.TABLES
BY_ID = {t.id: t for t in TABLES}

EXPECTED_IDS = [f"D.{i}" for i in range(1, 44)] + [f"E.{i}" for i in range(1, 5)]

#: Report sections of 附录 B.1 (审核报告) and B.2 (验收报告) a table may belong to, and 附件.
SECTIONS = {
    *("3.1", "3.2", "3.3", "3.4", "3.5"),
    *("4.1.1", "4.1.2", "4.1.3", "4.1.4", "4.2", "4.3.1", "4.3.2", "4.4.1", "4.4.2", "4.5", "4.6"),
    *("5.1", "5.2.1", "5.2.2", "5.2.3", "5.3"),
    *("6.1", "6.2", "6.3"),
    *("7.1", "7.2", "7.3", "7.4", "7.5"),
    "8",
    *("9.1", "9.2", "9.3", "9.4", "9.5.1", "9.5.2", "9.5.3", "9.5.4", "9.6"),
    *("10.1", "10.2", "10.3"),
    *("11.1", "11.2.1", "11.2.2", "11.2.3", "11.2.4", "11.2.5", "11.3", "11.4"),
    "附件",
}

#: In-cell functions of the add-in a formula may call.


def items(table: Table):
    """(key, formula) of every column and field of `table`."""
    return [(c.key, c.formula) for c in table.columns] + [(f.key, f.formula) for f in table.fields]


def keys(table: Table) -> set[str]:
    return {k for k, _ in items(table)}


def leaves(table: Table) -> list[tuple[tuple[str, ...], str, str]]:
    return [(c.group, c.label, c.unit) for c in table.columns]


def row_values(table: Table, key: str) -> list:
    i = table.row_keys.index(key)
    return [row[i] if i < len(row) else None for row in table.rows]


# --- the list --------------------------------------------------------------------------------------------


def test_ids_in_order():
    assert [t.id for t in TABLES] == EXPECTED_IDS
    assert len(TABLES) == 47


def test_sources_and_sections():
    for t in TABLES:
        prefix = enterprise.SRC if t.id.startswith("D") else enterprise.SRC_E
        assert t.source.startswith(prefix + t.id), t.id
        assert t.section in SECTIONS, (t.id, t.section)
        assert t.title and t.caption == t.title
        assert set(t.kinds) == {"audit", "acceptance"} and set(t.kinds) <= set(KINDS), t.id


# --- columns, fields, rows -------------------------------------------------------------------------------


# --- formulas --------------------------------------------------------------------------------------------


def all_formulas():
    for t in [*TABLES, COVER]:
        for key, formula in items(t):
            if formula:
                yield t, key, formula


def test_cross_ranges_leave_out_total_rows():
    """A cross-sheet range runs past the referenced table's 合计 row: never SUM it plainly. (ISNUMBER over a
    column only counts inside a SUMPRODUCT whose other factor selects rows by a label the 合计 row lacks.)"""
    for t, key, formula in all_formulas():
        for table_id, col in re.findall(r"(?<!IF)(?<!ISNUMBER)\(\{x\[([^:\]]+):([^\]]+)\]\}\)", formula):
            target = BY_ID[table_id]
            assert not (target.total_label and target.column(col).total), (t.id, key, table_id, col)
        for table_id, col in re.findall(r"\bSUM\(\{x\[([^:\]]+):([^\]]+)\]\}", formula):
            assert not BY_ID[table_id].total_label, (t.id, key, table_id, col)


def test_row_labels_in_formulas_exist():
    """Row names a formula picks by label (SUMIF criteria, IF tests on 项目/指标) are fixed rows."""
    for tid in ("D.36", "D.39", "E.4"):
        t = BY_ID[tid]
        key = "indicator" if tid == "E.4" else "item"
        names = set(row_values(t, key))
        formulas = [c.formula for c in t.columns if c.formula]
        assert formulas, tid
        for f in formulas:
            quoted = re.findall(r'\{c\[' + key + r'\]\}\{r\}="([^"]+)"', f)
            quoted += re.findall(r'SUMIF\(\{x\[' + re.escape(tid) + r':item\]\},"([^"]+)"', f)
            assert quoted, tid
            for name in quoted:
                assert name in names, (tid, name)


# --- options ---------------------------------------------------------------------------------------------

OPTION_TABLES = ("D.30", "D.31", "D.32", "D.34", "D.35", "D.38")
CATEGORY_TABLES = ("D.25", "D.30", "D.32", "D.34", "D.38")


def test_option_ids_and_checks():
    for t in TABLES:
        has_id = any(c.key == "option_id" for c in t.columns)
        assert has_id == (t.id in OPTION_TABLES), t.id
        if has_id:
            assert any(isinstance(c, OptionIds) for c in t.checks), t.id


def test_eight_categories_on_every_option_type():
    for t in TABLES:
        for c in t.columns:
            if c.label in ("方案类型", "方案分类", "建议类别"):
                assert c.key == "category" and c.choices == EIGHT_CATEGORIES, (t.id, c.label)
                assert OptionCategory() in t.checks, t.id
    for tid in CATEGORY_TABLES:
        assert BY_ID[tid].column("category").choices == EIGHT_CATEGORIES
    assert BY_ID["D.38"].column("category").label == "方案分类"


def test_cost_class():
    for tid in ("D.30", "D.34", "D.38"):
        col = BY_ID[tid].column("cost_class")
        assert col.choices == ("无/低费", "中/高费") and not col.computed
    assert BY_ID["D.31"].column("cost_class").computed


def test_option_totals():
    for tid, label, key in (("D.30", "汇总", "investment"), ("D.34", "汇总", "investment"), ("D.38", "合计", "investment")):
        t = BY_ID[tid]
        assert t.total_label == label
        col = t.column(key)
        assert col.total and col.unit == "万元" and col.type == "number"


def test_declared_checks():
    # D.35 lists one row per step of an option: its dates restart per option, its ids repeat on consecutive rows
    assert {PlanDates(group_by="option_id"), OptionIds(steps=True)} <= set(BY_ID["D.35"].checks)
    assert PlanDates() in BY_ID["D.3"].checks
    assert TargetConsistency(relative=True) in BY_ID["D.24"].checks
    for tid in ("D.33", "D.42"):
        assert TargetConsistency() in BY_ID[tid].checks


# --- applicability ---------------------------------------------------------------------------------------


def test_applies():
    assert BY_ID["D.9"].applies == "双有"
    for tid in ("D.29", "E.3"):
        assert BY_ID[tid].applies == "专家" and BY_ID[tid].optional
    # D.43 (10.3) and E.4 (7.6.2) exist only in the acceptance report frame too.
    for tid in ("D.38", "D.39", "D.40", "D.41", "D.42", "D.43", "E.4"):
        assert BY_ID[tid].applies == "acceptance"
    assert all(BY_ID[f"D.{i}"].applies == "always" for i in range(13, 38) if i != 29)
    assert BY_ID["D.32"].optional


def test_every_table_names_a_condition():
    for kind in KINDS:
        for t in registry(kind):
            assert t.applies in CONDITIONS, (kind, t.id, t.applies)
            assert CONDITIONS[t.applies].kind in (None, *t.kinds), (kind, t.id)


def test_conditions_read_the_cover():
    """A flag applies on “是” only (DB4101/T 61 6.5.1.2.4 c) for 双有); 上一轮 from the second round on;
    acceptance by the workbook's kind, whatever the cover says."""
    double_toxic, later, acceptance = CONDITIONS["双有"], CONDITIONS["上一轮"], CONDITIONS["acceptance"]
    assert double_toxic.holds({"double_toxic": " 是 "}, "audit")
    assert not double_toxic.holds({"double_toxic": "否"}, "audit") and not double_toxic.holds({}, "audit")
    assert later.holds({"round": 2.0}, "audit") and not later.holds({"round": 1.0}, "audit")
    assert not later.holds({"round": None}, "audit")  # blank: a first round
    assert acceptance.holds({}, "acceptance") and not acceptance.holds({"expert": "是"}, "audit")
    assert acceptance.in_kind("acceptance") and not acceptance.in_kind("audit") and double_toxic.in_kind("park")


def test_a_blank_condition_is_said_not_assumed():
    expert = CONDITIONS["专家"]
    assert expert.not_applicable("“表”", {"expert": "否"}) == "本轮审核未聘请行业专家，“表”不适用。"
    assert expert.not_applicable("“表”", {"expert": " "}) == "（封面信息未填写是否聘请行业专家，“表”未列入，请补充后重新导出。）"


# --- spot checks against the printed tables --------------------------------------------------------------


def test_d14_items():
    assert row_values(BY_ID["D.14"], "item") == [
        "排污许可", "环境信息披露", "环境守法", "突发环境事件应急预案", "重污染天气应急预案", "环境信用评价",
    ]  # fmt: skip


def test_d15_d16_types():
    for tid in ("D.15", "D.16"):
        assert BY_ID[tid].column("type").choices == ("废水", "废气", "噪声", "固废")


def test_d17_rows():
    assert row_values(BY_ID["D.17"], "category") == ["工业废水", "生活污水"]
    assert BY_ID["D.17"].column("online").choices == ("有", "无")


def test_d18_concentration_group():
    t = BY_ID["D.18"]
    conc = [(c.label, c.unit) for c in t.columns if c.group == ("浓度值",)]
    assert conc == [("最高值", "mg/L"), ("最低值", "mg/L"), ("平均值", "mg/L"), ("超标率", "%")]
    assert t.column("volume").unit == "m³/a" and t.column("load").unit == "t/a"
    assert row_values(t, "category") == ["工业废水", "生活污水", "合计"]
    assert [c.label for c in t.columns][:7] == ["废水类别", "监测点位", "监测时间", "监测方式及频次", "年废水排放量", "主要污染物", "标准限值"]


def test_d20_groups():
    t = BY_ID["D.20"]
    conc = [(c.label, c.unit) for c in t.columns if c.group == ("浓度值",)]
    rate = [(c.label, c.unit) for c in t.columns if c.group == ("排放速率",)]
    assert conc == [("最高值", "mg/m³"), ("最低值", "mg/m³"), ("平均值", "mg/m³"), ("超标率", "%"), ("标准值", "mg/m³")]
    assert rate == [("最高值", "kg/h"), ("最低值", "kg/h"), ("平均值", "kg/h"), ("标准值", "kg/h")]
    assert t.column("stack_height").unit == "m"


def test_d21_classes():
    assert BY_ID["D.21"].column("category").choices == ("一般固体废物", "危险废物")


def test_d22_eight_rows():
    t = BY_ID["D.22"]
    assert len(t.rows) == 8
    assert t.rows[0] == ("东厂界", "昼间") and t.rows[1] == ("东厂界", "夜间") and t.rows[-1] == ("北厂界", "夜间")
    assert [r[0] for r in t.rows[::2]] == ["东厂界", "西厂界", "南厂界", "北厂界"]
    assert t.column("value").unit == "dB(A)"


def test_d24_targets():
    t = BY_ID["D.24"]
    assert t.column("base").label == "基准期值（{y3}年）"
    assert [(c.group, c.label, c.unit) for c in t.columns if c.group] == [
        (("近期目标（{near}年）",), "绝对值", ""),
        (("近期目标（{near}年）",), "相对值", "%"),
        (("中（远）期目标（{far}年）",), "绝对值", ""),
        (("中（远）期目标（{far}年）",), "相对值", "%"),
    ]
    assert not any(c.computed for c in t.columns)
    assert t.column("direction").choices == ("降低", "提高")


def test_d33_d42_targets():
    for tid, group in (("D.33", "预期完成情况"), ("D.42", "目标完成情况")):
        t = BY_ID[tid]
        assert [c.label for c in t.columns if c.group == (group,)][:2] == ["绝对值", "相对值"]
        assert t.column("options").label == "支撑方案"
        assert t.column("base").label == "基准期值（{y3}年）"
    assert "CP_TARGET_MET" in BY_ID["D.42"].column("met").cp
    assert BY_ID["D.42"].column("met").label == "是否完成"


def test_d27_d28_factors():
    d27 = [c.label for c in BY_ID["D.27"].columns if c.group == ("影响因素",)]
    assert tuple(d27) == EIGHT_CATEGORIES
    d28 = [c.label for c in BY_ID["D.28"].columns if c.group == ("影响因素",)]
    assert d28 == ["原辅材料和资源能源", "生产工艺", "设备", "收集方式", "处理设施", "过程控制", "管理", "员工"]


def test_d30_layout():
    t = BY_ID["D.30"]
    assert [c.label for c in t.columns] == ["方案编号", "方案类型", "费用类别", "方案名称", "方案内容", "预计投资", "环境效益", "经济效益"]
    assert [c.key for c in t.columns if c.group == ("预期效益",)] == ["env_benefit", "econ_benefit"]


def test_d35_plan():
    t = BY_ID["D.35"]
    assert t.column("step").choices == ("方案提出", "筹备资金", "设备购置", "设备安装", "调试运行")
    assert [c.label for c in t.columns if c.group == ("计划实施时间",)] == ["计划开始", "计划完成"]
    assert t.column("start").type == "date" and t.column("end").type == "date"
    assert t.column("option_id").label == "编号"


def test_d36_rows():
    t = BY_ID["D.36"]
    assert t.rows == (
        ("方案实施", "方案数量（个）"),
        ("方案实施", "已完成方案数量（个）"),
        ("方案实施", "实施率（%）"),
        ("投资额（万元）", "预期投资"),
        ("投资额（万元）", "已实现投资"),
        ("投资额（万元）", "投资完成率（%）"),
        ("经济效益（万元/a）", "经济效益（万元/a）"),
        ("环境效益", "节能（kgce/a）"),
        ("环境效益", "节电（kWh/a）"),
        ("环境效益", "节水（m³/a）"),
        ("环境效益", "减排废水（m³/a）"),
        ("环境效益", "减排COD（kg/a）"),
        ("环境效益", "减排NOx（kg/a）"),
        ("环境效益", "减排非甲烷总烃（kg/a）"),
        ("环境效益", "减排颗粒物（kg/a）"),
        ("环境效益", "减少固体废物（t/a）"),
    )
    assert [c.label for c in t.columns if c.group == ("预期绩效",)] == ["无/低费", "中/高费", "合计"]
    assert t.column("total").computed and not t.column("low").computed


def test_d37_archive():
    t = BY_ID["D.37"]
    assert len(t.rows) == 25
    assert [r[0] for r in t.rows] == [str(i) for i in range(1, 26)]
    stages = list(dict.fromkeys(row_values(t, "stage")))
    assert stages == ["审核前期", "审核准备", "预审核/审核", "清洁生产方案", "审核绩效", "持续清洁生产", "其他有关文件资料"]
    assert t.column("status").choices == ("已建立", "未建立", "不适用")
    assert t.rows[0][2].startswith("强审企业开展审核工作的通知文件")
    assert t.rows[-1][2] == "企业认为需要存档的其他资料"


def test_d39_d40_d41_d43_rows():
    assert len(BY_ID["D.39"].rows) == 6
    d40 = BY_ID["D.40"]
    assert row_values(d40, "item")[0] == "节能（kgce）" and row_values(d40, "item")[-1] == "减少固体废物（t）"
    assert len(d40.rows) == 9
    for tid, groups in (("D.40", ("审核期间环境效益", "折合年度环境效益")), ("D.41", ("审核期间经济效益", "年度经济效益"))):
        t = BY_ID[tid]
        for g in groups:
            cols = [c for c in t.columns if c.group == (g,)]
            assert [c.label for c in cols] == ["无/低费", "中/高费", "合计"]
            assert cols[2].computed
    d41 = BY_ID["D.41"]
    assert len(d41.rows) == 6 and d41.total_label == "合计"
    assert all(c.unit == "万元" and c.total for c in d41.columns if c.group)
    assert row_values(BY_ID["D.43"], "item") == [
        "健全持续清洁生产组织机构", "完善清洁生产管理制度", "持续清洁生产方案", "清洁生产新技术研究与开发计划", "持续宣贯培训",
    ]  # fmt: skip


def test_annex_tables():
    e1 = BY_ID["E.1"]
    assert e1.is_grid and e1.column("category").choices == EIGHT_CATEGORIES
    assert e1.column("cost").unit == "万元"
    e2 = BY_ID["E.2"]
    assert e2.column("start").type == "date" and e2.column("end").type == "date"
    e3 = BY_ID["E.3"]
    assert {"name", "opinion", "date"} <= keys(e3)
    e4 = BY_ID["E.4"]
    assert e4.is_form and e4.is_grid
    assert len(e4.rows) == 20
    assert row_values(e4, "indicator")[:2] == ["废水", "化学需氧量"]
    assert ("资源能源节约指标", "节电", "度") in e4.rows
    assert e4.column("co2").unit == "tCO₂/年" and "CP_CO2" in e4.column("co2").cp
    assert e4.field("company").formula == "={p[company]}"


@pytest.mark.parametrize("tid", EXPECTED_IDS)
def test_grid_columns_have_widths_or_defaults(tid):
    t = BY_ID[tid]
    for c in t.columns:
        assert c.width is None or 4 <= c.width <= 80, (tid, c.key)
