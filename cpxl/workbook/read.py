"""Read a filled audit workbook into the book model (:mod:`cpxl.workbook.model`): plain rows per table,
keeping every value's cell address, after the package guard (:mod:`cpxl.workbook.package`).

Tolerates what auditors do: blank rows, rows added inside a table, trailing notes, numbers stored as
text, full-width digits, thousands separators, percent strings. What cannot be read becomes a finding
located by ``sheet!cell``; the file itself is only ever opened for reading.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from openpyxl.utils import get_column_letter
from python_calamine import CalamineWorkbook

from cpxl.errors import UnreadableWorkbook
from cpxl.tables import CONDITIONS, KINDS, Registry, registry
from cpxl.tables.common import COVER
from cpxl.tables.model import Column, Field, Table
from cpxl.values import (  # noqa: F401 (re-exported)
    EXCEL_ERRORS,
    as_number,
    filled,
    normalize_text,
    parse_date,
    parse_number,
)

from .findings import Finding
from .layout import Layout, is_section_label
from .model import Book, CellRefs, TableData
from .package import (  # noqa: F401 (the limits and the guard, re-exported for the readers' users)
    MAX_BYTES,
    MAX_CELLS,
    MAX_MERGED_CELLS,
    MAX_UNCOMPRESSED,
    Extent,
    SheetTooLarge,
    check_file,
    check_zip,
    corrupted,
    duplicate_member,
    invalid_characters,
    regular_file,
    repaired_copy,
    sheet_extent,
    sheet_parts,
)

MAX_ROWS = 200_000  # rows read from one table sheet; more is an error finding

NOTE_PREFIXES = ("注", "备注：", "说明：", "数据来源：")
TOTAL_LABELS = ("合计", "汇总", "总计", "小计")


# ---- values ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """Why a cell's value could not be used: the finding's message (after the column's name), rule and severity."""

    message: str
    rule: str
    severity: str = "error"

    def __str__(self) -> str:
        return self.message


def error_value(value) -> str | None:
    """The Excel error value a cell holds (``#NAME?``, ``#DIV/0!`` …, as Excel, LibreOffice and WPS save
    them), else None."""
    if isinstance(value, str) and "#" in value[:8]:
        code = value.strip().upper()
        return code if code in EXCEL_ERRORS else None
    return None


_INF = float("inf")

COMPUTED_ERROR = (
    "的公式在保存该工作簿的程序中未算出结果（{code}）：该程序可能不支持 CP_* 函数（LibreOffice、WPS、未装加载项的 Excel），"
    "或公式引用的单元格有错误；检查与报告按输入重新计算，不使用此值"
)


def typed(item: Column | Field, value) -> tuple[object, Problem | None]:
    """Convert a raw cell value to the column's type: (value, problem). The one place cell values are parsed:
    an error value becomes None and an ``error_value`` problem — an error in an input cell, a warning in a
    computed one (a formula the saving program could not compute: its inputs still yield the report)."""
    if value is None:  # most cells of a table: blank is blank whatever the type
        return None, None
    kind = item.type
    if type(value) is float and -_INF < value < _INF:  # a number as calamine reads it: nothing to parse
        if item.formula is not None or kind == "number" or kind == "percent":
            return value, None
        if kind == "text":
            return str(int(value) if value.is_integer() else value), None
        if kind != "date" and value.is_integer():  # integer, year
            return value, None
    elif type(value) is str and kind == "text" and item.formula is None and "#" not in value[:8]:
        return value.strip() or None, None  # input text that is not an error value
    code = error_value(value)
    if code is not None:
        if item.computed:
            return None, Problem(COMPUTED_ERROR.format(code=code), "error_value", "warning")
        return None, Problem(f"单元格为错误值 {code}", "error_value")
    if item.computed and isinstance(value, str) and value.lstrip().startswith("#CP!"):  # a CP_ function's message
        return None, Problem(f"的公式返回错误：{value.strip()[:120]}", "error_value", "warning")
    if item.computed:  # cached formula results: informative only, a number where a number is declared
        if item.numeric and filled(value):
            return parse_number(value)[0], None
        return (value if filled(value) else None), None
    rule = "not_number" if item.numeric else "bad_value"
    if item.numeric:
        x, problem = parse_number(value)
        if x is not None and item.type in ("integer", "year") and x != int(x):
            return x, Problem(f"应为整数，实为 {x:g}", rule)
        return x, problem and Problem(problem, rule)
    if item.type == "date":
        d, problem = parse_date(value)
        return d, problem and Problem(problem, rule)
    if not filled(value):
        return None, None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip(), None


# ---- workbook --------------------------------------------------------------------------------------


class Workbook:
    """A calamine workbook whose sheets are measured before they are loaded (see :func:`sheet_extent`).

    Same interface as ``CalamineWorkbook`` for what the readers use: ``sheet_names`` and
    ``get_sheet_by_name``, which raises :class:`SheetTooLarge` for a sheet beyond :data:`MAX_CELLS`.
    """

    def __init__(self, path: Path, calamine: CalamineWorkbook, parts: dict[str, str], handle=None,
                 bad_chars: dict[str, dict[str, str]] | None = None):
        self.path, self._wb, self._parts = path, calamine, parts
        self._extents: dict[str, Extent] = {}
        self._zip: zipfile.ZipFile | None = None  # opened once: its directory is the costly part
        self._handle = handle  # the open file calamine reads, for a name it cannot be given as text
        self._repaired = bad_chars is not None  # invalid character references already replaced (the file's copy)
        self.bad_chars: dict[str, dict[str, str]] = bad_chars or {}  # sheet -> cell -> the reference replaced

    def _zipfile(self) -> zipfile.ZipFile:
        if self._zip is None:
            self._zip = zipfile.ZipFile(self.path)
        return self._zip

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()
            self._zip = None
        if self._handle is not None:
            self._handle.close()
            self._handle = None

    def read_grid(self, sheet: str, nrows: int | None = None) -> list[list]:
        """The sheet's values as rows (``to_python``), after the size check. A sheet calamine refuses
        because of character references XML does not allow (``&#xD800;``, a lone surrogate that some
        programs write) is read from a copy with each replaced by U+FFFD; the cells are in
        :attr:`bad_chars` (:meth:`char_findings`)."""
        self.check_size(sheet)
        kw = {"skip_empty_area": False} | ({"nrows": nrows} if nrows is not None else {})
        try:
            return self._wb.get_sheet_by_name(sheet).to_python(**kw)
        except Exception:
            if self._repaired or not self._repair():
                raise
        return self._wb.get_sheet_by_name(sheet).to_python(**kw)

    def _repair(self) -> bool:
        """Reopen calamine on a copy without invalid character references; False when there are none."""
        self._repaired = True
        repaired = repaired_copy(self._zipfile(), self._parts)
        if repaired is None:
            return False
        data, self.bad_chars = repaired
        self._wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
        return True

    def char_findings(self, sheet: str) -> list[Finding]:
        return [Finding(sheet, cell, "error", "bad_character",
                        f"单元格含 XML 不允许的字符 {ref}（如孤立的代理项，多由其他程序写入），已按“\ufffd”读取；请重新输入该单元格")
                for cell, ref in self.bad_chars.get(sheet, {}).items()]

    def __getattr__(self, name):
        return getattr(self._wb, name)

    @property
    def sheet_names(self) -> list[str]:
        return self._wb.sheet_names

    def extent(self, sheet: str) -> Extent:
        if sheet not in self._extents:
            part = self._parts.get(sheet)
            if part is None:
                raise SheetTooLarge(f"在文件中找不到工作表“{sheet}”的内容，无法读取", sheet, "A1")
            try:
                self._extents[sheet] = sheet_extent(self._zipfile(), part)
            except (zipfile.BadZipFile, zlib.error, EOFError) as exc:  # CRC or inflate: the package is damaged
                raise corrupted(self.path, part, exc) from None
            except (RuntimeError, NotImplementedError) as exc:
                raise SheetTooLarge(f"工作表“{sheet}”已损坏，无法读取（{exc}）", sheet, "A1") from None
        return self._extents[sheet]

    def check_size(self, sheet: str) -> Extent:
        """The sheet's extent; :class:`SheetTooLarge` when loading it would take more than MAX_CELLS cells."""
        ext = self.extent(sheet)
        if ext.written > MAX_CELLS:  # the same cells written over and over: small area, huge list
            raise SheetTooLarge(
                f"工作表“{sheet}”写有 {ext.written:,} 个单元格（上限 {MAX_CELLS:,}），文件结构异常，未读取",
                sheet,
                "A1",
            )
        if ext.cells > MAX_CELLS:
            raise SheetTooLarge(
                f"工作表“{sheet}”的已用区域过大：内容一直延伸到 {ext.far}（{ext.rows} 行 × {ext.cols} 列，"
                f"上限 {MAX_CELLS:,} 个单元格），未读取。请删除远处多余的单元格后另存",
                sheet,
                ext.far,
            )
        return ext

    def get_sheet_by_name(self, sheet: str):
        self.check_size(sheet)
        return self._wb.get_sheet_by_name(sheet)

    def error_cells(self, sheet: str) -> dict[str, str]:
        """Cells of `sheet` holding an Excel error value (calamine reads them as blanks)."""
        return self.extent(sheet).errors if sheet in self._parts else {}

    def check_merges(self) -> None:
        """Refuse a workbook whose merged ranges cover more than MAX_MERGED_CELLS cells on one sheet
        (loading it with openpyxl, as the evaluator does, would create one object per covered cell)."""
        for sheet in self.sheet_names:
            ext = self.extent(sheet)
            if ext.written > MAX_CELLS:  # its scan stopped early: merges after that point were not counted
                self.check_size(sheet)
            if ext.merged > MAX_MERGED_CELLS:
                raise SheetTooLarge(
                    f"工作表“{sheet}”的合并单元格过大（{ext.merge_ref}，共 {ext.merged:,} 个单元格，上限 "
                    f"{MAX_MERGED_CELLS:,}），拒绝处理：{self.path}",
                    sheet,
                    ext.merge_ref.split(":")[0],
                )


def open_calamine(path: Path) -> Workbook:
    """Open an .xlsx after the package guard (:mod:`cpxl.workbook.package`); every refusal is a one-line
    Chinese message. The parts are not inflated here: each sheet's XML is measured (and its CRC checked)
    when it is first read."""
    path = Path(path)
    check_file(path)
    try:
        with zipfile.ZipFile(path) as zf:
            check_zip(path, zf)
            parts = sheet_parts(zf)
            _verify_structure(path, zf, set(parts.values()))
    except UnreadableWorkbook:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, KeyError):
        raise UnreadableWorkbook(f"工作簿已损坏或不完整（不是有效的 zip/xlsx）：{path}") from None
    except NotImplementedError:
        raise UnreadableWorkbook(f"工作簿使用了不支持的压缩方式，请在 Excel 中另存为 .xlsx：{path}") from None
    except RuntimeError as exc:
        raise UnreadableWorkbook(f"无法读取工作簿（{exc}）：{path}") from None
    except OSError as exc:
        raise UnreadableWorkbook(f"无法读取文件（{exc.strerror or exc}）：{path}") from None
    except Exception as exc:  # defusedxml refusals, malformed workbook.xml
        raise UnreadableWorkbook(f"工作簿结构无法解析（{type(exc).__name__}），不是有效的 .xlsx：{path}") from None
    handle = None
    try:
        try:
            calamine, handle = calamine_open(path)
        except Exception:
            repaired = _repaired_open(path, parts)  # the shared strings hold an invalid character reference
            if repaired is None:
                raise
            return repaired
        return Workbook(path, calamine, parts, handle)
    except Exception as exc:  # calamine's own errors carry English text only
        if handle is not None:
            handle.close()
        raise _damaged(path) or UnreadableWorkbook(f"无法读取工作簿：{path}（{exc}）") from None


