"""1.8 审核依据 (DB4101/T 61—2023 6.2.8): the laws, and the standards the workbook used."""

from __future__ import annotations

import re

from ..compute import d12_totals, num, text
from ..options import feasibility_options
from .facts import Facts

#: Laws and rules every enterprise audit rests on (DB4101/T 61—2023 6.2.8).
LAWS = ("《中华人民共和国清洁生产促进法》（2012年修正）", "《清洁生产审核办法》（国家发展和改革委员会、环境保护部令第38号）")
_STANDARD = re.compile(r"((?:GB|HJ|DB\d{2}(?:\d{2})?|T/[A-Z]+)(?:/T)?\s*\d+(?:\.\d+)?(?:\s*[—\-–]\s*\d{4})?)")
#: Standards named in the workbook, with their titles (the ones cpxl's tables and calculations use).
STANDARD_TITLES = {
    "DB4101/T 61": "工业企业清洁生产审核报告编制技术规范",
    "DB11/T 1156": "工业企业清洁生产审核技术通则",
    "GB/T 2589": "综合能耗计算通则",
    "GB/T 12452": "企业水平衡测试通则",
    "GB/T 3484": "企业能量平衡通则",
    "GB/T 13234": "用能单位节能量计算方法",
    "GB 17167": "用能单位能源计量器具配备和管理通则",
    "GB 24789": "用水单位水计量器具配备和管理通则",
}


def _std_key(code: str) -> str:
    return re.split(r"\s*[—\-–]\s*\d{4}$", re.sub(r"\s+", " ", code.strip()))[0]


def basis(f: Facts) -> list[str]:
    """1.8 审核依据: the laws, then each standard the workbook used — the report specification, the
    tables' and calculations' standards when their tables are filled, the indicator system of IND.1 and
    the discharge standards of 表D.16."""
    used: dict[str, str] = {}

    def add(code: str, why: str) -> None:
        key = _std_key(code)
        if key not in used:
            used[key] = f"{code}《{STANDARD_TITLES[key]}》" if key in STANDARD_TITLES else code
        reasons.setdefault(key, [])
        if why and why not in reasons[key]:
            reasons[key].append(why)

    reasons: dict[str, list[str]] = {}
    add("DB4101/T 61—2023", "报告章节框架、封面和表格")
    add("DB11/T 1156—2022", "审核程序、审核重点和方案筛选方法、平衡测试及经济评估")
    tot = d12_totals(f.d)
    if any(tot[f"total_{i}"] for i in (1, 2, 3)):
        add("GB/T 2589-2020", "综合能耗及折标准煤系数（表D.12）")
    if any(num(r.get("fresh")) for r in f.d.rows("BAL.2")):
        add("GB/T 12452", "水平衡测试（表BAL.2）")
    if any(num(r.get("supplied")) for r in f.d.rows("BAL.3")):
        add("GB/T 3484", "能量平衡（表BAL.3）")
    if f.rows("D.26"):
        add("GB 17167", "能源计量器具配备（表D.26）")
        add("GB 24789", "水计量器具配备（表D.26）")
    if any(num(r.get("total")) for r in f.d.rows("D.36") if text(r.get("item")).startswith("节能")) or feasibility_options(f.d):
        add("GB/T 13234", "节能量计算")
    out = ["本轮审核依据的法律法规：" + "；".join(LAWS) + "。"]
    lines = [f"{used[k]}（{'；'.join(reasons[k])}）" if reasons[k] else used[k] for k in used]
    ind = f.rows("IND.1")
    if ind:
        lines.append("《清洁生产评价指标体系编制通则（试行稿）》（国家发展改革委、环境保护部、工业和信息化部 2013年第33号公告）"
                     f"（清洁生产指标对标 {len(ind)} 项及综合评价指数，表IND.1）")
    own = list(dict.fromkeys(text(r.get("standard")) for r in f.rows("D.16") if text(r.get("standard"))))
    if own:
        lines.append("企业执行的污染物排放标准：" + "；".join(own) + f.see("D.16"))
    out.append("本轮审核依据的标准、规范：" + "".join(f"（{i}）{ln}；" for i, ln in enumerate(lines, 1)).rstrip("；") + "。")
    return out


__all__ = ["LAWS", "STANDARD_TITLES", "basis"]
