"""The fast formula engine (cpxl.workbook.engine.fast): values worked by hand, Excel's rules for
blanks, text, errors and criteria, dependency order, cycles, defined names, and the same
values as the `formulas` engine on the demo workbook."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import openpyxl
import pytest
from lxml import etree
from openpyxl.utils.datetime import to_excel
from openpyxl.workbook.defined_name import DefinedName

from cpxl.workbook.engine import (
    CellError,
    EvaluateError,
    calc_workbook,
    evaluate_values,
    sheets,
)
from cpxl.workbook.engine import fast as fast_engine
from cpxl.workbook.xlsxio import NS_MAIN


def book(tmp_path: Path, cells: dict, names: dict | None = None, name: str = "b.xlsx") -> Path:
    """A workbook from {"Sheet!A1": value}; sheets are created in order of appearance."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for ref, value in cells.items():
        sheet, cell = ref.split("!") if "!" in ref else ("S", ref)
        ws = wb[sheet] if sheet in wb.sheetnames else wb.create_sheet(sheet)
        ws[cell] = value
    for n, target in (names or {}).items():
        wb.defined_names[n] = DefinedName(n, attr_text=target)
    path = tmp_path / name
    wb.save(path)
    return path


def fast(tmp_path: Path, cells: dict, names: dict | None = None) -> dict:
    """{cell: value} of sheet S (or "Sheet!A1" keys for other sheets), fast engine only."""
    got = evaluate_values(book(tmp_path, cells, names), engine="fast")
    return {(c if s == "S" else f"{s}!{c}"): v for (s, c), v in got.items()}


def close(a, b) -> bool:
    return isinstance(a, float) and math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)


def test_arithmetic_and_operators(tmp_path):
    got = fast(tmp_path, {
        "A1": 5, "A2": "3",  # A3 blank
        "B1": "=1+2*3",  # 1 + 6 = 7
        "B2": "=-2^2",  # negation first: (-2)^2 = 4
        "B3": "=2^3^2",  # left to right: (2^3)^2 = 64
        "B4": "=50%*A1",  # 0.5 * 5 = 2.5
        "B5": '="a"&1.5&TRUE&A3',  # "a" "1.5" "TRUE" "" = "a1.5TRUE"
        "B6": "=A3+1",  # blank is 0: 1
        "B7": "=A2+1",  # text "3" is converted: 4
        "B8": '="x"+1',  # #VALUE!
        "B9": "=A1/(A3)",  # 5 / 0: #DIV/0!
        "B10": "=(A1-1)/4-0.5",  # 4/4 - 0.5 = 0.5
        "B11": "=0.1+0.2",  # 0.30000000000000004
        "B12": "=1/3&\"\"",  # 15 significant digits
        "B13": "=A3",  # a formula showing a blank cell shows 0
    })
    assert got["B1"] == 7 and got["B2"] == 4 and got["B3"] == 64 and got["B4"] == 2.5
    assert got["B5"] == "a1.5TRUE" and got["B6"] == 1 and got["B7"] == 4
    assert got["B8"] == "#VALUE!" and isinstance(got["B8"], CellError)
    assert got["B9"] == "#DIV/0!" and got["B10"] == 0.5
    assert close(got["B11"], 0.3)
    assert got["B12"] == "0.333333333333333" and got["B13"] == 0


def test_comparisons_follow_excel(tmp_path):
    got = fast(tmp_path, {
        "A1": "abc",  # A2 blank
        "B1": '=A2=""',  # blank equals "": TRUE
        "B2": "=A2=0",  # blank equals 0: TRUE
        "B3": '=A1="ABC"',  # case-insensitive: TRUE
        "B4": '=1<"a"',  # numbers before text: TRUE
        "B5": '="z"<TRUE',  # text before booleans: TRUE
        "B6": '="10"=10',  # text is not a number here: FALSE
        "B7": "=0.1+0.2=0.3",  # 15 significant digits: TRUE
        "B8": '=A1<>"abd"',  # TRUE
        "B9": "=1/0>1",  # the error propagates: #DIV/0!
        "B10": "=A2=FALSE",  # blank equals FALSE: TRUE
    })
    assert [got[f"B{i}"] for i in range(1, 9)] == [True, True, True, True, True, False, True, True]
    assert got["B9"] == "#DIV/0!" and got["B10"] is True


