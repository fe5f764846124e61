"""Tables the audit needs beyond DB4101/T 61 附录 D: balances, weighted scoring, indicator benchmarking, and
the acceptance-report extras.

- BAL.1–BAL.4: the balances of the audit focus that DB11/T 1156 7.3.3–7.3.7 requires (material, water per
  GB/T 12452, energy per GB/T 3484, characteristic pollutant); report section 5.2.2 建立平衡.
- SCO.1/SCO.2: 权重总和计分排序法 for the audit focus (DB11/T 1156 7.2.9) and for the initially feasible key
  options (7.4.3). The first row holds the weights W; each candidate row holds the scores R (1–10);
  总分 = Σ W·R, ranked.
- ECO.1: economics of the 中/高费 options (DB11/T 1156 7.5.5): investment, subsidy, annual saving and service
  life in; cash flow, payback, NPV, IRR and the verdict computed in cells.
- IND.1: benchmarking against the industry's 清洁生产评价指标体系 (DB4101/T 61 6.5.3.1, 7.3.5.4;
  《清洁生产评价指标体系编制通则（试行稿）》2013).
- ACC.1–ACC.3: acceptance report 第八章 审核评估情况 (7.2), 9.1 方案调整 (7.3.1.2) and 9.5.1 审核前后对比
  (7.3.5.1/7.3.5.4).
"""

from __future__ import annotations

from cpxl.calc.economics import IRR_TOLERANCE, NPV_TOLERANCE

from .checks import (
    LevelOrder,
    MaterialBalance,
    OptionIds,
    RowBalance,
    Shares,
    UnitsPresent,
    WeightedScore,
)
from .dsl import YES_NO, choice, fld, num, seq, text
from .model import Column, Report, Table

SRC_1156 = "DB11/T 1156 "
SRC_61 = "DB4101/T 61—2023 "

# ---- BAL.1 物料平衡 -------------------------------------------------------------------------------------

FLOW_DIRECTIONS = ("输入", "输出")
#: Kinds of flow (DB11/T 1156 7.3.3.3 a: 原辅材料、水、气、产品及中间产品、循环使用物质、污染物; 7.3.4 d).
FLOW_CATEGORIES = (
    "原辅材料",
    "水",
    "气体",
    "中间产品",
    "循环物料",
    "产品",
    "副产品",
    "废水",
    "废气",
    "固体废物",
    "无组织排放",
    "损失",
    "其他",
)
#: Flows internal to the audit focus: counted in their unit operation, left out of the overall balance.
INTERNAL_FLOWS = ("中间产品", "循环物料")
MEASUREMENT_METHODS = ("实测", "理论计算", "生产统计", "设计数据", "其他")

_IN_UNIT = 'SUMIFS({x[BAL.1:qty]},{x[BAL.1:unit_op]},{c[unit_op]}{r},{x[BAL.1:direction]},"输入")'
_OUT_UNIT = 'SUMIFS({x[BAL.1:qty]},{x[BAL.1:unit_op]},{c[unit_op]}{r},{x[BAL.1:direction]},"输出")'


def balance_verdict(dev: str, tolerance: str) -> str:
    """“平衡” when |偏差| ≤ 允许偏差, else “偏差超限（x.x%）” with the signed deviation, two decimals when one
    would read as within the tolerance (5.04 %) — the text of cpxl.calc.balance.balance_ok."""
    return (
        f'IF(ABS({dev})<={tolerance}+1E-12,"平衡","偏差超限（"&IF(ABS(ROUND({dev}*100,1))<={tolerance}*100,'
        f'TEXT({dev}*100,"0.00"),TEXT({dev}*100,"0.0"))&"%）")'
    )


def deviation(inputs: str, outputs: str) -> str:
    """(Σ输入 − Σ输出)/Σ输入 (DB11/T 1156 7.3.4 b)); the caller blanks a zero input."""
    return f"({inputs}-{outputs})/{inputs}"


# No unit deviation without inputs and outputs of that unit operation (blank outputs are not 0).
_UNIT_OUTPUTS = 'SUMPRODUCT(({x[BAL.1:unit_op]}={c[unit_op]}{r})*({x[BAL.1:direction]}="输出")*ISNUMBER({x[BAL.1:qty]}))'
_EXTERNAL = "".join(f',{{x[BAL.1:category]}},"<>{c}"' for c in INTERNAL_FLOWS)
_IN_ALL = 'SUMIFS({x[BAL.1:qty]},{x[BAL.1:direction]},"输入"' + _EXTERNAL + ")"
_OUT_ALL = 'SUMIFS({x[BAL.1:qty]},{x[BAL.1:direction]},"输出"' + _EXTERNAL + ")"


