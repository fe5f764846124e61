"""The report's context: plain data from the workbook for the docxtpl template.

- ``cover``: 封面信息 as display strings (covers 附录A 图A.1–图A.4, park cover 附件2 1.1);
- ``commit_company`` / ``commit_consultant``: the commitment tables of 图A.4 (from 表D.1, 表D.2);
- ``toc``: the headings to three levels (the static table of contents);
- ``sections``: for each section of the frame its heading, level and body — the auditor's text from
  ``章节文字`` verbatim, or generated analysis and a 【待补充】 marker quoting the standard, then its tables
  (captioned above, numbered by chapter, DB4101/T 61—2023 附录C C.2.3) and figures (captioned below,
  C.2.4). Section 7.2 gets one subsection per 中/高费 option analysed (附录B.1 7.2.1, 7.2.2 …).
"""

from __future__ import annotations

import dataclasses
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from cpxl.tables import CONDITIONS, KINDS
from cpxl.tables.frames import Section
from cpxl.tables.model import Column, Table

from . import charts, diagrams
from . import ooxml as X
from . import precision as P
from .analysis import Facts, generate, n
from .compute import Derived, OptionEconomics, d12_totals, derive, feasibility_options, filled, num, text
from . import annex_forms
from .tables import Page, field_pairs, fmt, form_xml, grid_xml, has_data

CN_NUM = "零一二三四五六七八九十"

PENDING = "【待补充】"
ANALYSIS = "【数据分析】"  # in 章节文字: replaced by the analysis generated from the data