def test_errors_flow_through_iferror_and_iserror(tmp_path):
    got = fast(tmp_path, {
        "A1": "甲", "A2": "乙", "A3": 1,
        "B1": '=IFERROR(1/0,"除零")',  # "除零"
        "B2": "=ISERROR(NA())",  # TRUE
        "B3": '=IFERROR(MATCH("丙",A1:A3,0),-1)',  # not found: -1
        "B4": '=MATCH("丙",A1:A3,0)+1',  # #N/A flows through +
        "B5": "=SUM(A3,B4)",  # #N/A flows through SUM
        "B6": "=IF(TRUE,1,1/0)",  # the other branch is never computed: 1
        "B7": "=ISERROR(B4)",  # TRUE
        "B8": '=IF(ISNUMBER(A3),"数","非")',  # "数"
        "B9": '=IFERROR("x"*2,"文字")',  # #VALUE! caught: "文字"
        "B10": "=IF(1/0,1,2)",  # an error condition: #DIV/0!
        "B11": "=AND(TRUE,1,A3)",  # TRUE
        "B12": "=OR(FALSE,0)",  # FALSE
        "B13": "=NOT(ISBLANK(A3))",  # TRUE
        "B14": "=N(A1)+N(A3)+N(TRUE)",  # 0 + 1 + 1 = 2
        "B15": "=ISTEXT(A1)",  # TRUE
        "B16": "=IFNA(B4,7)",  # 7
    })
    assert got["B1"] == "除零" and got["B2"] is True and got["B3"] == -1
    assert got["B4"] == "#N/A" and got["B5"] == "#N/A" and got["B6"] == 1 and got["B7"] is True
    assert got["B8"] == "数" and got["B9"] == "文字" and got["B10"] == "#DIV/0!"
    assert got["B11"] is True and got["B12"] is False and got["B13"] is True and got["B14"] == 2
    assert got["B15"] is True and got["B16"] == 7


def test_aggregates(tmp_path):
    # A1:A6 = 1, 2, 3, 4, "x", blank
    got = fast(tmp_path, {
        "A1": 1, "A2": 2, "A3": 3, "A4": 4, "A5": "x",
        "B1": "=SUM(A1:A6)",  # 10 (text in a range is skipped)
        "B2": "=COUNT(A1:A6)",  # 4
        "B3": "=COUNTA(A1:A6)",  # 5
        "B4": "=AVERAGE(A1:A6)",  # 10 / 4 = 2.5
        "B5": "=MIN(A1:A6)+MAX(A1:A6)",  # 1 + 4 = 5
        "B6": "=MEDIAN(A1:A6)",  # (2 + 3) / 2 = 2.5
        "B7": "=QUARTILE(A1:A6,1)",  # position (4-1)*0.25 = 0.75: 1 + 0.75*(2-1) = 1.75
        "B8": "=RANK(3,A1:A6)",  # descending: 4 is above: 2
        "B9": "=RANK(3,A1:A6,1)",  # ascending: 1, 2 below: 3
        "B10": '=SUM(1,"2",TRUE)',  # direct text and TRUE count: 1 + 2 + 1 = 4
        "B11": "=COUNTBLANK(A1:A10)",  # A6:A10: 5
        "B12": "=SUM(A:A)",  # whole column: 10
        "B13": "=SUMPRODUCT(A1:A4,A1:A4)",  # 1 + 4 + 9 + 16 = 30
        "B14": '=SUMPRODUCT((A1:A4>2)*A1:A4)',  # 3 + 4 = 7
        "B17": '=SUMPRODUCT((A1:A10<>"x")*1)',  # 1-4 and the blanks A6:A10: 4 + 5 = 9
        "B18": '=SUMPRODUCT((A1:A6>2)*A1:A6)',  # TRUE*"x" in row 5: #VALUE!
        "B15": "=MAX(A5:A6)",  # no numbers: 0
        "B16": "=AVERAGE(A5:A6)",  # no numbers: #DIV/0!
    })
    want = {"B1": 10, "B2": 4, "B3": 5, "B4": 2.5, "B5": 5, "B6": 2.5, "B7": 1.75, "B8": 2, "B9": 3,
            "B10": 4, "B11": 5, "B12": 10, "B13": 30, "B14": 7, "B15": 0, "B16": "#DIV/0!",
            "B17": 9, "B18": "#VALUE!"}
    assert {k: got[k] for k in want} == want


