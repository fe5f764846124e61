"""Enterprise audit and acceptance tables: DB4101/T 61—2023 附录 D (D.1–D.43) and 附录 E (E.1–E.4).

Columns follow the printed tables column by column; multi-level headers are kept in `group`. Year columns
``{y1}年…{y3}年`` are the three years of 审核考察期 (3.9), filled from `封面信息`.
"""

from __future__ import annotations

from .checks import (
    MainProductOutput,
    OptionCategory,
    OptionCounts,
    OptionIds,
    PlanDates,
    TargetConsistency,
    UnitsPresent,
)
from .dsl import HAVE, YES_NO, choice, date, fld, num, seq, text, years
from .model import EIGHT_CATEGORIES, Column, Monitoring, Report, Split, Table

SRC = "DB4101/T 61—2023 附录D 表"
SRC_E = "DB4101/T 61—2023 附录E 表"

PHASES = ("审核准备", "预审核", "审核", "方案产生和筛选", "方案确定", "方案实施", "持续清洁生产")



def per_unit(output: str) -> dict[str, str]:
    """单耗 of year i = 总耗 ÷ `output` (a SUMIF on D.6), blank when either is missing or the output is 0
    (DB4101/T 61 6.5.1.2.4 a; a zero production volume is a located error of `cpxl check`)."""
    blank = f'=IF(OR(NOT(ISNUMBER({{c[total_{{i}}]}}{{r}})),N({output})=0),"",'
    return {
        "formula": blank + f"{{c[total_{{i}}]}}{{r}}/{output})",
        "cp": blank + f"CP_PER_UNIT({{c[total_{{i}}]}}{{r}},{output}))",
    }


# Per-unit consumption (单耗) of year i: total ÷ output of the main product in D.6 (DB4101/T 61 6.5.1.2.4 a).
PER_UNIT_MAIN = per_unit("SUMIF({x[D.6:product]},{p[main_product]},{x[D.6:output_{i}]})")

def joined(first: str, second: str) -> str:
    """Two 封面信息 values joined by a space, either alone when the other is blank."""
    a, b = f"{{p[{first}]}}", f"{{p[{second}]}}"
    return f'=IF({a}="",IF({b}="","",{b}),IF({b}="",{a},{a}&" "&{b}))'


D1 = Table(
    id="D.1",
    title="清洁生产审核领导/工作小组成员构成与职责分工表",
    short="审核小组",
    section="3.1",
    source=SRC + "D.1",
    report=Report(split=Split("team", "清洁生产审核{value}成员构成与职责分工表")),  # 6.4.1 a) 分别列表
    note="注：各小组若有人员变化，需备注说明。领导小组与工作小组分别填写（“小组”列）。",
    columns=(
        choice("team", "小组", ("领导小组", "工作小组"), required=True, width=12),
        text("role", "小组职务", required=True, width=14),
        text("name", "姓名", required=True, width=10),
        text("dept", "所在部门及职务", width=24),
        text("duty", "小组职责", width=40),
        text("remark", "备注", width=16),
    ),
    label_key="name",
)

D2 = Table(
    id="D.2",
    title="清洁生产审核咨询小组成员表",
    short="咨询小组",
    section="3.1",
    source=SRC + "D.2",
    note="注：各小组若有人员变化，需备注说明。",
    columns=(
        text("role", "小组职务", required=True, width=14),
        text("name", "姓名", required=True, width=10),
        text("qualification", "职业资格", width=24, hint="清洁生产审核师证书编号等"),
        text("title", "职称", width=12),
        text("duty", "小组职责", width=40),
        text("remark", "备注", width=16),
    ),
    label_key="name",
)

D3 = Table(
    id="D.3",
    title="清洁生产审核工作计划表",
    short="工作计划",
    section="3.2",
    source=SRC + "D.3",
    report=Report(figures=("gantt",)),
    note="计划时间具体到日（6.4.2），报告中以甘特图时间柱表示。",
    columns=(
        seq(),
        text("phase", "工作阶段", required=True, choices=PHASES, width=16),
        text("content", "工作内容（结合35个步骤）", width=44),
        date("start", "开始日期", group=("计划时间",), required=True, width=12),
        date("end", "结束日期", group=("计划时间",), required=True, width=12),
        text("dept", "责任部门", width=14),
        text("owner", "责任人", width=10),
    ),
    rows=tuple((n, p) for n, p in zip("一二三四五六七", PHASES)),
    row_keys=("no", "phase"),
    free_rows=0,
    checks=(PlanDates(),),
    label_key="phase",
)

D4 = Table(
    id="D.4",
    title="企业基本信息表",
    short="企业基本信息",
    section="4.1.1",
    source=SRC + "D.4",
    fields=(
        fld("name", "企业名称", required=True, formula="={p[company]}"),
        fld(
            "industry",
            "所属行业及代码",
            required=True,
            formula='=IF({p[industry_code]}="",IF({p[industry]}="","",{p[industry]}),{p[industry]}&"（"&{p[industry_code]}&"）")',
        ),
        fld("nature", "企业性质", required=True),
        fld("legal_rep", "法人代表", formula="={p[legal_rep]}"),
        fld("address", "通讯地址", required=True, formula="={p[address]}"),
        fld("postcode", "邮政编码"),
        fld("contact", "联系人", formula="={p[contact]}"),
        fld("phone", "联系方式", formula="={p[phone]}"),
        fld("founded", "建厂日期", type="date"),
        fld("operation", "投产日期", type="date"),
        fld("capital", "注册资金", type="number", unit="万元"),
        fld("area", "占地面积", type="number", unit="m²"),
        fld("shifts", "工作班制", required=True),
        fld("staff", "员工人数", type="integer", unit="人", required=True),
        fld("products", "主要产品及产能", required=True, formula="={p[products]}"),
        fld("key_equipment", "关键设备"),
        fld("output_value", "企业年总产值", type="number", unit="万元", required=True),
    ),
)

D5 = Table(
    id="D.5",
    title="主要设备配置情况表",
    short="主要设备",
    section="4.1.2",
    source=SRC + "D.5",
    columns=(
        seq(),
        text("line", "生产线/车间/部位", width=18),
        text("name", "设备名称", required=True, width=20),
        text("model", "规格型号", width=16),
        num("power", "功率", "kW"),
        num("count", "数量", "台/套", type="integer", required=True),
        text("since", "投运时间", width=12),
        text("state", "运行情况", width=14),
    ),
    rows=(("一、主要生产设备",), ("二、辅助生产设备",), ("三、环保设施设备",)),
    row_keys=("no",),
    free_rows=4,
    label_key="name",
)

D6 = Table(
    id="D.6",
    title="产品产量一览表",
    short="产品产量",
    section="4.1.2",
    source=SRC + "D.6",
    report=Report(figures=("output_trend",)),
    checks=(UnitsPresent(), MainProductOutput()),
    columns=(
        seq(),
        text("product", "产品名称", required=True, width=18),
        text("output_unit", "单位", group=("产量",), required=True, width=8),
        *years("output", ("产量",), required=True),
        text("value_unit", "单位", group=("产值",), width=8),
        *years("value", ("产值",)),
    ),
    label_key="product",
)

D7 = Table(
    id="D.7",
    title="主要原辅材料消耗表",
    short="原辅材料消耗",
    section="4.1.2",
    source=SRC + "D.7",
    report=Report(note="注：单耗 = 总耗 ÷ 对应产品产量（表D.6）。", figures=("material_index",)),
    derive="per_unit_of_its_product",
    checks=(UnitsPresent(),),
    columns=(
        seq(),
        text("product", "产品/单元", required=True, width=14),
        text("material", "原辅材料名称", required=True, width=18),
        text("total_unit", "单位", group=("审核考察期消耗量", "总耗"), required=True, width=8),
        *years("total", ("审核考察期消耗量", "总耗"), required=True),
        text("unit_unit", "单位", group=("审核考察期消耗量", "单耗"), width=10),
        *years(
            "per_unit",
            ("审核考察期消耗量", "单耗"),
            **per_unit("SUMIF({x[D.6:product]},{c[product]}{r},{x[D.6:output_{i}]})"),
        ),
    ),
    label_key="material",
)

D8 = Table(
    id="D.8",
    title="主要原辅材料基本信息一览表",
    short="原辅材料信息",
    section="4.1.2",
    source=SRC + "D.8",
    columns=(
        seq(),
        text("name", "名称", required=True, width=18),
        text("state", "物态/规格", width=14),
        text("storage", "包装及贮存方式", width=18),
        text("origin", "来源", width=16),
        text("transport", "厂外运输方式", width=14),
    ),
)

