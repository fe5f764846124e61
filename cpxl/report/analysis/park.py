"""Analysis of the park report (T/CPPC 工业园区清洁生产审核指南 附件2 附录A)."""

from __future__ import annotations

from collections import Counter

from cpxl.calc.park_eval import selection_problems

from ..compute import park_data, park_results, text
from .audit import preface
from .facts import Facts
from .phrases import amount, series_sentence, tally, total


def park_team(f: Facts) -> list[str]:
    rows = f.rows("B.1")
    if not rows:
        return []
    teams = Counter(text(r.get("team")) for r in rows if text(r.get("team")))
    return ["园区组建了" + "、".join(f"{k}（{v}人）" for k, v in teams.items()) + "，各小组成员及职责" + f.see(*(f"B.1#{k}" for k in teams)) + "。"]


def park_plan(f: Facts) -> list[str]:
    rows = f.rows("B.2")
    if not rows:
        return []
    ends = [r["end"] for r in rows if r.get("end")]
    phases = list(dict.fromkeys(text(r.get("phase")) for r in rows if text(r.get("phase"))))
    s = f"审核工作计划共 {len(rows)} 项工作，分{('、'.join(phases))}{len(phases)}个阶段" + f.see("B.2", "fig:B.2")
    if ends:
        s += f"，计划于 {max(ends):%Y年%m月%d日} 前完成"
    return [s + "。"]


def park_status(f: Facts) -> list[str]:
    data = park_data(f.d)
    out = []
    labels = {"industrial_va": ("园区工业增加值", "万元"), "energy": ("园区工业综合能耗", "tce"), "co2": ("园区二氧化碳排放量", "tCO₂"),
              "fresh_water": ("新鲜水用量", "m³"), "wastewater": ("工业废水排放量", "t")}
    for key, (label, unit) in labels.items():
        vals = data.get(key)
        if vals and any(v is not None for v in vals[1:]):
            s = series_sentence(f, label, list(vals[1:]), unit)
            if s:
                out.append(s)
    if out:
        out[0] = out[0].rstrip("。") + f.see("P.2", "fig:P.2") + "。"
    return out


def park_evaluation(f: Facts) -> list[str]:
    res = [r for r in park_results(f.d) if r.evaluated]
    if not res:
        return []
    levels = Counter(r.level for r in res)
    s = f"对照附件1 附表1，园区参评指标 {len(res)} 项" + f.see("P.1") + "，" + tally(levels) + "。"
    below = [f"{r.no}“{r.name}”" for r in res if r.level == "未达到一般水平"]
    out = [s]
    if below:
        out.append("未达到一般水平的指标为" + "、".join(below) + "，是本轮审核重点关注的短板。")
    probs = selection_problems([r.no for r in res])
    if probs:
        out.append("指标选取尚不满足附件1要求：" + "；".join(p.message for p in probs) + "。")
    return out


def park_options(f: Facts) -> list[str]:
    rows = f.rows("B.3")
    if not rows:
        return []
    levels = Counter(text(r.get("level")) for r in rows if text(r.get("level")))
    status = Counter(text(r.get("status")) for r in rows if text(r.get("status")))
    s = f"本轮审核共产生清洁生产方案 {len(rows)} 项" + f.see("B.3", "fig:B.3")
    if levels:
        s += "，其中" + tally(levels)
    s += "，" + amount(total(rows, "investment"), "万元", "投资预算合计")
    if status:
        s += "；" + tally(status)
    return [s + "。"]


def park_plan_next(f: Facts) -> list[str]:
    rows = f.rows("B.4")
    if not rows:
        return []
    return ["持续清洁生产工作计划" + f.see("B.4") + "包括" + "、".join(text(r.get("item")) for r in rows) + "。"]


# ---- dispatch: section → generator ---------------------------------------------------------------------

SECTIONS = {
    "1": preface,
    "3.2": park_team,
    "3.3": park_plan,
    "4.1": park_status,
    "4.2": park_evaluation,
    "6.1": park_options,
    "6.2": park_options,
    "7.2": park_plan_next,
}


__all__ = ["park_team", "park_plan", "park_status", "park_evaluation", "park_options", "park_plan_next"]
