"""Regional / industry-wide aggregation of many enterprise audit workbooks (《京津冀清洁生产协同审核导则》
7.2–7.4; 《行业整体清洁生产审核指南》: same-industry enterprises audited with one method).

Every enterprise workbook is read in a worker process that returns only a small summary (roster facts,
key indicators, problems, options, option performance, check findings); the summaries are folded into
the region workbook as they arrive, so memory does not grow with the size of the workbooks:

* R.1 roster; R.2 each enterprise's key indicators of the base year (7.2.6): 新鲜水, 综合能耗 (GB/T 2589),
  CO₂ (DB4101/T 61 表E.4 注b), 废水 and 主要污染物 (表D.18, 表D.20, else 表D.23) with output and value;
* R.3 benchmarking (7.2.2–7.2.6): the statistics are formulas over R.2; the differences between
  jurisdictions are written as text; each enterprise's rank, quartile and gap to the advanced value
  (best quartile) and the per-jurisdiction figures go to two added sheets;
* R.4 common problem list (7.4.1) from 表D.25, D.27, D.28, grouped by the eight aspects of DB11/T 1156
  附录A and counted across enterprises; R.5 option list (7.4.2) from 表D.30 / D.34 / D.38, similar
  names grouped; R.6 option performance (7.4.3); R.7 the workbooks that failed checks or could not be read.

No input is ever written: workbooks are opened for reading only.
"""

from __future__ import annotations

import contextlib
import difflib
import math
import os
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from cpxl.errors import CpxlError, UnreadableWorkbook
from cpxl.fsnames import clean_text, display_name
from cpxl.tables.model import EIGHT_CATEGORIES
from cpxl.workbook.read import as_number as num

__all__ = [
    "find_workbooks",
    "read_enterprise",
    "summarize",
    "Aggregator",
    "benchmark",
    "aggregate",
    "AggregateResult",
    "AGGREGATED_TABLES",
    "normalize_name",
    "region_category",
    "find_duplicates",
    "Duplicate",
]

#: The enterprise tables the aggregation reads (and checks); the rest of a workbook is not parsed.
AGGREGATED_TABLES = (
    "封面信息", "参数", "D.4", "D.6", "D.10", "D.11", "D.12", "D.18", "D.20", "D.23",
    "D.25", "D.27", "D.28", "D.30", "D.32", "D.34", "D.36", "D.38", "E.4",
)  # fmt: skip — D.32 because D.36's check counts the feasible options

MAX_FINDINGS = 30  # findings listed per workbook in R.7; the rest are counted
BASE = 3  # year column of the base year: y3 of 审核考察期 (DB4101/T 61 3.8, 3.9)

# ---- text -------------------------------------------------------------------------------------------


def _text(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value).strip()


def _key(value) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", _text(value))).lower()


_PUNCT = re.compile(r"[\s\W_]+", re.UNICODE)
_BRACKETS = re.compile(r"[（(][^）)]*[）)]")
_PREFIX = re.compile(r"^(?:f\d+|\d+)[.、．:：\s-]*", re.IGNORECASE)
_SUFFIXES = ("项目", "方案", "工程", "措施")


def normalize_name(text) -> str:
    """Comparison key of an option or problem name: NFKC, lower case, without numbering (“F03 ”,
    “1.”), bracketed remarks, spaces, punctuation and a trailing 项目/方案/工程/措施."""
    s = unicodedata.normalize("NFKC", _text(text)).lower()
    s = _PREFIX.sub("", s.strip())
    s = _BRACKETS.sub("", s) or s
    s = _PUNCT.sub("", s)
    for suffix in _SUFFIXES:
        if s.endswith(suffix) and len(s) > len(suffix) + 1:
            s = s[: -len(suffix)]
    return s


#: Keyword → report category (附录A 3.1–3.10); checked in order before the eight-aspect fallback.
_REGION_KEYWORDS = (
    ("碳排放", ("碳排放", "二氧化碳", "碳减排", "co2", "温室气体")),
    ("水污染物处理及排放", ("废水", "污水", "化学需氧量", "cod", "氨氮", "总磷", "总氮")),
    ("大气污染物处理及排放", ("废气", "vocs", "挥发性有机物", "非甲烷总烃", "粉尘", "颗粒物", "二氧化硫", "氮氧化物", "烟气", "异味", "rto")),
    ("固体废物处理处置", ("固废", "固体废物", "危险废物", "危废", "污泥", "废渣", "边角料", "废料")),
    ("水资源消耗", ("节水", "用水", "水耗", "新鲜水", "中水", "回用水", "冷却水", "水循环")),
    ("能源消耗", ("节能", "能耗", "节电", "用电", "电耗", "电力", "电机", "变频", "照明", "蒸汽", "天然气", "燃气", "燃煤", "余热", "空压", "锅炉", "光伏")),
)
_REGION_BY_ASPECT = {
    "原辅材料和资源能源": "主要原辅料使用",
    "生产工艺": "生产技术工艺",
    "设备": "设备设施",
    "过程控制": "生产技术工艺",
    "产品": "其他",
    "废弃物": "固体废物处理处置",
    "管理": "其他",
    "员工": "其他",
}


def region_category(aspect: str, *texts: str) -> str:
    """The report category (附录A 第3章 3.1–3.10, 表R.4/R.5 “类别”) of a problem or option: by the
    subject its text names (水、能源、碳、废水、废气、固废), else by its aspect of DB11/T 1156 附录A."""
    joined = _key(" ".join(_text(t) for t in texts))
    for category, words in _REGION_KEYWORDS:
        if any(w in joined for w in words):
            return category
    return _REGION_BY_ASPECT.get(aspect, "其他")


# ---- finding the workbooks --------------------------------------------------------------------------


def find_workbooks(paths: Iterable[Path], *, exclude: Iterable[Path] = ()) -> list[tuple[Path, str]]:
    """(path, name shown in the region workbook) of every .xlsx under ``paths``, sorted and without
    duplicates; directories are searched recursively; Excel's lock files ``~$…`` and hidden files are
    skipped, as are ``exclude`` (the outputs). A path that does not exist is an error. A name in another
    encoding than the system's (GBK on Linux) is opened by its bytes and shown decoded
    (:func:`cpxl.fsnames.display_name`)."""
    skip = {Path(p).resolve() for p in exclude}
    found: dict[Path, str] = {}
    for raw in paths:
        root = Path(raw)
        if not root.exists():
            raise CpxlError(f"找不到文件或文件夹：{root}")
        if root.is_dir():
            for p in sorted(root.rglob("*")):
                if p.suffix.lower() != ".xlsx" or not p.is_file():
                    continue
                rel = p.relative_to(root)
                if any(part.startswith(("~$", ".")) for part in rel.parts):
                    continue
                found.setdefault(p.resolve(), display_name(rel.as_posix()))
        else:
            found.setdefault(root.resolve(), display_name(root.name))
    return sorted(((p, name) for p, name in found.items() if p not in skip), key=lambda x: (x[1], str(x[0])))