D9 = Table(
    id="D.9",
    title="有毒有害原辅材料理化性质一览表",
    short="有毒有害原辅材料",
    section="4.1.2",
    source=SRC + "D.9",
    applies="双有",
    columns=(
        seq(),
        text("name", "名称", required=True, width=18),
        text("composition", "主要成分", width=24),
        text("hazard", "理化性质及其危害性", required=True, width=50),
    ),
)

D10 = Table(
    id="D.10",
    title="水资源消耗表",
    short="水资源消耗",
    section="4.1.2",
    source=SRC + "D.10",
    report=Report(note="注：单耗 = 总耗 ÷ 单耗基准产品产量（表D.6）。", figures=("water_trend",)),
    derive="per_unit_of_main_product",
    note="注：水资源类别包括新鲜水、企业自回用中水、外购中水等。总耗单位 m³，单耗单位 m³/单耗基准产品单位。",
    columns=(
        seq(),
        choice("category", "水资源类别", ("新鲜水", "企业自回用中水", "外购中水", "其他"), required=True, width=14),
        text("source", "取水来源", width=14),
        text("discharge", "排放去向", width=16),
        *years("total", ("审核考察期消耗量", "总耗"), unit="m³", required=True),
        *years("per_unit", ("审核考察期消耗量", "单耗"), **PER_UNIT_MAIN),
    ),
    label_key="category",
)

D11 = Table(
    id="D.11",
    title="能源消耗情况表",
    short="能源消耗",
    section="4.1.2",
    source=SRC + "D.11",
    report=Report(note="注：单耗 = 总耗 ÷ 单耗基准产品产量（表D.6）。", figures=("energy_index",)),
    derive="per_unit_of_main_product",
    checks=(UnitsPresent(),),
    columns=(
        seq(),
        text("energy", "能源类别", required=True, width=14, hint="名称与参数表折标准煤系数一致，如 原煤、天然气、电力"),
        text("origin", "来源", width=10),
        text("total_unit", "单位", group=("审核考察期消耗量", "总耗"), required=True, width=9),
        *years("total", ("审核考察期消耗量", "总耗"), required=True),
        text("unit_unit", "单位", group=("审核考察期消耗量", "单耗"), width=12),
        *years("per_unit", ("审核考察期消耗量", "单耗"), **PER_UNIT_MAIN),
    ),
    rows=(("1", "煤炭"), ("2", "天然气"), ("3", "电力")),
    row_keys=("no", "energy"),
    label_key="energy",
)

# D.12: standard coal of each D.11 energy (GB/T 2589-2020 表A.1/表B.1); quantity and unit looked up in D.11.
# The coefficient is the 参数 row of the name, or of its GB/T 2589 name (代码表: 煤炭 → 原煤); the D.11 unit
# is converted to the coefficient's by 代码表 (“kg|t” → 1000), as cpxl.calc.energy.convert_quantity does.
_STANDARD_NAME = "IFERROR(INDEX(代码对应名称,MATCH({c[name]}{r},代码键,0)),{c[name]}{r})"


def _parameter_of_name(names: str) -> str:
    """The 参数 column `names` (a defined name) on the row of this row's energy (its own name first)."""
    return (
        f'=IF({{c[name]}}{{r}}="","",IFERROR(INDEX({names},MATCH({{c[name]}}{{r}},参数名称,0)),'
        f'IFERROR(INDEX({names},MATCH({_STANDARD_NAME},参数名称,0)),"")))'
    )


_D11_QTY = "SUMIF({x[D.11:energy]},{c[name]}{r},{x[D.11:total_{i}]})"
_D11_UNIT = "INDEX({x[D.11:total_unit]},MATCH({c[name]}{r},{x[D.11:energy]},0))"
_D11_BLANK = (
    '=IF(OR(NOT(ISNUMBER({c[coef]}{r})),SUMPRODUCT(({x[D.11:energy]}={c[name]}{r})*ISNUMBER({x[D.11:total_{i}]}))=0),"",'
)
_UNIT_FACTOR = 'INDEX(代码换算系数,MATCH(MID({c[coef_unit]}{r},6,20)&"|"&' + _D11_UNIT + ",代码键,0))"
TCE_FROM_D11 = {
    # 总耗 [kgce] = 实物量 × 换算系数 × 折标准煤系数
    "formula": _D11_BLANK + "IFERROR(" + _D11_QTY + "*" + _UNIT_FACTOR + '*{c[coef]}{r},""))',
    "cp": _D11_BLANK + "CP_TCE(" + _D11_QTY + ",{c[name]}{r},{c[coef]}{r}," + _D11_UNIT + "))",
}

D12 = Table(
    id="D.12",
    title="综合能耗情况表",
    short="综合能耗",
    section="4.1.2",
    source=SRC + "D.12；GB/T 2589-2020",
    report=Report(
        note="注：折标准煤系数按 GB/T 2589-2020 表A.1、表B.1（参数表可修改），总耗 = 表D.11 实物消耗量 × 折标准煤系数；"
        "单耗 = 总耗 ÷ 单耗基准产品产量。",
        figures=("energy_trend",),
    ),
    derive="standard_coal",
    note="折标准煤系数按GB/T 2589-2020，可在“参数”表修改；总耗由表D.11实物量折算。",
    columns=(
        seq(),
        choice("kind", "类别", ("能源", "电力", "热力", "耗能工质"), group=("名称",), required=True, width=10),
        text("name", "名称", group=("名称",), required=True, width=12),
        Column(
            "coef",
            "折标准煤系数",
            type="number",
            formula=_parameter_of_name("参数采用值"),
            cp='=IF({c[name]}{r}="","",CP_COEF({c[name]}{r}))',
            width=12,
        ),
        Column("coef_unit", "系数单位", formula=_parameter_of_name("参数单位"), width=10),
        *years("total", ("审核考察期消耗量", "总耗（kgce）"), **TCE_FROM_D11, total=True),
        *years("per_unit", ("审核考察期消耗量", "单耗（kgce/单位产品）"), **PER_UNIT_MAIN, total=True),
    ),
    rows=(
        ("1", "能源", "煤炭"),  # D.11 prints 煤炭; the coefficient table maps it to 原煤
        ("2", "能源", "天然气"),
        ("3", "能源", "柴油"),
        ("4", "能源", ""),
        ("5", "电力", "电力"),
        ("6", "热力", "热力"),
        ("7", "耗能工质", "新水"),
        ("8", "耗能工质", "氧气"),
        ("9", "耗能工质", ""),
    ),
    row_keys=("no", "kind", "name"),
    free_rows=2,
    total_label="合计综合能耗",
    label_key="name",
)

TABLES_D1_D12 = [D1, D2, D3, D4, D5, D6, D7, D8, D9, D10, D11, D12]

# ---------------------------------------------------------------------------------------------------------
# 4.1.3 企业环保现状 (DB4101/T 61 6.5.1.3)

D13 = Table(
    id="D.13",
    title="环评批复及验收情况一览表",
    short="环评批复及验收",
    section="4.1.3",
    source=SRC + "D.13",
    columns=(
        seq(),
        text("project", "项目名称", required=True, width=22),
        text("content", "建设内容", width=30),
        text("approval", "环评审批文号及时间", required=True, width=24),
        text("acceptance", "验收情况", width=22),
        text("problem", "存在问题", width=22),
        text("remark", "备注", width=14),
    ),
    label_key="project",
)

D14 = Table(
    id="D.14",
    title="排污许可等环境管理制度执行情况表",
    short="环境管理制度",
    section="4.1.3",
    source=SRC + "D.14",
    columns=(
        seq(),
        text("item", "项目名称", required=True, width=24),
        text("status", "执行情况", width=50),
        text("remark", "备注", width=16),
    ),
    rows=(
        ("1", "排污许可"),
        ("2", "环境信息披露"),
        ("3", "环境守法"),
        ("4", "突发环境事件应急预案"),
        ("5", "重污染天气应急预案"),
        ("6", "环境信用评价"),
    ),
    row_keys=("no", "item"),
    free_rows=2,
    label_key="item",
)

POLLUTION_TYPES = ("废水", "废气", "噪声", "固废")
OUTLET_TYPES = ("主要排放口", "一般排放口", "/")

D15 = Table(
    id="D.15",
    title="污染物产生及治理情况一览表",
    short="污染物产生及治理",
    section="4.1.3",
    source=SRC + "D.15",
    columns=(
        seq(),
        choice("type", "类型", POLLUTION_TYPES, required=True, width=8),
        text("stage", "产污环节", required=True, width=16),
        text("factor", "污染因子", required=True, width=18),
        text("treatment", "治理措施（包括收集和处理）", width=30),
        text("discharge", "排放方式", width=14, hint="废水填排水去向；废气填无组织/有组织；噪声、固废填“/”"),
        text("outlet", "排放口名称及编号", width=18, hint="噪声、固废填“/”"),
        choice("outlet_type", "排放口类型", OUTLET_TYPES, width=12),
    ),
    free_rows=12,
    label_key="factor",
)

