"""Each check rule: break a copy of the demo workbook, and the finding names the sheet, cell and rule."""

from __future__ import annotations

import json
import shutil

import openpyxl
import pytest
from typer.testing import CliRunner

from cpxl.cli import app
from cpxl.workbook.check import check_book
from cpxl.workbook.read import read_workbook


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from cpxl.demo import write_demo

    path = write_demo(tmp_path_factory.mktemp("demo"), region=False)[0]
    return path, read_workbook(path)


def _broken(demo, tmp_path, edit):
    """Copy the demo, apply `edit(wb, book)` with openpyxl, return the findings of the copy."""
    path, book = demo
    copy = tmp_path / "broken.xlsx"
    shutil.copy(path, copy)
    wb = openpyxl.load_workbook(copy)
    edit(wb, book)
    wb.save(copy)
    return check_book(read_workbook(copy))


def _cell(book, table_id, index, key):
    data = book[table_id]
    return data.sheet, data.cells.at[index, key]


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
    _has(findings, sheet, cell, "negative")


def test_renamed_header(demo, tmp_path):
    data = demo[1]["D.5"]
    sheet = data.sheet
    # 设备名称 is the third column, on the table's single header row (row 3)
    findings = _broken(demo, tmp_path, lambda wb, b: wb[sheet].__setitem__("C3", "设备"))
    assert "设备名称" in _has(findings, sheet, "C3", "header_changed").message


def test_missing_unit(demo, tmp_path):
    sheet, cell = _cell(demo[1], "D.11", 0, "total_unit")
    findings = _broken(demo, tmp_path, lambda wb, b: wb[sheet].__setitem__(cell, None))
    _has(findings, sheet, cell, "units_missing")


def test_option_id_format_and_duplicates(demo, tmp_path):
    book = demo[1]
    sheet, first = _cell(book, "D.30", 0, "option_id")
    _, second = _cell(book, "D.30", 2, "option_id")

    def edit(wb, b):
        wb[sheet][first] = "方案1"
        wb[sheet][second] = book["D.30"].frame.at[1, "option_id"]  # the later of two equal ids is reported

    findings = _broken(demo, tmp_path, edit)
    _has(findings, sheet, first, "option_id")
    _has(findings, sheet, second, "option_id_duplicate")


def test_option_type_not_one_of_the_eight(demo, tmp_path):
    sheet, cell = _cell(demo[1], "D.30", 0, "category")
    findings = _broken(demo, tmp_path, lambda wb, b: wb[sheet].__setitem__(cell, "技术改造"))
    assert "八个方面" in _has(findings, sheet, cell, "option_category").message


def test_total_row_that_does_not_add_up(demo, tmp_path):
    data = demo[1]["D.30"]
    cell = data.total_cells["investment"]
    findings = _broken(demo, tmp_path, lambda wb, b: wb[data.sheet].__setitem__(cell, 1.0))
    _has(findings, data.sheet, cell, "totals")


def test_plan_dates_out_of_order(demo, tmp_path):
    from datetime import date

    sheet, cell = _cell(demo[1], "D.3", 2, "end")
    findings = _broken(demo, tmp_path, lambda wb, b: wb[sheet].__setitem__(cell, date(2000, 1, 1)))
    assert "早于开始日期" in _has(findings, sheet, cell, "date_order").message


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
                if not isinstance(c, openpyxl.cell.cell.MergedCell) and c.row >= 4:
                    c.value = None

    findings = _broken(demo, tmp_path, edit)
    _has(findings, book["D.9"].sheet, "A1", "empty_table")


def test_missing_sheet(demo, tmp_path):
    sheet = demo[1]["D.12"].sheet
    findings = _broken(demo, tmp_path, lambda wb, b: wb.remove(wb[sheet]))
    assert any(f.rule == "missing_table" and f.sheet == sheet and f.severity == "error" for f in findings)


def test_required_cover_field(demo, tmp_path):
    cover = demo[1]["封面信息"]
    cell = cover.field_cells["audit_type"]
    findings = _broken(demo, tmp_path, lambda wb, b: wb[cover.sheet].__setitem__(cell, None))
    _has(findings, cover.sheet, cell, "required")


def test_cli_check_json_and_exit_codes(demo, tmp_path):
    path, book = demo
    runner = CliRunner()
    ok = runner.invoke(app, ["check", str(path)])
    assert ok.exit_code == 0, ok.output
    assert "0 个错误" in ok.output

    sheet, cell = _cell(book, "D.6", 0, "output_1")
    copy = tmp_path / "bad.xlsx"
    shutil.copy(path, copy)
    wb = openpyxl.load_workbook(copy)
    wb[sheet][cell] = "abc"
    wb.save(copy)
    bad = runner.invoke(app, ["check", str(copy), "--json"])
    assert bad.exit_code == 1
    rows = json.loads(bad.stdout)
    assert {"sheet": sheet, "cell": cell, "severity": "error", "rule": "not_number"}.items() <= rows[0].items() or any(
        r["sheet"] == sheet and r["cell"] == cell and r["rule"] == "not_number" for r in rows
    )
    assert set(rows[0]) == {"sheet", "cell", "severity", "rule", "message"}
