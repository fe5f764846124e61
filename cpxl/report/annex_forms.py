"""表E.2 and 表E.4 as the forms DB4101/T 61—2023 附录E prints them: check boxes (☑/☐), the 审核单位 seal and
signature lines, labelled blocks — not key–value lists. Only what the workbook holds is ticked or written;
a blank stays blank, for the signer to fill in by hand."""

from __future__ import annotations

from collections.abc import Mapping

from cpxl.tables.common import CP_LEVELS, UNIT_NATURE
from cpxl.values import filled, normalize_text

from . import ooxml as X
from .tables import Page, fit, fmt

CHECKED, UNCHECKED = "☑", "☐"
SIGN_DATE = "年　　月　　日"
AUDIT_TYPES = (("强制审核", "强制性"), ("自愿审核", "自愿性"))


def checkboxes(options, chosen) -> str:
    """“☑ 民营　☐ 国有 …”: `options` are (printed label, value) pairs or labels; “其他” takes an unlisted value."""
    pairs = [o if isinstance(o, tuple) else (o, o) for o in options]
    value = normalize_text(chosen) if filled(chosen) else ""
    known = {normalize_text(v) for _, v in pairs}
    out = []
    for label, v in pairs:
        if label == "其他":
            other = value and value not in known
            out.append(f"{CHECKED if other else UNCHECKED}其他{chosen if other else '____'}")
        else:
            out.append(f"{CHECKED if value and normalize_text(v) == value else UNCHECKED}{label}")
    return "　".join(out)


def _table(rows: list[list[X.Cell]], weights: list[float], styles: X.StyleMap, page: Page) -> str:
    return X.table(rows, fit(weights, page.portrait), header_rows=0, style_id=styles.id("Table Grid"),
                   text_style=styles.id("表格文字"), head_style=styles.id("表头文字"),
                   text_font=styles.font("表格文字"), head_font=styles.font("表头文字"))


def _label(text: str, span: int = 1, vmerge: str | None = None) -> X.Cell:
    return X.Cell(text, span=span, header=True, shade="F2F2F2", vmerge=vmerge)


def _value(text: str, span: int = 1) -> X.Cell:
    return X.Cell(text, span=span, align="left")


def e2_form(head: Mapping[str, str], row: Mapping, columns: Mapping) -> list[list[X.Cell]]:
    """One 审核咨询小组现场工作登记表 (one site visit): the staff listed one per line with an empty 签名 cell,
    the 审核单位 evaluation with its contact's signature line. `columns` maps keys to their Column."""
    staff = [_split(row.get(k)) for k in ("staff", "certificate", "title", "mobile")]
    people = max(1, len(staff[0]))
    rows = [
        [_label("审核单位名称"), _value(head.get("company", ""), 5)],
        [_label("咨询单位名称"), _value(head.get("consultant", ""), 5)],
        [_label("审核咨询小组\n现场工作人员", vmerge="restart"), *(_label(t) for t in ("姓名", "审核师证书编号", "技术职称", "手机号码", "签名"))],
    ]
    for i in range(people):
        rows.append([_label("", vmerge="continue"), *(X.Cell(part[i] if i < len(part) else "") for part in staff), X.Cell("")])
    start, end = (fmt(row.get(k), columns[k]) for k in ("start", "end"))
    rows += [
        [_label("现场时间"), _value(f"{start or '　　年　月　日'} 至 {end or '　　年　月　日'}", 5)],
        [_label("主要工作内容"), _value(fmt(row.get("work"), columns["work"]), 5)],
        [_label("审核单位评价"),
         _value(f"{fmt(row.get('evaluation'), columns['evaluation']) or '（审核单位满意度、工作建议等）'}\n"
                f"审核单位联系人签名：　　　　　　{SIGN_DATE}", 5)],
    ]
    return rows


def _split(value) -> list[str]:
    text = str(value).strip() if filled(value) else ""
    return [p.strip() for p in text.replace("，", "、").replace(",", "、").split("、") if p.strip()] if text else []


