"""Texts compared across enterprises: names of problems and options grouped (R.4, R.5), report categories
(附录A 3.1–3.10), and workbooks of one enterprise found by credit code or name."""

from __future__ import annotations

import difflib
import math
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass


def cell_text(value) -> str:
    """A cell value as stripped text; blank (None, NaN) is ""."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value).strip()


def text_key(value) -> str:
    """Text for comparison: NFKC, without spaces, lower case."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", cell_text(value))).lower()


_PUNCT = re.compile(r"[\s\W_]+", re.UNICODE)
_BRACKETS = re.compile(r"[（(][^）)]*[）)]")
_PREFIX = re.compile(r"^(?:f\d+|\d+)[.、．:：\s-]*", re.IGNORECASE)
_SUFFIXES = ("项目", "方案", "工程", "措施")


def normalize_name(text) -> str:
    """Comparison key of an option or problem name: NFKC, lower case, without numbering (“F03 ”,
    “1.”), bracketed remarks, spaces, punctuation and a trailing 项目/方案/工程/措施."""
    s = unicodedata.normalize("NFKC", cell_text(text)).lower()
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
    joined = text_key(" ".join(cell_text(t) for t in texts))
    for category, words in _REGION_KEYWORDS:
        if any(w in joined for w in words):
            return category
    return _REGION_BY_ASPECT.get(aspect, "其他")


class Grouper:
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


def credit_key(code) -> str:
    """统一社会信用代码 for comparison: NFKC, upper case, without spaces and dashes."""
    return re.sub(r"[\s\-－—_]+", "", unicodedata.normalize("NFKC", cell_text(code))).upper()


def company_key(name) -> str:
    """An enterprise name for comparison: NFKC, lower case, without spaces and punctuation (full-width
    brackets included)."""
    return _PUNCT.sub("", unicodedata.normalize("NFKC", cell_text(name)).lower())


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


def duplicate_findings(dups: list[Duplicate]) -> list[dict]:
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


