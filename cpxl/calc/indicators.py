"""Indicators, targets, levels and scoring.

* per-unit indicators and relative reductions (DB4101/T 61—2023 表D.10–D.12 单耗, 表D.24 相对值);
* level of one indicator against 清洁生产评价指标体系 I/II/III 级 values;
* 权重总和计分排序法 (DB11/T 1156—2022 7.2.9, 7.4.3);
* composite index Y_gk and the overall level of 《清洁生产评价指标体系编制通则》（试行稿，2013）;
* growth rates used by the park indicators (T/CPPC 工业园区清洁生产审核指南 附表1 指标 3、19、20).
"""

from __future__ import annotations

import math
import unicodedata

import numpy as np

from . import _validate as v

__all__ = [
    "per_unit",
    "reduction",
    "parse_direction",
    "meets",
    "target_met",
    "level",
    "cagr",
    "annual_reduction",
    "growth",
    "weighted_score",
    "rank",
    "parse_level",
    "reached_levels",
    "composite_index",
    "grade",
    "YES_WORDS",
    "NO_WORDS",
]

LEVELS = ("I级", "II级", "III级")
BELOW = "未达III级"

_LOWER = {"lower", "low", "min", "≤", "<=", "<", "越小越好", "越低越好", "小", "低", "逆向", "负向", "降低", "下降", "减少"}
_HIGHER = {"higher", "high", "max", "≥", ">=", ">", "越大越好", "越高越好", "大", "高", "正向", "提高", "上升", "增加"}

#: Words an auditor writes for a qualitative indicator that is met / not met.
YES_WORDS = {"是", "具备", "达标", "符合", "有", "满足", "通过", "已建立", "建立", "完成", "√", "✓", "y", "yes", "true", "ok"}
NO_WORDS = {"否", "不具备", "不达标", "不符合", "无", "不满足", "未通过", "未建立", "未完成", "×", "✗", "n", "no", "false"}


def _norm(text) -> str:
    return unicodedata.normalize("NFKC", str(text)).strip().replace(" ", "").lower()


def per_unit(total, output_amount) -> float:
    """Per-unit indicator = total / output [unit of total per unit of output], e.g. kgce/t, m³/t.

    output_amount must be positive: a zero output is an error, not infinity.
    Standard: DB4101/T 61—2023 表D.10、D.11、D.12 单耗；DB11/T 1156—2022 7.2.6.
    """
    t = v.number("total（总量）", total)
    o = v.number("output_amount（产量）", output_amount)
    if o <= 0:
        raise ValueError(f"output_amount（产量）须为正数，收到 {v.fmt(o)}；产量为 0 时单耗无意义")
    return t / o


def reduction(baseline, value) -> float:
    """Relative reduction (baseline − value) / baseline [-] (positive = decrease).

    Standard: DB4101/T 61—2023 表D.24、D.33 目标“相对值(%)”.
    """
    b = v.number("baseline（基准期值）", baseline)
    if b <= 0:
        raise ValueError(f"baseline（基准期值）须为正数，收到 {v.fmt(b)}")
    x = v.number("value（目标值或现状值）", value)
    return (b - x) / b


def parse_direction(direction) -> str:
    """“lower” (smaller is better, the default) or “higher”; accepts 越小越好/越大越好/≤/≥/正向/逆向 …"""
    if direction is None or v.is_blank(direction):
        return "lower"
    d = _norm(direction)
    if d in _LOWER:
        return "lower"
    if d in _HIGHER:
        return "higher"
    raise ValueError(f"direction（指标方向）须为“lower/越小越好”或“higher/越大越好”，收到 {v.fmt(direction)}")


def meets(value: float, threshold: float, direction: str) -> bool:
    return value <= threshold if direction == "lower" else value >= threshold


def target_met(target, actual, direction="lower") -> str:
    """"是" when the actual value reaches the target, else "否".

    direction lower: actual ≤ target; higher: actual ≥ target.
    Standard: DB4101/T 61—2023 表D.33、D.38 目标完成情况.
    """
    t = v.number("target（目标值）", target)
    a = v.number("actual（实际值）", actual)
    return "是" if meets(a, t, parse_direction(direction)) else "否"


def _thresholds(level_I, level_II, level_III, d: str) -> tuple[float, float, float]:
    t1 = v.number("level_I（I级基准值）", level_I)
    t2 = v.number("level_II（II级基准值）", level_II)
    t3 = v.number("level_III（III级基准值）", level_III)
    ok = (t1 <= t2 <= t3) if d == "lower" else (t1 >= t2 >= t3)
    if not ok:
        order = "I ≤ II ≤ III" if d == "lower" else "I ≥ II ≥ III"
        raise ValueError(
            f"level_I/level_II/level_III（{v.fmt(t1)}、{v.fmt(t2)}、{v.fmt(t3)}）与方向“{d}”不符，应为 {order}"
        )
    return t1, t2, t3


