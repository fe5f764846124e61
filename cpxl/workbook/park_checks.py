"""Park workbook checks: the selection rule of T/CPPC 《工业园区清洁生产审核指南》 附件1 on 表P.1, with
each indicator's value taken from P.1 (园区值 / 定性指标情况) or, where P.1 is blank, computed from the
base data of 表P.2 (:mod:`cpxl.calc.park_eval`).

Runs the check :class:`~cpxl.tables.checks.ParkSelection` that 表P.1 declares.
"""

from __future__ import annotations

from collections.abc import Iterator

from cpxl.calc import park_eval
from cpxl.calc.park import PARK_INDICATORS, indicator
from cpxl.tables.checks import ParkSelection

from .check import run
from .findings import Finding
from .layout import Layout
from .read import Book, TableData, as_number, filled, normalize_text

_YEAR_COLUMNS = ("v_0", "v_1", "v_2", "v_3")


def park_inputs(book: Book) -> dict[str, tuple]:
    """表P.2 base data as {item key: (三年前, y1, y2, y3)}, rows matched by 数据项 text."""
    from cpxl.tables.park import PARK_INPUTS

    data = book.tables.get("P.2")
    if data is None or not data.present or data.frame.empty:
        return {}
    by_label = {normalize_text(label): key for key, label, _unit, _used in PARK_INPUTS if key}
    out: dict[str, tuple] = {}
    for _, row in data.frame.iterrows():
        key = by_label.get(normalize_text(row.get("item")))
        if key is None:
            continue
        out[key] = tuple(as_number(row.get(c)) for c in _YEAR_COLUMNS)
    return out


def _p1_rows(data: TableData) -> dict[int, object]:
    """P.1 frame index by indicator number (序号)."""
    rows = {}
    for index, no in data.frame["no"].items():
        if filled(no):
            try:
                n = int(no)
            except (TypeError, ValueError):
                continue
            if 1 <= n <= 26:
                rows.setdefault(n, index)
    return rows


def park_results(book: Book) -> tuple[dict[int, park_eval.ParkResult], dict[int, object]]:
    """Every indicator evaluated from P.1 (stated values) and P.2 (computed where P.1 is blank), and the
    P.1 row index of each indicator number. Indicators marked 是否参评 = 否 are left out."""
    data = book.tables["P.1"]
    rows = _p1_rows(data)
    inputs = park_inputs(book)
    results: dict[int, park_eval.ParkResult] = {}
    for p in PARK_INDICATORS:
        index = rows.get(p.no)
        stated = state = selected = None
        if index is not None:
            row = data.frame.loc[index]
            stated, state, selected = row.get("value"), row.get("state"), row.get("selected")
        if normalize_text(selected) == "否":
            continue
        value = state if p.kind == "qualitative" else stated
        if p.kind == "qualitative" and not filled(value):
            value = stated if filled(stated) else None
        results[p.no] = park_eval.evaluate_indicator(p.no, inputs, value=value if filled(value) else None)
    return results, rows


def _cell(data: TableData, rows: dict, no: int, key: str) -> str:
    index = rows.get(no)
    if index is not None and key in data.cells:
        return data.cells.at[index, key]
    return f"{Layout(data.table).letter(key)}{Layout(data.table).header_row}"


def _park_selection(check: ParkSelection, book: Book, data: TableData) -> Iterator[Finding]:
    """附件1: 必选 13 项全部完成；可选至少 6 项且每组至少 1 项；共计至少 19 项. Also: a P.1 value that
    park_level refuses, and a stated value that disagrees with the one computed from P.2."""
    if "no" not in data.frame:
        return
    results, rows = park_results(book)
    evaluated = [no for no, r in results.items() if r.evaluated]
    for no, r in results.items():
        if r.error:
            key = "state" if indicator(no).kind == "qualitative" else "value"
            yield Finding(data.sheet, _cell(data, rows, no, key), "error", "park_value", f"指标 {no}“{r.name}”：{r.error}")
    # A stated value against the one the guide's formula gives from P.2.
    inputs = park_inputs(book)
    for no, r in results.items():
        if not r.evaluated or isinstance(r.value, str) or no not in park_eval.FORMULA_PARTS:
            continue
        computed = park_eval.evaluate_indicator(no, inputs)
        if not r.working and computed.evaluated and isinstance(computed.value, float):
            a, b = float(r.value), computed.value
            if abs(a - b) > max(1e-9, 0.005 * abs(b)):
                yield Finding(
                    data.sheet,
                    _cell(data, rows, no, "value"),
                    "warning",
                    "park_value_mismatch",
                    f"指标 {no}“{r.name}”园区值 {park_eval.display_value(r)} 与按表P.2计算的 "
                    f"{park_eval.display_value(computed)} 不一致（{computed.working}）",
                )
    for problem in park_eval.selection_problems(evaluated):
        first = problem.numbers[0] if problem.numbers else None
        if problem.rule == "required":
            r = results.get(first)
            why = ""
            if r is None:
                why = "（“是否参评”为“否”，必选指标不能不参评）"
            elif indicator(first).kind == "qualitative":
                why = "：请在“定性指标情况”列选择"
            elif r.missing:
                why = f"：请在“园区值”列填写，或在表P.2填写{'、'.join(r.missing)}"
            key = "selected" if r is None else ("state" if indicator(first).kind == "qualitative" else "value")
            yield Finding(data.sheet, _cell(data, rows, first, key), "error", "park_required", problem.message + why)
        elif problem.rule == "group":
            yield Finding(data.sheet, _cell(data, rows, first, "value"), "error", "park_group", problem.message)
        elif problem.rule == "optional":
            yield Finding(data.sheet, _cell(data, rows, 0, "selected"), "error", "park_optional", problem.message)
        else:
            yield Finding(data.sheet, _cell(data, rows, 0, "selected"), "error", "park_total", problem.message)


run.register(ParkSelection, _park_selection)  # by a call, as check.py's rules: mutmut mutates no decorated function
