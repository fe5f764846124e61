"""WordprocessingML written as text: paragraphs, runs, tables and pictures of the report body.

The body is built as XML fragments (much faster than python-docx object calls for hundreds of table
cells) and handed to docxtpl as raw markup. Every user string passes through :func:`esc`, which also
writes ``{`` and ``}`` as character references, so text such as ``{{ 7*7 }}`` can never be taken for a
template tag and is printed literally.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

# Characters XML 1.0 cannot carry at all (Word cannot store them either).
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

#: Chinese font sizes in half-points (w:sz): 初号 … 小五.
SIZES = {"小初": 72, "一号": 52, "小一": 48, "二号": 44, "小二": 36, "三号": 32, "小三": 30, "四号": 28, "小四": 24,
         "五号": 21, "小五": 18, "六号": 15}

LATIN = "Times New Roman"  # DB4101/T 61—2023 附录C C.2.1 e): digits and Latin letters


def esc(text) -> str:
    """XML text of a user value: escaped, braces as character references, illegal characters dropped."""
    s = _ILLEGAL.sub("", str(text))
    return (
        s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
        .replace("{", "&#123;").replace("}", "&#125;")
    )


def attr(text) -> str:
    return esc(text)


@dataclass(frozen=True)
class Font:
    """Fonts of a style as resolved from the template: east-Asian and Latin typefaces, and the size [pt]
    (None: not set in the template)."""

    east: str = "宋体"
    latin: str = LATIN
    size: float | None = None


@dataclass
class StyleMap:
    """Logical style name → (style id in the template, its fonts). Built from the template in use, so a
    firm's restyled template (or Word's renamed style ids) still resolves."""

    ids: dict[str, str] = field(default_factory=dict)
    fonts: dict[str, Font] = field(default_factory=dict)

    def id(self, name: str) -> str | None:
        return self.ids.get(name)

    def font(self, name: str) -> Font:
        return self.fonts.get(name, Font())


def rpr(font: Font | None = None, *, bold: bool | None = None, size: int | None = None, color: str | None = None,
        vert: str | None = None) -> str:
    parts = []
    if font is not None:
        parts.append(
            f'<w:rFonts w:ascii="{attr(font.latin)}" w:hAnsi="{attr(font.latin)}" w:eastAsia="{attr(font.east)}" '
            f'w:cs="{attr(font.latin)}"/>'
        )
    if bold is True:
        parts.append("<w:b/><w:bCs/>")
    elif bold is False:
        parts.append('<w:b w:val="0"/><w:bCs w:val="0"/>')
    if color:
        parts.append(f'<w:color w:val="{color}"/>')
    if size:
        parts.append(f'<w:sz w:val="{size}"/><w:szCs w:val="{size}"/>')
    if vert:
        parts.append(f'<w:vertAlign w:val="{vert}"/>')
    return f"<w:rPr>{''.join(parts)}</w:rPr>" if parts else ""


def run(text, font: Font | None = None, **kw) -> str:
    """One run; tabs become w:tab (as Word stores them)."""
    props = rpr(font, **kw)
    pieces = str(text).split("\t")
    out = []
    for i, piece in enumerate(pieces):
        if i:
            out.append("<w:tab/>")
        if piece:
            out.append(f'<w:t xml:space="preserve">{esc(piece)}</w:t>')
    return f"<w:r>{props}{''.join(out)}</w:r>"


def ppr(style_id: str | None = None, *, align: str | None = None, keep_next: bool = False, indent_first: int | None = None,
        page_break_before: bool = False, spacing: str = "", extra: str = "") -> str:
    parts = []
    if style_id:
        parts.append(f'<w:pStyle w:val="{attr(style_id)}"/>')
    if keep_next:
        parts.append("<w:keepNext/>")
    if page_break_before:
        parts.append("<w:pageBreakBefore/>")
    if spacing:
        parts.append(spacing)
    if indent_first is not None:
        parts.append(f'<w:ind w:firstLineChars="{indent_first}" w:firstLine="{indent_first * 12 // 5}"/>')
    if align:
        parts.append(f'<w:jc w:val="{align}"/>')
    parts.append(extra)
    body = "".join(parts)
    return f"<w:pPr>{body}</w:pPr>" if body else ""


def paragraph(runs: str | list[str], style_id: str | None = None, **kw) -> str:
    if isinstance(runs, list):
        runs = "".join(runs)
    return f"<w:p>{ppr(style_id, **kw)}{runs}</w:p>"


def page_break() -> str:
    return '<w:p><w:r><w:br w:type="page"/></w:r></w:p>'


# Section breaks around landscape tables: placeholders that the exporter completes from the template's
# own body section (page size, margins, header/footer references) after rendering.
PORTRAIT_MARK = "00CB0001"
LANDSCAPE_MARK = "00CB0002"


def section_break(landscape: bool) -> str:
    mark = LANDSCAPE_MARK if landscape else PORTRAIT_MARK
    return f'<w:p><w:pPr><w:sectPr w:rsidR="{mark}"/></w:pPr></w:p>'


# ---- tables -----------------------------------------------------------------------------------------


@dataclass
class Cell:
    text: str = ""
    span: int = 1  # gridSpan
    vmerge: str | None = None  # "restart" | "continue"
    header: bool = False
    align: str = "center"
    bold: bool = False
    shade: str | None = None


def table(rows: list[list[Cell]], widths: list[int], *, header_rows: int, style_id: str | None, text_style: str | None,
          head_style: str | None, text_font: Font, head_font: Font, size: int | None = None,
          keep_from: int | None = None, keep_last: bool = False) -> str:
    """A bordered table; the first `header_rows` rows repeat on every page (w:tblHeader) and are kept
    together with the first data row. `widths` in twentieths of a point (dxa). Rows from `keep_from` on
    stay on one page (keep with next up to the last row): a table's tail, or a whole small table;
    `keep_last`: the last row too, so the notes under the table stay with that tail."""
    total = sum(widths)
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    borders = "".join(
        f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
        for side in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    tblpr = (
        "<w:tblPr>"
        + (f'<w:tblStyle w:val="{attr(style_id)}"/>' if style_id else "")
        + f'<w:tblW w:w="{total}" w:type="dxa"/><w:jc w:val="center"/>'
        + f"<w:tblBorders>{borders}</w:tblBorders>"
        + '<w:tblLayout w:type="fixed"/>'
        + '<w:tblCellMar><w:left w:w="57" w:type="dxa"/><w:right w:w="57" w:type="dxa"/></w:tblCellMar>'
        + '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" w:lastColumn="0" w:noHBand="0" w:noVBand="1"/>'
        + "</w:tblPr>"
    )
    out = [f"<w:tbl>{tblpr}<w:tblGrid>{grid}</w:tblGrid>"]
    for r, cells in enumerate(rows):
        is_head = r < header_rows
        trpr = "<w:trPr><w:cantSplit/>" + ("<w:tblHeader/>" if is_head else "") + "</w:trPr>"
        out.append(f"<w:tr>{trpr}")
        col = 0
        for cell in cells:
            w = sum(widths[col: col + cell.span])
            col += cell.span
            tcpr = f'<w:tcW w:w="{w}" w:type="dxa"/>'
            if cell.span > 1:
                tcpr += f'<w:gridSpan w:val="{cell.span}"/>'
            if cell.vmerge == "restart":
                tcpr += '<w:vMerge w:val="restart"/>'
            elif cell.vmerge == "continue":
                tcpr += "<w:vMerge/>"
            if cell.shade:
                tcpr += f'<w:shd w:val="clear" w:color="auto" w:fill="{cell.shade}"/>'
            tcpr += '<w:vAlign w:val="center"/>'
            head = cell.header or is_head
            sid = head_style if head else text_style
            font = head_font if head else text_font
            lines = str(cell.text).split("\n") if cell.vmerge != "continue" else [""]
            paras = "".join(
                paragraph(
                    run(line, font, bold=True if (head or cell.bold) else None, size=size) if line else "",
                    sid,
                    align=cell.align if not head else "center",
                    keep_next=is_head or (keep_from is not None and keep_from <= r < len(rows) - (0 if keep_last else 1)),
                )
                for line in lines
            )
            out.append(f"<w:tc><w:tcPr>{tcpr}</w:tcPr>{paras}</w:tc>")
        out.append("</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)


class Fragment:
    """Raw WordprocessingML for docxtpl: jinja's autoescape leaves objects with ``__html__`` as they are."""

    __slots__ = ("xml",)

    def __init__(self, xml: str = ""):
        self.xml = xml

    def __html__(self) -> str:
        return self.xml

    def __str__(self) -> str:
        return self.xml

    def __bool__(self) -> bool:
        return bool(self.xml)
