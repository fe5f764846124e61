"""Block diagrams of the report drawn with Graphviz (``dot``): the material balance diagram (物料平衡图,
表BAL.1), the water balance diagram (水平衡图, 表BAL.2 with the sources and discharge of 表D.10, m³/d,
DB4101/T 61 6.5.1.2.5) and the process flow with pollution nodes (工艺流程及产污节点图, 6.5.1.2.1).

Each unit operation is a box, in process order as first met in the table; inputs come in on arrows,
products, by-products, wastes and losses leave on arrows, intermediate and recycled flows connect the
boxes, and every arrow carries its quantity and unit. The DOT source is built here (testable without
Graphviz) and rendered to PNG at print resolution; without ``dot`` :func:`render` returns None and the
report prints :data:`NO_DOT` instead of the figure.
"""

from __future__ import annotations

import shutil
import struct
from dataclasses import dataclass, field

FONT = "Noto Sans CJK SC"
DPI = 220
WIDTH_IN = 6.3  # 16 cm text width
MAX_HEIGHT_IN = 8.6

NO_DOT = "本机未安装 Graphviz（dot），框图未生成；安装 graphviz（Debian/Ubuntu：apt install graphviz）后重新导出"

#: Flow categories of 表BAL.1 that connect unit operations rather than enter or leave the system.
INTERNAL = ("中间产品", "循环物料")
#: Categories drawn as pollution nodes (W 废水, G 废气, S 固体废物, N 噪声).
POLLUTION = {"废水": "W", "废气": "G", "无组织排放": "G", "固体废物": "S", "危险废物": "S", "噪声": "N"}
COLORS = {"产品": "#2E7D32", "副产品": "#1565C0", "损失": "#757575", "水": "#0277BD", "原辅材料": "#000000"}
WASTE_COLOR = "#C62828"


@dataclass
class Diagram:
    """A diagram's DOT source and what it holds (for tests and the caption note)."""

    source: str
    nodes: list[str] = field(default_factory=list)  # unit operations / users, in order
    edges: list[tuple[str, str, str]] = field(default_factory=list)  # (tail, head, label)


def q(s) -> str:
    """A DOT string literal."""
    return '"' + str(s).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def number(x: float) -> str:
    """A flow quantity as printed on an arrow (as entered: 11048, 0.12, 76.7)."""
    from .precision import as_entered

    return as_entered(float(x), 2)


def _head(name: str, rankdir: str = "TB") -> list[str]:
    return [
        f"digraph {q(name)} {{",
        f'  graph [rankdir={rankdir}, fontname={q(FONT)}, nodesep=0.18, ranksep=0.32, pad=0.1, dpi={DPI}, '
        f'size="{WIDTH_IN},{MAX_HEIGHT_IN}", newrank=true, splines=spline];',
        f'  node [fontname={q(FONT)}, fontsize=10.5, shape=box, style="rounded", margin="0.08,0.04", height=0.3];',
        f'  edge [fontname={q(FONT)}, fontsize=9, arrowsize=0.6, penwidth=0.9];',
    ]


def _wrap(s: str, width: int = 8) -> str:
    s = str(s)
    return "\n".join(s[i: i + width] for i in range(0, len(s), width)) if len(s) > width else s


