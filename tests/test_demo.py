"""The embedded example: both workbooks pass every check, read back as written, and the brewery's numbers
agree with each other (balances, targets, option lists, benefit sums)."""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import date

import pandas as pd
import pytest
from typer.testing import CliRunner

import cpxl.cli
from cpxl import demo
from cpxl.tables import registry
from cpxl.workbook.check import check_book
from cpxl.workbook.read import read_workbook


@pytest.fixture(scope="module")
def books(demo_workbooks):
    """What `write_demo` wrote for the session, and its reading."""
    return demo_workbooks, [read_workbook(p) for p in demo_workbooks]


def test_writes_the_audit_workbook_first_then_the_acceptance_and_park_workbooks(books):
    from cpxl.demo_park import PARK_FILE

    paths, read = books
    assert [p.name for p in paths] == [demo.AUDIT_FILE, demo.ACCEPTANCE_FILE, PARK_FILE]
    assert all(p.is_file() for p in paths)
    assert [b.kind for b in read] == ["audit", "acceptance", "park"]


def test_park_workbook_is_filled_and_passes_the_checks(books):
    park = books[1][2]
    assert not [f for f in check_book(park) if f.severity == "error"]
    for table_id in ("B.1", "B.2", "B.3", "B.4", "P.1", "P.2"):
        assert not park[table_id].empty, table_id
    assert park.cover["organizer"] == "中原新材料化工园区管理委员会" and park.cover["version"] == "送审稿"


@pytest.mark.parametrize("which", [0, 1], ids=["audit", "acceptance"])
def test_no_error_findings(books, which):
    findings = check_book(books[1][which])
    errors = [f for f in findings if f.severity == "error"]
    assert not errors, "\n".join(map(str, findings))


@pytest.mark.parametrize("which", [0, 1], ids=["audit", "acceptance"])
def test_every_applicable_table_is_filled(books, which):
    book = books[1][which]

    def has_inputs(t):  # D.12 is computed from D.11 throughout
        return any(not c.computed and c.key not in t.row_keys for c in t.columns) or any(not f.computed for f in t.fields)

    empty = [t.id for t in book.registry if t.id not in ("参数", "章节文字") and book.applies(t) and has_inputs(t) and book[t.id].empty]
    assert not empty


@pytest.mark.slow  # writes the demo twice
def test_rewrite_needs_force(tmp_path):
    from cpxl.errors import CpxlError

    demo.write_demo(tmp_path, region=False)
    with pytest.raises(CpxlError, match="已存在"):
        demo.write_demo(tmp_path, force=False, region=False)
    assert len(demo.write_demo(tmp_path, force=True, region=False)) == 3


# ---- read back -------------------------------------------------------------------------------------


def _same(expected, actual) -> bool:
    if expected in ("", None):
        return actual is None or (isinstance(actual, float) and math.isnan(actual))
    if isinstance(expected, (int, float)):
        return actual == pytest.approx(expected, rel=1e-9, abs=1e-12)
    if isinstance(expected, date):
        return actual == expected
    return actual == str(expected)


@pytest.mark.parametrize("table_id", ["D.6", "D.7", "D.11", "D.24", "D.30", "D.35", "BAL.1", "BAL.2", "IND.1"])
def test_table_reads_back_as_written(books, table_id):
    frame = books[1][0][table_id].frame
    rows = demo.AUDIT_DATA[table_id]
    assert len(frame) == len(rows)
    for i, row in enumerate(rows):
        for key, value in row.items():
            got = frame.iloc[i][key]
            assert _same(value, got), f"{table_id} row {i} {key}: wrote {value!r}, read {got!r}"


def test_cover_reads_back_as_written(books):
    for book in books[1][:2]:
        for key, value in demo.COVER.items():
            assert _same(value, book.cover[key]), f"封面信息 {key}: wrote {value!r}, read {book.cover[key]!r}"


def test_grouped_rows_land_under_their_section(books):
    data = books[1][0]["D.5"]
    sheet = books[0][0]
    import openpyxl

    ws = openpyxl.load_workbook(sheet, read_only=True)[data.sheet]
    labels = {row[0]: i for i, row in enumerate(ws.iter_rows(values_only=True)) if isinstance(row[0], str) and "、" in row[0][:2]}
    boiler = data.frame.index[data.frame["name"].str.startswith("燃气蒸汽锅炉")][0]
    assert labels["二、辅助生产设备"] < data.frame.at[boiler, "_row"] - 1 < labels["三、环保设施设备"]


# ---- no data in computed cells ---------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["audit", "acceptance"])
def test_no_values_for_computed_columns_or_fields(kind):
    reg = registry(kind)
    for table_id, content in demo.demo_data(kind).items():
        table = reg[table_id.split("#")[0]]
        computed = {c.key for c in table.columns if c.computed} | {f.key for f in table.fields if f.computed}
        rows = [content] if isinstance(content, dict) else content
        known = {c.key for c in table.columns} | {f.key for f in table.fields} | {"_section"}
        for row in rows:
            assert not set(row) & computed, f"{table_id}: {set(row) & computed}"
            assert set(row) <= known, f"{table_id}: unknown keys {set(row) - known}"


