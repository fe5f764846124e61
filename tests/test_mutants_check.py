"""Tests written against the mutants of cpxl/workbook/check.py that survived the other tests
(tools/mutation.py cpxl/workbook/check.py)."""

from __future__ import annotations

import openpyxl
import pytest
from test_check import _broken, _cell, _cip_copy, _edited, _has, _row, _rules, demo  # noqa: F401  (demo: the fixture of a read demo workbook)

from cpxl.workbook.check import option_key


@pytest.mark.parametrize("written", ["F1", "F01", "F 01", "ｆ０１", " f 1 "])
def test_option_ids_with_spaces_padding_or_full_width_are_one_option(written):
    # DB4101/T 61 6.7.2 “F+顺序号”: the number counts, not its zero padding, case, width or spaces
    assert option_key(written) == "F1"


def test_other_option_names_compare_as_upper_case_text_without_spaces():
    assert option_key("f 0") == "F0"  # F0 is no 顺序号: kept as text
    assert option_key("改造 方案") == "改造方案"


def test_a_blank_required_cover_field_is_an_error_naming_the_field(demo, tmp_path):  # noqa: F811 (the fixture)
    cover = demo[1]["封面信息"]
    cell = cover.field_cells["audit_type"]
    label = next(f.label for f in cover.table.fields if f.key == "audit_type")
    finding = _has(_broken(demo, tmp_path, lambda wb, b: wb[cover.sheet].__setitem__(cell, None)), cover.sheet, cell, "required")
    assert (finding.severity, finding.message) == ("error", f"“{label}”为必填项")


def test_a_negative_field_is_reported_at_its_cell(demo, tmp_path):  # noqa: F811 (the fixture)
    data = demo[1]["D.4"]
    cell = data.field_cells["staff"]
    finding = _has(_broken(demo, tmp_path, lambda wb, b: wb[data.sheet].__setitem__(cell, -5)), data.sheet, cell, "negative")
    assert (finding.severity, finding.message) == ("error", "“员工人数”不应为负数：-5")


def test_row_messages_name_the_row_or_nothing(demo, tmp_path):  # noqa: F811 (the fixture)
    data = demo[1]["D.6"]
    where = data.cells.row(0)

    def edit(wb, b):
        wb[data.sheet][where["product"]] = None  # the row's name blank, its other cells kept

    finding = _has(_broken(demo, tmp_path, edit), data.sheet, where["product"], "required")
    assert (finding.severity, finding.message) == ("error", "“产品名称”为必填项")  # no “（…）” for a row without name


def test_a_missing_optional_sheet_is_a_warning(demo, tmp_path):  # noqa: F811 (the fixture)
    # BAL.2 (水平衡) is optional: without its sheet the workbook is still usable
    table = demo[1]["BAL.2"].table
    assert table.optional
    findings = _broken(demo, tmp_path, lambda wb, b: wb.remove(wb[table.sheet_name]))
    finding = _has(findings, table.sheet_name, "", "missing_table")
    assert (finding.severity, finding.message) == ("warning", f"缺少工作表“{table.sheet_name}”（{table.source}）")


def test_every_total_is_checked_after_a_blank_one(demo, tmp_path):  # noqa: F811 (the fixture)
    # D.34: 投资 (the first total column) left blank, 经济效益 typed as 1 against the sum of its rows
    data = demo[1]["D.34"]
    summed = float(data.frame["econ_benefit"].sum())
    assert summed > 2  # the demo's options bring more than 1 (万元) of benefit: 1 is off

    def edit(wb, b):
        wb[data.sheet][data.total_cells["investment"]] = None
        wb[data.sheet][data.total_cells["econ_benefit"]] = 1

    findings = _broken(demo, tmp_path, edit)
    cell = data.total_cells["econ_benefit"]
    assert list(_rules(findings, data.sheet, "totals")) == [cell]
    finding = _has(findings, data.sheet, cell, "totals")
    assert finding.severity == "error" and "经济效益" in finding.message
    assert f"合计为 1，明细之和为 {summed:g}，不一致" in finding.message


def _blank_rows(ws, data) -> None:
    """Every row of table ``data`` left blank in its sheet ``ws``."""
    for index in range(len(data.rows)):
        for cell in data.cells.row(index).values():
            if not isinstance(ws[cell], openpyxl.cell.cell.MergedCell):
                ws[cell] = None


