"""The four report templates (审核报告, 验收报告, 园区审核报告, 区域/行业审核报告), built from code with python-docx.

``python -m cpxl.report.templates`` rewrites the ``*.docx`` beside this file; a test fails when they are
stale. A consulting firm may open one in Word, restyle it (styles, cover, header/footer) and pass it to
``cpxl export --template``: the exporter only needs the jinja tags and looks styles up by name.

Typesetting: DB4101/T 61—2023 附录C (audit, acceptance and the regional report, which has no rules of its
own) and T/CPPC 工业园区清洁生产审核指南 附件2 附录C (park). Covers: DB4101/T 61—2023 附录A (图A.1–图A.6)
and 附件2 1.1 (park).
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_BREAK
from docx.oxml import parse_xml
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, Twips

from cpxl.report.ooxml import LATIN, SIZES, W
from cpxl.tables import KINDS

HERE = Path(__file__).parent


#: Body text width [twips]: A4 210 mm less 2 × 25 mm margins (_page_setup).
TEXT_WIDTH = 11906 - 2 * 1417


def template_path(kind: str) -> Path:
    return HERE / KINDS[kind].report_template


# ---- styles ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StyleSpec:
    name: str  # the style's name in Word (looked up by name when rendering)
    style_id: str
    east: str
    size: str  # Chinese size name (SIZES)
    bold: bool = False
    align: str | None = None  # left | center | right | both
    first_line: int = 0  # first-line indent in hundredths of a character
    line: int = 240  # line spacing, 240 = single, 360 = 1.5 lines
    before: int = 0  # spacing in twentieths of a point
    after: int = 0
    outline: int | None = None
    keep_next: bool = False
    page_break_before: bool = False
    left_chars: int = 0
    color: str | None = None
    right_tab: bool = False  # C.1: page numbers right-aligned (dot leader at the text width)
    based_on: str | None = "Normal"
    builtin: bool = False  # an existing python-docx/Word style redefined (Normal, Heading n, toc n)


def _enterprise_styles() -> list[StyleSpec]:
    """DB4101/T 61—2023 附录C."""
    return [
        # C.2.2 a) 正文：宋体，数字及英文字母 Times New Roman，小四
        StyleSpec("Normal", "Normal", "宋体", "小四", align="both", first_line=200, line=360, builtin=True, based_on=None),
        # C.2.1 a)–d) 章节标题
        StyleSpec("Heading 1", "Heading1", "黑体", "三号", bold=True, align="center", line=360, before=240, after=240,
                  outline=0, keep_next=True, page_break_before=True, builtin=True),
        StyleSpec("Heading 2", "Heading2", "楷体", "三号", bold=True, align="left", line=360, before=120, after=120,
                  outline=1, keep_next=True, builtin=True),
        StyleSpec("Heading 3", "Heading3", "宋体", "四号", bold=True, align="left", line=360, before=120, after=60,
                  outline=2, keep_next=True, builtin=True),
        StyleSpec("Heading 4", "Heading4", "宋体", "四号", align="left", line=360, before=60, after=0, outline=3,
                  keep_next=True, builtin=True),
        # C.2.3 b) 表题：表上方，居中，宋体，小四，加粗; C.2.4 b) 图题：图下方，同上
        StyleSpec("表题", "TableCaption", "宋体", "小四", bold=True, align="center", before=240, after=60, keep_next=True),
        StyleSpec("图题", "FigureCaption", "宋体", "小四", bold=True, align="center", before=60, after=160),
        StyleSpec("图", "Figure", "宋体", "小四", align="center", before=120, keep_next=True),
        # C.2.3 d) 表格内文字：宋体，五号
        StyleSpec("表格文字", "TableText", "宋体", "五号", align="center"),
        StyleSpec("表头文字", "TableHeading", "宋体", "五号", bold=True, align="center", keep_next=True),
        StyleSpec("表注", "TableNote", "宋体", "五号", align="left", before=40, after=120),
        StyleSpec("待补充", "Pending", "宋体", "小四", align="both", first_line=200, line=360, color="C00000"),
        # C.3 a) 附图附件序号：左上角顶格，黑体，小二
        StyleSpec("附件标注", "AnnexLabel", "黑体", "小二", align="left", after=240, page_break_before=True),
        # C.1 目录：黑体，小四；一级顶格，二级缩进1个字符，三级缩进2个字符
        StyleSpec("TOC Heading", "TOCHeading", "黑体", "三号", bold=True, align="center", line=360, after=240,
                  builtin=True),
        StyleSpec("toc 1", "TOC1", "黑体", "小四", align="left", line=360, right_tab=True, builtin=True),
        StyleSpec("toc 2", "TOC2", "黑体", "小四", align="left", line=360, left_chars=100, right_tab=True, builtin=True),
        StyleSpec("toc 3", "TOC3", "黑体", "小四", align="left", line=360, left_chars=200, right_tab=True, builtin=True),
        *_cover_styles(),
    ]


def _park_styles() -> list[StyleSpec]:
    """T/CPPC 工业园区清洁生产审核指南 附件2 附录C 表C.1."""
    return [
        # 正文：四号宋体（西文 Times New Roman），首行 2 字符，1.5 倍行距
        StyleSpec("Normal", "Normal", "宋体", "四号", align="both", first_line=200, line=360, builtin=True, based_on=None),
        # 一级标题：二号黑体，居中、加粗、1.5 倍行距，段前段后 1 行
        StyleSpec("Heading 1", "Heading1", "黑体", "二号", bold=True, align="center", line=360, before=312, after=312,
                  outline=0, keep_next=True, page_break_before=True, builtin=True),
        # 二级标题：三号黑体，居左、1.5 倍行距
        StyleSpec("Heading 2", "Heading2", "黑体", "三号", align="left", line=360, outline=1, keep_next=True, builtin=True),
        # 三级、四级标题：四号宋体，首行 2 字符，1.5 倍行距
        StyleSpec("Heading 3", "Heading3", "宋体", "四号", align="left", first_line=200, line=360, outline=2,
                  keep_next=True, builtin=True),
        StyleSpec("Heading 4", "Heading4", "宋体", "四号", align="left", first_line=200, line=360, outline=3,
                  keep_next=True, builtin=True),
        # 图题、表题：四号宋体
        StyleSpec("表题", "TableCaption", "宋体", "四号", align="center", before=240, after=60, keep_next=True),
        StyleSpec("图题", "FigureCaption", "宋体", "四号", align="center", before=60, after=160),
        StyleSpec("图", "Figure", "宋体", "四号", align="center", before=120, keep_next=True),
        # 表中文字：小四宋体
        StyleSpec("表格文字", "TableText", "宋体", "小四", align="center"),
        StyleSpec("表头文字", "TableHeading", "宋体", "小四", bold=True, align="center", keep_next=True),
        StyleSpec("表注", "TableNote", "宋体", "五号", align="left", before=40, after=120),
        StyleSpec("待补充", "Pending", "宋体", "四号", align="both", first_line=200, line=360, color="C00000"),
        StyleSpec("附件标注", "AnnexLabel", "黑体", "小二", align="left", after=240, page_break_before=True),
        StyleSpec("TOC Heading", "TOCHeading", "黑体", "二号", bold=True, align="center", line=360, after=240,
                  builtin=True),
        # 目录 (not set by 表C.1): 1.25 倍行距, so the report's 25 headings fit one page
        StyleSpec("toc 1", "TOC1", "黑体", "四号", align="left", line=300, right_tab=True, builtin=True),
        StyleSpec("toc 2", "TOC2", "宋体", "四号", align="left", line=300, left_chars=100, right_tab=True, builtin=True),
        StyleSpec("toc 3", "TOC3", "宋体", "四号", align="left", line=300, left_chars=200, right_tab=True, builtin=True),
        *_cover_styles(park=True),
    ]


def _cover_styles(park: bool = False) -> list[StyleSpec]:
    if park:
        # 附件2 附录C 表C.1 封面：第一、二行 小初 方正小标宋简体，居中、加粗；第三行 小一；下部 20 号
        title = StyleSpec("封面标题", "CoverTitle", "方正小标宋简体", "小初", bold=True, align="center", before=240,
                          after=120)
        sub = StyleSpec("封面副标题", "CoverSubtitle", "方正小标宋简体", "小一", bold=True, align="center", after=240)
        info = StyleSpec("封面信息", "CoverInfo", "方正小标宋简体", "20pt", bold=True, align="center", after=120)
    else:
        title = StyleSpec("封面标题", "CoverTitle", "黑体", "小初", bold=True, align="center", before=240, after=240)
        sub = StyleSpec("封面副标题", "CoverSubtitle", "宋体", "小二", bold=True, align="center", after=240)
        info = StyleSpec("封面信息", "CoverInfo", "宋体", "三号", align="center", after=120)
    return [
        title,
        sub,
        info,
        StyleSpec("封面单位", "CoverCompany", "黑体", "小一", bold=True, align="center", before=2400, after=360),
        StyleSpec("内封标题", "InnerTitle", "黑体", "二号", bold=True, align="center", after=360),
        StyleSpec("内封文字", "InnerText", "宋体", "四号", align="left", line=360),
    ]


def _styles(kind: str) -> list[StyleSpec]:
    return _park_styles() if KINDS[kind].subject == "park" else _enterprise_styles()


def _half_points(size: str) -> int:
    return int(size[:-2]) * 2 if size.endswith("pt") else SIZES[size]


def _rfonts(east: str) -> str:
    return (f'<w:rFonts xmlns:w="{W}" w:ascii="{LATIN}" w:hAnsi="{LATIN}" w:eastAsia="{east}" w:cs="{LATIN}"/>')


def _apply(doc, spec: StyleSpec) -> None:
    styles = doc.styles
    try:
        style = styles[spec.name]
    except KeyError:
        style = styles.add_style(spec.name, WD_STYLE_TYPE.PARAGRAPH)
    el = style.element
    el.set(qn("w:styleId"), spec.style_id)
    if spec.based_on and spec.name != "Normal":
        style.base_style = styles[spec.based_on]
    for tag in ("w:link",):  # linked character styles carry theme fonts of their own
        for child in el.findall(qn(tag)):
            el.remove(child)
    style.quick_style = True
    for old in el.findall(qn("w:pPr")) + el.findall(qn("w:rPr")):
        el.remove(old)
    ppr = ["<w:pPr xmlns:w=\"%s\">" % W]
    if spec.keep_next:
        ppr.append("<w:keepNext/><w:keepLines/>")
    if spec.page_break_before:
        ppr.append("<w:pageBreakBefore/>")
    ppr.append('<w:widowControl/>')
    if spec.right_tab:
        ppr.append(f'<w:tabs><w:tab w:val="right" w:leader="dot" w:pos="{TEXT_WIDTH}"/></w:tabs>')
    ppr.append(f'<w:spacing w:before="{spec.before}" w:after="{spec.after}" w:line="{spec.line}" w:lineRule="auto"/>')
    if spec.first_line or spec.left_chars:
        ind = ""
        if spec.left_chars:
            ind += f' w:leftChars="{spec.left_chars}" w:left="{spec.left_chars * 12 // 5}"'
        ind += f' w:firstLineChars="{spec.first_line}" w:firstLine="{spec.first_line * 12 // 5}"'
        ppr.append(f"<w:ind{ind}/>")
    elif spec.builtin and spec.name != "Normal":
        ppr.append('<w:ind w:firstLineChars="0" w:firstLine="0"/>')
    elif spec.name != "Normal":
        ppr.append('<w:ind w:firstLineChars="0" w:firstLine="0"/>')
    if spec.align:
        ppr.append(f'<w:jc w:val="{spec.align}"/>')
    if spec.outline is not None:
        ppr.append(f'<w:outlineLvl w:val="{spec.outline}"/>')
    elif spec.name == "TOC Heading":
        ppr.append('<w:outlineLvl w:val="9"/>')
    ppr.append("</w:pPr>")
    sz = _half_points(spec.size)
    rpr = [f'<w:rPr xmlns:w="{W}">', _rfonts(spec.east).replace(f' xmlns:w="{W}"', "")]
    rpr.append("<w:b/><w:bCs/>" if spec.bold else '<w:b w:val="0"/><w:bCs w:val="0"/>')
    rpr.append(f'<w:color w:val="{spec.color or "000000"}"/>')
    rpr.append(f'<w:kern w:val="2"/><w:sz w:val="{sz}"/><w:szCs w:val="{sz}"/>')
    rpr.append('<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/>')
    rpr.append("</w:rPr>")
    el.append(parse_xml("".join(ppr)))
    el.append(parse_xml("".join(rpr)))
    for flag in ("w:semiHidden", "w:unhideWhenUsed"):
        for child in el.findall(qn(flag)):
            el.remove(child)


def _defaults(doc) -> None:
    """Document defaults without theme fonts (a theme attribute would override the named font)."""
    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    for child in list(rpr):
        rpr.remove(child)
    rpr.append(parse_xml(_rfonts("宋体")))
    rpr.append(parse_xml(f'<w:kern xmlns:w="{W}" w:val="2"/>'))
    rpr.append(parse_xml(f'<w:sz xmlns:w="{W}" w:val="24"/>'))
    rpr.append(parse_xml(f'<w:szCs xmlns:w="{W}" w:val="24"/>'))
    rpr.append(parse_xml(f'<w:lang xmlns:w="{W}" w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/>'))
    ppr = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr"))
    for child in list(ppr):
        ppr.remove(child)
    ppr.append(parse_xml(f'<w:spacing xmlns:w="{W}" w:after="0" w:line="240" w:lineRule="auto"/>'))
    # Heading character styles and others linked to theme fonts: give them the named fonts as well.
    for style in styles.findall(qn("w:style")):
        r = style.find(qn("w:rPr"))
        fonts = r.find(qn("w:rFonts")) if r is not None else None
        if fonts is not None and any(k.endswith("Theme") or k.endswith("theme") for k in (qn_local(a) for a in fonts.attrib)):
            east = "黑体" if "Heading" in (style.get(qn("w:styleId")) or "") else "宋体"
            r.replace(fonts, parse_xml(_rfonts(east)))
        if r is not None:
            for color in r.findall(qn("w:color")):
                r.remove(color)
    # Chinese text layout: themeFontLang and the east-Asian language of the document.
    settings = doc.settings.element
    lang = settings.find(qn("w:themeFontLang"))
    if lang is not None:
        lang.set(qn("w:eastAsia"), "zh-CN")


def qn_local(name: str) -> str:
    return name.split("}", 1)[-1]


def _table_style(doc) -> None:
    """“Table Grid”: 0.5 pt single borders, narrow cell margins, centred (C.2.3 c)."""
    style = doc.styles["Table Grid"].element
    tblpr = style.find(qn("w:tblPr"))
    for child in list(tblpr):
        tblpr.remove(child)
    tblpr.append(parse_xml(f'<w:jc xmlns:w="{W}" w:val="center"/>'))
    tblpr.append(parse_xml(
        f'<w:tblBorders xmlns:w="{W}">'
        + "".join(f'<w:{s} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
                  for s in ("top", "left", "bottom", "right", "insideH", "insideV"))
        + "</w:tblBorders>"
    ))
    tblpr.append(parse_xml(
        f'<w:tblCellMar xmlns:w="{W}"><w:top w:w="0" w:type="dxa"/><w:left w:w="57" w:type="dxa"/>'
        '<w:bottom w:w="0" w:type="dxa"/><w:right w:w="57" w:type="dxa"/></w:tblCellMar>'
    ))


def _settings(doc) -> None:
    """Update fields (the table of contents) when Word opens the report: w:updateFields."""
    settings = doc.settings.element
    if settings.find(qn("w:updateFields")) is not None:
        return
    upd = parse_xml(f'<w:updateFields xmlns:w="{W}" w:val="true"/>')
    # CT_Settings order: updateFields comes before these elements
    after = ("w:hdrShapeDefaults", "w:footnotePr", "w:endnotePr", "w:compat", "w:docVars", "w:rsids", "m:mathPr",
             "w:attachedSchema", "w:themeFontLang", "w:clrSchemeMapping", "w:doNotIncludeSubdocsInStats",
             "w:doNotAutoCompressPictures", "w:forceUpgrade", "w:captions", "w:readModeInkLockDown",
             "w:smartTagType", "w:schemaLibrary", "w:shapeDefaults", "w:doNotEmbedSmartTags", "w:decimalSymbol",
             "w:listSeparator")
    for child in settings:
        if any(child.tag == qn(t) for t in after):
            child.addprevious(upd)
            return
    settings.append(upd)


# ---- content -----------------------------------------------------------------------------------------


def _para(doc, text: str = "", style: str | None = None, east: str | None = None, bold: bool | None = None):
    p = doc.add_paragraph(style=style)
    if text:
        r = p.add_run(text)
        _run_fonts(r, east or _style_east(doc, style))
        if bold is not None:
            r.bold = bold
    return p


def _style_east(doc, style: str | None) -> str:
    if not style:
        style = "Normal"
    fonts = doc.styles[style].element.find(qn("w:rPr"))
    f = fonts.find(qn("w:rFonts")) if fonts is not None else None
    return (f.get(qn("w:eastAsia")) if f is not None else None) or "宋体"


def _run_fonts(run, east: str) -> None:
    rpr = run._r.get_or_add_rPr()
    old = rpr.find(qn("w:rFonts"))
    new = parse_xml(_rfonts(east))
    if old is not None:
        rpr.replace(old, new)
    else:
        rpr.insert(0, new)


def _page_break(doc) -> None:
    p = doc.add_paragraph()
    p.add_run().add_break(WD_BREAK.PAGE)


def _field(paragraph, instr: str, east: str = "宋体", placeholder: str = "1") -> None:
    """A complex field (PAGE …) in one paragraph, with a cached result."""
    fonts = _rfonts(east).replace(f' xmlns:w="{W}"', "")
    xml = (
        f'<w:r xmlns:w="{W}"><w:rPr>{fonts}</w:rPr><w:fldChar w:fldCharType="begin"/></w:r>'
        f'<w:r xmlns:w="{W}"><w:rPr>{fonts}</w:rPr><w:instrText xml:space="preserve"> {instr} </w:instrText></w:r>'
        f'<w:r xmlns:w="{W}"><w:rPr>{fonts}</w:rPr><w:fldChar w:fldCharType="separate"/></w:r>'
        f'<w:r xmlns:w="{W}"><w:rPr>{fonts}</w:rPr><w:t>{placeholder}</w:t></w:r>'
        f'<w:r xmlns:w="{W}"><w:rPr>{fonts}</w:rPr><w:fldChar w:fldCharType="end"/></w:r>'
    )
    for piece in xml.split("</w:r>")[:-1]:
        paragraph._p.append(parse_xml(piece + "</w:r>"))


def _fld_run(kind: str, instr: str | None = None) -> str:
    if instr is not None:
        return f'<w:r><w:instrText xml:space="preserve"> {instr} </w:instrText></w:r>'
    return f'<w:r><w:fldChar w:fldCharType="{kind}"/></w:r>'


def _raw_para(doc, inner: str, style: str | None = None) -> None:
    """A paragraph of raw runs (field characters), placed like any paragraph: before the body's sectPr."""
    p = doc.add_paragraph(style=style)
    for run in parse_xml(f'<w:p xmlns:w="{W}">{inner}</w:p>'):
        p._p.append(run)


