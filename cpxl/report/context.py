"""The report's context: plain data from the workbook for the docxtpl template.

- ``cover``: 封面信息 as display strings (covers 附录A 图A.1–图A.4, park cover 附件2 1.1);
- ``commit_company`` / ``commit_consultant``: the commitment tables of 图A.4 (from 表D.1, 表D.2);
- ``toc``: the headings to three levels (the static table of contents);
- ``sections``: for each section of the frame its heading, level and body — the auditor's text from
  ``章节文字`` verbatim, or generated analysis and a 【待补充】 marker quoting the standard, then its tables
  (captioned above, numbered by chapter, DB4101/T 61—2023 附录C C.2.3) and figures (captioned below,
  C.2.4). Section 7.2 gets one subsection per 中/高费 option analysed (附录B.1 7.2.1, 7.2.2 …).
"""

from __future__ import annotations

import dataclasses
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime

from cpxl.tables import CONDITIONS, KINDS
from cpxl.tables.frames import Section
from cpxl.tables.model import Column, Table

from . import annex_forms, charts, diagrams
from . import ooxml as X
from .analysis import Facts, generate, n
from .analysis.phrases import xref
from .compute import Derived, derive, filled, num, text
from .figures import FIGURE_BUILDERS, Figure
from .options import OptionEconomics, feasibility_options
from .tables import Page, field_pairs, fmt, form_xml, grid_xml, has_data

CN_NUM = "零一二三四五六七八九十"

PENDING = "【待补充】"
ANALYSIS = "【数据分析】"  # in 章节文字: replaced by the analysis generated from the data