D16 = Table(
    id="D.16",
    title="污染物执行标准及总量控制指标一览表",
    short="执行标准及总量",
    section="4.1.3",
    source=SRC + "D.16",
    columns=(
        seq(),
        choice("type", "类型", POLLUTION_TYPES, required=True, width=8),
        text("standard", "标准名称及级（类）别", required=True, width=36),
        text("factor", "污染因子", required=True, width=16),
        text("limit", "标准限值", required=True, width=16, hint="含单位，如 50 mg/L、昼间65 dB(A)"),
        text("quota", "总量指标", width=14, hint="含单位（如 t/a）；无总量指标填“/”"),
        text("location", "排放位置", width=16),
    ),
    free_rows=12,
    label_key="factor",
)

D17 = Table(
    id="D.17",
    title="废水治理措施情况表",
    short="废水治理措施",
    section="4.1.3",
    source=SRC + "D.17",
    columns=(
        text("category", "废水类别", required=True, width=12),
        text("name", "废水治理措施名称", width=20),
        text("process", "处理工艺", width=26),
        num("design_capacity", "设计处理能力", "m³/d"),
        num("actual", "实际处理量", "m³/d"),
        text("runtime", "实际运行时间", width=14, hint="如 24 h/d，330 d/a"),
        choice("online", "在线监控", HAVE, width=9),
        choice("ledger", "设施运行台账", HAVE, width=9),
    ),
    rows=(("工业废水",), ("生活污水",)),
    row_keys=("category",),
    free_rows=2,
    label_key="category",
)

D18 = Table(
    id="D.18",
    title="废水主要污染物监测情况表",
    short="废水污染物监测",
    section="4.1.3",
    source=SRC + "D.18",
    note="审核基准期内监测数据；每种主要污染物填写一行，“合计”行按污染物汇总两类废水。",
    columns=(
        choice("category", "废水类别", ("工业废水", "生活污水", "合计"), required=True, width=10),
        text("point", "监测点位", width=14),
        text("time", "监测时间", width=14),
        text("method", "监测方式及频次", width=16),
        num("volume", "年废水排放量", "m³/a"),
        text("pollutant", "主要污染物", required=True, width=12),
        text("limit", "标准限值", width=12, hint="与浓度值同单位（mg/L）；pH等无量纲指标直接填写"),
        num("conc_max", "最高值", "mg/L", group=("浓度值",)),
        num("conc_min", "最低值", "mg/L", group=("浓度值",)),
        num("conc_avg", "平均值", "mg/L", group=("浓度值",)),
        num("exceed_rate", "超标率", "%", group=("浓度值",)),
        num("load", "年废水污染物排放量", "t/a"),
        text("destination", "排放去向", width=14),
        text("data_source", "数据来源", width=16),
    ),
    rows=(("工业废水",), ("生活污水",), ("合计",)),
    row_keys=("category",),
    free_rows=8,
    checks=(UnitsPresent(),),
    label_key="pollutant",
    report=Report(monitoring=Monitoring("废水", (("category",), ("pollutant",)), (("conc_max", "conc_avg", "conc_min", "limit"),),
                                        sums=("category", "合计"))),
)

D19 = Table(
    id="D.19",
    title="废气收集治理措施情况表",
    short="废气治理措施",
    section="4.1.3",
    source=SRC + "D.19",
    columns=(
        text("name", "废气名称", required=True, width=14),
        text("measure", "废气收集治理措施", width=24),
        num("count", "数量", "台/套", type="integer"),
        text("process", "处理工艺", width=22),
        num("design_capacity", "设计处理能力", "m³/h"),
        num("actual_avg", "实际处理量平均值", "m³/h"),
        text("runtime", "实际运行时间", width=14, hint="如 16 h/d，300 d/a"),
        choice("online", "在线监控", HAVE, width=9),
        choice("ledger", "设施运行台账", HAVE, width=9),
    ),
    label_key="name",
)

# The printed unit of 年废气污染物排放量 is “m³/a”, a misprint for a pollutant mass: t/a as in D.18.
D20 = Table(
    id="D.20",
    title="废气污染物监测情况表",
    short="废气污染物监测",
    section="4.1.3",
    source=SRC + "D.20",
    note="审核基准期内监测数据；每个排放口的每种主要污染物填写一行。",
    columns=(
        text("name", "废气名称", required=True, width=12),
        text("point", "监测点位", width=14),
        text("time", "监测时间", width=14),
        text("method", "监测方式及频次", width=16),
        text("pollutant", "主要污染物", required=True, width=12),
        num("flow", "废气排放量", "m³/h"),
        num("conc_max", "最高值", "mg/m³", group=("浓度值",)),
        num("conc_min", "最低值", "mg/m³", group=("浓度值",)),
        num("conc_avg", "平均值", "mg/m³", group=("浓度值",)),
        num("exceed_rate", "超标率", "%", group=("浓度值",)),
        num("conc_std", "标准值", "mg/m³", group=("浓度值",)),
        num("rate_max", "最高值", "kg/h", group=("排放速率",)),
        num("rate_min", "最低值", "kg/h", group=("排放速率",)),
        num("rate_avg", "平均值", "kg/h", group=("排放速率",)),
        num("rate_std", "标准值", "kg/h", group=("排放速率",)),
        num("stack_height", "排气筒高度", "m"),
        num("load", "年废气污染物排放量", "t/a"),
        text("data_source", "数据来源", width=16),
    ),
    label_key="pollutant",
    report=Report(monitoring=Monitoring("废气", (("point", "name"), ("pollutant",)),
                                        (("conc_max", "conc_avg", "conc_min", "conc_std"), ("rate_max", "rate_avg", "rate_min", "rate_std")))),
)

SOLID_WASTE_CLASSES = ("一般固体废物", "危险废物")

D21 = Table(
    id="D.21",
    title="一般固体废物和危险废物产生及处理处置措施",
    short="固体废物",
    section="4.1.3",
    source=SRC + "D.21",
    columns=(
        seq(),
        choice("category", "类别", SOLID_WASTE_CLASSES, required=True, width=12),
        text("name", "固废名称", required=True, width=16),
        text("code", "代码", width=14, hint="危险废物填《国家危险废物名录》代码；一般固体废物填固体废物代码"),
        text("stage", "产污环节", width=14),
        num("generated", "产生量", "t/a", required=True),
        text("form", "形态", width=8),
        text("hazard", "有害成分", width=14),
        text("storage", "暂存方式", width=14),
        text("disposal", "处理处置措施", width=22),
        num("disposed", "处置量", "t/a"),
        text("cycle", "处置周期", width=10),
        choice("ledger", "管理台账", HAVE, width=9),
    ),
    label_key="name",
)

D22 = Table(
    id="D.22",
    title="厂界噪声监测结果一览表",
    short="厂界噪声",
    section="4.1.3",
    source=SRC + "D.22",
    columns=(
        text("point", "监测点位", required=True, width=12),
        choice("period", "监测时段", ("昼间", "夜间"), required=True, width=9),
        num("value", "监测值", "dB(A)", required=True),
        num("standard", "标准值", "dB(A)", required=True),
        text("data_source", "数据来源（检测报告编号）", width=26),
    ),
    rows=tuple((side, period) for side in ("东厂界", "西厂界", "南厂界", "北厂界") for period in ("昼间", "夜间")),
    row_keys=("point", "period"),
    free_rows=2,
    label_key="point",
)

D23 = Table(
    id="D.23",
    title="主要污染物排放总量控制指标执行情况表",
    short="总量控制执行",
    section="4.1.3",
    source=SRC + "D.23",
    derive="within_quota",
    columns=(
        seq(),
        text("pollutant", "主要污染物", required=True, width=16),
        num("quota", "总量控制指标", "t/a", required=True),
        num("base", "基准期排放总量", "t/a", required=True),
        Column(
            "ok",
            "是否满足要求",
            choices=YES_NO,
            formula='=IF(OR({c[quota]}{r}="",{c[base]}{r}=""),"",IF({c[base]}{r}<={c[quota]}{r},"是","否"))',
            width=12,
        ),
    ),
    label_key="pollutant",
)

# ---------------------------------------------------------------------------------------------------------
# 4.5 审核目标 and the tables that measure against it (D.33, D.42)

DIRECTIONS = ("降低", "提高")

