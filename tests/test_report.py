"""The Word report of the demo workbooks (审核报告 and 验收报告, DB4101/T 61—2023 附录A–C): frame headings in
order, tables under their sections with chapter-numbered captions above, covers, figures, repeated header
rows, recomputed numbers, auditor text verbatim, 【待补充】 only where text is missing, template tags inert."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from docx import Document
from docx.oxml.ns import qn
from typer.testing import CliRunner

from cpxl.calc import economics, energy
from cpxl.cli import app
from cpxl.errors import CpxlError, OutputExists
from cpxl.report import export_report
from cpxl.report.compute import derive
from cpxl.report.context import report_frame
from cpxl.report.options import feasibility_options
from cpxl.tables import KINDS
from cpxl.workbook.read import read_workbook

HEADINGS = ("Heading 1", "Heading 2", "Heading 3", "Heading 4")


# ---- fixtures ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(demo_workbooks):
    """The session's demo workbooks (audit, acceptance): read only, copied before a change."""
    return demo_workbooks


@pytest.fixture(scope="module")
def reports(demo, tmp_path_factory):
    out = tmp_path_factory.mktemp("reports")
    done = {}
    for path, kind in zip(demo, ("audit", "acceptance")):
        result = export_report(path, out / f"{kind}.docx")
        done[kind] = (path, result, Document(str(result.path)))
    return done