def _overall(direction: str, total: str) -> str:
    """Σ of the audit focus's inputs or outputs without internal flows; blank when none is given."""
    external = "".join(f'*({{x[BAL.1:category]}}<>"{c}")' for c in INTERNAL_FLOWS)
    given = f'SUMPRODUCT(({{x[BAL.1:direction]}}="{direction}"){external}*ISNUMBER({{x[BAL.1:qty]}}))'
    return f'=IF({given}=0,"",{total})'


_UNIT_BLANK = '=IF(OR({c[unit_op]}{r}="",' + _IN_UNIT + "<=0," + _UNIT_OUTPUTS + '=0),"",'

# No overall deviation without inputs and outputs (blank outputs are not 0).
_OVERALL_BLANK = '=IF(OR(N({f[total_in]})<=0,{f[total_out]}=""),"",'

#: Tables beyond 附录D/E: the report leaves out the columns nobody filled.
OWN_LAYOUT = Report(blank_columns=False)

BAL1 = Table(
    id="BAL.1",
    title="审核重点物料平衡表",
    short="物料平衡",
    section="5.2.2",
    source=SRC_1156 + "7.3.3、7.3.4、附录B；" + SRC_61 + "6.6.2.3 a)",
    report=Report(
        note="注：平衡偏差 =（输入 − 输出）÷ 输入；中间产品、循环物料不计入总体平衡（DB11/T 1156—2022 7.3.4）。",
        blank_columns=False,
        figures=("process_and_material_balance",),
    ),
    derive="material_balance",
    note=(
        "每一物流一行，按单元操作填写输入、输出；同一单元操作内单位应一致（默认 t/a，间歇生产可用 t/批）。"
        "输入总量与输出总量偏差一般应在5%以内，否则应分析原因并重新实测或补充实测（7.3.4 b）。"
        "中间产品、循环物料计入所在单元操作的平衡，不计入审核重点总体平衡。"
        "涉有毒有害物质的，应在“主要成分”列注明成分和含量（7.3.4 c）。"
    ),
    checks=(MaterialBalance(tolerance="物料平衡允许偏差"), UnitsPresent()),
    fields=(
        fld("total_in", "审核重点输入总量", type="number", formula=_overall("输入", _IN_ALL), hint="不含中间产品、循环物料",
            unit_from="qty_unit"),
        fld("total_out", "审核重点输出总量", type="number", formula=_overall("输出", _OUT_ALL), hint="不含中间产品、循环物料",
            unit_from="qty_unit"),
        fld(
            "total_dev",
            "总体平衡偏差",
            type="percent",
            formula=_OVERALL_BLANK + deviation("{f[total_in]}", "{f[total_out]}") + ")",
            cp=_OVERALL_BLANK + "CP_BALANCE_DEV({f[total_in]},{f[total_out]}))",
            hint="（输入−输出）/输入",
        ),
        fld(
            "verdict",
            "平衡判定",
            formula=_OVERALL_BLANK + balance_verdict("{f[total_dev]}", "物料平衡允许偏差") + ")",
            cp=_OVERALL_BLANK + "CP_BALANCE_OK({f[total_in]},{f[total_out]}))",
            hint="允许偏差取“参数”表物料平衡允许偏差（默认5%，7.3.4 b）",
        ),
    ),
    columns=(
        seq(),
        text("unit_op", "单元操作", required=True, width=16, hint="与审核重点工艺流程图的单元操作名称一致"),
        choice("direction", "方向", FLOW_DIRECTIONS, required=True, width=8),
        text("material", "物料名称", required=True, width=18),
        choice("category", "类别", FLOW_CATEGORIES, required=True, width=12),
        text("component", "主要成分", width=18, hint="有毒有害物质的成分及含量"),
        text("qty_unit", "单位", required=True, width=9, hint="默认 t/a"),
        num("qty", "数量", required=True),
        text("counterpart", "去向/来源", width=18, hint="输入填来源，输出填去向（下一单元操作、外排、外售等）"),
        choice("method", "测定方法/数据来源", MEASUREMENT_METHODS, width=14),
        Column(
            "unit_dev",
            "本单元平衡偏差",
            type="percent",
            formula=_UNIT_BLANK + deviation(_IN_UNIT, _OUT_UNIT) + ")",
            cp=_UNIT_BLANK + "CP_BALANCE_DEV(" + _IN_UNIT + "," + _OUT_UNIT + "))",
            negative_ok=True,
            width=12,
        ),
        text("remark", "备注", width=16),
    ),
    label_key="material",
)

# ---- BAL.2 水平衡 -----------------------------------------------------------------------------------------

_W = "m³/d"
_REUSE_BLANK = '=IF(OR(N({c[fresh]}{r})<=0,NOT(ISNUMBER({c[reused]}{r}))),"",'
_WATER_BLANK = '=IF(OR(N({c[fresh]}{r})<=0,COUNT({c[consumed]}{r},{c[discharged]}{r},{c[leaked]}{r})=0),"",'

