"""More of the fast engine's native functions and error values against Excel's documented semantics
(support.microsoft.com, function reference), each expected value worked by hand in the comment beside it.
Complements tests/test_fastcalc.py (same helper: a workbook written with openpyxl, computed by the fast
engine only)."""

from __future__ import annotations

import math

import pytest
from test_fastcalc import fast

from cpxl.workbook.engine import CellError


def close(a, b, rel=1e-9) -> bool:
    return isinstance(a, float) and math.isclose(a, b, rel_tol=rel, abs_tol=1e-12)


def errors(got: dict) -> dict:
    return {k: str(v) for k, v in got.items() if isinstance(v, CellError)}


def test_error_values_propagate_through_every_operator(tmp_path):
    got = fast(tmp_path, {
        "A1": "=1/0",  # #DIV/0!
        "B1": "=A1-1", "B2": "=1-A1", "B3": "=A1*2", "B4": "=2/A1", "B5": "=A1^2", "B6": "=2^A1",
        "B7": '="a"&A1', "B8": '=A1&"a"', "B9": "=-A1", "B10": "=A1%", "B11": "=+A1",
        "C1": "=0^0",  # Excel: #NUM!
        "C2": "=0^-1",  # #DIV/0!
        "C3": "=(-8)^(1/3)",  # a negative base with a fractional power: #NUM!
        "C4": "=10^400",  # beyond the largest double: #NUM!
        "C5": "=1E+308*10",  # #NUM!
        "C6": "=(-8)^3",  # -512
        "C7": '=+"x"',  # unary plus leaves text as it is
    })
    assert all(got[f"B{i}"] == "#DIV/0!" for i in range(1, 12)), got
    assert [str(got[f"C{i}"]) for i in range(1, 6)] == ["#NUM!", "#DIV/0!", "#NUM!", "#NUM!", "#NUM!"]
    assert got["C6"] == -512 and got["C7"] == "x"


def test_text_as_number_and_number_as_text(tmp_path):
    got = fast(tmp_path, {
        "A1": '="(5)"+0',  # accounting negative: -5
        "A2": '="50%"+0',  # 0.5
        "A3": '="1,234.5"*2',  # 2469
        "A4": '="abc"+0',  # #VALUE!
        "A5": '=TRUE+TRUE',  # 2
        "B1": '=0&""',  # "0"
        "B2": '=1E+20&""',  # 15 significant digits, exponent form: "1E+20"
        "B3": '=0.000123&""',  # small numbers in full down to 1E-10: "0.000123"
        "B4": '=1E-11&""',  # "1E-11"
        "B5": '=123456789012345678&""',  # 15 significant digits: "1.23456789012346E+17"
        "B6": '=-2.5&""',  # "-2.5"
        "B7": '=FALSE&1',  # "FALSE1"
    })
    assert got["A1"] == -5 and got["A2"] == 0.5 and got["A3"] == 2469 and got["A4"] == "#VALUE!" and got["A5"] == 2
    assert [got[f"B{i}"] for i in range(1, 8)] == ["0", "1E+20", "0.000123", "1E-11", "1.23456789012346E+17", "-2.5", "FALSE1"]


