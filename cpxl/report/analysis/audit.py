"""Analysis of the audit report (DB4101/T 61—2023 附录B.1, chapter 6's requirements); the acceptance report
repeats its chapters 前言–7 (附录B.2)."""

from __future__ import annotations

from collections import Counter

from cpxl.calc import indicators
from cpxl.calc import parameters as P
from cpxl.tables import CONDITIONS

from ..compute import co2_by_year, d12_totals, filled, material_totals, num, text
from ..options import feasibility_options
from .basis import basis
from .facts import Facts, Gen
from .levels import level_analysis, level_stated
from .phrases import (
    NO_LIMIT,
    NO_VALUE,
    OK,
    OVER,
    amount,
    change,
    compliance,
    counted,
    joined,
    judge,
    limit_range,
    n,
    names,
    pct,
    pct2,
    series_sentence,
    tally,
    total,
    verdict,
)
from .summary import focus_stated, options_overview, targets_overview


def preface(f: Facts) -> list[str]:
    c = f.cover
    if not text(c.get("company")):
        return []
    parts = [f"{text(c.get('company'))}"]
    if text(c.get("industry")):
        code = text(c.get("industry_code"))
        parts.append(f"属于{text(c.get('industry'))}" + (f"（行业代码 {code}）" if code else ""))
    if text(c.get("products")):
        parts.append(f"主要产品及产能为{text(c.get('products'))}")
    s = "，".join(parts) + "。"
    rnd = num(c.get("round"))
    audit_type = text(c.get("audit_type"))
    who = "园区" if f.kind == "park" else "企业"
    s2 = (f"本轮为{who}第{int(rnd)}轮清洁生产审核" if rnd else "本轮清洁生产审核") + (f"，审核类型为{audit_type}审核" if audit_type else "")
    if f.years:
        s2 += f"，审核基准期为{f.years[2]}年，审核考察期为{f.years[0]}—{f.years[2]}年"
    s2 += "。"
    out = [s + s2]
    if text(c.get("consultant")):
        out.append(f"本轮审核由{text(c.get('consultant'))}提供技术咨询服务。")
    if text(c.get("focus")):
        out.append(f"本轮审核重点为{text(c.get('focus'))}。")
    return out


def scope(f: Facts) -> list[str]:
    c = f.cover
    out = []
    if text(c.get("address")):
        out.append(f"审核对象为{text(c.get('company'))}，位于{text(c.get('address'))}。")
    if text(c.get("focus")):
        out.append(f"本轮审核重点为{text(c.get('focus'))}。")
    return out


def review(f: Facts) -> list[str]:
    rnd = num(f.cover.get("round"))
    if rnd is None:  # the round is not given: neither 首轮 nor a later round can be said
        return []
    if rnd <= 1:
        return ["本轮为企业首轮清洁生产审核，无以往审核情况，本章不适用。"]
    return [f"本轮为企业第{int(rnd)}轮清洁生产审核。"]


def organisation(f: Facts) -> list[str]:
    out = []
    teams = Counter(text(r.get("team")) for r in f.rows("D.1"))
    leaders = {text(r.get("team")): text(r.get("name")) for r in f.rows("D.1") if "组长" in text(r.get("role")) and "副" not in text(r.get("role"))}
    if teams:
        parts = []
        for team, count in teams.items():
            if not team:
                continue
            lead = leaders.get(team)
            parts.append(f"清洁生产审核{team}（{count}人" + (f"，组长{lead}" if lead else "") + "）")
        s = ("企业成立了" + "和".join(parts) + "，成员构成与职责分工" + f.see("D.1#领导小组", "D.1#工作小组")) if parts else \
            "审核小组成员" + f.see("D.1#领导小组", "D.1#工作小组", "D.1#")
        if teams.get(""):
            s += f"，其中 {teams['']} 人未填写所属小组"
        out.append(s + "。")
    consultants = f.rows("D.2")
    if consultants:
        cons = text(f.cover.get("consultant"))
        out.append(f"{cons or '咨询单位'}组建了审核咨询小组（{len(consultants)}人）" + f.see("D.2") + "。")
    if CONDITIONS["专家"].holds(f.cover, f.kind) and text(f.cover.get("expert_name")):
        c = f.cover
        out.append(f"本轮审核聘请行业专家{text(c.get('expert_name'))}（{text(c.get('expert_unit'))}，{text(c.get('expert_title'))}，"
                   f"擅长{text(c.get('expert_field'))}）指导审核工作。")
    return out


