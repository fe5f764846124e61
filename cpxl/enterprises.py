"""Make N filled enterprise audit workbooks of one industry (包装装潢印刷, GB/T 4754 C2319) for the regional
aggregation: same tables, varied enterprises (size, efficiency, jurisdiction, problems, options), seeded.

Fast: the workbook is built once with openpyxl from :func:`enterprise_rows` of a template enterprise whose
every text is a placeholder; each file then only rewrites the changed cell values (numbers in the sheet
XML, texts in ``xl/sharedStrings.xml``) and re-zips.  The same :func:`enterprise_rows` builds a single
workbook directly (tests), so both paths hold the same tables.

    python benchmarks/make_workbooks.py 300 OUT_DIR [--seed 1]

:func:`demo_variant` makes breweries from the demo audit (cpxl.demo) instead: other names, jurisdictions
and sizes; `cpxl demo` aggregates 24 of them into its region workbook.
"""

from __future__ import annotations

import argparse
import io
import re
import sys
import time
import zipfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from xml.sax.saxutils import escape

import numpy as np

from cpxl.tables import registry
from cpxl.workbook.build import build_workbook, save_workbook
from cpxl.workbook.layout import Layout

INDUSTRY = ("包装装潢及其他印刷", "2319")
BASE_YEAR = 2024
DISTRICTS = ("北京市大兴区", "北京市通州区", "天津市西青区", "天津市滨海新区", "河北省廊坊市", "河北省保定市", "河北省沧州市")
SCALES = ("大型", "中型", "小型", "微型")

#: Option pool: (category of DB11/T 1156 附录A, 费用类别, name, content, problem, investment 万元, benefit 万元/a)
OPTIONS = (
    ("原辅材料和资源能源", "中/高费", "溶剂型油墨替换为水性油墨", "凹印机组改用水性油墨及配套干燥系统", "使用溶剂型油墨，VOCs产生量大", 60.0, 12.0),
    ("原辅材料和资源能源", "无/低费", "低VOCs含量胶粘剂替代", "复合工序改用无溶剂胶粘剂", "复合工序使用溶剂型胶粘剂", 8.0, 3.0),
    ("生产工艺", "中/高费", "无溶剂复合工艺改造", "新增无溶剂复合机替代干式复合", "干式复合工艺溶剂消耗高", 120.0, 30.0),
    ("生产工艺", "无/低费", "印版清洗工艺优化", "采用自动洗车装置减少清洗剂用量", "人工清洗印版，清洗剂浪费", 3.0, 1.5),
    ("设备", "中/高费", "空压机变频改造", "螺杆空压机加装变频器，按需供气", "空压机工频运行，空载能耗高", 25.0, 9.0),
    ("设备", "中/高费", "干燥烘箱余热回收", "烘箱排风加装热交换器预热新风", "烘箱排风温度高，余热未回收", 40.0, 11.0),
    ("设备", "无/低费", "LED照明替换", "车间金卤灯更换为LED灯具", "车间照明能耗高", 5.0, 2.5),
    ("过程控制", "无/低费", "油墨集中供墨及计量", "设立调墨间，按工单计量发放油墨", "油墨领用无计量，余墨浪费", 4.0, 2.0),
    ("过程控制", "无/低费", "压缩空气管网查漏", "定期检测压缩空气管网泄漏点并修复", "压缩空气管网泄漏", 0.5, 1.2),
    ("产品", "无/低费", "包装减量设计", "优化刀模排版，减少纸张边角料", "排版不合理，纸张边角料多", 1.0, 4.0),
    ("废弃物", "中/高费", "VOCs治理设施升级（RTO）", "活性炭吸附改为蓄热式焚烧（RTO）", "活性炭吸附效率低，VOCs排放浓度高", 180.0, 6.0),
    ("废弃物", "无/低费", "废纸边角料分类回收", "设置分类收集点，边角料打包外售", "纸张边角料混入生活垃圾", 0.8, 3.5),
    ("废弃物", "无/低费", "废油墨桶回收利用", "与供应商签订油墨桶回收协议", "废油墨桶作为危险废物处置费用高", 0.3, 1.0),
    ("管理", "无/低费", "建立能源计量台账", "完善三级计量，按车间月度考核", "能源计量不完善，无考核", 2.0, 3.0),
    ("管理", "无/低费", "危险废物规范化管理", "完善危废暂存间和台账", "危险废物台账不规范", 1.5, 0.0),
    ("员工", "无/低费", "清洁生产培训及岗位考核", "开展操作规程培训，纳入绩效考核", "员工节能节水意识薄弱", 0.5, 1.0),
)

