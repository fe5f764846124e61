"""Each check rule: break a copy of the demo workbook, and the finding names the sheet, cell and rule."""

from __future__ import annotations

import functools
import json
import os
import pickle

import built
import openpyxl
import pytest
from typer.testing import CliRunner

from cpxl.cli import app
from cpxl.workbook.check import check_book
from cpxl.workbook.read import read_workbook


@pytest.fixture(scope="module")
def demo(demo_audit):
    """The session's demo audit workbook (never changed: every test edits a copy), its reading, and a function
    giving a fresh copy of the workbook as openpyxl loads it: unpickled, a tenth of the time of loading it again
    (loaded on the first use: with kept edited copies, tests/built.py, a mutation run never needs it)."""

    @functools.cache
    def pickled() -> bytes:
        return pickle.dumps(openpyxl.load_workbook(demo_audit))

    book, ran = built.watched(lambda: read_workbook(demo_audit))
    _UNKEPT.discard(demo_audit)
    if ran:  # the edits locate their cells by this reading: none of them is kept
        _UNKEPT.add(demo_audit)
    return demo_audit, book, lambda: pickle.loads(pickled())


_EDITS: dict[str, tuple] = {}  # test id -> (its tmp_path, edited copies made so far)
_UNKEPT: set = set()  # demo workbooks whose reading ran the code under mutation (tests/built.py)


def _copy(demo, tmp_path, edit):
    """A copy of the demo in `tmp_path`, changed by `edit(wb, book)` with openpyxl and saved. Kept by test id and
    its number in the test when ``CPXL_TEST_CACHE`` is set (tests/built.py): only the writing is skipped."""
    _path, book, loaded = demo
    test = os.environ.get("PYTEST_CURRENT_TEST", "").rsplit(" (", 1)[0]
    # counted afresh in each session (tmp_path is new): mutmut forks the sessions from a process that ran them
    before, count = _EDITS.get(test, (None, 0))
    number = count if before == tmp_path else 0
    _EDITS[test] = (tmp_path, number + 1)

    def write(directory):
        copy = directory / "broken.xlsx"
        wb = loaded()
        edit(wb, book)
        wb.save(copy)
        return [copy]

    return built.kept(f"edited {test} {number}", write, tmp_path, inputs=(_path,), keep=_path not in _UNKEPT)[0]


def _broken(demo, tmp_path, edit):
    """The findings of a copy of the demo changed by `edit(wb, book)` (`_copy`)."""
    return check_book(read_workbook(_copy(demo, tmp_path, edit)))


def _cell(book, table_id, index, key):
    data = book[table_id]
    return data.sheet, data.cells.at[index, key]


def _row(book, table_id, key, value) -> int:
    """Index of the first row of `table_id` whose `key` column holds `value`."""
    frame = book[table_id].frame
    return int(frame.index[frame[key] == value][0])


def _edited(demo, tmp_path, changes: dict[tuple[str, int, str], object]):
    """Findings of a copy of the demo with the cells {(table id, row index, column key): value} changed."""

    def edit(wb, book):
        for (table_id, index, key), value in changes.items():
            sheet, cell = _cell(book, table_id, index, key)
            wb[sheet][cell] = value

    return _broken(demo, tmp_path, edit)


def _rules(findings, sheet, rule):
    """{cell: message} of the findings of one rule on one sheet."""
    return {f.cell: f.message for f in findings if f.sheet == sheet and f.rule == rule}


def _has(findings, sheet, cell, rule):
    hits = [f for f in findings if f.sheet == sheet and f.cell == cell and f.rule == rule]
    assert hits, f"no {rule} at {sheet}!{cell}; got:\n" + "\n".join(map(str, findings))
    return hits[0]


def test_demo_has_no_errors(demo):
    errors = [f for f in check_book(demo[1]) if f.severity == "error"]
    assert not errors, "\n".join(map(str, errors))


