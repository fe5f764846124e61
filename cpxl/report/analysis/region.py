"""Analysis of the regional / industry report (京津冀清洁生产协同审核导则 附录A, 第7章)."""

from __future__ import annotations

from collections import Counter
from statistics import median

from cpxl.tables.region import BENCHMARK_ORDER

from ..compute import num, text
from .facts import Facts
from .phrases import amount, n, pct, tally, total


def region_overview(f: Facts) -> list[str]:
    rows = f.rows("R.1")
    if not rows:
        return []
    districts = Counter(text(r.get("district")) for r in rows if text(r.get("district")))
    scales = Counter(text(r.get("scale")) for r in rows if text(r.get("scale")))
    s = f"本次区域协同审核对象企业共 {len(rows)} 家" + f.see("R.1")
    if districts:
        s += "，分布于" + "、".join(f"{k}（{v}家）" for k, v in districts.items())
    if scales:
        s += "；按规模分，" + "、".join(f"{k}企业 {v} 家" for k, v in scales.items())
    return [s + "。"]


def region_indicators(keys: tuple[str, ...] | None = None):
    def run(f: Facts) -> list[str]:
        rows = [r for r in f.d.rows("R.3") if num(r.get("count"))]
        out = []
        for r in rows:
            no = int(num(r.get("no")) or 0)
            if not 1 <= no <= len(BENCHMARK_ORDER):
                continue
            key = BENCHMARK_ORDER[no - 1][1]
            if keys is not None and key.rsplit("_", 1)[0] not in keys:
                continue
            stats = [f"{label} {n(r.get(k))}" for k, label in (("median", "中位数"), ("advanced", "先进值（前25%）"), ("best", "最优"))
                     if num(r.get(k)) is not None]
            if num(r.get("behind")) is not None:
                stats.append(f"{int(num(r['behind']))} 家未达先进值")
            out.append(f"{text(r.get('indicator'))}（{text(r.get('unit'))}）：{int(num(r['count']))} 家企业" + (
                "，".join(stats) if stats else "，统计值未给出")
                       + (f"，中位企业达到先进值需下降 {pct(num(r['potential']))}" if num(r.get("potential")) else ""))
        if not out:
            return []
        lead = "关键性指标对标分析" + f.see("R.3", *(f"fig:R.2:{k}" for k in (keys or ("energy", "water", "co2")))) + "："
        return [lead] + [f"（{i}）{line}。" for i, line in enumerate(out, 1)]
    return run


def region_districts(f: Facts) -> list[str]:
    """7.2.5 e) 不同辖区差异, summed up from the enterprises' indicators (表R.2): over the indicators that
    two or more jurisdictions report, which jurisdiction has the highest median most often and which the
    lowest; a one-enterprise jurisdiction is said to be one. The per-jurisdiction figures are R.3's annex."""
    rows = [r for r in f.d.rows("R.2") if text(r.get("district"))]
    high, low, compared, seen = Counter(), Counter(), 0, set()
    size = Counter(text(r.get("district")) for r in rows)
    for _family, key, _label, _unit in BENCHMARK_ORDER:
        by: dict[str, list[float]] = {}
        for r in rows:
            v = num(r.get(key))
            if v is not None:
                by.setdefault(text(r.get("district")), []).append(v)
        if len(by) < 2:
            continue
        med = {d: median(vs) for d, vs in by.items()}
        top, bottom = max(med.values()), min(med.values())
        if top == bottom:
            continue
        compared += 1
        seen |= set(by)
        high.update(d for d, m in med.items() if m == top)
        low.update(d for d, m in med.items() if m == bottom)
    if not compared:
        return []

    def most(c: Counter) -> str:
        k = max(c.values())
        return "、".join(f"{d}（{k} 项{'，该辖区仅 1 家企业' if size[d] == 1 else ''}）" for d, v in c.items() if v == k)
    where = f.see("R.3#annex")  # the annex table of 差距分析, when the report prints one
    return [f"分辖区看{f.see('R.3')}，{compared} 项关键性指标可在 {len(seen)} 个辖区间比较：辖区中位数最高次数最多的是{most(high)}，"
            f"最低次数最多的是{most(low)}" + (f"；各辖区逐项中位数、企业数和达到先进值企业数{where}。" if where else "。")]


def region_category(category: str):
    def run(f: Facts) -> list[str]:
        probs = [r for r in f.rows("R.4") if text(r.get("category")) == category]
        opts = [r for r in f.rows("R.5") if text(r.get("category")) == category]
        out = []
        if probs:
            out.append(f"该类典型问题 {len(probs)} 项：" + "；".join(
                text(r.get("problem")) + (f"（涉及 {int(num(r['companies_n']))} 家企业）" if num(r.get("companies_n")) else "") for r in probs) + "。")
        if opts:
            out.append(f"对应清洁生产方案 {len(opts)} 项：" + "；".join(
                text(r.get("name")) + _option_terms(r)
                for r in opts) + "。")
        return out
    return run