def test_conditions_and_logical_functions(tmp_path):
    got = fast(tmp_path, {
        "A1": "TRUE", "A2": "x", "A3": 0,  # A1 and A2 are text; A4 blank
        "B1": '=IF("TRUE",1,2)',  # text "TRUE" is a true condition: 1
        "B2": '=IF("false",1,2)',  # 2
        "B3": '=IF("x",1,2)',  # other text: #VALUE!
        "B4": "=IF(A4,1,2)",  # blank is false: 2
        "B5": "=IF(A3,1)",  # false without an else: FALSE
        "B6": "=AND(A1:A4)",  # text and blanks in a range are ignored: AND(0) = FALSE
        "B7": "=OR(A1:A2)",  # no logical value at all: #VALUE!
        "B8": "=NOT(2)",  # FALSE
        "B9": "=AND(1/0,TRUE)",  # #DIV/0!
        "B10": "=TRUE()",  # TRUE
        "B11": "=FALSE()",  # FALSE
        "B12": "=ISLOGICAL(B10)",  # TRUE
        "B13": "=ISNONTEXT(A3)",  # TRUE
        "B14": "=ISERR(NA())",  # #N/A is not counted by ISERR: FALSE
        "B15": "=ISERR(1/0)",  # TRUE
        "B16": "=ISNA(NA())",  # TRUE
        "B17": "=T(A2)&T(A3)",  # T keeps text, other values become "": "x"
        "B18": '=CHOOSE(2,"甲","乙","丙")',  # "乙"
        "B19": '=CHOOSE(4,"甲","乙","丙")',  # beyond the list: #VALUE!
        "B20": "=N(1/0)",  # the error passes through N: #DIV/0!
    })
    assert [got[f"B{i}"] for i in (1, 2, 4, 5, 6, 8, 10, 11, 12, 13, 14, 15, 16, 17, 18)] == \
        [1, 2, 2, False, False, False, True, False, True, True, False, True, True, "x", "乙"]
    assert errors({k: got[k] for k in ("B3", "B7", "B9", "B19", "B20")}) == \
        {"B3": "#VALUE!", "B7": "#VALUE!", "B9": "#DIV/0!", "B19": "#VALUE!", "B20": "#DIV/0!"}


def test_hlookup_vlookup_index_match_edges(tmp_path):
    # B1:D2: keys 1, 2, 3 in row 1, values 甲, 乙, 丙 in row 2; F1:F3 text keys
    got = fast(tmp_path, {
        "B1": 1, "C1": 2, "D1": 3, "B2": "甲", "C2": "乙", "D2": "丙", "F1": "Apple", "F2": "Banana", "F3": "Cherry",
        "G1": 10, "G2": 20, "G3": 30,
        "H1": "=HLOOKUP(2,B1:D2,2,FALSE)",  # exact: 乙
        "H2": "=HLOOKUP(2.5,B1:D2,2)",  # approximate: the largest key ≤ 2.5 is 2: 乙
        "H3": "=HLOOKUP(0.5,B1:D2,2,TRUE)",  # below the first key: #N/A
        "H4": "=HLOOKUP(2,B1:D2,3,FALSE)",  # row 3 of a 2-row table: #REF!
        "H5": "=HLOOKUP(2,B1:D2,0,FALSE)",  # row 0: #VALUE!
        "H6": "=HLOOKUP(2,B1:D2,2,)",  # an omitted last argument is FALSE: exact, 乙
        "H7": "=HLOOKUP(1/0,B1:D2,2)",  # the error of the value looked up: #DIV/0!
        "H8": "=HLOOKUP(Z9,B1:D2,2,FALSE)",  # a blank value looked up: #N/A
        "I1": '=VLOOKUP("banana",F1:G3,2,FALSE)',  # case-insensitive: 20
        "I2": '=VLOOKUP("b*",F1:G3,2,FALSE)',  # wildcard: the first match, Banana: 20
        "I3": '=VLOOKUP("Blueberry",F1:G3,2)',  # approximate on sorted text: Banana ≤ Blueberry < Cherry: 20
        "I4": '=VLOOKUP("Apple",F1:G3,3,FALSE)',  # #REF!
        "I5": '=VLOOKUP("Apple",F1:G3,0,FALSE)',  # #VALUE!
        "I6": '=VLOOKUP("Apple",F1:G3,2,)',  # omitted: exact, 10
        "J1": "=INDEX(B1:D2,2,3)",  # 丙
        "J2": "=INDEX(B1:D1,2)",  # a one-row range with one number: column 2, 2
        "J3": "=INDEX(B1:D2,3,1)",  # #REF!
        "J4": "=SUM(INDEX(G1:G3,0,1))",  # a whole column: 60
        "J5": "=SUM(INDEX(B1:D2,1,0))",  # a whole row: 1 + 2 + 3 = 6
        "J6": '=MATCH(2.5,B1:D1,1)',  # largest ≤ 2.5: position 2
        "J8": '=MATCH("cherry",F1:F3,0)',  # 3
        "J9": "=MATCH(Z9,F1:F3,0)",  # blank: #N/A
        "J10": "=ROWS(B1:D2)*10+COLUMNS(B1:D2)",  # 2 rows, 3 columns: 23
        "J11": "=ROWS(5)+COLUMNS(5)",  # a single value counts as 1 × 1: 2
    })
    assert [got["H1"], got["H2"], got["H6"]] == ["乙", "乙", "乙"]
    assert errors({k: got[k] for k in ("H3", "H4", "H5", "H7", "H8")}) == \
        {"H3": "#N/A", "H4": "#REF!", "H5": "#VALUE!", "H7": "#DIV/0!", "H8": "#N/A"}
    assert [got["I1"], got["I2"], got["I3"], got["I6"]] == [20, 20, 20, 10]
    assert str(got["I4"]) == "#REF!" and str(got["I5"]) == "#VALUE!"
    assert got["J1"] == "丙" and got["J2"] == 2 and str(got["J3"]) == "#REF!" and got["J4"] == 60 and got["J5"] == 6
    assert got["J6"] == 2 and got["J8"] == 3 and str(got["J9"]) == "#N/A" and got["J10"] == 23 and got["J11"] == 2