def level(value, level_I, level_II, level_III, direction="lower") -> str:
    """Level of one indicator: "I级" / "II级" / "III级" / "未达III级".

    direction lower (越小越好): value ≤ threshold; higher: value ≥ threshold; a value reaching I also
    reaches II and III.  Thresholds must be ordered consistently with the direction.
    Standard: 《清洁生产评价指标体系编制通则》（试行稿，2013）；DB11/T 1156—2022 7.2.8 b).
    """
    x = v.number("value（指标值）", value)
    d = parse_direction(direction)
    for name, t in zip(LEVELS, _thresholds(level_I, level_II, level_III, d)):
        if meets(x, t, d):
            return name
    return BELOW


def cagr(current, base, years=3) -> float:
    """Average annual growth rate = (current / base)^(1 / years) − 1 [-].

    Park indicator 3: [(当年工业增加值 / 三年前工业增加值)^(1/3) − 1] × 100 %.
    Standard: T/CPPC 工业园区清洁生产审核指南 附件1 指标(3).
    """
    c = v.positive("current（当年值）", current)
    b = v.positive("base（基年值）", base)
    n = 3.0 if years is None or v.is_blank(years) else v.positive("years（间隔年数）", years)
    return (c / b) ** (1.0 / n) - 1.0


def annual_reduction(current, base, years=3) -> float:
    """Average annual reduction rate = 1 − (current / base)^(1 / years) [-] (positive = decrease).

    Park indicator 19 (单位工业增加值二氧化碳排放量年均削减率).  The guide prints
    [(当年/三年前)^(1/3) − 1] × 100 %, which is negative for a decrease while its levels (≥3 %, ≥5 %)
    are positive; the sign is therefore reversed here so that a decrease gives a positive rate.
    Standard: T/CPPC 工业园区清洁生产审核指南 附件1 指标(19).
    """
    return -cagr(current, base, years)


def growth(current, previous) -> float:
    """Growth rate = (current − previous) / previous [-].

    Park indicator 20 (园区二氧化碳排放量增长率).
    Standard: T/CPPC 工业园区清洁生产审核指南 附件1 指标(20).
    """
    c = v.nonnegative("current（当年值）", current)
    p = v.positive("previous（上年值）", previous)
    return (c - p) / p


def _matrix(label: str, values) -> np.ndarray:
    """2-D float array (NaN for blanks) from a number, a list or a nested list."""
    try:
        if isinstance(values, np.ndarray):
            arr = values.astype(object)
        else:
            arr = np.array(values if isinstance(values, (list, tuple)) else [values], dtype=object)
    except ValueError:
        raise ValueError(f"{label}各行的个数不一致") from None
    if arr.ndim == 1:
        arr = arr.reshape(1, -1)
    if arr.ndim != 2:
        raise ValueError(f"{label}须为一行、一列或一个区域")
    out = np.full(arr.shape, math.nan)
    for (i, j), item in np.ndenumerate(arr):
        if not v.is_blank(item):
            out[i, j] = v.number(f"{label}第 {i + 1} 行第 {j + 1} 列", item)
    return out


def weighted_score(weights, scores):
    """Weighted sum score S = Σ W_i · R_i (权重总和计分排序法).

    weights W: the criteria weights (one row or column); scores R: one option's scores (same length,
    each 0–10; the manual scores 1–10) or a region with one row per option (or one column per option),
    then one S per option is returned.
    Standard: DB11/T 1156—2022 7.2.9、7.4.3；《企业清洁生产审核手册》.
    """
    w = v.vector("weights（权重）", weights, keep_blanks=True)
    if np.isnan(w).any():
        raise ValueError(f"weights（权重）第 {int(np.flatnonzero(np.isnan(w))[0]) + 1} 项为空")
    if (w < 0).any():
        raise ValueError(f"weights（权重）不能为负数，收到 {v.fmt(float(w[w < 0][0]))}")
    r = _matrix("scores（得分）", scores)
    n = w.size
    if r.shape[1] == n:
        by_rows = True
    elif r.shape[0] == n:
        r, by_rows = r.T, False
    else:
        raise ValueError(f"scores（得分）的行或列数须等于 weights（权重）的个数 {n}，收到 {r.shape[0]}×{r.shape[1]}")
    if np.isnan(r).any():
        i, j = np.argwhere(np.isnan(r))[0]
        raise ValueError(f"scores（得分）第 {i + 1} 个方案第 {j + 1} 项为空")
    bad = (r < 0) | (r > 10)
    if bad.any():
        raise ValueError(f"scores（得分）须在 0～10 之间，收到 {v.fmt(float(r[bad][0]))}")
    s = r @ w
    if s.size == 1:
        return float(s[0])
    return s if by_rows else s.reshape(1, -1)


