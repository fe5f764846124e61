"""Derivations of the enterprise tables (DB4101/T 61—2023 附录D/E): 参数, per-unit consumption, standard coal
and CO₂, environmental quotas and targets, options, the performance summary."""

from __future__ import annotations

from cpxl.calc import carbon, energy, indicators
from cpxl.calc import parameters as P
from cpxl.tables.model import Table
from cpxl.workbook.read import as_number as num
from cpxl.workbook.read import filled

from .base import Derived, _row_label, _set, _sum, _sum_values, text

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
