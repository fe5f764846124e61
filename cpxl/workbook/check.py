"""Workbook checks: the errors reviewers find every time, located by ``sheet!cell`` (issue rules).

Generic rules follow from each table's columns (required, numeric, non-negative, totals, choices);
table-specific rules are the check objects a table declares in `Table.checks` (:mod:`cpxl.tables.checks`),
each run here by the function :func:`run` registers for its class.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import singledispatch

import pandas as pd

from cpxl.tables import CONDITIONS
from cpxl.tables import checks as C
from cpxl.tables.model import EIGHT_CATEGORIES

from .findings import Finding
from .read import Book, TableData, as_number, column_title, filled, normalize_text

OPTION_ID = re.compile(r"^F0*[1-9]\d*$")  # “F+顺序号” (DB4101/T 61 6.7.2): F1 and F01 both, not F0


def option_key(value) -> str:
    """The option an id refers to: F1, F01 and ｆ０１ are the same option (“F+顺序号”, the number counts, not
    its zero padding); anything else is compared as its normalised upper-case text."""
    text = normalize_text(value).upper()  # without any space
    if OPTION_ID.match(text):
        return f"F{int(text[1:])}"
    return text


@singledispatch
def run(check: C.Check, book: Book, data: TableData) -> Iterable[Finding]:
    """The findings of one declared check on one table (registered per check class at the end of the module)."""
    raise NotImplementedError(f"no rule runs {type(check).__name__}")


def check_book(book: Book) -> list[Finding]:
    """All findings: reading problems first, then table by table in sheet order."""
    findings = list(book.findings)
    for table in book.registry:
        data = book.tables[table.id]
        findings.extend(_presence(book, data))
        if not data.present:
            continue
        findings.extend(_fields(data))
        if table.columns:  # a total typed without any row is checked too: the sum of no rows is 0
            findings.extend(_values(book, data))
            findings.extend(_totals(book, data))
        for rule in table.checks:
            if not data.rows and not data.fields:
                continue
            findings.extend(run(rule, book, data))
    return findings


def _where(data: TableData, index, key: str) -> str:
    return data.cells.at[index, key]


def _title(book: Book, col) -> str:
    return column_title(col, book.years)


def _row_name(data: TableData, index) -> str:
    key = data.table.name_key
    value = data.rows[index][key] if key else None
    return f"（{value}）" if filled(value) else ""


def _has(data: TableData, key: str) -> bool:
    """The table was read with this column (its sheet is present)."""
    return data.present and any(c.key == key for c in data.table.columns)


def _column(data: TableData, key: str) -> Iterator[tuple[int, object]]:
    """(row index, value) of one column."""
    return ((index, row[key]) for index, row in enumerate(data.rows))


# ---- generic rules -------------------------------------------------------------------------------


def _presence(book: Book, data: TableData) -> Iterator[Finding]:
    table = data.table
    applies = book.applies(table)
    if not data.present:
        if applies:
            severity = "warning" if table.optional else "error"
            yield Finding(table.sheet_name, "", severity, "missing_table", f"缺少工作表“{table.sheet_name}”（{table.source}）")
        return
    has_inputs = any(not c.computed and c.key not in table.row_keys for c in table.columns)
    if applies and not table.optional and has_inputs and data.empty and table.id not in ("参数", "章节文字"):
        reason = CONDITIONS[table.applies].reason
        yield Finding(data.sheet, "A1", "error", "empty_table", f"{reason}表{table.id}“{table.title}”未填写")


def _fields(data: TableData) -> Iterator[Finding]:
    for f in data.table.fields:
        if f.required and not f.computed and not filled(data.fields.get(f.key)) and data.field_cells[f.key] not in data.bad_cells:
            yield Finding(data.sheet, data.field_cells[f.key], "error", "required", f"“{f.label}”为必填项")
        value = data.fields.get(f.key)
        if f.numeric and isinstance(value, float) and value < 0:
            yield Finding(data.sheet, data.field_cells[f.key], "error", "negative", f"“{f.label}”不应为负数：{value:g}")


def _values(book: Book, data: TableData) -> Iterator[Finding]:
    table = data.table
    inputs = [c for c in table.columns if not c.computed]
    typed_keys = [c.key for c in inputs if c.key not in table.row_keys]
    for index, row in enumerate(data.rows):
        typed_something = any(filled(row[k]) for k in typed_keys)
        where_row = data.cells.row(index)
        for col in inputs:
            value = row[col.key]
            where = where_row[col.key]
            if col.required and typed_something and not filled(value) and where not in data.bad_cells:
                yield Finding(data.sheet, where, "error", "required", f"“{_title(book, col)}”{_row_name(data, index)}为必填项")
            if col.numeric and not col.negative_ok and filled(value) and value < 0:
                yield Finding(data.sheet, where, "error", "negative", f"“{_title(book, col)}”{_row_name(data, index)}不应为负数：{value:g}")
            if col.choices and filled(value) and str(value) not in col.choices and col.key != "category":
                yield Finding(
                    data.sheet,
                    where,
                    "warning",
                    "choice",
                    f"“{_title(book, col)}”的值“{value}”不在下拉选项中：{'、'.join(col.choices)}",
                )


def _totals(book: Book, data: TableData) -> Iterator[Finding]:
    """A total typed by hand (or cached by Excel) must equal the sum of its rows."""
    for col in data.table.columns:
        if not col.total:
            continue
        stated = data.totals.get(col.key)
        if not isinstance(stated, (int, float)) or pd.isna(stated):
            continue
        summed = float(sum(x for x in (as_number(row[col.key]) for row in data.rows) if x is not None))
        if abs(summed - stated) > max(1e-6, 1e-4 * abs(summed)):
            yield Finding(
                data.sheet,
                data.total_cells[col.key],
                "error",
                "totals",
                f"“{_title(book, col)}”合计为 {stated:g}，明细之和为 {summed:g}，不一致",
            )


# ---- declared checks -----------------------------------------------------------------------------


def _units_present(check: C.UnitsPresent, book: Book, data: TableData) -> Iterator[Finding]:
    """A quantity without its unit cannot be checked or converted (e.g. D.11 总耗 in 吨 or 万kWh)."""
    cols = data.table.columns
    for i, col in enumerate(cols):
        if not col.key.endswith("_unit"):
            continue
        stem = col.key[: -len("_unit")]
        measured = [c for c in cols[i + 1 :] if c.group == col.group and c.numeric and not c.computed] or [
            c for c in cols if c.key.startswith(stem + "_") and c.numeric and not c.computed
        ]
        if not measured:
            continue
        for index, row in enumerate(data.rows):
            if not filled(row[col.key]) and any(filled(row[c.key]) for c in measured):
                yield Finding(
                    data.sheet, _where(data, index, col.key), "error", "units_missing", f"“{'／'.join(col.group) or col.label}”的单位未填写{_row_name(data, index)}"
                )


def _production(check: C.MainProductOutput, book: Book, data: TableData) -> Iterator[Finding]:
    """Per-unit values divide by D.6 output (DB4101/T 61 表D.7、D.10–D.12): the main product of `封面信息`
    must be listed, and an output of 0 makes its per-unit values undefined."""
    main = normalize_text(book.cover.get("main_product"))
    products = {normalize_text(row["product"]) for row in data.rows if filled(row["product"])}
    if main and products and main not in products:
        cover = book.tables["封面信息"]
        yield Finding(cover.sheet, cover.field_cells["main_product"], "error", "main_product",
                      f"单耗基准产品“{book.cover['main_product']}”不在表D.6产品名称中，单耗无法计算")
    for index, row in enumerate(data.rows):
        for i in (1, 2, 3):
            if row[f"output_{i}"] == 0:
                severity = "error" if normalize_text(row["product"]) == main else "warning"
                yield Finding(data.sheet, _where(data, index, f"output_{i}"), severity, "zero_output",
                              f"“{_title(book, data.table.column(f'output_{i}'))}”{_row_name(data, index)}为 0，"
                              "以其计算的单位产品消耗无法计算（停产年份请注明并改用实际生产周期）")


def _option_ids(check: C.OptionIds, book: Book, data: TableData) -> Iterator[Finding]:
    """Option ids are “F+顺序号”, F01, F02 … (DB4101/T 61 6.7.2), unique within a list of options."""
    if not _has(data, "option_id"):
        return
    seen: dict[str, str] = {}
    last = None
    for index, value in _column(data, "option_id"):
        if not filled(value):
            continue
        text = option_key(value)
        where = _where(data, index, "option_id")
        if not OPTION_ID.match(text):
            yield Finding(data.sheet, where, "error", "option_id", f"方案编号“{value}”不符合“F+顺序号”格式（如 F1 或 F01）")
        elif text in seen and not (check.steps and text == last):
            yield Finding(data.sheet, where, "error", "option_id_duplicate", f"方案编号“{value}”重复（首次出现在 {seen[text]}）")
        seen.setdefault(text, where)
        last = text


def _option_category(check: C.OptionCategory, book: Book, data: TableData) -> Iterator[Finding]:
    """方案类型 is one of the eight categories of DB11/T 1156 附录 A."""
    if not _has(data, "category"):
        return
    for index, value in _column(data, "category"):
        if filled(value) and normalize_text(value) not in EIGHT_CATEGORIES:
            yield Finding(
                data.sheet,
                _where(data, index, "category"),
                "error",
                "option_category",
                f"方案类型“{value}”不属于八个方面：{'、'.join(EIGHT_CATEGORIES)}",
            )


def _plan_dates(check: C.PlanDates, book: Book, data: TableData) -> Iterator[Finding]:
    """Plan dates: each end on or after its start; phases (D.3) and an option's steps (D.35) in order."""
    if not (_has(data, "start") and _has(data, "end")):
        return
    previous = None
    group_key = check.group_by
    group = None
    for index, row in enumerate(data.rows):
        start, end = row["start"], row["end"]
        if group_key and filled(row[group_key]) and row[group_key] != group:
            group, previous = row[group_key], None
        if filled(start) and filled(end) and end < start:
            yield Finding(
                data.sheet, _where(data, index, "end"), "error", "date_order", f"结束日期 {end} 早于开始日期 {start}{_row_name(data, index)}"
            )
        if filled(start) and previous is not None and start < previous:
            yield Finding(
                data.sheet,
                _where(data, index, "start"),
                "error",
                "date_order",
                f"开始日期 {start} 早于上一阶段的开始日期 {previous}{_row_name(data, index)}，阶段顺序颠倒",
            )
        if filled(start):
            previous = start