# ---- balances --------------------------------------------------------------------------------------


def test_material_balance_closes_within_five_percent():
    """Σ inputs − Σ outputs ≤ 5 % of Σ inputs per unit operation and for the brewhouse as a whole
    (intermediate and recycled flows cancel between unit operations: DB11/T 1156 7.3.4 b)."""
    per_unit = defaultdict(lambda: [0.0, 0.0])
    whole = [0.0, 0.0]
    internal = defaultdict(float)
    for flow in demo.BAL1:
        side = 0 if flow["direction"] == "输入" else 1
        per_unit[flow["unit_op"]][side] += flow["qty"]
        if flow["category"] in ("中间产品", "循环物料"):
            internal[flow["material"]] += flow["qty"] if side else -flow["qty"]
        else:
            whole[side] += flow["qty"]
        assert flow["qty_unit"] == "t/a"
    for unit_op, (ins, outs) in per_unit.items():
        assert abs(ins - outs) <= 0.05 * ins, unit_op
    ins, outs = whole
    assert abs(ins - outs) <= 0.05 * ins
    assert abs(ins - outs) / ins < 0.01  # the demo balances well inside the tolerance
    assert all(abs(v) < 1e-9 for v in internal.values()), internal  # each intermediate leaves one step, enters the next
    products = sum(f["qty"] for f in demo.BAL1 if f["category"] == "产品")
    assert products / demo.OUTPUT_KL[2] == pytest.approx(1.03, abs=0.01)  # 清酒 t per kL of beer sold (losses in packaging)


def test_water_energy_and_pollutant_balances_close():
    for row in demo.BAL2:
        assert abs(row["fresh"] - row["consumed"] - row["discharged"] - row["leaked"]) <= 0.05 * row["fresh"], row["unit"]
    for row in demo.BAL3:
        losses = sum(row.get(k, 0) for k in ("effective", "loss_flue", "loss_surface", "loss_other"))
        assert losses == pytest.approx(row["supplied"]), row["unit"]
    for row in demo.BAL4:
        assert row["removed"] + row["stack"] + row["fugitive"] == pytest.approx(row["generated"], rel=1e-3)
        assert row["collected"] == pytest.approx(row["generated"] * row["capture_eff"], rel=1e-3)


# ---- consistency of the brewery's numbers ----------------------------------------------------------


def test_targets_relative_values_follow_the_absolute_ones():
    for row in demo.D24:
        for absolute, relative in (("near_abs", "near_rel"), ("far_abs", "far_rel")):
            expected = (row["base"] - row[absolute]) / row["base"] * 100
            assert row[relative] == pytest.approx(expected, abs=0.01), row["indicator"]
    targets = {r["indicator"]: r for r in demo.D24}
    for row in demo.D42:
        assert row["act_abs"] <= targets[row["indicator"]]["near_abs"], row["indicator"]  # every target met


def test_base_year_values_match_the_consumption_tables():
    output = demo.OUTPUT_KL[2]
    base = {r["indicator"]: r["base"] for r in demo.D24}
    assert demo.FRESH_WATER_M3[2] / output == pytest.approx(base["单位产品新鲜水耗"], abs=0.005)
    assert demo.POWER_KWH[2] / output == pytest.approx(base["单位产品耗电量"], abs=0.005)
    kgce = demo.GAS_M3[2] * 1.2143 + demo.POWER_KWH[2] * 0.1229 + demo.DIESEL_KG[2] * 1.4571
    assert kgce / output == pytest.approx(base["单位产品综合能耗"], abs=0.005)
    grain = sum(r["total_3"] for r in demo.D7 if r["material"] in ("麦芽", "大米")) * 1000 / output
    assert grain == pytest.approx(base["单位产品原料消耗"], abs=0.05)
    cod = next(r["load"] for r in demo.D18 if r["category"] == "合计" and r["pollutant"] == "COD")
    assert cod * 1000 / output == pytest.approx(base["单位产品COD排放量"], abs=0.0005)
    assert next(r["base"] for r in demo.D23 if r["pollutant"] == "COD") == cod


def test_option_references_exist_and_counts_agree():
    ids = [r["option_id"] for r in demo.D30]
    assert ids == [f"F{i:02d}" for i in range(1, len(ids) + 1)]
    assert {r["category"] for r in demo.D30} == set(registry("audit")["D.30"].column("category").choices)
    known = set(ids)
    refs = [r["option_id"] for t in (demo.D31, demo.D32, demo.D34, demo.D35, demo.D38, demo.ACC2) for r in t]
    refs += [r["option_id"] for r in demo.SCO2[1:]]
    refs += [x for t in (demo.D33, demo.D42) for r in t for x in r["options"].split("、")]
    assert set(refs) <= known
    assert {r["option_id"] for r in demo.D34} <= {r["option_id"] for r in demo.D31}
    # D.36 counts the options to implement: D.30 less the infeasible ones of D.32
    infeasible = {r["option_id"] for r in demo.D32}
    by_class = pd.DataFrame([r for r in demo.D30 if r["option_id"] not in infeasible]).groupby("cost_class")
    items = {r["item"]: r for r in demo.D36}
    assert items["方案数量（个）"]["low"] == by_class.size()["无/低费"]
    assert items["方案数量（个）"]["high"] == by_class.size()["中/高费"]
    assert items["预期投资"]["low"] == pytest.approx(by_class["investment"].sum()["无/低费"])
    assert items["预期投资"]["high"] == pytest.approx(by_class["investment"].sum()["中/高费"])
    assert items["已完成方案数量（个）"]["low"] == len(demo.D34)


