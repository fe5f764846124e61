"""Derivations of the balances (DB11/T 1156—2022 7.3.4–7.3.7, GB/T 12452, GB/T 3484), the weighted scores and
indicator levels, the acceptance tables and the option economics (ECO.1)."""

from __future__ import annotations

from cpxl.calc import balance, economics, indicators, pollution, water
from cpxl.calc import parameters as P
from cpxl.tables.balances import INTERNAL_FLOWS
from cpxl.tables.model import Table
from cpxl.workbook.read import as_number as num

from .base import Derived, _set, text

# ---- balances (DB11/T 1156—2022 7.3.4–7.3.7) ---------------------------------------------------------------



def material_totals(d: Derived) -> tuple[float | None, float | None]:
    f = d.frame("BAL.1")
    if f.empty:
        return None, None
    ext = f[~f["category"].map(text).isin(INTERNAL_FLOWS)]
    ins = [num(x) for x in ext[ext["direction"].map(text) == "输入"]["qty"]]
    outs = [num(x) for x in ext[ext["direction"].map(text) == "输出"]["qty"]]
    ins, outs = [x for x in ins if x is not None], [x for x in outs if x is not None]
    return (sum(ins) if ins else None), (sum(outs) if outs else None)


def _bal1(d: Derived, table: Table) -> None:
    f = d.frames["BAL.1"]
    tol = d.param(P.K_MATERIAL_TOL)
    sums: dict[str, tuple[list[float], list[float]]] = {}
    for op, direction, qty in zip(f["unit_op"].map(text), f["direction"].map(text), f["qty"]):
        x = num(qty)
        if x is None:
            continue
        ins, outs = sums.setdefault(op, ([], []))
        (ins if direction == "输入" else outs if direction == "输出" else []).append(x)
    for idx in f.index:
        unit_op = text(f.at[idx, "unit_op"])
        ins, outs = sums.get(unit_op, ([], []))
        # 本单元平衡偏差 = (Σ输入 − Σ输出) / Σ输入 (DB11/T 1156 7.3.4 b)
        _set(f, idx, "unit_dev", lambda: balance.balance_dev(ins, outs) if ins and sum(ins) > 0 else None, d,
             f"表BAL.1“{unit_op}”平衡偏差")
    total_in, total_out = material_totals(d)
    fields = d.fields.setdefault("BAL.1", {})
    fields["total_in"], fields["total_out"] = total_in, total_out
    if total_in and total_out is not None:  # no outputs given: no deviation (blank outputs are not 0)
        fields["total_dev"] = balance.balance_dev([total_in], [total_out])
        fields["verdict"] = balance.balance_ok([total_in], [total_out], tol)


def _bal2(d: Derived, table: Table) -> None:
    f = d.frames["BAL.2"]
    for idx in f.index:
        fresh, reused = num(f.at[idx, "fresh"]), num(f.at[idx, "reused"])
        name = text(f.at[idx, "unit"])
        # Vt = Vf + Vr; 重复利用率 R = Vr/Vt; 偏差 = (Vf − Vco − Vd − Vl)/Vf (GB/T 12452)
        _set(f, idx, "total", lambda: None if fresh is None and reused is None else (fresh or 0) + (reused or 0), d, "")
        _set(f, idx, "reuse_rate", lambda: water.reuse_rate(reused, fresh) if fresh and reused is not None else None, d,
             f"表BAL.2“{name}”重复利用率")
        parts = [num(f.at[idx, k]) for k in ("consumed", "discharged", "leaked")]
        _set(f, idx, "dev", lambda: water.water_dev(fresh, *(p or 0 for p in parts)) if fresh and any(p is not None for p in parts) else None,
             d, f"表BAL.2“{name}”平衡偏差")


def _bal3(d: Derived, table: Table) -> None:
    f = d.frames["BAL.3"]
    for idx in f.index:
        sup, eff = num(f.at[idx, "supplied"]), num(f.at[idx, "effective"])
        losses = [num(f.at[idx, k]) or 0 for k in ("loss_flue", "loss_surface", "loss_other")]
        name = text(f.at[idx, "unit"])
        # 能量利用率 η = 有效利用能量/供入能量 (GB/T 3484)
        _set(f, idx, "efficiency", lambda: balance.energy_eff(eff, sup) if sup and eff is not None else None, d,
             f"表BAL.3“{name}”能量利用率")
        _set(f, idx, "dev", lambda: balance.balance_dev([sup], [eff] + losses) if sup and eff is not None else None, d,
             f"表BAL.3“{name}”平衡偏差")


def _bal4(d: Derived, table: Table) -> None:
    f = d.frames["BAL.4"]
    for idx in f.index:
        g, ce, re_ = (num(f.at[idx, k]) for k in ("generated", "capture_eff", "removal_eff"))
        name = text(f.at[idx, "pollutant"])
        # 理论排放量 = 产生量 × (1 − 收集效率 × 去除效率) (DB11/T 1156 7.3.7)
        _set(f, idx, "theoretical", lambda: pollution.emission(g, ce, re_) if None not in (g, ce, re_) else None, d,
             f"表BAL.4“{name}”理论排放量")
        outs = [num(f.at[idx, k]) for k in ("removed", "stack", "fugitive")]
        _set(f, idx, "dev", lambda: balance.balance_dev([g], [x or 0 for x in outs]) if g and any(x is not None for x in outs) else None,
             d, f"表BAL.4“{name}”平衡偏差")


