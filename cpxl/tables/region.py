"""Regional / industry-wide audit tables: 《京津冀清洁生产协同审核导则》 and 《行业整体清洁生产审核指南》.

Many same-industry enterprises are audited with one method; their workbooks are collected into R.1,
their key indicators (7.2.6) compared in R.2/R.3, and the results summed up as the problem list (7.4.1),
the option list (7.4.2) and the option performance (7.4.3). Report sections follow 附录A (chapters 1–5).
"""

from __future__ import annotations

from .checks import UnitsPresent
from .dsl import choice, num, seq, text
from .model import Annex, Column, Report, Summary, Table

SRC = "京津冀清洁生产协同审核导则 "
_REGION = dict(kinds=("region",))

AUDIT_TYPES = ("强制性", "自愿性")
SCALES = ("大型", "中型", "小型", "微型")

#: Problem and option categories: the ten “典型问题及方案” sections 3.1–3.10 of the report frame (附录A).
REGION_CATEGORIES = (
    "生产技术工艺",
    "设备设施",
    "主要原辅料使用",
    "水资源消耗",
    "能源消耗",
    "碳排放",
    "水污染物处理及排放",
    "大气污染物处理及排放",
    "固体废物处理处置",
    "其他",
)

#: The guide's tables: the report leaves out the columns nobody filled.
OWN_LAYOUT = Report(blank_columns=False)

R1 = Table(
    id="R.1",
    title="审核对象企业名录",
    short="企业名录",
    section="1.1",
    source=SRC + "3.2、7.2.2.2；附录A 1.1",
    report=OWN_LAYOUT,
    note="每家审核对象企业一行；“工作簿文件”填该企业审核工作簿的文件名，汇总时按此读取。",
    columns=(
        seq(),
        text("company", "企业名称", required=True, width=24),
        text("credit_code", "统一社会信用代码", width=20),
        text("industry_code", "行业代码", required=True, width=9, hint="GB/T 4754 四位行业代码"),
        text("district", "区县/辖区", required=True, width=12),
        choice("scale", "规模", SCALES, width=8),
        text("products", "主要产品及产能", width=22),
        choice("audit_type", "审核类型", AUDIT_TYPES, width=9),
        num("round", "审核轮次", type="integer", width=8),
        text("workbook", "工作簿文件", width=28, printed=False),  # where the data was read from
    ),
    label_key="company",
    **_REGION,
)

# ---- R.2 / R.3 key indicators --------------------------------------------------------------------------

#: Key indicators of 7.2.6 (单位产品/产值 水耗、综合能耗、碳排放、污染物排放), each from one total:
#: (key, family, 总量名称, 总量单位, (单位产品 单位, 系数), (单位产值 单位, 系数)); 系数 converts the total's
#: unit to the intensity's numerator (e.g. tce → kgce: 1000).
REGION_INDICATORS: tuple[tuple[str, str, str, str, tuple[str, float], tuple[str, float]], ...] = (
    ("water", "水资源消耗", "新鲜水用量", "m³", ("m³/单位产品", 1), ("m³/万元", 1)),
    ("energy", "能源消耗", "综合能耗", "tce", ("kgce/单位产品", 1000), ("tce/万元", 1)),
    ("co2", "碳排放", "二氧化碳排放量", "tCO₂", ("kgCO₂/单位产品", 1000), ("tCO₂/万元", 1)),
    ("wastewater", "污染物排放", "废水排放量", "m³", ("m³/单位产品", 1), ("m³/万元", 1)),
    ("cod", "污染物排放", "化学需氧量排放量", "t", ("kg/单位产品", 1000), ("kg/万元", 1000)),
    ("nh3n", "污染物排放", "氨氮排放量", "t", ("kg/单位产品", 1000), ("kg/万元", 1000)),
    ("so2", "污染物排放", "二氧化硫排放量", "t", ("kg/单位产品", 1000), ("kg/万元", 1000)),
    ("nox", "污染物排放", "氮氧化物排放量", "t", ("kg/单位产品", 1000), ("kg/万元", 1000)),
    ("pm", "污染物排放", "颗粒物排放量", "t", ("kg/单位产品", 1000), ("kg/万元", 1000)),
    ("vocs", "污染物排放", "挥发性有机物排放量", "t", ("kg/单位产品", 1000), ("kg/万元", 1000)),
)