def material_balance(rows: list[dict], unit: str, *, text=str, num=float) -> Diagram | None:
    """物料平衡图 from 表BAL.1 rows (unit_op, direction 输入/输出, material, category, qty, counterpart)."""
    ops = list(dict.fromkeys(text(r.get("unit_op")) for r in rows if text(r.get("unit_op"))))
    if not ops:
        return None
    ids = {op: f"op{i}" for i, op in enumerate(ops)}
    lines = _head("物料平衡图")
    d = Diagram("", list(ops))
    for op in ops:
        lines.append(f"  {ids[op]} [label={q(op)}, style=\"rounded,bold\", fontsize=11];")
    used_inputs: set[int] = set()
    flows = [(i, r) for i, r in enumerate(rows) if text(r.get("unit_op")) in ids and num(r.get("qty")) is not None]
    k = 0
    for i, r in flows:
        op, direction, cat = text(r.get("unit_op")), text(r.get("direction")), text(r.get("category"))
        material, qty = text(r.get("material")), num(r.get("qty"))
        label = f"{material}\n{number(qty)} {unit}"
        if direction != "输出":
            continue
        if cat in INTERNAL:
            # to the operation it names, or to the operation taking the same material in (a recycle)
            target = text(r.get("counterpart"))
            match = next((j for j, s in flows if j not in used_inputs and text(s.get("direction")) == "输入"
                          and text(s.get("material")) == material and text(s.get("unit_op")) != op
                          and (text(s.get("unit_op")) == target or text(s.get("counterpart")) in (op, target))), None)
            if match is None:
                match = next((j for j, s in flows if j not in used_inputs and text(s.get("direction")) == "输入"
                              and text(s.get("material")) == material and text(s.get("category")) in INTERNAL), None)
            if match is not None:
                used_inputs.add(match)
                head = ids[text(rows[match].get("unit_op"))]
                style = ', style=dashed, constraint=false' if cat == "循环物料" or head == ids[op] else ""
                lines.append(f"  {ids[op]} -> {head} [label={q(label)}{style}];")
                d.edges.append((op, text(rows[match].get("unit_op")), label))
                continue
        k += 1
        color = WASTE_COLOR if cat in POLLUTION else COLORS.get(cat, "#000000")
        sink = f"out{k}"
        lines.append(f"  {sink} [label={q(_wrap(material) + chr(10) + '（' + cat + '）')}, shape=plaintext, fontsize=9, fontcolor={q(color)}];")
        lines.append(f"  {ids[op]} -> {sink} [label={q(number(qty) + ' ' + unit)}, color={q(color)}, fontcolor={q(color)}];")
        nxt = ops.index(op) + 1
        if nxt < len(ops):  # the outputs between this operation and the next one
            lines.append(f"  {sink} -> {ids[ops[nxt]]} [style=invis];")
        d.edges.append((op, material, f"{number(qty)} {unit}"))
    for i, r in flows:
        if text(r.get("direction")) == "输出" or i in used_inputs:
            continue
        op, material, cat, qty = text(r.get("unit_op")), text(r.get("material")), text(r.get("category")), num(r.get("qty"))
        k += 1
        src = f"in{k}"
        color = COLORS.get(cat, "#000000")
        lines.append(f"  {src} [label={q(_wrap(material))}, shape=plaintext, fontsize=9, fontcolor={q(color)}];")
        lines.append(f"  {src} -> {ids[op]} [label={q(number(qty) + ' ' + unit)}, color={q(color)}, fontcolor={q(color)}];")
        n_in = sum(1 for j, s in flows if j not in used_inputs and text(s.get("direction")) != "输出" and text(s.get("unit_op")) == op)
        if n_in == 1:  # a single input straight from the left; several come in from above
            lines.append(f"  {{rank=same; {src}; {ids[op]};}}")
        elif ops.index(op) > 0:
            lines.append(f"  {ids[ops[ops.index(op) - 1]]} -> {src} [style=invis];")
        d.edges.append((material, op, f"{number(qty)} {unit}"))
    # the process order top to bottom
    for a, b in zip(ops, ops[1:]):
        lines.append(f"  {ids[a]} -> {ids[b]} [style=invis, weight=20];")
    lines.append("}")
    d.source = "\n".join(ln for ln in lines if ln)
    return d


