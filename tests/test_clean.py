"""What cpxl.report.clean takes out of a report made from an untrusted template, and what it refuses before
opening one: each kind of relationship, element, attribute and field Word would run, embed or fetch, the
Chinese line the user is shown for it, and the ordinary content that must stay."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from lxml import etree

from cpxl.report import clean
from cpxl.report.clean import TemplateRefused, check_template_file, clean_document
from cpxl.report.templates import template_path

R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
RT = R + "/"
NS = (f'xmlns:w="{clean.NS_W}" xmlns:r="{R}" xmlns:o="{clean.NS_O}" xmlns:v="{clean.NS_V}"')


def body_xml(doc) -> str:
    return etree.tostring(doc.element.body, encoding="unicode")


def add_body(doc, xml: str) -> None:
    """A paragraph holding `xml`, after the body's paragraphs (before its section properties)."""
    body = doc.element.body
    body.insert(len(body) - 1, parse_xml(f"<w:p {NS}>{xml}</w:p>"))


def part_of(doc, reltype: str):
    return next(rel.target_part for rel in doc.part.rels.values() if rel.reltype == RT + reltype)


def texts(el) -> str:
    return "".join(t.text or "" for t in el.iter(f"{{{clean.NS_W}}}t"))


def add_part(doc, name: str, content_type: str, reltype: str, blob: bytes, owner=None) -> str:
    owner = owner or doc.part
    part = Part(PackURI(name), content_type, blob, doc.part.package)
    return owner.relate_to(part, RT + reltype)


def test_blank_and_shipped_documents_keep_their_parts():
    # python-docx's blank document and the shipped template hold an empty bibliography (customXml): it is
    # dropped like any custom XML part but not named; every other part stays
    for doc in (Document(), Document(str(template_path("audit")))):
        kinds = [rel.reltype.rsplit("/", 1)[-1] for rel in doc.part.rels.values()]
        assert "customXml" in kinds
        assert clean_document(doc) == []
        assert [rel.reltype.rsplit("/", 1)[-1] for rel in doc.part.rels.values()] == [k for k in kinds if k != "customXml"]


def test_external_relationships_go_except_web_hyperlinks():
    doc = Document()
    part = doc.part
    web = part.relate_to("https://www.mee.gov.cn/", RT + "hyperlink", is_external=True)
    local = part.relate_to("file:///etc/passwd", RT + "hyperlink", is_external=True)
    part.rels.add_relationship(RT + "hyperlink", "file:///etc/passwd", "rIdAgain", is_external=True)  # one line for both
    part.relate_to("http://[::1", RT + "hyperlink", is_external=True)  # not a URL urlsplit accepts
    part.relate_to("https:relative", RT + "hyperlink", is_external=True)  # no host
    part.relate_to("http://example.com/track.png", RT + "image", is_external=True)
    part.relate_to("\\\\server\\share\\part.docx", RT + "subDocument", is_external=True)
    part.relate_to("http://example.com/clip.mp4", RT + "video", is_external=True)
    long_target = "http://example.com/" + "x" * 100
    part.relate_to(long_target, RT + "image", is_external=True)
    settings = part_of(doc, "settings")
    template_link = settings.relate_to("https://evil.example/t.dotm", RT + "attachedTemplate", is_external=True)
    settings.element.insert(0, parse_xml(f'<w:attachedTemplate {NS} r:id="{template_link}"/>'))
    add_body(doc, f'<w:hyperlink r:id="{web}"><w:r><w:t>生态环境部</w:t></w:r></w:hyperlink>'
                  f'<w:hyperlink r:id="{local}"><w:r><w:t>本地文件</w:t></w:r></w:hyperlink>')

    removed = clean_document(doc)

    assert removed == [
        "超链接 file:///etc/passwd",
        "超链接 http://[::1",
        "超链接 https:relative",
        "外部图片 http://example.com/track.png",
        "子文档 \\\\server\\share\\part.docx",
        "外部链接（video） http://example.com/clip.mp4",
        "外部图片 " + long_target[:79] + "…",  # shortened to 80 characters
        "附加模板 https://evil.example/t.dotm",  # the w:attachedTemplate element is not listed a second time
    ], removed
    targets = [rel.target_ref for rel in doc.part.rels.values() if rel.is_external]
    assert targets == ["https://www.mee.gov.cn/"]
    assert not any(rel.is_external for rel in settings.rels.values())
    assert "attachedTemplate" not in etree.tostring(settings.element, encoding="unicode")
    xml = body_xml(doc)
    assert f'r:id="{web}"' in xml and f'r:id="{local}"' not in xml  # a reference to a removed link goes
    assert "本地文件" in xml and "生态环境部" in xml  # the text stays


