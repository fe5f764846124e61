"""Remove from a Word package whatever Word would run, embed or fetch: a report template is untrusted.

:func:`clean_document` works on the python-docx document after rendering (so nothing a template's tags
produce escapes it) and returns a line per removal, in Chinese, for the warning the user sees:

* relationships to outside the package (``TargetMode="External"``) except ``http(s)`` hyperlinks: an
  attached template fetched when Word opens the file (remote template injection), ``file:``/UNC links,
  external images, frames, sub-documents, mail-merge sources, XSLT transforms;
* relationships that bring in something executable or opaque even inside the package: OLE objects and
  packages (``word/embeddings``), ActiveX controls, VBA projects and their data, toolbars and key maps,
  custom XML parts (data binding), alternative-format chunks (``altChunk``), sub-documents;
* the elements that use them (``w:object``, ``o:OLEObject``, ``w:control``, ``w:altChunk``, ``w:subDoc``,
  ``w:attachedTemplate``, ``w:mailMerge``, ``w:dataBinding``, ``w:frameset``), references to removed
  relationships, VML ``href``/``src`` attributes, ``HyperlinkBase`` in the document properties;
* fields that fetch or run something when Word updates them (and a report updates its fields when it
  opens): ``INCLUDETEXT``, ``INCLUDEPICTURE``, ``LINK``, ``DDE``, ``DDEAUTO``, ``IMPORT``, ``RD``,
  ``DATABASE``, ``MACROBUTTON``, ``PRINT`` and ``HYPERLINK`` fields not to http(s): their instruction is
  emptied, their last result stays as plain text.

:func:`check_template_file` refuses before loading what should not be loaded at all: a macro document
(.docm/.dotm renamed), duplicate zip members, DTDs and entity declarations, a decompression bomb.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from urllib.parse import urlsplit

from lxml import etree

NS_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS_O = "urn:schemas-microsoft-com:office:office"
NS_V = "urn:schemas-microsoft-com:vml"
NS_WX = "http://schemas.microsoft.com/office/word/2006/wordml"
NS_APP = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"

#: last segment of a relationship type -> what it is (removed even inside the package)
DANGEROUS_TYPES = {
    "oleObject": "OLE 嵌入对象",
    "package": "嵌入的文件包",
    "control": "ActiveX 控件",
    "activeXControlBinary": "ActiveX 控件数据",
    "vbaProject": "VBA 宏工程",
    "vbaProjectSignature": "VBA 宏签名",
    "wordVbaData": "VBA 宏数据",
    "vbaData": "VBA 宏数据",
    "attachedToolbars": "自定义工具栏",
    "keyMapCustomizations": "自定义快捷键",
    "customXml": "自定义 XML 部件",
    "customXmlProps": "自定义 XML 部件属性",
    "aFChunk": "外部格式内容块（altChunk）",
    "subDocument": "子文档",
    "attachedTemplate": "附加模板",
    "frame": "框架",
    "mailMergeSource": "邮件合并数据源",
    "mailMergeHeaderSource": "邮件合并数据源",
    "recipientData": "邮件合并收件人",
    "transform": "XSLT 转换",
}
#: elements removed with everything inside them
DANGEROUS_ELEMENTS = {
    (NS_W, "object"): "嵌入对象",
    (NS_O, "OLEObject"): "OLE 嵌入对象",
    (NS_W, "control"): "ActiveX 控件",
    (NS_W, "altChunk"): "外部格式内容块（altChunk）",
    (NS_W, "subDoc"): "子文档",
    (NS_W, "attachedTemplate"): "附加模板",
    (NS_W, "mailMerge"): "邮件合并设置",
    (NS_W, "dataBinding"): "自定义 XML 数据绑定",
    (NS_W, "frameset"): "框架集",
    (NS_W, "attachedSchema"): "附加架构",
    (NS_W, "saveThroughXslt"): "XSLT 转换",
    (NS_APP, "HyperlinkBase"): "超链接基础地址",
}
#: field instructions that fetch or run something when the field is updated
DANGEROUS_FIELDS = {"INCLUDETEXT", "INCLUDEPICTURE", "INCLUDE", "IMPORT", "LINK", "DDE", "DDEAUTO", "RD", "DATABASE",
                    "MACROBUTTON", "PRINT", "AUTOTEXTLIST"}
URL_ATTRIBUTES = {"href", "src", "althref"}  # on VML and Office elements: links fetched to draw them
MACRO_TYPES = ("macroEnabled", "vbaProject", "vbaData")
MAX_TEMPLATE_BYTES = 100 * 1024 * 1024


class TemplateRefused(Exception):
    """The template is refused as a whole (message in Chinese)."""


def _kind(reltype: str) -> str:
    return reltype.rstrip("/").rsplit("/", 1)[-1]


def _ordinary_link(target: str) -> bool:
    try:
        parts = urlsplit(target.strip())
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


def _short(text: str, n: int = 80) -> str:
    text = re.sub(r"\s+", " ", str(text))
    return text if len(text) <= n else text[: n - 1] + "…"


# ---- before loading ---------------------------------------------------------------------------------


def check_template_file(path: Path) -> None:
    """Refuse a template that should not be opened at all. Raises TemplateRefused."""
    from cpxl.workbook.read import duplicate_member

    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            names = [i.filename for i in infos]
            if "word/document.xml" not in names:
                raise TemplateRefused(f"报告模板不是 Word .docx 文件：{path}")
            dup = duplicate_member(names)
            if dup is not None:
                raise TemplateRefused(f"报告模板中的部件 {dup} 出现了不止一次（压缩包内有同名文件），拒绝使用：{path}")
            if sum(i.file_size for i in infos) > MAX_TEMPLATE_BYTES:  # refuse before decompressing a bomb
                raise TemplateRefused(f"报告模板解压后过大（上限 {MAX_TEMPLATE_BYTES // 2**20} MB）：{path}")
            types = zf.read("[Content_Types].xml") if "[Content_Types].xml" in names else b""
            if any(t.encode() in types for t in MACRO_TYPES) or any(n.lower().endswith("vbaproject.bin") for n in names):
                raise TemplateRefused(f"报告模板含宏（.docm/.dotm），拒绝使用；请在 Word 中另存为不含宏的 .docx：{path}")
            for info in infos:
                if info.filename.lower().endswith((".xml", ".rels")) or info.filename == "[Content_Types].xml":
                    with zf.open(info) as fh:
                        head = fh.read(64 * 1024)
                    if b"<!DOCTYPE" in head or b"<!ENTITY" in head or b"<\x00!\x00D\x00O\x00C" in head:
                        raise TemplateRefused(f"报告模板的部件 {info.filename} 含 DTD/实体声明（Word 不会写出这种内容），拒绝使用：{path}")
    except zipfile.BadZipFile:
        raise TemplateRefused(f"报告模板不是 Word .docx 文件（.doc 请在 Word 中另存为 .docx）：{path}") from None
    except (OSError, EOFError, RuntimeError, NotImplementedError, zipfile.LargeZipFile) as exc:
        raise TemplateRefused(f"报告模板无法读取（{exc}）：{path}") from None


# ---- after rendering --------------------------------------------------------------------------------


def _xml_parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


class _Cleaner:
    def __init__(self):
        self.removed: list[str] = []

    def note(self, text: str, kind: str = "") -> None:
        """Add `text`; with `kind`, only when nothing of that kind (a relationship of it) is listed yet."""
        if kind and any(r.startswith(kind) or r.startswith(f"OLE {kind}") for r in self.removed):
            return
        if text not in self.removed:
            self.removed.append(text)

    # relationships

    def clean_rels(self, owner, rels, where: str) -> set[str]:
        """Drop the relationships that must go; return the ids dropped."""
        dropped = set()
        for rid, rel in list(rels.items()):
            kind = _kind(rel.reltype)
            if rel.is_external:
                target = rel.target_ref
                if kind == "hyperlink" and _ordinary_link(target):
                    continue
                what = DANGEROUS_TYPES.get(kind, {"hyperlink": "超链接", "image": "外部图片"}.get(kind, f"外部链接（{kind}）"))
                self.note(f"{what} {_short(target)}")
            elif kind in DANGEROUS_TYPES:
                name = str(rel.target_part.partname).lstrip("/")
                if not _empty_bibliography(rel):  # python-docx's and Word's own empty source list: not worth a word
                    self.note(f"{DANGEROUS_TYPES[kind]} {name}")
            else:
                continue
            del rels[rid]
            dropped.add(rid)
        return dropped

    # XML

    def clean_tree(self, root, rids: set[str]) -> bool:
        """Remove dangerous elements, neutralise dangerous fields, drop references to relationships that are
        not there. True when anything changed."""
        changed = False
        found = []
        for el in root.iter():
            if not isinstance(el.tag, str):
                continue
            qn = etree.QName(el)
            what = DANGEROUS_ELEMENTS.get((qn.namespace, qn.localname))
            if what is not None and qn.localname == "HyperlinkBase" and not (el.text or "").strip():
                what = None  # empty, as Word writes it
            if what is not None and el.getparent() is not None:
                found.append((el, what))
        inside = {el for el, _ in found}
        for el, what in found:
            if any(a in inside for a in el.iterancestors()):  # goes with the element around it
                continue
            qn = etree.QName(el)
            detail = ""
            if qn.localname == "object":
                ole = el.find(f".//{{{NS_O}}}OLEObject")
                detail = ole.get("ProgID", "") if ole is not None else ""
            elif qn.localname == "OLEObject":
                detail = el.get("ProgID", "")
            elif qn.localname == "HyperlinkBase":
                detail = el.text or ""
            self.note(what + (f"（{_short(detail, 40)}）" if detail else ""), kind=what)
            el.getparent().remove(el)
            changed = True
        for el in root.iter():
            if not isinstance(el.tag, str):
                continue
            qn = etree.QName(el)
            for attr in list(el.attrib):
                aq = etree.QName(attr)
                if aq.namespace == NS_R and el.get(attr) not in rids:
                    del el.attrib[attr]
                    changed = True
                elif aq.localname in URL_ATTRIBUTES and qn.namespace in (NS_V, NS_O):
                    self.note(f"VML 外部链接 {_short(el.get(attr))}")
                    del el.attrib[attr]
                    changed = True
        changed |= self.clean_fields(root)
        return changed

    def clean_fields(self, root) -> bool:
        changed = False
        for fld in list(root.iter(f"{{{NS_W}}}fldSimple")):
            instr = fld.get(f"{{{NS_W}}}instr", "")
            if _dangerous_field(instr):
                self.note(f"域 {_short(instr.strip(), 60)}")
                parent = fld.getparent()
                if parent is None:
                    continue
                i = parent.index(fld)
                for child in list(fld):  # the cached result stays as plain runs
                    parent.insert(i, child)
                    i += 1
                parent.remove(fld)
                changed = True
        stack: list[list] = []  # complex fields: [instruction pieces, instrText elements]
        for el in root.iter(f"{{{NS_W}}}fldChar", f"{{{NS_W}}}instrText", f"{{{NS_W}}}delInstrText"):
            local = etree.QName(el).localname
            if local == "fldChar":
                kind = el.get(f"{{{NS_W}}}fldCharType")
                if kind == "begin":
                    stack.append([[], []])
                elif kind in ("separate", "end") and stack:
                    top = stack[-1]
                    if top is not None:
                        instr = "".join(top[0])
                        if _dangerous_field(instr):
                            self.note(f"域 {_short(instr.strip(), 60)}")
                            for t in top[1]:
                                t.text = ""
                            changed = True
                        stack[-1] = None  # the instruction ends here; the result follows
                    if kind == "end":
                        stack.pop()
            elif stack and stack[-1] is not None:
                stack[-1][0].append(el.text or "")
                stack[-1][1].append(el)
        return changed


def _empty_bibliography(rel) -> bool:
    if _kind(rel.reltype) != "customXml":
        return False
    try:
        root = etree.fromstring(rel.target_part.blob, _xml_parser())
    except Exception:  # noqa: BLE001 - not XML: not the empty source list
        return False
    return etree.QName(root).localname == "Sources" and "bibliography" in (etree.QName(root).namespace or "") and len(root) == 0


def _dangerous_field(instr: str) -> bool:
    words = instr.strip().split(None, 1)
    if not words:
        return False
    code = words[0].upper()
    if code in DANGEROUS_FIELDS:
        return True
    if code != "HYPERLINK" or len(words) < 2:
        return False
    rest = words[1].strip()
    if rest.startswith("\\") and not rest.startswith("\\\\"):  # a switch (\l "bookmark"): inside the document
        return False
    m = re.match(r'"([^"]*)"|(\S+)', rest)
    target = (m[1] if m[1] is not None else m[2]) if m else ""
    return not _ordinary_link(target)


def clean_document(doc) -> list[str]:
    """Clean the python-docx document `doc` in place; return what was removed (Chinese, one item each)."""
    from docx.opc.part import XmlPart

    c = _Cleaner()
    package = doc.part.package
    c.clean_rels(package, package.rels, "")
    seen = set()
    pending = [rel.target_part for rel in package.rels.values() if not rel.is_external]
    while pending:  # the parts still reachable, each once
        part = pending.pop()
        if id(part) in seen:
            continue
        seen.add(id(part))
        c.clean_rels(part, part.rels, str(part.partname))
        rids = set(part.rels.keys())
        if isinstance(part, XmlPart):
            c.clean_tree(part._element, rids)
        elif part.content_type.endswith("+xml") or part.content_type.endswith("/xml"):
            try:
                root = etree.fromstring(part.blob, _xml_parser())
            except etree.XMLSyntaxError:
                continue
            if c.clean_tree(root, rids):
                part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
        pending.extend(rel.target_part for rel in part.rels.values() if not rel.is_external)
    return c.removed


__all__ = ["DANGEROUS_FIELDS", "DANGEROUS_TYPES", "TemplateRefused", "check_template_file", "clean_document"]
