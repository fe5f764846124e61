"""The shipped report templates: rebuilt from code byte for byte, styles of 附录C (DB4101/T 61—2023; park:
T/CPPC 附件2 附录C), A4 pages, the TOC field updated on open, only the jinja tags the context provides."""

from __future__ import annotations

import zipfile

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt
from docxtpl import DocxTemplate

from cpxl.report.export import jinja_env
from cpxl.report.templates import build_template, template_path
from cpxl.tables import KINDS


@pytest.mark.parametrize("kind", KINDS)
def test_templates_in_package_are_current(kind):
    """cpxl/report/templates/*.docx is what `python -m cpxl.report.templates` writes today."""
    assert template_path(kind).read_bytes() == build_template(kind), (
        f"报告模板 {KINDS[kind].report_template} 已过期：运行 python -m cpxl.report.templates")


def _style(doc, name):
    s = doc.styles[name]
    rfonts = s.element.rPr.rFonts
    return s, rfonts.get(qn("w:eastAsia")), rfonts.get(qn("w:ascii"))


# (style, east-Asian font, size pt, bold, alignment) per DB4101/T 61—2023 附录C C.2
ENTERPRISE = [
    ("Heading 1", "黑体", 16, True, "CENTER"),
    ("Heading 2", "楷体", 16, True, "LEFT"),
    ("Heading 3", "宋体", 14, True, "LEFT"),
    ("Heading 4", "宋体", 14, False, "LEFT"),
    ("Normal", "宋体", 12, False, "JUSTIFY"),
    ("表题", "宋体", 12, True, "CENTER"),
    ("图题", "宋体", 12, True, "CENTER"),
    ("表格文字", "宋体", 10.5, False, "CENTER"),
    ("附件标注", "黑体", 18, False, "LEFT"),
    ("toc 1", "黑体", 12, False, "LEFT"),
]
# T/CPPC 工业园区清洁生产审核指南 附件2 表C.1
PARK = [
    ("Heading 1", "黑体", 22, True, "CENTER"),
    ("Heading 2", "黑体", 16, False, "LEFT"),
    ("Heading 3", "宋体", 14, False, "LEFT"),
    ("Normal", "宋体", 14, False, "JUSTIFY"),
    ("表格文字", "宋体", 12, False, "CENTER"),
    ("表题", "宋体", 14, False, "CENTER"),
]


@pytest.mark.parametrize("kind", KINDS)
def test_styles_per_annex_c(kind):
    doc = Document(str(template_path(kind)))
    for name, east, size, bold, align in (PARK if kind == "park" else ENTERPRISE):
        style, got_east, latin = _style(doc, name)
        assert got_east == east, name
        assert latin == "Times New Roman", name  # C.2.1 e) 数字及英文字母
        assert style.font.size == Pt(size), name
        assert bool(style.font.bold) == bold, name
        assert style.paragraph_format.alignment.name == align, name
    assert doc.styles["Heading 1"].paragraph_format.page_break_before
    # no theme fonts anywhere: they would override the named fonts
    assert "asciiTheme" not in doc.styles.element.xml.split("<w:latentStyles")[0]


@pytest.mark.parametrize("kind", KINDS)
def test_a4_and_page_numbers(kind):
    doc = Document(str(template_path(kind)))
    for s in doc.sections:
        assert (s.page_width.twips, s.page_height.twips) == (11906, 16838)  # 210 mm × 297 mm
    fmts = [s._sectPr.find(qn("w:pgNumType")) for s in doc.sections]
    assert fmts[0] is None  # covers: no page number
    assert fmts[1].get(qn("w:fmt")) == "upperRoman" and fmts[2].get(qn("w:fmt")) == "decimal"


@pytest.mark.parametrize("kind", KINDS)
def test_toc_field_and_update_on_open(kind):
    with zipfile.ZipFile(template_path(kind)) as zf:
        doc = zf.read("word/document.xml").decode()
        settings = zf.read("word/settings.xml").decode()
        names = zf.namelist()
    assert '<w:updateFields w:val="true"/>' in settings
    assert 'TOC \\o "1-3" \\h \\z \\u' in doc
    assert "{%p for e in toc %}" in doc and "{%p for s in sections %}" in doc and "{{p s.body }}" in doc
    assert "docProps/thumbnail.jpeg" not in names
    # the field (begin … end, cached result = the static list) lies in the TOC section
    cover_end, toc_end = [i for i in range(len(doc)) if doc.startswith("<w:sectPr", i)][:2]
    begin, end = doc.index('w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> TOC'), doc.rindex('w:fldCharType="end"')
    assert cover_end < begin < doc.index("{%p for e in toc %}") < end < toc_end


@pytest.mark.parametrize("kind", KINDS)
def test_template_variables_are_the_context(kind):
    declared = DocxTemplate(str(template_path(kind))).get_undeclared_template_variables(jinja_env())
    assert declared <= {"cover", "report", "commit_company", "commit_consultant", "toc", "sections"}


def test_enterprise_covers_per_annex_a():
    doc = Document(str(template_path("audit")))
    text = "\n".join(p.text for p in doc.paragraphs)
    cells = "\n".join(c.text for t in doc.tables for row in t.rows for c in row.cells)
    assert "清洁生产审核报告" in text and "清洁生产审核承诺" in text  # 图A.1, 图A.4
    for label in ("审核单位名称：", "所属行业及代码：", "咨询单位名称：", "行业专家姓名：", "技术擅长领域："):  # 图A.3
        assert label in cells
    assert "清洁生产审核师证书编号" in cells and "审核师证书" in cells  # 图A.4, 图A.6
    acc = Document(str(template_path("acceptance")))
    assert "清洁生产审核验收报告" in [p.text for p in acc.paragraphs]


def test_park_cover_per_annex2():
    doc = Document(str(template_path("park")))
    text = [p.text for p in doc.paragraphs[:12]]
    assert "清洁生产审核报告" in text and "（{{ report.version }}）" in text and "（园区形象照片）" in text
    title = doc.styles["封面标题"]
    assert title.element.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体" and title.font.size == Pt(36)  # 小初