def test_conditional_sums_and_counts(tmp_path):
    # 类型 | 名称 | 数量, rows 2-6; the criteria ranges run to row 500 (template style)
    cells = {"A1": "类型", "B1": "名称", "C1": "数量"}
    rows = [("原料", "麦芽", 10), ("原料", "大米", 5), ("中间产品", "麦汁", 100), ("产品", "啤酒", 80), ("原料", "酒花", 1)]
    for i, (a, b, c) in enumerate(rows, start=2):
        cells.update({f"A{i}": a, f"B{i}": b, f"C{i}": c})
    cells.update({
        "E1": 6, "E2": "原料",  # E3 blank
        "F1": '=SUMIF($A$2:$A$500,"<>中间产品",$C$2:$C$500)',  # 10 + 5 + 80 + 1 = 96
        "F2": '=SUMIF(C2:C500,">"&E1)',  # 10 + 100 + 80 = 190
        "F3": '=COUNTIF(B2:B500,"*芽")',  # wildcard: 麦芽: 1
        "F4": '=SUMIFS(C2:C500,A2:A500,E2,C2:C500,"<10")',  # 原料 below 10: 5 + 1 = 6
        "F5": '=COUNTIFS(A2:A500,"原料",B2:B500,"?米")',  # 大米: 1
        "F6": '=COUNTIF(A2:A500,"")',  # 499 rows, 5 filled: 494 blank
        "F7": '=COUNTIF(A2:A500,"<>")',  # 5
        "F8": "=SUMIF(A2:A500,E2,C2:C500)",  # 原料: 16
        "F9": '=COUNTIF(C2:C500,">=80")',  # 100, 80: 2
        "F10": "=COUNTIF(C2:C500,E3)",  # a blank criteria cell means 0: none
        "F11": '=SUMIF(A2:A500,"产品",C2)',  # sum range given by its top-left cell: 80
        "F12": '=COUNTIF(B2:B6,"麦~*")',  # escaped star, no match: 0
    })
    got = fast(tmp_path, cells)
    assert [got[f"F{i}"] for i in range(1, 13)] == [96, 190, 1, 6, 1, 494, 5, 16, 2, 0, 80, 0]


def test_lookups(tmp_path):
    got = fast(tmp_path, {
        "A1": "F1", "A2": "F2", "A3": "F3", "B1": 10, "B2": 20, "B3": 30, "D1": 2, "D2": "f3",
        "C1": 1, "C2": 5, "C3": 9,
        "E1": '=INDEX(B1:B3,MATCH("F2",A1:A3,0))',  # 20
        "E2": "=INDEX(B1:B3,D1,1)",  # INDEX(range, range, 1): row 2: 20
        "E3": "=VLOOKUP(D2,A1:B3,2,FALSE)",  # case-insensitive: 30
        "E4": "=MATCH(6,C1:C3,1)",  # largest <= 6 is 5: 2
        "E5": "=MATCH(0,C1:C3,1)",  # nothing <= 0: #N/A
        "E6": "=INDEX(A1:B3,3,2)",  # 30
        "E7": "=INDEX(A1:B3,4,1)",  # outside: #REF!
        "E8": "=VLOOKUP(6,C1:C3,1)",  # approximate: 5
        "E9": '=MATCH("F*",A1:A3,0)',  # wildcard: 1
        "E10": "=INDEX(B1:B10,7)",  # inside the range, blank: 0
        "E11": '=IF(INDEX(B1:B10,7)="","空",1)',  # blank equals "": "空"
        "E12": "=CHOOSE(2,\"a\",\"b\",\"c\")",  # "b"
        "E13": "=MATCH(8,{10,8,3},-1)",  # descending, smallest >= 8: 2
    })
    want = {"E1": 20, "E2": 20, "E3": 30, "E4": 2, "E5": "#N/A", "E6": 30, "E7": "#REF!", "E8": 5,
            "E9": 1, "E10": 0, "E11": "空", "E12": "b", "E13": 2}
    assert {k: got[k] for k in want} == want


