"""What `read_workbook` says about files it cannot read, and about sheets and cells it reads only in part:
a one-line Chinese refusal naming the file, or a finding naming the sheet and the cell.

Each file is a blank audit workbook (cpxl new) with one part of its package changed."""

from __future__ import annotations

import os
import re
import struct
import zipfile
from pathlib import Path

import pytest
from hostile.corpus import rewrite

from cpxl.errors import UnreadableWorkbook
from cpxl.workbook.check import check_book
from cpxl.workbook.read import read_workbook

COVER = "xl/worksheets/sheet2.xml"  # 封面信息, the second sheet (after 目录); 企业名称 in B4


@pytest.fixture(scope="module")
def blank(tmp_path_factory) -> Path:
    from cpxl.workbook.build import build_workbook, save_workbook

    return save_workbook(build_workbook("audit"), tmp_path_factory.mktemp("blank") / "空白.xlsx")


def sheet_part(book_path: Path, table_id: str) -> tuple[str, str]:
    """(sheet name, zip member) of a table in a workbook made by cpxl new (sheetN in order of the sheets)."""
    name = read_workbook(book_path)[table_id].sheet
    with zipfile.ZipFile(book_path) as z:
        names = re.findall(r'name="([^"]+)"', z.read("xl/workbook.xml").decode())
    return name, f"xl/worksheets/sheet{names.index(name) + 1}.xml"


def unreadable(path: Path) -> str:
    with pytest.raises(UnreadableWorkbook) as info:
        read_workbook(path)
    message = str(info.value)
    assert "\n" not in message and str(path) in message, message
    return message


def with_company(xml: bytes, cell_xml: str) -> bytes:
    """The cover sheet with its B4 cell (企业名称, written empty by cpxl new) replaced by `cell_xml`."""
    new, n = re.subn(rb'<c r="B4"[^>]*?(?:/>|>.*?</c>)', cell_xml.encode(), xml, count=1)
    assert n == 1
    return new


# ---- refused files -----------------------------------------------------------------------------------------


def test_empty_and_oversized_files(tmp_path):
    empty = tmp_path / "空.xlsx"
    empty.write_bytes(b"")
    assert unreadable(empty) == f"文件为空：{empty}"
    big = tmp_path / "大.xlsx"
    with open(big, "wb") as fh:  # sparse: 201 MB declared, nothing written
        fh.truncate(201 * 2**20)
    assert unreadable(big) == f"文件过大（201 MB，上限 200 MB）：{big}"


def test_other_formats_in_a_zip(blank, tmp_path):
    xlsb = rewrite(blank, tmp_path / "二进制.xlsx", {}, add={"xl/workbook.bin": b"\0"})
    assert unreadable(xlsb) == f"这是 .xlsb 二进制工作簿，请在 Excel 中另存为 .xlsx：{xlsb}"
    ods = tmp_path / "表格.xlsx"
    with zipfile.ZipFile(ods, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", "<office:document-content/>")
    assert unreadable(ods) == f"这是 OpenDocument（.ods）表格，请另存为 .xlsx：{ods}"
    dup = tmp_path / "重复.xlsx"
    with zipfile.ZipFile(blank) as zin, zipfile.ZipFile(dup, "w") as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, zin.read(info))
        zout.writestr("XL/Workbook.xml", b"<workbook/>")  # part names compare without case
    assert unreadable(dup) == f"工作簿中的部件 XL/Workbook.xml 出现了不止一次（压缩包内有同名文件，不同程序会读到不同内容），拒绝读取：{dup}"


def central_directory_patch(src: Path, dst: Path, member: str, offset: int, fmt: str, value) -> Path:
    """`src` with one field of `member`'s central directory entry set to `value` (struct format `fmt`)."""
    data = bytearray(src.read_bytes())
    end = data.rfind(b"PK\x05\x06")  # end of central directory: the directory's offset at +16
    at = struct.unpack_from("<I", data, end + 16)[0]
    while data[at: at + 4] == b"PK\x01\x02":
        name_len, extra_len, comment_len = struct.unpack_from("<HHH", data, at + 28)
        if data[at + 46: at + 46 + name_len] == member.encode():
            struct.pack_into(fmt, data, at + offset, value)
            dst.write_bytes(data)
            return dst
        at += 46 + name_len + extra_len + comment_len
    raise AssertionError(member)