def test_embedded_objects_macros_and_custom_xml_go():
    doc = Document()
    ole = add_part(doc, "/word/embeddings/oleObject1.bin", "application/vnd.openxmlformats-officedocument.oleObject",
                   "oleObject", b"\xd0\xcf\x11\xe0")
    add_part(doc, "/word/vbaProject.bin", "application/vnd.ms-office.vbaProject", "vbaProject", b"\0")
    add_part(doc, "/customXml/item2.xml", "application/xml", "customXml", b"<data><secret>1</secret></data>")
    add_part(doc, "/customXml/item3.xml", "application/xml", "customXml", b"not xml at all")
    add_part(doc, "/word/notes.xml", "application/xml", "custom", b"<unclosed>")  # unreadable XML: left as it is
    add_body(doc, f'<w:r><w:object><v:shape id="s1"/><o:OLEObject ProgID="Excel.Sheet.12" r:id="{ole}"/></w:object></w:r>'
                  '<w:r><w:t>正文</w:t></w:r>')
    add_body(doc, '<w:r><o:OLEObject ProgID="Package"/></w:r>')  # an OLE object outside w:object
    doc.element.body.insert(0, parse_xml(f'<w:altChunk {NS} r:id="rId999"/>'))
    doc.element.body.insert(0, parse_xml(f'<w:altChunk {NS} r:id="rId998"/>'))
    add_body(doc, '<w:r><w:control r:id="rId997"/></w:r>')

    removed = clean_document(doc)

    assert removed == [
        "OLE 嵌入对象 word/embeddings/oleObject1.bin",
        "VBA 宏工程 word/vbaProject.bin",
        "自定义 XML 部件 customXml/item2.xml",
        "自定义 XML 部件 customXml/item3.xml",
        "外部格式内容块（altChunk）",  # two of them, one line
        "ActiveX 控件",
    ], removed  # w:object and the loose o:OLEObject are removed, not listed again: their OLE relationship is
    kept = {rel.reltype.rsplit("/", 1)[-1] for rel in doc.part.rels.values()}
    assert {"oleObject", "vbaProject", "customXml"}.isdisjoint(kept) and "custom" in kept
    xml = body_xml(doc)
    for gone in ("w:object", "OLEObject", "altChunk", "w:control"):
        assert gone not in xml, gone
    assert "正文" in xml


def test_vml_links_are_taken_off_their_shapes():
    doc = Document()
    add_body(doc, '<w:r><w:pict><v:shape id="s"><v:imagedata o:href="file://server/share/a.png" src="http://x.example/b.png"/>'
                  '<v:fill src="\\\\server\\bg.png"/></v:shape></w:pict></w:r>')
    removed = clean_document(doc)
    assert removed == ["VML 外部链接 file://server/share/a.png", "VML 外部链接 http://x.example/b.png",
                       "VML 外部链接 \\\\server\\bg.png"], removed
    xml = body_xml(doc)
    assert "href" not in xml and "src=" not in xml and "v:imagedata" in xml and "v:fill" in xml


def run(text: str) -> str:
    return f"<w:r><w:t>{text}</w:t></w:r>"


def complex_field(*instr: str, result: str = "结果", tag: str = "instrText") -> str:
    return ('<w:r><w:fldChar w:fldCharType="begin"/></w:r>' + "".join(f"<w:r><w:{tag}>{i}</w:{tag}></w:r>" for i in instr)
            + '<w:r><w:fldChar w:fldCharType="separate"/></w:r>' + run(result) + '<w:r><w:fldChar w:fldCharType="end"/></w:r>')


