"""One enterprise workbook → the small summary the region workbook is made of: roster facts, key indicators
of the base year (7.2.6), problems (7.4.1), options (7.4.2), option performance (7.4.3) and check findings."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

from cpxl.calc import carbon, energy, pollution
from cpxl.calc.parameters import (
    K_COAL_FACTOR,
    K_GRID_FACTOR,
    ParameterSet,
    coefficient_overrides,
    get,
    parameters_from_rows,
)
from cpxl.errors import CpxlError, UnreadableWorkbook
from cpxl.fsnames import clean_text, display_name
from cpxl.tables import KINDS, Registry
from cpxl.tables.model import EIGHT_CATEGORIES
from cpxl.values import MONEY_UNITS, money
from cpxl.values import as_number as num
from cpxl.workbook.model import Book
from cpxl.workbook.read import read_workbook

from .grouping import cell_text, text_key

#: The enterprise tables the aggregation reads (and checks); the rest of a workbook is not parsed.
AGGREGATED_TABLES = (
    "封面信息", "参数", "D.4", "D.6", "D.10", "D.11", "D.12", "D.18", "D.20", "D.23",
    "D.25", "D.27", "D.28", "D.30", "D.32", "D.34", "D.36", "D.38", "E.4",
)  # fmt: skip — D.32 because D.36's check counts the feasible options

#: The tables the report's energy and CO₂ derivation (cpxl.report.compute, 表D.11 → 表D.12) reads.
ENERGY_TABLES = ("封面信息", "D.11", "D.12")

MAX_FINDINGS = 30  # findings listed per workbook in R.7; the rest are counted
BASE = 3  # year column of the base year: y3 of 审核考察期 (DB4101/T 61 3.8, 3.9)


def read_enterprise(path: Path, *, full: bool = False) -> Book:
    """The enterprise workbook as a :class:`cpxl.workbook.model.Book` holding the tables the aggregation
    uses (:data:`AGGREGATED_TABLES`), or every table with ``full``. Opened for reading only.

    Its registry is the tables to check: a table declared ``aggregate_checked=False`` is read but not put
    through the generic checks — 参数 (coefficients, factors), whose rows are checked where they are used, by
    parameters_from_rows (problems become notes)."""
    book = read_workbook(path) if full else read_workbook(path, only=AGGREGATED_TABLES)
    if KINDS[book.kind].subject != "enterprise":
        raise UnreadableWorkbook(f"不是企业审核工作簿（为{KINDS[book.kind].name}工作簿）：{path}")
    if full:
        return book
    return replace(book, registry=Registry(book.kind, [t for t in book.registry if t.aggregate_checked]))


def enterprise_parameters(book: Book) -> ParameterSet:
    """The 参数 sheet merged over the defaults (cpxl.calc.parameters)."""
    return parameters_from_rows(book.parameters, strict=False)


#: Pollutant name keywords (normalised) → R.2 column; first match wins.
POLLUTANTS = (
    ("nh3n", ("氨氮", "nh3-n", "nh3n", "nh₃-n")),
    ("cod", ("化学需氧量", "cod")),
    ("so2", ("二氧化硫", "so2", "so₂")),
    ("nox", ("氮氧化物", "nox")),
    ("vocs", ("挥发性有机物", "vocs", "voc", "非甲烷总烃", "nmhc")),
    ("pm", ("颗粒物", "烟尘", "粉尘", "pm")),
)


def pollutant_key(name) -> str | None:
    """R.2 column of a pollutant name (化学需氧量/COD → cod, 非甲烷总烃/VOCs → vocs …), None if none."""
    k = text_key(name)
    if not k:
        return None
    for key, words in POLLUTANTS:
        if any(w in k for w in words):
            return key
    return None


def key_indicators(book: Book, params: ParameterSet | None = None) -> tuple[dict, list[str]]:
    """Totals of the base year the key indicators of 7.2.6 are made of, and notes on what could not be
    counted.

    output: 表D.6 output of the cover's 单耗基准产品 (DB4101/T 61 6.5.1.2.4 a); value: Σ 表D.6 产值 in
    万元 (else 表D.4 企业年总产值); water: 表D.10 新鲜水 [m³]; energy: Σ 表D.11 实物量 × GB/T 2589-2020
    折标准煤系数 (参数 sheet overrides) [tce]; co2: 电力 × 电网排放因子, fossil energy kgce × 2.7725
    tCO₂/tce (DB4101/T 61 表E.4 注b) [tCO₂]; wastewater and pollutants: 表D.18 (合计 rows if given,
    else 工业废水 + 生活污水; a load from 平均浓度 × 水量 when only those are given, HJ 942 实测法) and
    表D.20 年排放量 [t], else 表D.23 基准期排放总量. ``params``: the book's :func:`enterprise_parameters`.
    """
    from cpxl.report.compute import co2_by_year, co2_uncounted, d12_totals, derive

    notes: list[str] = []
    out: dict = {"year": book.base_year}
    params = params if params is not None else enterprise_parameters(book)
    notes.extend(f"参数表有误，已按默认值计算：{w}" for w in params.warnings)

    # Output and value (表D.6)
    main = text_key(book.cover.get("main_product"))
    rows6 = [r for r in book.rows("D.6") if cell_text(r.get("product"))]
    main_row = next((r for r in rows6 if main and text_key(r["product"]) == main), None)
    if main_row is None:
        main_row = next((r for r in rows6 if num(r.get(f"output_{BASE}")) is not None), None)
        if main_row is not None and main:
            notes.append(f"表D.6中找不到单耗基准产品“{book.cover.get('main_product')}”，按“{main_row['product']}”计算单位产品指标")
    if main_row is not None:
        out["product"] = cell_text(main_row["product"])
        out["output_unit"] = cell_text(main_row.get("output_unit"))
        out["output"] = num(main_row.get(f"output_{BASE}"))
    value = None
    for r in rows6:
        x = num(r.get(f"value_{BASE}"))
        if x is None:
            continue
        unit = cell_text(r.get("value_unit")).replace(" ", "")
        if unit not in MONEY_UNITS:
            notes.append(f"表D.6“{r['product']}”产值单位“{unit}”无法换算为万元，未计入")
            continue
        value = (value or 0.0) + x * MONEY_UNITS[unit]
    if value is None:
        d4 = book.tables.get("D.4")
        value = num(d4.fields.get("output_value")) if d4 is not None and d4.present else None
        value = value if value is not None else num(book.cover.get("revenue"))
    out["value"] = value

    # Fresh water (表D.10)
    fresh = [num(r.get(f"total_{BASE}")) for r in book.rows("D.10") if text_key(r.get("category")) in ("新鲜水", "新水")]
    fresh = [x for x in fresh if x is not None]
    out["water"] = sum(fresh) if fresh else None

    # Energy (表D.12 合计综合能耗) and CO2 (表D.11 by 表E.4 注b): the report's derivation of the same quantities,
    # over the tables it reads for them
    d = derive(replace(book, registry=Registry(book.kind, [t for t in book.registry if t.id in ENERGY_TABLES])))
    kgce = d12_totals(d)[f"total_{BASE}"]
    out["energy"] = kgce / 1000.0 if kgce is not None else None
    out["co2"] = co2_by_year(d)[BASE - 1]
    notes.extend(p for p in d.problems if p.startswith(("表D.11", "表D.12")))
    uncounted = co2_uncounted(d, BASE)
    if uncounted:
        notes.append(f"表D.11中{'、'.join(uncounted)}不是化石能源或电力，表E.4注b未规定其碳排放计算方法，未计入碳排放")

    # Water pollutants (表D.18)
    by_cat: dict[str, dict] = defaultdict(lambda: {"volume": None, "loads": defaultdict(float), "found": set()})
    for r in book.rows("D.18"):
        cat = text_key(r.get("category")) or "工业废水"
        bucket = by_cat["合计" if cat == "合计" else cat]
        vol = num(r.get("volume"))
        if vol is not None:
            bucket["volume"] = max(bucket["volume"] or 0.0, vol)
        key = pollutant_key(r.get("pollutant"))
        if key is None:
            continue
        load = num(r.get("load"))
        if load is None and vol is not None and num(r.get("conc_avg")) is not None:
            load = pollution.load(num(r.get("conc_avg")), vol)
        if load is not None:
            bucket["loads"][key] += load
            bucket["found"].add(key)
    total = by_cat.pop("合计", None)
    parts = list(by_cat.values())
    volumes = [b["volume"] for b in parts if b["volume"] is not None]
    out["wastewater"] = total["volume"] if total and total["volume"] is not None else (sum(volumes) if volumes else None)
    for key in ("cod", "nh3n"):
        if total and key in total["found"]:
            out[key] = total["loads"][key]
        elif any(key in b["found"] for b in parts):
            out[key] = sum(b["loads"][key] for b in parts if key in b["found"])

    # Air pollutants (表D.20)
    for r in book.rows("D.20"):
        key = pollutant_key(r.get("pollutant"))
        load = num(r.get("load"))
        if key in ("so2", "nox", "pm", "vocs", "cod", "nh3n") and load is not None:
            out[key] = (out.get(key) or 0.0) + load

    # Total-control figures (表D.23) where the monitoring tables give nothing
    for r in book.rows("D.23"):
        key = pollutant_key(r.get("pollutant"))
        base = num(r.get("base"))
        if key and base is not None and out.get(key) is None:
            out[key] = base
    return out, notes


#: 表D.28 factor columns → aspect of DB11/T 1156 附录A (收集方式 counted under 废弃物, 处理设施 under 设备).
_D28_ASPECTS = {
    "raw": "原辅材料和资源能源", "process": "生产工艺", "equipment": "设备", "collection": "废弃物",
    "facility": "设备", "control": "过程控制", "management": "管理", "staff": "员工",
}  # fmt: skip
_D27_ASPECTS = dict(zip(("raw", "process", "equipment", "control", "product", "waste", "management", "staff"), EIGHT_CATEGORIES))


def _aspect(value) -> str:
    k = text_key(value)
    for c in EIGHT_CATEGORIES:
        if k == text_key(c):
            return c
    return "管理" if not k else next((c for c in EIGHT_CATEGORIES if k in text_key(c) or text_key(c) in k), "管理")


#: Entries of a 表D.27/D.28 factor cell that say there is no cause there (“/”, “无”, “运行正常”).
_NO_CAUSE = re.compile(r"^(?:[\W_]*|无|无问题|不涉及|(?:.*[^不])?正常)$")


def states_a_cause(text: str) -> bool:
    """Whether a factor cell of 表D.27/D.28 names a cause: “/”, “—”, “无”, “不涉及” and a statement that
    something is in order (“布袋除尘器运行正常”) are not problems; “流量不正常” is."""
    return bool(text) and not _NO_CAUSE.match(text)


def problems(book: Book) -> list[dict]:
    """Problems and causes, each with its aspect of DB11/T 1156 附录A: 表D.25 存在问题 (else 方案名称),
    表D.27 and D.28 each factor cell that names a cause (:func:`states_a_cause`), at its 部位."""
    out = []
    for r in book.rows("D.25"):
        text = cell_text(r.get("problem")) or cell_text(r.get("name"))
        if text:
            out.append({"aspect": _aspect(r.get("category")), "problem": text, "stage": "", "impact": "",
                        "option": cell_text(r.get("name")), "direction": cell_text(r.get("content")) or cell_text(r.get("name")), "source": "D.25"})
    for table_id, aspects, name_key, impact in (("D.27", _D27_ASPECTS, "name", "物料损失/不合理用水/不合理用能"),
                                                ("D.28", _D28_ASPECTS, "pollutant", "重点关注污染物产生")):
        for r in book.rows(table_id):
            subject, where = cell_text(r.get(name_key)), cell_text(r.get("location"))
            for col, aspect in aspects.items():
                text = cell_text(r.get(col))
                if states_a_cause(text):
                    out.append({"aspect": aspect, "problem": text, "stage": "／".join(x for x in (subject, where) if x),
                                "impact": f"{impact}（{subject}）" if subject else impact, "option": "", "direction": "", "source": table_id})
    return out


def parse_benefit(text) -> float | None:
    """Annual economic benefit [万元/a] from 表D.30 “经济效益”: :func:`cpxl.values.money` (“年节约12.5万元” → 12.5,
    “15000元/a” → 1.5); None when no amount is written."""
    return money(text)


def options(book: Book) -> list[dict]:
    """Options of 表D.30 with investment and annual benefit: for implemented options (表D.34, or 表D.38
    in an acceptance workbook) the stated investment and 经济效益 [万元/a], else 表D.30's 预计投资 and the
    amount written in its 经济效益."""
    done = {}
    for table_id in ("D.34", "D.38"):
        for r in book.rows(table_id):
            oid = text_key(r.get("option_id")).upper()
            if oid:
                done[oid] = r
    out = []
    seen = set()
    for r in book.rows("D.30"):
        name = cell_text(r.get("name"))
        if not name:
            continue
        oid = text_key(r.get("option_id")).upper()
        seen.add(oid)
        impl = done.get(oid)
        investment = num(impl.get("investment")) if impl else None
        benefit = num(impl.get("econ_benefit")) if impl else None
        out.append({
            "id": oid, "name": name, "aspect": _aspect(r.get("category")), "cost_class": cell_text(r.get("cost_class")),
            "content": cell_text(r.get("content")), "env_benefit": cell_text(r.get("env_benefit")),
            "investment": investment if investment is not None else num(r.get("investment")),
            "benefit": benefit if benefit is not None else parse_benefit(r.get("econ_benefit")),
            "implemented": impl is not None,
        })
    for oid, r in done.items():  # implemented options missing from D.30
        if oid not in seen and cell_text(r.get("name")):
            out.append({"id": oid, "name": cell_text(r["name"]), "aspect": _aspect(r.get("category")), "cost_class": cell_text(r.get("cost_class")),
                        "content": "", "env_benefit": cell_text(r.get("env_benefit")), "investment": num(r.get("investment")),
                        "benefit": num(r.get("econ_benefit")), "implemented": True})
    return out


#: Environmental benefit items (表D.36 项目, 表E.4 指标) → R.6 column; unit factors to the R.6 unit.
_BENEFIT_KEYS = (
    ("co2", ("碳减排", "二氧化碳")),
    ("energy", ("节能",)),
    ("power", ("节电",)),
    ("water", ("节水",)),
    ("wastewater", ("减排废水", "废水")),
    ("nh3n", ("氨氮",)),
    ("cod", ("cod", "化学需氧量")),
    ("so2", ("二氧化硫", "so2")),
    ("nox", ("氮氧化物", "nox")),
    ("vocs", ("非甲烷总烃", "挥发性有机物", "vocs")),
    ("pm", ("颗粒物", "粉尘", "烟尘")),
    ("solid", ("固体废物", "危险废物产生", "一般固体废物产生")),
)
_MASS = {"kg": 1e-3, "t": 1.0, "吨": 1.0, "万t": 1e4, "g": 1e-6}
ENV_KEYS = ("energy", "water", "wastewater", "cod", "nh3n", "so2", "nox", "pm", "vocs", "solid", "co2")


def _benefit_item(label: str, unit: str = "") -> tuple[str, float] | None:
    """(R.6 key, factor to its unit) of a benefit item such as “减排COD（kg/a）” or E.4's (“节电”, “度”)."""
    k = text_key(label)
    m = re.search(r"[（(]([^）)]*)[）)]", unicodedata.normalize("NFKC", cell_text(label)))
    u = text_key(unit) or (text_key(m.group(1)) if m else "")
    u = u.split("/")[0]
    for key, words in _BENEFIT_KEYS:
        if any(w in k for w in words):
            break
    else:
        return None
    if key == "energy":
        return key, {"kgce": 1e-3, "tce": 1.0, "t": 1.0, "吨": 1.0}.get(u, 1e-3)
    if key == "power":
        return key, {"kwh": 1.0, "度": 1.0, "万kwh": 1e4, "mwh": 1e3}.get(u, 1.0)
    if key in ("water", "wastewater"):
        return key, {"万m3": 1e4, "万m³": 1e4, "万吨": 1e4, "万t": 1e4}.get(u, 1.0)
    if key == "co2":
        return key, {"kgco2": 1e-3, "kg": 1e-3}.get(u, 1.0)
    return key, _MASS.get(u, 1e-3 if "kg" in u else 1.0)


