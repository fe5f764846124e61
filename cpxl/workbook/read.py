"""Read a filled audit workbook into one pandas DataFrame per table, keeping every value's cell address.

Tolerates what auditors do: blank rows, rows added inside a table, trailing notes, numbers stored as
text, full-width digits, thousands separators, percent strings. What cannot be read becomes a finding
located by ``sheet!cell``; the file itself is only ever opened for reading.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import pandas as pd
from openpyxl.utils import get_column_letter
from python_calamine import CalamineWorkbook

from cpxl.errors import UnreadableWorkbook
from cpxl.tables import KIND_NAMES, KINDS, Registry, registry
from cpxl.tables.common import COVER, PARAMETERS, SECTION_TEXT
from cpxl.tables.model import Column, Field, Table

from .findings import Finding
from .layout import Layout, is_section_label

MAX_BYTES = 200 * 1024 * 1024  # larger files are refused rather than exhausting memory
MAX_UNCOMPRESSED = 1024 * 1024 * 1024  # zip-bomb guard on the declared uncompressed size
MAX_ROWS = 200_000  # rows read from one table sheet

EXCEL_ERRORS = {"#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!", "#SPILL!", "#CALC!", "#GETTING_DATA"}
NOTE_PREFIXES = ("注", "备注：", "说明：", "数据来源：")
TOTAL_LABELS = ("合计", "汇总", "总计", "小计")


@dataclass
class TableData:
    """One table as read: typed values and, in the same shape, the cell address of each value."""

    table: Table
    sheet: str | None  # None when the sheet is missing
    frame: pd.DataFrame = field(default_factory=pd.DataFrame)
    cells: pd.DataFrame = field(default_factory=pd.DataFrame)
    totals: dict[str, object] = field(default_factory=dict)  # total row values by column key
    total_cells: dict[str, str] = field(default_factory=dict)
    fields: dict[str, object] = field(default_factory=dict)  # form values by field key
    field_cells: dict[str, str] = field(default_factory=dict)
    bad_cells: set[str] = field(default_factory=set)  # cells already reported as unreadable

    @property
    def present(self) -> bool:
        return self.sheet is not None

    @property
    def empty(self) -> bool:
        """Nothing the auditor typed: no input values besides the printed row labels."""
        if self.fields and any(_filled(v) for k, v in self.fields.items() if not self.table.field(k).computed):
            return False
        if self.frame.empty:
            return True
        keys = [c.key for c in self.table.columns if not c.computed and c.key not in self.table.row_keys]
        return not any(self.frame[k].map(_filled).any() for k in keys if k in self.frame)

    def cell(self, index, key: str) -> str:
        return f"{self.sheet}!{self.cells.at[index, key]}"


@dataclass
class Book:
    path: Path
    kind: str
    registry: Registry
    tables: dict[str, TableData]
    findings: list[Finding]
    extra_sheets: list[str]

    def __getitem__(self, table_id: str) -> TableData:
        return self.tables[table_id]

    @property
    def cover(self) -> dict[str, object]:
        return self.tables[COVER.id].fields

    @property
    def base_year(self) -> int | None:
        y = self.cover.get("base_year")
        return int(y) if isinstance(y, (int, float)) and not pd.isna(y) else None

    @property
    def years(self) -> tuple[int, int, int] | None:
        """The three years of 审核考察期 (DB4101/T 61 3.9), oldest first."""
        b = self.base_year
        return (b - 2, b - 1, b) if b else None

    def flag(self, key: str) -> bool:
        return str(self.cover.get(key) or "").strip() == "是"

    def applies(self, table: Table) -> bool:
        return {
            "always": True,
            "双有": self.flag("double_toxic"),
            "双超": self.flag("double_exceed"),
            "超能耗限额": self.flag("energy_limit"),
            "专家": self.flag("expert"),
            "上一轮": (self.cover.get("round") or 1) > 1,
            "acceptance": self.kind == "acceptance",
        }.get(table.applies, True)

    @property
    def parameters(self) -> list[tuple]:
        """(类别, 名称, 数值) rows of `参数` the auditor filled."""
        data = self.tables.get(PARAMETERS.id)
        if data is None or data.frame.empty:
            return []
        f = data.frame
        return [(r.category, r.name, r.value) for r in f.itertuples() if _filled(r.name) and _filled(r.value)]

    @property
    def section_texts(self) -> dict[str, str]:
        data = self.tables.get(SECTION_TEXT.id)
        if data is None or data.frame.empty:
            return {}
        return {str(r.number or r.title): r.text for r in data.frame.itertuples() if _filled(r.text)}


# ---- values ----------------------------------------------------------------------------------------


def _filled(value) -> bool:
    if value is None:
        return False
    if isinstance(value, float) and pd.isna(value):
        return False
    return not (isinstance(value, str) and not value.strip())


def normalize_text(value) -> str:
    """NFKC folds full-width digits and letters; spaces and line breaks are dropped for comparisons."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value or "")))


