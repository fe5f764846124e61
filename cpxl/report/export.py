"""Export the Word report of a workbook: ``export_report(book, out) -> ExportResult``.

The workbook is read (never modified), checked, every derived value recomputed (:mod:`.compute`), the
context built (:mod:`.context`) and rendered into the report template with docxtpl in a sandboxed,
autoescaping jinja environment, so a cell holding ``{{ 7*7 }}`` or ``{% … %}`` prints literally. The
output is written atomically; ``pdf=True`` converts it with LibreOffice (headless, private profile).
"""

from __future__ import annotations

import copy
import os
import re
import shutil
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from docx.oxml.ns import qn
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup, escape

from cpxl.errors import CpxlError, UnreadableWorkbook
from cpxl.safeio import atomic_path, check_target
from cpxl.tables import KIND_NAMES, KINDS

from . import ooxml as X
from .tables import Page
from .templates import TITLES, template_path

PDF_TIMEOUT = 300  # seconds for LibreOffice to convert one report


class ReportError(CpxlError):
    """The report cannot be produced (bad template, kind that does not fit the workbook, PDF failure)."""


@dataclass
class ExportResult:
    """What was written. errors/warnings: counts of the workbook check findings (as ``cpxl check``)."""

    path: Path
    pdf_path: Path | None = None
    errors: int = 0
    warnings: int = 0
    messages: list[str] = field(default_factory=list)  # values that could not be computed, missing fonts …
    pending: list[str] = field(default_factory=list)  # sections carrying 【待补充】
    tables: int = 0
    figures: int = 0


def export_report(book_path, out_path, *, kind: str | None = None, template=None, pdf: bool = False,
                  force: bool = False) -> ExportResult:
    """Write the report of the workbook `book_path` to `out_path` (.docx).

    kind: audit | acceptance | park | region, default from the workbook (an acceptance workbook may also
    give the audit report); template: a restyled .docx made from the shipped template; pdf: also write
    `out_path` with suffix .pdf through LibreOffice; force: overwrite existing outputs (never the input).
    Raises :class:`cpxl.errors.CpxlError` subclasses with a Chinese message for bad input.
    """
    from cpxl.workbook.check import check_book
    from cpxl.workbook.read import read_workbook

    book_path, out_path = Path(book_path), Path(out_path)
    if out_path.suffix.lower() != ".docx":
        raise ReportError(f"报告文件须以 .docx 结尾：{out_path}")
    if kind is not None and kind not in KINDS:
        raise ReportError(f"未知的报告类型“{kind}”，可选：{'、'.join(KINDS)}")
    pdf_path = out_path.with_suffix(".pdf") if pdf else None
    if not book_path.is_file():
        raise UnreadableWorkbook(f"找不到文件：{book_path}" if not book_path.exists() else f"这是一个文件夹，不是工作簿：{book_path}")
    # refuse before any work: the input, or existing outputs without force
    check_target(out_path, inputs=[book_path], force=force)
    if pdf_path is not None:
        check_target(pdf_path, inputs=[book_path], force=force)
        soffice = find_soffice()
    tpl_file = _template_file(kind, template)

    book = read_workbook(book_path)
    report_kind = kind or book.kind
    _check_kind(book.kind, report_kind, book_path)
    if template is None:
        tpl_file = template_path(report_kind)
    findings = check_book(book)
    errors = sum(f.severity == "error" for f in findings)

    built, document = render(book, report_kind, tpl_file)
    with atomic_path(out_path, inputs=[book_path], force=force) as tmp:
        document.save(str(tmp))
    result = ExportResult(out_path, None, errors, len(findings) - errors, list(built.problems), built.pending, built.tables,
                          built.figures)
    from . import charts

    if charts.cjk_font() is None:
        result.messages.append(charts.NO_FONT)
    if pdf_path is not None:
        result.pdf_path = to_pdf(out_path, pdf_path, soffice=soffice, inputs=[book_path], force=force)
    return result


def _check_kind(book_kind: str, report_kind: str, path: Path) -> None:
    if book_kind == report_kind or (book_kind == "acceptance" and report_kind == "audit"):
        return
    raise ReportError(
        f"工作簿是{KIND_NAMES[book_kind]}工作簿，不能导出{TITLES[report_kind]}（请用 --kind {book_kind} 或对应类型的工作簿）：{path}"
    )


MAX_TEMPLATE_BYTES = 100 * 1024 * 1024


