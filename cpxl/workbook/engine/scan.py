"""The formula cells of each worksheet (``<c>`` with ``<f>``), found in the sheet XML.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from cpxl.workbook import xlsxio
from cpxl.workbook.xlsxio import NS_MAIN, Package

_HAS_FORMULA = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s>/]")

_CELL_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")


def _col_number(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def _col_letters(n: int) -> str:
    out = ""
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def _split_ref(ref: str) -> tuple[int, int] | None:
    m = _CELL_REF.match(ref.strip())
    if not m:
        return None
    return int(m.group(2)), _col_number(m.group(1))


def _split_area(ref: str) -> tuple[int, int, int, int] | None:
    parts = ref.split(":")
    first = _split_ref(parts[0])
    last = _split_ref(parts[-1])
    if first is None or last is None:
        return None
    return (
        min(first[0], last[0]),
        min(first[1], last[1]),
        max(first[0], last[0]),
        max(first[1], last[1]),
    )


@dataclass
class _FormulaCell:
    row: int
    col: int
    cell: etree._Element  # <c>
    formula: etree._Element  # <f>
    area: tuple[int, int, int, int] | None = None  # array formula range
    kind: str | None = None  # the <f>'s t: "shared", "array" or None (normal)


@dataclass
class _Sheet:
    name: str
    part: str
    tree: etree._ElementTree | None = None
    ns: str = NS_MAIN
    formulas: list[_FormulaCell] = field(default_factory=list)
    data: bytes = b""  # the sheet XML as read (values are read from it once more)

    def q(self, tag: str) -> str:
        return f"{{{self.ns}}}{tag}"


def _scan_sheet(pkg: Package, name: str, part: str) -> _Sheet:
    sheet = _Sheet(name, part)
    sheet.data = data = pkg.read(part)
    if not _HAS_FORMULA.search(data):
        return sheet  # nothing to compute or rewrite: copied as is
    sheet.tree = xlsxio.parse_xml(data, what=part)
    root = sheet.tree.getroot()
    sheet.ns = root.tag[1:].split("}")[0] if root.tag.startswith("{") else NS_MAIN
    sheet_data = root.find(sheet.q("sheetData"))
    if sheet_data is None:
        return sheet
    cells = _formula_cells(sheet, sheet_data)
    if cells is None:  # a formula cell without its address: count the cells of each row
        cells = _formula_cells_counted(sheet, sheet_data)
    for row_i, col_no, c, f in cells:
        kind = f.get("t")
        if kind == "dataTable":
            continue  # data tables (what-if) are Excel-only; keep their cached values
        area = None
        if kind == "array" and f.get("ref"):
            area = _split_area(f.get("ref"))
        sheet.formulas.append(_FormulaCell(row_i, col_no, c, f, area, kind))
    return sheet


def _formula_cells(sheet: _Sheet, sheet_data: etree._Element) -> list | None:
    """(row, col, <c>, <f>) of every formula cell, found from its <f>, or None when a cell
    holding a formula has no address of its own."""
    c_tag, row_tag = sheet.q("c"), sheet.q("row")
    out = []
    for f in sheet_data.iter(sheet.q("f")):
        c = f.getparent()
        if c.tag != c_tag or c.getparent().tag != row_tag or c.getparent().getparent() is not sheet_data:
            continue
        pos = _split_ref(c.get("r") or "")
        if pos is None or c.find(sheet.q("f")) is not f:
            return None
        out.append((*pos, c, f))
    return out


def _formula_cells_counted(sheet: _Sheet, sheet_data: etree._Element) -> list:
    out = []
    row_no = 0
    for row in sheet_data.iterchildren(sheet.q("row")):
        row_no = int(row.get("r") or row_no + 1)
        col_no = 0
        for c in row.iterchildren(sheet.q("c")):
            pos = _split_ref(c.get("r", "")) if c.get("r") else None
            row_i, col_no = pos if pos else (row_no, col_no + 1)
            f = c.find(sheet.q("f"))
            if f is not None:
                out.append((row_i, col_no, c, f))
    return out