#: Loss / cause analysis pool for D.27 (name, location, {cause column: text}).
LOSSES = (
    ("电力", "空压站", {"equipment": "空压机工频运行，空载能耗高", "management": "无分时计量"}),
    ("天然气", "烘箱", {"equipment": "烘箱保温层破损", "control": "烘箱温度设定偏高"}),
    ("新鲜水", "冷却系统", {"process": "冷却水直排未循环", "staff": "员工节水意识薄弱"}),
    ("油墨", "印刷机组", {"raw": "油墨调配无计量", "control": "余墨未回用"}),
    ("纸张", "模切工序", {"product": "排版不合理，边角料多", "waste": "边角料未分类回收"}),
)
#: D.28 (pollutant, location, {factor column: text}).
POLLUTION_CAUSES = (
    ("VOCs", "印刷车间", {"raw": "使用溶剂型油墨", "collection": "集气罩收集效率低", "facility": "活性炭未及时更换"}),
    ("VOCs", "复合车间", {"process": "干式复合溶剂挥发", "collection": "车间未密闭"}),
    ("颗粒物", "模切车间", {"equipment": "除尘器滤袋破损", "management": "巡检不到位"}),
)

D27_FACTORS = ("raw", "process", "equipment", "control", "product", "waste", "management", "staff")
D28_FACTORS = ("raw", "process", "equipment", "collection", "facility", "control", "management", "staff")

N_OPTIONS = 6
N_IMPLEMENTED = 4


@dataclass
class Enterprise:
    """One enterprise's facts; all amounts are of the three review years (y1, y2, y3 = base year)."""

    company: str
    credit_code: str
    district: str
    scale: str
    audit_type: str
    output: tuple[float, float, float]  # t 纸制包装印刷品
    value: tuple[float, float, float]  # 万元, main product
    value2: tuple[float, float, float]  # 万元, 彩盒
    water: tuple[float, float, float]  # m³ 新鲜水
    gas: tuple[float, float, float]  # 万m³ 天然气
    power: tuple[float, float, float]  # 万kWh 电力
    diesel: tuple[float, float, float]  # t 柴油
    ww_industrial: float  # m³/a
    ww_domestic: float
    cod: tuple[float, float]  # t/a (industrial, domestic)
    nh3n: tuple[float, float]
    vocs: float  # t/a
    pm: float
    so2: float
    nox: float
    options: list[tuple] = field(default_factory=list)  # rows of OPTIONS with investment/benefit scaled
    losses: list[tuple] = field(default_factory=list)
    causes: list[tuple] = field(default_factory=list)