def plan(f: Facts) -> list[str]:
    rows = [r for r in f.rows("D.3") if r.get("start") and r.get("end")]
    if not rows:
        return []
    start = min(r["start"] for r in rows)
    end = max(r["end"] for r in rows)
    days = (end - start).days + 1
    return [f"本轮审核工作计划自 {start:%Y年%m月%d日} 开始，至 {end:%Y年%m月%d日} 结束，历时 {days} 天，"
            f"分{len(rows)}个阶段实施，各阶段工作内容、计划时间、责任部门及责任人{f.see('D.3', 'fig:D.3')}。"]


def company(f: Facts) -> list[str]:
    v = f.d.fields.get("D.4", {})
    if not any(filled(x) for x in v.values()):
        return []
    bits = []
    if v.get("founded"):
        bits.append(f"建厂于{text(v['founded'])[:10]}")
    if num(v.get("staff")) is not None:
        bits.append(f"现有员工 {int(num(v['staff']))} 人")
    if num(v.get("area")) is not None:
        bits.append(f"占地面积 {n(v['area'])} m²")
    if text(v.get("shifts")):
        bits.append(f"实行{text(v['shifts'])}")
    if num(v.get("output_value")) is not None:
        bits.append(f"企业年总产值 {n(v['output_value'])} 万元")
    name = text(v.get("name")) or text(f.cover.get("company"))
    s = f"{name}" + ("，" + "，".join(bits) if bits else "") + "。"
    if text(v.get("products")):
        s += f"主要产品及产能为{text(v['products'])}。"
    return [s + "企业基本信息" + f.see("D.4") + "。"]


def production(f: Facts) -> list[str]:
    out = []
    equipment = f.rows("D.5")
    if equipment:
        out.append(f"企业主要设备 {len(equipment)} 类，{counted(equipment, 'count', '台（套）', ('name', 'model'))}".replace("，（", "（")
                   + f.see("D.5") + "。")
    for r in f.rows("D.6"):
        s = series_sentence(f, f"{text(r.get('product'))}产量", [r.get(f"output_{i}") for i in (1, 2, 3)], text(r.get("output_unit")))
        if s:
            out.append(s.rstrip("。") + f.see("D.6", "fig:D.6") + "。")
    main = text(f.cover.get("main_product"))
    mats = f.rows("D.7")
    if mats:
        parts = []
        for r in mats[:6]:
            vals = [num(r.get(f"per_unit_{i}")) for i in (1, 2, 3)]
            ch = change(vals[0], vals[2])
            if ch and text(r.get("unit_unit")):
                parts.append(f"{text(r.get('material'))}单耗由 {n(vals[0])} {text(r.get('unit_unit'))} 变为 {n(vals[2])}（{ch}）")
        s = f"审核考察期主要原辅材料共 {len(mats)} 种" + f.see("D.7", "fig:D.7")
        out.append(s + ("；" + "；".join(parts) if parts else "") + "。")
    for r in f.rows("D.10"):
        if text(r.get("category")) == "新鲜水":
            s = series_sentence(f, "新鲜水用量", [r.get(f"total_{i}") for i in (1, 2, 3)], "m³")
            if s:
                out.append(s.rstrip("。") + f.see("D.10", "fig:D.10") + "。")
            pu = [num(r.get(f"per_unit_{i}")) for i in (1, 2, 3)]
            if any(x is not None for x in pu):
                out.append(series_sentence(f, f"单位{main or '产品'}新鲜水耗", pu, f"m³/{_main_unit(f)}"))
    energies = [text(r.get("energy")) for r in f.rows("D.11") if any(num(r.get(f"total_{i}")) for i in (1, 2, 3))]
    if energies:
        out.append(f"企业使用的能源包括{'、'.join(energies)}" + f.see("D.11", "fig:D.11") + "。")
    tot = d12_totals(f.d)
    if any(tot[f"total_{i}"] for i in (1, 2, 3)):
        vals = [tot[f"total_{i}"] / 1000 if tot[f"total_{i}"] is not None else None for i in (1, 2, 3)]
        out.append(series_sentence(f, "综合能耗（当量值）", vals, "tce").rstrip("。") + f.see("D.12", "fig:D.12") + "。")
        pu = [tot[f"per_unit_{i}"] for i in (1, 2, 3)]
        if any(x is not None for x in pu):
            out.append(series_sentence(f, f"单位{main or '产品'}综合能耗", pu, f"kgce/{_main_unit(f)}")
                       + "折标准煤系数按 GB/T 2589-2020 取值。")
        top = _largest_energy(f)
        if top:
            out.append(f"{f.y(3)}各能源中{top[0]}折标准煤量最大，占综合能耗的 {pct(top[1])}。")
    co2 = co2_by_year(f.d)
    if any(x is not None for x in co2):
        out.append(series_sentence(f, "能源消费二氧化碳排放量", co2, "tCO₂").rstrip("。")
                   + "（电力按电网排放因子、化石能源按标准煤 2.7725 tCO₂/tce 核算，DB4101/T 61—2023 表E.4 注b）。")
    return [s for s in out if s]