def test_text_in_a_number_cell(demo, tmp_path):
    sheet, cell = _cell(demo[1], "D.6", 0, "output_2")

    findings = _broken(demo, tmp_path, lambda wb, b: wb[sheet].__setitem__(cell, "约十万"))
    f = _has(findings, sheet, cell, "not_number")
    assert "约十万" in f.message and f.severity == "error"


def test_excel_error_value_in_a_number_cell(demo, tmp_path):
    sheet, cell = _cell(demo[1], "D.7", 0, "total_1")
    findings = _broken(demo, tmp_path, lambda wb, b: wb[sheet].__setitem__(cell, "#DIV/0!"))
    assert "#DIV/0!" in _has(findings, sheet, cell, "error_value").message


def test_negative_quantity(demo, tmp_path):
    sheet, cell = _cell(demo[1], "D.10", 0, "total_3")
    findings = _broken(demo, tmp_path, lambda wb, b: wb[sheet].__setitem__(cell, -12))
    f = _has(findings, sheet, cell, "negative")
    assert f.severity == "error" and f.message.endswith("不应为负数：-12")


def test_renamed_header(demo, tmp_path):
    data = demo[1]["D.5"]
    sheet = data.sheet
    # 设备名称 is the third column, on the table's single header row (row 3)
    findings = _broken(demo, tmp_path, lambda wb, b: wb[sheet].__setitem__("C3", "设备"))
    assert "设备名称" in _has(findings, sheet, "C3", "header_changed").message


def test_missing_unit(demo, tmp_path):
    sheet, cell = _cell(demo[1], "D.11", 0, "total_unit")
    findings = _broken(demo, tmp_path, lambda wb, b: wb[sheet].__setitem__(cell, None))
    f = _has(findings, sheet, cell, "units_missing")
    # the unit of the columns 审核考察期消耗量 › 总耗, on the row of 煤炭
    assert (f.severity, f.message) == ("error", "“审核考察期消耗量／总耗”的单位未填写（煤炭）")


def test_option_id_format_and_duplicates(demo, tmp_path):
    book = demo[1]
    sheet, first = _cell(book, "D.30", 0, "option_id")
    _, second = _cell(book, "D.30", 2, "option_id")

    def edit(wb, b):
        wb[sheet][first] = "方案1"
        wb[sheet][second] = book["D.30"].frame.at[1, "option_id"]  # the later of two equal ids is reported

    findings = _broken(demo, tmp_path, edit)
    _has(findings, sheet, first, "option_id")
    duplicate = _has(findings, sheet, second, "option_id_duplicate")
    earlier = _cell(book, "D.30", 1, "option_id")[1]
    expected = f"方案编号“{book['D.30'].frame.at[1, 'option_id']}”重复（首次出现在 {earlier}）"
    assert (duplicate.severity, duplicate.message) == ("error", expected)


def test_option_type_not_one_of_the_eight(demo, tmp_path):
    sheet, cell = _cell(demo[1], "D.30", 0, "category")
    findings = _broken(demo, tmp_path, lambda wb, b: wb[sheet].__setitem__(cell, "技术改造"))
    f = _has(findings, sheet, cell, "option_category")
    assert f.severity == "error" and "八个方面" in f.message


def test_total_row_that_does_not_add_up(demo, tmp_path):
    data = demo[1]["D.30"]
    cell = data.total_cells["investment"]
    findings = _broken(demo, tmp_path, lambda wb, b: wb[data.sheet].__setitem__(cell, 1.0))
    _has(findings, data.sheet, cell, "totals")


def test_plan_dates_out_of_order(demo, tmp_path):
    from datetime import date

    sheet, cell = _cell(demo[1], "D.3", 2, "end")
    findings = _broken(demo, tmp_path, lambda wb, b: wb[sheet].__setitem__(cell, date(2000, 1, 1)))
    f = _has(findings, sheet, cell, "date_order")
    assert f.severity == "error" and "结束日期 2000-01-01 早于开始日期" in f.message