BASES = (("pp", "单位产品", "output"), ("pv", "单位产值", "value"))


def _intensity_label(total_label: str, basis: str) -> str:
    stem = total_label.removesuffix("用量").removesuffix("量")
    names = {"新鲜水": "水耗", "综合能耗": "综合能耗", "二氧化碳排放": "碳排放"}
    return basis + names.get(stem, total_label)


def _intensity(key: str, label: str, unit: str, factor: float, denominator: str, basis: str) -> Column:
    scaled = f"{{c[{key}]}}{{r}}" + (f"*{factor:g}" if factor != 1 else "")
    return Column(
        f"{key}_{basis}",
        label,
        unit=unit,
        type="number",
        group=(("单位产品指标",) if basis == "pp" else ("单位产值指标",)),
        formula=f'=IF(OR(NOT(ISNUMBER({{c[{key}]}}{{r}})),N({{c[{denominator}]}}{{r}})=0),"",{scaled}/{{c[{denominator}]}}{{r}})',
        cp=(
            f'=IF(OR(NOT(ISNUMBER({{c[{key}]}}{{r}})),N({{c[{denominator}]}}{{r}})=0),"",'
            f"CP_PER_UNIT({scaled},{{c[{denominator}]}}{{r}}))"
        ),
    )


def _intensities() -> list[Column]:
    cols = []
    for basis, basis_label, denominator in BASES:
        for key, _family, total_label, _tu, pp, pv in REGION_INDICATORS:
            unit, factor = pp if basis == "pp" else pv
            cols.append(_intensity(key, _intensity_label(total_label, basis_label), unit, factor, denominator, basis))
    return cols


R2 = Table(
    id="R.2",
    title="审核对象企业关键性指标表",
    short="关键性指标",
    section="2",
    source=SRC + "7.2.3–7.2.6；附录A 第2章",
    derive="per_product_and_per_value",
    note=(
        "每家企业一行，填审核分析期最近一个完整自然年的数据（各企业同一年份、同一产品计量单位）；"
        "单位产品、单位产值指标自动计算，供表R.3对标。产值按可比价计。"
    ),
    report=None,
    checks=(UnitsPresent(),),
    columns=(
        seq(),
        text("company", "企业名称", required=True, width=22, hint="与表R.1企业名称一致"),
        text("district", "区县/辖区", width=10),
        num("year", "数据年份", type="year", width=8),
        text("product", "主要产品", width=14),
        text("output_unit", "产量单位", group=("产量产值",), width=8),
        num("output", "产量", group=("产量产值",)),
        num("value", "工业产值", "万元", group=("产量产值",)),
        *(num(key, total_label, unit, group=("资源能源消耗及污染物排放总量",)) for key, _f, total_label, unit, _pp, _pv in REGION_INDICATORS),
        *_intensities(),
    ),
    label_key="company",
    **_REGION,
)

_FAMILY_NO = {"水资源消耗": "一", "能源消耗": "二", "碳排放": "三", "污染物排放": "四"}


def _benchmark_order() -> list[tuple[str, str, str, str]]:
    """(family, R.2 column key, label, unit) in R.3 row order: by family, each per product then per value."""
    by_key = {c.key: c for c in R2.columns}
    out = []
    for key, family, *_ in REGION_INDICATORS:
        for basis, *_ in BASES:
            col = by_key[f"{key}_{basis}"]
            out.append((family, col.key, col.label, col.unit))
    return out


BENCHMARK_ORDER = _benchmark_order()
# R.3 row n (序号) benchmarks the n-th range of this CHOOSE.
_RANGE = "CHOOSE({c[no]}{r}," + ",".join(f"{{x[R.2:{k}]}}" for _f, k, _l, _u in BENCHMARK_ORDER) + ")"


def _stat(expr: str) -> str:
    return f'=IF(OR({{c[count]}}{{r}}="",N({{c[count]}}{{r}})=0),"",{expr})'


def _benchmark_rows() -> tuple[tuple, ...]:
    rows, family = [], None
    for n, (fam, _key, label, unit) in enumerate(BENCHMARK_ORDER, start=1):
        if fam != family:
            rows.append((f"{_FAMILY_NO[fam]}、{fam}",))
            family = fam
        rows.append((n, label, unit))
    return tuple(rows)