D24 = Table(
    id="D.24",
    title="本轮清洁生产目标一览表",
    short="清洁生产目标",
    section="4.5",
    source=SRC + "D.24",
    note="相对值为相对基准期值的降低（提高）幅度：降低类指标 =（基准期值 − 目标值）÷ 基准期值 × 100%。",
    checks=(TargetConsistency(relative=True), UnitsPresent()),
    columns=(
        seq(),
        text("indicator", "指标项", required=True, width=24),
        text("unit", "单位", required=True, width=12),
        # Not printed: whether the indicator improves by falling (单耗、排放量) or rising (回用率); the
        # relative values and 是否完成 (D.42) depend on it.
        choice("direction", "方向", DIRECTIONS, required=True, width=8, hint="指标值越小越好填“降低”，越大越好填“提高”", printed=False),
        num("base", "基准期值（{y3}年）", required=True, width=14),
        num("near_abs", "绝对值", group=("近期目标（{near}年）",), required=True),
        num("near_rel", "相对值", "%", group=("近期目标（{near}年）",), required=True),
        num("far_abs", "绝对值", group=("中（远）期目标（{far}年）",)),
        num("far_rel", "相对值", "%", group=("中（远）期目标（{far}年）",)),
    ),
    label_key="indicator",
)

# The matching D.24 row of this row's 指标项.
_D24_ROW = "MATCH({c[indicator]}{r},{x[D.24:indicator]},0)"


def _from_d24(key: str) -> str:
    """Formula taking column `key` of the D.24 row with the same 指标项 (blank when none)."""
    cell = f"INDEX({{x[D.24:{key}]}},{_D24_ROW})"
    return f'=IF({{c[indicator]}}{{r}}="","",IFERROR(IF({cell}="","",{cell}),""))'


# 方向 of the matching D.24 row (降低 when none).
_D24_DIRECTION = f'IFERROR(INDEX({{x[D.24:direction]}},{_D24_ROW}),"降低")'


def _relative(value: str) -> str:
    """Formula of the relative change [%] of column `value` against 基准期值, signed by D.24's 方向."""
    direction = _D24_DIRECTION
    return (
        f'=IF(OR({{c[base]}}{{r}}="",{{c[{value}]}}{{r}}=""),"",IFERROR(ROUND(IF({direction}="提高",'
        f"{{c[{value}]}}{{r}}-{{c[base]}}{{r}},{{c[base]}}{{r}}-{{c[{value}]}}{{r}})/{{c[base]}}{{r}}*100,2),\"\"))"
    )


def _target_columns() -> tuple[Column, ...]:
    """指标项 … 近期目标 as in D.24, looked up there by 指标项."""
    return (
        text("indicator", "指标项", required=True, width=24, hint="与表D.24指标项名称一致"),
        Column("unit", "单位", formula=_from_d24("unit"), width=12),
        Column("base", "基准期值（{y3}年）", type="number", formula=_from_d24("base"), width=14),
        Column("near_abs", "绝对值", type="number", group=("近期目标（{near}年）",), formula=_from_d24("near_abs")),
        Column(
            "near_rel", "相对值", unit="%", type="number", group=("近期目标（{near}年）",), formula=_from_d24("near_rel")
        ),
    )


# ---------------------------------------------------------------------------------------------------------
# Options. 方案编号 “F+顺序号” (6.7.2) is assigned in D.30 and used by every later option table.

COST_CLASSES = ("无/低费", "中/高费")
OPTION_STAGES = ("预审核", "审核")


def option_id(label: str = "方案编号", **kw) -> Column:
    return text("option_id", label, required=True, width=9, hint="F+顺序号，如 F01、F02", **kw)


def option_category(label: str = "方案类型") -> Column:
    return choice("category", label, EIGHT_CATEGORIES, required=True, width=16)


def cost_class(**kw) -> Column:
    # Not printed in D.30/D.34/D.38: the reports split options by it (D.31 and D.38 are each printed as a
    # 无/低费 and a 中/高费 table) and D.36, D.39, D.40, D.41 and 表E.4 sum by it.
    return choice("cost_class", "费用类别", COST_CLASSES, required=True, width=10, printed=False, **kw)


# D.25 is printed once for 4.6 (预审核阶段方案汇总) and once for 5.3 (审核阶段提出方案汇总); the
# unprinted 阶段 column tells the two apart, the table's section is the first.
D25 = Table(
    id="D.25",
    title="预审核/审核阶段备选方案汇总表",
    short="阶段备选方案",
    section="4.6",
    source=SRC + "D.25",
    report=Report(split=Split("stage", "{value}阶段备选方案汇总表", places=(("预审核", "4.6"), ("审核", "5.3")))),
    note="“阶段”为预审核的方案列入预审核阶段方案汇总，为审核的列入审核阶段提出方案汇总。",
    checks=(OptionCategory(),),
    columns=(
        seq(),
        choice("stage", "阶段", OPTION_STAGES, required=True, width=9),
        option_category(),
        text("name", "方案名称", required=True, width=24),
        text("problem", "存在问题", width=30),
        text("content", "方案主要内容", width=36),
        text("origin", "方案来源", width=14, hint="如 合理化建议、现场考察、行业专家、平衡分析"),
    ),
    free_rows=15,
    label_key="name",
)

# ---------------------------------------------------------------------------------------------------------
# 5.2 审核重点实测和分析

D26 = Table(
    id="D.26",
    title="审核重点计量器具/监测仪器统计表",
    short="计量器具",
    section="5.2.1",
    source=SRC + "D.26；GB 17167；GB 24789",
    columns=(
        text("name", "计量器具/监测仪器名称", required=True, width=22),
        text("location", "分布点位", width=18),
        text("model", "型号/规格", width=16),
        text("range", "测量范围", width=14),
        text("accuracy", "准确度等级", width=10),
        num("count", "数量", type="integer", required=True, width=8),
        text("state", "状态", width=10),
        text("calibration", "最近一次校准情况", width=20),
    ),
    label_key="name",
)

_CAUSES = ("raw", "process", "equipment", "control", "product", "waste", "management", "staff")

D27 = Table(
    id="D.27",
    title="物料损失/不合理用水/不合理用能原因分析表",
    short="损失原因分析",
    section="5.2.3",
    source=SRC + "D.27；DB11/T 1156 附录A",
    columns=(
        text("name", "物料名称/工业用水类别/能源名称", required=True, width=22),
        text("location", "损失（不合理的）部位", required=True, width=18),
        *(text(k, c, group=("影响因素",), width=16) for k, c in zip(_CAUSES, EIGHT_CATEGORIES)),
    ),
    label_key="name",
)

D28 = Table(
    id="D.28",
    title="重点关注污染物产生原因表",
    short="污染物产生原因",
    section="5.2.3",
    source=SRC + "D.28；DB11/T 1156 附录A",
    columns=(
        text("pollutant", "重点关注污染物名称", required=True, width=18),
        text("location", "产生部位", required=True, width=16),
        *(
            text(k, c, group=("影响因素",), width=16)
            for k, c in (
                ("raw", "原辅材料和资源能源"),
                ("process", "生产工艺"),
                ("equipment", "设备"),
                ("collection", "收集方式"),
                ("facility", "处理设施"),
                ("control", "过程控制"),
                ("management", "管理"),
                ("staff", "员工"),
            )
        ),
    ),
    label_key="pollutant",
)

# ---------------------------------------------------------------------------------------------------------
# 第六章 方案产生和筛选

D29 = Table(
    id="D.29",
    title="行业专家意见采纳表",
    short="专家意见采纳",
    section="6.1",
    source=SRC + "D.29",
    applies="专家",
    optional=True,
    columns=(
        seq(),
        text("opinion", "行业专家意见和建议", required=True, width=50),
        text("adoption", "采纳情况", required=True, width=30, hint="如 已采纳，形成方案F05；未采纳及原因"),
    ),
    label_key="opinion",
)

D30 = Table(
    id="D.30",
    title="备选清洁生产方案汇总表",
    short="备选方案汇总",
    section="6.2",
    source=SRC + "D.30",
    report=Report(figures=("options_by_class",)),
    checks=(OptionIds(), OptionCategory()),
    columns=(
        option_id(),
        option_category(),
        cost_class(),
        text("name", "方案名称", required=True, width=24),
        text("content", "方案内容", width=40),
        num("investment", "预计投资", "万元", total=True),
        text("env_benefit", "环境效益", group=("预期效益",), width=28),
        text("econ_benefit", "经济效益", group=("预期效益",), width=20),
    ),
    free_rows=20,
    total_label="汇总",
    label_key="option_id",
)