def test_fields_that_fetch_or_run_are_emptied_and_their_results_stay():
    doc = Document()
    add_body(doc, f'<w:fldSimple w:instr=" INCLUDETEXT &quot;C:/secret.txt&quot; ">{run("已缓存的文字")}</w:fldSimple>'
                  f'<w:fldSimple w:instr=" PAGE ">{run("7")}</w:fldSimple>')
    add_body(doc, complex_field("DDE", "AUTO cmd ", '"/c calc"', result="dde结果"))  # split over runs: DDEAUTO
    add_body(doc, complex_field('HYPERLINK "https://www.mee.gov.cn/"', result="网页"))
    add_body(doc, complex_field('HYPERLINK \\l "第一章"', result="书签"))  # a switch: a place in the document
    add_body(doc, complex_field('HYPERLINK "file:///C:/x.docx"', result="本地"))
    add_body(doc, complex_field("HYPERLINK \\\\server\\share", result="共享"))  # a UNC path, not a switch
    add_body(doc, complex_field("HYPERLINK", result="空链接"))
    add_body(doc, complex_field("   ", result="空域"))
    add_body(doc, complex_field("INCLUDEPICTURE http://x.example/p.png", result="删除的域", tag="delInstrText"))
    # a field inside a field's instruction: the outer IF is harmless, the inner LINK is not
    add_body(doc, '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>IF 1 = 1 </w:instrText></w:r>'
                  + complex_field('LINK Excel.Sheet.12 "C:/a.xlsx"', result="内层") + "<w:r><w:instrText> 是</w:instrText></w:r>"
                  + '<w:r><w:fldChar w:fldCharType="separate"/></w:r>' + run("外层") + '<w:r><w:fldChar w:fldCharType="end"/></w:r>')

    removed = clean_document(doc)

    assert removed == [
        '域 INCLUDETEXT "C:/secret.txt"',  # simple fields first, then complex ones in document order
        '域 DDEAUTO cmd "/c calc"',
        '域 HYPERLINK "file:///C:/x.docx"',
        "域 HYPERLINK \\\\server\\share",
        "域 INCLUDEPICTURE http://x.example/p.png",
        '域 LINK Excel.Sheet.12 "C:/a.xlsx"',
    ], removed
    paragraphs = doc.element.body.findall(f"{{{clean.NS_W}}}p")
    simple = paragraphs[0]
    assert [f.get(f"{{{clean.NS_W}}}instr") for f in simple.iter(f"{{{clean.NS_W}}}fldSimple")] == [" PAGE "]
    assert texts(simple) == "已缓存的文字7"  # the removed field's last result stays as text
    instructions = ["".join(t.text or "" for t in p.iter(f"{{{clean.NS_W}}}instrText", f"{{{clean.NS_W}}}delInstrText"))
             for p in paragraphs[1:]]
    assert instructions == ["", 'HYPERLINK "https://www.mee.gov.cn/"', 'HYPERLINK \\l "第一章"', "", "", "HYPERLINK", "   ", "",
                     "IF 1 = 1  是"], instructions
    results = [texts(p) for p in paragraphs[1:]]
    assert results == ["dde结果", "网页", "书签", "本地", "共享", "空链接", "空域", "删除的域", "内层外层"]


def test_hyperlink_base_in_the_document_properties_goes_unless_empty():
    doc = Document()
    app = next(rel.target_part for rel in doc.part.package.rels.values() if rel.reltype.endswith("/extended-properties"))
    original = app.blob
    assert clean_document(doc) == [] and app.blob == original  # python-docx writes an empty one: left alone
    root = etree.fromstring(app.blob)
    base = root.find(f"{{{clean.NS_APP}}}HyperlinkBase")  # <HyperlinkBase/>, as Word writes it
    base.text = "\\\\server\\share\\"
    app._blob = etree.tostring(root)
    assert clean_document(doc) == ["超链接基础地址（\\\\server\\share\\）"]
    assert b"HyperlinkBase" not in app.blob and etree.fromstring(app.blob) is not None


