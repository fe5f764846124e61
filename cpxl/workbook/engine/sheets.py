"""The stored values of a workbook's sheets, read from the sheet XML, and the :class:`Book`
that holds them (and builds ranges) while the formulas are computed.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
import re
from dataclasses import dataclass, field
from typing import Any, Callable

from lxml import etree

from cpxl.workbook import xlsxio

from .cp import cp_functions, wrap_cp
from .references import _letters_to_col, parse_ref
from .values import (
    _ERROR_BY_TEXT,
    _NUMBER_TEXT,
    E_NAME,
    E_NUM,
    E_REF,
    E_VALUE,
    MAX_AREA_CELLS,
    MAX_COL,
    MAX_ROW,
    Area,
    Unsupported,
)


def _shared_strings(pkg) -> list[str]:
    from cpxl.workbook import xlsxio

    part = None
    for _rid, typ, target, _mode in xlsxio.relationships(pkg, pkg.workbook_part):
        if typ.endswith("/sharedStrings"):
            part = target
    if part is None or part not in pkg.zip.NameToInfo:
        return []
    out = []
    for _event, si in etree.iterparse(
        __import__("io").BytesIO(pkg.read(part)), tag="{*}si", resolve_entities=False, no_network=True,
        huge_tree=True,
    ):
        texts = []
        for t in si.iter("{*}t"):
            parent = t.getparent()
            if parent is not None and etree.QName(parent).localname == "rPh":
                continue
            texts.append(t.text or "")
        out.append("".join(texts))
        si.clear()
    return out


_XML_CELL = re.compile(r"^([A-Za-z]{1,3})(\d+)$")


def _cell_value(c, ns: str, strings: list[str]):
    t = c.get("t")
    v = c.find(f"{{{ns}}}v")
    if t == "inlineStr":
        is_ = c.find(f"{{{ns}}}is")
        if is_ is None:
            return None
        return "".join(x.text or "" for x in is_.iter(f"{{{ns}}}t")
                       if etree.QName(x.getparent()).localname != "rPh")
    if v is None or v.text is None:
        return "" if t == "str" and v is not None else None  # a formula's cached "" (as the text reader reads it)
    text = v.text
    if t is None or t == "n":
        try:
            x = float(text)
        except ValueError:
            return E_VALUE
        return x if math.isfinite(x) else E_NUM
    if t == "s":
        try:
            return strings[int(text)]
        except (ValueError, IndexError):
            return None
    if t == "str":
        return text
    if t == "b":
        return text.strip() in ("1", "true")
    if t == "e":
        return _ERROR_BY_TEXT.get(text.strip(), E_VALUE)
    if t == "d":
        try:
            stamp = dt.datetime.fromisoformat(text.strip())
        except ValueError:
            return E_VALUE
        delta = stamp - dt.datetime(1899, 12, 30)
        return delta.days + delta.seconds / 86400
    return text


def _iter_cells(root, ns: str):
    """(row, col, <c>) of a sheet's cells, in document order."""
    sheet_data = root.find(f"{{{ns}}}sheetData")
    if sheet_data is None:
        return
    row_no = 0
    for row in sheet_data.iterchildren(f"{{{ns}}}row"):
        r = row.get("r")
        row_no = int(r) if r and r.isdigit() else row_no + 1
        col_no = 0
        for c in row.iterchildren(f"{{{ns}}}c"):
            ref = c.get("r")
            m = _XML_CELL.match(ref) if ref else None
            if m:
                col_no = _letters_to_col(m.group(1))
                yield int(m.group(2)), col_no, c
            else:
                col_no += 1
                yield row_no, col_no, c


def _read_tree(root, ns: str, at: set, vals: dict, strings: list[str]) -> None:
    """Values of a parsed sheet into ``vals`` (the cells ``at`` left out)."""
    v_tag = f"{{{ns}}}v"
    for r, c, cell in _iter_cells(root, ns):
        if (r, c) in at:
            continue
        if cell.get("t") is None:  # a number, the most common cell
            text = cell.findtext(v_tag)
            if text is None:
                continue
            v = _number(text)
        else:
            v = _cell_value(cell, ns, strings)
            if v is None:
                continue
        vals[(r, c)] = v


def _number(text):
    try:
        v = float(text)
    except ValueError:
        return E_VALUE
    return v if math.isfinite(v) else E_NUM


