"""Industrial-park audit tables: T/CPPC 《工业园区清洁生产审核指南》.

- B.1–B.4: 附件2 附录B 表B.1–表B.4, columns as printed, completed with the items the guide's text asks
  the same table to carry (5.1.2, 附件2 2.3.2, 2.3.3, 2.6.2, 5.4.1, 5.5.2).
- P.1: the evaluation of 附件1 附表1, one fixed row per indicator, built from the indicator data of
  :mod:`cpxl.calc.park` so the 26 indicators are declared once.
- P.2: the park's base data that the 26 indicators are computed from (附件1 指标解释和计算方法).

Report sections follow the report frame of 附件2 附录A (A.2.x.y is section x.y of the park report).
"""

from __future__ import annotations

from cpxl.calc.park import PARK_GROUPS, PARK_INDICATORS, ParkIndicator

from .checks import ParkSelection
from .dsl import YES_NO, choice, date, num, seq, text, years
from .model import Annex, Column, Report, Split, Table

SRC = "T/CPPC 工业园区清洁生产审核指南（征求意见稿）"
_PARK = dict(kinds=("park",))

PARK_PHASES = ("筹划和组织", "初步审核", "重点审核", "方案产生和筛选", "结论和建议")
PARK_LEVELS = ("园区层面", "行业层面", "企业层面")

#: The park guide's tables: the report leaves out the columns nobody filled.
OWN_LAYOUT = Report(blank_columns=False)

B1 = Table(
    id="B.1",
    title="清洁生产审核领导小组组成及职责分配表",
    short="审核小组",
    section="3.2",
    source=SRC + " 附件2 附录B 表B.1；附件2 2.3.2；5.1.2",
    report=Report(split=Split("team", "清洁生产审核{value}组成及职责分配表"), blank_columns=False),
    note="领导小组、工作小组（或按产业类别组建的各审核小组）在“小组”列区分，报告中分别列表；园区内每个企业至少2名成员，且须有1名来自本企业财务部门（5.1.2）。",
    columns=(
        text("team", "小组", required=True, width=14, hint="领导小组、工作小组或按产业类别组建的审核小组名称"),
        text("name", "姓名", required=True, width=10),
        text("role", "小组职务", required=True, width=14, hint="表B.1印为“领导小组职务”"),
        text("dept", "所在部门及职务", width=24),
        text("major", "专业", width=12),
        text("title", "职称", width=10),
        text("duty", "职责", width=36),
        text("time", "应投入时间", width=12),
    ),
    label_key="name",
    **_PARK,
)

B2 = Table(
    id="B.2",
    title="清洁生产审核工作计划表",
    short="工作计划",
    section="3.3",
    source=SRC + " 附件2 附录B 表B.2；附件2 2.3.3；5.1.3",
    report=OWN_LAYOUT,
    free_rows=12,
    columns=(
        seq(),
        choice("phase", "阶段", PARK_PHASES, required=True, width=14),
        text("action", "行动方案", width=22),
        text("content", "工作内容", required=True, width=36),
        date("end", "完成时间", required=True, width=12),
        text("owner", "负责人", width=10),
        text("dept", "参与部门", width=16),
        text("participants", "参与人", width=16),
        text("output", "工作产出", width=22),
    ),
    label_key="content",
    **_PARK,
)

B3 = Table(
    id="B.3",
    title="清洁生产方案汇总表",
    short="方案汇总",
    section="6.2",
    source=SRC + " 附件2 附录B 表B.3；附件2 2.6.2；5.4.1",
    report=Report(blank_columns=False, figures=("park_options_by_level",)),
    note="按园区层面、行业层面、企业层面列出全部清洁生产方案（已实施和未实施）（5.4.1）。",
    columns=(
        seq(),
        choice("level", "层面", PARK_LEVELS, required=True, width=10),
        text("name", "方案名称", required=True, width=20),
        text("owner", "实施主体", required=True, width=16),
        text("summary", "方案简介", width=36),
        num("investment", "投资预算", "万元", total=True),
        text("env_benefit", "环境效益", width=24),
        text("econ_benefit", "经济效益", width=20),
        text("schedule", "实施时间", width=14),
        choice("status", "实施情况", ("已实施", "实施中", "拟实施", "不实施"), width=10),
    ),
    total_label="合计",
    label_key="name",
    **_PARK,
)

