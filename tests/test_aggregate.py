"""Regional / industry-wide aggregation (《京津冀清洁生产协同审核导则》 7.2–7.4): three enterprises worked by
hand, grouping of problems and options, bad workbooks among good ones, inputs untouched, the CLI."""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import openpyxl
import pytest
from numpy.testing import assert_allclose
from typer.testing import CliRunner

from cpxl import aggregate as agg
from cpxl.cli import app

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import make_workbooks as mk  # noqa: E402

runner = CliRunner()


def _enterprise(i, district, *, output, value, value2, water, gas, power, diesel, options, **kw):
    """An enterprise whose base-year (y3) figures are the given ones (earlier years 10 % and 5 % lower)."""
    years = lambda x: (round(x * 0.9, 6), round(x * 0.95, 6), x)  # noqa: E731
    base = dict(ww_industrial=3000.0, ww_domestic=1000.0, cod=(0.3, 0.2), nh3n=(0.02, 0.03), vocs=1.0, pm=0.1, so2=0.01, nox=0.2)
    base.update(kw)
    return mk.Enterprise(
        company=f"测试企业{i}", credit_code=f"9111000000000000{i}", district=district, scale="中型", audit_type="强制性",
        output=years(output), value=years(value), value2=years(value2), water=years(water), gas=years(gas),
        power=years(power), diesel=years(diesel), options=options, losses=[], causes=[], **base,
    )


def _option(name, problem, investment, benefit, cost="中/高费", category="设备"):
    return (category, cost, name, "加装变频器，按需供气", problem, investment, benefit)


AIR = "空压机工频运行，空载能耗高"
ENTERPRISES = [
    _enterprise(1, "北京市大兴区", output=1000, value=2000, value2=500, water=5000, gas=10, power=100, diesel=10,
                options=[_option("空压机变频改造", AIR, 20, 8), _option("LED照明替换", "车间照明能耗高", 4, 2, cost="无/低费")]),
    _enterprise(2, "北京市大兴区", output=2000, value=3000, value2=1000, water=8000, gas=16, power=150, diesel=5,
                options=[_option("空压机变频改造项目", AIR, 30, 10)]),
    _enterprise(3, "河北省廊坊市", output=500, value=800, value2=200, water=4000, gas=8, power=60, diesel=2,
                options=[_option("F01 空压机变频改造（二期）", AIR + " ", 10, 5)]),
]


@pytest.fixture(scope="module")
def hand_dir(tmp_path_factory):
    d = tmp_path_factory.mktemp("hand")
    for i, e in enumerate(ENTERPRISES, start=1):
        mk.write_enterprise(e, d / f"企业{i}.xlsx")
    return d


@pytest.fixture(scope="module")
def hand(hand_dir):
    a = agg.Aggregator()
    for summary in agg.iter_summaries(agg.find_workbooks([hand_dir]), jobs=1):
        assert summary["ok"], summary
        a.add(summary)
    return a


def test_key_indicators_worked_by_hand(hand):
    e1 = hand.indicators[0]
    assert e1["company"] == "测试企业1" and e1["year"] == 2024 and e1["output_unit"] == "t"
    assert_allclose(e1["output"], 1000)
    assert_allclose(e1["value"], 2500)  # 表D.6 产值 2000 + 500 万元
    assert_allclose(e1["water"], 5000)  # 表D.10 新鲜水 only (自回用中水 500 m³ not counted)
    # 综合能耗 (GB/T 2589-2020 表A.1): 天然气 10 万m³ = 100 000 m³ × 1.2143 = 121 430 kgce
    #   + 电力 100 万kWh = 1 000 000 kWh × 0.1229 = 122 900 kgce + 柴油 10 t = 10 000 kg × 1.4571 = 14 571 kgce
    #   = 258 901 kgce = 258.901 tce
    assert_allclose(e1["energy"], 258.901, rtol=1e-12)
    # CO2 (DB4101/T 61 表E.4 注b): 电力 1 000 000 kWh × 0.5306 tCO2/MWh = 530.6 t;
    #   天然气 121.430 tce × 2.7725 = 336.664675 t; 柴油 14.571 tce × 2.7725 = 40.3980975 t → 907.6627725 t
    assert_allclose(e1["co2"], 907.6627725, rtol=1e-12)
    # 表D.18: 废水 3000 + 1000 m³; COD 0.3 + 0.2 t; 氨氮 0.02 + 0.03 t. 表D.20: VOCs 1.0, 颗粒物 0.1 t …
    assert_allclose([e1["wastewater"], e1["cod"], e1["nh3n"]], [4000, 0.5, 0.05])
    assert_allclose([e1["vocs"], e1["pm"], e1["so2"], e1["nox"]], [1.0, 0.1, 0.01, 0.2])