def cn_number(k: int) -> str:
    if k <= 10:
        return CN_NUM[k]
    if k < 20:
        return "十" + CN_NUM[k - 10]
    return CN_NUM[k // 10] + "十" + (CN_NUM[k % 10] if k % 10 else "")


# ---- where tables go -----------------------------------------------------------------------------------------

def _in_row_unit(row: dict, keys: tuple[str, ...]) -> dict:
    """Shares on a row whose unit is “%” in per cent (表P.1 附表1: a share entered as 35 % (0.35) reads 35)."""
    if text(row.get("unit")) != "%":
        return row
    shown = dict(row)
    for key in keys:
        value = row.get(key)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            shown[key] = round(value * 100, 10)
    return shown


@dataclass
class Part:
    """One printed table (or a table's part after a split) in one section."""

    table: Table
    title: str
    rows: list[dict]
    key: str  # "D.25#审核", "D.3"
    label: str = ""  # “表 4-3”
    sentence: str = ""  # printed instead of the table (does not apply, or empty)
    figures: list["Figure"] = field(default_factory=list)
    all_rows: list[dict] | None = None  # the full rows of a table printed as a summary


class _Notes(list):
    """The paragraphs (xml) under a table, with their text (`texts`) for the page estimate."""

    def __init__(self):
        super().__init__()
        self.texts: list[str] = []

    def add(self, ctx, line: str, keep: bool = False) -> None:
        xml = ctx.para(line, "表注")
        self.append(ctx.keep(xml) if keep else xml)
        self.texts.append(line)


def summary_table(table: Table, key: str, rows: list[dict]) -> Table:
    """The body form of a per-enterprise table, transposed to fit a portrait page: one row per quantity
    (企业数, 方案数量, 投资 …), one column per value of `key` (已实施, 拟实施) and 合计."""
    values = list(dict.fromkeys(text(r.get(key)) for r in rows if text(r.get(key))))
    cols = [Column("item", "项目"), Column("unit", "单位"),
            *(Column(f"v{i}", v, type="number", formula="=") for i, v in enumerate(values)),
            Column("all", "合计", type="number", formula="=")]
    return dataclasses.replace(table, columns=tuple(cols), row_keys=("item", "unit"), total_label=None, label_key="item")


def summary_rows(table: Table, key: str, rows: list[dict]) -> list[dict]:
    values = list(dict.fromkeys(text(r.get(key)) for r in rows if text(r.get(key))))
    groups = [[r for r in rows if text(r.get(key)) == v] for v in values]

    def companies(sel):
        return len({text(r.get(table.label_key)) for r in sel if text(r.get(table.label_key))})
    out = [{"item": "企业数", "unit": "家", **{f"v{i}": companies(g) for i, g in enumerate(groups)}, "all": companies(rows)}]
    for c in table.columns:
        if not c.total:
            continue
        sums = []
        for g in [*groups, rows]:
            vals = [num(r.get(c.key)) for r in g if num(r.get(c.key)) is not None]
            sums.append(sum(vals) if vals else None)
        if any(v is not None for v in sums):
            out.append({"item": c.label, "unit": c.unit, **{f"v{i}": v for i, v in enumerate(sums[:-1])}, "all": sums[-1]})
    return out


@dataclass
class Built:
    context: dict
    problems: list[str]
    figures: int
    tables: int
    pending: list[str]


# ---- the frame -----------------------------------------------------------------------------------------------


def report_frame(kind: str, options: list[OptionEconomics]) -> list[Section]:
    """The frame of `kind` with one 7.2.x subsection per feasibility-analysed option (附录B.1 7.2.1 方案一…)."""
    out = []
    sections = KINDS[kind].frame
    if KINDS[kind].annex and not any(s.title == "附件" for s in sections):
        sections = [*sections, Section("", "附件", "")]
    for s in sections:
        out.append(s)
        if s.number == "7.2" and KINDS[kind].subject == "enterprise":
            for i, o in enumerate(options, 1):
                out.append(Section(f"7.2.{i}", f"方案{cn_number(i)}：{o.name or o.option_id}（{o.option_id}）",
                                   "6.8.2.1–6.8.2.5 方案介绍；技术评估（资料来源、技术可行性结论）；环境评估（数据来源、核算过程，"
                                   "节能量按GB/T 13234）；经济评估（净现值、投资回收期、内部收益率）；可行性结论。"))
    return out


def placements(book, kind: str, d: Derived, sections: list[Section]) -> dict[str, list[Part]]:
    """Section → printed table parts, in sheet order (a table goes to its section in `kind`, split, summarised
    or with an annex as its :class:`~cpxl.tables.model.Report` says)."""
    numbers = {s.number or s.title for s in sections}
    out: dict[str, list[Part]] = {}
    for table in book.registry:
        condition = CONDITIONS[table.applies]
        if not table.report or kind not in table.kinds or not condition.in_kind(kind):
            continue
        section = table.section_in(kind)
        if not section or section not in numbers:
            continue
        rows = _rows(d, table)
        if not book.applies(table):
            sentence = condition.not_applicable(f"“{table.title}”", book.cover)
            out.setdefault(section, []).append(Part(table, table.title, [], table.id, sentence=sentence))
            continue
        split = table.report.split
        if split and rows:
            places = dict(split.places)
            values = list(dict.fromkeys(text(r.get(split.by)) for r in rows))
            if places:
                values = [v for v in places if v in values] + [v for v in values if v not in places]
            for v in values:
                sel = [r for r in rows if text(r.get(split.by)) == v]
                where = places.get(v) or section
                if where not in numbers:
                    where = section
                out.setdefault(where, []).append(Part(table, split.title(v, table.title), sel, f"{table.id}#{v}"))
            continue
        part = Part(table, table.title, rows, table.id)
        annex = "附件" if "附件" in numbers else None
        summary, moved = table.report.summary, table.report.annex
        if rows and annex and summary:
            full = dataclasses.replace(table, title=summary.title, section="附件")
            part = Part(summary_table(table, summary.by, rows), table.title, summary_rows(table, summary.by, rows), table.id,
                        all_rows=rows)
            # the wide list first: the report then ends on a portrait page, not on an empty one after a landscape section
            out.setdefault(annex, []).insert(0, Part(full, summary.title, rows, f"{table.id}#annex"))
        elif rows and annex and moved:
            keep = [c for c in table.columns if c.key in ("no", table.label_key) or c.key in moved.columns]
            if any(filled(r.get(k)) for r in rows for k in moved.columns):
                sub = dataclasses.replace(table, title=moved.title, section="附件", columns=tuple(keep), total_label=None)
                out.setdefault(annex, []).append(Part(sub, moved.title, rows, f"{table.id}#annex"))
        if not rows and not _has_fields(d, table):
            what = f"“{table.title}”"
            part.sentence = (f"本轮审核未填写{what}（选填），从略。" if table.optional
                             else f"（{what}尚未填写，请在审核工作簿中补充后重新导出。）")
        out.setdefault(section, []).append(part)
    return out


def _rows(d: Derived, table: Table) -> list[dict]:
    if not table.columns:
        return []
    cols = list(table.columns)
    rows = [r for r in d.rows(table.id) if has_data(r, table, cols)]
    if table.report.rows_with:
        rows = [r for r in rows if num(r.get(table.report.rows_with))]
    return rows


def _has_fields(d: Derived, table: Table) -> bool:
    """Whether a form is printed: some input filled, or a form a workbook of its kind prints blank."""
    if not table.fields:
        return False
    vals = d.fields.get(table.id, {})
    inputs = [f.key for f in table.fields if not f.computed]
    return any(filled(vals.get(k)) for k in inputs) or d.book.kind in table.report.blank_form_in


# ---- building ------------------------------------------------------------------------------------------------


def display(value) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return f"{value.year}年{value.month}月{value.day}日"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def cover_context(book) -> dict:
    from cpxl.tables.common import COVER

    c = book.cover
    out = {f.key: display(c.get(f.key)) for f in COVER.fields}
    rnd = num(c.get("round"))
    out["round_cn"] = cn_number(int(rnd)) if rnd and 0 < rnd < 100 else (out.get("round") or "一")
    when = c.get("report_date")
    when = when.date() if isinstance(when, datetime) else when
    if not isinstance(when, date):
        when = date.today()
    out["report_month"] = f"{when.year}年{when.month}月"
    industry, code = text(c.get("industry")), text(c.get("industry_code"))
    out["industry_full"] = f"{industry}（{code}）" if code else industry
    if not CONDITIONS["专家"].holds(c, book.kind):
        for k in ("expert_name", "expert_unit", "expert_title", "expert_field"):
            out[k] = out[k] or "/"
    return out


def commitments(book, d: Derived) -> tuple[list[dict], list[dict]]:
    """图A.4: 审核领导小组组长、审核工作小组组长 (表D.1) and 审核人 (封面信息); the consulting team (表D.2)."""
    company = []
    for team, role in (("领导小组", "审核领导小组组长"), ("工作小组", "审核工作小组组长")):
        lead = next((r for r in d.rows("D.1") if text(r.get("team")) == team and "组长" in text(r.get("role"))
                     and "副" not in text(r.get("role"))), None)
        company.append({"role": role, "name": text(lead.get("name")) if lead else "", "title": text(lead.get("dept")) if lead else "",
                        "phone": ""})
    c = book.cover
    company.append({"role": "审核人", "name": text(c.get("reviewer")), "title": text(c.get("reviewer_title")),
                    "phone": text(c.get("reviewer_phone"))})
    consultant = [{"name": text(r.get("name")), "certificate": text(r.get("qualification")), "title": text(r.get("title")),
                   "duty": text(r.get("role"))} for r in d.rows("D.2") if text(r.get("name"))]
    if not consultant:
        consultant = [{"name": "", "certificate": "", "title": "", "duty": "项目负责人"},
                      {"name": "", "certificate": "", "title": "", "duty": "审核人"}]
    return company, consultant


class Builder:
    def __init__(self, book, kind: str, tpl, styles: X.StyleMap, page: Page):
        self.book = book
        self.tpl = tpl
        self.styles = styles
        self.page = page
        self.d = derive(book)
        self.kind = kind
        cover = book.cover
        self.years = book.years
        self.near = display(cover.get("near_year")) or None
        self.far = display(cover.get("far_year")) or None
        self.texts = book.section_texts
        self.pending: list[str] = []
        self.figure_count = 0
        self.table_count = 0
        self.annex_count = 0
        self.annex_names: dict[str, str] = {}  # annex part key → 附件二
        self.labels: dict[str, str] = {}

    # -- xml helpers
    def para(self, line: str, style: str = "Normal", *, verbatim: bool = False) -> str:
        """A paragraph; generated text has its references to the standard's table ids made the report's own
        (the auditor's text is printed verbatim)."""
        if not verbatim:
            line = self.xref(line)
        return X.paragraph(X.run(line, self.styles.font(style)), self.styles.id(style))

    def caption(self, label: str, title: str, style: str) -> str:
        font = self.styles.font(style)
        return X.paragraph([X.run(f"{label} ", font), X.run(title, font)], self.styles.id(style), keep_next=style == "表题")

    def picture(self, png: bytes, width_mm: float = 150) -> str:
        from docx.shared import Mm

        inline = self.tpl.docx.part.new_pic_inline(io.BytesIO(png), Mm(width_mm), None)
        return X.paragraph(f"<w:r><w:drawing>{inline.xml}</w:drawing></w:r>", self.styles.id("图"), keep_next=True)

    @staticmethod
    def keep(xml: str) -> str:
        """The paragraph kept on the page of what follows (a label never ends a page)."""
        return xml.replace("<w:pPr>", "<w:pPr><w:keepNext/>", 1) if "<w:pPr>" in xml else xml.replace("<w:p>", "<w:p><w:pPr><w:keepNext/></w:pPr>", 1)

    def xref(self, line: str) -> str:
        """Cross-references to the standard's table ids (表D.6, 表E.4, 表BAL.1) written as the report's own
        numbers (表 4-6); a table the report does not print is named by its title."""
        return xref(line, self.labels, self.book.registry)

    # -- text
    def auditor_text(self, raw: str) -> list[str]:
        lines = re.split(r"\r\n|\r|\n", str(raw))
        while lines and not lines[0].strip():
            lines.pop(0)
        while lines and not lines[-1].strip():
            lines.pop()
        return lines

    def text_xml(self, s: Section, facts: Facts) -> str:
        key = s.number or s.title
        raw = self.texts.get(key)
        if raw is not None and str(raw).strip():
            out = []
            for line in self.auditor_text(raw):  # a line 【数据分析】 takes the analysis generated from the data
                if line.strip() == ANALYSIS:
                    out += [self.para(p) for p in generate(self.kind, key, facts)]
                else:
                    out.append(self.para(line, verbatim=True))
            return "".join(out)
        generated = generate(self.kind, key, facts)
        xml = "".join(self.para(p) for p in generated)
        if s.requirement and not _not_applicable(generated):
            self.pending.append(key)
            font = self.styles.font("待补充")
            xml += X.paragraph([X.run(PENDING, font, bold=True), X.run(f"编写要求：{self.xref(s.requirement)}", font)], self.styles.id("待补充"))
        return xml

    # -- tables
    def part_xml(self, part: Part) -> tuple[str, bool]:
        """(xml, wide) of one table part: caption above, table, source note."""
        t = part.table
        if part.sentence:
            return self.para(part.sentence), False
        shown = t.report
        hide = {c.key for c in t.columns if not c.printed} | ({shown.split.by} if shown.split else set())
        annexed = f"{t.id}#annex" in self.labels and part.key == t.id
        if annexed and shown.annex:
            hide |= set(shown.annex.columns)
        if shown.note_column:
            hide.add(shown.note_column)
        cols = [c for c in t.columns if c.key not in hide]
        if not shown.blank_columns:
            cols = [c for c in cols if c.key in t.row_keys or any(filled(r.get(c.key)) for r in part.rows)] or cols
        under = self.notes_under(part)
        label_style = "表题"
        xml = [self.caption(part.label, part.title, label_style)]
        wide = False
        if t.fields and not t.columns:
            values = self.d.fields.get(t.id, {})
            xml.append(form_xml(field_pairs(t, values), styles=self.styles, page=self.page))
        elif shown.form in ("row_pairs", "visit_register") and t.columns:
            xml = self.annex_forms(part)
        else:
            trailer = None
            if t.fields:
                values = self.d.fields.get(t.id, {})
                if shown.form == "performance_summary":  # the prescribed form: seal and signature line, check boxes, then the results
                    fields = {f.key: f for f in t.fields}
                    xml.append(self.para(annex_forms.e4_signatures(values, fields)))
                    xml.append(annex_forms.e4_xml(values, fields, self.styles, self.page))
                    xml.append(self.keep(self.para("企业清洁生产审核成果汇总", "表注")))
                else:
                    trailer = [(label, self._with_unit(value, f, part.rows))
                               for (label, value), f in zip(field_pairs(t, values), t.fields) if value]
            rows = [_in_row_unit(r, shown.percent) for r in part.rows] if shown.percent else part.rows
            grid, wide = grid_xml(cols, rows, styles=self.styles, page=self.page, years=self.years, near=self.near,
                                  far=self.far, totals=self.d.totals.get(t.id) if part.key == t.id else _part_totals(t, part.rows),
                                  total_label=t.total_label, trailer=trailer, notes=tuple(under.texts),
                                  note_pt=self.styles.font("表注").size or 9.0)
            xml.append(grid)
        xml.extend(under)
        if t.section == "附件":
            # C.3 a): 附件 numbered 附件一、附件二 … at the top left (style 附件标注)
            self.annex_count += 1
            label = self.keep(self.para(f"附件{cn_number(self.annex_count)}　{part.title}", "附件标注"))
            if self.annex_count == 1:  # right under the 附件 heading, which begins the page itself
                label = label.replace("<w:keepNext/>", '<w:keepNext/><w:pageBreakBefore w:val="0"/>', 1)
            xml.insert(0, label)
        self.table_count += 1
        return "".join(xml), wide

    def notes_under(self, part: Part) -> _Notes:
        """The paragraphs under a table part: its source note, where its annexed columns went, and its
        note column as numbered notes (the body part only: the annex table has no such column)."""
        t, shown, out = part.table, part.table.report, _Notes()
        note = shown.note if part.key == t.id or t.section != "附件" else None
        if note:
            out.add(self, self.xref(note))
        annexed = f"{t.id}#annex" in self.labels and part.key == t.id
        if annexed:
            where = self.annex_names.get(f"{t.id}#annex", "")
            if shown.summary:
                out.add(self, shown.summary.note.format(annex=where))
            elif shown.annex:
                out.add(self, f"注：{'、'.join(c.label for c in t.columns if c.key in shown.annex.columns)}见{where}。")
        if shown.note_column and part.rows and not part.key.endswith("#annex"):
            key = shown.note_column
            label = next((c.label for c in t.columns if c.key == key), "")
            lines = [(text(r.get(t.label_key)) if t.label_key else "", text(r.get(key))) for r in part.rows if text(r.get(key))]
            if lines:
                out.add(self, f"注：{label}", keep=True)  # never alone at a page's foot
                for i, (name, remark) in enumerate(lines, 1):
                    out.add(self, f"{i}. {name}：{remark}" if name else f"{i}. {remark}")
        return out

    @staticmethod
    def _with_unit(value: str, f, rows: list[dict]) -> str:
        """A form value below a grid followed by its unit, when the field takes it from a grid column."""
        unit = next((text(r.get(f.unit_from)) for r in rows if text(r.get(f.unit_from))), "") if f.unit_from else ""
        return f"{value} {unit}" if unit else value

    def annex_forms(self, part: Part) -> list[str]:
        """表E.1–E.3 in 附件: one form per row (a suggestion, a site visit, an expert), as printed in 附录E."""
        t = part.table
        head = field_pairs(t, self.d.fields.get(t.id, {})) if t.fields else []
        out = []
        for i, row in enumerate(part.rows, 1):
            label = f"{part.label}-{i}" if len(part.rows) > 1 else part.label
            out.append(self.caption(label, part.title, "表题"))
            if t.report.form == "visit_register":  # one 现场工作登记表 per visit, with its signature cells
                values = {f.key: fmt(self.d.fields.get(t.id, {}).get(f.key), f) for f in t.fields}
                out.append(annex_forms.e2_xml(values, row, {c.key: c for c in t.columns}, self.styles, self.page))
            else:
                pairs = list(head) + [(" ".join(filter(None, (*c.group, c.header))) if c.group else c.header,
                                       fmt(row.get(c.key), c)) for c in t.columns if c.key != "no"]
                out.append(form_xml(pairs, styles=self.styles, page=self.page, columns=2))
            out.append(self.para(""))
        return out

    def figure_xml(self, fig: Figure) -> str:
        if fig.png is None:
            if fig.fallback:
                return self.para(f"（{fig.title}：{fig.fallback}。）")
            if charts.cjk_font() is None:
                return self.para(f"（{fig.label} {fig.title}：{charts.NO_FONT}。）")
            return ""
        self.figure_count += 1
        xml = self.picture(fig.png, self.picture_width(fig.png)) + self.caption(fig.label, fig.title, "图题")
        if fig.note:
            xml += self.para(fig.note, "表注")
        return xml

    def picture_width(self, png: bytes) -> float:
        """Width [mm] of a picture: charts at 150 mm; diagrams at their print size (dpi recorded in the PNG),
        at most the text width and short enough to leave room for the caption on an A4 page."""
        dpi = diagrams.png_dpi(png)
        if not dpi:
            return 150
        w, h = diagrams.png_size(png)
        width = w / dpi * 25.4
        height = h / dpi * 25.4
        text_width = self.page.portrait / 56.7
        scale = min(1.0, text_width / width, 215 / height)
        return width * scale

    def option_xml(self, o: OptionEconomics, facts: Facts, label: str, economics_only: bool = False) -> str:
        """7.2.x: 方案介绍、技术评估、环境评估、经济评估、可行性结论 (DB4101/T 61 6.8.2.1–6.8.2.5);
        `economics_only`: the economic evaluation alone (paragraph and table), for the auditor's text."""
        h4 = self.styles.id("Heading 4")
        font4 = self.styles.font("Heading 4")
        out = []
        if economics_only:
            return "".join(self._economics(o, label))

        def heading(t: str):
            out.append(X.paragraph(X.run(t, font4), h4, keep_next=True))

        def pending(req: str):
            font = self.styles.font("待补充")
            out.append(X.paragraph([X.run(PENDING, font, bold=True), X.run(f"编写要求：{self.xref(req)}", font)], self.styles.id("待补充")))

        heading("（1）方案介绍")
        intro = f"方案{o.option_id}“{o.name}”属于{o.category}类中/高费方案" if o.category else f"方案{o.option_id}“{o.name}”为中/高费方案"
        intro += f"，预计投资 {n(o.investment)} 万元。" if o.investment is not None else "。"
        if o.content:
            intro += f"方案内容：{o.content}"
        out.append(self.para(intro))
        pending("6.8.2.1 简要描述方案名称、内容、实施前的现状及存在问题等。")
        heading("（2）技术评估")
        pending("6.8.2.2 说明资料来源，明确技术可行性结论（先进性、政策相符性、资源利用率、安全可靠性、技术成熟情况等）。")
        heading("（3）环境评估")
        if o.env_benefit:
            out.append(self.para(f"预期环境效益：{o.env_benefit}。".replace("。。", "。")))
        pending("6.8.2.3 说明数据来源、核算过程，明确环境可行性结论；节能量计算方法按 GB/T 13234。")
        heading("（4）经济评估")
        out += self._economics(o, label)
        heading("（5）可行性结论")
        if o.computed:
            out.append(self.para(f"经济评估结论：{o.verdict}。"))
        pending("6.8.2.5 根据方案技术、环境、经济评估结果，明确可行性结论。")
        return "".join(out)

    def _economics(self, o: OptionEconomics, label: str) -> list[str]:
        out = []
        if o.computed:
            irr = f"{o.irr * 100:.2f}%" if o.irr is not None else "不存在"
            out.append(self.para(
                f"按总投资 I = {n(o.investment)} 万元、年运行费用总节省金额 P = {n(o.saving)} 万元/a（{o.saving_source}）、"
                f"设备寿命期 {o.life:g} 年（直线折旧）、所得税率 {o.tax * 100:g}%、基准折现率 {o.rate * 100:g}% 计算："
                f"年增现金流量 F = {n(o.cash_flow)} 万元/a，投资回收期 N = {n(o.payback)} 年，净现值 NPV = {n(o.npv)} 万元，"
                f"内部收益率 IRR = {irr}（DB11/T 1156—2022 7.5.5；《企业清洁生产审核手册》）。"))
            rows = [("总投资 I（万元）", n(o.investment)), ("年运行费用总节省金额 P（万元/a）", n(o.saving)),
                    ("年折旧费 D（万元/a）", n(o.investment / o.life)), ("年增现金流量 F（万元/a）", n(o.cash_flow)),
                    ("投资回收期 N（年）", n(o.payback)), ("净现值 NPV（万元）", n(o.npv)), ("内部收益率 IRR", irr),
                    ("经济评估结论", o.verdict)]
            out.append(self.caption(label, f"方案{o.option_id}经济评估指标", "表题"))
            out.append(form_xml(rows, styles=self.styles, page=self.page, columns=2))
            self.table_count += 1
        else:
            why = "年运行费用节省金额" if o.saving is None else "投资"
            out.append(self.para(f"工作簿中缺少该方案的{why}，未计算净现值、内部收益率和投资回收期"
                                 "（可在表D.30“经济效益”中写明年节省金额，如“年节约 38 万元”）。"))
        return out

    # -- all
    def build(self) -> Built:
        d = self.d
        options = feasibility_options(d) if KINDS[self.kind].subject == "enterprise" else []
        sections = report_frame(self.kind, options)
        placed = placements(self.book, self.kind, d, sections)
        facts = Facts(d, self.kind, self.years)
        # numbers: tables and figures by chapter (附录C C.2.3 a), C.2.4 a))
        counters: dict[str, list[int]] = {}
        annex = 0
        self.labels = facts.labels
        for s in sections:
            chapter = s.number.split(".")[0] if s.number else ""
            for part in placed.get(s.number or s.title, []):
                if part.sentence:
                    continue
                if s.title == "附件" and not s.number:
                    annex += 1
                    part.label = f"附表 {annex}"
                    self.annex_names[part.key] = f"附件{cn_number(annex)}"
                else:
                    c = counters.setdefault(chapter, [0, 0])
                    c[0] += 1
                    part.label = f"表 {chapter}-{c[0]}"
                facts.labels[part.key] = part.label
                drawn = part.rows and not part.key.endswith("#annex")
                for name in part.table.report.figures if drawn else ():
                    try:
                        figs = FIGURE_BUILDERS[name](facts, part)
                    except (ValueError, TypeError, KeyError, ZeroDivisionError) as exc:
                        d.note(f"表{part.table.id}图", exc)
                        figs = []
                    for fig in figs:
                        if fig.png is None and charts.cjk_font() is not None:
                            if fig.fallback:  # a diagram Graphviz could not draw: a sentence, no number
                                part.figures.append(fig)
                            continue
                        c = counters.setdefault(chapter, [0, 0])
                        c[1] += 1
                        fig.label = f"图 {chapter}-{c[1]}"
                        facts.figures[fig.key] = fig.label
                        part.figures.append(fig)
            if s.number.startswith("7.2.") and s.number.count(".") == 2:
                c = counters.setdefault(chapter, [0, 0])
                c[0] += 1
                facts.labels[f"option:{s.number}"] = f"表 {chapter}-{c[0]}"
        opt_by_number = {f"7.2.{i}": o for i, o in enumerate(options, 1)}
        out_sections = []
        toc = []
        for s in sections:
            key = s.number or s.title
            body = [self.text_xml(s, facts) if key not in opt_by_number else self._option_text(s, opt_by_number[key], facts)]
            landscape = False
            for part in placed.get(key, []):
                xml, wide = self.part_xml(part)
                if wide and not landscape:
                    body.append(X.section_break(False))
                    landscape = True
                elif not wide and landscape:
                    body.append(X.section_break(True))
                    landscape = False
                body.append(xml)
                if part.figures and landscape:
                    body.append(X.section_break(True))
                    landscape = False
                for fig in part.figures:
                    body.append(self.figure_xml(fig))
            if landscape:
                body.append(X.section_break(True))
            if s.title == "附图" and not s.number:
                body.extend(self.figure_slots())
            out_sections.append({"number": s.number, "title": s.title, "level": min(s.level, 4), "heading": s.heading,
                                 "body": X.Fragment("".join(body))})
            if s.level <= 3:
                toc.append({"level": s.level, "text": s.heading})
        company = text(self.book.cover.get("company"))
        report = {
            "title": KINDS[self.kind].report_title,
            "kind": KINDS[self.kind].name,
            "header": f"{company}{_title_suffix(self.kind, company)}",
            "version": text(self.book.cover.get("version")) or "送审稿",
            "organizer": text(self.book.cover.get("organizer")) or KINDS[self.kind].organizer_of(company),
        }
        company_rows, consultant_rows = commitments(self.book, d)
        context = {
            "cover": cover_context(self.book),
            "report": report,
            "commit_company": company_rows,
            "commit_consultant": consultant_rows,
            "toc": toc,
            "sections": out_sections,
        }
        return Built(context, d.problems, self.figure_count, self.table_count, self.pending)

    def figure_slots(self) -> list[str]:
        """附图一、附图二 …: one page per prescribed figure (the style 附件标注 begins a page), for the auditor's
        picture (附录C C.3 a))."""
        out = []
        for i, name in enumerate(KINDS[self.kind].figures, 1):
            out += [self.para(f"附图{cn_number(i)}　{name}", "附件标注"), self.para("（在此处插入图片）")]
        return out

    def _option_text(self, s: Section, o: OptionEconomics, facts: Facts) -> str:
        raw = self.texts.get(s.number)
        if raw is not None and str(raw).strip():  # the auditor's evaluation; 【数据分析】 takes the economic evaluation
            out = []
            for line in self.auditor_text(raw):
                if line.strip() == ANALYSIS:
                    out.append(self.option_xml(o, facts, facts.labels.get(f"option:{s.number}", ""), economics_only=True))
                else:
                    out.append(self.para(line, verbatim=True))
            return "".join(out)
        self.pending.append(s.number)
        return self.option_xml(o, facts, facts.labels.get(f"option:{s.number}", ""))


def _not_applicable(paragraphs: list[str]) -> bool:
    return bool(paragraphs) and paragraphs[-1].endswith("本章不适用。")


def _part_totals(t: Table, rows: list[dict]) -> dict | None:
    if not t.total_label:
        return None
    out = {}
    for c in t.columns:
        if c.total:
            vals = [num(r.get(c.key)) for r in rows]
            vals = [v for v in vals if v is not None]
            out[c.key] = sum(vals) if vals else None
    return out


def _title_suffix(kind: str, company: str) -> str:
    if KINDS[kind].subject == "enterprise":
        return KINDS[kind].report_title
    return "清洁生产审核报告"  # the park's or region's name already says which


def build_context(book, kind: str, tpl, styles: X.StyleMap, page: Page) -> Built:
    return Builder(book, kind, tpl, styles, page).build()


__all__ = ["build_context", "Built", "PENDING", "FIGURE_BUILDERS", "report_frame", "placements", "cn_number"]
