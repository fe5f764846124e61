"""Headless evaluation (`cpxl calc`): values worked by hand, the copy keeps everything else.

Most tests register stand-in CP_* functions through the same path as the real ones (a
module in place of ``cpxl.udfs``), so they test the evaluator and not the domain maths;
``TestRealUdfs`` runs the real module.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import types
import zipfile
from pathlib import Path

import openpyxl
import pytest
from requires import requires
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.formula import ArrayFormula
from openpyxl.workbook.defined_name import DefinedName

from cpxl.workbook import xlsxio
from cpxl.workbook.engine import calc as engine_calc
from cpxl.workbook.engine import cp, formula_text, formulas_engine, scan
from cpxl.workbook.engine import (
    CalcResult,
    CellError,
    EvaluateError,
    calc_workbook,
    evaluate_values,
    normalize_formula,
)

NS = {"m": xlsxio.NS_MAIN}


# --------------------------------------------------------------------------------------
# Stand-in CP functions
# --------------------------------------------------------------------------------------


def _number(name, value):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{name}={value!r} 不是数值")
    return float(value)


def _fake_udfs() -> types.ModuleType:
    """Same contract as cpxl.udfs: plain values in; a number or a "#CP! …" text out."""
    mod = types.ModuleType("cpxl.udfs")
    calls = mod.calls = []

    def CP_NPV(investment, cash_flow, years, rate):
        calls.append(("CP_NPV", investment, cash_flow, years, rate))
        try:
            i = _number("investment", investment)
            f = _number("cash_flow", cash_flow)
            n = _number("years", years)
            r = _number("rate", rate)
        except ValueError as ex:
            return f"#CP! {ex}"
        return f * (1 - (1 + r) ** -n) / r - i

    def CP_BALANCE_DEV(inputs, outputs):
        calls.append(("CP_BALANCE_DEV", inputs, outputs))
        total_in = sum(v for v in inputs if v is not None)
        total_out = sum(v for v in outputs if v is not None)
        return (total_in - total_out) / total_in

    def CP_WEIGHTED_SCORE(weights, scores):
        calls.append(("CP_WEIGHTED_SCORE", weights, scores))
        return sum(w * s for w, s in zip(weights, scores))

    def CP_ECHO(value):
        calls.append(("CP_ECHO", value))
        return value

    def CP_BROKEN(value):
        raise RuntimeError("内部错误 x")

    def not_a_cp_function(x):  # only CP_* names are registered
        return x

    for f in (CP_NPV, CP_BALANCE_DEV, CP_WEIGHTED_SCORE, CP_ECHO, CP_BROKEN, not_a_cp_function):
        setattr(mod, f.__name__, f)
    mod.use_parameters = lambda params: None  # the stand-ins take no parameters
    return mod


@pytest.fixture
def udfs(monkeypatch):
    mod = _fake_udfs()
    monkeypatch.setitem(sys.modules, "cpxl.udfs", mod)
    import cpxl

    monkeypatch.setattr(cpxl, "udfs", mod, raising=False)
    return mod


def _sha(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _values(path: Path) -> dict:
    wb = openpyxl.load_workbook(path, data_only=True)
    return {(ws.title, c.coordinate): c.value for ws in wb for row in ws.iter_rows() for c in row}


def _sheet_xml(path: Path, sheet: str) -> etree._Element:
    pkg = xlsxio.open_package(Path(path))
    try:
        part = next(s.part for s in pkg.sheets if s.name == sheet)
        return pkg.xml(part).getroot()
    finally:
        pkg.close()


def _cell(root, ref):
    return root.find(f".//m:c[@r='{ref}']", NS)


# --------------------------------------------------------------------------------------
# The audit-like workbook
# --------------------------------------------------------------------------------------

HEADER = Font(bold=True, color="FF0000")
FILL = PatternFill("solid", fgColor="FFFF00")


def build_book(path: Path) -> Path:
    wb = openpyxl.Workbook()
    inp = wb.active
    inp.title = "投入"
    inp["A1"], inp["B1"] = "项目", "数值"
    inp["A1"].font = HEADER
    inp["A2"], inp["B2"] = "投资 I（万元）", 150
    inp["A3"], inp["B3"] = "年净收益 F（万元）", 32.5
    inp["B3"].fill = FILL
    inp["B3"].number_format = "0.00"
    inp.column_dimensions["A"].width = 24.5
    inp.merge_cells("D1:E1")
    inp["D1"] = "合并"
    dv = DataValidation(type="list", formula1='"是,否"', allow_blank=True)
    inp.add_data_validation(dv)
    dv.add("C2:C10")
    inp.conditional_formatting.add(
        "B2:B10", CellIsRule(operator="greaterThan", formula=["100"], fill=FILL)
    )
    inp["F1"] = "说明"
    inp["F1"].hyperlink = "https://example.org/cp"

    mat = wb.create_sheet("物料")
    mat.append(["名称", "输入 t", "输出 t", "类别"])
    for row in [["原料", 100, 120, "甲"], ["辅料", 50, 60, "乙"], ["水", 30, 15, "甲"], ["其他", 20, None, "乙"]]:
        mat.append(row)

    par = wb.create_sheet("参数")
    par["A1"] = "参数"
    par.append([])
    par.append(["类别", "名称", "数值", "单位", "来源", "说明"])
    par.append(["经济", "基准折现率", 0.05, "", "审核手册", ""])  # C4: i = 5 %
    par.append(["平衡", "物料平衡允许偏差", 0.05, "", "", "默认"])

    calc = wb.create_sheet("计算")
    calc["A1"] = 2024
    calc["B1"] = "=CP_NPV(投入!B2, 投入!B3, 10, 参数!C4)"
    calc["B2"] = "=CP_BALANCE_DEV('物料'!B2:B5,'物料'!C2:C4)"
    calc["B3"] = "=SUM(物料!B2:B5)"
    calc["B4"] = '=SUMIF(物料!D2:D5,"甲",物料!B2:B5)'
    calc["B5"] = '=IF(B1>0,"可行","不可行")'
    calc["B6"] = '=IFERROR(1/0,"除零")'
    calc["B7"] = "=ROUND(B1,2)"
    calc["B8"] = '=INDEX(物料!C2:C5,MATCH("水",物料!A2:A5,0))'
    calc["B9"] = '=A1&"年"'
    calc["B10"] = "=CP_WEIGHTED_SCORE({0.6,0.4},{80,90})"
    calc["B11"] = "=B1>100"
    calc["B12"] = "=ROUND(CP_NPV(投入!B2,投入!B3,10,参数!C4),1)*2"
    calc["B12"].font = HEADER
    calc["B12"].number_format = "#,##0.0"
    wb.defined_names["折现率"] = DefinedName("折现率", attr_text="参数!$C$4")
    calc["B13"] = "=CP_NPV(投入!B2,投入!B3,10,折现率)"
    wb.save(path)
    return path


# Hand-worked values (the stand-ins compute what the real functions do for these cases):
# NPV with I=150, F=32.5, n=10, i=5 %: annuity factor (1 − 1.05^−10)/0.05 = 7.72173;
#   32.5 × 7.72173 − 150 = 100.956.
NPV = 32.5 * (1 - 1.05**-10) / 0.05 - 150
# Balance: inputs 100+50+30+20 = 200 t, outputs 120+60+15 = 195 t; (200−195)/200 = 0.025.
# SUM of inputs 200; SUMIF 类别 甲: 100+30 = 130; 水's output 15.
# Weighted score 0.6×80 + 0.4×90 = 84.
EXPECTED = {
    "B1": pytest.approx(100.956, abs=1e-3),
    "B2": pytest.approx(0.025),
    "B3": 200,
    "B4": 130,
    "B5": "可行",
    "B6": "除零",
    "B7": 100.96,
    "B8": 15,
    "B9": "2024年",
    "B10": pytest.approx(84),
    "B11": True,
    "B12": pytest.approx(202.0),  # ROUND(100.956, 1) = 101.0; × 2
    "B13": pytest.approx(100.956, abs=1e-3),
}


@pytest.fixture
def book(tmp_path) -> Path:
    return build_book(tmp_path / "审核 工作簿.xlsx")


def test_values_match_hand_worked(udfs, book, tmp_path):
    out = tmp_path / "out.xlsx"
    result = calc_workbook(book, out)
    assert isinstance(result, CalcResult)
    assert result.formulas == 13
    assert result.errors == []  # IFERROR caught the 1/0
    got = _values(out)
    for ref, want in EXPECTED.items():
        assert got[("计算", ref)] == want, ref
    assert NPV == pytest.approx(100.956, abs=1e-3)
    # what the CP function received: plain floats, a column range as a flat list
    assert ("CP_NPV", 150.0, 32.5, 10.0, 0.05) in udfs.calls
    assert ("CP_BALANCE_DEV", [100.0, 50.0, 30.0, 20.0], [120.0, 60.0, 15.0]) in udfs.calls
    assert ("CP_WEIGHTED_SCORE", [0.6, 0.4], [80.0, 90.0]) in udfs.calls


def test_cached_value_types_in_xml(udfs, book, tmp_path):
    out = tmp_path / "out.xlsx"
    calc_workbook(book, out)
    root = _sheet_xml(out, "计算")
    number, text, boolean = _cell(root, "B1"), _cell(root, "B5"), _cell(root, "B11")
    assert number.get("t") is None and float(number.findtext("m:v", namespaces=NS)) == pytest.approx(NPV)
    assert text.get("t") == "str" and text.findtext("m:v", namespaces=NS) == "可行"
    assert boolean.get("t") == "b" and boolean.findtext("m:v", namespaces=NS) == "1"
    # formula first, then the value (schema order)
    assert [etree.QName(e).localname for e in number] == ["f", "v"]


def test_copy_keeps_formulas_styles_and_everything_else(udfs, book, tmp_path):
    out = tmp_path / "out.xlsx"
    calc_workbook(book, out)
    before = openpyxl.load_workbook(book)
    after = openpyxl.load_workbook(out)
    assert after.sheetnames == before.sheetnames
    for ws in before:
        for row in ws.iter_rows():
            for c in row:
                d = after[ws.title][c.coordinate]
                assert d.value == c.value, (ws.title, c.coordinate)  # formulas unchanged
                assert d._style == c._style  # same indices into the same styles part
                assert d.number_format == c.number_format
    a = after["投入"]
    assert a["A1"].font.bold and a["B3"].fill.fgColor.rgb == "00FFFF00"
    assert a.column_dimensions["A"].width == 24.5
    assert [str(r) for r in a.merged_cells.ranges] == ["D1:E1"]
    dv = a.data_validations.dataValidation
    assert len(dv) == 1 and dv[0].formula1 == '"是,否"' and str(dv[0].sqref) == "C2:C10"
    assert len(a.conditional_formatting) == 1
    assert a["F1"].hyperlink.target == "https://example.org/cp"
    assert after.defined_names["折现率"].attr_text == "参数!$C$4"
    assert after["计算"]["B12"].number_format == "#,##0.0"


def test_only_worksheets_with_formulas_and_calc_settings_are_rewritten(udfs, book, tmp_path):
    out = tmp_path / "out.xlsx"
    calc_workbook(book, out)
    with zipfile.ZipFile(book) as a, zipfile.ZipFile(out) as b:
        assert a.namelist() == b.namelist()
        changed = {n for n in a.namelist() if a.read(n) != b.read(n)}
    # 计算 is sheet4; the workbook part only loses fullCalcOnLoad
    assert changed == {"xl/worksheets/sheet4.xml", "xl/workbook.xml"}
    with zipfile.ZipFile(book) as a, zipfile.ZipFile(out) as b:
        assert b'fullCalcOnLoad="1"' in a.read("xl/workbook.xml")
        assert b"fullCalcOnLoad" not in b.read("xl/workbook.xml")
        assert b'calcId="124519"' in b.read("xl/workbook.xml")


def test_workbook_without_formulas_is_copied(udfs, tmp_path):
    wb = openpyxl.Workbook()
    wb.active["A1"] = 1
    src, out = tmp_path / "plain.xlsx", tmp_path / "plain_out.xlsx"
    wb.save(src)
    result = calc_workbook(src, out)
    assert (result.formulas, result.errors) == (0, [])
    with zipfile.ZipFile(src) as a, zipfile.ZipFile(out) as b:
        assert [n for n in a.namelist() if a.read(n) != b.read(n)] == ["xl/workbook.xml"]
    assert evaluate_values(src) == {}


def test_input_file_is_never_modified(udfs, book, tmp_path):
    digest, mtime = _sha(book), book.stat().st_mtime_ns
    calc_workbook(book, tmp_path / "out.xlsx")
    evaluate_values(book)
    assert _sha(book) == digest and book.stat().st_mtime_ns == mtime


def test_evaluate_values_writes_nothing(udfs, book, tmp_path):
    listing = sorted(os.listdir(tmp_path))
    values = evaluate_values(book)
    assert sorted(os.listdir(tmp_path)) == listing
    assert values[("计算", "B1")] == pytest.approx(NPV)
    assert values[("计算", "B9")] == "2024年"
    assert ("投入", "B2") not in values  # only formula cells
    assert list(values)[0] == ("计算", "B1")  # sheet order, then row, column


# --------------------------------------------------------------------------------------
# Formula text written by Excel without the add-in
# --------------------------------------------------------------------------------------

QUALIFIED = [
    r"'C:\Users\x\AppData\Roaming\Microsoft\Excel\XLSTART\cpxl.xlam'!CP_NPV(B2,B3,10,0.05)",
    r"'C:\Program Files (x86)\cp''s tools\cpxl.xlam'!CP_NPV(B2,B3,10,0.05)",
    "[1]!CP_NPV(B2,B3,10,0.05)",
    "cpxl.xlam!CP_NPV(B2,B3,10,0.05)",
    "_xludf.CP_NPV(B2,B3,10,0.05)",
    "_xlfn._xludf.CP_NPV(B2,B3,10,0.05)",
    "_xlfn.CP_NPV(B2,B3,10,0.05)",
    "cp_npv(B2,B3,10,0.05)",
]


@pytest.mark.parametrize("text", QUALIFIED)
def test_normalize_strips_the_qualifier(text):
    assert normalize_formula("=" + text) == "=CP_NPV(B2,B3,10,0.05)"


@pytest.mark.parametrize(
    "text",
    [
        '=IF(A1="cpxl.xlam!CP_NPV(1,2,3,4)",1,0)',
        "='[1]Sheet'!A1+'物料'!B2",
        "=SUM(Sheet1!A1:A3)+MYCP_X(1)+mycp_x(2)",
        '="_xludf.CP_A("&A1',
        "=_xlfn.IFS(A1>0,1,TRUE,0)",
    ],
)
def test_normalize_leaves_other_text_alone(text):
    assert normalize_formula(text) == text


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30))
@settings(max_examples=200, deadline=None)
def test_normalize_never_touches_string_literals(inner):
    literal = '"' + inner.replace('"', '""') + '"'
    formula = f"=cpxl.xlam!CP_ECHO({literal})&{literal}"
    assert normalize_formula(formula) == f"=CP_ECHO({literal})&{literal}"


@pytest.mark.parametrize(
    "text, want",
    [
        ('=CP_TCE(2,"电力",,"万kWh")', '=CP_TCE(2,"电力",{o},"万kWh")'),
        ("=CP_A(1,)", "=CP_A(1,{o})"),
        ("=CP_A( ,2)", "=CP_A( {o},2)"),
        ("=CP_A()", "=CP_A()"),
        ("=CP_TOTAL_TCE(A1:A3,B1:B3,,)", "=CP_TOTAL_TCE(A1:A3,B1:B3,{o},{o})"),
        ("=SUM(1,,2)+CP_B(SUM(1,,2),{1,2},)", "=SUM(1,,2)+CP_B(SUM(1,,2),{{1,2}},{o})"),
        ("=CP_A(\"a,,b\",'x,y'!A1,)", "=CP_A(\"a,,b\",'x,y'!A1,{o})"),
        ("=IF(A1,,ROUND(CP_X(A1,,),2))", "=IF(A1,,ROUND(CP_X(A1,{o},{o}),2))"),
    ],
)
def test_omitted_cp_arguments_are_marked(text, want):
    assert formula_text._mark_omitted(text) == want.format(o=formula_text._OMITTED_LITERAL)


def test_omitted_argument_gets_the_functions_default(udfs, tmp_path):
    seen = []

    def CP_OPT(a, b=7, c=None):
        seen.append((a, b, c))
        return 1

    udfs.CP_OPT = CP_OPT
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"], ws["A2"], ws["A3"] = "=CP_OPT(1,,3)", "=CP_OPT(,2,)", "=SUM(1,,2)"
    src = tmp_path / "opt.xlsx"
    wb.save(src)
    values = evaluate_values(src)
    # Excel passes the default for an omitted argument; `formulas` alone would pass 0
    assert sorted(seen, key=str) == sorted([(1.0, 7, 3.0), (None, 2.0, None)], key=str)
    assert values[("Sheet", "A3")] == 3
    assert openpyxl.load_workbook(src)["Sheet"]["A1"].value == "=CP_OPT(1,,3)"


def test_qualified_forms_evaluate_and_keep_their_text(udfs, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "投入"
    ws["B2"], ws["B3"] = 150, 32.5
    for i, text in enumerate(QUALIFIED, start=1):
        ws.cell(row=i, column=4, value="=" + text)
    ws["E1"] = '="cpxl.xlam!CP_NPV("&LEN("x")'
    src, out = tmp_path / "q.xlsx", tmp_path / "q_out.xlsx"
    wb.save(src)
    result = calc_workbook(src, out)
    assert result.errors == []
    got = openpyxl.load_workbook(out, data_only=True)["投入"]
    for i in range(1, len(QUALIFIED) + 1):
        assert got.cell(row=i, column=4).value == pytest.approx(NPV), QUALIFIED[i - 1]
    assert got["E1"].value == "cpxl.xlam!CP_NPV(1"
    kept = openpyxl.load_workbook(out)["投入"]
    assert [kept.cell(row=i, column=4).value for i in range(1, len(QUALIFIED) + 1)] == [
        "=" + t for t in QUALIFIED
    ]


def test_external_link_qualifier_with_link_part(udfs, tmp_path):
    """``[1]!CP_NPV`` as Excel saves it, with an externalLink part pointing at the add-in."""
    src = tmp_path / "link.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"], ws["A2"] = 150, 32.5
    ws["B1"] = "=[1]!CP_NPV(A1,A2,10,0.05)"
    wb.save(src)
    _add_external_link(src, r"file:///C:\Users\x\AppData\Roaming\Microsoft\AddIns\cpxl.xlam")
    out = tmp_path / "link_out.xlsx"
    calc_workbook(src, out)
    assert _values(out)[("Sheet", "B1")] == pytest.approx(NPV)
    with zipfile.ZipFile(out) as z:
        assert "xl/externalLinks/externalLink1.xml" in z.namelist()


def _add_external_link(path: Path, target: str) -> None:
    link = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<externalLink xmlns="{xlsxio.NS_MAIN}" xmlns:r="{xlsxio.NS_REL_DOC}">'
        '<externalBook r:id="rId1"><sheetNames><sheetName val="Sheet"/></sheetNames>'
        "</externalBook></externalLink>"
    )
    link_rels = (
        f'<Relationships xmlns="{xlsxio.NS_REL_PKG}"><Relationship Id="rId1" '
        f'Type="{xlsxio.NS_REL_DOC}/externalLinkPath" Target="{target}" TargetMode="External"/>'
        "</Relationships>"
    )
    _rewrite(
        path,
        {
            "xl/externalLinks/externalLink1.xml": link.encode(),
            "xl/externalLinks/_rels/externalLink1.xml.rels": link_rels.encode(),
        },
        {
            "[Content_Types].xml": lambda s: s.replace(
                "</Types>",
                '<Override PartName="/xl/externalLinks/externalLink1.xml" ContentType='
                '"application/vnd.openxmlformats-officedocument.spreadsheetml.externalLink+xml"/>'
                "</Types>",
            ),
            "xl/_rels/workbook.xml.rels": lambda s: s.replace(
                "</Relationships>",
                f'<Relationship Id="rIdX1" Type="{xlsxio.NS_REL_DOC}/externalLink" '
                'Target="externalLinks/externalLink1.xml"/></Relationships>',
            ),
            "xl/workbook.xml": lambda s: s.replace(
                "<calcPr",
                f'<externalReferences><externalReference xmlns:r="{xlsxio.NS_REL_DOC}" '
                'r:id="rIdX1"/></externalReferences><calcPr',
            ),
        },
    )


def _rewrite(path: Path, add: dict[str, bytes], edit: dict) -> None:
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename in edit:
                data = edit[info.filename](data.decode()).encode()
            zout.writestr(info.filename, data)
        for name, data in add.items():
            zout.writestr(name, data)
    tmp.replace(path)


# --------------------------------------------------------------------------------------
# Errors inside functions
# --------------------------------------------------------------------------------------


def test_bad_argument_gives_cp_text_not_value_error(udfs, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "abc"
    ws["B1"] = "=CP_NPV(A1,32.5,10,0.05)"
    ws["B2"] = "=CP_BROKEN(1)"
    ws["B3"] = "=CP_NPV(1/0,32.5,10,0.05)"  # an Excel error argument passes through
    ws["B4"] = "=CP_NPV(A9,32.5,10,0.05)"  # blank → None → the wrapper's own message
    src, out = tmp_path / "bad.xlsx", tmp_path / "bad_out.xlsx"
    wb.save(src)
    result = calc_workbook(src, out)
    got = _values(out)
    assert got[("Sheet", "B1")] == "#CP! investment='abc' 不是数值"
    assert got[("Sheet", "B2")] == "#CP! 内部错误 x"
    assert got[("Sheet", "B3")] == "#DIV/0!"
    assert got[("Sheet", "B4")] == "#CP! investment=None 不是数值"
    assert result.errors == [
        ("Sheet", "B1", "#CP! investment='abc' 不是数值"),
        ("Sheet", "B2", "#CP! 内部错误 x"),
        ("Sheet", "B3", "#DIV/0!"),
        ("Sheet", "B4", "#CP! investment=None 不是数值"),
    ]
    root = _sheet_xml(out, "Sheet")
    assert _cell(root, "B1").get("t") == "str"
    assert _cell(root, "B3").get("t") == "e"
    values = evaluate_values(src)
    assert isinstance(values[("Sheet", "B3")], CellError)
    assert not isinstance(values[("Sheet", "B1")], CellError)


def test_returned_text_with_control_characters_stays_well_formed(udfs, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = '=CP_ECHO("a"&CHAR(1)&"b_x0041_c")'
    src, out = tmp_path / "ctl.xlsx", tmp_path / "ctl_out.xlsx"
    wb.save(src)
    calc_workbook(src, out)
    v = _cell(_sheet_xml(out, "Sheet"), "A1").findtext("m:v", namespaces=NS)
    assert v == "a_x0001_b_x005F_x0041_c"  # Excel's ST_Xstring escapes


def test_long_text_is_cut_to_excels_limit_and_zip_has_no_needless_zip64(udfs, tmp_path):
    udfs.CP_LONG = lambda: "长" * 40000
    wb = openpyxl.Workbook()
    wb.active["A1"] = "=CP_LONG()"
    src, out = tmp_path / "long.xlsx", tmp_path / "long_out.xlsx"
    wb.save(src)
    calc_workbook(src, out)
    assert len(_values(out)[("Sheet", "A1")]) == 32767
    raw = out.read_bytes()
    with zipfile.ZipFile(out) as z:
        for info in z.infolist():  # local headers: no zip64 extra field for small parts
            off = info.header_offset
            name_len, extra_len = int.from_bytes(raw[off + 26 : off + 28], "little"), int.from_bytes(
                raw[off + 28 : off + 30], "little"
            )
            assert extra_len == 0, info.filename


# --------------------------------------------------------------------------------------
# Shared, array and circular formulas; awkward sheet names; pruned sheets
# --------------------------------------------------------------------------------------


def _make_shared(path: Path) -> None:
    """Rewrite B2:B4 as one shared formula, the way Excel stores a filled-down column."""
    cells = {
        "B2": '<c r="B2"><f t="shared" ref="B2:B4" si="0">A2*2</f><v>0</v></c>',
        "B3": '<c r="B3"><f t="shared" si="0"/><v>0</v></c>',
        "B4": '<c r="B4"><f t="shared" si="0"/></c>',
    }

    def edit(xml: str) -> str:
        for ref, new in cells.items():
            start = xml.index(f'<c r="{ref}"')
            end = xml.index("</c>", start) + 4
            xml = xml[:start] + new + xml[end:]
        return xml

    _rewrite(path, {}, {"xl/worksheets/sheet1.xml": edit})


def test_shared_and_array_formulas_get_values(udfs, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    for r, v in enumerate([1, 2, 3], start=2):
        ws.cell(row=r, column=1, value=v)
        ws.cell(row=r, column=2, value="=0")
    ws["C2"] = ArrayFormula("C2:C4", "=A2:A4*10")
    ws["D2"] = ArrayFormula("D2:E2", "=TRANSPOSE(A2:A3)")
    ws["F1"] = ArrayFormula("F1", "=SUM(A2:A4*A2:A4)")
    src, out = tmp_path / "sa.xlsx", tmp_path / "sa_out.xlsx"
    wb.save(src)
    _make_shared(src)
    result = calc_workbook(src, out)
    got = _values(out)
    assert [got[("Sheet", f"B{r}")] for r in (2, 3, 4)] == [2, 4, 6]
    assert [got[("Sheet", f"C{r}")] for r in (2, 3, 4)] == [10, 20, 30]
    assert [got[("Sheet", c)] for c in ("D2", "E2")] == [1, 2]
    assert got[("Sheet", "F1")] == 14  # 1 + 4 + 9
    assert result.formulas == 3 + 3  # B2:B4 one by one, three array formulas
    root = _sheet_xml(out, "Sheet")
    f = _cell(root, "B3").find("m:f", NS)
    assert f.get("t") == "shared" and f.get("si") == "0" and not f.text  # kept as stored
    kept = openpyxl.load_workbook(out)["Sheet"]
    assert kept["C2"].value.ref == "C2:C4" and kept["C2"].value.text == "=A2:A4*10"


def test_array_result_fills_its_range_and_missing_cells_are_created(udfs, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A2"], ws["A3"] = 1, 2
    ws["G5"] = ArrayFormula("G5:H6", "=A2:A3*1")  # one column over two: repeated
    ws["J1"] = ArrayFormula("J1:J3", "=A2:A3*1")  # two rows over three: #N/A below
    src, out = tmp_path / "arr.xlsx", tmp_path / "arr_out.xlsx"
    wb.save(src)
    with zipfile.ZipFile(src) as z:
        assert b'r="H6"' not in z.read("xl/worksheets/sheet1.xml")  # openpyxl writes the corner only
    calc_workbook(src, out)
    got = _values(out)
    assert [got[("Sheet", c)] for c in ("G5", "H5", "G6", "H6")] == [1, 1, 2, 2]
    assert [got[("Sheet", c)] for c in ("J1", "J2", "J3")] == [1, 2, "#N/A"]
    root = _sheet_xml(out, "Sheet")
    assert root.find("m:dimension", NS).get("ref") == "A1:J6"
    rows = root.findall("m:sheetData/m:row", NS)
    assert [int(r.get("r")) for r in rows] == sorted(int(r.get("r")) for r in rows)
    for row in rows:  # cells in column order within each row
        cols = [scan._split_ref(c.get("r"))[1] for c in row.findall("m:c", NS)]
        assert cols == sorted(cols)


def test_a_formula_the_engine_cannot_parse_does_not_stop_the_rest(udfs, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "=SUM(T1[a])"  # structured reference: not supported headless
    ws["A2"] = "=1+1"
    ws["A3"] = "=_xlfn.XLOOKUP(2,{1,2},{10,20})"
    src, out = tmp_path / "odd.xlsx", tmp_path / "odd_out.xlsx"
    wb.save(src)
    result = calc_workbook(src, out)
    assert result.errors == [("Sheet", "A1", "#NAME?")]
    got = _values(out)
    assert got[("Sheet", "A2")] == 2 and got[("Sheet", "A3")] == 20
    assert openpyxl.load_workbook(out)["Sheet"]["A1"].value == "=SUM(T1[a])"


def test_macro_workbook_keeps_its_macros_and_extension(udfs, tmp_path):
    wb = openpyxl.Workbook()
    wb.active["A1"] = "=CP_ECHO(3)"
    src = tmp_path / "m.xlsm"
    wb.save(src)
    _rewrite(
        src,
        {"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0 not really vba"},
        {
            "[Content_Types].xml": lambda t: t.replace(
                "spreadsheetml.sheet.main+xml", "PLACEHOLDER"
            ).replace(
                "application/vnd.openxmlformats-officedocument.PLACEHOLDER",
                "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
            )
        },
    )
    with pytest.raises(EvaluateError, match=r"\.xlsm"):
        calc_workbook(src, tmp_path / "m_out.xlsx")
    out = tmp_path / "m_out.xlsm"
    calc_workbook(src, out)
    with zipfile.ZipFile(src) as a, zipfile.ZipFile(out) as b:
        assert b.read("xl/vbaProject.bin") == a.read("xl/vbaProject.bin")
    assert evaluate_values(out)[("Sheet", "A1")] == 3


def test_circular_reference_is_reported_and_written_as_zero(udfs, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"], ws["A2"], ws["A3"] = "=A2+1", "=A1+1", "=5*2"
    src, out = tmp_path / "circ.xlsx", tmp_path / "circ_out.xlsx"
    wb.save(src)
    result = calc_workbook(src, out)
    assert ("Sheet", "A1", "#CIRC!") in result.errors and ("Sheet", "A2", "#CIRC!") in result.errors
    got = _values(out)
    assert got[("Sheet", "A1")] == 0 and got[("Sheet", "A3")] == 10


def test_awkward_sheet_names(udfs, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "D.12 综合能耗"
    ws["A1"] = 3
    other = wb.create_sheet("O'Brien (1)")
    other["A1"] = 4
    other["A2"] = "='O''Brien (1)'!A1*'D.12 综合能耗'!A1"
    ws["B1"] = "='O''Brien (1)'!A2+1"
    src, out = tmp_path / "names.xlsx", tmp_path / "names_out.xlsx"
    wb.save(src)
    result = calc_workbook(src, out)
    assert result.errors == []
    got = _values(out)
    assert got[("O'Brien (1)", "A2")] == 12 and got[("D.12 综合能耗", "B1")] == 13
    assert openpyxl.load_workbook(out).sheetnames == ["D.12 综合能耗", "O'Brien (1)"]


def test_sheets_reached_only_by_name_or_indirect_are_loaded(udfs, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "汇总"
    for name in ("数据", "数据2", "其他"):
        wb.create_sheet(name)["A1"] = len(name)
    wb.defined_names["量"] = DefinedName("量", attr_text="数据2!$A$1")
    ws["A1"] = "=量*10"
    ws["A2"] = '=INDIRECT("其他!A1")'
    src, out = tmp_path / "reach.xlsx", tmp_path / "reach_out.xlsx"
    wb.save(src)
    got = evaluate_values(src)
    assert got[("汇总", "A1")] == 30 and got[("汇总", "A2")] == 2


def test_unreachable_sheets_are_not_loaded(udfs, tmp_path):
    sheets = [scan._Sheet("汇总", "s1"), scan._Sheet("数据", "s2"), scan._Sheet("无关", "s3")]
    sheets[0].formulas.append(object())
    names = [s.name for s in formulas_engine._unreachable_sheets(sheets, ["SUM(数据!A1:A3)"])]
    assert names == ["无关"]
    assert formulas_engine._unreachable_sheets(sheets, ['INDIRECT("x!A1")']) == []


# --------------------------------------------------------------------------------------
# Parameters
# --------------------------------------------------------------------------------------


def test_parameters_sheet_is_applied_before_computing(udfs, book, tmp_path, monkeypatch):
    seen = []
    monkeypatch.setattr(engine_calc, "parameters_from_rows",
                        lambda rows, strict: types.SimpleNamespace(rows=list(rows), warnings=[]))

    def use_parameters(p):
        seen.append(p)
        if p is not None:  # the CP functions run while the parameters are in force
            assert not udfs.calls

    udfs.use_parameters = use_parameters
    calc_workbook(book, tmp_path / "out.xlsx")
    blank = (None,) * 6
    # rows 1–3 blank, so that a row's position is its row number in the sheet
    assert seen[0].rows == [
        blank,
        blank,
        blank,
        ("经济", "基准折现率", 0.05, None, "审核手册", None),
        ("平衡", "物料平衡允许偏差", 0.05, None, None, "默认"),
    ]
    assert seen[-1] is None and udfs.calls  # reset afterwards


def test_bad_parameters_are_a_user_error(udfs, book, tmp_path, monkeypatch):
    def parameters_from_rows(rows, strict):
        raise ValueError("参数!C4 数值无效")

    monkeypatch.setattr(engine_calc, "parameters_from_rows", parameters_from_rows)
    out = tmp_path / "out.xlsx"
    with pytest.raises(EvaluateError, match="参数!C4 数值无效"):
        calc_workbook(book, out)
    assert not out.exists()


# --------------------------------------------------------------------------------------
# Files: refusing, atomic writes, bad input
# --------------------------------------------------------------------------------------


def test_refuses_to_write_over_the_input(udfs, book, tmp_path):
    digest = _sha(book)
    for dst in (book, tmp_path / "." / book.name, tmp_path / "sub" / ".." / book.name):
        (tmp_path / "sub").mkdir(exist_ok=True)
        with pytest.raises(EvaluateError, match="输出文件与输入文件相同"):
            calc_workbook(book, dst, force=True)
    hard, soft = tmp_path / "hard.xlsx", tmp_path / "soft.xlsx"
    os.link(book, hard)
    soft.symlink_to(book)
    for dst in (hard, soft):
        with pytest.raises(EvaluateError, match="输出文件与输入文件相同"):
            calc_workbook(book, dst, force=True)
    assert _sha(book) == digest


def test_existing_output_needs_force(udfs, book, tmp_path):
    out = tmp_path / "out.xlsx"
    out.write_bytes(b"old")
    with pytest.raises(EvaluateError, match=r"输出文件已存在：.*（使用 --force 覆盖）"):
        calc_workbook(book, out)
    assert out.read_bytes() == b"old"
    calc_workbook(book, out, force=True)
    assert zipfile.is_zipfile(out)


def test_failure_leaves_no_partial_output(udfs, book, tmp_path, monkeypatch):
    out = tmp_path / "out.xlsx"
    real = xlsxio.copy_package

    def half_then_fail(pkg, zout, replace, drop=frozenset()):
        zout.writestr("partial.xml", b"x" * 1000)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(xlsxio, "copy_package", half_then_fail)
    with pytest.raises(EvaluateError, match="无法写入输出文件"):
        calc_workbook(book, out)
    monkeypatch.setattr(xlsxio, "copy_package", real)
    assert sorted(p.name for p in tmp_path.iterdir()) == [book.name]


def test_output_extension_must_match_the_workbook_type(udfs, book, tmp_path):
    with pytest.raises(EvaluateError, match=r"扩展名应为 \.xlsx"):
        calc_workbook(book, tmp_path / "out.xlsm")


@pytest.mark.parametrize(
    "content, message",
    [
        (b"not a workbook at all", "不是 Excel .xlsx 工作簿"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "已加密.*或为旧版 .xls"),  # .xls / encrypted
        (None, "没有 Excel 工作簿内容"),
    ],
)
def test_bad_input_gives_a_clear_message_naming_the_file(udfs, tmp_path, content, message):
    src = tmp_path / "坏文件.xlsx"
    if content is None:
        with zipfile.ZipFile(src, "w") as z:
            z.writestr("hello.txt", "hi")
    else:
        src.write_bytes(content)
    out = tmp_path / "out.xlsx"
    with pytest.raises(EvaluateError, match=message) as info:
        calc_workbook(src, out)
    assert "坏文件.xlsx" in str(info.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["坏文件.xlsx"]
    with pytest.raises(EvaluateError, match=message):
        evaluate_values(src)


def test_missing_input_and_new_output_folder(udfs, book, tmp_path):
    with pytest.raises(EvaluateError, match="找不到文件"):
        calc_workbook(tmp_path / "无.xlsx", tmp_path / "out.xlsx")
    out = tmp_path / "新建" / "out.xlsx"
    calc_workbook(book, out)  # the folder is created, as for every cpxl output
    assert zipfile.is_zipfile(out)


def test_hostile_xml_entities_are_not_expanded(udfs, tmp_path):
    wb = openpyxl.Workbook()
    wb.active["A1"] = "=1+1"
    src = tmp_path / "evil.xlsx"
    wb.save(src)
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET")
    doctype = f'<!DOCTYPE w [<!ENTITY x SYSTEM "file://{secret}">]>'
    _rewrite(
        src,
        {},
        {"xl/worksheets/sheet1.xml": lambda s: doctype + s.replace("<sheetData>", "<sheetData>&x;")},
    )
    out = tmp_path / "evil_out.xlsx"
    # the worksheet with a DOCTYPE is refused: no output, and the file's content appears nowhere
    with pytest.raises(EvaluateError) as refused:
        calc_workbook(src, out)
    assert "TOPSECRET" not in str(refused.value) and not out.exists()


def test_error_is_a_user_facing_exception():
    from cpxl.errors import CpxlError

    assert issubclass(EvaluateError, CpxlError)


# --------------------------------------------------------------------------------------
# The result opens elsewhere
# --------------------------------------------------------------------------------------


@pytest.mark.libreoffice
def test_libreoffice_opens_the_result_and_shows_the_values(udfs, book, tmp_path):
    soffice = requires("soffice", "libreoffice")
    out = tmp_path / "out.xlsx"
    calc_workbook(book, out)
    conv = tmp_path / "csv"
    env = dict(os.environ, HOME=str(tmp_path))  # private profile: no clash with other runs
    proc = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{tmp_path}/lo-profile",
            "--headless",
            "--convert-to",
            # UTF-8, every sheet to its own file
            "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
            "--outdir",
            str(conv),
            str(out),
        ],
        capture_output=True,
        timeout=180,
        env=env,
    )
    files = sorted(conv.glob("*.csv"))
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")
    # every sheet to its own file (the sheet argument -1 needs LibreOffice ≥ 7.2)
    assert len(files) == len(openpyxl.load_workbook(out, read_only=True).sheetnames), files
    text = "\n".join(p.read_text(encoding="utf-8") for p in files)
    assert "Err:" not in text and "#NAME?" not in text
    # the cached values are shown as they are: CP_ cells included
    assert "2024年" in text and "可行" in text and "100.956" in text


# --------------------------------------------------------------------------------------
# The real cpxl.udfs
# --------------------------------------------------------------------------------------


class TestRealUdfs:
    @pytest.fixture(autouse=True)
    def _real(self):
                assert "CP_NPV" in cp.cp_functions()

    def test_every_cp_function_is_registered(self):
        import formulas

        names = formulas_engine.register_cp_functions()
        assert names and all(n.startswith("CP_") for n in names)
        assert set(names) <= set(formulas.get_functions())

    def test_npv_worked_example(self, book, tmp_path):
        values = evaluate_values(book)
        # I=150, F=32.5, n=10, i=5 %: 32.5 × 7.7217 − 150 = 100.96
        assert values[("计算", "B1")] == pytest.approx(100.956, abs=1e-2)

    def test_bad_argument_text(self, tmp_path):
        wb = openpyxl.Workbook()
        wb.active["A1"] = '=CP_NPV("abc",32.5,10,0.05)'
        src = tmp_path / "bad.xlsx"
        wb.save(src)
        value = evaluate_values(src)[("Sheet", "A1")]
        assert isinstance(value, str) and value.startswith("#CP!")

    def test_parameters_sheet_sets_the_default_rate_and_bad_rows_are_reported(self, tmp_path):
        wb = openpyxl.Workbook()
        wb.active["A1"] = "=CP_NPV(150,32.5,10)"  # rate omitted: 参数 基准折现率
        par = wb.create_sheet("参数")
        par["A3"], par["B3"], par["C3"] = "类别", "名称", "数值"
        par.append(["经济", "基准折现率", 0.05])
        par.append(["经济", "不存在的参数", 1])
        src, out = tmp_path / "p.xlsx", tmp_path / "p_out.xlsx"
        wb.save(src)
        result = calc_workbook(src, out)
        # i = 5 % from the sheet (the built-in default is 8 %): 32.5 × 7.7217 − 150 = 100.96
        assert result.values[("Sheet", "A1")] == pytest.approx(100.956, abs=1e-2)
        assert len(result.warnings) == 1 and "第 5 行" in result.warnings[0]
        # nothing stays in force afterwards: a direct call uses the built-in 8 %
        # (annuity factor (1 − 1.08^−10)/0.08 = 6.7101; 32.5 × 6.7101 − 150 = 68.08)
        assert cp.udfs_module().CP_NPV(150, 32.5, 10) == pytest.approx(68.08, abs=1e-2)
