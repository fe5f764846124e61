"""How the analysis says things: numbers, shares and changes in a sentence, lists of names, the verdict on a
balance and the sentence on compliance (达标) — blank is “未填写”, never 0."""

from __future__ import annotations

import re

from ..compute import num, text
from ..tables import fmt_number
from .facts import Facts


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


def tally(counts: dict) -> str:
    """“中/高费 3 项、无/低费 5 项” from {kind: count}; a blank kind is not named."""
    return "、".join(f"{k} {v} 项" for k, v in counts.items() if k)


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


def verdict(dev: float, tol: float, what: str, source: str) -> str:
    """“平衡偏差 4.99%，在允许偏差 ±5% 以内，…平衡成立” — |偏差| against the tolerance, both signs."""
    sign = "（输出大于输入）" if dev < 0 else ""
    s = f"平衡偏差 {pct2(dev)}{sign}，"
    if abs(dev) <= tol + 1e-12:  # as cpxl.calc.balance.balance_ok: 5% of 100 is within ±5%
        return s + f"在允许偏差 ±{tol * 100:g}% 以内，{what}成立（{source}）"
    return s + f"超过允许偏差 ±{tol * 100:g}%，{what}不成立，应分析原因并重新实测或补充实测（{source}）"


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


__all__ = [
    "n", "pct", "pct2", "total", "names", "joined", "amount", "counted", "change", "series_sentence", "verdict",
    "OVER", "OK", "NO_LIMIT", "NO_VALUE", "limit_range", "judge", "compliance", "xref",
]