def test_plan_step_dates_out_of_order_in_d35(demo, tmp_path):
    from datetime import date

    sheet, cell = _cell(demo[1], "D.35", 1, "start")
    findings = _broken(demo, tmp_path, lambda wb, b: wb[sheet].__setitem__(cell, date(2000, 1, 1)))
    _has(findings, sheet, cell, "date_order")


def test_target_relative_value_inconsistent_with_absolute(demo, tmp_path):
    sheet, cell = _cell(demo[1], "D.24", 0, "near_rel")
    findings = _broken(demo, tmp_path, lambda wb, b: wb[sheet].__setitem__(cell, 99))
    assert "应为" in _has(findings, sheet, cell, "target_inconsistent").message


def test_required_table_for_double_toxic_enterprise(demo, tmp_path):
    """DB4101/T 61 6.5.1.2.4 c: a 「双有」 enterprise must fill D.9."""
    book = demo[1]
    cover = book["封面信息"]

    def edit(wb, b):
        wb[cover.sheet][cover.field_cells["double_toxic"]] = "是"
        ws = wb[book["D.9"].sheet]
        for row in ws.iter_rows(min_row=4):
            for c in row:
                if not isinstance(c, openpyxl.cell.cell.MergedCell):
                    c.value = None

    # the reason of the condition leads the message
    finding = _has(_broken(demo, tmp_path, edit), book["D.9"].sheet, "A1", "empty_table")
    assert (finding.severity, finding.message) == ("error", "本企业为“双有”企业，表D.9“有毒有害原辅材料理化性质一览表”未填写")


def test_missing_sheet(demo, tmp_path):
    sheet = demo[1]["D.12"].sheet
    findings = _broken(demo, tmp_path, lambda wb, b: wb.remove(wb[sheet]))
    assert any(f.rule == "missing_table" and f.sheet == sheet and f.severity == "error" for f in findings)


def test_required_cover_field(demo, tmp_path):
    cover = demo[1]["封面信息"]
    cell = cover.field_cells["audit_type"]
    findings = _broken(demo, tmp_path, lambda wb, b: wb[cover.sheet].__setitem__(cell, None))
    _has(findings, cover.sheet, cell, "required")


def _rule_names() -> set[str]:
    """Every rule name a finding can carry: the string constants of the rule argument of each ``Finding(…)``
    and ``Problem(…)`` in the checks and the reader (a name bound to a rule, as ``rule = "a" if … else "b"``, counts as well)."""
    import ast
    from pathlib import Path

    import cpxl.workbook as W

    names: set[str] = set()
    for module in ("check.py", "park_checks.py", "read.py"):
        tree = ast.parse((Path(W.__file__).parent / module).read_text(encoding="utf-8"))
        bound = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                bound.setdefault(node.targets[0].id, []).append(node.value)
        for node in ast.walk(tree):
            # Finding(sheet, cell, severity, rule, …), or the reader's Problem(message, rule, …) it becomes
            position = {"Finding": 3, "Problem": 1}.get(getattr(node.func, "id", None)) if isinstance(node, ast.Call) else None
            if position is not None and len(node.args) > position:
                rule = node.args[position]
                exprs = bound.get(rule.id, []) if isinstance(rule, ast.Name) else [rule]
                names |= {c.value for e in exprs for c in ast.walk(e) if isinstance(c, ast.Constant) and isinstance(c.value, str)}
    return names


def test_every_rule_fires_in_a_test():
    """Each rule a check can report is asserted by name somewhere in the tests (issue 15 §1)."""
    from pathlib import Path

    rules = _rule_names()
    assert {"balance_deviation", "not_number", "park_total"} <= rules  # the parser finds them
    here = Path(__file__).parent
    tests = "\n".join(p.read_text(encoding="utf-8") for p in here.rglob("*.py"))
    untested = sorted(r for r in rules if f'"{r}"' not in tests)
    assert not untested, f"rules no test triggers: {untested}"