def _main_unit(f: Facts) -> str:
    main = text(f.cover.get("main_product"))
    for r in f.rows("D.6"):
        if text(r.get("product")) == main:
            return text(r.get("output_unit")) or "单位产品"
    return "单位产品"


def _largest_energy(f: Facts):
    rows = [r for r in f.d.rows("D.12") if num(r.get("total_3"))]
    total = sum(num(r["total_3"]) for r in rows)
    if not rows or not total:
        return None
    r = max(rows, key=lambda r: num(r["total_3"]))
    return text(r.get("name")), num(r["total_3"]) / total


def environment(f: Facts) -> list[str]:
    out = []
    for table in f.d.book.registry:  # 表D.18 废水, 表D.20 废气
        m = table.report.monitoring if table.report else None
        if m is None:
            continue
        tid = table.id
        rows = [r for r in f.rows(tid) if not (m.sums and text(r.get(m.sums[0])) == m.sums[1])]  # sums: no monitoring
        judged = []
        for r in rows:
            name = "".join(next((text(r.get(k)) for k in group if text(r.get(k))), "") for group in m.name)
            pairs = [([r.get(hi), r.get(avg), r.get(lo)], limit_range(r.get(limit))) for hi, avg, lo, limit in m.measures]
            status = judge(pairs, r.get("exceed_rate"))
            if not status:
                if not text(r.get("pollutant")):
                    continue
                status = NO_VALUE  # a pollutant listed with neither value nor limit: not monitored, never 均达标
            rate = num(r.get("exceed_rate"))
            judged.append((name, status, f"超标率 {n(rate)}%" if status == OVER and rate else ""))
        if not judged:
            continue
        pollutants = list(dict.fromkeys(text(r.get("pollutant")) for r in rows if text(r.get("pollutant"))))
        monitored = any(j[1] != NO_VALUE for j in judged)
        subject = f"审核基准期{m.what}主要污染物{'监测' if monitored else ''} {len(pollutants)} 项（{joined(pollutants)}）" + f.see(tid)
        out.append(compliance(subject, judged, "监测值均未超过标准限值，监测结果均达标", "监测值未超过标准限值"))
    noise = f.rows("D.22")
    if noise:
        judged = []
        for r in noise:
            status = judge([([r.get("value")], (None, num(r.get("standard"))) if num(r.get("standard")) is not None else None)])
            if status:
                name = f"{text(r.get('point'))}{text(r.get('period'))}"
                judged.append((name, status, f"{n(r.get('value'))} dB(A)，标准值 {n(r.get('standard'))} dB(A)" if status == OVER else ""))
        measured = sum(j[1] in (OVER, OK, NO_LIMIT) for j in judged)
        if judged:
            out.append(compliance(f"厂界噪声监测 {measured} 个点次" + f.see("D.22"), judged,
                                  "监测值均满足标准限值要求", "监测值满足标准限值要求"))
    quota = f.rows("D.23")
    if quota:
        judged = []
        for r in quota:
            q, b = num(r.get("quota")), num(r.get("base"))
            name = text(r.get("pollutant")) or f"第{text(r.get('no'))}项"
            if q is not None and b is not None:
                judged.append((name, OVER if b > q else OK, f"{n(b)} t/a，指标 {n(q)} t/a" if b > q else ""))
            elif b is not None:
                judged.append((name, NO_LIMIT, ""))
            elif q is not None:
                judged.append((name, NO_VALUE, ""))
        s = compliance("审核基准期主要污染物排放总量" + f.see("D.23"), judged, "均满足总量控制指标要求", "满足总量控制指标要求")
        s = s.replace("未给出限值，无法判断是否达标", "未给出总量控制指标").replace("未监测（无监测值）", "未填写基准期排放总量")
        s = s.replace("超标", "超过总量控制指标")
        if s:
            out.append(s)
    waste = f.rows("D.21")
    if waste:
        parts = []
        for k in dict.fromkeys(text(r.get("category")) for r in waste):
            sel = [r for r in waste if text(r.get("category")) == k]
            amount_k = total(sel, "generated")
            blank = [r for r in sel if num(r.get("generated")) is None]
            p = f"{k or '未分类固体废物'} {len(sel)} 种"
            if amount_k is None:
                p += "（产生量未填写）"
            else:
                p += f"、{n(amount_k)} t/a" + (f"（{joined(names(blank, 'name'))}未填写产生量）" if blank else "")
            parts.append(p)
        out.append("企业产生" + "，".join(parts) + f.see("D.21") + "。")
    return [s for s in out if s]


