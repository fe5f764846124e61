"""Default parameters and merging the 参数 sheet's rows."""

import pytest

from cpxl.calc import energy, parameters as P


def _row(category, name):
    return next(p for p in P.DEFAULT_PARAMETERS if (p.category, p.name) == (category, name))


def test_every_coefficient_has_a_row():
    names = {p.name for p in P.DEFAULT_PARAMETERS if p.category == "折标准煤系数"}
    assert names == set(energy.energy_names())
    for p in P.DEFAULT_PARAMETERS:
        assert p.category in P.CATEGORIES and p.source


def test_range_rows():
    gas = _row("折标准煤系数", "天然气")
    assert gas.value is None and "1.1000～1.3300" in gas.note and "1.2143" in gas.note
    assert gas.unit == "kgce/m³"


def test_key_values():
    assert _row(*P.K_COAL_FACTOR).value == 2.7725
    assert _row(*P.K_GRID_FACTOR).value == 0.5306
    assert "2025年第47号" in _row(*P.K_GRID_FACTOR).source
    assert _row(*P.K_MATERIAL_TOL).value == 0.05
    assert _row(*P.K_TAX).value == 0.25
    assert _row(*P.K_ELEC_EQUIV).value == 0.3055


def test_from_rows_merges_and_converts():
    rows = [
        ("类别", "名称", "数值", "单位", "来源", "说明"),  # header
        ("折标准煤系数", "天然气", "1.33", "kgce/m³", "", ""),
        ("经济", "基准折现率", "6%", None, None, None),
        ("经济", "所得税率", None, None, None, None),  # blank: default stays
        ("折标准煤系数", "生物质颗粒", 0.6, "kgce/kg", "实测", ""),
        (None, None, None),
        ("排放因子", "电网排放因子", "０.５７０３", "", "", ""),  # full-width digits
    ]
    p = P.parameters_from_rows(rows)
    assert p["折标准煤系数"]["天然气"] == 1.33
    assert p["经济"]["基准折现率"] == 0.06
    assert p["经济"]["所得税率"] == 0.25
    assert p["排放因子"]["电网排放因子"] == 0.5703
    assert P.get(p, P.K_DISCOUNT) == 0.06
    ov = P.coefficient_overrides(p)
    assert ov == {"天然气": 1.33, "生物质颗粒": (0.6, "kg")}
    assert energy.coefficient("生物质颗粒", overrides=ov).value == 0.6


def test_from_rows_errors():
    with pytest.raises(ValueError, match="类别"):
        P.parameters_from_rows([("未知类别", "x", 1)])
    with pytest.raises(ValueError, match="所得税率"):
        P.parameters_from_rows([("经济", "所得税率", 1.5)])
    with pytest.raises(ValueError, match="不是“经济”类的参数"):
        P.parameters_from_rows([("经济", "汇率", 7)])
    with pytest.raises(ValueError, match="天然气"):
        P.parameters_from_rows([("折标准煤系数", "天然气", -1)])
    # non-strict: bad rows skipped, problems kept
    p = P.parameters_from_rows([("经济", "所得税率", "abc"), ("经济", "基准折现率", 0.1)], strict=False)
    assert p["经济"]["基准折现率"] == 0.1 and p["经济"]["所得税率"] == 0.25
    assert len(p.warnings) == 1 and "所得税率" in p.warnings[0]


def test_electricity_equivalent_override():
    p = P.parameters_from_rows([("电力", "电力折标系数（等价值）", 0.3)])
    assert energy.coefficient("电力", "等价", P.coefficient_overrides(p)).value == 0.3


def test_defaults_unchanged_give_no_overrides():
    assert P.coefficient_overrides(P.default_parameters()) == {}


def test_whole_number_discount_rate_in_the_sheet_is_skipped_with_the_fix():
    p = P.parameters_from_rows([("经济", "基准折现率", 8)], strict=False)
    assert p.warnings == ["参数表第 1 行“基准折现率”：贴现率 8 看起来是百分数：请写 8% 或 0.08"]
    assert P.get(p, P.K_DISCOUNT) == 0.08  # the default stays