def _option_ids_in(book: Book, table_id: str = "D.30") -> set[str]:
    data = book.tables.get(table_id)
    if data is None or not _has(data, "option_id"):
        return set()
    return {option_key(v) for _, v in _column(data, "option_id") if filled(v)}


def _target_consistency(check: C.TargetConsistency, book: Book, data: TableData) -> Iterator[Finding]:
    """D.24 (`relative`): each 相对值 equals the change of its 绝对值 against 基准期值 (DB4101/T 61 表D.24:
    降低类 (base − target)/base × 100 %, 提高类 (target − base)/base × 100 %) within `tolerance`
    percentage points. D.33/D.42: every 指标项 is one of D.24's, every 支撑方案 one of D.30's options."""
    f = data.frame
    if check.relative:
        for index, row in f.iterrows():
            base = row["base"]
            for absolute, relative, label in (("near_abs", "near_rel", "近期目标"), ("far_abs", "far_rel", "中（远）期目标")):
                target, stated = row[absolute], row[relative]
                if not (filled(base) and filled(target) and filled(stated)) or base == 0:
                    continue
                change = (target - base) if row["direction"] == "提高" else (base - target)
                expected = change / base * 100
                if abs(expected - stated) > check.tolerance:
                    yield Finding(
                        data.sheet,
                        _where(data, index, relative),
                        "error",
                        "target_inconsistent",
                        f"{label}相对值 {stated:g}% 与绝对值不一致{_row_name(data, index)}：按基准期值 {base:g}、目标值 {target:g}"
                        f"（{row['direction'] or '降低'}）应为 {expected:.2f}%",
                    )
        return
    targets = book.tables.get("D.24")
    names = set() if targets is None or targets.frame.empty else {normalize_text(v) for v in targets.frame["indicator"] if filled(v)}
    options = _option_ids_in(book)
    for index, row in f.iterrows():
        if filled(row.get("indicator")) and names and normalize_text(row["indicator"]) not in names:
            yield Finding(
                data.sheet,
                _where(data, index, "indicator"),
                "error",
                "target_unknown",
                f"指标项“{row['indicator']}”不在表D.24本轮清洁生产目标中",
            )
        if filled(row.get("options")) and options:
            for ref in re.findall(r"[A-Za-zＦｆ]\s*\d+", str(row["options"])):
                if option_key(ref) not in options:
                    yield Finding(
                        data.sheet, _where(data, index, "options"), "error", "option_unknown", f"支撑方案“{ref}”不在表D.30备选方案中"
                    )


