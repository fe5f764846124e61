"""The package guard: what an xlsx file must be before any of its parts is parsed, one policy for every
command (``check``, ``calc``, ``export``, ``aggregate``, the local page), so all accept and refuse the same
files with the same Chinese message.

The file on disk (a regular file, not empty, not too large, a zip and not an old .xls or a CSV), the zip
(no member twice, no encryption, only stored or deflated members, sizes and compression ratios within the
limits below), and each sheet's XML, measured in one streamed pass before a reader loads it (how far its
cells reach, merged ranges, error values, CRC). Character references XML does not allow are repaired in a
copy, with the cells named.
"""

from __future__ import annotations

import bisect
import html
import io
import os
import posixpath
import re
import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl.utils import get_column_letter

from cpxl.errors import UnreadableWorkbook

# Limits for a hostile or broken file. Real audit workbooks are a few MB on disk and a few tens of MB of XML.
MB = 1 << 20
#: Size on disk: larger files are refused rather than exhausting memory (the local page streams uploads
#: against it).
MAX_BYTES = 200 * MB
#: Uncompressed size of the whole package (zip bomb: a small file that inflates to fill memory).
MAX_UNCOMPRESSED = 1024 * MB
#: Uncompressed size of one part: a sheet at :data:`MAX_CELLS` short cells (about 25 bytes each) is 250 MB.
MAX_PART_BYTES = 512 * MB
#: Uncompressed / compressed size of one part above :data:`RATIO_FROM` bytes. Spreadsheet XML deflates
#: 5–50×, very repetitive sheets a few hundred times; deflate's own ceiling is about 1 032× — only a part
#: made of one repeated byte pattern comes near it.
MAX_RATIO = 1000
RATIO_FROM = 1 * MB
#: xl/workbook.xml and its relationships, parsed whole: a few KB in real files.
MAX_STRUCTURE_BYTES = 64 * MB
#: xl/sharedStrings.xml, loaded whole when a workbook opens: tens of MB in big real files.
MAX_SHARED_STRINGS = 256 * MB
#: Used area (rows × columns from A1) of one sheet a reader will load.
MAX_CELLS = 10_000_000
#: Cells covered by merged ranges on one sheet (openpyxl makes one object each).
MAX_MERGED_CELLS = 2_000_000

_METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)  # what Excel, LibreOffice and WPS write


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