def _kv_table(doc, rows: list[tuple[str, str]], widths=(Mm(55), Mm(105)), style="内封文字"):
    """Borderless label–value lines (inner cover one, 图A.3)."""
    t = doc.add_table(rows=len(rows), cols=2)
    t.autofit = False
    for j, w in enumerate(widths):
        t.columns[j].width = w
    for i, (label, value) in enumerate(rows):
        for j, text in enumerate((label, value)):
            cell = t.cell(i, j)
            cell.width = widths[j]
            p = cell.paragraphs[0]
            p.style = doc.styles[style]
            if text:
                r = p.add_run(text)
                _run_fonts(r, _style_east(doc, style))
                if j == 0:
                    r.bold = True
    return t


def _grid_table(doc, header: list[str], body: list[list[str]], widths_mm: list[float], loop: tuple[str, str] | None = None):
    """A bordered table with a header row; with `loop` = (item, list) the second row repeats ({%tr for %})."""
    rows = 1 + len(body) + (2 if loop else 0)
    t = doc.add_table(rows=rows, cols=len(header))
    t.style = doc.styles["Table Grid"]
    t.autofit = False
    for j, w in enumerate(widths_mm):
        t.columns[j].width = Mm(w)
    all_rows = [header] + ([[f"{{%tr for {loop[0]} in {loop[1]} %}}"] + [""] * (len(header) - 1)] if loop else []) + body
    if loop:
        all_rows.append(["{%tr endfor %}"] + [""] * (len(header) - 1))
    for i, values in enumerate(all_rows):
        for j, text in enumerate(values):
            cell = t.cell(i, j)
            cell.width = Mm(widths_mm[j])
            p = cell.paragraphs[0]
            p.style = doc.styles["表头文字" if i == 0 else "表格文字"]
            if text:
                r = p.add_run(text)
                _run_fonts(r, "宋体")
    tr = t.rows[0]._tr
    trpr = tr.get_or_add_trPr()
    trpr.append(parse_xml(f'<w:tblHeader xmlns:w="{W}"/>'))
    return t