def random_enterprise(i: int, rng: np.random.Generator) -> Enterprise:
    """Enterprise number i: size lognormal, efficiencies ±15 %, options drawn from the pool."""
    size = float(rng.lognormal(0.0, 0.6))
    eff = lambda: float(rng.lognormal(0.0, 0.15))  # noqa: E731
    growth = np.array([0.92, 0.96, 1.0]) * float(rng.uniform(0.95, 1.05))

    def years(base: float, e: float) -> tuple[float, float, float]:
        return tuple(round(float(x), 3) for x in base * size * e * growth)

    e_out = eff()
    picks = rng.choice(len(OPTIONS), size=N_OPTIONS, replace=False)
    options = []
    for k in picks:
        cat, cost, name, content, problem, inv, ben = OPTIONS[int(k)]
        f = float(rng.lognormal(0.0, 0.3))
        options.append((cat, cost, name, content, problem, round(inv * f * max(size, 0.3), 2), round(ben * f * max(size, 0.3), 2)))
    losses = [LOSSES[int(k)] for k in rng.choice(len(LOSSES), size=2, replace=False)]
    causes = [POLLUTION_CAUSES[int(rng.integers(len(POLLUTION_CAUSES)))]]
    ww_i = round(15_000 * size * eff(), 1)
    ww_d = round(4_000 * size * eff(), 1)
    return Enterprise(
        company=f"示例印刷包装有限公司{i + 1:05d}",
        credit_code=f"91110000MA{i + 1:08d}",
        district=DISTRICTS[int(rng.integers(len(DISTRICTS)))],
        scale=SCALES[0 if size > 2 else 1 if size > 0.8 else 2 if size > 0.35 else 3],
        audit_type="强制性" if rng.random() < 0.7 else "自愿性",
        output=years(4_800, e_out),
        value=years(9_800, e_out * eff()),
        value2=years(1_500, eff()),
        water=years(24_000, e_out * eff()),
        gas=years(36, e_out * eff()),
        power=years(450, e_out * eff()),
        diesel=years(13, eff()),
        ww_industrial=ww_i,
        ww_domestic=ww_d,
        cod=(round(ww_i * 120 * eff() * 1e-6, 4), round(ww_d * 250 * eff() * 1e-6, 4)),
        nh3n=(round(ww_i * 8 * eff() * 1e-6, 5), round(ww_d * 25 * eff() * 1e-6, 5)),
        vocs=round(2.4 * size * eff(), 4),
        pm=round(0.3 * size * eff(), 4),
        so2=round(0.05 * size * eff(), 4),
        nox=round(0.6 * size * eff(), 4),
        options=options,
        losses=losses,
        causes=causes,
    )


