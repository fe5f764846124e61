"""The region workbook's data (封面信息, R.1–R.7) from the folded summaries, and the two added benchmark
sheets (对标明细, 辖区对比)."""

from __future__ import annotations

from cpxl.calc.benchmark import quartile_group, ranks

from .fold import Aggregator


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


def district_gap(districts: dict[str, dict], unit: str) -> dict:
    """R.3's 差距分析 of one indicator: each jurisdiction's median, its enterprises and how many of them reach
    the region's advanced value, one jurisdiction a line, then the lowest and the highest median and their
    difference (the report prints it in the annex)."""
    lines = [f"{d}：中位数{_fmt(s['median'])}（{s['n']}家，达先进值{s['reached']}家）" for d, s in districts.items()]
    if len(districts) > 1:
        (lo, a), (hi, z) = (min(districts.items(), key=lambda kv: kv[1]["median"]),
                            max(districts.items(), key=lambda kv: kv[1]["median"]))
        lines.append(f"中位数最低{lo}，最高{hi}，相差{_fmt(z['median'] - a['median'])}{unit}")
    return {"remark": "\n".join(lines)} if lines else {}


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
        r3.append(district_gap(districts, unit))
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


def add_benchmark_sheets(wb, agg: Aggregator, bench) -> None:
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