_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def parse_number(value) -> tuple[float | None, str | None]:
    """A cell value as a number; (None, problem) when it is not one. Blank → (None, None)."""
    if value is None or isinstance(value, bool):
        return None, None
    if isinstance(value, (int, float)):
        return (None, None) if pd.isna(value) else (float(value), None)
    if isinstance(value, (datetime, date, timedelta)):
        return None, f"应为数值，实为日期“{value}”"
    raw = str(value).strip()
    if not raw:
        return None, None
    if raw.upper() in EXCEL_ERRORS:
        return None, f"单元格为错误值 {raw}"
    s = unicodedata.normalize("NFKC", raw).replace(",", "").replace(" ", "").replace("−", "-")
    percent = s.endswith("%")
    s = s.rstrip("%")
    if _NUMBER.match(s):
        x = float(s)
        return (x / 100 if percent else x), None
    return None, f"应为数值，实为文字“{raw[:30]}”"


_DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


def parse_date(value) -> tuple[date | None, str | None]:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None
    if isinstance(value, datetime):
        return value.date(), None
    if isinstance(value, date):
        return value, None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if pd.isna(value):
            return None, None
        if 1 <= value < 2958466:  # Excel serial date
            return (datetime(1899, 12, 30) + timedelta(days=float(value))).date(), None
    m = _DATE_TEXT.match(unicodedata.normalize("NFKC", str(value)).strip())
    if m:
        try:
            return date(int(m[1]), int(m[2]), int(m[3])), None
        except ValueError:
            pass
    return None, f"应为日期（如 2025-03-01），实为“{str(value)[:30]}”"


def typed(item: Column | Field, value) -> tuple[object, str | None]:
    """Convert a raw cell value to the column's type."""
    if item.computed:
        return (value if _filled(value) else None), None  # cached formula results: informative only
    if item.numeric:
        x, problem = parse_number(value)
        if x is not None and item.type in ("integer", "year") and x != int(x):
            return x, f"应为整数，实为 {x:g}"
        return x, problem
    if item.type == "date":
        return parse_date(value)
    if not _filled(value):
        return None, None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip(), None


# ---- workbook --------------------------------------------------------------------------------------


def open_calamine(path: Path) -> CalamineWorkbook:
    """Open an .xlsx after checking it really is one; every refusal is a one-line Chinese message."""
    path = Path(path)
    if not path.exists():
        raise UnreadableWorkbook(f"找不到文件：{path}")
    if path.is_dir():
        raise UnreadableWorkbook(f"这是一个文件夹，不是工作簿：{path}")
    size = path.stat().st_size
    if size == 0:
        raise UnreadableWorkbook(f"文件为空：{path}")
    if size > MAX_BYTES:
        raise UnreadableWorkbook(f"文件过大（{size / 2**20:.0f} MB，上限 {MAX_BYTES // 2**20} MB）：{path}")
    with open(path, "rb") as fh:
        head = fh.read(8)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnreadableWorkbook(f"文件已加密（设有打开密码）或为旧版 .xls 格式，请在 Excel 中取消密码并另存为 .xlsx：{path}")
    if not head.startswith(b"PK"):
        raise UnreadableWorkbook(f"不是 Excel .xlsx 工作簿（可能是 CSV、文本或其他格式），请另存为 .xlsx：{path}")
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            if "xl/workbook.bin" in names:
                raise UnreadableWorkbook(f"这是 .xlsb 二进制工作簿，请在 Excel 中另存为 .xlsx：{path}")
            if "content.xml" in names and "xl/workbook.xml" not in names:
                raise UnreadableWorkbook(f"这是 OpenDocument（.ods）表格，请另存为 .xlsx：{path}")
            if "xl/workbook.xml" not in names:
                raise UnreadableWorkbook(f"压缩包中没有 Excel 工作簿内容，不是 .xlsx 文件：{path}")
            total = sum(i.file_size for i in zf.infolist())
            if total > MAX_UNCOMPRESSED:
                raise UnreadableWorkbook(f"工作簿解压后过大（{total / 2**20:.0f} MB），拒绝读取：{path}")
            bad = zf.testzip()
            if bad:
                raise UnreadableWorkbook(f"工作簿已损坏（{bad} 校验失败）：{path}")
    except zipfile.BadZipFile:
        raise UnreadableWorkbook(f"工作簿已损坏或不完整（不是有效的 zip/xlsx）：{path}") from None
    try:
        return CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine's own errors carry English text only
        raise UnreadableWorkbook(f"无法读取工作簿：{path}（{exc}）") from None