def test_rounding_text_and_dates(tmp_path):
    got = fast(tmp_path, {
        "A1": "  清洁   生产 ",
        "B1": "=ROUND(2.675,2)",  # half away from zero on the decimal digits: 2.68
        "B2": "=ROUND(-2.5,0)",  # -3
        "B3": "=ROUNDUP(1.201,2)",  # 1.21
        "B4": "=ROUNDDOWN(-1.29,1)",  # -1.2
        "B5": "=ROUND(1234,-2)",  # 1200
        "B6": '=LEFT("清洁生产",2)&RIGHT("abc")&MID("abcdef",2,3)',  # "清洁" "c" "bcd"
        "B7": '=LEN("清洁生产")+LEN(123)',  # 4 + 3 = 7
        "B8": '=SUBSTITUTE("a-b-c","-","+")&SUBSTITUTE("a-b-c","-","+",2)',  # "a+b+c" "a-b+c"
        "B9": '=TEXT(0.1234,"0.0%")&"|"&TEXT(2.5,"0")&"|"&TEXT(1234.567,"0.00")&"|"&TEXT(0.05,"0%")',
        "B10": '=VALUE("1,234")+VALUE("5%")',  # 1234 + 0.05
        "B11": "=TRIM(A1)",  # "清洁 生产"
        "B12": '=CONCATENATE("第",3,"年")',  # "第3年"
        "B13": "=DATE(2024,1,5)",  # days from 1899-12-30: 45296
        "B14": "=YEAR(B13)",  # 2024
        "B15": "=ABS(-3)+INT(2.7)+MOD(-1,3)",  # 3 + 2 + 2 = 7
        "B16": '=TEXT(1234.5,"#,##0.0")',  # "1,234.5"
        "B17": '=TEXT(45296,"yyyy-mm-dd")',  # "2024-01-05"
    })
    assert got["B1"] == 2.68 and got["B2"] == -3 and got["B3"] == 1.21 and got["B4"] == -1.2
    assert got["B5"] == 1200 and got["B6"] == "清洁cbcd" and got["B7"] == 7
    assert got["B8"] == "a+b+ca-b+c"
    assert got["B9"] == "12.3%|3|1234.57|5%"  # 2.5 rounds away from zero
    assert close(got["B10"], 1234.05) and got["B11"] == "清洁 生产" and got["B12"] == "第3年"
    assert got["B13"] == 45296 and got["B14"] == 2024 and got["B15"] == 7
    assert got["B16"] == "1,234.5" and got["B17"] == "2024-01-05"