def test_damaged_zip_entries(blank, tmp_path):
    # central directory entry: flags at +8, compression method at +10, CRC-32 at +16 (APPNOTE 4.3.12)
    locked = central_directory_patch(blank, tmp_path / "加密条目.xlsx", "xl/workbook.xml", 8, "<H", 0x1)
    assert unreadable(locked) == f"压缩包内的文件设有密码，无法读取：{locked}"
    crc = central_directory_patch(blank, tmp_path / "校验.xlsx", "xl/styles.xml", 16, "<I", 0)
    assert unreadable(crc) == f"工作簿已损坏（xl/styles.xml 校验失败）：{crc}"
    method = central_directory_patch(blank, tmp_path / "压缩方式.xlsx", "xl/workbook.xml", 10, "<H", 99)
    assert unreadable(method) == f"工作簿使用了不支持的压缩方式，请在 Excel 中另存为 .xlsx：{method}"


def test_unparsable_workbook_structure_is_refused(blank, tmp_path):
    dtd = rewrite(blank, tmp_path / "实体.xlsx", {  # defusedxml refuses entity declarations
        "xl/workbook.xml": lambda x: b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaa">]>' + x})
    assert unreadable(dtd) == f"工作簿已损坏或不完整（不是有效的 zip/xlsx）：{dtd}"
    cut = rewrite(blank, tmp_path / "截断.xlsx", {"xl/workbook.xml": lambda x: x[: len(x) // 2]})
    assert unreadable(cut) == f"工作簿结构无法解析（ParseError），不是有效的 .xlsx：{cut}"


def test_a_special_file_is_named_without_being_opened(tmp_path):
    fifo = tmp_path / "管道.xlsx"
    os.mkfifo(fifo)
    assert unreadable(fifo) == f"不是普通文件（命名管道（FIFO）），不是工作簿：{fifo}"
    link = tmp_path / "链接.xlsx"
    link.symlink_to(tmp_path / "不存在.xlsx")
    assert unreadable(link) == f"找不到文件：{link}（是指向不存在位置的链接）"


# ---- read in part: findings at the sheet and cell ----------------------------------------------------------


def test_invalid_character_reference_in_a_cell(blank, tmp_path):
    # a lone surrogate written as a character reference (some programs do): calamine refuses the sheet; it is
    # read from a repaired copy and the cell is named
    src = rewrite(blank, tmp_path / "代理项.xlsx", {
        COVER: lambda x: with_company(x, '<c r="B4" t="inlineStr"><is><t>清泉&#xD800;啤酒</t></is></c>')})
    book = read_workbook(src)
    assert book.cover["company"] == "清泉\ufffd啤酒"
    hits = [f for f in book.findings if f.rule == "bad_character"]
    assert [(f.sheet, f.cell, f.severity) for f in hits] == [("封面信息", "B4", "error")]
    assert hits[0].message == "单元格含 XML 不允许的字符 &#xD800;（如孤立的代理项，多由其他程序写入），已按“\ufffd”读取；请重新输入该单元格"
    assert any(f.rule == "bad_character" and f.cell == "B4" for f in check_book(book))


def test_invalid_character_reference_in_a_shared_string(blank, tmp_path):
    # cpxl new writes inline strings: a shared string table is added, its second string holding a lone surrogate
    rel = (b'<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
           b'Target="sharedStrings.xml"/></Relationships>')
    override = (b'<Override PartName="/xl/sharedStrings.xml" '
                b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
    sst = ('<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="2" uniqueCount="2">'
           "<si><t>好字</t></si><si><t>坏&#xDC00;字</t></si></sst>").encode()
    src = rewrite(blank, tmp_path / "共享字符串.xlsx", {
        "xl/_rels/workbook.xml.rels": lambda x: x.replace(b"</Relationships>", rel),
        "[Content_Types].xml": lambda x: x.replace(b"</Types>", override),
        COVER: lambda x: with_company(x, '<c r="B4" t="s"><v>1</v></c>')}, add={"xl/sharedStrings.xml": sst})
    book = read_workbook(src)
    assert book.cover["company"] == "坏\ufffd字"
    hits = [f for f in book.findings if f.rule == "bad_character"]
    assert [(f.sheet, f.cell) for f in hits] == [("封面信息", "B4")] and "&#xDC00;" in hits[0].message


def test_calc_names_the_cells_with_invalid_character_references(blank, tmp_path):
    """`cpxl calc` refuses such a workbook (it cannot write it back unchanged) and names the cell, like check."""
    from cpxl.workbook.engine import EvaluateError, calc_workbook

    in_cell = rewrite(blank, tmp_path / "代理项.xlsx", {
        COVER: lambda x: with_company(x, '<c r="B4" t="inlineStr"><is><t>清泉&#xD800;啤酒</t></is></c>')})
    with pytest.raises(EvaluateError) as refused:
        calc_workbook(in_cell, tmp_path / "out.xlsx")
    assert str(refused.value) == f"工作簿含 XML 不允许的字符引用，无法计算：封面信息!B4（&#xD800;）；请重新输入这些单元格：{in_cell}"
    assert not (tmp_path / "out.xlsx").exists()


def test_a_sheet_reaching_far_is_not_loaded(blank, tmp_path):
    def far(x: bytes) -> bytes:
        return x.replace(b"</sheetData>", b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>')

    equipment, part = sheet_part(blank, "D.5")
    src = rewrite(blank, tmp_path / "远处.xlsx", {part: far})
    book = read_workbook(src)
    hit = next(f for f in book.findings if f.rule == "sheet_too_large")
    assert (hit.sheet, hit.cell, hit.severity) == (equipment, "XFD1048576", "error")
    # 1 048 576 rows × 16 384 columns is far beyond 10 000 000 cells
    assert hit.message == (f"工作表“{equipment}”的已用区域过大：内容一直延伸到 XFD1048576（1048576 行 × 16384 列，"
                           "上限 10,000,000 个单元格），未读取。请删除远处多余的单元格后另存")
    assert not book["D.5"].present


def test_a_damaged_sheet_is_a_finding_and_the_rest_is_read(blank, tmp_path):
    equipment, part = sheet_part(blank, "D.5")
    src = rewrite(blank, tmp_path / "损坏的表.xlsx", {
        part: lambda x: x.replace(b"</sheetData>", b"<row><c><v>1</v></row></sheetData>"),
        COVER: lambda x: with_company(x, '<c r="B4" t="inlineStr"><is><t>清泉啤酒</t></is></c>')})
    book = read_workbook(src)
    hit = next(f for f in book.findings if f.rule == "unreadable_sheet")
    assert (hit.sheet, hit.cell) == (equipment, "A1")
    assert hit.message.startswith("无法读取该工作表（内容损坏或含不允许的 XML 结构）：")
    assert book.cover["company"] == "清泉啤酒"  # the other sheets are read


def test_relative_and_case_differing_sheet_targets_are_found(blank, tmp_path):
    # Excel writes targets relative to xl/ ("worksheets/sheet1.xml"); some tools differ in case
    def relative(x: bytes) -> bytes:
        return re.sub(rb'Target="/xl/(worksheets/sheet\d+\.xml)"', lambda m: b'Target="' + m[1].upper() + b'"', x)

    src = rewrite(blank, tmp_path / "相对.xlsx", {
        "xl/_rels/workbook.xml.rels": relative,
        COVER: lambda x: with_company(x, '<c r="B4" t="inlineStr"><is><t>相对路径</t></is></c>')})
    book = read_workbook(src)
    assert book.cover["company"] == "相对路径"
    assert [t.table.id for t in book.tables.values() if not t.present] == []  # every sheet found, as in the original