def test_conditional_aggregates_with_criteria(tmp_path):
    # A1:A6 = 5, 15, 25, "苹果", "apple pie", blank; B1:B6 = 1 … 6
    cells = {f"B{i}": i for i in range(1, 7)}
    cells.update({"A1": 5, "A2": 15, "A3": 25, "A4": "苹果", "A5": "apple pie"})
    cells.update({
        "C1": '=AVERAGEIF(A1:A6,">10")',  # (15 + 25) / 2 = 20
        "C2": '=AVERAGEIF(A1:A6,">10",B1:B6)',  # (2 + 3) / 2 = 2.5
        "C3": '=AVERAGEIF(A1:A6,">100")',  # nothing: #DIV/0!
        "C4": '=AVERAGEIF(A1:A6,"",B1:B6)',  # the blank A6: 6
        "C5": '=SUMIF(A1:A6,"apple*",B1:B6)',  # wildcard: 5
        "C6": '=SUMIF(A1:A6,"<>苹果",B1:B6)',  # every row but 4: 21 − 4 = 17
        "C7": '=SUMIF(A1:A6,15)',  # 15
        "C8": '=SUMIFS(B1:B6,A1:A6,">=5",A1:A6,"<=15")',  # rows 1, 2: 1 + 2 = 3
        "C9": '=COUNTIFS(A1:A6,">0",B1:B6,"<3")',  # rows 1, 2: 2
        "C10": '=COUNTIF(A1:A6,"?果")',  # one character then 果: 1
        "C11": '=COUNTIF(A1:A6,"=")',  # blank cells: 1
        "C12": '=SUMIFS(B1:B6,A1:A6)',  # a criterion range without its criterion: #VALUE!
        "C13": "=AVERAGEIF(5,5)",  # not a range: #VALUE!
        "C14": '=SUMIF(A1:A6,"~*")',  # an escaped asterisk: no such text: 0
    })
    got = fast(tmp_path, cells)
    assert [got[f"C{i}"] for i in (1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 14)] == [20, 2.5, 6, 5, 17, 15, 3, 2, 1, 1, 0]
    assert str(got["C3"]) == "#DIV/0!" and str(got["C12"]) == "#VALUE!" and str(got["C13"]) == "#VALUE!"