# D.31 is printed twice (可行无/低费, 初步可行中/高费); the class comes from D.30 by 方案编号.
D31 = Table(
    id="D.31",
    title="筛选后可行无/低费（初步可行中/高费）清洁生产方案汇总表",
    short="筛选后可行方案",
    section="6.3",
    source=SRC + "D.31",
    report=Report(  # 6.7.3: the 无/低费 and the 中/高费 options listed apart
        split=Split(
            "cost_class",
            places=(("无/低费", None), ("中/高费", None)),
            captions=(("无/低费", "筛选后可行无/低费清洁生产方案汇总表"), ("中/高费", "初步可行中/高费清洁生产方案汇总表")),
        )
    ),
    derive="cost_class_of_option",
    checks=(OptionIds(),),
    columns=(
        seq(),
        option_id(),
        text("name", "方案名称", required=True, width=24),
        num("investment", "预计投资", "万元", total=True),
        Column(
            "cost_class",
            "费用类别",
            formula='=IF({c[option_id]}{r}="","",IFERROR(INDEX({x[D.30:cost_class]},'
            'MATCH({c[option_id]}{r},{x[D.30:option_id]},0))&"",""))',
            width=10,
        ),
    ),
    free_rows=20,
    label_key="name",
)

D32 = Table(
    id="D.32",
    title="不可行方案汇总表",
    short="不可行方案",
    section="6.3",
    source=SRC + "D.32",
    optional=True,
    checks=(OptionIds(), OptionCategory()),
    columns=(
        seq(),
        option_id(),
        option_category(),
        text("name", "方案名称", required=True, width=24),
        text("content", "方案主要内容", width=36),
        text("reason", "不可行原因", required=True, width=30),
    ),
    label_key="name",
)

# ---------------------------------------------------------------------------------------------------------
# 第七章 方案确定

D33 = Table(
    id="D.33",
    title="本轮清洁生产审核目标预期完成情况表",
    short="目标预期完成",
    section="7.3",
    source=SRC + "D.33",
    derive="expected_against_targets",
    note="单位、基准期值和近期目标取自表D.24；相对值按表D.24的方向计算。",
    checks=(TargetConsistency(),),
    columns=(
        *_target_columns(),
        num("exp_abs", "绝对值", group=("预期完成情况",), required=True),
        Column("exp_rel", "相对值", unit="%", type="number", group=("预期完成情况",), formula=_relative("exp_abs")),
        text("options", "支撑方案", width=18, hint="方案编号，如 F01、F03"),
    ),
    label_key="indicator",
)

D34 = Table(
    id="D.34",
    title="已实施方案效益汇总表",
    short="已实施方案效益",
    section="7.4",
    source=SRC + "D.34",
    report=Report(figures=("implemented_by_class",)),
    note="效益以年度计。",
    checks=(OptionIds(), OptionCategory(), PlanDates(group_by="option_id")),
    columns=(
        option_id(),
        option_category(),
        cost_class(),
        text("name", "方案名称", required=True, width=24),
        num("investment", "投资", "万元", required=True, total=True),
        date("start", "开始时间", width=12),
        date("end", "完成时间", width=12),
        text("env_benefit", "环境效益", group=("效益（计算过程）",), width=32),
        num("econ_benefit", "经济效益", "万元/a", group=("效益（计算过程）",), total=True, hint="计算过程在正文中说明"),
    ),
    free_rows=15,
    total_label="汇总",
    label_key="option_id",
)

PLAN_STEPS = ("方案提出", "筹备资金", "设备购置", "设备安装", "调试运行")

D35 = Table(
    id="D.35",
    title="拟实施方案实施计划及完成情况表",
    short="实施计划",
    section="7.5",
    source=SRC + "D.35",
    note="每个方案按方案提出、筹备资金、设备购置、设备安装、调试运行等步骤各填一行，编号重复填写。",
    checks=(PlanDates(group_by="option_id"), OptionIds(steps=True)),
    columns=(
        seq(),
        text("option_id", "编号", required=True, width=8, hint="F+顺序号，与表D.30一致"),
        text("name", "方案名称", required=True, width=22),
        num("investment", "预计投资", "万元"),
        choice("step", "内容", PLAN_STEPS, required=True, width=12, hint="可填写其他步骤"),
        date("start", "计划开始", group=("计划实施时间",), required=True, width=12),
        date("end", "计划完成", group=("计划实施时间",), required=True, width=12),
        text("dept", "责任部门", width=14),
        text("status", "完成情况", width=16),
    ),
    free_rows=20,
    label_key="name",
)

# ---------------------------------------------------------------------------------------------------------
# 第八章 结论 (审核报告)


def _sum_pair(low: str, high: str) -> str:
    return f'IF(COUNT({{c[{low}]}}{{r}},{{c[{high}]}}{{r}})=0,"",SUM({{c[{low}]}}{{r}},{{c[{high}]}}{{r}}))'


def _pair_total(low: str, high: str) -> str:
    """合计 = 无/低费 + 中/高费 of the same row (blank when both are blank)."""
    return "=" + _sum_pair(low, high)


def _rows_sum(table: str, item: str) -> str:
    """无/低费 + 中/高费 of the row of `table` whose 项目 is `item`."""
    rng = f"{{x[{table}:item]}}"
    return f'(SUMIF({rng},"{item}",{{x[{table}:low]}})+SUMIF({rng},"{item}",{{x[{table}:high]}}))'


def _ratio(num_: str, den: str) -> str:
    return f'IFERROR(ROUND({num_}/{den}*100,2),"")'


def _row_given(table: str, item: str) -> str:
    """Numbers in the 无/低费 and 中/高费 cells of the row of `table` whose 项目 is `item`."""
    rng = f"{{x[{table}:item]}}"
    return "+".join(f'SUMPRODUCT(({rng}="{item}")*ISNUMBER({{x[{table}:{c}]}}))' for c in ("low", "high"))


def _rate_of_rows(table: str, part: str, whole: str) -> str:
    """part ÷ whole × 100 of two rows; blank when the part is not given (a blank is not 0 %)."""
    return f'IF({_row_given(table, part)}=0,"",' + _ratio(_rows_sum(table, part), _rows_sum(table, whole)) + ")"


# D.36's 合计: sums, except the rates, which are the ratio of the sums (实施率 = 已完成 ÷ 方案数量,
# 投资完成率 = 已实现 ÷ 预期投资), not the sum of the two rates.
D36_TOTAL = (
    '=IF({c[item]}{r}="实施率（%）",'
    + _rate_of_rows("D.36", "已完成方案数量（个）", "方案数量（个）")
    + ',IF({c[item]}{r}="投资完成率（%）",'
    + _rate_of_rows("D.36", "已实现投资", "预期投资")
    + ","
    + _sum_pair("low", "high")
    + "))"
)

ENV_NOTE = (
    "注：环境效益应包括但不限于：节能、节水、节电、节天然气、污染物（化学需氧量、氨氮、二氧化硫、氮氧化物、"
    "挥发性有机物、颗粒物、重金属、固体废物、噪声等）减排，有毒有害物质减量使用、有毒有害污染物减排。"
)

D36 = Table(
    id="D.36",
    title="本轮清洁生产方案实施情况及审核预期效益汇总表",
    short="预期效益汇总",
    section="8",
    source=SRC + "D.36",
    report=Report(sections=(("acceptance", None),)),  # the acceptance report's chapter 8 is 审核评估情况 (附录B.2)
    derive="implementation_summary",
    note=ENV_NOTE,
    checks=(OptionCounts(),),
    columns=(
        text("category", "类别", group=("项目",), required=True, width=16),
        text("item", "名称", group=("项目",), required=True, width=24),
        num("low", "无/低费", group=("预期绩效",), hint="实施率、投资完成率按本列对应两行计算（%）"),
        num("high", "中/高费", group=("预期绩效",), hint="实施率、投资完成率按本列对应两行计算（%）"),
        Column("total", "合计", type="number", group=("预期绩效",), formula=D36_TOTAL),
    ),
    rows=(
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
    ),
    row_keys=("category", "item"),
    free_rows=3,
    label_key="item",
)

ARCHIVE_STATES = ("已建立", "未建立", "不适用")