B4 = Table(
    id="B.4",
    title="持续清洁生产计划表",
    short="持续清洁生产计划",
    section="7.2",
    source=SRC + " 附件2 附录B 表B.4；5.5.2",
    report=OWN_LAYOUT,
    columns=(
        text("item", "项目", required=True, width=24),
        text("content", "主要内容", width=44),
        text("time", "时间", width=14),
        text("dept", "负责部门", width=16),
    ),
    rows=(("完善组织机制和管理制度",), ("落实清洁生产方案",), ("开展清洁生产培训",), ("筹划并实施下一次清洁生产审核",)),
    row_keys=("item",),
    free_rows=3,
    label_key="item",
    **_PARK,
)

# ---- P.1 园区清洁生产评价 -------------------------------------------------------------------------------


def display_unit(p: ParkIndicator) -> str:
    """Unit shown in P.1: as printed, except where the printed “%” contradicts the indicator (22, 23)."""
    if p.kind == "qualitative":
        return "—"
    if p.kind == "count" and p.unit == "%":
        return "次/年"
    return p.unit


def selection_rule(p: ParkIndicator) -> str:
    """备注 column of 附表1 (必选, or the group rule), with the group's numbers."""
    if p.required:
        return "必选"
    members, rule = PARK_GROUPS[p.group]
    return f"可选（序号{'、'.join(map(str, members))}至少{rule.replace(' ', '').split('至少')[1]}）"


def method(p: ParkIndicator) -> str:
    """计算方法: the guide's formula, else the first sentence of its explanation."""
    if p.formula:
        return p.formula
    return p.explanation.split("。")[0] + "。"


def _row(p: ParkIndicator) -> tuple:
    advanced = p.advanced_text or p.general_text  # one printed value for both levels (merged cell)
    return (
        p.category,
        p.no,
        p.name,
        display_unit(p),
        p.general_text,
        advanced,
        selection_rule(p),
        "是" if p.required else None,
        method(p),
    )


# Threshold text “≥30”, “≤0.5”, “100”, “0” as a number; lower is better for “≤…” and for “0”.
_G = 'VALUE(SUBSTITUTE(SUBSTITUTE({c[general]}{r},"≥",""),"≤",""))'
_A = 'VALUE(SUBSTITUTE(SUBSTITUTE({c[advanced]}{r},"≥",""),"≤",""))'
_V = 'IF({c[unit]}{r}="%",100,1)*{c[value]}{r}'
_LOWER = 'OR(LEFT({c[general]}{r},1)="≤",{c[general]}{r}="0")'
_GAP_G = f"MAX(0,IF({_LOWER},{_V}-{_G},{_G}-{_V}))"
_GAP_A = f"MAX(0,IF({_LOWER},{_V}-{_A},{_A}-{_V}))"
_EPS = f"1E-9*MAX(1,ABS({_V}))"


def _reaches(threshold: str) -> str:
    return f"IF({_LOWER},{_V}<={threshold}+{_EPS},{_V}>={threshold}-{_EPS})"


# 达到水平 (附表1; cpxl.calc.park.park_level): 先进 when the 先进 value is reached, else 一般 when the 一般
# value is; qualitative indicators (定性指标情况) are 先进 when 具备/达标.
LEVEL_FORMULA = (
    '=IF(AND({c[value]}{r}="",{c[state]}{r}=""),"",IF({c[value]}{r}="",'
    'IF(OR({c[state]}{r}="具备",{c[state]}{r}="达标",{c[state]}{r}="是"),"先进水平","未达到一般水平"),'
    f'IF(OR(NOT(ISNUMBER({{c[value]}}{{r}})),ISERROR({_G}),ISERROR({_A})),"",'
    f'IF({_reaches(_A)},"先进水平",IF({_reaches(_G)},"一般水平","未达到一般水平")))))'
)

