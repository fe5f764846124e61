"""Park report (T/CPPC 工业园区清洁生产审核指南 附件2) and regional/industry report (京津冀清洁生产协同审核导则
附录A) from small filled workbooks: frame headings in order, tables under their sections, cover, figures,
auditor text, 【待补充】 markers, generated analysis."""

from __future__ import annotations

import pytest
from docx import Document
from test_report import HEADINGS, body_items, captions, paragraphs, sections_of, xml_text

from cpxl.report import export_report
from cpxl.report.compute import derive
from cpxl.tables import KINDS
from cpxl.workbook.read import read_workbook


@pytest.fixture(scope="module")
def built(park_workbook, region_workbook, tmp_path_factory):
    """The sample park and region workbooks (tests/samples.py, with its PARK_TEXT and REGION_TEXT) and their reports."""
    d = tmp_path_factory.mktemp("kinds")
    out = {}
    for kind, book in (("park", park_workbook), ("region", region_workbook)):
        result = export_report(book, d / f"{kind}.docx")
        out[kind] = (book, result, Document(str(result.path)))
    return out


@pytest.mark.parametrize("kind", ["park", "region"])
def test_frame_headings_in_order(built, kind):
    _book, _result, doc = built[kind]
    got = [p.text for _k, style, p in body_items(doc) if style in HEADINGS[:3]]
    want = [s.heading for s in KINDS[kind].frame]
    if kind == "region":  # the full per-enterprise lists summarised in the body go to an annex
        want.append("附件")
    assert got == want


@pytest.mark.parametrize("kind", ["park", "region"])
def test_tables_under_their_sections(built, kind):
    path, _result, doc = built[kind]
    book = read_workbook(path)
    d = derive(book)
    secs = {s.number: s for s in KINDS[kind].frame}
    by_heading = dict(sections_of(doc))
    placed = 0
    for table in book.registry:
        if not table.report or table.section not in secs:
            continue
        if not any(v not in (None, "") and v == v for r in d.rows(table.id) for k, v in r.items()
                   if k not in table.row_keys and k not in ("no", "_row")):
            continue
        chapter = table.section.split(".")[0]
        found = captions(by_heading[secs[table.section].heading])
        assert any(c.startswith(f"表 {chapter}-") for c in found), (table.id, found)
        if table.id != "B.1":  # split into 领导小组 / 工作小组
            assert any(c.endswith(table.title) for c in found), (table.id, found)
        placed += 1
    assert placed >= (6 if kind == "park" else 5)


def test_park_cover_and_text(built):
    _book, result, doc = built["park"]
    first = [p.text for p in doc.paragraphs[:12]]
    assert "东湖精细化工产业园区" in first and "清洁生产审核报告" in first and "（送审稿）" in first
    assert "东湖精细化工产业园区管理委员会" in first  # 附件2 1.1 (3) 园区管委会名称
    assert "2025年6月" in first  # 报告编制时间，精确到月份
    by_heading = dict(sections_of(doc))
    preface = paragraphs(by_heading["第一章 前言"])
    assert preface[:2] == ["园区前言第一段。", "园区前言第二段，{{ 7*7 }} 原样保留。"]
    assert not any(p.startswith("【待补充】") for p in preface)
    overview = paragraphs(by_heading["第二章 项目概况"])
    assert overview and overview[-1].startswith("【待补充】") and "附件2 2.2" in overview[-1]
    evaluation = "\n".join(paragraphs(by_heading["4.2 清洁生产评价"]))
    assert "参评指标" in evaluation and "先进水平" in evaluation
    assert result.figures >= 2 and len(doc.inline_shapes) == result.figures
    assert "{{" not in xml_text(result.path).replace("{{ 7*7 }}", "")


def test_region_benchmarks_and_figures(built):
    _book, result, doc = built["region"]
    by_heading = dict(sections_of(doc))
    chapter2 = "\n".join(paragraphs(by_heading["第二章 区域清洁生产水平分析"]))
    assert "先进值" in chapter2 and "中位数" in chapter2
    assert any(c.endswith("区域关键性指标对标分析表") for c in captions(by_heading["第二章 区域清洁生产水平分析"]))
    energy = "\n".join(paragraphs(by_heading["3.5 能源消耗典型问题及方案"]))
    assert "空压机" in energy and "投资回收期 2.50 年" in energy  # R.5: 20 万元 ÷ 8 万元/a
    conclusion = paragraphs(by_heading["第五章 结论"])
    assert conclusion == ["区域协同审核结论。"]
    figs = [p.text for p in doc.paragraphs if p.style.name == "图题"]
    assert any("对标" in f for f in figs) and result.figures == len(doc.inline_shapes) >= 3
    assert "区域/行业清洁生产审核报告" in [p.text for p in doc.paragraphs[:12]]
