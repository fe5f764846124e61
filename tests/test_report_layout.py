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


def _page_lines(pdf: Path) -> list[tuple[bool, float, list[str]]]:
    """Per page: landscape?, the share of the text height its body fills, and its body's text lines top to
    bottom (running header and page number left out: they lie in the 25 mm margins)."""
    import html

    out = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    margin = 25 / 25.4 * 72
    pages = []
    for m in re.finditer(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', out, re.S):
        width, height = float(m[1]), float(m[2])
        lines = sorted((float(y0), float(y1), html.unescape(" ".join(re.findall(r">([^<]*)</word>", words))))
                       for y0, y1, words in re.findall(r'<line xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">(.*?)</line>',
                                                       m[3], re.S))
        body = [ln for ln in lines if ln[0] > margin and ln[1] < height - margin]
        fill = (body[-1][1] - body[0][0]) / (height - 2 * margin) if body else 0.0
        pages.append((width > height, fill, [ln[2] for ln in body]))
    return pages


#: A heading (4.1.2 …, 第五章 …) or an annex label (附件, 附件一 …) as a line of its own.
HEADING = re.compile(r"^((\d+(\.\d+)+|第[一二三四五六七八九十]+章) [\u4e00-\u9fff][^。；，]*|(附件|附图)[一二三四五六七八九十]*( [^。；，]+)?)$")


def _layout_defects(pdf: Path) -> list[str]:
    """Landscape pages filled less than a third (a table's tail, a small table alone) and pages whose last
    line is a heading or an annex label (the table of contents, with its dot leaders, aside)."""
    defects = []
    for n, (landscape, fill, lines) in enumerate(_page_lines(pdf), 1):
        if landscape and fill < 1 / 3:
            defects.append(f"第 {n} 页（横向）只占 {fill:.0%}：{lines[:3]}")
        if lines and HEADING.match(lines[-1]) and "..." not in lines[-1]:
            defects.append(f"第 {n} 页末行是标题：{lines[-1]}")
    return defects


def test_no_landscape_page_holds_a_few_rows_and_no_heading_ends_a_page(audit_pdf):
    pages = _page_lines(audit_pdf.pdf_path)
    assert sum(landscape for landscape, _f, _l in pages) >= 4  # the demo has wide tables: the test sees some
    assert not _layout_defects(audit_pdf.pdf_path)


def test_layout_defects_are_found(tmp_path):
    """The check itself: a landscape page holding two rows and a page ending on a heading."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_BREAK
    from docx.shared import Mm

    from cpxl.report.export import to_pdf

    doc = Document()
    for s in doc.sections:
        s.page_width, s.page_height = Mm(210), Mm(297)
        s.top_margin = s.bottom_margin = s.left_margin = s.right_margin = Mm(25)
    for i in range(3):
        doc.add_paragraph(f"正文第 {i + 1} 段。")
    doc.add_paragraph("4.1.2 企业生产现状").add_run().add_break(WD_BREAK.PAGE)  # the heading ends page 1
    doc.add_paragraph("正文。")
    landscape = doc.add_section()
    landscape.orientation = WD_ORIENT.LANDSCAPE
    landscape.page_width, landscape.page_height = Mm(297), Mm(210)
    doc.add_paragraph("表 1-1 两行的表")
    table = doc.add_table(rows=2, cols=3)
    for row in table.rows:
        for cell in row.cells:
            cell.text = "12.5"
    doc.save(str(tmp_path / "d.docx"))
    pdf = to_pdf(tmp_path / "d.docx", tmp_path / "d.pdf")
    defects = _layout_defects(pdf)
    assert any("末行是标题：4.1.2 企业生产现状" in d for d in defects), defects
    assert any("（横向）" in d for d in defects), defects


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


@pytest.mark.parametrize("which", ["sample", "demo"])
def test_park_report_pages(lo, park_workbook, demo_workbooks, which, tmp_path):
    book = park_workbook if which == "sample" else next(p for p in demo_workbooks if "园区" in p.name)
    result = export_report(book, tmp_path / "park.docx", pdf=True)
    assert _pages(result.pdf_path) <= 22
    assert not _layout_defects(result.pdf_path)


def test_region_report_for_20_enterprises_pages(lo, tmp_path):
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "make_workbooks.py"), "20", str(tmp_path / "ents")], check=True,
                   capture_output=True)

    from typer.testing import CliRunner

    from cpxl.cli import app

    res = CliRunner().invoke(app, ["aggregate", str(tmp_path / "ents"), "-o", str(tmp_path / "region.xlsx")])
    assert (tmp_path / "region.xlsx").exists(), res.output
    result = export_report(tmp_path / "region.xlsx", tmp_path / "region.docx", pdf=True)
    assert _pages(result.pdf_path) <= 45
    assert not _layout_defects(result.pdf_path)
    text = _pdf_text(result.pdf_path)
    assert "0.4166 年" not in text


def test_region_benchmark_table_fits_one_page_and_annexes_the_district_gaps(lo, tmp_path):
    """表 2-1 (R.3) of the demo region report on one landscape page (before: the table and three pages of
    per-jurisdiction 差距分析 notes), no cell of it longer than 16 characters, a one-sentence summary of the
    jurisdictions in the text, and every line of 差距分析 still in the report, in its annex table."""
    from docx import Document

    from cpxl.demo import write_region
    from cpxl.workbook.read import read_workbook

    book = write_region(tmp_path)
    result = export_report(book, tmp_path / "region.docx", pdf=True)
    pages = _page_lines(result.pdf_path)
    start = next(n for n, (_l, _f, lines) in enumerate(pages) if "表 2-1 区域关键性指标对标分析表" in lines)
    end = next(n for n, (_l, _f, lines) in enumerate(pages) if n > start and any(ln.startswith("图 2-1") for ln in lines))
    assert end - start <= 1, [pages[n][2][:2] for n in range(start, end + 1)]

    doc = Document(str(tmp_path / "region.docx"))
    body = next(t for t in doc.tables if any("单位产品水耗" in c.text for r in t.rows for c in r.cells))
    assert "差距分析" not in body.rows[0].cells[-1].text
    assert max(len(c.text) for r in body.rows for c in r.cells) <= 16
    paragraphs = [p.text for p in doc.paragraphs]
    assert "注：差距分析见附件二。" in paragraphs
    assert any(p.startswith("分辖区看（见表 2-1），18 项关键性指标可在 8 个辖区间比较") and "附表 2" in p for p in paragraphs)
    annex = "\n".join(c.text for t in doc.tables for r in t.rows for c in r.cells)
    r3 = read_workbook(book)["R.3"].frame
    full = [ln for x in r3["remark"] if isinstance(x, str) and x != "无企业数据"  # such rows are left out (rows_with)
            for ln in x.split("\n") if ln.strip()]
    assert len(full) >= 9 * 18 and all(ln in annex for ln in full)