def _verify_structure(path: Path, zf: zipfile.ZipFile, sheets: set[str]) -> None:
    """Inflate the XML parts other than the sheets (workbook, styles, shared strings, relationships: what
    every reader loads first) and check their CRC; calamine does not, and a damaged styles part would
    silently change how numbers and dates read. Sheets are checked when first read."""
    for info in zf.infolist():
        if info.filename in sheets or not info.filename.endswith((".xml", ".rels")):
            continue
        try:
            with zf.open(info) as part:
                while part.read(1 << 20):
                    pass
        except (zipfile.BadZipFile, zlib.error, EOFError):
            raise UnreadableWorkbook(f"工作簿已损坏（{info.filename} 校验失败）：{path}") from None


def _damaged(path: Path) -> UnreadableWorkbook | None:
    """The refusal naming the damaged part when calamine could not open the package, else None (only then
    is every part inflated to find it)."""
    try:
        with zipfile.ZipFile(path) as zf:
            bad = zf.testzip()
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
        return UnreadableWorkbook(f"工作簿已损坏（{exc}）：{path}")
    return UnreadableWorkbook(f"工作簿已损坏（{bad} 校验失败）：{path}") if bad else None


def calamine_open(path: Path):
    """(CalamineWorkbook, open file or None). calamine takes a name as UTF-8 text: a name holding bytes of
    another encoding (a GBK name on Linux, see :mod:`cpxl.fsnames`) is opened here and handed over as a
    file (the caller closes it after the workbook)."""
    from cpxl.fsnames import has_escapes

    if not has_escapes(str(path)):
        return CalamineWorkbook.from_path(str(path)), None
    fh = open(path, "rb")  # noqa: SIM115 - closed with the workbook
    try:
        return CalamineWorkbook.from_filelike(fh), fh
    except BaseException:
        fh.close()
        raise