def enterprise_rows(e: Enterprise) -> dict:
    """The enterprise as ``build_workbook("audit", data)`` data: cover, D.4, D.6, D.10, D.11, D.18, D.20,
    D.23, D.25, D.27, D.28, D.30, D.34, D.36."""
    y = lambda t: {f"total_{i}": t[i - 1] for i in (1, 2, 3)}  # noqa: E731
    cover = {
        "company": e.company,
        "credit_code": e.credit_code,
        "industry": INDUSTRY[0],
        "industry_code": INDUSTRY[1],
        "district": e.district,
        "scale": e.scale,
        "products": "纸制包装印刷品、彩盒",
        "main_product": "纸制包装印刷品",
        "audit_type": e.audit_type,
        "round": 1,
        "base_year": BASE_YEAR,
        "double_exceed": "否",
        "double_toxic": "否",
        "energy_limit": "否",
        "consultant": "示例环境咨询有限公司",
        "revenue": round(e.value[2] + e.value2[2], 2),
    }
    d4 = {
        "nature": "民营",
        "shifts": "两班制",
        "staff": 120,
        "output_value": round(e.value[2] + e.value2[2], 2),
    }
    d6 = [
        {"no": 1, "product": "纸制包装印刷品", "output_unit": "t", **{f"output_{i}": e.output[i - 1] for i in (1, 2, 3)},
         "value_unit": "万元", **{f"value_{i}": e.value[i - 1] for i in (1, 2, 3)}},
        {"no": 2, "product": "彩盒", "output_unit": "万只", **{f"output_{i}": round(e.output[i - 1] * 2.5, 2) for i in (1, 2, 3)},
         "value_unit": "万元", **{f"value_{i}": e.value2[i - 1] for i in (1, 2, 3)}},
    ]
    d10 = [
        {"no": 1, "category": "新鲜水", "source": "市政供水", "discharge": "园区污水处理厂", **y(e.water)},
        {"no": 2, "category": "企业自回用中水", "source": "冷却水回用", "discharge": "循环", **y(tuple(round(x * 0.1, 1) for x in e.water))},
    ]
    d11 = [
        {"no": 1, "energy": "天然气", "origin": "外购", "total_unit": "万m³", **y(e.gas)},
        {"no": 2, "energy": "电力", "origin": "外购", "total_unit": "万kWh", **y(e.power)},
        {"no": 3, "energy": "柴油", "origin": "外购", "total_unit": "t", **y(e.diesel)},
    ]
    d18 = []
    for cat, volume, cod, nh3n in (("工业废水", e.ww_industrial, e.cod[0], e.nh3n[0]), ("生活污水", e.ww_domestic, e.cod[1], e.nh3n[1])):
        for pollutant, load in (("化学需氧量", cod), ("氨氮", nh3n)):
            d18.append({
                "category": cat, "point": "总排口", "time": f"{BASE_YEAR}年", "method": "手工监测 每季度1次", "volume": volume,
                "pollutant": pollutant, "limit": "500" if pollutant == "化学需氧量" else "45",
                "conc_avg": round(load / volume * 1e6, 2), "load": load, "destination": "园区污水处理厂", "data_source": "监测报告",
            })
    d20 = [
        {"name": "印刷废气", "point": "DA001", "pollutant": "非甲烷总烃", "flow": 20_000.0, "conc_avg": 25.0, "conc_std": 50.0, "load": e.vocs},
        {"name": "模切废气", "point": "DA002", "pollutant": "颗粒物", "flow": 8_000.0, "conc_avg": 8.0, "conc_std": 20.0, "load": e.pm},
        {"name": "锅炉烟气", "point": "DA003", "pollutant": "二氧化硫", "flow": 3_000.0, "conc_avg": 5.0, "conc_std": 10.0, "load": e.so2},
        {"name": "锅炉烟气", "point": "DA003", "pollutant": "氮氧化物", "flow": 3_000.0, "conc_avg": 25.0, "conc_std": 30.0, "load": e.nox},
    ]
    cod_total = round(e.cod[0] + e.cod[1], 4)
    d23 = [
        {"no": 1, "pollutant": "化学需氧量", "quota": round(cod_total * 1.5, 4), "base": cod_total},
        {"no": 2, "pollutant": "挥发性有机物", "quota": round(e.vocs * 1.3, 4), "base": e.vocs},
    ]
    d25, d30, d34 = [], [], []
    for k, (cat, cost, name, content, problem, inv, ben) in enumerate(e.options, start=1):
        d25.append({"no": k, "stage": "预审核" if k <= 3 else "审核", "category": cat, "name": name, "problem": problem,
                    "content": content, "origin": "现场考察"})
        d30.append({"option_id": f"F{k:02d}", "category": cat, "cost_class": cost, "name": name, "content": content,
                    "investment": inv, "env_benefit": "减少污染物排放", "econ_benefit": f"年节约{ben:g}万元"})
        if k <= N_IMPLEMENTED:
            d34.append({"option_id": f"F{k:02d}", "category": cat, "cost_class": cost, "name": name, "investment": inv,
                        "start": date(BASE_YEAR + 1, 3, 1), "end": date(BASE_YEAR + 1, 6, 30), "env_benefit": "见正文",
                        "econ_benefit": ben})
    # every factor column present (blank "" when not filled), so all enterprises share one template layout
    d27 = [{"name": n, "location": loc, **{c: causes.get(c, "") for c in D27_FACTORS}} for n, loc, causes in e.losses]
    d28 = [{"pollutant": p, "location": loc, **{c: causes.get(c, "") for c in D28_FACTORS}} for p, loc, causes in e.causes]
    low = [o for o in e.options if o[1] == "无/低费"]
    high = [o for o in e.options if o[1] == "中/高费"]
    done = e.options[:N_IMPLEMENTED]
    d36_values = (
        (len(low), len(high)),
        (sum(o in done for o in low), sum(o in done for o in high)),
        (None, None),
        (round(sum(o[5] for o in low), 2), round(sum(o[5] for o in high), 2)),
        (round(sum(o[5] for o in low if o in done), 2), round(sum(o[5] for o in high if o in done), 2)),
        (None, None),
        (round(sum(o[6] for o in low), 2), round(sum(o[6] for o in high), 2)),
        (round(e.power[2] * 1229 * 0.03, 1), round(e.gas[2] * 12143 * 0.05, 1)),  # 节能 kgce/a
        (round(e.power[2] * 1e4 * 0.03, 1), 0.0),  # 节电 kWh/a
        (round(e.water[2] * 0.02, 1), 0.0),  # 节水 m³/a
        (round(e.ww_industrial * 0.02, 1), 0.0),  # 减排废水 m³/a
        (round(e.cod[0] * 20, 2), 0.0),  # 减排COD kg/a
        (0.0, round(e.nox * 100, 2)),  # 减排NOx kg/a
        (round(e.vocs * 50, 2), round(e.vocs * 300, 2)),  # 减排非甲烷总烃 kg/a
        (round(e.pm * 50, 2), 0.0),  # 减排颗粒物 kg/a
        (round(e.output[2] * 0.004, 2), 0.0),  # 减少固体废物 t/a
    )
    d36 = [{"low": a, "high": b} for a, b in d36_values]
    return {
        "封面信息": cover, "D.4": d4, "D.6": d6, "D.10": d10, "D.11": d11, "D.18": d18, "D.20": d20, "D.23": d23,
        "D.25": d25, "D.27": d27, "D.28": d28, "D.30": d30, "D.34": d34, "D.36": d36,
    }


