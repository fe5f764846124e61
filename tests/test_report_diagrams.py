"""Block diagrams (Graphviz): the material balance, water balance and process flow of the demo audit —
one node per unit operation, one labelled edge per flow, PNG at print resolution — and the report's
sentence instead of a diagram where ``dot`` is missing."""

from __future__ import annotations

import os
import re
import shutil

import pytest

from cpxl.report import diagrams as G
from cpxl.report.compute import derive, num, text
from cpxl.workbook.read import read_workbook


@pytest.fixture(scope="module")
def derived(demo_workbooks):
    return derive(read_workbook(demo_workbooks[0]))


@pytest.fixture(scope="module")
def dot():
    if shutil.which("dot") is None:
        if os.environ.get("CI"):
            pytest.fail("CI 须安装 graphviz（dot）")
        pytest.skip("graphviz（dot）未安装")


def _edges(source: str) -> list[str]:
    return [ln for ln in source.splitlines() if "->" in ln and "style=invis" not in ln]


def test_material_balance_one_box_per_operation_one_labelled_edge_per_flow(derived, dot):
    rows = derived.rows("BAL.1")
    d = G.material_balance(rows, "t/a", text=text, num=num)
    ops = list(dict.fromkeys(text(r.get("unit_op")) for r in rows))
    assert d.nodes == ops  # process order as first met
    boxes = re.findall(r'^\s*op\d+ \[label="([^"]+)"', d.source, re.M)
    assert boxes == ops
    internal = [r for r in rows if text(r.get("category")) in G.INTERNAL]
    # every flow is an edge; an intermediate flow (an output of one operation, the input of the next) is one edge
    assert len(_edges(d.source)) == len(rows) - len(internal) // 2 == len(d.edges)
    for line in _edges(d.source):
        assert re.search(r'label="[^"]*\d[^"]* t/a"', line), line
    assert '"粉碎物料\\n15736 t/a"' in d.source and "op0 -> op1" in d.source
    png = G.render(d)
    assert png.startswith(b"\x89PNG") and round(G.png_dpi(png)) == G.DPI


def test_water_balance_sources_users_and_outlets(derived, dot):
    rows = derived.rows("BAL.2")
    d = G.water_balance(rows, sources=[("新鲜水", "市政自来水")], discharge="污水处理站", text=text, num=num)
    assert d.nodes == [text(r.get("unit")) for r in rows]
    flows = sum(1 for r in rows for k in ("fresh", "reused", "consumed", "discharged", "leaked") if num(r.get(k)))
    assert len(_edges(d.source)) == flows == len(d.edges)
    for line in _edges(d.source):
        assert re.search(r'label="[^"]*\d[^"]* m³/d"', line), line
    assert "新鲜水（市政自来水）" in d.source
    png = G.render(d)
    assert round(G.png_dpi(png)) == G.DPI


def test_process_flow_pollution_nodes(derived, dot):
    rows = derived.rows("BAL.1")
    d = G.process_flow(rows, text=text)
    assert d.nodes == list(dict.fromkeys(text(r.get("unit_op")) for r in rows))
    wastes = [r for r in rows if text(r.get("direction")) == "输出" and text(r.get("category")) in G.POLLUTION]
    tags = re.findall(r'label="([WGSN]\d+) ', d.source)
    assert len(tags) == len(wastes) and "W1" in tags and "G1" in tags and "S1" in tags
    assert G.render(d).startswith(b"\x89PNG")


def test_without_dot_the_report_says_so(demo_workbooks, tmp_path, monkeypatch):
    from docx import Document

    from cpxl.report import export_report

    monkeypatch.setattr(G, "dot_available", lambda: False)
    out = tmp_path / "r.docx"
    export_report(demo_workbooks[0], out)
    body = "\n".join(p.text for p in Document(str(out)).paragraphs)
    assert "审核重点物料平衡图：本机未安装 Graphviz" in body