def _bench(hand, col):
    for _family, c, _label, _unit, values, b, districts in hand.benchmark_tables():
        if c == col:
            return values, b, districts
    raise KeyError(col)


def test_benchmark_worked_by_hand(hand):
    # 单位产品水耗: 5000/1000 = 5, 8000/2000 = 4, 4000/500 = 8 m³/t.  Sorted 4, 5, 8:
    #   QUARTILE.INC: Q1 = 4 + 0.5 × (5 − 4) = 4.5 (先进值), median 5, Q3 = 5 + 0.5 × (8 − 5) = 6.5
    values, b, districts = _bench(hand, "water_pp")
    assert_allclose([v for _, _, v in values], [5, 4, 8])
    assert (b.n, b.best, b.worst) == (3, 4, 8)
    assert_allclose([b.advanced, b.median, b.lagging, b.mean], [4.5, 5, 6.5, 17 / 3])
    assert b.behind == 2  # 5 and 8 are above 4.5
    assert_allclose(b.potential, (5 - 4.5) / 5)
    assert agg.ranks([5, 4, 8]) == [2, 1, 3]
    # 辖区: 大兴 (5, 4) median 4.5, one (4) reaches 4.5; 廊坊 (8) none
    assert districts["北京市大兴区"]["n"] == 2 and districts["北京市大兴区"]["reached"] == 1
    assert_allclose(districts["北京市大兴区"]["median"], 4.5)
    assert districts["河北省廊坊市"]["reached"] == 0
    # 单位产品综合能耗 [kgce/t]: E1 258 901/1000 = 258.901; E2 (160 000×1.2143 + 1 500 000×0.1229
    #   + 5 000×1.4571)/2000 = 385 923.5/2000 = 192.96175; E3 (80 000×1.2143 + 600 000×0.1229
    #   + 2 000×1.4571)/500 = 173 798.2/500 = 347.5964.  Q1 = 192.96175 + 0.5 × (258.901 − 192.96175)
    #   = 225.931375; E3's gap = 347.5964 − 225.931375 = 121.665025 (降幅 121.665025/347.5964 = 35.0 %)
    values, b, _ = _bench(hand, "energy_pp")
    assert_allclose([v for _, _, v in values], [258.901, 192.96175, 347.5964], rtol=1e-12)
    assert_allclose(b.advanced, 225.931375, rtol=1e-12)


def test_problem_and_option_lists_worked_by_hand(hand):
    problems, numbers = hand.problem_rows()
    air = next(r for r in problems if r["problem"] == AIR)
    # the same problem (one with a trailing space) in all three enterprises: 3 ≥ max(2, ⌈3/2⌉) → 关键共性问题
    assert air["companies_n"] == 3 and air["common"] == "是"
    assert air["cause_category"] == "设备" and air["category"] == "能源消耗"  # “能耗” names the subject
    options = hand.option_rows(numbers)
    first = options[0]
    # 空压机变频改造 / …项目 / F01 空压机变频改造（二期） are one option: 3 enterprises, Σ投资 20 + 30 + 10 = 60,
    # Σ年效益 8 + 10 + 5 = 23 万元/a (all implemented: 表D.34) → R.5 投资回收期 = 60/23 = 2.61 a
    assert first["name"] == "空压机变频改造" and first["companies_n"] == 3
    assert_allclose([first["investment"], first["benefit"]], [60, 23])
    assert first["problem_no"] == str(air["no"])
    assert options[1]["name"] == "LED照明替换" and options[1]["companies_n"] == 1


def test_option_performance_worked_by_hand(hand):
    done, plan = hand.perf[0], hand.perf[1]  # 测试企业1
    assert done["status"] == "已实施" and plan["status"] == "拟实施"
    # both options implemented (表D.34): 2 options, 20 + 4 = 24 万元, 8 + 2 = 10 万元/a
    assert (done["options_n"], done["investment"], done["econ"]) == (2, 24, 10)
    # 表D.36 expected totals less the implemented: econ 10 − 10 = 0; 节能 (100 × 1229 × 0.03 = 3 687)
    #   + (10 × 12 143 × 0.05 = 6 071.5) = 9 758.5 kgce = 9.7585 tce; 节电 1 000 000 × 0.03 = 30 000 kWh
    #   × 0.5306 tCO2/MWh = 15.918 tCO2
    assert plan["options_n"] == 0 and plan["econ"] == 0
    assert_allclose([plan["energy"], plan["co2"]], [9.7585, 15.918])