def _summary_counts(check: C.OptionCounts, book: Book, data: TableData) -> Iterator[Finding]:
    """D.36/D.39: option counts and expected investment by cost class agree with the option list D.30
    (D.36 counts the options to implement: D.30 less the infeasible ones of D.32)."""
    options = book.tables.get("D.30")
    if options is None or options.frame.empty or "cost_class" not in options.frame:
        return
    o = options.frame[options.frame["option_id"].map(filled)]
    feasible = o[~o["option_id"].map(option_key).isin(_option_ids_in(book, "D.32"))]
    expected = {
        "方案数量（个）": feasible.groupby("cost_class").size(),
        "审核报告方案数量（个）": o.groupby("cost_class").size(),
        "预期投资": feasible.groupby("cost_class")["investment"].sum(),
    }
    label = "item"
    for index, row in data.frame.iterrows():
        by_class = expected.get(normalize_text(row.get(label)).replace("(", "（").replace(")", "）"))
        if by_class is None:
            continue
        for key, cls in (("low", "无/低费"), ("high", "中/高费")):
            stated, want = row[key], float(by_class.get(cls, 0))
            if filled(stated) and abs(stated - want) > 1e-6 * max(1, abs(want)):
                yield Finding(
                    data.sheet,
                    _where(data, index, key),
                    "error",
                    "totals",
                    f"“{row[label]}”（{cls}）为 {stated:g}，按表D.30备选方案应为 {want:g}",
                )


