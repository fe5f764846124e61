"""Registry tables as report tables: multi-level headers as merged header rows repeated on every page,
rows as read (blank rows left out), totals recomputed, widths fitted to the page (wide tables on a
landscape page). DB4101/T 61—2023 附录C C.2.3."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime

from cpxl.tables.model import Column, Field, Table

from . import ooxml as X
from .compute import filled, num, text


@dataclass(frozen=True)
class Page:
    """Text width of the body pages [dxa], portrait and landscape."""

    portrait: int = 9071  # A4, 25 mm margins
    landscape: int = 14003


def fmt_number(x: float) -> str:
    """Integers as they are; two decimals from 1 up; four significant digits below 1 (0.1229, 0.000132)."""
    if x == 0:
        return "0"
    if float(x).is_integer() and abs(x) < 1e15:
        return str(int(x))
    if abs(x) >= 1:
        return f"{x:.2f}"
    decimals = min(10, 3 - math.floor(math.log10(abs(x))))
    return f"{x:.{decimals}f}".rstrip("0").rstrip(".")


def fmt(value, item: Column | Field | None = None) -> str:
    """A value as printed in the report (numbers per column type; user text unchanged)."""
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
    if kind == "percent":
        return f"{x * 100:.2f}%"
    if kind in ("integer", "year"):
        return str(int(round(x)))
    return fmt_number(x)


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


def text_em(s: str) -> float:
    """Width of a string in ems of the table font: CJK and full-width characters 1, others about ½."""
    return sum(1.0 if ord(ch) > 0x2E7F else 0.62 for ch in s)  # Latin: Times New Roman or a wider substitute


#: Table font size assumed for widths [pt] (五号, DB4101/T 61 附录C C.2.3 d).
EM_PT = 10.5
PAD_EM = 0.8  # cell margins and border
BOLD = 1.12  # header text is bold: wider glyphs


def plan_widths(cols: list[Column], head_labels: list[str], body: list[list[str]], page: Page) -> tuple[list[int], bool]:
    """Column widths [dxa] and whether the table needs a landscape page.

    Numbers, dates and short labels must not wrap: their longest value sets the minimum. Longer text may
    wrap down to a few characters. A table whose minimum exceeds the portrait text width goes landscape;
    spare width is shared in proportion to what each column would take unwrapped (capped)."""
    minimum, desired = [], []
    for j, c in enumerate(cols):
        values = [row[j] for row in body if j < len(row)]
        longest = max((max((text_em(part) for part in v.split("\n")), default=0) for v in values), default=0.0)
        head = head_labels[j]
        head_word = BOLD * max((text_em(w) for w in head.replace("（", " （").split()), default=0.0)
        if c.numeric or c.type == "date" or c.key == "no":
            need = max(longest, 1.1, min(head_word, 4.0)) + PAD_EM
            minimum.append(need)
            desired.append(max(need, min(head_word, 5.0) + PAD_EM))
        else:
            short = longest <= 4.5
            need = (longest if short else 3.0) + PAD_EM
            minimum.append(max(need, 2.0 + PAD_EM))
            desired.append(max(min(longest, 14.0), min(head_word, 6.0), 2.0) + PAD_EM)
    em = EM_PT * 20  # dxa per em
    total_min = sum(minimum) * em
    # the estimate is for the widest common substitute of Times New Roman: up to 8 % over still fits in Word
    landscape = total_min > page.portrait * 1.08
    available = page.landscape if landscape else page.portrait
    spare = available - total_min
    extra = [max(dw - mn, 0.0) for dw, mn in zip(desired, minimum)]
    if spare <= 0:
        widths = fit(minimum, available)
    elif sum(extra) * em <= spare:
        # everything fits unwrapped: share the rest in proportion to the desired widths
        widths = fit(desired, available)
    else:
        widths = [mn * em + spare * (x / sum(extra)) for mn, x in zip(minimum, extra)]
        widths = fit(widths, available)
    return widths, landscape


def fit(widths: list[float], available: int) -> list[int]:
    total = sum(widths) or 1.0
    dxa = [int(available * w / total) for w in widths]
    dxa[-1] += available - sum(dxa)
    return dxa


def row_cells(row: dict, cols: list[Column]) -> list[X.Cell]:
    cells = []
    for c in cols:
        v = row.get(c.key)
        align = "center" if (c.numeric or c.type == "date" or c.key == "no" or len(fmt(v, c)) <= 8) else "left"
        cells.append(X.Cell(fmt(v, c), align=align))
    return cells


def total_cells(label: str, totals: dict, cols: list[Column]) -> list[X.Cell]:
    first = next((j for j, c in enumerate(cols) if c.total), len(cols))
    cells = []
    if first > 0:
        cells.append(X.Cell(label, span=first, bold=True))
    for c in cols[first:]:
        cells.append(X.Cell(fmt(totals.get(c.key), c) if c.total else ("/" if c.type == "date" else ""), bold=True))
    if first == 0 and cells:
        cells[0] = X.Cell(label, bold=True)
    return cells


def grid_xml(cols: list[Column], rows: list[dict], *, styles: X.StyleMap, page: Page, years, near, far,
             totals: dict | None = None, total_label: str | None = None, trailer: list[tuple[str, str]] | None = None
             ) -> tuple[str, bool]:
    """(table xml, landscape) of a grid table."""
    head = header_rows(cols, years, near, far)
    body, section = [], None
    for r in rows:
        if r.get("_section") and r["_section"] != section:  # 一、主要生产设备 … (表D.5)
            section = r["_section"]
            body.append([X.Cell(section, span=len(cols), align="left", bold=True)])
        body.append(row_cells(r, cols))
    if totals is not None and total_label and any(v is not None for v in totals.values()):
        body.append(total_cells(total_label, totals, cols))
    leaf = [header_label(c, years, near, far) for c in cols]
    plain = [[cell.text for cell in row] for row in body if len(row) == len(cols)]
    widths, landscape = plan_widths(cols, leaf, plain, page)
    for label, value in trailer or []:
        body.append([X.Cell(f"{label}：{value}", span=len(cols), align="left")])
    xml = X.table(head + body, widths, header_rows=len(head), style_id=styles.id("Table Grid"),
                  text_style=styles.id("表格文字"), head_style=styles.id("表头文字"),
                  text_font=styles.font("表格文字"), head_font=styles.font("表头文字"))
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
