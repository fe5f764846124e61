"""Registry tables as report tables: multi-level headers as merged header rows repeated on every page,
rows as read (blank rows left out), totals recomputed, widths fitted to the page (wide tables on a
landscape page). DB4101/T 61—2023 附录C C.2.3."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, datetime

from cpxl.tables.model import Column, Field, Table

from . import ooxml as X
from . import precision as P
from .compute import filled, num, text


@dataclass(frozen=True)
class Page:
    """Text width of the body pages [dxa], portrait and landscape, and the text height of a landscape page."""

    portrait: int = 9071  # A4, 25 mm margins
    landscape: int = 14003
    landscape_height: int = 9072


def fmt_number(x: float) -> str:
    """Integers as they are; two decimals from 1 up; four significant digits below 1 (0.1229, 0.000132)."""
    return P.smart(x)


def fmt(value, item: Column | Field | None = None, *, decimals: int | None = None) -> str:
    """A value as printed in the report: dates ISO, user text unchanged, numbers by :mod:`.precision`
    (entered values as entered, computed ones with `decimals` or by their unit)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    kind = item.type if item is not None else None
    x = num(value)
    if x is None:
        return str(value)
    computed = item is not None and bool(getattr(item, "formula", None) or getattr(item, "computed", False))
    if kind == "percent":
        return f"{P.as_entered(round(x * 100, 8))}%" if not computed else f"{x * 100:.{decimals if decimals is not None else 2}f}%"
    if kind in ("integer", "year"):
        return str(int(round(x)))
    if item is None or P.AS_GIVEN_KEYS.search(item.key):
        return P.as_entered(x)
    if not computed:  # as entered, but never more decimals than the quantity's rule (753.8778 tce → 753.88)
        return P.as_entered(x, P.unit_decimals(getattr(item, "unit", "")))
    if decimals is None:
        decimals = P.unit_decimals(getattr(item, "unit", "") or (group_unit(item) if isinstance(item, Column) else ""))
    return P.smart(x) if decimals is None else P.fixed(x, decimals)


def group_unit(c: Column) -> str:
    """The unit a column takes from its group header: 总耗（kgce） → kgce."""
    for label in reversed(c.group):
        m = re.search(r"[（(]([^（）()]+)[）)]\s*$", label)
        if m:
            return m.group(1)
    return ""


def column_formats(cols: list[Column], rows: list[dict]) -> list:
    """Per column a function row → printed value: one number of decimals in a computed column (by its
    unit; by the row's unit in tables like 表R.3 whose unit is a column)."""
    out = []
    for c in cols:
        computed = bool(c.formula) and c.numeric and c.type not in ("integer", "year") and not P.AS_GIVEN_KEYS.search(c.key)
        if not computed:
            out.append(lambda row, c=c: fmt(row.get(c.key), c))
            continue
        if c.type == "percent":
            vals = [num(r.get(c.key)) * 100 for r in rows if num(r.get(c.key)) is not None]
            dec = P.column_decimals(vals, 2)
            out.append(lambda row, c=c, dec=dec: fmt(row.get(c.key), c, decimals=dec))
            continue
        dec = P.unit_decimals(c.unit or group_unit(c))
        if dec is None and not c.unit and any(text(r.get("unit")) for r in rows):
            # the unit is a column (表R.3): decimals by the row's unit, each value with three significant digits
            def by_row(row, c=c):
                x = num(row.get(c.key))
                d = P.unit_decimals(text(row.get("unit")))
                if x is None or d is None:
                    return fmt(row.get(c.key), c)
                return fmt(x, c, decimals=P.column_decimals([x], d, figures=3))
            out.append(by_row)
            continue
        vals = [num(r.get(c.key)) for r in rows if num(r.get(c.key)) is not None]
        if dec is None:
            # no unit rule: two decimals for the column (four significant digits if it holds only small values)
            small = vals and all(abs(v) < 1 for v in vals)
            out.append((lambda row, c=c: fmt(row.get(c.key), c)) if small else
                       (lambda row, c=c, dec=P.column_decimals(vals, 2): fmt(row.get(c.key), c, decimals=dec)))
            continue
        dec = P.column_decimals(vals, dec)
        out.append(lambda row, c=c, dec=dec: fmt(row.get(c.key), c, decimals=dec))
    return out


