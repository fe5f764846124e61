"""Derivations of the park evaluation (T/CPPC 工业园区清洁生产审核指南 附件1) and the regional benchmarks
(京津冀清洁生产协同审核导则 7.2.6、7.4.2)."""

from __future__ import annotations

import numpy as np

from cpxl.calc import economics, indicators
from cpxl.calc.benchmark import quartile
from cpxl.tables.model import Table
from cpxl.workbook.read import as_number as num

from .base import Derived, _set, text

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