# ---- scoring and levels ----------------------------------------------------------------------------------


def _scoring(keys: tuple[str, ...], name_key: str):
    def run(d: Derived, table: Table) -> None:
        f = d.frames[table.id]
        weight_rows = [i for i in f.index if text(f.at[i, "no"]) == "权重值W"]
        if not weight_rows:
            return
        w = [num(f.at[weight_rows[0], k]) for k in keys]
        used = [j for j, x in enumerate(w) if x is not None]
        scores = {}
        for idx in f.index:
            if idx in weight_rows or not text(f.at[idx, name_key]):
                continue
            r = [num(f.at[idx, keys[j]]) for j in used]
            if all(x is None for x in r):
                continue
            # 总分 = Σ W·R (权重总和计分排序法, DB11/T 1156 7.2.9、7.4.3)
            _set(f, idx, "score", lambda r=r: indicators.weighted_score([w[j] for j in used], [x or 0 for x in r]), d,
                 f"表{table.id}“{text(f.at[idx, name_key])}”总分")
            if num(f.at[idx, "score"]) is not None:
                scores[idx] = num(f.at[idx, "score"])
        for idx, s in scores.items():
            _set(f, idx, "rank", lambda s=s: indicators.rank(s, list(scores.values())), d, "")
    return run


def _ind1(d: Derived, table: Table) -> None:
    f = d.frames["IND.1"]
    for idx in f.index:
        levels = [num(f.at[idx, k]) for k in ("level_1", "level_2", "level_3")]
        direction = text(f.at[idx, "direction"]) or "越小越好"
        for value_key, grade_key in (("value_before", "grade_before"), ("value_after", "grade_after")):
            x = num(f.at[idx, value_key])
            if x is None:
                continue  # a qualitative level typed by the auditor stays
            # 达到级别 (《清洁生产评价指标体系编制通则》（试行稿，2013）)
            _set(f, idx, grade_key, lambda x=x: indicators.level(x, *levels, direction) if None not in levels else None, d,
                 f"表IND.1“{text(f.at[idx, 'indicator'])}”达到级别")


def _acc2(d: Derived, table: Table) -> None:
    f = d.frames["ACC.2"]
    for idx in f.index:
        a, b = num(f.at[idx, "inv_before"]), num(f.at[idx, "inv_after"])
        _set(f, idx, "inv_change", lambda: b - a if a is not None and b is not None else None, d, "")


def _acc3(d: Derived, table: Table) -> None:
    f = d.frames["ACC.3"]
    for idx in f.index:
        a, b = num(f.at[idx, "before"]), num(f.at[idx, "after"])
        _set(f, idx, "change", lambda: a - b if a is not None and b is not None else None, d, "")
        # 削减率 = (审核前 − 审核后)/审核前 (DB4101/T 61 7.3.5.1)
        _set(f, idx, "change_rate", lambda: indicators.reduction(a, b) if a and b is not None else None, d,
             f"表ACC.3“{text(f.at[idx, 'indicator'])}”削减率")




# ---- ECO.1 中/高费方案经济评价 (DB11/T 1156—2022 7.5.5；《企业清洁生产审核手册》) -------------------------------


def _eco1(d: Derived, table: Table) -> None:
    """F, N, NPV, IRR and the verdict of each option row, as the sheet computes them: I = 总投资 − 补贴,
    P = 年收入增加额 + 年运行费用节省额, Y whole years; N and IRR blank when F ≤ 0."""
    f = d.frames["ECO.1"]
    rate, tax, max_pb = d.param(P.K_DISCOUNT), d.param(P.K_TAX), d.param(P.K_PAYBACK)
    keys = ("cash_flow", "payback", "npv", "irr", "verdict")
    for idx in f.index:
        invest, life = num(f.at[idx, "investment"]), num(f.at[idx, "life"])
        subsidy, income, saving = (num(f.at[idx, k]) or 0.0 for k in ("subsidy", "income", "saving"))
        i0 = invest - subsidy if invest is not None else None
        if not text(f.at[idx, "option_id"]) or i0 is None or life is None or i0 <= 0 or life <= 0 or life != int(life):
            for key in keys:
                _set(f, idx, key, lambda: None, d, "")
            continue
        where = f"表ECO.1“{text(f.at[idx, 'name'])}”"
        years = int(life)
        flow = economics.cash_flow(income + saving, i0, life, tax)
        _set(f, idx, "cash_flow", lambda: flow, d, where + "年现金流量")
        _set(f, idx, "payback", lambda: economics.payback(i0, flow) if flow > 0 else None, d, where + "投资回收期")
        _set(f, idx, "npv", lambda: economics.npv(i0, flow, years, rate), d, where + "净现值")
        _set(f, idx, "irr", lambda: economics.irr(i0, flow, years) if flow > 0 else None, d, where + "内部收益率")
        _set(f, idx, "verdict", lambda: economics.econ_ok(i0, flow, years, rate, max_pb), d, where + "经济可行性")
