"""What `export_report` says when it cannot make the report: bad arguments and templates refused before any
work, templates that fail while rendering, and the rendering process stopped at its limits. Each is one
Chinese ReportError naming the file, and no report file is left behind.

The workbook is a blank audit workbook (its report renders in about a second); the templates are made with
python-docx, one paragraph holding the tag under test."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest
from docx import Document
from requires import requires

import cpxl.report.charts  # noqa: F401 - imported once here, not again in every forked render
import cpxl.report.context  # noqa: F401
import docxtpl  # noqa: F401
from cpxl.errors import CpxlError
from cpxl.report import export
from cpxl.report.export import ReportError, export_report


@pytest.fixture(scope="module")
def blank(tmp_path_factory) -> Path:
    from cpxl.workbook.build import build_workbook, save_workbook

    return save_workbook(build_workbook("audit"), tmp_path_factory.mktemp("blank") / "空白.xlsx")


def template(path: Path, text: str) -> Path:
    doc = Document()
    doc.add_paragraph(text)
    doc.save(str(path))
    return path


def refused(book, out: Path, **kwargs) -> str:
    with pytest.raises(ReportError) as info:
        export_report(book, out, **kwargs)
    assert isinstance(info.value, CpxlError)
    assert not out.exists() and not list(out.parent.glob("*.docx.*")), "a refused export left a file"
    return str(info.value)


def test_arguments_and_templates_refused_before_the_workbook_is_read(tmp_path):
    book = tmp_path / "不是工作簿.xlsx"  # never opened: every refusal below comes first
    book.write_bytes(b"x")
    out = tmp_path / "报告.docx"
    assert refused(book, tmp_path / "报告.pdf") == f"报告文件须以 .docx 结尾：{tmp_path / '报告.pdf'}"
    assert refused(book, out, kind="county") == "未知的报告类型“county”，可选：audit、acceptance、park、region"
    missing = tmp_path / "无此模板.docx"
    assert refused(book, out, template=missing) == f"找不到报告模板：{missing}"
    assert refused(book, out, template=tmp_path) == f"这是一个文件夹，不是报告模板：{tmp_path}"
    macro = tmp_path / "宏.docx"
    with zipfile.ZipFile(macro, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
        z.writestr("word/vbaProject.bin", b"\0")
    assert refused(book, out, template=macro) == f"报告模板含宏（.docm/.dotm），拒绝使用；请在 Word 中另存为不含宏的 .docx：{macro}"


def test_workbook_of_another_kind(blank, tmp_path):
    message = refused(blank, tmp_path / "报告.docx", kind="park")
    assert message == f"工作簿是清洁生产审核工作簿，不能导出园区清洁生产审核报告（请用 --kind audit 或对应类型的工作簿）：{blank}"
    # an acceptance workbook holds the whole audit: it exports the audit report too, never the other way round
    assert export._check_kind("acceptance", "audit", blank) is None
    with pytest.raises(ReportError, match="工作簿是清洁生产审核工作簿，不能导出清洁生产审核验收报告"):
        export._check_kind("audit", "acceptance", blank)


CHECK_TAGS = "，请检查模板中的 {{ }} 与 {% %} 标签："


@pytest.mark.parametrize(("tag", "start", "end"), [
    ("{{ 'x' * 10**9 }}", "报告模板超出限制，拒绝渲染：模板中的表达式将生成 1,000,000,000 个字符的文字（上限 2,000,000）：", "："),
    ("{% for x in %}", "报告模板渲染失败（TemplateSyntaxError：", CHECK_TAGS),
    ("{{ report.title() }}", "报告模板渲染失败（TypeError：", CHECK_TAGS),  # a string is not callable
    ("{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}", "报告模板渲染失败（宏或包含的递归过深），请检查模板中的 {% macro %}：", "："),
])
def test_templates_that_fail_while_rendering(blank, tmp_path, tag, start, end):
    tpl = template(tmp_path / "模板.docx", tag)
    message = refused(blank, tmp_path / "报告.docx", template=tpl)
    assert message.startswith(start) and message.endswith(end + str(tpl)), message


def test_a_damaged_template_is_named(blank, tmp_path):
    tpl = tmp_path / "损坏.docx"
    with zipfile.ZipFile(tpl, "w") as z:  # a document part, but no package structure around it
        z.writestr("word/document.xml", "<w:document/>")
    message = refused(blank, tmp_path / "报告.docx", template=tpl)
    assert message.startswith("报告模板无法打开（") and message.endswith(f"），请在 Word 中重新另存为 .docx：{tpl}"), message


def test_a_restyled_template_with_a_non_utf8_name_renders(blank, tmp_path):
    # a name holding GBK bytes (a Windows archive unpacked on Linux); python-docx's own styles only, so every
    # report style falls back to the body text style
    name = os.fsdecode("模板".encode("gbk") + b".docx")
    tpl = template(tmp_path / name, "{{ report.title }}/{{ report.version }}")
    out = tmp_path / "报告.docx"
    result = export_report(blank, out, template=tpl)
    assert result.removed == [] and result.path == out
    # blank cover: the audit report's title, the version defaults to 送审稿 (context.report)
    assert [p.text for p in Document(str(out)).paragraphs] == ["清洁生产审核报告/送审稿"]


def test_the_render_is_stopped_at_its_time_limit(blank, tmp_path, monkeypatch):
    monkeypatch.setattr(export, "RENDER_SECONDS", 0)  # the limit has passed when the render starts
    tpl = template(tmp_path / "模板.docx", "{{ report.title }}")
    with pytest.raises(ReportError) as info:
        export_report(blank, tmp_path / "报告.docx", template=tpl)
    assert str(info.value) == f"生成报告超过时间上限（0 秒），已停止：报告模板或工作簿内容异常，请检查模板中的循环：{tpl}"
    assert info.value.render_peak_kb is not None  # the killed child's peak memory, for the caller's report
    assert not (tmp_path / "报告.docx").exists()


# ---- PDF conversion, with a stand-in for soffice -------------------------------------------------------------


def pdf_with_pages(pages: list[list[str]]) -> bytes:
    """A PDF whose pages hold these lines (Helvetica, top to bottom; ASCII)."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", None, b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    kids = []
    for lines in pages:
        text = "".join(f"BT /F1 12 Tf 72 {720 - 30 * i} Td ({line}) Tj ET\n" for i, line in enumerate(lines)).encode()
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(text), text))
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> "
                       b"/Contents %d 0 R >>" % (len(objects)))
        kids.append(len(objects))
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % k for k in kids), len(kids))
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (n, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1) + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def fake_soffice(tmp_path: Path, body: str) -> tuple[Path, Path]:
    """An executable taking soffice's arguments: `body` runs with $OUTDIR, $SRC and $CALLS (a folder that
    receives a copy of each document it is given)."""
    calls = tmp_path / "calls"
    calls.mkdir()
    script = tmp_path / "soffice"
    script.write_text(f"""#!/bin/sh
while [ $# -gt 1 ]; do [ "$1" = --outdir ] && OUTDIR=$2; shift; done
SRC=$1; CALLS={calls}
cp "$SRC" "$CALLS/call$(ls "$CALLS" | wc -l).docx"
{body}
""")
    script.chmod(0o755)
    return script, calls