def test_finance(tmp_path):
    got = fast(tmp_path, {
        "A1": -150, "A2": 32.5, "A3": 32.5, "A4": 32.5, "A5": 32.5, "A6": 32.5, "A7": 32.5,
        "B1": "=NPV(0.1,100,100)",  # 100/1.1 + 100/1.1^2 = 173.5537190...
        "B2": "=PV(0.05,10,-32.5)",  # 32.5 * (1 - 1.05^-10) / 0.05 = 250.956...
        "B3": "=IRR(A1:A7)",  # NPV at the result is 0 (checked below)
        "B4": "=RATE(10,-32.5,250)",  # 250 = 32.5 * (1 - (1+i)^-10) / i (checked below)
        "B5": "=NPV(0.05,A2:A7)+A1",  # Excel's convention: investment added outside
    })
    assert close(got["B1"], 100 / 1.1 + 100 / 1.1**2)
    assert close(got["B2"], 32.5 * (1 - 1.05**-10) / 0.05)
    irr = got["B3"]
    assert abs(-150 + sum(32.5 / (1 + irr) ** t for t in range(1, 7))) < 1e-9
    i = got["B4"]
    assert abs(32.5 * (1 - (1 + i) ** -10) / i - 250) < 1e-9
    assert close(got["B5"], sum(32.5 / 1.05**t for t in range(1, 7)) - 150)


def test_dependency_order_across_sheets(tmp_path):
    # written so that every formula comes before the cells it needs
    got = fast(tmp_path, {
        "汇总!A1": "=明细!B3*2",  # (3 + 4) * 2 = 14
        "汇总!A2": "=A1+明细!B1",  # 14 + 3 = 17
        "明细!B3": "=SUM(B1:B2)",  # 3 + 4 = 7
        "明细!B1": "=A1*3",  # 3
        "明细!B2": "='明细'!A2+汇总!B9",  # 4 + 0 (blank)
        "明细!A1": 1, "明细!A2": 4,
    })
    assert got["汇总!A1"] == 14 and got["汇总!A2"] == 17 and got["明细!B3"] == 7


def test_copies_reading_each_other_are_computed_in_dependency_order(tmp_path):
    # copies of one shape are computed together: a running total down the column
    # (C_r = C_{r-1} + A_r) and a remainder up it (D_r = D_{r+1} + A_r), A1..A5 = 1..5
    cells = {f"A{r}": r for r in range(1, 6)}
    cells.update({"C1": "=A1", "D5": "=A5"})
    cells.update({f"C{r}": f"=C{r - 1}+A{r}" for r in range(2, 6)})
    cells.update({f"D{r}": f"=D{r + 1}+A{r}" for r in range(1, 5)})
    got = fast(tmp_path, cells)
    assert [got[f"C{r}"] for r in range(1, 6)] == [1, 3, 6, 10, 15]  # 1, 1+2, 3+3, 6+4, 10+5
    assert [got[f"D{r}"] for r in range(1, 6)] == [15, 14, 12, 9, 5]  # 5, 5+4, 9+3, 12+2, 14+1


def test_progress_is_reported_in_steps_up_to_the_total(tmp_path):
    # 300 copies of one shape and 2 cells on a cycle: about one report per 1 % (step 3), never backwards
    cells = {f"A{r}": r for r in range(1, 301)}
    cells.update({f"B{r}": f"=A{r}*2" for r in range(1, 301)})
    cells.update({"C1": "=C2", "C2": "=C1"})
    reports = []
    result = calc_workbook(book(tmp_path, cells), tmp_path / "out.xlsx", engine="fast",
                           progress=lambda done, total: reports.append((done, total)))
    assert result.values[("S", "B300")] == 600
    assert {total for _done, total in reports} == {302}
    done = [d for d, _total in reports]
    assert done == sorted(done) and done[-1] == 302
    assert 50 <= len(reports) <= 110 and all(b - a <= 3 for a, b in zip([0, *done], done))


def test_same_shape_on_two_sheets_reads_its_own_sheet(tmp_path):
    # one compiled shape (=B1*2, =A1+1) serves both sheets; each reads and waits for its own cells
    got = fast(tmp_path, {
        "一!A1": "=B1*2", "一!B1": "=C1+1", "一!C1": 1,  # B1 = 2, A1 = 4
        "二!A1": "=B1*2", "二!B1": "=C1+1", "二!C1": 10,  # B1 = 11, A1 = 22
    })
    assert (got["一!A1"], got["一!B1"], got["二!A1"], got["二!B1"]) == (4, 2, 22, 11)


