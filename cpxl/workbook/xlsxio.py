"""Low-level, defensive access to an xlsx package (a zip of XML parts).

Used where openpyxl cannot do the job: writing a formula cell's cached value next to its
formula, and copying every other part of a workbook byte for byte.

Safety: XML is parsed with entity resolution and network access off and without
``huge_tree``; the zip's declared sizes are checked by the package guard
(:mod:`cpxl.workbook.package`) before anything is read, so that a "zip bomb" is refused
instead of filling memory.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from cpxl.errors import UnreadableWorkbook

from .package import check_sizes

NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_REL_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
NS_REL_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
REL_OFFICE_DOC = NS_REL_DOC + "/officeDocument"
REL_WORKSHEET = NS_REL_DOC + "/worksheet"

# Main part content type -> the file extension Excel insists on for it.
WORKBOOK_TYPES = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": ".xlsx",
    "application/vnd.ms-excel.sheet.macroEnabled.main+xml": ".xlsm",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml": ".xltx",
    "application/vnd.ms-excel.template.macroEnabled.main+xml": ".xltm",
}


class PackageError(Exception):
    """The file is not a readable xlsx package (message in Chinese, names the file)."""


def xml_parser() -> etree.XMLParser:
    """A parser that never expands entities, never touches the network, keeps limits."""
    return etree.XMLParser(
        resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False
    )


def parse_xml(data: bytes, *, what: str) -> etree._ElementTree:
    try:
        tree = etree.ElementTree(etree.fromstring(data, xml_parser()))
    except etree.XMLSyntaxError as ex:
        raise PackageError(f"工作簿部件 {what} 不是有效的 XML：{ex}") from None
    if tree.docinfo.doctype:  # entity declarations: never written by a spreadsheet, refused rather than carried on
        raise PackageError(f"工作簿部件 {what} 含有文档类型声明（DOCTYPE），这不是电子表格软件写出的内容，已拒绝")
    return tree


def serialize_xml(tree: etree._ElementTree) -> bytes:
    # The declaration exactly as Excel writes it (lxml would use single quotes).
    standalone = tree.docinfo.standalone
    head = '<?xml version="1.0" encoding="UTF-8"%s?>\r\n' % (
        ' standalone="no"' if standalone is False else ' standalone="yes"'
    )
    return head.encode() + etree.tostring(tree, encoding="UTF-8", xml_declaration=False)


@dataclass
class SheetPart:
    name: str  # as shown on the sheet tab
    part: str  # zip member name, e.g. "xl/worksheets/sheet1.xml"


@dataclass
class Package:
    """An opened xlsx: the zip plus where its workbook and worksheets live."""

    path: Path
    zip: zipfile.ZipFile
    workbook_part: str
    workbook_type: str
    sheets: list[SheetPart] = field(default_factory=list)

    @property
    def extension(self) -> str:
        return WORKBOOK_TYPES.get(self.workbook_type, ".xlsx")

    def read(self, name: str) -> bytes:
        try:
            return self.zip.read(name)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as ex:
            raise PackageError(f"文件已损坏，无法读取部件 {name}：{self.path}（{ex}）") from None

    def xml(self, name: str) -> etree._ElementTree:
        return parse_xml(self.read(name), what=name)

    def close(self) -> None:
        self.zip.close()


def _check_sizes(path: Path, zf: zipfile.ZipFile) -> None:
    """The package guard's size limits (the reader's: ``check`` and ``calc`` refuse the same files)."""
    try:
        check_sizes(path, zf)
    except UnreadableWorkbook as exc:
        raise PackageError(str(exc)) from None


def _rels_path(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


def _resolve(base_part: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(base_part), target))


def relationships(pkg: Package, part: str) -> list[tuple[str, str, str, str]]:
    """(Id, Type, resolved target, TargetMode) of a part's relationships; [] when none."""
    rels = _rels_path(part) if part else "_rels/.rels"
    if rels not in pkg.zip.NameToInfo:
        return []
    out = []
    for rel in pkg.xml(rels).getroot().iter(f"{{{NS_REL_PKG}}}Relationship"):
        mode = rel.get("TargetMode", "Internal")
        target = rel.get("Target", "")
        if mode != "External":
            target = _resolve(part or "/", target) if part else target.lstrip("/")
        out.append((rel.get("Id", ""), rel.get("Type", ""), target, mode))
    return out