def _repaired_open(path: Path, parts: dict[str, str]) -> Workbook | None:
    with zipfile.ZipFile(path) as zf:
        repaired = repaired_copy(zf, parts)
    if repaired is None:
        return None
    data, bad = repaired
    return Workbook(path, CalamineWorkbook.from_filelike(io.BytesIO(data)), parts, bad_chars=bad)


def preflight(path: Path, sheets=()) -> Workbook:
    """Every check a reader makes before loading, for tools that load the file another way (the
    evaluator): file type, zip sanity, sizes, merged ranges, and the used area of `sheets` (those it
    reads with calamine)."""
    wb = open_calamine(path)
    wb.check_merges()
    for sheet in sheets:
        if sheet in wb.sheet_names:
            try:
                wb.check_size(sheet)
            except SheetTooLarge as exc:
                raise SheetTooLarge(f"{exc}，拒绝处理：{path}", exc.sheet, exc.cell) from None
    return wb


def detect_kind(sheet_names: list[str]) -> str:
    """The kind whose marker table (`Kind.marker`) has a sheet; else audit, the kind without one."""
    ids = {name.split(" ")[0] for name in sheet_names}
    return next((k.id for k in KINDS.values() if k.marker in ids), "audit")


def find_sheet(table: Table, sheet_names: list[str]) -> str | None:
    """The table's sheet: exact name, else a sheet whose name starts with the table id."""
    if table.sheet_name in sheet_names:
        return table.sheet_name
    for name in sheet_names:
        if name.split(" ")[0].strip() == table.id or normalize_text(name) == normalize_text(table.sheet_name):
            return name
    return None


