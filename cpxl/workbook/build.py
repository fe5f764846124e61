"""Write a standard audit workbook from the registry: one sheet per table, plus `目录`, with headers as in the
standard, units, drop-downs, formulas and styles. With `data`, the same sheets come out filled (the demo)."""

from __future__ import annotations

import copy
import re
import string
import weakref
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.hyperlink import Hyperlink

from cpxl.safeio import atomic_path
from cpxl.tables import CONDITIONS, KINDS, Registry, registry
from cpxl.tables.common import CODE_RANGES, CODES, COVER, PARAMETER_NAMES, PARAMETER_RANGES, PARAMETERS
from cpxl.tables.model import Column, Field, Table

from .layout import FORM_HEADERS, NOTE_ROW, TITLE_ROW, Layout, quote_sheet

INDEX_SHEET = "目录"

_THIN = Side(style="thin", color="9AA5B1")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
INPUT_FILL = PatternFill("solid", fgColor="FFFBE6")  # the auditor types here
COMPUTED_FILL = PatternFill("solid", fgColor="E7EEF7")  # formulas: do not type here
LABEL_FILL = PatternFill("solid", fgColor="F2F2F2")  # fixed row labels printed in the standard
TITLE_FONT = Font(name="宋体", size=14, bold=True)
HEADER_FONT = Font(name="宋体", size=10, bold=True)
BODY_FONT = Font(name="宋体", size=10)
COMPUTED_FONT = Font(name="宋体", size=10, color="1F4E79", italic=True)
NOTE_FONT = Font(name="宋体", size=9, italic=True, color="595959")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
WRAP = Alignment(vertical="center", wrap_text=True)

NUMBER_FORMATS = {
    "number": "#,##0.00##",
    "integer": "0",
    "percent": "0.00%",
    "date": "yyyy-mm-dd",
    "year": "0",
}

_PLACEHOLDER_FIELDS = {"{y1}": ("base_year", 2), "{y2}": ("base_year", 1), "{y3}": ("base_year", 0), "{near}": ("near_year", 0), "{far}": ("far_year", 0)}


class _Refs:
    """Resolves formula placeholders against the registry (see `Column` docstring)."""

    def __init__(self, reg: Registry, functions: str = "native"):
        if functions not in FUNCTIONS:
            raise ValueError(f"未知的公式形式“{functions}”，可选：{'、'.join(FUNCTIONS)}")
        self.reg = reg
        self.functions = functions
        self.cover = Layout(COVER)
        self._formulas: dict[tuple[str, str], list[str]] = {}  # (template, table id) -> text around each {r}

    def sheet(self, table_id: str) -> str:
        return quote_sheet(self.reg[table_id].sheet_name)

    def cover_ref(self, key: str) -> str:
        return f"{quote_sheet(COVER.sheet_name)}!{self.cover.field_ref(key)}"

    def external_range(self, spec: str) -> str:
        table_id, key = spec.split(":")
        return f"{self.sheet(table_id)}!{Layout(self.reg[table_id]).column_range(key)}"

    def formula(self, template: str, table: Table, row: int | None = None) -> str:
        """The template's placeholders resolved once per table; only the row number differs between rows."""
        parts = self._formulas.get((template, table.id))
        if parts is None:
            layout = Layout(table)
            mapping = {
                "r": _ROW,
                "c": _Lookup(layout.letter),
                "s": _Lookup(self.sheet),
                "x": _Lookup(self.external_range),
                "p": _Lookup(self.cover_ref),
                "f": _Lookup(layout.field_ref),
            }
            parts = self._formulas[(template, table.id)] = string.Formatter().vformat(template, (), mapping).split(_ROW)
        return str(row).join(parts)

    def header(self, label: str) -> str:
        """A header with 20xx placeholders becomes a formula on the years in `封面信息`."""
        if "{" not in label:
            return label
        parts = []
        for piece in re.split(r"(\{\w+\})", label):
            if piece in _PLACEHOLDER_FIELDS:
                key, back = _PLACEHOLDER_FIELDS[piece]
                ref = self.cover_ref(key)
                year = f"{ref}-{back}" if back else ref
                parts.append(f'IF({ref}="","20xx",{year})')
            elif piece:
                parts.append('"' + piece.replace('"', '""') + '"')
        return "=" + "&".join(parts)


#: How computed cells are written: native formulas every spreadsheet computes, or the add-in's CP_ calls.
FUNCTIONS = ("native", "cp")


_ROW = "\x00"  # stands for {r} while a template is resolved (no sheet name or formula holds it)


