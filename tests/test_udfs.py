"""CP_* wrappers: argument conversion, #CP! error texts, parameters, metadata."""

import inspect
import math
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

import cpxl.udfs as u
from cpxl.calc import parameters as P


@pytest.fixture(autouse=True)
def _reset_parameters():
    u.use_parameters(None)
    yield
    u.use_parameters(None)


# ---- conversion -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("1,234", 1234.0),
        ("１２３", 123.0),  # full-width digits
        ("１，２３４．５", 1234.5),
        ("5%", 0.05),
        ("５％", 0.05),
        (" 12.5 ", 12.5),
        ("−3", -3.0),  # U+2212 minus
        ("(12)", -12.0),  # accounting negative
        ("1e3", 1000.0),
        ("8‰", 0.008),
    ],
)
def test_text_numbers(text, expected):
    assert_allclose(u._val(text), expected)


@pytest.mark.parametrize("text", ["abc", "12 kg", "1..2", "%", "--1"])
def test_non_numbers_stay_text(text):
    assert u._val(text) == text


def test_blanks():
    assert u._val(None) is None
    assert u._val("  ") is None
    assert u._val(math.nan) is None
    assert u._val([[1], [None], ["2"]]) == [[1.0], [None], [2.0]]


def test_published_examples_through_udfs():
    assert_allclose(u.CP_NPV(150, 32.5, 10, 0.05), 100.96, atol=0.01)
    assert_allclose(u.CP_NPV("150", "32.5", "10", "5%"), 100.96, atol=0.01)
    assert_allclose(u.CP_CASHFLOW(1.58, 10, 10, "25%"), 1.435)
    assert_allclose(u.CP_PAYBACK(10, 1.435), 6.97, atol=0.005)
    assert 0.17 < u.CP_IRR(150, 32.5, 10) < 0.18


def test_ranges_as_nested_lists():
    column = [[32.5]] * 10  # a 10×1 range
    assert_allclose(u.CP_NPV(150, column, None, 0.05), 100.96, atol=0.01)
    assert_allclose(u.CP_NPV(150, [32.5] * 10 + [None, None], "", 0.05), 100.96, atol=0.01)  # trailing blanks
    assert_allclose(u.CP_BALANCE_DEV([[60], [40]], [[95]]), 0.05)
    assert_allclose(u.CP_LOAD([[40], [60]], [[1000], [2000]]), 0.16)
    assert u.CP_WEIGHTED_SCORE([10, 8, 6], [[7, 5, 9], [10, 10, 1]]) == [[164.0], [186.0]]
    assert u.CP_WEIGHTED_SCORE([10, 8, 6], [7, 5, 9]) == 164.0


def test_energy_udfs():
    assert u.CP_COEF("原煤") == 0.7143
    assert u.CP_COEF("电力", "等价") == 0.3055
    assert_allclose(u.CP_TCE("1,000", "原煤"), 714.3)
    assert_allclose(u.CP_TCE(1, "原煤", None, "吨"), 714.3)
    assert_allclose(u.CP_TCE(2, "电力", "", "万kWh"), 2458.0)  # blank coef cell
    # D.12 total: blank quantity row skipped
    assert_allclose(u.CP_TOTAL_TCE([[1], [None], [2]], [["原煤"], ["电力"], ["柴油"]], None, "t"), 3628.5)
    assert_allclose(u.CP_CO2(1000, "电力"), 0.5306)
    assert_allclose(u.CP_CO2(1, "原煤", None, "t"), 1.98039, rtol=1e-5)


def test_coef_note_surfaces_warning():
    note = u.CP_COEF_NOTE("天然气")
    assert note.startswith("1.2143 kgce/m³；GB/T 2589-2020") and "注意：" in note and "1.1000～1.3300" in note
    assert "注意" not in u.CP_COEF_NOTE("原煤")


def test_text_results():
    assert u.CP_BALANCE_OK([60, 40], [95]) == "平衡"
    assert u.CP_BALANCE_OK([100], [93.7]) == "偏差超限（6.3%）"
    assert u.CP_ECON_OK(150, 32.5, 10, "5%", 5) == "可行"
    assert u.CP_LEVEL("0.9", 0.8, 1.0, 1.2, "越小越好") == "II级"
    assert u.CP_TARGET_MET(90, 85) == "是"
    assert u.CP_PARK_LEVEL("1", "50%") == "先进水平"
    assert u.CP_PARK_LEVEL(9, "具备") == "先进水平"
    assert u.CP_PARK_COMPLETENESS([["是"], ["是"], ["否"], ["是"]]) == 0.75
    assert u.CP_PARK_SELECTION_OK([1, 2]).startswith("不符合")