def _template_file(kind: str | None, template) -> Path | None:
    if template is None:
        return None
    t = Path(template)
    if not t.exists():
        raise ReportError(f"找不到报告模板：{t}")
    try:
        with zipfile.ZipFile(t) as zf:
            if "word/document.xml" not in zf.namelist():
                raise ReportError(f"报告模板不是 Word .docx 文件：{t}")
            # a template is a few MB at most; refuse before decompressing a bomb
            if sum(i.file_size for i in zf.infolist()) > MAX_TEMPLATE_BYTES:
                raise ReportError(f"报告模板解压后过大（上限 {MAX_TEMPLATE_BYTES // 2**20} MB）：{t}")
    except zipfile.BadZipFile:
        raise ReportError(f"报告模板不是 Word .docx 文件（.doc 请在 Word 中另存为 .docx）：{t}") from None
    return t


# ---- rendering -------------------------------------------------------------------------------------------


def _finalize(value):
    """Every value printed by a template tag: escaped, braces as character references (so nothing a user
    typed can look like a tag to a later pass), characters XML cannot hold dropped."""
    if value is None:
        return ""
    if hasattr(value, "__html__"):
        return value
    return Markup(X.esc(value))


def jinja_env() -> SandboxedEnvironment:
    env = SandboxedEnvironment(autoescape=True, finalize=_finalize)
    env.filters["e"] = escape
    return env


def style_map(doc) -> X.StyleMap:
    """Ids and fonts of the styles the body uses, looked up by name in the template in use."""
    from docx.enum.style import WD_STYLE_TYPE

    names = ("Normal", "Heading 1", "Heading 2", "Heading 3", "Heading 4", "表题", "图题", "图", "表格文字", "表头文字",
             "表注", "待补充", "附件标注", "Table Grid")
    by_name = {}
    for s in doc.styles:
        try:
            by_name[s.name] = s
        except Exception:  # noqa: BLE001 - a style without a name
            continue
    sm = X.StyleMap()
    for name in names:
        style = by_name.get(name)
        if style is None:
            continue
        sm.ids[name] = style.style_id
        if style.type == WD_STYLE_TYPE.PARAGRAPH:
            sm.fonts[name] = _fonts(style)
    for name in names:  # a style the firm deleted: fall back to the body text style
        if name not in sm.ids and name != "Table Grid":
            sm.fonts[name] = sm.fonts.get("Normal", X.Font())
    return sm


def _fonts(style) -> X.Font:
    east = latin = None
    s = style
    while s is not None and (east is None or latin is None):
        rpr = s.element.find(qn("w:rPr"))
        f = rpr.find(qn("w:rFonts")) if rpr is not None else None
        if f is not None:
            east = east or f.get(qn("w:eastAsia"))
            latin = latin or f.get(qn("w:ascii"))
        s = s.base_style
    return X.Font(east or "宋体", latin or X.LATIN)


def page_of(doc) -> Page:
    sect = doc.sections[-1]
    w, h = int(sect.page_width.twips), int(sect.page_height.twips)
    lm, rm = int(sect.left_margin.twips), int(sect.right_margin.twips)
    portrait, long = min(w, h), max(w, h)
    return Page(portrait=portrait - lm - rm, landscape=long - lm - rm)


def render(book, kind: str, tpl_file: Path):
    from docxtpl import DocxTemplate

    from .context import build_context

    try:
        tpl = DocxTemplate(str(tpl_file))
        tpl.init_docx()
        styles, page = style_map(tpl.docx), page_of(tpl.docx)
    except Exception as exc:  # a damaged or foreign template: name it, not a traceback
        raise ReportError(f"报告模板无法打开（{type(exc).__name__}），请在 Word 中重新另存为 .docx：{tpl_file}") from None
    built = build_context(book, kind, tpl, styles, page)
    try:
        tpl.render(built.context, jinja_env())
    except Exception as exc:  # jinja errors in a restyled template: name the template, not a traceback
        raise ReportError(f"报告模板渲染失败（{type(exc).__name__}：{exc}），请检查模板中的 {{{{ }}}} 与 {{% %}} 标签：{tpl_file}") from None
    _complete_sections(tpl.docx)
    props = tpl.docx.core_properties
    props.title = built.context["report"]["header"]
    props.created = props.modified = datetime.now(timezone.utc).replace(microsecond=0)
    props.last_modified_by = "cpxl"
    return built, tpl


