"""The embedded example (`cpxl demo`): a complete audit and acceptance workbook of a fictitious brewery, a
filled park workbook (cpxl.demo_park) and a region workbook aggregated from 24 variants of the brewery
(cpxl.enterprises).

清泉啤酒有限公司 and every person, document number and figure below are invented. The data follow the
realism of DB11/T 1156 附录 B (审核重点：酿造车间) and are kept internally consistent so that the workbook
passes every check and the report has something true to say:

- 审核考察期 2023–2025 (基准期 2025), second round (审核回顾 applies), 自愿性审核, not 「双有」, one
  industry expert;
- 单耗 are per kL of beer (表D.6 啤酒); energy names match GB/T 2589-2020 (天然气, 电力, 柴油);
- one list of options (`OPTIONS`) feeds D.25, D.30–D.36, D.38–D.41 and 表E.4, so counts, investments and
  benefits agree everywhere; D.24 relative values = (基准期值 − 目标值)/基准期值 × 100;
- the material balance of the brewhouse (BAL.1) closes per unit operation and overall within 0.2 %;
- the benchmark values of IND.1 are illustrative, not quoted from a published indicator system.

Prices used for the economic benefits: 天然气 3.60 元/m³, 电 0.68 元/kWh, 水 4.50 元/m³, 麦芽 4 400 元/t,
烧碱 3 200 元/t, 啤酒生产成本 2 000 元/kL, 污水处理运行费 1.20 元/m³.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from cpxl.calc import carbon, energy
from cpxl.tables import KINDS, registry
from cpxl.workbook.build import build_workbook, save_computed

AUDIT_FILE = "示例-清泉啤酒-审核工作簿.xlsx"
ACCEPTANCE_FILE = "示例-清泉啤酒-验收工作簿.xlsx"

D = date

# ---- 封面信息 -----------------------------------------------------------------------------------------

COVER = {
    "company": "清泉啤酒有限公司",
    "credit_code": "91410100MA00000001",
    "nature": "民营",
    "legal_rep": "王建国",
    "industry": "啤酒制造",
    "industry_code": "C1513",
    "district": "中牟县",
    "scale": "中型",
    "products": "啤酒，设计产能12万kL/a（2025年产量10.23万kL）",
    "main_product": "啤酒",
    "contact": "李明",
    "phone": "0371-60000001",
    "address": "河南省郑州市中牟县清泉路88号",
    "audit_type": "自愿性",
    "list_no": "",
    "round": 2,
    "base_year": 2025,
    "near_year": 2026,
    "far_year": 2028,
    "double_exceed": "否",
    "double_toxic": "否",
    "energy_limit": "否",
    "expert": "是",
    "focus": "酿造车间",
    "consultant": "豫清环境技术咨询有限公司",
    "consultant_nature": "民营",
    "consultant_legal_rep": "陈立新",
    "consultant_contact": "周文静",
    "consultant_phone": "0371-60000002",
    "consultant_address": "河南省郑州市金水区文化路100号",
    "consultant_staff": 12,
    "consultant_lead": "周文静",
    "expert_name": "赵志远",
    "expert_unit": "华中轻工技术研究院",
    "expert_title": "教授级高级工程师",
    "expert_field": "啤酒酿造工艺与节能节水",
    "reviewer": "刘海涛",
    "reviewer_title": "生产副总经理",
    "reviewer_phone": "0371-60000003",
    "disclosure_date": D(2026, 3, 16),
    "start_date": D(2026, 3, 2),
    "assessment_date": D(2026, 8, 26),
    "acceptance_date": D(2027, 4, 22),
    "report_date": D(2026, 7, 31),
    "level_before": "国内先进水平",
    "level_after": "国内先进水平",
    "revenue": 38870,
}

# ---- fixed rows ------------------------------------------------------------------------------------


def _fixed(table_id: str, key: str, values: dict[str, dict], kind: str = "acceptance") -> list[dict]:
    """The table's printed rows in order, each completed with `values[label]` (label = value of `key`).

    Data rows fill a table's printed rows in order, so a partly filled table lists every printed row.
    """
    table = registry(kind)[table_id]
    rows = [dict(zip(table.row_keys, printed)) for printed in table.rows]
    labels = [r.get(key) for r in rows]
    unknown = set(values) - set(labels)
    if unknown:
        raise KeyError(f"{table_id} has no printed row {sorted(unknown)}")
    return [{**r, **values.get(r.get(key), {})} for r in rows]


# ---- 审核准备 D.1–D.3 -----------------------------------------------------------------------------------

D1 = [
    {"team": "领导小组", "role": "组长", "name": "王建国", "dept": "总经理", "duty": "全面领导审核工作，批准审核计划、资金和方案实施"},
    {"team": "领导小组", "role": "副组长", "name": "刘海涛", "dept": "生产副总经理", "duty": "组织协调审核工作，审定审核重点、目标和方案"},
    {"team": "领导小组", "role": "成员", "name": "孙丽华", "dept": "财务总监", "duty": "落实方案资金，审核方案经济效益"},
    {"team": "领导小组", "role": "成员", "name": "马永强", "dept": "技术总监", "duty": "指导技术方案研制和可行性分析"},
    {"team": "工作小组", "role": "组长", "name": "张伟", "dept": "生产技术部经理", "duty": "制定和执行工作计划，组织实测、平衡分析和方案筛选"},
    {"team": "工作小组", "role": "副组长", "name": "李明", "dept": "安全环保部经理", "duty": "环保现状调查、污染物核算，资料收集与信息公示"},
    {"team": "工作小组", "role": "成员", "name": "高峰", "dept": "酿造车间主任", "duty": "审核重点现场实测、问题诊断和方案实施"},
    {"team": "工作小组", "role": "成员", "name": "吴晓燕", "dept": "包装车间主任", "duty": "包装车间用水用电数据收集及方案实施"},
    {"team": "工作小组", "role": "成员", "name": "郑国平", "dept": "动力车间主任", "duty": "能源计量、锅炉和制冷系统数据收集及节能方案实施"},
    {"team": "工作小组", "role": "成员", "name": "何静", "dept": "质量管理部主管", "duty": "化验数据、酒损统计及计量器具管理"},
    {"team": "工作小组", "role": "成员", "name": "冯涛", "dept": "财务部会计", "duty": "成本数据统计，方案投资及效益核算"},
]

D2 = [
    {"role": "组长", "name": "周文静", "qualification": "清洁生产审核师 CPA-2019-0158", "title": "高级工程师", "duty": "项目总负责，审核技术把关，报告审定"},
    {"role": "成员", "name": "杨帆", "qualification": "清洁生产审核师 CPA-2020-0372", "title": "工程师", "duty": "物料平衡、水平衡测试与分析"},
    {"role": "成员", "name": "韩雪", "qualification": "清洁生产审核师 CPA-2021-0415", "title": "工程师", "duty": "能源分析、能量平衡及节能方案研制"},
    {"role": "成员", "name": "秦浩", "qualification": "清洁生产审核师 CPA-2022-0533", "title": "助理工程师", "duty": "环保现状调查、资料整理及报告编制"},
]

D3 = _fixed(
    "D.3",
    "phase",
    {
        "审核准备": {"content": "取得领导支持，组建审核小组，制定工作计划，开展宣传培训（步骤1–4）", "start": D(2026, 3, 2), "end": D(2026, 3, 20), "dept": "生产技术部", "owner": "张伟"},
        "预审核": {"content": "现状调研、现场考察，评价清洁生产水平，确定审核重点和目标，提出无/低费方案（步骤5–12）", "start": D(2026, 3, 23), "end": D(2026, 4, 24), "dept": "生产技术部", "owner": "张伟"},
        "审核": {"content": "酿造车间实测，建立物料、水、能量和COD平衡，分析废弃物产生原因（步骤13–18）", "start": D(2026, 4, 27), "end": D(2026, 5, 29), "dept": "酿造车间", "owner": "高峰"},
        "方案产生和筛选": {"content": "征集和汇总方案，分类筛选，研制中/高费方案（步骤19–23）", "start": D(2026, 6, 1), "end": D(2026, 6, 19), "dept": "生产技术部", "owner": "张伟"},
        "方案确定": {"content": "中/高费方案技术、环境、经济可行性分析，推荐可实施方案（步骤24–28）", "start": D(2026, 6, 22), "end": D(2026, 7, 17), "dept": "技术部", "owner": "马永强"},
        "方案实施": {"content": "组织实施中/高费方案，汇总已实施方案成果，评价实施效果（步骤29–32）", "start": D(2026, 7, 20), "end": D(2026, 12, 25), "dept": "生产技术部", "owner": "刘海涛"},
        "持续清洁生产": {"content": "完善清洁生产组织和制度，制定持续清洁生产计划，编制验收报告（步骤33–35）", "start": D(2026, 12, 28), "end": D(2027, 3, 26), "dept": "安全环保部", "owner": "李明"},
    },
)

# ---- 4.1 企业概况和生产现状 D.4–D.12 ---------------------------------------------------------------------

D4 = {
    "nature": "有限责任公司（民营）",
    "postcode": "451450",
    "founded": D(2008, 5, 18),
    "operation": D(2010, 9, 28),
    "capital": 12000,
    "area": 186000,
    "shifts": "酿造、包装车间三班两运转，管理部门单班制；年生产330天",
    "staff": 386,
    "key_equipment": "60 m³糖化系统一套、400 m³锥形发酵罐48台、玻璃瓶灌装线2条、易拉罐灌装线1条、10 t/h燃气蒸汽锅炉2台",
    "output_value": 38870,
}

_MAIN, _AUX, _ENV = 0, 1, 2  # D.5 sections: 主要生产设备, 辅助生产设备, 环保设施设备

D5 = [
    {"_section": _MAIN, "no": "1", "line": "酿造车间", "name": "锤式粉碎机", "model": "FSJ-15", "power": 75, "count": 2, "since": "2010年", "state": "正常"},
    {"_section": _MAIN, "no": "2", "line": "酿造车间", "name": "糊化锅", "model": "40 m³", "power": 15, "count": 1, "since": "2010年", "state": "正常"},
    {"_section": _MAIN, "no": "3", "line": "酿造车间", "name": "糖化锅", "model": "60 m³", "power": 22, "count": 1, "since": "2010年", "state": "正常"},
    {"_section": _MAIN, "no": "4", "line": "酿造车间", "name": "麦汁过滤槽", "model": "Φ8.0 m", "power": 30, "count": 1, "since": "2010年", "state": "正常"},
    {"_section": _MAIN, "no": "5", "line": "酿造车间", "name": "煮沸锅（内加热器）", "model": "60 m³", "power": 11, "count": 1, "since": "2010年", "state": "正常"},
    {"_section": _MAIN, "no": "6", "line": "酿造车间", "name": "回旋沉淀槽", "model": "65 m³", "power": 5.5, "count": 1, "since": "2010年", "state": "正常"},
    {"_section": _MAIN, "no": "7", "line": "酿造车间", "name": "薄板冷却器", "model": "45 m³/h", "count": 1, "since": "2018年", "state": "正常"},
    {"_section": _MAIN, "no": "8", "line": "酿造车间", "name": "锥形发酵罐", "model": "400 m³", "count": 48, "since": "2010–2018年", "state": "正常"},
    {"_section": _MAIN, "no": "9", "line": "酿造车间", "name": "清酒罐", "model": "200 m³", "count": 8, "since": "2010年", "state": "正常"},
    {"_section": _MAIN, "no": "10", "line": "酿造车间", "name": "硅藻土过滤机", "model": "烛式 40 m³/h", "power": 18.5, "count": 2, "since": "2012年", "state": "正常"},
    {"_section": _MAIN, "no": "11", "line": "包装车间", "name": "玻璃瓶灌装线", "model": "36 000瓶/h", "power": 420, "count": 2, "since": "2010年", "state": "正常"},
    {"_section": _MAIN, "no": "12", "line": "包装车间", "name": "易拉罐灌装线", "model": "45 000罐/h", "power": 380, "count": 1, "since": "2018年", "state": "正常"},
    {"_section": _AUX, "no": "13", "line": "动力车间", "name": "燃气蒸汽锅炉（低氮燃烧）", "model": "WNS10-1.25-Q", "power": 30, "count": 2, "since": "2019年", "state": "一用一备"},
    {"_section": _AUX, "no": "14", "line": "动力车间", "name": "氨螺杆制冷压缩机", "model": "LG25", "power": 280, "count": 4, "since": "2010年", "state": "三用一备"},
    {"_section": _AUX, "no": "15", "line": "动力车间", "name": "螺杆空气压缩机", "model": "40 m³/min", "power": 220, "count": 3, "since": "2015年", "state": "两用一备"},
    {"_section": _AUX, "no": "16", "line": "动力车间", "name": "CO₂回收装置", "model": "1 000 kg/h", "power": 110, "count": 1, "since": "2012年", "state": "正常"},
    {"_section": _AUX, "no": "17", "line": "酿造车间", "name": "CIP清洗站", "model": "4罐式", "power": 45, "count": 3, "since": "2010年", "state": "正常"},
    {"_section": _AUX, "no": "18", "line": "动力车间", "name": "冷却塔", "model": "500 m³/h", "power": 22, "count": 4, "since": "2010年", "state": "正常"},
    {"_section": _ENV, "no": "19", "line": "污水处理站", "name": "废水处理系统（UASB+A/O）", "model": "1 500 m³/d", "power": 260, "count": 1, "since": "2018年", "state": "正常"},
    {"_section": _ENV, "no": "20", "line": "酿造车间", "name": "脉冲布袋除尘器", "model": "8 000 m³/h", "power": 15, "count": 2, "since": "2010年", "state": "正常"},
    {"_section": _ENV, "no": "21", "line": "污水处理站", "name": "生物滤池除臭装置", "model": "12 000 m³/h", "power": 18.5, "count": 1, "since": "2020年", "state": "正常"},
    {"_section": _ENV, "no": "22", "line": "污水处理站", "name": "废水在线监测设备（COD、氨氮、流量）", "model": "—", "power": 3, "count": 1, "since": "2018年", "state": "正常，已联网"},
]

OUTPUT_KL = (96500, 99800, 102300)  # 啤酒产量 2023–2025 [kL]

D6 = [
    {"no": "1", "product": "啤酒", "output_unit": "kL", "output_1": OUTPUT_KL[0], "output_2": OUTPUT_KL[1], "output_3": OUTPUT_KL[2],
     "value_unit": "万元", "value_1": 36190, "value_2": 37720, "value_3": 38870},
]

D7 = [
    {"no": "1", "product": "啤酒", "material": "麦芽", "total_unit": "t", "total_1": 10615, "total_2": 10878, "total_3": 11048, "unit_unit": "t/kL"},
    {"no": "2", "product": "啤酒", "material": "大米", "total_unit": "t", "total_1": 4536, "total_2": 4641, "total_3": 4706, "unit_unit": "t/kL"},
    {"no": "3", "product": "啤酒", "material": "酒花颗粒", "total_unit": "t", "total_1": 72.4, "total_2": 74.9, "total_3": 76.7, "unit_unit": "t/kL"},
    {"no": "4", "product": "啤酒", "material": "酶制剂及糖化辅料", "total_unit": "t", "total_1": 27.1, "total_2": 27.6, "total_3": 28.0, "unit_unit": "t/kL"},
    {"no": "5", "product": "啤酒", "material": "硅藻土", "total_unit": "t", "total_1": 128.2, "total_2": 131.0, "total_3": 133.0, "unit_unit": "t/kL"},
    {"no": "6", "product": "啤酒", "material": "稳定剂（PVPP、硅胶）", "total_unit": "t", "total_1": 11.6, "total_2": 11.8, "total_3": 12.0, "unit_unit": "t/kL"},
    {"no": "7", "product": "啤酒", "material": "氢氧化钠（折100%）", "total_unit": "t", "total_1": 248, "total_2": 252, "total_3": 255, "unit_unit": "t/kL"},
    {"no": "8", "product": "啤酒", "material": "酸性清洗剂", "total_unit": "t", "total_1": 60.5, "total_2": 61.2, "total_3": 62.0, "unit_unit": "t/kL"},
]

D8 = [
    {"no": "1", "name": "麦芽", "state": "固态颗粒，水分≤5%", "storage": "散装筒仓贮存", "origin": "国内麦芽企业采购", "transport": "汽车（散装罐车）"},
    {"no": "2", "name": "大米", "state": "固态颗粒，碎米", "storage": "袋装，原料库贮存", "origin": "国内粮食企业采购", "transport": "汽车"},
    {"no": "3", "name": "酒花颗粒", "state": "固态颗粒（90型）", "storage": "真空铝箔袋，0–4 ℃冷库", "origin": "国内酒花企业采购", "transport": "冷藏汽车"},
    {"no": "4", "name": "酶制剂及糖化辅料", "state": "液态/固态", "storage": "桶装、袋装，辅料库", "origin": "国内采购", "transport": "汽车"},
    {"no": "5", "name": "硅藻土", "state": "粉状", "storage": "袋装，辅料库", "origin": "国内采购", "transport": "汽车"},
    {"no": "6", "name": "稳定剂（PVPP、硅胶）", "state": "粉状", "storage": "袋装，辅料库", "origin": "国内采购", "transport": "汽车"},
    {"no": "7", "name": "氢氧化钠", "state": "液态，32%", "storage": "储罐（设围堰）", "origin": "国内化工企业采购", "transport": "槽罐车"},
    {"no": "8", "name": "酸性清洗剂", "state": "液态", "storage": "桶装，化学品库", "origin": "国内采购", "transport": "汽车"},
]

FRESH_WATER_M3 = (443900, 444110, 439890)  # 新鲜水 2023–2025 [m³]

D10 = [
    {"no": "1", "category": "新鲜水", "source": "市政自来水", "discharge": "经厂内污水处理站处理后排入市政污水管网",
     "total_1": FRESH_WATER_M3[0], "total_2": FRESH_WATER_M3[1], "total_3": FRESH_WATER_M3[2]},
    {"no": "2", "category": "企业自回用中水", "source": "洗瓶机末道水、CIP末道水回收", "discharge": "用于洗瓶机预浸、冷却塔补水",
     "total_1": 0, "total_2": 18000, "total_3": 42000},
]

GAS_M3 = (2277400, 2285420, 2250600)  # 天然气 2023–2025 [m³]
POWER_KWH = (8926250, 9081800, 9104700)  # 电力 2023–2025 [kWh]
DIESEL_KG = (14200, 14800, 15100)  # 柴油 2023–2025 [kg]

D11 = [
    {"no": "1", "energy": "煤炭", "origin": "/", "total_unit": "t", "total_1": 0, "total_2": 0, "total_3": 0, "unit_unit": "t/kL"},
    {"no": "2", "energy": "天然气", "origin": "外购", "total_unit": "m³", "total_1": GAS_M3[0], "total_2": GAS_M3[1], "total_3": GAS_M3[2], "unit_unit": "m³/kL"},
    {"no": "3", "energy": "电力", "origin": "外购", "total_unit": "kWh", "total_1": POWER_KWH[0], "total_2": POWER_KWH[1], "total_3": POWER_KWH[2], "unit_unit": "kWh/kL"},
    {"no": "4", "energy": "柴油", "origin": "外购", "total_unit": "kg", "total_1": DIESEL_KG[0], "total_2": DIESEL_KG[1], "total_3": DIESEL_KG[2], "unit_unit": "kg/kL"},
]

#: 天然气's coefficient is a range in GB/T 2589-2020; the supplier's heating value fixes it at 气田天然气's
#: [kgce/m³]. 电力 at its 当量值 [kgce/kWh] (GB/T 2589-2020 表A.1).
GAS_COEF = energy.coefficient("气田天然气").value
POWER_COEF = energy.coefficient("电力").value

PARAMETERS = _fixed(
    "参数",
    "name",
    {"天然气": {"value": GAS_COEF, "note": "按供气单位提供的低位发热值 35 590 kJ/m³ 折算"}},
)

# ---- 4.1.3 环保现状 D.13–D.23 ----------------------------------------------------------------------------

D13 = [
    {"no": "1", "project": "年产10万千升啤酒项目", "content": "糖化、发酵、过滤、包装生产线及配套公用工程", "approval": "郑环审〔2008〕126号，2008-07-15",
     "acceptance": "2011-06-20通过竣工环境保护验收", "problem": "无", "remark": ""},
    {"no": "2", "project": "年产2万千升扩建及污水处理站提标改造项目", "content": "新增发酵罐12台、易拉罐灌装线1条，污水处理站改为UASB+A/O工艺",
     "approval": "郑环审〔2017〕211号，2017-09-08", "acceptance": "2019-03-15完成自主验收并公示", "problem": "无", "remark": ""},
    {"no": "3", "project": "燃煤锅炉改燃气锅炉项目", "content": "拆除2台燃煤锅炉，新建2台10 t/h低氮燃气锅炉", "approval": "登记表备案，备案号202041012200000126",
     "acceptance": "登记表项目，无需验收", "problem": "无", "remark": "2019年完成煤改气"},
]

D14 = _fixed(
    "D.14",
    "item",
    {
        "排污许可": {"status": "已取得排污许可证（证书编号91410100MA00000001001V），按证排污，按时提交执行报告", "remark": "有效期至2028年"},
        "环境信息披露": {"status": "按《企业环境信息依法披露管理办法》在省级平台披露年度报告"},
        "环境守法": {"status": "审核考察期内无环境违法行为和行政处罚"},
        "突发环境事件应急预案": {"status": "2024年修订并备案，每年组织演练", "remark": "一般环境风险"},
        "重污染天气应急预案": {"status": "已制定“一厂一策”，按预警级别落实减排措施"},
        "环境信用评价": {"status": "2025年度环境信用评价为诚信企业"},
    },
)

D15 = [
    {"no": "1", "type": "废水", "stage": "糖化、过滤、发酵、包装及CIP清洗", "factor": "COD、BOD5、SS、氨氮、总磷", "treatment": "管道收集，厂内污水处理站（调节+UASB+A/O+混凝沉淀）",
     "discharge": "间接排放，经市政管网进入城市污水处理厂", "outlet": "废水总排口 DW001", "outlet_type": "主要排放口"},
    {"no": "2", "type": "废水", "stage": "办公生活", "factor": "COD、氨氮、总磷", "treatment": "化粪池",
     "discharge": "间接排放，经市政管网进入城市污水处理厂", "outlet": "生活污水排口 DW002", "outlet_type": "一般排放口"},
    {"no": "3", "type": "废气", "stage": "燃气锅炉", "factor": "氮氧化物、二氧化硫、颗粒物", "treatment": "低氮燃烧器+烟气再循环",
     "discharge": "有组织", "outlet": "锅炉排气筒 DA001", "outlet_type": "一般排放口"},
    {"no": "4", "type": "废气", "stage": "原料粉碎", "factor": "颗粒物", "treatment": "集气罩收集+脉冲布袋除尘器",
     "discharge": "有组织", "outlet": "粉碎排气筒 DA002", "outlet_type": "一般排放口"},
    {"no": "5", "type": "废气", "stage": "污水处理站", "factor": "氨、硫化氢、臭气浓度", "treatment": "构筑物加盖收集+生物滤池除臭",
     "discharge": "有组织", "outlet": "除臭排气筒 DA003", "outlet_type": "一般排放口"},
    {"no": "6", "type": "噪声", "stage": "制冷机、空压机、风机、泵类", "factor": "等效连续A声级", "treatment": "基础减振、室内隔声、风机消声器",
     "discharge": "/", "outlet": "/", "outlet_type": "/"},
    {"no": "7", "type": "固废", "stage": "麦汁过滤、回旋沉淀、发酵、过滤", "factor": "麦糟、热凝固物、废酵母、废硅藻土", "treatment": "分类收集，暂存罐/暂存间贮存，外售综合利用",
     "discharge": "/", "outlet": "/", "outlet_type": "/"},
    {"no": "8", "type": "固废", "stage": "设备维护、化验室", "factor": "废机油、废化验试剂、废铅蓄电池", "treatment": "危废暂存间贮存，委托有资质单位处置",
     "discharge": "/", "outlet": "/", "outlet_type": "/"},
]

_WW_STD = "GB 19821—2005 表2预处理标准、GB/T 31962—2015 B级"
D16 = [
    {"no": "1", "type": "废水", "standard": _WW_STD, "factor": "COD", "limit": "500 mg/L", "quota": "45 t/a", "location": "DW001"},
    {"no": "2", "type": "废水", "standard": _WW_STD, "factor": "BOD5", "limit": "300 mg/L", "quota": "/", "location": "DW001"},
    {"no": "3", "type": "废水", "standard": _WW_STD, "factor": "SS", "limit": "400 mg/L", "quota": "/", "location": "DW001"},
    {"no": "4", "type": "废水", "standard": _WW_STD, "factor": "氨氮", "limit": "45 mg/L", "quota": "4.5 t/a", "location": "DW001"},
    {"no": "5", "type": "废水", "standard": _WW_STD, "factor": "总磷", "limit": "8 mg/L", "quota": "/", "location": "DW001"},
    {"no": "6", "type": "废气", "standard": "DB41/2089—2021 燃气锅炉", "factor": "氮氧化物", "limit": "30 mg/m³", "quota": "2.4 t/a", "location": "DA001"},
    {"no": "7", "type": "废气", "standard": "DB41/2089—2021 燃气锅炉", "factor": "二氧化硫", "limit": "10 mg/m³", "quota": "/", "location": "DA001"},
    {"no": "8", "type": "废气", "standard": "DB41/2089—2021 燃气锅炉", "factor": "颗粒物", "limit": "5 mg/m³", "quota": "/", "location": "DA001"},
    {"no": "9", "type": "废气", "standard": "GB 16297—1996 表2 二级", "factor": "颗粒物", "limit": "120 mg/m³，3.5 kg/h", "quota": "/", "location": "DA002"},
    {"no": "10", "type": "废气", "standard": "GB 14554—93 表2", "factor": "氨", "limit": "4.9 kg/h", "quota": "/", "location": "DA003"},
    {"no": "11", "type": "废气", "standard": "GB 14554—93 表2", "factor": "硫化氢", "limit": "0.33 kg/h", "quota": "/", "location": "DA003"},
    {"no": "12", "type": "噪声", "standard": "GB 12348—2008 3类", "factor": "等效连续A声级", "limit": "昼间65 dB(A)、夜间55 dB(A)", "quota": "/", "location": "厂界"},
    {"no": "13", "type": "固废", "standard": "GB 18599—2020、GB 18597—2023", "factor": "一般工业固体废物、危险废物", "limit": "/", "quota": "/", "location": "固废暂存间、危废暂存间"},
]

D17 = _fixed(
    "D.17",
    "category",
    {
        "工业废水": {"name": "厂内污水处理站", "process": "格栅+调节池+UASB+A/O+二沉池+混凝沉淀", "design_capacity": 1500, "actual": 910,
                 "runtime": "24 h/d，330 d/a", "online": "有", "ledger": "有"},
        "生活污水": {"name": "化粪池", "process": "厌氧消化", "design_capacity": 60, "actual": 38, "runtime": "24 h/d，330 d/a", "online": "无", "ledger": "有"},
    },
)

# One row per pollutant and wastewater kind; the printed rows 工业废水/生活污水/合计 take the COD rows.
_IND = {"category": "工业废水", "point": "废水总排口DW001", "time": "2025年全年", "volume": 300000, "destination": "市政污水管网", "data_source": "在线监测及委托监测报告"}
_DOM = {"category": "生活污水", "point": "生活污水排口DW002", "time": "2025年各季度", "method": "委托监测，1次/季", "volume": 12540, "destination": "市政污水管网", "data_source": "委托监测报告"}
_SUM = {"category": "合计", "volume": 312540, "destination": "市政污水管网"}
D18 = [
    {**_IND, "method": "在线监测，连续", "pollutant": "COD", "limit": "500", "conc_max": 128, "conc_min": 52, "conc_avg": 86, "exceed_rate": 0, "load": 25.80},
    {**_DOM, "pollutant": "COD", "limit": "500", "conc_max": 286, "conc_min": 198, "conc_avg": 245, "exceed_rate": 0, "load": 3.07},
    {**_SUM, "pollutant": "COD", "load": 28.87},
    {**_IND, "method": "在线监测，连续", "pollutant": "氨氮", "limit": "45", "conc_max": 11.6, "conc_min": 2.1, "conc_avg": 6.2, "exceed_rate": 0, "load": 1.86},
    {**_DOM, "pollutant": "氨氮", "limit": "45", "conc_max": 32.5, "conc_min": 21.8, "conc_avg": 27.3, "exceed_rate": 0, "load": 0.34},
    {**_SUM, "pollutant": "氨氮", "load": 2.20},
    {**_IND, "method": "委托监测，1次/月", "pollutant": "总磷", "limit": "8", "conc_max": 3.2, "conc_min": 0.8, "conc_avg": 1.8, "exceed_rate": 0, "load": 0.54},
    {**_DOM, "pollutant": "总磷", "limit": "8", "conc_max": 4.1, "conc_min": 2.6, "conc_avg": 3.3, "exceed_rate": 0, "load": 0.04},
    {**_SUM, "pollutant": "总磷", "load": 0.58},
]

D19 = [
    {"name": "锅炉烟气", "measure": "低氮燃烧器+烟气再循环", "count": 2, "process": "低氮燃烧（FGR）", "design_capacity": 14000, "actual_avg": 3270,
     "runtime": "24 h/d，330 d/a", "online": "有", "ledger": "有"},
    {"name": "粉碎粉尘", "measure": "集气罩+脉冲布袋除尘器", "count": 2, "process": "袋式除尘", "design_capacity": 8000, "actual_avg": 7600,
     "runtime": "8 h/d，330 d/a", "online": "无", "ledger": "有"},
    {"name": "污水站臭气", "measure": "构筑物加盖收集+生物滤池", "count": 1, "process": "生物滤池除臭", "design_capacity": 12000, "actual_avg": 11200,
     "runtime": "24 h/d，330 d/a", "online": "无", "ledger": "有"},
]

_BOILER = {"name": "锅炉烟气", "point": "DA001", "time": "2025年全年", "method": "在线监测（NOx）/委托监测1次/季", "flow": 6850, "stack_height": 15, "data_source": "在线监测及委托监测报告"}
D20 = [
    {**_BOILER, "pollutant": "氮氧化物", "conc_max": 26, "conc_min": 18, "conc_avg": 22, "exceed_rate": 0, "conc_std": 30, "rate_max": 0.178, "rate_min": 0.123, "rate_avg": 0.151, "load": 0.57},
    {**_BOILER, "pollutant": "二氧化硫", "conc_max": 6, "conc_min": 3, "conc_avg": 4, "exceed_rate": 0, "conc_std": 10, "rate_max": 0.041, "rate_min": 0.021, "rate_avg": 0.027, "load": 0.10},
    {**_BOILER, "pollutant": "颗粒物", "conc_max": 3.2, "conc_min": 1.6, "conc_avg": 2.4, "exceed_rate": 0, "conc_std": 5, "rate_max": 0.022, "rate_min": 0.011, "rate_avg": 0.016, "load": 0.06},
    {"name": "粉碎粉尘", "point": "DA002", "time": "2025年3月、9月", "method": "委托监测，1次/半年", "pollutant": "颗粒物", "flow": 8000, "conc_max": 7.9, "conc_min": 3.8,
     "conc_avg": 5.7, "exceed_rate": 0, "conc_std": 120, "rate_max": 0.063, "rate_min": 0.030, "rate_avg": 0.046, "rate_std": 3.5, "stack_height": 20, "load": 0.12,
     "data_source": "委托监测报告"},
    {"name": "污水站臭气", "point": "DA003", "time": "2025年3月、9月", "method": "委托监测，1次/半年", "pollutant": "氨", "flow": 12000, "conc_max": 2.6, "conc_min": 0.9,
     "conc_avg": 1.5, "exceed_rate": 0, "rate_max": 0.031, "rate_min": 0.011, "rate_avg": 0.018, "rate_std": 4.9, "stack_height": 15, "load": 0.14, "data_source": "委托监测报告"},
    {"name": "污水站臭气", "point": "DA003", "time": "2025年3月、9月", "method": "委托监测，1次/半年", "pollutant": "硫化氢", "flow": 12000, "conc_max": 0.21, "conc_min": 0.05,
     "conc_avg": 0.11, "exceed_rate": 0, "rate_max": 0.0025, "rate_min": 0.0006, "rate_avg": 0.0013, "rate_std": 0.33, "stack_height": 15, "load": 0.010,
     "data_source": "委托监测报告"},
]

_GENERAL, _HAZARD = "一般固体废物", "危险废物"
D21 = [
    {"no": "1", "category": _GENERAL, "name": "湿麦糟", "code": "SW13", "stage": "麦汁过滤", "generated": 19680, "form": "半固态", "hazard": "/", "storage": "密闭麦糟暂存罐",
     "disposal": "外售饲料企业综合利用", "disposed": 19680, "cycle": "每日", "ledger": "有"},
    {"no": "2", "category": _GENERAL, "name": "热凝固物（酒花糟）", "code": "SW13", "stage": "回旋沉淀", "generated": 1280, "form": "半固态", "hazard": "/", "storage": "并入麦糟暂存罐",
     "disposal": "随麦糟外售综合利用", "disposed": 1280, "cycle": "每日", "ledger": "有"},
    {"no": "3", "category": _GENERAL, "name": "废酵母", "code": "SW13", "stage": "发酵", "generated": 1450, "form": "液态", "hazard": "/", "storage": "废酵母罐",
     "disposal": "外售酵母加工企业", "disposed": 1450, "cycle": "每周", "ledger": "有"},
    {"no": "4", "category": _GENERAL, "name": "废硅藻土", "code": "SW59", "stage": "清酒过滤", "generated": 420, "form": "半固态", "hazard": "/", "storage": "一般固废暂存间",
     "disposal": "交建材企业制砖利用", "disposed": 420, "cycle": "每周", "ledger": "有"},
    {"no": "5", "category": _GENERAL, "name": "污水站污泥（含水率80%）", "code": "SW07", "stage": "污水处理", "generated": 1150, "form": "半固态", "hazard": "/", "storage": "污泥暂存间",
     "disposal": "委托堆肥企业利用", "disposed": 1150, "cycle": "每周", "ledger": "有"},
    {"no": "6", "category": _GENERAL, "name": "碎玻璃、废纸箱", "code": "SW17", "stage": "包装", "generated": 860, "form": "固态", "hazard": "/", "storage": "一般固废暂存间",
     "disposal": "外售回收企业", "disposed": 860, "cycle": "每月", "ledger": "有"},
    {"no": "7", "category": _GENERAL, "name": "除尘灰", "code": "SW13", "stage": "原料粉碎", "generated": 11.85, "form": "固态", "hazard": "/", "storage": "袋装暂存",
     "disposal": "随麦糟外售综合利用", "disposed": 11.85, "cycle": "每月", "ledger": "有"},
    {"no": "8", "category": _HAZARD, "name": "废机油", "code": "HW08 900-249-08", "stage": "设备维护", "generated": 0.85, "form": "液态", "hazard": "矿物油", "storage": "危废暂存间，桶装",
     "disposal": "委托有资质单位处置", "disposed": 0.85, "cycle": "每半年", "ledger": "有"},
    {"no": "9", "category": _HAZARD, "name": "废化验试剂", "code": "HW49 900-047-49", "stage": "化验室", "generated": 0.12, "form": "液态", "hazard": "酸、碱、有机溶剂", "storage": "危废暂存间，桶装",
     "disposal": "委托有资质单位处置", "disposed": 0.12, "cycle": "每年", "ledger": "有"},
    {"no": "10", "category": _HAZARD, "name": "废铅蓄电池", "code": "HW31 900-052-31", "stage": "叉车维护", "generated": 0.60, "form": "固态", "hazard": "铅、硫酸", "storage": "危废暂存间，防渗托盘",
     "disposal": "委托有资质单位处置", "disposed": 0.60, "cycle": "每年", "ledger": "有"},
]

_NOISE = {
    ("东厂界", "昼间"): 58.6, ("东厂界", "夜间"): 48.9,
    ("西厂界", "昼间"): 56.3, ("西厂界", "夜间"): 47.2,
    ("南厂界", "昼间"): 59.1, ("南厂界", "夜间"): 49.6,
    ("北厂界", "昼间"): 55.4, ("北厂界", "夜间"): 46.8,
}
D22 = [
    {"point": side, "period": period, "value": value, "standard": 65 if period == "昼间" else 55, "data_source": "检测报告 JC2025-0615"}
    for (side, period), value in _NOISE.items()
]

D23 = [
    {"no": "1", "pollutant": "COD", "quota": 45, "base": 28.87},
    {"no": "2", "pollutant": "氨氮", "quota": 4.5, "base": 2.20},
    {"no": "3", "pollutant": "氮氧化物", "quota": 2.4, "base": 0.57},
]

# ---- 4.5 目标 D.24, D.33, D.42 --------------------------------------------------------------------------

# (指标项, 单位, 基准期值, 近期目标, 中远期目标); relative values = (基准期值 − 目标值)/基准期值 × 100.
D24 = [
    {"no": "1", "indicator": "单位产品新鲜水耗", "unit": "m³/kL", "direction": "降低", "base": 4.30, "near_abs": 3.90, "near_rel": 9.30, "far_abs": 3.60, "far_rel": 16.28},
    {"no": "2", "indicator": "单位产品综合能耗", "unit": "kgce/kL", "direction": "降低", "base": 37.87, "near_abs": 34.50, "near_rel": 8.90, "far_abs": 32.00, "far_rel": 15.50},
    {"no": "3", "indicator": "单位产品耗电量", "unit": "kWh/kL", "direction": "降低", "base": 89.00, "near_abs": 84.00, "near_rel": 5.62, "far_abs": 80.00, "far_rel": 10.11},
    {"no": "4", "indicator": "单位产品原料消耗", "unit": "kg/kL", "direction": "降低", "base": 154.0, "near_abs": 153.0, "near_rel": 0.65, "far_abs": 151.0, "far_rel": 1.95},
    {"no": "5", "indicator": "单位产品COD排放量", "unit": "kg/kL", "direction": "降低", "base": 0.282, "near_abs": 0.260, "near_rel": 7.80, "far_abs": 0.240, "far_rel": 14.89},
    {"no": "6", "indicator": "酒损率", "unit": "%", "direction": "降低", "base": 5.80, "near_abs": 5.30, "near_rel": 8.62, "far_abs": 5.00, "far_rel": 13.79},
]

D33 = [
    {"indicator": "单位产品新鲜水耗", "exp_abs": 3.70, "options": "F02、F04、F07、F10、F11、F12、F15"},
    {"indicator": "单位产品综合能耗", "exp_abs": 32.40, "options": "F03、F07、F09、F10、F12、F13、F14、F15"},
    {"indicator": "单位产品耗电量", "exp_abs": 82.80, "options": "F07、F09、F12、F13、F15"},
    {"indicator": "单位产品原料消耗", "exp_abs": 153.0, "options": "F01、F05、F13"},
    {"indicator": "单位产品COD排放量", "exp_abs": 0.240, "options": "F02、F04、F06、F07、F11"},
    {"indicator": "酒损率", "exp_abs": 5.20, "options": "F05、F06、F13"},
]

D42 = [
    {"indicator": "单位产品新鲜水耗", "act_abs": 3.66, "options": "F02、F04、F07、F10、F11、F12、F15"},
    {"indicator": "单位产品综合能耗", "act_abs": 32.18, "options": "F03、F07、F09、F10、F12、F13、F14、F15"},
    {"indicator": "单位产品耗电量", "act_abs": 82.43, "options": "F07、F09、F12、F13、F15"},
    {"indicator": "单位产品原料消耗", "act_abs": 152.87, "options": "F01、F05、F13"},
    {"indicator": "单位产品COD排放量", "act_abs": 0.238, "options": "F02、F04、F06、F07、F11"},
    {"indicator": "酒损率", "act_abs": 5.12, "options": "F05、F06、F13"},
]

# ---- options ------------------------------------------------------------------------------------------

_LOW, _HIGH = "无/低费", "中/高费"

# D.41's items; 节约水费 and 副产品外售收入 are added below its printed rows.
_MATERIAL, _MAINTENANCE, _POWER, _GAS, _LABOUR, _ENVIRONMENT = (
    "节约原辅材料采购成本", "节约设备维护费用", "节约电费", "节约燃气费", "节约人工费", "节约环保运行费",
)
_WATER, _SALES = "节约水费", "副产品外售收入"

#: Every option of the round. `savings` are annual quantities after implementation (gas m³, power kWh,
#: water and wastewater m³, cod and nox kg of emission, malt t, beer kL); `econ` the annual benefit by
#: D.41 item [万元/a]; `months` the months in operation up to 2027-03-31 (审核期间效益).
OPTIONS = [
    {
        "option_id": "F01", "category": "原辅材料和资源能源", "cost_class": _LOW, "stage": "预审核", "origin": "现场考察",
        "name": "优化洗糟工艺，降低残糖", "problem": "洗糟水温波动、洗糟终点凭经验判断，麦糟残糖1.2°P，浸出物损失大",
        "content": "洗糟水温控制在76–78 ℃，以头号麦汁浓度和残糖0.6°P为终点，修订操作规程",
        "investment": 0.8, "actual": 0.8, "start": D(2026, 4, 13), "end": D(2026, 5, 15), "months": 10,
        "env_benefit": "年减少麦芽消耗约70 t，降低麦糟带走的浸出物", "econ_text": "约30.8万元/a",
        "savings": {"malt": 70}, "econ": {_MATERIAL: 30.80},
    },
    {
        "option_id": "F02", "category": "生产工艺", "cost_class": _LOW, "stage": "预审核", "origin": "合理化建议",
        "name": "优化CIP清洗程序", "problem": "CIP预冲洗时间固定、碱液回收不完全，清洗水和烧碱消耗大",
        "content": "按管路长度重设预冲洗时间，增设碱液电导率回收控制，末道水回收用于下批预冲洗",
        "investment": 1.5, "actual": 1.5, "start": D(2026, 4, 20), "end": D(2026, 5, 22), "months": 10,
        "env_benefit": "年节水6 500 m³、减少烧碱12 t，减排废水6 200 m³、COD 533 kg", "econ_text": "约6.8万元/a",
        "savings": {"water": 6500, "wastewater": 6200, "cod": 533}, "econ": {_MATERIAL: 3.84, _WATER: 2.93},
    },
    {
        "option_id": "F03", "category": "设备", "cost_class": _LOW, "stage": "预审核", "origin": "现场考察",
        "name": "蒸汽管网保温修复和疏水阀更换", "problem": "糖化车间蒸汽管道、阀门保温破损，部分疏水阀失效漏汽",
        "content": "修复保温约420 m，阀门加装保温套，更换失效疏水阀26只",
        "investment": 3.8, "actual": 3.8, "start": D(2026, 4, 27), "end": D(2026, 6, 5), "months": 9,
        "env_benefit": "年节约天然气28 000 m³，折标准煤34.0 t", "econ_text": "约10.1万元/a",
        "savings": {"gas": 28000, "nox": 7.1}, "econ": {_GAS: 10.08},
    },
    {
        "option_id": "F04", "category": "过程控制", "cost_class": _LOW, "stage": "预审核", "origin": "平衡分析",
        "name": "增设分工序用水计量", "problem": "糖化、CIP、冷却塔补水无分项计量，用水考核无依据",
        "content": "安装远传水表12块，纳入能源管理平台，按日统计分析",
        "investment": 2.6, "actual": 2.6, "start": D(2026, 5, 6), "end": D(2026, 6, 12), "months": 9,
        "env_benefit": "及时发现跑冒滴漏，年节水3 000 m³，减排废水2 500 m³", "econ_text": "约1.4万元/a",
        "savings": {"water": 3000, "wastewater": 2500, "cod": 215}, "econ": {_WATER: 1.35},
    },
    {
        "option_id": "F05", "category": "产品", "cost_class": _LOW, "stage": "预审核", "origin": "合理化建议",
        "name": "控制灌装净含量上偏差", "problem": "灌装液位探头漂移，净含量平均超装约0.3%",
        "content": "校准液位探头，每班抽检净含量，超装率纳入班组考核",
        "investment": 2.0, "actual": 2.0, "start": D(2026, 5, 11), "end": D(2026, 6, 19), "months": 9,
        "env_benefit": "年减少超装啤酒约100 kL，相应减少原料约15 t", "econ_text": "约20.0万元/a",
        "savings": {"beer": 100}, "econ": {_MATERIAL: 20.00},
    },
    {
        "option_id": "F06", "category": "废弃物", "cost_class": _LOW, "stage": "预审核", "origin": "现场考察",
        "name": "废酵母全量回收外售", "problem": "部分废酵母随罐底冲洗水进入污水站，增加COD负荷",
        "content": "发酵罐排酵母改为专用管线进废酵母罐，罐底残液回收，废酵母全部外售",
        "investment": 1.2, "actual": 1.2, "start": D(2026, 5, 18), "end": D(2026, 6, 26), "months": 9,
        "env_benefit": "年减少COD产生量9.5 t、排放量380 kg", "econ_text": "约6.6万元/a",
        "savings": {"cod": 380}, "econ": {_ENVIRONMENT: 1.20, _SALES: 5.40},
    },
    {
        "option_id": "F07", "category": "管理", "cost_class": _LOW, "stage": "预审核", "origin": "合理化建议",
        "name": "建立能源和水三级计量考核制度", "problem": "能源、水消耗只考核到厂级，车间、班组无指标",
        "content": "制定能源管理制度，单耗指标分解到车间和班组，按月考核",
        "investment": 0.5, "actual": 0.5, "start": D(2026, 4, 7), "end": D(2026, 7, 31), "months": 8,
        "env_benefit": "年节电60 000 kWh、节水4 000 m³，减排废水3 200 m³", "econ_text": "约5.9万元/a",
        "savings": {"power": 60000, "water": 4000, "wastewater": 3200, "cod": 275}, "econ": {_POWER: 4.08, _WATER: 1.80},
    },
    {
        "option_id": "F08", "category": "员工", "cost_class": _LOW, "stage": "预审核", "origin": "审核小组",
        "name": "清洁生产和岗位技能培训", "problem": "一线员工清洁生产意识不强，节水节能操作不规范",
        "content": "开展清洁生产、岗位操作规程培训6期，设立合理化建议奖励",
        "investment": 1.0, "actual": 1.0, "start": D(2026, 3, 23), "end": D(2026, 7, 24), "months": 8,
        "env_benefit": "提高员工清洁生产意识，保障各方案持续有效", "econ_text": "无直接经济效益",
        "savings": {}, "econ": {},
    },
    {
        "option_id": "F09", "category": "设备", "cost_class": _LOW, "stage": "预审核", "origin": "现场考察",
        "name": "压缩空气管网泄漏治理", "problem": "压缩空气管网接头、气动阀泄漏，空压机加载率偏高",
        "content": "超声波检漏，更换泄漏接头和快插件，停用末端闲置支管",
        "investment": 2.2, "actual": 2.2, "start": D(2026, 5, 25), "end": D(2026, 7, 3), "months": 8,
        "env_benefit": "年节电52 000 kWh", "econ_text": "约3.5万元/a",
        "savings": {"power": 52000}, "econ": {_POWER: 3.54},
    },
    {
        "option_id": "F10", "category": "设备", "cost_class": _HIGH, "stage": "审核", "origin": "行业专家",
        "name": "煮沸二次蒸汽热能回收", "problem": "煮沸锅二次蒸汽直接排放，热量和冷凝水未回收",
        "content": "增设二次蒸汽冷凝器和能量贮罐，回收热量预热麦汁，冷凝水回用于洗糟",
        "investment": 168.0, "actual": 172.5, "start": D(2026, 6, 15), "end": D(2026, 11, 27), "months": 4,
        "env_benefit": "年节约天然气185 000 m³、节水5 500 m³", "econ_text": "约69.1万元/a",
        "savings": {"gas": 185000, "water": 5500, "nox": 46.9}, "econ": {_GAS: 66.60, _WATER: 2.48},
    },
    {
        "option_id": "F11", "category": "原辅材料和资源能源", "cost_class": _HIGH, "stage": "审核", "origin": "平衡分析",
        "name": "中水回用系统扩容", "problem": "洗瓶机末道水、CIP末道水仅部分回用，其余直接排入污水站",
        "content": "扩建回用水池和过滤消毒装置，回用于洗瓶机预浸、冷却塔补水和地面冲洗",
        "investment": 85.0, "actual": 81.6, "start": D(2026, 6, 15), "end": D(2026, 11, 13), "months": 4,
        "env_benefit": "年节水38 000 m³，减排废水36 000 m³、COD 3 096 kg", "econ_text": "约21.4万元/a",
        "savings": {"water": 38000, "wastewater": 36000, "cod": 3096}, "econ": {_WATER: 17.10, _ENVIRONMENT: 4.32},
    },
    {
        "option_id": "F12", "category": "设备", "cost_class": _HIGH, "stage": "审核", "origin": "行业专家",
        "name": "制冷系统蒸发式冷凝器及变频改造", "problem": "制冷系统采用壳管式冷凝器+冷却塔，冷凝压力高，压缩机能耗大",
        "content": "更换为蒸发式冷凝器，压缩机和冷却水泵加装变频控制",
        "investment": 120.0, "actual": 118.0, "start": D(2026, 6, 15), "end": D(2026, 11, 6), "months": 4,
        "env_benefit": "年节电480 000 kWh、节水6 000 m³", "econ_text": "约36.8万元/a",
        "savings": {"power": 480000, "water": 6000}, "econ": {_POWER: 32.64, _WATER: 2.70, _MAINTENANCE: 1.50},
    },
    {
        "option_id": "F13", "category": "过程控制", "cost_class": _HIGH, "stage": "审核", "origin": "平衡分析",
        "name": "糖化过程自动控制系统升级", "problem": "糖化温度曲线手动控制，批次间收率波动大",
        "content": "糖化、过滤、煮沸工序升级为DCS自动控制，投料、温度、时间按配方执行",
        "investment": 95.0, "actual": 98.4, "start": D(2026, 6, 22), "end": D(2026, 12, 18), "months": 3,
        "env_benefit": "年节约天然气42 000 m³、电35 000 kWh、麦芽30 t", "econ_text": "约36.7万元/a",
        "savings": {"gas": 42000, "power": 35000, "malt": 30, "nox": 10.6}, "econ": {_GAS: 15.12, _POWER: 2.38, _MATERIAL: 13.20, _LABOUR: 6.00},
    },
    {
        "option_id": "F14", "category": "废弃物", "cost_class": _HIGH, "stage": "审核", "origin": "行业专家",
        "name": "UASB沼气回收用作锅炉燃料", "problem": "UASB产生的沼气经火炬燃烧，未加以利用",
        "content": "建设沼气脱硫、脱水和增压系统，沼气送燃气锅炉掺烧",
        "investment": 138.0, "actual": 142.3, "start": D(2026, 6, 22), "end": D(2026, 12, 25), "months": 3,
        "env_benefit": "年替代天然气118 000 m³", "econ_text": "约42.5万元/a",
        "savings": {"gas": 118000}, "econ": {_GAS: 42.48},
    },
    {
        "option_id": "F15", "category": "生产工艺", "cost_class": _HIGH, "stage": "审核", "origin": "平衡分析",
        "name": "高浓酿造稀释比例优化", "problem": "高浓酿造稀释比例偏低，糖化、煮沸批次多",
        "content": "扩容脱氧水制备系统，稀释比例由30%提高到35%",
        "investment": 65.0, "actual": 63.2, "start": D(2026, 6, 29), "end": D(2026, 11, 6), "months": 4,
        "env_benefit": "年节约天然气38 000 m³、电45 000 kWh、水2 000 m³", "econ_text": "约17.6万元/a",
        "savings": {"gas": 38000, "power": 45000, "water": 2000, "nox": 9.6}, "econ": {_GAS: 13.68, _POWER: 3.06, _WATER: 0.90},
    },
    {
        "option_id": "F16", "category": "设备", "cost_class": _HIGH, "stage": "审核", "origin": "审核小组",
        "name": "错流膜过滤替代硅藻土过滤", "problem": "硅藻土过滤产生废硅藻土，消耗硅藻土",
        "content": "以错流膜过滤系统替代2台硅藻土过滤机",
        "investment": 420.0, "start": None, "end": None, "months": 0,
        "env_benefit": "年减少废硅藻土420 t、硅藻土133 t", "econ_text": "约35万元/a",
        "savings": {}, "econ": {},
        "infeasible": "投资大，静态投资回收期超过10年；需停产改造，当前产能负荷下不具备条件",
    },
]

_FEASIBLE = [o for o in OPTIONS if "infeasible" not in o]
_IMPLEMENTED_LOW = [o for o in _FEASIBLE if o["cost_class"] == _LOW]
_PLANNED_HIGH = [o for o in _FEASIBLE if o["cost_class"] == _HIGH]


def _pick(option: dict, *keys: str) -> dict:
    return {k: option[k] for k in keys}


def _econ(option: dict) -> float:
    return round(sum(option["econ"].values()), 2)


D25 = [
    {"no": str(i), **_pick(o, "stage", "category", "name", "problem", "content", "origin")} for i, o in enumerate(OPTIONS, 1)
]

D30 = [
    {**_pick(o, "option_id", "category", "cost_class", "name", "content", "investment", "env_benefit"), "econ_benefit": o["econ_text"]}
    for o in OPTIONS
]

D31 = [{"no": str(i), **_pick(o, "option_id", "name", "investment")} for i, o in enumerate(_FEASIBLE, 1)]

D32 = [
    {"no": str(i), **_pick(o, "option_id", "category", "name", "content"), "reason": o["infeasible"]}
    for i, o in enumerate((o for o in OPTIONS if "infeasible" in o), 1)
]

# Implemented during the audit (审核报告 7.4): the 无/低费 options.
D34 = [
    {**_pick(o, "option_id", "category", "cost_class", "name"), "investment": o["actual"], "start": o["start"], "end": o["end"],
     "env_benefit": o["env_benefit"], "econ_benefit": _econ(o)}
    for o in _IMPLEMENTED_LOW
]

# 中/高费 implementation plan: five steps per option, dated in order; 完成情况 as of the audit report.
_STEPS = {
    "F10": ((D(2026, 6, 15), D(2026, 6, 26)), (D(2026, 6, 29), D(2026, 7, 17)), (D(2026, 7, 20), D(2026, 9, 11)), (D(2026, 9, 14), D(2026, 10, 30)), (D(2026, 11, 2), D(2026, 11, 27))),
    "F11": ((D(2026, 6, 15), D(2026, 6, 26)), (D(2026, 6, 29), D(2026, 7, 10)), (D(2026, 7, 13), D(2026, 8, 28)), (D(2026, 8, 31), D(2026, 10, 16)), (D(2026, 10, 19), D(2026, 11, 13))),
    "F12": ((D(2026, 6, 15), D(2026, 6, 26)), (D(2026, 6, 29), D(2026, 7, 17)), (D(2026, 7, 20), D(2026, 8, 21)), (D(2026, 8, 24), D(2026, 10, 9)), (D(2026, 10, 12), D(2026, 11, 6))),
    "F13": ((D(2026, 6, 22), D(2026, 7, 3)), (D(2026, 7, 6), D(2026, 7, 24)), (D(2026, 7, 27), D(2026, 9, 18)), (D(2026, 9, 21), D(2026, 11, 20)), (D(2026, 11, 23), D(2026, 12, 18))),
    "F14": ((D(2026, 6, 22), D(2026, 7, 3)), (D(2026, 7, 6), D(2026, 7, 31)), (D(2026, 8, 3), D(2026, 9, 25)), (D(2026, 9, 28), D(2026, 11, 27)), (D(2026, 11, 30), D(2026, 12, 25))),
    "F15": ((D(2026, 6, 29), D(2026, 7, 10)), (D(2026, 7, 13), D(2026, 7, 31)), (D(2026, 8, 3), D(2026, 8, 28)), (D(2026, 8, 31), D(2026, 10, 9)), (D(2026, 10, 12), D(2026, 11, 6))),
}
_STEP_NAMES = ("方案提出", "筹备资金", "设备购置", "设备安装", "调试运行")
_REPORT_DAY = COVER["report_date"]
_DEPT = {"F10": "酿造车间", "F11": "动力车间", "F12": "动力车间", "F13": "酿造车间", "F14": "安全环保部", "F15": "酿造车间"}


def _status(start: date, end: date) -> str:
    return "已完成" if end <= _REPORT_DAY else ("进行中" if start <= _REPORT_DAY else "未开始")


D35 = [
    {"option_id": o["option_id"], "name": o["name"], **({"investment": o["investment"]} if step == _STEP_NAMES[0] else {}),
     "step": step, "start": start, "end": end, "dept": _DEPT[o["option_id"]], "status": _status(start, end)}
    for o in _PLANNED_HIGH
    for step, (start, end) in zip(_STEP_NAMES, _STEPS[o["option_id"]])
]
for _i, _row in enumerate(D35, 1):
    _row["no"] = str(_i)

# ---- energy and benefit sums --------------------------------------------------------------------------

def _saved(options: list[dict], key: str) -> float:
    return sum(o["savings"].get(key, 0) for o in options)


def _kgce(options: list[dict]) -> float:
    return round(_saved(options, "gas") * GAS_COEF + _saved(options, "power") * POWER_COEF, 1)


def _by_class(options: list[dict]) -> tuple[list[dict], list[dict]]:
    return [o for o in options if o["cost_class"] == _LOW], [o for o in options if o["cost_class"] == _HIGH]


def _sum_invest(options: list[dict], key: str) -> float:
    return round(sum(o[key] for o in options), 2)


_ALL_LOW, _ALL_HIGH = _by_class(OPTIONS)
_F_LOW, _F_HIGH = _by_class(_FEASIBLE)

# ECO.1: economics of the feasible 中/高费 options; service life 15 a for plant, 10 a otherwise, and the
# municipal energy-saving subsidy granted to F14.
_LIFE = {"设备": 15}
_SUBSIDY = {"F14": 20.0}
ECO1 = [
    {
        **_pick(o, "option_id", "name", "investment"),
        "subsidy": _SUBSIDY.get(o["option_id"]),
        "saving": _econ(o),
        "life": _LIFE.get(o["category"], 10),
    }
    for o in _F_HIGH
]

# D.36 at the audit report: the feasible options (D.32's excluded); 无/低费 done, 中/高费 planned.
D36 = _fixed(
    "D.36",
    "item",
    {
        "方案数量（个）": {"low": len(_F_LOW), "high": len(_F_HIGH)},
        "已完成方案数量（个）": {"low": len(D34), "high": 0},
        "实施率（%）": {"low": 100, "high": 0},
        "预期投资": {"low": _sum_invest(_F_LOW, "investment"), "high": _sum_invest(_F_HIGH, "investment")},
        "已实现投资": {"low": _sum_invest(_IMPLEMENTED_LOW, "actual"), "high": 0},
        "投资完成率（%）": {"low": 100, "high": 0},
        "经济效益（万元/a）": {"low": round(sum(map(_econ, _F_LOW)), 2), "high": round(sum(map(_econ, _F_HIGH)), 2)},
        "节能（kgce/a）": {"low": _kgce(_F_LOW), "high": _kgce(_F_HIGH)},
        "节电（kWh/a）": {"low": _saved(_F_LOW, "power"), "high": _saved(_F_HIGH, "power")},
        "节水（m³/a）": {"low": _saved(_F_LOW, "water"), "high": _saved(_F_HIGH, "water")},
        "减排废水（m³/a）": {"low": _saved(_F_LOW, "wastewater"), "high": _saved(_F_HIGH, "wastewater")},
        "减排COD（kg/a）": {"low": _saved(_F_LOW, "cod"), "high": _saved(_F_HIGH, "cod")},
        "减排NOx（kg/a）": {"low": round(_saved(_F_LOW, "nox"), 1), "high": round(_saved(_F_HIGH, "nox"), 1)},
    },
)

_ARCHIVE_PENDING_AT_AUDIT = {
    "审核结果公示信息",
    "评估技术审查意见、验收专家意见及专家签名表",
    "生态环境管理部门出具的验收意见",
}


def _archive(kind: str) -> list[dict]:
    rows = _fixed("D.37", "item", {})
    for r in rows:
        pending = kind == "audit" and r["item"] in _ARCHIVE_PENDING_AT_AUDIT
        r["status"] = "未建立" if pending else "已建立"
    return rows


# ---- acceptance: D.38–D.43 ----------------------------------------------------------------------------

D38 = [
    {**_pick(o, "option_id", "category", "cost_class", "name"), "investment": o["actual"], "start": o["start"], "end": o["end"],
     "env_benefit": o["env_benefit"], "econ_benefit": _econ(o)}
    for o in _FEASIBLE
]

D39 = _fixed(
    "D.39",
    "item",
    {
        "审核报告方案数量（个）": {"low": len(_ALL_LOW), "high": len(_ALL_HIGH)},
        "调整后方案数量（若有，个）": {"low": len(_F_LOW), "high": len(_F_HIGH)},
        "方案实施完成数量（个）": {"low": len(_F_LOW), "high": len(_F_HIGH)},
        "实施率（%）": {"low": 100, "high": 100},
        "预期投资（万元）": {"low": _sum_invest(_F_LOW, "investment"), "high": _sum_invest(_F_HIGH, "investment")},
        "实际投资（万元）": {"low": _sum_invest(_F_LOW, "actual"), "high": _sum_invest(_F_HIGH, "actual")},
    },
)


def _period(options: list[dict], value) -> float:
    """Benefit during the audit (implementation to 2027-03-31) from the annual one."""
    return sum(value(o) * o["months"] / 12 for o in options)


def _pair(value, digits: int = 1) -> dict:
    """D.40/D.41 columns of one item: audit-period and annual values by cost class."""
    return {
        "audit_low": round(_period(_F_LOW, value), digits),
        "audit_high": round(_period(_F_HIGH, value), digits),
        "year_low": round(sum(value(o) for o in _F_LOW), digits),
        "year_high": round(sum(value(o) for o in _F_HIGH), digits),
    }


def _saving(key: str):
    return lambda o: o["savings"].get(key, 0)


def _energy(o: dict) -> float:
    return o["savings"].get("gas", 0) * GAS_COEF + o["savings"].get("power", 0) * POWER_COEF


D40 = _fixed(
    "D.40",
    "item",
    {
        "节能（kgce）": _pair(_energy),
        "节电（kWh）": _pair(_saving("power"), 0),
        "节水（m³）": _pair(_saving("water"), 0),
        "减排废水（m³）": _pair(_saving("wastewater"), 0),
        "减排COD（kg）": _pair(_saving("cod"), 0),
        "减排NOx（kg）": _pair(_saving("nox")),
    },
)


def _item(name: str):
    return lambda o: o["econ"].get(name, 0)


D41 = _fixed("D.41", "item", {name: _pair(_item(name), 2) for name in (_MATERIAL, _MAINTENANCE, _POWER, _GAS, _LABOUR, _ENVIRONMENT)}) + [
    {"no": "7", "item": _WATER, **_pair(_item(_WATER), 2)},
    {"no": "8", "item": _SALES, **_pair(_item(_SALES), 2)},
]

D43 = _fixed(
    "D.43",
    "item",
    {
        "健全持续清洁生产组织机构": {"content": "保留清洁生产领导小组和工作小组，设清洁生产专员1名，负责日常推进", "schedule": "长期", "dept": "生产技术部", "owner": "张伟"},
        "完善清洁生产管理制度": {"content": "将能源、水三级计量考核和合理化建议奖励纳入公司制度，每年修订", "schedule": "每年1月", "dept": "安全环保部", "owner": "李明"},
        "持续清洁生产方案": {"content": "实施包装车间洗瓶机热能回收、屋顶分布式光伏等方案，每年滚动筛选新方案", "schedule": "2027—2028年", "dept": "生产技术部", "owner": "刘海涛"},
        "清洁生产新技术研究与开发计划": {"content": "跟踪错流膜过滤、低能耗煮沸等技术，开展小试评估", "schedule": "2027—2029年", "dept": "技术部", "owner": "马永强"},
        "持续宣贯培训": {"content": "每半年组织一次清洁生产培训，新员工入职培训纳入清洁生产内容", "schedule": "每半年", "dept": "人力资源部", "owner": "孙丽华"},
    },
)

# ---- 审核阶段其他表 D.26–D.29 -------------------------------------------------------------------------------

D26 = [
    {"name": "电能表（二级计量）", "location": "酿造车间配电室", "model": "DTSD1352", "range": "3×1.5(6) A", "accuracy": "0.5S", "count": 6, "state": "正常", "calibration": "2025-11 检定合格"},
    {"name": "蒸汽流量计", "location": "糖化、CIP蒸汽总管", "model": "涡街 DN150", "range": "0.5–12 t/h", "accuracy": "1.0", "count": 3, "state": "正常", "calibration": "2025-10 校准合格"},
    {"name": "天然气流量计", "location": "锅炉房进气总管", "model": "涡轮 DN100", "range": "20–1 000 m³/h", "accuracy": "1.0", "count": 2, "state": "正常", "calibration": "2025-09 检定合格"},
    {"name": "水表", "location": "酿造车间进水总管、糖化、CIP", "model": "DN50–DN100", "range": "—", "accuracy": "2级", "count": 8, "state": "正常", "calibration": "2025-08 检定合格"},
    {"name": "麦汁流量计", "location": "麦汁冷却出口", "model": "电磁 DN100", "range": "0–80 m³/h", "accuracy": "0.5", "count": 2, "state": "正常", "calibration": "2025-10 校准合格"},
    {"name": "原料电子秤", "location": "粉碎前称量", "model": "料斗秤 500 kg", "range": "0–500 kg", "accuracy": "Ⅲ级", "count": 2, "state": "正常", "calibration": "2025-07 检定合格"},
    {"name": "COD在线监测仪", "location": "废水总排口", "model": "重铬酸钾法", "range": "0–1 000 mg/L", "accuracy": "±10%", "count": 1, "state": "正常", "calibration": "2025-12 比对合格"},
]

_NONE = "/"
D27 = [
    {"name": "麦芽（浸出物）", "location": "麦汁过滤", "raw": "麦芽溶解度批次差异大", "process": "洗糟终点凭经验控制", "equipment": _NONE, "control": "洗糟水温、残糖无在线监控",
     "product": _NONE, "waste": "麦糟残糖偏高", "management": "收率未纳入考核", "staff": "操作工经验差异"},
    {"name": "新鲜水", "location": "CIP清洗", "raw": _NONE, "process": "预冲洗时间固定偏长", "equipment": "末道水无回收管线", "control": "无分项计量",
     "product": _NONE, "waste": "末道水直接排放", "management": "用水未考核到车间", "staff": "节水意识不强"},
    {"name": "天然气（蒸汽）", "location": "煮沸、蒸汽管网", "raw": _NONE, "process": "二次蒸汽直接排放", "equipment": "保温破损、疏水阀失效", "control": "煮沸强度手动调节",
     "product": _NONE, "waste": "二次蒸汽及冷凝水未回收", "management": "巡检不到位", "staff": _NONE},
    {"name": "电力", "location": "制冷系统", "raw": _NONE, "process": _NONE, "equipment": "壳管式冷凝器效率低，压缩机无变频", "control": "冷凝压力偏高",
     "product": _NONE, "waste": _NONE, "management": "制冷机组未按负荷调度", "staff": _NONE},
]

D28 = [
    {"pollutant": "COD", "location": "发酵罐排酵母、罐底冲洗", "raw": _NONE, "process": "排酵母与冲洗水混排", "equipment": "无专用排酵母管线", "collection": "冲洗水直接进污水管",
     "facility": "污水站进水COD负荷波动", "control": "排酵母终点无控制", "management": "废酵母回收未考核", "staff": "操作不规范"},
    {"pollutant": "颗粒物", "location": "原料粉碎", "raw": "麦芽、大米含尘", "process": "干法粉碎", "equipment": "集气罩密闭性一般", "collection": "集气效率约90%",
     "facility": "布袋除尘器运行正常", "control": _NONE, "management": "布袋更换记录不全", "staff": _NONE},
]

D29 = [
    {"no": "1", "opinion": "煮沸二次蒸汽直接排放，建议增设二次蒸汽热能回收装置", "adoption": "已采纳，形成方案F10"},
    {"no": "2", "opinion": "制冷系统冷凝压力偏高，建议改用蒸发式冷凝器并对压缩机变频控制", "adoption": "已采纳，形成方案F12"},
    {"no": "3", "opinion": "UASB沼气经火炬燃烧，建议净化后作为锅炉燃料", "adoption": "已采纳，形成方案F14"},
    {"no": "4", "opinion": "可考虑以错流膜过滤替代硅藻土过滤，消除废硅藻土", "adoption": "未采纳：投资大、回收期长，列入持续清洁生产技术跟踪（F16）"},
]

# ---- BAL.1 物料平衡（酿造车间，2025年，t/a）--------------------------------------------------------------


def _flow(unit_op, direction, material, category, qty, counterpart, method="生产统计", component=""):
    return {"unit_op": unit_op, "direction": direction, "material": material, "category": category, "component": component,
            "qty_unit": "t/a", "qty": qty, "counterpart": counterpart, "method": method}


_IN, _OUT = "输入", "输出"
BAL1 = [
    _flow("粉碎", _IN, "麦芽", "原辅材料", 11048, "原料筒仓", component="淀粉、蛋白质，水分约5%"),
    _flow("粉碎", _IN, "大米", "原辅材料", 4706, "原料库", component="淀粉，水分约13%"),
    _flow("粉碎", _OUT, "粉碎物料", "中间产品", 15736, "糖化", "实测"),
    _flow("粉碎", _OUT, "除尘灰", "固体废物", 11.85, "随麦糟外售", "实测"),
    _flow("粉碎", _OUT, "有组织排放粉尘", "废气", 0.12, "DA002", "实测"),
    _flow("粉碎", _OUT, "无组织粉尘", "无组织排放", 1.33, "车间无组织", "理论计算"),
    _flow("糖化", _IN, "粉碎物料", "中间产品", 15736, "粉碎", "实测"),
    _flow("糖化", _IN, "糖化用水", "水", 54000, "新鲜水、二次蒸汽冷凝水", "实测"),
    _flow("糖化", _IN, "酶制剂及糖化辅料", "原辅材料", 28, "辅料库"),
    _flow("糖化", _OUT, "糖化醪", "中间产品", 69100, "麦汁过滤", "实测"),
    _flow("糖化", _OUT, "蒸发水汽", "损失", 560, "排空", "理论计算"),
    _flow("麦汁过滤", _IN, "糖化醪", "中间产品", 69100, "糖化", "实测"),
    _flow("麦汁过滤", _IN, "洗糟水", "水", 32500, "热水罐", "实测"),
    _flow("麦汁过滤", _OUT, "混合麦汁", "中间产品", 80650, "煮沸", "实测"),
    _flow("麦汁过滤", _OUT, "湿麦糟", "副产品", 19680, "外售饲料企业", "实测"),
    _flow("麦汁过滤", _OUT, "过滤残水", "废水", 1150, "污水处理站", "实测"),
    _flow("煮沸", _IN, "混合麦汁", "中间产品", 80650, "麦汁过滤", "实测"),
    _flow("煮沸", _IN, "酒花颗粒", "原辅材料", 76.7, "冷库"),
    _flow("煮沸", _OUT, "热麦汁", "中间产品", 74700, "回旋沉淀及冷却", "实测"),
    _flow("煮沸", _OUT, "二次蒸汽", "废气", 5900, "排空", "理论计算"),
    _flow("回旋沉淀及冷却", _IN, "热麦汁", "中间产品", 74700, "煮沸", "实测"),
    _flow("回旋沉淀及冷却", _OUT, "冷麦汁", "中间产品", 73250, "发酵", "实测"),
    _flow("回旋沉淀及冷却", _OUT, "热凝固物", "固体废物", 1280, "随麦糟外售", "实测"),
    _flow("回旋沉淀及冷却", _OUT, "蒸发水汽", "损失", 120, "排空", "理论计算"),
    _flow("发酵", _IN, "冷麦汁", "中间产品", 73250, "回旋沉淀及冷却", "实测"),
    _flow("发酵", _IN, "回收酵母", "循环物料", 900, "酵母回收罐", "实测"),
    _flow("发酵", _OUT, "成熟酒", "中间产品", 68750, "过滤", "实测"),
    _flow("发酵", _OUT, "回收酵母", "循环物料", 900, "酵母回收罐", "实测"),
    _flow("发酵", _OUT, "废酵母", "副产品", 1450, "外售", "实测"),
    _flow("发酵", _OUT, "回收二氧化碳", "副产品", 2100, "CO₂回收站", "实测"),
    _flow("发酵", _OUT, "排空二氧化碳", "废气", 850, "排空", "理论计算"),
    _flow("过滤", _IN, "成熟酒", "中间产品", 68750, "发酵", "实测"),
    _flow("过滤", _IN, "脱氧稀释水", "水", 37500, "脱氧水站", "实测"),
    _flow("过滤", _IN, "硅藻土", "原辅材料", 133, "辅料库"),
    _flow("过滤", _IN, "稳定剂", "原辅材料", 12, "辅料库"),
    _flow("过滤", _OUT, "清酒", "产品", 105400, "包装车间", "实测"),
    _flow("过滤", _OUT, "废硅藻土", "固体废物", 420, "建材企业利用", "实测"),
    _flow("过滤", _OUT, "头尾酒", "废水", 480, "污水处理站", "实测"),
    _flow("CIP清洗", _IN, "清洗用水", "水", 26000, "新鲜水", "实测"),
    _flow("CIP清洗", _IN, "氢氧化钠（折100%）", "原辅材料", 97.2, "碱罐"),
    _flow("CIP清洗", _IN, "酸性清洗剂", "原辅材料", 35, "化学品库"),
    _flow("CIP清洗", _OUT, "CIP废水", "废水", 25700, "污水处理站", "实测"),
    _flow("CIP清洗", _OUT, "蒸发及设备残留", "损失", 300, "—", "理论计算"),
]
for _i, _row in enumerate(BAL1, 1):
    _row["no"] = str(_i)

# ---- BAL.2 水平衡（酿造车间，实测期日均，m³/d）-------------------------------------------------------------

BAL2 = [
    {"no": "1", "unit": "糖化及麦汁制备", "fresh": 265, "reused": 45, "consumed": 215, "discharged": 46, "leaked": 3, "method": "实测", "remark": "耗水为进入麦汁、麦糟和蒸发的水"},
    {"no": "2", "unit": "麦汁冷却", "fresh": 30, "reused": 380, "consumed": 27, "discharged": 2, "leaked": 1, "method": "实测", "remark": "冷却热水进热水罐回用"},
    {"no": "3", "unit": "发酵及过滤", "fresh": 128, "reused": 0, "consumed": 112, "discharged": 14.5, "leaked": 1.5, "method": "实测", "remark": "稀释水进入成品酒"},
    {"no": "4", "unit": "CIP清洗", "fresh": 79, "reused": 55, "consumed": 1.5, "discharged": 76.7, "leaked": 0.8, "method": "实测", "remark": "末道水回用于预冲洗"},
    {"no": "5", "unit": "制冷冷却循环水", "fresh": 62, "reused": 4800, "consumed": 48, "discharged": 13.5, "leaked": 0.5, "method": "实测", "remark": "蒸发、风吹损失计入耗水"},
    {"no": "6", "unit": "车间地面冲洗及生活", "fresh": 12, "reused": 0, "consumed": 1.2, "discharged": 10.6, "leaked": 0.2, "method": "理论计算", "remark": "排入污水处理站"},
]

# ---- BAL.3 能量平衡（酿造车间，2025年，kgce/a）-------------------------------------------------------------

BAL3 = [
    {"no": "1", "unit": "糖化煮沸系统（蒸汽）", "energy": "天然气", "supplied": 1180000, "effective": 1003000, "loss_flue": 118000, "loss_surface": 41300,
     "loss_other": 17700, "method": "实测", "remark": "含锅炉产汽损失分摊；其他损失为二次蒸汽未回收部分"},
    {"no": "2", "unit": "CIP及热水系统（蒸汽）", "energy": "天然气", "supplied": 460000, "effective": 372600, "loss_flue": 46000, "loss_surface": 27600,
     "loss_other": 13800, "method": "实测", "remark": "含锅炉产汽损失分摊"},
    {"no": "3", "unit": "制冷系统", "energy": "电力", "supplied": 420000, "effective": 361200, "loss_surface": 25200, "loss_other": 33600, "method": "实测",
     "remark": "其他损失为电机、传动损失"},
    {"no": "4", "unit": "泵、搅拌及过滤设备", "energy": "电力", "supplied": 186000, "effective": 163700, "loss_surface": 9300, "loss_other": 13000, "method": "实测"},
    {"no": "5", "unit": "照明及辅助", "energy": "电力", "supplied": 28000, "effective": 25200, "loss_other": 2800, "method": "理论计算"},
]

# ---- BAL.4 特征污染物平衡（COD、颗粒物，2025年，t/a）---------------------------------------------------------

BAL4 = [
    {"no": "1", "pollutant": "COD", "stage": "糖化及麦汁过滤（残水、冲洗水）", "generated": 168.0, "capture": "管道收集", "capture_eff": 1.0, "collected": 168.0,
     "facility": "污水处理站（UASB+A/O）", "removal_eff": 0.958, "removed": 160.94, "stack": 7.06, "fugitive": 0, "outlet": "DW001→城市污水处理厂", "method": "实测法"},
    {"no": "2", "pollutant": "COD", "stage": "发酵及过滤（酵母、酒液、CIP）", "generated": 246.0, "capture": "管道收集", "capture_eff": 1.0, "collected": 246.0,
     "facility": "污水处理站（UASB+A/O）", "removal_eff": 0.958, "removed": 235.67, "stack": 10.33, "fugitive": 0, "outlet": "DW001→城市污水处理厂", "method": "实测法"},
    {"no": "3", "pollutant": "颗粒物", "stage": "原料粉碎", "generated": 13.30, "capture": "集气罩", "capture_eff": 0.90, "collected": 11.97,
     "facility": "脉冲布袋除尘器", "removal_eff": 0.99, "removed": 11.85, "stack": 0.12, "fugitive": 1.33, "outlet": "DA002", "method": "物料衡算法"},
]

# ---- SCO.1 / SCO.2 权重总和计分排序 ----------------------------------------------------------------------

# 其他（自定） is 安全风险 for the audit focus and 实施周期（对生产的影响） for the options (章节文字 4.4.2, 6.3).
_FOCUS_WEIGHTS = {"no": "权重值W", "waste": 10, "consumption": 8, "env_cost": 8, "toxic": 8, "potential": 5, "market": 5, "workshop": 2, "other": 3}


def _focus(no, candidate, scores, basis):
    keys = ("waste", "consumption", "env_cost", "toxic", "potential", "market", "workshop", "other")
    return {"no": no, "candidate": candidate, **dict(zip(keys, scores)), "basis": basis}


SCO1 = [
    _FOCUS_WEIGHTS,
    _focus("1", "酿造车间", (9, 10, 8, 3, 9, 8, 9, 6), "原料、蒸汽、冷量消耗最大，COD主要来源"),
    _focus("2", "包装车间", (8, 8, 7, 3, 7, 7, 8, 7), "洗瓶、杀菌用水用汽量大，碎玻璃多"),
    _focus("3", "动力车间", (6, 9, 7, 2, 8, 6, 8, 9), "锅炉、制冷、空压集中耗能；液氨制冷安全风险高"),
    _focus("4", "污水处理站", (8, 5, 8, 4, 6, 4, 6, 6), "沼气未利用，污泥量大"),
]

_OPTION_WEIGHTS = {"no": "权重值W", "environment": 10, "economy": 8, "technology": 8, "feasibility": 6, "other": 4}


def _ranked(no, option_id, scores, conclusion):
    name = next(o["name"] for o in OPTIONS if o["option_id"] == option_id)
    keys = ("environment", "economy", "technology", "feasibility", "other")
    return {"no": no, "option_id": option_id, "option": name, **dict(zip(keys, scores)), "conclusion": conclusion}


_RECOMMENDED = "推荐进入可行性分析"
SCO2 = [
    _OPTION_WEIGHTS,
    _ranked("1", "F10", (9, 9, 8, 8, 7), _RECOMMENDED),
    _ranked("2", "F11", (8, 7, 9, 9, 8), _RECOMMENDED),
    _ranked("3", "F12", (8, 8, 8, 8, 7), _RECOMMENDED),
    _ranked("4", "F13", (7, 8, 8, 7, 6), _RECOMMENDED),
    _ranked("5", "F14", (8, 8, 7, 7, 7), _RECOMMENDED),
    _ranked("6", "F15", (6, 7, 8, 8, 8), _RECOMMENDED),
]

# ---- IND.1 清洁生产指标对标（示例基准值）----------------------------------------------------------------------

_SMALL, _LARGE = "越小越好", "越大越好"


def _ind(no, level1, w1, indicator, unit, w2, limiting, direction, levels, before, after, remark):
    return {"no": no, "level1": level1, "w1": w1, "indicator": indicator, "unit": unit, "w2": w2, "limiting": limiting,
            "direction": direction, "level_1": levels[0], "level_2": levels[1], "level_3": levels[2],
            "value_before": before, "value_after": after, "remark": remark}


_RES, _USE, _POL = "资源能源消耗指标", "资源综合利用指标", "污染物产生指标"
IND1 = [
    _ind("1", _RES, 0.40, "单位产品取水量", "m³/kL", 0.35, "是", _SMALL, (3.5, 4.5, 6.0), 4.30, 3.66, "新鲜水量÷啤酒产量（水资源消耗表、产品产量一览表）"),
    _ind("2", _RES, 0.40, "单位产品综合能耗", "kgce/kL", 0.35, "是", _SMALL, (35.0, 45.0, 55.0), 37.87, 32.18, "综合能耗情况表合计÷啤酒产量，电力按当量值"),
    _ind("3", _RES, 0.40, "单位产品耗电量", "kWh/kL", 0.15, "否", _SMALL, (80.0, 95.0, 110.0), 89.00, 82.43, "能源消耗情况表"),
    _ind("4", _RES, 0.40, "单位产品原料消耗（麦芽+大米）", "kg/kL", 0.15, "否", _SMALL, (150.0, 160.0, 170.0), 154.0, 152.87, "主要原辅材料消耗表"),
    _ind("5", _USE, 0.25, "麦糟综合利用率", "%", 0.50, "否", _LARGE, (100.0, 98.0, 95.0), 100.0, 100.0, "固体废物产生及处理处置情况"),
    _ind("6", _USE, 0.25, "废酵母综合利用率", "%", 0.50, "否", _LARGE, (100.0, 95.0, 90.0), 92.0, 100.0, "方案F06实施后全部回收外售"),
    _ind("7", _POL, 0.35, "单位产品废水产生量", "m³/kL", 0.50, "是", _SMALL, (3.0, 4.0, 5.0), 2.93, 2.46, "工业废水量÷啤酒产量（废水主要污染物监测情况表）"),
    _ind("8", _POL, 0.35, "单位产品COD产生量", "kg/kL", 0.50, "是", _SMALL, (8.0, 10.0, 12.0), 5.96, 5.87, "污水站进水COD×水量÷啤酒产量"),
]

# ---- acceptance extras ACC.1–ACC.3 ---------------------------------------------------------------------

ACC1 = [
    {"no": "1", "opinion": "补充酿造车间水平衡测试数据及测试期间生产负荷说明", "action": "已补充2026年5月连续7天实测数据及生产负荷（92%）", "revision": "5.2.1、5.2.2节，表BAL.2", "page": "42"},
    {"no": "2", "opinion": "核实天然气折标准煤系数取值依据", "action": "按供气单位提供的低位发热值35 590 kJ/m³折算，附供气单位证明", "revision": "4.1.2节，参数表", "page": "25"},
    {"no": "3", "opinion": "细化中/高费方案经济效益计算过程，明确价格依据", "action": "补充能源、水和原料价格依据及逐项计算过程", "revision": "7.2节", "page": "68"},
    {"no": "4", "opinion": "完善持续清洁生产计划，明确责任人和时间", "action": "已明确各项计划的责任部门、责任人和时间安排", "revision": "持续清洁生产计划", "page": "96"},
]

ACC2 = [
    {"no": "1", "option_id": "F13", "name": "糖化过程自动控制系统升级", "kind": "内容调整", "process": "控制范围增加麦汁冷却和充氧工序",
     "equipment": "增加麦汁溶氧在线检测仪1台", "effect": "麦汁冷却、充氧自动控制，节能效果不变", "reason": "审核评估专家建议扩大自动控制范围",
     "inv_before": 95.0, "inv_after": 98.4, "feasibility": "技术、经济可行"},
    {"no": "2", "option_id": "F16", "name": "错流膜过滤替代硅藻土过滤", "kind": "取消实施", "process": "/", "equipment": "/", "effect": "/",
     "reason": "审核报告已判定为不可行方案（见不可行方案汇总表），不纳入本轮实施", "inv_before": 420.0, "inv_after": 0, "feasibility": "不可行"},
]

_AFTER_WATER = FRESH_WATER_M3[2] - _saved(_FEASIBLE, "water")
_AFTER_GAS = GAS_M3[2] - _saved(_FEASIBLE, "gas")
_AFTER_POWER = POWER_KWH[2] - _saved(_FEASIBLE, "power")


def _co2(gas_m3: float, power_kwh: float) -> float:
    """tCO₂ of natural gas (as standard coal) and grid power at the default factors, DB4101/T 61 表E.4 注b."""
    return round(carbon.co2_from_tce(gas_m3 * GAS_COEF) + carbon.co2(power_kwh, "电力"))


ACC3 = [
    {"no": "1", "category": "资源能源", "indicator": "新鲜水用量", "unit": "m³/a", "before": FRESH_WATER_M3[2], "after": _AFTER_WATER, "remark": "F02、F04、F07、F10、F11、F12、F15"},
    {"no": "2", "category": "资源能源", "indicator": "单位产品新鲜水耗", "unit": "m³/kL", "before": 4.30, "after": 3.66, "remark": "按基准期产量折算"},
    {"no": "3", "category": "资源能源", "indicator": "天然气用量", "unit": "m³/a", "before": GAS_M3[2], "after": _AFTER_GAS, "remark": "F03、F10、F13、F14、F15"},
    {"no": "4", "category": "资源能源", "indicator": "用电量", "unit": "kWh/a", "before": POWER_KWH[2], "after": _AFTER_POWER, "remark": "F07、F09、F12、F13、F15"},
    {"no": "5", "category": "资源能源", "indicator": "单位产品综合能耗", "unit": "kgce/kL", "before": 37.87, "after": 32.18, "remark": "电力按当量值"},
    {"no": "6", "category": "原辅材料", "indicator": "单位产品原料消耗", "unit": "kg/kL", "before": 154.0, "after": 152.87, "remark": "F01、F05、F13"},
    {"no": "7", "category": "污染物排放", "indicator": "COD排放量", "unit": "t/a", "before": 28.87, "after": 24.37, "remark": "F02、F04、F06、F07、F11"},
    {"no": "8", "category": "污染物排放", "indicator": "氮氧化物排放量", "unit": "t/a", "before": 0.57, "after": 0.50, "remark": "节约天然气相应减排"},
    {"no": "9", "category": "碳排放", "indicator": "二氧化碳排放量（天然气、电力）", "unit": "tCO₂/a", "before": _co2(GAS_M3[2], POWER_KWH[2]),
     "after": _co2(_AFTER_GAS, _AFTER_POWER),
     "remark": f"天然气按标准煤{carbon.COAL_CO2_FACTOR.value} tCO₂/tce，电力按{carbon.GRID_CO2_FACTOR.value} tCO₂/MWh"},
]

# ---- 附录E ---------------------------------------------------------------------------------------------

E1 = [
    {"no": "1", "name": "高峰", "dept": "酿造车间", "phone": "0371-60000011", "date": D(2026, 3, 24), "title": "控制洗糟终点降低麦糟残糖", "category": "原辅材料和资源能源",
     "problem": "麦糟残糖偏高", "solution": "以残糖0.6°P为洗糟终点", "cost": 0.8, "env_benefit": "减少麦芽消耗", "econ_benefit": "约30万元/a"},
    {"no": "2", "name": "赵磊", "dept": "酿造车间", "phone": "0371-60000012", "date": D(2026, 3, 25), "title": "CIP末道水回收用于预冲洗", "category": "生产工艺",
     "problem": "CIP末道水直接排放", "solution": "增加回收罐和管线", "cost": 1.5, "env_benefit": "节水、减少烧碱", "econ_benefit": "约7万元/a"},
    {"no": "3", "name": "郑国平", "dept": "动力车间", "phone": "0371-60000013", "date": D(2026, 3, 26), "title": "修复蒸汽管道保温", "category": "设备",
     "problem": "保温破损、疏水阀漏汽", "solution": "修复保温，更换疏水阀", "cost": 3.8, "env_benefit": "节约天然气", "econ_benefit": "约10万元/a"},
    {"no": "4", "name": "吴晓燕", "dept": "包装车间", "phone": "0371-60000014", "date": D(2026, 3, 30), "title": "控制灌装超装", "category": "产品",
     "problem": "净含量超装", "solution": "校准液位探头，每班抽检", "cost": 2.0, "env_benefit": "减少酒液损失", "econ_benefit": "约20万元/a"},
    {"no": "5", "name": "钱军", "dept": "酿造车间", "phone": "0371-60000015", "date": D(2026, 4, 1), "title": "废酵母专管回收", "category": "废弃物",
     "problem": "废酵母随冲洗水进入污水站", "solution": "排酵母专用管线和回收罐", "cost": 1.2, "env_benefit": "减少COD", "econ_benefit": "约6万元/a"},
    {"no": "6", "name": "郑国平", "dept": "动力车间", "phone": "0371-60000013", "date": D(2026, 4, 2), "title": "压缩空气管网检漏", "category": "设备",
     "problem": "管网泄漏", "solution": "超声波检漏并更换接头", "cost": 2.2, "env_benefit": "节电", "econ_benefit": "约3.5万元/a"},
    {"no": "7", "name": "李明", "dept": "安全环保部", "phone": "0371-60000001", "date": D(2026, 4, 8), "title": "扩大中水回用", "category": "原辅材料和资源能源",
     "problem": "洗瓶机末道水部分外排", "solution": "扩建回用水池及处理装置", "cost": 85.0, "env_benefit": "节水、减排废水", "econ_benefit": "约21万元/a"},
    {"no": "8", "name": "何静", "dept": "质量管理部", "phone": "0371-60000016", "date": D(2026, 4, 10), "title": "用水分项计量", "category": "过程控制",
     "problem": "用水无分项计量", "solution": "安装远传水表", "cost": 2.6, "env_benefit": "节水", "econ_benefit": "约1.4万元/a"},
]

_TEAM = {"staff": "周文静、杨帆", "certificate": "CPA-2019-0158、CPA-2020-0372", "title": "高级工程师、工程师", "mobile": "13800000001、13800000002"}
E2 = [
    {"no": "1", "start": D(2026, 3, 2), "end": D(2026, 3, 4), **_TEAM, "work": "审核启动会，清洁生产培训，收集基础资料", "evaluation": "满意"},
    {"no": "2", "start": D(2026, 3, 23), "end": D(2026, 3, 27), **_TEAM, "work": "现场考察，发现问题，征集合理化建议", "evaluation": "满意"},
    {"no": "3", "start": D(2026, 4, 13), "end": D(2026, 4, 17), **_TEAM, "work": "确定审核重点和目标，指导无/低费方案实施", "evaluation": "满意"},
    {"no": "4", "start": D(2026, 5, 11), "end": D(2026, 5, 19), "staff": "杨帆、韩雪", "certificate": "CPA-2020-0372、CPA-2021-0415", "title": "工程师、工程师",
     "mobile": "13800000002、13800000003", "work": "酿造车间物料、水、能量平衡实测", "evaluation": "满意，实测组织细致"},
    {"no": "5", "start": D(2026, 6, 8), "end": D(2026, 6, 10), **_TEAM, "work": "方案产生和筛选，行业专家现场咨询", "evaluation": "满意"},
    {"no": "6", "start": D(2026, 7, 6), "end": D(2026, 7, 8), "staff": "周文静、韩雪", "certificate": "CPA-2019-0158、CPA-2021-0415", "title": "高级工程师、工程师",
     "mobile": "13800000001、13800000003", "work": "中/高费方案可行性分析", "evaluation": "满意"},
    {"no": "7", "start": D(2026, 12, 14), "end": D(2026, 12, 16), **_TEAM, "work": "中/高费方案实施效果核查", "evaluation": "满意"},
    {"no": "8", "start": D(2027, 3, 8), "end": D(2027, 3, 10), **_TEAM, "work": "审核成效核定，持续清洁生产计划，验收资料整理", "evaluation": "满意"},
]

E3 = [
    {"name": "赵志远", "unit": "华中轻工技术研究院", "position": "总工程师", "title": "教授级高级工程师", "field": "啤酒酿造工艺与节能节水", "contact": "13800000009",
     "email": "zhaozy@example.com",
     "opinion": "企业审核重点选择合理；建议增设煮沸二次蒸汽热能回收、制冷系统蒸发式冷凝器及变频改造、UASB沼气回收利用；错流膜过滤技术可持续跟踪。",
     "date": D(2026, 6, 9)},
]

_E4_METHOD = "按方案实施前后计量数据对比，按基准期产量折算全年"
E4_FORM = {"targets": "、".join(r["indicator"] for r in D24)}
E4 = _fixed(
    "E.4",
    "indicator",
    {
        "废水": {"audit": round(_period(_FEASIBLE, _saving("wastewater"))), "annual": _saved(_FEASIBLE, "wastewater"), "method": _E4_METHOD},
        "化学需氧量": {"audit": round(_period(_FEASIBLE, _saving("cod")) / 1000, 3), "annual": round(_saved(_FEASIBLE, "cod") / 1000, 3),
                  "method": "减排废水量×排口COD平均浓度86 mg/L，加废酵母回收减排量"},
        "氮氧化物": {"audit": round(_period(_FEASIBLE, _saving("nox")) / 1000, 4), "annual": round(_saved(_FEASIBLE, "nox") / 1000, 4),
                 "method": "节约天然气量×基准期排放强度0.253 g/m³（沼气替代部分不计）"},
        "节水": {"audit": round(_period(_FEASIBLE, _saving("water"))), "annual": _saved(_FEASIBLE, "water"), "method": _E4_METHOD},
        "节电": {"audit": round(_period(_FEASIBLE, _saving("power"))), "annual": _saved(_FEASIBLE, "power"), "method": _E4_METHOD},
        "节天然气": {"audit": round(_period(_FEASIBLE, _saving("gas"))), "annual": _saved(_FEASIBLE, "gas"), "method": _E4_METHOD,
                 "other": "含沼气替代天然气118 000 m³/a"},
    },
)

# ---- 章节文字 ------------------------------------------------------------------------------------------

A = "【数据分析】"  # a line of 章节文字 the report fills with the analysis of the data

SECTION_TEXTS = {
    "前言": (
        "清泉啤酒有限公司位于河南省郑州市中牟县，主要生产啤酒，设计产能12万kL/a。公司于2021年完成第一轮清洁生产审核，"
        "为持续降低资源能源消耗和污染物排放，于2026年3月自愿开展第二轮清洁生产审核，委托豫清环境技术咨询有限公司提供技术咨询，"
        "并聘请行业专家参与方案研制。本报告按照DB4101/T 61—2023的要求编制。"
    ),
    "1.1": (
        "通过本轮审核，摸清企业资源能源消耗和污染物产生排放现状，查找酿造车间物料、水和能量损失的环节和原因，"
        "提出并实施清洁生产方案，使单位产品新鲜水耗、综合能耗、耗电量和COD排放量明显下降，巩固国内清洁生产先进水平，"
        "并建立持续清洁生产的长效机制。"
    ),
    "1.2": "坚持企业自主、全员参与、边审核边实施、注重实效的原则，以节水、节能、降耗和减污为重点。",
    "1.4": (
        "审核范围为公司厂区内全部生产系统，包括酿造车间（粉碎、糖化、过滤、煮沸、发酵、清酒过滤）、包装车间、动力车间"
        "（锅炉、制冷、空压）及污水处理站等辅助和环保设施。"
    ),
    "2.1": (
        "公司于2020年3月至2021年6月开展第一轮清洁生产审核，审核重点为包装车间，设定的节水、节电目标均已完成，"
        "2021年12月通过验收，审核后清洁生产水平为国内先进水平。"
    ),
    "2.2": "上一轮共实施方案14项，其中中/高费方案3项（洗瓶机节水改造、杀菌机热水回收、污水处理站生物除臭改造），总投资486万元，年经济效益约96万元。",
    "4.4.2": (
        "采用权重总和计分排序法，从废弃物量、主要消耗、环境代价、有毒有害物质、清洁生产潜力、市场发展潜力、车间积极性和"
        "其他（自定）八个因素对四个备选审核重点打分，其中“其他（自定）”因素取安全风险，权重值为3。酿造车间总分379分，"
        "排序第一，确定为本轮审核重点。"
    ),
    "6.3": (
        "本轮方案按投资额划分：5万元以下为无/低费方案，5万元及以上为中/高费方案。经定性筛选，F01～F15可行或初步可行，"
        "F16因投资大、回收期长列为不可行方案。对初步可行的中/高费方案采用权重总和计分排序法进一步排序，"
        "“其他（自定）”因素取实施周期（对生产的影响），权重值为4。"
    ),
    "1.3": ("以节水、节能、降低原料消耗和减少COD产生为主线，按照审核准备、预审核、审核、方案产生和筛选、方案确定、方案实施、"
            "持续清洁生产七个阶段开展工作：先摸清全厂现状、对标行业清洁生产水平，再以酿造车间为审核重点开展物料、水、能量平衡实测，"
            "从八个方面查找问题原因，边审核边实施无/低费方案，对中/高费方案逐项开展可行性分析。"),
    "1.5": ("本轮审核从原辅材料和资源能源（麦芽、大米、水、天然气、电力）、生产工艺（糖化、煮沸、发酵、过滤）、设备（锅炉、制冷、空压、"
            "CIP系统）、过程控制（自动控制和计量）、产品（酒损和灌装精度）、废弃物（麦糟、废酵母、废硅藻土、废水）、管理和员工八个方面开展。"),
    "1.6": ("本行业适用的清洁生产评价指标体系按一级指标（资源能源消耗、资源综合利用、污染物产生）和二级指标设置权重和Ⅰ/Ⅱ/Ⅲ级基准值，"
            "本轮据此对标8项定量指标，并以单位产品新鲜水耗、综合能耗、耗电量、原料消耗、COD排放量和酒损率作为审核目标指标。"),
    "1.7": ("依据《清洁生产审核办法》和DB11/T 1156，本轮审核程序为：审核准备→预审核→审核→方案产生和筛选→方案确定→方案实施→"
            "持续清洁生产，各阶段工作计划见3.2节。"),
    "1.8": A,
    "2": "企业已于2020—2021年完成第一轮清洁生产审核，本轮为第二轮审核。",
    "2.3": ("上一轮审核结束后，企业将清洁生产纳入年度经营计划，2022—2025年陆续实施LED照明改造、空压机余热回收、污水站曝气风机变频等"
            "改造7项，累计投资约210万元，年节电约60万kWh；建立了能源和用水月度统计分析制度。"),
    "3.1": A + "\n领导小组负责审定审核重点、目标和中/高费方案，工作小组负责数据收集、平衡实测、方案研制和实施，咨询小组负责技术指导和报告编制。",
    "3.2": A,
    "3.3": ("2026年3月3日在公司会议室召开审核启动暨培训会，由咨询单位讲解清洁生产审核方法，管理人员和班组长共62人参加；"
            "3月9日—13日各车间分班组开展宣贯，共培训312人次。针对“清洁生产就是环保检查”“审核影响生产”等思想障碍，"
            "采取案例讲解、领导带头和合理化建议奖励等方式解决。"),
    "3.4": ("2026年3月下旬通过车间座谈、建议箱和企业微信征集合理化建议42条，经工作小组筛选汇总为8条可行建议（见附件清洁生产合理化建议表），"
            "其中6条纳入备选方案。"),
    "3.5": "企业于2026年3月16日在公司网站和厂区公示栏公示了企业基本信息、主要污染物排放情况和开展清洁生产审核的情况。",
    "4.1.1": A + "\n企业组织机构设总经理办公室、生产技术部、质量管理部、安全环保部及酿造、包装、动力三个车间；"
             "管理上存在能源计量到车间但未到工序、用水考核不细等问题，本轮提出完善三级计量和用水考核的措施。",
    "4.1.2": ("企业采用麦芽粉碎—糖化—过滤—煮沸—回旋沉淀—冷却—发酵—过滤—灌装的啤酒生产工艺，主要产污环节为糖化和过滤（麦糟）、"
              "发酵（废酵母、CO₂）、过滤（废硅藻土）、包装和CIP清洗（废水）及锅炉（烟气）。\n" + A +
              "\n分析表明，吨酒水耗和能耗已处于行业先进水平，但糖化、煮沸环节的热能回收和CIP用水仍有潜力。"),
    "4.1.3": ("企业执行排污许可制度，废水经厂内污水处理站（调节+UASB+A/O+混凝沉淀）处理后排入市政管网，锅炉采用低氮燃烧器。\n" + A),
    "4.1.4": ("企业建立了ISO 9001、ISO 14001和ISO 50001管理体系，原料采购执行供应商评价和进厂检验，生产执行工艺规程和岗位责任制，"
              "产品出厂逐批检验。能源和用水实行车间月度考核，但工序级计量不足，员工节能节水奖惩办法有待完善。"),
    "4.2": ("2026年3月23日—27日，工作小组和咨询小组对全厂各车间进行现场考察，重点考察酿造车间糖化、煮沸、过滤工序和动力车间锅炉、制冷系统，"
            "发现煮沸二次蒸汽直排、CIP末道水未回收、蒸汽管道保温破损、制冷系统冷凝压力偏高等问题，据此提出合理化建议和备选方案。"),
    "4.3.1": A + "\n与行业先进水平相比，企业单位产品取水量和废酵母综合利用率存在差距，主要原因是CIP和洗瓶用水回用不足、废酵母未完全回收。",
    "4.3.2": ("从八个方面分析，企业清洁生产潜力主要在：煮沸二次蒸汽和制冷系统的能量回收；CIP和洗瓶用水的梯级利用；"
              "糖化过程自动控制减少原料和能源浪费；废酵母、沼气等资源化利用。本轮审核的总体方向是节能、节水和减污降碳。"),
    "4.4.1": ("根据各车间物耗、能耗、水耗和污染物产生情况，选取酿造车间、包装车间、动力车间和污水处理站四个备选审核重点："
              "酿造车间耗用全部原料和约45%的热能，包装车间用水最多，动力车间能耗集中，污水处理站COD负荷大。"),
    "4.5": A + "\n目标设置依据行业清洁生产评价指标体系先进值、企业历史最好水平和备选方案的预期效果，近期目标年为2026年，中期目标年为2028年。",
    "4.6": A,
    "5.1": ("酿造车间包括粉碎、糖化、过滤、煮沸、回旋沉淀、麦汁冷却、发酵和清酒过滤等单元操作，年耗用麦芽和大米约1.56万t，"
            "主要输出为麦汁/啤酒、麦糟、废酵母、废硅藻土、CIP废水和煮沸二次蒸汽。"),
    "5.2": "本轮以节水、节能和降低原料消耗目标为导向，在酿造车间开展物料、水、能量和COD平衡实测。",
    "5.2.1": ("2026年5月11日—19日在正常生产负荷（约92%）下连续实测7天，物料按批次称量，水量由远传水表计量，蒸汽和天然气由流量计计量。\n"
              + A),
    "5.2.2": A + "\n平衡结果表明，物料损失主要在过滤和发酵环节，水的损失主要在CIP末道水和洗糟水，热能损失主要在煮沸二次蒸汽直排。",
    "5.2.3": A + "\n针对上述问题，从原辅材料、工艺、设备、过程控制、管理等方面提出了改进措施，形成审核阶段备选方案。",
    "5.3": A,
    "6.1": ("方案来源包括员工合理化建议、现场考察、平衡测试分析、行业专家咨询和同行业先进技术对标。\n" + A),
    "6.2": A,
    "7.1": ("对6项中/高费方案，工作小组会同设备供应商和行业专家完成了工艺流程设计、设备选型和投资估算，方案研制内容见7.2节各方案。"),
    "7.2": A,
    "7.2.1": ("方案介绍：煮沸锅二次蒸汽直接排空，热量损失大。方案增设二次蒸汽冷凝器和能量贮罐，回收热量预热麦汁，冷凝水回用于洗糟。\n"
              "技术评估：该技术在国内大中型啤酒企业应用成熟，不影响麦汁质量，技术可行。\n"
              "环境评估：年节约天然气185 000 m³、节水5 500 m³，减少二次蒸汽排放，环境可行。\n" + A + "\n可行性结论：技术、环境、经济均可行，推荐实施。"),
    "7.2.2": ("方案介绍：洗瓶机末道水部分外排。方案扩建回用水池和过滤消毒装置，回用于洗瓶机预浸、冷却塔补水和地面冲洗。\n"
              "技术评估：过滤消毒工艺成熟，回用水质满足用途要求，技术可行。\n"
              "环境评估：年节水38 000 m³，减排废水36 000 m³、COD 3 096 kg，环境可行。\n" + A + "\n可行性结论：可行，推荐实施。"),
    "7.2.3": ("方案介绍：制冷系统采用壳管式冷凝器，冷凝压力偏高。方案更换为蒸发式冷凝器，压缩机和冷却水泵加装变频控制。\n"
              "技术评估：蒸发式冷凝器和变频技术成熟可靠，技术可行。\n"
              "环境评估：年节电480 000 kWh、节水6 000 m³，环境可行。\n" + A + "\n可行性结论：可行，推荐实施。"),
    "7.2.4": ("方案介绍：糖化、过滤、煮沸工序以人工操作为主，温度和时间波动大。方案升级为DCS自动控制，投料、温度、时间按配方执行。\n"
              "技术评估：DCS系统在啤酒行业普遍应用，技术可行。\n"
              "环境评估：减少原料和蒸汽浪费，提高麦汁收得率，环境可行。\n" + A + "\n可行性结论：可行，推荐实施。"),
    "7.2.5": ("方案介绍：污水站UASB沼气经火炬燃烧。方案建设沼气脱硫、脱水和增压系统，沼气送燃气锅炉掺烧。\n"
              "技术评估：沼气净化和锅炉掺烧技术成熟，需落实防爆安全措施，技术可行。\n"
              "环境评估：年替代天然气118 000 m³，减少温室气体排放，环境可行。\n" + A + "\n可行性结论：可行，推荐实施。"),
    "7.2.6": ("方案介绍：高浓酿造稀释比例为30%。方案扩容脱氧水制备系统，稀释比例提高到35%。\n"
              "技术评估：高浓酿造为行业成熟技术，酒体质量经小试验证稳定，技术可行。\n"
              "环境评估：年节约天然气38 000 m³、电45 000 kWh、水2 000 m³，环境可行。\n" + A + "\n可行性结论：可行，推荐实施。"),
    "7.3": A + "\n各目标均有方案支撑，可行方案全部实施后，本轮近期目标可以实现。",
    "7.4": A,
    "7.5": A + "\n中/高费方案由生产技术部统一组织，资金由企业自筹（F14申请节能减排补助20万元）。",
    "8": A,
    "附图": "附图包括企业地理位置图、厂区平面布置图、组织机构图、信息公示截图、宣贯培训图片、现场考察图片及主要方案实施前后对比照片。",
    "附件": "附件包括审核启动文件、咨询服务委托书、排污许可证、监测报告、危险废物转移联单，以及清洁生产合理化建议表、审核咨询小组现场工作登记表和外聘行业专家意见表。",
}

#: Acceptance report sections (附录B.2 第八章至第十一章).
ACCEPTANCE_TEXTS = {
    "8": ("2026年8月26日，郑州市组织专家对企业清洁生产审核报告进行技术审查，审查结论为通过，并提出4条修改意见。\n" + A),
    "9.1": A + "\n方案资金全部由企业自筹落实，F14获得节能减排补助20万元；F13按评估意见扩大控制范围，F16不纳入本轮实施。",
    "9.2": A + "\n各无/低费方案的效益按实施前后三个月计量数据对比核定，按基准期产量折算全年。",
    "9.3": A + "\n各中/高费方案的投资以合同和发票核定，效益按实施后连续运行计量数据核算，价格依据见7.2节。",
    "9.4": A,
    "9.5.1": A,
    "9.5.2": A + "\n各目标的支撑方案见表中“支撑方案”列，核算数据来自企业能源、用水台账和在线监测。",
    "9.5.3": A + "\n审核后各项污染物稳定达标排放，危险废物全部交有资质单位处置。",
    "9.5.4": A,
    "9.6": "企业通过内部简报、宣传栏和员工大会宣传审核成效，并于2027年3月在公司网站公示审核结果。",
    "10.1": "企业保留清洁生产领导小组和工作小组，由生产副总经理负责日常工作，安全环保部为归口管理部门。",
    "10.2": "企业修订了《清洁生产管理办法》《能源与用水考核细则》和合理化建议奖励办法，将清洁生产指标纳入车间月度绩效考核。",
    "10.3": A,
    "11.1": ("企业2026年3月自愿开展第二轮清洁生产审核，审核范围为厂区全部生产系统，审核重点为酿造车间。企业生产运营正常，"
             "执行排污许可、环境信息披露等环境管理制度。审核历经准备、预审核、审核、方案产生和筛选、方案确定、实施和持续清洁生产各阶段。"),
    "11.2.1": A + "\n对照《清洁生产审核评估与验收指南》验收关键指标，企业无环境违法行为，污染物稳定达标，合规。",
    "11.2.2": A,
    "11.2.3": A,
    "11.2.4": A,
    "11.2.5": A,
    "11.3": A,
    "11.4": "企业已按清洁生产档案清单建立本轮清洁生产审核档案，由安全环保部统一归档管理。",
    "11.5.1": "本轮审核亮点：煮沸二次蒸汽热能回收和UASB沼气锅炉掺烧两项技术节能降碳效果显著，可在区域啤酒行业推广。",
    "11.5.2": "存在的不足：工序级能源和水计量仍不完善，部分方案效益核算依赖估算；今后将完善计量并持续跟踪方案运行效果。",
    "附图": "附图除审核报告所列内容外，还包括主要方案实施前后照片、审核结果公示截图和验收现场照片。",
    "附件": "附件除审核报告所列内容外，还包括方案实施投资和效益证明材料、审核后监测报告、验收专家意见及审核绩效汇总表。",
}


def _section_texts(kind: str) -> list[dict]:
    texts = {**SECTION_TEXTS, **ACCEPTANCE_TEXTS} if kind == "acceptance" else SECTION_TEXTS
    return KINDS[kind].section_text_rows(texts)


# ---- the workbooks ------------------------------------------------------------------------------------

AUDIT_DATA: dict[str, object] = {
    "封面信息": COVER,
    "参数": PARAMETERS,
    "D.1": D1, "D.2": D2, "D.3": D3, "D.4": D4, "D.5": D5, "D.6": D6, "D.7": D7, "D.8": D8, "D.10": D10, "D.11": D11,
    "D.13": D13, "D.14": D14, "D.15": D15, "D.16": D16, "D.17": D17, "D.18": D18, "D.19": D19, "D.20": D20,
    "D.21": D21, "D.22": D22, "D.23": D23, "D.24": D24, "D.25": D25, "D.26": D26, "D.27": D27, "D.28": D28,
    "D.29": D29, "D.30": D30, "D.31": D31, "D.32": D32, "D.33": D33, "D.34": D34, "D.35": D35, "D.36": D36,
    "E.1": E1, "E.2": E2, "E.3": E3,
    "BAL.1": BAL1, "BAL.2": BAL2, "BAL.3": BAL3, "BAL.4": BAL4, "SCO.1": SCO1, "SCO.2": SCO2, "ECO.1": ECO1, "IND.1": IND1,
}

ACCEPTANCE_DATA: dict[str, object] = {
    **AUDIT_DATA,
    "D.38": D38, "D.39": D39, "D.40": D40, "D.41": D41, "D.42": D42, "D.43": D43,
    "E.4#form": E4_FORM, "E.4": E4,
    "ACC.1": ACC1, "ACC.2": ACC2, "ACC.3": ACC3,
}


def demo_data(kind: str) -> dict[str, object]:
    """The demo's data for `kind` ("audit" or "acceptance"), keyed by table id."""
    base = {"audit": AUDIT_DATA, "acceptance": ACCEPTANCE_DATA}[kind]
    return {**base, "D.37": _archive(kind), "章节文字": _section_texts(kind)}


