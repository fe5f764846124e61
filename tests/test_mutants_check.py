"""Tests written against the mutants of cpxl/workbook/check.py that survived the other tests
(tools/mutation.py cpxl/workbook/check.py)."""

from __future__ import annotations

import openpyxl
import pytest
from test_check import _broken, _cell, _edited, _has, _rules, demo  # noqa: F401  (demo: the fixture of a read demo workbook)

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


def test_an_applicable_empty_table_names_its_condition(demo, tmp_path):  # noqa: F811 (the fixture)
    # a “双有” enterprise must fill D.9: the reason of the condition leads the message
    book = demo[1]
    cover = book["封面信息"]

    def edit(wb, b):
        wb[cover.sheet][cover.field_cells["double_toxic"]] = "是"
        ws = wb[book["D.9"].sheet]
        for row in ws.iter_rows(min_row=4):
            for c in row:
                if not isinstance(c, openpyxl.cell.cell.MergedCell):
                    c.value = None

    finding = _has(_broken(demo, tmp_path, edit), book["D.9"].sheet, "A1", "empty_table")
    assert (finding.severity, finding.message) == ("error", "本企业为“双有”企业，表D.9“有毒有害原辅材料理化性质一览表”未填写")


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


def test_a_total_without_any_row_is_checked(demo, tmp_path):  # noqa: F811 (the fixture)
    # BAL.2 with every row blank and 新水量 576 typed in its 合计 row: the sum of no rows is 0, not 576
    data = demo[1]["BAL.2"]

    def edit(wb, b):
        ws = wb[data.sheet]
        for index in range(len(data.rows)):
            for cell in data.cells.row(index).values():
                if not isinstance(ws[cell], openpyxl.cell.cell.MergedCell):
                    ws[cell] = None
        ws[data.total_cells["fresh"]] = 576

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
    sheet, cell = _cell(demo[1], "D.7", 0, "unit_unit")
    findings = _edited(demo, tmp_path, {("D.7", 0, "unit_unit"): None})
    assert _rules(findings, sheet, "units_missing") == {}


def test_a_column_without_scores_needs_no_weight(demo, tmp_path):  # noqa: F811 (the fixture)
    # SCO.2 经济可行性: neither weight nor any score, so no weight is missing
    data = demo[1]["SCO.2"]
    changes = {("SCO.2", index, "economy"): None for index in range(len(data.frame))}
    assert _rules(_edited(demo, tmp_path, changes), data.sheet, "weight_missing") == {}