def test_omitted_argument_from_headless_engine():
    # the headless engine passes 0 for =CP_TCE(2,"电力",,"万kWh"); Excel passes the default
    assert_allclose(u.CP_TCE(2, "电力", 0, "万kWh"), 2458.0)
    assert_allclose(u.CP_NPV(150, [32.5] * 10, 0, 0.05), 100.96, atol=0.01)
    assert u.CP_LEVEL(0.9, 0.8, 1.0, 1.2, 0) == "II级"
    assert u.CP_PARK_COMPLETENESS([1, 1, 0, 1]) == 0.75


def test_composite_and_grade():
    args = ([[1.5], [95], ["是"]], [[1], [90], [None]], [[2], [80], [None]], [[3], [70], [None]],
            [["lower"], ["higher"], [None]], [[0.5], [0.5], [1]], [[0.6], [0.6], [0.4]], [["A"], ["A"], ["B"]])
    # worked in tests/test_calc_indicators.py: Y_I = 70, Y_II = 100
    assert_allclose(u.CP_COMPOSITE_INDEX("I", *args), 70)
    assert_allclose(u.CP_COMPOSITE_INDEX(2, *args), 100)
    assert u.CP_GRADE(*args) == "II级"


@pytest.mark.parametrize(
    "call, fragment",
    [
        (lambda: u.CP_NPV(None, 1, 2, 0.05), "investment（投资）不能为空"),
        (lambda: u.CP_NPV(-5, 1, 2, 0.05), "investment（投资）不能为负数，收到 -5"),
        (lambda: u.CP_PAYBACK("abc", 1), "investment（投资）须为数值，收到 “abc”"),
        (lambda: u.CP_PAYBACK(10, 0), "annual_cash_flow（年现金流量）须为正数"),
        (lambda: u.CP_PER_UNIT(1, 0), "output_amount（产量）须为正数"),
        (lambda: u.CP_TCE(1, "天燃气"), "天然气"),
        (lambda: u.CP_TCE(1, "原煤", None, "m³"), "不相容"),
        (lambda: u.CP_IRR(100, [0, 0]), "内部收益率"),
        (lambda: u.CP_PARK_LEVEL(1, 35), "0～100%"),
        (lambda: u.CP_BALANCE_DEV([0], [1]), "inputs"),
        (lambda: u.CP_LEVEL(1, 1.2, 1.0, 0.8), "I ≤ II ≤ III"),
        (lambda: u.CP_NPV(150, 32.5, 10, 0.05, None, "extra"), "参数个数"),
    ],
)
def test_errors_become_cp_text(call, fragment):
    result = call()
    assert isinstance(result, str) and result.startswith("#CP! ")
    assert fragment in result


def test_non_finite_result_is_error():
    # 1e308 * 10 overflows to inf
    assert u.CP_PER_UNIT(1e308, 1e-10).startswith("#CP!")


def test_formulas_engine_values():
    import schedula as sh
    from formulas.functions import Array
    from formulas.tokens.operand import Error

    assert_allclose(u.CP_NPV(np.float64(150), np.array(32.5), np.int64(10), np.asarray(0.05, dtype=object).view(Array)), 100.96, atol=0.01)
    assert_allclose(u.CP_BALANCE_DEV(np.array([[60], [40], [sh.EMPTY]], dtype=object), 95), 0.05)
    text = u.CP_PAYBACK(Error.errors["#DIV/0!"], 1)
    assert text.startswith("#CP!") and "#DIV/0!" in text


# ---- parameters -------------------------------------------------------------------------------


def test_use_parameters():
    # discount rate 5 % from 参数: NPV = 100.96
    u.use_parameters(P.parameters_from_rows([("经济", "基准折现率", "5%")]))
    assert_allclose(u.CP_NPV(150, 32.5, 10), 100.96, atol=0.01)
    assert u.CP_PARAM("经济", "基准折现率") == 0.05
    u.use_parameters(P.parameters_from_rows([("折标准煤系数", "天然气", 1.33)]))
    assert u.CP_COEF("天然气") == 1.33
    assert "注意" not in u.CP_COEF_NOTE("天然气")
    assert_allclose(u.CP_TCE(1000, "天然气"), 1330)
    u.use_parameters(None)
    # default discount rate 8 %: 32.5 * 6.7101 - 150 = 68.08
    assert_allclose(u.CP_NPV(150, 32.5, 10), 68.08, atol=0.01)
    assert u.CP_COEF("天然气") == 1.2143


def test_default_tolerance_and_tax_from_parameters():
    u.use_parameters(P.parameters_from_rows([("平衡", "物料平衡允许偏差", 0.1), ("经济", "所得税率", 0)]))
    assert u.CP_BALANCE_OK([100], [93.7]) == "平衡"
    assert_allclose(u.CP_CASHFLOW(1.58, 10, 10), 1.58)  # no tax: F = P


class _Sheet:
    def __init__(self, name, data):
        self.name = name
        self.used_range = type("R", (), {"value": data})()


class _Sheets(list):
    def __getitem__(self, key):
        if isinstance(key, str):
            return next(s for s in self if s.name == key)
        return super().__getitem__(key)