def detect_kind(sheet_names: list[str]) -> str:
    ids = {name.split(" ")[0] for name in sheet_names}
    for kind, marker in (("park", "P.1"), ("region", "R.1"), ("acceptance", "ACC.1")):
        if marker in ids:
            return kind
    return "audit"


def find_sheet(table: Table, sheet_names: list[str]) -> str | None:
    """The table's sheet: exact name, else a sheet whose name starts with the table id."""
    if table.sheet_name in sheet_names:
        return table.sheet_name
    for name in sheet_names:
        if name.split(" ")[0].strip() == table.id or normalize_text(name) == normalize_text(table.sheet_name):
            return name
    return None


def read_workbook(path: Path, kind: str | None = None) -> Book:
    path = Path(path)
    wb = open_calamine(path)
    names = list(wb.sheet_names)
    kind = kind or detect_kind(names)
    if kind not in KINDS:
        raise UnreadableWorkbook(f"未知的工作簿类型“{kind}”，可选：{'、'.join(KINDS)}")
    reg = registry(kind)
    findings: list[Finding] = []
    tables: dict[str, TableData] = {}
    used = set()
    for table in reg:
        sheet = find_sheet(table, names)
        if sheet is None:
            tables[table.id] = TableData(table, None)
            continue
        used.add(sheet)
        try:
            grid = wb.get_sheet_by_name(sheet).to_python(skip_empty_area=False, nrows=MAX_ROWS)
        except Exception as exc:
            findings.append(Finding(sheet, "A1", "error", "unreadable_sheet", f"无法读取该工作表：{exc}"))
            tables[table.id] = TableData(table, None)
            continue
        tables[table.id] = parse_sheet(table, sheet, grid, findings, _years(tables))
    missing = [t.sheet_name for t in reg if not tables[t.id].present]
    if len(missing) > len(reg.tables) / 2:
        raise UnreadableWorkbook(
            f"不是完整的{KIND_NAMES[kind]}工作簿：缺少 {len(missing)}/{len(reg.tables)} 张标准工作表"
            f"（如“{missing[0]}”“{missing[-1]}”），请用 cpxl new 生成的模板填写：{path}"
        )
    extra = [n for n in names if n not in used and n != "目录"]
    return Book(path, kind, reg, tables, findings, extra)


def _years(tables: dict[str, TableData]):
    cover = tables.get(COVER.id)
    y = cover.fields.get("base_year") if cover else None
    return (int(y) - 2, int(y) - 1, int(y)) if isinstance(y, float) and y.is_integer() else None


def _at(grid: list[list], r: int, c: int):
    """Value at 1-based row r, column c; outside the used area is blank."""
    if r - 1 < len(grid) and c - 1 < len(grid[r - 1]):
        v = grid[r - 1][c - 1]
        return None if v == "" else v
    return None


def column_title(col: Column, years: tuple[int, int, int] | None) -> str:
    """A column's name for messages and the report: groups joined, review years filled in."""
    text = "／".join((*col.group, col.header))
    y = years or ("20xx",) * 3
    return text.replace("{y1}", str(y[0])).replace("{y2}", str(y[1])).replace("{y3}", str(y[2]))


def parse_sheet(table: Table, sheet: str, grid: list[list], findings: list[Finding], years=None) -> TableData:
    data = TableData(table, sheet)
    layout = Layout(table)
    if table.fields:
        _parse_form(table, sheet, grid, layout, data, findings)
    if table.columns:
        _parse_grid(table, sheet, grid, layout, data, findings, years)
    return data