# ---- reading one enterprise -------------------------------------------------------------------------


def read_enterprise(path: Path, *, full: bool = False):
    """The enterprise workbook as a :class:`cpxl.workbook.read.Book` holding the tables the aggregation
    uses (:data:`AGGREGATED_TABLES`), or every table with ``full``. Opened for reading only."""
    from cpxl.tables import CONDITIONS, KINDS, Registry, registry
    from cpxl.workbook.read import MAX_ROWS, Book, TableData, detect_kind, find_sheet, open_calamine, parse_sheet, read_workbook

    if full:
        book = read_workbook(path)
        if KINDS[book.kind].subject != "enterprise":
            raise UnreadableWorkbook(f"不是企业审核工作簿（为{KINDS[book.kind].name}工作簿）：{path}")
        return book
    wb = open_calamine(path)
    names = list(wb.sheet_names)
    kind = detect_kind(names)
    if KINDS[kind].subject != "enterprise":
        raise UnreadableWorkbook(f"不是企业审核工作簿（为{KINDS[kind].name}工作簿）：{path}")
    # 表D.38 and 表E.4 belong to the acceptance report (applies="acceptance"): not read in an audit workbook
    tables = [t for t in registry(kind) if t.id in AGGREGATED_TABLES and CONDITIONS[t.applies].in_kind(kind)]
    findings: list = []
    data: dict = {}
    for table in tables:
        sheet = find_sheet(table, names)
        if sheet is None:
            data[table.id] = TableData(table, None)
            continue
        try:
            grid = wb.read_grid(sheet, MAX_ROWS)
        except Exception as exc:  # noqa: BLE001 - a sheet calamine cannot parse is a finding
            from cpxl.workbook.findings import Finding

            findings.append(Finding(sheet, "A1", "error", "unreadable_sheet", f"无法读取该工作表：{exc}"))
            data[table.id] = TableData(table, None)
            continue
        findings.extend(wb.char_findings(sheet))
        cover = data.get("封面信息")
        y = cover.fields.get("base_year") if cover else None
        years = (int(y) - 2, int(y) - 1, int(y)) if isinstance(y, float) and y.is_integer() else None
        data[table.id] = parse_sheet(table, sheet, grid, findings, years)
    missing = [t.sheet_name for t in tables if not data[t.id].present]
    if len(missing) > len(tables) / 2:
        raise UnreadableWorkbook(
            f"不是完整的企业审核工作簿：缺少 {len(missing)}/{len(tables)} 张需汇总的标准工作表（如“{missing[0]}”），"
            f"请用 cpxl new 生成的模板填写：{path}"
        )
    # 参数 is read (coefficients, factors) but not put through the generic checks: its rows are checked
    # where they are used, by parameters_from_rows (problems become notes of the enterprise).
    checked = [t for t in tables if t.id != "参数"]
    return Book(Path(path), kind, Registry(kind, checked), data, findings, [])


def _parameters(book):
    """The 参数 sheet merged over the defaults (cpxl.calc.parameters), once per book."""
    from cpxl.calc.parameters import parameters_from_rows

    cache = book.__dict__.setdefault("_aggregate_rows", {})
    if "参数" not in cache:
        cache["参数"] = parameters_from_rows(book.parameters, strict=False)
    return cache["参数"]


def _rows(book, table_id: str) -> list[dict]:
    """The table's rows as plain dicts (cached on the book: several summaries read the same table)."""
    cache = book.__dict__.setdefault("_aggregate_rows", {})
    if table_id not in cache:
        data = book.tables.get(table_id)
        if data is None or not data.present or data.frame.empty:
            cache[table_id] = []
        else:
            cols = list(data.frame.columns)
            cache[table_id] = [dict(zip(cols, values)) for values in data.frame.to_numpy(dtype=object).tolist()]
    return cache[table_id]


_VALUE_UNITS = {"万元": 1.0, "元": 1e-4, "千元": 0.1, "百万元": 100.0, "亿元": 1e4, "": 1.0}

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
    k = _key(name)
    if not k:
        return None
    for key, words in POLLUTANTS:
        if any(w in k for w in words):
            return key
    return None


def key_indicators(book) -> tuple[dict, list[str]]:
    """Totals of the base year the key indicators of 7.2.6 are made of, and notes on what could not be
    counted.

    output: 表D.6 output of the cover's 单耗基准产品 (DB4101/T 61 6.5.1.2.4 a); value: Σ 表D.6 产值 in
    万元 (else 表D.4 企业年总产值); water: 表D.10 新鲜水 [m³]; energy: Σ 表D.11 实物量 × GB/T 2589-2020
    折标准煤系数 (参数 sheet overrides) [tce]; co2: 电力 × 电网排放因子, fossil energy kgce × 2.7725
    tCO₂/tce (DB4101/T 61 表E.4 注b) [tCO₂]; wastewater and pollutants: 表D.18 (合计 rows if given,
    else 工业废水 + 生活污水; a load from 平均浓度 × 水量 when only those are given, HJ 942 实测法) and
    表D.20 年排放量 [t], else 表D.23 基准期排放总量.
    """
    from cpxl.calc import pollution
    from cpxl.report.compute import co2_by_year, co2_uncounted, d12_totals, derive

    notes: list[str] = []
    out: dict = {"year": book.base_year}
    params = _parameters(book)
    notes.extend(f"参数表有误，已按默认值计算：{w}" for w in params.warnings)

    # Output and value (表D.6)
    main = _key(book.cover.get("main_product"))
    rows6 = [r for r in _rows(book, "D.6") if _text(r.get("product"))]
    main_row = next((r for r in rows6 if main and _key(r["product"]) == main), None)
    if main_row is None:
        main_row = next((r for r in rows6 if num(r.get(f"output_{BASE}")) is not None), None)
        if main_row is not None and main:
            notes.append(f"表D.6中找不到单耗基准产品“{book.cover.get('main_product')}”，按“{main_row['product']}”计算单位产品指标")
    if main_row is not None:
        out["product"] = _text(main_row["product"])
        out["output_unit"] = _text(main_row.get("output_unit"))
        out["output"] = num(main_row.get(f"output_{BASE}"))
    value = None
    for r in rows6:
        x = num(r.get(f"value_{BASE}"))
        if x is None:
            continue
        unit = _text(r.get("value_unit")).replace(" ", "")
        if unit not in _VALUE_UNITS:
            notes.append(f"表D.6“{r['product']}”产值单位“{unit}”无法换算为万元，未计入")
            continue
        value = (value or 0.0) + x * _VALUE_UNITS[unit]
    if value is None:
        d4 = book.tables.get("D.4")
        value = num(d4.fields.get("output_value")) if d4 is not None and d4.present else None
        value = value if value is not None else num(book.cover.get("revenue"))
    out["value"] = value

    # Fresh water (表D.10)
    fresh = [num(r.get(f"total_{BASE}")) for r in _rows(book, "D.10") if _key(r.get("category")) in ("新鲜水", "新水")]
    fresh = [x for x in fresh if x is not None]
    out["water"] = sum(fresh) if fresh else None

    # Energy (表D.12 合计综合能耗) and CO2 (表D.11 by 表E.4 注b): the report's derivation of the same quantities
    d = derive(book)
    kgce = d12_totals(d)[f"total_{BASE}"]
    out["energy"] = kgce / 1000.0 if kgce is not None else None
    out["co2"] = co2_by_year(d)[BASE - 1]
    notes.extend(p for p in d.problems if p.startswith(("表D.11", "表D.12")))
    uncounted = co2_uncounted(d, BASE)
    if uncounted:
        notes.append(f"表D.11中{'、'.join(uncounted)}不是化石能源或电力，表E.4注b未规定其碳排放计算方法，未计入碳排放")

    # Water pollutants (表D.18)
    by_cat: dict[str, dict] = defaultdict(lambda: {"volume": None, "loads": defaultdict(float), "found": set()})
    for r in _rows(book, "D.18"):
        cat = _key(r.get("category")) or "工业废水"
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
    for r in _rows(book, "D.20"):
        key = pollutant_key(r.get("pollutant"))
        load = num(r.get("load"))
        if key in ("so2", "nox", "pm", "vocs", "cod", "nh3n") and load is not None:
            out[key] = (out.get(key) or 0.0) + load

    # Total-control figures (表D.23) where the monitoring tables give nothing
    for r in _rows(book, "D.23"):
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
    k = _key(value)
    for c in EIGHT_CATEGORIES:
        if k == _key(c):
            return c
    return "管理" if not k else next((c for c in EIGHT_CATEGORIES if k in _key(c) or _key(c) in k), "管理")


