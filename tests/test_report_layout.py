"""The reports as a reviewer reads them (LibreOffice PDF, pdftotext): numbers of the workbook's tables never
split across lines, cross-references in the report's own numbers, page counts of the park and 20-enterprise
region reports within their targets."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cpxl.report import export_report

pytestmark = [pytest.mark.slow, pytest.mark.libreoffice]

ROOT = Path(__file__).resolve().parents[1]


def _pdf_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def _pages(pdf: Path) -> int:
    out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", out, re.M)[1])


@pytest.fixture(scope="module")
def audit_pdf(lo, demo_workbooks, tmp_path_factory):
    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils 未安装")
    out = tmp_path_factory.mktemp("layout") / "audit.docx"
    return export_report(demo_workbooks[0], out, pdf=True)


def _table_numbers(docx: Path) -> set[str]:
    from docx import Document

    nums = set()
    for t in Document(str(docx)).tables:
        for row in t.rows:
            for cell in row.cells:
                for m in re.finditer(r"(?<![\w.])\d{4,}(?:\.\d+)?(?![\w.])|(?<![\w.])\d+\.\d{2,}(?![\w.])", cell.text):
                    nums.add(m.group(0))
    return nums


def test_table_numbers_never_split(audit_pdf):
    text = _pdf_text(audit_pdf.pdf_path)
    flat = re.sub(r"\s+", " ", text)
    numbers = _table_numbers(audit_pdf.path)
    assert len(numbers) > 100
    missing = sorted(n for n in numbers if not re.search(r"(?<![\d.])" + re.escape(n) + r"(?![\d])", flat))
    assert not missing, missing[:20]


def test_cross_references_use_report_numbers(audit_pdf):
    from docx import Document

    doc = Document(str(audit_pdf.path))
    body = "\n".join(p.text for p in doc.paragraphs)
    assert not re.findall(r"表\s?[DE]\.\d+", body), re.findall(r".{20}表\s?[DE]\.\d+.{10}", body)[:5]
    assert "表 4-" in body and "图 5-" in body


def test_park_report_pages(lo, park_workbook, tmp_path):
    book = park_workbook
    result = export_report(book, tmp_path / "park.docx", pdf=True)
    assert _pages(result.pdf_path) <= 22


def test_region_report_for_20_enterprises_pages(lo, tmp_path):
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "make_workbooks.py"), "20", str(tmp_path / "ents")], check=True,
                   capture_output=True)

    from typer.testing import CliRunner

    from cpxl.cli import app

    res = CliRunner().invoke(app, ["aggregate", str(tmp_path / "ents"), "-o", str(tmp_path / "region.xlsx")])
    assert (tmp_path / "region.xlsx").exists(), res.output
    result = export_report(tmp_path / "region.xlsx", tmp_path / "region.docx", pdf=True)
    assert _pages(result.pdf_path) <= 45
    text = _pdf_text(result.pdf_path)
    assert "0.4166 年" not in text