def focus(f: Facts) -> list[str]:
    rows = [r for r in f.d.rows("SCO.1") if num(r.get("score")) is not None]
    if not rows:
        return [f"本轮审核重点确定为{text(f.cover.get('focus'))}。"] if text(f.cover.get("focus")) else []
    rows.sort(key=lambda r: -num(r["score"]))
    ranking = "、".join(f"{text(r.get('candidate'))}（{n(r['score'])}分）" for r in rows)
    return [f"采用权重总和计分排序法对 {len(rows)} 个备选审核重点打分" + f.see("SCO.1") + f"，总分由高到低依次为{ranking}。"
            f"据此确定{text(rows[0].get('candidate'))}为本轮审核重点。"]


def targets(f: Facts) -> list[str]:
    rows = f.rows("D.24")
    if not rows:
        return []
    parts = []
    for r in rows:
        rel = num(r.get("near_rel"))
        d = text(r.get("direction")) or "降低"
        base, near = num(r.get("base")), num(r.get("near_abs"))
        name, unit = text(r.get("indicator")), text(r.get("unit"))
        if base is not None and near is not None:
            parts.append(f"{name}由 {n(base)} {unit} {d}至 {n(near)}".replace("  ", " ") + (f"（{d} {n(rel)}%）" if rel is not None else ""))
        elif near is not None:
            parts.append(f"{name}{d}至 {n(near)} {unit}".rstrip() + "（基准期值未填写）")
        else:
            missing = "基准期值和近期目标值" if base is None else "近期目标值"
            parts.append(f"{name}（{missing}未填写）")
    return [f"本轮审核设置清洁生产目标 {len(rows)} 项" + f.see("D.24") + "，近期目标为：" + "；".join(parts) + "。"]


