"""Industrial-park cleaner production evaluation: the 26 indicators of T/CPPC 《工业园区清洁生产审核指南》
附件1 附表1 (工业园区清洁生产评价指标), with their 一般水平 / 先进水平, 必选/可选 status, the
“至少选 1 项” groups, and the formulas of “指标解释和计算方法”.

Selection rule (附件1): 13 必选 indicators must all be evaluated; of the 13 可选 at least 6, and at least
one in each group — 19 indicators or more in total.

Value conventions of :func:`park_level`: indicators in % take a share (0.35 or 35 %, as Excel stores a
percentage); counts (13, 23) take a number; qualitative ones (9, 12, 22) take 具备/达标/是 or 否.
Where the table prints a single value for both levels (9, 12, 13, 14, 21, 22, 24, 25, 26), reaching it
meets both levels and is reported as 先进水平.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import _validate as v
from .indicators import NO_WORDS, YES_WORDS, _norm

__all__ = [
    "SOURCE",
    "ParkIndicator",
    "PARK_INDICATORS",
    "PARK_GROUPS",
    "PARK_RULE",
    "indicator",
    "park_level",
    "park_selection_problems",
    "park_selection_ok",
    "completeness",
]

SOURCE = "T/CPPC 工业园区清洁生产审核指南（征求意见稿，2023）附件1 附表1"

ADVANCED = "先进水平"
GENERAL = "一般水平"
BELOW = "未达到一般水平"


@dataclass(frozen=True)
class ParkIndicator:
    """One row of 附表1.

    general/advanced: the threshold as printed in the unit column (30 for “≥30 %”), or the word
    (“具备”, “达标”); general_text/advanced_text: the cell text (advanced_text is "" where the table has
    one value for both levels); direction: higher / lower / qualitative; kind: share (a % of a whole,
    0–100 %), rate (a % change), number, count or qualitative; required: 必选; group: the “至少选 1 项”
    group id (A–F) of an optional indicator.
    """

    no: int
    category: str
    name: str
    unit: str
    general_text: str
    advanced_text: str
    general: float | str
    advanced: float | str
    direction: str
    kind: str
    required: bool
    group: str | None
    explanation: str
    formula: str
    note: str = ""

    @property
    def remark(self) -> str:
        """备注 column: 必选, or the group rule."""
        if self.required:
            return "必选"
        return PARK_GROUPS[self.group][1]

    @property
    def single_level(self) -> bool:
        return self.advanced_text == ""


def _ind(no, category, name, unit, general_text, advanced_text, direction, kind, group, explanation, formula, note=""):
    def parse(text):
        t = text.lstrip("≥≤").strip()
        try:
            return float(t)
        except ValueError:
            return t

    general = parse(general_text)
    advanced = parse(advanced_text) if advanced_text else general
    return ParkIndicator(no, category, name, unit, general_text, advanced_text, general, advanced, direction, kind,
                         group is None, group, explanation, formula, note)


#: group id -> (indicator numbers, rule text of the 备注 column)
PARK_GROUPS: dict[str, tuple[tuple[int, ...], str]] = {
    "A": ((2, 3, 4), "3 项指标至少选 1 项"),
    "B": ((5, 6), "2 项指标至少选 1 项"),
    "C": ((7, 8), "2 项指标至少选 1 项"),
    "D": ((10, 11), "2 项指标至少选 1 项"),
    "E": ((15, 16), "2 项指标至少选 1 项"),
    "F": ((19, 20), "2 项指标至少选 1 项"),
}

PARK_RULE = ("本指标体系由必选指标和可选指标构成，其中必选指标 13 项，可选指标 13 项。在开展工业园区清洁生产评价时，"
             "必选指标应全部完成，可选指标根据园区实际情况至少完成 6 项，共计至少选择 19 项指标开展评价工作。")

PARK_INDICATORS: tuple[ParkIndicator, ...] = (
    _ind(1, "经济发展", "高新技术产业增加值占园区生产总值比值", "%", "≥30", "≥50", "higher", "share", None,
         "园区内高新技术企业的增加值占园区生产总值的比值。其中，高新技术企业是指依据《高新技术企业认定管理办法》认定的工业范畴的高新技术企业。",
         "高新技术产业增加值占园区生产总值比值（%）= 高新技术企业的增加值之和（万元）/ 工业园区生产总值（万元）× 100%"),
    _ind(2, "经济发展", "人均工业增加值", "万元/人", "≥15", "≥20", "higher", "number", "A",
         "园区工业增加值与园区内工业企业从业人数的比值。",
         "人均工业增加值（万元/人）= 园区工业增加值（万元）/ 园区年末工业企业从业人数（人）"),
    _ind(3, "经济发展", "园区工业增加值三年年均增长率", "%", "≥10", "≥15", "higher", "rate", "A",
         "园区工业增加值的三年年均增长率。",
         "园区工业增加值的三年年均增长率（%）= [（当年工业增加值（万元）/ 三年前工业增加值（万元））^(1/3) − 1] × 100%"),
    _ind(4, "经济发展", "资源再生利用产业增加值占园区工业增加值比例", "%", "≥20", "≥30", "higher", "share", "A",
         "指园区内的资源再生利用产业的增加值与园区工业增加值的比值。其中，资源再生利用产业是以保障环境安全为前提，以节约资源、保护环境为目的，"
         "运用先进的技术，将生产和消费过程中产生的废物转化为可重新利用的资源和产品，实现各类废物的再利用和资源化的产业，"
         "包括废物转化为再生资源及将再生资源加工为产品两个过程。",
         "资源再生利用产业增加值占园区工业增加值比例（%）= 资源再生利用产业增加值（万元）/ 园区工业增加值（万元）× 100%"),
    _ind(5, "资源节约", "工业固体废物综合利用率", "%", "≥70", "≥95", "higher", "share", "B",
         "指工业固体废物综合利用量占工业固体废物产生量（包括综合利用往年贮存量）的百分率。其中，工业固体废物综合利用量指报告期内企业通过回收、"
         "加工、循环、交换等方式，从固体废物中提取或者使其转化为可以利用的资源、能源和其他原材料的固体废物量（包括当年利用往年的工业固体废物贮存量），"
         "如用作农业肥料、生产建筑材料、筑路等。综合利用量由原产生固体废物的单位统计。",
         "工业固体废弃物综合利用率（%）= 工业固体废弃物综合利用量（吨）/ [工业固体废弃物产生量（吨）+ 综合利用往年贮存量（吨）] × 100%"),
    _ind(6, "资源节约", "再生资源循环利用率", "%", "≥60", "≥80", "higher", "share", "B",
         "本指标主要适用于再生资源类园区，是指园区内再生资源的循环利用量与再生资源收集量的比值。其中，再生资源主要包括但不限于废钢铁、"
         "废有色金属、废纸、废塑料、废旧纺织品、废旧木材、废旧轮胎、废矿物油、废弃电器电子产品、报废汽车等。",
         "再生资源回收利用率（%）= 再生资源循环利用量（吨）/ 再生资源收集量（吨）× 100%"),
    _ind(7, "能源利用", "单位工业增加值综合能耗", "吨标煤/万元", "≤0.5", "≤0.3", "lower", "number", "C",
         "园区内工业企业产生的单位工业增加值所消耗的综合能耗量。",
         "单位工业增加值综合能耗（吨标煤/万元）= 园区工业综合能耗总量（吨标煤）/ 园区工业增加值总量（万元）"),
    _ind(8, "能源利用", "可再生能源使用比例", "%", "≥9", "≥15", "higher", "share", "C",
         "园区内工业企业的可再生能源使用量与综合能耗总量的比值。可再生能源包括太阳能、水能、生物质能、地热能、氢能、波浪能等非化石能源。",
         "可再生能源使用比例（%）= 工业企业可再生能源使用量（吨标煤）/ 工业企业综合能耗总量（吨标煤）× 100%"),
    _ind(9, "基础设施", "污水集中处理设施", "—", "具备", "", "qualitative", "qualitative", None,
         "园区内所有工业废水经预处理达到集中处理要求后进入安装有自动在线监控装置的污水集中处理设施（园区内或园区外）。",
         ""),
    _ind(10, "基础设施", "新建工业建筑中绿色建筑的比例", "%", "≥30", "≥50", "higher", "share", "D",
         "园区新建工业建筑中的绿色建筑是按照 GB/T50878-2013《绿色工业建筑评价标准》评价，获得二星及以上评级的工业建筑。",
         "新建工业建筑中绿色建筑的比例（%）= 新建工业建筑中绿色建筑的面积（平方米）/ 园区新建工业建筑面积（平方米）× 100%"),
    _ind(11, "基础设施", "新建公共建筑中绿色建筑的比例", "%", "≥60", "≥80", "higher", "share", "D",
         "园区新建公共建筑中的绿色建筑是按照 GB/T50378-2014《绿色建筑评价标准》评价，获得二星及以上评级的公共建筑。",
         "新建公共建筑中绿色建筑的比例（%）= 新建公共建筑中绿色建筑的面积（平方米）/ 园区新建公共建筑面积（平方米）× 100%"),
    _ind(12, "环境保护", "工业园区重点污染源稳定达标排放情况", "—", "达标", "", "qualitative", "qualitative", None,
         "园区内重点污染源的污染物稳定达标排放的情况。其中，重点污染源是指环境统计中的“重点调查工业企业”，按“环境统计报表制度说明的解释界定。"
         "污染物排放稳定达标是指主要污染物及特征污染物稳定达到排放标准。",
         ""),
    _ind(13, "环境保护", "工业园区内企事业单位发生特别重大、重大突发环境事件数量", "次", "0", "", "lower", "count", None,
         "园区开展清洁生产审核前三年发生特别重大或重大突发环境事件的次数。其中，特别重大、重大突发环境事件指根据《关于印发国家突发环境事件应急预案的通知》"
         "中的规定的特别重大和重大突发环境事件的分级标准。",
         ""),
    _ind(14, "环境保护", "工业固体废物（含危险废物）处置利用率", "%", "100", "", "higher", "share", None,
         "园区范围内各工业企业安全处置、综合利用及安全贮存的工业固体废物量（含危险废物）之和与当年工业固体废物总产生量的比值。其中，"
         "工业固体废物（含危险废物）安全处置、综合利用及安全贮存量包括园区内以及运送至园区外进行安全处置、综合利用及安全贮存的废物量。"
         "工业固体废物总产生量包括园区内企业产生的工业固体废物量（含危险废物），以及园区外运送至园区内的工业固体废物量（含危险废物）。",
         "工业固体废物（含危废）处置利用率（%）= 园区当年工业固体废物处置利用量（含危险废物）（吨）/ 园区当年工业固体废物总产生量（吨）× 100%"),
    _ind(15, "环境保护", "单位工业增加值废水排放量", "吨/万元", "≤7", "≤3", "lower", "number", "E",
         "园区单位工业增加值排放的工业废水量，不包括企业梯级利用的废水和园区内居民排放的生活废水。",
         "单位工业增加值废水排放量（吨/万元）= 园区工业废水排放总量（吨）/ 园区工业增加值总量（万元）"),
    _ind(16, "环境保护", "单位工业增加值固废产生量", "吨/万元", "≤0.2", "≤0.1", "lower", "number", "E",
         "园区内工业企业产生单位工业增加值所产生的工业固体废物量。其中，工业固体废物区内产生量指园区内企业产生的工业固体废物量，"
         "不包括园区外运送至园区内的工业固体废物量。",
         "单位工业增加值固废量（吨/万元）= 园区工业固体废物区内产生量（吨）/ 园区工业增加值总量（万元）"),
    _ind(17, "环境保护", "园区空气质量优良率", "%", "≥80", "≥95", "higher", "share", None,
         "空气质量优良天数占全年天数的比例。空气质量优良等级按照 GB3085《环境空气质量标准》确定。",
         "", note="原文无计算公式，按指标解释：空气质量优良天数 / 全年天数 × 100%；“GB3085”应为 GB 3095"),
    _ind(18, "环境保护", "绿化覆盖率", "%", "≥15", "≥30", "higher", "share", None,
         "园区内各类绿地总面积与园区规划范围内用地总面积的比值。",
         "绿色覆盖率（%）= 园区内各类绿地总面积（平方米）/ 园区用地总面积（平方米）× 100%"),
    _ind(19, "低碳发展", "单位工业增加值二氧化碳排放量年均削减率", "%", "≥3", "≥5", "higher", "rate", "F",
         "园区内工业企业产生单位工业增加值所排放的二氧化碳当量的近三年年均削减率。其中，二氧化碳排放量主要包括园区内化石能源燃烧、"
         "生物质能源燃烧排放的二氧化碳量，以及电力调入调出间接排放二氧化碳量。",
         "单位工业增加值二氧化碳排放量年均削减率（%）= [（当年单位工业增加值二氧化碳排放量（吨/万元）/ 三年前单位工业增加值二氧化碳排放量（吨/万元））^(1/3) − 1] × 100%",
         note="原式对排放量下降给出负值，与“≥3、≥5”的削减率不符；CP_ANNUAL_REDUCTION 按 1 −（当年/三年前）^(1/3) 计算，下降为正"),
    _ind(20, "低碳发展", "园区二氧化碳排放量增长率", "%", "≤5", "≤3", "lower", "rate", "F",
         "当年园区二氧化碳排放量较上年二氧化碳排放量的增长率。",
         "园区二氧化碳排放量增长率（%）=（当年园区二氧化碳排放量（吨）− 上年园区二氧化碳排放量（吨））/ 上年园区二氧化碳排放量（吨）× 100%"),
    _ind(21, "清洁生产", "工业园区重点企业清洁生产审核实施率", "%", "100", "", "higher", "share", None,
         "园区内重点企业依法开展清洁生产审核并通过评估的总数占重点企业总数的比例。其中，重点企业是指《清洁生产审核暂行办法》中规定的，"
         "由省级环境保护行政主管部门每年发布的强制性清洁生产审核名单的企业。",
         "工业园区重点企业清洁生产审核实施率（%）= 通过清洁生产审核评估重点企业数（个）/ 园区重点企业总数（个）× 100%"),
    _ind(22, "清洁生产", "园区清洁生产审核制度", "%", "具备", "", "qualitative", "qualitative", None,
         "主要考核是否建立与园区清洁生产审核相关的管理制度，具体包括是否将园区清洁生产审核纳入园区管理体系，是否制定了园区清洁生产审核实施方案、"
         "工作方案等制度文件，是否成立了专门负责园区清洁生产审核工作的专班或者小组等。",
         "", note="原表单位为“%”，但基准值为“具备”，按定性指标评价"),
    _ind(23, "清洁生产", "园区清洁生产宣传活动", "%", "≥3", "≥5", "higher", "count", None,
         "指园区管理机构应对清洁生产的理念进行宣传，组织开展的以园区清洁生产审核为主题（包括生态工业、节能减排、循环经济、低碳环保、清洁生产等）"
         "的宣传活动，活动形式多样（包括讲座，发放宣传手册、宣传单，展板海报等），宣传活动每次参与人数不少于园区从业人口的千分之一。"
         "园区管理机构应把每次活动的相关材料、照片进行存档保留。",
         "", note="原表单位为“%”，按指标解释应为宣传活动次数（次/年），按次数评价"),
    _ind(24, "园区管理", "环境管理能力完善度", "%", "100", "", "higher", "share", None,
         "指园区环境管理能力的完善程度。以下 4 项内容每一项完成完善度为 25%，4 项均达到则完善度为 100%。（1）园区设有环境保护职能部门；"
         "（2）具备明确的环境管理职能；（3）将园区环境保护工作纳入园区行政管理机构领导班子政绩考核内容，并建立相应的考核机制；"
         "（4）具备专门机构或专人负责园区清洁生产审核工作。",
         "", note="按指标解释：完成项数 × 25%（可用 CP_PARK_COMPLETENESS 计算）"),
    _ind(25, "园区管理", "园区环境风险防范体系建设完善度", "%", "100", "", "higher", "share", None,
         "指园区环境风险防控体系建设完善程度。以下 4 项内容每一项完成完善度为 25%，4 项均达到则完善度为 100%。园区管理机构应（1）开展园区环境风险评估；"
         "（2）编制较完善的园区环境风险应急预案；（3）整合园区应急资源，建立综合性或者专业环境应急救援队伍，储备必要的环境应急物资和装备；"
         "（4）组织对环境应急预案进行专项培训，定期组织开展跨行业、综合性的应急演练。化工、电镀、印染等园区或者上述企业较为集中的园区应在上述 4 项的基础上，"
         "增加（5）建立环境风险监测预警平台，每项 20%，5 项均达到则完善度为 100%。",
         "", note="按指标解释：完成项数 × 25%（化工、电镀、印染等园区 5 项，每项 20%）（可用 CP_PARK_COMPLETENESS 计算）"),
    _ind(26, "园区管理", "重点企业环境信息公开率", "%", "100", "", "higher", "share", None,
         "指园区内，按照《企业事业单位环境信息公开办法》要求，公开环境信息的企业事业单位数量，占园区纳入该办法要求的重点排污单位名录的企业事业单位数量的比例。"
         "各企业环境信息应当通过园区统一的平台予以公开。",
         "重点企业环境信息公开率（%）= 按要求公开环境信息的企业数量（个）/ 园区内纳入重点排污单位名录的企业数量（个）× 100%"),
)

_BY_NO = {p.no: p for p in PARK_INDICATORS}


def indicator(no) -> ParkIndicator:
    """The indicator with number ``no`` (1–26)."""
    n = v.integer("indicator_no（指标序号）", no)
    if n not in _BY_NO:
        raise ValueError(f"indicator_no（指标序号）须为 1～26，收到 {n}")
    return _BY_NO[n]


def _qualitative(p: ParkIndicator, value) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        k = _norm(value)
        if k in YES_WORDS or k == _norm(p.general_text):
            return True
        if k in NO_WORDS:
            return False
    raise ValueError(f"指标 {p.no}“{p.name}”为定性指标，value（指标值）须为“{p.general_text}/是”或“否”，收到 {v.fmt(value)}")


def park_level(no, value) -> str:
    """Level of a park indicator: "先进水平" / "一般水平" / "未达到一般水平".

    no: indicator number 1–26 of 附表1; value: a share for % indicators (0.35 or 35 %; 35 is rejected
    as ambiguous), a rate for 3/19/20 (0.04 = 4 %), a number for 2/7/15/16, a count for 13/23,
    具备/达标/是 or 否 for 9/12/22.  Single-value indicators (9, 12, 13, 14, 21, 22, 24–26) give
    先进水平 when met (the table's one value applies to both levels).
    Standard: T/CPPC 工业园区清洁生产审核指南 附件1 附表1.
    """
    p = indicator(no)
    if v.is_blank(value):
        raise ValueError(f"指标 {p.no}“{p.name}”的 value（指标值）不能为空")
    if p.kind == "qualitative":
        return ADVANCED if _qualitative(p, value) else BELOW
    if isinstance(value, str) and p.no == 13 and _norm(value) in ("无", "没有", "未发生"):
        value = 0
    x = v.number(f"指标 {p.no}“{p.name}”的 value（指标值）", value)
    scale = 1.0
    if p.kind in ("share", "rate"):
        scale = 100.0  # thresholds are printed in %, values are shares
        if p.kind == "share" and not (0 <= x <= 1 + 1e-9):
            raise ValueError(
                f"指标 {p.no}“{p.name}”为百分比，value（指标值）须在 0～100% 之间，以百分数或小数填写（如 35% 或 0.35），收到 {v.fmt(x)}"
            )
    if p.kind == "count" and x < 0:
        raise ValueError(f"指标 {p.no}“{p.name}”的 value（次数）不能为负数，收到 {v.fmt(x)}")
    y = x * scale
    eps = 1e-9 * max(1.0, abs(y))

    def ok(threshold: float) -> bool:
        return y >= threshold - eps if p.direction == "higher" else y <= threshold + eps

    if ok(float(p.advanced)):
        return ADVANCED
    if ok(float(p.general)):
        return GENERAL
    return BELOW


def park_selection_problems(selected) -> list[str]:
    """Problems of a selection of indicator numbers against the 附件1 rule (empty list = compliant)."""
    nos = set()
    for item in v._flatten(selected):
        if v.is_blank(item):
            continue
        nos.add(indicator(item).no)
    problems = []
    missing = [p.no for p in PARK_INDICATORS if p.required and p.no not in nos]
    if missing:
        problems.append("缺少必选指标 " + "、".join(str(n) for n in missing))
    for gid, (members, rule) in PARK_GROUPS.items():
        if not nos.intersection(members):
            problems.append(f"指标 {'、'.join(map(str, members))} 中未选（{rule}）")
    optional = [n for n in nos if not _BY_NO[n].required]
    if len(optional) < 6:
        problems.append(f"可选指标仅 {len(optional)} 项，至少 6 项")
    if len(nos) < 19:
        problems.append(f"共 {len(nos)} 项指标，至少 19 项")
    return problems


def park_selection_ok(selected) -> str:
    """"符合" or "不符合：<problems>" for the selected indicator numbers.

    Standard: T/CPPC 工业园区清洁生产审核指南 附件1（必选 13 项全部完成，可选至少 6 项，共计至少 19 项；各组至少选 1 项）.
    """
    problems = park_selection_problems(selected)
    return "符合" if not problems else "不符合：" + "；".join(problems)


def completeness(items) -> float:
    """Completeness = items done / items listed [-] (indicators 24 and 25: 4 items × 25 %, or 5 × 20 %).

    items: 是/否 (或 具备/完成 …) per item; blank cells are not counted.
    Standard: T/CPPC 工业园区清洁生产审核指南 附件1 指标(24)、(25).
    """
    done = total = 0
    for pos, item in enumerate(v._flatten(items), start=1):
        if v.is_blank(item):
            continue
        if isinstance(item, bool):
            flag = item
        else:
            k = _norm(item)
            if k in YES_WORDS or k in ("1", "1.0"):
                flag = True
            elif k in NO_WORDS or k in ("0", "0.0"):
                flag = False
            else:
                raise ValueError(f"items（完成情况）第 {pos} 项须为“是”或“否”，收到 {v.fmt(item)}")
        total += 1
        done += flag
    if total == 0:
        raise ValueError("items（完成情况）不能全为空")
    return done / total