def water_balance(rows: list[dict], *, sources: list[tuple[str, str]] = (), discharge: str = "", text=str, num=float,
                  unit: str = "m³/d") -> Diagram | None:
    """水平衡图 from 表BAL.2 rows (unit, fresh Vf, reused Vr, consumed Vco, discharged Vd, leaked Vl), read left
    to right: fresh water from the source to each user, reuse as a loop on the user, each user's consumption
    and leaks out to its own terminal, and its discharge to the one outfall. One terminal per user for the
    losses keeps the arrows from crossing (every user to three shared sinks cannot be drawn without
    crossings); their totals go in the figure's note.
    `sources`: (category, source) of 表D.10 naming the fresh-water source; `discharge`: where waste water goes."""
    users = [r for r in rows if text(r.get("unit"))]
    if not users:
        return None
    lines = _head("水平衡图", "LR")
    lines[1] = lines[1].replace("nodesep=0.18, ranksep=0.32", "nodesep=0.1, ranksep=0.45, ordering=out")
    d = Diagram("", [text(r.get("unit")) for r in users])
    fresh_total = sum(num(r.get("fresh")) or 0 for r in users)
    discharged_total = sum(num(r.get("discharged")) or 0 for r in users)
    src_label = next((f"{cat}\n{_wrap(f'（{src}）', 8)}" for cat, src in sources if cat == "新鲜水" and src), "新鲜水")
    lines.append(f"  src [label={q(src_label + chr(10) + number(fresh_total) + ' ' + unit)}, shape=box, "
                 f"style=\"filled\", fillcolor=\"#E3F2FD\"];")
    if discharged_total:
        label = "排水\n" + (_wrap(f"（{discharge}）", 8) + "\n" if discharge else "") + number(discharged_total) + " " + unit
        lines.append(f"  discharged [label={q(label)}, shape=box, fontcolor={q(WASTE_COLOR)}, color={q(WASTE_COLOR)}];")
    lines.append("  {rank=min; src;}")
    if discharged_total:
        lines.append("  {rank=max; discharged;}")
    losses = (("consumed", "耗水"), ("leaked", "漏失"))
    for i, r in enumerate(users):
        name = text(r.get("unit"))
        node = f"u{i}"
        lines.append(f"  {node} [label={q(_wrap(name, 7))}, style=\"rounded,bold\"];")
        fresh = num(r.get("fresh"))
        if fresh:
            lines.append(f"  src:e -> {node}:w [label={q(number(fresh) + ' ' + unit)}, color=\"#0277BD\", fontcolor=\"#0277BD\"];")
            d.edges.append(("新鲜水", name, f"{number(fresh)} {unit}"))
        reused = num(r.get("reused"))
        if reused:
            lines.append(f"  {node}:n -> {node}:n [label={q('重复利用 ' + number(reused) + ' ' + unit)}, color=\"#2E7D32\", "
                         f"fontcolor=\"#2E7D32\", style=dashed];")
            d.edges.append((name, name, f"{number(reused)} {unit}"))
        for key, what in losses:
            v = num(r.get(key))
            if v:
                sink = f"{key}{i}"
                lines.append(f"  {sink} [label={q(what)}, shape=plaintext, fontsize=9, fontcolor=\"#757575\", height=0.2];")
                lines.append(f"  {node} -> {sink} [label={q(number(v) + ' ' + unit)}, color=\"#757575\", fontcolor=\"#757575\", fontsize=8];")
                d.edges.append((name, what, f"{number(v)} {unit}"))
        v = num(r.get("discharged"))
        if v:  # minlen=2: the outfall a rank beyond the loss terminals, its arrows passing below them
            lines.append(f"  {node} -> discharged [label={q(number(v) + ' ' + unit)}, color={q(WASTE_COLOR)}, "
                         f"fontcolor={q(WASTE_COLOR)}, fontsize=8, minlen=2];")
            d.edges.append((name, "排水", f"{number(v)} {unit}"))
    lines.append("}")
    d.source = "\n".join(lines)
    return d