def rank(score, scores) -> int:
    """Rank of a score among scores, 1 = highest; equal scores share a rank (like Excel RANK).

    Standard: DB11/T 1156—2022 7.2.9、7.4.3 权重总和计分排序法.
    """
    s = v.number("score（得分）", score)
    arr = v.vector("scores（全部得分）", scores)
    return int(1 + np.sum(arr > s + 1e-9 * max(1.0, abs(s))))


def parse_level(level_name) -> int:
    """1, 2 or 3 for "I"/"I级"/"Ⅰ级"/"一级"/1 …"""
    if isinstance(level_name, (int, float)) and not isinstance(level_name, bool) and level_name in (1, 2, 3):
        return int(level_name)
    if isinstance(level_name, str):
        k = _norm(level_name).upper().replace("级", "").replace("LEVEL", "")
        table = {"I": 1, "II": 2, "III": 3, "1": 1, "2": 2, "3": 3, "一": 1, "二": 2, "三": 3}
        if k in table:
            return table[k]
    raise ValueError(f"level（级别）须为 I、II 或 III，收到 {v.fmt(level_name)}")


def reached_levels(value, level_I, level_II, level_III, direction="lower") -> tuple[bool, bool, bool] | None:
    """(reaches I, reaches II, reaches III) of one indicator, cumulative; None when not assessed.

    value: a number, or for a qualitative indicator 是/具备/达标 … (reaches every level),
    否/不具备 … (none) or a level judged by the auditor (“II级”).
    """
    if v.is_blank(value):
        return None
    if isinstance(value, str):
        k = _norm(value)
        if k in YES_WORDS:
            return (True, True, True)
        if k in NO_WORDS:
            return (False, False, False)
        if k in ("未达iii级", "未达到iii级", "不达标级"):
            return (False, False, False)
        try:
            g = parse_level(value)
        except ValueError:
            raise ValueError(f"value（指标值）须为数值、是/否或 I级/II级/III级，收到 {v.fmt(value)}") from None
        return tuple(g <= k for k in (1, 2, 3))  # type: ignore[return-value]
    if isinstance(value, bool):
        return (value, value, value)
    x = v.number("value（指标值）", value)
    d = parse_direction(direction)
    t = _thresholds(level_I, level_II, level_III, d)
    r3 = meets(x, t[2], d)
    r2 = meets(x, t[1], d)
    r1 = meets(x, t[0], d)
    return (r1, r1 or r2, r1 or r2 or r3)


def _column(label, values, n, *, default=None):
    if values is None or (not isinstance(values, (list, tuple, np.ndarray)) and v.is_blank(values)):
        return [default] * n
    flat = v._flatten(values)
    if len(flat) == 1:
        return flat * n
    if len(flat) != n:
        raise ValueError(f"{label}的个数（{len(flat)}）与 values（指标值）的个数（{n}）不一致")
    return flat


def _evaluate(values, level_I, level_II, level_III, directions, weights, group_weights, groups):
    vals = v._flatten(values)
    n = len(vals)
    l1 = _column("level_I（I级基准值）", level_I, n)
    l2 = _column("level_II（II级基准值）", level_II, n)
    l3 = _column("level_III（III级基准值）", level_III, n)
    ds = _column("directions（指标方向）", directions, n)
    ws = _column("weights（二级指标权重）", weights, n)
    gws = _column("group_weights（一级指标权重）", group_weights, n) if group_weights is not None else None
    gs = _column("groups（一级指标）", groups, n) if groups is not None else None
    if gws is not None and gs is None:
        raise ValueError("给出 group_weights（一级指标权重）时须同时给出 groups（一级指标名称）")

    reach, weight, group, gweight = [], [], [], {}
    for k in range(n):
        try:
            r = reached_levels(vals[k], l1[k], l2[k], l3[k], ds[k])
        except ValueError as exc:
            raise ValueError(f"第 {k + 1} 项指标：{exc}") from None
        reach.append(r)
        w = v.nonnegative(f"weights（二级指标权重）第 {k + 1} 项", ws[k])
        weight.append(w)
        g = gs[k] if gs is not None else ""
        g = "" if v.is_blank(g) else str(g).strip()
        group.append(g)
        if gws is not None:
            gw = v.nonnegative(f"group_weights（一级指标权重）第 {k + 1} 项", gws[k])
            if g in gweight and not math.isclose(gweight[g], gw, rel_tol=1e-9):
                raise ValueError(f"一级指标“{g}”的权重不一致（{v.fmt(gweight[g])} 与 {v.fmt(gw)}）")
            gweight[g] = gw
    return reach, np.array(weight), group, (gweight if gws is not None else None)