def test_a_total_without_any_row_is_checked(demo, tmp_path):  # noqa: F811 (the fixture)
    # BAL.2 with every row blank and 新水量 576 typed in its 合计 row: the sum of no rows is 0, not 576
    data = demo[1]["BAL.2"]

    def edit(wb, b):
        _blank_rows(wb[data.sheet], data)
        wb[data.sheet][data.total_cells["fresh"]] = 576

    found = _rules(_broken(demo, tmp_path, edit), data.sheet, "totals")
    cell = data.total_cells["fresh"]
    assert list(found) == [cell]
    assert "新水量Vf" in found[cell] and "合计为 576，明细之和为 0，不一致" in found[cell]


def test_a_balance_off_by_exactly_the_tolerance_is_within(demo, tmp_path):  # noqa: F811 (the fixture)
    # BAL.2 supplied 100: 90 + 5 gives (100 − 95)/100 = +5 %, 90 + 15 gives (100 − 105)/100 = −5 %; 5 % is allowed
    changes = {}
    for index, second in ((0, 5), (1, 15)):
        changes.update({("BAL.2", index, p): None for p in ("consumed", "discharged", "leaked")})
        changes.update({("BAL.2", index, "fresh"): 100, ("BAL.2", index, "consumed"): 90, ("BAL.2", index, "discharged"): second})
    assert _rules(_edited(demo, tmp_path, changes), demo[1]["BAL.2"].sheet, "balance_deviation") == {}


def test_option_counts_follow_d30_less_the_infeasible_options_of_d32(demo, tmp_path):  # noqa: F811 (the fixture)
    # D.30 lists F10–F16 as 中/高费, D.32 finds F16 infeasible: 6 to implement, so 7 stated in D.36 is off
    book = demo[1]
    sheet, cell = _cell(book, "D.36", 0, "high")
    assert book["D.36"].frame.at[0, "item"] == "方案数量（个）"
    finding = _has(_edited(demo, tmp_path, {("D.36", 0, "high"): 7}), sheet, cell, "totals")
    assert (finding.severity, finding.message) == ("error", "“方案数量（个）”（中/高费）为 7，按表D.30备选方案应为 6")


def test_target_relative_values_raised_blank_and_zero_base(demo, tmp_path):  # noqa: F811 (the fixture)
    # row 0 提高: (110 − 100)/100 = 10 % near, stated 9.8 (off by 0.2); (120 − 100)/100 = 20 % far, stated 20
    # row 1: no near 相对值, far (100 − 80)/100 = 20 % stated 25: the far target is still checked
    # row 2: base 0, no relative change to compare; row 3: base 1, (1 − 0.9)/1 = 10 % near stated 50, far 0.8 → 20 %
    book = demo[1]
    rows = {
        0: {"direction": "提高", "base": 100, "near_abs": 110, "near_rel": 9.8, "far_abs": 120, "far_rel": 20},
        1: {"base": 100, "near_abs": 90, "near_rel": None, "far_abs": 80, "far_rel": 25},
        2: {"base": 0, "near_abs": 1, "near_rel": 5, "far_abs": 2, "far_rel": 5},
        3: {"base": 1, "near_abs": 0.9, "near_rel": 50, "far_abs": 0.8, "far_rel": 20},
    }
    changes = {("D.24", index, key): value for index, row in rows.items() for key, value in row.items()}
    findings = _edited(demo, tmp_path, changes)
    sheet = book["D.24"].sheet
    found = _rules(findings, sheet, "target_inconsistent")
    raised, far, base_1 = (_cell(book, "D.24", i, k)[1] for i, k in ((0, "near_rel"), (1, "far_rel"), (3, "near_rel")))
    assert sorted(found) == sorted([raised, far, base_1])
    assert found[raised] == "近期目标相对值 9.8% 与绝对值不一致（单位产品新鲜水耗）：按基准期值 100、目标值 110（提高）应为 10.00%"
    assert found[far].startswith("中（远）期目标相对值 25% 与绝对值不一致") and found[far].endswith("（降低）应为 20.00%")
    assert found[base_1].endswith("按基准期值 1、目标值 0.9（降低）应为 10.00%")
    assert {f.severity for f in findings if f.rule == "target_inconsistent"} == {"error"}


def test_the_unit_of_a_computed_quantity_is_not_required(demo, tmp_path):  # noqa: F811 (the fixture)
    # D.7 单耗 is computed from 总耗 and the output: its unit column left blank is no missing unit
    sheet, _ = _cell(demo[1], "D.7", 0, "unit_unit")
    findings = _edited(demo, tmp_path, {("D.7", 0, "unit_unit"): None})
    assert _rules(findings, sheet, "units_missing") == {}