def header_label(col: Column, years, near, far) -> str:
    y = years or ("20xx",) * 3
    out = col.header
    for ph, val in (("{y1}", y[0]), ("{y2}", y[1]), ("{y3}", y[2]), ("{near}", near or "20xx"), ("{far}", far or "20xx")):
        out = out.replace(ph, str(val))
    return out


def group_label(label: str, years, near, far) -> str:
    return header_label(Column("_", label), years, near, far)


def header_rows(cols: list[Column], years, near, far) -> list[list[X.Cell]]:
    """Merged header rows from the columns' groups: equal adjacent group labels share one cell (gridSpan),
    a leaf shallower than the deepest column spans down (vMerge)."""
    depth = 1 + max((len(c.group) for c in cols), default=0)
    rows: list[list[X.Cell]] = []
    for level in range(depth):
        row: list[X.Cell] = []
        j = 0
        while j < len(cols):
            c = cols[j]
            if level < len(c.group):
                k = j + 1
                while k < len(cols) and len(cols[k].group) > level and cols[k].group[: level + 1] == c.group[: level + 1]:
                    k += 1
                row.append(X.Cell(group_label(c.group[level], years, near, far), span=k - j, header=True))
                j = k
                continue
            if level == len(c.group):
                row.append(X.Cell(header_label(c, years, near, far), header=True,
                                  vmerge="restart" if level < depth - 1 else None))
            else:
                row.append(X.Cell("", header=True, vmerge="continue"))
            j += 1
        rows.append(row)
    return rows


_NARROW = set(".,:;!|'()[]/-·")
LATIN_SAFETY = 1.08  # Times New Roman or the metric-compatible substitute LibreOffice uses, with a margin


def char_em(ch: str) -> float:
    """Width of one character in ems of the table font: CJK and full-width 1; Times New Roman digits and
    lower case ½, capitals ≈ 0.7, narrow punctuation ⅓."""
    o = ord(ch)
    if o > 0x2E7F:
        return 1.0
    if ch.isdigit() or ch.islower():
        w = 0.5
    elif ch.isupper() or ch in "%@&":
        w = 0.72
    elif ch in _NARROW or ch == " ":
        w = 0.33
    else:
        w = 0.55  # ³ ₂ ° ± and the like
    return w * LATIN_SAFETY


def text_em(s: str) -> float:
    """Width of a string in ems of the table font."""
    return sum(char_em(ch) for ch in s)


_OPEN = "（(［[【“‘《〈"
_CLOSE = set("）)］]】”’》〉，、。；：！？%")


def tokens(s: str) -> list[str]:
    """The pieces of a cell a line may not break inside: runs of Latin letters, digits and their signs
    (“227740.0”, “F0/2”, “kW/h”, “(mg/m³)”) with the punctuation glued to them; a line may break before
    and after each CJK character and after CJK punctuation (“F02、F04”), never after an opening or before
    a closing bracket, nor next to “/”."""
    out: list[str] = []
    cur = ""
    for ch in s:
        if ch.isspace():
            if cur:
                out.append(cur)
            cur = ""
            continue
        if cur:
            prev = cur[-1]
            wide_prev = ord(prev) > 0x2E7F and prev not in _OPEN
            wide = ord(ch) > 0x2E7F and ch not in _CLOSE
            glued = ch in _CLOSE or prev in _OPEN or ch in "/·" or prev in "/·"
            if not glued and (wide or wide_prev):
                out.append(cur)
                cur = ""
        cur += ch
    if cur:
        out.append(cur)
    return out