R3 = Table(
    id="R.3",
    title="区域关键性指标对标分析表",
    short="指标对标",
    section="2",
    source=SRC + "7.2.2.2、7.2.4、7.2.5、7.2.6",
    report=Report(
        note="注：由各企业关键性指标统计；先进值取前 25% 分位值，降幅 =（中位数 − 先进值）÷ 中位数。",
        # 差距分析 (one line a jurisdiction and the spread) in the annex; the chapter's text sums it up
        annex=Annex(("remark",), "关键性指标辖区差距分析表"),
        rows_with="count",  # indicators no enterprise reported are left out
        blank_columns=False,
        figures=("benchmarks",),
    ),
    derive="benchmarks",
    note=(
        "由表R.2各企业数据自动统计；各指标均为越小越好，先进值取前25%分位值（下四分位数），"
        "后25%分位值取上四分位数；降幅 = (中位数 − 先进值)/中位数，为中位企业达到先进值的下降空间。"
    ),
    free_rows=0,
    optional=True,
    columns=(
        Column("no", "序号", type="integer", width=6),
        text("indicator", "指标", width=22),
        text("unit", "单位", width=14),
        Column("count", "企业数", type="integer", formula=f'=IF({{c[no]}}{{r}}="","",COUNT({_RANGE}))', width=7),
        Column("best", "最优值", type="number", formula=_stat(f"MIN({_RANGE})")),
        Column("advanced", "先进值（前25%）", type="number", formula=_stat(f"QUARTILE({_RANGE},1)")),
        Column("median", "中位数", type="number", formula=_stat(f"MEDIAN({_RANGE})")),
        Column("lagging", "后25%分位值", type="number", formula=_stat(f"QUARTILE({_RANGE},3)")),
        Column("mean", "平均值", type="number", formula=_stat(f"AVERAGE({_RANGE})")),
        Column("worst", "最差值", type="number", formula=_stat(f"MAX({_RANGE})")),
        Column(
            "behind",
            "未达先进值企业数",
            type="integer",
            formula=_stat(f'COUNTIF({_RANGE},">"&{{c[advanced]}}{{r}})'),
            width=9,
        ),
        Column(
            "potential",
            "中位企业至先进值降幅",
            type="percent",
            formula='=IF(OR({c[median]}{r}="",N({c[median]}{r})=0),"",({c[median]}{r}-{c[advanced]}{r})/{c[median]}{r})',
            width=10,
        ),
        text("remark", "差距分析", width=28),
    ),
    rows=_benchmark_rows(),
    row_keys=("no", "indicator", "unit"),
    label_key="indicator",
    **_REGION,
)

# ---- R.4–R.6 成果汇总 ------------------------------------------------------------------------------------

R4 = Table(
    id="R.4",
    title="清洁生产审核问题清单",
    short="问题清单",
    section="4.1",
    source=SRC + "7.4.1；附录A 第3章、4.1",
    report=Report(annex=Annex(("companies",), "清洁生产审核问题涉及企业名单"), blank_columns=False),
    note="按问题类别归类梳理；产业政策、产业链、区域协同减排等问题归入“其他”。“关键共性问题”指区域内多数企业共有的关键问题（4.3）。",
    columns=(
        seq(),
        choice("category", "问题类别", REGION_CATEGORIES, required=True, width=16),
        text("problem", "问题", required=True, width=30),
        text("stage", "产生环节", width=16),
        text("impact", "问题影响", width=22),
        text("cause", "原因", width=26),
        text("direction", "解决方案方向", width=24),
        choice("common", "关键共性问题", ("是", "否"), width=8),
        num("companies_n", "涉及企业数", "家", type="integer", width=8),
        text("companies", "企业名单", width=30),
    ),
    label_key="problem",
    **_REGION,
)