def problems(book) -> list[dict]:
    """Problems and causes, each with its aspect of DB11/T 1156 附录A: 表D.25 存在问题 (else 方案名称),
    表D.27 and D.28 each filled factor cell (the cause text, at its 部位)."""
    out = []
    for r in _rows(book, "D.25"):
        text = _text(r.get("problem")) or _text(r.get("name"))
        if text:
            out.append({"aspect": _aspect(r.get("category")), "problem": text, "stage": "", "impact": "",
                        "option": _text(r.get("name")), "direction": _text(r.get("content")) or _text(r.get("name")), "source": "D.25"})
    for table_id, aspects, name_key, impact in (("D.27", _D27_ASPECTS, "name", "物料损失/不合理用水/不合理用能"),
                                                ("D.28", _D28_ASPECTS, "pollutant", "重点关注污染物产生")):
        for r in _rows(book, table_id):
            subject, where = _text(r.get(name_key)), _text(r.get("location"))
            for col, aspect in aspects.items():
                text = _text(r.get(col))
                if text:
                    out.append({"aspect": aspect, "problem": text, "stage": "／".join(x for x in (subject, where) if x),
                                "impact": f"{impact}（{subject}）" if subject else impact, "option": "", "direction": "", "source": table_id})
    return out


_MONEY = re.compile(r"(-?\d+(?:\.\d+)?)\s*(万元|元)?")


def parse_benefit(text) -> float | None:
    """Annual economic benefit [万元/a] from 表D.30 “经济效益” text such as “年节约12.5万元”, “8万元/年”
    or “15000元/a” (a bare number is taken as 万元); None when no amount is written."""
    x = num(text)
    if x is not None:
        return x
    s = unicodedata.normalize("NFKC", _text(text)).replace(",", "")
    m = _MONEY.search(s)
    if not m:
        return None
    value = float(m.group(1))
    return value * 1e-4 if m.group(2) == "元" else value