BAL2 = Table(
    id="BAL.2",
    title="审核重点水平衡测试结果表",
    short="水平衡",
    section="5.2.2",
    source=SRC_1156 + "7.3.3、7.3.5；GB/T 12452；" + SRC_61 + "6.6.2.3 b)",
    report=Report(
        note="注：重复利用率 = Vr ÷ (Vf + Vr)；平衡偏差 = (Vf − Vco − Vd − Vl) ÷ Vf（GB/T 12452）。",
        blank_columns=False,
        figures=("water_balance",),
    ),
    derive="water_balance",
    note=(
        "水量单位 m³/d（按 GB/T 12452 实测期日均值）。总用水量 Vt = 新水量 Vf + 重复利用水量 Vr；"
        "重复利用率 = Vr/Vt；平衡偏差 = (Vf − Vco − Vd − Vl)/Vf。"
        "列入重点监控用水单位名录、取用地下水、废水直接排向环境水体的企业应建立水平衡（7.3.3.1）。"
    ),
    optional=True,
    checks=(
        RowBalance(
            "fresh", ("consumed", "discharged", "leaked"),
            tolerance="水平衡允许偏差", what="水平衡", clause="GB/T 12452",
        ),
    ),
    total_label="合计",
    columns=(
        seq(),
        text("unit", "用水单元", required=True, width=18, hint="车间、工序或用水设备"),
        num("fresh", "新水量Vf", _W, required=True, total=True),
        num("reused", "重复利用水量Vr", _W, total=True, hint="循环水量与串联（回用）水量之和"),
        Column(
            "total",
            "总用水量Vt",
            unit=_W,
            type="number",
            formula='=IF(AND({c[fresh]}{r}="",{c[reused]}{r}=""),"",N({c[fresh]}{r})+N({c[reused]}{r}))',
            total=True,
        ),
        num("consumed", "耗水量Vco", _W, total=True),
        num("discharged", "排水量Vd", _W, total=True),
        num("leaked", "漏失水量Vl", _W, total=True),
        Column(
            "reuse_rate",
            "重复利用率",
            type="percent",
            # GB/T 12452 R = Vr/Vt
            formula=_REUSE_BLANK + "{c[reused]}{r}/{c[total]}{r})",
            cp=_REUSE_BLANK + "CP_REUSE_RATE({c[reused]}{r},{c[fresh]}{r}))",
        ),
        Column(
            "dev",
            "平衡偏差",
            type="percent",
            # GB/T 12452 (Vf − Vco − Vd − Vl)/Vf
            formula=_WATER_BLANK + "({c[fresh]}{r}-SUM({c[consumed]}{r},{c[discharged]}{r},{c[leaked]}{r}))/{c[fresh]}{r})",
            cp=_WATER_BLANK
            + "CP_WATER_DEV({c[fresh]}{r},N({c[consumed]}{r}),N({c[discharged]}{r}),N({c[leaked]}{r})))",
            negative_ok=True,
        ),
        choice("method", "数据来源", MEASUREMENT_METHODS, width=12),
        text("remark", "备注", width=16, hint="排水去向、回用去向等"),
    ),
    label_key="unit",
)

# ---- BAL.3 能量平衡 ---------------------------------------------------------------------------------------

_E = "kgce/a"
_LOSSES = ("{c[loss_flue]}{r}", "{c[loss_surface]}{r}", "{c[loss_other]}{r}")
_OUT_ENERGY = "SUM({c[effective]}{r}," + ",".join(_LOSSES) + ")"
_ENERGY_BLANK = '=IF(OR(N({c[supplied]}{r})<=0,NOT(ISNUMBER({c[effective]}{r}))),"",'

BAL3 = Table(
    id="BAL.3",
    title="审核重点能量平衡表",
    short="能量平衡",
    section="5.2.2",
    source=SRC_1156 + "7.3.3、7.3.6；GB/T 3484；" + SRC_61 + "6.6.2.3 c)",
    report=OWN_LAYOUT,
    derive="energy_balance",
    note=(
        "能量单位 kgce/a（折标准煤，口径与表D.12一致；实测期数据折算为年值）。供入能量 = 有效利用能量 + 损失能量；"
        "能量利用率 = 有效利用能量/供入能量。列入重点用能单位名单或超能耗限额企业应建立能量平衡（7.3.3.1）。"
    ),
    optional=True,
    checks=(
        RowBalance(
            "supplied", ("effective", "loss_flue", "loss_surface", "loss_other"),
            tolerance="能量平衡允许偏差", what="能量平衡", clause="GB/T 3484",
        ),
    ),
    total_label="合计",
    columns=(
        seq(),
        text("unit", "用能单元/设备", required=True, width=18),
        text("energy", "能源名称", required=True, width=12, hint="与表D.11、表D.12能源名称一致"),
        num("supplied", "供入能量", _E, required=True, total=True),
        num("effective", "有效利用能量", _E, total=True),
        num("loss_flue", "排烟损失", _E, group=("损失能量",), total=True),
        num("loss_surface", "散热损失", _E, group=("损失能量",), total=True),
        num("loss_other", "其他损失", _E, group=("损失能量",), total=True, hint="不完全燃烧、冷却水带走、泄漏、输送转换等"),
        Column(
            "efficiency",
            "能量利用率",
            type="percent",
            # GB/T 3484 η = 有效利用能量/供入能量
            formula=_ENERGY_BLANK + "{c[effective]}{r}/{c[supplied]}{r})",
            cp=_ENERGY_BLANK + "CP_ENERGY_EFF({c[effective]}{r},{c[supplied]}{r}))",
        ),
        Column(
            "dev",
            "平衡偏差",
            type="percent",
            formula=_ENERGY_BLANK + deviation("{c[supplied]}{r}", _OUT_ENERGY) + ")",
            cp=_ENERGY_BLANK + "CP_BALANCE_DEV({c[supplied]}{r}," + _OUT_ENERGY + "))",
            negative_ok=True,
        ),
        choice("method", "数据来源", MEASUREMENT_METHODS, width=12),
        text("remark", "备注", width=16),
    ),
    label_key="unit",
)

