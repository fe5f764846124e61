"""Overviews the conclusions repeat: the focus, the targets against what is expected or reached, and the
options with their results — for the audit report's 第八章 结论 (6.9) and the acceptance report's 11.2 (7.5)."""

from __future__ import annotations

from collections import Counter

from cpxl.calc import indicators

from ..compute import num, text
from .facts import Facts
from .phrases import amount, n, pct, total


def focus_stated(f: Facts) -> str:
    """“本轮审核重点为酿造车间（权重总和计分排序法总分最高，379分）。” or that it is not given."""
    focus_ = text(f.cover.get("focus"))
    scored = sorted((r for r in f.d.rows("SCO.1") if num(r.get("score")) is not None and text(r.get("candidate"))),
                    key=lambda r: -num(r["score"]))
    top = scored[0] if scored else None
    if focus_:
        s = f"本轮审核重点为{focus_}"
        if top is not None and text(top.get("candidate")) == focus_:
            s += f"（{len(scored)} 个备选审核重点中权重总和计分最高，{n(top['score'])}分）"
        return s + "。"
    if top is not None:
        return f"封面信息未填写审核重点；权重总和计分排序法总分最高的备选审核重点为{text(top.get('candidate'))}（{n(top['score'])}分）。"
    return "审核重点未填写（封面信息“审核重点”）。"


def target_lines(f: Facts, result_table: str | None, key: str, verb: str) -> list[tuple[str, str]]:
    """(sentence, status) per target of 表D.24: 基准期值 → 近期目标值 and, from `result_table` (D.33 预计 /
    D.42 实际), the value reached and whether it meets the target (status "met"/"missed"/"" not judged);
    each blank named as 未填写."""
    rows = f.rows("D.24")
    results = {text(r.get("indicator")): r for r in f.rows(result_table)} if result_table else {}
    out = []
    for r in rows:
        name, unit = text(r.get("indicator")) or f"第{text(r.get('no'))}项", text(r.get("unit"))
        d = text(r.get("direction")) or "降低"
        base, near = num(r.get("base")), num(r.get("near_abs"))
        s = name + (f"（{unit}）" if unit else "") + "："
        s += f"基准期值 {n(base)}" if base is not None else "基准期值未填写"
        s += f"，近期目标{d}至 {n(near)}" if near is not None else "，近期目标值未填写"
        status = ""
        if result_table:
            res = results.get(name)
            got = num(res.get(key)) if res is not None else None
            if got is None:
                s += f"，{verb}值未填写，未判断是否达到"
            elif near is None:
                s += f"，{verb} {n(got)}，无近期目标值，未判断是否达到"
            else:
                status = "met" if indicators.target_met(near, got, d) == "是" else "missed"
                s += f"，{verb} {n(got)}，" + ("达到近期目标" if status == "met" else "未达到近期目标")
        out.append((s, status))
    return out


def targets_overview(f: Facts, result_table: str | None, key: str, verb: str, met_word: str) -> list[str]:
    """“本轮设置清洁生产目标 3 项，预计可达到 2 项、未达到 1 项：…” (表D.24 with D.33 or D.42)."""
    rows = f.rows("D.24")
    if not rows:
        return ["清洁生产目标未填写（表D.24）。"]
    lines = target_lines(f, result_table, key, verb)
    s = f"本轮设置清洁生产目标 {len(rows)} 项" + f.see("D.24")
    if result_table:
        met = sum(st == "met" for _ln, st in lines)
        missed = sum(st == "missed" for _ln, st in lines)
        if met + missed:
            s += f"，{verb}{met_word} {met} 项" + (f"、未达到 {missed} 项" if missed else "")
            if met + missed < len(rows):
                s += f"，{len(rows) - met - missed} 项未判断"
        else:
            s += f"，{verb}值均未填写，未判断目标完成情况"
        s += f.see(result_table)
    return [s + "：" + "；".join(ln for ln, _st in lines) + "。"]


def options_overview(f: Facts) -> list[str]:
    """Options: count (by cost class), estimated investment, implemented count and share, investment and
    benefits of the implemented options (表D.30, D.34, D.36)."""
    rows = f.rows("D.30")
    if not rows:
        return ["清洁生产方案未填写（表D.30）。"]
    ids = {text(r.get("option_id")) for r in rows if text(r.get("option_id"))}
    by = Counter(text(r.get("cost_class")) for r in rows)
    s = f"本轮共产生清洁生产方案 {len(rows)} 项"
    parts = [f"{k} {by[k]} 项" for k in ("无/低费", "中/高费") if by.get(k)]
    if by.get(""):
        parts.append(f"{by['']} 项未填写费用类别")
    if parts:
        s += "（" + "、".join(parts) + "）"
    s += "，" + amount(total(rows, "investment"), "万元", "预计总投资")
    done = f.rows("D.34")
    if done:
        done_ids = {text(r.get("option_id")) for r in done if text(r.get("option_id"))}
        share = len(done_ids & ids) / len(ids) if ids else None
        s += f"；截至报告编制，已实施方案 {len(done)} 项" + (f"（占方案总数的 {pct(share)}）" if share is not None and done_ids <= ids else "")
        s += "，" + amount(total(done, "investment"), "万元", "累计投资") + "，" + amount(total(done, "econ_benefit"), "万元/a", "年经济效益")
    else:
        s += "；已实施方案未填写（表D.34）"
    out = [s + f.see("D.30", "D.34") + "。"]
    d36 = {text(r.get("item")): r for r in f.d.rows("D.36")}
    econ = d36.get("经济效益（万元/a）")
    env = [(k, num(r.get("total"))) for k, r in d36.items() if text(r.get("category")) == "环境效益" and num(r.get("total")) is not None]
    bits = []
    if econ is not None and num(econ.get("total")) is not None:
        bits.append(f"经济效益 {n(econ['total'])} 万元/a")
    bits += [f"{k.split('（')[0]} {n(v)} {k.split('（')[1].rstrip('）')}" for k, v in env if v]
    if bits:
        out.append("全部方案实施后预期" + "，".join(bits) + f.see("D.36") + "。")
    return out


__all__ = ["focus_stated", "target_lines", "targets_overview", "options_overview"]