GAP_FORMULA = (
    f'=IF(OR(NOT(ISNUMBER({{c[value]}}{{r}})),ISERROR({_G}),ISERROR({_A})),"",'
    f"IF({_GAP_G}>0,{_GAP_G},{_GAP_A}))"
)

P1 = Table(
    id="P.1",
    title="工业园区清洁生产评价指标",
    short="园区评价指标",
    section="4.2",
    source=SRC + " 附件1 附表1；附件2 2.4.2",
    report=Report(
        annex=Annex(("requirement", "method", "source"), "工业园区清洁生产评价指标选取要求、计算方法及数据来源"),
        percent=("value",),  # 园区值 in the unit the row prints (附表1): a share entered as 35 % reads 35
        blank_columns=False,
    ),
    derive="park_evaluation",
    note=(
        "必选指标13项应全部完成；可选指标根据园区实际情况至少完成6项（各组至少选1项），共计至少19项。"
        "百分比类指标输入时带%号（如 35%）；次数类填次数；定性指标（序号9、12、22）在“定性指标情况”列选择。"
        "差距按“单位”列计（%类为百分点），0 表示已达到先进水平。"
    ),
    checks=(ParkSelection(),),
    free_rows=0,
    columns=(
        text("category", "分类", width=10),
        Column("no", "序号", type="integer", width=6),
        text("name", "指标", width=30),
        text("unit", "单位", width=10),
        text("general", "清洁生产一般水平", width=10),
        text("advanced", "清洁生产先进水平", width=10),
        text("requirement", "必选/可选", width=18),
        choice("selected", "是否参评", YES_NO, width=8),
        num("value", "园区值", negative_ok=True, width=12, hint="百分比类带%号输入；数据见表P.2"),
        choice("state", "定性指标情况", ("具备", "不具备", "达标", "不达标"), width=10),
        Column(
            "level",
            "达到水平",
            formula=LEVEL_FORMULA,
            cp=(
                '=IF(AND({c[value]}{r}="",{c[state]}{r}=""),"",'
                'CP_PARK_LEVEL({c[no]}{r},IF({c[value]}{r}="",{c[state]}{r},{c[value]}{r})))'
            ),
            width=12,
        ),
        Column("gap", "距下一水平差距", type="number", formula=GAP_FORMULA, width=10),
        text("method", "计算方法", width=44),
        text("source", "数据来源/备注", width=24),
    ),
    rows=tuple(_row(p) for p in PARK_INDICATORS),
    row_keys=("category", "no", "name", "unit", "general", "advanced", "requirement", "selected", "method"),
    label_key="name",
    **_PARK,
)

# ---- P.2 园区基础数据 -----------------------------------------------------------------------------------