def performance(book: Book, params: ParameterSet | None = None) -> dict[str, dict]:
    """Option performance of one enterprise for R.6 (7.4.3): {"已实施": {...}, "拟实施": {...}}.

    已实施: 表D.34 (或验收工作簿的表D.38) — count, investment, 经济效益; environmental benefits from 表E.4
    “折成年度环境效益” when present, with CO₂ by 表E.4 注b (节电 × 电网排放因子; 节煤 as standard coal
    × 2.7725; 节油、节天然气 through GB/T 2589 coefficients).
    拟实施: 表D.30 options not implemented — count and 预计投资; 经济效益 and environmental benefits are
    表D.36's expected totals for the round less what is attributed to 已实施 (so the two rows add up to
    表D.36), else the amounts written in 表D.30.
    """
    params = params if params is not None else enterprise_parameters(book)
    overrides = coefficient_overrides(params)
    grid = get(params, K_GRID_FACTOR)
    opts = options(book)
    done = [o for o in opts if o["implemented"]]
    todo = [o for o in opts if not o["implemented"]]

    def money(items, key):
        xs = [o[key] for o in items if o[key] is not None]
        return sum(xs) if xs else None

    # an enterprise whose option tables are empty has no count (未填写), not 0 options
    impl = {"options_n": len(done) if opts else None, "investment": money(done, "investment"), "econ": money(done, "benefit")}
    # E.4 (acceptance): annual environmental benefits of the implemented options
    power_kwh = None
    for r in book.rows("E.4"):
        x = num(r.get("annual"))
        item = _benefit_item(cell_text(r.get("indicator")), cell_text(r.get("unit")))
        name = text_key(r.get("indicator"))
        if x is None:
            continue
        tce = None
        if name.startswith("节电"):
            kwh = x * (1e4 if text_key(r.get("unit")) in ("万kwh", "万度") else 1.0)
            power_kwh = (power_kwh or 0.0) + kwh
            tce = energy.tce(kwh, "电力", overrides=overrides) / 1000
            impl["co2"] = (impl.get("co2") or 0.0) + carbon.co2(kwh, "电力", grid_factor=grid)
        elif name.startswith("节煤"):  # 表E.4 注b: 节煤全部按标准煤计算
            tce = x * (1.0 if text_key(r.get("unit")) in ("吨", "t", "tce") else 1e-3)
            impl["co2"] = (impl.get("co2") or 0.0) + carbon.co2_from_tce(tce * 1000, get(params, K_COAL_FACTOR))
        elif name.startswith(("节油", "节天然气", "节蒸汽")):
            fuel = {"节油": "原油", "节天然气": "天然气", "节蒸汽": "蒸汽（低压）"}[next(k for k in ("节油", "节天然气", "节蒸汽") if name.startswith(k))]
            unit = {"吨": "t", "t": "t", "m³": "m³", "m3": "m³", "万m³": "万m³"}.get(text_key(r.get("unit")), None)
            try:
                kg = energy.tce(x, fuel, None, unit, overrides=overrides)
                tce = kg / 1000
                if fuel != "蒸汽（低压）":
                    impl["co2"] = (impl.get("co2") or 0.0) + carbon.co2_from_tce(kg, get(params, K_COAL_FACTOR))
            except ValueError:
                tce = None
        elif item is not None:
            key, factor = item
            if key in ENV_KEYS:
                impl[key] = (impl.get(key) or 0.0) + x * factor
        if tce is not None:
            impl["energy"] = (impl.get("energy") or 0.0) + tce

    # D.36: expected totals of the round
    expected: dict[str, float] = {}
    for r in book.rows("D.36"):
        label = cell_text(r.get("item"))
        low, high = num(r.get("low")), num(r.get("high"))
        if low is None and high is None:
            continue
        total = (low or 0.0) + (high or 0.0)
        k = text_key(label)
        if k.startswith("经济效益"):
            expected["econ"] = total
            continue
        if text_key(r.get("category")) != "环境效益":
            continue
        item = _benefit_item(label)
        if item is None:
            continue
        key, factor = item
        expected[key] = expected.get(key, 0.0) + total * factor
    if "power" in expected:
        expected["co2"] = expected.get("co2", 0.0) + carbon.co2(expected["power"], "电力", grid_factor=grid)

    plan = {"options_n": len(todo) if opts else None, "investment": money(todo, "investment")}
    if "econ" in expected:
        plan["econ"] = max(0.0, expected["econ"] - (impl["econ"] or 0.0))
    else:
        plan["econ"] = money(todo, "benefit")
    for key in ENV_KEYS:
        if key in expected:
            plan[key] = max(0.0, expected[key] - (impl.get(key) or 0.0))
    return {"已实施": impl, "拟实施": plan}