def e2_xml(head: Mapping[str, str], row: Mapping, columns: Mapping, styles: X.StyleMap, page: Page) -> str:
    return _table(e2_form(head, row, columns), [22, 16, 22, 14, 16, 14], styles, page)


def e4_head(values: Mapping, fields: Mapping) -> list[list[X.Cell]]:
    """The upper part of 审核绩效汇总表 (8 columns): the enterprise, the consulting firm, the dates, the
    options, the focus and the levels before and after, with the prescribed check boxes."""
    v = {k: fmt(values.get(k), f) for k, f in fields.items()}
    rows = [
        [_label("企业基本情况", 8)],
        [_label("企业名称"), _value(v["company"], 3), _label("统一社会信用代码"), _value(v["credit_code"], 3)],
        [_label("通讯地址"), _value(v["address"], 3), _label("审核类型"), _value(checkboxes(AUDIT_TYPES, values.get("audit_type")), 3)],
        [_label("企业性质"), _value(checkboxes(UNIT_NATURE, values.get("nature")), 7)],
        [_label("主要产品及产量"), _value(v["products"], 3), _label("上年度年产值（万元）"), _value(v["revenue"], 3)],
        [_label("企业名单发布序号"), _value(v["list_no"] or "（强制审核企业填报）"), _label("法人代表"), _value(v["legal_rep"]),
         _label("行业类别"), _value(v["industry"]), _label("行业代码"), _value(v["industry_code"])],
        [_label("联系人"), _value(v["contact"], 3), _label("联系电话"), _value(v["phone"], 3)],
        [_label("咨询单位", 8)],
        [_label("单位名称"), _value(v["consultant"], 3), _label("法人代表"), _value(v["consultant_legal_rep"], 3)],
        [_label("通讯地址"), _value(v["consultant_address"], 3), _label("专职人员数"), _value(v["consultant_staff"], 3)],
        [_label("项目负责人"), _value(v["consultant_lead"], 3), _label("联系电话"), _value(v["consultant_phone"], 3)],
        [_label("信息公示时间"), _value(v["disclosure_date"]), _label("审核启动时间"), _value(v["start_date"]),
         _label("评估时间"), _value(v["assessment_date"]), _label("验收时间"), _value(v["acceptance_date"])],
    ]
    for title, prefix, unit in (("清洁生产方案实施数量", "n", "个"), ("清洁生产方案投资费用", "inv", "万元"),
                                ("审核期间经济效益", "econ_audit", "万元"), ("年度经济效益", "econ_year", "万元")):
        last = "总数" if prefix == "n" else "总投资" if prefix == "inv" else "总效益"
        rows.append([_label(title, 2), _label(f"无/低费（{unit}）"), _value(v[f"{prefix}_low"]),
                     _label(f"中/高费（{unit}）"), _value(v[f"{prefix}_high"]), _label(f"{last}（{unit}）"), _value(v[f"{prefix}_total"])])
    rows += [
        [_label("本轮审核重点"), _value(v["focus"], 3), _label("审核目标指标名称"), _value(v["targets"], 3)],
        [_label("审核前清洁生产水平"), _value(checkboxes(CP_LEVELS, values.get("level_before")), 7)],
        [_label("审核后清洁生产水平"), _value(checkboxes(CP_LEVELS, values.get("level_after")), 7)],
    ]
    return rows


def e4_signatures(values: Mapping, fields: Mapping) -> str:
    """The line above the form: the 审核单位 seal, 填表人 (the project lead) and 审核人 (the enterprise's)."""
    filler = fmt(values.get("filler"), fields["filler"]) or "　　　　"
    reviewer = fmt(values.get("reviewer"), fields["reviewer"]) or "　　　　"
    return f"审核单位（盖章）：　　　　　填表人：{filler}　　审核人（审核单位）：{reviewer}"


def e4_xml(values: Mapping, fields: Mapping, styles: X.StyleMap, page: Page) -> str:
    return _table(e4_head(values, fields), [12, 14, 12, 14, 12, 14, 12, 14], styles, page)
