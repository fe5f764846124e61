"""Computed values written into the sheet XML as the formula cells' cached values.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from cpxl.workbook import xlsxio
from cpxl.workbook.xlsxio import NS_MAIN, Package

from .scan import _col_letters, _Sheet, _split_area, _split_ref
from .values import CIRCULAR, CellError

EXCEL_MAX_TEXT = 32767


# Error values a cell may cache (ST_CellType "e"); anything else would need a repair.
XML_ERRORS = frozenset(
    ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA")
)


def _format_number(value: float | int) -> str:
    if isinstance(value, int):
        return str(value)
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def _set_cached(sheet: _Sheet, c: etree._Element, value: Any) -> None:
    """Give cell ``c`` the cached value ``value``; its formula (if any) stays."""
    if isinstance(value, CellError) and value == CIRCULAR:
        t, text = None, "0"  # what Excel shows in a circular reference
    elif isinstance(value, CellError):
        t, text = "e", value if value in XML_ERRORS else "#VALUE!"
    elif isinstance(value, bool):
        t, text = "b", "1" if value else "0"
    elif isinstance(value, (int, float)):
        t, text = None, _format_number(value)
    else:
        # Excel's limit for a cell's text; longer would need a repair on open
        t, text = "str", xlsxio.xml_text(str(value)[:EXCEL_MAX_TEXT])
    if t is None:
        c.attrib.pop("t", None)
    else:
        c.set("t", t)
    v_tag = sheet.q("v")
    olds = [x for x in c if x.tag == v_tag or x.tag == sheet.q("is")]
    f = c.find(sheet.q("f"))
    if len(olds) == 1:  # the usual <f/><v/>: the <v> is reused when it is plain and in place
        v = olds[0]
        if v.tag == v_tag and not len(v) and not v.attrib and v.getprevious() is f:
            v.text = text
            return
    for old in olds:
        c.remove(old)
    v = etree.Element(v_tag)
    v.text = text
    if f is not None:
        f.addnext(v)  # schema order: f, v, is, extLst
    else:
        c.insert(0, v)


def _cell_index(sheet: _Sheet):
    """(row, col) -> <c> for the whole sheet, plus row number -> <row>."""
    sheet_data = sheet.tree.getroot().find(sheet.q("sheetData"))
    cells, rows = {}, {}
    row_no = 0
    for row in sheet_data.iterchildren(sheet.q("row")):
        row_no = int(row.get("r") or row_no + 1)
        rows[row_no] = row
        col_no = 0
        for c in row.iterchildren(sheet.q("c")):
            pos = _split_ref(c.get("r", "")) if c.get("r") else None
            r, col_no = pos if pos else (row_no, col_no + 1)
            cells[(r, col_no)] = c
    return sheet_data, cells, rows


def _ensure_cell(sheet: _Sheet, index, row_no: int, col_no: int) -> etree._Element:
    sheet_data, cells, rows = index
    c = cells.get((row_no, col_no))
    if c is not None:
        return c
    row = rows.get(row_no)
    if row is None:
        row = etree.Element(sheet.q("row"), r=str(row_no))
        after = [r for r in rows if r < row_no]
        if after:
            rows[max(after)].addnext(row)
        else:
            sheet_data.insert(0, row)
        rows[row_no] = row
    row.attrib.pop("spans", None)  # a hint only; may no longer cover the new cell
    c = etree.Element(sheet.q("c"), r=f"{_col_letters(col_no)}{row_no}")
    before = None
    for other in row.iterchildren(sheet.q("c")):
        pos = _split_ref(other.get("r", "")) if other.get("r") else None
        if pos and pos[1] > col_no:
            before = other
            break
    if before is not None:
        before.addprevious(c)
    else:
        row.append(c)
    cells[(row_no, col_no)] = c
    return c


def _sheet_bytes(sheet: _Sheet, values: dict[tuple[str, int, int], Any]) -> bytes | None:
    if sheet.tree is None or not sheet.formulas:
        return None
    index = None
    for fc in sheet.formulas:
        if fc.area is None:
            value = values.get((sheet.name, fc.row, fc.col))
            if value is not None:
                _set_cached(sheet, fc.cell, value)
            continue
        r1, c1, r2, c2 = fc.area
        for r in range(r1, r2 + 1):
            for col in range(c1, c2 + 1):
                value = values.get((sheet.name, r, col))
                if value is None:
                    continue
                if (r, col) == (fc.row, fc.col):
                    _set_cached(sheet, fc.cell, value)
                else:
                    index = index or _cell_index(sheet)
                    _set_cached(sheet, _ensure_cell(sheet, index, r, col), value)
        _widen_dimension(sheet, fc.area)
    return xlsxio.serialize_xml(sheet.tree)


def _widen_dimension(sheet: _Sheet, area: tuple[int, int, int, int]) -> None:
    # <dimension> is the used range; cells added for an array formula must lie inside it.
    dim = sheet.tree.getroot().find(sheet.q("dimension"))
    if dim is None:
        return
    old = _split_area(dim.get("ref", ""))
    if old is None:
        return
    r1, c1, r2, c2 = (min(old[0], area[0]), min(old[1], area[1]),
                      max(old[2], area[2]), max(old[3], area[3]))
    if (r1, c1, r2, c2) != old:
        dim.set("ref", f"{_col_letters(c1)}{r1}:{_col_letters(c2)}{r2}")


def _workbook_bytes(pkg: Package) -> bytes | None:
    # The cached values are now current, so a forced recalculation on open is not needed
    # (and would turn every CP_ cell into #NAME? where the add-in is missing).
    tree = pkg.xml(pkg.workbook_part)
    root = tree.getroot()
    ns = root.tag[1:].split("}")[0] if root.tag.startswith("{") else NS_MAIN
    calc = root.find(f"{{{ns}}}calcPr")
    if calc is None or calc.get("fullCalcOnLoad") is None:
        return None
    del calc.attrib["fullCalcOnLoad"]
    return xlsxio.serialize_xml(tree)