def _cover_enterprise(doc, kind: str) -> None:
    """图A.1 / 图A.2 封面, 图A.3 内封一, 图A.4 内封二, 图A.5 内封三, 图A.6 内封四."""
    _para(doc, "{{ cover.company }}", "封面单位")
    _para(doc, KINDS[kind].report_title, "封面标题")
    _para(doc, "（第{{ cover.round_cn }}轮）", "封面副标题")
    for _ in range(9):
        _para(doc, "", "封面信息")
    _para(doc, "审核单位：{{ cover.company }}", "封面信息")
    _para(doc, "咨询单位：{{ cover.consultant }}", "封面信息")
    _para(doc, "{{ cover.report_month }}", "封面信息")
    _page_break(doc)

    # 图A.3 审核单位、咨询单位和行业专家信息（内封一）
    _kv_table(doc, [
        ("审核单位名称：", "{{ cover.company }}"),
        ("单 位 性 质：", "{{ cover.nature }}"),
        ("法 人 代 表：", "{{ cover.legal_rep }}"),
        ("所属行业及代码：", "{{ cover.industry_full }}"),
        ("主要产品及产能：", "{{ cover.products }}"),
        ("联 系 人：", "{{ cover.contact }}"),
        ("联 系 电 话：", "{{ cover.phone }}"),
        ("单 位 地 址：", "{{ cover.address }}"),
        ("", ""),
        ("咨询单位名称：", "{{ cover.consultant }}"),
        ("单 位 性 质：", "{{ cover.consultant_nature }}"),
        ("法 人 代 表：", "{{ cover.consultant_legal_rep }}"),
        ("联 系 人：", "{{ cover.consultant_contact }}"),
        ("联 系 电 话：", "{{ cover.consultant_phone }}"),
        ("单 位 地 址：", "{{ cover.consultant_address }}"),
        ("", ""),
        ("行业专家姓名：", "{{ cover.expert_name }}"),
        ("单 位：", "{{ cover.expert_unit }}"),
        ("职 称：", "{{ cover.expert_title }}"),
        ("技术擅长领域：", "{{ cover.expert_field }}"),
    ])
    _page_break(doc)

    # 图A.4 审核单位和咨询单位诚信承诺（内封二）
    _para(doc, "{{ cover.company }}（第{{ cover.round_cn }}轮）", "内封标题")
    _para(doc, "清洁生产审核承诺", "内封标题")
    _para(doc, "{{ cover.company }}（审核单位）承诺（盖章）：", "内封文字", bold=True)
    _para(doc, "我公司对本报告的真实性和完整性负责。", "内封文字")
    _grid_table(doc, ["小组职务", "姓名", "公司职务", "联系电话", "签名"],
                [["{{ m.role }}", "{{ m.name }}", "{{ m.title }}", "{{ m.phone }}", ""]],
                [36, 26, 36, 34, 28], loop=("m", "commit_company"))
    _para(doc, "", "内封文字")
    _para(doc, "{{ cover.consultant }}（咨询单位）承诺（盖章）：", "内封文字", bold=True)
    _para(doc, "审核咨询小组成员为我单位全职技术人员，我单位对本报告的真实性和完整性负责。", "内封文字")
    _grid_table(doc, ["姓名", "清洁生产审核师证书编号", "技术职称", "项目职责", "签名"],
                [["{{ m.name }}", "{{ m.certificate }}", "{{ m.title }}", "{{ m.duty }}", ""]],
                [24, 44, 30, 32, 30], loop=("m", "commit_consultant"))
    _page_break(doc)

    # 图A.5 审核单位和咨询单位营业执照（内封三）
    _para(doc, "审核单位和咨询单位营业执照", "内封标题")
    _para(doc, "{{ cover.company }}营业执照（复印件）", "封面信息")
    for _ in range(8):
        _para(doc, "", "内封文字")
    _para(doc, "{{ cover.consultant }}营业执照（复印件）", "封面信息")
    _page_break(doc)

    # 图A.6 审核咨询小组成员审核师证书、技术职称证书、社保证明（内封四）
    _para(doc, "审核咨询小组成员证书及社保证明", "内封标题")
    _para(doc, "{%p for m in commit_consultant %}", "内封文字")
    t = doc.add_table(rows=3, cols=2)
    t.style = doc.styles["Table Grid"]
    cells = [("{{ m.duty }}：{{ m.name }}", ""), ("审核师证书", "社保证明（近一个月以上个人参保证明）或退休人员聘用证明"),
             ("技术职称证书", "")]
    for i, pair in enumerate(cells):
        for j, text in enumerate(pair):
            cell = t.cell(i, j)
            cell.width = Mm(80)
            p = cell.paragraphs[0]
            p.style = doc.styles["表格文字"]
            if text:
                _run_fonts(p.add_run(text), "宋体")
    for j in range(2):
        t.columns[j].width = Mm(80)
    t.rows[1].height = Mm(36)
    t.rows[2].height = Mm(36)
    for row in t.rows:  # one member's certificates stay on one page
        row._tr.get_or_add_trPr().append(parse_xml(f'<w:cantSplit xmlns:w="{W}"/>'))
        for cell in row.cells:
            cell.paragraphs[0].paragraph_format.keep_with_next = True
    a, b = t.cell(0, 0), t.cell(0, 1)
    a.merge(b)
    t.cell(1, 1).merge(t.cell(2, 1))
    _para(doc, "", "内封文字")
    _para(doc, "{%p endfor %}", "内封文字")