def longest_token(s: str) -> float:
    return max((text_em(t) for t in tokens(s)), default=0.0)


#: Table font size assumed for widths [pt] when the template does not say (五号, DB4101/T 61 附录C C.2.3 d).
EM_PT = 10.5
PAD_EM = 0.56  # cell margins (2 × 57 dxa = 0.54 em) and border
BOLD = 1.0  # bold header text: CJK glyphs keep their width, Latin is covered by LATIN_SAFETY
SHORT_EM = 5.0  # a text cell up to this width (天然气、新鲜水、已实施) is a word: it does not wrap
TEXT_MIN_EM = 4.0  # a wrapping text column keeps at least four characters a line
COMPACT_ROWS = 10  # tables up to this many rows try the compact widths before going landscape
SHORTEST_MAX_ROWS = 60  # larger landscape tables share the spare width by what each column lacks, without the search
KEEP_TAIL_ROWS = 3  # a landscape table longer than a page never leaves fewer rows than this on its last page
LINE_PITCH = 1.44  # line height ÷ font size of the table text (serif CJK: 15.1 pt a line at 10.5 pt)
CAPTION_PT = 40.0  # a table's caption and the space around it
TEXT_CAP_EM = 24.0  # a text column never asks for more than this per line


def plan_widths(cols: list[Column], head_labels: list[str], body: list[list[str]], page: Page, *,
                compact: bool = False, em_pt: float = EM_PT) -> tuple[list[int], bool]:
    """Column widths [dxa] and whether the table needs a landscape page.

    Each column's minimum is its longest unbreakable piece in the 五号 table font — a number, an id, a
    unit, a date or a short word never wraps (:func:`tokens`); longer text wraps, keeping at least
    four characters a line. A table whose minimums exceed the portrait text width goes landscape (with
    the compact minimums when even landscape is too narrow). On a landscape page the width left over goes
    where it shortens the rows most (:func:`shortest`); then to the columns whose values would still
    wrap (text, long headers), in proportion to what each lacks, then to all columns."""
    minimum, desired, is_text = column_needs(cols, head_labels, body, compact=compact, em_pt=em_pt)
    landscape = sum(minimum) > page.portrait
    available = page.landscape if landscape else page.portrait
    if landscape and not compact and sum(minimum) >= available:
        minimum, desired, is_text = column_needs(cols, head_labels, body, compact=True, em_pt=em_pt)
    if sum(minimum) >= available:
        return fit(minimum, available), landscape
    widths = list(minimum)
    spare = available - sum(widths)
    if landscape and len(body) <= SHORTEST_MAX_ROWS:
        columns = [[head_labels[j]] + [row[j] if j < len(row) else "" for row in body] for j in range(len(cols))]
        widths, spare = shortest(widths, spare, columns, em_pt)
    lack = [max(d - w, 0.0) for d, w in zip(desired, widths)]
    if sum(lack) > 0:
        give = min(spare, sum(lack))
        widths = [w + give * x / sum(lack) for w, x in zip(widths, lack)]
        spare -= give
    if spare > 0:
        # the rest: to the text columns (they wrap less), or to all when there is none
        share = [w if t else 0.0 for w, t in zip(widths, is_text)]
        if not any(share):
            share = widths
        widths = [w + spare * s / sum(share) for w, s in zip(widths, share)]
    return fit(widths, available), landscape