def stage_options(stage: str):
    def run(f: Facts) -> list[str]:
        rows = [r for r in f.rows("D.25") if text(r.get("stage")) == stage]
        unstaged = [r for r in f.rows("D.25") if not text(r.get("stage"))] if stage == "预审核" else []
        out = []
        if rows:
            cats = Counter(text(r.get("category")) for r in rows if text(r.get("category")))
            s = f"{stage}阶段共提出备选方案 {len(rows)} 项" + f.see(f"D.25#{stage}")
            if cats:
                s += "，其中" + "、".join(f"{k}方面 {v} 项" for k, v in cats.items())
            uncategorised = len(rows) - sum(cats.values())
            if cats and uncategorised:
                s += f"，{uncategorised} 项未填写方案类型"
            out.append(s + "。")
        if unstaged:
            out.append(f"另有备选方案 {len(unstaged)} 项未填写提出阶段" + f.see("D.25#") + "。")
        return out
    return run


def instruments(f: Facts) -> list[str]:
    rows = f.rows("D.26")
    if not rows:
        return []
    return [f"审核重点配备计量器具/监测仪器 {len(rows)} 类，{counted(rows, 'count', '台（件）', ('name',))}".replace("，（", "（")
            + f.see("D.26") + "。"]


def balances(f: Facts) -> list[str]:
    out = []
    total_in, total_out = material_totals(f.d)
    rows = f.d.rows("BAL.1")
    tol = f.d.param(P.K_MATERIAL_TOL)
    tol = 0.05 if tol is None else tol
    source = "DB11/T 1156—2022 7.3.4 b"
    if total_in:
        unit = next((text(r.get("qty_unit")) for r in rows if text(r.get("qty_unit"))), "")
        s = "审核重点物料平衡" + f.see("BAL.1", "fig:BAL.1") + f"：输入总量 {n(total_in, unit)}，"
        if total_out is None:
            s += "输出量未填写，无法计算平衡偏差，物料平衡尚未建立。"
        else:
            dev = (total_in - total_out) / total_in
            s += f"输出总量 {n(total_out, unit)}，" + verdict(dev, tol, "物料平衡", source) + "。"
        out.append(s)
        losses = [r for r in rows if text(r.get("direction")) == "输出"
                  and text(r.get("category")) in ("废水", "废气", "固体废物", "无组织排放", "损失") and num(r.get("qty"))]
        losses.sort(key=lambda r: -num(r["qty"]))
        if losses:
            parts = [f"{text(r.get('unit_op'))}的{text(r.get('material'))} {n(r['qty'])} {text(r.get('qty_unit'))}（占输入 {pct(num(r['qty']) / total_in)}）"
                     for r in losses[:5]]
            out.append("主要物料流失点为：" + "；".join(parts) + "。")
        ops = {}
        for r in rows:
            if num(r.get("unit_dev")) is not None:
                ops[text(r.get("unit_op"))] = num(r["unit_dev"])
        bad = [f"{k}（{pct2(v)}）" for k, v in ops.items() if abs(v) > tol]
        if bad:
            out.append("单元操作平衡偏差超过允许偏差的有：" + "、".join(bad) + "。")
    elif total_out is not None:
        out.append("审核重点物料平衡" + f.see("BAL.1", "fig:BAL.1") + "：输入量未填写，无法计算平衡偏差，物料平衡尚未建立。")
    w = [r for r in f.d.rows("BAL.2") if num(r.get("fresh"))]
    if w:
        fresh = sum(num(r["fresh"]) for r in w)
        reused = total(w, "reused")
        s = "水平衡测试" + f.see("BAL.2", "fig:BAL.2") + f"：新水量 {n(fresh)} m³/d，"
        if reused is None:
            s += "重复利用水量未填写"
        else:
            s += f"重复利用水量 {n(reused)} m³/d，重复利用率 {pct(reused / (fresh + reused))}（GB/T 12452）"
        parts = ("consumed", "discharged", "leaked")
        complete = all(num(r.get(k)) is not None for r in w for k in parts)
        if complete:
            out_sum = sum(num(r.get(k)) for r in w for k in parts)
            wtol = f.d.param(P.K_WATER_TOL)
            s += "，水量" + verdict((fresh - out_sum) / fresh, 0.05 if wtol is None else wtol, "水平衡", "GB/T 12452")
        else:
            s += "，耗水量、排水量、漏失水量未全部填写，未计算水量平衡偏差"
        leak = total(w, "leaked")
        if leak:
            s += f"，漏失水量 {n(leak)} m³/d（漏失率 {pct(leak / fresh)}）"
        out.append(s + "。")
    e = [r for r in f.d.rows("BAL.3") if num(r.get("supplied"))]
    if e:
        known = [r for r in e if num(r.get("effective")) is not None]
        s = "能量平衡" + f.see("BAL.3")
        if known:
            sup = sum(num(r["supplied"]) for r in known)
            eff = sum(num(r["effective"]) for r in known)
            s += f"：供入能量 {n(sup)} kgce/a，有效利用能量 {n(eff)} kgce/a，能量利用率 {pct(eff / sup)}（GB/T 3484）"
            if len(known) < len(e):
                s += f"（{joined(names([r for r in e if r not in known], 'unit'))}未填写有效利用能量，未计入）"
        else:
            s += f"：供入能量 {n(sum(num(r['supplied']) for r in e))} kgce/a，有效利用能量未填写，未计算能量利用率"
        worst = min((r for r in e if num(r.get("efficiency")) is not None), key=lambda r: num(r["efficiency"]), default=None)
        if worst is not None:
            s += f"，利用率最低的是{text(worst.get('unit'))}（{pct(num(worst['efficiency']))}）"
        out.append(s + "。")
    p = [r for r in f.d.rows("BAL.4") if num(r.get("generated"))]
    if p:
        ptol = f.d.param(P.K_POLLUTANT_TOL)
        ptol = 0.05 if ptol is None else ptol
        parts = []
        for r in p:
            dev = num(r.get("dev"))
            s = f"{text(r.get('pollutant'))}产生量 {n(r['generated'])} t/a"
            if dev is None:
                s += "，去向（去除量、有组织排放量、无组织排放量）未填写，未计算平衡偏差"
            else:
                s += f"，平衡偏差 {pct2(dev)}" + ("" if abs(dev) <= ptol else f"，超过允许偏差 ±{ptol * 100:g}%")
            parts.append(s)
        out.append("特征污染因子平衡" + f.see("BAL.4") + "：" + "；".join(parts) + "。")
    return out