def test_benefit_sums_agree_across_d38_d41_and_e4():
    d38 = pd.DataFrame(demo.D38)
    d41 = pd.DataFrame(demo.D41)
    for cls, col in (("无/低费", "year_low"), ("中/高费", "year_high")):
        assert d41[col].sum() == pytest.approx(d38.loc[d38["cost_class"] == cls, "econ_benefit"].sum(), abs=0.02)
    d40 = {r["item"]: r for r in demo.D40}
    e4 = {r["indicator"]: r for r in demo.E4}
    for e4_name, d40_name, factor in (
        ("节水", "节水（m³）", 1),
        ("节电", "节电（kWh）", 1),
        ("废水", "减排废水（m³）", 1),
        ("化学需氧量", "减排COD（kg）", 1000),
    ):
        assert e4[e4_name]["annual"] * factor == pytest.approx(d40[d40_name]["year_low"] + d40[d40_name]["year_high"], abs=1)
        assert e4[e4_name]["audit"] * factor == pytest.approx(d40[d40_name]["audit_low"] + d40[d40_name]["audit_high"], abs=1)
    d39 = {r["item"]: r for r in demo.D39}
    assert d39["实际投资（万元）"]["low"] + d39["实际投资（万元）"]["high"] == pytest.approx(d38["investment"].sum())


def test_plan_dates_in_order():
    starts = [r["start"] for r in demo.D3]
    assert starts == sorted(starts) and all(r["start"] <= r["end"] for r in demo.D3)
    for option in {r["option_id"] for r in demo.D35}:
        steps = [r for r in demo.D35 if r["option_id"] == option]
        assert [r["step"] for r in steps] == ["方案提出", "筹备资金", "设备购置", "设备安装", "调试运行"]
        assert all(a["end"] <= b["start"] for a, b in zip(steps, steps[1:])) and all(r["start"] <= r["end"] for r in steps)


def test_sections_read_like_a_finished_audit():
    # every section with a requirement has text; data sections keep the generated analysis (【数据分析】)
    for kind in ("audit", "acceptance"):
        rows = demo.demo_data(kind)["章节文字"]
        missing = [r["number"] or r["title"] for r in rows if r["requirement"] and not r.get("text")
                   and not r["number"].startswith("7.2.")]
        assert not missing, (kind, missing)
        assert sum("【数据分析】" in (r.get("text") or "") for r in rows) >= 20
    rows = demo.demo_data("acceptance")["章节文字"]
    assert next(r for r in rows if r["number"] == "11.5.1")["text"].startswith("本轮审核亮点")


# ---- the command -----------------------------------------------------------------------------------


@pytest.mark.slow  # the whole command with both reports; the demo books are built for the quick tests too
def test_cli_demo(tmp_path):
    """All four kinds with their reports; the showcase reports read as finished (at most 5 【待补充】, no
    【待填写】 and no unreplaced 【数据分析】) — the park's and the region's too; the region aggregates at
    least 20 breweries."""
    from docx import Document

    from cpxl.demo_park import PARK_FILE

    result = CliRunner().invoke(cpxl.cli.app, ["demo", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "0 个错误" in result.output
    pending = {}
    for name in (demo.AUDIT_FILE, demo.ACCEPTANCE_FILE, PARK_FILE, demo.REGION_FILE):
        assert (tmp_path / name).is_file(), name
        report = tmp_path / name.replace("工作簿", "报告").replace(".xlsx", ".docx")
        doc = Document(str(report))
        body = "\n".join(p.text for p in doc.paragraphs) + "\n".join(c.text for t in doc.tables for r in t.rows for c in r.cells)
        assert "待填写" not in body and "【数据分析】" not in body, name
        assert body.count("【待补充】") <= 5, (name, body.count("【待补充】"))
        pending[name] = [p.text for p in doc.paragraphs if p.text.startswith("【待补充】")]
    # what stays is for the auditor alone: the park's own papers for 附件, raw-material data the region
    # workbook does not hold (2.3)
    assert [p.split("编写要求：")[1].split()[:2] for p in pending[PARK_FILE]] == [["附件2", "3"]]
    assert [p.split("编写要求：")[1].split()[0] for p in pending[demo.REGION_FILE]] == ["7.2.3"]
    region = read_workbook(tmp_path / demo.REGION_FILE)
    assert len(region["R.1"].frame) == demo.REGION_ENTERPRISES >= 20
    names = list(region["R.1"].frame["company"])
    assert len(set(names)) == len(names) and len(set(region["R.1"].frame["district"])) >= 5
    assert region.cover["organizer"] == "中原地区啤酒行业清洁生产协同审核工作组"