def summarize(path: Path, name: str | None = None, *, full: bool = False) -> dict:
    """Everything the region workbook needs from one enterprise workbook, as a small plain dict.

    Never raises: an unreadable workbook gives ``{"ok": False, "error": …}``."""
    from cpxl.workbook.check import check_book

    path = Path(path)
    name = name or display_name(path.name)
    try:
        book = read_enterprise(path, full=full)
        try:
            found = check_book(book)
        except Exception as exc:  # noqa: BLE001 - a check that breaks must not stop the region
            from cpxl.workbook.findings import Finding

            found = [Finding("", "", "warning", "check_failed", f"检查未能完成（{type(exc).__name__}：{exc}）")]
        cover = book.cover
        params = enterprise_parameters(book)
        indicators, notes = key_indicators(book, params)
        try:
            perf = performance(book, params)
        except ValueError as exc:
            perf = {"已实施": {}, "拟实施": {}}
            notes.append(f"方案绩效未能汇总：{exc}")
        summary = {
            "ok": True,
            "file": name,
            "kind": book.kind,
            "company": cell_text(cover.get("company")) or display_name(path.stem),
            "company_given": bool(cell_text(cover.get("company"))),
            "credit_code": cell_text(cover.get("credit_code")),
            "base_year": book.base_year,
            "industry": cell_text(cover.get("industry")),
            "industry_code": cell_text(cover.get("industry_code")),
            "main_product": cell_text(cover.get("main_product")),
            "district": cell_text(cover.get("district")) or "（未填写）",
            "scale": cell_text(cover.get("scale")),
            "products": cell_text(cover.get("products")),
            "audit_type": cell_text(cover.get("audit_type")),
            "round": num(cover.get("round")),
            "indicators": indicators,
            "problems": problems(book),
            "options": options(book),
            "performance": perf,
            "notes": notes,
            "errors": sum(f.severity == "error" for f in found),
            "findings": [(f.sheet, f.cell, f.severity, f.rule, f.message) for f in found[:MAX_FINDINGS]],
            "findings_total": len(found),
        }
        return summary
    except CpxlError as exc:  # the reader's message names the file: show it as listed, not the full path
        return {"ok": False, "file": name, "error": clean_text(str(exc).replace(str(path), name))}
    except Exception as exc:  # noqa: BLE001 - one bad workbook never stops the run
        return {"ok": False, "file": name, "error": clean_text(f"读取或计算时出错（{type(exc).__name__}：{exc}）：{name}")}