def diagnosis(f: Facts) -> list[str]:
    out = []
    a, b = f.rows("D.27"), f.rows("D.28")
    if a:
        out.append(f"从八个方面对物料、水、能量平衡结果进行问题查找和原因分析，识别物料损失/不合理用水/不合理用能部位 {len(a)} 处" + f.see("D.27") + "。")
    if b:
        out.append(f"识别重点关注污染物产生部位 {len(b)} 处" + f.see("D.28") + "。")
    return out


def experts(f: Facts) -> list[str]:
    rows = f.rows("D.29")
    if not rows:
        return []
    answered = [r for r in rows if text(r.get("adoption"))]
    if not answered:
        return [f"行业专家提出意见和建议 {len(rows)} 条" + f.see("D.29") + "，采纳情况未填写。"]
    adopted = sum("未采纳" not in text(r.get("adoption")) and "采纳" in text(r.get("adoption")) for r in answered)
    s = f"行业专家提出意见和建议 {len(rows)} 条，采纳 {adopted} 条" + f.see("D.29")
    if len(answered) < len(rows):
        s += f"，{len(rows) - len(answered)} 条未填写采纳情况"
    return [s + "。"]


def option_summary(f: Facts) -> list[str]:
    rows = f.rows("D.30")
    if not rows:
        return []
    by = Counter(text(r.get("cost_class")) for r in rows)
    inv = {k: total([r for r in rows if text(r.get("cost_class")) == k], "investment") for k in by}
    cats = Counter(text(r.get("category")) for r in rows if text(r.get("category")))
    s = f"本轮审核共产生备选清洁生产方案 {len(rows)} 项" + f.see("D.30", "fig:D.30")
    parts = [f"{k}方案 {by[k]} 项（{amount(inv[k], '万元', '预计投资')}）" for k in ("无/低费", "中/高费") if by.get(k)]
    if by.get(""):
        parts.append(f"{by['']} 项未填写费用类别")
    if parts:
        s += "，其中" + "，".join(parts)
    s += "，" + amount(total(rows, "investment"), "万元", "预计总投资") + "。"
    if cats:
        s += "按方案类型分：" + tally(cats) + "。"
    return [s]