def read_workbook(path: Path, kind: str | None = None, *, only: Collection[str] | None = None) -> Book:
    """The workbook's tables (of `kind`, else the kind its sheets show). ``only``: the ids of the tables to
    read; the book then holds those of them that belong to its kind of report (表D.38 and 表E.4, of the
    acceptance report, are not read in an audit workbook), and the other sheets are never parsed."""
    path = Path(path)
    wb = open_calamine(path)
    try:
        return _read(path, wb, kind, only)
    finally:
        wb.close()


def _read(path: Path, wb: Workbook, kind: str | None, only: Collection[str] | None = None) -> Book:
    names = list(wb.sheet_names)
    kind = kind or detect_kind(names)
    if kind not in KINDS:
        raise UnreadableWorkbook(f"未知的工作簿类型“{kind}”，可选：{'、'.join(KINDS)}")
    reg = registry(kind)
    if only is not None:
        reg = Registry(kind, [t for t in reg if t.id in only and CONDITIONS[t.applies].in_kind(kind)])
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
            grid = wb.read_grid(sheet, MAX_ROWS)
        except SheetTooLarge as exc:
            findings.append(Finding(sheet, exc.cell, "error", "sheet_too_large", str(exc)))
            tables[table.id] = TableData(table, None)
            continue
        except UnreadableWorkbook:  # a damaged package: refused as a whole
            raise
        except Exception as exc:
            findings.append(Finding(sheet, "A1", "error", "unreadable_sheet", f"无法读取该工作表（内容损坏或含不允许的 XML 结构）：{exc}"))
            tables[table.id] = TableData(table, None)
            continue
        rows = wb.extent(sheet).rows
        if rows > MAX_ROWS:
            findings.append(
                Finding(sheet, f"A{MAX_ROWS + 1}", "error", "too_many_rows",
                        f"工作表有 {rows:,} 行，超过读取上限 {MAX_ROWS:,} 行；第 {MAX_ROWS + 1:,} 行起未读取，请删除多余的行或拆分数据")
            )
        findings.extend(wb.char_findings(sheet))
        for ref, text in wb.error_cells(sheet).items():
            r, c = _row_col(ref)
            if r <= len(grid):
                grid[r - 1].extend([""] * (c - len(grid[r - 1])))
                grid[r - 1][c - 1] = text
        tables[table.id] = parse_sheet(table, sheet, grid, findings, _years(tables))
    missing = [t.sheet_name for t in reg if not tables[t.id].present]
    if len(missing) > len(reg.tables) / 2:
        raise UnreadableWorkbook(
            f"不是完整的{KINDS[kind].name}工作簿：缺少 {len(missing)}/{len(reg.tables)} 张标准工作表"
            f"（如“{missing[0]}”“{missing[-1]}”），请用 cpxl new 生成的模板填写：{path}"
        )
    extra = [n for n in names if n not in used and n != "目录"] if only is None else []
    return Book(path, kind, reg, tables, findings, extra)