_ARCHIVE = (
    ("审核前期", "强审企业开展审核工作的通知文件（或自愿性清洁生产审核申请表）"),
    ("审核前期", "委托审核的技术服务合同"),
    ("审核前期", "清洁生产审核技术咨询服务委托书（盖章）"),
    ("审核前期", "企业公示的基本信息及产排污信息"),
    ("审核准备", "清洁生产审核启动文件"),
    ("审核准备", "审核工作计划（盖章）"),
    ("审核准备", "清洁生产培训宣贯相关材料、影像资料"),
    ("审核准备", "征集合理化建议（清洁生产方案）有关文件"),
    ("预审核/审核", "发现问题、分析问题的有关原始材料及影像资料"),
    ("清洁生产方案", "方案产生的原始记录"),
    ("清洁生产方案", "方案的研制/可行性分析记录"),
    ("清洁生产方案", "方案投资证明材料"),
    ("清洁生产方案", "方案实施前后影像资料"),
    ("清洁生产方案", "方案的实施记录或其他证明材料"),
    ("审核绩效", "支撑本轮审核成效的记录或数据证明"),
    ("审核绩效", "审核结果公示信息"),
    ("持续清洁生产", "持续清洁生产文件和持续清洁生产计划（盖章）"),
    ("其他有关文件资料", "评估申请表（盖章）、验收申请表（盖章）"),
    ("其他有关文件资料", "评估技术审查意见、验收专家意见及专家签名表"),
    ("其他有关文件资料", "各轮次清洁生产审核报告及验收报告（备案版）"),
    ("其他有关文件资料", "生态环境管理部门出具的验收意见"),
    ("其他有关文件资料", "咨询单位现场技术服务登记表"),
    ("其他有关文件资料", "企业清洁生产相关管理制度"),
    ("其他有关文件资料", "按照本地生态环境管理部门规定，企业需要备案的有关资料"),
    ("其他有关文件资料", "企业认为需要存档的其他资料"),
)

# Printed in the audit report's 结论 (6.9 f) and again in the acceptance report (7.5.4, section 11.4).
D37 = Table(
    id="D.37",
    title="企业清洁生产档案建立情况",
    short="清洁生产档案",
    section="8",
    source=SRC + "D.37",
    report=Report(sections=(("acceptance", "11.4"),)),  # 审核档案建立情况 (7.5.4)
    columns=(
        seq(),
        text("stage", "阶段", required=True, width=16),
        text("item", "材料清单", required=True, width=56),
        choice("status", "建立情况", ARCHIVE_STATES, required=True, width=10),
    ),
    rows=tuple((str(i), stage, item) for i, (stage, item) in enumerate(_ARCHIVE, 1)),
    row_keys=("no", "stage", "item"),
    free_rows=2,
    label_key="item",
)

# ---------------------------------------------------------------------------------------------------------
# 审核验收报告 第九章 方案实施, 第十章 持续清洁生产

# One table for 9.2 (无/低费) and 9.3 (中/高费), split by 费用类别.
D38 = Table(
    id="D.38",
    title="无/低费（中/高费）方案实施效益表",
    short="方案实施效益",
    section="9.2",
    source=SRC + "D.38",
    # 7.3.2 无/低费方案 in 9.2, 7.3.3 中/高费方案 in 9.3
    report=Report(split=Split("cost_class", "{value}方案实施效益表", places=(("无/低费", "9.2"), ("中/高费", "9.3")))),
    applies="acceptance",
    note="无/低费方案与中/高费方案分别列表（按“费用类别”）；计算过程在正文中详细说明。",
    checks=(OptionIds(), OptionCategory(), PlanDates(group_by="option_id")),
    columns=(
        option_id(),
        option_category("方案分类"),
        cost_class(),
        text("name", "方案名称", required=True, width=24),
        num("investment", "实际投资", "万元", required=True, total=True),
        date("start", "开始时间", group=("方案起止时间",), width=12),
        date("end", "完成时间", group=("方案起止时间",), width=12),
        text("env_benefit", "环境效益", group=("折合年度效益（计算过程）",), width=32),
        num("econ_benefit", "经济效益", "万元/a", group=("折合年度效益（计算过程）",), total=True),
    ),
    free_rows=20,
    total_label="合计",
    label_key="option_id",
)

# D.39's 合计: sums, except 实施率 = 完成数量 ÷ 方案数量 (调整后 when given, else 审核报告).
_D39_PLANNED = (
    f'IF({_rows_sum("D.39", "调整后方案数量（若有，个）")}=0,{_rows_sum("D.39", "审核报告方案数量（个）")},'
    f'{_rows_sum("D.39", "调整后方案数量（若有，个）")})'
)
D39_TOTAL = (
    '=IF({c[item]}{r}="实施率（%）",'
    + f'IF({_row_given("D.39", "方案实施完成数量（个）")}=0,"",'
    + _ratio(_rows_sum("D.39", "方案实施完成数量（个）"), _D39_PLANNED)
    + ")"
    + ","
    + _sum_pair("low", "high")
    + ")"
)

D39 = Table(
    id="D.39",
    title="本轮清洁生产方案实施情况表",
    short="方案实施情况",
    section="9.4",
    source=SRC + "D.39",
    derive="implementation_rates",
    applies="acceptance",
    note="实施率 = 方案实施完成数量 ÷ 方案数量（有调整的按调整后方案数量）× 100%。",
    checks=(OptionCounts(),),
    columns=(
        text("item", "项目", required=True, width=26),
        num("low", "无/低费", hint="实施率按本列计算（%）"),
        num("high", "中/高费", hint="实施率按本列计算（%）"),
        Column("total", "合计", type="number", formula=D39_TOTAL),
    ),
    rows=(
        ("审核报告方案数量（个）",),
        ("调整后方案数量（若有，个）",),
        ("方案实施完成数量（个）",),
        ("实施率（%）",),
        ("预期投资（万元）",),
        ("实际投资（万元）",),
    ),
    row_keys=("item",),
    free_rows=0,
    label_key="item",
)


def _benefit_columns(audit_group: str, year_group: str, unit: str = "", total: bool = False) -> tuple[Column, ...]:
    """无/低费, 中/高费 and computed 合计 under the 审核期间 and the 年度 headers (D.40, D.41)."""
    cols = []
    for prefix, group in (("audit", audit_group), ("year", year_group)):
        cols += [
            num(f"{prefix}_low", "无/低费", unit, group=(group,), total=total),
            num(f"{prefix}_high", "中/高费", unit, group=(group,), total=total),
            Column(
                f"{prefix}_total",
                "合计",
                unit=unit,
                type="number",
                group=(group,),
                formula=_pair_total(f"{prefix}_low", f"{prefix}_high"),
                total=total,
            ),
        ]
    return tuple(cols)


D40 = Table(
    id="D.40",
    title="本轮清洁生产方案环境效益汇总表",
    short="环境效益汇总",
    section="9.4",
    source=SRC + "D.40",
    derive="class_totals",
    applies="acceptance",
    note=ENV_NOTE,
    columns=(
        seq(),
        text("item", "项目", required=True, width=22),
        *_benefit_columns("审核期间环境效益", "折合年度环境效益"),
    ),
    rows=tuple(
        (str(i), item)
        for i, item in enumerate(
            (
                "节能（kgce）",
                "节电（kWh）",
                "节水（m³）",
                "减排废水（m³）",
                "减排COD（kg）",
                "减排NOx（kg）",
                "减排非甲烷总烃（kg）",
                "减排颗粒物（kg）",
                "减少固体废物（t）",
            ),
            1,
        )
    ),
    row_keys=("no", "item"),
    free_rows=3,
    label_key="item",
)

D41 = Table(
    id="D.41",
    title="本轮清洁生产方案经济效益汇总表",
    short="经济效益汇总",
    section="9.4",
    source=SRC + "D.41",
    report=Report(figures=("benefit_by_class",)),
    derive="class_totals",
    applies="acceptance",
    columns=(
        seq(),
        text("item", "项目", required=True, width=22),
        *_benefit_columns("审核期间经济效益", "年度经济效益", unit="万元", total=True),
    ),
    rows=tuple(
        (str(i), item)
        for i, item in enumerate(
            ("节约原辅材料采购成本", "节约设备维护费用", "节约电费", "节约燃气费", "节约人工费", "节约环保运行费"), 1
        )
    ),
    row_keys=("no", "item"),
    free_rows=2,
    total_label="合计",
    label_key="item",
)