def body_items(doc) -> list[tuple[str, str, object]]:
    """Body in order: ("p", style name, paragraph) and ("t", "", table)."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    out = []
    for el in doc.element.body.iterchildren():
        if el.tag == qn("w:p"):
            p = Paragraph(el, doc)
            out.append(("p", p.style.name if p.style is not None else "", p))
        elif el.tag == qn("w:tbl"):
            out.append(("t", "", Table(el, doc)))
    return out


def sections_of(doc) -> list[tuple[str, list]]:
    """(heading text, items up to the next heading) for every heading of the body."""
    out: list[tuple[str, list]] = []
    for kind, style, obj in body_items(doc):
        if kind == "p" and style in HEADINGS[:3]:
            out.append((obj.text, []))
        elif out:
            out[-1][1].append((kind, style, obj))
    return out


def section_items(doc, heading: str) -> list:
    for text, items in sections_of(doc):
        if text == heading:
            return items
    raise AssertionError(f"没有章节 {heading}")


def captions(items) -> list[str]:
    return [obj.text for kind, style, obj in items if kind == "p" and style == "表题"]


def paragraphs(items) -> list[str]:
    return [obj.text for kind, _s, obj in items if kind == "p"]


def xml_text(path: Path) -> str:
    with zipfile.ZipFile(path) as zf:
        return "".join(zf.read(n).decode("utf-8") for n in zf.namelist() if n.startswith("word/") and n.endswith(".xml"))


# ---- structure -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["audit", "acceptance"])
def test_every_frame_heading_in_order(reports, kind):
    path, _result, doc = reports[kind]
    got = [p.text for _k, style, p in body_items(doc) if style in HEADINGS[:3]]
    options = feasibility_options(derive(read_workbook(path)))
    assert options, "示例应有中/高费方案可行性分析"
    expected = [s.heading for s in report_frame(kind, options)]
    assert got == expected
    # the frame of 附录B itself, as a subsequence
    it = iter(got)
    assert all(any(g == s.heading for g in it) for s in KINDS[kind].frame)
    # 7.2.x: one subsection per analysed option (附录B.1 7.2.1 方案一 …)
    subs = [h for h in got if re.match(r"7\.2\.\d+ 方案", h)]
    assert len(subs) == len(options)
    assert subs[0].startswith("7.2.1 方案一：")


@pytest.mark.parametrize("kind", ["audit", "acceptance"])
def test_every_filled_table_under_its_section_with_chapter_caption(reports, kind):
    path, _result, doc = reports[kind]
    book = read_workbook(path)
    d = derive(book)
    frame_numbers = {s.number: s for s in KINDS[kind].frame}
    sections = dict((h, items) for h, items in sections_of(doc))
    checked = 0
    for table in book.registry:
        if not table.report or kind not in table.kinds or not table.columns or table.section in ("", "附件"):
            continue
        if table.applies == "acceptance" and kind != "acceptance":
            continue
        section = {"D.37": "11.4", "D.36": None}.get(table.id, table.section) if kind == "acceptance" else table.section
        assert table.section_in(kind) == section, table.id
        if section not in frame_numbers or not book.applies(table):
            continue
        rows = [r for r in d.rows(table.id) if any(v not in (None, "") and v == v for k, v in r.items()
                                                    if k not in table.row_keys and k not in ("no", "_row"))]
        if not rows:
            continue
        chapter = section.split(".")[0]
        heading = frame_numbers[section].heading
        found = captions(sections[heading])
        prefix = f"表 {chapter}-"
        if table.report.split and table.id != "D.25":
            assert any(c.startswith(prefix) for c in found), (table.id, found)
        elif table.id == "D.25":
            continue
        else:
            assert any(c.startswith(prefix) and c.endswith(" " + table.title) for c in found), (table.id, heading, found)
        checked += 1
    assert checked >= 30
    # D.25 is printed in 4.6 (预审核) and 5.3 (审核), split by its 阶段 column
    assert any(c.endswith("预审核阶段备选方案汇总表") for c in captions(sections["4.6 预审核阶段方案汇总"]))
    assert any(c.endswith(" 审核阶段备选方案汇总表") for c in captions(sections["5.3 审核阶段提出方案汇总"]))


@pytest.mark.parametrize("kind", ["audit", "acceptance"])
def test_captions_numbered_by_chapter_above_tables(reports, kind):
    _path, _result, doc = reports[kind]
    items = body_items(doc)
    seen: dict[str, list[int]] = {}
    for i, (k, style, obj) in enumerate(items):
        if k == "p" and style == "表题":
            m = re.match(r"表 (\d+)-(\d+) ", obj.text)
            if not m:
                assert obj.text.startswith("附表 "), obj.text
                continue
            seen.setdefault(m[1], []).append(int(m[2]))
            assert items[i + 1][0] == "t", f"表题后应紧接表格：{obj.text}"
            assert obj.paragraph_format.alignment is None or obj.alignment is None or int(obj.alignment) == 1
    for chapter, numbers in seen.items():
        assert numbers == list(range(1, len(numbers) + 1)), (chapter, numbers)
    figs = [obj.text for k, style, obj in items if k == "p" and style == "图题"]
    assert figs and all(re.match(r"图 \d+-\d+ ", f) for f in figs)
    # figure captions below the picture
    for i, (k, style, obj) in enumerate(items):
        if k == "p" and style == "图题":
            prev = items[i - 1][2]
            assert prev._p.xpath(".//w:drawing"), obj.text


@pytest.mark.parametrize("kind", ["audit", "acceptance"])
def test_header_rows_repeat_and_multilevel_headers_merge(reports, kind):
    _path, _result, doc = reports[kind]
    items = body_items(doc)
    grids = 0
    for i, (k, style, obj) in enumerate(items):
        if k == "p" and style == "表题" and items[i + 1][0] == "t":
            tbl = items[i + 1][2]._tbl
            first = tbl.tr_lst[0]
            if first.xpath("./w:trPr/w:tblHeader"):
                grids += 1
    assert grids >= 30
    d12 = next(items[i + 1][2]._tbl for i, (k, s, o) in enumerate(items) if k == "p" and s == "表题" and o.text.endswith("综合能耗情况表"))
    heads = [tr for tr in d12.tr_lst if tr.xpath("./w:trPr/w:tblHeader")]
    assert len(heads) == 3  # 名称 / 审核考察期消耗量 / 总耗（kgce）、单耗 / years (表D.12)
    assert d12.xpath(".//w:gridSpan") and d12.xpath(".//w:vMerge")


def test_cover_and_inner_covers_filled(reports, demo):
    _path, _result, doc = reports["audit"]
    book = read_workbook(demo[0])
    c = book.cover
    texts = [p.text for p in doc.paragraphs[:30]]
    assert c["company"] in texts
    assert "清洁生产审核报告" in texts
    assert "（第二轮）" in texts
    assert f"咨询单位：{c['consultant']}" in texts
    inner = "\n".join(cell.text for t in doc.tables[:3] for row in t.rows for cell in row.cells)
    for key in ("legal_rep", "products", "address", "consultant_address", "expert_name"):
        assert str(c[key]) in inner, key
    assert "审核领导小组组长" in inner and "清洁生产审核师证书编号" in inner
    _p, _r, acc = reports["acceptance"]
    assert "清洁生产审核验收报告" in [p.text for p in acc.paragraphs[:30]]


def test_toc_field_updates_on_open_and_static_list(reports):
    path = reports["audit"][1].path
    xml = xml_text(path)
    assert 'TOC \\o "1-3"' in xml
    assert '<w:updateFields w:val="true"/>' in xml
    doc = reports["audit"][2]
    toc = [p.text for p in doc.paragraphs if p.style.name in ("toc 1", "toc 2", "toc 3")]
    assert "第一章 审核概述" in toc and "1.1 审核目的" in toc and "4.1.2 企业生产现状" in toc
    assert not any(t.startswith("（1）") for t in toc)  # four-level headings stay out of the TOC (C.1)


@pytest.mark.parametrize("kind", ["audit", "acceptance"])
def test_figures_present(reports, kind):
    _path, result, doc = reports[kind]
    assert len(doc.inline_shapes) == result.figures >= 8
    figs = [p.text for p in doc.paragraphs if p.style.name == "图题"]
    assert any(f.endswith("甘特图") for f in figs)
    assert any("物料平衡图" in f for f in figs)
    assert any("综合能耗" in f for f in figs)


@pytest.mark.parametrize("kind", ["audit", "acceptance"])
def test_no_template_tags_left(reports, kind):
    xml = xml_text(reports[kind][1].path)
    assert "{{" not in xml and "{%" not in xml and "{#" not in xml


def test_every_run_names_its_east_asian_font(reports):
    doc = reports["audit"][2]
    runs = doc.element.body.xpath(".//w:r[w:t]")
    assert runs
    missing = [r for r in runs if not r.xpath("./w:rPr/w:rFonts/@w:eastAsia")]
    assert not missing, "".join(missing[0].itertext())


# ---- text --------------------------------------------------------------------------------------------------


def test_auditor_text_verbatim_and_pending_only_where_empty(reports, demo):
    _path, _result, doc = reports["audit"]
    book = read_workbook(demo[0])
    texts = book.section_texts
    assert texts, "示例应有章节文字"
    secs = {s.number or s.title: s for s in KINDS["audit"].frame}
    by_heading = dict(sections_of(doc))
    for key, s in secs.items():
        items = by_heading[s.heading]
        paras = [p for p in paragraphs(items)]
        pending = [p for p in paras if p.startswith("【待补充】")]
        if key in texts:
            assert not pending, (key, pending)
            lines = [ln for ln in re.split(r"\r\n|\r|\n", str(texts[key])) if ln.strip()]
            body = [p for p in paras if p.strip()]
            if "【数据分析】" in lines:  # the line takes the generated analysis: the other lines in order around it
                assert "【数据分析】" not in body, key
                written = [ln for ln in lines if ln != "【数据分析】"]
                at = [body.index(ln) for ln in written]
                assert at == sorted(at), key
            else:
                assert body[: len(lines)] == lines, key
        elif s.requirement and key != "2":
            # the standard's requirement, its references to 表D./表E. written as the report's own numbers
            assert pending and s.requirement.split()[0] in pending[0] and not re.search(r"表\s?[DE]\.\d", pending[0]), key


def test_generated_analysis_quotes_the_data(reports, demo):
    doc = reports["audit"][2]
    book = read_workbook(demo[0])
    text = "\n".join(paragraphs(section_items(doc, "4.1.2 企业生产现状")))
    # the demo's 4.1.2 asks for the analysis generated from the data with a line 【数据分析】
    assert "【数据分析】" in book.section_texts["4.1.2"] and "【数据分析】" not in text
    assert "综合能耗" in text and "%" in text
    y1, _y2, y3 = book.years
    assert f"{y1}年—{y3}年" in text


def test_not_applicable_table_gets_a_sentence(reports):
    doc = reports["audit"][2]
    text = "\n".join(paragraphs(section_items(doc, "4.1.2 企业生产现状")))
    assert "不属于“双有”企业" in text and "“有毒有害原辅材料理化性质一览表”不适用" in text
    assert not any(c.endswith("有毒有害原辅材料理化性质一览表") for c in captions(section_items(doc, "4.1.2 企业生产现状")))


# ---- numbers recomputed ------------------------------------------------------------------------------------


def _table_after(doc, title_end: str):
    items = body_items(doc)
    for i, (k, s, o) in enumerate(items):
        if k == "p" and s == "表题" and o.text.endswith(title_end):
            return items[i + 1][2]
    raise AssertionError(title_end)


def test_d12_standard_coal_recomputed_from_d11_not_cached(demo, tmp_path):
    """Cached D.12 cells (here overwritten with 999999) are ignored: 总耗 = D.11 实物量 × GB/T 2589 系数."""
    book = read_workbook(demo[0])
    d12 = book["D.12"]
    wb = openpyxl.load_workbook(demo[0])
    ws = wb[d12.sheet]
    for idx in d12.frame.index:
        for key in ("total_3", "per_unit_3", "coef"):
            ws[d12.cells.at[idx, key]] = 999999
    bad = tmp_path / "stale.xlsx"
    wb.save(bad)
    result = export_report(bad, tmp_path / "stale.docx")
    table = _table_after(Document(str(result.path)), "综合能耗情况表")
    cells = "\n".join(c.text for row in table.rows for c in row.cells)
    assert "999999" not in cells
    d11 = book["D.11"].frame
    power = d11[d11["energy"] == "电力"].iloc[0]
    expected = energy.tce(power["total_3"], "电力", unit=power["total_unit"])
    assert f"{expected:.0f}" in cells  # kgce totals without decimals (cpxl.report.precision)


def test_option_economics_computed_with_cpxl_calc(reports, demo):
    doc = reports["audit"][2]
    d = derive(read_workbook(demo[0]))
    options = [o for o in feasibility_options(d) if o.computed]
    assert options
    o = options[0]
    flow = economics.cash_flow(o.saving, o.investment, o.life, o.tax)
    npv = economics.npv(o.investment, flow, int(o.life), o.rate)
    irr = economics.irr(o.investment, flow, int(o.life))
    items = section_items(doc, next(s.heading for s in report_frame("audit", feasibility_options(d)) if s.number == "7.2.1"))
    text = "\n".join(paragraphs(items)) + "\n".join(c.text for k, _s, t in items if k == "t" for row in t.rows for c in row.cells)
    assert f"{npv:.2f}" in text and f"{irr * 100:.2f}%" in text
    assert f"{economics.payback(o.investment, flow):.2f}" in text


# ---- safety ---------------------------------------------------------------------------------------------------


def test_injected_template_syntax_printed_literally(demo, tmp_path):
    book = read_workbook(demo[0])
    wb = openpyxl.load_workbook(demo[0])
    d8 = book["D.8"]
    wb[d8.sheet][d8.cells.at[d8.frame.index[0], "name"]] = "{{ 7*7 }}"
    texts = book["章节文字"]
    row = next(i for i in texts.frame.index if texts.frame.at[i, "number"] == "1.3")
    wb[texts.sheet][texts.cells.at[row, "text"]] = "{% for x in range(3) %}循环{% endfor %}<w:p>&amp;\n第二段 {{ cover.company }}"
    cover = book["封面信息"]
    wb[cover.sheet][cover.field_cells["consultant"]] = "{{ 6*7 }}咨询"
    bad = tmp_path / "inject.xlsx"
    wb.save(bad)
    path = export_report(bad, tmp_path / "inject.docx").path
    doc = Document(str(path))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    all_text = "\n".join(p.text for p in doc.paragraphs) + "\n".join(cells)
    assert "{{ 7*7 }}" in cells and "49" not in cells
    assert "{% for x in range(3) %}循环{% endfor %}<w:p>&amp;" in all_text
    assert "第二段 {{ cover.company }}" in all_text
    assert "咨询单位：{{ 6*7 }}咨询" in all_text and "42咨询" not in all_text


def test_refusals(demo, tmp_path):
    same = tmp_path / "book.docx"  # a workbook under an odd name is still never overwritten
    same.write_bytes(demo[0].read_bytes())
    with pytest.raises(OutputExists, match="输入文件相同"):
        export_report(same, same, force=True)
    assert same.read_bytes() == demo[0].read_bytes()
    out = tmp_path / "r.docx"
    out.write_bytes(b"old")
    with pytest.raises(OutputExists):
        export_report(demo[0], out)
    assert out.read_bytes() == b"old"
    with pytest.raises(CpxlError, match="找不到文件"):
        export_report(tmp_path / "none.xlsx", tmp_path / "x.docx")
    txt = tmp_path / "a.xlsx"
    txt.write_text("序号,名称\n1,x\n", encoding="utf-8")
    with pytest.raises(CpxlError, match="不是 Excel"):
        export_report(txt, tmp_path / "y.docx")
    with pytest.raises(CpxlError, match="不能导出"):
        export_report(demo[0], tmp_path / "z.docx", kind="acceptance")
    with pytest.raises(CpxlError, match="未知的报告类型"):
        export_report(demo[0], tmp_path / "z.docx", kind="report")
    with pytest.raises(CpxlError, match=".docx"):
        export_report(demo[0], tmp_path / "z.pdf")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.xlsx", "book.docx", "r.docx"]


def test_acceptance_workbook_also_gives_the_audit_report(demo, tmp_path):
    result = export_report(demo[1], tmp_path / "a.docx", kind="audit")
    doc = Document(str(result.path))
    heads = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert "第八章 结论" in heads and "第九章 方案实施" not in heads


def test_restyled_template(demo, tmp_path):
    """A firm's template (here: Heading 1 set to 二号 and the body font to 仿宋) is used as given."""
    from cpxl.report.templates import template_path

    doc = Document(str(template_path("audit")))
    doc.styles["Heading 1"].font.size = 22 * 12700
    rfonts = doc.styles["Normal"].element.rPr.rFonts
    rfonts.set(qn("w:eastAsia"), "仿宋")
    custom = tmp_path / "firm.docx"
    doc.save(str(custom))
    result = export_report(demo[0], tmp_path / "firm-report.docx", template=custom)
    out = Document(str(result.path))
    assert out.styles["Heading 1"].font.size == 22 * 12700
    body = [p for p in out.paragraphs if p.style.name == "Normal" and p.runs and p.text.strip()]
    assert body[5].runs[0]._r.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋"
    with pytest.raises(CpxlError, match="模板"):
        export_report(demo[0], tmp_path / "x.docx", template=demo[0])


