"""Tests written against the mutants of cpxl/workbook/check.py that survived the other tests
(tools/mutation.py cpxl/workbook/check.py)."""

from __future__ import annotations

import openpyxl
import pytest
from test_check import _broken, _has, _rules, demo  # noqa: F401  (demo: the fixture of a read demo workbook)

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