class _Lookup:
    def __init__(self, fn):
        self.fn = fn

    def __getitem__(self, key):
        return self.fn(key)


def build_workbook(kind: str, data: Mapping[str, object] | None = None, functions: str = "native") -> Workbook:
    """A workbook of `kind` (audit/acceptance/park/region). `data` maps table ids to rows (list of dicts
    keyed by column key) or, for forms, to a dict of field values. `functions`: computed cells as native
    formulas (default) or as the add-in's ``CP_*`` calls."""
    reg = registry(kind)
    refs = _Refs(reg, functions)
    wb = Workbook()
    index = wb.active
    index.title = INDEX_SHEET
    for table in reg:
        ws = wb.create_sheet(table.sheet_name)
        content = (data or {}).get(table.id)
        if table.fields:
            _write_form(ws, table, refs, content if isinstance(content, Mapping) else (data or {}).get(table.id + "#form"))
        if table.columns:
            rows = content if isinstance(content, list) else (data or {}).get(table.id + "#rows")
            _write_grid(ws, table, refs, rows)
        _write_title(ws, table)
        ws.sheet_view.zoomScale = 100
    _write_index(index, reg)
    _share_validation(wb[PARAMETERS.sheet_name], reg[PARAMETERS.id])
    for key in ("base_year", "company"):
        wb.defined_names[f"cp_{key}"] = DefinedName(f"cp_{key}", attr_text=refs.cover_ref(key))
    for name, ref in lookup_names(reg).items():
        wb.defined_names[name] = DefinedName(name, attr_text=ref)
    wb.properties.title = f"{KINDS[kind].name}工作簿"
    wb.properties.subject = kind
    wb.properties.creator = "cpxl"
    # Fixed timestamps keep generated templates byte-stable for the staleness test.
    wb.properties.created = wb.properties.modified = datetime(2026, 1, 1)
    return wb


def lookup_names(reg: Registry) -> dict[str, str]:
    """Defined names the native formulas use: the 参数 and 代码表 columns, and one per single setting
    (its 采用值 cell), so a formula reads ``PV(基准折现率,…)`` and follows the auditor's value."""
    names = {}
    for table, ranges in ((PARAMETERS, PARAMETER_RANGES), (CODES, CODE_RANGES)):
        layout = Layout(reg[table.id])
        for name, key in ranges.items():
            names[name] = f"{quote_sheet(table.sheet_name)}!{layout.column_range(key)}"
    params = reg[PARAMETERS.id]
    layout = Layout(params)
    rows = {(row[0], row[1]): i for i, row in enumerate(params.rows)}
    col = layout.letter("effective")
    for name, key in PARAMETER_NAMES.items():
        names[name] = f"{quote_sheet(params.sheet_name)}!${col}${layout.data_row + rows[key]}"
    return names


def save_workbook(wb: Workbook, path: Path, *, force: bool = False) -> Path:
    with atomic_path(Path(path), force=force) as tmp:
        wb.save(tmp)
    return Path(path)


def save_computed(wb: Workbook, path: Path, *, force: bool = False) -> Path:
    """Save `wb` with the computed value of every formula cell cached (`cpxl calc`), so previewers, pandas
    and viewers that do not recalculate show numbers; written atomically."""
    from cpxl.safeio import temp_dir

    from .engine import calc_workbook

    with temp_dir("save") as tmp:
        plain = Path(tmp) / "book.xlsx"
        wb.save(plain)
        calc_workbook(plain, path, force=force)
    return Path(path)


def write_template(kind: str, path: Path, *, force: bool = False, functions: str = "native") -> Path:
    return save_workbook(build_workbook(kind, functions=functions), path, force=force)


# ---- sheets ------------------------------------------------------------------------------------------