# ---- BAL.4 特征污染物平衡 -----------------------------------------------------------------------------------

#: Pollutant accounting methods (DB11/T 1156 7.2.5.6).
ACCOUNTING_METHODS = ("实测法", "物料衡算法", "产排污系数法", "类比法")
_T = "t/a"
_EMISSION_BLANK = (
    '=IF(OR(NOT(ISNUMBER({c[generated]}{r})),NOT(ISNUMBER({c[capture_eff]}{r})),NOT(ISNUMBER({c[removal_eff]}{r}))),"",'
)
_POLLUTANT_OUT = "SUM({c[removed]}{r},{c[stack]}{r},{c[fugitive]}{r})"
_POLLUTANT_BLANK = '=IF(OR(N({c[generated]}{r})<=0,COUNT({c[removed]}{r},{c[stack]}{r},{c[fugitive]}{r})=0),"",'

BAL4 = Table(
    id="BAL.4",
    title="审核重点特征污染因子平衡表",
    short="特征污染物平衡",
    section="5.2.2",
    source=SRC_1156 + "7.3.7、7.2.5.6；" + SRC_61 + "6.6.2.3 d)",
    report=OWN_LAYOUT,
    derive="pollutant_balance",
    note=(
        "重点关注化学需氧量、氨氮、二氧化硫、氮氧化物、颗粒物、挥发性有机物（可以非甲烷总烃表征）、重金属等（7.3.7.1）。"
        "理论排放量 = 产生量 × (1 − 收集效率 × 去除效率)；平衡偏差 = (产生量 − 去除量 − 有组织排放量 − 无组织排放量)/产生量。"
        "“双超”“双有”企业应建立特征污染因子平衡（7.3.3.1）。"
    ),
    optional=True,
    checks=(
        Shares(("capture_eff", "removal_eff")),
        RowBalance(
            "generated", ("removed", "stack", "fugitive"),
            tolerance="特征污染因子平衡允许偏差", what="特征污染因子", clause="DB11/T 1156 7.3.7",
        ),
    ),
    columns=(
        seq(),
        text("pollutant", "污染因子", required=True, width=14),
        text("stage", "产生环节", required=True, width=16),
        num("generated", "产生量", _T, required=True),
        text("capture", "收集方式", width=14),
        num("capture_eff", "收集效率", type="percent"),
        num("collected", "收集量", _T),
        text("facility", "治理设施", width=16),
        num("removal_eff", "去除效率", type="percent"),
        num("removed", "去除量", _T, hint="被治理设施去除或转入废液、固废的量"),
        num("stack", "有组织排放量", _T),
        num("fugitive", "无组织排放量", _T),
        Column(
            "theoretical",
            "理论排放量",
            unit=_T,
            type="number",
            # DB11/T 1156 7.2.5.6 排放量 = 产生量 × (1 − 收集效率 × 去除效率)
            formula=_EMISSION_BLANK + "{c[generated]}{r}*(1-{c[capture_eff]}{r}*{c[removal_eff]}{r}))",
            cp=_EMISSION_BLANK + "CP_EMISSION({c[generated]}{r},{c[capture_eff]}{r},{c[removal_eff]}{r}))",
        ),
        Column(
            "dev",
            "平衡偏差",
            type="percent",
            formula=_POLLUTANT_BLANK + deviation("{c[generated]}{r}", _POLLUTANT_OUT) + ")",
            cp=_POLLUTANT_BLANK + "CP_BALANCE_DEV({c[generated]}{r}," + _POLLUTANT_OUT + "))",
            negative_ok=True,
        ),
        text("outlet", "排放去向", width=14),
        choice("method", "核算方法", ACCOUNTING_METHODS, width=12),
    ),
    label_key="pollutant",
)

# ---- SCO.1 / SCO.2 权重总和计分排序法 ---------------------------------------------------------------------