def _option_terms(r: dict) -> str:
    terms = [f"{label} {n(r[k], unit)}" for k, label, unit in (("investment", "投资", "万元"), ("payback", "投资回收期", "年"))
             if num(r.get(k)) is not None]
    return f"（{'，'.join(terms)}）" if terms else ""


def region_problems(f: Facts) -> list[str]:
    rows = f.rows("R.4")
    if not rows:
        return []
    cats = Counter(text(r.get("category")) for r in rows if text(r.get("category")))
    s = f"本次审核共梳理问题 {len(rows)} 项" + f.see("R.4")
    if any(text(r.get("common")) for r in rows):  # 是否关键共性问题 left blank is not “否”
        s += f"，其中关键共性问题 {sum(text(r.get('common')) == '是' for r in rows)} 项"
        blank = sum(not text(r.get("common")) for r in rows)
        if blank:
            s += f"（{blank} 项未填写是否为关键共性问题）"
    else:
        s += "，是否为关键共性问题未填写"
    if cats:
        s += "；按类别分：" + tally(cats)
    return [s + "。"]


def region_options(f: Facts) -> list[str]:
    rows = f.rows("R.5")
    if not rows:
        return []
    inv, ben = total(rows, "investment"), total(rows, "benefit")
    s = (f"汇总可推广清洁生产方案 {len(rows)} 项" + f.see("R.5") + "，" + amount(inv, "万元", "投资合计") + "，"
         + amount(ben, "万元", "年效益合计"))
    complete = all(num(r.get("investment")) is not None and num(r.get("benefit")) is not None for r in rows)
    if inv and ben and complete:
        s += f"，总体静态投资回收期约 {n(inv / ben)} 年"
    return [s + "。"]


def region_performance(f: Facts) -> list[str]:
    rows = f.rows("R.6")
    if not rows:
        return []
    out = []
    for status in ("已实施", "拟实施"):
        sel = [r for r in rows if text(r.get("status")) == status]
        if not sel:
            continue
        count = total(sel, "options_n")
        given, blank = [], []
        for key, label, unit in (("investment", "投资", "万元"), ("econ", "年经济效益", "万元"), ("energy", "节能", "tce/a"),
                                 ("water", "节水", "m³/a"), ("co2", "碳减排", "tCO₂/a")):
            x = total(sel, key)  # blank is “未填写”, never 0
            if x is None:
                blank.append(label)
            else:
                given.append(f"{label} {n(x, unit)}")
        s = f"{status}方案 {int(count)} 项" if count is not None else f"{status}方案（项数未填写）"
        s += "".join(f"，{g}" for g in given)
        if blank:
            s += f"，{'、'.join(blank)}未填写"
        out.append(s)
    return ["审核对象企业方案绩效" + f.see("R.6", "fig:R.6") + "：" + "；".join(out) + "。"] if out else []


def region_conclusion(f: Facts) -> list[str]:
    """第五章 结论: the enterprises, the indicators benchmarked and how many lag the advanced value, the
    problems, options and performance."""
    out = region_overview(f)
    lag = []
    for r in f.d.rows("R.3"):
        if not num(r.get("count")):
            continue
        no = int(num(r.get("no")) or 0)
        if not 1 <= no <= len(BENCHMARK_ORDER):
            continue
        behind = num(r.get("behind"))
        lag.append(f"{text(r.get('indicator'))}{int(behind)} 家" if behind is not None else f"{text(r.get('indicator'))}（未达先进值企业数未给出）")
    if lag:
        out.append(f"对 {len(lag)} 项关键性指标开展对标" + f.see("R.3") + "，未达到先进值（前25%）的企业数：" + "、".join(lag) + "。")
    out += region_problems(f) + region_options(f) + region_performance(f)
    return out or ["区域审核对象企业及汇总数据未填写（表R.1–R.6）。"]


# ---- dispatch: section → generator ---------------------------------------------------------------------

_CATEGORIES = ("生产技术工艺", "设备设施", "主要原辅料使用", "水资源消耗", "能源消耗", "碳排放", "水污染物处理及排放",
               "大气污染物处理及排放", "固体废物处理处置", "其他")
SECTIONS = {
    "1.1": region_overview,
    "2": lambda f: region_indicators(("water", "energy", "co2"))(f) + region_districts(f),
    "2.4": region_indicators(("water",)),
    "2.5.1": region_indicators(("energy",)),
    "2.5.2": region_indicators(("co2",)),
    "2.6.1": region_indicators(("wastewater", "cod", "nh3n")),
    "2.6.2": region_indicators(("so2", "nox", "pm", "vocs")),
    **{f"3.{i}": region_category(c) for i, c in enumerate(_CATEGORIES, 1)},
    "4.1": region_problems,
    "4.2": region_options,
    "4.3": region_performance,
    "5": region_conclusion,
}


__all__ = [
    "region_overview", "region_indicators", "region_districts", "region_category", "region_problems", "region_options",
    "region_performance", "region_conclusion",
]
