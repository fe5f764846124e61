"""Small filled park and regional workbooks (the demo covers audit and acceptance), written once per session
by the fixtures `park_workbook` and `region_workbook` of conftest.py. All names and figures are invented."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from cpxl.tables import KINDS
from cpxl.tables.park import PARK_INPUTS
from cpxl.workbook.build import build_workbook, save_workbook


PARK_COVER = {
    "company": "东湖精细化工产业园区",
    "industry": "化学原料和化学制品制造业",
    "industry_code": "C26",
    "products": "精细化学品、新材料",
    "main_product": "精细化学品",
    "address": "河南省某市东湖大道1号",
    "audit_type": "自愿性",
    "round": 1,
    "base_year": 2024,
    "consultant": "示例生态环境技术服务有限公司",
    "report_date": date(2025, 6, 30),
}

# 表P.2 values (三年前, 2022, 2023, 2024) by item key; items not listed stay blank.
PARK_VALUES = {
    "gdp": (None, 820000, 880000, 950000),
    "hightech_va": (None, 240000, 270000, 310000),
    "industrial_va": (520000, 560000, 610000, 660000),
    "employees": (None, 36000, 37000, 38000),
    "swu": (None, 118000, 121000, 126000),
    "sw_generated": (None, 150000, 152000, 155000),
    "energy": (None, 210000, 214000, 219000),
    "renewable_energy": (None, 9000, 11000, 14000),
    "incidents": (None, 0, 0, 0),
    "sw_disposed": (None, 150000, 152000, 155000),
    "sw_total": (None, 150000, 152000, 155000),
    "wastewater": (None, 3100000, 3050000, 2980000),
    "good_air_days": (None, 251, 262, 270),
    "days": (None, 365, 365, 366),
    "green_area": (None, 3100000, 3200000, 3300000),
    "land_area": (None, 18000000, 18000000, 18000000),
    "green_industrial": (None, 52000, 61000, 70000),
    "new_industrial": (None, 120000, 130000, 140000),
    "co2": (600000, 610000, 618000, 622000),
    "audited": (None, 18, 20, 22),
    "key_enterprises": (None, 22, 22, 22),
    "campaigns": (None, 3, 4, 4),
    "env_mgmt_items": (None, 4, 4, 4),
    "risk_items": (None, 4, 5, 5),
    "risk_items_total": (None, 5, 5, 5),
    "disclosed": (None, 20, 21, 22),
    "listed": (None, 22, 22, 22),
}

PARK_STATES = {9: "具备", 12: "达标", 22: "具备"}


def park_data(texts: dict[str, str] | None = None) -> dict:
    p2 = []
    n = 0
    for key, _label, _unit, _used in PARK_INPUTS:
        if not key:
            continue
        n += 1
        vals = PARK_VALUES.get(key, (None,) * 4)
        p2.append({f"v_{i}": v for i, v in enumerate(vals) if v is not None})
    p1 = [{"selected": "是", **({"state": PARK_STATES[no]} if no in PARK_STATES else {})} for no in range(1, 27)]
    return {
        "封面信息": PARK_COVER,
        "B.1": [
            dict(team="领导小组", name="周正", role="组长", dept="管委会 主任", major="管理", title="高级经济师", duty="全面领导"),
            dict(team="领导小组", name="吴敏", role="副组长", dept="生态环境分局 局长", major="环境工程", title="高级工程师", duty="组织协调"),
            dict(team="工作小组", name="郑伟", role="组长", dept="安全环保处 处长", major="化学工程", title="工程师", duty="组织实施"),
            dict(team="工作小组", name="王芳", role="成员", dept="经济发展处", major="统计", title="统计师", duty="数据收集"),
        ],
        "B.2": [
            dict(no=1, phase="筹划和组织", action="启动", content="召开启动会，组建审核小组", end=date(2024, 3, 15), owner="周正"),
            dict(no=2, phase="初步审核", action="现状调查", content="收集园区基础数据，开展清洁生产评价", end=date(2024, 6, 30), owner="郑伟"),
            dict(no=3, phase="重点审核", action="问题诊断", content="分析空间布局、资源能源利用、低碳发展", end=date(2024, 9, 30), owner="郑伟"),
            dict(no=4, phase="方案产生和筛选", action="方案汇总", content="汇总园区、行业、企业三个层面方案", end=date(2024, 11, 30), owner="王芳"),
            dict(no=5, phase="结论和建议", action="报告编制", content="编制审核报告", end=date(2025, 1, 31), owner="周正"),
        ],
        "P.2": p2,
        "P.1": p1,
        "B.3": [
            dict(no=1, level="园区层面", name="园区集中供热管网延伸", owner="园区管委会", summary="新建供热管网 6 km，替代企业自备燃气锅炉",
                 investment=4800, env_benefit="减少天然气 600 万m³/a", econ_benefit="约 900 万元/a", schedule="2025年", status="拟实施"),
            dict(no=2, level="行业层面", name="涂料行业 VOCs 源头替代", owner="涂料企业", summary="推广水性涂料",
                 investment=1200, env_benefit="减排 VOCs 120 t/a", econ_benefit="约 150 万元/a", schedule="2024—2025年", status="实施中"),
            dict(no=3, level="企业层面", name="蒸汽冷凝水回收", owner="某化工公司", summary="回收冷凝水回用锅炉",
                 investment=85, env_benefit="节水 3 万m³/a", econ_benefit="约 40 万元/a", schedule="2024年", status="已实施"),
        ],
        "B.4": [
            dict(item="完善组织机制和管理制度", content="将清洁生产纳入园区考核", time="2025年", dept="管委会"),
            dict(item="落实清洁生产方案", content="跟踪拟实施方案", time="2025—2026年", dept="经济发展处"),
        ],
        "章节文字": KINDS["park"].section_text_rows(texts or {}),
    }


REGION_COVER = {
    "company": "京津冀印刷行业清洁生产协同审核工作组",
    "industry": "包装装潢及其他印刷",
    "industry_code": "C2319",
    "products": "包装印刷品",
    "main_product": "印刷品",
    "audit_type": "自愿性",
    "base_year": 2024,
    "consultant": "示例清洁生产技术中心",
    "report_date": date(2025, 5, 1),
}

_COMPANIES = (
    ("甲印刷有限公司", "北京市大兴区", 1200, 8000, 5200, 410, 820, 1.1, 0.05),
    ("乙包装有限公司", "天津市西青区", 2400, 12000, 9100, 690, 1350, 1.9, 0.08),
    ("丙彩印有限公司", "河北省廊坊市", 800, 4500, 4300, 350, 690, 0.9, 0.04),
    ("丁纸品有限公司", "河北省保定市", 1500, 7600, 7700, 560, 1110, 1.6, 0.07),
)


def region_data(texts: dict[str, str] | None = None) -> dict:
    r1, r2, r6 = [], [], []
    for i, (name, district, output, value, water, energy, co2, vocs, pm) in enumerate(_COMPANIES, 1):
        r1.append(dict(no=i, company=name, industry_code="2319", district=district, scale="中型", products="包装印刷品",
                       audit_type="自愿性", round=1, workbook=f"企业{i}.xlsx"))
        r2.append(dict(no=i, company=name, district=district, year=2024, product="印刷品", output_unit="万印张", output=output,
                       value=value, water=water, energy=energy, co2=co2, vocs=vocs, pm=pm, wastewater=water * 0.6))
        r6.append(dict(no=2 * i - 1, company=name, status="已实施", options_n=3, investment=20 + 5 * i, econ=8 + i,
                       energy=12 * i, water=300 * i, vocs=0.2 * i, co2=30 * i))
    return {
        "封面信息": REGION_COVER,
        "R.1": r1,
        "R.2": r2,
        "R.4": [
            dict(no=1, category="大气污染物处理及排放", problem="使用溶剂型油墨，VOCs 产生量大", stage="印刷", impact="VOCs 排放",
                 cause="原料替代滞后", direction="源头替代", common="是", companies_n=3, companies="甲、乙、丁"),
            dict(no=2, category="能源消耗", problem="空压机工频运行，空载能耗高", stage="公用工程", impact="电耗高",
                 cause="设备老旧", direction="变频改造", common="是", companies_n=4, companies="甲、乙、丙、丁"),
        ],
        "R.5": [
            dict(no=1, name="溶剂型油墨替换为水性油墨", category="大气污染物处理及排放", content="凹印机组改用水性油墨及配套干燥系统",
                 scope="凹版印刷企业", problem_no="1", investment=60, benefit=12, env_benefit="减排 VOCs 1 t/a", companies_n=3),
            dict(no=2, name="空压机变频改造", category="能源消耗", content="加装变频器，按需供气", scope="全部企业",
                 problem_no="2", investment=20, benefit=8, env_benefit="节电 10 万kWh/a", companies_n=4),
        ],
        "R.6": r6,
        "章节文字": KINDS["region"].section_text_rows(texts or {}),
    }


#: 章节文字 of the samples, quoted by the report tests: two paragraphs and template syntax kept literally.
PARK_TEXT = {"1": "园区前言第一段。\n园区前言第二段，{{ 7*7 }} 原样保留。", "4.3": "审核重点为园区集中供热与涂料行业 VOCs。"}
REGION_TEXT = {"5": "区域协同审核结论。"}


def write(kind: str, data: dict, path: Path) -> Path:
    return save_workbook(build_workbook(kind, data), path, force=True)