def screening(f: Facts) -> list[str]:
    out = []
    classes = {text(r.get("option_id")): text(r.get("cost_class")) for r in f.d.rows("D.31")}
    rows = f.rows("D.31")
    if rows:
        by = Counter(classes.get(text(r.get("option_id"))) or "" for r in rows)
        s = (f"经定性筛选，可行的无/低费方案 {by.get('无/低费', 0)} 项" + f.see("D.31#无/低费")
             + f"，初步可行的中/高费方案 {by.get('中/高费', 0)} 项" + f.see("D.31#中/高费"))
        if by.get(""):  # the class comes from 表D.30: an option not found there cannot be counted in either
            s += f"，另有 {by['']} 项在表D.30中未找到费用类别"
        out.append(s + "。")
    bad = f.rows("D.32")
    if bad:
        out.append(f"不可行方案 {len(bad)} 项" + f.see("D.32") + "，不可行原因逐项列明。")
    sco = [r for r in f.d.rows("SCO.2") if num(r.get("score")) is not None]
    if sco:
        sco.sort(key=lambda r: -num(r["score"]))
        out.append("采用权重总和计分排序法对初步可行的中/高费方案排序" + f.see("SCO.2") + "，依次为"
                   + "、".join(f"{text(r.get('option_id'))} {text(r.get('option'))}（{n(r['score'])}分）" for r in sco) + "。")
    return out


def development(f: Facts) -> list[str]:
    opts = feasibility_options(f.d)
    if not opts:
        return []
    names = "、".join(f"{o.option_id} {o.name}" for o in opts)
    return [f"对初步可行的 {len(opts)} 项中/高费方案（{names}）从工艺技术、工艺流程、设备清单、投资及效益估算等方面进行研制，"
            "并逐项开展技术、环境、经济可行性分析。"]


def feasibility(f: Facts) -> list[str]:
    opts = feasibility_options(f.d)
    done = [o for o in opts if o.computed]
    if not opts:
        return []
    s = f"本轮对 {len(opts)} 项中/高费方案进行可行性分析，方案分述如下（7.2.1～7.2.{len(opts)}）。"
    if done:
        ok = [o for o in done if o.verdict == "可行"]
        s += (f"按基准折现率 {done[0].rate * 100:g}%、所得税率 {done[0].tax * 100:g}%、设备寿命期 {done[0].life:g} 年计算，"
              f"{len(ok)} 项方案经济可行（净现值 ≥ 0、内部收益率 ≥ 基准折现率、投资回收期 ≤ {done[0].max_payback:g} 年，"
              "DB11/T 1156—2022 7.5.5）。")
    return [s]


def expected_targets(f: Facts) -> list[str]:
    rows = [r for r in f.d.rows("D.33") if num(r.get("exp_abs")) is not None]
    if not rows:
        return []
    met, missed, unknown = _met(f, rows, "exp_abs")
    s = f"本轮 {len(rows)} 项清洁生产目标中，预计 {len(met)} 项可在近期达到" + f.see("D.33")
    if met:
        s += "，" + "、".join(met) + "的支撑方案见表中“支撑方案”列"
    if missed:
        s += "；" + "、".join(missed) + "预计达不到近期目标"
    if unknown:
        s += "；" + "、".join(unknown) + "在表D.24中未给出近期目标值，无法判断"
    return [s + "。"]