def report_with_contents(path: Path, headings: list[str]) -> Path:
    from cpxl.report.templates import template_path

    doc = Document(str(template_path("audit")))
    body = doc.element.body
    for el in list(body)[:-1]:  # keep the section properties
        body.remove(el)
    for heading in headings:
        doc.add_paragraph(heading, style="toc 1")
    doc.save(str(path))
    return path


def test_pdf_page_numbers_are_written_into_the_contents(tmp_path):
    requires("pdftotext")  # poppler: reads the printed page numbers back
    pdf = tmp_path / "made.pdf"
    # cover and contents carry no number; body pages end with their printed number
    pdf.write_bytes(pdf_with_pages([["Contents", "Overview", "Methods"], ["Overview", "some text", "1"],
                                    ["Methods", "more text", "2"]]))
    soffice, calls = fake_soffice(tmp_path, f'mkdir -p "$OUTDIR"; cp {pdf} "$OUTDIR/$(basename "$SRC" .docx).pdf"')
    docx = report_with_contents(tmp_path / "报告.docx", ["Overview", "Methods", "Appendix"])
    before = docx.read_bytes()
    target = export.to_pdf(docx, tmp_path / "报告.pdf", soffice=str(soffice))
    assert target.read_bytes() == pdf.read_bytes()
    assert docx.read_bytes() == before  # the .docx is left as written
    first, second = sorted(calls.iterdir())  # converted twice: the second copy has the page numbers
    assert [p.text for p in Document(str(first)).paragraphs] == ["Overview", "Methods", "Appendix"]
    assert [p.text for p in Document(str(second)).paragraphs] == ["Overview\t1", "Methods\t2", "Appendix"]  # not found: none


def test_pdf_without_a_contents_is_converted_once(tmp_path):
    soffice, calls = fake_soffice(tmp_path, 'mkdir -p "$OUTDIR"; printf "%%PDF-1.4 not really" > "$OUTDIR/$(basename "$SRC" .docx).pdf"')
    docx = report_with_contents(tmp_path / "报告.docx", [])
    target = export.to_pdf(docx, tmp_path / "报告.pdf", soffice=str(soffice))
    assert target.read_bytes() == b"%PDF-1.4 not really" and len(list(calls.iterdir())) == 1


def test_pdf_conversion_failure_names_libreoffices_last_line(tmp_path):
    soffice, _ = fake_soffice(tmp_path, 'echo "convert $SRC" ; echo "Error: source file could not be loaded" >&2; exit 1')
    docx = report_with_contents(tmp_path / "报告.docx", [])
    with pytest.raises(ReportError) as info:
        export.to_pdf(docx, tmp_path / "报告.pdf", soffice=str(soffice))
    assert str(info.value) == f"LibreOffice 转换 PDF 失败（Error: source file could not be loaded），Word 报告已保存：{docx}"
    assert not (tmp_path / "报告.pdf").exists()
    (tmp_path / "silent").mkdir()
    silent, _ = fake_soffice(tmp_path / "silent", "exit 0")
    with pytest.raises(ReportError) as info:  # exit 0 but no PDF written: the exit code is all there is to say
        export.to_pdf(docx, tmp_path / "报告.pdf", soffice=str(silent))
    assert str(info.value) == f"LibreOffice 转换 PDF 失败（0），Word 报告已保存：{docx}"


def test_pdf_conversion_that_hangs_is_killed_with_its_children(tmp_path, monkeypatch):
    monkeypatch.setattr(export, "PDF_TIMEOUT", 1)
    pid_file = tmp_path / "child.pid"
    # soffice starts soffice.bin and waits for it: both must go
    soffice, _ = fake_soffice(tmp_path, f"sleep 60 & echo $! > {pid_file}; wait")
    docx = report_with_contents(tmp_path / "报告.docx", [])
    with pytest.raises(ReportError) as info:
        export.to_pdf(docx, tmp_path / "报告.pdf", soffice=str(soffice))
    assert str(info.value) == f"LibreOffice 转换 PDF 超时（1 秒），Word 报告已保存：{docx}"
    child = int(pid_file.read_text())
    with pytest.raises(ProcessLookupError):
        os.kill(child, 0)