def _cover_park(doc) -> None:
    """附件2 1.1 报告封面：题目（送审稿/修改稿/最终稿）、园区形象照片、管委会名称、技术服务单位、编制时间（月）."""
    _para(doc, "{{ cover.company }}", "封面标题")
    _para(doc, "清洁生产审核报告", "封面标题")
    _para(doc, "（{{ report.version }}）", "封面副标题")
    p = _para(doc, "（园区形象照片）", "封面信息")
    p.paragraph_format.space_before = Pt(60)
    p.paragraph_format.space_after = Pt(150)
    _para(doc, "{{ report.organizer }}", "封面信息")
    _para(doc, "{%p if cover.consultant %}", "封面信息")
    _para(doc, "技术服务单位：{{ cover.consultant }}", "封面信息")
    _para(doc, "{%p endif %}", "封面信息")
    _para(doc, "{{ cover.report_month }}", "封面信息")


def _cover_region(doc) -> None:
    _para(doc, "{{ cover.company }}", "封面单位")
    _para(doc, "{{ report.title }}", "封面标题")
    _para(doc, "（{{ report.version }}）", "封面副标题")
    for _ in range(6):
        _para(doc, "", "封面信息")
    _para(doc, "组织单位：{{ report.organizer }}", "封面信息")
    _para(doc, "{%p if cover.consultant %}", "封面信息")
    _para(doc, "技术服务单位：{{ cover.consultant }}", "封面信息")
    _para(doc, "{%p endif %}", "封面信息")
    _para(doc, "{{ cover.report_month }}", "封面信息")