WEIGHT_LABEL = "权重值W"


def _score_formula(table_id: str, name_key: str, criteria: tuple[tuple[str, str, float | None], ...]) -> str:
    """总分 Σ W·R: the weights are the first data row of the same columns (INDEX(column, 1))."""
    terms = "+".join(f"N({{c[{k}]}}{{r}})*N(INDEX({{x[{table_id}:{k}]}},1))" for k, _, _ in criteria)
    first, last = criteria[0][0], criteria[-1][0]
    return f'=IF(OR({{c[{name_key}]}}{{r}}="",COUNT({{c[{first}]}}{{r}}:{{c[{last}]}}{{r}})=0),"",{terms})'


def _scoring_columns(table_id: str, name_key: str, criteria) -> tuple[Column, ...]:
    return (
        *(
            num(k, label, group=("权重因素（得分R：1～10）",), width=10, hint="首行填权重值W（1～10），其余各行填得分R（1～10）")
            for k, label, _ in criteria
        ),
        Column("score", "总分ΣW·R", type="number", formula=_score_formula(table_id, name_key, criteria), width=11),
        Column(
            "rank",
            "排序",
            type="integer",
            # 名次：总分最高为 1，同分同名次 (DB11/T 1156 7.2.9)
            formula=f'=IF(NOT(ISNUMBER({{c[score]}}{{r}})),"",RANK({{c[score]}}{{r}},{{x[{table_id}:score]}}))',
            cp=f'=IF(NOT(ISNUMBER({{c[score]}}{{r}})),"",CP_RANK({{c[score]}}{{r}},{{x[{table_id}:score]}}))',
            width=7,
        ),
    )


#: Criteria for the audit focus (DB11/T 1156 7.2.9: 污染重、消耗高、有毒有害物质、清洁生产潜力大), with the
#: customary weights of 《企业清洁生产审核手册》 as defaults — the auditor sets the weights (unconfirmed values).
FOCUS_CRITERIA: tuple[tuple[str, str, float | None], ...] = (
    ("waste", "废弃物量", 10),
    ("consumption", "主要消耗", 8),
    ("env_cost", "环境代价", 8),
    ("toxic", "有毒有害物质", 8),
    ("potential", "清洁生产潜力", 5),
    ("market", "市场发展潜力", 5),
    ("workshop", "车间积极性", 2),
    ("other", "其他（自定）", None),
)

SCO1 = Table(
    id="SCO.1",
    title="权重总和计分排序法确定审核重点",
    short="审核重点计分",
    section="4.4.2",
    source=SRC_1156 + "7.2.9；" + SRC_61 + "6.5.4",
    report=Report(note="注：首行为权重值 W，总分 = Σ W × R（权重总和计分排序法）。", blank_columns=False),
    derive="focus_scores",
    note=(
        "首行为各因素权重值W（默认值为常用取值，未经标准确认，由审核小组确定，本轮审核内保持不变）；"
        "其余每行一个备选审核重点，各因素得分R取1～10；总分 = Σ W×R，按总分由高到低排序。"
    ),
    optional=True,
    checks=(WeightedScore(),),
    columns=(
        Column("no", "序号", width=10),
        text("candidate", "备选审核重点", required=True, width=18, hint="车间、工序、环节或部位"),
        *_scoring_columns("SCO.1", "candidate", FOCUS_CRITERIA),
        text("basis", "主要问题/选择依据", width=28),
    ),
    rows=((WEIGHT_LABEL, *(w for _, _, w in FOCUS_CRITERIA)),),
    row_keys=("no", *(k for k, _, _ in FOCUS_CRITERIA)),
    label_key="candidate",
)

#: Criteria for the initially feasible key options (DB11/T 1156 7.4.3, 7.5: 技术、环境、经济可行性), defaults
#: as examples only — the auditor sets the weights.
OPTION_CRITERIA: tuple[tuple[str, str, float | None], ...] = (
    ("environment", "环境效果", 10),
    ("economy", "经济可行性", 8),
    ("technology", "技术可行性", 8),
    ("feasibility", "可实施性", 6),
    ("other", "其他（自定）", None),
)

SCO2 = Table(
    id="SCO.2",
    title="初步可行的中/高费方案权重总和计分排序表",
    short="方案计分",
    section="6.3",
    source=SRC_1156 + "7.4.3；" + SRC_61 + "6.7.3",
    report=Report(note="注：首行为权重值 W，总分 = Σ W × R（权重总和计分排序法）。", blank_columns=False),
    derive="option_scores",
    note=(
        "对定性判断后初步可行的重点（中/高费）方案，用权重总和计分排序法进一步筛选和排序（7.4.3）。"
        "首行为权重值W（默认值仅为示例，由审核小组确定）；各方案得分R取1～10；方案编号与表D.30一致。"
    ),
    optional=True,
    checks=(OptionIds(), WeightedScore()),
    columns=(
        Column("no", "序号", width=10),
        text("option_id", "方案编号", required=True, width=9),
        text("option", "方案名称", required=True, width=20),
        *_scoring_columns("SCO.2", "option_id", OPTION_CRITERIA),
        text("conclusion", "筛选结论", width=16, hint="推荐进入可行性分析 / 不推荐"),
    ),
    rows=((WEIGHT_LABEL, *(w for _, _, w in OPTION_CRITERIA)),),
    row_keys=("no", *(k for k, _, _ in OPTION_CRITERIA)),
    label_key="option",
)