def open_package(path: Path) -> Package:
    """Open ``path`` as an xlsx package, or raise PackageError with a Chinese message."""
    if not path.exists():
        raise PackageError(f"找不到输入文件：{path}")
    if not path.is_file():
        raise PackageError(f"输入路径不是文件：{path}")
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        raise PackageError(
            f"不是有效的 xlsx 工作簿（不是 zip 包，可能是旧版 .xls、已加密或已损坏）：{path}"
        ) from None
    try:
        _check_sizes(path, zf)
        if "[Content_Types].xml" not in zf.NameToInfo:
            raise PackageError(f"不是 Excel 工作簿（缺少 [Content_Types].xml）：{path}")
        pkg = Package(path=path, zip=zf, workbook_part="", workbook_type="")
        office = [t for _, typ, t, _m in relationships(pkg, "") if typ == REL_OFFICE_DOC]
        part = office[0] if office else "xl/workbook.xml"
        if part not in zf.NameToInfo:
            raise PackageError(f"不是 Excel 工作簿（缺少 {part}）：{path}")
        pkg.workbook_part = part
        pkg.workbook_type = content_types(pkg).get(part, "")
        if pkg.workbook_type not in WORKBOOK_TYPES:
            raise PackageError(
                f"不支持的工作簿类型（{pkg.workbook_type or '未知'}），"
                f"只支持 .xlsx/.xlsm/.xltx/.xltm：{path}"
            )
        targets = {
            rid: target
            for rid, typ, target, _m in relationships(pkg, part)
            if typ == REL_WORKSHEET
        }
        root = pkg.xml(part).getroot()
        ns = root.tag[1:].split("}")[0] if root.tag.startswith("{") else NS_MAIN
        for sheet in root.iter(f"{{{ns}}}sheet"):
            rid = sheet.get(f"{{{NS_REL_DOC}}}id")
            if rid in targets and targets[rid] in zf.NameToInfo:
                pkg.sheets.append(SheetPart(sheet.get("name", ""), targets[rid]))
        return pkg
    except BaseException:
        zf.close()
        raise


def content_types(pkg: Package) -> dict[str, str]:
    """Part name (without leading '/') -> content type, overrides applied to defaults."""
    root = pkg.xml("[Content_Types].xml").getroot()
    defaults = {
        d.get("Extension", "").lower(): d.get("ContentType", "")
        for d in root.iter(f"{{{NS_CT}}}Default")
    }
    out = {}
    for name in pkg.zip.NameToInfo:
        ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
        if ext in defaults:
            out[name] = defaults[ext]
    for o in root.iter(f"{{{NS_CT}}}Override"):
        out[o.get("PartName", "").lstrip("/")] = o.get("ContentType", "")
    return out


def _clone_info(info: zipfile.ZipInfo) -> zipfile.ZipInfo:
    # A fresh ZipInfo: writing mutates it, and the source archive still needs its own.
    new = zipfile.ZipInfo(info.filename, date_time=info.date_time)
    new.compress_type = info.compress_type
    new.external_attr = info.external_attr
    new.create_system = info.create_system
    return new


def copy_package(
    pkg: Package, out: zipfile.ZipFile, replace: dict[str, bytes], drop: set[str] = frozenset()
) -> None:
    """Copy every member of ``pkg`` into ``out`` in order, substituting ``replace`` bodies."""
    for info in pkg.zip.infolist():
        if info.filename in drop:
            continue
        if info.filename in replace:
            new = _clone_info(info)
            new.compress_type = zipfile.ZIP_DEFLATED
            out.writestr(new, replace[info.filename])
            continue
        try:
            # zip64 headers only where the size needs them: some readers reject them
            big = info.file_size >= zipfile.ZIP64_LIMIT
            with pkg.zip.open(info) as src, out.open(
                _clone_info(info), "w", force_zip64=big
            ) as dst:
                while chunk := src.read(1 << 20):
                    dst.write(chunk)
        except (zipfile.BadZipFile, zlib.error, EOFError) as ex:
            raise PackageError(
                f"文件已损坏，无法读取部件 {info.filename}：{pkg.path}（{ex}）"
            ) from None


_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_ESCAPE_LIKE = re.compile(r"_(x[0-9A-Fa-f]{4}_)")


def xml_text(value: str) -> str:
    """Text safe for an XML element, using Excel's ``_xHHHH_`` escapes (ST_Xstring)."""
    value = _ESCAPE_LIKE.sub(r"_x005F_\1", value)
    return _ILLEGAL_XML.sub(lambda m: f"_x{ord(m.group()):04X}_", value)