class _Caller:
    """Duck-typed xlwings Range: caller.sheet.book.sheets['参数'].used_range.value."""

    def __init__(self, data, fullname="C:\\audit.xlsx"):
        book = type("B", (), {})()
        book.fullname = fullname
        book.sheets = _Sheets([_Sheet("参数", data), _Sheet("D.12 综合能耗", None)])
        self.sheet = type("S", (), {"book": book})()


def test_parameters_from_caller_workbook():
    data = [
        ["参数（系数与设置）", None, None, None, None, None],
        ["类别", "名称", "数值", "单位", "来源", "说明"],
        ["经济", "基准折现率", 0.05, "", "", ""],
        ["折标准煤系数", "天然气", 1.1, "kgce/m³", "", ""],
    ]
    caller = _Caller(data)
    assert_allclose(u.CP_NPV(150, 32.5, 10, None, caller), 100.96, atol=0.01)
    assert u.CP_COEF("天然气", None, caller) == 1.1
    # no caller: defaults
    assert u.CP_COEF("天然气") == 1.2143


def test_broken_caller_falls_back_to_defaults():
    assert u.CP_COEF("天然气", None, object()) == 1.2143


# ---- metadata and robustness ---------------------------------------------------------------------


def test_functions_list_matches_module():
    names = {n for n, obj in vars(u).items() if n.upper().startswith("CP_") and callable(obj)}
    assert names == set(u.FUNCTIONS)
    assert len(u.FUNCTIONS) == len(set(u.FUNCTIONS))
    assert u.FUNCTIONS[:7] == ["CP_DEPRECIATION", "CP_CASHFLOW", "CP_PAYBACK", "CP_NPV", "CP_NPVR", "CP_IRR", "CP_ECON_OK"]


# VBA keywords and statements that cannot be parameter names in the generated VBA stubs
VBA_RESERVED = set("""
input output name open close print get put type date string error to in is step let set end next each lock unlock
write line width seek call case const declare dim do else elseif endif enum erase event exit for friend function
global gosub goto if implements loop lset rset on option private public raiseevent redim resume return select static
stop sub wend while with any as byref byval new shared until withevents optional paramarray preserve spc tab then
array circle inputb lbound ubound scale abs len lenb me pset sgn true false nothing empty null boolean byte currency
decimal double integer long longlong longptr single variant object mod and or not xor eqv imp like
""".split())


@pytest.mark.parametrize("name", u.FUNCTIONS)
def test_wrapper_metadata(name):
    f = getattr(u, name)
    sig = inspect.signature(f)
    for p in sig.parameters.values():
        assert p.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD  # xlwings: positional only
        assert p.name.lower() not in VBA_RESERVED
        assert p.annotation is inspect.Parameter.empty  # annotations would become xlwings converters
    docs = getattr(f, "__cp_arg_docs__")
    assert set(docs) <= set(sig.parameters) - {"caller"}
    if "caller" in sig.parameters:
        assert list(sig.parameters)[-1] == "caller"
    doc = f.__doc__ or ""
    assert re.search(r"[\u4e00-\u9fff]", doc)  # Chinese help
    assert len(doc) <= 255, f"{name}: {len(doc)} characters"
    if name != "CP_PARAM":
        assert re.search(r"GB/T|DB11|DB4101|T/CPPC|HJ|手册|通则", doc)


junk = st.one_of(
    st.none(), st.floats(allow_nan=True, allow_infinity=True), st.integers(-10**6, 10**6), st.booleans(),
    st.text(max_size=6), st.sampled_from(["5%", "１２", "电力", "原煤", "I", "是", "t", "lower"]),
    st.lists(st.one_of(st.none(), st.floats(-100, 100), st.text(max_size=3)), max_size=4),
)


@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_never_raises(data):
    for name in u.FUNCTIONS:
        f = getattr(u, name)
        params = [p for p in inspect.signature(f).parameters if p != "caller"]
        n = data.draw(st.integers(min_value=0, max_value=len(params)))
        args = [data.draw(junk) for _ in range(n)]
        result = f(*args)
        ok = isinstance(result, (str, float)) or (isinstance(result, list) and all(isinstance(r, list) for r in result))
        assert ok, (name, args, result)
        if isinstance(result, float):
            assert math.isfinite(result)


def test_whole_number_rate_is_a_cp_error_like_the_tax_rate():
    # CP_NPV(150, 32.5, 10, 5) used 500 % before; the tax rate was already refused: one rule for both
    assert u.CP_NPV(150, 32.5, 10, 5) == "#CP! 贴现率 5 看起来是百分数：请写 5% 或 0.05"
    assert u.CP_ECON_OK(150, 32.5, 10, 8, 5) == "#CP! 贴现率 8 看起来是百分数：请写 8% 或 0.08"
    assert u.CP_NPV(150, 32.5, 10, "5%") == pytest.approx(100.956385, rel=1e-6)  # 5 % as text is a share