# ---- CLI -------------------------------------------------------------------------------------------------------


def test_cli_export(demo, tmp_path):
    runner = CliRunner()
    out = tmp_path / "cli.docx"
    res = runner.invoke(app, ["export", str(demo[0]), "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert out.exists() and "已导出报告" in res.output
    res = runner.invoke(app, ["export", str(demo[0]), "-o", str(out)])
    assert res.exit_code == 2 and "已存在" in res.output
    res = runner.invoke(app, ["export", str(tmp_path / "nope.xlsx"), "-o", str(tmp_path / "n.docx")])
    assert res.exit_code == 2 and "找不到文件" in res.output and "Traceback" not in res.output


def test_annex_forms_as_printed_in_appendix_e(demo, tmp_path):
    """表E.2 one 现场工作登记表 per visit with the staff one per line and a signature line; 表E.4 with the seal
    and signature line and the prescribed check boxes (the demo: 自愿性, 民营, 国内先进水平 before and after);
    附图 with its 附图一 … slots (DB4101/T 61—2023 附录E, 6.10.1, 7.6.1, 附录C C.3 a))."""
    from docx import Document

    out = export_report(demo[1], tmp_path / "验收报告.docx")
    doc = Document(str(out.path))
    paras = [p.text for p in doc.paragraphs]
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    assert "☑自愿审核" in "".join(cells) and "☐强制审核" in "".join(cells)
    assert "☑民营" in "".join(cells) and "☐国有" in "".join(cells)
    levels = [c for c in cells if "国际领先水平" in c]
    assert levels and all("☑国内先进水平" in c and "☐国际领先水平" in c for c in levels)
    assert any(p.startswith("审核单位（盖章）：") and "填表人：" in p and "审核人（审核单位）：" in p for p in paras)
    assert any("审核单位联系人签名：" in c for c in cells) and "签名" in cells
    slots = [p for p in paras if re.match(r"附图[一二三四五六七八九十]+　", p)]
    assert slots == [f"附图{n}　{name}" for n, name in zip(
        ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三"), KINDS["acceptance"].figures)]


def test_checkboxes_tick_only_what_the_workbook_says():
    from cpxl.report.annex_forms import checkboxes

    assert checkboxes(("国有", "民营", "其他"), "民营") == "☐国有　☑民营　☐其他____"
    assert checkboxes(("国有", "民营", "其他"), "股份制") == "☐国有　☐民营　☑其他股份制"
    assert checkboxes(("国有", "民营", "其他"), None) == "☐国有　☐民营　☐其他____"  # blank: nothing ticked


def test_column_widths_use_the_templates_table_font():
    """The park guide prints tables in 小四 (12 pt), DB4101/T 61 in 五号 (10.5 pt): a number's column is
    planned for the size it is printed in (“16.6375”: (6 digits × 0.5 em + “.” 0.33 em) × 1.08 margin + 0.56 em
    padding = 3.33 × 1.08 + 0.56 = 4.1564 em → 4.1564 × 10.5 pt × 20 = 873 dxa at 五号, × 12 pt × 20 = 998 dxa at 小四)."""
    from docx import Document

    from cpxl.report.export import style_map
    from cpxl.report.tables import Page, plan_widths
    from cpxl.report.templates import template_path
    from cpxl.tables.model import Column

    assert style_map(Document(str(template_path("park")))).font("表格文字").size == 12
    assert style_map(Document(str(template_path("audit")))).font("表格文字").size == 10.5
    from cpxl.report import tables as T

    cols = [Column("v", "值", type="number"), Column("t", "说明")]
    body = [["16.6375", "工业园区清洁生产评价指标的计算方法与数据来源说明" * 4]]
    at_10, _ = plan_widths(cols, ["值", "说明"], body, Page(), em_pt=10.5)
    at_12, _ = plan_widths(cols, ["值", "说明"], body, Page(), em_pt=12)
    need = (6 * 0.5 + 0.33) * T.LATIN_SAFETY + T.PAD_EM
    # the number's column keeps its minimum, the text column takes the rest of the page
    assert abs(at_10[0] - need * 10.5 * 20) <= 1 and abs(at_12[0] - need * 12 * 20) <= 1
    assert round(need * 10.5 * 20) == 873 and round(need * 12 * 20) == 998


def test_cell_lines_break_between_pieces_and_inside_a_piece_wider_than_the_column():
    from cpxl.report.tables import PAD_EM, cell_lines

    four = (4 + PAD_EM) * 10.5 * 20  # a column of four characters a line at 五号
    assert cell_lines("在线监测及委托监测报告", four) == 3  # 11 characters: 4 + 4 + 3
    assert cell_lines("天然气", four) == 1
    assert cell_lines("甲乙\n丙", four) == 2  # each line of the text starts a line
    # “0.0025 0.0006”: two pieces of 5 × 0.54 + 0.36 = 3.06 em, one a line; a piece wider than the column is
    # broken: 3 × 3.06 = 9.17 em in lines of 2 em take 5 lines
    assert cell_lines("0.0025 0.0006", four) == 2
    assert cell_lines("0.00250.00060.0013", (2 + PAD_EM) * 10.5 * 20) == 5


def test_landscape_width_goes_where_it_shortens_the_rows():
    """Two text columns at their four-character minimum and 4 em to spare: 说明 (eight characters in every
    row) at eight characters a line saves a line in two rows (the third keeps the two lines of 备注);
    备注 widened alone saves none, since 说明 still takes two lines there. So all 4 em go to 说明 — sharing
    them by what each lacks (4 : 2) would leave both columns wrapping in every row."""
    from cpxl.report.tables import PAD_EM, shortest

    em = 10.5 * 20
    columns = [["说明", "甲乙丙丁戊己庚辛", "甲乙丙丁戊己庚辛", "甲乙丙丁戊己庚辛"], ["备注", "一二三四五六", "", ""]]
    widths, spare = shortest([(4 + PAD_EM) * em] * 2, 4 * em, columns)
    assert widths == [(8 + PAD_EM) * em, (4 + PAD_EM) * em] and spare == 0


def test_landscape_table_kept_whole_when_it_fits_else_a_third_of_a_page_at_its_end():
    from cpxl.report import ooxml as X
    from cpxl.report.tables import EM_PT, LINE_PITCH, Page, landscape_keep_from

    page = Page()  # A4 landscape: 453.6 pt of text height
    row = (LINE_PITCH * EM_PT + 1.0)  # a one-line row: 16.12 pt
    head = [[X.Cell("序号", header=True), X.Cell("名称", header=True)]]
    short = [[X.Cell(str(i)), X.Cell("甲")] for i in range(10)]
    assert landscape_keep_from(head, short, [2000, 2000], page) == 1  # 11 rows, 177 pt: the whole table
    long = [[X.Cell(str(i)), X.Cell("甲")] for i in range(60)]
    # 453.6 / 3 = 151.2 pt: ten one-line rows (161.2 pt) are the least tail that holds a third of a page
    assert landscape_keep_from(head, long, [2000, 2000], page) == 61 - 10
    assert 9 * row < page.landscape_height / 20 / 3 < 10 * row


def test_table_rows_from_keep_from_keep_with_next_up_to_the_last():
    from cpxl.report import ooxml as X

    font = X.Font("宋体", "Times New Roman", 10.5)
    rows = [[X.Cell("序号", header=True)]] + [[X.Cell(str(i))] for i in range(5)]
    xml = X.table(rows, [2000], header_rows=1, style_id=None, text_style=None, head_style=None, text_font=font,
                  head_font=font, keep_from=3)
    kept = ["<w:keepNext/>" in tr for tr in xml.split("<w:tr>")[1:]]
    assert kept == [True, False, False, True, True, False]  # the header, rows 3–4 with row 5; never the last


def test_heading_before_a_landscape_section_moves_onto_its_page():
    from docx import Document

    from cpxl.report import export as E
    from cpxl.report import ooxml as X

    doc = Document()
    body = doc.element.body

    def add(xml):
        from docx.oxml import parse_xml

        el = parse_xml(xml.replace("<w:p>", f'<w:p xmlns:w="{NS_W}">', 1))
        body.insert(len(body) - 1, el)  # before the body's own sectPr

    NS_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    heading = doc.styles["Heading 1"].style_id
    doc.add_paragraph("正文")
    doc.add_paragraph("附件", style="Heading 1")
    add(X.section_break(False))  # the portrait section ends: a wide table follows
    doc.add_paragraph("附件一")
    add(X.section_break(True))
    doc.add_paragraph("第二个附件", style="Heading 1")
    add(X.section_break(False))
    doc.add_paragraph("附件二")
    E._headings_into_landscape(doc)
    order = []
    for p in body.iterchildren():
        sect = p.find(".//" + E.qn("w:sectPr"))
        style = p.find(".//" + E.qn("w:pStyle"))
        order.append(("break:" + sect.get(E.qn("w:rsidR")) if sect is not None and sect.get(E.qn("w:rsidR")) else
                      "heading" if style is not None and style.get(E.qn("w:val")) == heading else
                      "".join(t.text for t in p.iter(E.qn("w:t"))) or p.tag.split("}")[1]))
    # the first heading follows the break onto the landscape page; the second, between two landscape
    # sections, leaves them one section
    assert order == ["正文", f"break:{X.PORTRAIT_MARK}", "heading", "附件一", "heading", "附件二", "sectPr"]


def test_decimals_raised_for_small_values():
    from cpxl.report.precision import column_decimals

    # a column of 万元 values (2 decimals) holding 0.004: raised to two significant digits so it does not
    # print as 0.00: 1 − ⌊log10 0.004⌋ = 1 − (−3) = 4 decimals, 0.0040
    assert column_decimals([12.5, 0.004], 2) == 4
    # an intensity of a row in 表R.3 keeps three significant digits: 0.08851 → 0.0885 (4 decimals), 4.481 → 4.48,
    # 0.5306 → 0.531; never more than `most`
    assert [column_decimals([x], 2, figures=3) for x in (0.08851, 4.481, 0.5306, 123.4)] == [4, 2, 3, 2]
    assert column_decimals([0.000012], 2, figures=3) == 4 and column_decimals([0.0], 2, figures=3) == 2