def test_cli_check_json_and_exit_codes(demo, tmp_path):
    path, book = demo[:2]
    runner = CliRunner()
    ok = runner.invoke(app, ["check", str(path)])
    assert ok.exit_code == 0, ok.output
    assert "0 个错误" in ok.output

    sheet, cell = _cell(book, "D.6", 0, "output_1")
    copy = _copy(demo, tmp_path, lambda wb, b: wb[sheet].__setitem__(cell, "abc"))
    bad = runner.invoke(app, ["check", str(copy), "--json"])
    assert bad.exit_code == 1
    rows = json.loads(bad.stdout)
    assert {"sheet": sheet, "cell": cell, "severity": "error", "rule": "not_number"}.items() <= rows[0].items() or any(
        r["sheet"] == sheet and r["cell"] == cell and r["rule"] == "not_number" for r in rows
    )
    assert set(rows[0]) == {"sheet", "cell", "severity", "rule", "message"}


# ---- balances (DB11/T 1156 7.3.4–7.3.7): deviation = (Σin − Σout)/Σin, allowed 5 % either way -------------


def _cip_copy(demo, tmp_path, outputs: float, extra=None):
    """BAL.1 with the unit operation CIP清洗 set to Σin = 100 000 t/a and Σout = `outputs`: 清洗用水 99 867.8
    + 氢氧化钠 97.2 + 酸性清洗剂 35 = 100 000 in; CIP废水 (outputs − 300) + 蒸发及设备残留 300 out."""
    book = demo[1]
    changes = {
        ("BAL.1", _row(book, "BAL.1", "material", "清洗用水"), "qty"): 99_867.8,
        ("BAL.1", _row(book, "BAL.1", "material", "CIP废水"), "qty"): outputs - 300,
        **(extra or {}),
    }
    return _edited(demo, tmp_path, changes)


@pytest.mark.parametrize(
    "outputs, flagged, shown",
    [
        (95_010, False, None),  # (100 000 − 95 010)/100 000 = +4.99 %: within
        (94_990, True, "5.0%"),  # (100 000 − 94 990)/100 000 = +5.01 %: over
        (104_990, False, None),  # (100 000 − 104 990)/100 000 = −4.99 %: within
        (105_010, True, "-5.0%"),  # (100 000 − 105 010)/100 000 = −5.01 %: outputs above inputs are over too
    ],
)
def test_material_balance_tolerance_is_5_percent_either_way(demo, tmp_path, outputs, flagged, shown):
    """DB11/T 1156 7.3.4 b: 输入总量与输出总量偏差一般应在 5 % 以内. The rest of BAL.1 (the audit focus overall:
    about +2.3 % and −1.8 % with these figures) stays within."""
    book = demo[1]
    findings = _cip_copy(demo, tmp_path, outputs)
    sheet, cell = _cell(book, "BAL.1", _row(book, "BAL.1", "unit_op", "CIP清洗"), "unit_op")
    found = _rules(findings, sheet, "balance_deviation")
    if not flagged:
        assert found == {}
        return
    assert list(found) == [cell]
    message = found[cell]
    assert f"“CIP清洗”物料平衡偏差 {shown}" in message
    assert f"（输入 100000，输出 {outputs}）" in message and "超过允许偏差 5%" in message and "7.3.4 b" in message
    assert _has(findings, sheet, cell, "balance_deviation").severity == "error"


def test_material_balance_tolerance_from_the_parameters_sheet(demo, tmp_path):
    """参数 物料平衡允许偏差 2 %: a deviation of 3 % ((100 000 − 97 000)/100 000) is over; at the default 5 % it
    is not."""
    book = demo[1]
    tolerance = ("参数", _row(book, "参数", "name", "物料平衡允许偏差"), "value")
    sheet, cell = _cell(book, "BAL.1", _row(book, "BAL.1", "unit_op", "CIP清洗"), "unit_op")

    assert _rules(_cip_copy(demo, tmp_path, 97_000), sheet, "balance_deviation") == {}
    found = _rules(_cip_copy(demo, tmp_path, 97_000, {tolerance: 0.02}), sheet, "balance_deviation")
    assert list(found) == [cell]
    assert "物料平衡偏差 3.0%（输入 100000，输出 97000），超过允许偏差 2%" in found[cell]