def _complete_sections(doc) -> None:
    """Fill the landscape/portrait section breaks around wide tables from the body's own section
    properties: the first break takes over the body's page numbering start, the rest continue it."""
    body = doc.element.body
    final = body.find(qn("w:sectPr"))
    marks = [s for s in body.iter(qn("w:sectPr")) if s.get(qn("w:rsidR")) in (X.PORTRAIT_MARK, X.LANDSCAPE_MARK)]
    if final is None or not marks:
        return
    first = True
    for mark in marks:
        landscape = mark.get(qn("w:rsidR")) == X.LANDSCAPE_MARK
        new = copy.deepcopy(final)
        if not first:
            _drop_start(new)
        first = False
        if landscape:
            pg = new.find(qn("w:pgSz"))
            w, h = pg.get(qn("w:w")), pg.get(qn("w:h"))
            pg.set(qn("w:w"), str(max(int(w), int(h))))
            pg.set(qn("w:h"), str(min(int(w), int(h))))
            pg.set(qn("w:orient"), "landscape")
        mark.getparent().replace(mark, new)
    _drop_start(final)


def _drop_start(sect) -> None:
    pg = sect.find(qn("w:pgNumType"))
    if pg is not None and pg.get(qn("w:start")) is not None:
        del pg.attrib[qn("w:start")]


# ---- PDF -----------------------------------------------------------------------------------------------------


def find_soffice() -> str:
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    for candidate in (r"C:\Program Files\LibreOffice\program\soffice.exe", "/Applications/LibreOffice.app/Contents/MacOS/soffice"):
        if os.path.exists(candidate):
            return candidate
    raise ReportError("未安装 LibreOffice，无法导出 PDF：请安装 LibreOffice（Debian/Ubuntu：apt install libreoffice-writer），"
                      "或在 Word 中打开报告后另存为 PDF")


#: Fonts of the report (附录C) → free fonts of the same kind, for the PDF on systems without the Windows
#: fonts: serif CJK (Noto Serif CJK, fonts-noto-cjk) for 宋体/楷体/仿宋 and the title font, sans CJK for 黑体,
#: a metric-compatible Times (Liberation Serif, fonts-liberation2) for Times New Roman. The .docx keeps its
#: fonts; only the LibreOffice process converting it sees these preferences.
FONT_SUBSTITUTES = {
    "宋体": ("Noto Serif CJK SC", "Source Han Serif SC", "AR PL UMing CN"),
    "SimSun": ("Noto Serif CJK SC", "Source Han Serif SC", "AR PL UMing CN"),
    "新宋体": ("Noto Serif CJK SC", "Source Han Serif SC"),
    "NSimSun": ("Noto Serif CJK SC", "Source Han Serif SC"),
    "楷体": ("Noto Serif CJK SC", "AR PL UKai CN", "Source Han Serif SC"),
    "KaiTi": ("Noto Serif CJK SC", "AR PL UKai CN", "Source Han Serif SC"),
    "仿宋": ("Noto Serif CJK SC", "Source Han Serif SC"),
    "FangSong": ("Noto Serif CJK SC", "Source Han Serif SC"),
    "方正小标宋简体": ("Noto Serif CJK SC", "Source Han Serif SC"),
    "黑体": ("Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei"),
    "SimHei": ("Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei"),
    "微软雅黑": ("Noto Sans CJK SC", "Source Han Sans SC"),
    "Times New Roman": ("Liberation Serif", "Tinos", "DejaVu Serif"),
}

SYSTEM_FONTS_CONF = "/etc/fonts/fonts.conf"


def fonts_conf() -> str:
    """A fontconfig file: the system configuration, then one <alias> per report font preferring the free
    fonts of :data:`FONT_SUBSTITUTES` (a missing preference is skipped by fontconfig)."""
    from xml.sax.saxutils import escape as xml_escape

    system = os.environ.get("FONTCONFIG_FILE") or SYSTEM_FONTS_CONF
    lines = ['<?xml version="1.0"?>', '<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">', "<fontconfig>",
             f'  <include ignore_missing="yes">{xml_escape(system)}</include>']
    for family, prefer in FONT_SUBSTITUTES.items():
        lines.append(f"  <alias binding=\"strong\"><family>{xml_escape(family)}</family><prefer>"
                     + "".join(f"<family>{xml_escape(p)}</family>" for p in prefer) + "</prefer></alias>")
    lines.append("</fontconfig>")
    return "\n".join(lines) + "\n"