def test_region_workbook_holds_the_tables(hand_dir, tmp_path):
    out = tmp_path / "区域.xlsx"
    result = agg.aggregate([hand_dir], out, jobs=1)
    assert (result.workbooks, result.enterprises, result.failed) == (3, 3, 0)
    wb = openpyxl.load_workbook(out)
    assert any(n.startswith("R.1") for n in wb.sheetnames) and agg.DETAIL_SHEET in wb.sheetnames
    from cpxl.workbook.read import read_workbook

    book = read_workbook(out)
    assert book.kind == "region"
    r2 = book.tables["R.2"].frame
    assert list(r2["company"]) == ["测试企业1", "测试企业2", "测试企业3"]
    assert_allclose(r2["energy"], [258.901, 385.9235, 173.7982], rtol=1e-12)
    # 对标明细: 测试企业3's 单位产品水耗 8, rank 3, quartile 4, gap 8 − 4.5 = 3.5, 降幅 3.5/8 = 43.75 %
    ws = wb[agg.DETAIL_SHEET]
    heads = [c.value for c in ws[3]]
    j = heads.index("单位产品水耗（m³/单位产品）")
    row = [c.value for c in ws[6]]
    assert row[1] == "测试企业3"
    assert row[j: j + 5] == [8, 3, 4, 3.5, 0.4375]


def test_acceptance_workbook_performance_from_d38_and_e4(tmp_path):
    from cpxl.workbook.build import build_workbook, save_workbook

    data = mk.enterprise_rows(ENTERPRISES[0])
    # 表D.38: the actual investment and benefit of the two implemented options replace 表D.34's
    data["D.38"] = [
        {"option_id": "F01", "category": "设备", "cost_class": "中/高费", "name": "空压机变频改造", "investment": 22, "econ_benefit": 9},
        {"option_id": "F02", "category": "设备", "cost_class": "无/低费", "name": "LED照明替换", "investment": 4, "econ_benefit": 2.5},
    ]
    annual = {"化学需氧量": 0.5, "废水": 1000, "挥发性有机物": 0.8, "一般固体废物产生": 5, "危险废物产生": 1,
              "节电": 100_000, "节煤": 10, "节天然气": 10_000}
    from cpxl.tables.enterprise import E4

    data["E.4"] = [{"annual": annual.get(indicator)} for _cat, indicator, _unit in E4.rows]
    path = save_workbook(build_workbook("acceptance", data), tmp_path / "验收.xlsx")
    s = agg.summarize(path)
    assert s["ok"] and s["kind"] == "acceptance"
    done = s["performance"]["已实施"]
    assert (done["options_n"], done["investment"], done["econ"]) == (2, 26, 11.5)
    # 表E.4 注b: 节电 100 000 kWh → 12.29 tce, 53.06 tCO2 (0.5306 tCO2/MWh); 节煤 10 t 标准煤 → 10 tce,
    #   27.725 tCO2; 节天然气 10 000 m³ × 1.2143 = 12 143 kgce → 12.143 tce × 2.7725 = 33.6664675 tCO2
    assert_allclose(done["energy"], 12.29 + 10 + 12.143)
    assert_allclose(done["co2"], 53.06 + 27.725 + 33.6664675)
    assert_allclose([done["cod"], done["wastewater"], done["vocs"], done["solid"]], [0.5, 1000, 0.8, 6])