# Sheet XML as Excel and openpyxl write it: no prefixes, every cell with r="…" first. A cell
# holding only its value (the most common) has it in group 4, any other its content in group 5.
# (An attribute holding "/" is not matched: the cell count then differs and the tree is walked.)
_RAW_CELL = re.compile(
    rb'<c r="([A-Z]{1,3})([0-9]{1,7})"([^>/]*)(?:/>|><v>([^<]+)</v></c>|>([^<]*(?:<(?!/c>)[^<]*)*)</c>)')

_RAW_TYPE = re.compile(rb'\st="([^"]*)"')

_RAW_VALUE = re.compile(rb"<v>([^<]*)</v>")

_RAW_AWKWARD = re.compile(rb"<[A-Za-z_][\w.-]*:(?:c|row|v|t|is)[\s/>]|<!DOCTYPE|<!ENTITY|<v\s|<v/>")

_RAW_TEXT = re.compile(rb"<t(?:\s[^>]*)?>([^<]*)</t>")

_RAW_PHONETIC = re.compile(rb"<rPh\b.*?</rPh>", re.S)


def _read_plain(data: bytes, at: set, vals: dict, strings: list[str]) -> bool:
    """Values of a sheet read from its XML text into ``vals`` (the cells ``at`` left out),
    several times faster than walking a tree; False when the XML is not in the plain form
    this reads (then the tree is walked)."""
    if _RAW_AWKWARD.search(data):
        return False
    found = _RAW_CELL.findall(data)
    if len(found) != data.count(b"<c ") + data.count(b"<c>"):
        return False
    columns: dict[bytes, int] = {}
    escaped: list[tuple[tuple[int, int], bytes]] = []  # texts with entities: decoded together
    for letters, digits, attrs, text, inner in found:
        c = columns.get(letters)
        if c is None:
            c = columns[letters] = _letters_to_col(letters.decode())
        pos = (int(digits), c)
        if text and (not attrs or attrs == b' t="n"'):  # a number, the most common cell (no <f>)
            vals[pos] = _number(text)
            continue
        if pos in at:
            continue
        kind = _RAW_TYPE.search(attrs).group(1) if b"t=" in attrs else b"n"
        if not text:
            if not inner:
                continue
            if kind == b"inlineStr":
                if b"<rPh" in inner:
                    inner = _RAW_PHONETIC.sub(b"", inner)
                raw = b"".join(_RAW_TEXT.findall(inner))
                if b"&" in raw:
                    escaped.append((pos, raw))
                else:
                    vals[pos] = raw.decode("utf-8", "replace")
                continue
            m = _RAW_VALUE.search(inner)
            if m is None:
                continue
            text = m.group(1)
        if kind == b"n":
            v = _number(text)
        elif kind == b"s":
            try:
                v = strings[int(text)]
            except (ValueError, IndexError):
                continue
        elif kind == b"str":
            if b"&" in text:
                escaped.append((pos, text))
                continue
            v = text.decode("utf-8", "replace")
        elif kind == b"b":
            v = text.strip() in (b"1", b"true")
        elif kind == b"e":
            v = _ERROR_BY_TEXT.get(_xml_unescape(text).strip(), E_VALUE)
        else:
            return False  # t="d" and anything unusual: the tree reader knows it
        vals[pos] = v
    if escaped:
        # one small document holding every such text: the XML parser decodes the entities
        doc = b"<x>" + b"".join(b"<t>" + raw + b"</t>" for _pos, raw in escaped) + b"</x>"
        try:
            texts = [t.text or "" for t in xlsxio.parse_xml(doc, what="sheet text").getroot()]
        except Exception:  # noqa: BLE001 - e.g. an unknown entity: the tree reader decides
            return False
        if len(texts) != len(escaped):
            return False
        for (pos, _raw), text in zip(escaped, texts):
            vals[pos] = text
    return True


def _xml_unescape(text: bytes) -> str:
    s = text.decode("utf-8", "replace")
    if "&" in s:
        import html

        s = html.unescape(s)
    return s


@dataclass
class _SheetData:
    name: str
    values: dict = field(default_factory=dict)  # (row, col) -> value
    columns: dict = field(default_factory=dict)  # col -> sorted rows holding something
    formula_rows: dict = field(default_factory=dict)  # col -> sorted rows of formula cells