def write_enterprise(e: Enterprise, path: Path, *, force: bool = True) -> Path:
    """One workbook built directly with openpyxl (slow path, used by tests)."""
    return save_workbook(build_workbook("audit", enterprise_rows(e)), path, force=force)


# ---- fast path: one template, cell values rewritten per file -----------------------------------------


def _cells(data: dict) -> list[tuple[str, int | None, str, object]]:
    """(table id, row k or None for a form, key, value) of every value in ``data``."""
    out = []
    for table_id, content in data.items():
        if isinstance(content, dict):
            out += [(table_id, None, k, val) for k, val in content.items()]
        else:
            for k, row in enumerate(content):
                out += [(table_id, k, key, val) for key, val in row.items()]
    return out


def _placeholder(table_id: str, k, key: str) -> str:
    """ASCII, so it appears verbatim in the sheet XML (openpyxl writes inline strings)."""
    return f"@@{table_id}|{'' if k is None else k}|{key}@@".encode("ascii", "backslashreplace").decode()


def _address(reg, table_id: str, k, key: str) -> str:
    layout = Layout(reg[table_id])
    if k is None:
        return f"B{layout.field_row([f.key for f in reg[table_id].fields].index(key))}"
    return f"{layout.letter(key)}{layout.data_row + k}"


_CELL = re.compile(rb'<c r="([A-Z]+[0-9]+)"([^>]*?)>(<v>[^<]*</v>)</c>')
_TEXT = re.compile(rb"(<t(?: [^>]*)?>)(@@[^<]*@@)</t>")


class Generator:
    """Builds the template once; :meth:`write` makes one enterprise's file by rewriting cell values.

    template: ``build_workbook("audit", …)`` data; texts(table, k, key) / numbers(table, k, key) choose
    the cells that vary between files (a varying number must sit in a table whose k-th data row is the
    k-th row on the sheet: no ``_section`` rows).
    """

    def __init__(self, tmp_dir: Path, template: dict | None = None, *, texts=None, numbers=None):
        self.reg = registry("audit")
        if template is None:
            template = enterprise_rows(random_enterprise(0, np.random.default_rng(0)))
        self.vary_text = texts or (lambda t, k, key: True)
        self.vary_number = numbers or (lambda t, k, key: True)
        self.numbers: dict[tuple, str] = {}  # (table, k, key) -> cell address
        self.texts: set[tuple] = set()
        data = {}
        for table_id, content in template.items():
            if isinstance(content, dict):
                data[table_id] = {k: self._mark(table_id, None, k, val) for k, val in content.items()}
            else:
                data[table_id] = [{key: self._mark(table_id, k, key, val) for key, val in row.items()} for k, row in enumerate(content)]
        path = save_workbook(build_workbook("audit", data), Path(tmp_dir) / "template.xlsx", force=True)
        with zipfile.ZipFile(path) as zf:
            self.members = [(info, zf.read(info.filename)) for info in zf.infolist()]
        path.unlink()
        self.sheet_of = self._sheet_files()

    def _mark(self, table_id, k, key, val):
        if key.startswith("_"):
            return val
        if isinstance(val, str) and self.vary_text(table_id, k, key):
            self.texts.add((table_id, k, key))
            return _placeholder(table_id, k, key)
        if isinstance(val, (int, float)) and not isinstance(val, bool) and self.vary_number(table_id, k, key):
            self.numbers[(table_id, k, key)] = _address(self.reg, table_id, k, key)
        return val

    def _sheet_files(self) -> dict[str, str]:
        """table id -> worksheet part name, from workbook.xml and its relationships."""
        parts = {info.filename: data for info, data in self.members}
        rels_xml = parts["xl/_rels/workbook.xml.rels"]
        rels = dict(re.findall(rb'Id="(rId\d+)"[^>]*Target="/?(?:xl/)?([^"]+)"', rels_xml))
        rels.update({rid: target for target, rid in re.findall(rb'Target="/?(?:xl/)?([^"]+)"[^>]*Id="(rId\d+)"', rels_xml)})
        out = {}
        for name, rid in re.findall(rb'<sheet [^>]*name="([^"]+)"[^>]*r:id="(rId\d+)"', parts["xl/workbook.xml"]):
            out[name.decode().split(" ")[0]] = "xl/" + rels[rid].decode()
        return out

    def write(self, data, path: Path) -> Path:
        """The workbook of ``data`` (an :class:`Enterprise` or build data with the template's layout)."""
        if isinstance(data, Enterprise):
            data = enterprise_rows(data)
        numbers: dict[str, dict[bytes, object]] = {}
        texts: dict[bytes, bytes] = {}
        for table_id, k, key, val in _cells(data):
            if (table_id, k, key) in self.texts and isinstance(val, str):
                texts[_placeholder(table_id, k, key).encode()] = escape(val).encode("ascii", "xmlcharrefreplace")
            elif (table_id, k, key) in self.numbers and isinstance(val, (int, float)):
                part = self.sheet_of[table_id]
                numbers.setdefault(part, {})[self.numbers[(table_id, k, key)].encode()] = val
        text_parts = {self.sheet_of[t] for t, _k, _key in self.texts}
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out:
            for info, raw in self.members:
                if info.filename in text_parts:
                    raw = _TEXT.sub(lambda m: m.group(1) + texts.get(m.group(2), b"") + b"</t>", raw)
                if info.filename in numbers:
                    values = numbers[info.filename]

                    def repl(m, values=values):
                        if m.group(1) in values:
                            x = values[m.group(1)]
                            return b'<c r="' + m.group(1) + b'"' + m.group(2) + b"><v>" + repr(float(x)).encode() + b"</v></c>"
                        return m.group(0)

                    raw = _CELL.sub(repl, raw)
                out.writestr(info, raw, compress_type=zipfile.ZIP_DEFLATED, compresslevel=1)
        path = Path(path)
        path.write_bytes(buf.getvalue())
        return path