def _index(reach, weight, group, gweight, level_no: int) -> float:
    assessed = np.array([r is not None for r in reach])
    if not assessed.any():
        raise ValueError("values（指标值）全部为空，无法计算综合评价指数")
    hit = np.array([bool(r and r[level_no - 1]) for r in reach], dtype=float)
    eff = np.zeros(len(reach))
    if gweight is None:
        total = weight[assessed].sum()
        if total <= 0:
            raise ValueError("已评价指标的 weights（权重）之和须为正数")
        eff[assessed] = weight[assessed] / total
    else:
        names = [g for g in dict.fromkeys(group) if any(assessed[k] for k in range(len(group)) if group[k] == g)]
        gtotal = sum(gweight[g] for g in names)
        if gtotal <= 0:
            raise ValueError("已评价一级指标的 group_weights（权重）之和须为正数")
        for g in names:
            rows = [k for k in range(len(group)) if group[k] == g and assessed[k]]
            wsum = weight[rows].sum()
            if wsum <= 0:
                raise ValueError(f"一级指标“{g}”中已评价二级指标的权重之和须为正数")
            for k in rows:
                eff[k] = gweight[g] / gtotal * weight[k] / wsum
    return float(100.0 * np.sum(eff * hit))


def composite_index(level_name, values, level_I, level_II, level_III, directions, weights,
                    group_weights=None, groups=None) -> float:
    """Composite index Y_gk = Σ_i w_i Σ_j ω_ij · Y_gk(x_ij) [0–100] for level g_k (I, II or III).

    Y_gk(x_ij) = 100 when indicator x_ij reaches level g_k (cumulative: a level-I value counts for II
    and III; 越小越好 compares ≤, 越大越好 ≥), else 0.  values, level_*, directions, weights (ω),
    group_weights (w, repeated on each row) and groups (一级指标 names) are ranges of one row per
    second-level indicator; without group_weights, weights are the overall weights of the rows.
    Blank values are “not applicable”: weights are renormalised over the indicators assessed.
    Qualitative values: 是/具备/达标 (reached), 否 (not reached) or the judged level “II级”.
    Standard: 《清洁生产评价指标体系编制通则》（试行稿）国家发展改革委 环境保护部 工业和信息化部 2013年第33号公告.
    """
    k = parse_level(level_name)
    reach, weight, group, gweight = _evaluate(values, level_I, level_II, level_III, directions, weights, group_weights, groups)
    return _index(reach, weight, group, gweight, k)


def grade(values, level_I, level_II, level_III, directions, weights, group_weights=None, groups=None,
          mandatory=None) -> str:
    """Overall cleaner production level: "I级" / "II级" / "III级" / "未达III级".

    I级 (国际清洁生产领先水平): Y_I ≥ 85 and every 限定性指标 reaches I; II级 (国内清洁生产先进水平):
    Y_II ≥ 85 and every 限定性指标 reaches II; III级 (国内清洁生产一般水平): Y_III = 100.
    mandatory: per row 是/限定性/1 for a 限定性指标 (blank = no); a blank 限定性指标 value is an error.
    Other arguments as in :func:`composite_index`.
    Standard: 《清洁生产评价指标体系编制通则》（试行稿，2013）.
    """
    reach, weight, group, gweight = _evaluate(values, level_I, level_II, level_III, directions, weights, group_weights, groups)
    flags = _column("mandatory（限定性指标）", mandatory, len(reach), default=None)
    must = []
    for k, f in enumerate(flags):
        if f is None or v.is_blank(f):
            continue
        key = _norm(f)
        if key in YES_WORDS or key in ("限定性", "限定性指标", "1", "1.0", "*") or f is True or f == 1:
            if reach[k] is None:
                raise ValueError(f"第 {k + 1} 项为限定性指标，指标值不能为空")
            must.append(k)
        elif key in NO_WORDS or key in ("0", "0.0", "") or f is False or f == 0:
            continue
        else:
            raise ValueError(f"mandatory（限定性指标）第 {k + 1} 项须为“是”或空白，收到 {v.fmt(f)}")
    y1 = _index(reach, weight, group, gweight, 1)
    y2 = _index(reach, weight, group, gweight, 2)
    y3 = _index(reach, weight, group, gweight, 3)
    if y1 >= 85 - 1e-9 and all(reach[k][0] for k in must):
        return "I级"
    if y2 >= 85 - 1e-9 and all(reach[k][1] for k in must):
        return "II级"
    if y3 >= 100 - 1e-9:
        return "III级"
    return BELOW