def check_file(path: Path) -> int:
    """The file's size on disk if it may be an xlsx package; else UnreadableWorkbook saying what it is."""
    size = regular_file(path).st_size
    if size == 0:
        raise UnreadableWorkbook(f"文件为空：{path}")
    if size > MAX_BYTES:
        raise UnreadableWorkbook(f"文件过大（{size / MB:.0f} MB，上限 {MAX_BYTES // MB} MB）：{path}")
    try:
        with open(path, "rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise UnreadableWorkbook(f"无法打开文件（{exc.strerror or exc}）：{path}") from None
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnreadableWorkbook(f"文件已加密（设有打开密码）或为旧版 .xls 格式，请在 Excel 中取消密码并另存为 .xlsx：{path}")
    if not head.startswith(b"PK"):
        raise UnreadableWorkbook(f"不是 Excel .xlsx 工作簿（可能是 CSV、文本或其他格式），请另存为 .xlsx：{path}")
    return size


def check_sizes(path: Path, zf: zipfile.ZipFile) -> None:
    """Refuse a package whose declared sizes pass the limits above, before any part is inflated. The
    declared sizes cannot lie for long: a part inflating beyond its declared size fails its CRC when read."""
    sst = zf.NameToInfo.get("xl/sharedStrings.xml")
    if sst is not None and sst.file_size > MAX_SHARED_STRINGS:  # read whole when the workbook opens
        raise UnreadableWorkbook(f"工作簿的共享字符串表过大（{sst.file_size / MB:.0f} MB），拒绝读取：{path}")
    total = 0
    for info in zf.infolist():
        total += info.file_size
        if info.file_size > MAX_PART_BYTES:
            raise UnreadableWorkbook(f"工作簿部件 {info.filename} 解压后过大（{info.file_size / MB:.0f} MB，"
                                     f"上限 {MAX_PART_BYTES // MB} MB），拒绝读取：{path}")
        if info.file_size > RATIO_FROM and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise UnreadableWorkbook(f"工作簿部件 {info.filename} 的压缩比异常（解压后为压缩时的 "
                                     f"{info.file_size / max(info.compress_size, 1):.0f} 倍，上限 {MAX_RATIO} 倍），"
                                     f"解压后过大的风险，拒绝读取：{path}")
    if total > MAX_UNCOMPRESSED:
        raise UnreadableWorkbook(f"工作簿解压后过大（{total / MB:.0f} MB，上限 {MAX_UNCOMPRESSED // MB} MB），拒绝读取：{path}")


def check_zip(path: Path, zf: zipfile.ZipFile) -> None:
    """Refuse a zip that is not a spreadsheet package one can read safely (see :func:`check_sizes`)."""
    dup = duplicate_member(zf.namelist())
    if dup is not None:
        raise UnreadableWorkbook(f"工作簿中的部件 {dup} 出现了不止一次（压缩包内有同名文件，不同程序会读到不同内容），拒绝读取：{path}")
    names = zf.NameToInfo
    if "xl/workbook.bin" in names:
        raise UnreadableWorkbook(f"这是 .xlsb 二进制工作簿，请在 Excel 中另存为 .xlsx：{path}")
    if "content.xml" in names and "xl/workbook.xml" not in names:
        raise UnreadableWorkbook(f"这是 OpenDocument（.ods）表格，请另存为 .xlsx：{path}")
    if "xl/workbook.xml" not in names:
        raise UnreadableWorkbook(f"压缩包中没有 Excel 工作簿内容，不是 .xlsx 文件：{path}")
    check_sizes(path, zf)
    if any(i.flag_bits & 0x1 for i in zf.infolist()):
        raise UnreadableWorkbook(f"压缩包内的文件设有密码，无法读取：{path}")
    if any(i.compress_type not in _METHODS for i in zf.infolist()):
        raise UnreadableWorkbook(f"工作簿使用了不支持的压缩方式，请在 Excel 中另存为 .xlsx：{path}")


def corrupted(path: Path, part: str, exc: Exception) -> UnreadableWorkbook:
    """The refusal of a package whose part fails to inflate or its CRC."""
    return UnreadableWorkbook(f"工作簿已损坏（{part} 校验失败：{exc}）：{path}")


_ERROR_CELL = re.compile(rb'<c r="([A-Z]+[0-9]+)"[^>]*?t="e"[^>]*>(?:<f[^>]*/>|<f[^>]*>.*?</f>)?<v>([^<]*)</v>', re.S)


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
# The usual sheet (Excel, openpyxl, WPS, LibreOffice): every cell tag starts ``<c r="B12"``, every row tag
# ``<row r="``, no tag has a namespace prefix. Then one literal pattern finds the cells that hold something
# (the same as _CELL_PLAIN) and nothing calls for the positional search: a chunk without a match here is
# measured as the general patterns would measure it.
_NOT_USUAL = re.compile(rb'<(?:c(?:[>/\t\n\r\f\v]| (?!r="[A-Za-z]{1,3}[0-9]{1,7}"))|row(?:[>/]|\s(?!r=")))')
_MAYBE_PREFIXED = re.compile(rb":(?:c|row|mergeCell)[\s/>]")  # no match: no prefixed tag (cheaper than _PREFIXED)
_CELL_USUAL = re.compile(rb'<c r="([A-Za-z]{1,3})([0-9]{1,7})"[^>]*(?<!/)>')
_CHUNK = 16 * 1024 * 1024


def _col_number(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ch - 64
    return n


def _chunks(zf: zipfile.ZipFile, part: str):
    """The part's XML in pieces that end before a tag's '<', so that no tag is cut in two; a part of one
    block (most sheets) in one piece."""
    tail = b""
    with zf.open(part) as fh:
        block = fh.read(_CHUNK)
        while block:
            following = fh.read(_CHUNK)
            buf = tail + block
            if not following:  # the end of the part: nothing to cut
                yield buf
                return
            cut = buf.rfind(b"row>")  # after a whole row, else before the last tag
            cut = cut + 4 if cut >= 0 else buf.rfind(b"<")
            if cut <= 0:
                cut = len(buf)
            yield buf[:cut]
            tail = buf[cut:][:_CHUNK]
            block = following


def sheet_extent(zf: zipfile.ZipFile, part: str) -> Extent:
    """Rows and columns a sheet's cells reach and the cells its merged ranges cover, read in chunks
    from the zip (never the whole part in memory). A file made to look small but reaching far (a
    single cell at XFD1048576) is caught here, before a reader allocates the whole rectangle."""
    rows = cols = merged = biggest = 0
    merge_ref = ""
    positional = False
    written = 0
    errors: dict[str, str] = {}
    for chunk in _chunks(zf, part):
        if b't="e"' in chunk:
            errors.update((c.decode(), html.unescape(v.decode())) for c, v in _ERROR_CELL.findall(chunk))
        usual = _MAYBE_PREFIXED.search(chunk) is None and _NOT_USUAL.search(chunk) is None
        prefixed = not usual and _PREFIXED.search(chunk) is not None  # rare: the general (slower) patterns
        if prefixed or written + len(chunk) // 3 > MAX_CELLS:  # else fewer tags than the limit (3 bytes each)
            tags = chunk.count(b"<c ") + chunk.count(b"<c>") + (len(re.findall(_P + rb"c[\s>]", chunk)) if prefixed else 0)
            if written + tags > MAX_CELLS:  # refused anyway: stop before listing millions of cells
                written += tags
                break
        found = (_CELL_USUAL if usual else _CELL if prefixed else _CELL_PLAIN).findall(chunk)
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
        if not positional and not usual:
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


def sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> zip member, from xl/workbook.xml and its relationships (parsed with defusedxml)."""
    from defusedxml import ElementTree as SafeET

    def xml(name: str):
        info = zf.getinfo(name)
        if info.file_size > MAX_STRUCTURE_BYTES:
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
            repaired = repaired_copy(zf, sheet_parts(zf))
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
