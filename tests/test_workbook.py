"""Templates built from the registry, and reading them back with what auditors do to them."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from cpxl.tables import KINDS, registry
from cpxl.workbook.build import build_workbook, save_workbook, template_parts
from cpxl.workbook.layout import Layout
from cpxl.workbook.read import parse_date, parse_number, read_workbook

ROOT = Path(__file__).resolve().parents[1]


def _save(tmp_path, kind="audit", data=None, name="book.xlsx") -> Path:
    return save_workbook(build_workbook(kind, data), tmp_path / name)


def test_audit_workbook_has_every_table_of_annex_d_and_e(tmp_path):
    wb = openpyxl.load_workbook(_save(tmp_path))
    ids = [name.split(" ")[0] for name in wb.sheetnames]
    expected = [f"D.{i}" for i in range(1, 44)] + [f"E.{i}" for i in range(1, 5)]
    assert [i for i in ids if i[:2] in ("D.", "E.")] == expected
    assert ids[:5] == ["目录", "封面信息", "参数", "章节文字", "代码表"]
    # every table sheet's name starts with its table id, and the index links to it
    index = wb["目录"]
    links = {c.value: c.hyperlink.location for c in index["B"][3:] if c.hyperlink}
    for name in wb.sheetnames[1:]:
        assert links[name.split(" ")[0]] == f"'{name}'!A1"


@pytest.mark.parametrize("kind", ["audit", "acceptance", "park", "region"])
def test_every_kind_builds_with_unique_valid_sheet_names(tmp_path, kind):
    path = _save(tmp_path, kind)
    wb = openpyxl.load_workbook(path)
    assert len(wb.sheetnames) == len(set(wb.sheetnames)) == len(registry(kind).tables) + 1
    for name in wb.sheetnames:
        assert len(name) <= 31 and not set(name) & set("[]:*?/\\")


def test_acceptance_workbook_is_audit_plus_acceptance_tables():
    audit, acceptance = registry("audit").ids, registry("acceptance").ids
    assert set(audit) < set(acceptance)
    assert all(t.applies == "acceptance" or "acceptance" in t.kinds for t in registry("acceptance"))


def test_multi_level_headers_are_merged_as_printed(tmp_path):
    """D.7 (DB4101/T 61 表D.7): 审核考察期消耗量 › 总耗/单耗 › 单位 + three years."""
    wb = openpyxl.load_workbook(_save(tmp_path))
    ws = wb["D.7 原辅材料消耗"]
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert ws["D3"].value == "审核考察期消耗量" and "D3:K3" in merged
    assert ws["D4"].value == "总耗" and "D4:G4" in merged
    assert ws["H4"].value == "单耗" and "H4:K4" in merged
    assert ws["A3"].value == "序号" and "A3:A5" in merged
    assert ws["D5"].value == "单位"
    # year headers follow 封面信息's 基准期年份 (3.9: base year and the two before it)
    cover = Layout(registry("audit")["封面信息"]).field_ref("base_year")
    assert ws["E5"].value == f"=IF('封面信息'!{cover}=\"\",\"20xx\",'封面信息'!{cover}-2)&\"年\""
    assert ws.freeze_panes == "A6"


def test_input_and_computed_cells_look_different(tmp_path):
    wb = openpyxl.load_workbook(_save(tmp_path))
    ws = wb["D.7 原辅材料消耗"]
    assert ws["E6"].value is None and ws["I6"].value.startswith("=IF(OR(NOT(ISNUMBER(E6))")
    assert ws["E6"].fill.fgColor.rgb != ws["I6"].fill.fgColor.rgb
    assert ws["I6"].font.italic and not ws["E6"].font.italic


def test_dropdowns_from_declared_choices(tmp_path):
    wb = openpyxl.load_workbook(_save(tmp_path))
    ws = wb["封面信息"]
    lists = [dv.formula1 for dv in ws.data_validations.dataValidation if dv.type == "list"]
    assert '"强制性,自愿性"' in lists


def test_read_back_filled_values_with_cell_addresses(tmp_path):
    data = {
        "封面信息": {"company": "测试企业", "base_year": 2025},
        "D.6": [
            {"no": 1, "product": "啤酒", "output_unit": "kL", "output_1": 100, "output_2": 110, "output_3": 120},
            {"no": 2, "product": "饮料", "output_unit": "t", "output_1": 5, "output_2": 6, "output_3": 7},
        ],
    }
    book = read_workbook(_save(tmp_path, data=data))
    assert book.cover["company"] == "测试企业" and book.years == (2023, 2024, 2025)
    d6 = book["D.6"]
    first = Layout(d6.table).data_row
    assert d6.frame[["product", "output_1", "output_3"]].values.tolist() == [["啤酒", 100, 120], ["饮料", 5, 7]]
    assert d6.cells.at[1, "output_3"] == f"F{first + 1}"
    assert d6.cell(0, "product") == f"D.6 产品产量!B{first}"



def test_rows_are_plain_and_the_frame_is_their_view(tmp_path):
    """Each data row as the reader gives it: typed values, None for a blank (not NaN), the sheet row; the
    DataFrame built from them on first use, numbers as float with NaN for blanks."""
    import math

    data = {"D.6": [{"no": 1, "product": "啤酒", "output_unit": "kL", "output_1": 100, "output_3": 120}]}
    d6 = read_workbook(_save(tmp_path, data=data))["D.6"]
    row = d6.rows[0]
    assert (row["product"], row["output_1"], row["output_2"], row["output_3"]) == ("啤酒", 100.0, None, 120.0)
    assert row["_row"] == Layout(d6.table).data_row and "frame" not in vars(d6)  # no DataFrame yet
    assert math.isnan(d6.frame.at[0, "output_2"]) and d6.frame.at[0, "output_3"] == 120.0
    assert d6.frame is d6.frame  # built once


def test_only_the_tables_asked_for_are_read(tmp_path):
    """read_workbook(only=ids): those tables of the workbook's kind, nothing else parsed; 表D.38 belongs to the
    acceptance report and is not read in an audit workbook."""
    book = read_workbook(_save(tmp_path), only={"封面信息", "D.6", "D.38"})
    assert set(book.tables) == {t.id for t in book.registry} == {"封面信息", "D.6"}
    assert book.extra_sheets == []

def test_reader_tolerates_what_auditors_do(tmp_path):
    """Blank rows, a row inserted inside the table, trailing notes, numbers as text, full-width digits."""
    path = _save(tmp_path, data={"D.6": [{"product": "啤酒", "output_unit": "kL", "output_1": 1, "output_2": 2, "output_3": 3}]})
    wb = openpyxl.load_workbook(path)
    ws = wb["D.6 产品产量"]
    first = Layout(registry("audit")["D.6"]).data_row
    ws.insert_rows(first + 1, 2)  # a blank row, then an inserted data row
    ws.cell(first + 2, 2, "麦汁")
    ws.cell(first + 2, 3, "t")
    ws.cell(first + 2, 4, "１,２３４.５")  # full-width digits with a separator
    ws.cell(first + 2, 5, " 12 ")
    ws.cell(first + 2, 6, "50%")
    ws.cell(first + 12, 1, "注：数据来源于统计报表。")
    ws.cell(first + 13, 2, "这一行在注释之后，不属于表格")
    wb.save(path)
    frame = read_workbook(path)["D.6"].frame
    assert frame["product"].tolist() == ["啤酒", "麦汁"]
    assert frame.loc[1, ["output_1", "output_2", "output_3"]].tolist() == [1234.5, 12.0, 0.5]


@pytest.mark.parametrize(
    "raw, value, problem",
    [
        (3, 3.0, None),
        ("1,234", 1234.0, None),
        ("１２３", 123.0, None),
        ("-5", -5.0, None),
        ("12.5%", 0.125, None),
        ("", None, None),
        (None, None, None),
        ("#DIV/0!", None, "单元格为错误值 #DIV/0!"),
        ("约100", None, "应为数值，实为文字“约100”"),
    ],
)
def test_parse_number(raw, value, problem):
    assert parse_number(raw) == (value, problem)


@pytest.mark.parametrize("raw", ["2025-03-01", "2025/3/1", "2025年3月1日", "2025.03.01", 45717])
def test_parse_date(raw):
    from datetime import date

    # 45717 is Excel's serial for 2025-03-01 (days since 1899-12-30)
    assert parse_date(raw) == (date(2025, 3, 1), None)


def test_templates_in_repo_are_current(tmp_path):
    """xlsx_templates/ holds what `python -m cpxl.workbook.build xlsx_templates` writes today."""
    for kind, name in ((k.id, k.workbook_file) for k in KINDS.values()):
        committed = ROOT / "xlsx_templates" / name
        assert committed.exists(), f"缺少模板 {name}：运行 python -m cpxl.workbook.build xlsx_templates"
        fresh = _save(tmp_path, kind, name=name)
        assert template_parts(committed) == template_parts(fresh), f"模板 {name} 已过期：运行 python -m cpxl.workbook.build xlsx_templates"


def test_input_file_untouched_by_reading(tmp_path):
    path = _save(tmp_path)
    before = path.read_bytes()
    read_workbook(path)
    assert path.read_bytes() == before


def test_rows_under_section_headings_keep_their_section(tmp_path):
    """表D.5 groups equipment under 一、主要生产设备 / 二、辅助生产设备 / 三、环保设施设备."""
    rows = [
        {"_section": 0, "name": "糖化锅", "count": 1},
        {"_section": 2, "name": "布袋除尘器", "count": 2},
    ]
    frame = read_workbook(_save(tmp_path, data={"D.5": rows}))["D.5"].frame
    assert frame[["name", "_section"]].values.tolist() == [["糖化锅", "一、主要生产设备"], ["布袋除尘器", "三、环保设施设备"]]


def _sheet_xml(path) -> bytes:
    import zipfile

    with zipfile.ZipFile(path) as zf:
        return b"".join(zf.read(n) for n in zf.namelist() if n.startswith("xl/worksheets/"))


def test_new_writes_native_formulas_or_cp_calls(tmp_path):
    from typer.testing import CliRunner

    from cpxl.cli import app

    runner = CliRunner()
    native, cp = tmp_path / "n.xlsx", tmp_path / "cp.xlsx"
    assert runner.invoke(app, ["new", "audit", str(native)]).exit_code == 0
    assert runner.invoke(app, ["new", "audit", str(cp), "--functions", "cp"]).exit_code == 0
    assert b"CP_" not in _sheet_xml(native)
    assert b"CP_NPV(" in _sheet_xml(cp) and b"CP_TCE(" in _sheet_xml(cp)
    wb = openpyxl.load_workbook(native)
    assert wb["ECO.1 方案经济评价"]["J4"].value.count("PV(基准折现率,") == 1  # NPV = PV(i, Y, −F) − I
    assert wb.defined_names["基准折现率"].attr_text.startswith("'参数'!$H$")
    bad = runner.invoke(app, ["new", "audit", str(tmp_path / "x.xlsx"), "--functions", "xl"])
    assert bad.exit_code == 2 and "未知的公式形式" in bad.output and not (tmp_path / "x.xlsx").exists()


def test_parameter_shares_are_validated_in_the_sheet(tmp_path):
    wb = openpyxl.load_workbook(_save(tmp_path))
    ws = wb["参数"]
    rows = {ws.cell(r, 2).value: r for r in range(4, ws.max_row + 1)}
    rules = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    dv = rules[f"C{rows['基准折现率']}"]
    assert (dv.type, dv.formula1, dv.formula2) == ("decimal", "-0.9999", "0.9999") and "看起来是百分数" in dv.error
    assert rules[f"C{rows['所得税率']}"].formula1 == "0"


def test_break_even_option_is_feasible_in_the_sheet(tmp_path):
    """ECO.1 computed by the sheet's own formulas at break-even. I = 100 万元, Y = 10 a, D = I/Y = 10,
    所得税率 25 %: F = P − 0.25 × (P − 10) = 0.75 P + 2.5; P = 18.366 gives F = 16.2745. At i = 10 % the annuity
    factor is (1 − 1.1^−10)/0.1 = 6.144567, so NPV = 16.2745 × 6.144567 − 100 = −0.0000243 万元 (prints
    −0.00) and IRR is just under 10 % (prints 10.00 %): 可行, with 允许投资回收期 10 a (N = 6.14 a)."""
    from cpxl.workbook.build import build_workbook, save_workbook
    from cpxl.workbook.engine import calc_workbook
    from cpxl.workbook.layout import Layout
    from cpxl.tables import registry

    params = [{"category": "经济", "name": "基准折现率", "value": 0.10}, {"category": "经济", "name": "允许投资回收期", "value": 10}]
    data = {"ECO.1": [{"option_id": "F01", "name": "余热回收", "investment": 100, "saving": 18.366, "life": 10}]}
    src = save_workbook(build_workbook("audit", data), tmp_path / "eco.xlsx")
    wb = openpyxl.load_workbook(src)
    par = wb["参数"]
    for r in range(4, par.max_row + 1):
        for p in params:
            if par.cell(r, 2).value == p["name"]:
                par.cell(r, 3).value = p["value"]
    wb.save(src)
    out = calc_workbook(src, tmp_path / "calc.xlsx", force=True)
    assert out.errors == []
    eco = registry("audit")["ECO.1"]
    lay = Layout(eco)
    ws = openpyxl.load_workbook(tmp_path / "calc.xlsx", data_only=True)[eco.sheet_name]
    value = lambda key: ws[f"{lay.letter(key)}{lay.data_row}"].value  # noqa: E731
    assert value("cash_flow") == pytest.approx(16.2745, abs=1e-9)
    assert -0.005 < value("npv") < 0 and value("irr") < 0.10
    assert value("verdict") == "可行"