def test_statistics_and_rounding(tmp_path):
    # A1:A5 = 1, 2, 3, 4, 10
    got = fast(tmp_path, {
        "A1": 1, "A2": 2, "A3": 3, "A4": 4, "A5": 10,
        "B1": "=PERCENTILE(A1:A5,0.3)",  # position (5−1)·0.3 = 1.2: 2 + 0.2·(3−2) = 2.2
        "B2": "=PERCENTILE(A1:A5,1.5)",  # #NUM!
        "B3": "=QUARTILE(A1:A5,3)",  # position 3: 4
        "B4": "=QUARTILE(A1:A5,5)",  # #NUM!
        "B5": "=PERCENTILE(A1:A5,1/0)",  # #DIV/0!
        "B6": "=MEDIAN(A1:A5)",  # 3
        "B7": "=RANK(4,A1:A5)",  # descending: 10, 4 → 2
        "B8": "=RANK(4,A1:A5,1)",  # ascending: 1, 2, 3, 4 → 4
        "B9": "=RANK(7,A1:A5)",  # not in the list: #N/A
        "C1": "=ROUND(2.5,0)",  # half away from zero: 3
        "C2": "=ROUND(-2.5,0)",  # -3
        "C3": "=ROUNDUP(-1.21,1)",  # away from zero: -1.3
        "C4": "=ROUNDDOWN(1.29,1)",  # toward zero: 1.2
        "C5": "=ROUND(1234,-2)",  # 1200
        "C6": "=INT(-1.5)",  # down: -2
        "C7": "=MOD(-7,3)",  # the sign of the divisor: 2
        "C8": "=MOD(7,0)",  # #DIV/0!
        "C9": "=SIGN(-0.1)+SIGN(0)*10",  # -1 + 0 = -1
        "C10": "=ABS(-3)",  # 3
        "C11": "=POWER(2,10)",  # 1024
        "C12": "=SQRT(-1)",  # #NUM!
        "D1": "=LOG(8,2)",  # 3
        "D2": "=LOG(100)",  # base 10: 2
        "D3": "=LOG(8,1)",  # base 1: #DIV/0!
        "D4": "=LOG(-1)",  # #NUM!
        "D5": "=LOG10(0)",  # #NUM!
        "D6": "=LN(0)",  # #NUM!
        "D7": "=EXP(1000)",  # beyond the largest double: #NUM!
        "D8": "=EXP(LN(5))",  # 5
        "D9": "=PI()",  # π
        "D10": "=LOG10(1000)",  # 3
    })
    assert close(got["B1"], 2.2) and got["B3"] == 4 and got["B6"] == 3 and got["B7"] == 2 and got["B8"] == 4
    assert errors({k: got[k] for k in ("B2", "B4", "B5", "B9")}) == {"B2": "#NUM!", "B4": "#NUM!", "B5": "#DIV/0!", "B9": "#N/A"}
    assert [got[f"C{i}"] for i in (1, 2, 5, 6, 7, 9, 10, 11)] == [3, -3, 1200, -2, 2, -1, 3, 1024]
    assert close(got["C3"], -1.3) and close(got["C4"], 1.2)
    assert str(got["C8"]) == "#DIV/0!" and str(got["C12"]) == "#NUM!"
    assert close(got["D1"], 3) and close(got["D2"], 2) and close(got["D8"], 5) and close(got["D9"], math.pi) and close(got["D10"], 3)
    assert [str(got[f"D{i}"]) for i in range(3, 8)] == ["#DIV/0!", "#NUM!", "#NUM!", "#NUM!", "#NUM!"]


