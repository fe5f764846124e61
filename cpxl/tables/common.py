"""Helper sheets every workbook carries: `封面信息`, `参数`, `章节文字` (DESIGN.md, workbook conventions)."""

from __future__ import annotations

from dataclasses import replace

from .dsl import YES_NO, fld, text
from .model import Column, Table

UNIT_NATURE = ("国有", "集体", "民营", "港澳台资", "中外合资", "外商独资", "其他")
CP_LEVELS = ("国际领先水平", "国内先进水平", "国内一般水平", "其他")
REPORT_VERSIONS = ("送审稿", "修改稿", "最终稿")  # 园区指南 附件2 1.1 (1)

#: 附录 A covers (A.1/A.2), inner cover one (A.3), commitment (A.4) and 表 E.4's facts.
COVER = Table(
    id="封面信息",
    title="封面信息",
    short="",
    section="",
    source="DB4101/T 61—2023 附录A 图A.1–图A.4；表E.4",
    report=None,
    fields=(
        fld("company", "企业名称", required=True, hint="审核单位名称，与营业执照一致"),
        fld("credit_code", "统一社会信用代码"),
        fld("nature", "单位性质", choices=UNIT_NATURE),
        fld("legal_rep", "法人代表"),
        fld("industry", "所属行业", required=True, hint="国民经济行业分类名称"),
        fld("industry_code", "行业代码", required=True, hint="GB/T 4754 四位行业代码"),
        fld("district", "所在区县"),
        fld("scale", "企业规模", choices=("大型", "中型", "小型", "微型")),
        fld("products", "主要产品及产能", required=True),
        fld("main_product", "单耗基准产品", required=True, hint="与表D.6产品名称一致，单耗按其产量计算"),
        fld("contact", "联系人"),
        fld("phone", "联系电话"),
        fld("address", "单位地址"),
        fld("audit_type", "审核类型", required=True, choices=("强制性", "自愿性")),
        fld("list_no", "企业名单发布序号", hint="强制审核企业填报"),
        fld("round", "审核轮次", type="integer", required=True, default=1, hint="第几轮清洁生产审核"),
        fld("base_year", "基准期年份", type="year", required=True, hint="审核基准期：开展审核当年的上一个自然年（3.8）"),
        fld("near_year", "近期目标年份", type="year"),
        fld("far_year", "中（远）期目标年份", type="year"),
        fld("double_exceed", "“双超”企业", required=True, choices=YES_NO, default="否"),
        fld("double_toxic", "“双有”企业", required=True, choices=YES_NO, default="否"),
        fld("energy_limit", "超能耗限额企业", required=True, choices=YES_NO, default="否"),
        fld("expert", "聘请行业专家", choices=YES_NO, default="否"),
        fld("focus", "审核重点", hint="本轮审核重点（车间、工序或环节）"),
        fld("consultant", "咨询单位名称"),
        fld("consultant_nature", "咨询单位性质", choices=UNIT_NATURE),
        fld("consultant_legal_rep", "咨询单位法人代表"),
        fld("consultant_contact", "咨询单位联系人"),
        fld("consultant_phone", "咨询单位联系电话"),
        fld("consultant_address", "咨询单位地址"),
        fld("consultant_staff", "咨询单位专职人员数", type="integer"),
        fld("consultant_lead", "咨询项目负责人"),
        fld("expert_name", "行业专家姓名"),
        fld("expert_unit", "行业专家单位"),
        fld("expert_title", "行业专家职称"),
        fld("expert_field", "行业专家技术擅长领域"),
        fld("reviewer", "审核人（审核单位）"),
        fld("reviewer_title", "审核人公司职务"),
        fld("reviewer_phone", "审核人联系电话"),
        fld("disclosure_date", "信息公示时间", type="date"),
        fld("start_date", "审核启动时间", type="date"),
        fld("assessment_date", "评估时间", type="date"),
        fld("acceptance_date", "验收时间", type="date"),
        fld("report_date", "报告编制日期", type="date"),
        fld("level_before", "审核前清洁生产水平", choices=CP_LEVELS),
        fld("level_after", "审核后清洁生产水平", choices=CP_LEVELS),
        fld("revenue", "上年度年产值", type="number", unit="万元"),
        fld("organizer", "组织单位／园区管理机构",
            hint="园区报告封面的园区管理机构（管委会）名称；区域/行业报告封面的组织单位（区域清洁生产主管部门）"),
        fld("version", "报告版本", choices=REPORT_VERSIONS, hint="封面题目下的版本标注；空白按“送审稿”"),
    ),
)

