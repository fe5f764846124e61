"""Read a filled audit workbook into one pandas DataFrame per table, keeping every value's cell address.

Tolerates what auditors do: blank rows, rows added inside a table, trailing notes, numbers stored as
text, full-width digits, thousands separators, percent strings. What cannot be read becomes a finding
located by ``sheet!cell``; the file itself is only ever opened for reading.
"""

from __future__ import annotations

import bisect
import io
import os
import posixpath
import re
import stat
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl.utils import get_column_letter
from python_calamine import CalamineWorkbook

from cpxl.errors import UnreadableWorkbook
from cpxl.values import EXCEL_ERRORS, as_number, filled, normalize_text, parse_date, parse_number  # noqa: F401 (re-exported)
from cpxl.tables import CONDITIONS, KINDS, Registry, registry
from cpxl.tables.common import COVER, PARAMETERS, SECTION_TEXT
from cpxl.tables.model import Column, Field, Table

from .findings import Finding
from .layout import Layout, is_section_label

MAX_BYTES = 200 * 1024 * 1024  # larger files are refused rather than exhausting memory
MAX_UNCOMPRESSED = 1024 * 1024 * 1024  # zip-bomb guard on the declared uncompressed size
MAX_ROWS = 200_000  # rows read from one table sheet; more is an error finding
MAX_CELLS = 10_000_000  # used area (rows × columns from A1) of one sheet the reader will load
MAX_MERGED_CELLS = 2_000_000  # cells covered by merged ranges on one sheet (openpyxl makes one object each)
MAX_PART_BYTES = 64 * 1024 * 1024  # workbook.xml and its relationships: a few KB in real files
MAX_SHARED_STRINGS = 256 * 1024 * 1024  # xl/sharedStrings.xml, loaded whole on opening: tens of MB in big real files

NOTE_PREFIXES = ("注", "备注：", "说明：", "数据来源：")
TOTAL_LABELS = ("合计", "汇总", "总计", "小计")


_NO_ROWS = pd.DataFrame()  # shared by tables without rows (forms, missing sheets): never modified


class CellRefs:
    """The cell address of each value, derived from its row number and its column's letter:
    ``cells.at[index, key]`` → ``"F12"`` (the indexing of a DataFrame, without building one)."""

    def __init__(self, letters: dict[str, str] | None = None, rows: list[int] | None = None):
        self._letters, self._rows = letters or {}, rows or []

    @property
    def at(self) -> CellRefs:
        return self

    def __getitem__(self, index_key) -> str:
        index, key = index_key
        return f"{self._letters[key]}{self._rows[index]}"

    def __contains__(self, key) -> bool:
        return key in self._letters

    def row(self, index) -> dict[str, str]:
        r = self._rows[index]
        return {key: f"{letter}{r}" for key, letter in self._letters.items()}


@dataclass
class TableData:
    """One table as read: typed values and, in the same shape, the cell address of each value."""

    table: Table
    sheet: str | None  # None when the sheet is missing
    frame: pd.DataFrame = field(default_factory=lambda: _NO_ROWS)  # read-only when empty
    cells: CellRefs = field(default_factory=CellRefs)
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
        if self.fields and any(filled(v) for k, v in self.fields.items() if not self.table.field(k).computed):
            return False
        if self.frame.empty:
            return True
        keys = [c.key for c in self.table.columns if not c.computed and c.key not in self.table.row_keys]
        return not any(self.frame[k].map(filled).any() for k in keys if k in self.frame)

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

    def applies(self, table: Table) -> bool:
        """Whether `table` applies to this workbook (its condition, on 封面信息 or the kind)."""
        return CONDITIONS[table.applies].holds(self.cover, self.kind)

    @property
    def parameters(self) -> list[tuple]:
        """(类别, 名称, 数值) rows of `参数` the auditor filled."""
        data = self.tables.get(PARAMETERS.id)
        if data is None or data.frame.empty:
            return []
        f = data.frame
        return [(r.category, r.name, r.value) for r in f.itertuples() if filled(r.name) and filled(r.value)]

    @property
    def section_texts(self) -> dict[str, str]:
        data = self.tables.get(SECTION_TEXT.id)
        if data is None or data.frame.empty:
            return {}
        return {str(r.number if filled(r.number) else r.title): r.text for r in data.frame.itertuples() if filled(r.text)}


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