def test_parameters_sheet_overrides_and_bad_rows(tmp_path):
    from cpxl.calc.parameters import DEFAULT_PARAMETERS
    from cpxl.workbook.build import build_workbook, save_workbook

    data = mk.enterprise_rows(ENTERPRISES[0])
    rows = [{} for _ in DEFAULT_PARAMETERS]
    at = {p.name: i for i, p in enumerate(DEFAULT_PARAMETERS)}
    rows[at["天然气"]] = {"value": 1.1}  # measured heating value instead of the range default 1.2143
    rows[at["电网排放因子"]] = {"value": 0.6}
    rows[at["所得税率"]] = {"value": 1.5}  # not a share: reported, default kept
    data["参数"] = rows
    s = agg.summarize(save_workbook(build_workbook("audit", data), tmp_path / "参数.xlsx"))
    ind = s["indicators"]
    # 天然气 100 000 m³ × 1.1 = 110 000 kgce; + 122 900 + 14 571 = 247 471 kgce
    assert_allclose(ind["energy"], 247.471, rtol=1e-12)
    # 电力 1 000 MWh × 0.6 = 600 t; 天然气 110 tce × 2.7725 = 304.975 t; 柴油 14.571 × 2.7725 = 40.3980975 t
    assert_allclose(ind["co2"], 945.3730975, rtol=1e-12)
    assert any("所得税率" in n for n in s["notes"])


# ---- many workbooks, bad ones among them --------------------------------------------------------------


def _digest(paths):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}


@pytest.fixture(scope="module")
def mixed_dir(tmp_path_factory):
    d = tmp_path_factory.mktemp("mixed")
    good = mk.make_workbooks(6, d / "区县甲", seed=7)
    (d / "区县乙").mkdir()
    truncated = d / "区县乙" / "截断.xlsx"
    truncated.write_bytes(good[0].read_bytes()[:5000])
    (d / "区县乙" / "文本.xlsx").write_text("企业名称,产值\n某企业,100\n", encoding="utf-8")
    (d / "区县甲" / "~$企业00002.xlsx").write_bytes(b"lock")
    return d


def test_bad_workbooks_land_in_findings_and_inputs_are_untouched(mixed_dir, tmp_path):
    inputs = sorted(p for p in mixed_dir.rglob("*") if p.is_file())
    before = _digest(inputs)
    out = tmp_path / "区域.xlsx"
    result = agg.aggregate([mixed_dir], out, jobs=2)
    assert (result.workbooks, result.enterprises, result.failed) == (8, 6, 2)  # ~$ lock file skipped
    assert _digest(inputs) == before
    from cpxl.workbook.read import read_workbook

    r7 = read_workbook(out).tables["R.7"].frame
    bad = r7[r7["rule"] == "unreadable"]
    assert list(bad["workbook"]) == ["区县乙/截断.xlsx", "区县乙/文本.xlsx"]
    assert "损坏" in bad.iloc[0]["message"] and "不是 Excel" in bad.iloc[1]["message"]
    assert str(mixed_dir) not in " ".join(bad["message"])  # named as listed, not by the full path


def test_full_check_and_other_kinds(mixed_dir, tmp_path):
    from cpxl.workbook.build import build_workbook, save_workbook

    good = sorted((mixed_dir / "区县甲").glob("企业*.xlsx"))[0]
    quick, full = agg.summarize(good), agg.summarize(good, full=True)
    assert quick["findings_total"] == 0  # the aggregated tables are complete
    assert any(rule == "empty_table" for _s, _c, _sev, rule, _m in full["findings"])  # e.g. 表D.1 not filled
    park = save_workbook(build_workbook("park"), tmp_path / "园区.xlsx")
    s = agg.summarize(park)
    assert not s["ok"] and "不是企业审核工作簿" in s["error"]


def _sheet_values(path):
    wb = openpyxl.load_workbook(path)
    return {ws.title: [[c.value for c in row] for row in ws.iter_rows()] for ws in wb.worksheets}


def test_cli_jobs_1_and_2_give_the_same_workbook(mixed_dir, tmp_path):
    one, two = tmp_path / "一.xlsx", tmp_path / "二.xlsx"
    r1 = runner.invoke(app, ["aggregate", str(mixed_dir), "-o", str(one), "--jobs", "1"])
    r2 = runner.invoke(app, ["aggregate", str(mixed_dir), "-o", str(two), "--jobs", "2"])
    assert r1.exit_code == 1, r1.output  # written, but two workbooks could not be read
    assert r2.exit_code == 1, r2.output
    assert "已汇总 6/8" in r1.output and one.exists() and two.exists()
    assert _sheet_values(one) == _sheet_values(two)


def test_cli_refuses_existing_output_before_reading(mixed_dir, tmp_path):
    out = tmp_path / "已有.xlsx"
    out.write_bytes(b"keep")
    r = runner.invoke(app, ["aggregate", str(mixed_dir), "-o", str(out)])
    assert r.exit_code == 2 and "已存在" in r.output and out.read_bytes() == b"keep"
    r = runner.invoke(app, ["aggregate", str(mixed_dir / "没有这个"), "-o", str(tmp_path / "x.xlsx")])
    assert r.exit_code == 2 and "找不到" in r.output