# ---- IND.1 清洁生产指标对标 ---------------------------------------------------------------------------------

DIRECTIONS = ("越小越好", "越大越好")
_DIR = 'IF({c[direction]}{r}="越大越好","higher","lower")'


def _level(value_key: str) -> dict[str, str]:
    """达到级别: the first of I/II/III whose 基准值 the value reaches (≤ for 越小越好, ≥ for 越大越好), blank
    when a 基准值 is missing or the three are out of order (cpxl.calc.indicators.level)."""
    x = f"{{c[{value_key}]}}{{r}}"
    t1, t2, t3 = "{c[level_1]}{r}", "{c[level_2]}{r}", "{c[level_3]}{r}"
    blank = f'=IF(NOT(AND(ISNUMBER({x}),ISNUMBER({t1}),ISNUMBER({t2}),ISNUMBER({t3}))),"",'

    def chain(op: str) -> str:
        return f'IF(AND({t1}{op}{t2},{t2}{op}{t3}),IF({x}{op}{t1},"I级",IF({x}{op}{t2},"II级",IF({x}{op}{t3},"III级","未达III级"))),"")'

    return {
        "formula": blank + f'IF({{c[direction]}}{{r}}="越大越好",{chain(">=")},{chain("<=")}))',
        "cp": blank + f"CP_LEVEL({x},{t1},{t2},{t3},{_DIR}))",
    }


IND1 = Table(
    id="IND.1",
    title="清洁生产评价指标对标分析表",
    short="清洁生产指标对标",
    section="4.3.1",
    source=SRC_61 + "6.5.3.1、7.3.5.4；《清洁生产评价指标体系编制通则（试行稿）》（2013）；" + SRC_1156 + "7.2.8 b)",
    report=OWN_LAYOUT,
    derive="indicator_levels",
    note=(
        "按企业所在行业现行清洁生产评价指标体系逐项填写（一级、二级指标及权重、Ⅰ/Ⅱ/Ⅲ级基准值）。"
        "定量指标的达到级别自动判定（“越小越好”指标值≤基准值即达到该级，“越大越好”≥基准值）；"
        "定性指标不填数值，直接在“达到级别”单元格填写 I级/II级/III级/未达III级（覆盖公式）。"
        "未发布评价指标体系的行业，可以同类企业先进水平、企业历史最好水平等作为基准值（6.5.3.1 a）。"
    ),
    checks=(LevelOrder(),),
    columns=(
        seq(),
        text("level1", "一级指标", required=True, width=14),
        num("w1", "一级指标权重", width=9),
        text("indicator", "二级指标", required=True, width=22),
        text("unit", "单位", width=12),
        num("w2", "二级指标分权重", width=9),
        choice("limiting", "限定性指标", YES_NO, width=8),
        choice("direction", "指标方向", DIRECTIONS, required=True, width=10),
        num("level_1", "Ⅰ级基准值", group=("基准值",)),
        num("level_2", "Ⅱ级基准值", group=("基准值",)),
        num("level_3", "Ⅲ级基准值", group=("基准值",)),
        num("value_before", "企业现状值", group=("审核前（基准期{y3}年）",), hint="基准期实际值，应有计算过程或说明"),
        Column("grade_before", "达到级别", group=("审核前（基准期{y3}年）",), **_level("value_before"), width=10, typed_over=True),
        num("value_after", "审核后值", group=("审核后",)),
        Column("grade_after", "达到级别", group=("审核后",), **_level("value_after"), width=10, typed_over=True),
        text("remark", "计算说明/数据来源", width=24),
    ),
    label_key="indicator",
)

#: Audit extras in sheet order (kinds audit and acceptance).
# ---- ECO.1 中/高费方案经济评价 ------------------------------------------------------------------------------