COMPUTED_ERROR = (
    "的公式在保存该工作簿的程序中未算出结果（{code}）：该程序可能不支持 CP_* 函数（LibreOffice、WPS、未装加载项的 Excel），"
    "或公式引用的单元格有错误；检查与报告按输入重新计算，不使用此值"
)


def typed(item: Column | Field, value) -> tuple[object, Problem | None]:
    """Convert a raw cell value to the column's type: (value, problem). The one place cell values are parsed:
    an error value becomes None and an ``error_value`` problem — an error in an input cell, a warning in a
    computed one (a formula the saving program could not compute: its inputs still yield the report)."""
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


class SheetTooLarge(UnreadableWorkbook):
    """One sheet's used area is too large to load; `cell` is the farthest cell found."""

    def __init__(self, message: str, sheet: str, cell: str):
        super().__init__(message)
        self.sheet, self.cell = sheet, cell


@dataclass(frozen=True)
class Extent:
    """How far a sheet's cells reach (from A1), counted in its XML before anything is loaded."""

    rows: int = 0
    cols: int = 0
    merged: int = 0  # cells covered by merged ranges
    merge_ref: str = ""  # the largest merged range
    errors: dict = field(default_factory=dict)  # cell -> Excel error value (#DIV/0! …), found in the same pass
    written: int = 0  # cells with content as written in the XML (the same cell written again counts again)

    @property
    def cells(self) -> int:
        return self.rows * self.cols

    @property
    def far(self) -> str:
        return f"{get_column_letter(max(self.cols, 1))}{max(self.rows, 1)}"


_P = rb"<(?:[A-Za-z_][\w.-]*:)?"  # an optional namespace prefix
# A cell that holds something (not self-closing) and its reference; calamine skips empty cells.
_CELL = re.compile(_P + rb"c\s[^>]*?\br\s*=\s*[\"']\s*([A-Za-z]{1,3})([0-9]{1,7})\s*[\"'][^>]*(?<!/)>")
# A cell or row without a reference: its position follows from the ones before it.
_NO_REF = re.compile(_P + rb"(?:c|row)(?=[\s/>])(?![^>]*\br\s*=)[^>]*>")
_TOKEN = re.compile(_P + rb"(c|row)(?=[\s/>])([^>]*)>")
_REF_ATTR = re.compile(rb"\br\s*=\s*[\"']\s*([A-Za-z]{0,3})([0-9]{0,7})")
_MERGE = re.compile(_P + rb"mergeCell\b[^>]*?\bref\s*=\s*[\"']\s*([A-Za-z]{1,3})([0-9]{1,7}):([A-Za-z]{1,3})([0-9]{1,7})")
# The same without namespace prefixes: a literal start the regex engine jumps between (the common case).
_CELL_PLAIN = re.compile(rb"<c\s[^>]*?\br\s*=\s*[\"']\s*([A-Za-z]{1,3})([0-9]{1,7})\s*[\"'][^>]*(?<!/)>")
_PREFIXED = re.compile(rb"<[A-Za-z_][\w.-]*:(?:c|row|mergeCell)[\s/>]")
# A cell or row tag whose first attribute is not its reference: the exact search decides.
_REF_NOT_FIRST = re.compile(rb"<(?:c|row)(?:[>/]|\s(?!r=\"))")
_CHUNK = 16 * 1024 * 1024