def _convert(soffice: str, src: Path, outdir: Path, profile: Path, docx: Path) -> Path:
    cmd = [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
           "--convert-to", "pdf", "--outdir", str(outdir), str(src)]
    conf = profile.parent / "fonts.conf"
    if not conf.exists():
        conf.write_text(fonts_conf(), encoding="utf-8")
    env = {**os.environ, "FONTCONFIG_FILE": str(conf)}
    try:
        proc = subprocess.run(cmd, capture_output=True, timeout=PDF_TIMEOUT, env=env)
    except subprocess.TimeoutExpired:
        raise ReportError(f"LibreOffice 转换 PDF 超时（{PDF_TIMEOUT} 秒），Word 报告已保存：{docx}") from None
    made = outdir / (src.stem + ".pdf")
    if proc.returncode != 0 or not made.exists():
        detail = (proc.stderr or proc.stdout or b"").decode("utf-8", "replace").strip().splitlines()
        raise ReportError(f"LibreOffice 转换 PDF 失败（{detail[-1] if detail else proc.returncode}），Word 报告已保存：{docx}")
    return made


def toc_page_numbers(pdf: Path, headings: list[str]) -> list[str | None]:
    """Printed page of each heading in a converted report: pages are numbered by their footer (the last line
    of the page's text); headings are searched in order, each from the page of the previous one."""
    pdftotext = shutil.which("pdftotext")
    if not pdftotext:
        return [None] * len(headings)
    try:
        raw = subprocess.run([pdftotext, "-layout", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, timeout=120).stdout
    except (OSError, subprocess.SubprocessError):
        return [None] * len(headings)
    pages = []
    for page in raw.decode("utf-8", "replace").split("\f"):
        lines = [ln.strip() for ln in page.splitlines() if ln.strip()]
        if lines and lines[-1].isdigit():  # body pages (arabic numbers); covers and TOC carry none or roman
            pages.append((lines[-1], re.sub(r"\s+", "", "".join(lines[:-1]))))
    out: list[str | None] = []
    start = 0
    for heading in headings:
        key = re.sub(r"\s+", "", heading)
        hit = next((j for j in range(start, len(pages)) if key in pages[j][1]), None)
        out.append(pages[hit][0] if hit is not None else None)
        start = hit if hit is not None else start
    return out


def _with_page_numbers(docx: Path, pdf: Path) -> bool:
    """Write the page numbers LibreOffice laid out into the static table of contents of `docx` (the TOC
    field's cached list, which LibreOffice prints as it is). False when nothing could be matched."""
    from docx import Document

    doc = Document(str(docx))
    entries = [p for p in doc.paragraphs if p.style is not None and p.style.name in ("toc 1", "toc 2", "toc 3") and p.text]
    numbers = toc_page_numbers(pdf, [p.text for p in entries])
    if not any(numbers):
        return False
    for p, number in zip(entries, numbers):
        if number is None:
            continue
        fonts = p.runs[0]._r.find(qn("w:rPr")) if p.runs else None
        for piece in ("\t", number):
            r = p.add_run(piece)
            if fonts is not None:
                r._r.insert(0, copy.deepcopy(fonts))
    doc.save(str(docx))
    return True


def to_pdf(docx: Path, target: Path, *, soffice: str | None = None, inputs=(), force: bool = False) -> Path:
    """Convert with ``soffice --headless --convert-to pdf`` in a private profile, with a timeout.

    LibreOffice prints the table of contents as cached in the .docx (a list without page numbers, since
    Word fills them in when it opens the file); when ``pdftotext`` is available the page numbers of a
    first conversion are written into a copy and the copy converted again, so the PDF's contents have
    them. The .docx itself is left as written."""
    soffice = soffice or find_soffice()
    with tempfile.TemporaryDirectory(prefix="cpxl-pdf-") as tmpdir:
        tmp = Path(tmpdir)
        src = tmp / "report.docx"
        shutil.copyfile(docx, src)
        made = _convert(soffice, src, tmp / "out", tmp / "profile", docx)
        try:
            numbered = _with_page_numbers(src, made)
        except Exception:  # noqa: BLE001 - the numbers are a refinement: keep the first PDF if anything fails
            numbered = False
        if numbered:
            made = _convert(soffice, src, tmp / "out2", tmp / "profile", docx)
        with atomic_path(target, inputs=inputs, force=True) as out:
            shutil.copyfile(made, out)
    return target


__all__ = ["export_report", "ExportResult", "ReportError", "render", "to_pdf", "find_soffice", "jinja_env", "fonts_conf"]