def options(book) -> list[dict]:
    """Options of 表D.30 with investment and annual benefit: for implemented options (表D.34, or 表D.38
    in an acceptance workbook) the stated investment and 经济效益 [万元/a], else 表D.30's 预计投资 and the
    amount written in its 经济效益."""
    done = {}
    for table_id in ("D.34", "D.38"):
        for r in _rows(book, table_id):
            oid = _key(r.get("option_id")).upper()
            if oid:
                done[oid] = r
    out = []
    seen = set()
    for r in _rows(book, "D.30"):
        name = _text(r.get("name"))
        if not name:
            continue
        oid = _key(r.get("option_id")).upper()
        seen.add(oid)
        impl = done.get(oid)
        investment = num(impl.get("investment")) if impl else None
        benefit = num(impl.get("econ_benefit")) if impl else None
        out.append({
            "id": oid, "name": name, "aspect": _aspect(r.get("category")), "cost_class": _text(r.get("cost_class")),
            "content": _text(r.get("content")), "env_benefit": _text(r.get("env_benefit")),
            "investment": investment if investment is not None else num(r.get("investment")),
            "benefit": benefit if benefit is not None else parse_benefit(r.get("econ_benefit")),
            "implemented": impl is not None,
        })
    for oid, r in done.items():  # implemented options missing from D.30
        if oid not in seen and _text(r.get("name")):
            out.append({"id": oid, "name": _text(r["name"]), "aspect": _aspect(r.get("category")), "cost_class": _text(r.get("cost_class")),
                        "content": "", "env_benefit": _text(r.get("env_benefit")), "investment": num(r.get("investment")),
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
    k = _key(label)
    m = re.search(r"[（(]([^）)]*)[）)]", unicodedata.normalize("NFKC", _text(label)))
    u = _key(unit) or (_key(m.group(1)) if m else "")
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


def performance(book) -> dict[str, dict]:
    """Option performance of one enterprise for R.6 (7.4.3): {"已实施": {...}, "拟实施": {...}}.

    已实施: 表D.34 (或验收工作簿的表D.38) — count, investment, 经济效益; environmental benefits from 表E.4
    “折成年度环境效益” when present, with CO₂ by 表E.4 注b (节电 × 电网排放因子; 节煤 as standard coal
    × 2.7725; 节油、节天然气 through GB/T 2589 coefficients).
    拟实施: 表D.30 options not implemented — count and 预计投资; 经济效益 and environmental benefits are
    表D.36's expected totals for the round less what is attributed to 已实施 (so the two rows add up to
    表D.36), else the amounts written in 表D.30.
    """
    from cpxl.calc import carbon, energy
    from cpxl.calc.parameters import K_COAL_FACTOR, K_GRID_FACTOR, coefficient_overrides, get

    params = _parameters(book)
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
    for r in _rows(book, "E.4"):
        x = num(r.get("annual"))
        item = _benefit_item(_text(r.get("indicator")), _text(r.get("unit")))
        name = _key(r.get("indicator"))
        if x is None:
            continue
        tce = None
        if name.startswith("节电"):
            kwh = x * (1e4 if _key(r.get("unit")) in ("万kwh", "万度") else 1.0)
            power_kwh = (power_kwh or 0.0) + kwh
            tce = energy.tce(kwh, "电力", overrides=overrides) / 1000
            impl["co2"] = (impl.get("co2") or 0.0) + carbon.co2(kwh, "电力", grid_factor=grid)
        elif name.startswith("节煤"):  # 表E.4 注b: 节煤全部按标准煤计算
            tce = x * (1.0 if _key(r.get("unit")) in ("吨", "t", "tce") else 1e-3)
            impl["co2"] = (impl.get("co2") or 0.0) + carbon.co2_from_tce(tce * 1000, get(params, K_COAL_FACTOR))
        elif name.startswith(("节油", "节天然气", "节蒸汽")):
            fuel = {"节油": "原油", "节天然气": "天然气", "节蒸汽": "蒸汽（低压）"}[next(k for k in ("节油", "节天然气", "节蒸汽") if name.startswith(k))]
            unit = {"吨": "t", "t": "t", "m³": "m³", "m3": "m³", "万m³": "万m³"}.get(_key(r.get("unit")), None)
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
    for r in _rows(book, "D.36"):
        label = _text(r.get("item"))
        low, high = num(r.get("low")), num(r.get("high"))
        if low is None and high is None:
            continue
        total = (low or 0.0) + (high or 0.0)
        k = _key(label)
        if k.startswith("经济效益"):
            expected["econ"] = total
            continue
        if _key(r.get("category")) != "环境效益":
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
        indicators, notes = key_indicators(book)
        try:
            perf = performance(book)
        except ValueError as exc:
            perf = {"已实施": {}, "拟实施": {}}
            notes.append(f"方案绩效未能汇总：{exc}")
        summary = {
            "ok": True,
            "file": name,
            "kind": book.kind,
            "company": _text(cover.get("company")) or display_name(path.stem),
            "company_given": bool(_text(cover.get("company"))),
            "credit_code": _text(cover.get("credit_code")),
            "base_year": book.base_year,
            "industry": _text(cover.get("industry")),
            "industry_code": _text(cover.get("industry_code")),
            "main_product": _text(cover.get("main_product")),
            "district": _text(cover.get("district")) or "（未填写）",
            "scale": _text(cover.get("scale")),
            "products": _text(cover.get("products")),
            "audit_type": _text(cover.get("audit_type")),
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


def _mtime(path: Path) -> float:
    try:
        return os.stat(path).st_mtime
    except OSError:
        return 0.0


def _summarize_task(task: tuple[str, str, bool]) -> dict:
    path, name, full = task
    return summarize(Path(path), name, full=full)


# ---- benchmarking -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Benchmark:
    """Statistics of one indicator over the enterprises (smaller is better for every key indicator).

    advanced = the first quartile (前25%分位, QUARTILE.INC as R.3), lagging = the third quartile."""

    n: int
    best: float
    advanced: float
    median: float
    lagging: float
    mean: float
    worst: float
    behind: int  # enterprises above the advanced value
    potential: float | None  # (median − advanced) / median


def benchmark(values: Sequence[float]) -> Benchmark:
    """Benchmark statistics of one indicator; quartiles as Excel's QUARTILE/QUARTILE.INC (linear
    interpolation, numpy ``percentile`` method "linear"), as in 表R.3.
    Standard: 《京津冀清洁生产协同审核导则》 7.2.6 关键性指标, 7.2.4/7.2.5 对标分析."""
    x = np.asarray([float(v) for v in values], dtype=float)
    if x.size == 0:
        raise ValueError("values（指标值）不能为空")
    q1, med, q3 = (float(np.percentile(x, q, method="linear")) for q in (25, 50, 75))
    return Benchmark(
        n=int(x.size), best=float(x.min()), advanced=q1, median=med, lagging=q3, mean=float(x.mean()),
        worst=float(x.max()), behind=int(np.sum(x > q1 + 1e-12 * max(1.0, abs(q1)))),
        potential=(med - q1) / med if med else None,
    )


def ranks(values: Sequence[float]) -> list[int]:
    """Rank of each value, 1 = smallest (best); equal values share the smaller rank (as Excel RANK.EQ
    ascending)."""
    x = np.asarray(values, dtype=float)
    return [int(1 + np.sum(x < v - 1e-12 * max(1.0, abs(v)))) for v in x]


def quartile_group(value: float, b: Benchmark) -> int:
    """1 (best quarter, ≤ advanced value) … 4 (worst quarter, > lagging value)."""
    return 1 if value <= b.advanced else 2 if value <= b.median else 3 if value <= b.lagging else 4


# ---- folding summaries ------------------------------------------------------------------------------


def _short_list(names: list[str], limit: int = 12) -> str:
    names = list(dict.fromkeys(names))
    return "、".join(names) if len(names) <= limit else "、".join(names[:limit]) + f" 等{len(names)}家"


class _Grouper:
    """Groups texts by :func:`normalize_name`, joining near-identical keys (difflib ratio ≥ ``cutoff``,
    compared within the same first two characters)."""

    def __init__(self, cutoff: float = 0.8):
        self.cutoff = cutoff
        self.alias: dict[str, str] = {}
        self.blocks: dict[str, list[str]] = defaultdict(list)

    def key(self, text: str, prefix: str = "") -> str:
        k = prefix + "|" + normalize_name(text)
        if k in self.alias:
            return self.alias[k]
        block = self.blocks[prefix + "|" + k.split("|", 1)[1][:2]]
        target = k
        body = k.split("|", 1)[1]
        for other in block:
            ob = other.split("|", 1)[1]
            sm = difflib.SequenceMatcher(None, body, ob)
            if sm.real_quick_ratio() >= self.cutoff and sm.quick_ratio() >= self.cutoff and sm.ratio() >= self.cutoff:
                target = other
                break
        else:
            block.append(k)
        self.alias[k] = target
        return target


@dataclass
class Aggregator:
    """Folds enterprise summaries into the region tables as they arrive (only small data is kept)."""

    roster: list[dict] = field(default_factory=list)
    indicators: list[dict] = field(default_factory=list)
    perf: list[dict] = field(default_factory=list)
    findings: list[dict] = field(default_factory=list)
    failed: int = 0
    with_errors: int = 0
    facts: dict = field(default_factory=lambda: defaultdict(Counter))  # cover facts shared by the region
    problem_groups: dict = field(default_factory=dict)
    option_groups: dict = field(default_factory=dict)
    _units_checked: bool = False
    _problems: _Grouper = field(default_factory=_Grouper)
    _options: _Grouper = field(default_factory=_Grouper)

    def add(self, s: dict) -> None:
        if not s.get("ok"):
            self.failed += 1
            self.findings.append({"company": "", "workbook": s["file"], "sheet": "", "cell": "", "severity": "错误",
                                  "rule": "unreadable", "message": s["error"]})
            return
        company = s["company"]
        self.roster.append({k: s[k] for k in ("company", "credit_code", "industry_code", "district", "scale", "products", "audit_type")}
                           | {"round": s["round"], "workbook": s["file"]})
        for k in ("industry", "industry_code", "main_product", "audit_type", "district"):
            if s.get(k):
                self.facts[k][s[k]] += 1
        ind = s["indicators"]
        if ind.get("year"):
            self.facts["base_year"][ind["year"]] += 1
        self.indicators.append({"company": company, "district": s["district"], "year": ind.get("year"), "product": ind.get("product"),
                                "output_unit": ind.get("output_unit"), **{k: ind.get(k) for k in _R2_TOTALS}})
        for status in ("已实施", "拟实施"):
            self.perf.append({"company": company, "status": status, **s["performance"][status]})
        if s["errors"]:
            self.with_errors += 1
        for sheet, cell, severity, rule, message in s["findings"]:
            self.findings.append({"company": company, "workbook": s["file"], "sheet": sheet, "cell": cell,
                                  "severity": "错误" if severity == "error" else "警告", "rule": rule, "message": message})
        if s["findings_total"] > len(s["findings"]):
            self.findings.append({"company": company, "workbook": s["file"], "sheet": "", "cell": "", "severity": "提示", "rule": "more",
                                  "message": f"另有 {s['findings_total'] - len(s['findings'])} 条检查结果未列出，请用 cpxl check 检查该工作簿"})
        for note in s["notes"]:
            self.findings.append({"company": company, "workbook": s["file"], "sheet": "", "cell": "", "severity": "提示",
                                  "rule": "indicator_note", "message": note})
        linked: dict[str, str] = {}
        for p in s["problems"]:
            key = self._problems.key(p["problem"], p["aspect"])
            g = self.problem_groups.setdefault(key, {"aspect": p["aspect"], "texts": Counter(), "stages": Counter(), "impacts": Counter(),
                                                     "directions": Counter(), "companies": [], "sources": set()})
            g["texts"][p["problem"]] += 1
            if p["stage"]:
                g["stages"][p["stage"]] += 1
            if p["impact"]:
                g["impacts"][p["impact"]] += 1
            if p["direction"]:
                g["directions"][p["direction"]] += 1
            if not g["companies"] or g["companies"][-1] != company:
                g["companies"].append(company)
            g["sources"].add(p["source"])
            if p["option"]:
                linked[normalize_name(p["option"])] = key
        for o in s["options"]:
            key = self._options.key(o["name"])
            g = self.option_groups.setdefault(key, {"names": Counter(), "aspects": Counter(), "contents": Counter(), "env": Counter(),
                                                    "investment": 0.0, "inv_n": 0, "benefit": 0.0, "ben_n": 0, "companies": [],
                                                    "districts": Counter(), "implemented": 0, "problems": set()})
            g["names"][o["name"]] += 1
            g["aspects"][o["aspect"]] += 1
            if o["content"]:
                g["contents"][o["content"]] += 1
            if o["env_benefit"]:
                g["env"][o["env_benefit"]] += 1
            if o["investment"] is not None:
                g["investment"] += o["investment"]
                g["inv_n"] += 1
            if o["benefit"] is not None:
                g["benefit"] += o["benefit"]
                g["ben_n"] += 1
            if not g["companies"] or g["companies"][-1] != company:
                g["companies"].append(company)
                g["districts"][s["district"]] += 1
            g["implemented"] += bool(o["implemented"])
            if normalize_name(o["name"]) in linked:
                g["problems"].add(linked[normalize_name(o["name"])])

    # ---- region tables ----

    def unit_findings(self) -> None:
        """A product unit unlike most enterprises' makes the per-product indicators incomparable (R.2 note:
        同一产品计量单位): flagged in R.7."""
        if self._units_checked:
            return
        self._units_checked = True
        units = Counter(_key(r.get("output_unit")) for r in self.indicators if r.get("output") is not None)
        if len(units) < 2:
            return
        common = units.most_common(1)[0][0]
        shown = next(r["output_unit"] for r in self.indicators if _key(r.get("output_unit")) == common)
        for roster, row in zip(self.roster, self.indicators):
            if row.get("output") is not None and _key(row.get("output_unit")) != common:
                self.findings.append({"company": row["company"], "workbook": roster["workbook"], "sheet": "", "cell": "", "severity": "警告",
                                      "rule": "unit_mismatch", "message": f"产量单位“{row.get('output_unit') or '（空）'}”与多数企业的“{shown}”"
                                      "不同，单位产品指标不可直接对标"})

    @property
    def enterprises(self) -> int:
        return len(self.roster)

    def problem_rows(self) -> tuple[list[dict], dict[str, int]]:
        """R.4 rows, by aspect (附录A order) then by how many enterprises share the problem."""
        order = {c: i for i, c in enumerate(EIGHT_CATEGORIES)}
        groups = sorted(self.problem_groups.items(), key=lambda kv: (order.get(kv[1]["aspect"], 99), -len(kv[1]["companies"]),
                                                                     kv[1]["texts"].most_common(1)[0][0]))
        common_at = max(2, math.ceil(self.enterprises / 2))
        rows, numbers = [], {}
        for no, (key, g) in enumerate(groups, start=1):
            numbers[key] = no
            text = g["texts"].most_common(1)[0][0]
            rows.append({
                "no": no,
                "category": region_category(g["aspect"], text, *g["stages"]),
                "problem": text,
                "stage": "；".join(s for s, _ in g["stages"].most_common(3)),
                "impact": "；".join(s for s, _ in g["impacts"].most_common(2)),
                "cause": f"{g['aspect']}方面",
                "cause_category": g["aspect"],
                "direction": "；".join(s for s, _ in g["directions"].most_common(2)),
                "common": "是" if len(g["companies"]) >= common_at else "否",
                "companies_n": len(g["companies"]),
                "companies": _short_list(g["companies"]),
            })
        return rows, numbers

    def option_rows(self, problem_numbers: dict[str, int]) -> list[dict]:
        """R.5 rows: one per group of similar options, most widely applicable first. 投资 and 效益 are
        the sums over the enterprises that state them (投资回收期 = Σ投资 / Σ年效益, R.5 formula)."""
        groups = sorted(self.option_groups.values(), key=lambda g: (-len(g["companies"]), g["names"].most_common(1)[0][0]))
        rows = []
        for no, g in enumerate(groups, start=1):
            name = g["names"].most_common(1)[0][0]
            aspect = g["aspects"].most_common(1)[0][0]
            content = g["contents"].most_common(1)[0][0] if g["contents"] else ""
            refs = sorted(problem_numbers[k] for k in g["problems"] if k in problem_numbers)
            n = len(g["companies"])
            rows.append({
                "no": no,
                "name": name,
                "category": region_category(aspect, name, content),
                "content": content or name,
                "scope": f"{n}家企业提出，其中{g['implemented']}家已实施；辖区：" + "、".join(d for d, _ in g["districts"].most_common()),
                "problem_no": "、".join(map(str, refs[:10])),
                "investment": round(g["investment"], 4) if g["inv_n"] else None,
                "benefit": round(g["benefit"], 4) if g["ben_n"] else None,
                "env_benefit": g["env"].most_common(1)[0][0] if g["env"] else "",
                "companies_n": n,
            })
        return rows

    def benchmark_tables(self):
        """Per R.3 indicator: values by enterprise, statistics, and per-jurisdiction figures."""
        from cpxl.tables.region import BENCHMARK_ORDER, REGION_INDICATORS

        factors = {}
        for key, _fam, _label, _unit, pp, pv in REGION_INDICATORS:
            factors[f"{key}_pp"] = (key, "output", pp[1])
            factors[f"{key}_pv"] = (key, "value", pv[1])
        out = []
        for family, col, label, unit in BENCHMARK_ORDER:
            total_key, den_key, factor = factors[col]
            values = []  # (row of R.2, jurisdiction, value)
            for i, row in enumerate(self.indicators):
                t, d = row.get(total_key), row.get(den_key)
                if t is not None and d:
                    values.append((i, row["district"], t * factor / d))
            if not values:
                out.append((family, col, label, unit, [], None, {}))
                continue
            b = benchmark([v for _, _, v in values])
            by_district: dict[str, list[float]] = defaultdict(list)
            for _c, dist, val in values:
                by_district[dist].append(val)
            districts = {
                d: {"n": len(vs), "median": float(np.median(vs)), "mean": float(np.mean(vs)), "best": min(vs),
                    "reached": sum(v <= b.advanced + 1e-12 * max(1.0, abs(b.advanced)) for v in vs)}
                for d, vs in sorted(by_district.items())
            }
            out.append((family, col, label, unit, values, b, districts))
        return out


_R2_TOTALS = ("output", "value", "water", "energy", "co2", "wastewater", "cod", "nh3n", "so2", "nox", "pm", "vocs")


def _fmt(x: float) -> str:
    return f"{x:.4g}"


def region_cover(agg: Aggregator) -> dict:
    """封面信息 of the region workbook: the facts the enterprises share (the most common value of each);
    the organising department (7.1.1.1) is left for the auditor, marked 【待填写】."""
    top = lambda k: agg.facts[k].most_common(1)[0][0] if agg.facts[k] else None  # noqa: E731
    industry = top("industry")
    districts = [d for d, _ in agg.facts["district"].most_common()]
    where = "、".join(districts[:5]) + ("等" if len(districts) > 5 else "")
    return {
        "company": "【待填写】组织单位（区域清洁生产主管部门）",  # 7.1.1.1: the region's lead department
        "industry": industry,
        "industry_code": top("industry_code"),
        "district": where or None,
        "products": top("main_product"),
        "main_product": top("main_product"),
        "audit_type": top("audit_type"),
        "base_year": top("base_year"),
    }


def region_data(agg: Aggregator) -> tuple[dict, list]:
    """build_workbook("region", …) data, and the benchmark tables for the added sheets."""
    r1 = [{"no": i, **row} for i, row in enumerate(agg.roster, start=1)]
    r2 = [{"no": i, **{k: v for k, v in row.items() if v is not None}} for i, row in enumerate(agg.indicators, start=1)]
    bench = agg.benchmark_tables()
    r3 = []
    for _family, _col, _label, unit, values, b, districts in bench:
        if b is None:
            r3.append({"remark": "无企业数据"})
            continue
        parts = [f"{d}中位数{_fmt(s['median'])}（{s['n']}家，达先进值{s['reached']}家）" for d, s in districts.items()]
        if len(districts) > 1:
            best = min(districts.items(), key=lambda kv: kv[1]["median"])
            worst = max(districts.items(), key=lambda kv: kv[1]["median"])
            parts.append(f"中位数最低{best[0]}，最高{worst[0]}，相差{_fmt(worst[1]['median'] - best[1]['median'])}{unit}")
        r3.append({"remark": "；".join(parts)})
    problem_rows, numbers = agg.problem_rows()
    option_rows = agg.option_rows(numbers)
    r6 = [{"no": i, **{k: (round(v, 6) if isinstance(v, float) else v) for k, v in row.items() if v is not None}}
          for i, row in enumerate(agg.perf, start=1)]
    agg.unit_findings()
    r7 = [{"no": i, **row} for i, row in enumerate(agg.findings, start=1)]
    return {"封面信息": region_cover(agg), "R.1": r1, "R.2": r2, "R.3": r3, "R.4": problem_rows, "R.5": option_rows, "R.6": r6, "R.7": r7}, bench


# ---- the added benchmark sheets ---------------------------------------------------------------------

DETAIL_SHEET = "对标明细"
DISTRICT_SHEET = "辖区对比"


def _add_benchmark_sheets(wb, agg: Aggregator, bench) -> None:
    """Each enterprise's rank, quartile and gap to the advanced value per indicator (对标明细), and the
    figures of each jurisdiction (辖区对比), after R.3."""
    from openpyxl.styles import Alignment, Font, PatternFill

    from cpxl.workbook.build import put_value

    head_font = Font(name="宋体", size=10, bold=True)
    fill = PatternFill("solid", fgColor="D9E1F2")
    wrap = Alignment(horizontal="center", vertical="center", wrap_text=True)
    after = next((i for i, ws in enumerate(wb.worksheets) if ws.title.startswith("R.3")), len(wb.worksheets) - 1) + 1
    ws = wb.create_sheet(DETAIL_SHEET, after)
    ws.cell(1, 1, "企业关键性指标对标明细（排名1为最优；分位1为前25%；差距 = 指标值 − 先进值，降幅 = 差距 ÷ 指标值）").font = Font(name="宋体", size=12, bold=True)
    ws.cell(2, 1, "依据：京津冀清洁生产协同审核导则 7.2.4–7.2.6；先进值为前25%分位值（表R.3）。由 cpxl aggregate 生成。").font = Font(name="宋体", size=9, italic=True)
    used = [entry for entry in bench if entry[5] is not None]
    heads = ["序号", "企业名称", "区县/辖区"]
    for _f, _c, label, unit, *_ in used:
        heads += [f"{label}（{unit}）", "排名", "分位", "距先进值差距", "降幅"]
    for j, h in enumerate(heads, start=1):
        c = ws.cell(3, j, h)
        c.font, c.fill, c.alignment = head_font, fill, wrap
    table = [[i + 1, row["company"], row["district"]] + [None] * (5 * len(used)) for i, row in enumerate(agg.indicators)]
    for u, (_f, _c, _l, _u, values, b, _d) in enumerate(used):
        rk = ranks([v for _, _, v in values])
        for (i, _dist, val), r in zip(values, rk):
            gap = max(0.0, val - b.advanced)
            table[i][3 + 5 * u: 8 + 5 * u] = [round(val, 6), r, quartile_group(val, b), round(gap, 6),
                                                          round(gap / val, 6) if val else None]
    for i, row in enumerate(table, start=4):
        for j, x in enumerate(row, start=1):
            if x is not None:
                cell = put_value(ws.cell(i, j), x)  # enterprise names are user text: never a live formula
                if j > 3 and (j - 4) % 5 == 4:
                    cell.number_format = "0.0%"
    ws.freeze_panes = "D4"
    ws.column_dimensions["B"].width = 28
    ws.column_dimensions["C"].width = 14

    wd = wb.create_sheet(DISTRICT_SHEET, after + 1)
    wd.cell(1, 1, "辖区关键性指标对比（京津冀清洁生产协同审核导则 7.2.2.1、7.2.5 e：不同辖区差异）").font = Font(name="宋体", size=12, bold=True)
    heads = ["指标", "单位", "区县/辖区", "企业数", "中位数", "平均值", "最优值", "达到先进值企业数", "区域先进值", "中位数较区域先进值差距"]
    for j, h in enumerate(heads, start=1):
        c = wd.cell(3, j, h)
        c.font, c.fill, c.alignment = head_font, fill, wrap
    r = 4
    for _f, _c, label, unit, _values, b, districts in used:
        for d, s in districts.items():
            for j, x in enumerate((label, unit, d, s["n"], round(s["median"], 6), round(s["mean"], 6), round(s["best"], 6), s["reached"],
                                   round(b.advanced, 6), round(max(0.0, s["median"] - b.advanced), 6)), start=1):
                put_value(wd.cell(r, j), x)
            r += 1
    wd.freeze_panes = "D4"
    for letter, width in zip("ABC", (22, 14, 16)):
        wd.column_dimensions[letter].width = width


# ---- the run ----------------------------------------------------------------------------------------


@dataclass
class AggregateResult:
    output: Path
    workbooks: int  # found
    enterprises: int  # aggregated
    failed: int  # could not be read
    with_errors: int  # aggregated, with check errors
    report: Path | None = None
    duplicates: list = field(default_factory=list)  # Duplicate groups: workbooks of one enterprise, one aggregated


def _chunksize(n: int, jobs: int) -> int:
    return max(1, min(8, n // (jobs * 8) if jobs else 1))


def _preload() -> None:
    """Import what a worker needs before the pool starts, so forked workers share it instead of each
    importing pandas, calamine and the registry again."""
    import cpxl.calc  # noqa: F401
    import cpxl.workbook.check  # noqa: F401
    import cpxl.workbook.read  # noqa: F401
    from cpxl.tables import registry

    registry("audit"), registry("acceptance")


def _worker_init(parent: int) -> None:
    """Each worker ends when the process that started it is gone (killed with SIGKILL, say): on Linux the
    kernel sends SIGKILL (prctl PR_SET_PDEATHSIG); elsewhere a thread watches the parent's pid. Ctrl+C is
    the parent's to handle: the worker ignores SIGINT."""
    import signal
    import threading
    import time

    from cpxl.safeio import parent_death_signal

    with contextlib.suppress(OSError, ValueError):
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    if parent_death_signal(signal.SIGKILL):
        if os.getppid() != parent:  # the parent died before the request took effect
            os._exit(1)
        return

    def watch():
        while True:
            if os.getppid() != parent:
                os._exit(1)
            time.sleep(0.5)

    threading.Thread(target=watch, name="cpxl-parent-watch", daemon=True).start()


def iter_summaries(items: Sequence[tuple[Path, str]], *, jobs: int | None = None, full: bool = False) -> Iterable[dict]:
    """Summaries in the order of ``items``: in this process for ``jobs == 1``, else streamed from a pool
    of worker processes (each returns only the small summary). Workers never outlive the run: they end
    with their parent, and are stopped at once when the run is interrupted."""
    jobs = jobs or os.cpu_count() or 1
    tasks = [(str(p), name, full) for p, name in items]
    if jobs <= 1 or len(tasks) <= 1:
        for t in tasks:
            yield _summarize_task(t)
        return
    _preload()
    pool = ProcessPoolExecutor(max_workers=min(jobs, len(tasks)), initializer=_worker_init, initargs=(os.getpid(),))
    finished = False
    try:
        yield from pool.map(_summarize_task, tasks, chunksize=_chunksize(len(tasks), jobs))
        finished = True
    finally:
        if finished:
            pool.shutdown(wait=True)
        else:  # interrupted (Ctrl+C, SIGTERM, an error while folding): stop the workers now
            workers = list((getattr(pool, "_processes", None) or {}).values())
            pool.shutdown(wait=False, cancel_futures=True)
            for proc in workers:
                with contextlib.suppress(Exception):
                    proc.kill()
            for proc in workers:
                with contextlib.suppress(Exception):
                    proc.join(5)


# ---- duplicate enterprises ----------------------------------------------------------------------------


def credit_key(code) -> str:
    """统一社会信用代码 for comparison: NFKC, upper case, without spaces and dashes."""
    return re.sub(r"[\s\-－—_]+", "", unicodedata.normalize("NFKC", _text(code))).upper()


def company_key(name) -> str:
    """An enterprise name for comparison: NFKC, lower case, without spaces and punctuation (full-width
    brackets included)."""
    return _PUNCT.sub("", unicodedata.normalize("NFKC", _text(name)).lower())


@dataclass
class Duplicate:
    """Workbooks of one enterprise: the one aggregated (`kept`) and the others."""

    key: str  # "统一社会信用代码 …" or "企业名称 …"
    kept: dict  # the summary's facts: file, company, credit_code, base_year, mtime
    others: list[dict]
    names: list[str]  # different enterprise names under one credit code (a conflict), else []

    def describe(self, facts: dict) -> str:
        year = f"审核年份 {facts['base_year']}" if facts.get("base_year") else "未填审核年份"
        return f"{facts['file']}（{facts['company']}，{year}）"


def find_duplicates(facts: list[dict]) -> tuple[set[int], list[Duplicate]]:
    """Which summaries to leave out and the groups they belong to. One enterprise is one 统一社会信用代码
    (封面信息 credit_code) or, for workbooks without it, one normalised name; of its workbooks the one with
    the newest 审核年份 (base_year) is aggregated, else the one modified last."""
    parent = list(range(len(facts)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(i: int, j: int) -> None:
        parent[find(j)] = find(i)

    by_code: dict[str, int] = {}
    by_name: dict[str, int] = {}
    for i, f in enumerate(facts):
        code = credit_key(f.get("credit_code"))
        if code:
            if code in by_code:
                union(by_code[code], i)
            else:
                by_code[code] = i
    for i, f in enumerate(facts):  # a workbook without a code joins the enterprise of its name
        name = company_key(f["company"]) if f.get("company_given") else ""
        if not name:
            continue
        if credit_key(f.get("credit_code")):
            by_name.setdefault(name, i)
        elif name in by_name:
            union(by_name[name], i)
        else:
            by_name[name] = i
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(facts)):
        groups[find(i)].append(i)
    skip: set[int] = set()
    dups: list[Duplicate] = []
    for members in groups.values():
        if len(members) < 2:
            continue
        ranked = sorted(members, key=lambda i: (facts[i].get("base_year") or -1, facts[i].get("mtime") or 0.0, -i), reverse=True)
        kept, others = ranked[0], ranked[1:]
        skip.update(others)
        codes = {credit_key(facts[i].get("credit_code")) for i in members} - {""}
        key = ("统一社会信用代码 " + "、".join(sorted(codes))) if codes else f"企业名称 {facts[kept]['company']}"
        names = sorted({facts[i]["company"] for i in members if facts[i].get("company_given")}, key=company_key)
        distinct = {company_key(n) for n in names}
        dups.append(Duplicate(key, facts[kept], [facts[i] for i in sorted(others)], names if len(distinct) > 1 else []))
    return skip, dups


def _duplicate_findings(dups: list[Duplicate]) -> list[dict]:
    rows = []
    for d in dups:
        every = [d.kept, *d.others]
        files = "；".join(d.describe(f) for f in every)
        for f in every:
            used = f is d.kept
            message = (f"重复企业（{d.key}）：共 {len(every)} 本工作簿——{files}。"
                       + ("汇总采用本工作簿（审核年份最新，或年份相同时修改时间最晚）" if used else f"本工作簿未计入汇总，采用 {d.kept['file']}"))
            rows.append({"company": f["company"], "workbook": f["file"], "sheet": "封面信息", "cell": "", "severity": "警告",
                         "rule": "duplicate_enterprise", "message": message})
        if d.names:
            rows.append({"company": d.kept["company"], "workbook": d.kept["file"], "sheet": "封面信息", "cell": "", "severity": "错误",
                         "rule": "credit_code_conflict",
                         "message": f"{d.key} 对应不同的企业名称：{'、'.join(d.names)}，请核对信用代码或企业名称"})
    return rows


_FACT_KEYS = ("file", "company", "company_given", "credit_code", "base_year")


def aggregate(paths: Sequence[Path], output: Path, *, jobs: int | None = None, force: bool = False, full_check: bool = False,
              progress: Callable[[int, int, str], None] | None = None, report: Path | None = None,
              extra: dict | None = None) -> AggregateResult:
    """Aggregate enterprise workbooks into the region workbook ``output`` (kind "region", written
    atomically). ``full_check`` checks every table of each workbook, not only those aggregated.
    ``extra``: build data the organiser knows (封面信息 fields merged over the derived ones, 章节文字).

    Each enterprise is aggregated once (:func:`find_duplicates`); the summaries wait in an unnamed
    temporary file (gone with the process, however it ends) until all are read."""
    import pickle
    import tempfile

    from cpxl.safeio import check_target
    from cpxl.workbook.build import build_workbook, save_computed

    output = Path(output)
    outputs = [output] + ([Path(report)] if report else [])
    items = find_workbooks(paths, exclude=outputs)
    if not items:
        raise CpxlError("没有找到企业审核工作簿（.xlsx）：" + "、".join(str(p) for p in paths))
    for target in outputs:  # refuse before hours of work, not after
        check_target(target, inputs=[p for p, _ in items], force=force)
    agg = Aggregator()
    with tempfile.TemporaryFile(prefix="cpxl-aggregate-") as spool:
        offsets: list[int] = []
        facts: list[dict] = []
        for done, summary in enumerate(iter_summaries(items, jobs=jobs, full=full_check), start=1):
            offsets.append(spool.tell())
            pickle.dump(summary, spool, protocol=pickle.HIGHEST_PROTOCOL)
            facts.append({**{k: summary.get(k) for k in _FACT_KEYS}, "mtime": _mtime(items[done - 1][0])} if summary.get("ok") else None)
            if progress:
                progress(done, len(items), summary["file"])
        ok = [i for i, f in enumerate(facts) if f is not None]
        skip_ok, dups = find_duplicates([facts[i] for i in ok])
        skip = {ok[j] for j in skip_ok}
        for i, offset in enumerate(offsets):
            if i in skip:
                continue
            spool.seek(offset)
            agg.add(pickle.load(spool))
    agg.findings.extend(_duplicate_findings(dups))
    if progress:
        progress(len(items), len(items), "正在写出汇总工作簿…")
    data, bench = region_data(agg)
    for key, value in (extra or {}).items():
        data[key] = {**data.get(key, {}), **value} if isinstance(value, dict) else value
    wb = build_workbook("region", data)
    _add_benchmark_sheets(wb, agg, bench)
    save_computed(wb, output, force=force)
    return AggregateResult(output, len(items), agg.enterprises, agg.failed, agg.with_errors, duplicates=dups)


def export_region_report(book: Path, out: Path, *, force: bool = False) -> Path:
    """The region report (附录A frame) from the region workbook, through cpxl.report when installed."""
    try:
        from cpxl.report.export import export_report
    except ImportError:
        raise CpxlError(f"区域/行业审核报告导出功能尚不可用（缺少报告模块），未生成 {out}；汇总工作簿已写出：{book}") from None
    import inspect

    accepts_force = "force" in inspect.signature(export_report).parameters
    result = export_report(book, out, kind="region", **({"force": force} if accepts_force else {}))
    return Path(result) if isinstance(result, (str, Path)) else Path(out)