def test_overall_material_balance_without_internal_flows(demo, tmp_path):
    """The audit focus as a whole, 中间产品 and 循环物料 left out: inputs 166 135.9 t/a; 清酒 105 400 → 90 000
    takes the outputs from 165 403.3 to 150 003.3, (166 135.9 − 150 003.3)/166 135.9 = 9.7 %."""
    book = demo[1]
    data = book["BAL.1"]
    findings = _edited(demo, tmp_path, {("BAL.1", _row(book, "BAL.1", "material", "清酒"), "qty"): 90_000})
    found = _rules(findings, data.sheet, "balance_deviation")
    overall = found[data.field_cells["total_dev"]]
    assert overall == "审核重点总体物料平衡偏差 9.7%（输入 166136，输出 150003），超过允许偏差 5%（DB11/T 1156 7.3.4 b）"
    assert _has(findings, data.sheet, data.field_cells["total_dev"], "balance_deviation").severity == "error"
    # the unit operation 过滤: in 106 395, out 106 300 − 15 400 = 90 900, (106 395 − 90 900)/106 395 = 14.6 %
    assert "“过滤”物料平衡偏差 14.6%（输入 106395，输出 90900）" in found[_cell(book, "BAL.1", _row(book, "BAL.1", "unit_op", "过滤"), "unit_op")[1]]
    assert len(found) == 2


def test_material_balance_units_differ_within_a_unit_operation(demo, tmp_path):
    book = demo[1]
    first = _row(book, "BAL.1", "unit_op", "CIP清洗")
    other = _row(book, "BAL.1", "material", "CIP废水")
    findings = _edited(demo, tmp_path, {("BAL.1", other, "qty_unit"): "kg/a"})
    sheet, cell = _cell(book, "BAL.1", first, "qty_unit")  # reported on the unit operation's first row
    f = _has(findings, sheet, cell, "balance_units")
    assert f.severity == "warning" and "“CIP清洗”" in f.message and "（kg/a、t/a）" in f.message
    # not compared: no deviation reported for CIP清洗 although 25 700 kg against 26 132.2 t would be far out
    assert not any(f.rule == "balance_deviation" for f in findings)


# (table, row index, supplied column, the other columns in order, tolerance name, what, clause)
ROW_BALANCES = [
    ("BAL.2", "fresh", ("consumed", "discharged", "leaked"), "水平衡允许偏差", "水平衡", "GB/T 12452"),
    ("BAL.3", "supplied", ("effective", "loss_flue", "loss_surface", "loss_other"), "能量平衡允许偏差", "能量平衡", "GB/T 3484"),
    ("BAL.4", "generated", ("removed", "stack", "fugitive"), "特征污染因子平衡允许偏差", "特征污染因子", "DB11/T 1156 7.3.7"),
]


@pytest.mark.parametrize(
    "within, over, shown",
    [
        (5.01, 4.99, "5.0%"),  # (100 − 90 − 5.01)/100 = +4.99 % within; (100 − 90 − 4.99)/100 = +5.01 % over
        (14.99, 15.01, "-5.0%"),  # (100 − 90 − 14.99)/100 = −4.99 % within; (100 − 90 − 15.01)/100 = −5.01 % over
    ],
    ids=["outputs-below", "outputs-above"],
)
@pytest.mark.parametrize("table_id, supplied, parts, tolerance, what, clause", ROW_BALANCES, ids=[r[0] for r in ROW_BALANCES])
def test_row_balance_tolerance_is_5_percent_either_way(demo, tmp_path, table_id, supplied, parts, tolerance, what, clause,
                                                       within, over, shown):
    """Water (GB/T 12452), energy (GB/T 3484) and pollutant (DB11/T 1156 7.3.7) balances row by row: the first
    row and the second supplied 100 = first part 90 + second part x, deviation (100 − 90 − x)/100."""
    book = demo[1]
    changes = {}
    for index, x in ((0, within), (1, over)):
        changes.update({(table_id, index, p): None for p in parts})
        changes.update({(table_id, index, supplied): 100, (table_id, index, parts[0]): 90, (table_id, index, parts[1]): x})
    findings = _edited(demo, tmp_path, changes)
    found = _rules(findings, book[table_id].sheet, "balance_deviation")
    cell = _cell(book, table_id, 1, supplied)[1]
    assert list(found) == [cell]
    assert _has(findings, book[table_id].sheet, cell, "balance_deviation").severity == "error"
    name = book[table_id].frame.at[1, book[table_id].table.name_key]
    assert found[cell] == f"{what}（{name}）平衡偏差 {shown}，超过允许偏差 5%（{clause}）"


