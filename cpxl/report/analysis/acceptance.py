"""Analysis of the acceptance report's own chapters (DB4101/T 61—2023 附录B.2, chapter 7's requirements):
审核评估, 方案实施 and its results, 持续清洁生产 and the summary of 第十一章."""

from __future__ import annotations

from collections import Counter

from cpxl.calc import indicators

from ..compute import num, text
from .audit import ENTERPRISE, archive, environment, preface
from .facts import Facts
from .levels import level_stated
from .phrases import amount, joined, n, pct, tally, total
from .summary import focus_stated, targets_overview


def assessment(f: Facts) -> list[str]:
    rows = f.rows("ACC.1")
    if not rows:
        return []
    return [f"审核评估技术审查意见共 {len(rows)} 条，企业逐条落实并修改审核报告" + f.see("ACC.1") + "。"]


def implementation(f: Facts) -> list[str]:
    rows = f.rows("D.38")
    out = []
    if rows:
        by = Counter(text(r.get("cost_class")) for r in rows)
        parts = tally(by)
        out.append(f"本轮共实施清洁生产方案 {len(rows)} 项" + (f"，其中{parts}" if parts else "") + "。")
    adj = f.rows("ACC.2")
    if adj:
        out.append(f"评估后调整方案 {len(adj)} 项" + f.see("ACC.2") + "，调整原因及可行性分析逐项说明。")
    return out


def class_effects(cls: str):
    def run(f: Facts) -> list[str]:
        rows = [r for r in f.rows("D.38") if text(r.get("cost_class")) == cls]
        if not rows:
            return []
        return [f"{cls}方案实施 {len(rows)} 项，" + amount(total(rows, "investment"), "万元", "核定实际投资") + "，"
                + amount(total(rows, "econ_benefit"), "万元/a", "折合年度经济效益") + f.see(f"D.38#{cls}") + "。"]
    return run


def benefits(f: Facts) -> list[str]:
    out = []
    rows = {text(r.get("item")): r for r in f.d.rows("D.39")}
    rate = rows.get("实施率（%）")
    if rate and num(rate.get("total")) is not None:
        out.append(f"本轮清洁生产方案实施率 {n(rate['total'])}%" + f.see("D.39") + "。")
    econ = [r for r in f.rows("D.41") if num(r.get("year_total")) is not None]
    if econ:
        total = sum(num(r["year_total"]) for r in econ)
        out.append(f"方案实施后年度经济效益合计 {n(total)} 万元" + f.see("D.41", "fig:D.41") + "。")
    env = [r for r in f.rows("D.40") if num(r.get("year_total"))]
    if env:
        out.append("折合年度环境效益：" + "，".join(f"{text(r.get('item'))} {n(r['year_total'])}" for r in env) + f.see("D.40") + "。")
    return out


def before_after(f: Facts) -> list[str]:
    rows = [r for r in f.d.rows("ACC.3") if num(r.get("change_rate")) is not None]
    if not rows:
        return []
    def rate(x: float) -> str:
        return f"削减 {pct(x)}" if x > 0 else f"增加 {pct(-x)}" if x < 0 else "持平"
    return ["审核前后主要指标变化" + f.see("ACC.3") + "：" + "；".join(
        f"{text(r.get('indicator'))}由 {n(r.get('before'))} {text(r.get('unit'))} 变为 {n(r.get('after'))}（{rate(num(r['change_rate']))}）"
        for r in rows) + "。"]


def targets_done(f: Facts) -> list[str]:
    listed = [r for r in f.rows("D.42") if text(r.get("indicator"))]
    rows = [r for r in listed if text(r.get("met"))]
    if not rows:
        return []
    met = [text(r.get("indicator")) for r in rows if text(r.get("met")) == "是"]
    missed = [text(r.get("indicator")) for r in rows if text(r.get("met")) == "否"]
    s = f"本轮 {len(listed)} 项清洁生产目标中 {len(met)} 项已完成" + f.see("D.42", "fig:D.42")
    if missed:
        s += f"，{'、'.join(missed)}未完成，应说明原因"
    unknown = [text(r.get("indicator")) for r in listed if not text(r.get("met"))]
    if unknown:
        s += f"；{'、'.join(unknown)}未填写完成值或无近期目标值，未判断是否完成"
    return [s + "。"]


def continuing(f: Facts) -> list[str]:
    rows = f.rows("D.43")
    if not rows:
        return []
    return ["企业制定了持续清洁生产计划" + f.see("D.43") + "，包括" + "、".join(text(r.get("item")) for r in rows) + "。"]


