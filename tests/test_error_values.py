"""Error values (#NAME?, #DIV/0! …) anywhere in a workbook are located findings, never an internal error: an
error in a cell the auditor fills is an error; in a formula cell it is a warning (the program that saved the
workbook did not compute the formula; checks and the report recompute from the inputs)."""

from __future__ import annotations

import re
import zipfile

import openpyxl
import pytest
from typer.testing import CliRunner

from cpxl.cli import app
from cpxl.report import export_report
from cpxl.workbook.check import check_book
from cpxl.workbook.engine import evaluate_values
from cpxl.workbook.read import EXCEL_ERRORS, error_value, read_workbook, typed

CODES = ["#NAME?", "#VALUE!", "#DIV/0!", "#REF!", "#N/A", "#NUM!", "#NULL!"]


@pytest.fixture(scope="module")
def demo(demo_workbooks):
    path = demo_workbooks[0]
    return path, read_workbook(path)


def _row_cell(book, table_id, key, index=0):
    data = book[table_id]
    return data.sheet, data.cells.at[index, key]


def _field_cell(book, table_id, key):
    data = book[table_id]
    return data.sheet, data.field_cells[key]


def _total_cell(book, table_id, key):
    data = book[table_id]
    return data.sheet, data.total_cells[key]


def _places(book):
    """(what, sheet, cell, severity) for every kind of cell an error value can land in."""
    return [
        ("number input", *_row_cell(book, "D.6", "output_2"), "error"),
        ("text input", *_row_cell(book, "D.30", "name", 1), "error"),
        ("date input", *_row_cell(book, "D.3", "start"), "error"),
        ("cover number", *_field_cell(book, "封面信息", "base_year"), "error"),
        ("cover text", *_field_cell(book, "封面信息", "company"), "error"),
        ("parameter value", *_row_cell(book, "参数", "value"), "error"),
        ("computed number", *_row_cell(book, "D.7", "per_unit_1"), "warning"),
        ("computed percent", *_row_cell(book, "ECO.1", "irr"), "warning"),
        ("computed text", *_row_cell(book, "ECO.1", "verdict"), "warning"),
        ("computed total", *_total_cell(book, "D.12", "total_1"), "warning"),
        ("computed form number", *_field_cell(book, "BAL.1", "total_dev"), "warning"),
        ("computed form text", *_field_cell(book, "E.4", "company"), "warning"),
    ]


@pytest.mark.parametrize("code", CODES)
def test_error_value_in_every_kind_of_cell(demo, tmp_path, code):
    path, book = demo
    places = _places(book)
    copy = tmp_path / "broken.xlsx"
    wb = openpyxl.load_workbook(path)
    for _, sheet, cell, _ in places:
        wb[sheet][cell] = code  # openpyxl writes an error cell (t="e"), as Excel saves one
    wb.save(copy)

    findings = check_book(read_workbook(copy))
    for what, sheet, cell, severity in places:
        here = [f for f in findings if (f.sheet, f.cell) == (sheet, cell)]
        assert [(f.rule, f.severity) for f in here] == [("error_value", severity)], (what, here)
        assert code in here[0].message, what
    located = {(s, c) for _, s, c, _ in places}
    errors = [f for f in findings if f.severity == "error" and (f.sheet, f.cell) not in located]
    # the only other errors: what follows from a blank base year or parameter (none) and the blank option name
    assert all(f.rule in ("required",) for f in errors), "\n".join(map(str, errors))



def test_report_with_every_error_value_somewhere(demo, tmp_path):
    """The report recomputes from the inputs: every error literal, in every kind of cell, exports without
    an error value in the text."""
    import docx

    path, book = demo
    places = _places(book)
    copy = tmp_path / "broken.xlsx"
    wb = openpyxl.load_workbook(path)
    for i, (_, sheet, cell, _) in enumerate(places):
        wb[sheet][cell] = CODES[i % len(CODES)]
    wb.save(copy)
    result = export_report(copy, tmp_path / "report.docx")
    assert result.errors >= sum(severity == "error" for *_, severity in places)
    document = docx.Document(str(result.path))
    text = "\n".join([p.text for p in document.paragraphs] + [c.text for t in document.tables for r in t.rows for c in r.cells])
    assert not [code for code in CODES if code in text]