@pytest.mark.parametrize("table_id, supplied, parts, tolerance, what, clause", ROW_BALANCES, ids=[r[0] for r in ROW_BALANCES])
def test_row_balance_tolerance_from_the_parameters_sheet(demo, tmp_path, table_id, supplied, parts, tolerance, what, clause):
    """The 参数 tolerance of each balance: 2 % makes (100 − 90 − 7)/100 = 3 % over."""
    book = demo[1]
    changes = {(table_id, 0, p): None for p in parts}
    changes.update({(table_id, 0, supplied): 100, (table_id, 0, parts[0]): 90, (table_id, 0, parts[1]): 7})
    changes[("参数", _row(book, "参数", "name", tolerance), "value")] = 0.02
    sheet, cell = _cell(book, table_id, 0, supplied)
    found = _rules(_edited(demo, tmp_path, changes), sheet, "balance_deviation")
    assert list(found) == [cell] and "平衡偏差 3.0%，超过允许偏差 2%" in found[cell]


def test_pollutant_efficiencies_are_shares_from_0_to_100_percent(demo, tmp_path):
    """收集效率 and 去除效率 of BAL.4: 0 and 1 (100 %) are allowed, −0.01 and 1.01 are not."""
    book = demo[1]
    changes = {
        ("BAL.4", 0, "capture_eff"): 0,
        ("BAL.4", 0, "removal_eff"): 1,
        ("BAL.4", 1, "capture_eff"): 1.01,
        ("BAL.4", 2, "removal_eff"): -0.01,
    }
    findings = _edited(demo, tmp_path, changes)
    sheet = book["BAL.4"].sheet
    found = _rules(findings, sheet, "efficiency_range")
    high, low = _cell(book, "BAL.4", 1, "capture_eff")[1], _cell(book, "BAL.4", 2, "removal_eff")[1]
    assert sorted(found) == sorted([high, low])
    assert found[high] == "“收集效率”（COD）应在 0～100% 之间，实为 1.01"
    assert {f.severity for f in findings if f.rule == "efficiency_range"} == {"error"}
    assert found[low] == "“去除效率”（颗粒物）应在 0～100% 之间，实为 -0.01"


# ---- 权重总和计分排序法 (DB11/T 1156 7.2.9, 7.4.3) ------------------------------------------------------------


def test_scores_are_from_1_to_10(demo, tmp_path):
    book = demo[1]
    changes = {("SCO.1", 1, "waste"): 1, ("SCO.1", 1, "consumption"): 10, ("SCO.1", 1, "env_cost"): 0.9, ("SCO.1", 1, "toxic"): 10.1}
    findings = _edited(demo, tmp_path, changes)
    assert {f.severity for f in findings if f.rule == "score_range"} == {"error"}
    found = _rules(findings, book["SCO.1"].sheet, "score_range")
    low, high = _cell(book, "SCO.1", 1, "env_cost")[1], _cell(book, "SCO.1", 1, "toxic")[1]
    assert sorted(found) == sorted([low, high])
    assert found[low] == "“环境代价”（酿造车间）评分应为 1～10，实为 0.9"
    assert found[high] == "“有毒有害物质”（酿造车间）评分应为 1～10，实为 10.1"