def test_finance_functions(tmp_path):
    # annuity formulas (Excel's PV/FV/PMT help): with q = (1+r)^n,
    # PV = −(fv + pmt·(1+r·type)·(q−1)/r)/q, FV = −(pv·q + pmt·(1+r·type)·(q−1)/r), PMT = −(pv·q + fv)·r/((1+r·type)(q−1))
    got = fast(tmp_path, {
        "A1": -100, "A2": 60, "A3": 60,
        "B1": "=PV(0.1,2,-100)",  # q = 1.21: 100·0.21/0.1/1.21 = 173.553719…
        "B2": "=PV(0.1,2,-100,0,1)",  # in advance: × 1.1 = 190.909090…
        "B3": "=PV(0,4,-25,-100)",  # no interest: −(−100 − 100) = 200
        "B4": "=FV(0.1,2,-100)",  # 100·0.21/0.1 = 210
        "B5": "=FV(0.1,2,-100,-1000,1)",  # 1000·1.21 + 100·1.1·2.1 = 1210 + 231 = 1441
        "B6": "=FV(0,3,-10,-5)",  # 5 + 30 = 35
        "B7": "=PMT(0.1,2,1000)",  # −1000·1.21·0.1/0.21 = −576.190476…
        "B8": "=PMT(0,4,1000,200)",  # −1200/4 = −300
        "B9": "=PMT(0.1,0,1000)",  # no periods: #NUM!
        "B10": "=RATE(2,-576.19047619047619,1000)",  # the rate of B7: 0.1
        "B11": "=NPV(0.1,110,121)",  # 100 + 100 = 200
        "B12": "=NPV(-1,100)",  # division by 0: #DIV/0!
        "B13": "=IRR(A1:A3)",  # −100 + 60/(1+r) + 60/(1+r)² = 0: 1/(1+r) = (−60 + √(3600+24000))/120, r = 0.130662…
        "B14": "=IRR(A2:A3)",  # no negative flow: #NUM!
        "B15": "=IRR(A1:A3,1/0)",  # #DIV/0!
        "B16": '=PV("x",2,100)',  # #VALUE!
    })
    assert close(got["B1"], 100 * 0.21 / 0.1 / 1.21) and close(got["B2"], 100 * 1.1 * 0.21 / 0.1 / 1.21)
    assert close(got["B3"], 200) and close(got["B4"], 210) and close(got["B5"], 1441) and close(got["B6"], 35)
    assert close(got["B7"], -1000 * 1.21 * 0.1 / 0.21) and close(got["B8"], -300) and str(got["B9"]) == "#NUM!"
    assert close(got["B10"], 0.1, rel=1e-7) and close(got["B11"], 200) and str(got["B12"]) == "#DIV/0!"
    d = (-60 + math.sqrt(3600 + 24000)) / 120
    assert close(got["B13"], 1 / d - 1) and str(got["B14"]) == "#NUM!" and str(got["B15"]) == "#DIV/0!"
    assert str(got["B16"]) == "#VALUE!"


def test_text_functions(tmp_path):
    got = fast(tmp_path, {
        "A1": "清洁生产审核", "A2": " a  b ", "A3": 1234.5,
        "B1": "=LEFT(A1,2)",  # 清洁
        "B2": "=RIGHT(A1)",  # one character: 核
        "B3": "=MID(A1,3,2)",  # 生产
        "B4": "=MID(A1,0,2)",  # a start before 1: #VALUE!
        "B5": "=LEFT(A1,-1)",  # #VALUE!
        "B6": '=SUBSTITUTE("a-b-c","-","+",2)',  # only the second: a-b+c
        "B7": '=SUBSTITUTE("a-b-c","-","")',  # all: abc
        "B8": '=SUBSTITUTE("a-b","-","+",0)',  # instance 0: #VALUE!
        "B9": "=TRIM(A2)",  # inner runs of spaces become one: "a b"
        "B10": '=UPPER("abc")&LOWER("DEF")',  # ABCdef
        "B11": '=FIND("产",A1)',  # 4
        "B12": '=FIND("x",A1)',  # #VALUE!
        "B13": '=FIND("a","banana",3)',  # from the third character: 4
        "B14": '=EXACT("A","a")',  # case-sensitive: FALSE
        "B15": '=CONCATENATE("a",1,TRUE)',  # a1TRUE
        "B16": '=VALUE("1,234")',  # 1234
        "B17": '=VALUE("x")',  # #VALUE!
        "B18": "=LEN(A3)",  # "1234.5": 6
        "C1": '=TEXT(A3,"0.00")',  # 1234.50
        "C2": '=TEXT(A3,"#,##0")',  # 1,235
        "C3": '=TEXT(0.256,"0.0%")',  # 25.6%
        "C4": '=TEXT(-3,"0")',  # -3
        "C5": '=TEXT(45292,"yyyy-mm-dd")',  # serial 45292 is 2024-01-01
        "C6": '=TEXT("abc","0.0")',  # text passes through: abc
        "D1": "=DATE(2024,2,30)",  # 30 February rolls over to 1 March 2024: serial 45352
        "D2": "=YEAR(45352)*10000+MONTH(45352)*100+DAY(45352)",  # 20240301
        "D3": "=DATE(2024,13,1)",  # month 13 is January next year: 2025-01-01 = 45658
        "D4": '="2024-03-01"+0',  # date text as a number: 45352
        "D5": "=YEAR(-1)",  # #NUM!
    })
    assert [got[f"B{i}"] for i in (1, 2, 3, 6, 7, 9, 10, 11, 13, 14, 15, 16, 18)] == \
        ["清洁", "核", "生产", "a-b+c", "abc", "a b", "ABCdef", 4, 4, False, "a1TRUE", 1234, 6]
    assert errors({k: got[k] for k in ("B4", "B5", "B8", "B12", "B17")}) == dict.fromkeys(("B4", "B5", "B8", "B12", "B17"), "#VALUE!")
    assert [got[f"C{i}"] for i in range(1, 7)] == ["1234.50", "1,235", "25.6%", "-3", "2024-01-01", "abc"]
    assert got["D1"] == 45352 and got["D2"] == 20240301 and got["D3"] == 45658 and got["D4"] == 45352
    assert str(got["D5"]) == "#NUM!"


