"""Enterprise audit and acceptance tables: DB4101/T 61—2023 附录 D (D.1–D.43) and 附录 E (E.1–E.4).

Columns follow the printed tables column by column; multi-level headers are kept in `group`. Year columns
``{y1}年…{y3}年`` are the three years of 审核考察期 (3.9), filled from `封面信息`.
"""

from __future__ import annotations

from .dsl import HAVE, YES_NO, choice, date, fld, num, seq, text, years
from .model import EIGHT_CATEGORIES, Column, Table

SRC = "DB4101/T 61—2023 附录D 表"
SRC_E = "DB4101/T 61—2023 附录E 表"

PHASES = ("审核准备", "预审核", "审核", "方案产生和筛选", "方案确定", "方案实施", "持续清洁生产")

# Per-unit consumption (单耗) of year i: total ÷ output of the main product in D.6 (DB4101/T 61 6.5.1.2.4 a).
PER_UNIT_MAIN = (
    '=IF({c[total_{i}]}{r}="","",CP_PER_UNIT({c[total_{i}]}{r},'
    "SUMIF({x[D.6:product]},{p[main_product]},{x[D.6:output_{i}]})))"
)

D1 = Table(
    id="D.1",
    title="清洁生产审核领导/工作小组成员构成与职责分工表",
    short="审核小组",
    section="3.1",
    source=SRC + "D.1",
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
    checks=("plan_dates",),
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
        fld("industry", "所属行业及代码", required=True, formula='={p[industry]}&"（"&{p[industry_code]}&"）"'),
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
    checks=("units_present",),
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
    checks=("units_present",),
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
            formula='=IF({c[total_{i}]}{r}="","",CP_PER_UNIT({c[total_{i}]}{r},'
            "SUMIF({x[D.6:product]},{c[product]}{r},{x[D.6:output_{i}]})))",
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
    note="注：水资源类别包括新鲜水、企业自回用中水、外购中水等。总耗单位 m³，单耗单位 m³/单耗基准产品单位。",
    columns=(
        seq(),
        choice("category", "水资源类别", ("新鲜水", "企业自回用中水", "外购中水", "其他"), required=True, width=14),
        text("source", "取水来源", width=14),
        text("discharge", "排放去向", width=16),
        *years("total", ("审核考察期消耗量", "总耗"), unit="m³", required=True),
        *years("per_unit", ("审核考察期消耗量", "单耗"), formula=PER_UNIT_MAIN),
    ),
    label_key="category",
)

ENERGY_SOURCES = ("外购", "自产", "其他")

D11 = Table(
    id="D.11",
    title="能源消耗情况表",
    short="能源消耗",
    section="4.1.2",
    source=SRC + "D.11",
    checks=("units_present",),
    columns=(
        seq(),
        text("energy", "能源类别", required=True, width=14, hint="名称与参数表折标准煤系数一致，如 原煤、天然气、电力"),
        text("origin", "来源", width=10),
        text("total_unit", "单位", group=("审核考察期消耗量", "总耗"), required=True, width=9),
        *years("total", ("审核考察期消耗量", "总耗"), required=True),
        text("unit_unit", "单位", group=("审核考察期消耗量", "单耗"), width=12),
        *years("per_unit", ("审核考察期消耗量", "单耗"), formula=PER_UNIT_MAIN),
    ),
    rows=(("1", "煤炭"), ("2", "天然气"), ("3", "电力")),
    row_keys=("no", "energy"),
    label_key="energy",
)

# D.12: standard coal of each D.11 energy (GB/T 2589-2020 表A.1/表B.1); quantity and unit looked up in D.11.
TCE_FROM_D11 = (
    '=IF(COUNTIF({x[D.11:energy]},{c[name]}{r})=0,"",CP_TCE(SUMIF({x[D.11:energy]},{c[name]}{r},'
    "{x[D.11:total_{i}]}),{c[name]}{r},{c[coef]}{r},"
    "INDEX({x[D.11:total_unit]},MATCH({c[name]}{r},{x[D.11:energy]},0))))"
)

D12 = Table(
    id="D.12",
    title="综合能耗情况表",
    short="综合能耗",
    section="4.1.2",
    source=SRC + "D.12；GB/T 2589-2020",
    note="折标准煤系数按GB/T 2589-2020，可在“参数”表修改；总耗由表D.11实物量折算。",
    columns=(
        seq(),
        choice("kind", "类别", ("能源", "电力", "热力", "耗能工质"), group=("名称",), required=True, width=10),
        text("name", "名称", group=("名称",), required=True, width=12),
        Column("coef", "折标准煤系数", type="number", formula='=IF({c[name]}{r}="","",CP_COEF({c[name]}{r}))', width=12),
        *years("total", ("审核考察期消耗量", "总耗（kgce）"), formula=TCE_FROM_D11, total=True),
        *years(
            "per_unit",
            ("审核考察期消耗量", "单耗（kgce/单位产品）"),
            formula='=IF({c[total_{i}]}{r}="","",CP_PER_UNIT({c[total_{i}]}{r},'
            "SUMIF({x[D.6:product]},{p[main_product]},{x[D.6:output_{i}]})))",
            total=True,
        ),
    ),
    rows=(
        ("1", "能源", "原煤"),
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