def test_weight_row_needs_every_scored_weight(demo, tmp_path):
    book = demo[1]
    findings = _edited(demo, tmp_path, {("SCO.2", 0, "economy"): None})
    sheet, cell = _cell(book, "SCO.2", 0, "economy")  # the first row holds the weights W
    f = _has(findings, sheet, cell, "weight_missing")
    assert f.severity == "error" and f.message == "“经济可行性”的权重值W未填写"
    assert len(_rules(findings, sheet, "weight_missing")) == 1


# ---- IND.1 benchmark levels in order ------------------------------------------------------------------------


def test_indicator_levels_in_the_order_of_the_direction(demo, tmp_path):
    """越小越好: Ⅰ ≤ Ⅱ ≤ Ⅲ (equal levels allowed); 越大越好: Ⅰ ≥ Ⅱ ≥ Ⅲ."""
    book = demo[1]
    larger = _row(book, "IND.1", "direction", "越大越好")  # 麦糟综合利用率 100, 98, 95
    changes = {
        ("IND.1", 0, "level_1"): 4.5,  # 4.5, 4.5, 6: equal Ⅰ and Ⅱ, in order
        ("IND.1", 1, "level_1"): 45.01,  # 45.01, 45, 55: Ⅰ above Ⅱ
        ("IND.1", larger, "level_1"): 97.0,  # 97, 98, 95: Ⅰ below Ⅱ
    }
    findings = _edited(demo, tmp_path, changes)
    assert {f.severity for f in findings if f.rule == "level_order"} == {"error"}
    found = _rules(findings, book["IND.1"].sheet, "level_order")
    smaller, bigger = _cell(book, "IND.1", 1, "level_1")[1], _cell(book, "IND.1", larger, "level_1")[1]
    assert sorted(found) == sorted([smaller, bigger])
    assert found[smaller] == "基准值顺序与指标方向（越小越好）不符（单位产品综合能耗）：Ⅰ级应最低"
    assert found[bigger] == "基准值顺序与指标方向（越大越好）不符（麦糟综合利用率）：Ⅰ级应最高"


# ---- D.33 / D.42 refer to D.24 targets and D.30 options ---------------------------------------------------


def test_target_indicator_not_among_the_d24_targets(demo, tmp_path):
    book = demo[1]
    sheet, cell = _cell(book, "D.33", 0, "indicator")
    findings = _edited(demo, tmp_path, {("D.33", 0, "indicator"): "单位产品蒸汽耗"})
    f = _has(findings, sheet, cell, "target_unknown")
    assert f.severity == "error" and f.message == "指标项“单位产品蒸汽耗”不在表D.24本轮清洁生产目标中"


def test_supporting_option_not_among_the_d30_options(demo, tmp_path):
    book = demo[1]
    sheet, cell = _cell(book, "D.33", 0, "options")
    findings = _edited(demo, tmp_path, {("D.33", 0, "options"): "F02、F99、F04"})
    found = [f for f in findings if f.rule == "option_unknown"]
    assert [(f.sheet, f.cell, f.message) for f in found] == [(sheet, cell, "支撑方案“F99”不在表D.30备选方案中")]


def test_target_relative_value_within_a_tenth_of_a_point(demo, tmp_path):
    """D.24 相对值 against (基准期值 − 目标值)/基准期值 × 100: base 100 and near target 90 give 10 %, far target 80
    gives 20 %; a stated value 0.09 points off passes, 0.11 points off does not."""
    book = demo[1]
    changes = {}
    for index, near, far in ((0, 10.09, 20.11), (1, 9.91, 19.89)):
        changes.update({("D.24", index, "base"): 100, ("D.24", index, "near_abs"): 90, ("D.24", index, "far_abs"): 80})
        changes.update({("D.24", index, "near_rel"): near, ("D.24", index, "far_rel"): far})
    found = _rules(_edited(demo, tmp_path, changes), book["D.24"].sheet, "target_inconsistent")
    first, second = _cell(book, "D.24", 0, "far_rel")[1], _cell(book, "D.24", 1, "far_rel")[1]
    assert sorted(found) == sorted([first, second])
    assert "中（远）期目标相对值 20.11% 与绝对值不一致（单位产品新鲜水耗）" in found[first] and "应为 20.00%" in found[first]
    assert "19.89%" in found[second] and "按基准期值 100、目标值 80（降低）应为 20.00%" in found[second]