def compliance_status(f: Facts) -> list[str]:
    """11.2.1: 表D.14 items as written (blank named), 表D.13 projects without an acceptance entry named."""
    out = []
    items = [r for r in f.d.rows("D.14") if text(r.get("item"))]
    given = [r for r in items if text(r.get("status"))]
    if given:
        s = "企业环保合规情况" + f.see("D.14") + "：" + "；".join(f"{text(r.get('item'))}：{text(r.get('status')).rstrip('。')}" for r in given)
        blank = [text(r.get("item")) for r in items if not text(r.get("status"))]
        if blank:
            s += f"；{joined(blank)}未填写执行情况"
        out.append(s + "。")
    elif items:
        out.append("环保合规执行情况未填写" + f.see("D.14") + "。")
    projects = f.rows("D.13")
    if projects:
        s = f"企业建设项目 {len(projects)} 项" + f.see("D.13")
        no_acc = [text(r.get("project")) or f"第{text(r.get('no'))}项" for r in projects if not text(r.get("acceptance"))]
        problems = [f"{text(r.get('project'))}（{text(r.get('problem'))}）" for r in projects
                    if text(r.get("problem")) and text(r.get("problem")) not in ("无", "/", "—")]
        if no_acc:
            s += f"，{joined(no_acc)}未填写验收情况"
        if problems:
            s += "；存在问题：" + "；".join(problems)
        out.append(s + "。")
    return out


def pollution_after(f: Facts) -> list[str]:
    """11.2.3: the base-period monitoring (as 4.1.3) and the pollutant rows of ACC.3 before → after."""
    out = environment(f)
    rows = [r for r in f.d.rows("ACC.3") if "污染" in text(r.get("category")) and num(r.get("change_rate")) is not None]
    if rows:
        out.append("审核后主要污染物排放变化" + f.see("ACC.3") + "：" + "；".join(
            f"{text(r.get('indicator'))}由 {n(r.get('before'))} {text(r.get('unit'))} 变为 {n(r.get('after'))}"
            + (f"（削减 {pct(num(r['change_rate']))}）" if num(r["change_rate"]) > 0 else
               f"（增加 {pct(-num(r['change_rate']))}）" if num(r["change_rate"]) < 0 else "（持平）")
            for r in rows) + "。")
    return out


def level_change(f: Facts) -> list[str]:
    """9.5.4 / 11.2.4: the levels before and after (封面信息, IND.1 composite index) and the indicators whose
    level changed."""
    out = level_stated(f, "before") + level_stated(f, "after")
    order = {g: i for i, g in enumerate(("I级", "II级", "III级", indicators.BELOW))}
    up, down = [], []
    for r in f.rows("IND.1"):
        a, b = text(r.get("grade_before")), text(r.get("grade_after"))
        if a in order and b in order and a != b:
            (up if order[b] < order[a] else down).append(f"{text(r.get('indicator'))}（{a}→{b}）")
    if up:
        out.append(f"审核后级别提升的指标 {len(up)} 项：" + "、".join(up) + f.see("IND.1") + "。")
    if down:
        out.append(f"审核后级别下降的指标 {len(down)} 项：" + "、".join(down) + "，应分析原因。")
    return out


def acceptance_benefits(f: Facts) -> list[str]:
    """11.2.5: options implemented and verified (表D.38) and the benefits (D.39–D.41)."""
    out = []
    rows = f.rows("D.38")
    if rows:
        out.append(f"本轮核定实施清洁生产方案 {len(rows)} 项" + f.see("D.38") + "，" + amount(total(rows, "investment"), "万元", "核定实际投资")
                   + "，" + amount(total(rows, "econ_benefit"), "万元/a", "年经济效益") + "。")
    out += benefits(f)
    return out or ["方案实施效果核定未填写（表D.38–D.41）。"]


# ---- dispatch: section → generator ---------------------------------------------------------------------

SECTIONS = {
    **ENTERPRISE,
    "8": assessment,
    "9.1": implementation,
    "9.2": class_effects("无/低费"),
    "9.3": class_effects("中/高费"),
    "9.4": benefits,
    "9.5.1": before_after,
    "9.5.2": targets_done,
    "10.3": continuing,
    "11.1": lambda f: preface(f)[:1],
    "9.5.3": pollution_after,
    "9.5.4": level_change,
    "11.2.1": compliance_status,
    "11.2.2": lambda f: [focus_stated(f)] + targets_overview(f, "D.42", "act_abs", "实际", "达到"),
    "11.2.3": pollution_after,
    "11.2.4": level_change,
    "11.2.5": acceptance_benefits,
    "11.3": continuing,
    "11.4": archive,
}


__all__ = [
    "assessment", "implementation", "class_effects", "benefits", "before_after", "targets_done", "continuing",
    "compliance_status", "pollution_after", "level_change", "acceptance_benefits",
]