def _parse_form(table, sheet, grid, layout, data, findings) -> None:
    labels = {normalize_text(f.label): f for f in table.fields}
    first = layout.form_header_row + 1
    last = layout.field_row(len(table.fields) - 1) + 3  # a few rows of slack for inserted lines
    seen = set()
    for r in range(first, min(last, len(grid)) + 1):
        label = normalize_text(_at(grid, r, 1)).rstrip("*＊")
        f = labels.get(label)
        if f is None or f.key in seen:
            continue
        seen.add(f.key)
        value, problem = typed(f, _at(grid, r, 2))
        data.fields[f.key] = value
        data.field_cells[f.key] = f"B{r}"
        if problem:
            data.bad_cells.add(f"B{r}")
            findings.append(Finding(sheet, f"B{r}", "error", "not_number" if f.numeric else "bad_value", f"“{f.label}”{problem}"))
    for i, f in enumerate(table.fields):
        if f.key not in seen:
            data.fields[f.key] = None
            data.field_cells[f.key] = f"B{layout.field_row(i)}"
            findings.append(
                Finding(sheet, f"A{layout.field_row(i)}", "error", "header_changed", f"找不到项目“{f.label}”（项目名称被修改或删除）")
            )


def _header_text(grid, layout: Layout, table: Table, j: int, col: Column) -> str:
    row = layout.header_row + len(col.group)
    return normalize_text(_at(grid, row, j))


def _header_ok(found: str, col: Column) -> bool:
    if "{" in col.header:  # year headers are formulas; a cached value or nothing is fine
        pattern = re.escape(normalize_text(col.header))
        pattern = re.sub(r"\\\{\w+\\\}", r"(\\d{4}|20xx)", pattern)
        return not found or re.fullmatch(pattern, found) is not None
    expected = normalize_text(col.header)
    return found in (expected, normalize_text(col.label))


def _parse_grid(table, sheet, grid, layout, data, findings, years) -> None:
    cols = table.columns
    # Headers: each leaf where the template put it; a renamed or shifted header is reported, once.
    for j, col in enumerate(cols, start=1):
        found = _header_text(grid, layout, table, j, col)
        if not _header_ok(found, col):
            row = layout.header_row + len(col.group)
            shifted = any(_header_ok(_header_text(grid, layout, table, k, col), col) for k in (j - 1, j + 1) if k >= 1)
            what = "错位（整列被移动或插入/删除了列）" if shifted else f"被修改为“{_at(grid, row, j) or '（空）'}”"
            findings.append(
                Finding(sheet, f"{get_column_letter(j)}{row}", "error", "header_changed", f"表头“{col.header}”{what}，请恢复为标准表头")
            )
    records, cells = [], []
    label_key = table.name_key
    for r in range(layout.data_row, len(grid) + 1):
        raw = [_at(grid, r, j) for j in range(1, len(cols) + 1)]
        if not any(_filled(v) for v in raw):
            continue
        first_text = next((normalize_text(v) for v in raw if _filled(v)), "")
        if first_text.startswith(NOTE_PREFIXES) and sum(_filled(v) for v in raw) == 1:
            break  # trailing notes end the table
        if is_section_label(raw[0]) and sum(_filled(v) for v in raw) == 1:
            continue
        labels = {normalize_text(v) for v in raw[:3] if isinstance(v, str)}
        if table.total_label and (normalize_text(table.total_label) in labels or labels & set(TOTAL_LABELS)):
            for j, col in enumerate(cols, start=1):
                value, _ = typed(col, raw[j - 1]) if col.numeric else (raw[j - 1], None)
                data.totals[col.key] = value
                data.total_cells[col.key] = f"{get_column_letter(j)}{r}"
            continue
        record, addr = {}, {}
        for j, col in enumerate(cols, start=1):
            value, problem = typed(col, raw[j - 1])
            ref = f"{get_column_letter(j)}{r}"
            record[col.key] = value
            addr[col.key] = ref
            if problem:
                label = raw[cols.index(table.column(label_key))] if label_key else None
                name = f"（{label}）" if _filled(label) else ""
                rule = "not_number" if col.numeric else "bad_value"
                data.bad_cells.add(ref)
                findings.append(Finding(sheet, ref, "error", rule, f"“{column_title(col, years)}”{name}{problem}"))
        record["_row"] = r
        records.append(record)
        cells.append(addr)
    keys = [c.key for c in cols]
    data.frame = pd.DataFrame.from_records(records, columns=keys + ["_row"]) if records else pd.DataFrame(columns=keys + ["_row"])
    data.cells = pd.DataFrame.from_records(cells, columns=keys) if cells else pd.DataFrame(columns=keys)
    for key in keys:
        col = table.column(key)
        if col.numeric and not data.frame.empty:
            data.frame[key] = pd.to_numeric(data.frame[key], errors="coerce")