def _toc(doc) -> None:
    """C.1 目录: a TOC field to three levels whose cached result is the plain list of headings, so the list
    reads where the word processor does not update fields; Word refreshes it (with page numbers) on open."""
    _para(doc, "目  录", "TOC Heading")
    begin = _fld_run("begin") + _fld_run("", 'TOC \\o "1-3" \\h \\z \\u') + _fld_run("separate")
    _raw_para(doc, begin, "toc 1")
    _para(doc, "{%p for e in toc %}", "toc 1")
    _para(doc, "{%p if e.level == 1 %}", "toc 1")
    _para(doc, "{{ e.text }}", "toc 1")
    _para(doc, "{%p elif e.level == 2 %}", "toc 2")
    _para(doc, "{{ e.text }}", "toc 2")
    _para(doc, "{%p else %}", "toc 3")
    _para(doc, "{{ e.text }}", "toc 3")
    _para(doc, "{%p endif %}", "toc 3")
    _para(doc, "{%p endfor %}", "toc 3")
    _raw_para(doc, _fld_run("end"), "toc 1")


def _body(doc) -> None:
    """The body: one heading per section of the frame (styles 标题 1–4), then its text, tables and figures."""
    _para(doc, "{%p for s in sections %}")
    _para(doc, "{%p if s.level == 1 %}")
    _para(doc, "{{ s.heading }}", "Heading 1")
    _para(doc, "{%p elif s.level == 2 %}")
    _para(doc, "{{ s.heading }}", "Heading 2")
    _para(doc, "{%p elif s.level == 3 %}")
    _para(doc, "{{ s.heading }}", "Heading 3")
    _para(doc, "{%p else %}")
    _para(doc, "{{ s.heading }}", "Heading 4")
    _para(doc, "{%p endif %}")
    _para(doc, "{{p s.body }}")
    _para(doc, "{%p endfor %}")