#: Coefficients and settings, each with its source (rows come from cpxl.calc.parameters).
PARAMETERS = Table(
    id="参数",
    title="参数（系数与设置）",
    short="",
    section="",
    source="GB/T 2589-2020 表A.1、表B.1；DB4101/T 61—2023 表E.4 注b；DB11/T 1156 7.3.4 b",
    report=None,
    free_rows=5,
    note=(
        "“数值”可由审核人按实测或地方规定修改；空白表示采用“默认值”。各表公式按名称取“采用值”"
        "（名称 参数名称、参数采用值、参数单位，及 基准折现率、所得税率 等单项名称），修改后即时生效。"
    ),
    columns=(
        text("category", "类别", required=True, width=14),
        text("name", "名称", required=True, width=22),
        Column("value", "数值", type="number", negative_ok=True, width=12),  # 基准折现率 may be negative; rows are checked on reading
        text("unit", "单位", width=14),
        text("source", "来源", width=44),
        text("note", "说明", width=40),
        Column("default", "默认值", type="number", width=10),
        Column("effective", "采用值", type="number", formula='=IF({c[value]}{r}="",{c[default]}{r},{c[value]}{r})', width=10),
    ),
    row_keys=("category", "name", "value", "unit", "source", "note", "default"),
    derive="adopted_value",
    aggregate_checked=False,
)

#: Defined names of the 参数 columns the native formulas look up by name (INDEX/MATCH).
PARAMETER_RANGES = {"参数名称": "name", "参数采用值": "effective", "参数单位": "unit"}

#: Defined names of single settings: name → (类别, 名称) of the 参数 row whose 采用值 it refers to.
PARAMETER_NAMES = {
    "基准折现率": ("经济", "基准折现率"),
    "所得税率": ("经济", "所得税率"),
    "允许投资回收期": ("经济", "允许投资回收期"),
    "物料平衡允许偏差": ("平衡", "物料平衡允许偏差"),
    "水平衡允许偏差": ("平衡", "水平衡允许偏差"),
    "能量平衡允许偏差": ("平衡", "能量平衡允许偏差"),
    "特征污染因子平衡允许偏差": ("平衡", "特征污染因子平衡允许偏差"),
    "电网排放因子": ("排放因子", "电网排放因子"),
    "标准煤CO2排放因子": ("排放因子", "标准煤CO2排放因子"),
}

#: Lookup lists the native formulas need besides 参数: energy-name aliases and unit conversions, both
#: from cpxl.calc.energy (GB/T 2589-2020 names; SI and customary units).
CODES = Table(
    id="代码表",
    title="代码表（能源名称对照与单位换算）",
    short="",
    section="",
    source="GB/T 2589-2020 表A.1、表B.1 能源名称；法定计量单位换算",
    report=None,
    free_rows=0,
    note=(
        "供公式查用，请勿修改。能源名称：常用名称对应的 GB/T 2589-2020 名称；单位换算：键为“系数单位|实物量单位”，"
        "实物量 × 换算系数 = 以系数单位计的量（水类工质 1 m³ = 1 t）。"
    ),
    columns=(
        text("kind", "类别", width=12),
        text("key", "键", width=22),
        text("standard", "对应名称", width=18),
        Column("factor", "换算系数", type="number", width=14),
        text("note", "说明", width=60),
    ),
    row_keys=("kind", "key", "standard", "factor", "note"),
)

#: Defined names of the 代码表 columns.
CODE_RANGES = {"代码键": "key", "代码对应名称": "standard", "代码换算系数": "factor"}

#: One row per report section of the frame; the auditor's text, with the standard's requirement as a hint.
SECTION_TEXT = Table(
    id="章节文字",
    title="章节文字",
    short="",
    section="",
    source="DB4101/T 61—2023 附录B；第6章、第7章",
    report=None,
    free_rows=0,
    note=("“正文文字”为空的章节，导出报告时生成数据分析并标注【待补充】；正文中单独一行“【数据分析】”处插入由数据生成的分析"
          "（7.2.x 为该方案的经济评估）。"),
    columns=(
        text("number", "章节号", width=9),
        text("title", "标题", width=26),
        text("requirement", "编写要求（标准条款）", width=60),
        text("text", "正文文字", width=90),
    ),
    row_keys=("number", "title", "requirement"),
)


def helper_tables(kind: str) -> list[Table]:
    from .kinds import KINDS

    return [
        COVER,
        replace(PARAMETERS, rows=parameter_rows()),
        replace(SECTION_TEXT, rows=KINDS[kind].section_rows()),
        replace(CODES, rows=code_rows()),
    ]


def parameter_rows() -> tuple[tuple, ...]:
    from cpxl.calc.parameters import DEFAULT_PARAMETERS, effective_default

    return tuple(
        (p.category, p.name, p.value, p.unit, p.source, p.note, effective_default(p)) for p in DEFAULT_PARAMETERS
    )


def code_rows() -> tuple[tuple, ...]:
    from cpxl.calc import energy

    aliases = tuple(("能源名称", alias, target, None, note.format(name=alias)) for alias, (target, note) in energy.ALIASES.items())
    units = tuple(
        ("单位换算", f"{target}|{unit}", None, factor, f"1 {unit or target} = {factor:g} {target}")
        for target, unit, factor in energy.conversion_pairs()
    )
    return aliases + units