def _col_number(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ch - 64
    return n


def _chunks(zf: zipfile.ZipFile, part: str):
    """The part's XML in pieces that end before a tag's '<', so that no tag is cut in two."""
    tail = b""
    with zf.open(part) as fh:
        while block := fh.read(_CHUNK):
            buf = tail + block
            cut = buf.rfind(b"row>")  # after a whole row, else before the last tag
            cut = cut + 4 if cut >= 0 else buf.rfind(b"<")
            if cut <= 0:
                cut = len(buf)
            yield buf[:cut]
            tail = buf[cut:][:_CHUNK]
    if tail:
        yield tail


def sheet_extent(zf: zipfile.ZipFile, part: str) -> Extent:
    """Rows and columns a sheet's cells reach and the cells its merged ranges cover, read in chunks
    from the zip (never the whole part in memory). A file made to look small but reaching far (a
    single cell at XFD1048576) is caught here, before a reader allocates the whole rectangle."""
    import html

    rows = cols = merged = biggest = 0
    merge_ref = ""
    positional = False
    written = 0
    errors: dict[str, str] = {}
    for chunk in _chunks(zf, part):
        if b't="e"' in chunk:
            errors.update((c.decode(), html.unescape(v.decode())) for c, v in _ERROR_CELL.findall(chunk))
        prefixed = _PREFIXED.search(chunk) is not None  # rare: the general (slower) patterns
        tags = chunk.count(b"<c ") + chunk.count(b"<c>") + (len(re.findall(_P + rb"c[\s>]", chunk)) if prefixed else 0)
        if written + tags > MAX_CELLS:  # refused anyway: stop before listing millions of cells
            written += tags
            break
        found = (_CELL if prefixed else _CELL_PLAIN).findall(chunk)
        written += len(found)
        if found:  # few distinct column letters; row numbers converted in bulk
            rows = max(rows, max(map(int, [r for _, r in found])))
            cols = max(cols, max(map(_col_number, {c for c, _ in found})))
        start = chunk.find(b"mergeCell")
        for c1, r1, c2, r2 in _MERGE.findall(chunk, max(start - 64, 0)) if start >= 0 else ():
            area = (abs(int(r2) - int(r1)) + 1) * (abs(_col_number(c2) - _col_number(c1)) + 1)
            merged += area
            if area > biggest:
                biggest, merge_ref = area, f"{c1.decode()}{r1.decode()}:{c2.decode()}{r2.decode()}"
        if not positional:
            # every cell and row written with its reference first (as Excel, openpyxl, WPS do) needs
            # no search for tags without one
            if prefixed or _REF_NOT_FIRST.search(chunk):
                positional = _NO_REF.search(chunk) is not None
    if positional:  # cells or rows without references: follow positions as a reader does
        r = c = 0
        for chunk in _chunks(zf, part):
            for m in _TOKEN.finditer(chunk):
                ref = _REF_ATTR.search(m.group(2))
                if m.group(1) == b"row":
                    r = int(ref.group(2)) if ref and ref.group(2) else r + 1
                    c = 0
                    continue
                if ref and ref.group(1):
                    c = _col_number(ref.group(1))
                    r = int(ref.group(2)) if ref.group(2) else r
                else:
                    c += 1
                if not m.group(2).endswith(b"/"):
                    rows, cols = max(rows, r), max(cols, c)
                    written += 0 if ref and ref.group(1) else 1  # those with a reference were counted above
    return Extent(rows, cols, merged, merge_ref, errors, written)


def _sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> zip member, from xl/workbook.xml and its relationships (parsed with defusedxml)."""
    from defusedxml import ElementTree as SafeET

    def xml(name: str):
        info = zf.getinfo(name)
        if info.file_size > MAX_PART_BYTES:
            raise UnreadableWorkbook(f"工作簿结构部件 {name} 异常过大，拒绝读取")
        return SafeET.fromstring(zf.read(name))

    names = set(zf.namelist())
    rels_name = "xl/_rels/workbook.xml.rels"
    targets = {}
    if rels_name in names:
        for rel in xml(rels_name):
            target = rel.get("Target", "")
            path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
            targets[rel.get("Id")] = path
    lower = {n.lower(): n for n in names}
    parts = {}
    for el in xml("xl/workbook.xml").iter():
        if el.tag.rsplit("}", 1)[-1] != "sheet":
            continue
        rid = next((v for k, v in el.attrib.items() if k.rsplit("}", 1)[-1] == "id"), None)
        target = targets.get(rid, "")
        part = target if target in names else lower.get(target.lower())
        if part:
            parts[el.get("name", "")] = part
    return parts


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
            except (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, NotImplementedError) as exc:
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


_FILE_KINDS = ((stat.S_ISFIFO, "命名管道（FIFO）"), (stat.S_ISCHR, "字符设备"), (stat.S_ISBLK, "块设备"),
               (stat.S_ISSOCK, "套接字"))


def regular_file(path: Path, what: str = "工作簿") -> os.stat_result:
    """The file's status if it is a regular file (links followed); else UnreadableWorkbook saying what
    it is. Never opens it (opening a FIFO would wait for a writer)."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise UnreadableWorkbook(f"找不到文件：{path}" + ("（是指向不存在位置的链接）" if os.path.islink(path) else "")) from None
    except OSError as exc:
        raise UnreadableWorkbook(f"无法访问文件（{exc.strerror or exc}）：{path}") from None
    if stat.S_ISDIR(st.st_mode):
        raise UnreadableWorkbook(f"这是一个文件夹，不是{what}：{path}")
    if not stat.S_ISREG(st.st_mode):
        kind = next((name for test, name in _FILE_KINDS if test(st.st_mode)), "特殊文件")
        raise UnreadableWorkbook(f"不是普通文件（{kind}），不是{what}：{path}")
    return st


def duplicate_member(names) -> str | None:
    """A zip member name that occurs more than once (part names compare without case, as OPC says, and
    with ``\\`` as ``/``): readers disagree on which copy counts, so such a package has no single meaning."""
    seen = set()
    for name in names:
        key = name.replace("\\", "/").lstrip("/").lower()
        if key in seen:
            return name
        seen.add(key)
    return None


def open_calamine(path: Path) -> Workbook:
    """Open an .xlsx after checking it really is one; every refusal is a one-line Chinese message."""
    path = Path(path)
    size = regular_file(path).st_size
    if size == 0:
        raise UnreadableWorkbook(f"文件为空：{path}")
    if size > MAX_BYTES:
        raise UnreadableWorkbook(f"文件过大（{size / 2**20:.0f} MB，上限 {MAX_BYTES // 2**20} MB）：{path}")
    try:
        with open(path, "rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise UnreadableWorkbook(f"无法打开文件（{exc.strerror or exc}）：{path}") from None
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnreadableWorkbook(f"文件已加密（设有打开密码）或为旧版 .xls 格式，请在 Excel 中取消密码并另存为 .xlsx：{path}")
    if not head.startswith(b"PK"):
        raise UnreadableWorkbook(f"不是 Excel .xlsx 工作簿（可能是 CSV、文本或其他格式），请另存为 .xlsx：{path}")
    try:
        with zipfile.ZipFile(path) as zf:
            dup = duplicate_member(zf.namelist())
            if dup is not None:
                raise UnreadableWorkbook(f"工作簿中的部件 {dup} 出现了不止一次（压缩包内有同名文件，不同程序会读到不同内容），拒绝读取：{path}")
            names = set(zf.namelist())
            if "xl/workbook.bin" in names:
                raise UnreadableWorkbook(f"这是 .xlsb 二进制工作簿，请在 Excel 中另存为 .xlsx：{path}")
            if "content.xml" in names and "xl/workbook.xml" not in names:
                raise UnreadableWorkbook(f"这是 OpenDocument（.ods）表格，请另存为 .xlsx：{path}")
            if "xl/workbook.xml" not in names:
                raise UnreadableWorkbook(f"压缩包中没有 Excel 工作簿内容，不是 .xlsx 文件：{path}")
            sst = zf.NameToInfo.get("xl/sharedStrings.xml")
            if sst is not None and sst.file_size > MAX_SHARED_STRINGS:  # read whole when the workbook opens
                raise UnreadableWorkbook(f"工作簿的共享字符串表过大（{sst.file_size / 2**20:.0f} MB），拒绝读取：{path}")
            total = sum(i.file_size for i in zf.infolist())
            if total > MAX_UNCOMPRESSED:
                raise UnreadableWorkbook(f"工作簿解压后过大（{total / 2**20:.0f} MB），拒绝读取：{path}")
            if any(i.flag_bits & 0x1 for i in zf.infolist()):
                raise UnreadableWorkbook(f"压缩包内的文件设有密码，无法读取：{path}")
            bad = zf.testzip()
            if bad:
                raise UnreadableWorkbook(f"工作簿已损坏（{bad} 校验失败）：{path}")
            parts = _sheet_parts(zf)
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, KeyError):
        raise UnreadableWorkbook(f"工作簿已损坏或不完整（不是有效的 zip/xlsx）：{path}") from None
    except NotImplementedError:
        raise UnreadableWorkbook(f"工作簿使用了不支持的压缩方式，请在 Excel 中另存为 .xlsx：{path}") from None
    except RuntimeError as exc:
        raise UnreadableWorkbook(f"无法读取工作簿（{exc}）：{path}") from None
    except OSError as exc:
        raise UnreadableWorkbook(f"无法读取文件（{exc.strerror or exc}）：{path}") from None
    except UnreadableWorkbook:
        raise
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
        raise UnreadableWorkbook(f"无法读取工作簿：{path}（{exc}）") from None


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


# ---- character references XML does not allow ----------------------------------------------------------

_CHARREF = re.compile(rb"&#(?:[xX]([0-9A-Fa-f]{1,8})|([0-9]{1,10}));")
_SST_CELL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c\s([^>]*)>\s*<(?:[A-Za-z_][\w.-]*:)?v>\s*([0-9]+)\s*<")
_CELL_START = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c\s[^>]*?\br\s*=\s*[\"']([A-Za-z]{1,3}[0-9]{1,7})[\"']")
_SI = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?si[\s>]")


def _invalid_ref(m: re.Match) -> bool:
    cp = int(m[1], 16) if m[1] else int(m[2])
    return not (cp in (0x9, 0xA, 0xD) or 0x20 <= cp <= 0xD7FF or 0xE000 <= cp <= 0xFFFD or 0x10000 <= cp <= 0x10FFFF)


def _fix_refs(xml: bytes) -> tuple[bytes, list[tuple[int, str]]]:
    """The XML with every invalid character reference replaced by U+FFFD, and (position, reference) of each."""
    found: list[tuple[int, str]] = []

    def sub(m: re.Match) -> bytes:
        if not _invalid_ref(m):
            return m[0]
        found.append((m.start(), m[0].decode("ascii")))
        return "\ufffd".encode()

    return _CHARREF.sub(sub, xml), found


def invalid_characters(path: Path) -> list[tuple[str, str, str]]:
    """(sheet, cell, reference) of every character reference XML does not allow, for tools that parse the
    sheets as XML and must refuse such a workbook (the calculator): the message then names the cells."""
    try:
        with zipfile.ZipFile(path) as zf:
            repaired = repaired_copy(zf, _sheet_parts(zf))
    except Exception:  # noqa: BLE001 - the caller's own error stands
        return []
    if repaired is None:
        return []
    return [(sheet, cell, ref) for sheet, cells in repaired[1].items() for cell, ref in cells.items()]


def repaired_copy(zf: zipfile.ZipFile, parts: dict[str, str]) -> tuple[bytes, dict[str, dict[str, str]]] | None:
    """A copy of the workbook's XML parts (in memory; pictures and other binary parts left out) with
    invalid character references replaced by U+FFFD, and sheet -> cell -> reference for each one found in
    a sheet or in a shared string a cell uses. None when there is nothing to replace."""
    by_part = {part: sheet for sheet, part in parts.items()}
    sst_name = next((n for n in zf.namelist() if n.lower() == "xl/sharedstrings.xml"), None)
    bad: dict[str, dict[str, str]] = {}
    bad_strings: dict[int, str] = {}
    out = io.BytesIO()
    changed = False
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        for info in zf.infolist():
            if not info.filename.lower().endswith((".xml", ".rels")):
                continue
            data = zf.read(info)
            fixed, found = _fix_refs(data) if b"&#" in data else (data, [])
            if found:
                changed = True
                if info.filename == sst_name:
                    starts = [m.start() for m in _SI.finditer(data)]

                    for pos, ref in found:
                        bad_strings.setdefault(bisect.bisect_right(starts, pos) - 1, ref)
                elif info.filename in by_part:
                    cells = bad.setdefault(by_part[info.filename], {})
                    for pos, ref in found:
                        start = max(data.rfind(b"<c ", 0, pos), data.rfind(b":c ", 0, pos))
                        m = _CELL_START.match(data, data.rfind(b"<", 0, start + 1)) if start >= 0 else None
                        cells.setdefault(m[1].decode() if m else "A1", ref)
            z.writestr(info.filename, fixed)
    if not changed:
        return None
    if bad_strings:  # the cells that show a repaired shared string
        for sheet, part in parts.items():
            try:
                data = zf.read(part)
            except KeyError:
                continue
            for m in _SST_CELL.finditer(data):
                attrs = m[1]
                if not re.search(rb"\bt\s*=\s*[\"']s[\"']", attrs):
                    continue
                index = int(m[2])
                if index in bad_strings:
                    ref = re.search(rb"\br\s*=\s*[\"']([A-Za-z]{1,3}[0-9]{1,7})[\"']", attrs)
                    if ref:
                        bad.setdefault(sheet, {}).setdefault(ref[1].decode(), bad_strings[index])
    return out.getvalue(), bad


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


_ERROR_CELL = re.compile(rb'<c r="([A-Z]+[0-9]+)"[^>]*?t="e"[^>]*>(?:<f[^>]*/>|<f[^>]*>.*?</f>)?<v>([^<]*)</v>', re.S)



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


def read_workbook(path: Path, kind: str | None = None) -> Book:
    path = Path(path)
    wb = open_calamine(path)
    try:
        return _read(path, wb, kind)
    finally:
        wb.close()


def _read(path: Path, wb: Workbook, kind: str | None) -> Book:
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
            grid = wb.read_grid(sheet, MAX_ROWS)
        except SheetTooLarge as exc:
            findings.append(Finding(sheet, exc.cell, "error", "sheet_too_large", str(exc)))
            tables[table.id] = TableData(table, None)
            continue
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
    extra = [n for n in names if n not in used and n != "目录"]
    return Book(path, kind, reg, tables, findings, extra)


def _row_col(ref: str) -> tuple[int, int]:
    from openpyxl.utils.cell import coordinate_from_string, column_index_from_string

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
    keys = [c.key for c in cols]
    letters = [get_column_letter(j) for j in range(1, len(cols) + 1)]
    label_at = keys.index(table.name_key) if table.name_key else None
    total_labels = set(TOTAL_LABELS) | ({normalize_text(table.total_label)} if table.total_label else set())
    values: dict[str, list] = {k: [] for k in (*keys, "_row", "_section")}
    section = None
    n = len(cols)
    for r in range(layout.data_row, len(grid) + 1):
        row = grid[r - 1]
        raw = [None if v == "" else v for v in row[:n]] + [None] * (n - len(row))
        present = [v for v in raw if filled(v)]
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
        for j, col in enumerate(cols):
            value, problem = typed(col, raw[j])
            ref = f"{letters[j]}{r}"
            values[col.key].append(value)
            if problem:
                label = raw[label_at] if label_at is not None else None
                name = f"（{label}）" if filled(label) else ""
                data.bad_cells.add(ref)
                findings.append(Finding(sheet, ref, problem.severity, problem.rule, f"“{column_title(col, years)}”{name}{problem}"))
        values["_row"].append(r)
        values["_section"].append(section)
    # One DataFrame per table, columns typed as declared (numbers as float, NaN for blanks).
    frame = {}
    for key, vals in values.items():
        numeric = key in keys and table.column(key).numeric
        frame[key] = np.array([np.nan if v is None else v for v in vals] if numeric else vals, dtype=float if numeric else object)
    data.frame = pd.DataFrame(frame)
    data.cells = CellRefs(dict(zip(keys, letters)), values["_row"])