def test_odd_but_harmless_structures_do_not_stop_the_cleaning():
    doc = Document()
    add_part(doc, "/word/odd1.xml", "application/xml", "custom", f'<w:fldSimple {NS} w:instr="INCLUDETEXT x"/>'.encode())
    add_part(doc, "/word/odd2.xml", "application/xml", "custom", f'<w:altChunk {NS}/>'.encode())
    shared = Part(PackURI("/word/shared.xml"), "application/xml", f"<w:x {NS}><!-- 注释 --><?pi x?></w:x>".encode(), doc.part.package)
    doc.part.relate_to(shared, RT + "custom")
    part_of(doc, "settings").relate_to(shared, RT + "custom")  # reached twice, cleaned once
    add_body(doc, "<!-- 注释 -->" + run("正文") + '<w:r><w:fldChar w:fldCharType="end"/></w:r>'  # an end without a begin
             + "<w:r><w:instrText>INCLUDETEXT y</w:instrText></w:r>"  # an instruction outside any field
             + '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:fldChar w:fldCharType="other"/></w:r>'
             + "<w:r><w:instrText>PAGE</w:instrText></w:r>" + '<w:r><w:fldChar w:fldCharType="end"/></w:r>')
    assert clean_document(doc) == ["域 INCLUDETEXT x"]  # named; a root element cannot be taken out of its part
    assert texts(doc.element.body) == "正文" and "INCLUDETEXT y" in body_xml(doc)


# ---- before opening ------------------------------------------------------------------------------------------


def docx(path: Path, members: dict, *, duplicate: str | None = None) -> Path:
    with zipfile.ZipFile(path, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
        if duplicate:
            with pytest.warns(UserWarning, match="Duplicate name"):
                z.writestr(duplicate, b"")
    return path


MINIMAL = {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"}


@pytest.mark.parametrize(("members", "words"), [
    ({"word/other.xml": b"<x/>"}, "报告模板不是 Word .docx 文件："),
    ({**MINIMAL, "[Content_Types].xml": b'<Types><Override ContentType="application/vnd.ms-word.document.macroEnabled.main+xml"/></Types>'},
     "报告模板含宏（.docm/.dotm），拒绝使用；请在 Word 中另存为不含宏的 .docx："),
    ({**MINIMAL, "word/vbaProject.bin": b"\0"}, "报告模板含宏"),
    ({**MINIMAL, "word/styles.xml": b'<!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>'},
     "报告模板的部件 word/styles.xml 含 DTD/实体声明（Word 不会写出这种内容），拒绝使用："),
    ({**MINIMAL, "word/_rels/document.xml.rels": "<!DOCTYPE x>".encode("utf-16-le")}, "word/_rels/document.xml.rels 含 DTD"),
])
def test_templates_refused_before_opening(tmp_path, members, words):
    path = docx(tmp_path / "模板.docx", members)
    with pytest.raises(TemplateRefused) as info:
        check_template_file(path)
    assert words in str(info.value) and str(info.value).endswith(str(path)), str(info.value)


def test_duplicate_parts_size_and_unreadable_templates_are_refused(tmp_path, monkeypatch):
    dup = docx(tmp_path / "重复.docx", MINIMAL, duplicate="word/document.xml")
    with pytest.raises(TemplateRefused, match="部件 word/document.xml 出现了不止一次（压缩包内有同名文件），拒绝使用"):
        check_template_file(dup)
    not_zip = tmp_path / "旧格式.docx"
    not_zip.write_bytes(b"\xd0\xcf\x11\xe0 a .doc file")
    with pytest.raises(TemplateRefused, match=r"不是 Word \.docx 文件（\.doc 请在 Word 中另存为 \.docx）"):
        check_template_file(not_zip)
    with pytest.raises(TemplateRefused, match="报告模板无法读取（"):
        check_template_file(tmp_path)  # a folder
    ok = docx(tmp_path / "小.docx", {**MINIMAL, "word/media/a.bin": b"x" * 100})
    check_template_file(ok)  # accepted as it is …
    monkeypatch.setattr(clean, "MAX_TEMPLATE_BYTES", 100)  # … refused when its 100 + 21 bytes exceed the limit
    with pytest.raises(TemplateRefused, match="报告模板解压后过大（上限 0 MB）"):
        check_template_file(ok)
    monkeypatch.undo()
    check_template_file(template_path("audit"))  # the shipped template passes


def test_objects_without_a_listed_relationship_are_named_by_program():
    doc = Document()
    add_body(doc, '<w:r><w:object><o:OLEObject ProgID="Package"/></w:object></w:r><w:r><w:object/></w:r>'
                  '<w:r><o:OLEObject ProgID="Equation.3"/></w:r><w:r><w:subDoc/></w:r>')
    assert clean_document(doc) == ["嵌入对象（Package）", "OLE 嵌入对象（Equation.3）", "子文档"]
    assert "object" not in body_xml(doc) and "OLEObject" not in body_xml(doc) and "subDoc" not in body_xml(doc)