def _write_title(ws, table: Table) -> None:
    width = Layout(table).width
    ws.cell(TITLE_ROW, 1, f"表{table.id} {table.title}" if table.section else table.title).font = TITLE_FONT
    ws.merge_cells(start_row=TITLE_ROW, start_column=1, end_row=TITLE_ROW, end_column=width)
    ws.cell(TITLE_ROW, 1).alignment = Alignment(horizontal="center", vertical="center")
    note = "　".join(x for x in (f"依据：{table.source}", table.note) if x)
    cell = ws.cell(NOTE_ROW, 1, note)
    cell.font = NOTE_FONT
    cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.merge_cells(start_row=NOTE_ROW, start_column=1, end_row=NOTE_ROW, end_column=width)
    ws.row_dimensions[TITLE_ROW].height = 24
    # A CJK character is about two width units at the note's 9 pt; 12 pt per wrapped line.
    chars = sum(ws.column_dimensions[get_column_letter(j)].width or 10 for j in range(1, width + 1))
    ws.row_dimensions[NOTE_ROW].height = 13 * max(1, -(-len(note) * 2 // int(chars * 0.95)))
    _page_setup(ws)


def _page_setup(ws) -> None:
    """Print one page wide: landscape for tables, portrait for forms."""
    ws.page_setup.orientation = "landscape" if ws.max_column > 4 else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


#: Per workbook: (the cell's style before, the style objects given) → the cell's style after :func:`_style`.
#: Setting a style object makes openpyxl hash it to find its index in the workbook's list (most of the time
#: spent writing a large sheet); the same request on a cell styled alike gives the same indices, so they are
#: copied. The entries keep the style objects given, so their ids stay theirs.
_STYLED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _style(cell, *, fill=None, font=BODY_FONT, align=WRAP, number_format=None):
    done = _STYLED.setdefault(cell.parent.parent, {})
    key = (None if cell._style is None else tuple(cell._style), id(fill), id(font), id(align), number_format)
    hit = done.get(key)
    if hit is not None:
        cell._style = copy.copy(hit[0])
        return
    cell.border = BORDER
    cell.font = font
    cell.alignment = align
    if fill is not None:
        cell.fill = fill
    if number_format:
        cell.number_format = number_format
    done[key] = (copy.copy(cell._style), fill, font, align)


def _validation(ws, item: Column | Field, ref: str) -> None:
    if item.choices:
        joined = ",".join(item.choices)
        if len(joined) <= 250:
            dv = DataValidation(type="list", formula1=f'"{joined}"', allow_blank=True, errorStyle="warning")
            dv.error = f"请从下拉列表选择：{joined}"
            dv.prompt = item.hint or None
            dv.add(ref)
            ws.add_data_validation(dv)
    elif item.numeric and not getattr(item, "negative_ok", False) and not item.computed:
        dv = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True, errorStyle="warning")
        dv.error = f"“{item.label}”应为不小于0的数值" + (f"，单位：{item.unit}" if item.unit else "")
        dv.add(ref)
        ws.add_data_validation(dv)


def _share_validation(ws, table: Table) -> None:
    """Rates and tolerances of `参数` are shares: 8 typed for 8 % is refused with the message of
    cpxl.calc.economics.discount_rate / cpxl.calc._validate.fraction."""
    from cpxl.calc.parameters import K_DISCOUNT, SHARES

    layout = Layout(table)
    col = layout.letter("value")
    for i, row in enumerate(table.rows):
        key = (row[0], row[1])
        if key not in SHARES:
            continue
        low = "-0.9999" if key == K_DISCOUNT else "0"
        dv = DataValidation(type="decimal", operator="between", formula1=low, formula2="0.9999", allow_blank=True)
        dv.error = f"{row[1]}看起来是百分数：请写 8% 或 0.08 这样的比率"
        dv.errorTitle = "数值应为比率"
        dv.add(f"{col}{layout.data_row + i}")
        ws.add_data_validation(dv)


def _write_form(ws, table: Table, refs: _Refs, values: Mapping | None) -> None:
    layout = Layout(table)
    for j, head in enumerate(FORM_HEADERS, start=1):
        _style(ws.cell(layout.form_header_row, j, head), fill=HEADER_FILL, font=HEADER_FONT, align=CENTER)
    for i, f in enumerate(table.fields):
        r = layout.field_row(i)
        _style(ws.cell(r, 1, f.label + ("＊" if f.required else "")), fill=LABEL_FILL, font=HEADER_FONT)
        value = (values or {}).get(f.key, f.default)
        formula = f.formula_in(refs.functions)
        if formula and f.key not in (values or {}):
            cell = ws.cell(r, 2, refs.formula(_blank_if_blank(formula), table))
            _style(cell, fill=COMPUTED_FILL, font=COMPUTED_FONT, number_format=NUMBER_FORMATS.get(f.type))
        else:
            cell = put_value(ws.cell(r, 2), value)
            _style(cell, fill=INPUT_FILL, number_format=NUMBER_FORMATS.get(f.type))
            _validation(ws, f, f"B{r}")
        _style(ws.cell(r, 3, f.unit or None))
        _style(ws.cell(r, 4, f.hint or ("下拉选择：" + "／".join(f.choices) if f.choices else None)), font=NOTE_FONT)
    for letter, width in zip("ABCD", (32, 40, 10, 48)):
        ws.column_dimensions[letter].width = max(ws.column_dimensions[letter].width or 0, width)
    if not table.columns:
        ws.freeze_panes = f"A{layout.form_header_row + 1}"


def _blank_if_blank(formula: str) -> str:
    """A bare reference to a blank cell shows 0 (or 1899-12-30) in Excel: show blank instead."""
    m = re.fullmatch(r"=(\{p\[\w+\]\})", formula)
    return f'=IF({m[1]}="","",{m[1]})' if m else formula


def _write_grid(ws, table: Table, refs: _Refs, rows: list | None) -> None:
    layout = Layout(table)
    cols = table.columns
    depth = table.header_depth
    top = layout.header_row
    # Headers: group labels merged across their columns, leaves merged down to the last header row.
    for j, col in enumerate(cols, start=1):
        for level, label in enumerate(col.group):
            ws.cell(top + level, j, refs.header(label))
        ws.cell(top + len(col.group), j, refs.header(col.header))
        if len(col.group) + 1 < depth:
            ws.merge_cells(start_row=top + len(col.group), start_column=j, end_row=top + depth - 1, end_column=j)
    for level in range(depth - 1):
        j = 0
        while j < len(cols):
            g = cols[j].group[: level + 1]
            k = j
            while k + 1 < len(cols) and len(g) == level + 1 and cols[k + 1].group[: level + 1] == g:
                k += 1
            if len(g) == level + 1 and k > j:
                ws.merge_cells(start_row=top + level, start_column=j + 1, end_row=top + level, end_column=k + 1)
            j = k + 1
    for r in range(top, top + depth):
        for j in range(1, len(cols) + 1):
            _style(ws.cell(r, j), fill=HEADER_FILL, font=HEADER_FONT, align=CENTER)
        ws.row_dimensions[r].height = 30

    placed = _place_rows(table, rows)
    first = layout.data_row
    for i, values in enumerate(placed):
        r = first + i
        fixed = i < len(table.rows) or values.get("_fixed", False)
        section = _is_section(table, values)
        for j, col in enumerate(cols, start=1):
            cell = ws.cell(r, j)
            if section:
                put_value(cell, values.get(col.key) if j == 1 else None)
                _style(cell, fill=LABEL_FILL, font=HEADER_FONT)
                continue
            formula = col.formula_in(refs.functions)
            if formula and col.key not in values:
                cell.value = refs.formula(formula, table, r)
                _style(cell, fill=COMPUTED_FILL, font=COMPUTED_FONT, number_format=NUMBER_FORMATS.get(col.type))
            else:
                put_value(cell, values.get(col.key))
                is_label = fixed and col.key in table.row_keys and values.get(col.key) not in (None, "")
                _style(cell, fill=LABEL_FILL if is_label else INPUT_FILL, number_format=NUMBER_FORMATS.get(col.type))
        if section:
            ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=len(cols))
    last_data = first + len(placed) - 1
    if table.total_label:
        r = last_data + 1
        label_col = table.name_key or cols[0].key
        for j, col in enumerate(cols, start=1):
            cell = ws.cell(r, j)
            if col.key == label_col:
                cell.value = table.total_label
                _style(cell, fill=LABEL_FILL, font=HEADER_FONT)
            elif col.total:
                letter = get_column_letter(j)
                cell.value = f"=SUM({letter}{first}:{letter}{last_data})"
                _style(cell, fill=COMPUTED_FILL, font=COMPUTED_FONT, number_format=NUMBER_FORMATS.get(col.type))
            else:
                _style(cell, fill=LABEL_FILL)
    end = max(last_data + 1, first + 200)
    for j, col in enumerate(cols, start=1):
        letter = get_column_letter(j)
        if not col.computed:
            _validation(ws, col, f"{letter}{first}:{letter}{end}")
        ws.column_dimensions[letter].width = col.width or _default_width(col)
    ws.freeze_panes = ws.cell(first, 1).coordinate
    ws.print_title_rows = f"{top}:{top + depth - 1}"


