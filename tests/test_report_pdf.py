"""`--pdf`: the demo's audit report converted by LibreOffice headless (private profile, timeout), with a
plausible page count; a clear Chinese message when LibreOffice is missing."""

from __future__ import annotations

import re
import subprocess

import pytest
from requires import requires

from cpxl.errors import CpxlError
from cpxl.report import export_report
from cpxl.report import export as E


def _pages(pdf) -> int:
    out = subprocess.run([requires("pdfinfo"), str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", out, re.M)[1])


@pytest.mark.libreoffice
@pytest.mark.slow
def test_demo_report_to_pdf(demo_audit, tmp_path):
    requires("soffice", "libreoffice")
    result = export_report(demo_audit, tmp_path / "审核报告.docx", pdf=True)
    assert result.pdf_path == tmp_path / "审核报告.pdf"
    data = result.pdf_path.read_bytes()
    assert data.startswith(b"%PDF")
    # covers (4–6 pages), a table of contents, 8 chapters with about 55 tables and 10 figures
    assert 50 <= _pages(result.pdf_path) <= 160
    assert not list(tmp_path.glob("*.tmp"))
    pdftotext = requires("pdftotext")
    text = subprocess.run([pdftotext, "-layout", str(result.pdf_path), "-"], capture_output=True, text=True).stdout
    assert "清洁生产审核报告" in text and "表 4-1" in text and "图 3-1" in text
    # the table of contents carries the page numbers of the layout (written in before the second pass)
    toc = {m[1]: int(m[2]) for m in re.finditer(r"^\s*(第[一二三四五六七八]章 \S+?)\.{3,}\s*(\d+)\s*$", text, re.M)}
    assert list(toc) == ["第一章 审核概述", "第二章 审核回顾", "第三章 审核准备", "第四章 预审核", "第五章 审核",
                         "第六章 方案产生和筛选", "第七章 方案确定", "第八章 结论"]
    assert list(toc.values()) == sorted(toc.values()) and toc["第一章 审核概述"] <= 3
    # serif CJK for 宋体/楷体 and a Times-compatible serif for Times New Roman, embedded (fontconfig of the
    # conversion; fonts-noto-cjk and fonts-liberation2 are installed by .ci/run)
    fonts = subprocess.run([requires("pdffonts"), str(result.pdf_path)], capture_output=True, text=True).stdout
    assert "NotoSerifCJK" in fonts and "LiberationSerif" in fonts, fonts
    # the .docx keeps the plain list for Word to fill in, and its fonts
    from docx import Document

    entries = [p.text for p in Document(str(result.path)).paragraphs if p.style.name == "toc 1"]
    assert "第八章 结论" in entries


def test_pdf_without_libreoffice_says_so(demo_audit, tmp_path, monkeypatch):
    book = demo_audit
    monkeypatch.setattr(E.shutil, "which", lambda name: None)
    monkeypatch.setattr(E.os.path, "exists", lambda p: False)
    with pytest.raises(CpxlError, match="未安装 LibreOffice"):
        export_report(book, tmp_path / "r.docx", pdf=True)
    assert not (tmp_path / "r.docx").exists()  # refused before writing anything


def test_fonts_conf_maps_the_report_fonts_and_includes_the_system_configuration(monkeypatch):
    monkeypatch.delenv("FONTCONFIG_FILE", raising=False)
    conf = E.fonts_conf()
    assert '<include ignore_missing="yes">/etc/fonts/fonts.conf</include>' in conf
    assert "<alias binding=\"strong\"><family>宋体</family><prefer><family>Noto Serif CJK SC</family>" in conf
    assert "<family>楷体</family><prefer><family>Noto Serif CJK SC</family>" in conf
    assert "<family>Times New Roman</family><prefer><family>Liberation Serif</family>" in conf
    assert "<family>黑体</family><prefer><family>Noto Sans CJK SC</family>" in conf
    import xml.dom.minidom

    xml.dom.minidom.parseString(conf.encode())  # well-formed