def process_flow(rows: list[dict], *, text=str) -> Diagram | None:
    """工艺流程及产污节点图 from the unit operations of 表BAL.1: the operations in order, raw materials
    entering, products leaving, and each waste output as a numbered pollution node (W 废水, G 废气,
    S 固体废物, N 噪声) with its name."""
    ops = list(dict.fromkeys(text(r.get("unit_op")) for r in rows if text(r.get("unit_op"))))
    if not ops:
        return None
    ids = {op: f"op{i}" for i, op in enumerate(ops)}
    lines = _head("工艺流程及产污节点图")
    d = Diagram("", list(ops))
    for op in ops:
        lines.append(f"  {ids[op]} [label={q(op)}, style=\"rounded,bold\", fontsize=11];")
    for a, b in zip(ops, ops[1:]):
        lines.append(f"  {ids[a]} -> {ids[b]} [weight=20, penwidth=1.3];")
        d.edges.append((a, b, ""))
    count: dict[str, int] = {}
    seen_in: set[tuple[str, str]] = set()
    for r in rows:
        op, cat, material = text(r.get("unit_op")), text(r.get("category")), text(r.get("material"))
        if op not in ids or cat in INTERNAL:
            continue
        if text(r.get("direction")) == "输入":
            if cat == "原辅材料" and (op, material) not in seen_in:
                seen_in.add((op, material))
                node = f"m{len(seen_in)}"
                lines.append(f"  {node} [label={q(_wrap(material))}, shape=plaintext, fontsize=9];")
                lines.append(f"  {node} -> {ids[op]};")
                lines.append(f"  {{rank=same; {node}; {ids[op]};}}")
                d.edges.append((material, op, ""))
            continue
        letter = POLLUTION.get(cat)
        if letter:
            count[letter] = count.get(letter, 0) + 1
            tag = f"{letter}{count[letter]}"
            node = f"p{tag}"
            lines.append(f"  {node} [label={q(tag + ' ' + _wrap(material))}, shape=box, style=\"filled,rounded\", fillcolor=\"#FDECEA\", "
                         f"color={q(WASTE_COLOR)}, fontcolor={q(WASTE_COLOR)}, fontsize=9];")
            lines.append(f"  {ids[op]} -> {node} [color={q(WASTE_COLOR)}];")
            lines.append(f"  {{rank=same; {ids[op]}; {node};}}")
            d.edges.append((op, tag, material))
        elif cat == "产品":
            node = f"prod{len(d.edges)}"
            lines.append(f"  {node} [label={q(material)}, shape=box, style=\"filled\", fillcolor=\"#E8F5E9\"];")
            lines.append(f"  {ids[op]} -> {node} [penwidth=1.3];")
            d.edges.append((op, material, ""))
    if not count:
        return None  # no waste outputs: no pollution nodes to show
    lines.append("}")
    d.source = "\n".join(lines)
    return d


def dot_available() -> bool:
    return shutil.which("dot") is not None


def render(diagram: Diagram | None) -> bytes | None:
    """PNG of the diagram at :data:`DPI`, or None without Graphviz (or when it fails)."""
    if diagram is None or not dot_available():
        return None
    try:
        import graphviz
    except ImportError:
        return _render_cli(diagram.source)
    try:
        png = graphviz.Source(diagram.source).pipe(format="png")
    except (graphviz.ExecutableNotFound, graphviz.CalledProcessError, OSError):
        return None
    return with_dpi(png)


def with_dpi(png: bytes | None) -> bytes | None:
    """The PNG with its resolution recorded (pHYs), so Word and LibreOffice size it for print."""
    if not png:
        return None
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.open(io.BytesIO(png)).save(buf, format="PNG", dpi=(DPI, DPI), compress_level=3)
    return buf.getvalue()


def _render_cli(source: str) -> bytes | None:
    import subprocess

    try:
        out = subprocess.run(["dot", "-Tpng"], input=source.encode("utf-8"), capture_output=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return None
    return with_dpi(out.stdout) if out.returncode == 0 and out.stdout.startswith(b"\x89PNG") else None


def png_size(png: bytes) -> tuple[int, int]:
    """(width, height) in pixels of a PNG."""
    return struct.unpack(">II", png[16:24])


def png_dpi(png: bytes) -> float | None:
    """Resolution recorded in the PNG (pHYs chunk), dots per inch."""
    i = png.find(b"pHYs")
    if i < 0:
        return None
    x, _y, unit = struct.unpack(">IIB", png[i + 4: i + 13])
    return x * 0.0254 if unit == 1 else None


__all__ = ["Diagram", "material_balance", "water_balance", "process_flow", "render", "dot_available", "NO_DOT", "png_size", "png_dpi"]