# ---- balances (DB11/T 1156 7.3.4–7.3.7) -------------------------------------------------------------


def _tolerance(book: Book, name: str) -> float:
    """The 参数 setting `name` (a defined name of the workbook, e.g. 物料平衡允许偏差) as the auditor set it."""
    from cpxl.calc import parameters as P
    from cpxl.tables.common import PARAMETER_NAMES

    return float(P.get(P.parameters_from_rows(book.parameters, strict=False), PARAMETER_NAMES[name]))


def _over(dev: float, tol: float) -> bool:
    return abs(dev) > tol + 1e-12


def _material_balance(check: C.MaterialBalance, book: Book, data: TableData) -> Iterator[Finding]:
    """Material balance closes within the tolerance (DB11/T 1156 7.3.4 b: 5 %): (Σin − Σout)/Σin for
    every unit operation, and for the audit focus without its internal flows (中间产品, 循环物料)."""
    from cpxl.calc.balance import balance_dev
    from cpxl.tables.balances import INTERNAL_FLOWS

    tol = _tolerance(book, check.tolerance)
    f = data.frame[data.frame["unit_op"].map(filled) & data.frame["qty"].notna()]
    if f.empty:
        return
    for unit_op, rows in f.groupby("unit_op", sort=False):
        units = {normalize_text(u) for u in rows["qty_unit"] if filled(u)}
        first = rows.index[0]
        if len(units) > 1:
            yield Finding(
                data.sheet, _where(data, first, "qty_unit"), "warning", "balance_units",
                f"单元操作“{unit_op}”的物流单位不一致（{'、'.join(sorted(units))}），平衡偏差无法直接比较",
            )
            continue
        ins, outs = rows.loc[rows["direction"] == "输入", "qty"], rows.loc[rows["direction"] == "输出", "qty"]
        if ins.sum() <= 0:
            continue
        dev = balance_dev(list(ins), list(outs) or [0.0])
        if _over(dev, tol):
            yield Finding(
                data.sheet, _where(data, first, "unit_op"), "error", "balance_deviation",
                f"单元操作“{unit_op}”物料平衡偏差 {dev:.1%}（输入 {ins.sum():g}，输出 {outs.sum():g}），"
                f"超过允许偏差 {tol:.0%}（DB11/T 1156 7.3.4 b），应分析原因并重新实测或补充实测",
            )
    outer = f[~f["category"].isin(INTERNAL_FLOWS)]
    ins, outs = outer.loc[outer["direction"] == "输入", "qty"], outer.loc[outer["direction"] == "输出", "qty"]
    if ins.sum() > 0 and len({normalize_text(u) for u in outer["qty_unit"] if filled(u)}) <= 1:
        dev = balance_dev(list(ins), list(outs) or [0.0])
        if _over(dev, tol):
            yield Finding(
                data.sheet, data.field_cells.get("total_dev", "A1"), "error", "balance_deviation",
                f"审核重点总体物料平衡偏差 {dev:.1%}（输入 {ins.sum():g}，输出 {outs.sum():g}），超过允许偏差 {tol:.0%}"
                "（DB11/T 1156 7.3.4 b）",
            )


