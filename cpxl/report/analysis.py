"""Generated analysis for sections whose text the auditor has not written yet: what the data already says
(trends with percentages, balance deviations and loss points, targets met, option counts and totals),
so the draft report reads as a report. The exporter follows it with a visible 【待补充】 marker that
quotes the standard's requirement for the section.

Each function takes the :class:`Facts` of the export and returns paragraphs (plain strings).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from cpxl.calc import indicators
from cpxl.calc import parameters as P
from cpxl.tables import CONDITIONS

from .compute import Derived, co2_by_year, d12_totals, feasibility_options, filled, material_totals, num, text
from .tables import fmt_number


@dataclass
class Facts:
    """What the analysis may refer to: derived data, the review years and the numbers given to tables and
    figures (“表 4-3”) so sentences can point at them."""

    d: Derived
    kind: str
    years: tuple[int, int, int] | None
    labels: dict[str, str] = field(default_factory=dict)  # table id (or id#part) → “表 4-3”
    figures: dict[str, str] = field(default_factory=dict)  # figure key → “图 4-1”

    @property
    def cover(self):
        return self.d.book.cover

    def rows(self, table_id: str) -> list[dict]:
        """Rows that carry a value: the printed row labels (表D.18 工业废水/生活污水/合计, 表D.22 东厂界昼间 …)
        and the sequence number alone are not data."""
        try:
            labels = set(self.d.book.registry[table_id].row_keys)
        except (KeyError, AttributeError):
            labels = set()
        skip = {"_row", "_section", "no", *labels}
        return [r for r in self.d.rows(table_id) if any(filled(v) for k, v in r.items() if k not in skip)]

    def see(self, *keys: str) -> str:
        found = [self.labels.get(k) or self.figures.get(k) for k in keys]
        found = [x for x in found if x]
        return f"（见{'、'.join(found)}）" if found else ""

    def y(self, i: int) -> str:
        return f"{self.years[i - 1]}年" if self.years else f"第{i}年"


def n(x, unit: str = "") -> str:
    """A number in a sentence: integers as they are, others with two decimals (four digits below 1)."""
    if x is None:
        return "—"
    s = fmt_number(float(x))
    return f"{s} {unit}".rstrip() if unit and not unit.startswith("%") else s + (unit or "")


def pct(x) -> str:
    return f"{x * 100:.1f}%"


def pct2(x) -> str:
    """A deviation compared with a tolerance: two decimals, so 5.01% is not printed as the 5.0% limit."""
    return f"{x * 100:.2f}%"


def total(rows: list[dict], key: str) -> float | None:
    """Σ of the values present; None when no row has one (blank is not 0)."""
    vals = [num(r.get(key)) for r in rows]
    vals = [v for v in vals if v is not None]
    return sum(vals) if vals else None


def names(rows: list[dict], *keys: str) -> list[str]:
    """Labels of rows (the first filled of `keys`), in order, without repeats."""
    out = [next((text(r.get(k)) for k in keys if text(r.get(k))), "") for r in rows]
    return list(dict.fromkeys(x for x in out if x))


def joined(items: list[str], limit: int = 8) -> str:
    """“a、b、c” (at most `limit` named, then “等 n 项”)."""
    if len(items) <= limit:
        return "、".join(items)
    return "、".join(items[:limit]) + f"等 {len(items)} 项"


def amount(x, unit: str, what: str) -> str:
    """“{what} 12.5 万元” or “{what}未填写”."""
    return f"{what}未填写" if x is None else f"{what} {n(x, unit)}"


def counted(rows: list[dict], key: str, unit: str, label_keys: tuple[str, ...]) -> str:
    """“共 28 台（套）”, with the rows whose count is blank named; “数量未填写” when none has one."""
    t = total(rows, key)
    if t is None:
        return "（数量未填写）"
    blank = [r for r in rows if num(r.get(key)) is None]
    s = f"共 {int(t) if float(t).is_integer() else n(t)} {unit}"
    if blank:
        s += f"（{joined(names(blank, *label_keys)) or f'{len(blank)} 项'}未填写数量）"
    return s


def change(a, b) -> str:
    """“增长 12.3%”/“下降 4.5%” from a to b."""
    a, b = num(a), num(b)
    if a is None or b is None or a == 0:
        return ""
    r = (b - a) / abs(a)
    if abs(r) < 0.0005:
        return "基本持平"
    return f"{'增长' if r > 0 else '下降'}{abs(r) * 100:.1f}%"


def series_sentence(f: Facts, what: str, values: list, unit: str) -> str:
    """“{y1}—{y3}年{what}分别为 a、b、c unit，{y3}年较{y1}年增长 x%”."""
    vals = [num(v) for v in values]
    if all(v is None for v in vals):
        return ""
    shown = "、".join(n(v) for v in vals)
    s = f"{f.y(1)}—{f.y(3)}{what}分别为 {shown} {unit}".rstrip()
    ch = change(vals[0], vals[2])
    if ch:
        s += f"，{f.y(3)}较{f.y(1)}{ch}"
        ch2 = change(vals[1], vals[2])
        if ch2:
            s += f"（较{f.y(2)}{ch2}）"
    return s + "。"


# ---- enterprise report ------------------------------------------------------------------------------------


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


# Compliance (达标) is said only of rows whose measured value and limit are both given; a row with a value
# but no limit, or a limit but no value, is named as such and never counted as compliant.
OVER, OK, NO_LIMIT, NO_VALUE = "over", "ok", "no_limit", "no_value"


def limit_range(value) -> tuple[float | None, float | None] | None:
    """(lower, upper) of a limit as typed: 500, “500 mg/L”, “≤500” → (None, 500); “6～9” → (6, 9);
    None when blank or not a number."""
    x = num(value)
    if x is not None:
        return None, x
    t = text(value).replace("，", ",")
    if not t:
        return None
    rng = re.search(r"(\d+(?:\.\d+)?)\s*[~～\-—–至]\s*(\d+(?:\.\d+)?)", t)
    if rng:
        lo, hi = float(rng[1]), float(rng[2])
        return min(lo, hi), max(lo, hi)
    found = re.search(r"\d+(?:\.\d+)?", t)
    return (None, float(found[0])) if found else None


def judge(pairs: list[tuple[list, tuple | None]], exceed_rate=None) -> str:
    """One monitored row: `pairs` of (measured values, (lower, upper) limit); a positive 超标率 is an
    exceedance whatever the other columns say."""
    rate = num(exceed_rate)
    if rate is not None and rate > 0:
        return OVER
    complete = False
    measured = limited = False
    for values, lim in pairs:
        vals = [num(v) for v in values]
        vals = [v for v in vals if v is not None]
        measured |= bool(vals)
        limited |= lim is not None and lim != (None, None)
        if not vals or lim is None or lim == (None, None):
            continue
        lo, hi = lim
        if (hi is not None and max(vals) > hi) or (lo is not None and min(vals) < lo):
            return OVER
        complete = True
    if complete:
        return OK
    if measured:
        return NO_LIMIT
    if limited:
        return NO_VALUE
    return ""


def compliance(subject: str, judged: list[tuple[str, str, str]], ok_all: str, ok_some: str) -> str:
    """A sentence on `judged` = [(name, status, detail)]: exceedances named (with their detail), the
    compliant rows claimed only when each has a value and a limit, rows without a limit or without a
    value named as such."""
    by = {k: [j for j in judged if j[1] == k] for k in (OVER, OK, NO_LIMIT, NO_VALUE)}
    parts = []
    if by[OVER]:
        parts.append(f"{joined([nm + (f'（{d}）' if d else '') for nm, _s, d in by[OVER]])}超标")
    if by[OK]:
        oks = [nm for nm, _s, _d in by[OK]]
        if not by[OVER] and not by[NO_LIMIT] and not by[NO_VALUE]:
            parts.append(ok_all)
        else:
            parts.append(f"{joined(oks)}{ok_some}")
    if by[NO_LIMIT]:
        parts.append(f"{joined([nm for nm, _s, _d in by[NO_LIMIT]])}未给出限值，无法判断是否达标")
    if by[NO_VALUE]:
        parts.append(f"{joined([nm for nm, _s, _d in by[NO_VALUE]])}未监测（无监测值）")
    return subject + "，" + "；".join(parts) + "。" if parts else ""


def environment(f: Facts) -> list[str]:
    out = []
    for tid, what in (("D.18", "废水"), ("D.20", "废气")):
        judged = []
        for r in f.rows(tid):
            if tid == "D.18":
                if text(r.get("category")) == "合计":  # the sum of the two kinds: loads, no monitoring of its own
                    continue
                name = text(r.get("category")) + text(r.get("pollutant"))
                pairs = [([r.get("conc_max"), r.get("conc_avg"), r.get("conc_min")], limit_range(r.get("limit")))]
            else:
                name = (text(r.get("point")) or text(r.get("name"))) + text(r.get("pollutant"))
                conc_std, rate_std = num(r.get("conc_std")), num(r.get("rate_std"))
                pairs = [([r.get("conc_max"), r.get("conc_avg"), r.get("conc_min")], (None, conc_std) if conc_std is not None else None),
                         ([r.get("rate_max"), r.get("rate_avg"), r.get("rate_min")], (None, rate_std) if rate_std is not None else None)]
            status = judge(pairs, r.get("exceed_rate"))
            if not status:
                continue
            rate = num(r.get("exceed_rate"))
            judged.append((name, status, f"超标率 {n(rate)}%" if status == OVER and rate else ""))
        if not judged:
            continue
        pollutants = list(dict.fromkeys(text(r.get("pollutant")) for r in f.rows(tid) if text(r.get("pollutant"))
                                        and not (tid == "D.18" and text(r.get("category")) == "合计")))
        monitored = any(j[1] != NO_VALUE for j in judged)
        subject = f"审核基准期{what}主要污染物{'监测' if monitored else ''} {len(pollutants)} 项（{joined(pollutants)}）" + f.see(tid)
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


def verdict(dev: float, tol: float, what: str, source: str) -> str:
    """“平衡偏差 4.99%，在允许偏差 ±5% 以内，…平衡成立” — |偏差| against the tolerance, both signs."""
    sign = "（输出大于输入）" if dev < 0 else ""
    s = f"平衡偏差 {pct2(dev)}{sign}，"
    if abs(dev) <= tol + 1e-12:  # as cpxl.calc.balance.balance_ok: 5% of 100 is within ±5%
        return s + f"在允许偏差 ±{tol * 100:g}% 以内，{what}成立（{source}）"
    return s + f"超过允许偏差 ±{tol * 100:g}%，{what}不成立，应分析原因并重新实测或补充实测（{source}）"


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
        s += "按方案类型分：" + "、".join(f"{k} {v} 项" for k, v in cats.items()) + "。"
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
    parts = "、".join(f"{k} {v} 项" for k, v in by.items() if k)
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


def level_stated(f: Facts, when: str) -> list[str]:
    """The cleaner production level of 封面信息 (level_before/level_after) and the composite index of IND.1."""
    label = "审核前" if when == "before" else "审核后"
    lv = text(f.cover.get(f"level_{when}"))
    out = [f"{label}企业清洁生产水平为{lv}。" if lv else f"{label}清洁生产水平未填写（封面信息“{label}清洁生产水平”）。"]
    out += composite(f, when)
    return out


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


# ---- 1.8 审核依据 ------------------------------------------------------------------------------------------

#: Laws and rules every enterprise audit rests on (DB4101/T 61—2023 6.2.8).
LAWS = ("《中华人民共和国清洁生产促进法》（2012年修正）", "《清洁生产审核办法》（国家发展和改革委员会、环境保护部令第38号）")
_STANDARD = re.compile(r"((?:GB|HJ|DB\d{2}(?:\d{2})?|T/[A-Z]+)(?:/T)?\s*\d+(?:\.\d+)?(?:\s*[—\-–]\s*\d{4})?)")
#: Standards named in the workbook, with their titles (the ones cpxl's tables and calculations use).
STANDARD_TITLES = {
    "DB4101/T 61": "工业企业清洁生产审核报告编制技术规范",
    "DB11/T 1156": "工业企业清洁生产审核技术通则",
    "GB/T 2589": "综合能耗计算通则",
    "GB/T 12452": "企业水平衡测试通则",
    "GB/T 3484": "企业能量平衡通则",
    "GB/T 13234": "用能单位节能量计算方法",
    "GB 17167": "用能单位能源计量器具配备和管理通则",
    "GB 24789": "用水单位水计量器具配备和管理通则",
}


def _std_key(code: str) -> str:
    return re.split(r"\s*[—\-–]\s*\d{4}$", re.sub(r"\s+", " ", code.strip()))[0]


def basis(f: Facts) -> list[str]:
    """1.8 审核依据: the laws, then each standard the workbook used — the report specification, the
    tables' and calculations' standards when their tables are filled, the indicator system of IND.1 and
    the discharge standards of 表D.16."""
    used: dict[str, str] = {}

    def add(code: str, why: str) -> None:
        key = _std_key(code)
        if key not in used:
            used[key] = f"{code}《{STANDARD_TITLES[key]}》" if key in STANDARD_TITLES else code
        reasons.setdefault(key, [])
        if why and why not in reasons[key]:
            reasons[key].append(why)

    reasons: dict[str, list[str]] = {}
    add("DB4101/T 61—2023", "报告章节框架、封面和表格")
    add("DB11/T 1156—2022", "审核程序、审核重点和方案筛选方法、平衡测试及经济评估")
    tot = d12_totals(f.d)
    if any(tot[f"total_{i}"] for i in (1, 2, 3)):
        add("GB/T 2589-2020", "综合能耗及折标准煤系数（表D.12）")
    if any(num(r.get("fresh")) for r in f.d.rows("BAL.2")):
        add("GB/T 12452", "水平衡测试（表BAL.2）")
    if any(num(r.get("supplied")) for r in f.d.rows("BAL.3")):
        add("GB/T 3484", "能量平衡（表BAL.3）")
    if f.rows("D.26"):
        add("GB 17167", "能源计量器具配备（表D.26）")
        add("GB 24789", "水计量器具配备（表D.26）")
    if any(num(r.get("total")) for r in f.d.rows("D.36") if text(r.get("item")).startswith("节能")) or feasibility_options(f.d):
        add("GB/T 13234", "节能量计算")
    out = ["本轮审核依据的法律法规：" + "；".join(LAWS) + "。"]
    lines = [f"{used[k]}（{'；'.join(reasons[k])}）" if reasons[k] else used[k] for k in used]
    ind = f.rows("IND.1")
    if ind:
        lines.append("《清洁生产评价指标体系编制通则（试行稿）》（国家发展改革委、环境保护部、工业和信息化部 2013年第33号公告）"
                     f"（清洁生产指标对标 {len(ind)} 项及综合评价指数，表IND.1）")
    own = list(dict.fromkeys(text(r.get("standard")) for r in f.rows("D.16") if text(r.get("standard"))))
    if own:
        lines.append("企业执行的污染物排放标准：" + "；".join(own) + f.see("D.16"))
    out.append("本轮审核依据的标准、规范：" + "".join(f"（{i}）{ln}；" for i, ln in enumerate(lines, 1)).rstrip("；") + "。")
    return out


# ---- acceptance ----------------------------------------------------------------------------------------------


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
        parts = "、".join(f"{k} {v} 项" for k, v in by.items() if k)
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


def archive(f: Facts) -> list[str]:
    arch = [r for r in f.rows("D.37") if text(r.get("status"))]
    if not arch:
        return []
    listed = [r for r in f.d.rows("D.37") if text(r.get("item"))]
    by = Counter(text(r.get("status")) for r in arch)
    s = f"企业清洁生产档案 {len(listed)} 项" + f.see("D.37") + "，" + "、".join(f"{k} {v} 项" for k, v in by.items())
    if len(listed) > len(arch):
        s += f"，{len(listed) - len(arch)} 项未填写建立情况"
    return [s + "。"]


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


# ---- park -------------------------------------------------------------------------------------------------------


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
    from .compute import park_data

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
    from cpxl.calc.park_eval import selection_problems

    from .compute import park_results

    res = [r for r in park_results(f.d) if r.evaluated]
    if not res:
        return []
    levels = Counter(r.level for r in res)
    s = f"对照附件1 附表1，园区参评指标 {len(res)} 项" + f.see("P.1") + "，" + "、".join(f"{k} {v} 项" for k, v in levels.items()) + "。"
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
        s += "，其中" + "、".join(f"{k} {v} 项" for k, v in levels.items())
    s += "，" + amount(total(rows, "investment"), "万元", "投资预算合计")
    if status:
        s += "；" + "、".join(f"{k} {v} 项" for k, v in status.items())
    return [s + "。"]


def park_plan_next(f: Facts) -> list[str]:
    rows = f.rows("B.4")
    if not rows:
        return []
    return ["持续清洁生产工作计划" + f.see("B.4") + "包括" + "、".join(text(r.get("item")) for r in rows) + "。"]


# ---- region -------------------------------------------------------------------------------------------------------


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
        from cpxl.tables.region import BENCHMARK_ORDER

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
        s += "；按类别分：" + "、".join(f"{k} {v} 项" for k, v in cats.items())
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
    from cpxl.tables.region import BENCHMARK_ORDER

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


# ---- dispatch ---------------------------------------------------------------------------------------------------

Gen = Callable[[Facts], list[str]]

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
AUDIT = {**ENTERPRISE, "8": conclusion}
ACCEPTANCE = {
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
PARK = {
    "1": preface,
    "3.2": park_team,
    "3.3": park_plan,
    "4.1": park_status,
    "4.2": park_evaluation,
    "6.1": park_options,
    "6.2": park_options,
    "7.2": park_plan_next,
}
_CATEGORIES = ("生产技术工艺", "设备设施", "主要原辅料使用", "水资源消耗", "能源消耗", "碳排放", "水污染物处理及排放",
               "大气污染物处理及排放", "固体废物处理处置", "其他")
REGION = {
    "1.1": region_overview,
    "2": region_indicators(("water", "energy", "co2")),
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

GENERATORS = {"audit": AUDIT, "acceptance": ACCEPTANCE, "park": PARK, "region": REGION}


def generate(kind: str, key: str, facts: Facts) -> list[str]:
    fn = GENERATORS.get(kind, {}).get(key)
    if fn is None:
        return []
    try:
        return [p for p in fn(facts) if p]
    except (ValueError, KeyError, TypeError, ZeroDivisionError, AttributeError) as exc:  # analysis must not stop the export
        facts.d.note(f"第{key}节数据分析", exc)
        return []


__all__ = ["Facts", "generate", "GENERATORS"]