def test_array_constants_and_sumproduct(tmp_path):
    got = fast(tmp_path, {
        "A1": 1, "A2": 2, "A3": 3, "B1": 4, "B2": "x", "B3": 6,
        "C1": "=SUM({1,2;3,4})",  # 10
        "C2": "=INDEX({1,2;3,4},2,1)",  # 3
        "C3": '=MATCH("b",{"a","b","c"},0)',  # 2
        "C4": "=SUMPRODUCT(A1:A3,B1:B3)",  # text counts as 0: 4 + 0 + 18 = 22
        "C5": "=SUMPRODUCT(A1:A3,B1:B2)",  # different shapes: #VALUE!
        "C6": "=SUMPRODUCT({1,2,3},{4,5,6})",  # 4 + 10 + 18 = 32
        "C7": "=SUM({1,-2})+{5}",  # -1 + 5 = 4
        "C8": "=MAX({1,TRUE,3})",  # logical values in an array are ignored: 3
        "C9": "=COUNT({1,\"a\",TRUE})",  # numbers only: 1
    })
    assert [got[f"C{i}"] for i in (1, 2, 3, 4, 6, 7, 8, 9)] == [10, 3, 2, 22, 32, 4, 3, 1]
    assert str(got["C5"]) == "#VALUE!"


@pytest.mark.parametrize(("formula", "expected"), [
    ("=A1:A3", "#VALUE!"),  # a range in one cell outside its rows (implicit intersection fails)
])
def test_implicit_intersection(tmp_path, formula, expected):
    got = fast(tmp_path, {"A1": 1, "A2": 2, "A3": 3, "C5": formula, "B2": "=A1:A3*10"})
    assert str(got["C5"]) == expected
    assert got["B2"] == 20  # on row 2 the range gives its row-2 value: 2 × 10