#: (key, 数据项, 单位, 用于指标序号) per 附件1 指标解释和计算方法; "" key marks a section row.
PARK_INPUTS: tuple[tuple[str, str, str, str], ...] = (
    ("", "一、经济发展", "", ""),
    ("gdp", "园区生产总值", "万元", "1"),
    ("hightech_va", "高新技术企业增加值之和", "万元", "1"),
    ("industrial_va", "园区工业增加值", "万元", "2、3、4、7、15、16、19"),
    ("employees", "园区年末工业企业从业人数", "人", "2"),
    ("recycling_va", "资源再生利用产业增加值", "万元", "4"),
    ("", "二、资源节约", "", ""),
    ("swu", "工业固体废物综合利用量", "t", "5"),
    ("sw_generated", "工业固体废物产生量", "t", "5"),
    ("sw_stock_used", "综合利用往年贮存量", "t", "5"),
    ("renew_used", "再生资源循环利用量", "t", "6"),
    ("renew_collected", "再生资源收集量", "t", "6"),
    ("fresh_water", "新鲜水用量", "m³", "现状调查"),
    ("", "三、能源利用", "", ""),
    ("energy", "园区工业综合能耗总量", "tce", "7、8"),
    ("renewable_energy", "工业企业可再生能源使用量", "tce", "8"),
    ("", "四、基础设施", "", ""),
    ("green_industrial", "新建工业建筑中绿色建筑面积", "m²", "10"),
    ("new_industrial", "园区新建工业建筑面积", "m²", "10"),
    ("green_public", "新建公共建筑中绿色建筑面积", "m²", "11"),
    ("new_public", "园区新建公共建筑面积", "m²", "11"),
    ("", "五、环境保护", "", ""),
    ("incidents", "特别重大、重大突发环境事件数量", "次", "13"),
    ("sw_disposed", "工业固体废物（含危险废物）处置利用量", "t", "14"),
    ("sw_total", "工业固体废物（含危险废物）总产生量（含园区外运入）", "t", "14"),
    ("wastewater", "园区工业废水排放总量", "t", "15"),
    ("sw_inside", "园区工业固体废物区内产生量", "t", "16"),
    ("good_air_days", "空气质量优良天数", "d", "17"),
    ("days", "全年天数（有效监测天数）", "d", "17"),
    ("green_area", "园区内各类绿地总面积", "m²", "18"),
    ("land_area", "园区用地总面积", "m²", "18"),
    ("", "六、低碳发展", "", ""),
    ("co2", "园区二氧化碳排放量", "tCO₂", "19、20"),
    ("", "七、清洁生产与园区管理", "", ""),
    ("audited", "通过清洁生产审核评估的重点企业数", "个", "21"),
    ("key_enterprises", "园区重点企业总数", "个", "21"),
    ("campaigns", "清洁生产宣传活动次数", "次", "23"),
    ("env_mgmt_items", "环境管理能力完善度已达到项数（共4项）", "项", "24"),
    ("risk_items", "环境风险防范体系建设已完成项数", "项", "25"),
    ("risk_items_total", "环境风险防范体系建设应完成项数（4项；化工、电镀、印染等园区5项）", "项", "25"),
    ("disclosed", "按要求公开环境信息的企业数量", "个", "26"),
    ("listed", "纳入重点排污单位名录的企业数量", "个", "26"),
)

def _input_rows() -> tuple[tuple, ...]:
    rows, n = [], 0
    for key, label, unit, used_by in PARK_INPUTS:
        if not key:
            rows.append((label,))
        else:
            n += 1
            rows.append((str(n), label, unit, used_by))
    return tuple(rows)


P2 = Table(
    id="P.2",
    title="工业园区基础数据表",
    short="园区基础数据",
    section="4.1",
    source=SRC + " 附件1 指标解释和计算方法；5.2.1；附件2 2.4.1",
    report=Report(blank_columns=False, figures=("park_value_added",)),
    note=(
        "按统计口径填写各年数据，计算表P.1各指标。“三年前”列为最近年份往前第三年的数据，"
        "仅工业增加值、二氧化碳排放量需要（三年年均增长率、年均削减率）；突发环境事件数量填审核前三年合计。"
    ),
    free_rows=4,
    columns=(
        seq(),
        text("item", "数据项", required=True, width=36),
        text("unit", "单位", width=8),
        text("used_by", "用于指标（序号）", width=14),
        num("v_0", "三年前", group=("数值",)),
        *years("v", ("数值",)),
        text("source", "数据来源", width=20),
    ),
    rows=_input_rows(),
    row_keys=("no", "item", "unit", "used_by"),
    label_key="item",
    **_PARK,
)

PARK_TABLES = [B1, B2, P2, P1, B3, B4]