@pytest.mark.slow  # two checks and two exports through the command
def test_cli_exit_codes_with_error_values(demo, tmp_path):
    path, book = demo
    runner = CliRunner()
    warn_only = tmp_path / "computed.xlsx"
    wb = openpyxl.load_workbook(path)
    sheet, cell = _row_cell(book, "D.7", "per_unit_1")
    wb[sheet][cell] = "#NAME?"
    wb.save(warn_only)
    res = runner.invoke(app, ["check", str(warn_only)])
    assert res.exit_code == 0, res.output
    assert f"{sheet}!{cell}" in res.output and "警告" in res.output
    res = runner.invoke(app, ["export", str(warn_only), "-o", str(tmp_path / "a.docx")])
    assert res.exit_code == 0, res.output

    broken = tmp_path / "input.xlsx"
    sheet, cell = _row_cell(book, "D.6", "output_2")
    wb[sheet][cell] = "#VALUE!"
    wb.save(broken)
    res = runner.invoke(app, ["check", str(broken), "--json"])
    assert res.exit_code == 1, res.output
    assert '"rule": "error_value"' in res.output
    res = runner.invoke(app, ["export", str(broken), "-o", str(tmp_path / "b.docx")])
    # the report is written; the workbook has errors: exit 1
    assert res.exit_code == 1 and "内部错误" not in res.output and (tmp_path / "b.docx").exists(), res.output


def _patch_cell(path, dst, sheet_index: int, cell: str, xml: str):
    """Rewrite one cell's XML (the part of an openpyxl-saved workbook is sheet{n}.xml in sheet order)."""
    part = f"xl/worksheets/sheet{sheet_index + 1}.xml"
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == part:
                text, n = re.subn(rf'<c r="{cell}"[^>]*?(/>|>.*?</c>)', xml, data.decode(), count=1, flags=re.S)
                assert n == 1, f"{cell} not in {part}"
                data = text.encode()
            zout.writestr(info, data)


@pytest.mark.slow  # two headless calculations of the demo
def test_libreoffice_style_unknown_function_cell(demo, tmp_path):
    """LibreOffice saves a function it does not know in lower case, without a prefix, with #NAME? cached:
    ``<c t="e"><f aca="false">IF(E6="","",cp_per_unit(…))</f><v>#NAME?</v></c>``. The check warns, the
    headless calculation still computes it. (Only a ``--functions cp`` workbook has CP_ calls.)"""
    from cpxl.demo import demo_data
    from cpxl.workbook.build import build_workbook, save_workbook

    path = save_workbook(build_workbook("audit", demo_data("audit"), functions="cp"), tmp_path / "cp.xlsx")
    book = read_workbook(path)
    sheet, cell = _row_cell(book, "D.7", "per_unit_1")
    saved = tmp_path / "saved.xlsx"
    wb = openpyxl.load_workbook(path)
    formula = wb[sheet][cell].value
    assert formula.startswith("=") and "CP_PER_UNIT(" in formula
    wb.save(saved)
    lower = formula[1:].replace("CP_PER_UNIT(", "cp_per_unit(").replace("&", "&amp;").replace('"', "&quot;")
    lower = lower.replace("<", "&lt;").replace(">", "&gt;")
    lo_like = tmp_path / "lo-like.xlsx"
    _patch_cell(saved, lo_like, wb.sheetnames.index(sheet), cell,
                f'<c r="{cell}" t="e"><f aca="false">{lower}</f><v>#NAME?</v></c>')

    findings = [f for f in check_book(read_workbook(lo_like)) if (f.sheet, f.cell) == (sheet, cell)]
    assert [(f.rule, f.severity) for f in findings] == [("error_value", "warning")]
    assert "#NAME?" in findings[0].message and "CP_" in findings[0].message
    assert evaluate_values(lo_like)[(sheet, cell)] == pytest.approx(evaluate_values(path)[(sheet, cell)], rel=1e-12)


@pytest.mark.parametrize("code", sorted(EXCEL_ERRORS))
def test_typed_turns_every_error_literal_into_a_finding(code):
    from cpxl.tables.model import Column

    for col, severity in ((Column("x", "数量", type="number"), "error"), (Column("x", "名称"), "error"),
                          (Column("x", "结果", type="number", formula="=1"), "warning")):
        value, problem = typed(col, code)
        assert value is None and (problem.rule, problem.severity) == ("error_value", severity)
        assert code in problem.message
    assert error_value(f" {code.lower()} ") == code
    assert error_value("#CP! 投资须为正数") is None and error_value("#1 车间") is None


def test_cp_message_cached_in_a_computed_cell_is_a_warning(demo, tmp_path):
    """Excel with the add-in caches a CP_ function's bad-input text (``#CP! …``) in the cell; a number column
    holding it is read as blank with a warning naming the message."""
    path, book = demo
    copy = tmp_path / "cp.xlsx"
    wb = openpyxl.load_workbook(path)
    places = [_row_cell(book, "ECO.1", "npv"), _row_cell(book, "ECO.1", "verdict")]
    for sheet, cell in places:
        wb[sheet][cell] = "#CP! investment（投资）须为正数，收到 -5"
    wb.save(copy)
    findings = check_book(read_workbook(copy))
    for sheet, cell in places:
        here = [f for f in findings if (f.sheet, f.cell) == (sheet, cell)]
        assert [(f.rule, f.severity) for f in here] == [("error_value", "warning")]
        assert "#CP! investment（投资）须为正数" in here[0].message