REGION_FILE = "示例-中原啤酒行业-区域审核工作簿.xlsx"
REGION_DIR = "示例-区域企业审核工作簿"
REGION_ENTERPRISES = 24  # breweries aggregated into the region workbook

REGION_EXTRA = {
    "封面信息": {
        "company": "中原地区啤酒制造行业",
        "organizer": "中原地区啤酒行业清洁生产协同审核工作组",
        "consultant": "豫清环境技术咨询有限公司",
        "version": "送审稿",
        "report_date": D(2026, 10, 31),
        "round": 1,
    },
}


def write_region(directory: Path, force: bool = True, jobs: int | None = None) -> Path:
    """24 fictitious breweries (variants of the demo audit: names, districts, sizes and efficiencies) in
    `directory`/示例-区域企业审核工作簿, aggregated with the process pool into the region workbook."""
    import numpy as np

    from cpxl.aggregate import aggregate
    from cpxl.enterprises import demo_generator, demo_variant
    from cpxl.safeio import check_target

    directory = Path(directory)
    target = directory / REGION_FILE
    check_target(target, force=force)
    sub = directory / REGION_DIR
    sub.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(2026)
    gen = demo_generator(sub)
    for i in range(REGION_ENTERPRISES):
        data = demo_variant(i, rng, realistic=True)
        gen.write(data, sub / f"{i + 1:02d}-{data['封面信息']['company']}.xlsx")
    from cpxl.tables import registry as _registry

    table = _registry("region")["章节文字"]
    texts = [dict(zip(table.row_keys, printed)) for printed in table.rows]
    extra = {**REGION_EXTRA, "章节文字": [{**r, "text": REGION_TEXTS[r["number"]]} if r["number"] in REGION_TEXTS else r for r in texts]}
    return aggregate([sub], target, jobs=jobs, force=True, extra=extra).output


