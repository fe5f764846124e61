"""Folding enterprise summaries into the region tables as they arrive (only small data is kept), and the
benchmark statistics of each R.3 indicator over the enterprises."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import numpy as np

from cpxl.calc.benchmark import benchmark, reaches
from cpxl.tables.model import EIGHT_CATEGORIES

from .grouping import Grouper, normalize_name, region_category, text_key


def _short_list(names: list[str], limit: int = 12) -> str:
    names = list(dict.fromkeys(names))
    return "、".join(names) if len(names) <= limit else "、".join(names[:limit]) + f" 等{len(names)}家"


_R2_TOTALS = ("output", "value", "water", "energy", "co2", "wastewater", "cod", "nh3n", "so2", "nox", "pm", "vocs")


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
    _problems: Grouper = field(default_factory=Grouper)
    _options: Grouper = field(default_factory=Grouper)

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
        units = Counter(text_key(r.get("output_unit")) for r in self.indicators if r.get("output") is not None)
        if len(units) < 2:
            return
        common = units.most_common(1)[0][0]
        shown = next(r["output_unit"] for r in self.indicators if text_key(r.get("output_unit")) == common)
        for roster, row in zip(self.roster, self.indicators):
            if row.get("output") is not None and text_key(row.get("output_unit")) != common:
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
                    "reached": sum(reaches(v, b) for v in vs)}
                for d, vs in sorted(by_district.items())
            }
            out.append((family, col, label, unit, values, b, districts))
        return out


