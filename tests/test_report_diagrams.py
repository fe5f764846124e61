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
    # every flow is an arrow; an intermediate flow (an output of one operation, the input of the next) is one
    # arrow, drawn down the main stream through points (s…) of the layout's rows: the segments on from a point
    # continue the arrow begun at the box
    arrows = [ln for ln in _edges(d.source) if not re.match(r"\s*s\d+ ->", ln)]
    assert len(arrows) == len(rows) - len(internal) // 2 == len(d.edges)
    for line in arrows:
        assert re.search(r'label="[^"]*\d[^"]* t/a"', line), line
    assert all(re.search(r"\d t/a$", label) for _, _, label in d.edges)
    assert re.search(r'op0 -> s\d+ \[[^]]*label="粉碎物料\\n15736 t/a"', d.source)
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
    assert r"新鲜水\n（市政自来水）" in d.source
    png = G.render(d)
    assert round(G.png_dpi(png)) == G.DPI


def _layout(source: str) -> tuple[dict[str, tuple[float, float]], list[tuple[str, str, list[tuple[float, float]]]]]:
    """Node centres and edge splines (as polylines) of the layout ``dot`` computes (``-Tplain``); invisible
    edges left out."""
    import shlex
    import subprocess

    plain = subprocess.run(["dot", "-Tplain"], input=source.encode(), capture_output=True, check=True).stdout.decode()
    nodes, edges = {}, []
    for line in plain.splitlines():
        f = shlex.split(line)
        if f[0] == "node":
            nodes[f[1]] = (float(f[2]), float(f[3]))
        elif f[0] == "edge":
            n = int(f[3])
            if f[-2] == "invis":  # …, style, colour
                continue
            pts = [(float(f[4 + 2 * i]), float(f[5 + 2 * i])) for i in range(n)]
            curve = [pts[0]]
            for k in range(0, n - 3, 3):  # piecewise cubic Bézier
                p0, p1, p2, p3 = pts[k: k + 4]
                for t in (i / 12 for i in range(1, 13)):
                    curve.append(tuple((1 - t) ** 3 * a + 3 * (1 - t) ** 2 * t * b + 3 * (1 - t) * t * t * c + t ** 3 * e
                                       for a, b, c, e in zip(p0, p1, p2, p3)))
            edges.append((f[1], f[2], curve))
    return nodes, edges


def _cross(p, q, r, s) -> bool:
    def side(a, b, c):
        return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])

    return side(p, q, r) * side(p, q, s) < 0 and side(r, s, p) * side(r, s, q) < 0


def _crossings(edges) -> list[tuple[str, str, str, str]]:
    """Pairs of edges with four distinct ends whose curves cross (edges sharing a node may touch there)."""
    out = []
    for i, (a, b, ca) in enumerate(edges):
        for c, e, cb in edges[i + 1:]:
            if {a, b} & {c, e}:
                continue
            if any(_cross(p, q, r, s) for p, q in zip(ca, ca[1:]) for r, s in zip(cb, cb[1:])):
                out.append((a, b, c, e))
    return out


def test_water_balance_reads_left_to_right_without_crossings(derived, dot):
    rows = derived.rows("BAL.2")
    d = G.water_balance(rows, sources=[("新鲜水", "市政自来水")], discharge="污水处理站", text=text, num=num)
    nodes, edges = _layout(d.source)
    # the demo's six users each consume, leak and discharge: three shared sinks would force crossings
    assert all(num(r.get(k)) for r in rows for k in ("consumed", "leaked", "discharged"))
    assert not _crossings(edges), _crossings(edges)
    users = [n for n in nodes if re.fullmatch(r"u\d+", n)]
    assert len(users) == len(rows)
    x = {n: xy[0] for n, xy in nodes.items()}
    assert all(x["src"] < x[u] < x["discharged"] for u in users)  # source → users → discharge
    assert all(x[u] < x[n] < x["discharged"] for u in users for n in nodes if n.startswith(("consumed", "leaked")))
    # users keep the table's order top to bottom
    assert [u for u in sorted(users, key=lambda n: -nodes[n][1])] == users


def test_material_balance_main_stream_down_the_middle_inputs_left_outputs_right_no_crossings(derived, dot):
    rows = derived.rows("BAL.1")
    d = G.material_balance(rows, "t/a", text=text, num=num)
    nodes, edges = _layout(d.source)
    assert not _crossings(edges), _crossings(edges)
    ops = [f"op{i}" for i in range(len(d.nodes))]
    x = {n: xy[0] for n, xy in nodes.items()}
    # the boxes in process order top to bottom, in one column
    assert sorted(ops, key=lambda n: -nodes[n][1]) == ops
    assert max(x[n] for n in ops) - min(x[n] for n in ops) < 0.05
    ins = [n for n in nodes if re.fullmatch(r"in\d+", n)]
    outs = [n for n in nodes if re.fullmatch(r"out\d+", n)]
    external = [r for r in rows if text(r.get("category")) not in G.INTERNAL]
    assert len(ins) + len(outs) == len(external)
    assert all(x[n] < x["op0"] for n in ins) and all(x[n] > x["op0"] for n in outs)
    # each external arrow runs between its node and a box, and carries its quantity and unit
    for tail, head, _ in edges:
        if {tail, head} & set(ins + outs):
            assert {tail, head} & set(ops)
    for line in _edges(d.source):
        if re.search(r"\b(in|out)\d+\b", line):
            assert re.search(r'label="\d[\d.]* t/a"', line), line
    # the figure fits the text width of a portrait page; labels stay legible when it is scaled to fit
    plain = __import__("subprocess").run(["dot", "-Tplain"], input=re.sub(r'size="[^"]*", ', "", d.source).encode(),
                                         capture_output=True, check=True).stdout.decode()
    w, h = map(float, plain.split()[2:4])
    scale = min(1, G.WIDTH_IN / w, G.MAX_HEIGHT_IN / h)
    assert 9 * scale >= 6.5, (w, h)  # 9 pt arrow labels print at 6.5 pt or more


def test_crossings_found_where_edges_cross():
    square = [("a", "b", [(0, 0), (1, 1)]), ("c", "d", [(0, 1), (1, 0)]), ("a", "d", [(0, 0), (1, 0)])]
    assert _crossings(square) == [("a", "b", "c", "d")]


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