def test_cli_report(mixed_dir, tmp_path):
    """--report exports the region report beside the region workbook."""
    xlsx, docx = tmp_path / "r.xlsx", tmp_path / "r.docx"
    r = runner.invoke(app, ["aggregate", str(mixed_dir / "区县甲"), "-o", str(xlsx), "--report", str(docx), "--jobs", "1"])
    assert r.exit_code == 0, r.output
    assert xlsx.exists() and docx.exists() and "已导出区域/行业审核报告" in r.output


# ---- helpers -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, key",
    [("空压机变频改造项目", "空压机变频改造"), ("F03 空压机变频改造（二期）", "空压机变频改造"), ("1. LED 照明替换", "led照明替换"), ("ＶＯＣｓ治理", "vocs治理")],
)
def test_normalize_name(text, key):
    assert agg.normalize_name(text) == key


@pytest.mark.parametrize("text, value", [("年节约12.5万元", 12.5), ("约8万元/年", 8.0), ("15000元/a", 1.5), ("减少排放", None), (3.2, 3.2)])
def test_parse_benefit(text, value):
    assert agg.parse_benefit(text) == value


@pytest.mark.parametrize(
    "text, cause",
    [("/", False), ("—", False), ("无", False), ("不涉及", False), ("布袋除尘器运行正常", False), ("", False),
     ("流量不正常", True), ("设备异常", True), ("洗糟终点凭经验控制", True)],
)
def test_a_factor_cell_names_a_cause(text, cause):
    """表D.27/D.28 cells that say “no cause here” never become an R.4 problem."""
    assert agg.states_a_cause(text) is cause


@pytest.mark.slow
def test_demo_region_lists_no_placeholder_as_a_problem(tmp_path):
    from cpxl.demo import write_demo
    from cpxl.workbook.read import read_workbook

    region = next(p for p in write_demo(tmp_path) if "区域" in p.name and p.suffix == ".xlsx")
    problems = [r["problem"] for r in read_workbook(region).rows("R.4")]
    assert problems and not [p for p in problems if not agg.states_a_cause(str(p))]


@pytest.mark.parametrize("name, key", [("化学需氧量", "cod"), ("CODcr", "cod"), ("氨氮（NH3-N）", "nh3n"), ("非甲烷总烃", "vocs"), ("SO₂", "so2"), ("噪声", None)])
def test_pollutant_key(name, key):
    assert agg.pollutant_key(name) == key


def test_fast_generator_matches_direct_build(tmp_path):
    import numpy as np

    e = mk.random_enterprise(3, np.random.default_rng(5))
    gen = mk.Generator(tmp_path)
    fast = gen.write(e, tmp_path / "fast.xlsx")
    slow = mk.write_enterprise(e, tmp_path / "slow.xlsx")
    a, b = agg.summarize(fast), agg.summarize(slow)
    a.pop("file"), b.pop("file")
    assert a == b


def test_demo_based_generator_matches_direct_build(tmp_path):
    import numpy as np

    from cpxl.workbook.build import build_workbook, save_workbook

    data = mk.demo_variant(7, np.random.default_rng(3))
    fast = mk.demo_generator(tmp_path).write(data, tmp_path / "fast.xlsx")
    slow = save_workbook(build_workbook("audit", data), tmp_path / "slow.xlsx")
    a, b = agg.summarize(fast), agg.summarize(slow)
    a.pop("file"), b.pop("file")
    assert a == b and a["company"] == "示例啤酒有限公司00008"


def test_district_gap_is_one_line_a_jurisdiction_then_the_spread(hand):
    """R.3 差距分析 (printed in the region report's annex): 单位产品水耗 of 大兴 (5, 4: median 4.5, one at the
    advanced value 4.5) and 廊坊 (8)."""
    from cpxl.aggregate.write import district_gap

    _values, _b, districts = _bench(hand, "water_pp")
    assert district_gap(districts, "m³/单位产品")["remark"].split("\n") == [
        "北京市大兴区：中位数4.5（2家，达先进值1家）",
        "河北省廊坊市：中位数8（1家，达先进值0家）",
        "中位数最低北京市大兴区，最高河北省廊坊市，相差3.5m³/单位产品",
    ]
    assert district_gap({}, "m³/单位产品") == {}