def _page_setup(section) -> None:
    # A4 (DB4101/T 61 and 附件2 1.3)
    section.page_width, section.page_height = Twips(11906), Twips(16838)  # Word's A4
    section.top_margin = section.bottom_margin = Mm(25)
    section.left_margin = section.right_margin = Mm(25)
    section.header_distance = section.footer_distance = Mm(15)


def _footer(section, fmt: str | None, doc) -> None:
    section.footer.is_linked_to_previous = False
    section.header.is_linked_to_previous = False
    p = section.footer.paragraphs[0]
    p.style = doc.styles["表格文字"]
    if fmt:
        _field(p, "PAGE")
        pg = section._sectPr.find(qn("w:pgNumType"))
        if pg is None:
            pg = parse_xml(f'<w:pgNumType xmlns:w="{W}"/>')
            # pgNumType follows pgMar/paperSrc/pgBorders/lnNumType in CT_SectPr
            section._sectPr.find(qn("w:pgMar")).addnext(pg)
        pg.set(qn("w:fmt"), fmt)
        pg.set(qn("w:start"), "1")


def _header(section, doc) -> None:
    p = section.header.paragraphs[0]
    p.style = doc.styles["表格文字"]
    r = p.add_run("{{ report.header }}")
    _run_fonts(r, "宋体")
    r.font.size = Pt(9)
    ppr = p._p.get_or_add_pPr()
    ppr.append(parse_xml(
        f'<w:pBdr xmlns:w="{W}"><w:bottom w:val="single" w:sz="4" w:space="1" w:color="000000"/></w:pBdr>'
    ))