D42 = Table(
    id="D.42",
    title="本轮清洁生产目标完成情况表",
    short="目标完成情况",
    section="9.5.2",
    source=SRC + "D.42",
    report=Report(figures=("target_completion",)),
    derive="achieved_against_targets",
    applies="acceptance",
    note="单位、基准期值和近期目标取自表D.24；相对值和是否完成按表D.24的方向计算。",
    checks=(TargetConsistency(),),
    columns=(
        *_target_columns(),
        num("act_abs", "绝对值", group=("目标完成情况",), required=True),
        Column("act_rel", "相对值", unit="%", type="number", group=("目标完成情况",), formula=_relative("act_abs")),
        Column(
            "met",
            "是否完成",
            # 是否完成: 实际值 ≤ 目标（方向“降低”）或 ≥ 目标（“提高”）(表D.42; cpxl.calc.indicators.target_met)
            formula='=IF(OR(NOT(ISNUMBER({c[near_abs]}{r})),NOT(ISNUMBER({c[act_abs]}{r}))),"",IF(IF(' + _D24_DIRECTION
            + '="提高",{c[act_abs]}{r}>={c[near_abs]}{r},{c[act_abs]}{r}<={c[near_abs]}{r}),"是","否"))',
            cp='=IF(OR(NOT(ISNUMBER({c[near_abs]}{r})),NOT(ISNUMBER({c[act_abs]}{r}))),"",CP_TARGET_MET({c[near_abs]}{r},'
            '{c[act_abs]}{r},IF(' + _D24_DIRECTION + '="提高","higher","lower")))',
            width=9,
        ),
        text("options", "支撑方案", width=18, hint="方案编号，如 F01、F03"),
    ),
    label_key="indicator",
)

D43 = Table(
    id="D.43",
    title="持续清洁生产计划",
    short="持续清洁生产计划",
    section="10.3",
    source=SRC + "D.43",
    applies="acceptance",
    columns=(
        text("item", "项目", required=True, width=26),
        text("content", "主要内容及要求", required=True, width=50),
        text("schedule", "时间安排", width=18),
        text("dept", "责任部门", width=14),
        text("owner", "责任人", width=10),
    ),
    rows=(
        ("健全持续清洁生产组织机构",),
        ("完善清洁生产管理制度",),
        ("持续清洁生产方案",),
        ("清洁生产新技术研究与开发计划",),
        ("持续宣贯培训",),
    ),
    row_keys=("item",),
    free_rows=2,
    label_key="item",
)

# ---------------------------------------------------------------------------------------------------------
# 附录 E 附件表格

# 表E.1 is one form per suggestion; an audit collects many, so one row per suggestion (a form each in 附件).
E1 = Table(
    id="E.1",
    title="清洁生产合理化建议表",
    short="合理化建议",
    section="附件",
    source=SRC_E + "E.1",
    report=Report(form="row_pairs"),
    note="每条合理化建议填写一行；报告附件中选取代表性建议，每条生成一张建议表。",
    checks=(OptionCategory(),),
    columns=(
        seq(),
        text("name", "姓名", required=True, width=10),
        text("dept", "单位/部门", width=14),
        text("phone", "联系电话", width=14),
        date("date", "填报日期", width=12),
        text("title", "建议题目", required=True, width=24),
        choice("category", "建议类别", EIGHT_CATEGORIES, required=True, width=16),
        text("problem", "问题", width=30),
        text("solution", "解决方案", width=30),
        num("cost", "预计改造费用", "万元"),
        text(
            "env_benefit",
            "预计产生的环境效益",
            width=28,
            hint="节约水、电、燃料、原辅料等，减排废水、废气、固废等",
        ),
        text("econ_benefit", "预计产生的经济效益", width=20),
    ),
    free_rows=30,
    label_key="title",
)

E2 = Table(
    id="E.2",
    title="审核咨询小组现场工作登记表",
    short="现场工作登记",
    section="附件",
    source=SRC_E + "E.2",
    report=Report(form="visit_register"),
    note="每开展1次现场技术服务填写1行（报告附件中每行生成1张登记表，由现场人员和审核单位联系人签名）。",
    fields=(
        fld("company", "审核单位名称", formula="={p[company]}"),
        fld("consultant", "咨询单位名称", formula="={p[consultant]}"),
    ),
    columns=(
        seq(),
        date("start", "开始日期", group=("现场时间",), required=True, width=12),
        date("end", "结束日期", group=("现场时间",), required=True, width=12),
        text("staff", "姓名", group=("审核咨询小组现场工作人员",), required=True, width=16, hint="多人以“、”分隔"),
        text("certificate", "审核师证书编号", group=("审核咨询小组现场工作人员",), width=20, hint="与姓名顺序对应"),
        text("title", "技术职称", group=("审核咨询小组现场工作人员",), width=14),
        text("mobile", "手机号码", group=("审核咨询小组现场工作人员",), width=16),
        text("work", "主要工作内容", required=True, width=40),
        text("evaluation", "审核单位评价", width=30, hint="审核单位满意度、工作建议等"),
    ),
    free_rows=12,
    label_key="work",
)

E3 = Table(
    id="E.3",
    title="外聘行业专家意见表",
    short="专家意见",
    section="附件",
    source=SRC_E + "E.3",
    report=Report(form="row_pairs"),
    applies="专家",
    optional=True,
    note="须行业专家本人签名；每位专家（每次意见）填写一行。",
    fields=(
        fld("company", "审核单位名称", formula="={p[company]}"),
        fld("company_contact", "审核单位联系人及联系方式", formula=joined("contact", "phone")),
        fld("consultant", "咨询单位名称", formula="={p[consultant]}"),
        fld("consultant_rep", "咨询小组代表及联系方式", formula=joined("consultant_lead", "consultant_phone")),
    ),
    columns=(
        text("name", "姓名", group=("专家信息",), required=True, width=10),
        text("unit", "单位", group=("专家信息",), width=20),
        text("position", "职务", group=("专家信息",), width=12),
        text("title", "职称", group=("专家信息",), width=12),
        text("field", "擅长领域", group=("专家信息",), width=16),
        text("contact", "联系方式", group=("专家信息",), width=14),
        text("email", "邮箱", group=("专家信息",), width=18),
        text("opinion", "专家意见或建议", required=True, width=50),
        date("date", "日期", width=12),
    ),
    free_rows=4,
    label_key="name",
)

# 表E.4 head: the facts come from 封面信息, the option counts and money from D.38 (by 费用类别, which also
# leaves out D.38's 合计 row) and D.41.
# An empty D.38 or D.41 leaves the figures blank, never 0 (blank and 0 differ).
_D38_ROWS = 'SUMPRODUCT((LEN({x[D.38:option_id]}&{x[D.38:name]})>0)*({x[D.38:option_id]}<>"合计"))'
_D38_COUNT = 'COUNTIF({{x[D.38:cost_class]}},"{cls}")'
_E4_COUNT = "=IF(" + _D38_ROWS.replace("{", "{{").replace("}", "}}") + '=0,"",' + _D38_COUNT + ")"
_E4_INVEST = (
    '=IF(SUMPRODUCT(({{x[D.38:cost_class]}}="{cls}")*ISNUMBER({{x[D.38:investment]}}))=0,"",'
    'SUMIF({{x[D.38:cost_class]}},"{cls}",{{x[D.38:investment]}}))'
)
# Column sums of D.41 without its 合计 row (a cross-sheet range runs past the table's total row).
_E4_D41 = (
    '=IF(SUMPRODUCT(({{x[D.41:item]}}<>"合计")*ISNUMBER({{x[D.41:{col}]}}))=0,"",'
    'SUMIF({{x[D.41:item]}},"<>合计",{{x[D.41:{col}]}}))'
)

