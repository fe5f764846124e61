"""Every derived value of the report, recomputed from the workbook's inputs with :mod:`cpxl.calc`.

The cached results of formula cells are never used: a workbook saved by a program that does not
calculate (or edited after the last calculation) would otherwise print stale numbers. Each computed
column of the registry has its recomputation here, with the standard it follows; a value that cannot be
computed from the inputs is left blank and the reason kept in :attr:`Derived.problems`.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pandas as pd

from cpxl.calc import parameters as P
from cpxl.tables.model import Table
from cpxl.workbook.read import Book

from .balances import (
    _acc2,
    _acc3,
    _bal1,
    _bal2,
    _bal3,
    _bal4,
    _eco1,
    _ind1,
    _scoring,
    material_totals,
)
from .base import Derived, Frame, _sum, filled, num, text
from .enterprise import (
    _adopted,
    _d7,
    _d12,
    _d23,
    _d31,
    _d39_rates,
    _e4,
    _pair_totals,
    _per_unit_main,
    _target_table,
    co2_by_year,
    co2_uncounted,
    d11_quantity,
    d12_totals,
    option_classes,
    relative,
)
from .park_region import _p1, _r2, _r3, _r5, park_data, park_results

__all__ = [
    "DERIVATIONS", "Derived", "Frame", "co2_by_year", "co2_uncounted", "d11_quantity", "d12_totals", "derive",
    "filled", "material_totals", "num", "option_classes", "park_data", "park_results", "relative", "text",
]


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