# ---- the demo brewery as the template -----------------------------------------------------------------

#: Tables of the demo whose amounts scale with each enterprise (size and efficiency); column keys by group.
DEMO_VARY = {
    "D.6": {"output": "output", "value": "value"},
    "D.10": {"total": "water"},
    "D.11": {"total": "energy"},
    "D.18": {"volume": "wastewater", "load": "wastewater"},
    "D.20": {"flow": "air", "load": "air"},
    "D.23": {"quota": "size", "base": "size"},
    "D.30": {"investment": "money"},
    "D.34": {"investment": "money", "econ_benefit": "money"},
    "D.36": {"low": "d36", "high": "d36"},
}
_D36_FIXED = (0, 1, 2, 5)  # counts and rates of 表D.36 do not scale


#: Jurisdictions of the demo region (郑州市 and neighbouring cities, fictitious breweries) and name parts.
BREWERY_DISTRICTS = ("郑州市中牟县", "郑州市新郑市", "郑州市荥阳市", "郑州市巩义市", "开封市祥符区", "新乡市红旗区", "许昌市建安区",
                     "焦作市武陟县")
_BRANDS = ("金麦", "黄河", "嵩岳", "中原", "麦香", "清源", "泉润", "豫丰", "雪川", "丰禾", "晨露", "润泽", "绿原", "金穗", "百泉",
           "云台", "汴梁", "商都", "银河", "太行", "伏牛", "嘉禾", "麦田", "星河", "古城", "凤泉", "溪源", "碧水", "鑫源", "瑞丰")
_FORMS = ("啤酒有限公司", "啤酒股份有限公司", "精酿啤酒有限公司", "酿酒有限公司")