# ---- D.6 output: the base of every per-unit value ----------------------------------------------------------


def test_main_product_not_in_d6(demo, tmp_path):
    cover = demo[1]["封面信息"]
    cell = cover.field_cells["main_product"]
    findings = _broken(demo, tmp_path, lambda wb, b: wb[cover.sheet].__setitem__(cell, "白酒"))
    f = _has(findings, cover.sheet, cell, "main_product")
    assert f.severity == "error" and f.message == "单耗基准产品“白酒”不在表D.6产品名称中，单耗无法计算"


def test_zero_output_is_an_error_for_the_main_product_and_a_warning_for_others(demo, tmp_path):
    """An output of 0 leaves the per-unit values of its year undefined: an error for the main product of
    封面信息 (啤酒), a warning for a by-product added on the row below (Layout gives its cells)."""
    from cpxl.workbook.layout import Layout

    book = demo[1]
    data = book["D.6"]
    layout = Layout(data.table)
    below = layout.data_row + len(data.frame)
    added = {"product": "麦糟", "output_unit": "t", "output_1": 19000, "output_2": 0, "output_3": 19680}

    def edit(wb, b):
        ws = wb[data.sheet]
        ws[data.cells.at[0, "output_1"]] = 0
        for key, value in added.items():
            ws[f"{layout.letter(key)}{below}"] = value

    found = {f.cell: f for f in _broken(demo, tmp_path, edit) if f.sheet == data.sheet and f.rule == "zero_output"}
    main, other = data.cells.at[0, "output_1"], f"{layout.letter('output_2')}{below}"
    assert sorted(found) == sorted([main, other])
    y1, y2, _ = book.years
    assert found[main].severity == "error" and found[main].message.startswith(f"“产量／{y1}年”（啤酒）为 0，")
    assert found[other].severity == "warning" and found[other].message.startswith(f"“产量／{y2}年”（麦糟）为 0，")


# ---- generic rules not covered above ------------------------------------------------------------------------


def test_value_not_in_the_dropdown(demo, tmp_path):
    book = demo[1]
    sheet, cell = _cell(book, "BAL.1", 0, "method")
    findings = _edited(demo, tmp_path, {("BAL.1", 0, "method"): "估算"})
    f = _has(findings, sheet, cell, "choice")
    assert [g.cell for g in findings if g.rule == "choice"] == [cell]  # the demo's own values are all in the lists
    assert f.severity == "warning" and "“估算”不在下拉选项中" in f.message and "实测、理论计算、生产统计" in f.message


def test_text_in_a_date_cell(demo, tmp_path):
    sheet, cell = _cell(demo[1], "D.3", 0, "end")
    f = _has(_edited(demo, tmp_path, {("D.3", 0, "end"): "下个月"}), sheet, cell, "bad_value")
    assert f.severity == "error" and "应为日期" in f.message and "“下个月”" in f.message


@pytest.mark.parametrize("factor, flagged", [(1.00009, False), (1.00011, True)])
def test_total_row_tolerance_is_a_hundredth_of_a_percent(demo, tmp_path, factor, flagged):
    """A hand-typed total may differ from the sum of its rows by 0.01 % (rounding), not more."""
    data = demo[1]["D.30"]
    summed = float(data.frame["investment"].sum())
    cell = data.total_cells["investment"]
    findings = _broken(demo, tmp_path, lambda wb, b: wb[data.sheet].__setitem__(cell, summed * factor))
    found = _rules(findings, data.sheet, "totals")
    assert (cell in found) == flagged
    if flagged:
        assert f"明细之和为 {summed:g}，不一致" in found[cell]