def build_template(kind: str) -> bytes:
    """The template of `kind` as .docx bytes — identical on every run (fixed dates, zip times)."""
    doc = Document()
    _defaults(doc)
    for spec in _styles(kind):
        _apply(doc, spec)
    _table_style(doc)
    _settings(doc)
    body = doc.element.body
    for p in list(body.iterchildren(qn("w:p"))):
        body.remove(p)

    cover = doc.sections[0]
    _page_setup(cover)
    subject = KINDS[kind].subject
    if subject == "enterprise":
        _cover_enterprise(doc, kind)
    elif subject == "park":
        _cover_park(doc)
    else:
        _cover_region(doc)
    _footer(cover, None, doc)

    toc = doc.add_section(WD_SECTION.NEW_PAGE)
    _toc(doc)
    _footer(toc, "upperRoman", doc)

    main = doc.add_section(WD_SECTION.NEW_PAGE)
    _body(doc)
    _footer(main, "decimal", doc)
    _header(main, doc)

    pkg = doc.part.package
    for rid, rel in list(pkg.rels.items()):  # the generic preview picture of python-docx's own template
        if rel.reltype.endswith("/thumbnail"):
            pkg.rels.pop(rid)
    cp = doc.core_properties
    cp.author = "cpxl"
    cp.last_modified_by = "cpxl"
    cp.title = cp.subject = KINDS[kind].report_title
    cp.comments = ""
    cp.revision = 1
    cp.created = cp.modified = datetime(2026, 1, 1, tzinfo=timezone.utc)
    buf = io.BytesIO()
    doc.save(buf)
    return _stable_zip(buf.getvalue())


def _stable_zip(data: bytes) -> bytes:
    """Rewrite the package with fixed member times so the bytes depend on the content only."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            new = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            new.compress_type = zipfile.ZIP_DEFLATED
            new.external_attr = 0o644 << 16
            zout.writestr(new, zin.read(info.filename))
    return out.getvalue()


def write_templates(directory: Path = HERE) -> list[Path]:
    paths = []
    for kind in KINDS.values():
        path = Path(directory) / kind.report_template
        path.write_bytes(build_template(kind.id))
        paths.append(path)
    return paths


__all__ = ["template_path", "build_template", "write_templates"]