E4_FIELDS = (
    fld("company", "企业名称", formula="={p[company]}"),
    fld("credit_code", "统一社会信用代码", formula="={p[credit_code]}"),
    fld("address", "通讯地址", formula="={p[address]}"),
    fld("audit_type", "审核类型", formula="={p[audit_type]}"),
    fld("nature", "企业性质", formula="={p[nature]}"),
    fld("products", "主要产品及产量", formula="={p[products]}"),
    fld("revenue", "上年度年产值", type="number", unit="万元", formula="={p[revenue]}"),
    fld("list_no", "企业名单发布序号", formula="={p[list_no]}", hint="强制审核企业填报"),
    fld("legal_rep", "法人代表", formula="={p[legal_rep]}"),
    fld("industry", "行业类别", formula="={p[industry]}"),
    fld("industry_code", "行业代码", formula="={p[industry_code]}"),
    fld("contact", "联系人", formula="={p[contact]}"),
    fld("phone", "联系电话", formula="={p[phone]}"),
    fld("consultant", "咨询单位名称", formula="={p[consultant]}"),
    fld("consultant_legal_rep", "咨询单位法人代表", formula="={p[consultant_legal_rep]}"),
    fld("consultant_address", "咨询单位通讯地址", formula="={p[consultant_address]}"),
    fld("consultant_staff", "咨询单位专职人员数", type="integer", formula="={p[consultant_staff]}"),
    fld("consultant_lead", "咨询项目负责人", formula="={p[consultant_lead]}"),
    fld("consultant_phone", "咨询单位联系电话", formula="={p[consultant_phone]}"),
    fld("disclosure_date", "信息公示时间", type="date", formula="={p[disclosure_date]}"),
    fld("start_date", "审核启动时间", type="date", formula="={p[start_date]}"),
    fld("assessment_date", "评估时间", type="date", formula="={p[assessment_date]}"),
    fld("acceptance_date", "验收时间", type="date", formula="={p[acceptance_date]}"),
    fld("n_low", "清洁生产方案实施数量：无/低费", type="integer", unit="个", formula=_E4_COUNT.format(cls="无/低费")),
    fld("n_high", "清洁生产方案实施数量：中/高费", type="integer", unit="个", formula=_E4_COUNT.format(cls="中/高费")),
    fld(
        "n_total",
        "清洁生产方案实施数量：总数",
        type="integer",
        unit="个",
        formula="=IF(" + _D38_ROWS + '=0,"",' + _D38_COUNT.format(cls="无/低费") + "+" + _D38_COUNT.format(cls="中/高费") + ")",
    ),
    fld("inv_low", "清洁生产方案投资费用：无/低费", type="number", unit="万元", formula=_E4_INVEST.format(cls="无/低费")),
    fld("inv_high", "清洁生产方案投资费用：中/高费", type="number", unit="万元", formula=_E4_INVEST.format(cls="中/高费")),
    fld(
        "inv_total",
        "清洁生产方案投资费用：总投资",
        type="number",
        unit="万元",
        formula='=IF(COUNT({f[inv_low]},{f[inv_high]})=0,"",SUM({f[inv_low]},{f[inv_high]}))',
    ),
    fld("econ_audit_low", "审核期间经济效益：无/低费", type="number", unit="万元", formula=_E4_D41.format(col="audit_low")),
    fld("econ_audit_high", "审核期间经济效益：中/高费", type="number", unit="万元", formula=_E4_D41.format(col="audit_high")),
    fld("econ_audit_total", "审核期间经济效益：总效益", type="number", unit="万元", formula=_E4_D41.format(col="audit_total")),
    fld("econ_year_low", "年度经济效益：无/低费", type="number", unit="万元", formula=_E4_D41.format(col="year_low")),
    fld("econ_year_high", "年度经济效益：中/高费", type="number", unit="万元", formula=_E4_D41.format(col="year_high")),
    fld("econ_year_total", "年度经济效益：总效益", type="number", unit="万元", formula=_E4_D41.format(col="year_total")),
    fld("focus", "本轮审核重点", formula="={p[focus]}"),
    fld("targets", "审核目标指标名称", hint="与表D.24指标项一致，多项以“、”分隔"),
    fld("level_before", "审核前清洁生产水平", formula="={p[level_before]}"),
    fld("level_after", "审核后清洁生产水平", formula="={p[level_after]}"),
    fld("filler", "填表人", formula="={p[consultant_lead]}", hint="项目负责人"),
    fld("reviewer", "审核人（审核单位）", formula="={p[reviewer]}"),
)

E4_CATEGORIES = ("污染物排放量削减指标", "资源能源节约指标")

# 表E.4 注b: 节电 [kWh] / 1000 × 电网排放因子 [tCO2/MWh]; 节煤 counted as standard coal, 节油 as 原油 and
# 节天然气 as 天然气 through their GB/T 2589 coefficients: kg or m³ × kgce/单位 / 1000 × 2.7725 tCO2/tce.
# The quantity is taken in the coefficient's unit (kWh, kg, m³), so 吨 is converted to kg. 节煤 uses the
# energy “标准煤” (1 kgce/kgce): 原煤 would apply 0.7143 kgce/kg, against the note.
_E4_ENERGY = (
    ("节电", "电力", "kWh"),
    ("节煤", "标准煤", "kg"),
    ("节油", "原油", "kg"),
    ("节天然气", "天然气", "m³"),
)


def _e4_quantity(base_unit: str) -> str:
    """年度效益 in the coefficient's unit: × 代码表 factor of “kg|吨” (1000), “kWh|度” (1) …"""
    return f'{{c[annual]}}{{r}}*INDEX(代码换算系数,MATCH("{base_unit}|"&{{c[unit]}}{{r}},代码键,0))'


def _e4_co2(energy_name: str, base_unit: str) -> str:
    if energy_name == "电力":
        return f"{_e4_quantity(base_unit)}/1000*电网排放因子"
    return (
        f'{_e4_quantity(base_unit)}*INDEX(参数采用值,MATCH("{energy_name}",参数名称,0))/1000*标准煤CO2排放因子'
    )


def _e4_chain(term) -> str:
    return (
        '=IF(NOT(ISNUMBER({c[annual]}{r})),"",'
        + "".join(f'IF({{c[indicator]}}{{r}}="{name}",{term(energy, unit)},' for name, energy, unit in _E4_ENERGY)
        + '""'
        + ")" * len(_E4_ENERGY)
        + ")"
    )


E4_CO2 = {
    "formula": _e4_chain(lambda energy, unit: f'IFERROR({_e4_co2(energy, unit)},"")'),
    "cp": _e4_chain(lambda energy, unit: f'CP_CO2({{c[annual]}}{{r}},"{energy}",,{{c[unit]}}{{r}})'),
}

_E4_POLLUTANTS = (
    ("废水", "吨"),
    ("化学需氧量", "吨"),
    ("氨氮", "吨"),
    ("总氮", "吨"),
    ("总磷", "吨"),
    ("废气", "万m³"),
    ("粉尘", "吨"),
    ("二氧化硫", "吨"),
    ("氮氧化物", "吨"),
    ("挥发性有机物", "吨"),
    ("重金属", "吨"),
    ("一般固体废物产生", "吨"),
    ("危险废物产生", "吨"),
)
_E4_RESOURCES = (
    ("节水", "吨"),
    ("节电", "度"),
    ("节煤", "吨"),
    ("节油", "吨"),
    ("节天然气", "m³"),
    ("节蒸汽", "吨"),
    ("减少有毒有害物质使用", "吨"),
)

E4 = Table(
    id="E.4",
    title="审核绩效汇总表",
    short="审核绩效汇总",
    section="附件",
    source=SRC_E + "E.4；环办科财函〔2022〕136号",
    report=Report(form="performance_summary", blank_form_in=("acceptance",)),
    derive="performance_summary",
    applies="acceptance",
    note=(
        "注：“填表人”为项目负责人，“审核人”为审核单位审核人。"
        "a 指企业在实施清洁生产过程中削减的具有行业特性的其他污染物或有毒有害排放物，绩效计量中按实际名称和"
        "计量单位填写，表格可自行增加。"
        "b 碳减排量计算方法参照《关于报送清洁生产审核工作总结的通知》（环办科财函〔2022〕136号）核算（若有更新，"
        "按最新计算办法核算）：节电按用电量乘以国家电网公布的排放因子（OM计算法）；节煤全部按标准煤计算，"
        "29.3076 GJ/t × 94.6 kgCO₂/GJ ÷ 1000 = 2.7725 tCO₂/tce；节油、节天然气按GB/T 2589-2020表A.1折标准煤"
        "系数（原油1.4286 kgce/kg，天然气1.1000 kgce/m³～1.3300 kgce/m³）折合标准煤后计算。"
        "c 指企业在实施清洁生产过程中削减的具有行业特性的其他有毒有害的原辅材料，绩效计量中按实际名称和计量单位"
        "填写，表格可自行增加。"
    ),
    fields=E4_FIELDS,
    columns=(
        choice("category", "指标类别", E4_CATEGORIES, required=True, width=20),
        text("indicator", "指标", required=True, width=22),
        text("unit", "单位", required=True, width=8),
        num("audit", "审核期间环境效益"),
        num("annual", "折成年度环境效益"),
        Column("co2", "折合碳减排量", unit="tCO₂/年", type="number", **E4_CO2, width=14),
        text("method", "年度效益核算的具体方法说明", width=32),
        text("other", "其他需要说明的具体情况", width=24),
    ),
    rows=tuple((E4_CATEGORIES[0], n, u) for n, u in _E4_POLLUTANTS)
    + tuple((E4_CATEGORIES[1], n, u) for n, u in _E4_RESOURCES),
    row_keys=("category", "indicator", "unit"),
    free_rows=4,
    checks=(UnitsPresent(),),
    label_key="indicator",
)

TABLES = [
    *TABLES_D1_D12,
    D13, D14, D15, D16, D17, D18, D19, D20, D21, D22, D23, D24, D25, D26, D27, D28, D29, D30,
    D31, D32, D33, D34, D35, D36, D37, D38, D39, D40, D41, D42, D43,
    E1, E2, E3, E4,
]  # fmt: skip