_I = "({c[investment]}{r}-N({c[subsidy]}{r}))"  # I = 总投资 − 补贴 (《企业清洁生产审核手册》)
_P = "(N({c[income]}{r})+N({c[saving]}{r}))"  # P = 年收入增加额 + 年运行费用节省额
_Y = "{c[life]}{r}"
# Blank unless the option has an id, I > 0 and a whole number of years Y > 0 (flows F_1…F_Y).
_BLANK = (
    '=IF(OR({c[option_id]}{r}="",NOT(ISNUMBER({c[investment]}{r})),NOT(ISNUMBER(' + _Y + ")),"
    + _I + "<=0," + _Y + "<=0," + _Y + "<>INT(" + _Y + ')),"",'
)
_F = "{c[cash_flow]}{r}"
# Verdict text of cpxl.calc.economics.assess, with its tolerances (half the printed unit: 0.01 万元, 0.01 %).
_NPV_TOL = f"{NPV_TOLERANCE:.3f}"
_IRR_TOL = f"{IRR_TOLERANCE:.5f}"
_NPV_OK = "{c[npv]}{r}>=-" + _NPV_TOL
_IRR_OK = "{c[irr]}{r}>=基准折现率-" + _IRR_TOL
_REASONS = (
    'IF({c[npv]}{r}<-' + _NPV_TOL + ',"；净现值 "&TEXT({c[npv]}{r},"0.00")&" 万元 < 0","")'
    '&IF({c[irr]}{r}="","；内部收益率不存在",IF({c[irr]}{r}<基准折现率-' + _IRR_TOL + ','
    '"；内部收益率 "&TEXT({c[irr]}{r},"0.00%")&" < 贴现率 "&TEXT(基准折现率,"0.00%"),""))'
    '&IF({c[payback]}{r}="","；计算期内无法回收投资",IF({c[payback]}{r}>允许投资回收期,'
    '"；投资回收期 "&TEXT({c[payback]}{r},"0.00")&" 年 > 允许 "&允许投资回收期&" 年",""))'
)

ECO1 = Table(
    id="ECO.1",
    title="中/高费方案经济评价表",
    short="方案经济评价",
    section="7.2",
    source=SRC_1156 + "7.5.5；" + SRC_61 + "6.8.2.4；《企业清洁生产审核手册》",
    report=OWN_LAYOUT,
    derive="option_economics",
    note=(
        "投资发生在第0年，年现金流量自第1年起等额：I = 总投资 − 补贴；P = 年收入增加额 + 年运行费用节省额；"
        "D = I/Y；T = P − D；E = T − 所得税；F = E + D；N = I/F；NPV = ΣF/(1+i)^j − I；IRR 使 NPV = 0。"
        "贴现率、所得税率和允许投资回收期取“参数”表。只有环境效益、无明显经济效益的方案可不做经济评价（6.8.2.4.3）。"
    ),
    optional=True,
    checks=(OptionIds(),),
    columns=(
        text("option_id", "方案编号", required=True, width=9, hint="F+顺序号，与表D.30一致"),
        text("name", "方案名称", required=True, width=24),
        num("investment", "总投资", "万元", required=True),
        num("subsidy", "补贴", "万元"),
        num("income", "年收入增加额", "万元/a"),
        num("saving", "年运行费用节省额", "万元/a", required=True, negative_ok=True),
        num("life", "设备寿命期", "a", required=True),
        # F = E + D = P − max(P − I/Y, 0) × 所得税率 (D = I/Y; T = P − D; E = T − max(T, 0) × 税率)
        Column("cash_flow", "年现金流量F", unit="万元/a", type="number", negative_ok=True,
               formula=_BLANK + _P + "-MAX(" + _P + "-" + _I + "/" + _Y + ",0)*所得税率)",
               cp=_BLANK + "CP_CASHFLOW(" + _P + "," + _I + "," + _Y + "))"),
        # N = I/F (blank when F ≤ 0: never recovered)
        Column("payback", "投资回收期N", unit="a", type="number",
               formula=_BLANK + "IF(N(" + _F + ")<=0,\"\"," + _I + "/" + _F + "))",
               cp=_BLANK + "IF(N(" + _F + ")<=0,\"\",CP_PAYBACK(" + _I + "," + _F + ")))"),
        # NPV = Σ F/(1+i)^j − I = PV(i, Y, −F) − I (flows from the end of year 1)
        Column("npv", "净现值NPV", unit="万元", type="number", negative_ok=True,
               formula=_BLANK + "IF(" + _F + "=\"\",\"\",PV(基准折现率," + _Y + ",-" + _F + ")-" + _I + "))",
               cp=_BLANK + "IF(" + _F + "=\"\",\"\",CP_NPV(" + _I + "," + _F + "," + _Y + ")))"),
        # IRR: the rate with NPV = 0, RATE(Y, F, −I); none when F ≤ 0 (Y·F ≤ 0 < I)
        Column("irr", "内部收益率IRR", type="percent", negative_ok=True,
               formula=_BLANK + "IF(N(" + _F + ")<=0,\"\",IFERROR(RATE(" + _Y + "," + _F + ",-" + _I + ",0,0," + _F + "/" + _I
               + "),\"\")))",
               cp=_BLANK + "IF(N(" + _F + ")<=0,\"\",CP_IRR(" + _I + "," + _F + "," + _Y + ")))"),
        Column("verdict", "经济可行性", width=20,
               formula=_BLANK + "IF(" + _F + "=\"\",\"\",IF(AND(" + _NPV_OK + ",{c[irr]}{r}<>\"\"," + _IRR_OK
               + ",{c[payback]}{r}<>\"\",{c[payback]}{r}<=允许投资回收期),\"可行\",\"不可行：\"&MID(" + _REASONS + ",2,500))))",
               cp=_BLANK + "IF(" + _F + "=\"\",\"\",CP_ECON_OK(" + _I + "," + _F + "," + _Y + ")))"),
    ),
    free_rows=8,
    label_key="name",
)