#: Formulas with the error value of E1 (=1/0) as one argument: Excel returns the first error met.
ERROR_ARGUMENTS = [
    "PV(E1,2,1)", "PV(0.1,E1,1)", "PV(0.1,2,E1)", "PV(0.1,2,1,E1)", "PV(0.1,2,1,0,E1)",
    "FV(E1,2,1)", "FV(0.1,2,1,E1)", "FV(0.1,2,1,0,E1)", "PMT(E1,2,1)", "PMT(0.1,2,1,E1)", "PMT(0.1,2,1,0,E1)",
    "RATE(E1,-1,5)", "RATE(5,-1,5,E1)", "NPV(E1,1)", "NPV(0.1,1,E1)",
    "LOG(E1)", "LOG(10,E1)", "LN(E1)", "LOG10(E1)", "EXP(E1)", "SQRT(E1)", "ABS(E1)", "SIGN(E1)", "INT(E1)",
    "MOD(E1,2)", "MOD(2,E1)", "POWER(E1,2)", "ROUND(E1,1)", "ROUND(1,E1)", "ROUNDUP(E1,0)", "ROUNDDOWN(E1,0)",
    "LEFT(E1)", "LEFT(\"ab\",E1)", "RIGHT(E1)", "MID(E1,1,1)", "MID(\"ab\",E1,1)", "MID(\"ab\",1,E1)", "LEN(E1)",
    "UPPER(E1)", "LOWER(E1)", "TRIM(E1)", "EXACT(E1,\"a\")", "EXACT(\"a\",E1)", "CONCATENATE(\"a\",E1)",
    "FIND(E1,\"a\")", "FIND(\"a\",E1)", "FIND(\"a\",\"a\",E1)", "SUBSTITUTE(E1,\"a\",\"b\")", "SUBSTITUTE(\"a\",E1,\"b\")",
    "SUBSTITUTE(\"a\",\"a\",E1)", "SUBSTITUTE(\"a\",\"a\",\"b\",E1)", "VALUE(E1)", "TEXT(E1,\"0\")", "TEXT(1,E1)",
    "DATE(E1,1,1)", "DATE(2024,E1,1)", "DATE(2024,1,E1)", "YEAR(E1)", "MONTH(E1)", "DAY(E1)",
    "MATCH(E1,B1:B3,0)", "MATCH(1,B1:B3,E1)", "INDEX(B1:B3,E1)", "INDEX(B1:C3,1,E1)", "VLOOKUP(1,B1:C3,E1)",
    "HLOOKUP(1,B1:C3,E1)", "RANK(E1,B1:B3)", "CHOOSE(E1,1,2)", "PERCENTILE(B1:B3,E1)", "QUARTILE(B1:B3,E1)",
    "QUARTILE(E1:E2,1)", "SUM(B1:B3,E1)", "MIN(E1,1)", "MAX(E1,1)", "AVERAGE(E1,1)", "MEDIAN(E1,1)",
    "AND(E1)", "OR(E1)", "NOT(E1)", "IF(E1,1,2)", "SUMPRODUCT(B1:B3,E1:E3)", "SUMIF(B1:B3,\">0\",E1:E3)",
    "AVERAGEIF(B1:B3,\">0\",E1:E3)", "IRR(E1:E2)", "-E1", "E1%",
]


def test_error_arguments_are_returned(tmp_path):
    cells = {"B1": 1, "B2": 2, "B3": 3, "C1": 4, "C2": 5, "C3": 6, "E1": "=1/0", "E2": "=1/0", "E3": "=1/0"}
    cells.update({f"G{i}": f"={f}" for i, f in enumerate(ERROR_ARGUMENTS, start=1)})
    got = fast(tmp_path, cells)
    wrong = {f: got[f"G{i}"] for i, f in enumerate(ERROR_ARGUMENTS, start=1) if str(got[f"G{i}"]) != "#DIV/0!"}
    assert wrong == {}


def test_defined_names_holding_constants(tmp_path):
    got = fast(tmp_path, {
        "A1": "=Rate*100",  # 0.05 × 100 = 5
        "A2": "=Label&\"!\"",  # the text constant with its doubled quote: a"b!
        "A3": "=IF(Flag,1,2)",  # TRUE: 1
        "A4": "=ISNA(Missing)",  # a name holding #N/A: TRUE
        "A5": "=Gone",  # a reference to a sheet the workbook does not have: #REF!
        "A6": "=Undefined+1",  # no such name: #NAME?
    }, names={"Rate": "0.05", "Label": '"a""b"', "Flag": "TRUE", "Missing": "#N/A", "Gone": "Nosheet!$A$1"})
    assert got["A1"] == 5 and got["A2"] == 'a"b!' and got["A3"] == 1 and got["A4"] is True
    assert str(got["A5"]) == "#REF!" and str(got["A6"]) == "#NAME?"


