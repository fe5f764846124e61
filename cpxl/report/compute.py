"""Every derived value of the report, recomputed from the workbook's inputs with :mod:`cpxl.calc`.

The cached results of formula cells are never used: a workbook saved by a program that does not
calculate (or edited after the last calculation) would otherwise print stale numbers. Each computed
column of the registry has its recomputation here, with the standard it follows; a value that cannot be
computed from the inputs is left blank and the reason kept in :attr:`Derived.problems`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from cpxl.calc import balance, carbon, economics, energy, indicators, pollution, water
from cpxl.calc import parameters as P
from cpxl.calc.benchmark import quartile
from cpxl.tables.balances import INTERNAL_FLOWS
from cpxl.tables.model import Table
from cpxl.workbook.read import Book, filled
from cpxl.workbook.read import as_number as num

Frame = pd.DataFrame


def text(value) -> str:
    return str(value).strip() if filled(value) else ""


@dataclass
class Derived:
    """The book's tables with computed columns, totals and form fields recomputed."""

    book: Book
    frames: dict[str, Frame] = field(default_factory=dict)
    totals: dict[str, dict[str, object]] = field(default_factory=dict)
    fields: dict[str, dict[str, object]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    params: object = None
    overrides: dict = field(default_factory=dict)
    done: bool = False
    _rows: dict[str, list[dict]] = field(default_factory=dict)
    _index: dict[str, tuple[Frame, dict]] = field(default_factory=dict)

    def frame(self, table_id: str) -> Frame:
        f = self.frames.get(table_id)
        return f if f is not None else pd.DataFrame()

    def rows(self, table_id: str) -> list[dict]:
        """Rows as dicts; cached once the derivation is complete (frames no longer change)."""
        cached = self._rows.get(table_id) if self.done else None
        if cached is not None:
            return cached
        f = self.frame(table_id)
        out = f.to_dict("records") if not f.empty else []
        if self.done:
            self._rows[table_id] = out
        return out

    def param(self, key: tuple[str, str]):
        return P.get(self.params, key)

    def output(self, i: int, product: str | None = None) -> float | None:
        """Output of year i (1..3) of `product` (default: the main product of 封面信息) from D.6."""
        if "D.6" not in self.frames:
            return None
        name = text(product) if product is not None else text(self.book.cover.get("main_product"))
        f = self.frame("D.6")
        if f.empty or not name:
            return None
        hit = f[f["product"].map(text) == name]
        vals = [num(x) for x in hit.get(f"output_{i}", [])]
        vals = [x for x in vals if x is not None]
        return sum(vals) if vals else None

    def note(self, where: str, exc: Exception) -> None:
        msg = f"{where}：{exc}"
        if msg not in self.problems:
            self.problems.append(msg)


def derive(book: Book) -> Derived:
    d = Derived(book)
    d.params = P.parameters_from_rows(book.parameters, strict=False)
    d.problems.extend(f"参数表：{w}" for w in getattr(d.params, "warnings", []))
    d.overrides = P.coefficient_overrides(d.params)
    for table in book.registry:
        data = book.tables.get(table.id)
        if data is None or not data.present:
            continue
        frame = data.frame.copy() if table.columns else pd.DataFrame()
        for col in table.columns:  # cached formula results are not used
            if col.computed and col.key in frame and not col.typed_over:
                frame[col.key] = pd.Series([None] * len(frame), index=frame.index, dtype=object)
        d.frames[table.id] = frame
        d.fields[table.id] = {k: (None if table.field(k).computed else v) for k, v in data.fields.items()}
    for table in book.registry:  # in sheet order: D.6 feeds the per-unit values, D.11 feeds D.12, R.2 feeds R.3
        if table.derive and table.id in d.frames:
            try:
                DERIVATIONS[table.derive](d, table)
            except (ValueError, KeyError, TypeError, ZeroDivisionError) as exc:  # one table's bad data
                d.note(f"表{table.id}", exc)
    for table in book.registry:
        if table.id in d.frames and table.total_label:
            f = d.frames[table.id]
            d.totals[table.id] = {c.key: _sum(f, c.key) for c in table.columns if c.total}
    for table in book.registry:  # form fields that only repeat 封面信息
        for fd in table.fields:
            m = re.fullmatch(r"=\{p\[(\w+)\]\}", fd.formula or "")
            if m and d.fields.get(table.id, {}).get(fd.key) is None:
                d.fields.setdefault(table.id, {})[fd.key] = book.cover.get(m[1])
    _joined_cover_fields(d)
    d.done = True
    return d


def _joined_cover_fields(d: Derived) -> None:
    """Form fields that join 封面信息 values, as their formulas do (表D.4 所属行业及代码; 表E.3 联系方式)."""
    cover = d.book.cover

    def put(table_id: str, key: str, value: str) -> None:
        if table_id in d.fields:
            d.fields[table_id][key] = value or None

    industry, code = text(cover.get("industry")), text(cover.get("industry_code"))
    put("D.4", "industry", f"{industry}（{code}）" if code else industry)
    for key, first, second in (("company_contact", "contact", "phone"), ("consultant_rep", "consultant_lead", "consultant_phone")):
        put("E.3", key, " ".join(x for x in (text(cover.get(first)), text(cover.get(second))) if x))


def _sum_values(values) -> float | None:
    vals = [num(x) for x in values]
    vals = [x for x in vals if x is not None]
    return sum(vals) if vals else None


def _sum(f: Frame, key: str) -> float | None:
    return None if f.empty or key not in f else _sum_values(f[key])


def _set(f: Frame, idx, key: str, fn: Callable[[], object], d: Derived, where: str) -> None:
    try:
        value = fn()
    except (ValueError, ZeroDivisionError, TypeError) as exc:
        d.note(where, exc)
        value = None
    if key not in f:
        f[key] = None
    if f[key].dtype != object:
        f[key] = f[key].astype(object)
    f.at[idx, key] = value


def _row_label(f: Frame, idx, key: str) -> str:
    return text(f.at[idx, key]) if key in f else ""


# ---- 参数 ------------------------------------------------------------------------------------------------


def _adopted(d: Derived, table: Table) -> None:
    """采用值 = 数值, or 默认值 where 数值 is blank, as the sheet's ``=IF(数值="",默认值,数值)`` (a blank
    默认值 then reads 0, as a formula's reference to an empty cell does). Every other derivation takes the
    settings from cpxl.calc.parameters, which merges the same rows and validates them."""
    f = d.frames[table.id]
    for idx in f.index:
        value, default = f.at[idx, "value"], f.at[idx, "default"]
        _set(f, idx, "effective", lambda v=value, dv=default: v if filled(v) else dv if filled(dv) else 0, d, "")


# ---- 4.1.2 per-unit consumption (DB4101/T 61—2023 表D.7、D.10、D.11、D.12) ------------------------------


def _per_unit_main(d: Derived, table: Table) -> None:
    """单耗 of every row against the main product's output (表D.10、D.11; rows named by `Table.name_key`)."""
    f = d.frames[table.id]
    for idx in f.index:
        for i in (1, 2, 3):
            total = num(f.at[idx, f"total_{i}"])
            if total is None:
                _set(f, idx, f"per_unit_{i}", lambda: None, d, "")
                continue
            out = d.output(i)
            # 单耗 = 总耗 / 单耗基准产品产量 (表D.10、D.11 单耗)
            _set(f, idx, f"per_unit_{i}", lambda t=total, o=out: indicators.per_unit(t, o) if o else None, d,
                 f"表{table.id}“{_row_label(f, idx, table.name_key)}”单耗")


def _d7(d: Derived, table: Table) -> None:
    f = d.frames["D.7"]
    for idx in f.index:
        product = text(f.at[idx, "product"])
        for i in (1, 2, 3):
            total = num(f.at[idx, f"total_{i}"])
            out = d.output(i, product) if total is not None else None
            # 单耗 = 总耗 / 该产品产量 (表D.7; DB4101/T 61 6.5.1.2.4 a)
            _set(f, idx, f"per_unit_{i}", lambda t=total, o=out: indicators.per_unit(t, o) if (t is not None and o) else None,
                 d, f"表D.7“{_row_label(f, idx, 'material')}”单耗")


def _d11_by_energy(d: Derived) -> dict[str, list[int]]:
    """Positions of the D.11 rows by their energy name, built once per D.11 frame (its inputs do not change
    while the derivation runs; only its per-unit columns are computed)."""
    f = d.frame("D.11")
    cached = d._index.get("D.11")
    if cached is not None and cached[0] is f:
        return cached[1]
    index: dict[str, list[int]] = {}
    for pos, name in enumerate(f["energy"].tolist() if "energy" in f else []):
        index.setdefault(text(name), []).append(pos)
    d._index["D.11"] = (f, index)
    return index


def d11_quantity(d: Derived, name: str, i: int) -> tuple[float | None, str | None]:
    """Σ D.11 total of year i for energy `name` and its unit (SUMIF/INDEX-MATCH of the sheet)."""
    f = d.frame("D.11")
    if f.empty:
        return None, None
    hit = _d11_by_energy(d).get(text(name))
    if not hit:
        return None, None
    totals, units = f[f"total_{i}"].tolist(), f["total_unit"].tolist()
    vals = [num(totals[p]) for p in hit]
    vals = [x for x in vals if x is not None]
    unit = text(units[hit[0]]) or None
    return (sum(vals) if vals else None), unit


def _d12(d: Derived, table: Table) -> None:
    f = d.frames["D.12"]
    for idx in f.index:
        name = text(f.at[idx, "name"])
        if not name:
            continue
        where = f"表D.12“{name}”"
        # 折标准煤系数: GB/T 2589-2020 表A.1/表B.1 or the auditor's value in 参数
        _set(f, idx, "coef", lambda: energy.coefficient(name, overrides=d.overrides).value, d, where + "折标准煤系数")
        _set(f, idx, "coef_unit", lambda: "kgce/" + energy.coefficient(name, overrides=d.overrides).unit, d, where + "系数单位")
        for i in (1, 2, 3):
            q, unit = d11_quantity(d, name, i)
            # 总耗 [kgce] = 实物量 × 折标准煤系数 (GB/T 2589-2020 第4章；表D.12)
            _set(f, idx, f"total_{i}",
                 lambda q=q, unit=unit: energy.tce(q, name, None, unit, overrides=d.overrides) if q is not None else None,
                 d, where + "总耗")
            t, out = num(f.at[idx, f"total_{i}"]), d.output(i)
            _set(f, idx, f"per_unit_{i}", lambda t=t, o=out: indicators.per_unit(t, o) if (t is not None and o) else None,
                 d, where + "单耗")


def d12_totals(d: Derived) -> dict[str, float | None]:
    """合计综合能耗 per year [kgce] and its per-unit value (GB/T 2589-2020: Σ of the rows)."""
    f = d.frame("D.12")
    out = {}
    for i in (1, 2, 3):
        out[f"total_{i}"] = _sum(f, f"total_{i}")
        o = d.output(i)
        out[f"per_unit_{i}"] = out[f"total_{i}"] / o if (out[f"total_{i}"] is not None and o) else None
    return out


def _d11_co2(d: Derived, i: int) -> list[tuple[str, float | None]]:
    """(energy, CO2 [tCO2] or None when 表E.4 注b gives no method) of each D.11 row with a year-i amount:
    electricity × grid factor, fossil energy as standard coal × 2.7725 tCO2/tce."""
    out = []
    for r in d.rows("D.11"):
        q, name = num(r.get(f"total_{i}")), text(r.get("energy"))
        if q is None or not name:
            continue
        try:
            out.append((name, carbon.co2(q, name, unit=text(r.get("total_unit")) or None, overrides=d.overrides,
                                         coal_factor=d.param(P.K_COAL_FACTOR), grid_factor=d.param(P.K_GRID_FACTOR))))
        except ValueError:
            out.append((name, None))
    return out


def co2_by_year(d: Derived) -> list[float | None]:
    """CO2 of the D.11 energies per year [tCO2] (表E.4 注b); media without a method are left out."""
    out: list[float | None] = []
    for i in (1, 2, 3):
        values = [x for _, x in _d11_co2(d, i) if x is not None]
        out.append(sum(values) if values else None)
    return out


def co2_uncounted(d: Derived, i: int) -> list[str]:
    """D.11 energies of year i left out of the CO2 because 表E.4 注b gives no method for them."""
    return [name for name, x in _d11_co2(d, i) if x is None]


# ---- 环保、目标 ------------------------------------------------------------------------------------------


def _d23(d: Derived, table: Table) -> None:
    f = d.frames["D.23"]
    for idx in f.index:
        quota, base = num(f.at[idx, "quota"]), num(f.at[idx, "base"])
        # 是否满足要求: 基准期排放总量 ≤ 总量控制指标 (表D.23)
        _set(f, idx, "ok", lambda: ("是" if base <= quota else "否") if quota is not None and base is not None else None, d, "")


def _targets(d: Derived) -> dict[str, dict]:
    f = d.frame("D.24")
    return {text(r.get("indicator")): r for r in (f.to_dict("records") if not f.empty else []) if text(r.get("indicator"))}


def relative(base, value, direction) -> float | None:
    """相对值 [%] of `value` against 基准期值, signed by the target's direction (表D.24 注: 降低类指标 =
    (基准期值 − 目标值) ÷ 基准期值 × 100%)."""
    b, x = num(base), num(value)
    if b is None or x is None or b <= 0:
        return None
    r = indicators.reduction(b, x) * 100
    return round(-r if indicators.parse_direction(direction or "降低") == "higher" else r, 2)


def _target_table(value_key: str, rel_key: str, met: bool):
    def run(d: Derived, table: Table) -> None:
        f = d.frames[table.id]
        targets = _targets(d)
        for idx in f.index:
            t = targets.get(text(f.at[idx, "indicator"]))
            if t is None:
                continue
            for key in ("unit", "base", "near_abs", "near_rel"):
                _set(f, idx, key, lambda k=key: t.get(k), d, "")
            direction = text(t.get("direction")) or "降低"
            _set(f, idx, rel_key, lambda: relative(t.get("base"), f.at[idx, value_key], direction), d,
                 f"表{table.id}“{text(f.at[idx, 'indicator'])}”相对值")
            if met:
                near, act = num(t.get("near_abs")), num(f.at[idx, value_key])
                # 是否完成: 实际值达到近期目标 (表D.42; DB4101/T 61 7.3.5.2)
                _set(f, idx, "met", lambda: indicators.target_met(near, act, direction) if near is not None and act is not None else None,
                     d, f"表{table.id}“{text(f.at[idx, 'indicator'])}”是否完成")
    return run


# ---- options ---------------------------------------------------------------------------------------------


def option_classes(d: Derived) -> dict[str, str]:
    f = d.frame("D.30")
    if f.empty:
        return {}
    return {text(r["option_id"]): text(r.get("cost_class")) for r in f.to_dict("records") if text(r.get("option_id"))}


def _d31(d: Derived, table: Table) -> None:
    f = d.frames["D.31"]
    classes = option_classes(d)
    for idx in f.index:
        _set(f, idx, "cost_class", lambda: classes.get(text(f.at[idx, "option_id"])) or None, d, "")


def _pair_totals(pairs: tuple[tuple[str, str, str], ...], rates: dict[str, tuple[str, str]] | None = None):
    """合计 = 无/低费 + 中/高费 (表D.36、D.39、D.40、D.41); rate rows are the ratio of the summed rows."""
    def run(d: Derived, table: Table) -> None:
        f = d.frames[table.id]
        by_item = {text(f.at[i, "item"]): i for i in f.index} if "item" in f else {}
        for idx in f.index:
            item = text(f.at[idx, "item"]) if "item" in f else ""
            for low, high, total in pairs:
                if rates and item in rates:
                    num_item, den_item = rates[item]

                    def ratio(n=num_item, dd=den_item):
                        a = [num(f.at[by_item[n], c]) for c in (low, high)] if n in by_item else []
                        b = [num(f.at[by_item[dd], c]) for c in (low, high)] if dd in by_item else []
                        if all(x is None for x in a):  # 完成数量 not given: no rate (not 0 %)
                            return None
                        sa = sum(x for x in a if x is not None)
                        sb = sum(x for x in b if x is not None)
                        return round(sa / sb * 100, 2) if sb else None
                    _set(f, idx, total, ratio, d, f"表{table.id}“{item}”")
                    continue
                a, b = num(f.at[idx, low]), num(f.at[idx, high])
                _set(f, idx, total, lambda a=a, b=b: None if a is None and b is None else (a or 0) + (b or 0), d, "")
    return run


def _d39_rates(d: Derived, table: Table) -> None:
    f = d.frames["D.39"]
    items = {text(f.at[i, "item"]): i for i in f.index}
    adjusted = items.get("调整后方案数量（若有，个）")
    planned = "审核报告方案数量（个）"
    if adjusted is not None and any(num(f.at[adjusted, c]) for c in ("low", "high")):
        planned = "调整后方案数量（若有，个）"
    _pair_totals((("low", "high", "total"),), {"实施率（%）": ("方案实施完成数量（个）", planned)})(d, table)


# ---- E.4 审核绩效汇总表 -------------------------------------------------------------------------------------

_E4_ENERGY = {"节电": "电力", "节煤": "标准煤", "节油": "原油", "节天然气": "天然气"}
_E4_UNITS = {"吨": "t", "度": "kWh", "m³": "m³"}


def _e4(d: Derived, table: Table) -> None:
    fields = d.fields.setdefault("E.4", {})
    d38 = d.frame("D.38")
    rows = d38.to_dict("records") if not d38.empty else []
    rows = [r for r in rows if text(r.get("option_id")) or text(r.get("name"))]
    # counts and investments of 表D.38; an empty D.38 leaves them blank (not 0), a blank investment is not 0
    for cls, suffix in (("无/低费", "low"), ("中/高费", "high")):
        sel = [r for r in rows if text(r.get("cost_class")) == cls]
        fields[f"n_{suffix}"] = len(sel) if rows else None
        fields[f"inv_{suffix}"] = _sum_values(r.get("investment") for r in sel)
    # 总数 and 总投资 = 无/低费 + 中/高费 (表E.4)
    fields["n_total"] = fields["n_low"] + fields["n_high"] if rows else None
    fields["inv_total"] = _sum_values((fields["inv_low"], fields["inv_high"]))
    d41 = d.frame("D.41")
    for col in ("audit_low", "audit_high", "audit_total", "year_low", "year_high", "year_total"):
        prefix, part = col.split("_")
        fields[f"econ_{prefix}_{part}"] = _sum(d41, col)
    f = d.frames["E.4"]
    for idx in f.index:
        ind = text(f.at[idx, "indicator"])
        annual = num(f.at[idx, "annual"])
        if ind not in _E4_ENERGY or annual is None:
            continue
        unit = _E4_UNITS.get(text(f.at[idx, "unit"]), text(f.at[idx, "unit"]) or None)
        # 折合碳减排量 (表E.4 注b；环办科财函〔2022〕136号)
        _set(f, idx, "co2", lambda: carbon.co2(annual, _E4_ENERGY[ind], unit=unit, overrides=d.overrides,
                                              coal_factor=d.param(P.K_COAL_FACTOR), grid_factor=d.param(P.K_GRID_FACTOR)),
             d, f"表E.4“{ind}”碳减排量")


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


# ---- park (T/CPPC 附件1) -------------------------------------------------------------------------------------


def park_data(d: Derived) -> dict[str, tuple]:
    """表P.2 base data by item key (the one matching of `cpxl.workbook.park_checks`)."""
    from cpxl.workbook.park_checks import park_inputs

    return park_inputs(d.book)


def park_results(d: Derived):
    """The indicators evaluated for the park (参评 ones), as `cpxl check` evaluates them."""
    from cpxl.workbook.park_checks import park_results as evaluate

    return list(evaluate(d.book)[0].values()) if "P.1" in d.book.tables else []


def _p1(d: Derived, table: Table) -> None:
    from cpxl.calc.park import ADVANCED

    f = d.frames["P.1"]
    results = {r.no: r for r in park_results(d)}
    for idx in f.index:
        no = num(f.at[idx, "no"])
        res = results.get(int(no)) if no is not None else None
        if res is None:
            continue
        if res.error:
            d.note(f"表P.1 指标{res.no}“{res.name}”", ValueError(res.error))
        if num(f.at[idx, "value"]) is None and isinstance(res.value, (int, float)):
            _set(f, idx, "value", lambda: res.value, d, "")  # computed from 表P.2 (附件1 计算公式)
        _set(f, idx, "level", lambda: res.level, d, "")
        # 距下一水平差距: 0 once the 先进 level is reached by a number (the sheet's note and formula)
        at_top = res.level == ADVANCED and isinstance(res.value, (int, float))
        _set(f, idx, "gap", lambda: 0.0 if at_top and res.gap is None else res.gap, d, "")


# ---- region (京津冀清洁生产协同审核导则 7.2.6、7.4.2) ----------------------------------------------------------


def _r2(d: Derived, table: Table) -> None:
    from cpxl.tables.region import BASES, REGION_INDICATORS

    f = d.frames["R.2"]
    for idx in f.index:
        for basis, _label, denominator in BASES:
            den = num(f.at[idx, denominator])
            for key, _fam, _tl, _tu, pp, pv in REGION_INDICATORS:
                unit, factor = pp if basis == "pp" else pv
                total = num(f.at[idx, key])
                # 单位产品/产值指标 = 总量 × 单位换算系数 / 产量（产值）(7.2.6)
                _set(f, idx, f"{key}_{basis}",
                     lambda t=total, n=den, k=factor: indicators.per_unit(t * k, n) if t is not None and n else None, d,
                     f"表R.2“{text(f.at[idx, 'company'])}”{key}")


def _r3(d: Derived, table: Table) -> None:
    from cpxl.tables.region import BENCHMARK_ORDER

    r2 = d.frame("R.2")
    f = d.frames["R.3"]
    for idx in f.index:
        no = num(f.at[idx, "no"])
        if no is None or not (1 <= no <= len(BENCHMARK_ORDER)):
            continue
        key = BENCHMARK_ORDER[int(no) - 1][1]
        vals = [x for x in (num(v) for v in (r2[key] if key in r2 else [])) if x is not None]
        _set(f, idx, "count", lambda: len(vals), d, "")
        if not vals:
            continue
        adv = quartile(vals, 1)
        med = float(np.median(vals))
        stats = {"best": min(vals), "advanced": adv, "median": med, "lagging": quartile(vals, 3),
                 "mean": float(np.mean(vals)), "worst": max(vals), "behind": sum(v > adv for v in vals),
                 "potential": (med - adv) / med if med else None}
        for k, val in stats.items():
            _set(f, idx, k, lambda val=val: val, d, "")


def _r5(d: Derived, table: Table) -> None:
    f = d.frames["R.5"]
    for idx in f.index:
        inv, ben = num(f.at[idx, "investment"]), num(f.at[idx, "benefit"])
        # 投资回收期 N = I / F (《企业清洁生产审核手册》；导则 7.4.2)
        _set(f, idx, "payback", lambda: (0.0 if inv == 0 else economics.payback(inv, ben)) if inv is not None and ben is not None else None,
             d, f"表R.5“{text(f.at[idx, 'name'])}”投资回收期")


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


#: The derivations a table's declaration names in `Table.derive`; each fills its table's computed values.
DERIVATIONS: dict[str, Callable[[Derived, Table], None]] = {
    "adopted_value": _adopted,
    "per_unit_of_its_product": _d7,
    "per_unit_of_main_product": _per_unit_main,
    "standard_coal": _d12,
    "within_quota": _d23,
    "cost_class_of_option": _d31,
    "expected_against_targets": _target_table("exp_abs", "exp_rel", met=False),
    "implementation_summary": _pair_totals((("low", "high", "total"),),
                                           {"实施率（%）": ("已完成方案数量（个）", "方案数量（个）"), "投资完成率（%）": ("已实现投资", "预期投资")}),
    "implementation_rates": _d39_rates,
    "class_totals": _pair_totals((("audit_low", "audit_high", "audit_total"), ("year_low", "year_high", "year_total"))),
    "achieved_against_targets": _target_table("act_abs", "act_rel", met=True),
    "performance_summary": _e4,
    "material_balance": _bal1,
    "water_balance": _bal2,
    "energy_balance": _bal3,
    "pollutant_balance": _bal4,
    "focus_scores": _scoring(("waste", "consumption", "env_cost", "toxic", "potential", "market", "workshop", "other"), "candidate"),
    "option_scores": _scoring(("environment", "economy", "technology", "feasibility", "other"), "option_id"),
    "indicator_levels": _ind1,
    "option_economics": _eco1,
    "investment_change": _acc2,
    "reduction": _acc3,
    "park_evaluation": _p1,
    "per_product_and_per_value": _r2,
    "benchmarks": _r3,
    "payback": _r5,
}
