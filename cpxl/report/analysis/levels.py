"""The cleaner production level: the grades of 表IND.1 and the composite index of 《清洁生产评价指标体系编制通则
（试行稿）》(2013), for 4.3.1, the audit's 结论 and the acceptance report's 9.5.4 / 11.2.4."""

from __future__ import annotations

from collections import Counter

from cpxl.calc import indicators

from ..compute import num, text
from .facts import Facts
from .phrases import joined


def level_analysis(f: Facts) -> list[str]:
    rows = f.rows("IND.1")
    if not rows:
        return []
    grades = Counter(text(r.get("grade_before")) for r in rows if text(r.get("grade_before")))
    s = f"对照行业清洁生产评价指标体系，共对标 {len(rows)} 项指标" + f.see("IND.1")
    if grades:
        s += "，审核前" + "、".join(f"达到{g} {c} 项" if g != indicators.BELOW else f"{g} {c} 项" for g, c in sorted(grades.items()))
    ungraded = [text(r.get("indicator")) for r in rows if not text(r.get("grade_before"))]
    if ungraded:
        s += f"，{joined(ungraded)}未评定级别（审核前指标值或基准值未填写）"
    limiting = [text(r.get("indicator")) for r in rows if text(r.get("limiting")) == "是" and text(r.get("grade_before")) == indicators.BELOW]
    if limiting:
        s += f"；限定性指标{'、'.join(limiting)}未达到III级基准值"
    return [s + "。"] + composite(f, "before")


#: 《清洁生产评价指标体系编制通则》（试行稿，2013）: the level of each grade.
GRADE_NAMES = {"I级": "国际清洁生产领先水平", "II级": "国内清洁生产先进水平", "III级": "国内清洁生产一般水平",
               indicators.BELOW: "未达到国内清洁生产一般水平"}


def ind1_value(r: dict, when: str):
    """The value of an IND.1 row for the composite index: the number, else the level typed for a
    qualitative indicator (“II级”), else None (not assessed)."""
    x = num(r.get(f"value_{when}"))
    if x is not None:
        return x
    g = text(r.get(f"grade_{when}"))
    return g if g in GRADE_NAMES else None


def composite_result(f: Facts, when: str) -> dict | None:
    """Composite indices Y_I, Y_II, Y_III and the level of IND.1 `when` ("before"/"after"), or a dict with
    "missing" naming why it cannot be computed; None when IND.1 carries no weights at all."""
    rows = f.rows("IND.1")
    if not rows or all(num(r.get("w2")) is None for r in rows):
        return None
    missing = []
    no_w2 = [text(r.get("indicator")) for r in rows if num(r.get("w2")) is None]
    if no_w2:
        missing.append(f"{joined(no_w2)}的二级指标分权重未填写")
    grouped = any(num(r.get("w1")) is not None for r in rows)
    if grouped:
        no_w1 = [text(r.get("indicator")) for r in rows if num(r.get("w1")) is None or not text(r.get("level1"))]
        if no_w1:
            missing.append(f"{joined(no_w1)}的一级指标或一级指标权重未填写")
    no_levels = [text(r.get("indicator")) for r in rows
                 if num(r.get(f"value_{when}")) is not None and None in (num(r.get(k)) for k in ("level_1", "level_2", "level_3"))]
    if no_levels:
        missing.append(f"{joined(no_levels)}的Ⅰ/Ⅱ/Ⅲ级基准值未全部填写")
    values = [ind1_value(r, when) for r in rows]
    if all(v is None for v in values):
        missing.append("各指标的" + ("审核前企业现状值" if when == "before" else "审核后值") + "均未填写")
    blank_limiting = [text(r.get("indicator")) for r, v in zip(rows, values) if v is None and text(r.get("limiting")) == "是"]
    if blank_limiting:
        missing.append(f"限定性指标{joined(blank_limiting)}的{'现状值' if when == 'before' else '审核后值'}未填写")
    if missing:
        return {"missing": missing}
    args = ([r.get("level_1") for r in rows], [r.get("level_2") for r in rows], [r.get("level_3") for r in rows],
            [text(r.get("direction")) or "越小越好" for r in rows], [num(r.get("w2")) for r in rows])
    kw = {"group_weights": [num(r.get("w1")) for r in rows], "groups": [text(r.get("level1")) for r in rows]} if grouped else {}
    y = {g: indicators.composite_index(g, values, *args, **kw) for g in ("I级", "II级", "III级")}
    grade = indicators.grade(values, *args, **kw, mandatory=[text(r.get("limiting")) or None for r in rows])
    blank = [text(r.get("indicator")) for r, v in zip(rows, values) if v is None]
    return {"y": y, "grade": grade, "blank": blank, "n": len(rows) - len(blank), "grouped": grouped}


def composite(f: Facts, when: str) -> list[str]:
    """“按《清洁生产评价指标体系编制通则》计算，审核前综合评价指数 Y_I = …，达到II级（国内清洁生产先进水平）”."""
    res = composite_result(f, when)
    if res is None:
        return []
    label = "审核前" if when == "before" else "审核后"
    if "missing" in res:
        return [f"表IND.1中{'；'.join(res['missing'])}，未计算{label}综合评价指数。"]
    y = res["y"]
    s = ("按《清洁生产评价指标体系编制通则（试行稿）》（2013）的综合评价指数法"
         + ("（一级指标权重 × 二级指标分权重）" if res["grouped"] else "（二级指标权重）")
         + f"，对 {res['n']} 项指标计算，{label}综合评价指数 Y_I = {y['I级']:.2f}、Y_II = {y['II级']:.2f}、Y_III = {y['III级']:.2f}")
    if res["blank"]:
        s += f"（{joined(res['blank'])}未填写{label}值，未参与计算，权重按已评价指标归一）"
    g = res["grade"]
    s += (f"，{label}清洁生产水平为{g}（{GRADE_NAMES[g]}）" if g != indicators.BELOW else f"，{label}{GRADE_NAMES[g]}")
    s += "（I级：Y_I ≥ 85 且限定性指标全部达到I级；II级：Y_II ≥ 85 且限定性指标全部达到II级；III级：Y_III = 100）。"
    return [s]


def level_stated(f: Facts, when: str) -> list[str]:
    """The cleaner production level of 封面信息 (level_before/level_after) and the composite index of IND.1."""
    label = "审核前" if when == "before" else "审核后"
    lv = text(f.cover.get(f"level_{when}"))
    out = [f"{label}企业清洁生产水平为{lv}。" if lv else f"{label}清洁生产水平未填写（封面信息“{label}清洁生产水平”）。"]
    out += composite(f, when)
    return out


__all__ = ["level_analysis", "GRADE_NAMES", "ind1_value", "composite_result", "composite", "level_stated"]