class Book:
    """The workbook's cells and the compiled formulas, while computing."""

    def __init__(self, sheet_names: list[str]):
        self.names = sheet_names
        self.sheet_ids = {n.upper(): i for i, n in enumerate(sheet_names)}
        self.data = [_SheetData(n) for n in sheet_names]
        self.defined: dict[tuple[int | None, str], str] = {}  # (local sheet id, NAME) -> text
        self._names: dict[str, Any] = {}
        self._areas: dict[tuple, Area] = {}
        self._cp: dict[str, Callable] | None = None
        self._cp_wrapped: dict[str, Callable] = {}
        self._values = [d.values for d in self.data]
        self.name_deps: list[tuple[int, int, int, int, int]] = []

    # ---- cells and areas ----
    def cell(self, sid: int, r: int, c: int):
        return self._values[sid].get((r, c))

    def area(self, sid: int, r1: int, c1: int, r2: int, c2: int) -> Area:
        if r1 == r2 and 0 <= c2 - c1 < 64 and 0 < r1 <= MAX_ROW and 0 < c1 and c2 <= MAX_COL:
            # a cell or a short row, the most common: as cheap to build again as to look up
            vals = self._values[sid]
            if c1 == c2:
                v = vals.get((r1, c1))
                return Area([] if v is None else [[v]], 1, 1, sid, r1, c1)
            row = [vals.get((r1, c)) for c in range(c1, c2 + 1)]
            return Area([row] if row.count(None) < len(row) else [], 1, len(row), sid, r1, c1)
        key = (sid, r1, c1, r2, c2)
        hit = self._areas.get(key)
        if hit is not None:
            return hit
        if r1 < 1 or c1 < 1 or r2 > MAX_ROW or c2 > MAX_COL:
            raise Unsupported("引用超出工作表")
        data = self.data[sid]
        last = 0
        for col in range(c1, c2 + 1) if c2 - c1 < 1000 else sorted(k for k in data.columns if c1 <= k <= c2):
            rows = data.columns.get(col)
            if rows:
                i = bisect.bisect_right(rows, r2)
                if i and rows[i - 1] >= r1:
                    last = max(last, rows[i - 1])
        h, w = r2 - r1 + 1, c2 - c1 + 1
        n = last - r1 + 1 if last else 0
        if n * w > MAX_AREA_CELLS:
            raise Unsupported("区域过大")
        vals = data.values
        if w == 1:
            rows = [[vals.get((r, c1))] for r in range(r1, r1 + n)]
        else:
            cols = range(c1, c2 + 1)
            rows = [[vals.get((r, c)) for c in cols] for r in range(r1, r1 + n)]
        area = Area(rows, h, w, sid, r1, c1)
        self._areas[key] = area
        return area

    # ---- defined names ----
    def name_value(self, name: str):
        sid = _CURRENT_COMPILE[0]
        text = self.defined.get((sid, name), self.defined.get((None, name)))
        if text is None:
            return E_NAME
        key = (sid if (sid, name) in self.defined else None, name)
        hit = self._names.get(key)
        if hit is not None:
            return hit
        value = self._parse_name(text)
        self._names[key] = value
        return value

    def _parse_name(self, text: str):
        t = text.strip()
        if t.startswith("="):
            t = t[1:]
        spec = parse_ref(t, 1, 1)
        if spec is not None and spec.sheet is not None and all(spec.abs):
            sid = self.sheet_ids.get(spec.sheet)
            if sid is None:
                return E_REF
            return (spec.sheet, spec.r1, spec.c1, spec.r2, spec.c2)
        if _NUMBER_TEXT.match(t):
            return float(t)
        if len(t) >= 2 and t[0] == t[-1] == '"':
            return t[1:-1].replace('""', '"')
        if t.upper() in ("TRUE", "FALSE"):
            return t.upper() == "TRUE"
        if t.upper() in _ERROR_BY_TEXT:
            return _ERROR_BY_TEXT[t.upper()]
        raise Unsupported(f"名称 {text!r}")

    # ---- CP functions ----
    def cp_function(self, name: str):
        if self._cp is None:
            self._cp = cp_functions()
        hit = self._cp_wrapped.get(name)
        if hit is None:
            func = self._cp.get(name)
            if func is None:
                return None
            hit = wrap_cp(func)
            self._cp_wrapped[name] = hit
        return hit


_CURRENT_COMPILE = [None]  # sheet id of the formula being compiled (sheet-scoped names)


def _rows_by_column(cells) -> dict[int, list[int]]:
    """col -> sorted rows of the (row, col) positions ``cells`` (given twice, a row is there twice)."""
    out: dict[int, list[int]] = {}
    for r, c in cells:
        rows = out.get(c)
        if rows is None:
            out[c] = [r]
        else:
            rows.append(r)
    for rows in out.values():
        rows.sort()  # a sheet's cells come in order: already sorted, mostly
    return out
