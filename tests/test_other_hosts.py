"""The demo workbook saved by other programs reads the same: saved by LibreOffice as .xlsx, round-tripped
through .ods, and loaded and saved by openpyxl, it gives the original's findings and the same report text.

LibreOffice does not know the ``CP_*`` functions and saves #NAME? in those cells (and in totals over them):
those cells (formula cells depending on a ``CP_`` call) are ``error_value`` warnings, and
nothing else differs.
"""

from __future__ import annotations


import docx
import openpyxl
import pytest
from typer.testing import CliRunner

from cpxl.cli import app
from cpxl.report import export_report
from cpxl.workbook.check import check_book
from cpxl.workbook.read import read_workbook

pytestmark = [pytest.mark.libreoffice, pytest.mark.slow]

HOSTS = ["libreoffice-xlsx", "libreoffice-ods-xlsx", "openpyxl"]


def report_text(path) -> list[str]:
    """The report's text: paragraphs, then every table's rows (cells joined by " | ")."""
    document = docx.Document(str(path))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        lines.extend(" | ".join(c.text for c in row.cells) for row in table.rows)
    return lines


def _key(f):
    return f.sheet, f.cell, f.severity, f.rule, f.message


@pytest.fixture(scope="module")
def original(demo_workbooks, tmp_path_factory):
    path = demo_workbooks[0]
    out = tmp_path_factory.mktemp("original")
    return path, check_book(read_workbook(path)), report_text(export_report(path, out / "report.docx").path)


@pytest.fixture(scope="module", params=HOSTS)
def saved(request, demo_workbooks, tmp_path_factory):
    src = demo_workbooks[0]
    out = tmp_path_factory.mktemp(request.param)
    if request.param == "openpyxl":
        dst = out / "saved.xlsx"
        wb = openpyxl.load_workbook(src)
        wb.save(dst)
    else:
        lo = request.getfixturevalue("lo")
        dst = lo.convert(src, "ods-xlsx" if "ods" in request.param else "xlsx", out / "saved.xlsx")
    return request.param, dst


def test_same_findings(original, saved):
    """The default workbook's formulas are native: the program that saved it computed every one, so the
    findings are the original's, with no error value among them."""
    _, expected, _ = original
    _, dst = saved
    findings = check_book(read_workbook(dst))
    assert not [f for f in findings if f.rule == "error_value"]
    assert sorted(map(_key, findings)) == sorted(map(_key, expected))


def test_same_report_text(original, saved, tmp_path):
    _, _, expected = original
    _, dst = saved
    result = export_report(dst, tmp_path / "report.docx")
    assert result.errors == 0
    actual = report_text(result.path)
    assert len(actual) == len(expected)
    diff = [(i, a, b) for i, (a, b) in enumerate(zip(expected, actual)) if a != b]
    assert not diff, diff[:5]


def test_cli_check_and_export_exit_0(saved, tmp_path):
    _, dst = saved
    runner = CliRunner()
    res = runner.invoke(app, ["check", str(dst)])
    assert res.exit_code == 0 and "0 个错误" in res.output, res.output[-500:]
    res = runner.invoke(app, ["export", str(dst), "-o", str(tmp_path / "r.docx")])
    assert res.exit_code == 0 and "内部错误" not in res.output, res.output[-500:]