def brewery_name(i: int) -> str:
    """A fictitious brewery name, distinct for i < len(_BRANDS) · len(_FORMS)."""
    return _BRANDS[i % len(_BRANDS)] + _FORMS[(i // len(_BRANDS)) % len(_FORMS)] if i < len(_BRANDS) else \
        _BRANDS[i % len(_BRANDS)] + _FORMS[1 + (i // len(_BRANDS)) % (len(_FORMS) - 1)]


def demo_variant(i: int, rng: np.random.Generator, *, realistic: bool = False) -> dict:
    """Enterprise i as a variant of the demo audit (cpxl.demo): another name, jurisdiction and scale, and
    the amounts of :data:`DEMO_VARY` multiplied by its size and efficiencies (lognormal). `realistic`:
    brewery names and districts around 郑州 (the demo region); else numbered names (benchmarks)."""
    import copy

    from cpxl.demo import AUDIT_DATA

    data = copy.deepcopy(AUDIT_DATA)
    size = float(rng.lognormal(0.0, 0.6))
    f = {g: size * float(rng.lognormal(0.0, 0.15)) for g in ("output", "water", "energy", "wastewater", "air", "money")}
    f["value"] = f["output"] * float(rng.lognormal(0.0, 0.1))
    f["size"] = size
    cover = data["封面信息"]
    districts = BREWERY_DISTRICTS if realistic else DISTRICTS
    district = districts[int(rng.integers(len(districts)))]
    cover.update(company=f"示例啤酒有限公司{i + 1:05d}", credit_code=f"91410000MA{i + 1:08d}",
                 district=district,
                 scale=SCALES[0 if size > 2 else 1 if size > 0.8 else 2 if size > 0.35 else 3],
                 audit_type="强制性" if rng.random() < 0.7 else "自愿性")
    if realistic:
        name = brewery_name(i)
        capacity = round(12 * size, 1)
        cover.update(company=name, legal_rep="", contact="", phone="",
                     address=f"河南省{district}{_BRANDS[(i * 7) % len(_BRANDS)]}路{10 + (i * 37) % 180}号",
                     products=f"啤酒，设计产能{capacity:g}万kL/a",
                     focus=("酿造车间", "包装车间", "动力车间")[int(rng.integers(3))],
                     level_before=("国内先进水平", "国内一般水平")[int(rng.random() < 0.35)])
    for table_id, groups in DEMO_VARY.items():
        for k, row in enumerate(data.get(table_id, [])):
            if table_id == "D.36" and k in _D36_FIXED:
                continue
            for key, x in list(row.items()):
                group = groups.get(key.rsplit("_", 1)[0]) or groups.get(key)
                if group and isinstance(x, (int, float)) and not isinstance(x, bool):
                    factor = f["money"] if group == "d36" and k in (3, 4, 6) else size if group == "d36" else f[group]
                    row[key] = round(x * factor, 6)
    return data


def demo_generator(tmp_dir: Path) -> Generator:
    from cpxl.demo import AUDIT_DATA

    def number(t, k, key):
        groups = DEMO_VARY.get(t)
        return bool(groups) and (groups.get(key.rsplit("_", 1)[0]) or groups.get(key)) is not None and not (t == "D.36" and k in _D36_FIXED)

    return Generator(tmp_dir, AUDIT_DATA, texts=lambda t, k, key: t == "封面信息", numbers=number)


def make_workbooks(n: int, out_dir: Path, *, seed: int = 1, prefix: str = "企业", base: str = "own") -> list[Path]:
    """N enterprise workbooks in ``out_dir`` (created), named ``企业00001.xlsx`` …

    base "own": the printing-industry enterprises of :func:`random_enterprise` (varied problems and
    options); "demo": variants of the demo brewery audit (every table filled)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    if base == "demo":
        gen = demo_generator(out_dir)
        return [gen.write(demo_variant(i, rng), out_dir / f"{prefix}{i + 1:05d}.xlsx") for i in range(n)]
    gen = Generator(out_dir)
    return [gen.write(random_enterprise(i, rng), out_dir / f"{prefix}{i + 1:05d}.xlsx") for i in range(n)]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int)
    ap.add_argument("out_dir", type=Path)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--base", choices=("own", "demo"), default="own", help="own: printing enterprises; demo: variants of the demo audit")
    args = ap.parse_args(argv)
    t = time.perf_counter()
    paths = make_workbooks(args.n, args.out_dir, seed=args.seed, base=args.base)
    dt = time.perf_counter() - t
    print(f"{len(paths)} workbooks in {dt:.1f} s ({dt / max(1, len(paths)) * 1000:.1f} ms each) -> {args.out_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