def test_shared_formulas_take_the_shape_of_their_group(tmp_path):
    import zipfile

    src = book(tmp_path, {"A2": 1, "A3": 2, "A4": 3, "B2": "=0", "B3": "=0", "B4": "=0", "C1": "=SUM(B2:B4)"})
    shared = {  # B2:B4 as Excel stores a filled-down column: =A2*2, =A3*2, =A4*2
        "B2": '<c r="B2"><f t="shared" ref="B2:B4" si="0">A2*2</f><v>0</v></c>',
        "B3": '<c r="B3"><f t="shared" si="0"/><v>0</v></c>',
        "B4": '<c r="B4"><f t="shared" si="0"/></c>',
    }
    tmp = src.with_suffix(".tmp")
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(tmp, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                xml = data.decode()
                for ref, new in shared.items():
                    start = xml.index(f'<c r="{ref}"')
                    xml = xml[:start] + new + xml[xml.index("</c>", start) + 4:]
                data = xml.encode()
            zout.writestr(info, data)
    tmp.replace(src)
    got = {c: v for (_s, c), v in evaluate_values(src, engine="fast").items()}
    assert [got["B2"], got["B3"], got["B4"], got["C1"]] == [2, 4, 6, 12]  # 2 + 4 + 6 = 12


def test_cycle_cells_get_circ_and_dependents_read_zero(tmp_path):
    src = book(tmp_path, {"A1": "=A2+1", "A2": "=A1+1", "A3": "=A1+5", "A4": "=A4*2", "A5": "=7"})
    out = tmp_path / "out.xlsx"
    result = calc_workbook(src, out, engine="fast")
    assert result.engine == "fast"
    got = {c: v for (_s, c), v in result.values.items()}
    assert got["A1"] == got["A2"] == got["A4"] == "#CIRC!"  # reported …
    assert got["A3"] == 5 and got["A5"] == 7  # … and read as 0, as Excel shows the cells
    assert {c for _s, c, _t in result.errors} == {"A1", "A2", "A4"}
    kept = openpyxl.load_workbook(out, data_only=True)["S"]
    assert kept["A1"].value == 0 and kept["A3"].value == 5  # written as 0


def test_defined_names(tmp_path):
    got = fast(tmp_path, {
        "参数!C4": 0.05, "参数!A1": "电", "参数!A2": "煤", "参数!B1": 10, "参数!B2": 20,
        "S!A1": "=折现率*100",  # 5
        "S!A2": '=INDEX(系数值,MATCH("煤",系数名,0))',  # 20
        "S!A3": "=SUM(系数值)",  # 30
        "S!A4": "=税率+1",  # a constant name: 1.25
        "S!A5": "=未定义+1",  # #NAME?
    }, names={"折现率": "参数!$C$4", "系数值": "参数!$B$1:$B$2", "系数名": "'参数'!$A$1:$A$2", "税率": "0.25"})
    assert close(got["A1"], 5) and got["A2"] == 20 and got["A3"] == 30 and got["A4"] == 1.25
    assert got["A5"] == "#NAME?"


def test_cp_functions_and_qualified_calls(tmp_path):
    got = fast(tmp_path, {
        "A1": 150, "A2": 32.5,
        "B1": "=CP_NPV(A1,A2,10,5%)",  # 32.5 * (1 - 1.05^-10)/0.05 - 150 = 100.956...
        "B2": "=[1]!CP_NPV(A1,A2,10,0.05)",
        "B3": "=_xludf.CP_NPV(A1,A2,10,0.05)",
        "B4": "=CP_NPV(-5,A2,10,0.05)",  # bad investment: #CP! text
        "B5": "=CP_NPV(1/0,A2,10,0.05)",  # an error argument is passed through
        "B6": '=CP_TCE(2,"电力",,"万kWh")',  # omitted coefficient: the default
    })
    want = 32.5 * (1 - 1.05**-10) / 0.05 - 150
    assert close(got["B1"], want) and close(got["B2"], want) and close(got["B3"], want)
    assert got["B4"].startswith("#CP!") and got["B5"] == "#DIV/0!"
    assert isinstance(got["B6"], float) and got["B6"] > 0


def test_outside_the_fast_path_falls_back_to_the_formulas_engine(tmp_path):
    src = book(tmp_path, {"A1": 2, "A2": '=INDIRECT("A1")*3', "A3": "=A1+1"})
    result = calc_workbook(src, tmp_path / "o.xlsx")
    assert result.engine == "formulas"
    assert result.values[("S", "A2")] == 6 and result.values[("S", "A3")] == 3
    with pytest.raises(EvaluateError, match="INDIRECT"):
        evaluate_values(src, engine="fast")
    native = book(tmp_path, {"A1": 2, "A2": "=A1*3"}, name="n.xlsx")
    assert calc_workbook(native, tmp_path / "n_out.xlsx").engine == "fast"


def test_shapes_are_compiled_once(tmp_path, monkeypatch):
    calls = []
    real = fast_engine.compile_shape
    monkeypatch.setattr(fast_engine, "compile_shape", lambda b, t: calls.append(t) or real(b, t))
    cells = {f"A{r}": r for r in range(1, 201)}
    cells.update({f"B{r}": f"=A{r}*2+$A$1" for r in range(1, 201)})
    got = fast(tmp_path, cells)
    assert got["B200"] == 401 and len(calls) == 1


def test_copies_down_a_column_are_recognised_by_their_text(tmp_path):
    # the same text in another row is another formula: B2 "=A1*2" reads the row above,
    # B1 "=A1*2" its own row; C3 after C1:C2 in the same column but with a new reference
    got = fast(tmp_path, {
        "A1": 1, "A2": 10, "A3": 100,
        "B1": "=A1*2", "B2": "=A1*2", "B3": "=A3*2",  # 2, 2, 200
        "C1": '=A1&"{0}"', "C2": '=A2&"{0}"', "C3": '=A3&"{0}"&B3',  # "1{0}", "10{0}", "100{0}200"
        "D1": "=$A$1+A1", "D2": "=$A$1+A2", "D3": "=E3",  # 2, 11, blank E3 -> 0
    })
    assert [got["B1"], got["B2"], got["B3"]] == [2, 2, 200]
    assert [got["C1"], got["C2"], got["C3"]] == ["1{0}", "10{0}", "100{0}200"]
    assert [got["D1"], got["D2"], got["D3"]] == [2, 11, 0]


@pytest.fixture(scope="module")
def demo_book(demo_audit):
    return demo_audit


def _same(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, (int, float)) and not isinstance(b, bool):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    return a == b


@pytest.mark.slow
def test_demo_workbook_same_values_as_formulas_engine(demo_book):
    fast_values = evaluate_values(demo_book, engine="fast")
    slow_values = evaluate_values(demo_book, engine="formulas")
    assert fast_values.keys() == slow_values.keys() and len(fast_values) > 500
    diff = {k: (fast_values[k], slow_values[k]) for k in slow_values if not _same(fast_values[k], slow_values[k])}
    assert not diff


EXCEL_BOOKS = sorted((Path(__file__).parent / "data" / "excel").glob("*.xlsx"))


def _excel_value(x):
    if isinstance(x, (dt.datetime, dt.date)):
        return float(to_excel(x))
    return x


@pytest.mark.parametrize("path", EXCEL_BOOKS, ids=[p.stem for p in EXCEL_BOOKS])
def test_excel_saved_workbooks_match_excels_values(path):
    """Excel's cached values (the workbooks were saved by Microsoft Excel) against the fast engine."""
    assert EXCEL_BOOKS
    cached = openpyxl.load_workbook(path, data_only=True)
    mine = evaluate_values(path, engine="fast")
    assert mine
    for (sheet, cell), value in mine.items():
        excel = _excel_value(cached[sheet][cell].value)
        if excel is None:  # an empty result: "" or a blank reference shown as 0
            assert value in ("", 0), (sheet, cell, value)
        elif isinstance(excel, bool) or isinstance(value, bool):
            assert value == excel, (sheet, cell, value, excel)
        elif isinstance(excel, (int, float)) and isinstance(value, float):
            assert math.isclose(value, excel, rel_tol=1e-9, abs_tol=1e-12), (sheet, cell, value, excel)
        else:
            assert str(value) == str(excel), (sheet, cell, value, excel)


def test_plain_reader_reads_what_the_xml_parser_reads(demo_book, tmp_path):
    """The sheet-text reader and the tree reader give the same values (demo sheets, and a sheet
    with an error value, a boolean, an escaped inline text and a formula text result)."""
    from cpxl.workbook import xlsxio

    src = book(tmp_path, {"A1": 1.5, "A2": "文字 & <符号>", "A3": True, "A4": "#N/A", "A5": "=1", "B1": -2})
    for path in (demo_book, src):
        pkg = xlsxio.open_package(Path(path))
        try:
            strings = sheets._shared_strings(pkg)
            for part in pkg.sheets:
                data = pkg.read(part.part)
                plain: dict = {}
                assert sheets._read_plain(data, set(), plain, strings), part.name
                root = xlsxio.parse_xml(data, what=part.part).getroot()
                tree: dict = {}
                sheets._read_tree(root, root.tag[1:].split("}")[0], set(), tree, strings)
                assert plain == tree, part.name
        finally:
            pkg.close()
    got = evaluate_values(book(tmp_path, {"A1": "#N/A", "B1": "=ISNA(A1)", "B2": '=A2&"x"', "A2": "a&b"},
                               name="e.xlsx"), engine="fast")
    assert got[("S", "B1")] is True and got[("S", "B2")] == "a&bx"


def test_plain_reader_leaves_unusual_cells_to_the_tree_reader():
    # an attribute holding "/" is not matched by the sheet-text reader: it says so (False), and
    # the tree reader reads the cell
    xml = (b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
           b'<row r="1"><c r="A1"><v>1</v></c><c r="B1" x="a/b"><v>5</v></c></row></sheetData></worksheet>')
    assert not sheets._read_plain(xml, set(), {}, [])
    tree: dict = {}
    sheets._read_tree(etree.fromstring(xml), NS_MAIN, set(), tree, [])
    assert tree == {(1, 1): 1.0, (1, 2): 5.0}


def test_template_style_native_formulas(tmp_path):
    # what the templates are moving to: SUMPRODUCT, INDEX/MATCH on defined names, PV, RATE, TEXT
    got = fast(tmp_path, {
        "A1": "x", "A2": "y", "A3": "x", "B1": 1, "B2": 2, "B3": 3,
        "C1": '=SUMPRODUCT(--(A1:A10="x"))',  # x in A1 and A3: 2 (A4:A10 blank: not "x")
        "C2": '=SUMPRODUCT((A1:A3="x")*(B1:B3>1),B1:B3)',  # only row 3 passes both: 3
        "C3": "=SUMPRODUCT(量,量)",  # 1 + 4 + 9 = 14
        "C4": '=INDEX(量,MATCH("y",名,0))',  # 2
        "C5": "=PV(0.08,10,-1)",  # (1 - 1.08^-10) / 0.08 = 6.710081...
        "C6": '=TEXT(RATE(10,-1.5,10),"0.00%")',  # 10 = 1.5 (1 - (1+i)^-10)/i at i = 8.144 %
    }, names={"量": "S!$B$1:$B$3", "名": "S!$A$1:$A$3"})
    assert (got["C1"], got["C2"], got["C3"], got["C4"]) == (2, 3, 14, 2)
    assert close(got["C5"], (1 - 1.08**-10) / 0.08) and got["C6"] == "8.14%"