def test_a_column_without_scores_needs_no_weight(demo, tmp_path):  # noqa: F811 (the fixture)
    # SCO.2 经济可行性: neither weight nor any score, so no weight is missing
    data = demo[1]["SCO.2"]
    changes = {("SCO.2", index, "economy"): None for index in range(len(data.frame))}
    assert _rules(_edited(demo, tmp_path, changes), data.sheet, "weight_missing") == {}


def test_levels_are_checked_after_a_row_with_one_level(demo, tmp_path):  # noqa: F811 (the fixture)
    # IND.1 row 0 keeps only Ⅰ级 (nothing to order); row 1 越小越好 45.01, 45, 55: Ⅰ above Ⅱ
    book = demo[1]
    changes = {("IND.1", 0, "level_2"): None, ("IND.1", 0, "level_3"): None, ("IND.1", 1, "level_1"): 45.01}
    found = _rules(_edited(demo, tmp_path, changes), book["IND.1"].sheet, "level_order")
    assert list(found) == [_cell(book, "IND.1", 1, "level_1")[1]]


def test_material_flows_without_quantity_are_left_out(demo, tmp_path):  # noqa: F811 (the fixture)
    # CIP废水 without its quantity: its unit kg/a is not compared with the t/a of the other CIP清洗 flows
    book = demo[1]
    index = _row(book, "BAL.1", "material", "CIP废水")
    findings = _edited(demo, tmp_path, {("BAL.1", index, "qty"): None, ("BAL.1", index, "qty_unit"): "kg/a"})
    assert _rules(findings, book["BAL.1"].sheet, "balance_units") == {}


def test_a_phase_may_end_the_day_it_starts(demo, tmp_path):  # noqa: F811 (the fixture)
    book = demo[1]
    start = book["D.3"].frame.at[0, "start"]
    assert _rules(_edited(demo, tmp_path, {("D.3", 0, "end"): start}), book["D.3"].sheet, "date_order") == {}


def test_option_counts_when_every_option_is_low_cost(demo, tmp_path):  # noqa: F811 (the fixture)
    # F10–F16 made 无/低费: 16 low-cost options less F16 (infeasible, D.32) = 15 to implement, none 中/高费
    book = demo[1]
    frame = book["D.30"].frame
    changes = {("D.30", i, "cost_class"): "无/低费" for i in frame.index[frame["cost_class"] == "中/高费"]}
    assert len(changes) == 7
    found = _rules(_edited(demo, tmp_path, changes), book["D.36"].sheet, "totals")
    low, high = _cell(book, "D.36", 0, "low")[1], _cell(book, "D.36", 0, "high")[1]
    assert found[low] == "“方案数量（个）”（无/低费）为 9，按表D.30备选方案应为 15"
    assert found[high] == "“方案数量（个）”（中/高费）为 6，按表D.30备选方案应为 0"


def test_no_option_counts_without_any_option(demo, tmp_path):  # noqa: F811 (the fixture)
    # D.30 left blank (an empty table of its own): D.36 is not compared with nothing
    data = demo[1]["D.30"]

    def edit(wb, b):
        _blank_rows(wb[data.sheet], data)

    findings = _broken(demo, tmp_path, edit)
    _has(findings, data.sheet, "A1", "empty_table")
    assert _rules(findings, demo[1]["D.36"].sheet, "totals") == {}


def test_without_the_d24_sheet_no_target_is_unknown(demo, tmp_path):  # noqa: F811 (the fixture)
    book = demo[1]
    findings = _broken(demo, tmp_path, lambda wb, b: wb.remove(wb[book["D.24"].sheet]))
    _has(findings, book["D.24"].table.sheet_name, "", "missing_table")
    assert not [f for f in findings if f.rule == "target_unknown"]


def test_a_bad_parameter_row_leaves_the_balance_tolerances(demo, tmp_path):  # noqa: F811 (the fixture)
    # 参数 原煤 0 (须为正数) is skipped, not fatal: CIP清洗 at (100 000 − 94 990)/100 000 = 5.01 % is over 5 %
    book = demo[1]
    coal = ("参数", _row(book, "参数", "name", "原煤"), "value")
    sheet, cell = _cell(book, "BAL.1", _row(book, "BAL.1", "unit_op", "CIP清洗"), "unit_op")
    found = _rules(_cip_copy(demo, tmp_path, 94_990, {coal: 0}), sheet, "balance_deviation")
    assert list(found) == [cell] and "超过允许偏差 5%" in found[cell]
