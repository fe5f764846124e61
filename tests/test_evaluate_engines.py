"""Both calculation engines of `cpxl calc` on one small workbook with what the `formulas` engine needs
help with: a sheet name holding an apostrophe (evaluated under an alias, also when the alias is taken),
CP functions given ranges and an omitted argument, a defined name, and a sheet no formula reads."""

from __future__ import annotations

import math

import openpyxl
import pytest
from openpyxl.workbook.defined_name import DefinedName

from cpxl.workbook.engine import EvaluateError, calc_workbook, evaluate_values


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    wb = openpyxl.Workbook()
    data = wb.active
    data.title = "Data"
    quoted = wb.create_sheet("O'Brien")
    quoted["A1"], quoted["A2"] = 10, 20
    wb.create_sheet("O’Brien")["A1"] = 99  # the name the first would be aliased to
    wb.create_sheet("Unused")["A1"] = 5
    data["C1"], data["C2"] = 27, 0
    for col, weight, score in zip("DEF", (0.5, 0.3, 0.2), (8, 6, 10)):
        data[f"{col}1"], data[f"{col}2"] = weight, score
    data["B1"] = "='O''Brien'!A1*2"  # 10 × 2 = 20
    data["B2"] = "=CP_BALANCE_DEV('O''Brien'!A1:A3,C1:C2)"  # A3 blank: (Σin − Σout)/Σin = (30 − 27)/30 = 0.1
    data["B3"] = "=CP_WEIGHTED_SCORE(D1:F1,D2:F2)"  # 0.5·8 + 0.3·6 + 0.2·10 = 7.8
    data["B4"] = "=CP_BALANCE_OK('O''Brien'!A1:A2,C1:C2,)"  # omitted tolerance: the default 5 %; 10 % is over
    data["B5"] = "=SUM(Total)"  # the defined name Data!C1:C2: 27
    data["B6"] = "='O’Brien'!A1+1"  # 99 + 1 = 100
    for col, score in zip("DEF", (10, 10, 10)):
        data[f"{col}3"] = score
    data["B7"] = "=CP_WEIGHTED_SCORE(D1:F1,D2:F3)"  # one score per row, 7.8 and 10: the cell shows the first
    wb.defined_names["Total"] = DefinedName("Total", attr_text="Data!$C$1:$C$2")
    path = tmp_path_factory.mktemp("engines") / "两个引擎.xlsx"
    wb.save(path)
    return path


EXPECTED = {"B1": 20, "B2": 0.1, "B3": 7.8, "B4": "偏差超限（10.0%）", "B5": 27, "B6": 100, "B7": 7.8}


@pytest.mark.parametrize("engine", ["fast", "formulas"])
def test_each_engine_gives_the_hand_worked_values(book, engine):
    got = {cell: value for (sheet, cell), value in evaluate_values(book, engine=engine).items() if sheet == "Data"}
    assert got.keys() == EXPECTED.keys()
    for cell, want in EXPECTED.items():
        value = got[cell]
        assert (math.isclose(value, want, rel_tol=1e-12) if isinstance(want, float) else value == want), (cell, value)


def test_calc_writes_the_values_and_keeps_the_sheet_names(book, tmp_path):
    out = tmp_path / "算好.xlsx"
    result = calc_workbook(book, out, engine="formulas")
    assert result.engine == "formulas" and result.formulas == 7 and result.errors == []
    wb = openpyxl.load_workbook(out, data_only=True)
    assert wb.sheetnames == ["Data", "O'Brien", "O’Brien", "Unused"]  # the aliases never reach the output
    assert [wb["Data"][f"B{i}"].value for i in (1, 5, 6)] == [20, 27, 100]
    assert wb["Unused"]["A1"].value == 5  # emptied only in the engine's own copy


def test_unknown_engine_and_wrong_output_type(book, tmp_path):
    with pytest.raises(EvaluateError, match="无法计算工作簿 .*：ValueError: unknown engine 'excel'"):
        evaluate_values(book, engine="excel")
    with pytest.raises(EvaluateError, match=r"输出文件扩展名应为 \.xlsx（与输入工作簿类型一致）"):
        calc_workbook(book, tmp_path / "算好.xlsm")