def _is_section(table: Table, values: Mapping) -> bool:
    from .layout import is_section_label

    first = table.columns[0].key
    return is_section_label(values.get(first)) and all(values.get(c.key) in (None, "") for c in table.columns[1:])


def _place_rows(table: Table, rows: list | None) -> list[dict]:
    """Fixed rows first (data rows with `_section: i` go under fixed section row i, others fill the
    fixed rows in order), then the remaining data rows, then blank input rows."""
    fixed = [dict(zip(table.row_keys, values)) for values in table.rows]
    rows = [dict(r) for r in rows or []]
    under: dict[int, list[dict]] = {}
    plain = []
    for r in rows:
        if "_section" in r:
            under.setdefault(int(r.pop("_section")), []).append(r)
        else:
            plain.append(r)
    placed: list[dict] = []
    for i, base in enumerate(fixed):
        if under or not plain or _is_section(table, base):
            placed.append(base)
        else:
            merged = {**base, **plain.pop(0)}
            placed.append(merged)
        placed.extend(under.get(i, []))
    placed.extend(plain)
    blank = table.free_rows if not rows else max(2, table.free_rows // 4)
    placed.extend({} for _ in range(blank))
    return placed


def _cell_value(value):
    if isinstance(value, (date, datetime, int, float)) or value is None:
        return value
    return str(value)


def put_value(cell, value):
    """A data value into a cell. Text is always text: "=HYPERLINK(…)" or "=cmd|' /C calc'!A0" typed by a
    user (or copied from another workbook) must not become a live formula."""
    cell.value = _cell_value(value)
    if isinstance(cell.value, str) and cell.data_type == "f":
        cell.data_type = "s"
    return cell


def _default_width(col: Column) -> float:
    if col.key == "no":
        return 6
    if col.numeric or col.type == "date":
        return 12
    return max(10, min(30, len(col.label) * 2 + 2))


def _write_index(ws, reg: Registry) -> None:
    ws.cell(1, 1, f"{KINDS[reg.kind].name}工作簿 — 目录").font = TITLE_FONT
    ws.merge_cells("A1:G1")
    note = ws.cell(2, 1, "黄色单元格由审核人填写；蓝色斜体为公式计算，请勿覆盖。“状态”随填写自动更新；运行 cpxl check 检查全部规则。")
    note.font = NOTE_FONT
    ws.merge_cells("A2:G2")
    heads = ("序号", "表号", "表名", "报告章节", "适用条件", "来源", "状态")
    for j, head in enumerate(heads, start=1):
        _style(ws.cell(3, j, head), fill=HEADER_FILL, font=HEADER_FONT, align=CENTER)
    for i, table in enumerate(reg, start=1):
        r = 3 + i
        link = ws.cell(r, 2, table.id)
        link.hyperlink = Hyperlink(ref=link.coordinate, location=f"{quote_sheet(table.sheet_name)}!A1", display=table.id)
        link.font = Font(name="宋体", size=10, color="0563C1", underline="single")
        link.border = BORDER
        values = (i, None, table.title, table.section or "—", CONDITIONS[table.applies].label, table.source)
        for j, value in enumerate(values, start=1):
            if j != 2:
                _style(ws.cell(r, j, value))
        _style(ws.cell(r, 7, _status_formula(table)), fill=COMPUTED_FILL, font=COMPUTED_FONT)
    for letter, width in zip("ABCDEFG", (6, 10, 44, 10, 16, 40, 10)):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A4"
    _page_setup(ws)


def _status_formula(table: Table) -> str:
    """已填写 once any input cell of the table holds something (formulas and printed labels do not count)."""
    layout = Layout(table)
    sheet = quote_sheet(table.sheet_name)
    if table.columns:
        skip = set(table.row_keys) | ({table.name_key} if table.total_label else set())
        keys = [c.key for c in table.columns if not c.computed and c.key not in skip] or [table.columns[-1].key]
        filled = "+".join(f"COUNTA({sheet}!{layout.column_range(k)})" for k in keys[:8])
    else:
        rows = [layout.field_row(i) for i, f in enumerate(table.fields) if not f.computed]
        filled = "+".join(f'({sheet}!$B${r}<>"")' for r in rows[:12]) or "0"
    return f'=IF({filled}>0,"已填写","未填写")'


def template_parts(path: Path) -> dict[str, bytes]:
    """A workbook's zip members without docProps/core.xml (which carries the save time)."""
    import zipfile

    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist() if n != "docProps/core.xml"}


def refresh_templates(directory: Path) -> list[Path]:
    """Regenerate the committed blank templates (`python -m cpxl.workbook.build xlsx_templates`); a file
    whose content has not changed is left as it is (zip timestamps would make every run a new file)."""
    import tempfile

    written = []
    for kind, name in ((k.id, k.workbook_file) for k in KINDS.values()):
        target = Path(directory) / name
        with tempfile.TemporaryDirectory() as tmp:
            fresh = write_template(kind, Path(tmp) / name)
            if not target.exists() or template_parts(target) != template_parts(fresh):
                save_workbook(build_workbook(kind), target, force=True)
                written.append(target)
    return written


if __name__ == "__main__":  # pragma: no cover
    import sys

    for p in refresh_templates(Path(sys.argv[1] if len(sys.argv) > 1 else "xlsx_templates")):
        print(p)