def _row_col(ref: str) -> tuple[int, int]:
    from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

    letters, row = coordinate_from_string(ref)
    return row, column_index_from_string(letters)


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
            findings.append(Finding(sheet, f"B{r}", problem.severity, problem.rule, f"“{f.label}”{problem}"))
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


_EXPECTED: dict[tuple[str, str], tuple[str, ...] | re.Pattern] = {}


def _expected(col: Column) -> tuple[str, ...] | re.Pattern:
    """The header texts that match `col`, or the pattern of a year header (kept per header and label)."""
    key = (col.header, col.label)
    got = _EXPECTED.get(key)
    if got is None:
        if "{" in col.header:  # year headers are formulas; a cached value or nothing is fine
            pattern = re.escape(normalize_text(col.header))
            got = re.compile(re.sub(r"\\\{\w+\\\}", r"(\\d{4}|20xx)", pattern))
        else:
            got = (normalize_text(col.header), normalize_text(col.label))
        _EXPECTED[key] = got
    return got


def _header_ok(found: str, col: Column) -> bool:
    expected = _expected(col)
    if isinstance(expected, re.Pattern):
        return not found or expected.fullmatch(found) is not None
    return found in expected


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
    keys = [c.key for c in cols]
    letters = [get_column_letter(j) for j in range(1, len(cols) + 1)]
    label_at = keys.index(table.name_key) if table.name_key else None
    total_labels = set(TOTAL_LABELS) | ({normalize_text(table.total_label)} if table.total_label else set())
    rows: list[dict] = []
    section = None
    n = len(cols)
    for r in range(layout.data_row, len(grid) + 1):
        row = grid[r - 1]
        cut = row[:n]
        if cut.count("") == len(cut):  # a blank row (calamine reads blank cells as "")
            continue
        raw = [None if v == "" else v for v in cut] + [None] * (n - len(cut))
        present = [v for v in raw if v is not None and v == v and not (type(v) is str and v.isspace())]  # filled(): NaN != NaN
        if not present:
            continue
        if len(present) == 1 and normalize_text(present[0]).startswith(NOTE_PREFIXES):
            break  # trailing notes end the table
        if len(present) == 1 and is_section_label(raw[0]):
            section = str(raw[0]).strip()  # 一、主要生产设备: the rows below belong to it
            continue
        if table.total_label and {normalize_text(v) for v in raw[:3] if isinstance(v, str)} & total_labels:
            for j, col in enumerate(cols):
                ref = f"{letters[j]}{r}"
                value, problem = typed(col, raw[j])
                if problem is not None and problem.rule == "error_value":  # the total row holds SUM formulas
                    data.bad_cells.add(ref)
                    code = error_value(raw[j])
                    what = COMPUTED_ERROR.format(code=code) if code else str(problem)
                    findings.append(Finding(sheet, ref, "warning", "error_value", f"“{column_title(col, years)}”合计{what}"))
                data.totals[col.key] = value if col.numeric or problem else raw[j]
                data.total_cells[col.key] = ref
            continue
        values = {"_row": r, "_section": section}
        for j, col in enumerate(cols):
            value, problem = typed(col, raw[j])
            values[keys[j]] = value
            if problem:
                ref = f"{letters[j]}{r}"
                label = raw[label_at] if label_at is not None else None
                name = f"（{label}）" if filled(label) else ""
                data.bad_cells.add(ref)
                findings.append(Finding(sheet, ref, problem.severity, problem.rule, f"“{column_title(col, years)}”{name}{problem}"))
        rows.append(values)
    data.rows = rows
    data.cells = CellRefs(dict(zip(keys, letters)), [row["_row"] for row in rows])