BALANCE_TABLES = [BAL1, BAL2, BAL3, BAL4, SCO1, SCO2, ECO1, IND1]

# ---- ACC.* 验收报告 ------------------------------------------------------------------------------------------

_ACC = dict(kinds=("acceptance",), applies="acceptance")

ACC1 = Table(
    id="ACC.1",
    title="审核评估技术审查意见落实情况表",
    short="评估意见落实",
    section="8",
    source=SRC_61 + "7.2",
    report=OWN_LAYOUT,
    note="对照审核评估技术审查意见逐条说明企业落实情况和审核报告修改内容。",
    columns=(
        seq(),
        text("opinion", "审核评估技术审查意见", required=True, width=40),
        text("action", "落实情况", required=True, width=36),
        text("revision", "报告修改内容", width=30),
        text("page", "页码", width=8),
    ),
    label_key="opinion",
    **_ACC,
)

ADJUSTMENTS = ("内容调整", "方案替换", "取消实施")

ACC2 = Table(
    id="ACC.2",
    title="清洁生产方案调整情况表",
    short="方案调整",
    section="9.1",
    source=SRC_61 + "7.3.1.2",
    report=OWN_LAYOUT,
    derive="investment_change",
    note="审核评估阶段已确定实施的方案发生调整时填写；调整的中/高费方案应参考6.8.2从技术、环境、经济等方面进行可行性分析。",
    optional=True,
    checks=(OptionIds(),),
    columns=(
        seq(),
        text("option_id", "方案编号", required=True, width=9),
        text("name", "原方案名称", required=True, width=20),
        choice("kind", "调整类型", ADJUSTMENTS, width=10),
        text("process", "工艺", group=("调整后主要内容",), width=22),
        text("equipment", "设备", group=("调整后主要内容",), width=22),
        text("effect", "拟达效果", group=("调整后主要内容",), width=22),
        text("reason", "调整原因", required=True, width=24),
        num("inv_before", "原投资", "万元"),
        num("inv_after", "调整后投资", "万元"),
        Column(
            "inv_change",
            "投资变化",
            unit="万元",
            type="number",
            formula='=IF(OR({c[inv_before]}{r}="",{c[inv_after]}{r}=""),"",{c[inv_after]}{r}-{c[inv_before]}{r})',
            negative_ok=True,
        ),
        text("feasibility", "可行性分析结论", width=20),
    ),
    label_key="name",
    **_ACC,
)

COMPARISON_CATEGORIES = ("原辅材料", "资源能源", "生产工艺", "设备", "产品", "污染物排放", "碳排放", "清洁生产水平", "其他")

ACC3 = Table(
    id="ACC.3",
    title="审核前后主要指标对比表",
    short="审核前后对比",
    section="9.5.1",
    source=SRC_61 + "7.3.5.1、7.3.5.4",
    report=OWN_LAYOUT,
    derive="reduction",
    note="削减量 = 审核前 − 审核后，削减率 = 削减量/审核前；负值表示较审核前增加。效益显著的指标应进行审核后平衡分析（7.3.5.1）。",
    columns=(
        seq(),
        choice("category", "类别", COMPARISON_CATEGORIES, width=12),
        text("indicator", "指标", required=True, width=24),
        text("unit", "单位", required=True, width=12),
        num("before", "审核前（基准期{y3}年）", required=True),
        num("after", "审核后", required=True),
        Column(
            "change",
            "削减量",
            type="number",
            formula='=IF(OR({c[before]}{r}="",{c[after]}{r}=""),"",{c[before]}{r}-{c[after]}{r})',
            negative_ok=True,
        ),
        Column(
            "change_rate",
            "削减率",
            type="percent",
            # 削减率 = (审核前 − 审核后)/审核前
            formula='=IF(OR(N({c[before]}{r})<=0,NOT(ISNUMBER({c[after]}{r}))),"",({c[before]}{r}-{c[after]}{r})/{c[before]}{r})',
            cp='=IF(OR(N({c[before]}{r})<=0,NOT(ISNUMBER({c[after]}{r}))),"",CP_REDUCTION({c[before]}{r},{c[after]}{r}))',
            negative_ok=True,
        ),
        text("remark", "说明", width=28, hint="支撑方案、核算依据"),
    ),
    label_key="indicator",
    **_ACC,
)

#: Acceptance-report extras in sheet order.
ACCEPTANCE_TABLES = [ACC1, ACC2, ACC3]