R5 = Table(
    id="R.5",
    title="清洁生产审核方案清单",
    short="方案清单",
    section="4.2",
    source=SRC + "7.3、7.4.2；附录A 4.2",
    report=Report(note="注：投资回收期 = 投资 ÷ 年效益。", blank_columns=False),
    derive="payback",
    note="对照问题清单，筛选区域行业可推广应用的方案；投资回收期 = 投资/年效益。",
    total_label="合计",
    columns=(
        seq(),
        text("name", "方案名称", required=True, width=20),
        choice("category", "方案类型", REGION_CATEGORIES, width=14),
        text("content", "方案内容或技术原理", required=True, width=34),
        text("scope", "适用范围", width=18),
        text("problem_no", "对应问题序号", width=10, hint="表R.4序号"),
        num("investment", "投资", "万元", total=True),
        num("benefit", "效益", "万元/a", total=True, hint="年经济效益"),
        text("env_benefit", "环境效益", width=22),
        Column(
            "payback",
            "投资回收期",
            unit="a",
            type="number",
            # N = 投资/年效益 (0 for an option without investment; blank when the benefit is not positive)
            formula=(
                '=IF(OR(NOT(ISNUMBER({c[investment]}{r})),NOT(ISNUMBER({c[benefit]}{r}))),"",'
                'IF({c[investment]}{r}=0,0,IF({c[benefit]}{r}<=0,"",{c[investment]}{r}/{c[benefit]}{r})))'
            ),
            cp=(
                '=IF(OR(NOT(ISNUMBER({c[investment]}{r})),NOT(ISNUMBER({c[benefit]}{r}))),"",'
                'IF({c[investment]}{r}=0,0,IF({c[benefit]}{r}<=0,"",CP_PAYBACK({c[investment]}{r},{c[benefit]}{r}))))'
            ),
        ),
        num("companies_n", "适用企业数", "家", type="integer", total=True, width=8),
    ),
    label_key="name",
    **_REGION,
)

_PERF = ("环境效益",)

R6 = Table(
    id="R.6",
    title="清洁生产方案绩效汇总表",
    short="方案绩效",
    section="4.3",
    source=SRC + "7.3.3、7.4.3；附录A 4.3",
    report=Report(
        summary=Summary("status", "各企业清洁生产方案绩效明细表",
                        "注：按实施状态汇总，企业数为有该状态方案的企业数；各企业明细见{annex}。"),
        blank_columns=False,
        figures=("enterprise_performance",),
    ),
    note="每家企业按已实施、拟实施各一行；效益以年度计。社会效益可包括资源优化、产业创新、政策法规完善等（7.3.3.1）。",
    total_label="合计",
    columns=(
        seq(),
        text("company", "企业名称", required=True, width=22),
        choice("status", "实施状态", ("已实施", "拟实施"), required=True, width=8),
        num("options_n", "方案数量", "个", type="integer", total=True, width=8),
        num("investment", "投资", "万元", total=True),
        num("econ", "经济效益", "万元/a", total=True),
        num("energy", "节能", "tce/a", group=_PERF, total=True),
        num("water", "节水", "m³/a", group=_PERF, total=True),
        num("wastewater", "减排废水", "m³/a", group=_PERF, total=True),
        num("cod", "减排化学需氧量", "t/a", group=_PERF, total=True),
        num("nh3n", "减排氨氮", "t/a", group=_PERF, total=True),
        num("so2", "减排二氧化硫", "t/a", group=_PERF, total=True),
        num("nox", "减排氮氧化物", "t/a", group=_PERF, total=True),
        num("pm", "减排颗粒物", "t/a", group=_PERF, total=True),
        num("vocs", "减排挥发性有机物", "t/a", group=_PERF, total=True),
        num("solid", "减少固体废物", "t/a", group=_PERF, total=True),
        num("co2", "碳减排", "tCO₂/a", group=_PERF, total=True),
        text("social", "社会效益", width=20),
    ),
    label_key="company",
    **_REGION,
)

# ---- R.7 检查结果 ------------------------------------------------------------------------------------------

SEVERITIES = ("错误", "警告", "提示")

R7 = Table(
    id="R.7",
    title="企业工作簿检查结果",
    short="检查结果",
    section="",
    source="cpxl 工作簿检查",
    note="汇总时对各企业工作簿逐一检查的结果；按“企业工作簿”“工作表”“单元格”定位后在企业工作簿中修改。",
    report=None,
    optional=True,
    free_rows=4,
    columns=(
        seq(),
        text("company", "企业名称", width=22),
        text("workbook", "企业工作簿", required=True, width=28),
        text("sheet", "工作表", width=18),
        text("cell", "单元格", width=8),
        choice("severity", "级别", SEVERITIES, required=True, width=6),
        text("rule", "规则", width=16),
        text("message", "说明", required=True, width=50),
    ),
    label_key="message",
    **_REGION,
)

REGION_TABLES = [R1, R2, R3, R4, R5, R6, R7]