def column_needs(cols: list[Column], head_labels: list[str], body: list[list[str]], *, compact: bool = False,
                 em_pt: float = EM_PT) -> tuple[list[float], list[float], list[bool]]:
    """Per column its minimum and desired width [dxa] and whether it holds wrapping text."""
    minimum, desired, is_text = [], [], []
    for j, c in enumerate(cols):
        values = [row[j] for row in body if j < len(row) and row[j]]
        lines = [ln for v in values for ln in v.split("\n")]
        full = max((text_em(ln) for ln in lines), default=0.0)
        atom = max((longest_token(ln) for ln in lines), default=0.0)
        head = head_labels[j]
        # compact (a short table kept on a portrait page, a table too wide for landscape): header units may
        # break at “/” and brackets
        head_atom = BOLD * max(longest_token(head) if not compact else
                               max((text_em(t) for t in re.split(r"(?<=[/（(])|(?=[（(])", head) for t in tokens(t)), default=0),
                               2.0)
        head_full = BOLD * text_em(head)
        numeric = c.numeric or c.type == "date" or c.key == "no" or c.key.endswith("unit")
        if numeric or full <= SHORT_EM:
            # numbers, dates, units and words (天然气) whole; a four- to five-character term may take two lines
            word = max((text_em(ln) if text_em(ln) <= 3.0 or numeric else max(math.ceil(text_em(ln) / 2), longest_token(ln))
                        for ln in lines), default=0.0)
            need = max(word, head_atom, 1.0)
            want = max(full, min(head_full, max(full, 4.0)), 1.0)
            is_text.append(False)
        else:
            need = max(atom, head_atom, TEXT_MIN_EM if not compact else 2.5)
            want = max(min(full, TEXT_CAP_EM), need, min(head_full, 6.0))
            is_text.append(True)
        minimum.append(need + PAD_EM)
        desired.append(want + PAD_EM)
    em = em_pt * 20  # dxa per em
    return [m * em for m in minimum], [d * em for d in desired], is_text


def pieces(s: str) -> list[list[float]]:
    """Widths [em] of a cell's unbreakable pieces (:func:`tokens`), per line of its text."""
    return [[text_em(t) for t in tokens(para)] for para in str(s).split("\n")]


def lines_of(widths_em: list[list[float]], width: float, em_pt: float = EM_PT) -> int:
    """Lines a cell of these pieces takes in a column `width` [dxa]: the pieces fill each line; a piece
    wider than the column starts a line and is broken where the line ends."""
    usable = max(width / (20 * em_pt) - PAD_EM, 0.5)
    lines = 0
    for para in widths_em:
        lines += 1
        used = 0.0
        for w in para:
            if used and used + w > usable:
                lines += 1
                used = 0.0
            while used + w > usable:
                lines += 1
                w -= usable - used
                used = 0.0
            used += w
    return lines


def cell_lines(s: str, width: int, em_pt: float = EM_PT) -> int:
    """Lines a cell's text takes in a column `width` [dxa]."""
    return lines_of(pieces(s), width, em_pt)