# 2.3 stays for the auditor: the region workbook holds no raw-material consumption to compare.
REGION_TEXTS = {
    "1.1": (A + "\n区域内审核对象企业产品均为啤酒，主要原料麦芽、大米和酒花颗粒外购，湿麦糟外售饲料企业、废酵母外售酵母加工企业综合利用；"
            "企业普遍配置糖化、发酵、过滤、灌装生产线和锅炉、制冷、空压等公用工程，并建有厌氧（UASB）+好氧污水处理站。"),
    "1.2": ("区域内啤酒制造企业执行《产业结构调整指导目录（2024年本）》和地方产业发展规划，新建项目须达到行业清洁生产先进水平；"
            "各辖区均将啤酒制造列入重点用水、用能行业监管名单。"),
    "2": (A + "\n关键性指标按单位产品和单位产值两种口径对标，先进值取审核对象企业的前25%分位值。多数企业未达到先进值，"
          "节水、节能和减污降碳均有提升空间。"),
    "2.1": "区域内企业执行的污染物排放标准主要为GB 19821—2005及地方锅炉大气污染物排放标准，各辖区取水定额和能耗限额要求基本一致。",
    "2.2": "区域企业普遍采用麦汁煮沸二次蒸汽回收、CIP清洗系统和燃气锅炉，部分企业糖化自动控制和制冷系统变频水平较低。",
    "2.4": (A + "\n区域企业取水以市政自来水为主，用水集中在糖化、CIP清洗、洗瓶和制冷冷却循环水系统；CIP和洗瓶机末道水回用不足、"
            "分工序用水计量不全是单位产品水耗偏高的主要原因。"),
    "2.5": "区域企业能源以天然气和外购电力为主：天然气用于锅炉产汽，电力主要用于制冷、空压和包装线；污水站UASB沼气多经火炬燃烧，未加利用。",
    "2.5.1": A + "\n单位产品综合能耗的差距主要来自煮沸二次蒸汽直接排放、蒸汽管网保温破损和疏水阀失效，以及制冷系统冷凝压力偏高、压缩机无变频。",
    "2.5.2": A + "\n区域企业碳排放来自天然气燃烧和外购电力，各辖区单位产品碳排放的高低与综合能耗一致，节能方案和沼气回收利用是主要减碳途径。",
    "2.6": ("区域企业废水经厂内污水处理站处理后排入城市污水处理厂；废气主要为燃气锅炉烟气、原料粉碎粉尘和污水站臭气；"
            "一般工业固体废物以湿麦糟、废酵母、废硅藻土和碎玻璃、废纸箱为主，危险废物主要为废机油、废化验试剂和废铅蓄电池。"),
    "2.6.1": A + "\n各企业污水处理站均采用UASB+A/O工艺；单位产品废水和COD排放量的差距主要来自末道水回用不足和废酵母随冲洗水进入污水站。",
    "2.6.2": A + "\n锅炉采用低氮燃烧器，粉碎粉尘经布袋除尘器处理；粉碎工段集气罩密闭性和布袋更换管理是主要短板。",
    "2.6.3": ("区域企业一般工业固体废物均综合利用：湿麦糟外售饲料企业，废酵母外售酵母加工企业，废硅藻土、污水站污泥和碎玻璃、"
              "废纸箱分别交建材、堆肥和回收企业利用；危险废物在危废暂存间暂存后委托有资质单位处置。废酵母未全量回收、"
              "麦糟残糖偏高是资源化利用的主要差距。"),
    "3": ("问题和方案取自各审核对象企业的清洁生产审核成果，经行业专家咨询、企业交流和先进技术目录比对归并，按十类汇总如下；"
          "方案的投资和效益为各企业数据之和。"),
    "3.1": A + "\n经行业专家咨询和先进技术目录比对，CIP清洗程序优化和糖化过程自动控制在区域内技术成熟、可推广性强。",
    "3.2": A + "\n错流膜过滤替代硅藻土过滤可消除废硅藻土，但投资大、回收期长，宜在新建或改造过滤线时推广。",
    "3.3": A + "\n洗糟工艺优化投资小、见效快，适合在区域内全面推广。",
    "3.4": A + "\n节水方案以末道水回用和分工序计量为主，中水回用系统扩容适合用水量大的企业。",
    "3.5": A + "\n煮沸二次蒸汽热能回收、UASB沼气回收利用和蒸汽管网修复是区域节能潜力最大的方向。",
    "3.6": "各企业未单列碳排放类问题和方案；碳排放来自天然气燃烧和外购电力，3.5所列节能方案和沼气回收利用同时具有减碳效果。",
    "3.7": A + "\n该类问题通过废酵母全量回收和末道水回用从源头削减，相关方案见3.4和3.9。",
    "3.8": A + "\n该类问题以加强集气罩密闭和布袋除尘器运行维护等管理措施解决，未单列投资方案。",
    "3.9": A + "\n废酵母全量回收外售投资小、效益好，适合在区域内全面推广。",
    "3.10": A + "\n能源和水三级计量考核、灌装净含量控制和岗位培训等管理类方案投资小，各企业均可实施。",
    "4.1": A + "\n问题集中在能源消耗、水污染物处理及排放和水资源消耗三类，解决方向为余热余能回收、水的梯级利用和源头减污。",
    "4.2": (A + "\n管理和工艺优化类方案投资小，投资回收期多在1年以内；节能、节水改造类方案投资回收期多为2～5年，"
            "错流膜过滤替代硅藻土过滤的投资回收期最长。"),
    "4.3": A + "\n已实施方案以投资小的管理和工艺优化类为主，拟实施方案以节能、节水改造为主。",
    "4.4": ("（1）将啤酒制造企业清洁生产审核纳入区域重点行业监管，推动未达到先进值的企业开展节水、节能改造；"
            "（2）在区域内推广煮沸二次蒸汽热能回收、UASB沼气回收利用、CIP末道水回用和废酵母全量回收等成熟方案；"
            "（3）统一区域企业能源和水三级计量要求，建立关键性指标年度对标机制；"
            "（4）组织行业交流和专家咨询，推动错流膜过滤等先进技术示范。"),
    "5": A + "\n区域啤酒企业清洁生产水平的差异主要体现在能源和水的利用效率，建议按4.4的建议持续推进区域协同清洁生产。",
}


def write_demo(directory: Path, force: bool = True, *, region: bool = True) -> list[Path]:
    """Write the example workbooks into `directory`: the brewery's audit and acceptance workbooks, the
    demo park's workbook and (`region`) the region workbook aggregated from 24 breweries — the audit
    workbook first."""
    from cpxl.demo_park import PARK_FILE, park_data

    directory = Path(directory)
    paths = []
    for kind, name in (("audit", AUDIT_FILE), ("acceptance", ACCEPTANCE_FILE)):
        paths.append(save_computed(build_workbook(kind, demo_data(kind)), directory / name, force=force))
    paths.append(save_computed(build_workbook("park", park_data()), directory / PARK_FILE, force=force))
    if region:
        paths.append(write_region(directory, force=force))
    return paths
