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


def _name(s: str, width: int = 8) -> str:
    """A material's name wrapped for a node: before its parenthesis (氢氧化钠\n（折100%）), else every `width`."""
    s = str(s)
    if len(s) > width and "（" in s[1:]:
        i = s.index("（", 1)
        return _wrap(s[:i], width) + "\n" + s[i:]
    return _wrap(s, width)


def _side_edge(node: str, box: str, offset: int, inward: bool, style: str) -> str:
    """The edge of an input entering its box from the left (``inward``) or of an output leaving it to the
    right, ``offset`` rows below the box's. An edge runs down the page: one from a row below the box's is
    written head first and drawn back."""
    if inward:
        if offset <= 0:
            return f"  {node} -> {box}:{'w' if offset == 0 else 'nw'} [{style}];"
        return f"  {box}:sw -> {node} [{style}, dir=back];"
    if offset >= 0:
        return f"  {box}:{'e' if offset == 0 else 'se'} -> {node} [{style}];"
    return f"  {node} -> {box}:ne [{style}, dir=back];"


def material_balance(rows: list[dict], unit: str, *, text=str, num=float) -> Diagram | None:
    """物料平衡图 from 表BAL.1 rows (unit_op, direction 输入/输出, material, category, qty, counterpart).

    The main stream runs straight down the middle: the unit operations in process order, each intermediate
    product on the arrow to the operation taking it in. Every external input stands in a column on the
    left and enters its operation's box from the left (ports ``:nw``, ``:w``, ``:sw``); every product,
    by-product, waste and loss leaves its box to the right (``:ne``, ``:e``, ``:se``) into a column on the
    right; several on one operation fan out around the box's row. Each row of the layout (``rank=same``) holds its inputs, the box or a point of
    the main stream, and its outputs, tied left to right by invisible edges, so that no arrow crosses
    another. A recycle on one operation is a dashed loop on the box."""
    ops = list(dict.fromkeys(text(r.get("unit_op")) for r in rows if text(r.get("unit_op"))))
    if not ops:
        return None
    ids = {op: f"op{i}" for i, op in enumerate(ops)}
    lines = _head("物料平衡图")
    lines[1] = lines[1].replace("nodesep=0.18, ranksep=0.32", "nodesep=0.12, ranksep=0.16").replace(
        "splines=spline", "splines=polyline")
    d = Diagram("", list(ops))
    used_inputs: set[int] = set()
    flows = [(i, r) for i, r in enumerate(rows) if text(r.get("unit_op")) in ids and num(r.get("qty")) is not None]
    main: dict[int, str] = {}  # operation index → label of the intermediate product to the next operation
    side: list[tuple[str, str, str]] = []  # intermediate flows to an operation further on or back, recycles
    outs: dict[str, list[tuple[str, str, str]]] = {op: [] for op in ops}  # (node label, colour, edge label)
    ins: dict[str, list[tuple[str, str, str]]] = {op: [] for op in ops}
    for i, r in flows:
        op, direction, cat = text(r.get("unit_op")), text(r.get("direction")), text(r.get("category"))
        material, qty = text(r.get("material")), num(r.get("qty"))
        amount = f"{number(qty)} {unit}"
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
                head = text(rows[match].get("unit_op"))
                label = f"{material}\n{amount}"
                a, b = ops.index(op), ops.index(head)
                if b == a + 1 and cat != "循环物料" and a not in main:
                    main[a] = label
                else:
                    side.append((op, head, label))
                d.edges.append((op, head, label))
                continue
        color = WASTE_COLOR if cat in POLLUTION else COLORS.get(cat, "#000000")
        outs[op].append((f"{_name(material, 12)}（{cat}）", color, amount))
        d.edges.append((op, material, amount))
    for i, r in flows:
        if text(r.get("direction")) == "输出" or i in used_inputs:
            continue
        op, material, cat, qty = text(r.get("unit_op")), text(r.get("material")), text(r.get("category")), num(r.get("qty"))
        ins[op].append((_name(material), COLORS.get(cat, "#000000"), f"{number(qty)} {unit}"))
        d.edges.append((material, op, f"{number(qty)} {unit}"))

    # rows: each operation's inputs and outputs fan around its own row, below the previous operation's
    row: dict[str, int] = {}
    last_in = last_out = last_op = -1
    for op in ops:
        n_in, n_out = len(ins[op]), len(outs[op])
        r = max(last_op + 1 + (1 if row else 0), last_in + 1 + (n_in - 1) // 2, last_out + 1 + (n_out - 1) // 2)
        row[op] = r
        last_op = r
        last_in = r - (n_in - 1) // 2 + n_in - 1 if n_in else last_in
        last_out = r - (n_out - 1) // 2 + n_out - 1 if n_out else last_out
    n_rows = max(last_in, last_out, last_op) + 1
    left: dict[int, list[str]] = {}
    right: dict[int, list[str]] = {}
    centre = {r: f"s{r}" for r in range(n_rows)}
    for op in ops:
        centre[row[op]] = ids[op]
    k = 0
    for op in ops:
        for inward, items, column in ((True, ins[op], left), (False, outs[op], right)):
            for n, (label, color, amount) in enumerate(items):
                k += 1
                node = f"{'in' if inward else 'out'}{k}"
                r = row[op] - (len(items) - 1) // 2 + n
                column.setdefault(r, []).append(node)
                lines.append(f"  {node} [label={q(label)}, shape=plaintext, height=0.18, margin=\"0.04,0.01\", fontsize=9, fontcolor={q(color)}];")
                style = f"label={q(amount)}, color={q(color)}, fontcolor={q(color)}"
                lines.append(_side_edge(node, ids[op], r - row[op], inward, style))
    for op in ops:
        lines.append(f"  {ids[op]} [label={q(op)}, style=\"rounded,bold\", fontsize=11, height=0.26, margin=\"0.08,0.02\", group=main];")
    # the main stream: the boxes and the points between them in one straight column
    below = {row[op]: a for a, op in enumerate(ops)}  # the row of an operation → its index
    a = -1
    for r in range(n_rows):
        a = below.get(r, a)
        if centre[r].startswith("s"):  # on an arrow, a joint the width of its line over the gap dot leaves there
            on = r > row[ops[0]] and a + 1 < len(ops) and a in main
            look = 'shape=box, style=filled, fixedsize=true, width=0.0125, height=0.03, penwidth=0, fillcolor=black' \
                if on else 'shape=point, width=0.01, height=0.01, style=invis'
            lines.append(f"  {centre[r]} [label=\"\", {look}, group=main];")
    a = -1
    for r in range(n_rows - 1):
        a = below.get(r, a)
        label = main.get(a) if 0 <= a < len(ops) - 1 else None
        if label is not None and r < row[ops[a + 1]]:
            last = r + 1 == row[ops[a + 1]]
            seg = f"  {centre[r]} -> {centre[r + 1]} [weight=100{'' if last else ', dir=none'}"
            lines.append(seg + (f", label={q(label)}];" if r == row[ops[a]] else "];"))
        else:
            lines.append(f"  {centre[r]} -> {centre[r + 1]} [weight=100, style=invis];")
    for r in range(n_rows):
        chain = left.get(r, []) + [centre[r]] + right.get(r, [])
        lines.append(f"  {{rank=same; {' -> '.join(chain)} [style=invis];}}" if len(chain) > 1 else f"  {{rank=same; {chain[0]};}}")
    recycle = 'style=dashed, color="#6A1B9A", fontcolor="#6A1B9A", fontsize=8.5'
    for op, head, label in side:
        if op == head:  # a recycle within the operation: a loop on the left of a box no input enters, else on its right
            a, b = ("nw", "sw") if not ins[op] else ("ne", "se")
            lines.append(f"  {ids[op]}:{a} -> {ids[op]}:{b} [label={q(label)}, {recycle}];")
        else:
            lines.append(f"  {ids[op]}:e -> {ids[head]}:e [label={q(label)}, {recycle}, constraint=false];")
    lines.append("}")
    d.source = "\n".join(lines)
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