def shortest(widths: list[float], spare: float, columns: list[list[str]], em_pt: float = EM_PT) -> tuple[list[float], float]:
    """Give the `spare` width [dxa], half an em at a time, to the column whose widening saves the most
    table height (Σ over rows of the tallest cell's lines) per width given — or, where one column alone
    cannot lower a row, the most wrapped lines of its own; `columns`: each column's texts, header
    included. Returns the widths and the spare left when no widening saves a line."""
    import numpy as np

    step = 10 * em_pt  # half an em [dxa]
    cells = [[pieces(t) for t in col] for col in columns]
    widths = list(widths)

    def lines(j: int, w: float):
        return np.array([lines_of(c, w, em_pt) for c in cells[j]])

    grid = np.stack([lines(j, w) for j, w in enumerate(widths)], axis=1)
    height = grid.max(axis=1).sum()
    while spare >= step:
        best = None  # ((height saved, own lines saved) per step, column, steps, its lines)
        for j in range(len(widths)):
            if grid[:, j].max() == 1:
                continue
            for k in range(1, int(spare // step) + 1):
                col = lines(j, widths[j] + k * step)
                if (col == grid[:, j]).all():
                    continue
                trial = grid.copy()
                trial[:, j] = col
                rate = ((height - trial.max(axis=1).sum()) / k, (grid[:, j].sum() - col.sum()) / k)
                if best is None or rate > best[0]:
                    best = (rate, j, k, col)
                break  # the first width at which this column's lines change
        if best is None:
            break
        _rate, j, k, col = best
        widths[j] += k * step
        spare -= k * step
        grid[:, j] = col
        height = grid.max(axis=1).sum()
    return widths, spare


def row_heights(rows: list[list[X.Cell]], widths: list[int], em_pt: float = EM_PT) -> list[float]:
    """Estimated height [pt] of each table row: as tall as its tallest cell (a vertically merged cell
    counted in its first row, which overestimates a little)."""
    out = []
    for cells in rows:
        col, lines = 0, 1
        for cell in cells:
            w = sum(widths[col: col + cell.span])
            col += cell.span
            if cell.vmerge != "continue":
                lines = max(lines, cell_lines(cell.text, w, em_pt))
        out.append(lines * LINE_PITCH * em_pt + 1.0)
    return out


def landscape_keep_from(head: list[list[X.Cell]], body: list[list[X.Cell]], widths: list[int], page: Page,
                        em_pt: float = EM_PT, after_pt: float = 0.0) -> int:
    """The first row kept on one page with all after it in a landscape table: the whole table when it and
    the `after_pt` of notes under it fit one page (it then moves there whole), else a tail of at least a
    third of a page and :data:`KEEP_TAIL_ROWS` rows, so that its last page is never a few rows or the
    notes alone."""
    heights = row_heights(head + body, widths, em_pt)
    page_pt = page.landscape_height / 20
    if sum(heights) + CAPTION_PT + after_pt <= page_pt:
        return len(head)
    tail, start = 0.0, len(heights)
    while start > len(head) + 1 and (tail < page_pt / 3 or len(heights) - start < KEEP_TAIL_ROWS):
        start -= 1
        tail += heights[start]
    return start


def fit(widths: list[float], available: int) -> list[int]:
    total = sum(widths) or 1.0
    dxa = [int(available * w / total) for w in widths]
    dxa[-1] += available - sum(dxa)
    return dxa


def row_cells(row: dict, cols: list[Column], formats=None) -> list[X.Cell]:
    cells = []
    for j, c in enumerate(cols):
        v = row.get(c.key)
        s = formats[j](row) if formats else fmt(v, c)
        align = "center" if (c.numeric or c.type == "date" or c.key == "no" or text_em(s) <= SHORT_EM) else "left"
        cells.append(X.Cell(s, align=align))
    return cells


def total_cells(label: str, totals: dict, cols: list[Column], formats=None) -> list[X.Cell]:
    first = next((j for j, c in enumerate(cols) if c.total), len(cols))
    cells = []
    if first > 0:
        cells.append(X.Cell(label, span=first, bold=True))
    for j, c in enumerate(cols[first:], first):
        value = (formats[j](totals) if formats else fmt(totals.get(c.key), c)) if c.total else ("/" if c.type == "date" else "")
        cells.append(X.Cell(value, bold=True))
    if first == 0 and cells:
        cells[0] = X.Cell(label, bold=True)
    return cells


def grid_xml(cols: list[Column], rows: list[dict], *, styles: X.StyleMap, page: Page, years, near, far,
             totals: dict | None = None, total_label: str | None = None, trailer: list[tuple[str, str]] | None = None,
             notes: tuple[str, ...] = (), note_pt: float = 9.0) -> tuple[str, bool]:
    """(table xml, landscape) of a grid table; `notes`: the paragraphs printed under it (in `note_pt` text),
    kept on the page of the table's last rows."""
    head = header_rows(cols, years, near, far)
    formats = column_formats(cols, rows)
    body, section = [], None
    for r in rows:
        if r.get("_section") and r["_section"] != section:  # 一、主要生产设备 … (表D.5)
            section = r["_section"]
            body.append([X.Cell(section, span=len(cols), align="left", bold=True)])
        body.append(row_cells(r, cols, formats))
    if totals is not None and total_label and any(v is not None for v in totals.values()):
        body.append(total_cells(total_label, totals, cols, formats))
    leaf = [header_label(c, years, near, far) for c in cols]
    plain = [[cell.text for cell in row] for row in body if len(row) == len(cols)]
    if body and len(body[-1]) < len(cols) and totals is not None:  # the total row: its label spans the first columns
        last = body[-1]
        plain.append([""] * (len(cols) - len(last) + 1) + [cell.text for cell in last[1:]])
    em_pt = styles.font("表格文字").size or EM_PT  # the template's table text (五号, or 小四 in the park report)
    widths, landscape = plan_widths(cols, leaf, plain, page, em_pt=em_pt)
    if landscape and len(body) <= COMPACT_ROWS:
        # a short table alone on a landscape page: tighter headers and text columns, if that fits portrait
        narrow, wide = plan_widths(cols, leaf, plain, page, compact=True, em_pt=em_pt)
        if not wide:
            widths, landscape = narrow, False
    for label, value in trailer or []:
        body.append([X.Cell(f"{label}：{value}", span=len(cols), align="left")])
    after_pt = sum(cell_lines(n, page.landscape, note_pt) * LINE_PITCH * note_pt for n in notes)
    keep_from = landscape_keep_from(head, body, widths, page, em_pt, after_pt) if landscape else None
    xml = X.table(head + body, widths, header_rows=len(head), style_id=styles.id("Table Grid"),
                  text_style=styles.id("表格文字"), head_style=styles.id("表头文字"),
                  text_font=styles.font("表格文字"), head_font=styles.font("表头文字"),
                  keep_from=keep_from, keep_last=bool(notes) and keep_from is not None)
    return xml, landscape


def form_xml(pairs: list[tuple[str, str]], *, styles: X.StyleMap, page: Page, columns: int = 4) -> str:
    """A key–value form (表D.4, 表E.4 …): two label/value pairs per row; long values take a whole row."""
    rows: list[list[X.Cell]] = []
    pending: list[X.Cell] = []
    for label, value in pairs:
        long = len(value) > 18 or "\n" in value or columns == 2
        if long:
            if pending:
                pending.append(X.Cell("", span=2))
                rows.append(pending)
                pending = []
            rows.append([X.Cell(label, header=True, shade="F2F2F2"), X.Cell(value, span=columns - 1, align="left")])
            continue
        pending += [X.Cell(label, header=True, shade="F2F2F2"), X.Cell(value, align="left")]
        if len(pending) == columns:
            rows.append(pending)
            pending = []
    if pending:
        pending.append(X.Cell("", span=columns - len(pending)))
        rows.append(pending)
    widths = fit([22, 30, 22, 30] if columns == 4 else [30, 70], page.portrait)
    # Header cells here are labels in the first column, not repeating rows: header_rows=0.
    return X.table(rows, widths, header_rows=0, style_id=styles.id("Table Grid"), text_style=styles.id("表格文字"),
                   head_style=styles.id("表头文字"), text_font=styles.font("表格文字"), head_font=styles.font("表头文字"))


def has_data(row: dict, table: Table, cols: list[Column]) -> bool:
    """A row worth printing: something besides the printed row labels and the sequence number."""
    return any(filled(row.get(c.key)) for c in cols if c.key not in table.row_keys and c.key != "no")


def field_pairs(table: Table, values: dict, keys=None) -> list[tuple[str, str]]:
    out = []
    for f in table.fields:
        if keys is not None and f.key not in keys:
            continue
        label = f"{f.label}（{f.unit}）" if f.unit else f.label
        out.append((label, fmt(values.get(f.key), f)))
    return out


__all__ = ["Page", "fmt", "grid_xml", "form_xml", "has_data", "field_pairs", "plan_widths", "header_label", "text"]