def _met(f: Facts, rows, key) -> tuple[list[str], list[str], list[str]]:
    """(met, missed, not judged) indicators of `rows` against the near-term targets of 表D.24."""
    targets = {text(r.get("indicator")): r for r in f.d.rows("D.24")}
    met, missed, unknown = [], [], []
    for r in rows:
        name = text(r.get("indicator"))
        t = targets.get(name)
        if t is None or num(t.get("near_abs")) is None or num(r.get(key)) is None:
            unknown.append(name)
        elif indicators.target_met(num(t["near_abs"]), num(r[key]), text(t.get("direction")) or "降低") == "是":
            met.append(name)
        else:
            missed.append(name)
    return met, missed, unknown


def implemented(f: Facts) -> list[str]:
    rows = f.rows("D.34")
    if not rows:
        return []
    by = Counter(text(r.get("cost_class")) for r in rows)
    parts = tally(by)
    return [f"截至目前已实施方案 {len(rows)} 项" + (f"（{parts}）" if parts else "") + "，"
            + amount(total(rows, "investment"), "万元", "累计投资") + "，" + amount(total(rows, "econ_benefit"), "万元/a", "年经济效益")
            + f.see("D.34", "fig:D.34") + "。"]


def schedule(f: Facts) -> list[str]:
    rows = f.rows("D.35")
    if not rows:
        return []
    ids = {text(r.get("option_id")) for r in rows if text(r.get("option_id"))}
    inv = {}
    for r in rows:
        if num(r.get("investment")) is not None:
            inv[text(r.get("option_id"))] = num(r["investment"])
    ends = [r["end"] for r in rows if r.get("end")]
    s = f"拟实施方案 {len(ids)} 项，{amount(sum(inv.values()) if inv else None, '万元', '预计投资')}" + f.see("D.35")
    if ends:
        s += f"，计划于 {max(ends):%Y年%m月} 前全部完成"
    return [s + "。"]


def archive(f: Facts) -> list[str]:
    arch = [r for r in f.rows("D.37") if text(r.get("status"))]
    if not arch:
        return []
    listed = [r for r in f.d.rows("D.37") if text(r.get("item"))]
    by = Counter(text(r.get("status")) for r in arch)
    s = f"企业清洁生产档案 {len(listed)} 项" + f.see("D.37") + "，" + tally(by)
    if len(listed) > len(arch):
        s += f"，{len(listed) - len(arch)} 项未填写建立情况"
    return [s + "。"]


def conclusion(f: Facts) -> list[str]:
    """第八章 结论 (6.9): the enterprise, the focus and targets, options and their results, the level,
    the archive."""
    out = preface(f)[:1]
    out.append(focus_stated(f))
    out += targets_overview(f, "D.33", "exp_abs", "预计", "可达到")
    out += options_overview(f)
    out += level_stated(f, "before")
    out += archive(f)
    return out


# ---- dispatch: section → generator ---------------------------------------------------------------------

#: Chapters 前言–7, which the acceptance report repeats.
ENTERPRISE: dict[str, Gen] = {
    "前言": preface,
    "1.4": scope,
    "1.8": basis,
    "2": review,
    "3.1": organisation,
    "3.2": plan,
    "4.1.1": company,
    "4.1.2": production,
    "4.1.3": environment,
    "4.3.1": level_analysis,
    "4.4.2": focus,
    "4.5": targets,
    "4.6": stage_options("预审核"),
    "5.2.1": instruments,
    "5.2.2": balances,
    "5.2.3": diagnosis,
    "5.3": stage_options("审核"),
    "6.1": experts,
    "6.2": option_summary,
    "6.3": screening,
    "7.1": development,
    "7.2": feasibility,
    "7.3": expected_targets,
    "7.4": implemented,
    "7.5": schedule,
}

#: The audit report's sections.
SECTIONS = {**ENTERPRISE, "8": conclusion}


__all__ = [
    "preface", "scope", "review", "organisation", "plan", "company", "production", "environment", "focus",
    "targets", "stage_options", "instruments", "balances", "diagnosis", "experts", "option_summary", "screening",
    "development", "feasibility", "expected_targets", "implemented", "schedule", "archive", "conclusion",
    "ENTERPRISE",
]