def test_number_formats_of_text(tmp_path):
    got = fast(tmp_path, {
        "A1": '=TEXT(1.5,"0.##")',  # optional decimals: 1.5
        "A2": '=TEXT(0.5,"#.00")',  # no required integer digit: .50
        "A3": '=TEXT(7,"000")',  # three required digits: 007
        "A4": '=TEXT(1.5,"General")',  # 1.5
        "A5": '=TEXT(1234567.891,"#,##0.00")',  # 1,234,567.89
        "A6": '=TEXT(0.125,"0%")',  # 12.5 % rounded half up: 13%
        "A7": '=TEXT(-1234.5,"#,##0")',  # -1,235
    })
    assert [got[f"A{i}"] for i in range(1, 8)] == ["1.5", ".50", "007", "1.5", "1,234,567.89", "13%", "-1,235"]


def test_a_cp_function_returning_one_value_per_row_shows_the_first(tmp_path):
    got = fast(tmp_path, {
        "D1": 0.5, "E1": 0.3, "F1": 0.2, "D2": 8, "E2": 6, "F2": 10, "D3": 10, "E3": 10, "F3": 10,
        "A1": "=CP_WEIGHTED_SCORE(D1:F1,D2:F3)",  # one score per option row: 7.8 and 10; the cell shows 7.8
    })
    assert close(got["A1"], 0.5 * 8 + 0.3 * 6 + 0.2 * 10)


def test_sum_family_direct_arguments_and_ranges(tmp_path):
    # Excel: in a range only numbers count; a direct argument that is text is converted (or #VALUE!),
    # TRUE counts 1, an error propagates; COUNT counts numbers and direct text that reads as a number
    got = fast(tmp_path, {
        "A1": 2, "A2": "3", "A3": True, "A4": "=1/0",
        "B1": '=SUM(A1:A3,"5",TRUE)',  # range: 2 only (text and logical in a range are skipped); direct: 5 + 1 → 8
        "B2": '=SUM(A1,"x")',  # direct text that is not a number: #VALUE!
        "B3": "=SUM(A1:A4)",  # the error in the range propagates: #DIV/0!
        "B4": "=MAX(A1:A3,-1)",  # 2 (the range's number) against −1: 2
        "B5": '=COUNT(A1:A3,"7","x",1)',  # range: 1 (A1); direct: "7" and 1 → 3
        "B6": "=AVERAGE(A1:A3,4)",  # (2 + 4) / 2 = 3
    })
    assert got["B1"] == 8 and str(got["B2"]) == "#VALUE!" and str(got["B3"]) == "#DIV/0!"
    assert got["B4"] == 2 and got["B5"] == 3 and got["B6"] == 3


def test_cells_without_their_address_are_placed_by_counting(tmp_path):
    """SpreadsheetML makes a cell's and a row's r attribute optional (ECMA-376 18.3.1.4, 18.3.1.73): a cell
    without one follows the previous cell of its row, a row without one follows the previous row. Some
    generators write sheets that way; the formulas compute in the same places."""
    import re
    import zipfile

    from test_fastcalc import book

    from cpxl.workbook.engine import evaluate_values

    src = book(tmp_path, {"A1": 2, "B1": 3, "C1": "=A1*B1", "A2": "=C1+1", "B2": "=SUM(A1:C1)"})
    stripped = tmp_path / "无地址.xlsx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(stripped, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item)
            if item.filename.startswith("xl/worksheets/"):
                data = re.sub(rb'(<(?:c|row)\b[^>]*?) r="[A-Z]*[0-9]+"', rb"\1", data)
                assert b' r="' not in data
            zout.writestr(item, data)
    got = evaluate_values(stripped, engine="fast")
    # C1 = 2 × 3 = 6; A2 = 6 + 1 = 7; B2 = 2 + 3 + 6 = 11
    assert (got[("S", "C1")], got[("S", "A2")], got[("S", "B2")]) == (6, 7, 11)