def _row_balance(check: C.RowBalance, book: Book, data: TableData) -> Iterator[Finding]:
    """Row balances: (supplied − Σparts)/supplied within the tolerance of `参数` (GB/T 12452 water,
    GB/T 3484 energy, DB11/T 1156 7.3.7 characteristic pollutants)."""
    tol = _tolerance(book, check.tolerance)
    for index, row in data.frame.iterrows():
        base = row[check.supplied]
        known = [row[p] for p in check.parts if filled(row[p])]
        if not filled(base) or base <= 0 or not known:
            continue
        dev = (base - sum(known)) / base
        if _over(dev, tol):
            yield Finding(
                data.sheet, _where(data, index, check.supplied), "error", "balance_deviation",
                f"{check.what}{_row_name(data, index)}平衡偏差 {dev:.1%}，超过允许偏差 {tol:.0%}（{check.clause}）",
            )


def _shares(check: C.Shares, book: Book, data: TableData) -> Iterator[Finding]:
    """Efficiencies are shares: 0 to 1 (0～100 %)."""
    for index, row in data.frame.iterrows():
        for key in check.columns:
            if filled(row[key]) and not 0 <= row[key] <= 1:
                yield Finding(
                    data.sheet, _where(data, index, key), "error", "efficiency_range",
                    f"“{data.table.column(key).label}”{_row_name(data, index)}应在 0～100% 之间，实为 {row[key]:g}",
                )


def _weighted_score(check: C.WeightedScore, book: Book, data: TableData) -> Iterator[Finding]:
    """权重总和计分排序法 (DB11/T 1156 7.2.9, 7.4.3): weights on the first row, scores R from `low` to `high`."""
    criteria = [c for c in data.table.columns if c.numeric and not c.computed]
    for index, row in data.frame.iloc[1:].iterrows():
        for col in criteria:
            value = row[col.key]
            if filled(value) and not check.low <= value <= check.high:
                yield Finding(
                    data.sheet, _where(data, index, col.key), "error", "score_range",
                    f"“{col.label}”{_row_name(data, index)}评分应为 {check.low:g}～{check.high:g}，实为 {value:g}",
                )
    scored = data.frame.iloc[1:][[c.key for c in criteria]]
    weights = data.frame.iloc[0] if not data.frame.empty else None
    for col in criteria:
        if weights is not None and scored[col.key].notna().any() and not filled(weights[col.key]):
            yield Finding(data.sheet, _where(data, data.frame.index[0], col.key), "error", "weight_missing", f"“{col.label}”的权重值W未填写")


def _indicator_levels(check: C.LevelOrder, book: Book, data: TableData) -> Iterator[Finding]:
    """Benchmark values in order: I级 the strictest (越小越好: I ≤ II ≤ III; 越大越好: I ≥ II ≥ III)."""
    for index, row in data.frame.iterrows():
        levels = [row[k] for k in ("level_1", "level_2", "level_3") if filled(row[k])]
        if len(levels) < 2:
            continue
        ordered = sorted(levels, reverse=row["direction"] == "越大越好")
        if levels != ordered:
            yield Finding(
                data.sheet, _where(data, index, "level_1"), "error", "level_order",
                f"基准值顺序与指标方向（{row['direction']}）不符{_row_name(data, index)}：Ⅰ级应最{'高' if row['direction'] == '越大越好' else '低'}",
            )


# Registered by a call rather than with ``@run.register``: mutmut mutates no decorated function (tools/mutation.py).
for _check, _rule in (
    (C.UnitsPresent, _units_present),
    (C.MainProductOutput, _production),
    (C.OptionIds, _option_ids),
    (C.OptionCategory, _option_category),
    (C.PlanDates, _plan_dates),
    (C.TargetConsistency, _target_consistency),
    (C.OptionCounts, _summary_counts),
    (C.MaterialBalance, _material_balance),
    (C.RowBalance, _row_balance),
    (C.Shares, _shares),
    (C.WeightedScore, _weighted_score),
    (C.LevelOrder, _indicator_levels),
):
    run.register(_check, _rule)

from . import park_checks  # noqa: F401 — registers the run of ParkSelection
