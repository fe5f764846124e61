"""The report's figures (DB4101/T 61—2023 附录C C.2.4: captioned below, numbered by chapter): the charts and
balance diagrams a table declares by name (``Report(figures=(...))`` on the table), built from the workbook's
facts. :data:`FIGURE_BUILDERS` maps each name to its builder."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from . import charts, diagrams
from . import precision as P
from .analysis import Facts
from .compute import d12_totals, num, text

if TYPE_CHECKING:
    from .context import Part


@dataclass
class Figure:
    key: str
    title: str
    png: bytes | None
    label: str = ""
    note: str = ""  # printed under the caption (a balance diagram's overall deviation)
    dot: str = ""  # the diagram's DOT source, when drawn with graphviz
    fallback: str = ""  # why a diagram is missing (no Graphviz): printed instead of it


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