def cn_number(k: int) -> str:
    if k <= 10:
        return CN_NUM[k]
    if k < 20:
        return "十" + CN_NUM[k - 10]
    return CN_NUM[k // 10] + "十" + (CN_NUM[k % 10] if k % 10 else "")


# ---- where tables go -----------------------------------------------------------------------------------------

def _in_row_unit(row: dict, keys: tuple[str, ...]) -> dict:
    """Shares on a row whose unit is “%” in per cent (表P.1 附表1: a share entered as 35 % (0.35) reads 35)."""
    if text(row.get("unit")) != "%":
        return row
    shown = dict(row)
    for key in keys:
        value = row.get(key)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            shown[key] = round(value * 100, 10)
    return shown


@dataclass
class Part:
    """One printed table (or a table's part after a split) in one section."""

    table: Table
    title: str
    rows: list[dict]
    key: str  # "D.25#审核", "D.3"
    label: str = ""  # “表 4-3”
    sentence: str = ""  # printed instead of the table (does not apply, or empty)
    figures: list["Figure"] = field(default_factory=list)
    all_rows: list[dict] | None = None  # the full rows of a table printed as a summary


class _Notes(list):
    """The paragraphs (xml) under a table, with their text (`texts`) for the page estimate."""

    def __init__(self):
        super().__init__()
        self.texts: list[str] = []

    def add(self, ctx, line: str, keep: bool = False) -> None:
        xml = ctx.para(line, "表注")
        self.append(ctx.keep(xml) if keep else xml)
        self.texts.append(line)


def summary_table(table: Table, key: str, rows: list[dict]) -> Table:
    """The body form of a per-enterprise table, transposed to fit a portrait page: one row per quantity
    (企业数, 方案数量, 投资 …), one column per value of `key` (已实施, 拟实施) and 合计."""
    values = list(dict.fromkeys(text(r.get(key)) for r in rows if text(r.get(key))))
    cols = [Column("item", "项目"), Column("unit", "单位"),
            *(Column(f"v{i}", v, type="number", formula="=") for i, v in enumerate(values)),
            Column("all", "合计", type="number", formula="=")]
    return dataclasses.replace(table, columns=tuple(cols), row_keys=("item", "unit"), total_label=None, label_key="item")


def summary_rows(table: Table, key: str, rows: list[dict]) -> list[dict]:
    values = list(dict.fromkeys(text(r.get(key)) for r in rows if text(r.get(key))))
    groups = [[r for r in rows if text(r.get(key)) == v] for v in values]

    def companies(sel):
        return len({text(r.get(table.label_key)) for r in sel if text(r.get(table.label_key))})
    out = [{"item": "企业数", "unit": "家", **{f"v{i}": companies(g) for i, g in enumerate(groups)}, "all": companies(rows)}]
    for c in table.columns:
        if not c.total:
            continue
        sums = []
        for g in [*groups, rows]:
            vals = [num(r.get(c.key)) for r in g if num(r.get(c.key)) is not None]
            sums.append(sum(vals) if vals else None)
        if any(v is not None for v in sums):
            out.append({"item": c.label, "unit": c.unit, **{f"v{i}": v for i, v in enumerate(sums[:-1])}, "all": sums[-1]})
    return out


@dataclass
class Figure:
    key: str
    title: str
    png: bytes | None
    label: str = ""
    note: str = ""  # printed under the caption (a balance diagram's overall deviation)
    dot: str = ""  # the diagram's DOT source, when drawn with graphviz
    fallback: str = ""  # why a diagram is missing (no Graphviz): printed instead of it


@dataclass
class Built:
    context: dict
    problems: list[str]
    figures: int
    tables: int
    pending: list[str]


# ---- the frame -----------------------------------------------------------------------------------------------


def report_frame(kind: str, options: list[OptionEconomics]) -> list[Section]:
    """The frame of `kind` with one 7.2.x subsection per feasibility-analysed option (附录B.1 7.2.1 方案一…)."""
    out = []
    sections = KINDS[kind].frame
    if kind == "region" and not any(s.title == "附件" for s in sections):
        # full per-enterprise lists summarised in the body (附录A has no annex of its own)
        sections = [*sections, Section("", "附件", "")]
    for s in sections:
        out.append(s)
        if s.number == "7.2" and KINDS[kind].subject == "enterprise":
            for i, o in enumerate(options, 1):
                out.append(Section(f"7.2.{i}", f"方案{cn_number(i)}：{o.name or o.option_id}（{o.option_id}）",
                                   "6.8.2.1–6.8.2.5 方案介绍；技术评估（资料来源、技术可行性结论）；环境评估（数据来源、核算过程，"
                                   "节能量按GB/T 13234）；经济评估（净现值、投资回收期、内部收益率）；可行性结论。"))
    return out


def placements(book, kind: str, d: Derived, sections: list[Section]) -> dict[str, list[Part]]:
    """Section → printed table parts, in sheet order (a table goes to its section in `kind`, split, summarised
    or with an annex as its :class:`~cpxl.tables.model.Report` says)."""
    numbers = {s.number or s.title for s in sections}
    out: dict[str, list[Part]] = {}
    for table in book.registry:
        condition = CONDITIONS[table.applies]
        if not table.report or kind not in table.kinds or not condition.in_kind(kind):
            continue
        section = table.section_in(kind)
        if not section or section not in numbers:
            continue
        rows = _rows(d, table)
        if not book.applies(table):
            sentence = condition.not_applicable(f"“{table.title}”", book.cover)
            out.setdefault(section, []).append(Part(table, table.title, [], table.id, sentence=sentence))
            continue
        split = table.report.split
        if split and rows:
            places = dict(split.places)
            values = list(dict.fromkeys(text(r.get(split.by)) for r in rows))
            if places:
                values = [v for v in places if v in values] + [v for v in values if v not in places]
            for v in values:
                sel = [r for r in rows if text(r.get(split.by)) == v]
                where = places.get(v) or section
                if where not in numbers:
                    where = section
                out.setdefault(where, []).append(Part(table, split.title(v, table.title), sel, f"{table.id}#{v}"))
            continue
        part = Part(table, table.title, rows, table.id)
        annex = "附件" if "附件" in numbers else None
        summary, moved = table.report.summary, table.report.annex
        if rows and annex and summary:
            full = dataclasses.replace(table, title=summary.title, section="附件")
            part = Part(summary_table(table, summary.by, rows), table.title, summary_rows(table, summary.by, rows), table.id,
                        all_rows=rows)
            # the wide list first: the report then ends on a portrait page, not on an empty one after a landscape section
            out.setdefault(annex, []).insert(0, Part(full, summary.title, rows, f"{table.id}#annex"))
        elif rows and annex and moved:
            keep = [c for c in table.columns if c.key in ("no", table.label_key) or c.key in moved.columns]
            if any(filled(r.get(k)) for r in rows for k in moved.columns):
                sub = dataclasses.replace(table, title=moved.title, section="附件", columns=tuple(keep), total_label=None)
                out.setdefault(annex, []).append(Part(sub, moved.title, rows, f"{table.id}#annex"))
        if not rows and not _has_fields(d, table):
            what = f"“{table.title}”"
            part.sentence = (f"本轮审核未填写{what}（选填），从略。" if table.optional
                             else f"（{what}尚未填写，请在审核工作簿中补充后重新导出。）")
        out.setdefault(section, []).append(part)
    return out


def _rows(d: Derived, table: Table) -> list[dict]:
    if not table.columns:
        return []
    cols = list(table.columns)
    rows = [r for r in d.rows(table.id) if has_data(r, table, cols)]
    if table.report.rows_with:
        rows = [r for r in rows if num(r.get(table.report.rows_with))]
    return rows


def _has_fields(d: Derived, table: Table) -> bool:
    """Whether a form is printed: some input filled, or a form a workbook of its kind prints blank."""
    if not table.fields:
        return False
    vals = d.fields.get(table.id, {})
    inputs = [f.key for f in table.fields if not f.computed]
    return any(filled(vals.get(k)) for k in inputs) or d.book.kind in table.report.blank_form_in


# ---- figures ------------------------------------------------------------------------------------------------------


def _years(f: Facts) -> list[str]:
    return [f"{y}年" for y in f.years] if f.years else ["第1年", "第2年", "第3年"]


def fig_plan(f: Facts, part: Part) -> list[Figure]:
    tasks = [(text(r.get("phase")) or text(r.get("content")), _d(r.get("start")), _d(r.get("end"))) for r in part.rows]
    return [Figure("fig:D.3", "清洁生产审核工作计划甘特图", charts.gantt(tasks))]


def _d(value):
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else None


def fig_output(f: Facts, part: Part) -> list[Figure]:
    main = text(f.cover.get("main_product"))
    unit = next((text(r.get("output_unit")) for r in part.rows if text(r.get("product")) == main), None)
    unit = unit or (text(part.rows[0].get("output_unit")) if part.rows else "")
    series = [(text(r.get("product")), [num(r.get(f"output_{i}")) for i in (1, 2, 3)]) for r in part.rows
              if text(r.get("output_unit")) == unit][:6]
    return [Figure("fig:D.6", "审核考察期产品产量变化趋势", charts.trend(_years(f), series, f"产量（{unit}）"))]


def _index(vals: list) -> list:
    base = num(vals[0])
    return [None if (base is None or num(v) is None or not base) else num(v) / base * 100 for v in vals]


def fig_index(key: str, label_key: str, value_prefix: str, title: str):
    def run(f: Facts, part: Part) -> list[Figure]:
        series = [(text(r.get(label_key)), _index([r.get(f"{value_prefix}_{i}") for i in (1, 2, 3)])) for r in part.rows][:6]
        y1 = f.years[0] if f.years else "第1"
        return [Figure(key, title, charts.grouped(_years(f), series, f"指数（{y1}年 = 100）", height=3.0))]
    return run


def fig_water(f: Facts, part: Part) -> list[Figure]:
    series = [(text(r.get("category")), [num(r.get(f"total_{i}")) for i in (1, 2, 3)]) for r in part.rows]
    fresh = next((r for r in part.rows if text(r.get("category")) == "新鲜水"), None)
    line = ("新鲜水单耗", [num(fresh.get(f"per_unit_{i}")) for i in (1, 2, 3)], "单耗（m³/单位产品）") if fresh else None
    return [Figure("fig:D.10", "审核考察期水资源消耗变化趋势", charts.trend(_years(f), series, "用水量（m³）", line=line, stacked=True))]


def fig_energy(f: Facts, part: Part) -> list[Figure]:
    rows = [r for r in part.rows if any(num(r.get(f"total_{i}")) for i in (1, 2, 3))]
    series = [(text(r.get("name")), [num(r.get(f"total_{i}")) / 1000 if num(r.get(f"total_{i}")) is not None else None
                                     for i in (1, 2, 3)]) for r in rows]
    tot = d12_totals(f.d)
    line = ("单位产品综合能耗", [tot[f"per_unit_{i}"] for i in (1, 2, 3)], "单耗（kgce/单位产品）")
    return [Figure("fig:D.12", "审核考察期综合能耗及单位产品综合能耗变化趋势",
                   charts.trend(_years(f), series, "综合能耗（tce）", line=line, stacked=True))]


def _diagram(key: str, title: str, diagram, note: str = "") -> Figure:
    """A Graphviz block diagram as a figure; without ``dot`` its png is None and the report says why."""
    png = diagrams.render(diagram)
    return Figure(key, title, png, note=note, dot=diagram.source, fallback=diagrams.NO_DOT)


def fig_material_balance(f: Facts, part: Part) -> list[Figure]:
    """审核重点工艺流程及产污节点图 (6.5.1.2.1) and 物料平衡图 (6.6.1) from the unit operations of 表BAL.1."""
    unit = next((text(r.get("qty_unit")) for r in part.rows if text(r.get("qty_unit"))), "t/a")
    out = []
    flow = diagrams.process_flow(part.rows, text=text)
    if flow is not None:
        out.append(_diagram("fig:BAL.1:flow", "审核重点工艺流程及产污节点图", flow,
                            "注：W 为废水、G 为废气、S 为固体废物产生节点，按单元操作顺序编号。"))
    balance = diagrams.material_balance(part.rows, unit, text=text, num=num)
    if balance is not None:
        vals = f.d.fields.get("BAL.1", {})
        tin, tout, dev = num(vals.get("total_in")), num(vals.get("total_out")), num(vals.get("total_dev"))
        note = ""
        if tin is not None and tout is not None:
            note = (f"注：总输入 {P.as_entered(tin, 2)} {unit}，总输出 {P.as_entered(tout, 2)} {unit}"
                    + (f"，总体平衡偏差 {dev * 100:.2f}%" if dev is not None else "")
                    + "（中间产品、循环物料不计入总体平衡）。")
        out.append(_diagram("fig:BAL.1", "审核重点物料平衡图", balance, note))
    return out


def fig_water_balance(f: Facts, part: Part) -> list[Figure]:
    """水平衡图 (6.5.1.2.5, m³/d): 表BAL.2 users, the source and discharge named as in 表D.10."""
    d10 = f.d.rows("D.10")
    sources = [(text(r.get("category")), text(r.get("source"))) for r in d10]
    discharge = next((text(r.get("discharge")) for r in d10 if text(r.get("category")) == "新鲜水" and text(r.get("discharge"))), "")
    diagram = diagrams.water_balance(part.rows, sources=sources, discharge=discharge, text=text, num=num)
    if diagram is None:
        return []
    vals = {k: sum(num(r.get(k)) or 0 for r in part.rows) for k in ("fresh", "reused", "consumed", "discharged", "leaked")}
    out_total = vals["consumed"] + vals["discharged"] + vals["leaked"]
    note = (f"注：新水量 {P.as_entered(vals['fresh'], 2)} m³/d，耗水 {P.as_entered(vals['consumed'], 2)} m³/d，"
            f"排水 {P.as_entered(vals['discharged'], 2)} m³/d，漏失 {P.as_entered(vals['leaked'], 2)} m³/d，"
            f"重复利用 {P.as_entered(vals['reused'], 2)} m³/d")
    if vals["fresh"]:
        note += f"；平衡偏差 {(vals['fresh'] - out_total) / vals['fresh'] * 100:.2f}%"
    return [_diagram("fig:BAL.2", "审核重点水平衡图（m³/d）", diagram, note + "。")]


def _total(values) -> float | None:
    """Σ of the values given; None (no bar, no “0” label) when none is."""
    vals = [num(v) for v in values]
    vals = [v for v in vals if v is not None]
    return sum(vals) if vals else None


def fig_options(f: Facts, part: Part) -> list[Figure]:
    rows = part.rows
    classes = ("无/低费", "中/高费")
    count = [sum(text(r.get("cost_class")) == c for r in rows) for c in classes]
    inv = [_total(r.get("investment") for r in rows if text(r.get("cost_class")) == c) for c in classes]
    return [Figure("fig:D.30", "备选清洁生产方案数量及预计投资", charts.pair(list(classes), ("方案数量（项）", count), ("预计投资（万元）", inv)))]


def fig_implemented(f: Facts, part: Part) -> list[Figure]:
    classes = ("无/低费", "中/高费")
    inv = [_total(r.get("investment") for r in part.rows if text(r.get("cost_class")) == c) for c in classes]
    econ = [_total(r.get("econ_benefit") for r in part.rows if text(r.get("cost_class")) == c) for c in classes]
    return [Figure("fig:D.34", "已实施方案投资及年经济效益", charts.pair(list(classes), ("投资（万元）", inv), ("年经济效益（万元/a）", econ)))]


def fig_econ(f: Facts, part: Part) -> list[Figure]:
    rows = [r for r in part.rows if num(r.get("year_total"))]
    cats = [text(r.get("item")) for r in rows]
    return [Figure("fig:D.41", "方案年度经济效益构成", charts.grouped(cats, [("无/低费", [num(r.get("year_low")) for r in rows]),
                                                                     ("中/高费", [num(r.get("year_high")) for r in rows])], "万元/a"))]


def fig_targets(f: Facts, part: Part) -> list[Figure]:
    rows = [r for r in part.rows if num(r.get("near_rel")) is not None and num(r.get("act_rel")) is not None]
    cats = [text(r.get("indicator")) for r in rows]
    return [Figure("fig:D.42", "清洁生产目标完成情况（相对基准期）", charts.grouped(cats, [("近期目标（%）", [num(r.get("near_rel")) for r in rows]),
                                                                        ("完成情况（%）", [num(r.get("act_rel")) for r in rows])], "相对值（%）"))]


def fig_park_data(f: Facts, part: Part) -> list[Figure]:
    from .compute import park_data

    data = park_data(f.d)
    y = [f"{int(f.years[2]) - 3 + k}年" for k in range(4)] if f.years else ["三年前", "第1年", "第2年", "第3年"]
    va = data.get("industrial_va")
    en = data.get("energy")
    if not va:
        return []
    line = ("工业综合能耗（tce）", list(en), "tce") if en else None
    return [Figure("fig:P.2", "园区工业增加值及工业综合能耗变化", charts.trend(y, [("工业增加值（万元）", list(va))], "万元", line=line))]


def fig_park_options(f: Facts, part: Part) -> list[Figure]:
    levels = list(dict.fromkeys(text(r.get("level")) for r in part.rows if text(r.get("level"))))
    inv = [_total(r.get("investment") for r in part.rows if text(r.get("level")) == lv) for lv in levels]
    cnt = [sum(text(r.get("level")) == lv for r in part.rows) for lv in levels]
    return [Figure("fig:B.3", "清洁生产方案数量及投资预算（按层面）", charts.pair(levels, ("方案数量（项）", cnt), ("投资预算（万元）", inv)))]


def fig_region(f: Facts, part: Part) -> list[Figure]:
    from cpxl.tables.region import BENCHMARK_ORDER

    r2 = f.d.rows("R.2")
    stats = {int(num(r.get("no"))): r for r in f.d.rows("R.3") if num(r.get("no")) is not None}
    out = []
    for no, (_fam, key, label, unit) in enumerate(BENCHMARK_ORDER, 1):
        if key.rsplit("_", 1)[0] not in ("energy", "water", "co2") or not key.endswith("_pp"):
            continue
        vals = [(text(r.get("company")), num(r.get(key))) for r in r2 if num(r.get(key)) is not None]
        if len(vals) < 2:
            continue
        s = stats.get(no, {})
        ref = [(name, num(s.get(k))) for name, k in (("先进值", "advanced"), ("中位数", "median")) if num(s.get(k)) is not None]
        png = charts.grouped([v[0] for v in vals], [(label, [v[1] for v in vals])], f"{label}（{unit}）", reference=ref)
        out.append(Figure(f"fig:R.2:{key.rsplit('_', 1)[0]}", f"审核对象企业{label}对标", png))
    return out


def fig_region_perf(f: Facts, part: Part) -> list[Figure]:
    rows = part.all_rows if part.all_rows is not None else part.rows
    companies = list(dict.fromkeys(text(r.get("company")) for r in rows))
    inv = [_total(r.get("investment") for r in rows if text(r.get("company")) == c) for c in companies]
    econ = [_total(r.get("econ") for r in rows if text(r.get("company")) == c) for c in companies]
    return [Figure("fig:R.6", "审核对象企业方案投资及年经济效益", charts.grouped(companies, [("投资（万元）", inv), ("年经济效益（万元/a）", econ)], "万元"))]


#: The figure builders a table's declaration names in ``Report.figures``.
FIGURE_BUILDERS: dict[str, Callable[[Facts, Part], list[Figure]]] = {
    "gantt": fig_plan,
    "output_trend": fig_output,
    "material_index": fig_index("fig:D.7", "material", "per_unit", "主要原辅材料单耗变化趋势（指数）"),
    "water_trend": fig_water,
    "energy_index": fig_index("fig:D.11", "energy", "total", "各类能源消耗量变化趋势（指数）"),
    "energy_trend": fig_energy,
    "process_and_material_balance": fig_material_balance,
    "water_balance": fig_water_balance,
    "options_by_class": fig_options,
    "implemented_by_class": fig_implemented,
    "benefit_by_class": fig_econ,
    "target_completion": fig_targets,
    "park_value_added": fig_park_data,
    "park_options_by_level": fig_park_options,
    "benchmarks": fig_region,
    "enterprise_performance": fig_region_perf,
}


# ---- building ------------------------------------------------------------------------------------------------


def display(value) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return f"{value.year}年{value.month}月{value.day}日"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def cover_context(book) -> dict:
    from cpxl.tables.common import COVER

    c = book.cover
    out = {f.key: display(c.get(f.key)) for f in COVER.fields}
    rnd = num(c.get("round"))
    out["round_cn"] = cn_number(int(rnd)) if rnd and 0 < rnd < 100 else (out.get("round") or "一")
    when = c.get("report_date")
    when = when.date() if isinstance(when, datetime) else when
    if not isinstance(when, date):
        when = date.today()
    out["report_month"] = f"{when.year}年{when.month}月"
    industry, code = text(c.get("industry")), text(c.get("industry_code"))
    out["industry_full"] = f"{industry}（{code}）" if code else industry
    if not CONDITIONS["专家"].holds(c, book.kind):
        for k in ("expert_name", "expert_unit", "expert_title", "expert_field"):
            out[k] = out[k] or "/"
    return out


def commitments(book, d: Derived) -> tuple[list[dict], list[dict]]:
    """图A.4: 审核领导小组组长、审核工作小组组长 (表D.1) and 审核人 (封面信息); the consulting team (表D.2)."""
    company = []
    for team, role in (("领导小组", "审核领导小组组长"), ("工作小组", "审核工作小组组长")):
        lead = next((r for r in d.rows("D.1") if text(r.get("team")) == team and "组长" in text(r.get("role"))
                     and "副" not in text(r.get("role"))), None)
        company.append({"role": role, "name": text(lead.get("name")) if lead else "", "title": text(lead.get("dept")) if lead else "",
                        "phone": ""})
    c = book.cover
    company.append({"role": "审核人", "name": text(c.get("reviewer")), "title": text(c.get("reviewer_title")),
                    "phone": text(c.get("reviewer_phone"))})
    consultant = [{"name": text(r.get("name")), "certificate": text(r.get("qualification")), "title": text(r.get("title")),
                   "duty": text(r.get("role"))} for r in d.rows("D.2") if text(r.get("name"))]
    if not consultant:
        consultant = [{"name": "", "certificate": "", "title": "", "duty": "项目负责人"},
                      {"name": "", "certificate": "", "title": "", "duty": "审核人"}]
    return company, consultant


class Builder:
    def __init__(self, book, kind: str, tpl, styles: X.StyleMap, page: Page):
        self.book = book
        self.tpl = tpl
        self.styles = styles
        self.page = page
        self.d = derive(book)
        self.kind = kind
        cover = book.cover
        self.years = book.years
        self.near = display(cover.get("near_year")) or None
        self.far = display(cover.get("far_year")) or None
        self.texts = book.section_texts
        self.pending: list[str] = []
        self.figure_count = 0
        self.table_count = 0
        self.annex_count = 0
        self.annex_names: dict[str, str] = {}  # annex part key → 附件二
        self.labels: dict[str, str] = {}

    # -- xml helpers
    def para(self, line: str, style: str = "Normal", *, verbatim: bool = False) -> str:
        """A paragraph; generated text has its references to the standard's table ids made the report's own
        (the auditor's text is printed verbatim)."""
        if not verbatim:
            line = self.xref(line)
        return X.paragraph(X.run(line, self.styles.font(style)), self.styles.id(style))

    def caption(self, label: str, title: str, style: str) -> str:
        font = self.styles.font(style)
        return X.paragraph([X.run(f"{label} ", font), X.run(title, font)], self.styles.id(style), keep_next=style == "表题")

    def picture(self, png: bytes, width_mm: float = 150) -> str:
        from docx.shared import Mm

        inline = self.tpl.docx.part.new_pic_inline(io.BytesIO(png), Mm(width_mm), None)
        return X.paragraph(f"<w:r><w:drawing>{inline.xml}</w:drawing></w:r>", self.styles.id("图"), keep_next=True)

    @staticmethod
    def keep(xml: str) -> str:
        """The paragraph kept on the page of what follows (a label never ends a page)."""
        return xml.replace("<w:pPr>", "<w:pPr><w:keepNext/>", 1) if "<w:pPr>" in xml else xml.replace("<w:p>", "<w:p><w:pPr><w:keepNext/></w:pPr>", 1)

    def xref(self, line: str) -> str:
        """Cross-references to the standard's table ids (表D.6, 表E.4, 表BAL.1) written as the report's own
        numbers (表 4-6); a table the report does not print is named by its title."""
        return xref(line, self.labels, self.book.registry)

    # -- text
    def auditor_text(self, raw: str) -> list[str]:
        lines = re.split(r"\r\n|\r|\n", str(raw))
        while lines and not lines[0].strip():
            lines.pop(0)
        while lines and not lines[-1].strip():
            lines.pop()
        return lines

    def text_xml(self, s: Section, facts: Facts) -> str:
        key = s.number or s.title
        raw = self.texts.get(key)
        if raw is not None and str(raw).strip():
            out = []
            for line in self.auditor_text(raw):  # a line 【数据分析】 takes the analysis generated from the data
                if line.strip() == ANALYSIS:
                    out += [self.para(p) for p in generate(self.kind, key, facts)]
                else:
                    out.append(self.para(line, verbatim=True))
            return "".join(out)
        generated = generate(self.kind, key, facts)
        xml = "".join(self.para(p) for p in generated)
        if s.requirement and not _not_applicable(generated):
            self.pending.append(key)
            font = self.styles.font("待补充")
            xml += X.paragraph([X.run(PENDING, font, bold=True), X.run(f"编写要求：{self.xref(s.requirement)}", font)], self.styles.id("待补充"))
        return xml

    # -- tables
    def part_xml(self, part: Part) -> tuple[str, bool]:
        """(xml, wide) of one table part: caption above, table, source note."""
        t = part.table
        if part.sentence:
            return self.para(part.sentence), False
        shown = t.report
        hide = {c.key for c in t.columns if not c.printed} | ({shown.split.by} if shown.split else set())
        annexed = f"{t.id}#annex" in self.labels and part.key == t.id
        if annexed and shown.annex:
            hide |= set(shown.annex.columns)
        if shown.note_column:
            hide.add(shown.note_column)
        cols = [c for c in t.columns if c.key not in hide]
        if not shown.blank_columns:
            cols = [c for c in cols if c.key in t.row_keys or any(filled(r.get(c.key)) for r in part.rows)] or cols
        under = self.notes_under(part)
        label_style = "表题"
        xml = [self.caption(part.label, part.title, label_style)]
        wide = False
        if t.fields and not t.columns:
            values = self.d.fields.get(t.id, {})
            xml.append(form_xml(field_pairs(t, values), styles=self.styles, page=self.page))
        elif shown.form in ("row_pairs", "visit_register") and t.columns:
            xml = self.annex_forms(part)
        else:
            trailer = None
            if t.fields:
                values = self.d.fields.get(t.id, {})
                if shown.form == "performance_summary":  # the prescribed form: seal and signature line, check boxes, then the results
                    fields = {f.key: f for f in t.fields}
                    xml.append(self.para(annex_forms.e4_signatures(values, fields)))
                    xml.append(annex_forms.e4_xml(values, fields, self.styles, self.page))
                    xml.append(self.keep(self.para("企业清洁生产审核成果汇总", "表注")))
                else:
                    trailer = [(label, self._with_unit(value, f, part.rows))
                               for (label, value), f in zip(field_pairs(t, values), t.fields) if value]
            rows = [_in_row_unit(r, shown.percent) for r in part.rows] if shown.percent else part.rows
            grid, wide = grid_xml(cols, rows, styles=self.styles, page=self.page, years=self.years, near=self.near,
                                  far=self.far, totals=self.d.totals.get(t.id) if part.key == t.id else _part_totals(t, part.rows),
                                  total_label=t.total_label, trailer=trailer, notes=tuple(under.texts),
                                  note_pt=self.styles.font("表注").size or 9.0)
            xml.append(grid)
        xml.extend(under)
        if t.section == "附件":
            # C.3 a): 附件 numbered 附件一、附件二 … at the top left (style 附件标注)
            self.annex_count += 1
            label = self.keep(self.para(f"附件{cn_number(self.annex_count)}　{part.title}", "附件标注"))
            if self.annex_count == 1:  # right under the 附件 heading, which begins the page itself
                label = label.replace("<w:keepNext/>", '<w:keepNext/><w:pageBreakBefore w:val="0"/>', 1)
            xml.insert(0, label)
        self.table_count += 1
        return "".join(xml), wide

    def notes_under(self, part: Part) -> _Notes:
        """The paragraphs under a table part: its source note, where its annexed columns went, and its
        note column as numbered notes (the body part only: the annex table has no such column)."""
        t, shown, out = part.table, part.table.report, _Notes()
        note = shown.note if part.key == t.id or t.section != "附件" else None
        if note:
            out.add(self, self.xref(note))
        annexed = f"{t.id}#annex" in self.labels and part.key == t.id
        if annexed:
            where = self.annex_names.get(f"{t.id}#annex", "")
            if shown.summary:
                out.add(self, shown.summary.note.format(annex=where))
            elif shown.annex:
                out.add(self, f"注：{'、'.join(c.label for c in t.columns if c.key in shown.annex.columns)}见{where}。")
        if shown.note_column and part.rows and not part.key.endswith("#annex"):
            key = shown.note_column
            label = next((c.label for c in t.columns if c.key == key), "")
            lines = [(text(r.get(t.label_key)) if t.label_key else "", text(r.get(key))) for r in part.rows if text(r.get(key))]
            if lines:
                out.add(self, f"注：{label}", keep=True)  # never alone at a page's foot
                for i, (name, remark) in enumerate(lines, 1):
                    out.add(self, f"{i}. {name}：{remark}" if name else f"{i}. {remark}")
        return out

    @staticmethod
    def _with_unit(value: str, f, rows: list[dict]) -> str:
        """A form value below a grid followed by its unit, when the field takes it from a grid column."""
        unit = next((text(r.get(f.unit_from)) for r in rows if text(r.get(f.unit_from))), "") if f.unit_from else ""
        return f"{value} {unit}" if unit else value

    def annex_forms(self, part: Part) -> list[str]:
        """表E.1–E.3 in 附件: one form per row (a suggestion, a site visit, an expert), as printed in 附录E."""
        t = part.table
        head = field_pairs(t, self.d.fields.get(t.id, {})) if t.fields else []
        out = []
        for i, row in enumerate(part.rows, 1):
            label = f"{part.label}-{i}" if len(part.rows) > 1 else part.label
            out.append(self.caption(label, part.title, "表题"))
            if t.report.form == "visit_register":  # one 现场工作登记表 per visit, with its signature cells
                values = {f.key: fmt(self.d.fields.get(t.id, {}).get(f.key), f) for f in t.fields}
                out.append(annex_forms.e2_xml(values, row, {c.key: c for c in t.columns}, self.styles, self.page))
            else:
                pairs = list(head) + [(" ".join(filter(None, (*c.group, c.header))) if c.group else c.header,
                                       fmt(row.get(c.key), c)) for c in t.columns if c.key != "no"]
                out.append(form_xml(pairs, styles=self.styles, page=self.page, columns=2))
            out.append(self.para(""))
        return out

    def figure_xml(self, fig: Figure) -> str:
        if fig.png is None:
            if fig.fallback:
                return self.para(f"（{fig.title}：{fig.fallback}。）")
            if charts.cjk_font() is None:
                return self.para(f"（{fig.label} {fig.title}：{charts.NO_FONT}。）")
            return ""
        self.figure_count += 1
        xml = self.picture(fig.png, self.picture_width(fig.png)) + self.caption(fig.label, fig.title, "图题")
        if fig.note:
            xml += self.para(fig.note, "表注")
        return xml

    def picture_width(self, png: bytes) -> float:
        """Width [mm] of a picture: charts at 150 mm; diagrams at their print size (dpi recorded in the PNG),
        at most the text width and short enough to leave room for the caption on an A4 page."""
        dpi = diagrams.png_dpi(png)
        if not dpi:
            return 150
        w, h = diagrams.png_size(png)
        width = w / dpi * 25.4
        height = h / dpi * 25.4
        text_width = self.page.portrait / 56.7
        scale = min(1.0, text_width / width, 215 / height)
        return width * scale

    def option_xml(self, o: OptionEconomics, facts: Facts, label: str, economics_only: bool = False) -> str:
        """7.2.x: 方案介绍、技术评估、环境评估、经济评估、可行性结论 (DB4101/T 61 6.8.2.1–6.8.2.5);
        `economics_only`: the economic evaluation alone (paragraph and table), for the auditor's text."""
        h4 = self.styles.id("Heading 4")
        font4 = self.styles.font("Heading 4")
        out = []
        if economics_only:
            return "".join(self._economics(o, label))

        def heading(t: str):
            out.append(X.paragraph(X.run(t, font4), h4, keep_next=True))

        def pending(req: str):
            font = self.styles.font("待补充")
            out.append(X.paragraph([X.run(PENDING, font, bold=True), X.run(f"编写要求：{self.xref(req)}", font)], self.styles.id("待补充")))

        heading("（1）方案介绍")
        intro = f"方案{o.option_id}“{o.name}”属于{o.category}类中/高费方案" if o.category else f"方案{o.option_id}“{o.name}”为中/高费方案"
        intro += f"，预计投资 {n(o.investment)} 万元。" if o.investment is not None else "。"
        if o.content:
            intro += f"方案内容：{o.content}"
        out.append(self.para(intro))
        pending("6.8.2.1 简要描述方案名称、内容、实施前的现状及存在问题等。")
        heading("（2）技术评估")
        pending("6.8.2.2 说明资料来源，明确技术可行性结论（先进性、政策相符性、资源利用率、安全可靠性、技术成熟情况等）。")
        heading("（3）环境评估")
        if o.env_benefit:
            out.append(self.para(f"预期环境效益：{o.env_benefit}。".replace("。。", "。")))
        pending("6.8.2.3 说明数据来源、核算过程，明确环境可行性结论；节能量计算方法按 GB/T 13234。")
        heading("（4）经济评估")
        out += self._economics(o, label)
        heading("（5）可行性结论")
        if o.computed:
            out.append(self.para(f"经济评估结论：{o.verdict}。"))
        pending("6.8.2.5 根据方案技术、环境、经济评估结果，明确可行性结论。")
        return "".join(out)

    def _economics(self, o: OptionEconomics, label: str) -> list[str]:
        out = []
        if o.computed:
            irr = f"{o.irr * 100:.2f}%" if o.irr is not None else "不存在"
            out.append(self.para(
                f"按总投资 I = {n(o.investment)} 万元、年运行费用总节省金额 P = {n(o.saving)} 万元/a（{o.saving_source}）、"
                f"设备寿命期 {o.life:g} 年（直线折旧）、所得税率 {o.tax * 100:g}%、基准折现率 {o.rate * 100:g}% 计算："
                f"年增现金流量 F = {n(o.cash_flow)} 万元/a，投资回收期 N = {n(o.payback)} 年，净现值 NPV = {n(o.npv)} 万元，"
                f"内部收益率 IRR = {irr}（DB11/T 1156—2022 7.5.5；《企业清洁生产审核手册》）。"))
            rows = [("总投资 I（万元）", n(o.investment)), ("年运行费用总节省金额 P（万元/a）", n(o.saving)),
                    ("年折旧费 D（万元/a）", n(o.investment / o.life)), ("年增现金流量 F（万元/a）", n(o.cash_flow)),
                    ("投资回收期 N（年）", n(o.payback)), ("净现值 NPV（万元）", n(o.npv)), ("内部收益率 IRR", irr),
                    ("经济评估结论", o.verdict)]
            out.append(self.caption(label, f"方案{o.option_id}经济评估指标", "表题"))
            out.append(form_xml(rows, styles=self.styles, page=self.page, columns=2))
            self.table_count += 1
        else:
            why = "年运行费用节省金额" if o.saving is None else "投资"
            out.append(self.para(f"工作簿中缺少该方案的{why}，未计算净现值、内部收益率和投资回收期"
                                 "（可在表D.30“经济效益”中写明年节省金额，如“年节约 38 万元”）。"))
        return out

    # -- all
    def build(self) -> Built:
        d = self.d
        options = feasibility_options(d) if KINDS[self.kind].subject == "enterprise" else []
        sections = report_frame(self.kind, options)
        placed = placements(self.book, self.kind, d, sections)
        facts = Facts(d, self.kind, self.years)
        # numbers: tables and figures by chapter (附录C C.2.3 a), C.2.4 a))
        counters: dict[str, list[int]] = {}
        annex = 0
        self.labels = facts.labels
        for s in sections:
            chapter = s.number.split(".")[0] if s.number else ""
            for part in placed.get(s.number or s.title, []):
                if part.sentence:
                    continue
                if s.title == "附件" and not s.number:
                    annex += 1
                    part.label = f"附表 {annex}"
                    self.annex_names[part.key] = f"附件{cn_number(annex)}"
                else:
                    c = counters.setdefault(chapter, [0, 0])
                    c[0] += 1
                    part.label = f"表 {chapter}-{c[0]}"
                facts.labels[part.key] = part.label
                drawn = part.rows and not part.key.endswith("#annex")
                for name in part.table.report.figures if drawn else ():
                    try:
                        figs = FIGURE_BUILDERS[name](facts, part)
                    except (ValueError, TypeError, KeyError, ZeroDivisionError) as exc:
                        d.note(f"表{part.table.id}图", exc)
                        figs = []
                    for fig in figs:
                        if fig.png is None and charts.cjk_font() is not None:
                            if fig.fallback:  # a diagram Graphviz could not draw: a sentence, no number
                                part.figures.append(fig)
                            continue
                        c = counters.setdefault(chapter, [0, 0])
                        c[1] += 1
                        fig.label = f"图 {chapter}-{c[1]}"
                        facts.figures[fig.key] = fig.label
                        part.figures.append(fig)
            if s.number.startswith("7.2.") and s.number.count(".") == 2:
                c = counters.setdefault(chapter, [0, 0])
                c[0] += 1
                facts.labels[f"option:{s.number}"] = f"表 {chapter}-{c[0]}"
        opt_by_number = {f"7.2.{i}": o for i, o in enumerate(options, 1)}
        out_sections = []
        toc = []
        for s in sections:
            key = s.number or s.title
            body = [self.text_xml(s, facts) if key not in opt_by_number else self._option_text(s, opt_by_number[key], facts)]
            landscape = False
            for part in placed.get(key, []):
                xml, wide = self.part_xml(part)
                if wide and not landscape:
                    body.append(X.section_break(False))
                    landscape = True
                elif not wide and landscape:
                    body.append(X.section_break(True))
                    landscape = False
                body.append(xml)
                if part.figures and landscape:
                    body.append(X.section_break(True))
                    landscape = False
                for fig in part.figures:
                    body.append(self.figure_xml(fig))
            if landscape:
                body.append(X.section_break(True))
            if s.title == "附图" and not s.number:
                body.extend(self.figure_slots())
            out_sections.append({"number": s.number, "title": s.title, "level": min(s.level, 4), "heading": s.heading,
                                 "body": X.Fragment("".join(body))})
            if s.level <= 3:
                toc.append({"level": s.level, "text": s.heading})
        company = text(self.book.cover.get("company"))
        report = {
            "title": KINDS[self.kind].report_title,
            "kind": KINDS[self.kind].name,
            "header": f"{company}{_title_suffix(self.kind, company)}",
            "version": text(self.book.cover.get("version")) or "送审稿",
            "organizer": text(self.book.cover.get("organizer")) or (_organizer(company) if self.kind == "park" else company),
        }
        company_rows, consultant_rows = commitments(self.book, d)
        context = {
            "cover": cover_context(self.book),
            "report": report,
            "commit_company": company_rows,
            "commit_consultant": consultant_rows,
            "toc": toc,
            "sections": out_sections,
        }
        return Built(context, d.problems, self.figure_count, self.table_count, self.pending)

    def figure_slots(self) -> list[str]:
        """附图一、附图二 …: one page per prescribed figure (the style 附件标注 begins a page), for the auditor's
        picture (附录C C.3 a))."""
        out = []
        for i, name in enumerate(KINDS[self.kind].figures, 1):
            out += [self.para(f"附图{cn_number(i)}　{name}", "附件标注"), self.para("（在此处插入图片）")]
        return out

    def _option_text(self, s: Section, o: OptionEconomics, facts: Facts) -> str:
        raw = self.texts.get(s.number)
        if raw is not None and str(raw).strip():  # the auditor's evaluation; 【数据分析】 takes the economic evaluation
            out = []
            for line in self.auditor_text(raw):
                if line.strip() == ANALYSIS:
                    out.append(self.option_xml(o, facts, facts.labels.get(f"option:{s.number}", ""), economics_only=True))
                else:
                    out.append(self.para(line, verbatim=True))
            return "".join(out)
        self.pending.append(s.number)
        return self.option_xml(o, facts, facts.labels.get(f"option:{s.number}", ""))


def _not_applicable(paragraphs: list[str]) -> bool:
    return bool(paragraphs) and paragraphs[-1].endswith("本章不适用。")


def _part_totals(t: Table, rows: list[dict]) -> dict | None:
    if not t.total_label:
        return None
    out = {}
    for c in t.columns:
        if c.total:
            vals = [num(r.get(c.key)) for r in rows]
            vals = [v for v in vals if v is not None]
            out[c.key] = sum(vals) if vals else None
    return out


def _title_suffix(kind: str, company: str) -> str:
    if KINDS[kind].subject == "enterprise":
        return KINDS[kind].report_title
    return "清洁生产审核报告"  # the park's or region's name already says which


def _organizer(name: str) -> str:
    """附件2 1.1 (3) 园区管委会名称: the park's management committee."""
    if not name or name.endswith(("管委会", "管理委员会")):
        return name
    return f"{name}管理委员会"


def build_context(book, kind: str, tpl, styles: X.StyleMap, page: Page) -> Built:
    return Builder(book, kind, tpl, styles, page).build()


__all__ = ["build_context", "Built", "PENDING", "FIGURE_BUILDERS", "report_frame", "placements", "cn_number"]


_XREF = re.compile(r"表\s?((?:[A-Z]{1,3}\.\d+)(?:\s?[、和与及~～–-]\s?(?:表\s?)?[A-Z]{1,3}\.\d+)*)")
_XID = re.compile(r"[A-Z]{1,3}\.\d+")


def xref(line: str, labels: dict[str, str], registry=()) -> str:
    """“表D.6” → “表 4-6” (the label the report gave the table), “表D.11、D.12” → “表 4-11、表 4-12”; a table
    the report does not number is named by its title (“产品产量一览表”)."""
    titles = {t.id: t.title for t in registry}

    def one(tid: str) -> str:
        label = labels.get(tid) or next((v for k, v in labels.items() if k.startswith(tid + "#")), None)
        if label:
            return label
        title = titles.get(tid)
        return f"“{title}”" if title else "本报告相应表格"

    def sub(m: re.Match) -> str:
        ids = _XID.findall(m.group(1))
        if not all(tid in titles or any(k.split("#")[0] == tid for k in labels) for tid in ids):
            return m.group(0)  # another standard's table (GB/T 2589 表A.1): as written
        seps = re.findall(r"[、和与及~～–-]", m.group(1))
        out = one(ids[0])
        for sep, tid in zip(seps, ids[1:]):
            out += ("、" if sep in "~～–-" else sep) + one(tid)
        return out

    return _XREF.sub(sub, line)
